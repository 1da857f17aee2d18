"""Demo council: the steering committee's decisions on the demo's first consolidation.

:func:`consolidate_demo` consolidates a demo workspace, then, as the ward would after the units'
reports are in, issues the council workbook (what ``dvk council`` does), fills its decision columns
as the steering committee would (:func:`fill_council`: mostly the suggested decision, a few
changed or left undecided, one decision number and a day in early December), drops it into the
inbox, received on that day, and consolidates again: the reports then say what was decided.
Deterministic: the choices are seeded, the workbook saved with fixed properties.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

from ..config import Config
from ..core import layout
from ..core.ooxml import atomic_write
from ..core.paths import WorkspacePaths
from ..intake.council import COLUMNS, COUNCIL_SHEET, NO_DECISION

# The name of the filled copy in the demo's inbox (a second run finds it there and decides nothing).
COUNCIL_COPY = "xet-duyet-{year}-ban-chi-dao-da-ghi.xlsx"
# Decisions a committee changes, safe in every state the suggestion allows: "not yet, strengthen
# it first" and "commend rather than reward".
CHANGED = {"Công nhận": "Củng cố", "Khen thưởng": "Biểu dương"}
CHANGED_NOTES = {
    "Củng cố": "Cần củng cố thêm, xem xét công nhận năm sau.",
    "Biểu dương": "Biểu dương tại Hội nghị tổng kết năm.",
}
UNDECIDED_NOTE = "Chờ thẩm định thêm hồ sơ."
_COLUMN = {c.key: index for index, c in enumerate(COLUMNS, start=1)}


def consolidate_demo(workspace: Path, config: Config, year: int, seed: str = "") -> Any:
    """Consolidate the demo workspace, record the council's decisions once, consolidate again;
    the last run's result."""
    from ..run.cycle import run_consolidation

    result = run_consolidation(workspace, config, year, None)
    if (WorkspacePaths(workspace).inbox / COUNCIL_COPY.format(year=year)).exists():
        return result
    record_decisions(workspace, config, year, seed)
    return run_consolidation(workspace, config, year, None)


def record_decisions(workspace: Path, config: Config, year: int, seed: str = "") -> Path:
    """Issue the council workbook of ``year``, fill it as the committee would, drop it into the inbox."""
    from ..outputs.xlsx.workbook import end_of_cycle
    from ..run.cycle import issue_council
    from .demo import _set_received

    issued, _ = issue_council(workspace, config, year)
    rng = random.Random(f"{seed}{year}-council")
    day = dt.date(year, 12, rng.randint(2, 4))
    number = f"{rng.randint(10, 40)}-QĐ/ĐU"
    path = WorkspacePaths(workspace).inbox / COUNCIL_COPY.format(year=year)
    atomic_write(path, fill_council(issued.read_bytes(), rng, number, day, end_of_cycle(year)))
    _set_received(path, day)
    return path


def fill_council(workbook: bytes, rng: random.Random, number: str, day: dt.date, moment: dt.datetime) -> bytes:
    """``workbook`` (an issued council workbook) with every row decided under ``number`` and ``day``."""
    from openpyxl import load_workbook

    from ..outputs.xlsx.workbook import fixed_bytes

    wb = load_workbook(io.BytesIO(workbook))
    ws = wb[COUNCIL_SHEET]
    row = layout.FIRST_DATA_ROW
    while ws.cell(row, _COLUMN["index"]).value is not None:
        decision, note = decide(str(ws.cell(row, _COLUMN["decision"]).value or NO_DECISION), rng)
        ws.cell(row, _COLUMN["decision"], decision)
        if decision != NO_DECISION:
            ws.cell(row, _COLUMN["number"], number)
            ws.cell(row, _COLUMN["date"], day)
        ws.cell(row, _COLUMN["note"], note or None)
        row += 1
    return fixed_bytes(wb, moment)


def decide(suggested: str, rng: random.Random) -> tuple[str, str]:
    """The committee's decision on a suggestion and its note: mostly as suggested, some changed,
    a few left for later."""
    if suggested == NO_DECISION:
        return suggested, ""
    draw = rng.random()
    if draw < 0.07:
        return NO_DECISION, UNDECIDED_NOTE
    if draw < 0.2 and suggested in CHANGED:
        return CHANGED[suggested], CHANGED_NOTES[CHANGED[suggested]]
    return suggested, ""
