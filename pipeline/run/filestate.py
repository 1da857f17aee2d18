"""Whether a file changed, by its metadata: what lets a run skip reading files it has seen before.

Like git's index: a file whose size, modification time, change time and inode are all as recorded
has the content it had (the change time is set by the system on every write or rename and cannot be
set back by a user). Windows has no change time (``st_ctime`` is the creation time there, and a copy
over a file keeps the target's), so there the metadata is never trusted: :func:`inbox_key` adds the
content's hash and :class:`KnownHashes` knows nothing. :class:`KnownHashes` keeps the SHA-256 of the inbox's files by that key, so a run
hashes only the files that are new or changed. It is a cache under ``.dvk/cache/``: deleted or
damaged, every file is read and hashed again.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from ..core import platform
from ..core.ooxml import atomic_write
from ..core.paths import HASHES_FILE, file_sha256

FileKey = list[int]
# Whether st_ctime is the time of the last change (POSIX), not the creation time (Windows, or a run
# with DVK_PORTABLE=1): decided once, when the module is imported.
CHANGE_TIME_KNOWN = platform.change_time_known()


def file_key(path: str | Path) -> FileKey:
    """Size, modification and change time (ns) and inode: what changes when the content does."""
    return key_of(os.stat(path))


def key_of(st: os.stat_result) -> FileKey:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def inbox_key(path: str | Path) -> list[int | str]:
    """:func:`file_key` of a file someone else may replace; with its content's hash where the
    metadata cannot tell."""
    key: list[int | str] = [*file_key(path)]
    if not CHANGE_TIME_KNOWN:
        key.append(file_sha256(path))  # a chunk at a time: an inbox file may be of any size
    return key


class KnownHashes:
    """The SHA-256 of inbox files by name and :func:`file_key`, from the last run that read them."""

    def __init__(self, root: Path) -> None:
        self.path = root / HASHES_FILE
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            self.known: dict[str, list[object]] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.known = {}
        self.seen: dict[str, list[object]] = {}

    def get(self, name: str, key: FileKey) -> str | None:
        """The content hash of ``name`` when its key is the one recorded with it."""
        recorded = self.known.get(name)
        if CHANGE_TIME_KNOWN and isinstance(recorded, list) and recorded[:-1] == key and isinstance(recorded[-1], str):
            return recorded[-1]
        return None

    def put(self, name: str, key: FileKey, sha256: str) -> None:
        self.seen[name] = [*key, sha256]

    def save(self) -> None:
        """Keep the files seen by this run (the others have left the inbox); a failure only costs hashing."""
        with contextlib.suppress(OSError):
            atomic_write(self.path, json.dumps(self.seen, sort_keys=True).encode("utf-8"))
