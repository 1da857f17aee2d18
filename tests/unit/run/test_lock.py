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
from pipeline.core import platform
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
# Takes the lock per web action, not for its whole run (tests/unit/web: a busy workspace).
SERVING = {"serve"}


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
    assert set(main.commands) == set(WRITING) | set(READING) | SERVING  # type: ignore[attr-defined]


def test_serve_starts_on_a_busy_workspace(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page opens while a command writes; only its writing actions wait for the lock."""
    started: list[tuple[Any, ...]] = []
    monkeypatch.setattr("pipeline.web.server.serve", lambda *args: started.append(args))
    with workspace_lock(root, "consolidate"):
        code, output = _invoke(root, "serve", [])
    assert code == 0, output
    assert len(started) == 1 and "http://127.0.0.1:8765/" in output


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


# --------------------------------------------------------------------------- the Windows branch

HOLD = (
    "import sys, time; from pathlib import Path; from pipeline.run.lock import workspace_lock\n"
    "with workspace_lock(Path(sys.argv[1]), 'consolidate'):\n"
    "    print('held', flush=True); time.sleep(60)\n"
)


def _byte_locks(path: Path) -> list[tuple[str, int, int]]:
    """The locks Linux holds on ``path`` (/proc/locks): kind, first and last byte (-1: to the end)."""
    inode = path.stat().st_ino
    found = []
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if fields[1] == "->":  # a process waiting for a lock, not a lock
            continue
        if int(fields[5].rsplit(":", 1)[1]) == inode:
            found.append((fields[1], int(fields[6]), -1 if fields[7] == "EOF" else int(fields[7])))
    return found


@pytest.fixture
def portable(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process and the processes it starts take the Windows branch, with msvcrt emulated."""
    monkeypatch.setenv(platform.PORTABLE, "1")


def test_the_windows_branch_locks_one_byte_past_the_text(root: Path, portable: None) -> None:
    with workspace_lock(root, "consolidate") as path:
        assert _byte_locks(path) == [("OFDLCK", lock._WINDOWS_LOCK_OFFSET, lock._WINDOWS_LOCK_OFFSET)]
        assert read_holder(path)["pid"] == os.getpid()  # the text stays readable
    assert _byte_locks(path) == []


def test_the_windows_branch_makes_a_second_process_wait_then_refuse_naming_the_holder(
    root: Path, portable: None
) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(root)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        assert [kind for kind, *_ in _byte_locks(root / LOCK_FILE)] == ["OFDLCK"]
        started = time.monotonic()
        with pytest.raises(WorkspaceBusy) as busy, workspace_lock(root, "rebuild", wait=0.5):
            pass
        assert 0.5 <= time.monotonic() - started < 30
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate()
    assert busy.value.holder["pid"] == holder.pid
    assert f"tiến trình {holder.pid}" in str(busy.value) and "đã chờ 0.5 giây" in str(busy.value)
    with workspace_lock(root, "consolidate", wait=0):  # the killed holder's lock went with it
        assert read_holder(root / LOCK_FILE)["pid"] == os.getpid()


def test_the_windows_branch_lock_belongs_to_the_open_file(root: Path, portable: None) -> None:
    """As on Windows: a second handle of the same process is refused, and reading the holder's
    details (which opens and closes the file) does not release the lock (it would with lockf)."""
    with workspace_lock(root, "consolidate") as path:
        with pytest.raises(WorkspaceBusy), workspace_lock(root, "rebuild", wait=0):
            pass
        read_holder(path)
        assert [kind for kind, *_ in _byte_locks(path)] == ["OFDLCK"]
        refused = subprocess.run([sys.executable, "-c", HOLD, str(root)], capture_output=True, timeout=60)
        assert refused.returncode != 0 and b"WorkspaceBusy" in refused.stderr


class FakeMsvcrt:
    """What Windows' msvcrt does, recorded: (position, mode, bytes) of each call; a second lock of a
    range already locked is refused."""

    LK_UNLCK, LK_NBLCK = 0, 2

    def __init__(self) -> None:
        self.calls: list[tuple[int, int, int]] = []
        self.locked: set[int] = set()

    def locking(self, fd: int, mode: int, nbytes: int, /) -> None:
        position = os.lseek(fd, 0, os.SEEK_CUR)
        self.calls.append((position, mode, nbytes))
        if mode == self.LK_NBLCK and position in self.locked:
            raise PermissionError(13, "Permission denied")
        (self.locked.add if mode == self.LK_NBLCK else self.locked.discard)(position)


def test_windows_uses_msvcrt_locking_when_it_is_there(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(sys, "platform", "win32")
    offset = lock._WINDOWS_LOCK_OFFSET
    with workspace_lock(root, "consolidate"):
        assert fake.calls == [(offset, fake.LK_NBLCK, 1)]
        with pytest.raises(WorkspaceBusy), workspace_lock(root, "rebuild", wait=0.3):
            pass
    assert fake.calls[0] == (offset, fake.LK_NBLCK, 1) and fake.calls[-1] == (offset, fake.LK_UNLCK, 1)
    assert len(fake.calls) >= 4  # the second holder tried more than once while it waited
    assert _byte_locks(root / LOCK_FILE) == []  # no emulation and no flock: msvcrt alone
