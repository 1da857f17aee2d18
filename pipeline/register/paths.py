"""Where the register keeps its files in a workspace.

Contract: paths only; nothing here reads or writes. The register's SQLite file and its backups
sit under ``.dvk/``; the archive of every received file (by its hash, with a JSON sidecar beside
it) and the records of sent messages sit under ``outbox/luu-tru/``, where ``dvk rebuild`` finds
them again. The folders themselves are named once, in :mod:`pipeline.core.paths`; this module
places one archived file in them.
"""

from __future__ import annotations

from pathlib import Path

from ..core.paths import ARCHIVE_FOLDER, BACKUP_FOLDER, MAIL_SENT_FOLDER, REGISTER_FILE

__all__ = ["ARCHIVE_FOLDER", "BACKUP_FOLDER", "MAIL_SENT_FOLDER", "REGISTER_FILE", "archive_path", "sidecar_path"]


def archive_path(root: Path, sha256: str, extension: str) -> Path:
    """The archived copy of a received file, by its content's hash."""
    return root / ARCHIVE_FOLDER / sha256[:2] / f"{sha256}{extension}"


def sidecar_path(root: Path, sha256: str) -> Path:
    """The JSON sidecar beside an archived file: what the ledger knows of it."""
    return root / ARCHIVE_FOLDER / sha256[:2] / f"{sha256}.json"
