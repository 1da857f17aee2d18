"""The form sheets of a unit's template: one question a row.

Contract: :func:`write_form` lays a form sheet out as the reader (:mod:`pipeline.core.layout`)
expects it: heading, help line, the header row of :data:`~pipeline.core.layout.FORM_HEADERS`, then
from the first data row one field a row: its label (bold when required), its value cell and a note
(the required mark and the field's help, or what the cell accepts). The value cell carries the
field's validation; it is an input (unlocked) unless the ward prefills it from the unit (its code
or name: grey and locked). Each row is tall enough for its wrapped label and note, and a long
answer gets room to write. The sheet prints one page wide, so a label and its answer share a page
(:mod:`..printing`). It is protected without a password; columns and rows may be resized.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from ....config import Field, Sheet, Unit
from ....core import layout
from ..printing import set_print_layout, set_row_lines, text_lines
from ..workbook import BOLD, BORDER, WRAP_TOP, protect, set_widths
from .looks import HEADER, Look, Styles, header_cell, input_look, nfc, prefilled_look, write_heading
from .validation import REQUIRED_NOTE, describe, validation_of

_FORM_HELP = "Điền vào cột “Thông tin”. Các ô màu xám do phường ghi sẵn, không sửa."
_PREFILL_NOTE = "Phường ghi sẵn, không sửa."
_FORM_LABEL = Look(font=Font(bold=False), border=BORDER, alignment=WRAP_TOP)
_REQUIRED_FORM_LABEL = replace(_FORM_LABEL, font=BOLD)
_FORM_NOTE = Look(border=BORDER, alignment=WRAP_TOP)
_LABEL_WIDTH, _NOTE_WIDTH, _VALUE_WIDTH = 45, 40, 40
# A row for a long answer (a field of 1,000 characters or more): room for five lines of writing.
_LONG_ANSWER_HEIGHT = 75.0


def write_form(ws: Worksheet, styles: Styles, sheet: Sheet, unit: Unit, year: int, ranges: Mapping[str, str]) -> None:
    """A form sheet: one question a row (label, answer, help)."""
    write_heading(ws, styles, sheet, year, len(layout.FORM_HEADERS), _FORM_HELP)
    for column, title in enumerate(layout.FORM_HEADERS, start=1):
        header_cell(ws, styles, column, title, HEADER)
    widths = {layout.FORM_LABEL_COLUMN: _LABEL_WIDTH, layout.FORM_HELP_COLUMN: _NOTE_WIDTH}
    widths[layout.FORM_VALUE_COLUMN] = max([_VALUE_WIDTH, *(f.width for f in sheet.fields)])
    for row, field in enumerate(sheet.fields, start=layout.FIRST_DATA_ROW):
        _write_form_row(ws, styles, row, field, unit, widths)
        validation = validation_of(field, ranges)
        if validation is not None:
            validation.add(ws.cell(row=row, column=layout.FORM_VALUE_COLUMN).coordinate)
            ws.add_data_validation(validation)
    set_widths(ws, widths)
    set_print_layout(ws, [widths[c] for c in sorted(widths)], header_row=layout.HEADER_ROW, one_page_wide=True)
    protect(ws, allow_resizing=True)


def _write_form_row(ws: Worksheet, styles: Styles, row: int, field: Field, unit: Unit, widths: dict[int, int]) -> None:
    """Label, value cell and note of one form field, in a row tall enough for them."""
    label = ws.cell(row=row, column=layout.FORM_LABEL_COLUMN, value=nfc(field.label))
    styles.apply(label, _REQUIRED_FORM_LABEL if field.required else _FORM_LABEL)
    note = ws.cell(row=row, column=layout.FORM_HELP_COLUMN, value=nfc(_form_note(field)))
    styles.apply(note, _FORM_NOTE)
    value = ws.cell(row=row, column=layout.FORM_VALUE_COLUMN)
    if field.prefill:
        value.value = nfc(_prefill(field, unit))
        styles.apply(value, prefilled_look(field))
    else:
        styles.apply(value, input_look(field))
    cells = (label, value, note)
    lines = [text_lines(str(c.value or ""), widths[c.column], bold=c is label and field.required) for c in cells]
    least = _LONG_ANSWER_HEIGHT if (field.max_length or 0) >= 1000 else 0
    set_row_lines(ws, row, max(lines), least)


def _form_note(field: Field) -> str:
    """Column C of a form row: required mark and help (or what the cell accepts)."""
    if field.prefill:
        return _PREFILL_NOTE
    parts = [REQUIRED_NOTE] if field.required else []
    hint = field.help or describe(field)
    if hint:
        parts.append(hint)
    return ". ".join(parts)


def _prefill(field: Field, unit: Unit) -> str:
    """The value the ward writes into a prefilled cell."""
    return unit.code if field.prefill == "unit.code" else unit.name
