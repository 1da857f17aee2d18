"""Processes seen through Linux's /proc: whether one still runs, which ones are in a process group;
and a child run to its end with its own peak memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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


# Run by a small launcher, not forked from the test process: Linux keeps a process's peak RSS across
# ``exec`` (``signal->maxrss``) and a forked child starts with its parent's resident pages, so a child
# forked from a pytest process of 150 MB reports at least 150 MB whatever it does itself.
_LAUNCHER = """
import os, resource, subprocess, sys
limit, report, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
process = subprocess.Popen(command)
_, status, usage = os.wait4(process.pid, 0)
with open(report, "w") as sink:
    sink.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(command: Sequence[str], cwd: Path, memory_limit: int, timeout: float = 120) -> Measured:
    """Run ``command`` to its end under an address-space limit of ``memory_limit`` bytes (a runaway
    fails fast instead of taking the machine); its peak RSS is ``os.wait4``'s, of this child alone,
    started from a launcher of a few megabytes as a shell would start it (``RUSAGE_CHILDREN`` would be
    the largest of every child this test process ever had; a child forked from it, at least its size)."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "maxrss"
        launcher = [sys.executable, "-c", _LAUNCHER, str(memory_limit), str(report), *command]
        process = subprocess.Popen(
            launcher, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the launcher and the command it started
            process.communicate()
            raise
        peak_kb = int(report.read_text()) if report.exists() else 0
    texts = [stream.decode("utf-8", "replace") for stream in (out, err)]
    return Measured(process.returncode, texts[0], texts[1], peak_kb / 1024)
