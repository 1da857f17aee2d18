"""Reading over the machine's cores: worker processes that read and validate files.

A run reads its new files in two steps that can overlap. While ingest hashes and archives the inbox,
each file it finds new is handed to the pool (:meth:`ReadPool.prefetch`), which reads it from the
inbox while ingest goes on to the next; then the year's files that neither the submission cache nor
the prefetch answered are read from the archive (:meth:`ReadPool.read_all`). A prefetched reading is
used only when the ledger says the file has the content it read, under the name it read it as
(:meth:`ReadPool.take`): a file replaced meanwhile, or recorded earlier under another name, is read
again from its archived copy.

The pool starts only once enough files are waiting to pay for the workers (``POOL_MIN_FILES``); a
run with a few new files reads them in its own process. The configuration goes to each worker once,
when it starts (a pickled Config is ~140 KB and took ~7 ms to send and rebuild, once per chunk of
jobs). A worker sends each submission pickled; the submission cache stores those bytes as they are.
Workers die with the run, even one killed outright (:mod:`.lifeline`).

A worker that dies (a crash inside the native reader, the kernel's out-of-memory killer) breaks the
pool and loses the files it was given, without telling which one killed it. Every file still to be
read is then read alone, one at a time in a worker of its own (:class:`_LoneReader`, the worker
kept until a file ends it), never in the run's own process: a file that ends its worker again is
rejected with ``unexpected-error``, and the others are read as usual, so one such file costs a
finding, not the run.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
from collections.abc import Generator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..config import Config
from ..core import platform
from ..intake.council import CouncilFile
from ..intake.narrative import NarrativeFile
from ..intake.read import read_file, reader_died
from ..intake.validate import Submission
from .lifeline import die_with_parent

__all__ = ["MAX_WORKERS", "POOL_MIN_FILES", "ReadJob", "ReadPool"]

# Fewer files than this are read in this process: starting workers costs more than they save.
POOL_MIN_FILES = 64
MAX_WORKERS = 4
ReadJob = tuple[Path, str, dt.datetime | None]  # a file, the name it is read as, its received-at
Read = Submission | CouncilFile | NarrativeFile


def worker_count() -> int:
    return min(os.cpu_count() or 1, MAX_WORKERS)


class ReadPool:
    """Files of ``year`` read with ``config``, in worker processes when there are enough of them.
    Used as a context manager: on leaving, the workers stop and readings not taken are dropped."""

    def __init__(self, config: Config, year: int) -> None:
        self.config, self.year = config, year
        self._executor: ProcessPoolExecutor | None = None
        self._waiting: list[tuple[Path, str]] = []
        self._prefetched: dict[str, Future[bytes]] = {}
        self._broken = False  # a worker died: every file still to read is read alone
        self._alone = _LoneReader(config, year)

    def __enter__(self) -> ReadPool:
        return self

    def __exit__(self, *_: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self._alone.close()

    def prefetch(self, path: Path, name: str) -> None:
        """Start reading ``path`` as ``name`` (a file ingest found new), or keep it waiting until
        enough files are waiting to start the workers; a file still waiting then is read later,
        from the archive, like any other."""
        if self._broken:
            return  # read later, from the archive
        if self._executor is None:
            self._waiting.append((path, name))
            if len(self._waiting) < POOL_MIN_FILES or worker_count() < 2:
                return
            waiting, self._waiting = self._waiting, []
            for early_path, early_name in waiting:
                self._submit(early_path, early_name)
        else:
            self._submit(path, name)

    def prefetched(self, name: str) -> bool:
        """Whether a reading of the file named ``name`` was started."""
        return name in self._prefetched

    def take(self, sha256: str, name: str) -> tuple[Submission, bytes] | None:
        """The prefetched submission of ``name`` and its pickle, if what was read had the content
        ``sha256``; None when it had another, was a council workbook or the clerk's document, or was lost with a worker
        that died (the caller reads the archived copy with :meth:`read_here`)."""
        future = self._prefetched.pop(name, None)
        if future is None:
            return None
        try:
            pickled = future.result()
        except BrokenProcessPool:
            self._broken = True
            return None
        read = pickle.loads(pickled)
        if not isinstance(read, Submission) or read.source.sha256 != sha256:
            return None
        return read, pickled

    def read_here(self, job: ReadJob) -> Read:
        """One file read in this process; once a worker has died, in a process of its own, since the
        file that killed the worker may be this one (see the module)."""
        if self._broken:
            return self._alone.read(job)
        path, name, received_at = job
        return _read(path, name, self.config, self.year, received_at)

    def read_all(self, jobs: list[ReadJob]) -> Generator[tuple[Read, bytes | None], None, None]:
        """Every job read, in order, each with its pickle when a worker sent it; in the workers
        when they run already or the batch is large enough to start them."""
        done = 0
        if not self._broken and (self._executor is not None or (len(jobs) >= POOL_MIN_FILES and worker_count() >= 2)):
            files = [(path, name, self.year, received_at) for path, name, received_at in jobs]
            try:
                for pickled in self._pool().map(_read_in_worker, files, chunksize=16):
                    done += 1
                    yield pickle.loads(pickled), pickled
            except BrokenProcessPool:
                self._broken = True
        yield from ((self.read_here(job), None) for job in jobs[done:])

    def _submit(self, path: Path, name: str) -> None:
        try:
            self._prefetched[name] = self._pool().submit(_read_in_worker, (path, name, self.year, None))
        except BrokenProcessPool:  # a worker died: this file is read later, from the archive
            self._broken = True

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = _executor(worker_count(), self.config)
        return self._executor


def _executor(workers: int, config: Config) -> ProcessPoolExecutor:
    """Worker processes started as :func:`platform.start_method` says (forked on Linux, spawned on
    Windows and with ``DVK_PORTABLE=1``): a spawned worker imports this module and is sent the
    initializer's arguments pickled, so everything it runs is a function at a module's top level
    and everything it needs (the configuration, the run's pid) is an argument."""
    context = multiprocessing.get_context(platform.start_method())
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(), config)
    )


