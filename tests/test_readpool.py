"""The read pool: files read while ingest archives the next ones give the run a serial read would."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from procs import outlived
from workspace import sample_workspace

from pipeline import readpool
from pipeline.config import Config, load_config
from pipeline.cycle import run_consolidation
from pipeline.readpool import ReadPool
from pipeline.receipt import read_file
from pipeline.validate import Submission

REPO = Path(__file__).parents[1]
YEAR = 2026
UNITS = ("KP-BD01", "TH-NK02", "HLHPN", "KP-BD02")
ARRIVED = dt.datetime(YEAR, 11, 20, 9, 0)


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Config]:
    """Four units' files in the inbox, one of them with typical mistakes."""
    return sample_workspace(tmp_path, REPO, UNITS, YEAR, ARRIVED, with_errors=2)


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
        patch.setattr("pipeline.cycle.ReadPool", Counting)
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
        patch.setattr("pipeline.cycle.ReadPool", Misled)
        submissions, _ = _run(root, config)
    first = next(s for s in submissions if s.source.name == inbox[0].name)
    assert first.unit_code == inbox[0].stem  # its own content, read from the archive
    assert first.source.sha256 == _sha(inbox[0])


@pytest.mark.skipif(sys.platform != "linux" or readpool.worker_count() < 2, reason="forked workers")
def test_a_worker_that_dies_stops_the_reading_without_reading_the_file_here(
    workspace: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, config = workspace
    path = sorted((root / "inbox").glob("*.xlsx"))[0]
    here = os.getpid()

    def dies(*_: object) -> None:
        if os.getpid() != here:
            os._exit(9)  # as a crash inside the native reader would end the worker
        raise AssertionError("the file that killed a worker was read again in the run's process")

    monkeypatch.setattr(readpool, "_read", dies)  # forked workers inherit it
    monkeypatch.setattr(readpool, "POOL_MIN_FILES", 1)
    with ReadPool(config, YEAR) as pool:
        pool.prefetch(path, path.name)
        with pytest.raises(BrokenProcessPool):
            pool.take(_sha(path), path.name)


@pytest.mark.skipif(sys.platform != "linux" or readpool.worker_count() < 2, reason="forked workers")
def test_a_run_killed_outright_takes_its_workers_with_it(workspace: tuple[Path, Config], tmp_path: Path) -> None:
    """A worker of a run killed with SIGKILL would otherwise wait for work forever, holding the
    workspace lock and the run's standard error (whoever waits for the run's end waits for it)."""
    root, _ = workspace
    path = sorted((root / "inbox").glob("*.xlsx"))[0]
    workers = tmp_path / "workers"
    script = textwrap.dedent(
        f"""
        import os, time
        from pathlib import Path
        from pipeline import readpool
        from pipeline.config import load_config

        readpool.POOL_MIN_FILES = 1
        with readpool.ReadPool(load_config(Path({str(root)!r})), {YEAR}) as pool:
            pool.prefetch(Path({str(path)!r}), {path.name!r})
            pool.take("", {path.name!r})  # read: the workers have started
            children = Path(f"/proc/{{os.getpid()}}/task/{{os.getpid()}}/children").read_text().split()
            Path({str(workers)!r}).write_text(" ".join(children))
            time.sleep(120)
        """
    )
    run = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not workers.exists() and run.poll() is None:
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        assert run.poll() is None, run.communicate()[1].decode()
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    pids = [int(pid) for pid in workers.read_text().split()]
    assert len(pids) == readpool.worker_count()
    left = outlived(pids, 5)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "a worker outlived its killed run"
    _, stderr = run.communicate(timeout=10)  # nothing holds the run's standard error any more
    assert stderr == b""
