"""The "Hướng dẫn" sheet of a unit's template: the first sheet the unit sees.

Contract: :func:`write_instructions` names the sheet, writes the workbook's title
(:func:`template_title`, also its document title) and, from the third row, the schema's
instruction lines with their placeholders filled in (unit name and code, year, deadline, board,
ward), each line's row tall enough for its wrapped text, then protects the sheet without a
password. The one column fits a portrait A4 page (:mod:`..printing`). All text is NFC.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from ....config import Config, Unit
from ....core import layout, vnformat
from ..printing import fit_row, set_print_layout
from ..workbook import protect
from .looks import PARAGRAPH, TITLE, Styles, nfc

# The text column (in characters), narrower than a portrait A4 page's text wherever it prints:
# LibreOffice does not shrink a lone column wider than the page, it cuts it, and where Calibri is
# missing it measures columns in a wider stand-in font (72 characters: 178 mm there, 135 mm in Excel).
WIDTH = 72


def template_title(config: Config, year: int) -> str:
    """The template's title for ``year``: the schema's title and the year."""
    return nfc(f"{config.template.title} năm {year}")


def write_instructions(ws: Worksheet, styles: Styles, config: Config, unit: Unit, year: int) -> None:
    """The "Hướng dẫn" sheet: the title and the schema's instruction lines, filled in."""
    ws.title = layout.INSTRUCTIONS_SHEET
    ws.column_dimensions["A"].width = WIDTH
    title = template_title(config, year)
    styles.apply(ws.cell(row=1, column=1, value=title), TITLE)
    # The title's 13-point bold characters are wider: fewer of them fit on a line.
    fit_row(ws, 1, [(title, WIDTH * 11 / 13)], bold=True)
    values = _instruction_values(config, unit, year)
    for row, line in enumerate(config.template.instructions, start=3):
        text = nfc(line.format(**values))
        styles.apply(ws.cell(row=row, column=1, value=text), PARAGRAPH)
        fit_row(ws, row, [(text, WIDTH)])
    set_print_layout(ws, [WIDTH], one_page_wide=True)
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
