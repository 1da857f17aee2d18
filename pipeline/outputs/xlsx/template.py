"""Template stage: schema (config/template.yaml) + unit + year -> the unit's Excel workbook.

Contract:

* :func:`build_template` is pure: it builds the workbook in memory and touches no file.
* :func:`template_bytes` saves it to bytes deterministically: the same config, unit and year give
  byte-identical output (fixed document properties, fixed zip timestamps; see :mod:`.ooxml`).
* :func:`write_templates` writes one workbook per unit to
  ``<outbox>/<year>/mau-bieu/<UNIT_CODE>.xlsx`` atomically and returns the paths, sorted.
* Each may carry the unit's live items from the register (:class:`PrefilledItem`, made by
  :func:`prefill_from_register`): on a table sheet with a ``code`` field, one row each from the
  first data row, its code, name, field, status and start year written in, grey and locked; the
  rest of the row, and the rows after it, stay inputs. The sheet grows when they need more rows.

The layout follows :mod:`pipeline.layout`, which the reader shares: the "Hướng dẫn" sheet first,
then one sheet per schema sheet (heading, help line, header row, data rows), then the hidden
``_lists`` sheet (one column per choice list, referenced by the list validations) and the hidden
``_meta`` sheet (the workbook's identity: kind, template version, unit code, year). Header and
label texts are exactly the schema labels so the reader can match them back. Every sheet is
protected without a password; only the input cells are unlocked. All text is NFC.
"""

from __future__ import annotations

import io
import math
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ...config import DATE_MAX, DATE_MIN, Config, Field, Sheet, Unit
from ...core import layout, lifecycle, vnformat
from ...core.ooxml import atomic_write, deterministic_zip
from ...register import ItemEntry
from .workbook import (
    BOLD,
    BORDER,
    HEADER_ALIGN,
    HEADER_FILL,
    HEADING_FONT,
    HIGHLIGHT_FILL,
    ITALIC,
    UNLOCKED,
    WRAP_TOP,
    make_active,
    protect,
    set_properties,
    set_widths,
    start_of_year,
    write_lists,
    write_meta,
)

TEMPLATES_FOLDER = "mau-bieu"
BOOLEAN_CHOICES = ("Có", "Không")

_PREFILL_FILL = PatternFill("solid", fgColor="D9D9D9")

_FORM_HELP = "Điền vào cột “Thông tin”. Các ô màu xám do phường ghi sẵn, không sửa."
_TABLE_HELP = (
    "Mỗi dòng một mục, bắt đầu từ dòng {first}. Cột có tiêu đề màu cam là bắt buộc. "
    "Đưa chuột vào tiêu đề cột để xem hướng dẫn."
)
_PREFILLED_ROWS_HELP = (
    " Dòng {rows}: mục đang thực hiện từ năm trước, các ô màu xám do phường ghi sẵn, không sửa; "
    "hãy điền các cột còn lại. Mục mới ghi từ dòng {next}."
)
_PREFILL_NOTE = "Phường ghi sẵn, không sửa."
_REQUIRED_NOTE = "Bắt buộc"
_ERROR_TITLE = "Giá trị không hợp lệ"
# Excel refuses (or "repairs") validation titles over 32 characters and messages over 255.
_TITLE_LIMIT = 32
_MESSAGE_LIMIT = 255


# --------------------------------------------------------------------------- cell formats


@dataclass(frozen=True, eq=False)
class _Look:
    """A cell's whole format; what is None keeps openpyxl's default (locked, General, no border).

    Looks compare by identity: each is made once (the constants below, :func:`_input_look` and
    :func:`_prefilled_look`), so that :class:`_Styles` can key them without hashing openpyxl
    style objects, which is slow.
    """

    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    protection: Protection | None = None
    number_format: str | None = None


class _Styles:
    """The looks of one workbook, each registered with openpyxl once and then copied.

    Every ``cell.font = ...`` and the like hashes the style object to find it in the workbook's
    style lists; setting 4-6 of them on each of the ~1,300 cells of a template was most of the
    build time. The first cell of a look gets the ordinary assignments (so the workbook's style
    lists fill in exactly the same order as with plain assignments, and the saved file is the
    same), later cells a copy of its resulting style array, which is what openpyxl itself does
    when it copies a cell's style.
    """

    def __init__(self) -> None:
        self._arrays: dict[_Look, StyleArray] = {}

    def apply(self, cell: Cell, look: _Look) -> Cell:
        """Give ``cell`` exactly ``look``, replacing whatever format it had."""
        array = self._arrays.get(look)
        if array is None:
            cell._style = StyleArray()
            for name in _LOOK_ATTRIBUTES:
                value = getattr(look, name)
                if value is not None:
                    setattr(cell, name, value)
            array = self._arrays[look] = copy(cell._style)
        else:
            cell._style = copy(array)
        return cell


