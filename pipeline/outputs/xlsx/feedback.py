"""Feedback stage: submissions and their findings -> workbooks that say what to fix, and where.

Contract:

* :func:`unit_feedback_bytes` returns the unit's own workbook, values and formulas exactly as the
  unit sent them, with a new first sheet "Kết quả kiểm tra" (the verdict, the counts and one row
  per finding, each cell address a link to that cell) and every cell concerned filled (red: error,
  yellow: warning) and given a comment with the message and the hint. Nothing else changes: sheet
  protection, drop-down lists and the hidden identity sheet stay as they are, so the unit can fix
  the cells right in this copy and send it back. A copy sent back and checked again loses the
  marks and the sheet of the earlier round before it gets the new ones. A rejected file's advice
  names the day to send it back by: the calendar's resubmission date of the cycle's year
  (``corrections_deadline`` in config/calendar.yaml, else the units' deadline in force, the date
  the feedback mail names too); a year missing from the calendar gives the advice without a date.
* :func:`~.clerk.clerk_report_bytes` (``ket-qua-kiem-tra-<year>.xlsx``, for the clerk) is built
  with this module's list helpers.
* Printed, the feedback sheet is landscape, fitted to the page width, its header row repeated on
  every page, each row tall enough for its wrapped text (:mod:`.printing`). In a feedback copy,
  the unit's sheets that have no print setup of their own (a template issued before templates
  had one) get the template's; their rows stay as the unit left them.
* :func:`feedback_names` decides which files get a feedback copy and what it is called.

Everything here is pure (bytes and values in, bytes out) and deterministic: fixed document
properties and fixed zip timestamps (see :mod:`pipeline.core.ooxml`). Reading the inbox and writing
the outbox is :mod:`pipeline.run.cycle`'s job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ...config import Config
from ...core import layout
from ...core.errors import DvkError
from ...core.findings import ERROR, SEVERITY_LABELS, WARNING, Finding, cell_order
from ...core.textnorm import fold
from ...core.vnformat import by_day
from ...intake.validate import Submission
from .printing import fit_row, set_print_layout, sheet_widths, text_lines
from .stream import Column, collection_paused
from .template.tables import key_columns
from .workbook import (
    BOLD,
    HEADING_FONT,
    TOP,
    WRAP_TOP,
    end_of_cycle,
    fixed_bytes,
    make_active,
    put,
    set_widths,
    style_header,
    text,
)

FEEDBACK_SHEET = "Kết quả kiểm tra"
COMMENT_AUTHOR = "dvk"
FEEDBACK_TITLE = "KẾT QUẢ KIỂM TRA MẪU BIỂU “DÂN VẬN KHÉO” NĂM {year}"
VERDICTS = {True: "Được chấp nhận", False: "Bị trả lại: cần sửa và gửi lại"}
ADVICE = {
    True: "Tệp đã được chấp nhận; các cảnh báo dưới đây để đơn vị lưu ý, không cần gửi lại.",
    False: "Hãy sửa các lỗi ngay trên tệp này rồi gửi lại cho phường.",
}
# The advice on a rejected file when the calendar gives the day to send it back by (“trước ngày …”,
# or “sớm nhất có thể” once that day has come: see core.vnformat.by_day).
RESUBMIT_ADVICE = "Hãy sửa các lỗi ngay trên tệp này rồi gửi lại cho phường {when}."
GUIDE = (
    "Ô có lỗi được tô đỏ, ô cần xem lại được tô vàng; đưa chuột vào ô để đọc ghi chú. "
    "Bấm vào địa chỉ ở cột “Ô” để đến ô đó."
)
CELL_FILLS = {ERROR: "FFC7CE", WARNING: "FFEB9C"}
# Where the feedback sheet puts things: facts from FACTS_ROW (label in A, value in C; the verdict
# is the fourth), the table's header at TABLE_ROW.
FACTS_ROW, FACT_VALUE_COLUMN, VERDICT_ROW, TABLE_ROW = 3, 3, 6, 12
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384
RECEIVED_FORMAT = "dd/mm/yyyy hh:mm"

SEVERITY_FILLS = {severity: PatternFill("solid", fgColor=rgb) for severity, rgb in CELL_FILLS.items()}
_NO_FILL = PatternFill()
_VERDICT_FONTS = {True: Font(bold=True, color="006100"), False: Font(bold=True, color="9C0006")}
_LEFT = Alignment(horizontal="left")
# openpyxl reads only .xlsx/.xlsm, while validation (calamine) also reads .xls, .xlsb and .ods.
# What openpyxl raises on those: no zip at all (.xls), no [Content_Types].xml (.ods: KeyError),
# no XML workbook part (.xlsb: OSError), broken XML (SyntaxError), and a value its descriptors
# refuse in a file written by other software (TypeError, ValueError).
_LOAD_ERRORS = (zipfile.BadZipFile, KeyError, OSError, SyntaxError, TypeError, ValueError)


class CannotAnnotate(DvkError):
    """The unit's file cannot be turned into an annotated copy; its findings are still reported."""


