"""Outputs built on two cores: a forked child builds some of them while this process builds the rest.

Contract: ``build_all(makers, aside)`` returns what ``{name: make() for name, make in makers.items()}``
returns, in the same order and byte for byte. The makers named in ``aside`` run in a forked child
at the same time as the others run here. A maker that raises in the child is called again here, so
its exception reaches the caller as it would in a serial build; so are the makers of a child that
died, or hung (no answer long after this process built its part: ``CHILD_WAIT_*``). Where ``fork``
is not used (Windows, macOS, ``DVK_PORTABLE=1``, one core, too little free memory for a child:
:func:`room_for_child`),
or when nothing or everything is set aside, every maker runs here, in order.

Why a fork and not a process pool: the makers close over the run's consolidated data, which holds
hundreds of megabytes at province scale. A forked child shares those pages and needs nothing pickled
on the way in. Only the built bytes come back, through a pipe.

The makers must be pure: they build bytes and write nothing. The child writes only to its pipe, and
it leaves with ``os._exit``, so no ``atexit`` handler or finaliser of the parent runs twice (no
SQLite connection of the parent's is closed or checkpointed by the child). On Linux, the child is
killed together with its parent, so a killed run leaves no child that still holds the workspace
lock (inherited with the lock file's descriptor).
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import time
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from ..core import platform
from .lifeline import die_with_parent

__all__ = ["build_all", "can_fork", "room_for_child"]

Maker = Callable[[], bytes | None]

# How long the parent waits for the child once its own part is built: ten times as long as that
# took (the two parts take about as long: 1.2 s and 2.0 s at 1,000 files), and at least a minute,
# for a machine that is busy. A child that has not finished by then is taken for hung (it should
# not: it is forked from the run's one thread) and its part is built here.
CHILD_WAIT_MIN = 60.0
CHILD_WAIT_FACTOR = 10


def can_fork() -> bool:
    """Whether outputs may be built in a forked child here: where the tool forks (Linux, unless
    ``DVK_PORTABLE=1``: :func:`platform.has_fork`) with at least two cores."""
    return platform.has_fork() and (os.cpu_count() or 1) >= 2


def room_for_child(meminfo: str = "/proc/meminfo", statm: str = "/proc/self/statm") -> bool:
    """Whether the machine has memory to spare for the child: at least twice this process's resident
    size available. The child shares this process's pages only until it touches them, and building a
    report touches every item (reference counts), so it comes to copy most of them: measured at 1,000
    files, 205 MB of private pages in the child for 243 MB in the parent. On an office PC a province's
    run would rather take a second longer than swap."""
    try:
        fields = dict(line.split(":", 1) for line in Path(meminfo).read_text().splitlines() if ":" in line)
        available = int(fields["MemAvailable"].split()[0]) * 1024
        resident = int(Path(statm).read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, KeyError, IndexError):
        return False
    return available >= 2 * resident


def build_all(makers: Mapping[str, Maker], aside: Collection[str]) -> dict[str, bytes | None]:
    """Every maker's result by name; those named in ``aside`` built in a forked child (see the module)."""
    moved = [name for name in makers if name in aside]
    if not moved or len(moved) == len(makers) or not can_fork() or not room_for_child():
        return {name: make() for name, make in makers.items()}
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read_end)
        _child(write_end, parent, {name: makers[name] for name in moved})
    os.close(write_end)
    try:
        started = time.monotonic()
        built = {name: make() for name, make in makers.items() if name not in aside}
        patience = max(CHILD_WAIT_MIN, CHILD_WAIT_FACTOR * (time.monotonic() - started))
        sent = _read_until_closed(read_end, time.monotonic() + patience)
        if sent is None:  # a hung child: its part is built here instead
            os.kill(pid, signal.SIGKILL)
    except BaseException:  # an error here, or Ctrl-C: the child's work is not wanted
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)  # reaped whatever happened: no zombie is left
    from_child = _results(sent) if status == 0 and sent is not None else {}
    for name in moved:
        # Not built there (it raised, or the child died): built here, so that its error is raised here.
        built[name] = from_child[name] if name in from_child else makers[name]()
    return {name: built[name] for name in makers}


def _read_until_closed(fd: int, deadline: float) -> bytes | None:
    """Everything written to the pipe ``fd`` until its writer closes it; None if that has not
    happened by ``deadline`` (``time.monotonic()``)."""
    chunks: list[bytes] = []
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
    return None


def _child(write_end: int, parent: int, makers: Mapping[str, Maker]) -> None:  # pragma: no cover - in the child
    """Build ``makers`` and send what was built to the parent; never returns."""
    status = 1
    try:
        die_with_parent(parent)
        # The child lives for seconds: a collection would only walk (and so copy) the parent's pages.
        gc.disable()
        results: dict[str, bytes | None] = {}
        for name, make in makers.items():
            try:
                results[name] = make()
            except Exception:  # built again by the parent, which raises it there
                continue
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
        status = 0
    finally:
        os._exit(status)


def _results(sent: bytes) -> dict[str, bytes | None]:
    """What the child built, from the bytes it sent (empty if there are none or they are not whole)."""
    try:
        results = pickle.loads(sent)  # our own child's bytes, through a private pipe
    except (pickle.UnpicklingError, EOFError, ValueError):
        return {}
    return results if isinstance(results, dict) else {}