_LOOK_ATTRIBUTES = tuple(f.name for f in fields(_Look))

_TITLE = _Look(font=HEADING_FONT, alignment=WRAP_TOP)
_PARAGRAPH = _Look(alignment=WRAP_TOP)
_HEADING = _Look(font=HEADING_FONT, alignment=Alignment(horizontal="center", vertical="center"))
_HELP = _Look(font=ITALIC)
_HEADER = _Look(font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=HEADER_ALIGN)
_REQUIRED_HEADER = replace(_HEADER, fill=HIGHLIGHT_FILL)
_FORM_LABEL = _Look(font=Font(bold=False), border=BORDER, alignment=WRAP_TOP)
_REQUIRED_FORM_LABEL = replace(_FORM_LABEL, font=BOLD)
_FORM_NOTE = _Look(border=BORDER, alignment=WRAP_TOP)


@cache
def _input_look(number_format: str) -> _Look:
    """An input cell: unlocked, bordered, wrapped, shown in ``number_format``."""
    return _Look(border=BORDER, alignment=WRAP_TOP, protection=UNLOCKED, number_format=number_format)


@cache
def _prefilled_look(number_format: str) -> _Look:
    """A value the ward writes in: like an input cell but grey and locked."""
    return _Look(fill=_PREFILL_FILL, border=BORDER, alignment=WRAP_TOP, number_format=number_format)


# --------------------------------------------------------------------------- prefilled items

# The kinds of register item carried into the next year's template.
PREFILLED_KINDS = ("models",)
# The choice list whose second value ("Tiếp tục thực hiện") a carried-over item is in.
CONTINUING_LIST = "model_status"
# Empty rows kept under the prefilled ones for new items, growing the sheet if need be.
SPARE_ROWS = 5


@dataclass(frozen=True)
class PrefilledItem:
    """A register item carried into the unit's next template: one locked row of its sheet."""

    code: str
    kind: str
    name: str
    field: str
    start_year: int


def prefill_from_register(
    items: Sequence[ItemEntry], fields_of: Mapping[str, tuple[str, int]]
) -> dict[str, list[PrefilledItem]]:
    """Unit code -> its live models, by code; field and start year from ``fields_of`` (code -> both).

    An item missing from ``fields_of`` gets no field (the unit picks it) and its first year."""
    grouped: dict[str, list[PrefilledItem]] = {}
    for item in sorted(items, key=lambda i: i.code):
        if item.kind not in PREFILLED_KINDS or item.state in lifecycle.FINAL_STATES:
            continue
        field, start_year = fields_of.get(item.code, ("", item.first_year))
        grouped.setdefault(item.unit, []).append(PrefilledItem(item.code, item.kind, item.name, field, start_year))
    return dict(sorted(grouped.items()))


def _prefilled_rows(config: Config, sheet: Sheet, prefill: Sequence[PrefilledItem]) -> list[dict[str, Any]]:
    """The ward's values of each of ``sheet``'s prefilled rows, by field key; none without a code column."""
    keys = {f.key for f in sheet.fields}
    if "code" not in keys:
        return []
    rows = [_prefilled_values(config, sheet, item) for item in prefill if item.kind == sheet.key]
    return [{key: value for key, value in row.items() if key in keys} for row in rows]


def _prefilled_values(config: Config, sheet: Sheet, item: PrefilledItem) -> dict[str, Any]:
    """The cells the ward writes in (the sheet keeps those it has); a field that is not one of the
    choices is left blank, as an input, for the unit to pick."""
    choices = next((f.choices for f in sheet.fields if f.key == "field"), ())
    has_status = any(f.key == "status" for f in sheet.fields)
    return {
        "code": item.code,
        "name": item.name,
        "field": item.field if item.field in choices else None,
        "status": config.template.lists[CONTINUING_LIST][1] if has_status else None,
        "start_year": item.start_year,
    }


# --------------------------------------------------------------------------- public


