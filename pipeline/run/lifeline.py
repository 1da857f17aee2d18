"""Child processes that end with the run: a run killed outright leaves nothing behind.

A child forked by the run inherits every open descriptor of it: the workspace lock (an ``flock`` is
held until the last descriptor of its open file is closed), the register's SQLite files and the
run's standard error. A child that outlived a run killed with SIGKILL (or by the kernel's
out-of-memory killer) would keep the workspace locked for every later run, and keep the pipe of
whoever started the run open, so that it waited for an end that never came. Python's process pool
workers do outlive their parent: they wait on a queue whose writing end they hold themselves.

So every child the run forks calls :func:`die_with_parent` first. On Linux it asks the kernel to
kill the child when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``). Elsewhere there is no
such request; Windows does not fork (pool workers are spawned and inherit no descriptors) and macOS
is not a platform this tool forks on.

The request is tied to the thread that forked the child: the run forks from its main thread only.
"""

from __future__ import annotations

import os
import signal
import sys

__all__ = ["PR_SET_PDEATHSIG", "die_with_parent"]

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """Have this (child) process killed when the process ``parent`` dies; exits at once if it has
    died already (the kernel would not send the signal for a death that came before the request)."""
    if sys.platform != "linux":
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)
