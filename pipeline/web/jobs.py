"""Consolidation started from a page: one run at a time, in a thread, with progress to poll.

Contract: :meth:`Jobs.start` runs :func:`pipeline.run.replay.consolidate_year` (the function of
``dvk consolidate``) under the workspace lock in a background thread and returns at once; the page
polls :meth:`Jobs.current` for the files read so far, then the answer or the error's message. A
second start while a run is going is refused (the page shows the running one); a command holding
the lock makes the run end at once with the lock's message, who holds it included.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..intake.receive import discover
from ..run.failures import failure_message
from ..run.replay import RunAnswer, consolidate_year

_log = logging.getLogger("dvk.web")


@dataclass
class Job:
    """One consolidation: what it is doing, how far it is, how it ended."""

    year: int
    report_date: dt.date | None
    total: int
    done: int = 0
    current: str = ""
    finished: bool = False
    answer: RunAnswer | None = None
    error: str = ""
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    @property
    def percent(self) -> int:
        return 100 if self.finished or not self.total else min(99, self.done * 100 // self.total)

    @property
    def phase(self) -> str:
        if self.finished:
            return "Đã xong" if not self.error else "Không chạy được"
        if self.done < self.total:
            return f"Đang đọc và kiểm tra tệp {self.done + 1}/{self.total}: {self.current}".rstrip(": ")
        return "Đang ghi sổ theo dõi và viết báo cáo"

    def advance(self, name: str) -> None:
        self.done += 1
        self.current = name


Locker = Callable[[str], AbstractContextManager[Any]]


class Jobs:
    """The server's consolidation runs: the current (or last) one, one at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._job: Job | None = None
        self._thread: threading.Thread | None = None

    def current(self) -> Job | None:
        return self._job

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, root: Path, config: Config, year: int, report_date: dt.date | None, locked: Locker) -> bool:
        """Start a run; False when one is already running."""
        with self._lock:
            if self.running():
                return False
            job = Job(year, report_date, total=len(discover(root / "inbox")))
            self._job = job
            self._thread = threading.Thread(
                target=_run, args=(job, root, config, locked), name="dvk-consolidate", daemon=True
            )
            self._thread.start()
            return True

    def wait(self, timeout: float | None = None) -> None:
        """Until the current run ends (tests, and the server's shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)


def _run(job: Job, root: Path, config: Config, locked: Locker) -> None:
    try:
        with locked("consolidate"):
            job.answer = consolidate_year(root, config, job.year, job.report_date, job.advance)
    except Exception as exc:  # every error ends the job with a message for the page, never the server
        known = failure_message(exc)
        if known is None:
            _log.exception("consolidation of %s failed", job.year)
        job.error = known[0] if known else f"Lỗi ngoài dự kiến khi tổng hợp: {type(exc).__name__}."
    finally:
        job.finished = True
