"""Legacy import: a former unit's list of models (2025) -> register items under review.

In 2025 the ward reviews the models that its three former units (config/units.yaml ``origins``)
had built. The clerk has them as a plain list: a workbook (.xlsx, .xls, .ods; first sheet) or a
CSV (UTF-8 with or without BOM, comma or semicolon separated) with a header row naming the
columns "Tên mô hình", "Đơn vị", "Lĩnh vực" (required) and "Năm bắt đầu", "Tình trạng", "Loại"
(optional), matched tolerant to case, Unicode form and diacritics.

Contract: :func:`read_legacy_list` only reads the file (through :func:`pipeline.intake.receive`
for workbooks, so a bad file is a finding, never a crash) and returns rows and findings.
:func:`import_legacy` writes each row as an item first seen in 2025, state "under-review", with an
``import-legacy`` event whose evidence is the list's hash. It writes nothing when the list has an
error, and importing the same list again adds nothing (items are matched by unit, kind and
folded name).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config, Field, Sheet
from ..core.errors import DvkError
from ..core.findings import Finding, finding, has_errors, sorted_findings
from ..core.layout import ITEM_SHEETS
from ..core.lifecycle import LEGACY_EVENT, apply
from ..core.textnorm import fold
from ..intake.cells import as_text
from ..intake.receive import MAX_CELLS, MAX_FILE_BYTES, OLE2_MAGIC, ZIP_MAGIC, RawSheet, precheck, receive
from ..intake.sheets import Collector, Record, locate_columns, loose, read_table
from ..register import Register

LEGACY_YEAR = 2025
EARLIEST_START = 1990
EVENT = LEGACY_EVENT
DEFAULT_KIND = "models"
CSV_SUFFIX = ".csv"
CSV_DELIMITERS = (";", ",", "\t")
LABELS = {
    "name": "Tên mô hình",
    "unit": "Đơn vị",
    "field": "Lĩnh vực",
    "start_year": "Năm bắt đầu",
    "note": "Tình trạng",
    "kind": "Loại",
}
REQUIRED = ("name", "unit", "field")
# The catalogue's hints for these codes speak of the ward's template; a legacy list has none.
_LIST_HINTS = {
    "not-a-workbook": "Hãy lưu danh sách dạng Excel (.xlsx) hoặc “CSV UTF-8” rồi nhập lại.",
    "not-in-list": "Hãy sửa thành một trong các giá trị trên.",
    "header-changed": "Dòng tiêu đề của danh sách cần có các cột: "
    + ", ".join(f"“{LABELS[k]}”" for k in REQUIRED)
    + "; có thể thêm: "
    + ", ".join(f"“{v}”" for k, v in LABELS.items() if k not in REQUIRED)
    + ".",
}
# A hand-made list has no template: a header typed differently or a workbook saved as .xls or
# .ods is expected, and no note is due.
_SILENT = ("header-renamed", "other-format")


class UnknownOrigin(DvkError, ValueError):
    """The former unit given for the import is not one of config/units.yaml ``origins``."""


@dataclass(frozen=True)
class LegacyRow:
    """One model of the list, resolved against the configuration."""

    row: int
    kind: str
    unit: str
    name: str
    field: str
    start_year: int | None
    note: str
    unit_origin: str = ""
    cells: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class LegacyList:
    """What a list file holds: its rows, what was found wrong with it, and the configured origins."""

    file: str
    sha256: str
    sheet: str
    rows: tuple[LegacyRow, ...]
    findings: tuple[Finding, ...]
    origins: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not has_errors(self.findings)


@dataclass(frozen=True)
class ImportResult:
    """How many rows became new items, how many were already in the register, and the findings."""

    added: int
    already_present: int
    codes: tuple[str, ...]
    findings: tuple[Finding, ...]
    refused: bool = False


# --------------------------------------------------------------------------- reading


def read_legacy_list(path: Path, config: Config) -> LegacyList:
    """Rows and findings of a legacy list file (workbook or CSV); never raises on bad content."""
    sha256, raw, found = _load(path)
    out = Collector(path.name, list(found))
    rows = _rows(raw, config, out) if raw is not None else ()
    sheet = raw.name if raw is not None else ""
    return LegacyList(path.name, sha256, sheet, rows, _finish(out.items, sheet), config.units.origins)


def _load(path: Path) -> tuple[str, RawSheet | None, list[Finding]]:
    """The file's hash, its first sheet (a CSV becomes a sheet named ""), and intake's findings."""
    try:
        data = path.read_bytes()
    except OSError:
        data = b""  # receive() reads it again and says why it cannot
    is_workbook = bool(data) and not precheck(data)
    if not is_workbook and _is_text(data):
        return hashlib.sha256(data).hexdigest(), *_csv_sheet(path.name, data)
    if not is_workbook and data and path.suffix.lower() == CSV_SUFFIX:
        detail = "tệp CSV không ở bảng mã UTF-8"
        return hashlib.sha256(data).hexdigest(), None, [finding("not-a-workbook", file=path.name, detail=detail)]
    received = receive(path, path.name)
    if received.workbook is None or not received.workbook.sheets:
        return received.source.sha256, None, list(received.findings)
    return received.source.sha256, received.workbook.sheets[0], list(received.findings)


def _is_text(data: bytes) -> bool:
    """UTF-8 text of a sane size: a CSV (a PDF or a damaged workbook is left to intake)."""
    if not data or len(data) > MAX_FILE_BYTES or data.startswith((ZIP_MAGIC, OLE2_MAGIC, b"%PDF")):
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def _csv_sheet(name: str, data: bytes) -> tuple[RawSheet | None, list[Finding]]:
    text = data.decode("utf-8-sig")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(CSV_DELIMITERS, key=first.count)
    try:
        rows = tuple(tuple(line) for line in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        return None, [finding("not-a-workbook", file=name, detail=f"tệp CSV bị hỏng: {exc}")]
    if sum(len(row) for row in rows) > MAX_CELLS:
        return None, [finding("not-a-workbook", file=name, detail="tệp CSV có quá nhiều ô")]
    return RawSheet("", True, rows), []


def _fields(config: Config) -> tuple[Field, ...]:
    name_length = config.template.sheet("models").field("name").max_length
    return (
        Field("name", LABELS["name"], "text", required=True, max_length=name_length),
        Field("unit", LABELS["unit"], "text", required=True),
        Field("field", LABELS["field"], "text", required=True),
        Field("start_year", LABELS["start_year"], "integer", min=EARLIEST_START, max=LEGACY_YEAR),
        Field("note", LABELS["note"], "text"),
        Field("kind", LABELS["kind"], "text"),
    )


def _schema(raw: RawSheet, config: Config) -> Sheet:
    """The list's columns as a table sheet: the required ones, and the optional ones it has."""
    full = Sheet("legacy", raw.name, "table", "", _fields(config))
    present = locate_columns(raw, full).columns
    return dataclasses.replace(full, fields=tuple(f for f in full.fields if f.required or f.key in present))


