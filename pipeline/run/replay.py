"""An unchanged run answered from the last one: ``dvk consolidate`` when nothing it reads has changed.

A run's result depends on the code and configuration (:func:`.runcache.config_fingerprint`), the
year and report date asked for, the files in ``inbox/``, the register and the archive. After a
completed run, :func:`save` records all of them with the run's answer (what the CLI prints, and its
JSON) and the outputs it left; :func:`replayed` gives that answer back when every one is still as
recorded, so nothing is read, tracked or written.

Files are compared like git's index compares a work tree: by size, modification and change time
(the change time cannot be set back by a user) and inode, not by hashing their bytes — hashing the
inbox and the register would cost more than the rest of an unchanged run. Anything that cannot be
trusted (a file that cannot be read, a register with a write-ahead log left open) means a full
run. The clock plays no part: a file's received-at is fixed when it is first seen, by the run that
recorded it. The record is removed before a full
run starts, so a run killed half-way never leaves one that matches.

The record is only a cache under ``.dvk/cache/``: deleted or damaged, the next run is a full one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..core.ooxml import atomic_write
from ..core.paths import ARCHIVE_FOLDER, CACHE_FOLDER, REGISTER_FILE, WorkspacePaths
from ..intake.receive import discover
from .cache import config_fingerprint
from .filestate import inbox_key, key_of

__all__ = ["RunAnswer", "consolidate_year", "forget", "last_answer", "replayed", "save"]

RECORD_VERSION = 1


@dataclass(frozen=True)
class RunAnswer:
    """What a ``dvk consolidate`` run answers: its JSON summary, its text for people, and whether it failed."""

    summary: Mapping[str, Any]
    text: str
    failed: bool
    replayed: bool = field(default=False, compare=False)


def consolidate_year(
    root: Path,
    config: Config,
    year: int,
    report_date: dt.date | None,
    progress: Callable[[str], None] | None = None,
    now: dt.datetime | None = None,
) -> RunAnswer:
    """``dvk consolidate``: the last run's answer when nothing it depended on changed since (nothing
    is read or written, and the stages are not even imported), else a full
    :func:`.cycle.run_consolidation`."""
    answer, inbox = replayed(root, config, year, report_date)
    if answer is not None:
        for entry in inbox or ():  # every file checked: a progress bar ends full, not at 0 %
            if progress:
                progress(entry[0].removeprefix("inbox/"))  # named as a full run names them
        return answer
    from .cycle import run_consolidation
    from .render import render_summary

    forget(root, year)
    result = run_consolidation(root, config, year, report_date, progress, now)
    answer = RunAnswer(result.summary(root), render_summary(result), result.failed)
    if inbox is not None:
        save(root, config, year, report_date, inbox, result.outputs, answer)
    return answer


def record_path(root: Path, year: int) -> Path:
    return root / CACHE_FOLDER / f"last-run-{year}.json"


def _files_state(root: Path, paths: Iterable[str | Path]) -> list[Any] | None:
    """Each file's path (relative to ``root``) and its size, modification and change time and inode
    (what changes when its content does); None when one cannot be read."""
    state: list[Any] = []
    start = len(str(root)) + 1
    for path in paths:
        name = str(path)
        try:
            st = os.stat(name)
        except OSError:
            return None
        # plain strings, not pathlib: this runs over every file of the inbox and the archive
        state.append([name[start:].replace(os.sep, "/"), *key_of(st)])
    return state


def inbox_state(root: Path) -> list[Any] | None:
    """The inbox's files as a run would discover them; None when one cannot be read."""
    state: list[Any] = []
    for path in discover(WorkspacePaths(root).inbox):
        try:
            state.append([path.relative_to(root).as_posix(), *inbox_key(path)])
        except OSError:
            return None
    return state


def _stored_state(root: Path) -> list[Any] | None:
    """The register (closed: no write-ahead log) and every file of the archive."""
    register = root / REGISTER_FILE
    if Path(f"{register}-wal").exists():
        return None
    return _files_state(root, [str(register), *_walk(root / ARCHIVE_FOLDER)])


def _walk(folder: Path) -> list[str]:
    """Every file under ``folder``, sorted (os.walk and strings: pathlib costs 10x more on a big archive)."""
    return sorted(os.path.join(top, name) for top, _, names in os.walk(folder) for name in names)


def _key(root: Path, config: Config, year: int, report_date: dt.date | None, inbox: list[Any]) -> str:
    # The workspace's own path too: the answer's text names paths under it.
    place = str(root.resolve())
    text = json.dumps([RECORD_VERSION, place, config_fingerprint(config), year, str(report_date), inbox])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replayed(
    root: Path, config: Config, year: int, report_date: dt.date | None
) -> tuple[RunAnswer | None, list[Any] | None]:
    """The last run's answer when nothing it depended on has changed, else None; and the inbox's
    state, to :func:`save` after a full run (None when the inbox cannot be trusted)."""
    inbox = inbox_state(root)
    if inbox is None:
        return None, None
    try:
        record = json.loads(record_path(root, year).read_text(encoding="utf-8"))
        if record["key"] != _key(root, config, year, report_date, inbox) or record["stored"] != _stored_state(root):
            return None, inbox
        outputs = [root / entry[0] for entry in record["outputs"]]
        if _files_state(root, outputs) != record["outputs"]:
            return None, inbox
        return RunAnswer(record["summary"], record["text"], bool(record["failed"]), replayed=True), inbox
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None, inbox


def last_answer(root: Path, year: int) -> RunAnswer | None:
    """The answer of the last completed run of ``year``, whatever changed since; None when there
    is none (never run, or a run under way or killed: the record is removed when a run starts)."""
    try:
        record = json.loads(record_path(root, year).read_text(encoding="utf-8"))
        if not isinstance(record["summary"], dict):
            return None
        return RunAnswer(record["summary"], str(record["text"]), bool(record["failed"]), replayed=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget(root: Path, year: int) -> None:
    """Remove the record before a full run: a run killed half-way must leave none that matches."""
    with contextlib.suppress(OSError):
        record_path(root, year).unlink(missing_ok=True)


def save(
    root: Path,
    config: Config,
    year: int,
    report_date: dt.date | None,
    inbox: list[Any],
    outputs: Iterable[Path],
    answer: RunAnswer,
) -> None:
    """Record a completed run (its register closed, its outputs in place); a failure to write it
    only costs the next run its shortcut."""
    stored = _stored_state(root)
    written = _files_state(root, sorted(outputs))
    if stored is None or written is None:
        return
    record = {
        "key": _key(root, config, year, report_date, inbox),
        "stored": stored,
        "outputs": written,
        "summary": answer.summary,
        "text": answer.text,
        "failed": answer.failed,
    }
    with contextlib.suppress(OSError):
        atomic_write(record_path(root, year), json.dumps(record, ensure_ascii=False).encode("utf-8"))
