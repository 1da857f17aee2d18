"""Outputs built in a forked child: same results as a serial build, errors raised here, no child left."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from pipeline.run import fanout
from tests.support.procs import outlived

F = TypeVar("F", bound=Callable[..., None])


def forking(test: F) -> F:
    """A test of the forked child: where the tool does not fork (``DVK_PORTABLE=1``, as on Windows)
    every output is built in one process, which the other tests here check."""
    test = pytest.mark.skipif(
        not (fanout.can_fork() and fanout.room_for_child()), reason="outputs are built in one process here"
    )(test)
    return pytest.mark.not_portable(reason="the reports' child is a fork")(test)


# The bounds below tell "killed or given up on" from "waited for" with a wide margin (tens of
# seconds), so that a loaded 2-core machine cannot fail them; a regression still fails, slowly.
SLOW_CHILD_SECONDS = 120
HUNG_CHILD_SECONDS = 600


def _pid_maker() -> bytes:
    return str(os.getpid()).encode()


def test_results_are_those_of_a_serial_build_in_the_same_order() -> None:
    makers = {f"out-{i}": (lambda i=i: f"nội dung {i}".encode() * (i + 1)) for i in range(6)}
    built = fanout.build_all(makers, aside={"out-1", "out-4", "out-5"})
    assert list(built) == list(makers)
    assert built == {name: make() for name, make in makers.items()}


def test_a_large_result_comes_back_whole() -> None:
    big = bytes(range(256)) * 40_000  # 10 MB: many times a pipe's buffer
    built = fanout.build_all({"small": lambda: b"x", "big": lambda: big}, aside={"big"})
    assert built == {"small": b"x", "big": big}


@forking
def test_the_set_aside_makers_run_in_another_process() -> None:
    built = fanout.build_all({"here": _pid_maker, "there": _pid_maker}, aside={"there"})
    assert built["here"] == str(os.getpid()).encode()
    assert built["there"] != built["here"]


def test_nothing_set_aside_or_everything_set_aside_runs_here() -> None:
    makers = {"a": _pid_maker, "b": _pid_maker}
    here = str(os.getpid()).encode()
    assert fanout.build_all(makers, aside=set()) == {"a": here, "b": here}
    assert fanout.build_all(makers, aside={"a", "b"}) == {"a": here, "b": here}


def test_none_is_a_result_like_any_other() -> None:
    assert fanout.build_all({"a": lambda: None, "b": lambda: b"b"}, aside={"a"}) == {"a": None, "b": b"b"}


class Broken(Exception):
    pass


def test_a_maker_that_fails_in_the_child_raises_here() -> None:
    calls: list[int] = []

    def fails() -> bytes:
        calls.append(os.getpid())
        raise Broken("hỏng")

    with pytest.raises(Broken, match="hỏng"):
        fanout.build_all({"ok": lambda: b"ok", "fails": fails}, aside={"fails"})
    assert calls == [os.getpid()]  # the child's call left no trace here; the raising call is this process's


@forking
def test_a_child_that_dies_is_replaced_by_building_here() -> None:
    here = os.getpid()

    def dies_in_the_child() -> bytes:
        if os.getpid() != here:
            os._exit(3)  # as if killed (out of memory, say) before it sent anything
        return b"built here"

    before = _children()
    built = fanout.build_all({"a": lambda: b"a", "b": dies_in_the_child}, aside={"b"})
    assert built == {"a": b"a", "b": b"built here"}
    assert _children() <= before


@forking
def test_a_child_that_hangs_is_killed_and_its_part_built_here(monkeypatch: pytest.MonkeyPatch) -> None:
    here = os.getpid()

    def hangs_in_the_child() -> bytes:
        if os.getpid() != here:
            time.sleep(HUNG_CHILD_SECONDS)  # as if deadlocked
        return b"built here"

    monkeypatch.setattr(fanout, "CHILD_WAIT_MIN", 1.0)
    before = _children()
    started = time.monotonic()
    built = fanout.build_all({"a": lambda: b"a", "b": hangs_in_the_child}, aside={"b"})
    assert built == {"a": b"a", "b": b"built here"}
    assert time.monotonic() - started < HUNG_CHILD_SECONDS / 20  # given up on after about a second, not 600
    assert _children() <= before  # killed and reaped


@forking
def test_a_maker_that_fails_here_stops_the_build_and_leaves_no_child() -> None:
    def fails() -> bytes:
        raise Broken("ở đây")

    def slow() -> bytes:
        time.sleep(SLOW_CHILD_SECONDS)
        return b"late"

    before = _children()
    started = time.monotonic()
    with pytest.raises(Broken):
        fanout.build_all({"fails": fails, "slow": slow}, aside={"slow"})
    assert time.monotonic() - started < SLOW_CHILD_SECONDS / 2  # the child was killed, not waited for
    assert _children() <= before  # and reaped: not even a zombie is left


def _children() -> set[str]:
    """The pids of this process's children (zombies included, until reaped)."""
    pid = os.getpid()
    return set(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())


@forking
def test_the_child_leaves_the_parents_database_connection_alone(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x INTEGER)")
    db.execute("BEGIN")
    db.execute("INSERT INTO t VALUES (1)")
    fanout.build_all({"a": lambda: b"a", "b": lambda: b"b"}, aside={"b"})
    db.execute("INSERT INTO t VALUES (2)")
    db.commit()
    db.close()
    with sqlite3.connect(path) as again:
        assert again.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]
        assert again.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@forking
def test_a_killed_parent_takes_its_child_with_it(tmp_path: Path) -> None:
    child_pid = tmp_path / "child.pid"
    script = textwrap.dedent(
        f"""
        import os, time
        from pathlib import Path
        from pipeline.run import fanout

        def slow():
            Path({str(child_pid)!r}).write_text(str(os.getpid()))
            time.sleep(60)
            return b"late"

        fanout.build_all({{"here": lambda: time.sleep(60) or b"", "slow": slow}}, aside={{"slow"}})
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not child_pid.exists() or not child_pid.read_text():
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.05)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    pid = int(child_pid.read_text())
    assert not outlived([pid], 60), "the child outlived its killed parent"  # returns once it is gone


def _meminfo(tmp_path: Path, available_kb: int, resident_pages: int) -> tuple[str, str]:
    meminfo, statm = tmp_path / "meminfo", tmp_path / "statm"
    meminfo.write_text(f"MemTotal:       8000000 kB\nMemFree:  100 kB\nMemAvailable:   {available_kb} kB\n")
    statm.write_text(f"900000 {resident_pages} 5000 1 0 80000 0\n")
    return str(meminfo), str(statm)


def test_a_child_needs_twice_the_parents_resident_memory_available(tmp_path: Path) -> None:
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    resident_pages = 1_000_000 // page_kb  # about 1 GB resident
    assert fanout.room_for_child(*_meminfo(tmp_path, 2_000_000, resident_pages))
    assert not fanout.room_for_child(*_meminfo(tmp_path, 1_900_000, resident_pages))


def test_without_knowing_the_free_memory_no_child_is_started(tmp_path: Path) -> None:
    assert not fanout.room_for_child(str(tmp_path / "missing"), str(tmp_path / "missing"))
    (tmp_path / "odd").write_text("MemTotal: 1 kB\n")
    assert not fanout.room_for_child(str(tmp_path / "odd"), str(tmp_path / "odd"))


def test_when_memory_is_short_everything_is_built_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fanout, "room_for_child", lambda: False)
    here = str(os.getpid()).encode()
    assert fanout.build_all({"a": _pid_maker, "b": _pid_maker}, aside={"b"}) == {"a": here, "b": here}