@dataclass(frozen=True)
class _Choices:
    """Display text -> value, for each column matched against a list."""

    units: Mapping[str, str]
    origins: Mapping[str, str]
    fields: Mapping[str, str]
    kinds: Mapping[str, str]

    @classmethod
    def of(cls, config: Config) -> _Choices:
        units = config.units.units
        return cls(
            units={**{u.code: u.code for u in units}, **{u.name: u.code for u in units}},
            origins={u.code: u.origin for u in units},
            fields={f: f for f in config.template.lists["fields"]},
            kinds={config.template.sheet(k).title: k for k in ITEM_SHEETS},
        )


def _rows(raw: RawSheet, config: Config, out: Collector) -> tuple[LegacyRow, ...]:
    choices = _Choices.of(config)
    records = read_table(raw, _schema(raw, config), out)
    rows = tuple(row for record in records if (row := _row(record, raw.name, choices, out)))
    _report_duplicates(rows, raw.name, out)
    return rows


def _row(record: Record, sheet: str, choices: _Choices, out: Collector) -> LegacyRow | None:
    """A data row resolved against the units, fields and kinds; None when something is missing or wrong."""
    values, where = record.values, record.cells
    unit = _pick(values["unit"], choices.units, out, sheet, where["unit"], "")
    field = _pick(values["field"], choices.fields, out, sheet, where["field"], LABELS["field"])
    kind = _pick(values.get("kind"), choices.kinds, out, sheet, where.get("kind", ""), LABELS["kind"])
    name = values["name"]
    if not (unit and field and name) or (kind is None and values.get("kind")):
        return None
    return LegacyRow(
        row=record.row,
        kind=kind or DEFAULT_KIND,
        unit=unit,
        name=name,
        field=field,
        start_year=values.get("start_year"),
        note=values.get("note") or "",
        unit_origin=choices.origins[unit],
        cells=dict(where),
    )


