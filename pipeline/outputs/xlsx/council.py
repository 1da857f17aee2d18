"""Council workbook, written: the year's evaluated proposals -> the steering committee's workbook.

Contract: :func:`council_bytes` is pure: an :class:`~pipeline.year.evaluate.Evaluation` ->
``xet-duyet-<year>.xlsx`` bytes, identical for identical inputs. One row per item (models,
collectives, individuals): what the unit reported and what the rules propose, locked; then the
council's four input columns: the decision (a drop-down, prefilled with the proposal as a
suggestion), its number, its date and a note. The hidden ``_meta`` sheet says kind
``dvk-council``, unit ``-`` and the year, signed like a unit template. The layout of its columns
is the reader's (:mod:`pipeline.intake.council`), so what is written is what is read back.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...config import DATE_MAX, DATE_MIN, NO_OUTCOME, Config
from ...core import layout
from ...core.identity import sign
from ...core.ooxml import deterministic_zip
from ...intake.council import COLUMNS, COUNCIL_SHEET, DECISION_CHOICES, NO_DECISION
from ...year.evaluate import Evaluation, ItemEvaluation

COUNCIL_FILE = "xet-duyet-{year}.xlsx"
_COLUMN = {c.key: index for index, c in enumerate(COLUMNS, start=1)}
_HEADING = "Xét duyệt mô hình, điển hình Phong trào thi đua “Dân vận khéo” năm {year}"
_HELP = (
    "Các ô màu trắng bên phải do Ban chỉ đạo ghi: chọn quyết định (đã điền sẵn đề xuất theo tiêu chí, "
    "sửa nếu Ban chỉ đạo quyết định khác; mục chưa quyết định chọn “Không quyết định”), ghi số và ngày "
    "quyết định. Xong, chép tệp vào thư mục inbox/ và chạy lại dvk consolidate --year {year}."
)

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
