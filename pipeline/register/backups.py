"""The register's backups: a copy of the SQLite file taken before every run changes it.

Contract: ``backup`` copies the register consistently (SQLite's backup API) into
``<root>/.dvk/backups/`` under the run's time and drops the oldest copies beyond what is kept:
the last ten, as long as they fit in ``BACKUP_BUDGET`` together, and never fewer than three
(``backups_to_drop``). A killed run never leaves a half copy that looks like the newest one.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path

from .paths import BACKUP_FOLDER, REGISTER_FILE

# Backups kept: the last ten, as long as they fit in BACKUP_BUDGET together, and never fewer than
# three. A ward's register is a few megabytes, so it keeps ten; a province's of 5,400 workbooks is
# about 270 MB, and ten of them (2.7 GB) would crowd an office PC's disk.
BACKUPS_KEPT = 10
BACKUPS_ALWAYS_KEPT = 3
BACKUP_BUDGET = 1 << 30  # bytes


def backup(root: Path, now: dt.datetime) -> Path | None:
    """Copy the register (consistently, through SQLite's backup API) before a run changes it."""
    source_path = root / REGISTER_FILE
    if not source_path.exists():
        return None
    folder = root / BACKUP_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"register-{now:%Y%m%d-%H%M%S}.sqlite3"
    # Copied into a temporary file and renamed, so a killed run never leaves a half backup that
    # looks like the newest one; the name is the one ooxml.remove_temporaries sweeps up.
    temp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(temp)) as copy:
            source.backup(copy)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    for old in backups_to_drop(sorted(folder.glob("register-*.sqlite3"))):
        for suffix in ("", "-wal", "-shm"):  # a backup someone opened may have grown these
            Path(f"{old}{suffix}").unlink(missing_ok=True)
    return target


def backups_to_drop(backups: list[Path]) -> list[Path]:
    """Of ``backups`` (oldest first), those beyond the newest ``BACKUPS_KEPT``, or beyond the newest
    that fit in ``BACKUP_BUDGET`` together (but at least ``BACKUPS_ALWAYS_KEPT``)."""
    kept, total = 0, 0
    for path in reversed(backups):
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        if kept >= BACKUPS_ALWAYS_KEPT and (kept >= BACKUPS_KEPT or total + size > BACKUP_BUDGET):
            break
        kept, total = kept + 1, total + size
    return backups[: len(backups) - kept]
