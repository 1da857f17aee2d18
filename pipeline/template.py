"""Template stage: schema (config/template.yaml) + unit + year -> the unit's Excel workbook.

Contract:

* :func:`build_template` is pure: it builds the workbook in memory and touches no file.
* :func:`template_bytes` saves it to bytes deterministically: the same config, unit and year give
  byte-identical output (fixed document properties, fixed zip timestamps; see :mod:`.ooxml`).
* :func:`write_templates` writes one workbook per unit to
  ``<outbox>/<year>/mau-bieu/<UNIT_CODE>.xlsx`` atomically and returns the paths, sorted.

The layout follows :mod:`pipeline.layout`, which the reader shares: the "Hướng dẫn" sheet first,
then one sheet per schema sheet (heading, help line, header row, data rows), then the hidden
``_lists`` sheet (one column per choice list, referenced by the list validations) and the hidden
``_meta`` sheet (the workbook's identity: kind, template version, unit code, year). Header and
label texts are exactly the schema labels so the reader can match them back. Every sheet is
protected without a password; only the input cells are unlocked. All text is NFC.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import layout, vnformat
from .config import DATE_MAX, DATE_MIN, Config, Field, Sheet, Unit
from .ooxml import atomic_write, deterministic_zip

TEMPLATES_FOLDER = "mau-bieu"
BOOLEAN_CHOICES = ("Có", "Không")

_BOLD = Font(bold=True)
_HEADING_FONT = Font(bold=True, size=13)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_PREFILL_FILL = PatternFill("solid", fgColor="D9D9D9")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_UNLOCKED = Protection(locked=False)

_FORM_HELP = "Điền vào cột “Thông tin”. Các ô màu xám do phường ghi sẵn, không sửa."
_TABLE_HELP = (
    "Mỗi dòng một mục, bắt đầu từ dòng {first}. Cột có tiêu đề màu cam là bắt buộc. "
    "Đưa chuột vào tiêu đề cột để xem hướng dẫn."
)
_PREFILL_NOTE = "Phường ghi sẵn, không sửa."
_REQUIRED_NOTE = "Bắt buộc"
_ERROR_TITLE = "Giá trị không hợp lệ"
# Excel refuses (or "repairs") validation titles over 32 characters and messages over 255.
_TITLE_LIMIT = 32
_MESSAGE_LIMIT = 255


# --------------------------------------------------------------------------- public


def build_template(config: Config, unit: Unit, year: int) -> Workbook:
    """The unit's workbook for ``year``, built in memory."""
    wb = Workbook()
    _set_properties(wb, config, year)
    _write_instructions(wb.active, config, unit, year)
    ranges = _list_ranges(config.template.lists)
    for sheet in config.template.sheets:
        ws = wb.create_sheet(_nfc(sheet.title))
        if sheet.kind == "form":
            _write_form(ws, sheet, unit, year, ranges)
        else:
            _write_table(ws, sheet, year, ranges)
    _write_lists(wb.create_sheet(layout.LISTS_SHEET), config.template.lists)
    _write_meta(wb.create_sheet(layout.META_SHEET), config, unit, year)
    _select_first(wb)
    return wb


def template_bytes(config: Config, unit: Unit, year: int) -> bytes:
    """The unit's workbook as .xlsx bytes, identical for identical inputs."""
    buffer = io.BytesIO()
    build_template(config, unit, year).save(buffer)
    return deterministic_zip(buffer.getvalue(), _fixed_time(year))


def write_templates(config: Config, year: int, outbox: Path) -> list[Path]:
    """Write every unit's workbook to ``<outbox>/<year>/mau-bieu/<UNIT_CODE>.xlsx``."""
    folder = outbox / str(year) / TEMPLATES_FOLDER
    paths = []
    for unit in config.units.units:
        path = folder / f"{unit.code}.xlsx"
        atomic_write(path, template_bytes(config, unit, year))
        paths.append(path)
    return sorted(paths)


