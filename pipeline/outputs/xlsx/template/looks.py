"""The cell formats of a unit's template, and the cells every schema sheet opens with.

Contract:

* A :class:`Look` is a cell's whole format; :class:`Styles` gives cells their look, registering
  each look with openpyxl once and copying it after, which writes the same file as plain
  assignments would.
* :func:`write_heading` and :func:`header_cell` write the heading (merged across the sheet's
  columns) with the help line under it, and a header cell, of a form or table sheet, at the rows
  :mod:`pipeline.core.layout` gives them, which the reader shares.
* :func:`input_look` and :func:`prefilled_look` are the looks of a field's cells the unit fills
  and of those the ward fills in, shown in the field's :func:`number_format`.
* :func:`nfc` is the template's rule for text: NFC, nothing removed (unlike
  :func:`..workbook.text`, which also drops the control characters an .xlsx cannot hold).
"""

from __future__ import annotations

import unicodedata
from copy import copy
from dataclasses import dataclass, fields, replace
from functools import cache

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

from ....config import Field, Sheet
from ....core import layout
from ..workbook import (
    BOLD,
    BORDER,
    HEADER_ALIGN,
    HEADER_FILL,
    HEADING_FONT,
    HIGHLIGHT_FILL,
    ITALIC,
    UNLOCKED,
    WRAP_TOP,
)

_PREFILL_FILL = PatternFill("solid", fgColor="D9D9D9")


@dataclass(frozen=True, eq=False)
class Look:
    """A cell's whole format; what is None keeps openpyxl's default (locked, General, no border).

    Looks compare by identity: each is made once (the constants below, :func:`input_look` and
    :func:`prefilled_look`), so that :class:`Styles` can key them without hashing openpyxl
    style objects, which is slow.
    """

    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    protection: Protection | None = None
    number_format: str | None = None


class Styles:
    """The looks of one workbook, each registered with openpyxl once and then copied.

    Every ``cell.font = ...`` and the like hashes the style object to find it in the workbook's
    style lists; setting 4-6 of them on each of the ~1,300 cells of a template was most of the
    build time. The first cell of a look gets the ordinary assignments (so the workbook's style
    lists fill in exactly the same order as with plain assignments, and the saved file is the
    same), later cells a copy of its resulting style array, which is what openpyxl itself does
    when it copies a cell's style.
    """

    def __init__(self) -> None:
        self._arrays: dict[Look, StyleArray] = {}

    def apply(self, cell: Cell, look: Look) -> Cell:
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


_LOOK_ATTRIBUTES = tuple(f.name for f in fields(Look))

TITLE = Look(font=HEADING_FONT, alignment=WRAP_TOP)
PARAGRAPH = Look(alignment=WRAP_TOP)
HEADER = Look(font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=HEADER_ALIGN)
REQUIRED_HEADER = replace(HEADER, fill=HIGHLIGHT_FILL)
_HEADING = Look(font=HEADING_FONT, alignment=Alignment(horizontal="center", vertical="center"))
_HELP = Look(font=ITALIC)


def input_look(field: Field) -> Look:
    """An input cell of ``field``: unlocked, bordered, wrapped, shown in its number format."""
    return _input_look(number_format(field))


def prefilled_look(field: Field) -> Look:
    """A value of ``field`` the ward writes in: like an input cell but grey and locked."""
    return _prefilled_look(number_format(field))


@cache
def _input_look(number_format: str) -> Look:
    return Look(border=BORDER, alignment=WRAP_TOP, protection=UNLOCKED, number_format=number_format)


@cache
def _prefilled_look(number_format: str) -> Look:
    return Look(fill=_PREFILL_FILL, border=BORDER, alignment=WRAP_TOP, number_format=number_format)


def number_format(field: Field) -> str:
    """How a value cell displays; text cells are text so that "0912..." keeps its zero."""
    if field.type == "integer":
        return "0" if field.is_year else "#,##0"
    # "#,##0.##" would show a whole score 5 as "5."; General shows 5 and 12.5 as typed.
    return {"number": "General", "date": "dd/mm/yyyy"}.get(field.type, "@")


def nfc(text: str) -> str:
    """``text`` in NFC."""
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- the cells of every sheet


def write_heading(ws: Worksheet, styles: Styles, sheet: Sheet, year: int, columns: int, help_line: str) -> None:
    """The sheet's heading, merged across its ``columns``, and the short help line under it."""
    cell = ws.cell(row=layout.HEADING_ROW, column=1, value=nfc(sheet.heading.format(year=year)))
    styles.apply(cell, _HEADING)
    if columns > 1:
        ws.merge_cells(start_row=layout.HEADING_ROW, start_column=1, end_row=layout.HEADING_ROW, end_column=columns)
    ws.row_dimensions[layout.HEADING_ROW].height = 24
    styles.apply(ws.cell(row=layout.HELP_ROW, column=1, value=nfc(help_line)), _HELP)


def header_cell(ws: Worksheet, styles: Styles, column: int, text: str, look: Look) -> Cell:
    """One cell of the header row: the exact label, bold, filled, bordered, wrapped."""
    return styles.apply(ws.cell(row=layout.HEADER_ROW, column=column, value=nfc(text)), look)
