"""The yearly cycle, stage after stage: inbox -> submissions -> consolidation -> outputs.

This is the only module that reads the inbox and writes the outbox; the stages it calls are
functions from data to data. Outputs go to ``outbox/<year>/`` and are each written atomically
(temporary file, then rename), so an interrupted run never leaves a half-written report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Config
from .consolidate import LATE, MISSING, Consolidation, consolidate
from .findings import Finding
from .intake import discover, receive
from .ooxml import atomic_write
from .validate import Submission, validate

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RunResult:
    year: int
    submissions: tuple[Submission, ...]
    consolidation: Consolidation
    outputs: tuple[Path, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of the run: per file, then the consolidation's own."""
        return tuple(f for s in self.submissions for f in s.findings) + self.consolidation.findings

    def summary(self, root: Path) -> dict[str, Any]:
        """The run as plain data: the shape of ``dvk consolidate --json``."""
        units = self.consolidation.units
        return {
            "year": self.year,
            "units_expected": len(units),
            "accepted": sorted({s.unit_code for s in self.submissions if s.accepted}),
            "rejected": [
                {"file": s.source.name, "unit": s.unit_code, "findings": [f.as_dict() for f in s.findings]}
                for s in self.submissions
                if not s.accepted
            ],
            "late": [{"unit": u.unit.code, "days": u.days_late} for u in units if u.status == LATE],
            "missing": [u.unit.code for u in units if u.status == MISSING],
            "outputs": [_relative(p, root) for p in self.outputs],
        }


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_inbox(inbox: Path, config: Config, year: int, progress: Progress | None = None) -> list[Submission]:
    """Receive and validate every file under ``inbox``."""
    submissions = []
    for path in discover(inbox):
        name = path.relative_to(inbox).as_posix()
        if progress:
            progress(name)
        submissions.append(validate(receive(path, name), config, year))
    return submissions


def run_consolidation(
    root: Path, config: Config, year: int, report_date: dt.date | None, progress: Progress | None = None
) -> RunResult:
    """The whole ``dvk consolidate`` job on the workspace ``root``."""
    from .report import report_bytes, report_file_name
    from .stats import statistics
    from .summary import SUMMARY_FILE, summary_bytes

    config.year(year)  # an unknown year is a config error before any work
    submissions = read_inbox(root / "inbox", config, year, progress)
    data = consolidate(submissions, config, year)
    stats = statistics(data, config)
    folder = root / "outbox" / str(year)
    documents = {
        SUMMARY_FILE.format(year=year): summary_bytes(
            stats, data, [f for s in submissions for f in s.findings] + list(data.findings), config
        ),
    }
    for kind in ("province", "standing"):
        documents[report_file_name(kind, config, year)] = report_bytes(kind, stats, data, config, report_date)
    outputs = []
    for name, content in documents.items():
        atomic_write(folder / name, content)
        outputs.append(folder / name)
    return RunResult(year, tuple(submissions), data, tuple(outputs))
