"""Council stage: the year's proposals -> the steering committee's workbook; its filled copy ->
decisions in the register.

At ward level the steering committee (Ban chỉ đạo) decides recognition; its decisions (number,
date, list) are an input of the next cycle. Contract:

* :func:`council_bytes` is pure: an :class:`~.evaluate.Evaluation` -> ``xet-duyet-<year>.xlsx``
  bytes, identical for identical inputs. One row per item (models, collectives, individuals):
  what the unit reported and what the rules propose, locked; then the council's four input
  columns: the decision (a drop-down, prefilled with the proposal as a suggestion), its number,
  its date and a note. The hidden ``_meta`` sheet says kind ``dvk-council``, unit ``-`` and the
  year, signed like a unit template.
* :func:`read_council` reads a filled copy received in the inbox (the receipt stage routes it here
  by its ``_meta`` kind, before unit validation): its identity (signature, year), then every row
  with a decision. A row whose decision is not in the list, or that lacks the decision's number or
  date, becomes a finding and is not applied; "Không quyết định" (or a blank) is no decision.
* :func:`apply_council` records the remaining decisions in the register, inside the run's
  transaction. The item is found by its code; a code first issued this year, which a re-run may
  have given to another item since, must also match the row's name, else the item is found by
  unit, kind and name. The life-cycle move must be legal from the item's state (commending or
  rewarding an item not yet recognised recognises it first, as the rules assume); a decision
  already recorded for the year is not recorded twice. The file's verdict goes to the ledger:
  ``accepted`` when it is a genuine council workbook of the year, ``rejected`` otherwise.
* A year's decisions are replayed from the archived council files on every run of that year:
  :func:`forget_decisions` before the units' files are tracked, :func:`apply_council` after. So a
  re-run and ``dvk rebuild`` give the same events in the same order, and a decision never acts on
  a state that the units' files of the same year have not produced yet.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import layout
from .config import DATE_MAX, DATE_MIN, NO_OUTCOME, Config, Field, Sheet
from .evaluate import Evaluation, ItemEvaluation
from .findings import ERROR, Finding, sorted_findings
from .identity import sign, verify
from .intake import RawWorkbook, Received, SourceFile
from .lifecycle import EVENT_LABELS, IllegalMove, allowed, apply
from .ooxml import deterministic_zip
from .register import ItemEntry, Register
from .sheets import Collector, Record, loose, read_table
from .textnorm import fold
from .validate import read_meta

COUNCIL_FILE = "xet-duyet-{year}.xlsx"
COUNCIL_SHEET = "Xét duyệt"
NO_DECISION = "Không quyết định"
DECISION_EVENTS = ("recognise", "re-recognise", "strengthen", "replicate", "remove", "commend", "reward", "keep")
DECISIONS: Mapping[str, str] = {EVENT_LABELS[event]: event for event in DECISION_EVENTS}  # label -> event
DECISION_CHOICES = (*DECISIONS, NO_DECISION)
# Events that need an effective item: deciding them for an item not yet recognised recognises it first.
_AFTER_RECOGNITION = ("commend", "reward")
# The evidence of a council decision in the register; forget_decisions finds them by its pattern.
_EVIDENCE = "QĐ {number} ngày {date:%d/%m/%Y}; tệp {sha}"
_EVIDENCE_LIKE = "QĐ % ngày %; tệp %"
# Findings that mean the file's rows could not be read at all: the file is rejected.
_REFUSING = ("missing-sheet", "header-changed", "merged-cells")
APPLIED, UNCHANGED, SKIPPED = "applied", "unchanged", "skipped"
ACCEPTED, REJECTED = "accepted", "rejected"


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
_COLUMN = {c.key: index for index, c in enumerate(COLUMNS, start=1)}
_HEADER = {c.key: c.header for c in COLUMNS}
# What the reader needs of a returned copy, found by header text like any table sheet.
_READ = {"code": "text", "unit": "text", "kind": "text", "name": "text", "decision": "text"}
_READ |= {"number": "text", "date": "date", "note": "text"}
SCHEMA = Sheet("council", COUNCIL_SHEET, "table", "", tuple(Field(k, _HEADER[k], t) for k, t in _READ.items()))

_HEADING = "Xét duyệt mô hình, điển hình Phong trào thi đua “Dân vận khéo” năm {year}"
_HELP = (
    "Các ô màu trắng bên phải do Ban chỉ đạo ghi: chọn quyết định (đã điền sẵn đề xuất theo tiêu chí, "
    "sửa nếu Ban chỉ đạo quyết định khác; mục chưa quyết định chọn “Không quyết định”), ghi số và ngày "
    "quyết định. Xong, chép tệp vào thư mục inbox/ và chạy lại dvk consolidate --year {year}."
)
_COUNCIL_HINT = (
    "Hãy tạo lại bảng xét duyệt (dvk council --year <năm>) và ghi quyết định vào đó; "
    "không sửa sheet ẩn, tên sheet và dòng tiêu đề."
)
_HINTS = dict.fromkeys(("not-a-template", "signature-invalid", *_REFUSING), _COUNCIL_HINT)


# --------------------------------------------------------------------------- the workbook


def council_bytes(evaluation: Evaluation, config: Config) -> bytes:
    """The council's workbook of the evaluated year, saved to bytes that depend only on the inputs."""
    buffer = io.BytesIO()
    build_council(evaluation, config).save(buffer)
    return deterministic_zip(buffer.getvalue(), _fixed_time(evaluation.year))


