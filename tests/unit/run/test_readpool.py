"""The read pool: files read while ingest archives the next ones give the run a serial read would."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config, load_config
from pipeline.intake.read import read_file
from pipeline.intake.validate import Submission
from pipeline.run import readpool
from pipeline.run.cycle import run_consolidation
from pipeline.run.readpool import Read, ReadPool
from tests.support.builder import sample_workspace
from tests.support.procs import outlived_then_killed, wait_for_marker

YEAR = 2026
UNITS = ("KP-BD01", "TH-NK02", "HLHPN", "KP-BD02")
ARRIVED = dt.datetime(YEAR, 11, 20, 9, 0)


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Config]:
    """Four units' files in the inbox, one of them with typical mistakes."""
    return sample_workspace(tmp_path, UNITS, YEAR, ARRIVED, with_errors=2)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_prefetched_file_is_taken_only_for_the_content_it_read(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    first, second = sorted((root / "inbox").glob("*.xlsx"))[:2]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readpool, "POOL_MIN_FILES", 1)  # workers from the first file on
        with ReadPool(config, YEAR) as pool:
            pool.prefetch(first, first.name)
            pool.prefetch(second, second.name)
            assert pool.prefetched(first.name) and pool.prefetched(second.name)
            assert not pool.prefetched("chưa-đọc.xlsx")
            assert pool.take(_sha(first), "chưa-đọc.xlsx") is None
            taken = pool.take(_sha(first), first.name)
            assert taken is not None
            assert taken[0] == read_file(first, first.name, config, YEAR)
            # the ledger holds other content under that name (the file was replaced after it was read)
            assert pool.take(_sha(first), second.name) is None
            assert not pool.prefetched(second.name)  # taken once, whatever it held


