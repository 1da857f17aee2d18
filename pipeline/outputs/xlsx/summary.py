"""Summary stage: statistics + consolidation + findings -> the consolidated workbook of the year.

Contract:

* :func:`summary_bytes` is pure: it builds ``tong-hop-<year>.xlsx`` from what it is given and
  touches no file but its own temporary ones; :func:`build_summary` opens the result in openpyxl.
  Every figure of the "Thống kê" sheet is a :class:`~pipeline.year.stats.StatTable` of
  :mod:`pipeline.year.stats`, so this workbook and the Word reports cannot disagree.
* :func:`summary_bytes` saves it deterministically: the same inputs give byte-identical output
  (fixed document properties, fixed zip timestamps; see :mod:`pipeline.core.ooxml`).

Sheets, in order: "Đơn vị" (one row per configured unit with its status and its target),
"Mô hình", "Điển hình tập thể", "Điển hình cá nhân" (one row per consolidated item: the unit,
one column per schema field headed by the schema label, the self-assessed score and class, then
the steering committee's decisions on it in the year, then the file, sheet and row the item came
from), "Hoạt động" (one row per unit, a yes/no answer as
"Có"/"Không"; then a total row: the sums, and for a yes/no field the number of units that answered
"Có", as :mod:`pipeline.year.activities` counts them; text and date fields have no total),
"Ý kiến" (the statements carried up: :func:`~pipeline.year.statements.ward_opinions`, a row each),
"Thống kê" (every statistics table in turn) and "Phát hiện" (every finding given: the run gives
those of the files that count, not of a file its unit has replaced; the code in the last column).

Cells hold values only, never formulas: nothing needs recalculating, and a text a unit typed as
"=..." stays text. Numbers and dates are typed cells with display formats; all text is NFC.

Printed (:mod:`.printing`), every list sheet repeats its header row on each page and is fitted
to the page width; a list too wide for one page repeats the unit's code and name on each page
across. Rows are as tall as their wrapped names and texts (:mod:`.stream`).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as WorkbookType

from ...config import Config, Sheet
from ...core import layout
from ...core.findings import Finding
from ...core.layout import ITEM_SHEETS, TOTAL_LABEL
from ...core.upward import ContentDigest
from ...year.activities import total
from ...year.consolidate import LATE, ON_TIME, Consolidation, Item, UnitStatus
from ...year.council import DECISION
from ...year.stat_table import StatTable
from ...year.statements import Opinion
from ...year.stats import Statistics
from .clerk import FINDING_COLUMNS, finding_cells, severity_label
from .printing import DEFAULT_WIDTH, set_print_layout
from .stream import Column, StreamedSheet, collection_paused, with_rows
from .workbook import BOLD, end_of_cycle, fixed_bytes, protect, set_properties, text

UNITS_SHEET = "Đơn vị"
STATS_SHEET = "Thống kê"
FINDINGS_SHEET = "Phát hiện"
WHOLE_WARD = "Toàn phường"
MET, NOT_MET = "Đạt", "Chưa đạt"
SUBMITTED = (ON_TIME, LATE)

_TITLE_FONT = Font(bold=True, size=12)
# Widths of the "Thống kê" columns, fitted to their longest value within these bounds.
_STATS_MIN_WIDTH, _STATS_MAX_WIDTH = 12, 50

Row = tuple[Any, ...]


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
# What the steering committee decided on the item in the year (year/council.with_decisions): the
# level above reads it as what the ward recognised and commended (layout.DECISION_HEADER).
_DECISION_COLUMN = Column(layout.DECISION_HEADER, 20, wrap=True)
_SOURCE_COLUMNS = (Column("Tệp nguồn", 28), Column("Sheet nguồn", 18), Column("Dòng nguồn", 10))
# The code last, as in the clerk's report: the reader's columns first.
_FINDING_COLUMNS = (Column("Tệp", 28), Column("Mức độ", 12), *FINDING_COLUMNS)


# --------------------------------------------------------------------------- public


def build_summary(
    stats: Statistics,
    data: Consolidation,
    findings: Sequence[Finding],
    config: Config,
    opinions: Sequence[Opinion] = (),
) -> WorkbookType:
    """The consolidated workbook of the year as a reader opens it (for inspection: it is written
    in openpyxl's write-only mode, whose sheets cannot be read back, then loaded from its bytes)."""
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(summary_bytes(stats, data, findings, config, opinions)))