def build_template(config: Config, unit: Unit, year: int, prefill: Sequence[PrefilledItem] = ()) -> Workbook:
    """The unit's workbook for ``year``, built in memory, with ``prefill``'s rows written in."""
    wb = Workbook()
    styles = _Styles()
    set_properties(wb, _nfc(config.organization.collecting_board), _title(config, year), start_of_year(year))
    _write_instructions(wb.active, styles, config, unit, year)
    ranges = _list_ranges(config.template.lists)
    for sheet in config.template.sheets:
        ws = wb.create_sheet(_nfc(sheet.title))
        if sheet.kind == "form":
            _write_form(ws, styles, sheet, unit, year, ranges)
        else:
            _write_table(ws, styles, sheet, year, ranges, _prefilled_rows(config, sheet, prefill))
    write_lists(wb.create_sheet(layout.LISTS_SHEET), config.template.lists, _nfc)
    write_meta(wb.create_sheet(layout.META_SHEET), config, layout.META_KIND_UNIT_TEMPLATE, unit.code, year, _nfc)
    make_active(wb, 0)
    return wb


def template_bytes(config: Config, unit: Unit, year: int, prefill: Sequence[PrefilledItem] = ()) -> bytes:
    """The unit's workbook as .xlsx bytes, identical for identical inputs."""
    buffer = io.BytesIO()
    # Stored, not deflated: deterministic_zip compresses every entry anyway.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        _InMemoryWriter(build_template(config, unit, year, prefill), archive).write_data()
    return deterministic_zip(buffer.getvalue(), start_of_year(year))


def write_templates(
    config: Config, year: int, outbox: Path, prefill: Mapping[str, Sequence[PrefilledItem]] | None = None
) -> list[Path]:
    """Write every unit's workbook to ``<outbox>/<year>/mau-bieu/<UNIT_CODE>.xlsx``.

    ``prefill`` maps a unit code to the items its template carries; units not active in ``year``
    get no template, so their items are not written anywhere."""
    folder = outbox / str(year) / TEMPLATES_FOLDER
    paths = []
    for unit in config.units.active_on(config.year(year).units_deadline):
        path = folder / f"{unit.code}.xlsx"
        atomic_write(path, template_bytes(config, unit, year, (prefill or {}).get(unit.code, ())))
        paths.append(path)
    return sorted(paths)


# --------------------------------------------------------------------------- workbook


def _title(config: Config, year: int) -> str:
    """The template's title for ``year`` (the document's and the instructions sheet's)."""
    return _nfc(f"{config.template.title} năm {year}")


class _InMemoryWriter(ExcelWriter):  # type: ignore[misc]  # openpyxl is untyped
    """openpyxl's writer (what ``Workbook.save`` runs), but each sheet's XML is built in memory.

    openpyxl writes every sheet's XML to a named temporary file, copies it into the zip and
    deletes it; on a slow disk those eight files cost as much as the rest of the save. The XML
    written is the same (tests/test_template.py compares the result with ``Workbook.save``).
    The overridden method mirrors openpyxl 3.1's ``ExcelWriter.write_worksheet``.
    """

    def write_worksheet(self, ws: Worksheet) -> None:
        if self.workbook.write_only:
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- instructions


def _write_instructions(ws: Worksheet, styles: _Styles, config: Config, unit: Unit, year: int) -> None:
    """The "Hướng dẫn" sheet: the title and the schema's instruction lines, filled in."""
    ws.title = layout.INSTRUCTIONS_SHEET
    ws.column_dimensions["A"].width = 110
    styles.apply(ws.cell(row=1, column=1, value=_title(config, year)), _TITLE)
    values = _instruction_values(config, unit, year)
    for offset, line in enumerate(config.template.instructions):
        styles.apply(ws.cell(row=3 + offset, column=1, value=_nfc(line.format(**values))), _PARAGRAPH)
    protect(ws, allow_resizing=False)


def _instruction_values(config: Config, unit: Unit, year: int) -> dict[str, str]:
    """The placeholders of the instruction lines."""
    return {
        "unit_name": unit.name,
        "unit_code": unit.code,
        "year": str(year),
        "deadline": vnformat.short_date(config.year(year).units_deadline),
        "board": config.organization.collecting_board,
        "ward": config.organization.ward_name,
    }


# --------------------------------------------------------------------------- form sheets


