"""Rendering the issued workbooks: a unit's filled template and the ward's summary converted to PDF by
LibreOffice, then read back with poppler.

What the print setup (pipeline/outputs/xlsx/printing.py) is for, checked where it shows: a template
prints on a handful of A4 pages, not one per column (26 before); a form sheet keeps each label and
its answer on the same page; the summary prints in a few dozen pages, not 74; every page is
numbered in its footer. Skipped where ``soffice`` or poppler's ``pdfinfo``/``pdftotext`` is
missing, as tests/system/test_render.py is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.outputs.xlsx.summary import summary_bytes
from pipeline.year.stats import statistics
from tests.support.builder import report_consolidation, sample_workbook
from tests.support.render import needs_renderer, page_count, pdf_text, to_pdf

pytestmark = needs_renderer
# Pages as LibreOffice lays them out, with room for font metrics: the template's seven sheets on
# 7 pages (the models two across), the summary of the golden scenario's hand-made consolidation.
PAGES = {"template": (6, 10), "summary": (8, 20)}
UNIT = "KP-BD01"


@pytest.fixture(scope="module")
def pdfs(config: Config, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A filled template and a summary as PDF, converted in one LibreOffice call."""
    folder = tmp_path_factory.mktemp("render-xlsx")
    data = report_consolidation(config)
    sources = {"template": folder / "template.xlsx", "summary": folder / "summary.xlsx"}
    sources["template"].write_bytes(sample_workbook(config, UNIT))
    sources["summary"].write_bytes(summary_bytes(statistics(data, config), data, [], config))
    return to_pdf(sources, folder)


def _page_texts(pdf: Path) -> list[str]:
    return pdf_text(pdf, layout=True).split("\f")[: page_count(pdf)]


@pytest.mark.parametrize("kind", PAGES)
def test_workbooks_print_on_few_pages_each_numbered_in_its_footer(pdfs: dict[str, Path], kind: str) -> None:
    pages = _page_texts(pdfs[kind])
    low, high = PAGES[kind]
    assert low <= len(pages) <= high
    assert all(f"trang {number}/{len(pages)}" in page for number, page in enumerate(pages, start=1))


def test_a_forms_labels_and_answers_share_a_page(pdfs: dict[str, Path], config: Config) -> None:
    unit = config.units.get(UNIT)
    assert unit is not None
    form = config.template.sheet("unit")
    (page,) = [page for page in _page_texts(pdfs["template"]) if f"{form.title} – trang" in page]
    for label in (f.label for f in form.fields):
        assert label in page
    assert unit.name in page and "Hướng dẫn" in page
