"""The "Hướng dẫn" sheet of a unit's template: the first sheet the unit sees.

Contract: :func:`write_instructions` names the sheet, writes the workbook's title
(:func:`template_title`, also its document title) and, from the third row, the schema's
instruction lines with their placeholders filled in (unit name and code, year, deadline, board,
ward), then protects the sheet without a password. All text is NFC.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from ....config import Config, Unit
from ....core import layout, vnformat
from ..workbook import protect
from .looks import PARAGRAPH, TITLE, Styles, nfc


def template_title(config: Config, year: int) -> str:
    """The template's title for ``year``: the schema's title and the year."""
    return nfc(f"{config.template.title} năm {year}")


def write_instructions(ws: Worksheet, styles: Styles, config: Config, unit: Unit, year: int) -> None:
    """The "Hướng dẫn" sheet: the title and the schema's instruction lines, filled in."""
    ws.title = layout.INSTRUCTIONS_SHEET
    ws.column_dimensions["A"].width = 110
    styles.apply(ws.cell(row=1, column=1, value=template_title(config, year)), TITLE)
    values = _instruction_values(config, unit, year)
    for offset, line in enumerate(config.template.instructions):
        styles.apply(ws.cell(row=3 + offset, column=1, value=nfc(line.format(**values))), PARAGRAPH)
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