def _pick(value: Any, options: Mapping[str, str], out: Collector, sheet: str, cell: str, label: str) -> str | None:
    """The option a cell names (exactly, folded, or without diacritics); a finding when it names none.

    ``label`` empty: the options are the units."""
    text = as_text(value)
    if not text:
        return None
    key = _lookup(text, options)
    if key is None and label:
        out.add("not-in-list", sheet=sheet, cell=cell, label=label, choices="; ".join(options), value=text)
    elif key is None:
        out.add("unknown-unit-name", sheet=sheet, cell=cell, value=text)
    elif key != text:
        out.add("choice-normalised", sheet=sheet, cell=cell, value=text, choice=key)
    return options[key] if key is not None else None


def _lookup(text: str, options: Mapping[str, str]) -> str | None:
    """The option ``text`` names: exact, then folded, then without diacritics; None if none or ambiguous."""
    if text in options:
        return text
    for key in (fold, loose):
        hits = [option for option in options if key(option) == key(text)]
        if hits and len({options[h] for h in hits}) == 1:
            return hits[0]
    return None


def _report_duplicates(rows: Iterable[LegacyRow], sheet: str, out: Collector) -> None:
    first: dict[tuple[str, str, str], LegacyRow] = {}
    for row in rows:
        seen = first.setdefault((row.unit, row.kind, fold(row.name)), row)
        if seen is not row:
            out.add("duplicate-row", sheet=sheet, cell=row.cells["name"], name=row.name, other_row=seen.row)


# --------------------------------------------------------------------------- findings


_CSV_CELL = re.compile(r"^Sheet “”, ô ([A-Z]+)(\d+)")


def _finish(findings: Iterable[Finding], sheet: str) -> tuple[Finding, ...]:
    """Sorted, worded for a list (a CSV's places as lines), without the warnings a list does not earn."""
    kept = [_reworded(f) for f in findings if f.code not in _SILENT]
    return sorted_findings(kept, (sheet,))


def _reworded(item: Finding) -> Finding:
    hint = _LIST_HINTS.get(item.code, item.hint)
    message = item.message
    if not item.sheet:  # a CSV has no sheet: "Dòng 3, ô C3" rather than "Sheet “”, ô C3"
        message = _CSV_CELL.sub(lambda m: f"Dòng {m.group(2)}, ô {m.group(1)}{m.group(2)}", message)
        message = message.replace("Sheet “”: ", "Tệp CSV: ")
    return dataclasses.replace(item, message=message, hint=hint)


# --------------------------------------------------------------------------- importing


def origin_named(text: str, origins: tuple[str, ...]) -> str:
    """The configured former unit ``text`` names (tolerant to case and diacritics, and to the bare
    name: "Nhơn Khánh" for "xã Nhơn Khánh (cũ)"); :class:`UnknownOrigin` if none."""
    names = {o: o for o in origins} | {_bare(o): o for o in origins}
    key = _lookup(text.strip(), names)
    if key is None:
        raise UnknownOrigin(
            f"“{text}” không phải đơn vị cũ nào trong config/units.yaml; hãy chọn một trong: {', '.join(origins)}."
        )
    return names[key]


_FORMER_UNIT = re.compile(r"^(?:xã|phường|thị trấn)\s+|\s*\(cũ\)$", re.IGNORECASE)


