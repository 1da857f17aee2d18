"""Validation stage: a received workbook + the schema -> a typed :class:`Submission` with findings.

Contract: the unit and the year come from the workbook's hidden ``_meta`` sheet, never from the
file name. Sheets are found by title and columns by their header text (tolerant to case, spacing
and Unicode form), so a moved column is still read right. Every cell is parsed by the type its
field declares; all findings are collected and sorted, not only the first. A submission is
accepted when it has no finding of severity ``error``.

A workbook is read by the schema of the template version it was issued with: an earlier version
that config/template.yaml still reads is read without the fields added since (they are absent,
not missing; ``earlier-template-version`` records it); any other version is refused.

With what the register knows (:class:`~pipeline.register.KnownItems`), item codes are checked
(issued, and to this unit) and so is each row's proposal against its item's life-cycle state
(``proposal-not-allowed-for-state``): the state before the year from the register for an item of an
earlier year (by code, else by name, as tracking matches it), else "newly registered" for a model
row whose status says so; a row whose state is unknown (continuing, not in the register) is not
judged, and a continuing row without a code is ``continuing-not-found`` (a warning: it would be
registered anew). These checks are added by :func:`check_codes` to a submission read without them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..config import NEW_ITEM, Config, Sheet, TemplateSchema, Unit, outcome_reachable
from ..core import layout, vnformat
from ..core.findings import Finding, has_errors, sorted_findings
from ..core.identity import verify
from ..core.lifecycle import PROPOSAL_EVENTS, STATE_LABELS
from ..core.matching import match_key, stored_key
from ..register import KnownItems
from . import cells
from .receive import RawWorkbook, Received, SourceFile
from .sheets import Collector, Record, form_cell, locate_sheets, read_form, read_table


@dataclass(frozen=True)
class Submission:
    source: SourceFile
    unit_code: str
    year: int | None
    template_version: str
    forms: Mapping[str, Mapping[str, Any]]
    tables: Mapping[str, tuple[Record, ...]]
    findings: tuple[Finding, ...]

    @property
    def accepted(self) -> bool:
        return not has_errors(self.findings)


def in_order_received(submissions: Iterable[Submission]) -> list[Submission]:
    """Submissions oldest first, by received time. Those received within the same second (the
    register's precision) keep the order given, which for a cycle's files is the ledger's: the order
    in which they were seen, new files of one scan by their modification time to the precision the
    file system gives (:func:`pipeline.run.receipt.ingest`). A resubmission made within a second of
    the first file so still comes after it, whatever its name or content."""
    return sorted(submissions, key=lambda s: s.source.received_at)


def validate(received: Received, config: Config, year: int, known: KnownItems | None = None) -> Submission:
    """Check one received file against the schema of ``year``.

    ``known`` (what the register knows of the items) enables the code and proposal checks."""
    source = received.source
    out = Collector(source.name, list(received.findings))
    meta = _identity(received.workbook, config, year, out) if received.workbook else None
    forms: dict[str, dict[str, Any]] = {}
    tables: dict[str, tuple[Record, ...]] = {}
    if meta is not None and received.workbook is not None:
        schema = config.template.for_version(meta["template_version"])
        located = locate_sheets(received.workbook, schema.sheets, out)
        for sheet in schema.sheets:
            if sheet.key not in located:
                continue
            if sheet.kind == "form":
                forms[sheet.key] = read_form(located[sheet.key], sheet, out)
            else:
                tables[sheet.key] = read_table(located[sheet.key], sheet, out)
        _check_visible_identity(forms.get("unit", {}), meta, schema, out)
        _check_rows(tables, schema, config, out)
        if known is not None:
            _check_register(tables, meta["unit_code"], known, schema, config, out)
    order = tuple(s.title for s in config.template.sheets)
    return submission_of(source, meta, forms, tables, sorted_findings(out.items, order))


def submission_of(
    source: SourceFile,
    meta: Mapping[str, str] | None,
    forms: Mapping[str, Mapping[str, Any]],
    tables: Mapping[str, tuple[Record, ...]],
    findings: Sequence[Finding],
) -> Submission:
    """A read file as a :class:`Submission`, its identity taken from its ``_meta`` (blank without one)."""
    return Submission(
        source=source,
        unit_code=meta["unit_code"] if meta else "",
        year=int(meta["year"]) if meta else None,
        template_version=meta["template_version"] if meta else "",
        forms=forms,
        tables=tables,
        findings=tuple(findings),
    )


def check_codes(submission: Submission, known: KnownItems | None, config: Config) -> Submission:
    """``submission`` (validated without ``known``) with the register's checks added (item codes,
    proposals against the items' states): the same submission :func:`validate` gives with them (a
    cached submission stays valid while the register grows). A ward's summary read at a province
    is left as it is: its codes are the ward's own (dropped) and its proposals the ward accepted."""
    if known is None or not submission.unit_code or config.organization.is_province:
        return submission
    if not config.template.reads(submission.template_version):
        return submission
    out = Collector(submission.source.name, list(submission.findings))
    schema = config.template.for_version(submission.template_version)
    _check_register(submission.tables, submission.unit_code, known, schema, config, out)
    if len(out.items) == len(submission.findings):
        return submission
    order = tuple(s.title for s in config.template.sheets)
    return dataclasses.replace(submission, findings=sorted_findings(out.items, order))