def build_council(evaluation: Evaluation, config: Config) -> Workbook:
    """The council's workbook, built in memory: the decision sheet, then hidden ``_lists`` and ``_meta``."""
    wb = Workbook()
    _set_properties(wb, config, evaluation.year)
    ws = wb.active
    ws.title = COUNCIL_SHEET
    _write_heading(ws, evaluation.year)
    for offset, item in enumerate(evaluation.items):
        _write_row(ws, layout.FIRST_DATA_ROW + offset, _row_values(offset + 1, item, config))
    _add_validations(ws, len(evaluation.items))
    _finish_sheet(ws)
    _write_lists(wb.create_sheet(layout.LISTS_SHEET))
    _write_meta(wb.create_sheet(layout.META_SHEET), config, evaluation.year)
    return wb


def _fixed_time(year: int) -> dt.datetime:
    """The moment stamped into the council's workbook of ``year``: the end of the reporting cycle."""
    return dt.datetime(year, 12, 1)


def _set_properties(wb: Workbook, config: Config, year: int) -> None:
    props = wb.properties
    props.creator = props.lastModifiedBy = _text(config.organization.collecting_board)
    props.title = _text(_HEADING.format(year=year))
    props.created = props.modified = _fixed_time(year)


def _row_values(index: int, evaluation: ItemEvaluation, config: Config) -> dict[str, Any]:
    """One item's row: what the unit reported and what the rules propose; the suggested decision."""
    item = evaluation.item
    return {
        "index": index,
        "code": item.values.get("code"),
        "unit": item.unit.name,
        "kind": config.template.sheet(item.kind).title,
        "name": item.values.get("name"),
        "field": item.values.get("field"),
        "total": evaluation.total,
        "class": evaluation.classification,
        "unit_proposal": item.values.get("proposal"),
        "proposal": evaluation.outcome_label,
        "explanation": evaluation.explanation,
        "decision": NO_DECISION if evaluation.outcome == NO_OUTCOME else evaluation.outcome_label,
    }


# --------------------------------------------------------------------------- cells

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_CENTRED = Alignment(wrap_text=True, vertical="center", horizontal="center")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_ENTRY_HEADER_FILL = PatternFill("solid", fgColor="FCE4D6")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_UNLOCKED = Protection(locked=False)
_FORMATS = {"total": "General", "date": "dd/mm/yyyy", "index": "0"}
_LINE_HEIGHT = 15.0


def _write_heading(ws: Worksheet, year: int) -> None:
    """Heading (merged across the columns), help line and header row."""
    heading = ws.cell(row=layout.HEADING_ROW, column=1, value=_text(_HEADING.format(year=year)))
    heading.font = Font(bold=True, size=13)
    ws.merge_cells(start_row=layout.HEADING_ROW, start_column=1, end_row=layout.HEADING_ROW, end_column=len(COLUMNS))
    ws.cell(row=layout.HELP_ROW, column=1, value=_text(_HELP.format(year=year))).font = Font(italic=True)
    for column, spec in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=layout.HEADER_ROW, column=column, value=_text(spec.header))
        cell.font = Font(bold=True)
        cell.fill = _ENTRY_HEADER_FILL if spec.entry else _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = _CENTRED
    ws.row_dimensions[layout.HEADER_ROW].height = 2 * _LINE_HEIGHT + 6


def _write_row(ws: Worksheet, row: int, values: Mapping[str, Any]) -> None:
    """One item: computed cells grey and locked, the council's cells white and unlocked."""
    for column, spec in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=row, column=column)
        _put(cell, values.get(spec.key))
        cell.border = _BORDER
        cell.alignment = _WRAP if spec.wrap else _TOP
        cell.number_format = _FORMATS.get(spec.key, "@")
        if spec.entry:
            cell.protection = _UNLOCKED
        else:
            cell.fill = _LOCKED_FILL
    ws.row_dimensions[row].height = _row_height(values)


