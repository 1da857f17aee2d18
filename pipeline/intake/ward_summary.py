"""Roll-up stage: a ward's summary received by the province -> a :class:`~.validate.Submission`.

With a province-level config (``level: province`` in ``config/organization.yaml``, the wards as
units in ``config/units.yaml``) the inbox receives the wards' ``tong-hop-<year>.xlsx``. Contract:

* The ward and the year come from the summary's hidden ``_meta`` (kind ``dvk-ward-summary``),
  never from the file name. A file of another kind (a unit's template, a council workbook, any
  other workbook) is refused (``not-a-ward-summary``); so is a summary without an upward key
  (``summary-unsigned``), one whose content no longer matches its digest (``summary-edited``), a
  ward missing from the units (``summary-unknown-ward``), a signature that the key this province
  issues to that ward does not verify (``summary-signature-invalid``) and another year's summary
  (``summary-wrong-year``). See :mod:`pipeline.core.upward` for the key and the digest.
* A genuine summary becomes the ward's submission: every row of its "Mô hình", "Điển hình tập
  thể" and "Điển hình cá nhân" sheets is read by the same schema and the same column finder as a
  unit's sheet (header text), so each item keeps its fields, status and figures and its row in the
  ward's file (the provenance the province's own summary shows). The ward's item codes are
  dropped: codes are issued per register, and two wards' "MH-2026-001" are different items; the
  province's register gives its own. The activity figures are the sum of the ward's unit rows
  over the counted fields (numbers; a yes/no field counts its "Có" answers, and a whole number in
  its column, a lower level's count, is added as it is); text and date fields are left out. The
  ward's statements (its "Ý kiến" sheet: its own words and its units' statements grouped) are its
  answers to the questions of the unit's report, one listed line each, so the province groups the
  wards' statements as a ward groups its units'.
* A summary is read by the schema of the template version in its ``_meta`` when this province's
  config reads that version (an earlier one lacks the fields added since); otherwise by the
  current schema, whose extra columns the reader ignores.
* From there on the province runs the ward's code path unchanged: consolidation (the ward is the
  unit), tracking, statistics, the summary (itself a valid summary for the level above) and the
  reports.
"""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Mapping
from typing import Any

from ..config import Config, Field, Sheet
from ..core import layout
from ..core.findings import sorted_findings
from ..core.layout import ITEM_SHEETS, TOTAL_LABEL
from ..core.upward import content_digest, derive_key, summary_signature
from . import cells
from .receive import RawSheet, RawWorkbook, Received
from .sheets import Collector, Record, read_table
from .validate import Submission, inactive_period, read_meta, submission_of

_OTHER_KINDS = {
    layout.META_KIND_UNIT_TEMPLATE: "đây là mẫu biểu của một đơn vị, không phải bảng tổng hợp của phường, xã",
    layout.META_KIND_COUNCIL: "đây là bảng xét duyệt của Ban chỉ đạo, không phải bảng tổng hợp của phường, xã",
}
_NO_META = "tệp không có phần nhận dạng bảng tổng hợp (sheet ẩn _meta)"


def is_ward_summary(received: Received) -> bool:
    """Whether the file's ``_meta`` says it is a ward's summary."""
    meta = read_meta(received.workbook) if received.workbook else None
    return meta is not None and meta.get("kind") == layout.META_KIND_WARD_SUMMARY


def read_ward_summary(received: Received, config: Config, year: int) -> Submission:
    """A received file read as a ward's summary of ``year``: the ward's items and figures, or why not."""
    source = received.source
    out = Collector(source.name, list(received.findings))
    workbook = received.workbook
    meta = summary_identity(workbook, config, year, out) if workbook else None
    tables: dict[str, tuple[Record, ...]] = {}
    forms: dict[str, dict[str, Any]] = {}
    if meta is not None and workbook is not None:
        version = meta["template_version"]
        schema = config.template.for_version(version) if config.template.reads(version) else config.template
        tables = {kind: _items(workbook, schema.sheet(kind), out) for kind in ITEM_SHEETS}
        forms = {
            "activities": _activity_totals(workbook, schema.sheet("activities"), out),
            "unit": _opinions(workbook, schema.sheet("unit")),
        }
    order = tuple(config.template.sheet(kind).title for kind in (*ITEM_SHEETS, "activities"))
    return submission_of(source, meta, forms, tables, sorted_findings(out.items, order))


def summary_identity(workbook: RawWorkbook, config: Config, year: int, out: Collector) -> dict[str, str] | None:
    """The ``_meta`` values when the workbook is an unedited summary of ``year`` that a known ward
    signed with the key this province issued to it; otherwise a finding says why not."""
    meta = read_meta(workbook)
    if meta is None or meta.get("kind") != layout.META_KIND_WARD_SUMMARY:
        out.add("not-a-ward-summary", detail=_OTHER_KINDS.get((meta or {}).get("kind", ""), _NO_META))
        return None
    values = {key: meta.get(key, "") for key in layout.SUMMARY_META_KEYS}
    problem = _identity_problem(values, workbook, config, year)
    if problem is not None:
        code, params = problem
        out.add(code, **params)
        return None
    return values