def _write_form(ws: Worksheet, styles: _Styles, sheet: Sheet, unit: Unit, year: int, ranges: Mapping[str, str]) -> None:
    """A form sheet: one question a row (label, answer, help)."""
    _write_heading(ws, styles, sheet, year, columns=len(layout.FORM_HEADERS))
    _write_help(ws, styles, _FORM_HELP)
    for column, title in enumerate(layout.FORM_HEADERS, start=1):
        _header_cell(ws, styles, column, title, _HEADER)
    for row, field in enumerate(sheet.fields, start=layout.FIRST_DATA_ROW):
        _write_form_row(ws, styles, row, field, unit)
        validation = _validation(field, ranges)
        if validation is not None:
            validation.add(ws.cell(row=row, column=layout.FORM_VALUE_COLUMN).coordinate)
            ws.add_data_validation(validation)
    widths = {layout.FORM_LABEL_COLUMN: 45, layout.FORM_HELP_COLUMN: 40}
    widths[layout.FORM_VALUE_COLUMN] = max([40, *(f.width for f in sheet.fields)])
    set_widths(ws, widths)
    protect(ws, allow_resizing=True)


def _write_form_row(ws: Worksheet, styles: _Styles, row: int, field: Field, unit: Unit) -> None:
    """Label, value cell and note of one form field."""
    label = ws.cell(row=row, column=layout.FORM_LABEL_COLUMN, value=_nfc(field.label))
    styles.apply(label, _REQUIRED_FORM_LABEL if field.required else _FORM_LABEL)
    note = ws.cell(row=row, column=layout.FORM_HELP_COLUMN, value=_nfc(_form_note(field)))
    styles.apply(note, _FORM_NOTE)
    value = ws.cell(row=row, column=layout.FORM_VALUE_COLUMN)
    if field.prefill:
        value.value = _nfc(_prefill(field, unit))
        styles.apply(value, _prefilled_look(_number_format(field)))
    else:
        styles.apply(value, _input_look(_number_format(field)))
    if (field.max_length or 0) >= 1000:
        ws.row_dimensions[row].height = 75


def _form_note(field: Field) -> str:
    """Column C of a form row: required mark and help (or what the cell accepts)."""
    if field.prefill:
        return _PREFILL_NOTE
    parts = [_REQUIRED_NOTE] if field.required else []
    hint = field.help or _describe(field)
    if hint:
        parts.append(hint)
    return ". ".join(parts)


def _prefill(field: Field, unit: Unit) -> str:
    """The value the ward writes into a prefilled cell."""
    return unit.code if field.prefill == "unit.code" else unit.name


# --------------------------------------------------------------------------- table sheets


def _write_table(
    ws: Worksheet,
    styles: _Styles,
    sheet: Sheet,
    year: int,
    ranges: Mapping[str, str],
    prefilled: Sequence[Mapping[str, Any]] = (),
) -> None:
    """A table sheet: one item a row under a header row of the schema's labels, prefilled rows first."""
    _write_heading(ws, styles, sheet, year, columns=len(sheet.fields))
    _write_help(ws, styles, _table_help(len(prefilled)))
    last_row = layout.FIRST_DATA_ROW + _row_count(sheet, len(prefilled)) - 1
    for column, field in enumerate(sheet.fields, start=1):
        _write_table_column(ws, styles, column, field, last_row)
        validation = _validation(field, ranges)
        if validation is not None:
            letter = get_column_letter(column)
            validation.add(f"{letter}{layout.FIRST_DATA_ROW}:{letter}{last_row}")
            ws.add_data_validation(validation)
    _write_prefilled(ws, styles, sheet, prefilled)
    ws.row_dimensions[layout.HEADER_ROW].height = _header_height(sheet.fields)
    ws.freeze_panes = f"A{layout.FIRST_DATA_ROW}"
    protect(ws, allow_resizing=True)


def _write_table_column(ws: Worksheet, styles: _Styles, column: int, field: Field, last_row: int) -> None:
    """Header cell (with its help as a comment) and the prepared data cells of one column."""
    header = _header_cell(ws, styles, column, field.label, _REQUIRED_HEADER if field.required else _HEADER)
    comment = _header_comment(field)
    if comment:
        header.comment = Comment(_nfc(comment), "Hướng dẫn", width=260, height=110)
    ws.column_dimensions[get_column_letter(column)].width = field.width
    look = _input_look(_number_format(field))
    for row in range(layout.FIRST_DATA_ROW, last_row + 1):
        styles.apply(ws.cell(row=row, column=column), look)


def _row_count(sheet: Sheet, prefilled: int) -> int:
    """The prepared data rows: the schema's, or enough for the prefilled ones and SPARE_ROWS new ones."""
    return max(sheet.rows, prefilled + SPARE_ROWS) if prefilled else sheet.rows


