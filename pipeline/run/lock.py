"""The workspace lock: one writing command at a time on a workspace.

Contract: :func:`workspace_lock` holds an operating-system lock on ``<root>/.dvk/lock`` for the
duration of a command that writes (the register, the archive or ``outbox/``). The lock belongs to
the open file, so the kernel releases it when the process ends in any way, a ``kill -9`` or a
power cut included: a lock left by a killed run is never stale, the next run simply takes it.
The holder writes its pid, host and start time into the file so that a second run, after waiting
``wait`` seconds, can refuse with a message that says who holds the workspace. POSIX uses
``fcntl.flock``; Windows (the office PCs) uses ``msvcrt.locking`` on one byte far past the text,
so that the text itself stays readable while it is locked. With ``DVK_PORTABLE=1`` Linux takes the
Windows branch, with ``msvcrt.locking`` emulated (:class:`EmulatedMsvcrt`): the same seek, lock,
wait and retry run as on Windows. (An emulated lock and an ``flock`` do not see each other: the runs
sharing a workspace must agree on ``DVK_PORTABLE``, as they do on one PC.)
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import socket
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Protocol, cast

from ..core import platform
from ..core.errors import DvkError
from ..core.paths import LOCK_FILE, OUTBOX, STATE

# Windows locks a byte range; the range sits past any text written to the file (locking past the
# end of a file is allowed there), so readers of the holder's details are never blocked.
_WINDOWS_LOCK_OFFSET = 1 << 20
_POLL_SECONDS = 0.1


class WorkspaceBusy(DvkError):
    """Another process holds the workspace lock; the message names it, in Vietnamese."""

    def __init__(self, path: Path, holder: dict[str, object], waited: float) -> None:
        self.path = path
        self.holder = holder
        super().__init__(busy_message(path, holder, waited))


def busy_message(path: Path, holder: dict[str, object], waited: float) -> str:
    """Who holds the workspace, and what to do."""
    who = (
        f"tiến trình {holder.get('pid', '?')} trên máy “{holder.get('host', '?')}”, "
        f"chạy lệnh “dvk {holder.get('command', '?')}” từ {_vietnamese_moment(holder.get('started'))}"
    )
    if not holder:
        who = "một tiến trình khác (chưa ghi thông tin)"
    return (
        f"Thư mục làm việc đang được dùng bởi {who} (khóa “{path}”); đã chờ {waited:g} giây. "
        "Hãy đợi lệnh đó chạy xong rồi chạy lại, hoặc dùng --lock-wait để chờ lâu hơn."
    )


def _vietnamese_moment(text: object) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return "?"
    return f"{moment:%H:%M:%S} ngày {moment:%d/%m/%Y}"


@contextmanager
def workspace_lock(root: Path, command: str, wait: float = 0.0) -> Iterator[Path]:
    """Hold the workspace lock, waiting at most ``wait`` seconds for another holder to finish."""
    path = root / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    # "a+" creates the file if needed and never truncates what the current holder wrote.
    with open(path, "a+b") as handle:
        _acquire(handle, path, wait)
        try:
            _write_holder(handle, command)
            yield path
        finally:
            _release(handle)


@contextmanager
def writing_lock(root: Path, command: str, wait: float = 0.0) -> Iterator[None]:
    """:func:`workspace_lock` for a command that writes, sweeping first what a killed run left:
    holding the lock, no other run is writing, so any temporary file is a dead run's."""
    from ..core.ooxml import remove_temporaries

    with workspace_lock(root, command, wait):
        remove_temporaries(root / OUTBOX)
        remove_temporaries(root / STATE)
        yield


def lock_holder(root: Path) -> dict[str, object] | None:
    """Who holds the workspace lock now (the details the holder wrote), or None when it is free.

    Tries the lock without waiting and lets it go at once: the lock belongs to an open file, so
    this works from the process that holds it too (the browser workspace asking about its own run)."""
    path = root / LOCK_FILE
    if not path.exists():
        return None
    with open(path, "a+b") as handle:
        if not _try_lock(handle):
            return read_holder(path)
        _release(handle)
    return None


def read_holder(path: Path) -> dict[str, object]:
    """The details the current (or last) holder wrote; empty when there are none yet."""
    try:
        text = path.read_text(encoding="utf-8").strip()
        data = json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _acquire(handle: IO[bytes], path: Path, wait: float) -> None:
    deadline = time.monotonic() + max(wait, 0.0)
    while not _try_lock(handle):
        if time.monotonic() >= deadline:
            raise WorkspaceBusy(path, read_holder(path), wait)
        time.sleep(_POLL_SECONDS)


def _write_holder(handle: IO[bytes], command: str) -> None:
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "started": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
    }
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps(holder, ensure_ascii=False).encode("utf-8"))
    handle.flush()


def _try_lock(handle: IO[bytes]) -> bool:
    """Take the lock without waiting; whether it was free."""
    if platform.byte_range_lock():
        return _try_byte_lock(handle, _byte_locking())
    return _try_flock(handle)


def _release(handle: IO[bytes]) -> None:
    if platform.byte_range_lock():
        _release_byte_lock(handle, _byte_locking())
    else:
        _release_flock(handle)


# --------------------------------------------------------------------------- Windows: a byte range


class ByteLocking(Protocol):
    """What the lock uses of ``msvcrt``: ``locking(fd, mode, nbytes)`` locks or unlocks ``nbytes``
    from the file's current position, and raises ``OSError`` when a non-blocking lock is taken."""

    LK_NBLCK: int
    LK_UNLCK: int

    def locking(self, fd: int, mode: int, nbytes: int, /) -> None: ...


def _try_byte_lock(handle: IO[bytes], locking: ByteLocking) -> bool:
    handle.seek(_WINDOWS_LOCK_OFFSET)
    try:
        locking.locking(handle.fileno(), locking.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _release_byte_lock(handle: IO[bytes], locking: ByteLocking) -> None:
    handle.seek(_WINDOWS_LOCK_OFFSET)
    locking.locking(handle.fileno(), locking.LK_UNLCK, 1)


def _byte_locking() -> ByteLocking:
    """``msvcrt`` where it exists (Windows), else its emulation (``DVK_PORTABLE=1`` on Linux)."""
    try:
        return cast(ByteLocking, importlib.import_module("msvcrt"))
    except ImportError:
        return EmulatedMsvcrt()


class EmulatedMsvcrt:
    """``msvcrt.locking`` as Windows does it, on Linux: a lock of a byte range that belongs to the
    open file (another handle on the same file, in this process or another, is refused; closing
    another handle releases nothing) and ends with the process. Linux's open file description locks
    (``F_OFD_SETLK``) have exactly these semantics; ``fcntl.lockf`` does not (its locks belong to the
    process, so a second handle of the same process would get the lock, and reading the holder's
    details, which opens and closes the file, would release it)."""

    LK_UNLCK = 0  # msvcrt's values
    LK_NBLCK = 2

    def locking(self, fd: int, mode: int, nbytes: int, /) -> None:
        import fcntl

        kind = fcntl.F_WRLCK if mode == self.LK_NBLCK else fcntl.F_UNLCK
        start = os.lseek(fd, 0, os.SEEK_CUR)
        # struct flock: l_type, l_whence, l_start, l_len, l_pid (0, as OFD locks require).
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi4x", kind, os.SEEK_SET, start, nbytes, 0))


# --------------------------------------------------------------------------- POSIX: the whole file


def _try_flock(handle: IO[bytes]) -> bool:
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _release_flock(handle: IO[bytes]) -> None:
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
