"""Which of the operating system's paths the tool takes: the one place that decides it.

The office PCs most likely run Windows, where there is no ``fork``, no ``prctl`` and no ``fcntl``;
the build and test machines run Linux. Every piece of code that differs by system asks this module
(never ``sys.platform`` or ``os.name`` itself), so that ``DVK_PORTABLE=1`` sends a Linux run down
the paths a Windows PC takes, and the whole test suite can run them (``.ci/run`` does, once):

- child processes start with ``spawn`` (a fresh interpreter that imports what it runs and gets its
  arguments pickled), never ``fork``; the reports' child, a fork, is not used (:func:`has_fork`);
- children die with the run by watching their parent, not by ``prctl`` (:func:`has_pdeathsig`);
- the workspace lock is a byte-range lock taken as ``msvcrt.locking`` takes it (:func:`byte_range_lock`);
- a file's change time is not trusted (:func:`change_time_known`) and folders are not synced
  (:func:`can_sync_folders`).

The environment is read at every call, so a test may set or clear ``DVK_PORTABLE``; children
inherit it with the rest of the environment.
"""

from __future__ import annotations

import os
import sys

__all__ = [
    "PORTABLE",
    "byte_range_lock",
    "can_sync_folders",
    "change_time_known",
    "has_fork",
    "has_pdeathsig",
    "portable",
    "start_method",
    "windows",
]

PORTABLE = "DVK_PORTABLE"


def portable() -> bool:
    """Whether ``DVK_PORTABLE=1`` asks for the paths a Windows PC takes."""
    return os.environ.get(PORTABLE) == "1"


def windows() -> bool:
    return sys.platform == "win32"


def _linux_paths() -> bool:
    """Linux's own paths are taken: on Linux, not asked to behave as Windows."""
    return sys.platform == "linux" and not portable()


def has_fork() -> bool:
    """Whether children may be forked: Linux only (missing on Windows, unsafe with macOS's system
    libraries)."""
    return _linux_paths()


def start_method() -> str:
    """The ``multiprocessing`` start method of every child process the tool starts."""
    return "fork" if has_fork() else "spawn"


def has_pdeathsig() -> bool:
    """Whether a child can ask the kernel to kill it when its parent dies (Linux's ``prctl``)."""
    return _linux_paths()


def byte_range_lock() -> bool:
    """Whether the workspace lock is a byte-range lock (Windows' ``msvcrt.locking``, emulated when
    portable) rather than a lock of the whole file (``fcntl.flock``)."""
    return windows() or portable()


def change_time_known() -> bool:
    """Whether ``st_ctime`` is the time of the last change (POSIX), not the creation time (Windows)."""
    return os.name == "posix" and not portable()


def can_sync_folders() -> bool:
    """Whether a folder can be opened and flushed to make renames in it durable (POSIX; Windows has
    no directory handles to flush)."""
    return os.name == "posix" and not portable()