_TABLE_COLUMNS = (
    Column("STT", 6),
    Column("Mức độ", 12),
    Column("Sheet", 18),
    Column("Ô", 8),
    Column("Nội dung", 70, wrap=True),
    Column("Cách khắc phục", 50, wrap=True),
)


# --------------------------------------------------------------------------- names


def feedback_names(submissions: Sequence[Submission]) -> dict[int, str]:
    """The feedback file name of each submission that gets one, by its index in ``submissions``.

    A file gets one when it has findings and a unit: ``<UNIT>.xlsx`` when it is the unit's only
    such file, else ``<UNIT>-<first 8 hex digits of its SHA-256>.xlsx``. Byte-identical copies of
    one file share the feedback of the first copy.
    """
    chosen: dict[int, Submission] = {}
    seen: set[tuple[str, str]] = set()
    for index, sub in enumerate(submissions):
        key = (sub.unit_code, sub.source.sha256)
        if sub.findings and sub.unit_code and key not in seen:
            seen.add(key)
            chosen[index] = sub
    per_unit = Counter(sub.unit_code for sub in chosen.values())
    return {
        index: f"{sub.unit_code}.xlsx"
        if per_unit[sub.unit_code] == 1
        else f"{sub.unit_code}-{sub.source.sha256[:8]}.xlsx"
        for index, sub in chosen.items()
    }


# --------------------------------------------------------------------------- unit feedback


def unit_feedback_bytes(
    original: bytes, submission: Submission, config: Config, cycle: int | None = None, today: dt.date | None = None
) -> bytes:
    """The unit's own workbook with its findings listed on a first sheet and marked on their cells;
    the day to send it back by is that of the ``cycle``'s year (default: the file's year), named
    only while it is after ``today`` (the run's day; default: the system's)."""
    year = submission.year
    if year is None or not submission.unit_code:
        raise ValueError(f"{submission.source.name}: only a recognised unit template gets a feedback copy")
    advice = advice_of(submission.accepted, config, year if cycle is None else cycle, today)
    cover = Cover(FEEDBACK_TITLE.format(year=year), _facts(submission, config), advice)
    return annotated_bytes(original, submission, config, cover, year)


class Cover(NamedTuple):
    """What the first sheet of an annotated copy says above the findings: title, facts (the
    verdict fourth), advice."""

    title: str
    facts: tuple[tuple[str, Any], ...]
    advice: str


def annotated_bytes(original: bytes, submission: Submission, config: Config, cover: Cover, year: int) -> bytes:
    """``original`` (whose content the submission was read from) with its findings listed on a
    first sheet under ``cover`` and marked on their cells: a unit's feedback, the council's sheet."""
    # openpyxl makes an object of every cell, style and comment it reads: the collector is held
    # off meanwhile, as for the clerk's report.
    with collection_paused():
        wb = _load(original, submission)
        _clear_previous_round(wb)
        _mark_cells(wb, submission.findings)
        _print_unit_sheets(wb, config)
        _write_feedback_sheet(wb.create_sheet(FEEDBACK_SHEET, 0), wb, submission, cover)
        make_active(wb, 0)
        wb.properties.lastModifiedBy = text(config.organization.collecting_board)
        return fixed_bytes(wb, end_of_cycle(year))


