"""Council workbook, written: the year's evaluated proposals -> the steering committee's workbook.

Contract: :func:`council_bytes` is pure: an :class:`~pipeline.year.evaluate.Evaluation` ->
``xet-duyet-<year>.xlsx`` bytes, identical for identical inputs. One row per item (models,
collectives, individuals): what the unit reported and what the rules propose, locked; then the
council's four input columns: the decision (a drop-down, prefilled with the proposal as a
suggestion), its number, its date and a note. The hidden ``_meta`` sheet says kind
``dvk-council``, unit ``-`` and the year, signed like a unit template. The layout of its columns
is the reader's (:mod:`pipeline.intake.council`), so what is written is what is read back.
Printed (:mod:`.printing`): landscape, the header row on every page, fitted to the page width
(split across pages with the number and code repeated only when one page would be unreadable);
each row as tall as its longest wrapped text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...config import DATE_MAX, DATE_MIN, NO_OUTCOME, Config
from ...core import layout
from ...intake.council import COLUMNS, COUNCIL_SHEET, DECISION_CHOICES, NO_DECISION
from ...year.evaluate import Evaluation, ItemEvaluation
from .printing import fit_row, row_height, set_print_layout
from .workbook import (
    BORDER,
    HEADER_FILL,
    HEADING_FONT,
    HIGHLIGHT_FILL,
    ITALIC,
    TOP,
    UNLOCKED,
    WRAP_TOP,
    end_of_cycle,
    fixed_bytes,
    protect,
    put,
    set_properties,
    set_widths,
    style_header,
    text,
    write_lists,
    write_meta,
)

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
    return fixed_bytes(build_council(evaluation, config), end_of_cycle(evaluation.year))


def build_council(evaluation: Evaluation, config: Config) -> Workbook:
    """The council's workbook, built in memory: the decision sheet, then hidden ``_lists`` and ``_meta``."""
    wb = Workbook()
    year = evaluation.year
    set_properties(wb, text(config.organization.collecting_board), text(_HEADING.format(year=year)), end_of_cycle(year))
    ws = wb.active
    ws.title = COUNCIL_SHEET
    _write_heading(ws, year)
    for offset, item in enumerate(evaluation.items):
        _write_row(ws, layout.FIRST_DATA_ROW + offset, _row_values(offset + 1, item, config))
    _add_validations(ws, len(evaluation.items))
    _finish_sheet(ws)
    # The decision labels under their key, "decisions", the one list the drop-down refers to.
    write_lists(wb.create_sheet(layout.LISTS_SHEET), {"decisions": DECISION_CHOICES}, text)
    write_meta(
        wb.create_sheet(layout.META_SHEET), config, layout.META_KIND_COUNCIL, layout.META_UNIT_COUNCIL, year, text
    )
    return wb


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

_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_FORMATS = {"total": "General", "date": "dd/mm/yyyy", "index": "0"}
# The numbered rows' number and code, repeated on each page across if the sheet is split.
_KEY_COLUMNS = 2


def _write_heading(ws: Worksheet, year: int) -> None:
    """Heading (merged across the columns), help line and header row."""
    heading = ws.cell(row=layout.HEADING_ROW, column=1, value=text(_HEADING.format(year=year)))
    heading.font = HEADING_FONT
    ws.merge_cells(start_row=layout.HEADING_ROW, start_column=1, end_row=layout.HEADING_ROW, end_column=len(COLUMNS))
    ws.cell(row=layout.HELP_ROW, column=1, value=text(_HELP.format(year=year))).font = ITALIC
    for column, spec in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=layout.HEADER_ROW, column=column, value=text(spec.header))
        style_header(cell, HIGHLIGHT_FILL if spec.entry else HEADER_FILL)
    headers = [(spec.header, spec.width) for spec in COLUMNS]
    fit_row(ws, layout.HEADER_ROW, headers, bold=True, least=row_height(2))


def _write_row(ws: Worksheet, row: int, values: Mapping[str, Any]) -> None:
    """One item: computed cells grey and locked, the council's cells white and unlocked."""
    for column, spec in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=row, column=column)
        put(cell, values.get(spec.key))
        cell.border = BORDER
        cell.alignment = WRAP_TOP if spec.wrap else TOP
        cell.number_format = _FORMATS.get(spec.key, "@")
        if spec.entry:
            cell.protection = UNLOCKED
        else:
            cell.fill = _LOCKED_FILL
    # Tall enough for the longest wrapped text (neither Excel nor LibreOffice fits heights on open).
    fit_row(ws, row, [(str(values.get(c.key) or ""), c.width) for c in COLUMNS if c.wrap], least=row_height(1))


def _add_validations(ws: Worksheet, rows: int) -> None:
    """The decision drop-down (over ``_lists``) and a real date in the date column."""
    if not rows:
        return
    last = layout.FIRST_DATA_ROW + rows - 1
    decision = DataValidation(
        type="list",
        formula1=f"'{layout.LISTS_SHEET}'!$A$2:$A${len(DECISION_CHOICES) + 1}",
        promptTitle="Quyết định",
        prompt=text(f"Chọn quyết định của Ban chỉ đạo; mục chưa quyết định chọn “{NO_DECISION}”."),
        error=text("Hãy chọn một quyết định trong danh sách."),
    )
    date = DataValidation(
        type="date",
        operator="between",
        formula1=str(int(to_excel(DATE_MIN))),
        formula2=str(int(to_excel(DATE_MAX))),
        promptTitle="Ngày quyết định",
        prompt=text("Ngày ký quyết định, dạng ngày/tháng/năm (dd/mm/yyyy)."),
        error=text("Hãy nhập một ngày có thật theo dạng ngày/tháng/năm (dd/mm/yyyy)."),
    )
    for key, validation in (("decision", decision), ("date", date)):
        validation.allow_blank = validation.showErrorMessage = validation.showInputMessage = True
        validation.errorStyle, validation.errorTitle = "stop", "Giá trị không hợp lệ"
        letter = get_column_letter(_COLUMN[key])
        validation.add(f"{letter}{layout.FIRST_DATA_ROW}:{letter}{last}")
        ws.add_data_validation(validation)


def _finish_sheet(ws: Worksheet) -> None:
    """Widths, the header frozen with the number and code, the print layout, protection without a
    password."""
    set_widths(ws, {column: spec.width for column, spec in enumerate(COLUMNS, start=1)})
    ws.freeze_panes = f"C{layout.FIRST_DATA_ROW}"
    set_print_layout(ws, [spec.width for spec in COLUMNS], header_row=layout.HEADER_ROW, key_columns=_KEY_COLUMNS)
    protect(ws, allow_resizing=True)