# --------------------------------------------------------------------------- identity


def read_meta(workbook: RawWorkbook) -> dict[str, str] | None:
    """The key/value rows of the hidden ``_meta`` sheet, or None when there is none."""
    raw = workbook.sheet(layout.META_SHEET)
    if raw is None:
        return None
    return {cells.as_text(row[0]): cells.as_text(row[1]) for row in raw.rows if len(row) >= 2 and row[0] != ""}


def _identity(workbook: RawWorkbook, config: Config, year: int, out: Collector) -> dict[str, str] | None:
    """The ``_meta`` values when the workbook is a genuine unit template of ``year`` of this ward."""
    meta = read_meta(workbook)
    if meta is None:
        out.add("not-a-template", detail="không có phần nhận dạng mẫu biểu")
        return None
    if meta.get("kind") != layout.META_KIND_UNIT_TEMPLATE or not all(k in meta for k in layout.META_KEYS):
        out.add("not-a-template", detail="phần nhận dạng mẫu biểu không đúng")
        return None
    signed = (meta["kind"], meta["unit_code"], meta["year"], meta["template_version"])
    if not verify(config.secret, meta["signature"], *signed):
        out.add("signature-invalid")
        return None
    unit = config.units.get(meta["unit_code"])
    deadline = config.year(year).units_deadline
    problems = [
        ("unknown-unit", {"unit": meta["unit_code"]}) if unit is None else None,
        (
            "unit-not-active",
            {"unit": unit.code, "name": unit.name, "year": year, "period": inactive_period(unit, deadline)},
        )
        if unit is not None and not unit.active_on(deadline) and meta["year"] == str(year)
        else None,
        ("wrong-year", {"found": meta["year"], "expected": year}) if meta["year"] != str(year) else None,
        ("old-template-version", {"found": meta["template_version"], "expected": config.template.version})
        if not config.template.reads(meta["template_version"])
        else None,
    ]
    for code, params in (p for p in problems if p):
        out.add(code, **params)
    if any(problems):
        return None
    if meta["template_version"] != config.template.version:
        _note_earlier_version(config.template, meta["template_version"], out)
    return meta


def _note_earlier_version(template: TemplateSchema, version: str, out: Collector) -> None:
    """An earlier version still read: say which fields it does not have."""
    added = template.added_since(version)
    sheets = "; ".join(dict.fromkeys(f"“{sheet.title}”" for sheet, _ in added)) or "không sheet nào"
    out.add("earlier-template-version", found=version, expected=template.version, count=len(added), sheets=sheets)


