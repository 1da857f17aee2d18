"""The table sheets of a unit's template: one item a row, with their validations.

Contract: :func:`write_table` lays a table sheet out as the reader (:mod:`pipeline.core.layout`)
expects it: heading, help line, a header row of the schema's labels (orange when required, each
with its help as a comment), then prepared input rows from the first data row, each column in its
field's display and with its field's validation. The prefilled rows (:func:`.prefill.prefilled_rows`)
come first, the ward's values grey and locked, their blank cells still inputs, and at least
:data:`SPARE_ROWS` empty rows follow them, beyond the schema's rows if need be. The header row and
the prefilled rows are tall enough for their wrapped text. The header row is frozen and repeated
on every printed page, the sheet fitted to the page width (:mod:`..printing`, the item's code and
name repeated on each page across when it is split); it is protected without a password;
columns and rows may be resized.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ....config import Field, Sheet
from ....core import layout
from ..printing import fit_row, set_print_layout
from ..workbook import protect
from .looks import HEADER, REQUIRED_HEADER, Styles, header_cell, input_look, nfc, prefilled_look, write_heading
from .validation import REQUIRED_NOTE, validation_of

# Empty rows kept under the prefilled ones for new items, growing the sheet if need be.
SPARE_ROWS = 5
_TABLE_HELP = (
    "Mỗi dòng một mục, bắt đầu từ dòng {first}. Cột có tiêu đề màu cam là bắt buộc. "
    "Đưa chuột vào tiêu đề cột để xem hướng dẫn."
)
_PREFILLED_ROWS_HELP = (
    " Dòng {rows}: mục đang thực hiện từ năm trước, các ô màu xám do phường ghi sẵn, không sửa; "
    "hãy điền các cột còn lại. Mục mới ghi từ dòng {next}."
)
# The header row is at least two lines tall.
_HEADER_HEIGHT = 30.0
# Printed across several pages, each page repeats the columns up to the item's name, if it is
# among the first ones (a model's code and name).
_KEY_FIELD, _MAX_KEY_COLUMNS = "name", 3


def write_table(
    ws: Worksheet,
    styles: Styles,
    sheet: Sheet,
    year: int,
    ranges: Mapping[str, str],
    prefilled: Sequence[Mapping[str, Any]] = (),
) -> None:
    """A table sheet: one item a row under a header row of the schema's labels, prefilled rows first."""
    write_heading(ws, styles, sheet, year, len(sheet.fields), _table_help(len(prefilled)))
    last_row = layout.FIRST_DATA_ROW + _row_count(sheet, len(prefilled)) - 1
    for column, field in enumerate(sheet.fields, start=1):
        _write_table_column(ws, styles, column, field, last_row)
        validation = validation_of(field, ranges)
        if validation is not None:
            letter = get_column_letter(column)
            validation.add(f"{letter}{layout.FIRST_DATA_ROW}:{letter}{last_row}")
            ws.add_data_validation(validation)
    _write_prefilled(ws, styles, sheet, prefilled)
    fit_row(ws, layout.HEADER_ROW, [(f.label, f.width) for f in sheet.fields], bold=True, least=_HEADER_HEIGHT)
    ws.freeze_panes = f"A{layout.FIRST_DATA_ROW}"
    widths = [f.width for f in sheet.fields]
    set_print_layout(ws, widths, header_row=layout.HEADER_ROW, key_columns=key_columns(sheet))
    protect(ws, allow_resizing=True)


def _write_table_column(ws: Worksheet, styles: Styles, column: int, field: Field, last_row: int) -> None:
    """Header cell (with its help as a comment) and the prepared data cells of one column."""
    header = header_cell(ws, styles, column, field.label, REQUIRED_HEADER if field.required else HEADER)
    comment = _header_comment(field)
    if comment:
        header.comment = Comment(nfc(comment), "Hướng dẫn", width=260, height=110)
    ws.column_dimensions[get_column_letter(column)].width = field.width
    look = input_look(field)
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


def _write_prefilled(ws: Worksheet, styles: Styles, sheet: Sheet, rows: Sequence[Mapping[str, Any]]) -> None:
    """The ward's values of the prefilled rows, grey and locked; blank ones stay input cells."""
    for column, field in enumerate(sheet.fields, start=1):
        look = prefilled_look(field)
        for row, values in enumerate(rows, start=layout.FIRST_DATA_ROW):
            value = values.get(field.key)
            if value is not None:
                cell = ws.cell(row=row, column=column, value=nfc(value) if isinstance(value, str) else value)
                styles.apply(cell, look)
    for row, values in enumerate(rows, start=layout.FIRST_DATA_ROW):
        texts = [(v, f.width) for f in sheet.fields if isinstance(v := values.get(f.key), str)]
        fit_row(ws, row, texts)


def key_columns(sheet: Sheet) -> int:
    """The columns that tell the items apart on every printed page across: up to the name."""
    keys = [f.key for f in sheet.fields[:_MAX_KEY_COLUMNS]]
    return keys.index(_KEY_FIELD) + 1 if _KEY_FIELD in keys else 0


def _header_comment(field: Field) -> str:
    """The help shown when the mouse rests on a header: the field's help and its required mark."""
    lines = [field.help] if field.help else []
    if field.required:
        lines.append(f"{REQUIRED_NOTE}.")
    return "\n".join(lines)
