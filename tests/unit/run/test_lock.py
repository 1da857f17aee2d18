"""The workspace lock: one writing command at a time, a clear refusal, no stale lock after a kill."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.core.paths import LOCK_FILE
from pipeline.register import REGISTER_FILE
from pipeline.run import lock
from pipeline.run.lock import WorkspaceBusy, read_holder, workspace_lock
from tests.support.builder import copy_config, numbered_workspace

# Every command, as a writer (takes the lock) or a reader; a new command must be placed here.
WRITING = {
    "templates": ["--year", "2026"],
    "consolidate": ["--year", "2026"],
    "council": ["--year", "2026"],
    "received": ["tep.xlsx", "--date", "24/11/2026", "--reason", "Nhận bản giấy"],
    "withdraw": ["tep.xlsx", "--reason", "Chép nhầm"],
    "rebuild": [],
    "import-legacy": ["{list}", "--origin", "Nhơn Khánh"],
    "demo": ["--year", "2026", "--workspace", "{demo}"],
    "demo-rollup": ["--year", "2026", "--workspace", "{demo}"],
    "upward-key": [],
    "mail": ["templates", "--year", "2026"],
}
READING = {"check": ["--year", "2026", "{list}"], "status": ["--year", "2026"]}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_config(tmp_path)


def _invoke(root: Path, command: str, args: list[str], wait: float = 0.2) -> tuple[int, str]:
    legacy = root / "danh-sach.csv"
    legacy.write_text("Tên mô hình,Đơn vị\n", encoding="utf-8")
    filled = [a.format(list=legacy, demo=root / "demo") for a in args]
    result = CliRunner().invoke(main, ["--root", str(root), "--lock-wait", str(wait), command, *filled])
    return result.exit_code, result.output


def test_every_command_is_classified_as_writing_or_reading() -> None:
    assert set(main.commands) == set(WRITING) | set(READING)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", sorted(WRITING))
def test_every_writing_command_refuses_a_busy_workspace_and_names_the_holder(root: Path, command: str) -> None:
    with workspace_lock(root, "consolidate"):
        code, output = _invoke(root, command, WRITING[command])
    assert code == 2
    assert "Thư mục làm việc đang được dùng" in output
    assert f"tiến trình {os.getpid()}" in output
    assert socket.gethostname() in output
    assert "dvk consolidate" in output
    assert "--lock-wait" in output
    assert not (root / REGISTER_FILE).exists()  # refused before touching anything


@pytest.mark.parametrize("command", sorted(READING))
def test_reading_commands_do_not_wait_for_the_lock(root: Path, command: str) -> None:
    with workspace_lock(root, "consolidate"):
        code, output = _invoke(root, command, READING[command])
    assert code in (0, 1), output
    assert "đang được dùng" not in output


def test_a_second_holder_waits_for_the_first_to_finish(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ordered by events, not timed: the first holder lets go only once the second has found the
    lock taken, and the second must get it only after the first let go."""
    held, refused, releasing = threading.Event(), threading.Event(), threading.Event()
    try_lock = lock._try_lock

    def noting_refusals(handle: Any) -> bool:
        taken = try_lock(handle)
        if not taken:
            refused.set()
        return taken

    monkeypatch.setattr(lock, "_try_lock", noting_refusals)

    def hold_until_the_second_waits() -> None:
        with workspace_lock(root, "consolidate"):
            held.set()
            assert refused.wait(60), "the second holder never tried"
            releasing.set()

    holder = threading.Thread(target=hold_until_the_second_waits)
    holder.start()
    assert held.wait(60)
    with workspace_lock(root, "templates", wait=60):
        assert releasing.is_set()
        assert read_holder(root / LOCK_FILE)["command"] == "templates"
    holder.join()


def test_waiting_is_bounded(root: Path) -> None:
    with workspace_lock(root, "consolidate"):
        started = time.monotonic()
        with pytest.raises(WorkspaceBusy) as busy, workspace_lock(root, "rebuild", wait=0.5):
            pass
        # Not before the deadline (a monotonic clock); the upper bound only catches a wait that
        # forgot its deadline, with room for a loaded machine.
        assert 0.5 <= time.monotonic() - started < 30
    assert busy.value.holder["pid"] == os.getpid()
    assert "đã chờ 0.5 giây" in str(busy.value)


def test_a_lock_left_by_a_killed_process_is_taken_at_once(root: Path) -> None:
    script = (
        "import sys, time; from pathlib import Path; from pipeline.run.lock import workspace_lock\n"
        "with workspace_lock(Path(sys.argv[1]), 'consolidate'):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(root)], stdout=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    with pytest.raises(WorkspaceBusy), workspace_lock(root, "consolidate"):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    assert read_holder(root / LOCK_FILE)["pid"] == holder.pid  # the dead run's details are still there
    with workspace_lock(root, "consolidate", wait=0):
        assert read_holder(root / LOCK_FILE)["pid"] == os.getpid()


def test_two_runs_started_at_once_both_complete_one_after_the_other(tmp_path: Path) -> None:
    numbered_workspace(tmp_path, 8)
    command = [sys.executable, "-m", "pipeline", "--root", str(tmp_path), "consolidate", "--year", "2026", "--json"]
    runs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    for run in runs:
        _, stderr = run.communicate()
        assert run.returncode == 0, stderr.decode()
    with closing(sqlite3.connect(tmp_path / REGISTER_FILE)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT COUNT(*) FROM files").fetchone() == (8,)


def test_a_second_run_that_may_not_wait_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    numbered_workspace(tmp_path, 4)
    with workspace_lock(tmp_path, "consolidate"):
        code, output = _invoke(tmp_path, "consolidate", ["--year", "2026"], wait=0)
    assert code == 2 and "đang được dùng" in output
    assert not (tmp_path / "outbox").exists()
    assert not (tmp_path / REGISTER_FILE).exists()