def _bare(origin: str) -> str:
    """A former unit's name without its kind and "(cũ)": "xã Nhơn Khánh (cũ)" -> "Nhơn Khánh"."""
    return _FORMER_UNIT.sub("", origin).strip()


def import_legacy(register: Register, legacy: LegacyList, origin: str, evidence: str) -> ImportResult:
    """Add the list's models to the register for the 2025 review; nothing is written if the list has an error."""
    origin = origin_named(origin, legacy.origins)
    findings = _finish([*legacy.findings, *_origin_mismatches(legacy, origin)], legacy.sheet)
    if has_errors(findings):
        return ImportResult(0, 0, (), findings, refused=True)
    outcomes = [_import_row(register, row, origin, evidence) for row in legacy.rows]
    added = sum(1 for _, new in outcomes if new)
    return ImportResult(added, len(outcomes) - added, tuple(code for code, _ in outcomes), findings)


def _origin_mismatches(legacy: LegacyList, origin: str) -> list[Finding]:
    """Rows of a unit from another former unit (ward-wide units, with no origin, fit every list)."""
    return [
        finding(
            "origin-mismatch",
            file=legacy.file,
            sheet=legacy.sheet,
            cell=row.cells.get("unit", ""),
            unit=row.unit,
            unit_origin=row.unit_origin,
            origin=origin,
        )
        for row in legacy.rows
        if row.unit_origin and row.unit_origin != origin
    ]


def _import_row(register: Register, row: LegacyRow, origin: str, evidence: str) -> tuple[str, bool]:
    """The row's item code, and whether it was added now (False: the register already had it)."""
    existing = register.find_by_name(row.unit, row.kind, fold(row.name))
    if existing is not None:
        return existing.code, False
    code = register.new_code(row.kind, LEGACY_YEAR)
    state = apply(None, EVENT)
    register.add_item(code, row.kind, row.unit, row.name, fold(row.name), LEGACY_YEAR, state)
    reason = f"Mô hình của {origin}, đưa vào rà soát năm {LEGACY_YEAR}"
    register.record_event(code, LEGACY_YEAR, EVENT, None, state, evidence, reason)
    # The list's own figures, as the item's 2025 snapshot: next year's template prefills them.
    values = {"name": row.name, "field": row.field, "start_year": row.start_year, "note": row.note}
    register.record_year(code, LEGACY_YEAR, evidence, row.row, {k: v for k, v in values.items() if v not in (None, "")})
    return code, True


# --------------------------------------------------------------------------- the review, for the reports

REVIEW_EVENTS = ("keep", "strengthen", "remove")


def review_figures(register: Register, config: Config, year: int) -> dict[str, float]:
    """Where the review of the former units' models stands by the end of ``year``: ``legacy_total``
    (models imported for review), ``legacy_keep``, ``legacy_strengthen``, ``legacy_remove`` (the
    steering committee's outcomes up to ``year``, the latest per model), ``legacy_pending`` (not yet
    reviewed), and ``legacy_origin_<i>`` (models of the i-th former unit of config/units.yaml, by
    the unit that reports them). Empty when no list was imported."""
    rows = register.db.execute(
        "SELECT i.unit, (SELECT r.event FROM events r WHERE r.code = i.code AND r.year <= ? AND r.event IN "
        f"({', '.join('?' * len(REVIEW_EVENTS))}) ORDER BY r.year DESC, r.rowid DESC LIMIT 1) "
        "FROM items i WHERE EXISTS (SELECT 1 FROM events e WHERE e.code = i.code AND e.event = ?) ORDER BY i.code",
        (year, *REVIEW_EVENTS, EVENT),
    ).fetchall()
    if not rows:
        return {}
    origin_of = {unit.code: unit.origin for unit in config.units.units}
    figures: dict[str, float] = {"legacy_total": len(rows), "legacy_pending": sum(1 for _, e in rows if e is None)}
    for event in REVIEW_EVENTS:
        figures[f"legacy_{event}"] = sum(1 for _, outcome in rows if outcome == event)
    for index, origin in enumerate(config.units.origins):
        figures[f"legacy_origin_{index}"] = sum(1 for unit, _ in rows if origin_of.get(unit) == origin)
    return figures
