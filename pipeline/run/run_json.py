"""A ``dvk consolidate`` run as plain data: the shape of its ``--json``.

Keys kept for scripts: ``accepted`` (units with an accepted file), ``rejected`` (files returned and
not yet replaced, with their findings), ``superseded`` (files replaced by a later accepted file of
their unit, accepted or not), ``late``, ``missing``. ``counts`` holds the numbers the screen,
``dvk status`` and ``ket-qua-kiem-tra`` give (:class:`pipeline.year.standing.Counts`); ``files``
each received file's standing (``used``, ``replaced`` with ``replaced_by``, ``returned``);
``findings`` the consolidation's own findings (the minimum of models, a shared model name, a row
matched by name, an earlier file of a unit), each with its file and unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from ..intake.narrative import NarrativeFile
from ..intake.validate import Submission
from ..year.consolidate import EXEMPT, LATE, MISSING, Consolidation
from ..year.council import CouncilResult, superseded_by
from ..year.standing import REPLACED, RETURNED, FileStanding, count
from ..year.tracking import Change


class Run(Protocol):
    """What the summary reads of a :class:`~.cycle.RunResult` (named so, not imported: no cycle)."""

    @property
    def year(self) -> int: ...

    @property
    def submissions(self) -> tuple[Submission, ...]: ...

    @property
    def consolidation(self) -> Consolidation: ...

    @property
    def outputs(self) -> tuple[Path, ...]: ...

    @property
    def changes(self) -> tuple[Change, ...]: ...

    @property
    def councils(self) -> tuple[CouncilResult, ...]: ...

    @property
    def narratives(self) -> tuple[NarrativeFile, ...]: ...

    @property
    def narrative_used(self) -> str: ...

    def standings(self) -> list[FileStanding]: ...


def run_summary(result: Run, root: Path) -> dict[str, Any]:
    """The run as plain data; output paths relative to the workspace ``root``."""
    units, standings = result.consolidation.units, result.standings()
    unit_of = {s.source.name: s.unit_code for s in result.submissions}
    return {
        "year": result.year,
        "units_expected": sum(1 for u in units if u.status != EXEMPT),
        "counts": count(units, standings).as_dict(),
        "files": [
            {"file": s.name, "unit": s.submission.unit_code, "standing": s.state, "replaced_by": s.replaced_by}
            for s in standings
        ],
        "accepted": sorted({s.unit_code for s in result.submissions if s.accepted}),
        "rejected": [
            {"file": s.name, "unit": s.submission.unit_code, "findings": [f.as_dict() for f in s.submission.findings]}
            for s in standings
            if s.state == RETURNED
        ],
        "superseded": [s.name for s in standings if s.state == REPLACED],
        "findings": [
            {"file": f.file, "unit": unit_of.get(f.file, ""), **f.as_dict()} for f in result.consolidation.findings
        ],
        "late": [{"unit": u.unit.code, "days": u.days_late} for u in units if u.status == LATE],
        "missing": [u.unit.code for u in units if u.status == MISSING],
        "changes": [c.as_dict() for c in result.changes],
        "council": [
            {**c.as_dict(), "superseded_by": later.file if later else None}
            for c, later in zip(result.councils, superseded_by(result.councils), strict=True)
        ],
        "narrative": {
            "used": result.narrative_used,
            "files": [
                {
                    "file": n.source.name,
                    "verdict": "accepted" if n.taken else "rejected",
                    "findings": [f.as_dict() for f in n.findings],
                }
                for n in result.narratives
            ],
        },
        "outputs": [_relative(p, root) for p in result.outputs],
    }


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