def _identity_problem(
    meta: Mapping[str, str], workbook: RawWorkbook, config: Config, year: int
) -> tuple[str, dict[str, Any]] | None:
    """The first thing wrong with a summary's identity, in the order that explains it best."""
    if not meta["unit_code"] or not meta["signature"]:
        return "summary-unsigned", {}
    if content_digest((sheet.name, sheet.rows) for sheet in workbook.sheets) != meta["digest"]:
        return "summary-edited", {"unit": meta["unit_code"]}
    ward = config.units.get(meta["unit_code"])
    if ward is None:
        return "summary-unknown-ward", {"unit": meta["unit_code"]}
    expected = summary_signature(
        derive_key(config.secret, ward.code), meta["year"], meta["template_version"], meta["digest"]
    )
    if not hmac.compare_digest(meta["signature"], expected):
        return "summary-signature-invalid", {"unit": ward.code, "name": ward.name}
    if meta["year"] != str(year):
        return "summary-wrong-year", {"name": ward.name, "found": meta["year"], "expected": year}
    deadline = config.year(year).units_deadline
    if not ward.active_on(deadline):
        period = inactive_period(ward, deadline)
        return "unit-not-active", {"unit": ward.code, "name": ward.name, "year": year, "period": period}
    return None


def _items(workbook: RawWorkbook, sheet: Sheet, out: Collector) -> tuple[Record, ...]:
    """The summary's rows of one item sheet, read by the schema; the ward's own codes left out;
    the ward's steering committee's decisions (its column, when the summary has it) kept as
    :data:`~pipeline.core.layout.WARD_DECISION`."""
    raw = workbook.sheet(sheet.title)
    if raw is None:
        out.add("missing-sheet", sheet=sheet.title)
        return ()
    header = raw.rows[0] if raw.rows else ()
    decided = header.index(layout.DECISION_HEADER) + 1 if layout.DECISION_HEADER in header else 0
    return tuple(_as_province_row(r, raw, decided) for r in read_table(raw, sheet, out))


def _as_province_row(record: Record, raw: RawSheet, decided: int) -> Record:
    """A ward's row without its code, with the decisions of column ``decided`` (0: none)."""
    if "code" not in record.values and not decided:
        return record
    values = dict(record.values)
    if "code" in values:
        values["code"] = None
    if decided:
        values[layout.WARD_DECISION] = str(raw.cell(record.row, decided) or "").strip()
    return Record(record.row, values, record.cells)


def _activity_totals(workbook: RawWorkbook, sheet: Sheet, out: Collector) -> dict[str, Any]:
    """The ward's activity figures: each counted field's sum over its units' rows (the total row
    left out). Nothing is required: a unit on an earlier template left the newer columns blank."""
    raw = workbook.sheet(sheet.title)
    if raw is None:
        out.add("missing-sheet", sheet=sheet.title)
        return {}
    counted = tuple(_as_count(f) for f in sheet.fields if f.adds_up)
    view = dataclasses.replace(sheet, fields=counted)
    rows = [r for r in read_table(raw, view, out) if raw.cell(r.row, 1) != TOTAL_LABEL]
    return {f.key: sum(_count(r.values.get(f.key)) for r in rows) for f in counted}


def _opinions(workbook: RawWorkbook, unit_sheet: Sheet) -> dict[str, str]:
    """The ward's statements (its ``"Ý kiến"`` sheet) as its answers to the unit report's
    questions: one listed line ("- …") per statement, as a unit's list answer is read. A summary
    written before the sheet existed has none: nothing to carry, nothing wrong."""
    raw = workbook.sheet(layout.OPINIONS_SHEET)
    if raw is None or tuple(raw.cell(1, c) for c in (1, 2)) != layout.OPINION_HEADERS[:2]:
        return {}
    keys = {f.label: f.key for f in unit_sheet.fields}
    said: dict[str, list[str]] = {}
    for row in raw.rows[1:]:
        label, text = (str(value or "").strip() for value in (*row, "", "")[:2])
        if label in keys and text:
            said.setdefault(keys[label], []).append(f"- {text}")
    return {key: "\n".join(lines) for key, lines in said.items()}


def _as_count(spec: Field) -> Field:
    """A counted field as a summary's column holds it: optional; a yes/no column read as text, since
    it holds "Có"/"Không" at a ward's level and a count at the levels above."""
    if spec.type == "boolean":
        return dataclasses.replace(spec, type="text", required=False, max_length=None)
    return dataclasses.replace(spec, required=False)


def _count(value: Any) -> int | float:
    """A summary cell as it adds up: a number as it is, "Có" as one, a count typed as text as that number."""
    if isinstance(value, str):
        parsed = cells.parse_boolean(value, _YES_NO)
        if not parsed.problems:
            return int(bool(parsed.value))
        number = cells.parse_number(value, _COUNT)
        return number.value if not number.problems and number.value is not None else 0
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


_YES_NO = Field("yes_no", "", "boolean")
_COUNT = Field("count", "", "number", min=0)
