"""The unit's template, whole: schema (config/template.yaml) + unit + year -> the Excel workbook.

Contract:

* :func:`build_template` is pure: it builds the workbook in memory and touches no file.
* :func:`template_bytes` saves it to bytes deterministically: the same config, unit and year give
  byte-identical output (fixed document properties, fixed zip timestamps; see
  :mod:`pipeline.core.ooxml`).
* :func:`write_templates` writes one workbook per unit to
  ``<outbox>/<year>/mau-bieu/<UNIT_CODE>.xlsx`` atomically and returns the paths, sorted.
* Each may carry the unit's live items from the register (:class:`~.prefill.PrefilledItem`),
  written into their table sheet (:mod:`.tables`).

The sheets, in order: "Hướng dẫn" (:mod:`.instructions`), one sheet per schema sheet
(:mod:`.forms`, :mod:`.tables`), then the hidden ``_lists`` sheet (one column per choice list,
referenced by the list validations) and the hidden ``_meta`` sheet (the workbook's identity: kind,
template version, unit code, year, signed). The workbook opens on the instructions.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ....config import Config, Unit
from ....core import layout
from ....core.ooxml import atomic_write, deterministic_zip
from ....core.paths import TEMPLATES_FOLDER
from ..workbook import make_active, set_properties, start_of_year, write_lists, write_meta
from .forms import write_form
from .instructions import template_title, write_instructions
from .looks import Styles, nfc
from .prefill import PrefilledItem, prefilled_rows
from .tables import write_table
from .validation import list_ranges


def build_template(config: Config, unit: Unit, year: int, prefill: Sequence[PrefilledItem] = ()) -> Workbook:
    """The unit's workbook for ``year``, built in memory, with ``prefill``'s rows written in."""
    wb = Workbook()
    styles = Styles()
    set_properties(wb, nfc(config.organization.collecting_board), template_title(config, year), start_of_year(year))
    write_instructions(wb.active, styles, config, unit, year)
    ranges = list_ranges(config.template.lists)
    for sheet in config.template.sheets:
        ws = wb.create_sheet(nfc(sheet.title))
        if sheet.kind == "form":
            write_form(ws, styles, sheet, unit, year, ranges)
        else:
            write_table(ws, styles, sheet, year, ranges, prefilled_rows(config, sheet, prefill))
    write_lists(wb.create_sheet(layout.LISTS_SHEET), config.template.lists, nfc)
    write_meta(wb.create_sheet(layout.META_SHEET), config, layout.META_KIND_UNIT_TEMPLATE, unit.code, year, nfc)
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


class _InMemoryWriter(ExcelWriter):  # type: ignore[misc]  # openpyxl is untyped
    """openpyxl's writer (what ``Workbook.save`` runs), but each sheet's XML is built in memory.

    openpyxl writes every sheet's XML to a named temporary file, copies it into the zip and
    deletes it; on a slow disk those eight files cost as much as the rest of the save. The XML
    written is the same (tests/unit/outputs/test_template.py compares the result with
    ``Workbook.save``). The overridden method mirrors openpyxl 3.1's ``ExcelWriter.write_worksheet``.
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
