"""Rendering: both reports converted to PDF by LibreOffice, then read back with poppler.

Skipped where ``soffice`` (LibreOffice) or poppler's ``pdfinfo``/``pdftotext`` is missing (CI);
on a machine that has them (Debian: libreoffice-writer-nogui, fonts-liberation2, poppler-utils)
the reports of the golden scenario must convert, have a page count within bounds, carry their
key Vietnamese headings as extractable text with their diacritics, and number pages from page 2
(no number on the title page).

LibreOffice runs with its own profile in the test's temporary folder (tests/support/render.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.outputs.docx.report import report_bytes, report_file_name
from pipeline.year.stats import statistics
from tests.support.builder import DEMO_SIGNER, GOLDEN_DECISIONS, previous_figures, report_consolidation
from tests.support.render import needs_renderer, page_count, pdf_text, to_pdf

pytestmark = needs_renderer
DATE = dt.date(2026, 12, 5)
# Pages of the scenario's reports as LibreOffice lays them out, with room for font metrics.
PAGES = {"province": (8, 14), "standing": (3, 7)}  # the province appendix is landscape
HEADINGS = {
    "province": [
        "ĐẢNG BỘ TỈNH GIA LAI ĐẢNG ỦY PHƯỜNG BÌNH ĐỊNH",
        "-BC/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Bình Định, ngày 05 tháng 12 năm 2026",
        "BÁO CÁO",
        "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. NHIỆM VỤ NĂM 2027",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
        "Trên đây là báo cáo kết quả thực hiện Phong trào thi đua “Dân vận khéo” năm 2026",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Lê Vũ Vân Kiều",
        "Nơi nhận:",
        "PHỤ LỤC",
        "Biểu 1. Mô hình của các đơn vị theo lĩnh vực",
        "Biểu 8. Danh sách mô hình “Dân vận khéo” năm 2026",
    ],
    "standing": [
        "ĐẢNG ỦY PHƯỜNG BÌNH ĐỊNH BAN XÂY DỰNG ĐẢNG",
        "-BC/BXDĐ",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BÁO CÁO",
        "III. NHỮNG NỘI DUNG ĐỀ NGHỊ THƯỜNG TRỰC ĐẢNG ỦY CHO Ý KIẾN",
        "a) Ưu điểm",
        "b) Hạn chế, nguyên nhân",
        "Trên đây là báo cáo kết quả thực hiện Phong trào thi đua “Dân vận khéo” năm 2026",
        "TRƯỞNG BAN",
        DEMO_SIGNER,
    ],
}


@pytest.fixture(scope="module")
def pdfs(config: Config, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both reports of the golden scenario as PDF, converted in one LibreOffice call."""
    folder = tmp_path_factory.mktemp("render")
    data = report_consolidation(config)
    stats = statistics(data, config, previous_figures(config), GOLDEN_DECISIONS)
    sources = {}
    for kind in HEADINGS:
        sources[kind] = folder / report_file_name(kind, config, 2026)
        sources[kind].write_bytes(report_bytes(kind, stats, data, config, DATE))
    return to_pdf(sources, folder)


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_both_reports_convert_within_the_expected_pages(pdfs: dict[str, Path], kind: str) -> None:
    low, high = PAGES[kind]
    assert low <= page_count(pdfs[kind]) <= high


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_text_is_extractable_with_its_diacritics(pdfs: dict[str, Path], kind: str) -> None:
    text = " ".join(pdf_text(pdfs[kind]).split())  # a heading may wrap onto two lines
    missing = [heading for heading in HEADINGS[kind] if heading not in text]
    assert not missing


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_pages_are_numbered_from_two(pdfs: dict[str, Path], kind: str) -> None:
    first_page = [line.strip() for line in pdf_text(pdfs[kind], 1, 1).splitlines() if line.strip()]
    second_page = [line.strip() for line in pdf_text(pdfs[kind], 2, 2).splitlines() if line.strip()]
    assert first_page[0] != "1"
    assert second_page[0] == "2"


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_the_page_with_the_signature_also_holds_body_text(pdfs: dict[str, Path], kind: str) -> None:
    """ "Nơi nhận" and the signature never stand alone on a page: the closing paragraph is with them."""
    pages = [" ".join(pdf_text(pdfs[kind], n, n).split()) for n in range(1, page_count(pdfs[kind]) + 1)]
    (signed,) = [page for page in pages if "Nơi nhận:" in page]
    assert "Trên đây là báo cáo kết quả" in signed


# What a report never shows its reader: a bracketed note for the clerk, a path, a config key, a
# placeholder name, a word about the tool.
NOT_FOR_THE_READER = ("[", "]", "config", ".yaml", ".xlsx", "inbox", "outbox", "narrative", "dvk", "Họ và tên người ký")


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_no_note_path_key_or_placeholder_reaches_the_reader(pdfs: dict[str, Path], kind: str) -> None:
    text = " ".join(pdf_text(pdfs[kind]).split())
    assert [word for word in NOT_FOR_THE_READER if word.lower() in text.lower()] == []
