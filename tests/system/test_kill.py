"""``dvk consolidate`` killed with SIGKILL at many points: nothing half-written, nothing lost.

Most kills land after a random delay within the first three quarters of a clean run of the same
workspace (measured first; a later run can be quicker, helped by what a killed one had cached), so
they fall in every phase: start-up, reading and archiving the inbox, the register's transaction.
Writing the outputs takes a small share of a run, so two more kills are aimed at it by watching
the outbox (no hook in the code): when a temporary output appears, and when the first output is
renamed into place. After each kill: every file in ``outbox/`` is complete (each .xlsx/.docx
opens as a zip and passes ``testzip``, each archived copy matches the hash it is named by, each
sidecar parses) or is a hidden temporary file that the next run sweeps up; the register passes
``PRAGMA integrity_check``; the inbox is unchanged (hashes, sizes, times).
No process of the killed run outlives it (a pool worker left behind would hold the workspace lock).
The next run starts at once with ``--lock-wait 0`` (the killed run's lock died with it), and
after it completes the register and every output equal those of a clean run.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from pipeline.core.ooxml import is_temporary
from pipeline.register import ARCHIVE_FOLDER, REGISTER_FILE
from pipeline.run import replay
from tests.support.builder import copy_workspace, inbox_state, numbered_workspace
from tests.support.procs import group, outlived

DVK = [sys.executable, "-m", "pipeline"]


# Generous bounds, so that a run that hangs fails the test instead of stalling the suite.
RUN_TIMEOUT = 900.0
GONE_TIMEOUT = 60.0  # waited for only while a process is left


def _start(root: Path) -> subprocess.Popen[bytes]:
    """A run in a process group of its own: what it forks can be found, and stopped, by the group."""
    command = [*DVK, "--root", str(root), "--lock-wait", "0", "consolidate", "--year", "2026", "--json"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _complete_run(root: Path) -> float:
    """Run to the end; the run's duration in seconds."""
    started = time.monotonic()
    process = _start(root)
    try:
        _, stderr = process.communicate(timeout=RUN_TIMEOUT)
    finally:
        _stop_group(process)
    assert process.returncode == 0, stderr.decode()
    return time.monotonic() - started


def _kill(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL the run; whether the kill landed before its end. Nothing the run forked may outlive
    it: a pool worker or report child left behind would hold the workspace lock (and the run's
    standard error, which this test reads to the end)."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    left = outlived(group(process.pid), GONE_TIMEOUT)
    _stop_group(process)
    assert not left, f"processes of the killed run outlived it: {left}"
    _, stderr = process.communicate(timeout=GONE_TIMEOUT)
    assert process.returncode in (0, -signal.SIGKILL), stderr.decode()
    return process.returncode == -signal.SIGKILL


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Kill whatever is left of the run's process group (after a failed check, not to hang the suite)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _killed_run(root: Path, delay: float) -> bool:
    """Start a run and SIGKILL it after ``delay`` seconds; whether the kill landed before its end."""
    process = _start(root)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=delay)
    return _kill(process)


def _killed_when(root: Path, moment: Callable[[Path, int], bool]) -> bool:
    """Start a run and SIGKILL it as soon as ``moment(root, start_ns)`` holds (polled every
    millisecond); whether the kill landed before the run's end."""
    started = time.time_ns()
    deadline = time.monotonic() + RUN_TIMEOUT
    process = _start(root)
    try:
        while process.poll() is None and not moment(root, started) and time.monotonic() < deadline:
            time.sleep(0.001)
    finally:  # killed and waited for even if watching failed: no run is left behind
        landed = _kill(process)
    return landed


def _outputs_staged(root: Path, started: int) -> bool:
    """The run is writing its outputs: a temporary file sits in outbox/<year>/."""
    return any(is_temporary(p) for p in (root / "outbox" / "2026").glob(".*"))


def _outputs_renamed(root: Path, started: int) -> bool:
    """The run is renaming its outputs into place: one of them is newer than the run."""
    for path in (root / "outbox" / "2026").glob("*.*"):
        if is_temporary(path):
            continue
        try:
            if path.stat().st_mtime_ns > started:
                return True
        except FileNotFoundError:  # replaced between the listing and the look
            continue
    return False


def _assert_outbox_complete(root: Path) -> None:
    for path in sorted((root / "outbox").rglob("*")):
        if not path.is_file() or is_temporary(path):
            continue
        if path.suffix in (".xlsx", ".docx") and ARCHIVE_FOLDER.name not in path.parts:
            with zipfile.ZipFile(path) as package:
                assert package.testzip() is None, path
        elif path.suffix == ".json":
            assert json.loads(path.read_text(encoding="utf-8"))["sha256"] == path.stem, path
        else:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.stem, path


def _assert_register_sound(root: Path) -> None:
    """The register (opened as the next run opens it) and every backup (opened immutable, so that
    checking leaves no -wal/-shm files beside them) pass SQLite's integrity check."""
    backups = sorted((root / ".dvk" / "backups").glob("register-*.sqlite3"))
    uris = [f"file:{root / REGISTER_FILE}", *(f"file:{path}?immutable=1" for path in backups)]
    for uri in uris if (root / REGISTER_FILE).exists() else uris[1:]:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)], uri


def _register_content(root: Path) -> dict[str, list[Any]]:
    with closing(sqlite3.connect(root / REGISTER_FILE)) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("files", "file_names", "items", "item_years", "events")
        }


def _outputs(root: Path) -> dict[str, bytes]:
    """Every file under outbox/ by relative path (temporary files would show up here too)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "outbox").rglob("*")) if p.is_file()}


def _kill_repeatedly(tmp_path: Path, units: int, kills: int) -> None:
    clean, victim = tmp_path / "clean", tmp_path / "victim"
    numbered_workspace(clean, units)
    copy_workspace(clean, victim)
    duration = _complete_run(clean)
    inbox = inbox_state(victim)
    rng = random.Random(f"kill-{units}-{kills}")
    landed = 0
    # Random moments, then the two short windows a random delay rarely hits.
    kill_runs: list[Callable[[], bool]] = [
        functools.partial(_killed_run, victim, rng.uniform(0.05, 0.75) * duration) for _ in range(kills)
    ]
    kill_runs += [functools.partial(_killed_when, victim, when) for when in (_outputs_staged, _outputs_renamed)]
    for kill_run in kill_runs:
        # A run after a completed one would answer from it (replay.py) without writing anything:
        # every kill is aimed at a full run.
        replay.forget(victim, 2026)
        landed += kill_run()
        assert inbox_state(victim) == inbox
        _assert_outbox_complete(victim)
        _assert_register_sound(victim)
    assert landed, "no kill landed before the run ended: the delays are too long for this machine"
    _complete_run(victim)
    assert inbox_state(victim) == inbox
    assert _register_content(victim) == _register_content(clean)
    # Byte-identical outputs, and no temporary file left: the last run swept up the killed ones'.
    assert _outputs(victim) == _outputs(clean)


def test_consolidate_survives_sigkill_at_many_points(tmp_path: Path) -> None:
    _kill_repeatedly(tmp_path, units=40, kills=2)


@pytest.mark.slow
def test_consolidate_of_1000_files_survives_sigkill_at_many_points(tmp_path: Path) -> None:
    _kill_repeatedly(tmp_path, units=1000, kills=6)