def summary_bytes(
    stats: Statistics,
    data: Consolidation,
    findings: Sequence[Finding],
    config: Config,
    opinions: Sequence[Opinion] = (),
) -> bytes:
    """The consolidated workbook, with its signed ``_meta``, saved to bytes that depend only on the inputs.

    openpyxl (write-only mode) writes the package's frame and styles; each sheet's rows go out as
    XML into a temporary file as they are made, so the time and memory grow with the rows, not
    with a grid of cell objects. The content digest of ``_meta`` is taken from the same values.
    Rows and cells are made by the hundred thousand, none in a reference cycle: the cyclic garbage
    collector is held off meanwhile (:func:`.stream.collection_paused`)."""
    wb = Workbook(write_only=True)
    set_properties(wb, text(config.organization.collecting_board), _title(config, data.year), end_of_cycle(data.year))
    digest = ContentDigest()
    with contextlib.ExitStack() as files:
        files.enter_context(collection_paused())
        sheets = [
            StreamedSheet(wb, digest, files.enter_context(tempfile.TemporaryFile()))
            for _ in range(len(ITEM_SHEETS) + 5)
        ]
        units, *item_sheets, activities, opinion_sheet, table_sheet, findings_sheet = sheets
        _write_list(units, UNITS_SHEET, _UNIT_COLUMNS, [_unit_row(s, config) for s in data.units])
        for out, kind in zip(item_sheets, ITEM_SHEETS, strict=True):
            _write_items(out, config.template.sheet(kind), data.items.get(kind, ()), config)
        _write_activities(activities, data, config)
        _write_opinions(opinion_sheet, opinions, config)
        _write_stats(table_sheet, stats.tables)
        finding_rows = [_finding_row(f) for f in findings]
        _write_list(findings_sheet, FINDINGS_SHEET, _FINDING_COLUMNS, finding_rows, "A2")
        add_summary_meta(wb, config, data.year, digest.hexdigest())
        return with_rows(fixed_bytes(wb, end_of_cycle(data.year)), sheets)


def add_summary_meta(wb: WorkbookType, config: Config, year: int, digest: str) -> None:
    """Append the hidden ``_meta`` sheet (kind ``dvk-ward-summary``) that lets the level above
    consolidate this summary: the digest of every other sheet as a reader sees it, signed with
    the upward key (pipeline/core/upward.py); unsigned when no upward key is installed. The digest is
    taken from the values as they are written; the level above takes it from the file it reads,
    and tests/unit/intake/test_ward_summary.py checks the two agree."""
    from ...core.upward import summary_meta

    ws = wb.create_sheet(layout.META_SHEET)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 70
    ws.sheet_state = "hidden"
    protect(ws, allow_resizing=False)
    meta = summary_meta(config.upward, year, config.template.version, digest)
    for key in layout.SUMMARY_META_KEYS:
        value = WriteOnlyCell(ws, meta[key])
        value.number_format = "@"
        ws.append([key, value])


def _title(config: Config, year: int) -> str:
    """The document title: "Tổng hợp" and the template's title, lower-cased after it."""
    title = config.template.title
    return text(f"Tổng hợp {title[:1].lower()}{title[1:]} năm {year}")


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
    return (*_UNIT_KEY, _GROUP, *fields, *_SCORE_COLUMNS, _DECISION_COLUMN, *_SOURCE_COLUMNS)


def _item_rows(items: Iterable[Item], sheet: Sheet, config: Config) -> list[Row]:
    """One row per item: its unit, one value per schema field, its score, the council's decisions,
    where it came from.
    The group labels and field keys are looked up once: there are tens of thousands of items."""
    groups = _group_labels(config)
    keys = [f.key for f in sheet.fields]
    return [
        (
            item.unit.code,
            item.unit.name,
            groups[item.unit.group],
            *map(item.values.get, keys),
            item.total_score,
            item.classification,
            item.values.get(DECISION) or "",
            item.source_file,
            item.source_sheet,
            item.source_row,
        )
        for item in items
    ]


def _group_labels(config: Config) -> dict[str, str]:
    """``config.units.group_label`` as a mapping (the first group of a key wins, as there)."""
    labels: dict[str, str] = {}
    for group in config.units.groups:
        labels.setdefault(group.key, group.label)
    return labels


def _activity_rows(data: Consolidation, sheet: Sheet) -> list[Row]:
    """One row per unit that reported activities, in the configured order of units."""
    rows: list[Row] = []
    for status in data.units:
        answers = data.activities.get(status.unit.code)
        if answers:
            rows.append((status.unit.code, status.unit.name, *(answers.get(f.key) for f in sheet.fields)))
    return rows