# --------------------------------------------------------------------------- workbook


def _fixed_time(year: int) -> dt.datetime:
    """The creation time stamped into every template of ``year``."""
    return dt.datetime(year, 1, 1)


def _set_properties(wb: Workbook, config: Config, year: int) -> None:
    """Fixed document properties: nothing that depends on the clock or the machine."""
    props = wb.properties
    props.creator = _nfc(config.organization.collecting_board)
    props.lastModifiedBy = props.creator
    props.title = _nfc(f"{config.template.title} năm {year}")
    props.created = props.modified = _fixed_time(year)


def _select_first(wb: Workbook) -> None:
    """The instructions sheet opens first; no other tab is selected with it."""
    wb.active = 0
    for index, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = index == 0


def _protect(ws: Worksheet, allow_resizing: bool = True) -> None:
    """Protect the sheet without a password; units may still widen columns and rows."""
    ws.protection.sheet = True
    if allow_resizing:
        ws.protection.formatColumns = False
        ws.protection.formatRows = False


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- instructions


def _write_instructions(ws: Worksheet, config: Config, unit: Unit, year: int) -> None:
    """The "Hướng dẫn" sheet: the title and the schema's instruction lines, filled in."""
    ws.title = layout.INSTRUCTIONS_SHEET
    ws.column_dimensions["A"].width = 110
    heading = ws.cell(row=1, column=1, value=_nfc(f"{config.template.title} năm {year}"))
    heading.font = _HEADING_FONT
    heading.alignment = _WRAP_TOP
    values = _instruction_values(config, unit, year)
    for offset, line in enumerate(config.template.instructions):
        cell = ws.cell(row=3 + offset, column=1, value=_nfc(line.format(**values)))
        cell.alignment = _WRAP_TOP
    _protect(ws, allow_resizing=False)


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


def _write_form(ws: Worksheet, sheet: Sheet, unit: Unit, year: int, ranges: Mapping[str, str]) -> None:
    """A form sheet: one question a row (label, answer, help)."""
    _write_heading(ws, sheet, year, columns=len(layout.FORM_HEADERS))
    _write_help(ws, _FORM_HELP)
    for column, title in enumerate(layout.FORM_HEADERS, start=1):
        _header_cell(ws, column, title, _HEADER_FILL)
    for row, field in enumerate(sheet.fields, start=layout.FIRST_DATA_ROW):
        _write_form_row(ws, row, field, unit)
        validation = _validation(field, ranges)
        if validation is not None:
            validation.add(ws.cell(row=row, column=layout.FORM_VALUE_COLUMN).coordinate)
            ws.add_data_validation(validation)
    widths = {layout.FORM_LABEL_COLUMN: 45, layout.FORM_HELP_COLUMN: 40}
    widths[layout.FORM_VALUE_COLUMN] = max([40, *(f.width for f in sheet.fields)])
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    _protect(ws)


def _write_form_row(ws: Worksheet, row: int, field: Field, unit: Unit) -> None:
    """Label, value cell and note of one form field."""
    label = ws.cell(row=row, column=layout.FORM_LABEL_COLUMN, value=_nfc(field.label))
    label.font = Font(bold=field.required)
    note = ws.cell(row=row, column=layout.FORM_HELP_COLUMN, value=_nfc(_form_note(field)))
    value = ws.cell(row=row, column=layout.FORM_VALUE_COLUMN)
    for cell in (label, note, value):
        cell.alignment = _WRAP_TOP
        cell.border = _BORDER
    value.number_format = _number_format(field)
    if field.prefill:
        value.value = _nfc(_prefill(field, unit))
        value.fill = _PREFILL_FILL
    else:
        value.protection = _UNLOCKED
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