def inactive_period(unit: Unit, deadline: dt.date) -> str:
    """Why ``unit`` does not exist on ``deadline``, in words."""
    if unit.valid_to is not None and unit.valid_to < deadline:
        return f"đơn vị chỉ hoạt động đến ngày {vnformat.short_date(unit.valid_to)}, trước hạn nộp {vnformat.short_date(deadline)}"
    assert unit.valid_from is not None
    return (
        f"đơn vị hoạt động từ ngày {vnformat.short_date(unit.valid_from)}, sau hạn nộp {vnformat.short_date(deadline)}"
    )


def _check_visible_identity(
    answers: Mapping[str, Any], meta: Mapping[str, str], schema: TemplateSchema, out: Collector
) -> None:
    """The unit code shown on the unit sheet must still be the one the template was issued for."""
    shown = answers.get("unit_code")
    if shown is not None and shown != meta["unit_code"]:
        sheet = schema.sheet("unit")
        cell = form_cell(sheet, "unit_code")
        out.add("identity-mismatch", sheet=sheet.title, cell=cell, shown=shown, issued=meta["unit_code"])


# --------------------------------------------------------------------------- across rows


def _check_rows(
    tables: Mapping[str, tuple[Record, ...]], schema: TemplateSchema, config: Config, out: Collector
) -> None:
    """Checks that need a whole sheet: duplicated rows, proposals the scores do not support."""
    for key, records in tables.items():
        sheet = schema.sheet(key)
        _duplicates(records, key, sheet.title, out)
        score_keys = [f.key for f in sheet.score_fields()]
        if score_keys and "proposal" in {f.key for f in sheet.fields}:
            for record in records:
                _proposal_consistency(record, score_keys, sheet.title, config, out)


def _duplicates(records: tuple[Record, ...], kind: str, title: str, out: Collector) -> None:
    """Rows of one sheet that tracking would take for one item (two people of one name born in
    different years are two rows, not one duplicated)."""
    first_row: dict[str, int] = {}
    for record in records:
        name = record.values.get("name")
        if not name:
            continue
        key = stored_key(kind, record.values)
        if key in first_row:
            out.add("duplicate-row", sheet=title, cell=record.cells["name"], name=name, other_row=first_row[key])
        else:
            first_row[key] = record.row


def _proposal_consistency(record: Record, score_keys: list[str], title: str, config: Config, out: Collector) -> None:
    scores = [record.values.get(k) for k in score_keys]
    proposal = record.values.get("proposal")
    needed = config.criteria.proposal_minimum.get(str(proposal))
    if needed is None or any(s is None for s in scores):
        return
    total = float(sum(s for s in scores if s is not None))
    reached = config.criteria.classify(total)
    if config.criteria.rank(reached) > config.criteria.rank(needed):
        out.add(
            "proposal-inconsistent",
            sheet=title,
            cell=record.cells["proposal"],
            proposal=proposal,
            needed=needed,
            total=vnformat.number(total, 4),
            classification=reached,
        )


def _check_register(
    tables: Mapping[str, tuple[Record, ...]],
    unit: str,
    known: KnownItems,
    schema: TemplateSchema,
    config: Config,
    out: Collector,
) -> None:
    """The checks against the register: item codes, then proposals against the items' states."""
    for key, records in tables.items():
        sheet = schema.sheet(key)
        rows = _Rows(unit, key, sheet.title, _new_status(sheet), _proposals(sheet), _continuing_status(sheet))
        for record in records:
            if _check_code(record, unit, known, sheet.title, config, out):
                _check_continuing(record, rows, known, out)
                _check_proposal(record, rows, known, out)


def _check_code(record: Record, unit: str, known: KnownItems, title: str, config: Config, out: Collector) -> bool:
    """An item code must be one the register issued, to this unit; whether the row's code is fine."""
    code = record.values.get("code")
    if not code:
        return True
    owner = known.owners.get(str(code))
    if owner is None:
        out.add("unknown-model-code", sheet=title, cell=record.cells["code"], item_code=code)
    elif owner != unit:
        owner_unit = config.units.get(owner)
        name = owner_unit.name if owner_unit else owner
        out.add("code-of-another-unit", sheet=title, cell=record.cells["code"], item_code=code, owner=name)
    return owner == unit


