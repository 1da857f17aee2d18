"""Child processes that end with the run: a run killed outright leaves nothing behind.

A child forked by the run inherits every open descriptor of it: the workspace lock (an ``flock`` is
held until the last descriptor of its open file is closed), the register's SQLite files and the
run's standard error. A child that outlived a run killed with SIGKILL (or by the kernel's
out-of-memory killer) would keep the workspace locked for every later run, and keep the pipe of
whoever started the run open, so that it waited for an end that never came. Python's process pool
workers do outlive their parent: they wait on a queue whose writing end they hold themselves.

So every child the run starts calls :func:`die_with_parent` first. On Linux it asks the kernel to
kill the child when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``). Where there is no such
request (Windows, or ``DVK_PORTABLE=1``: :mod:`pipeline.core.platform`) children are spawned, not
forked, and inherit no descriptors, but a pool worker would still wait forever: there a thread of
the child watches its parent (:func:`watch_parent`, multiprocessing's parent sentinel: the parent's
process handle on Windows, a pipe only the parent holds open on POSIX) and ends the child when the
parent has gone.

The kernel's request is tied to the thread that forked the child: the run forks from its main
thread only.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import wait

from ..core import platform

__all__ = ["PR_SET_PDEATHSIG", "die_with_parent", "watch_parent"]

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """Have this (child) process end when the process ``parent`` dies; exits at once if it has
    died already (the kernel would not send the signal for a death that came before the request)."""
    if platform.has_pdeathsig():
        _ask_the_kernel(parent)
    else:
        watch_parent()


def _ask_the_kernel(parent: int) -> None:
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def watch_parent() -> None:
    """End this process as soon as its parent has ended, from a thread that waits for it; nothing
    to watch in a process that multiprocessing did not start (then it is not a worker that waits)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel
    threading.Thread(target=_exit_when_ready, args=(sentinel,), name="dvk-lifeline", daemon=True).start()


def _exit_when_ready(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)
