"""Office Open XML packages (.xlsx, .docx) written reproducibly and safely.

Contract: :func:`deterministic_zip` turns the bytes of a saved package into bytes that depend only
on its content: every zip entry gets the same timestamp and attributes, entries keep their order,
and the creation/modification dates of ``docProps/core.xml`` are set to a fixed moment (openpyxl
and python-docx stamp the current time there on save). :func:`atomic_write` replaces a file
without ever leaving a half-written one behind, :func:`atomic_write_all` replaces several files
only once all of them are written, and :func:`remove_temporaries` sweeps up what a killed run left.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

from . import platform

CORE_PROPERTIES = "docProps/core.xml"
# The earliest time a zip entry can carry; any fixed value would do.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
TEMP_SUFFIX = ".tmp"
# SQLite adds -wal / -shm / -journal files beside a temporary register (register.open_new_register).
_TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{8}\.tmp(-wal|-shm|-journal)?")
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def deterministic_zip(data: bytes, fixed: dt.datetime) -> bytes:
    """Rewrite a zip package with fixed entry timestamps and fixed core-property dates."""
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == CORE_PROPERTIES:
                content = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<3>", content)
            target.writestr(_fixed_entry(info.filename), content)
    return out.getvalue()


def fixed_zip_entry(name: str) -> zipfile.ZipInfo:
    """The entry header :func:`deterministic_zip` gives ``name``, for a writer that streams an entry."""
    return _fixed_entry(name)


def _fixed_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry header that does not depend on the clock or the platform."""
    entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 0
    entry.external_attr = 0
    return entry


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename."""
    atomic_write_all({path: data})


def atomic_copy(source: Path, path: Path) -> None:
    """Copy the file ``source`` to ``path`` as :func:`atomic_write` writes, a chunk at a time (its
    content is never held in memory whole)."""
    with WriteBatch() as batch:
        batch.add_copy(path, source)


def atomic_write_all(documents: Mapping[Path, bytes]) -> None:
    """Write several files; none is replaced until every one of them is written in full.

    Every file is first written in full to a temporary file beside its target and flushed to the
    disk; only when all of them are there are they renamed into place. A full disk or a read-only
    folder therefore fails before any previous output is touched. A failure is raised as an
    ``OSError`` that names the target, not the temporary file (which the user never sees)."""
    with WriteBatch() as batch:
        for path, data in documents.items():
            batch.add(path, data)


# From this many files on, one sync() first: the kernel writes them all back in one go, and the
# fsync() of each that follows (which reports a write error of that file) finds little left to do.
# An fsync per file alone costs a journal commit each: 2,000 archived files took 12 s.
SYNC_ALL_FROM = 16


class WriteBatch:
    """Files written together, as :func:`atomic_write_all` writes them, staged one by one as they
    come (so their content need not be held in memory together).

    Used as a context manager: on a clean exit every staged file is flushed to the disk, then all are
    renamed into place; on an exception none is, and the temporary files are removed."""

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path]] = []

    def add(self, path: Path, data: bytes) -> None:
        self.staged.append((_stage(path, data), path))

    def add_copy(self, path: Path, source: Path) -> None:
        """Stage a copy of the file ``source``, read a chunk at a time."""

        def copy(handle: BinaryIO) -> None:
            with source.open("rb") as original:
                shutil.copyfileobj(original, handle)

        self.staged.append((_stage_written(path, copy), path))

    def __enter__(self) -> WriteBatch:
        return self

    def __exit__(self, kind: type[BaseException] | None, *details: object) -> None:
        try:
            if kind is None:
                self._commit()
        finally:
            for temp, _ in self.staged:
                temp.unlink(missing_ok=True)

    def _commit(self) -> None:
        _flush(self.staged)
        for temp, path in self.staged:
            _renamed(temp, path)
        for folder in sorted({path.parent for _, path in self.staged}):
            _sync_folder(folder)


def _flush(staged: list[tuple[Path, Path]]) -> None:
    """Every staged file's content on the disk; a failure names the file's target."""
    if len(staged) >= SYNC_ALL_FROM and hasattr(os, "sync"):
        os.sync()
    for temp, path in staged:
        try:
            fd = os.open(temp, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows flushes writable handles only
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise _naming(exc, path) from exc


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a new temporary file beside ``path`` (flushed to the disk by :func:`_flush`)."""
    return _stage_written(path, lambda handle: handle.write(data))


def _stage_written(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """A new temporary file beside ``path`` that ``write`` fills (flushed to the disk by :func:`_flush`)."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # os.open with mode 0o666 lets the umask decide the permissions, as for any ordinary file.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _naming(exc, path) from exc
        raise
    return temp


def _renamed(temp: Path, path: Path) -> None:
    try:
        os.replace(temp, path)
    except OSError as exc:
        raise _naming(exc, path) from exc


def _naming(exc: OSError, path: Path) -> OSError:
    """The same error, about the file the user asked for."""
    return type(exc)(exc.errno, exc.strerror or str(exc), str(path))


def _sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable (POSIX; Windows has no directory handles to flush)."""
    if not platform.can_sync_folders():
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a directory; the rename itself stands
        pass
    finally:
        os.close(fd)


def is_temporary(path: Path) -> bool:
    """A temporary file of :func:`atomic_write_all` (hidden, random tag, ``.tmp``)."""
    return _TEMP_NAME.fullmatch(path.name) is not None


def remove_temporaries(folder: Path) -> list[Path]:
    """Delete the temporary files a killed run left under ``folder``; call only while holding the
    workspace lock (then no other run can be writing them). Returns what was removed."""
    removed = []
    if folder.is_dir():
        for path in sorted(folder.rglob(f".*{TEMP_SUFFIX}*")):
            if path.is_file() and is_temporary(path):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
