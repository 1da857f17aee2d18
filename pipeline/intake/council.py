"""Council workbook, read: a filled copy of the steering committee's workbook -> its decisions.

At ward level the steering committee (Ban chỉ đạo) decides recognition; its decisions (number,
date, list) are an input of the next cycle. Contract:

* This module also holds the workbook's layout (:data:`COLUMNS`, :data:`SCHEMA`, the decision
  labels), which the writer (:mod:`pipeline.outputs.xlsx.council`) lays out and this reader reads.
* :func:`read_council` reads a filled copy received in the inbox (the receipt stage routes it here
  by its ``_meta`` kind, before unit validation): its identity (signature, year), then every row
  with a decision. A row whose decision is not in the list, or that lacks the decision's number or
  date, becomes a finding and is not applied; "Không quyết định" (or a blank) is no decision.
* Applying the decisions to the register is the year's work (:mod:`pipeline.year.council`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..config import Config, Field, Sheet
from ..core import layout
from ..core.findings import ERROR, Finding, sorted_findings
from ..core.identity import verify
from ..core.lifecycle import EVENT_LABELS
from ..core.textnorm import fold
from .receive import RawWorkbook, Received, SourceFile
from .sheets import Collector, Record, loose, read_table
from .validate import read_meta

COUNCIL_SHEET = "Xét duyệt"
NO_DECISION = "Không quyết định"
DECISION_EVENTS = ("recognise", "re-recognise", "strengthen", "replicate", "remove", "commend", "reward", "keep")
DECISIONS: Mapping[str, str] = {EVENT_LABELS[event]: event for event in DECISION_EVENTS}  # label -> event
DECISION_CHOICES = (*DECISIONS, NO_DECISION)
# Findings that mean the file's rows could not be read at all: the file is rejected.
_REFUSING = ("missing-sheet", "header-changed", "merged-cells")


@dataclass(frozen=True)
class Column:
    """One column of the council sheet; ``entry`` columns are the council's to fill."""

    key: str
    header: str
    width: int
    entry: bool = False
    wrap: bool = False


COLUMNS = (
    Column("index", "STT", 6),
    Column("code", "Mã", 14),
    Column("unit", "Đơn vị", 26, wrap=True),
    Column("kind", "Loại", 14, wrap=True),
    Column("name", "Tên", 34, wrap=True),
    Column("field", "Lĩnh vực", 16, wrap=True),
    Column("total", "Tổng điểm", 9),
    Column("class", "Xếp loại", 11),
    Column("unit_proposal", "Đề xuất của đơn vị", 16, wrap=True),
    Column("proposal", "Đề xuất theo tiêu chí", 16, wrap=True),
    Column("explanation", "Giải thích", 60, wrap=True),
    Column("decision", "Quyết định của Ban chỉ đạo", 22, entry=True, wrap=True),
    Column("number", "Số quyết định", 16, entry=True),
    Column("date", "Ngày quyết định", 14, entry=True),
    Column("note", "Ghi chú", 30, entry=True, wrap=True),
)
_HEADER = {c.key: c.header for c in COLUMNS}
# What the reader needs of a returned copy, found by header text like any table sheet.
_READ = {"code": "text", "unit": "text", "kind": "text", "name": "text", "decision": "text"}
_READ |= {"number": "text", "date": "date", "note": "text"}
SCHEMA = Sheet("council", COUNCIL_SHEET, "table", "", tuple(Field(k, _HEADER[k], t) for k, t in _READ.items()))

_COUNCIL_HINT = (
    "Hãy tạo lại bảng xét duyệt (dvk council --year <năm>) và ghi quyết định vào đó; "
    "không sửa sheet ẩn, tên sheet và dòng tiêu đề."
)
_HINTS = dict.fromkeys(("not-a-template", "signature-invalid", *_REFUSING), _COUNCIL_HINT)


@dataclass(frozen=True)
class Decision:
    """One row of a returned copy with a decision to record."""

    row: int
    code: str
    unit: str  # the unit's code; "" when the row names no configured unit
    kind: str  # models, collectives or individuals; "" when the row's type is unknown
    name: str
    event: str
    number: str
    date: dt.date
    note: str
    cells: Mapping[str, str]

    @property
    def label(self) -> str:
        return EVENT_LABELS[self.event]


@dataclass(frozen=True)
class CouncilFile:
    """A council workbook as read from the archive: its identity, decisions and findings."""

    source: SourceFile
    year: int | None
    template_version: str
    taken: bool  # a genuine council workbook of the year whose rows could be read
    decisions: tuple[Decision, ...]
    findings: tuple[Finding, ...]


