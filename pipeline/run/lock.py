"""The workspace lock: one writing command at a time on a workspace.

Contract: :func:`workspace_lock` holds an operating-system lock on ``<root>/.dvk/lock`` for the
duration of a command that writes (the register, the archive or ``outbox/``). The lock belongs to
the open file, so the kernel releases it when the process ends in any way, a ``kill -9`` or a
power cut included: a lock left by a killed run is never stale, the next run simply takes it.
The holder writes its pid, host and start time into the file so that a second run, after waiting
``wait`` seconds, can refuse with a message that says who holds the workspace. POSIX uses
``fcntl.flock``; Windows (the office PCs) uses ``msvcrt.locking`` on one byte far past the text,
so that the text itself stays readable while it is locked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..core.errors import DvkError
from ..core.paths import LOCK_FILE

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


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        handle.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(handle: IO[bytes]) -> None:
        handle.seek(_WINDOWS_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