def _table_help(prefilled: int) -> str:
    """The help line of a table sheet, telling the prefilled rows from the free ones."""
    text = _TABLE_HELP.format(first=layout.FIRST_DATA_ROW)
    if not prefilled:
        return text
    first, last = layout.FIRST_DATA_ROW, layout.FIRST_DATA_ROW + prefilled - 1
    rows = str(first) if first == last else f"{first}–{last}"
    return text + _PREFILLED_ROWS_HELP.format(rows=rows, next=last + 1)


def _write_prefilled(ws: Worksheet, styles: _Styles, sheet: Sheet, rows: Sequence[Mapping[str, Any]]) -> None:
    """The ward's values of the prefilled rows, grey and locked; blank ones stay input cells."""
    for column, field in enumerate(sheet.fields, start=1):
        look = _prefilled_look(_number_format(field))
        for row, values in enumerate(rows, start=layout.FIRST_DATA_ROW):
            value = values.get(field.key)
            if value is not None:
                cell = ws.cell(row=row, column=column, value=_nfc(value) if isinstance(value, str) else value)
                styles.apply(cell, look)


def _header_comment(field: Field) -> str:
    """The help shown when the mouse rests on a header: the field's help and its required mark."""
    lines = [field.help] if field.help else []
    if field.required:
        lines.append(f"{_REQUIRED_NOTE}.")
    return "\n".join(lines)


def _header_height(fields: tuple[Field, ...]) -> float:
    """A header row tall enough for the longest wrapped label (about 15 points a line)."""
    lines = max(math.ceil(len(f.label) / max(f.width - 2, 4)) for f in fields)
    return max(30.0, 15.0 * lines + 6)


# --------------------------------------------------------------------------- shared cells


def _write_heading(ws: Worksheet, styles: _Styles, sheet: Sheet, year: int, columns: int) -> None:
    """The sheet's heading, merged across its columns."""
    cell = ws.cell(row=layout.HEADING_ROW, column=1, value=_nfc(sheet.heading.format(year=year)))
    styles.apply(cell, _HEADING)
    if columns > 1:
        ws.merge_cells(start_row=layout.HEADING_ROW, start_column=1, end_row=layout.HEADING_ROW, end_column=columns)
    ws.row_dimensions[layout.HEADING_ROW].height = 24


def _write_help(ws: Worksheet, styles: _Styles, text: str) -> None:
    """The short help line under the heading."""
    styles.apply(ws.cell(row=layout.HELP_ROW, column=1, value=_nfc(text)), _HELP)


def _header_cell(ws: Worksheet, styles: _Styles, column: int, text: str, look: _Look) -> Cell:
    """One cell of the header row: the exact label, bold, filled, bordered, wrapped."""
    return styles.apply(ws.cell(row=layout.HEADER_ROW, column=column, value=_nfc(text)), look)


def _number_format(field: Field) -> str:
    """How a value cell displays; text cells are text so that "0912..." keeps its zero."""
    if field.type == "integer":
        return "0" if field.is_year else "#,##0"
    # "#,##0.##" would show a whole score 5 as "5."; General shows 5 and 12.5 as typed.
    return {"number": "General", "date": "dd/mm/yyyy"}.get(field.type, "@")


# --------------------------------------------------------------------------- hidden sheets