def _activity_total(data: Consolidation, sheet: Sheet, first: int) -> Row:
    """The label, blanks up to column ``first``, then each counted field's total (none for text or dates)."""
    answers = [data.activities[s.unit.code] for s in data.units if data.activities.get(s.unit.code)]
    totals = (total(answers, f.key) if f.adds_up else None for f in sheet.fields)
    return (TOTAL_LABEL, *([None] * (first - 1)), *totals)


def _finding_row(item: Finding) -> Row:
    return (item.file, severity_label(item), *finding_cells(item))


# --------------------------------------------------------------------------- sheets


def _write_items(out: StreamedSheet, sheet: Sheet, items: Iterable[Item], config: Config) -> None:
    _write_list(out, sheet.title, _item_columns(sheet), _item_rows(items, sheet, config))


def _write_activities(out: StreamedSheet, data: Consolidation, config: Config) -> None:
    sheet = config.template.sheet("activities")
    columns = (*_UNIT_KEY, *(Column(f.label, f.width) for f in sheet.fields))
    rows = _activity_rows(data, sheet)
    # Below the filtered range, so that sorting or filtering the units leaves the total in place.
    _write_list(out, sheet.title, columns, rows, total=_activity_total(data, sheet, len(_UNIT_KEY)))


def _write_opinions(out: StreamedSheet, opinions: Sequence[Opinion], config: Config) -> None:
    """A row per statement, headed by the question's label in the unit's report."""
    labels = {f.key: f.label for f in config.template.sheet("unit").fields}
    question, said, count, who = layout.OPINION_HEADERS
    columns = (
        Column(question, 20, wrap=True),
        Column(said, 70, wrap=True),
        Column(count, 10),
        Column(who, 50, wrap=True),
    )
    rows = [(labels.get(o.key, o.key), o.text, len(o.units) or None, ", ".join(o.units)) for o in opinions]
    _write_list(out, layout.OPINIONS_SHEET, columns, rows, freeze="A2")


def _write_list(
    out: StreamedSheet,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Row],
    freeze: str = "C2",
    total: Row | None = None,
) -> None:
    """A header row, one row per item, frozen header and key columns, an autofilter; then the
    ``total`` row in bold, if any. Printed with the header row on every page."""
    widths = {column: spec.width for column, spec in enumerate(columns, start=1)}
    extent = (len(rows) + 1 + (total is not None), max(len(columns), len(total or ())))
    out.start(title, widths, extent, freeze)
    set_print_layout(out.ws, list(widths.values()), header_row=1, key_columns=len(_UNIT_KEY))
    out.header([c.header for c in columns])
    for values in rows:
        if len(values) != len(columns):
            raise ValueError(f"a row of {len(values)} values under {len(columns)} columns")
    out.append_rows(rows, columns)
    out.ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    if total is not None:
        out.append(total, font=BOLD)


def _write_stats(out: StreamedSheet, tables: Sequence[StatTable]) -> None:
    """Every table in turn: title, header, rows, total; one blank row between tables."""
    heights = [2 + len(t.rows) + (t.total is not None) for t in tables]
    columns = [max(len(t.columns), *(len(r) for r in (*t.rows, t.total or ()))) for t in tables]
    extent = (sum(heights) + len(tables) - 1, max(columns, default=1))
    widths = _stats_widths(tables)
    out.start(STATS_SHEET, widths, extent)
    set_print_layout(out.ws, [widths.get(c, DEFAULT_WIDTH) for c in range(1, extent[1] + 1)])
    for index, table in enumerate(tables):
        if index:
            out.append([])
        out.append([table.title], font=_TITLE_FONT)
        out.header(table.columns)
        out.append_rows(table.rows)
        if table.total is not None:
            out.append(table.total, font=BOLD)


def _stats_widths(tables: Sequence[StatTable]) -> dict[int, int]:
    """Each column as wide as its longest value (titles and wrapped headers aside), within bounds."""
    widths: dict[int, int] = {}
    for table in tables:
        rows = (*table.rows, *((table.total,) if table.total else ()))
        # Column by column (a table may list every model); a short row's missing values count as "".
        for column, values in enumerate(itertools.zip_longest(*rows, fillvalue=""), start=1):
            fitted = min(max(map(len, map(str, values))) + 2, _STATS_MAX_WIDTH)
            widths[column] = max(widths.get(column, _STATS_MIN_WIDTH), fitted)
    return widths