class _Rows(NamedTuple):
    """What the proposal check needs of a sheet: the unit, the kind of item, the title, the status
    that says a row is new (None: no status column) and the proposal choices that name a move."""

    unit: str
    kind: str
    title: str
    new_status: str | None
    proposals: tuple[str, ...]
    continuing_status: str | None


def _new_status(sheet: Sheet) -> str | None:
    """The status that says a row is registered this year: the first choice of the sheet's
    ``status`` column ("Mới đăng ký"), as for the statistics; None for a sheet without one."""
    status = next((f for f in sheet.fields if f.key == "status" and f.choices), None)
    return status.choices[0] if status else None


def _continuing_status(sheet: Sheet) -> str | None:
    """The status that says a row carries on an item of an earlier year: the second choice of the
    sheet's ``status`` column ("Tiếp tục thực hiện"); None for a sheet without one."""
    status = next((f for f in sheet.fields if f.key == "status" and len(f.choices) > 1), None)
    return status.choices[1] if status else None


def _check_continuing(record: Record, rows: _Rows, known: KnownItems, out: Collector) -> None:
    """A row that says it carries on an earlier item but has no code must name one of the unit's
    items in the register (by :func:`match_key`, as tracking takes it, a legacy list's items
    among them); otherwise ``continuing-not-found``: it would be registered as a new item."""
    if rows.continuing_status is None or record.values.get("status") != rows.continuing_status:
        return
    if not record.values.get("name"):
        return  # a row without a name is already an error (missing-value): nothing to match it by
    if record.values.get("code") or known.state_of(rows.unit, rows.kind, "", match_key(rows.kind, record.values)):
        return
    out.add(
        "continuing-not-found",
        sheet=rows.title,
        cell=record.cells.get("name", ""),
        name=record.values.get("name") or "",
        noun=_NOUNS.get(rows.kind, "mục"),
        status=rows.continuing_status,
        new=rows.new_status or "",
    )


def _proposals(sheet: Sheet) -> tuple[str, ...]:
    """The sheet's proposal choices that the life-cycle table knows ("Không đề nghị" among them)."""
    proposal = next((f for f in sheet.fields if f.key == "proposal"), None)
    return tuple(p for p in proposal.choices if p in PROPOSAL_EVENTS) if proposal else ()


def _check_proposal(record: Record, rows: _Rows, known: KnownItems, out: Collector) -> None:
    """The row's proposal must be a move the life-cycle table allows from its item's state."""
    proposal = str(record.values.get("proposal") or "")
    event = PROPOSAL_EVENTS.get(proposal)
    if event is None:
        return  # no proposal, "Không đề nghị", or a choice the table does not know
    state, where = _row_state(record, rows, known)
    if state is None or outcome_reachable(state, event):
        return
    allowed = (p for p in rows.proposals if (e := PROPOSAL_EVENTS[p]) is None or outcome_reachable(state, e))
    out.add(
        "proposal-not-allowed-for-state",
        sheet=rows.title,
        cell=record.cells["proposal"],
        name=record.values.get("name") or "",
        where=where,
        proposal=proposal,
        allowed="; ".join(f"“{p}”" for p in allowed),
    )


def _row_state(record: Record, rows: _Rows, known: KnownItems) -> tuple[str | None, str]:
    """The state a row's proposal acts on and where that is known from, in words; None when unknown:
    the register's state before the year for an item of an earlier year, else a new model's."""
    code = str(record.values.get("code") or "")
    noun = _NOUNS.get(rows.kind, "mục")
    found = known.state_of(rows.unit, rows.kind, code, match_key(rows.kind, record.values))
    if found is not None:
        return found[1], f"theo sổ theo dõi, {noun} {found[0]} đang ở trạng thái “{STATE_LABELS[found[1]]}”"
    status = record.values.get("status")
    if rows.new_status is not None and status == rows.new_status:
        return NEW_ITEM, f"cột “Tình trạng” ghi “{status}”: {noun} mới đăng ký năm nay"
    return None, ""


_NOUNS = {"models": "mô hình", "collectives": "điển hình", "individuals": "điển hình"}