def _put(cell: Any, value: Any) -> None:
    """A typed value; text is NFC and stays text even when it starts with "="."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"
    else:
        cell.value = value


def _row_height(values: Mapping[str, Any]) -> float:
    """Tall enough for the longest wrapped text of the row (Excel does not fit heights on open)."""
    lines = max(math.ceil(len(str(values.get(c.key) or "")) / max(c.width - 2, 4)) for c in COLUMNS if c.wrap)
    return min(409.0, max(1, lines) * _LINE_HEIGHT + 3)


def _add_validations(ws: Worksheet, rows: int) -> None:
    """The decision drop-down (over ``_lists``) and a real date in the date column."""
    if not rows:
        return
    last = layout.FIRST_DATA_ROW + rows - 1
    decision = DataValidation(
        type="list",
        formula1=f"'{layout.LISTS_SHEET}'!$A$2:$A${len(DECISION_CHOICES) + 1}",
        promptTitle="Quyết định",
        prompt=_text(f"Chọn quyết định của Ban chỉ đạo; mục chưa quyết định chọn “{NO_DECISION}”."),
        error=_text("Hãy chọn một quyết định trong danh sách."),
    )
    date = DataValidation(
        type="date",
        operator="between",
        formula1=str(int(to_excel(DATE_MIN))),
        formula2=str(int(to_excel(DATE_MAX))),
        promptTitle="Ngày quyết định",
        prompt=_text("Ngày ký quyết định, dạng ngày/tháng/năm (dd/mm/yyyy)."),
        error=_text("Hãy nhập một ngày có thật theo dạng ngày/tháng/năm (dd/mm/yyyy)."),
    )
    for key, validation in (("decision", decision), ("date", date)):
        validation.allow_blank = validation.showErrorMessage = validation.showInputMessage = True
        validation.errorStyle, validation.errorTitle = "stop", "Giá trị không hợp lệ"
        letter = get_column_letter(_COLUMN[key])
        validation.add(f"{letter}{layout.FIRST_DATA_ROW}:{letter}{last}")
        ws.add_data_validation(validation)


def _finish_sheet(ws: Worksheet) -> None:
    """Widths, the header frozen with the number and code, protection without a password."""
    for column, spec in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = spec.width
    ws.freeze_panes = f"C{layout.FIRST_DATA_ROW}"
    _protect(ws, allow_resizing=True)


def _protect(ws: Worksheet, allow_resizing: bool) -> None:
    ws.protection.sheet = True
    if allow_resizing:
        ws.protection.formatColumns = False
        ws.protection.formatRows = False


def _write_lists(ws: Worksheet) -> None:
    """The hidden ``_lists`` sheet: the decision labels under their key."""
    ws.cell(row=1, column=1, value="decisions")
    for row, label in enumerate(DECISION_CHOICES, start=2):
        ws.cell(row=row, column=1, value=_text(label))
    ws.column_dimensions["A"].width = max(len(label) for label in DECISION_CHOICES) + 2
    ws.sheet_state = "hidden"
    _protect(ws, allow_resizing=False)


def _write_meta(ws: Worksheet, config: Config, year: int) -> None:
    """The hidden ``_meta`` sheet: the workbook's identity, all text, signed."""
    version = config.template.version
    values = {
        "kind": layout.META_KIND_COUNCIL,
        "template_version": version,
        "unit_code": layout.META_UNIT_COUNCIL,
        "year": str(year),
        "signature": sign(config.secret, layout.META_KIND_COUNCIL, layout.META_UNIT_COUNCIL, year, version),
    }
    for row, key in enumerate(layout.META_KEYS, start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=_text(values[key])).number_format = "@"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 36
    ws.sheet_state = "hidden"
    _protect(ws, allow_resizing=False)


def _text(text: str) -> str:
    """NFC, without the control characters an .xlsx cannot hold."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", unicodedata.normalize("NFC", text)))


# --------------------------------------------------------------------------- reading a filled copy


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
        findings=_finish(out.items),
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


def _finish(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Sorted, with hints that speak of the council's workbook rather than a unit's template."""
    reworded = [replace(f, hint=_HINTS[f.code]) if f.code in _HINTS else f for f in findings]
    return sorted_findings(reworded, (COUNCIL_SHEET,))


# --------------------------------------------------------------------------- applying