def test_files_wait_until_enough_of_them_pay_for_the_workers(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    files = sorted((root / "inbox").glob("*.xlsx"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readpool, "POOL_MIN_FILES", len(files) + 1)
        with ReadPool(config, YEAR) as pool:
            for path in files:
                pool.prefetch(path, path.name)
            assert not any(pool.prefetched(p.name) for p in files)  # read later, from the archive


def _run(root: Path, config: Config) -> tuple[list[Submission], dict[str, str]]:
    result = run_consolidation(root, config, YEAR, dt.date(YEAR, 12, 5), now=dt.datetime(YEAR, 12, 1, 8, 0))
    folder = root / "outbox" / str(YEAR)
    outputs = {p.relative_to(folder).as_posix(): _sha(p) for p in sorted(folder.rglob("*.*"))}
    return list(result.submissions), outputs


def test_a_run_that_reads_while_ingesting_equals_one_that_reads_after(
    workspace: tuple[Path, Config], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root, config = workspace
    serial = tmp_path_factory.mktemp("serial") / "ws"
    shutil.copytree(root, serial)
    taken: list[str] = []

    class Counting(ReadPool):
        def take(self, sha256: str, name: str) -> tuple[Submission, bytes] | None:
            answer = super().take(sha256, name)
            taken.extend([name] if answer else [])
            return answer

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readpool, "POOL_MIN_FILES", 1)
        patch.setattr("pipeline.run.cycle.ReadPool", Counting)
        early = _run(root, config)
    assert sorted(taken) == sorted(f"{code}.xlsx" for code in UNITS)  # every file read while ingesting
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readpool, "POOL_MIN_FILES", 10_000)
        late = _run(serial, load_config(serial))
    assert [s.source.name for s in early[0]] == [s.source.name for s in late[0]]
    assert [(s.unit_code, s.accepted, s.findings, s.tables) for s in early[0]] == [
        (s.unit_code, s.accepted, s.findings, s.tables) for s in late[0]
    ]
    # every submission names its archived copy, not the inbox file the pool read
    assert all("luu-tru" in s.source.path.as_posix() for s in early[0])
    assert early[1] == late[1]


def test_a_prefetch_of_other_content_is_replaced_by_the_archived_copy(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    inbox = sorted((root / "inbox").glob("*.xlsx"))
    impostor = root / "elsewhere.xlsx"
    shutil.copyfile(inbox[1], impostor)

    class Misled(ReadPool):
        """A pool whose prefetch of the first file read another one (as if it was replaced meanwhile)."""

        def prefetch(self, path: Path, name: str) -> None:
            super().prefetch(impostor if name == inbox[0].name else path, name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readpool, "POOL_MIN_FILES", 1)
        patch.setattr("pipeline.run.cycle.ReadPool", Misled)
        submissions, _ = _run(root, config)
    first = next(s for s in submissions if s.source.name == inbox[0].name)
    assert first.unit_code == inbox[0].stem  # its own content, read from the archive
    assert first.source.sha256 == _sha(inbox[0])


workers = pytest.mark.skipif(readpool.worker_count() < 2, reason="one core: every file is read in the run's process")


def _killing_reader(victim: str, here: int, readers: Path | None = None) -> Callable[..., Read]:
    """``readpool._read`` that ends the worker process reading ``victim`` (as a crash inside the
    native reader would) and fails the test if ``victim`` is read in the run's own process ``here``;
    with ``readers``, each reading leaves a file ``<name>.<pid of its reader>`` there."""
    read = readpool._read

    def reader(path: Path, name: str, *rest: Any) -> Read:
        if readers is not None:
            (readers / f"{name}.{os.getpid()}").touch()
        if name == victim:
            if os.getpid() != here:
                os._exit(9)
            raise AssertionError("the file that killed a worker was read in the run's process")
        return read(path, name, *rest)

    return reader


def _start_killing_worker(victim: str, readers: Path | None, parent: int, config: Config) -> None:
    """A worker's start that also gives it the killing reader: a spawned worker (Windows,
    ``DVK_PORTABLE=1``) imports the modules afresh and inherits no patch made in the run's process."""
    _START_WORKER(parent, config)
    readpool._read = _killing_reader(victim, parent, readers)  # type: ignore[assignment]


_START_WORKER = readpool._start_worker


def _kill_reading(monkeypatch: pytest.MonkeyPatch, victim: str, readers: Path | None = None) -> None:
    """Reading ``victim`` ends a worker, here and in workers however they are started."""
    monkeypatch.setattr(readpool, "_read", _killing_reader(victim, os.getpid(), readers))
    monkeypatch.setattr(readpool, "_start_worker", functools.partial(_start_killing_worker, victim, readers))


@workers
def test_files_read_alone_share_one_worker_until_a_file_ends_it(
    workspace: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """After a crash the files are read one at a time, each in a worker of the run's but never in
    the run: the worker is kept from one file to the next (a spawned one, as on Windows, takes about
    a second to start: a province's files would pay it thousands of times) and replaced only when a
    file ends it."""
    root, config = workspace
    files = sorted((root / "inbox").glob("*.xlsx"))
    readers = tmp_path / "readers"
    readers.mkdir()
    _kill_reading(monkeypatch, files[1].name, readers)
    monkeypatch.setattr(readpool, "POOL_MIN_FILES", 1)
    with ReadPool(config, YEAR) as pool:
        # One chunk, one pool worker: it reads the first file and dies on the second; all four are
        # then read alone.
        reads = [read for read, _ in pool.read_all([(path, path.name, ARRIVED) for path in files])]
    assert [f.code for f in reads[1].findings] == ["unexpected-error"]
    pids: dict[str, list[int]] = {}
    for mark in readers.iterdir():
        name, pid = mark.name.rsplit(".", 1)
        pids.setdefault(name, []).append(int(pid))
    third, fourth = pids[files[2].name], pids[files[3].name]
    assert len(third) == len(fourth) == 1, pids  # read once each, alone
    assert third == fourth, pids  # by one worker
    assert third[0] != os.getpid() and third[0] not in pids[files[1].name]  # not the one the second file ended


@workers
def test_a_file_that_kills_its_worker_is_rejected_and_the_others_are_read(
    workspace: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, config = workspace
    files = sorted((root / "inbox").glob("*.xlsx"))
    victim = files[1].name
    _kill_reading(monkeypatch, victim)
    monkeypatch.setattr(readpool, "POOL_MIN_FILES", 1)
    with ReadPool(config, YEAR) as pool:
        reads = [read for read, _ in pool.read_all([(path, path.name, ARRIVED) for path in files])]
    assert [read.source.name for read in reads] == [path.name for path in files]
    for path, read in zip(files, reads, strict=True):
        assert isinstance(read, Submission)
        if path.name == victim:
            assert [f.code for f in read.findings] == ["unexpected-error"]
            assert "dừng đột ngột" in read.findings[0].message
            assert not read.accepted
        else:
            assert read == read_file(path, path.name, config, YEAR, ARRIVED)


@workers
def test_a_run_whose_prefetching_worker_dies_rejects_that_file_only(
    workspace: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root, config = workspace
    clean = tmp_path_factory.mktemp("clean") / "ws"
    shutil.copytree(root, clean)
    victim = sorted((root / "inbox").glob("*.xlsx"))[0].name
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readpool, "POOL_MIN_FILES", 10_000)
        expected, _ = _run(clean, load_config(clean))
    _kill_reading(monkeypatch, victim)
    monkeypatch.setattr(readpool, "POOL_MIN_FILES", 1)  # every file prefetched while ingesting
    submissions, _ = _run(root, config)
    assert [s.source.name for s in submissions] == [s.source.name for s in expected]
    for got, want in zip(submissions, expected, strict=True):
        if got.source.name == victim:
            assert [f.code for f in got.findings] == ["unexpected-error"]
        else:
            assert (got.unit_code, got.accepted, got.findings, got.tables) == (
                want.unit_code,
                want.accepted,
                want.findings,
                want.tables,
            )


@workers
def test_a_run_killed_outright_takes_its_workers_with_it(workspace: tuple[Path, Config], tmp_path: Path) -> None:
    """A worker of a run killed with SIGKILL would otherwise wait for work forever, holding the
    workspace lock and the run's standard error (whoever waits for the run's end waits for it).
    Forked workers ask the kernel to end them; spawned ones (``DVK_PORTABLE=1``, as on Windows)
    watch their parent. Spawned children on Linux also have multiprocessing's resource tracker, a
    child of the run too: it must end as well."""
    root, _ = workspace
    path = sorted((root / "inbox").glob("*.xlsx"))[0]
    started = tmp_path / "started.json"
    script = textwrap.dedent(
        f"""
        import json, multiprocessing, os, time
        from pathlib import Path
        from pipeline.run import readpool
        from pipeline.config import load_config

        readpool.POOL_MIN_FILES = 1
        with readpool.ReadPool(load_config(Path({str(root)!r})), {YEAR}) as pool:
            pool.prefetch(Path({str(path)!r}), {path.name!r})
            pool.take("", {path.name!r})  # read: the workers have started
            children = Path(f"/proc/{{os.getpid()}}/task/{{os.getpid()}}/children").read_text().split()
            workers = [process.pid for process in multiprocessing.active_children()]
            Path({str(started) + ".tmp"!r}).write_text(json.dumps({{"children": children, "workers": workers}}))
            os.replace({str(started) + ".tmp"!r}, {str(started)!r})  # seen whole or not at all
            time.sleep(120)
        """
    )
    run = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    try:
        wait_for_marker(started, run)
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    seen = json.loads(started.read_text())
    pids = [int(pid) for pid in seen["children"]]
    left = outlived_then_killed(pids, 60)  # returns as soon as they are gone; a loaded machine may take a while
    _, stderr = run.communicate(timeout=10)  # nothing holds the run's standard error any more
    assert not left, "a process of the run outlived it"
    assert 1 <= len(seen["workers"]) <= readpool.worker_count()
    assert set(seen["workers"]) <= set(pids)
    assert _without_tracker_warnings(stderr) == b""


def _without_tracker_warnings(stderr: bytes) -> bytes:
    """Standard error without the resource tracker's warning about the semaphores a killed run left
    (two lines, the message and its source line; it removes them): Linux's spawned children only,
    Windows has no resource tracker."""
    lines = stderr.decode().splitlines(keepends=True)
    return "".join(line for line in lines if "resource_tracker: There appear to be" not in line).encode()