# The configuration a pool worker reads with, set once by the pool's initializer.
_worker_config: list[Config] = []


def _start_worker(parent: int, config: Config) -> None:
    """A worker's start: it dies with the run (a worker of a killed run would otherwise wait for
    work forever, holding the workspace lock it inherited: see lifeline.py) and keeps ``config``."""
    die_with_parent(parent)
    _worker_config[:] = [config]


def _read_in_worker(file: tuple[Path, str, int, dt.datetime | None]) -> bytes:
    """One file read in a pool worker, pickled here: the parent keeps these bytes for the
    submission cache instead of pickling the submission again."""
    path, name, year, received_at = file
    return pickle.dumps(_read(path, name, _worker_config[0], year, received_at), protocol=pickle.HIGHEST_PROTOCOL)


class _LoneReader:
    """Files read one at a time in a worker process of the run's own, never in the run's process: a
    file that ends the worker is the one it was reading, and is rejected with a finding
    (``unexpected-error``) instead of stopping the run. The worker is kept from one file to the
    next and replaced only when a file ends it: a spawned worker (Windows) takes about a second to
    start, which thousands of files would otherwise pay each."""

    def __init__(self, config: Config, year: int) -> None:
        self.config, self.year = config, year
        self._executor: ProcessPoolExecutor | None = None

    def read(self, job: ReadJob) -> Read:
        path, name, received_at = job
        if self._executor is None:
            self._executor = _executor(1, self.config)
        try:
            read: Read = pickle.loads(
                self._executor.submit(_read_in_worker, (path, name, self.year, received_at)).result()
            )
        except BrokenProcessPool:
            self.close()
            read = reader_died(path, name, received_at)
        return read

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _read(path: Path, name: str, config: Config, year: int, received_at: dt.datetime | None) -> Read:

    return read_file(path, name, config, year, received_at)
