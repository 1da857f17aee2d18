"""What every workbook the tool writes shares: the cell styles, the rules for text and typed values,
sheet protection, the hidden ``_lists`` and signed ``_meta`` sheets, and the fixed document
properties and time that make a workbook's bytes depend only on its content.

Used by the unit's template (:mod:`.template`), the ward's summary (:mod:`.summary`), the feedback
copies and the clerk's report (:mod:`.feedback`), the council's workbook (:mod:`.council`) and the
streamed writer (:mod:`.stream`).

Contract:

* The styles are openpyxl style objects, shared and never changed: a workbook registers each one
  by value, so sharing one object writes the same bytes as equal copies would.
* :func:`text` is the one rule for text written into a workbook: NFC, without the characters an
  .xlsx cannot hold (:func:`pipeline.core.textnorm.xml_safe`: control characters, lone surrogates,
  U+FFFE, U+FFFF), whatever their source (a file's name, the config, a unit's cell). :func:`put` writes a typed value; text stays text even when it
  starts with "=" (no formula ever comes from data).
* :func:`write_lists` and :func:`write_meta` fill the hidden ``_lists`` sheet (one column per
  choice list) and the hidden ``_meta`` sheet (the workbook's identity, signed with the ward's
  secret); each caller passes its own text rule (``clean``), so each keeps the bytes it wrote.
* :func:`set_properties` and :func:`fixed_bytes` stamp a workbook with a fixed time of its year
  (:func:`start_of_year` for templates, :func:`end_of_cycle` for what the ward writes at the end of
  the cycle) and nothing that depends on the clock or the machine (see :mod:`pipeline.core.ooxml`).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ...config import Config
from ...core import layout
from ...core.identity import sign
from ...core.ooxml import deterministic_zip
from ...core.textnorm import xml_safe

# --------------------------------------------------------------------------- styles

BOLD = Font(bold=True)
ITALIC = Font(italic=True)
HEADING_FONT = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# Orange: the header of a column the reader must fill (a required field, the council's columns).
HIGHLIGHT_FILL = PatternFill("solid", fgColor="FCE4D6")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
UNLOCKED = Protection(locked=False)


def style_header(cell: Any, fill: PatternFill = HEADER_FILL) -> None:
    """A header cell (of either mode): bold, filled, bordered, wrapped and centred."""
    cell.font, cell.fill, cell.border, cell.alignment = BOLD, fill, BORDER, HEADER_ALIGN


# --------------------------------------------------------------------------- cells


def text(value: str) -> str:
    """NFC, without the characters an .xlsx cannot hold."""
    return xml_safe(unicodedata.normalize("NFC", value))


def put(cell: Cell, value: Any) -> bool:
    """Write a typed value; text is :func:`text` and stays text even when it starts with "=".
    A blank (None or "") leaves the cell untouched: False."""
    if value is None or value == "":
        return False
    if isinstance(value, str):
        cell.value = text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return True


# --------------------------------------------------------------------------- sheets


def protect(ws: Any, allow_resizing: bool) -> None:
    """Protect the sheet (of either mode) without a password; with ``allow_resizing`` its columns
    and rows may still be widened."""
    ws.protection.sheet = True
    if allow_resizing:
        ws.protection.formatColumns = False
        ws.protection.formatRows = False


def set_widths(ws: Any, widths: Mapping[int, float]) -> None:
    """The width of each column, by its number (from 1), on a sheet of either mode."""
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def make_active(wb: Workbook, index: int) -> None:
    """Open on sheet ``index``, with no other tab selected (grouped tabs would take every edit)."""
    wb.active = index
    for position, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = position == index


def write_lists(ws: Worksheet, lists: Mapping[str, Sequence[str]], clean: Callable[[str], str]) -> None:
    """The hidden ``_lists`` sheet: each list's key in row 1, its values below, as wide as the
    longest value; texts go through ``clean``."""
    for column, (key, values) in enumerate(lists.items(), start=1):
        ws.cell(row=1, column=column, value=clean(key))
        for row, value in enumerate(values, start=2):
            ws.cell(row=row, column=column, value=clean(value))
        ws.column_dimensions[get_column_letter(column)].width = max(len(v) for v in values) + 2
    ws.sheet_state = "hidden"
    protect(ws, allow_resizing=False)


def write_meta(
    ws: Worksheet, config: Config, kind: str, unit_code: str, year: int, clean: Callable[[str], str]
) -> None:
    """The hidden ``_meta`` sheet: the workbook's identity (kind, template version, unit, year) and
    its signature with the ward's secret, keys in column A, values as text in column B."""
    version = config.template.version
    values = {
        "kind": kind,
        "template_version": version,
        "unit_code": unit_code,
        "year": str(year),
        "signature": sign(config.secret, kind, unit_code, year, version),
    }
    for row, key in enumerate(layout.META_KEYS, start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=clean(values[key])).number_format = "@"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 36
    ws.sheet_state = "hidden"
    protect(ws, allow_resizing=False)


# --------------------------------------------------------------------------- the document


def start_of_year(year: int) -> dt.datetime:
    """The moment stamped into the templates of ``year``: they go out at its start."""
    return dt.datetime(year, 1, 1)


def end_of_cycle(year: int) -> dt.datetime:
    """The moment stamped into what the ward writes at the end of the reporting cycle of ``year``."""
    return dt.datetime(year, 12, 1)


def set_properties(wb: Workbook, creator: str, title: str, moment: dt.datetime) -> None:
    """Fixed document properties: nothing that depends on the clock or the machine."""
    props = wb.properties
    props.creator = props.lastModifiedBy = creator
    props.title = title
    props.created = props.modified = moment


def fixed_bytes(wb: Workbook, moment: dt.datetime) -> bytes:
    """The workbook saved as modified at ``moment``, zip entries stamped with it: bytes that depend
    only on its content."""
    wb.properties.modified = moment
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue(), moment)
