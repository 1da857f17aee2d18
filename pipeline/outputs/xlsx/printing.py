"""How every workbook the tool issues comes out of a printer: A4 pages people can read, and rows
tall enough for their wrapped text.

Used by the unit's template (:mod:`.template`), the ward's summary (:mod:`.summary`, through
:mod:`.stream`), the feedback copies and the clerk's report (:mod:`.feedback`) and the council's
workbook (:mod:`.council`). Without a print setup LibreOffice prints a sheet on as many pages as
its columns need (a unit's template took 26 pages, a form's labels and values on different ones).

Contract:

* :func:`set_print_layout` gives a sheet (of either openpyxl mode) its page: A4, the margins of
  :data:`MARGINS_INCH`, the sheet's name and page number in the footer, its header row repeated
  on every page, and fitted to the page width (``fitToWidth``, any number of pages down). The
  rule, from the column widths alone:

  - portrait when the columns fit a portrait page's text width at full size, else landscape;
  - one page wide, unless the sheet may be split across (``one_page_wide=False``, a list) and
    one page wide would print it below :data:`MIN_SCALE`: then as few pages across as keep that
    scale, read row block by row block (left page, then right), each page repeating the
    ``key_columns`` that tell its rows apart. A form (a label and its value) is always one page
    wide.

  Widths are taken as Excel takes them with Calibri 11 (7 pixels a character). LibreOffice where
  Calibri is missing measures columns a third wider and shrinks the page further to fit; it never
  shrinks a lone column wider than the page (it cuts it), so a one-column sheet must be narrower
  than the page there too (:data:`.template.instructions.WIDTH`).

* :func:`text_lines` and :func:`row_height` estimate how tall a row must be for its wrapped text,
  and :func:`fit_row` makes it so: LibreOffice keeps a row at the default height unless the file
  gives one, and openpyxl cannot measure text. The estimate counts characters against the column
  width, as measured in LibreOffice with DejaVu Sans, its stand-in for Calibri where Calibri is
  missing (wider than Calibri, so Excel and LibreOffice on Windows get some room to spare): on
  1,120 texts of the demo's workbooks in columns 10 to 70 wide, 4 got a line too few (a long file
  name or capitals in a column of 10 to 16) and a fifth a line more than needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.utils import get_column_letter

A4 = "9"  # the paperSize code of A4
LINE_HEIGHT = 15.0  # points per line of 11-point text
MAX_ROW_HEIGHT = 409.0  # the tallest row a workbook may have, in points
# Below this scale printed text gets too small to read (11 points -> 5.5 points).
MIN_SCALE = 0.5
MARGINS_INCH = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3}
FOOTER = "&A – trang &P/&N"  # the sheet's name, "page 3/12"
DEFAULT_WIDTH = 8.43  # the width of a column a sheet gives none (Excel's default, in characters)
# The width of the text on an A4 page, in millimetres, between the side margins.
_SIDE_MARGINS_MM = (MARGINS_INCH["left"] + MARGINS_INCH["right"]) * 25.4
_TEXT_WIDTH_MM = {"portrait": 210 - _SIDE_MARGINS_MM, "landscape": 297 - _SIDE_MARGINS_MM}
# A line of a wrapped column ``w`` wide holds about 1.1 * w - 2 characters of Vietnamese text
# (word breaks and the cell's padding take the 2), of bold text 0.88 of that width's.
_CHARS_PER_WIDTH, _LINE_SLACK, _BOLD_FACTOR = 1.1, 2.0, 0.88


def set_print_layout(
    ws: Any,
    widths: Sequence[float],
    header_row: int | None = None,
    key_columns: int = 0,
    one_page_wide: bool = False,
) -> None:
    """Give the sheet ``ws`` (of either openpyxl mode) its print setup, for columns of ``widths``
    (in characters, from column A): orientation, pages across, ``header_row`` repeated on every
    page, ``key_columns`` repeated on every page across."""
    total = sum(map(_column_mm, widths))
    orientation = "portrait" if total <= _TEXT_WIDTH_MM["portrait"] else "landscape"
    across = 1 if one_page_wide else pages_across(total)
    setup = ws.page_setup
    setup.paperSize, setup.orientation = A4, orientation
    setup.fitToWidth, setup.fitToHeight = across, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for side, inches in MARGINS_INCH.items():
        setattr(ws.page_margins, side, inches)
    ws.oddFooter.center.text = FOOTER
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"
    if across > 1:
        setup.pageOrder = "overThenDown"
        if key_columns:
            ws.print_title_cols = f"A:{get_column_letter(key_columns)}"


def sheet_widths(ws: Any) -> list[float]:
    """The width of each used column of a sheet read back (``ws.max_column`` of them), Excel's
    default where the sheet gives none; reading creates no column entry."""
    widths: dict[int, float] = {}
    for dimension in ws.column_dimensions.values():
        if dimension.width and dimension.min and dimension.max:
            widths.update(dict.fromkeys(range(dimension.min, dimension.max + 1), dimension.width))
    return [widths.get(column, DEFAULT_WIDTH) for column in range(1, ws.max_column + 1)]


def pages_across(total_mm: float) -> int:
    """How many landscape pages across a sheet ``total_mm`` wide needs to print at
    :data:`MIN_SCALE` or more."""
    return max(1, math.ceil(total_mm * MIN_SCALE / _TEXT_WIDTH_MM["landscape"] - 1e-9))


def _column_mm(width: float) -> float:
    """A column's printed width: ``width`` characters of 7 pixels and 5 pixels of padding, at 96 dpi."""
    return (width * 7 + 5) * 25.4 / 96


# --------------------------------------------------------------------------- row heights


def text_lines(value: str, width: float, bold: bool = False) -> int:
    """About how many lines ``value`` takes in a wrapped column ``width`` characters wide."""
    per_line = max(1.0, (width * _BOLD_FACTOR if bold else width) * _CHARS_PER_WIDTH - _LINE_SLACK)
    return sum(max(1, math.ceil(len(line) / per_line)) for line in value.split("\n"))


def row_height(lines: int) -> float:
    """The height in points of a row of ``lines`` lines of text, within what a workbook allows."""
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * max(1, lines) + 3)


def fit_row(ws: Any, row: int, texts: Sequence[tuple[str, float]], bold: bool = False, least: float = 0) -> None:
    """Make row ``row`` tall enough for each wrapped ``(text, width)`` and at least ``least``
    points; a row of single lines keeps the default height."""
    set_row_lines(ws, row, max((text_lines(text, width, bold) for text, width in texts), default=1), least)


def set_row_lines(ws: Any, row: int, lines: int, least: float = 0) -> None:
    """Make row ``row`` tall enough for ``lines`` lines and at least ``least`` points; a row of one
    line keeps the default height."""
    if lines > 1 or least:
        ws.row_dimensions[row].height = max(least, row_height(lines))