def _write_table(ws: Worksheet, sheet: Sheet, year: int, ranges: Mapping[str, str]) -> None:
    """A table sheet: one item a row under a header row of the schema's labels."""
    _write_heading(ws, sheet, year, columns=len(sheet.fields))
    _write_help(ws, _TABLE_HELP.format(first=layout.FIRST_DATA_ROW))
    last_row = layout.FIRST_DATA_ROW + sheet.rows - 1
    for column, field in enumerate(sheet.fields, start=1):
        _write_table_column(ws, column, field, last_row)
        validation = _validation(field, ranges)
        if validation is not None:
            letter = get_column_letter(column)
            validation.add(f"{letter}{layout.FIRST_DATA_ROW}:{letter}{last_row}")
            ws.add_data_validation(validation)
    ws.row_dimensions[layout.HEADER_ROW].height = _header_height(sheet.fields)
    ws.freeze_panes = f"A{layout.FIRST_DATA_ROW}"
    _protect(ws)


def _write_table_column(ws: Worksheet, column: int, field: Field, last_row: int) -> None:
    """Header cell (with its help as a comment) and the prepared data cells of one column."""
    fill = _REQUIRED_FILL if field.required else _HEADER_FILL
    header = _header_cell(ws, column, field.label, fill)
    comment = _header_comment(field)
    if comment:
        header.comment = Comment(_nfc(comment), "Hướng dẫn", width=260, height=110)
    ws.column_dimensions[get_column_letter(column)].width = field.width
    number_format = _number_format(field)
    for row in range(layout.FIRST_DATA_ROW, last_row + 1):
        cell = ws.cell(row=row, column=column)
        cell.protection = _UNLOCKED
        cell.border = _BORDER
        cell.alignment = _WRAP_TOP
        cell.number_format = number_format


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


def _write_heading(ws: Worksheet, sheet: Sheet, year: int, columns: int) -> None:
    """The sheet's heading, merged across its columns."""
    cell = ws.cell(row=layout.HEADING_ROW, column=1, value=_nfc(sheet.heading.format(year=year)))
    cell.font = _HEADING_FONT
    cell.alignment = Alignment(horizontal="center", vertical="center")
    if columns > 1:
        ws.merge_cells(start_row=layout.HEADING_ROW, start_column=1, end_row=layout.HEADING_ROW, end_column=columns)
    ws.row_dimensions[layout.HEADING_ROW].height = 24


def _write_help(ws: Worksheet, text: str) -> None:
    """The short help line under the heading."""
    ws.cell(row=layout.HELP_ROW, column=1, value=_nfc(text)).font = Font(italic=True)


def _header_cell(ws: Worksheet, column: int, text: str, fill: PatternFill) -> Cell:
    """One cell of the header row: the exact label, bold, filled, bordered, wrapped."""
    cell = ws.cell(row=layout.HEADER_ROW, column=column, value=_nfc(text))
    cell.font = _BOLD
    cell.fill = fill
    cell.border = _BORDER
    cell.alignment = _HEADER_ALIGN
    return cell


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


def _write_lists(ws: Worksheet, lists: Mapping[str, tuple[str, ...]]) -> None:
    """The hidden ``_lists`` sheet: list key in row 1, its values below."""
    for column, (key, values) in enumerate(lists.items(), start=1):
        ws.cell(row=1, column=column, value=_nfc(key))
        for row, value in enumerate(values, start=2):
            ws.cell(row=row, column=column, value=_nfc(value))
        ws.column_dimensions[get_column_letter(column)].width = max(len(v) for v in values) + 2
    ws.sheet_state = "hidden"
    _protect(ws, allow_resizing=False)


def _write_meta(ws: Worksheet, config: Config, unit: Unit, year: int) -> None:
    """The hidden ``_meta`` sheet: the workbook's identity, all values as text."""
    values = {
        "kind": layout.META_KIND_UNIT_TEMPLATE,
        "template_version": config.template.version,
        "unit_code": unit.code,
        "year": str(year),
    }
    for row, key in enumerate(layout.META_KEYS, start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=_nfc(values[key])).number_format = "@"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 24
    ws.sheet_state = "hidden"
    _protect(ws, allow_resizing=False)


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