def _load(original: bytes, submission: Submission) -> Workbook:
    """The workbook as sent, formulas kept; :class:`CannotAnnotate` when openpyxl cannot read it."""
    if hashlib.sha256(original).hexdigest() != submission.source.sha256:
        # The file changed since it was checked: the findings would point at the wrong cells.
        raise CannotAnnotate(f"{submission.source.name}: tệp đã thay đổi sau khi kiểm tra")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it does not keep (e.g. Excel's extension lists); the copy
            # only has to carry the unit's values and our marks, so these are not worth showing.
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(io.BytesIO(original), rich_text=True)
    except _LOAD_ERRORS as exc:
        raise CannotAnnotate(f"{submission.source.name}: {type(exc).__name__}") from exc


def _clear_previous_round(wb: Workbook) -> None:
    """Drop the feedback sheet and the cell marks of an earlier round, if the unit sent our copy back."""
    if FEEDBACK_SHEET in wb.sheetnames:
        del wb[FEEDBACK_SHEET]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == COMMENT_AUTHOR:
                    cell.comment = None
                    if cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb[-6:] in CELL_FILLS.values():
                        cell.fill = _NO_FILL


def _print_unit_sheets(wb: Workbook, config: Config) -> None:
    """The template's print setup on each visible sheet of the schema (or the instructions) that
    has none: a form one page wide, a table with its header row on every page."""
    sheets = {fold(s.title): s for s in config.template.sheets}
    for ws in wb.worksheets:
        setup = ws.sheet_properties.pageSetUpPr
        if ws.sheet_state != "visible" or (setup is not None and setup.fitToPage):
            continue
        if fold(ws.title) == fold(layout.INSTRUCTIONS_SHEET):
            set_print_layout(ws, sheet_widths(ws), one_page_wide=True)
        elif (sheet := sheets.get(fold(ws.title))) is not None:
            table = sheet.kind == "table"
            keys = key_columns(sheet) if table else 0
            set_print_layout(ws, sheet_widths(ws), layout.HEADER_ROW, keys, one_page_wide=not table)


def _mark_cells(wb: Workbook, findings: Iterable[Finding]) -> None:
    """Fill and comment every cell an error or a warning is about; other findings are only listed."""
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for item in findings:
        ws = _sheet_of(wb, item.sheet)
        if item.severity in SEVERITY_FILLS and ws is not None and _is_address(item.cell):
            by_cell.setdefault((ws.title, item.cell), []).append(item)
    for (title, address), items in by_cell.items():
        cell = wb[title][address]
        # Only the top-left cell of a merged range can carry a comment (and a value to fix).
        if isinstance(cell, Cell):
            _mark(cell, items)


def _mark(cell: Cell, items: Sequence[Finding]) -> None:
    severity = ERROR if any(f.severity == ERROR for f in items) else WARNING
    cell.fill = SEVERITY_FILLS[severity]
    text = "\n\n".join(_explained(f) for f in items)
    if cell.comment is not None:  # the unit's own note stays, below ours
        text = f"{text}\n\n{cell.comment.text}"
    cell.comment = _comment(text)


def _comment(body: str) -> Comment:
    """A comment box tall enough for its text (about 50 characters a line at this width)."""
    return Comment(text(body), COMMENT_AUTHOR, height=min(400, 20 + 16 * text_lines(body, 52)), width=320)


def advice_of(accepted: bool, config: Config, year: int, today: dt.date | None = None) -> str:
    """What the unit is to do with its file: nothing more when accepted, else fix it and send it
    back by the calendar's resubmission date of ``year`` while that date is after ``today``
    (default: the system's date), else as soon as possible; no date when the year has no calendar."""
    calendar = config.calendar.get(year)
    if accepted or calendar is None:
        return ADVICE[accepted]
    return RESUBMIT_ADVICE.format(when=by_day(calendar.resubmit_by, today or dt.date.today()))


def _write_feedback_sheet(ws: Worksheet, wb: Workbook, submission: Submission, cover: Cover) -> None:
    """Title, facts about the file, advice, then one row per finding."""
    accepted, advice = submission.accepted, cover.advice
    _put(ws, 1, 1, cover.title).font = HEADING_FONT
    for offset, (label, value) in enumerate(cover.facts):
        _put(ws, FACTS_ROW + offset, 1, f"{label}:").font = BOLD
        _put(ws, FACTS_ROW + offset, FACT_VALUE_COLUMN, value).alignment = _LEFT
    ws.cell(VERDICT_ROW, FACT_VALUE_COLUMN).font = _VERDICT_FONTS[accepted]
    _put(ws, TABLE_ROW - 3, 1, advice).font = BOLD
    _put(ws, TABLE_ROW - 2, 1, GUIDE)
    _write_header(ws, TABLE_ROW, _TABLE_COLUMNS)
    for index, item in enumerate(submission.findings, start=1):
        _write_finding(ws, TABLE_ROW + index, index, item, wb)
    _finish_list(ws, _TABLE_COLUMNS, TABLE_ROW, len(submission.findings), keys=1)


def _facts(submission: Submission, config: Config) -> tuple[tuple[str, Any], ...]:
    unit = config.units.get(submission.unit_code)
    return (
        ("Đơn vị", unit.name if unit else ""),
        ("Mã đơn vị", submission.unit_code),
        ("Tệp", submission.source.name),
        ("Kết quả", VERDICTS[submission.accepted]),
        ("Số lỗi", count_of(submission.findings, ERROR)),
        ("Số cảnh báo", count_of(submission.findings, WARNING)),
    )


def _write_finding(ws: Worksheet, row: int, number: int, item: Finding, wb: Workbook) -> None:
    values = (number, SEVERITY_LABELS.get(item.severity, item.severity), item.sheet, item.cell, item.message, item.hint)
    _write_row(ws, row, _TABLE_COLUMNS, values)
    if item.severity in SEVERITY_FILLS:
        ws.cell(row, 2).fill = SEVERITY_FILLS[item.severity]
    target = _sheet_of(wb, item.sheet)
    if target is not None and target is not ws and _is_address(item.cell):
        link = ws.cell(row, 4)
        link.hyperlink = f"#{_quoted(target.title)}!{item.cell}"
        link.style = "Hyperlink"
        link.alignment = TOP  # the named style brings its own alignment


def _sheet_of(wb: Workbook, title: str) -> Worksheet | None:
    """The sheet a finding names, found the way validation finds it: exact title, else folded."""
    if not title:
        return None
    if title in wb.sheetnames:
        sheet: Worksheet = wb[title]
        return sheet
    return next((ws for ws in wb.worksheets if fold(ws.title) == fold(title)), None)


def _is_address(cell: str) -> bool:
    row, column = cell_order(cell)
    return 1 <= row <= MAX_ROW and 1 <= column <= MAX_COLUMN


def _quoted(title: str) -> str:
    """A sheet title as a formula reference writes it: quoted, inner quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def _explained(item: Finding) -> str:
    return f"{item.message}\n{item.hint}" if item.hint else item.message


def count_of(findings: Iterable[Finding], severity: str) -> int:
    return sum(1 for f in findings if f.severity == severity)


# --------------------------------------------------------------------------- cells


def write_list(
    ws: Worksheet, title: str, columns: Sequence[Column], rows: Sequence[tuple[Any, ...]], keys: int
) -> None:
    """A header row, one row per item; the first ``keys`` columns tell the rows apart."""
    ws.title = title
    _write_header(ws, 1, columns)
    for row, values in enumerate(rows, start=2):
        _write_row(ws, row, columns, values)
    _finish_list(ws, columns, 1, len(rows), keys)


def _write_row(ws: Worksheet, row: int, columns: Sequence[Column], values: Sequence[Any]) -> None:
    """One row of a list, tall enough for its wrapped texts (openpyxl cannot measure them)."""
    for column, (spec, value) in enumerate(zip(columns, values, strict=True), start=1):
        _put(ws, row, column, value, spec)
    fit_row(ws, row, [(str(v), spec.width) for spec, v in zip(columns, values, strict=True) if spec.wrap and v])


def _finish_list(ws: Worksheet, columns: Sequence[Column], header_row: int, count: int, keys: int) -> None:
    """Column widths, the header frozen, an autofilter over header and rows, the print layout (the
    header row on every page, the first ``keys`` columns on every page across)."""
    widths = {column: spec.width for column, spec in enumerate(columns, start=1)}
    set_widths(ws, widths)
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{header_row + count}"
    set_print_layout(ws, list(widths.values()), header_row=header_row, key_columns=keys)


def _write_header(ws: Worksheet, row: int, columns: Sequence[Column]) -> None:
    """The header row, tall enough for its wrapped labels."""
    for column, spec in enumerate(columns, start=1):
        style_header(_put(ws, row, column, spec.header))
    fit_row(ws, row, [(spec.header, spec.width) for spec in columns], bold=True)


def _put(ws: Worksheet, row: int, column: int, value: Any, spec: Column | None = None) -> Cell:
    """Write one value (:func:`.workbook.put`), aligned as its column says. Returns the cell."""
    cell: Cell = ws.cell(row=row, column=column)
    if put(cell, value) and spec is not None:
        cell.alignment = WRAP_TOP if spec.wrap else TOP
        if isinstance(value, dt.datetime):
            cell.number_format = RECEIVED_FORMAT
    return cell
