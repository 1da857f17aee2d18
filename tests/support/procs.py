"""Processes seen through Linux's /proc: whether one still runs, which ones are in a process group;
and a child run to its end with its own peak memory."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, ..."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return None


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie has ended; only its parent, perhaps gone, would reap it)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def group(pgid: int) -> list[int]:
    """The live processes of process group ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and fields[0] != "Z" and int(fields[2]) == pgid:
                members.append(int(entry.name))
    return members


def outlived(pids: list[int], seconds: float) -> list[int]:
    """Those of ``pids`` still running after waiting up to ``seconds`` for all of them to end."""
    deadline = time.monotonic() + seconds
    while (running := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running


def wait_for_marker(marker: Path, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Wait until ``process`` has written ``marker`` (whole: by a rename); fails if it ends first,
    with its standard error, or takes more than ``seconds``."""
    deadline = time.monotonic() + seconds
    while not marker.exists() and process.poll() is None:
        assert time.monotonic() < deadline, f"{marker.name} was never written"
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()[1].decode()


def outlived_then_killed(pids: list[int], seconds: float) -> list[int]:
    """:func:`outlived`, and those left are killed: a failing test leaves no process behind."""
    left = outlived(pids, seconds)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


@dataclass(frozen=True)
class Measured:
    """A finished child: its exit code, what it wrote and the peak resident memory of it alone."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float


def run_measured(command: Sequence[str], cwd: Path, memory_limit: int, timeout: float = 120) -> Measured:
    """Run ``command`` to its end under an address-space limit of ``memory_limit`` bytes (a runaway
    fails fast instead of taking the machine); its peak RSS is ``os.wait4``'s, of this child alone
    (``RUSAGE_CHILDREN`` would be the largest of every child this test process ever had)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=err, preexec_fn=limit)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
            time.sleep(0.02)
        process.returncode = os.waitstatus_to_exitcode(status)
        texts = []
        for sink in (out, err):
            sink.seek(0)
            texts.append(sink.read().decode("utf-8", "replace"))
    return Measured(process.returncode, texts[0], texts[1], usage.ru_maxrss / 1024)