@dataclass(frozen=True)
class CouncilResult:
    """What one council file did in a run: decisions recorded, already there, and its findings."""

    file: str
    accepted: bool
    applied: int
    unchanged: int
    findings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "verdict": ACCEPTED if self.accepted else REJECTED,
            "applied": self.applied,
            "unchanged": self.unchanged,
            "findings": [f.as_dict() for f in self.findings],
        }


def forget_decisions(register: Register, year: int) -> None:
    """Undo the decisions an earlier run of ``year`` recorded from council files, to be replayed after
    the units' files; unless a later year already builds on them (the rule tracking follows)."""
    if any(entry.cycle > year for entry in register.files()):
        return
    marks = ", ".join("?" * len(DECISION_EVENTS))
    query = f"SELECT DISTINCT code FROM events WHERE year=? AND event IN ({marks}) AND evidence LIKE ?"
    params = (year, *DECISION_EVENTS, _EVIDENCE_LIKE)
    codes = [code for (code,) in register.db.execute(query, params).fetchall()]
    register.db.execute(query.replace("SELECT DISTINCT code", "DELETE"), params)
    for code in codes:
        last = register.db.execute("SELECT to_state FROM events WHERE code=? ORDER BY id DESC LIMIT 1", (code,))
        register.set_state(code, last.fetchone()[0])


def apply_council(register: Register, council: CouncilFile, year: int) -> CouncilResult:
    """Record the file's decisions for ``year`` and note its verdict in the ledger."""
    out = Collector(council.source.name, list(council.findings))
    outcomes = [_apply(register, decision, council.source.sha256, year, out) for decision in council.decisions]
    findings = _finish(out.items)
    verdict = ACCEPTED if council.taken else REJECTED
    register.set_verdict(
        council.source.sha256, "", council.year, council.template_version, verdict, [f.as_dict() for f in findings]
    )
    return CouncilResult(
        council.source.name, council.taken, outcomes.count(APPLIED), outcomes.count(UNCHANGED), findings
    )


def _apply(register: Register, decision: Decision, sha256: str, year: int, out: Collector) -> str:
    """Record one decision; what became of it (applied, unchanged, skipped with a finding)."""
    item = _resolve(register, decision, year)
    if item is None:
        cell = decision.cells["code"]
        out.add("council-unknown-code", sheet=COUNCIL_SHEET, cell=cell, item_code=decision.code, name=decision.name)
        return SKIPPED
    if register.has_event(item.code, year, decision.event):
        return UNCHANGED
    try:
        moves = _moves(item.state, decision.event)
    except IllegalMove as exc:
        cell = decision.cells["decision"]
        params = {"item_code": item.code, "name": decision.name, "detail": str(exc), "hint": exc.hint}
        out.add("illegal-decision", sheet=COUNCIL_SHEET, cell=cell, **params)
        return SKIPPED
    evidence = _EVIDENCE.format(number=decision.number, date=decision.date, sha=sha256[:12])
    for event, before, after in moves:
        register.set_state(item.code, after)
        register.record_event(item.code, year, event, before, after, evidence, _reason(decision, event))
    return APPLIED


def _resolve(register: Register, decision: Decision, year: int) -> ItemEntry | None:
    """The row's item: by code (a code first issued this year must still name the row's item),
    else by unit, kind and name."""
    item = register.item(decision.code) if decision.code else None
    if item is not None and (item.first_year < year or fold(item.name) == fold(decision.name)):
        return item
    if decision.unit and decision.kind and decision.name:
        return register.find_by_name(decision.unit, decision.kind, fold(decision.name))
    return None


def _moves(state: str, event: str) -> list[tuple[str, str, str]]:
    """The (event, before, after) steps of a decision; :class:`IllegalMove` when the table forbids it."""
    steps = allowed(state)
    if event in _AFTER_RECOGNITION and event not in steps and "recognise" in steps:
        recognised = apply(state, "recognise")
        return [("recognise", state, recognised), (event, recognised, apply(recognised, event))]
    return [(event, state, apply(state, event))]


def _reason(decision: Decision, event: str) -> str:
    if event != decision.event:
        return f"Công nhận để “{decision.label}” theo quyết định của Ban chỉ đạo"
    return decision.note or f"Ban chỉ đạo quyết định “{decision.label}”"


def decision_counts(register: Register, year: int) -> dict[tuple[str, str], int]:
    """How many of each kind of item the council decided each way in ``year``: (event, kind) -> count."""
    rows = register.db.execute(
        "SELECT e.event, i.kind, COUNT(*) FROM events e JOIN items i ON i.code = e.code "
        "WHERE e.year=? AND e.evidence LIKE ? GROUP BY e.event, i.kind",
        (year, _EVIDENCE_LIKE),
    ).fetchall()
    return {(event, kind): count for event, kind, count in rows}
