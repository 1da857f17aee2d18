"""Summary stage: statistics + consolidation + findings -> the consolidated workbook of the year.

Contract:

* :func:`build_summary` is pure: it builds ``tong-hop-<year>.xlsx`` in memory from what it is given
  and touches no file. Every figure of the "Thống kê" sheet is a :class:`~.stats.StatTable` of
  :mod:`.stats`, so this workbook and the Word reports cannot disagree.
* :func:`summary_bytes` saves it deterministically: the same inputs give byte-identical output
  (fixed document properties, fixed zip timestamps; see :mod:`.ooxml`).

Sheets, in order: "Đơn vị" (one row per configured unit with its status and its target),
"Mô hình", "Điển hình tập thể", "Điển hình cá nhân" (one row per consolidated item: the unit,
one column per schema field headed by the schema label, the self-assessed score and class, then
the file, sheet and row the item came from), "Hoạt động" (one row per unit, then a total row),
"Thống kê" (every statistics table in turn) and "Phát hiện" (every finding given).

Cells hold values only, never formulas: nothing needs recalculating, and a text a unit typed as
"=..." stays text. Numbers and dates are typed cells with display formats; all text is NFC.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as WorkbookType
from openpyxl.worksheet.worksheet import Worksheet

from . import layout
from .config import Config, Sheet
from .consolidate import ITEM_SHEETS, LATE, ON_TIME, Consolidation, Item, UnitStatus
from .findings import SEVERITY_LABELS, Finding
from .ooxml import deterministic_zip
from .stats import Statistics, StatTable

SUMMARY_FILE = "tong-hop-{year}.xlsx"
UNITS_SHEET = "Đơn vị"
STATS_SHEET = "Thống kê"
FINDINGS_SHEET = "Phát hiện"
TOTAL_LABEL = "Tổng cộng"
WHOLE_WARD = "Toàn phường"
MET, NOT_MET = "Đạt", "Chưa đạt"
BOOLEAN_TEXT = {True: "Có", False: "Không"}
SUBMITTED = (ON_TIME, LATE)

_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=12)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
# Widths of the "Thống kê" columns, fitted to their longest value within these bounds.
_STATS_MIN_WIDTH, _STATS_MAX_WIDTH = 12, 50

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Column:
    """One column of a list sheet: its header, its width and how its values show."""

    header: str
    width: int = 14
    wrap: bool = False
    year: bool = False


_PLAIN = Column("")
_UNIT_KEY = (Column("Mã đơn vị", 12), Column("Tên đơn vị", 32, wrap=True))
_GROUP = Column("Khối", 26, wrap=True)
_UNIT_COLUMNS = (
    *_UNIT_KEY,
    _GROUP,
    Column("Địa bàn", 14),
    Column("Tình trạng", 16),
    Column("Số ngày trễ", 10),
    Column("Ngày nhận", 12),
    Column("Tệp", 28),
    Column("Số mô hình", 10),
    Column("Chỉ tiêu tối thiểu", 10),
    Column("Đạt chỉ tiêu", 10),
)
_SCORE_COLUMNS = (Column("Tổng điểm tự chấm", 12), Column("Xếp loại", 14))
_SOURCE_COLUMNS = (Column("Tệp nguồn", 28), Column("Sheet nguồn", 18), Column("Dòng nguồn", 10))
_FINDING_COLUMNS = (
    Column("Tệp", 28),
    Column("Mã lỗi", 22),
    Column("Mức độ", 10),
    Column("Sheet", 18),
    Column("Ô", 8),
    Column("Nội dung", 70, wrap=True),
    Column("Cách khắc phục", 50, wrap=True),
)


# --------------------------------------------------------------------------- public


def build_summary(stats: Statistics, data: Consolidation, findings: Sequence[Finding], config: Config) -> WorkbookType:
    """The consolidated workbook of the year, built in memory."""
    wb = Workbook()
    _set_properties(wb, config, data.year)
    _write_list(wb.active, UNITS_SHEET, _UNIT_COLUMNS, [_unit_row(s, config) for s in data.units])
    for kind in ITEM_SHEETS:
        _write_items(wb.create_sheet(), config.template.sheet(kind), data.items.get(kind, ()), config)
    _write_activities(wb.create_sheet(), data, config)
    _write_stats(wb.create_sheet(), stats.tables)
    _write_list(wb.create_sheet(), FINDINGS_SHEET, _FINDING_COLUMNS, [_finding_row(f) for f in findings], "A2")
    return wb


def summary_bytes(stats: Statistics, data: Consolidation, findings: Sequence[Finding], config: Config) -> bytes:
    """The consolidated workbook, with its signed ``_meta``, saved to bytes that depend only on the inputs."""
    wb = build_summary(stats, data, findings, config)
    add_summary_meta(wb, config, data.year)
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue(), _fixed_time(data.year))


def add_summary_meta(wb: WorkbookType, config: Config, year: int) -> None:
    """Append the hidden ``_meta`` sheet (kind ``dvk-ward-summary``) that lets the level above
    consolidate this summary: the digest of every other sheet as a reader sees it, signed with
    the upward key (pipeline/upward.py); unsigned when no upward key is installed. The digest is
    taken from the cells in memory; the level above takes it from the file it reads, and
    tests/test_rollup.py checks the two agree on real summaries."""
    from .upward import content_digest, summary_meta

    digest = content_digest((ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets)
    ws = wb.create_sheet(layout.META_SHEET)
    meta = summary_meta(config.upward, year, config.template.version, digest)
    for row, key in enumerate(layout.SUMMARY_META_KEYS, start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=meta[key]).number_format = "@"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 70
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


# --------------------------------------------------------------------------- workbook


def _fixed_time(year: int) -> dt.datetime:
    """The moment stamped into the summary of ``year``: the end of the reporting cycle."""
    return dt.datetime(year, 12, 1)


def _set_properties(wb: WorkbookType, config: Config, year: int) -> None:
    """Fixed document properties: nothing that depends on the clock or the machine."""
    props = wb.properties
    props.creator = props.lastModifiedBy = _text(config.organization.collecting_board)
    title = config.template.title
    props.title = _text(f"Tổng hợp {title[:1].lower()}{title[1:]} năm {year}")
    props.created = props.modified = _fixed_time(year)


# --------------------------------------------------------------------------- rows


def _unit_row(status: UnitStatus, config: Config) -> Row:
    unit = status.unit
    submitted = status.status in SUBMITTED
    return (
        unit.code,
        unit.name,
        config.units.group_label(unit.group),
        unit.origin or WHOLE_WARD,
        status.label,
        status.days_late if submitted else None,
        status.received,
        status.file,
        status.model_count if submitted else None,
        unit.min_models,
        _target(status),
    )


def _target(status: UnitStatus) -> str:
    """Whether a unit that reported reached its minimum number of models; blank otherwise."""
    if status.status not in SUBMITTED:
        return ""
    return NOT_MET if status.below_minimum else MET


def _item_columns(sheet: Sheet) -> tuple[Column, ...]:
    fields = tuple(Column(f.label, f.width, wrap=f.type == "text", year=f.is_year) for f in sheet.fields)
    return (*_UNIT_KEY, _GROUP, *fields, *_SCORE_COLUMNS, *_SOURCE_COLUMNS)


def _item_row(item: Item, sheet: Sheet, config: Config) -> Row:
    unit = item.unit
    return (
        unit.code,
        unit.name,
        config.units.group_label(unit.group),
        *(item.values.get(f.key) for f in sheet.fields),
        item.total_score,
        item.classification,
        item.source_file,
        item.source_sheet,
        item.source_row,
    )


def _activity_rows(data: Consolidation, sheet: Sheet) -> list[Row]:
    """One row per unit that reported activities, in the configured order of units."""
    rows: list[Row] = []
    for status in data.units:
        answers = data.activities.get(status.unit.code)
        if answers:
            rows.append((status.unit.code, status.unit.name, *(answers.get(f.key) for f in sheet.fields)))
    return rows


def _total_row(rows: Sequence[Row], first: int) -> Row:
    """The label, blanks up to column ``first``, then the sum of each column from there."""
    width = len(rows[0]) if rows else first
    sums = (sum((v for v in (row[i] for row in rows) if _is_number(v)), 0) for i in range(first, width))
    return (TOTAL_LABEL, *([None] * (first - 1)), *sums)


def _finding_row(item: Finding) -> Row:
    severity = SEVERITY_LABELS.get(item.severity, item.severity)
    return (item.file, item.code, severity, item.sheet, item.cell, item.message, item.hint)


# --------------------------------------------------------------------------- sheets


def _write_items(ws: Worksheet, sheet: Sheet, items: Iterable[Item], config: Config) -> None:
    _write_list(ws, sheet.title, _item_columns(sheet), [_item_row(i, sheet, config) for i in items])


def _write_activities(ws: Worksheet, data: Consolidation, config: Config) -> None:
    sheet = config.template.sheet("activities")
    columns = (*_UNIT_KEY, *(Column(f.label, f.width) for f in sheet.fields))
    rows = _activity_rows(data, sheet)
    _write_list(ws, sheet.title, columns, rows)
    # Below the filtered range, so that sorting or filtering the units leaves the total in place.
    _write_total(ws, len(rows) + 2, _total_row(rows, len(_UNIT_KEY)))


def _write_list(ws: Worksheet, title: str, columns: Sequence[Column], rows: Sequence[Row], freeze: str = "C2") -> None:
    """A header row, one row per item, frozen header and key columns, an autofilter."""
    ws.title = _text(title)
    _write_header(ws, 1, [c.header for c in columns])
    for row, values in enumerate(rows, start=2):
        for column, (spec, value) in enumerate(zip(columns, values, strict=True), start=1):
            _put(ws, row, column, value, spec)
    for column, spec in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(column)].width = spec.width
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def _write_stats(ws: Worksheet, tables: Sequence[StatTable]) -> None:
    """Every table in turn: title, header, rows, total; one blank row between tables."""
    ws.title = STATS_SHEET
    row = 1
    for table in tables:
        row = _write_table(ws, row, table) + 1
    for column, width in _stats_widths(tables).items():
        ws.column_dimensions[get_column_letter(column)].width = width


def _write_table(ws: Worksheet, row: int, table: StatTable) -> int:
    """One statistics table from ``row``; returns the first row after it."""
    _put(ws, row, 1, table.title).font = _TITLE_FONT
    _write_header(ws, row + 1, table.columns)
    row += 2
    for values in table.rows:
        _write_row(ws, row, values)
        row += 1
    if table.total is not None:
        _write_total(ws, row, table.total)
        row += 1
    return row


def _stats_widths(tables: Sequence[StatTable]) -> dict[int, int]:
    """Each column as wide as its longest value (titles and wrapped headers aside), within bounds."""
    widths: dict[int, int] = {}
    for table in tables:
        for values in (*table.rows, *((table.total,) if table.total else ())):
            for column, value in enumerate(values, start=1):
                fitted = min(len(str(value)) + 2, _STATS_MAX_WIDTH)
                widths[column] = max(widths.get(column, _STATS_MIN_WIDTH), fitted)
    return widths


# --------------------------------------------------------------------------- cells


def _write_header(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    for column, header in enumerate(headers, start=1):
        cell = _put(ws, row, column, header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = _HEADER_ALIGN


def _write_row(ws: Worksheet, row: int, values: Sequence[Any]) -> None:
    for column, value in enumerate(values, start=1):
        _put(ws, row, column, value)


def _write_total(ws: Worksheet, row: int, values: Sequence[Any]) -> None:
    for column, value in enumerate(values, start=1):
        _put(ws, row, column, value).font = _BOLD


def _put(ws: Worksheet, row: int, column: int, value: Any, spec: Column = _PLAIN) -> Any:
    """Write one value as a typed cell; blanks stay empty. Returns the cell."""
    cell = ws.cell(row=row, column=column)
    if value is None or value == "":
        return cell
    shown, number_format = _shown(value, spec.year)
    cell.value = shown
    if isinstance(shown, str):
        # openpyxl reads a string starting with "=" as a formula; the summary holds values only.
        cell.data_type = "s"
    else:
        cell.number_format = number_format
    if spec.wrap:
        cell.alignment = _WRAP_TOP
    return cell


def _shown(value: Any, year: bool) -> tuple[Any, str]:
    """The cell value and its number format: numbers and dates typed, everything else text."""
    if isinstance(value, bool):
        return BOOLEAN_TEXT[value], "@"
    if isinstance(value, int):
        return value, "0" if year else "#,##0"
    if isinstance(value, float) and math.isfinite(value):
        # "#,##0.##" would show a whole 5 as "5.", so whole values get the integer format.
        return value, "#,##0" if value.is_integer() else "#,##0.##"
    if isinstance(value, dt.date):
        return value, "dd/mm/yyyy"
    return _text(str(value)), "@"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(text: str) -> str:
    """NFC, without the control characters an .xlsx cannot hold."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", unicodedata.normalize("NFC", text)))
