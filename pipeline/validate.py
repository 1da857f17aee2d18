"""Validation stage: a received workbook + the schema -> a typed :class:`Submission` with findings.

Contract: the unit and the year come from the workbook's hidden ``_meta`` sheet, never from the
file name. Sheets are found by title and columns by their header text (tolerant to case, spacing
and Unicode form), so a moved column is still read right. Every cell is parsed by the type its
field declares; all findings are collected and sorted, not only the first. A submission is
accepted when it has no finding of severity ``error``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import cells, layout
from .config import Config, Field, Sheet
from .findings import Finding, finding, has_errors, sorted_findings
from .intake import RawSheet, RawWorkbook, Received, SourceFile
from .textnorm import fold


@dataclass(frozen=True)
class Record:
    """One data row of a table sheet: its Excel row number and the parsed values by field key."""

    row: int
    values: Mapping[str, Any]


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


@dataclass
class _Collector:
    """Findings of one file as they are found."""

    file: str
    items: list[Finding] = field(default_factory=list)

    def add(self, code: str, sheet: str = "", cell: str = "", **params: Any) -> None:
        self.items.append(finding(code, file=self.file, sheet=sheet, cell=cell, **params))


def validate(received: Received, config: Config, year: int) -> Submission:
    """Check one received file against the schema of ``year``."""
    source = received.source
    if received.workbook is None:
        return Submission(source, "", None, "", {}, {}, received.findings)
    out = _Collector(source.name)
    meta = _identity(received.workbook, config, year, out)
    forms: dict[str, dict[str, Any]] = {}
    tables: dict[str, tuple[Record, ...]] = {}
    if meta is not None:
        for sheet in config.template.sheets:
            raw = _find_sheet(received.workbook, sheet.title)
            if raw is None:
                out.add("missing-sheet", sheet=sheet.title)
            elif sheet.kind == "form":
                forms[sheet.key] = _read_form(raw, sheet, out)
            else:
                tables[sheet.key] = _read_table(raw, sheet, out)
        _check_visible_identity(forms.get("unit", {}), meta, config, out)
    order = tuple(s.title for s in config.template.sheets)
    return Submission(
        source=source,
        unit_code=meta["unit_code"] if meta else "",
        year=int(meta["year"]) if meta else None,
        template_version=meta["template_version"] if meta else "",
        forms=forms,
        tables=tables,
        findings=sorted_findings(out.items, order),
    )


# --------------------------------------------------------------------------- identity


def _identity(workbook: RawWorkbook, config: Config, year: int, out: _Collector) -> dict[str, str] | None:
    """The ``_meta`` values when the workbook is one of our unit templates of ``year``."""
    raw = workbook.sheet(layout.META_SHEET)
    if raw is None:
        out.add("not-a-template", detail="không có phần nhận dạng mẫu biểu")
        return None
    meta = {str(row[0]).strip(): cells.as_text(row[1]) for row in raw.rows if len(row) >= 2 and row[0] != ""}
    if meta.get("kind") != layout.META_KIND_UNIT_TEMPLATE or not all(k in meta for k in layout.META_KEYS):
        out.add("not-a-template", detail="phần nhận dạng mẫu biểu không đúng")
        return None
    ok = True
    if config.units.get(meta["unit_code"]) is None:
        out.add("unknown-unit", unit=meta["unit_code"])
        ok = False
    if meta["year"] != str(year):
        out.add("wrong-year", found=meta["year"], expected=year)
        ok = False
    if meta["template_version"] != config.template.version:
        out.add("old-template-version", found=meta["template_version"], expected=config.template.version)
        ok = False
    return meta if ok else None


def _check_visible_identity(
    answers: Mapping[str, Any], meta: Mapping[str, str], config: Config, out: _Collector
) -> None:
    """The unit code shown on the unit sheet must still be the one the template was issued for."""
    shown = answers.get("unit_code")
    if shown is not None and shown != meta["unit_code"]:
        sheet = config.template.sheet("unit")
        cell = _form_cell_of(sheet, "unit_code")
        out.add("identity-mismatch", sheet=sheet.title, cell=cell, shown=shown, issued=meta["unit_code"])


def _form_cell_of(sheet: Sheet, key: str) -> str:
    row = layout.FIRST_DATA_ROW + [f.key for f in sheet.fields].index(key)
    return cells.address(row, layout.FORM_VALUE_COLUMN)


def _find_sheet(workbook: RawWorkbook, title: str) -> RawSheet | None:
    exact = workbook.sheet(title)
    if exact is not None:
        return exact
    return next((s for s in workbook.sheets if fold(s.name) == fold(title)), None)


# --------------------------------------------------------------------------- forms


def _read_form(raw: RawSheet, sheet: Sheet, out: _Collector) -> dict[str, Any]:
    """Answers of a form sheet, found by their label in the label column."""
    rows_by_label = {fold(cells.as_text(raw.cell(r, layout.FORM_LABEL_COLUMN))): r for r in range(len(raw.rows), 0, -1)}
    answers: dict[str, Any] = {}
    for spec in sheet.fields:
        row = rows_by_label.get(fold(spec.label))
        if row is None:
            out.add("header-changed", sheet=sheet.title, label=spec.label)
            continue
        place = cells.Place(sheet.title, row, layout.FORM_VALUE_COLUMN)
        answers[spec.key] = _parse(raw.cell(row, layout.FORM_VALUE_COLUMN), spec, place, out)
    return answers


# --------------------------------------------------------------------------- tables


def _read_table(raw: RawSheet, sheet: Sheet, out: _Collector) -> tuple[Record, ...]:
    """Data rows of a table sheet; columns found by header text, empty rows skipped."""
    header_row, columns = _locate_columns(raw, sheet)
    for spec in sheet.fields:
        if spec.key not in columns:
            out.add("header-changed", sheet=sheet.title, label=spec.label)
    if len(columns) < len(sheet.fields):
        return ()
    records = []
    for row in range(header_row + 1, len(raw.rows) + 1):
        values = {spec.key: raw.cell(row, columns[spec.key]) for spec in sheet.fields}
        if all(cells.is_blank(v) for v in values.values()):
            continue
        parsed = {
            spec.key: _parse(values[spec.key], spec, cells.Place(sheet.title, row, columns[spec.key]), out)
            for spec in sheet.fields
        }
        records.append(Record(row, parsed))
    return tuple(records)


def _locate_columns(raw: RawSheet, sheet: Sheet) -> tuple[int, dict[str, int]]:
    """The header row (the one matching most labels) and the column of each field found in it."""
    wanted = {fold(spec.label): spec.key for spec in sheet.fields}
    best_row, best = layout.HEADER_ROW, dict[str, int]()
    for row in range(1, min(len(raw.rows), layout.HEADER_SEARCH_ROWS) + 1):
        found: dict[str, int] = {}
        for column, value in enumerate(raw.rows[row - 1], start=1):
            key = wanted.get(fold(cells.as_text(value)))
            if key is not None and key not in found:
                found[key] = column
        if len(found) > len(best):
            best_row, best = row, found
    return best_row, best


# --------------------------------------------------------------------------- cells


def _parse(value: Any, spec: Field, place: cells.Place, out: _Collector) -> Any:
    """One cell's value by its field's type, with findings for what is wrong with it."""
    if cells.is_blank(value):
        if spec.required:
            out.add("missing-value", sheet=place.sheet, cell=place.cell, label=spec.label)
        return None
    result = cells.PARSERS[spec.type](value, spec)
    for code, params in result.problems:
        out.add(code, sheet=place.sheet, cell=place.cell, label=spec.label, **params)
    return result.value
