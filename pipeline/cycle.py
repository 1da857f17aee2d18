"""The yearly cycle, stage after stage: inbox -> submissions -> consolidation -> outputs.

This is the only module that reads the inbox and writes the outbox; the stages it calls are
functions from data to data. Outputs go to ``outbox/<year>/`` and are each written atomically
(temporary file, then rename), so an interrupted run never leaves a half-written report. The
annotated copies for units go to ``outbox/<year>/phan-hoi/``; a copy there that this run did not
write again belongs to a unit that has since fixed everything, and is removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Config
from .consolidate import LATE, MISSING, Consolidation, consolidate
from .findings import Finding, finding
from .intake import SourceFile, discover, receive
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


def check_file(path: Path, name: str, config: Config, year: int) -> Submission:
    """Receive and validate one file; whatever goes wrong inside becomes a finding, not a crash."""
    try:
        return validate(receive(path, name), config, year)
    except Exception as exc:  # a bug must not stop the other forty units' run
        source = SourceFile(path, name, "", 0, dt.datetime(1970, 1, 1))
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return Submission(source, "", None, "", {}, {}, (finding("unexpected-error", file=name, detail=detail),))


def read_inbox(inbox: Path, config: Config, year: int, progress: Progress | None = None) -> list[Submission]:
    """Receive and validate every file under ``inbox``."""
    submissions = []
    for path in discover(inbox):
        name = path.relative_to(inbox).as_posix()
        if progress:
            progress(name)
        submissions.append(check_file(path, name, config, year))
    return submissions


def run_consolidation(
    root: Path, config: Config, year: int, report_date: dt.date | None, progress: Progress | None = None
) -> RunResult:
    """The whole ``dvk consolidate`` job on the workspace ``root``."""
    from .feedback import CLERK_FILE, FEEDBACK_FOLDER, clerk_report_bytes
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
    documents[CLERK_FILE.format(year=year)] = clerk_report_bytes(submissions, data.findings, config, year)
    feedback = _feedback_documents(submissions, config)
    documents.update((f"{FEEDBACK_FOLDER}/{name}", feedback[name]) for name in sorted(feedback))
    outputs = []
    for name, content in documents.items():
        atomic_write(folder / name, content)
        outputs.append(folder / name)
    _remove_stale_feedback(folder / FEEDBACK_FOLDER, set(feedback))
    return RunResult(year, tuple(submissions), data, tuple(outputs))


def _feedback_documents(submissions: list[Submission], config: Config) -> dict[str, bytes]:
    """The annotated copy of each unit file with findings, by file name (the inbox is only read)."""
    from .feedback import CannotAnnotate, feedback_names, unit_feedback_bytes

    documents = {}
    for index, name in feedback_names(submissions).items():
        submission = submissions[index]
        try:
            documents[name] = unit_feedback_bytes(submission.source.path.read_bytes(), submission, config)
        except (CannotAnnotate, OSError):
            # openpyxl cannot open it (an .xls or .ods file calamine could read) or it changed or went
            # away since it was checked: no annotated copy, the clerk report still lists its findings.
            continue
    return documents


def _remove_stale_feedback(folder: Path, written: set[str]) -> None:
    """Feedback files of an earlier run that this run did not write again: their unit has fixed everything."""
    if folder.is_dir():
        for path in folder.glob("*.xlsx"):
            if path.is_file() and path.name not in written:
                path.unlink()