def is_council(received: Received) -> bool:
    """Whether a received workbook says, in its ``_meta``, that it is a council workbook."""
    meta = read_meta(received.workbook) if received.workbook is not None else None
    return meta is not None and meta.get("kind") == layout.META_KIND_COUNCIL


def read_council(received: Received, config: Config, year: int) -> CouncilFile:
    """The decisions of a returned council workbook for ``year``, and everything wrong with it."""
    assert received.workbook is not None, "is_council() comes first"
    out = Collector(received.source.name, list(received.findings))
    meta = _identity(received.workbook, config, year, out)
    records = _records(received.workbook, out) if meta is not None else ()
    taken = meta is not None and not any(f.code in _REFUSING for f in out.items)
    decisions = tuple(d for r in records if (d := _decision(r, config, out))) if taken else ()
    shown = read_meta(received.workbook) or {}
    found_year = shown.get("year", "")
    return CouncilFile(
        source=received.source,
        year=int(found_year) if found_year.isdigit() else None,
        template_version=shown.get("template_version", ""),
        taken=taken,
        decisions=decisions,
        findings=council_findings(out.items),
    )


def _identity(workbook: RawWorkbook, config: Config, year: int, out: Collector) -> dict[str, str] | None:
    """The ``_meta`` values when the workbook is a council workbook this installation issued for ``year``."""
    meta = read_meta(workbook) or {}
    if not all(key in meta for key in layout.META_KEYS):
        out.add("not-a-template", detail="phần nhận dạng bảng xét duyệt không đủ")
        return None
    signed = (meta["kind"], meta["unit_code"], meta["year"], meta["template_version"])
    if meta["unit_code"] != layout.META_UNIT_COUNCIL or not verify(config.secret, meta["signature"], *signed):
        out.add("signature-invalid")
        return None
    if meta["year"] != str(year):
        out.add("council-wrong-year", found=meta["year"], expected=year)
        return None
    return meta


def _records(workbook: RawWorkbook, out: Collector) -> tuple[Record, ...]:
    raw = workbook.sheet(COUNCIL_SHEET) or next(
        (s for s in workbook.sheets if fold(s.name) == fold(COUNCIL_SHEET)), None
    )
    if raw is None:
        out.add("missing-sheet", sheet=COUNCIL_SHEET)
        return ()
    return read_table(raw, SCHEMA, out)


def _decision(record: Record, config: Config, out: Collector) -> Decision | None:
    """The row's decision when it has one and it is complete; findings say what is missing."""
    values, where = record.values, record.cells
    text, name = values.get("decision") or "", values.get("name") or ""
    if not text or fold(text) == fold(NO_DECISION):
        return None
    event = _decision_event(text, where["decision"], name, out)
    if event is None:
        return None
    number, day = values.get("number") or "", values.get("date")
    if not number:
        out.add("decision-missing-number", sheet=COUNCIL_SHEET, cell=where["number"], name=name, decision=text)
    flagged = {f.cell for f in out.items if f.severity == ERROR and f.sheet == COUNCIL_SHEET}
    if day is None and where["date"] not in flagged:
        out.add("decision-missing-date", sheet=COUNCIL_SHEET, cell=where["date"], name=name, decision=text)
    if not number or day is None:
        return None
    return Decision(
        row=record.row,
        code=values.get("code") or "",
        unit=_unit_code(values.get("unit") or "", config),
        kind=_kind(values.get("kind") or "", config),
        name=name,
        event=event,
        number=number,
        date=day,
        note=values.get("note") or "",
        cells=dict(where),
    )


def _decision_event(text: str, cell: str, name: str, out: Collector) -> str | None:
    """The event a decision label names (tolerant to case, Unicode form and missing diacritics)."""
    if text in DECISIONS:
        return DECISIONS[text]
    label = next((label for label in DECISIONS if fold(label) == fold(text) or loose(label) == loose(text)), None)
    if label is None:
        choices = "; ".join(DECISION_CHOICES)
        out.add("unknown-decision", sheet=COUNCIL_SHEET, cell=cell, value=text, name=name, choices=choices)
        return None
    out.add("choice-normalised", sheet=COUNCIL_SHEET, cell=cell, value=text, choice=label)
    return DECISIONS[label]


def _unit_code(text: str, config: Config) -> str:
    return next((u.code for u in config.units.units if fold(text) in (fold(u.name), fold(u.code))), "")


def _kind(text: str, config: Config) -> str:
    sheets = (config.template.sheet(kind) for kind in ("models", "collectives", "individuals"))
    return next((s.key for s in sheets if fold(s.title) == fold(text)), "")


def council_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Sorted, with hints that speak of the council's workbook rather than a unit's template."""
    reworded = [replace(f, hint=_HINTS[f.code]) if f.code in _HINTS else f for f in findings]
    return sorted_findings(reworded, (COUNCIL_SHEET,))