def _list_ranges(lists: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Each choice list's absolute range on the ``_lists`` sheet, as a validation formula."""
    ranges = {}
    for column, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(column)
        ranges[key] = f"'{layout.LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


# --------------------------------------------------------------------------- validations


@dataclass(frozen=True)
class _Rule:
    """What Excel checks in a cell: an openpyxl validation type, operator and formulas."""

    type: str
    formula1: str
    formula2: str | None = None
    operator: str | None = None
    prompt_title: str = ""
    error: str = ""


def _validation(field: Field, ranges: Mapping[str, str]) -> DataValidation | None:
    """The data validation of a field's input cells (cells still to be added), if any."""
    rule = _RULES[field.type](field, ranges)
    if rule is None:
        return None
    prompt = field.help or _describe(field)
    return DataValidation(
        type=rule.type,
        operator=rule.operator,
        formula1=rule.formula1,
        formula2=rule.formula2,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=bool(prompt),
        errorStyle="stop",
        errorTitle=_ERROR_TITLE,
        error=_nfc(rule.error[:_MESSAGE_LIMIT]),
        promptTitle=_nfc(rule.prompt_title[:_TITLE_LIMIT]),
        prompt=_nfc(prompt[:_MESSAGE_LIMIT]),
    )


def _choice_rule(field: Field, ranges: Mapping[str, str]) -> _Rule:
    """A drop-down over the field's list on ``_lists`` (labels may contain commas)."""
    return _Rule(
        "list",
        ranges[field.choice_list],
        prompt_title="Chọn từ danh sách",
        error="Hãy chọn một giá trị trong danh sách.",
    )


def _boolean_rule(field: Field, ranges: Mapping[str, str]) -> _Rule:
    """A Có/Không drop-down; an inline list is safe here since neither word has a comma."""
    return _Rule(
        "list",
        '"' + ",".join(BOOLEAN_CHOICES) + '"',
        prompt_title="Chọn Có hoặc Không",
        error="Hãy chọn Có hoặc Không.",
    )


def _integer_rule(field: Field, ranges: Mapping[str, str]) -> _Rule:
    """A whole number within the field's bounds."""
    return _bounded_rule(field, "whole", "Nhập số nguyên")


def _number_rule(field: Field, ranges: Mapping[str, str]) -> _Rule:
    """A number within the field's bounds."""
    return _bounded_rule(field, "decimal", "Nhập số")


def _bounded_rule(field: Field, kind: str, title: str) -> _Rule:
    """Between, at least or at most, whichever bounds the field has; any number if none."""
    low, high = field.min, field.max
    if low is not None and high is not None:
        operator, first, second = "between", _formula_number(low), _formula_number(high)
    elif low is not None:
        operator, first, second = "greaterThanOrEqual", _formula_number(low), None
    elif high is not None:
        operator, first, second = "lessThanOrEqual", _formula_number(high), None
    else:
        # No bounds: the rule only refuses text, so take the widest range Excel stores exactly.
        operator, first, second = "between", "-999999999999999", "999999999999999"
    error = f"{_describe(field)}. Chỉ ghi chữ số, không ghi chữ."
    return _Rule(kind, first, second, operator, title, error)


def _date_rule(field: Field, ranges: Mapping[str, str]) -> _Rule:
    """A real date (not text that looks like one) in a sensible range."""
    return _Rule(
        "date",
        _formula_number(to_excel(DATE_MIN)),
        _formula_number(to_excel(DATE_MAX)),
        "between",
        "Nhập ngày",
        "Hãy nhập một ngày có thật theo dạng ngày/tháng/năm (dd/mm/yyyy).",
    )


def _text_rule(field: Field, ranges: Mapping[str, str]) -> _Rule | None:
    """A length limit when the field has one; free text otherwise."""
    if field.max_length is None:
        return None
    return _Rule(
        "textLength",
        str(field.max_length),
        operator="lessThanOrEqual",
        prompt_title="Nhập nội dung",
        error=f"Nội dung dài quá {field.max_length} ký tự. Hãy viết ngắn gọn lại.",
    )


_RULES: dict[str, Callable[[Field, Mapping[str, str]], _Rule | None]] = {
    "choice": _choice_rule,
    "boolean": _boolean_rule,
    "integer": _integer_rule,
    "number": _number_rule,
    "date": _date_rule,
    "text": _text_rule,
}


def _describe(field: Field) -> str:
    """What a cell of this field accepts, in a few Vietnamese words."""
    if field.type == "choice":
        return "Chọn một giá trị trong danh sách: " + "; ".join(field.choices)
    if field.type == "boolean":
        return "Chọn Có hoặc Không"
    if field.type == "date":
        return "Ngày theo dạng ngày/tháng/năm (dd/mm/yyyy)"
    if field.type in ("integer", "number"):
        return _describe_number(field)
    return f"Tối đa {field.max_length} ký tự" if field.max_length else ""


def _describe_number(field: Field) -> str:
    """ "Số nguyên từ 0 đến 10.000" and the like."""
    noun = "Số nguyên" if field.type == "integer" else "Số"
    low, high = (None if v is None else _shown(v, field) for v in (field.min, field.max))
    if low is not None and high is not None:
        return f"{noun} từ {low} đến {high}"
    if low is not None:
        return f"{noun} không nhỏ hơn {low}"
    if high is not None:
        return f"{noun} không lớn hơn {high}"
    return noun


def _shown(value: float, field: Field) -> str:
    """A bound as the user reads it: 10.000 or 12,5, but a year as 2026."""
    return str(int(value)) if field.is_year else vnformat.number(value, decimals=2)


def _formula_number(value: float) -> str:
    """A bound as a validation formula: no exponent, no trailing ".0"."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
