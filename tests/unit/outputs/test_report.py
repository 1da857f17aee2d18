"""Report stage: both Word reports built from the hand-made consolidation (``builder.report_consolidation``),
saved, reopened and read.

Every table and every figure of the prose is checked against an independent recount of the
consolidation's records (``tests.support.recount``), never against ``pipeline.year.stats``, which
computes them: a bug in the statistics must fail these tests. The statistics are only the reports'
input here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn

from pipeline.config import Config, ConfigError, load_config
from pipeline.outputs.docx.report import build_report, report_bytes, report_file_name
from pipeline.year.consolidate import MISSING, ON_TIME, Consolidation
from pipeline.year.stats import Statistics, statistics
from tests.support.builder import DEMO_SIGNER, REPO, item, report_consolidation, unit_of, unit_status
from tests.support.docxtext import data_tables, figure_paragraphs, table_grid
from tests.support.recount import Entry, Recount, Standing

YEAR = 2026
DATE = dt.date(2026, 12, 5)
FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")


# --------------------------------------------------------------------------- data


@pytest.fixture(scope="module")
def data(config: Config) -> Consolidation:
    return report_consolidation(config)


@pytest.fixture(scope="module")
def stats(data: Consolidation, config: Config) -> Statistics:
    """The reports' input, never their expected values (those are the ``recount``'s)."""
    return statistics(data, config)


@pytest.fixture(scope="module")
def recount(data: Consolidation, config: Config) -> Recount:
    """The consolidation's figures counted again from its raw records: each unit's status, file,
    lateness and activities, each item's values and total score."""
    units = [
        Standing(u.unit.code, u.status, u.file, u.days_late, data.activities.get(u.unit.code, {})) for u in data.units
    ]
    items = [Entry(kind, i.unit.code, i.values, i.total_score) for kind, rows in data.items.items() for i in rows]
    return Recount(config, data.year, units, items)


@pytest.fixture(scope="module")
def reports(stats: Statistics, data: Consolidation, config: Config) -> dict[str, Any]:
    """Both reports dated 5 December, saved to bytes and opened again."""
    return {kind: _reopen(report_bytes(kind, stats, data, config, DATE)) for kind in ("province", "standing")}


# --------------------------------------------------------------------------- reading back


def _reopen(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def _texts(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _body(doc: Any) -> str:
    return "\n".join(_texts(doc))


def _table_after(doc: Any, caption: str) -> Any:
    """The first table after the paragraph whose text is ``caption``."""
    seen = False
    for block in doc.iter_inner_content():
        if not seen:
            seen = getattr(block, "text", None) == caption
        elif hasattr(block, "rows"):
            return block
    raise AssertionError(f"no table after {caption!r}")


def _grid(table: Any) -> list[list[str]]:
    return table_grid(table)


def _all_parts(doc: Any) -> Iterator[Any]:
    """The body and every header and footer part of the document."""
    yield doc.element
    for section in doc.sections:
        for header in (section.header, section.first_page_header, section.footer):
            if not header.is_linked_to_previous:
                yield header._element


def _header_cells(doc: Any) -> tuple[list[Any], list[Any]]:
    left, right = doc.tables[0].rows[0].cells
    return left.paragraphs, right.paragraphs


# --------------------------------------------------------------------------- header and title


@pytest.mark.parametrize(
    ("kind", "issuer"),
    [
        ("province", ["ĐẢNG BỘ TỈNH GIA LAI", "ĐẢNG ỦY PHƯỜNG BÌNH ĐỊNH", "*", "Số      -BC/ĐU"]),
        # The board compiles and reports to the Standing Committee, under the Party Committee.
        ("standing", ["ĐẢNG ỦY PHƯỜNG BÌNH ĐỊNH", "BAN XÂY DỰNG ĐẢNG", "*", "Số      -BC/BXDĐ"]),
    ],
)
def test_header_left_column_names_the_body_that_issues_each_report(
    reports: dict[str, Any], kind: str, issuer: list[str]
) -> None:
    left, _ = _header_cells(reports[kind])
    assert [p.text for p in left] == issuer
    assert left[1].runs[0].bold is True
    assert not left[0].runs[0].bold
    assert all(p.alignment == 1 or p.style.paragraph_format.alignment == 1 for p in left)  # centred


def test_header_right_column_has_party_name_and_date(reports: dict[str, Any]) -> None:
    _, right = _header_cells(reports["province"])
    name = right[0].runs[0]
    assert (right[0].text, name.bold, name.underline, name.font.size.pt) == ("ĐẢNG CỘNG SẢN VIỆT NAM", True, True, 15)
    date_line = next(p for p in right if p.text.startswith("Bình Định"))
    assert date_line.text == "Bình Định, ngày 05 tháng 12 năm 2026"
    assert date_line.runs[0].italic is True


def test_blank_date_when_no_date(stats: Statistics, data: Consolidation, config: Config) -> None:
    doc = build_report("province", stats, data, config, None)
    _, right = _header_cells(doc)
    assert right[-1].text == "Bình Định, ngày     tháng     năm 2026"


def test_configured_document_number(stats: Statistics, data: Consolidation, config: Config) -> None:
    spec = config.organization.reports["standing"]
    numbered = dataclasses.replace(spec, issuer=dataclasses.replace(spec.issuer, number="12"))
    reports = {**config.organization.reports, "standing": numbered}
    org = dataclasses.replace(config.organization, reports=reports)
    doc = build_report("standing", stats, data, dataclasses.replace(config, organization=org), DATE)
    left, _ = _header_cells(doc)
    assert left[-1].text == "Số 12-BC/BXDĐ"


def test_a_report_whose_signer_has_no_name_is_not_built(stats: Statistics, data: Consolidation) -> None:
    """The repository's config leaves the standing report's signer to the ward: no report is built
    with an empty or placeholder name; the error names the file and key."""
    unnamed = load_config(REPO)
    with pytest.raises(ConfigError) as refused:
        report_bytes("province", stats, data, unnamed, DATE)
    assert str(refused.value).startswith(
        "config/organization.yaml: khóa “reports.standing.signature.name”: chưa có họ và tên người ký"
    )


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_document_type_and_subject(reports: dict[str, Any], config: Config, kind: str) -> None:
    texts = _texts(reports[kind])
    subject = config.organization.reports[kind].subject.format(year=YEAR)
    at = texts.index("BÁO CÁO")
    assert texts[at + 1 : at + 3] == [subject, "-----"]
    assert reports[kind].paragraphs[at].runs[0].bold is True
    assert "Kính gửi" not in _body(reports[kind])


# --------------------------------------------------------------------------- content


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_leadership_sentence_has_the_unit_figures(reports: dict[str, Any], kind: str) -> None:
    body = _body(reports[kind])
    assert (
        "Đảng ủy phường Bình Định chỉ đạo 7 cơ quan, đơn vị, địa phương báo cáo kết quả thực hiện Phong trào thi đua "
        "“Dân vận khéo” năm 2026; đã có 5 đơn vị gửi báo cáo (3 đúng hạn, 2 trễ hạn), 1 đơn vị có báo cáo bị trả "
        "lại, chưa gửi lại, 1 đơn vị chưa gửi." in body
    )
    assert "Có 1 đơn vị chưa xây dựng đủ số mô hình tối thiểu" in body


def test_registration_sentence_uses_the_figures(reports: dict[str, Any]) -> None:
    assert (
        "đăng ký, xây dựng 6 mô hình “Dân vận khéo” (3 mô hình mới đăng ký, 3 mô hình tiếp tục thực hiện) "
        "và 3 điển hình (1 điển hình tập thể, 2 điển hình cá nhân)." in _body(reports["province"])
    )


def test_resources_sentence_in_vietnamese_number_format(reports: dict[str, Any]) -> None:
    assert (
        "kinh phí 55.000.000 đồng, xã hội hóa 2.500.000 đồng, 120 ngày công, 250,5 m² đất hiến; "
        "1.562 lượt người tham gia, hưởng lợi." in _body(reports["province"])
    )


def test_outstanding_models_are_the_top_five_with_their_results_and_nonzero_figures(reports: dict[str, Any]) -> None:
    lines = [t for t in _texts(reports["province"]) if t.startswith("- Mô hình “")]
    assert len(lines) == 5
    assert lines[0] == (
        "- Mô hình “Tuyến đường hoa nông thôn mới” (Chi bộ khu phố Liêm Định; lĩnh vực Kinh tế; 92 điểm): "
        "Trồng 2 km hoa, Nhân dân đồng thuận; 350 người tham gia, hưởng lợi; kinh phí 15.000.000 đồng; "
        "xã hội hóa 2.500.000 đồng; 120 ngày công."
    )
    assert "“Mái ấm tình thương”" in lines[1] and "“Ngày Chủ nhật xanh”" in lines[2]  # ties: by name
    assert lines[2].endswith("85 điểm).")
    assert not any("Phụ nữ giúp nhau" in line for line in lines)


def test_activities_sentence(reports: dict[str, Any]) -> None:
    body = _body(reports["province"])
    assert "đã tổ chức 3 cuộc đối thoại trực tiếp" in body
    assert "tiếp nhận 6 kiến nghị của Nhân dân, đã giải quyết 9 kiến nghị" in body
    assert "đã giải quyết 21 vụ việc." in body


# The data tables of each report, in order, by the recount's keys: the province report's body, then
# its appendix (Biểu 1-8); the standing report's body.
PROVINCE_BODY = ("units", "by_field", "by_origin", "classification", "activities")
APPENDIX = (
    "units_by_field",
    "by_group",
    "exemplars",
    "evaluation",
    "rewards",
    "resources",
    "outstanding",
    "model_list",
)
TABLES = {"province": (*PROVINCE_BODY, *APPENDIX), "standing": ("by_field", "classification", "proposed_items")}


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_every_table_equals_the_recount(reports: dict[str, Any], recount: Recount, kind: str) -> None:
    expected = recount.tables()
    tables = data_tables(reports[kind], YEAR)
    assert [title for title, _ in tables] == [expected[key].title for key in TABLES[kind]]
    for (title, grid), key in zip(tables, TABLES[kind], strict=True):
        assert grid == expected[key].text(), title


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_every_figure_in_the_prose_equals_the_recount(reports: dict[str, Any], recount: Recount, kind: str) -> None:
    """Each paragraph that states a figure is the recount's, in order, and no other paragraph states one."""
    expected = recount.paragraphs(kind)
    # Units, models below target, registration, 3 breakdowns, 5 best models, resources, 2 proposal
    # sentences, activities, the plan's 5 (own plans, training, information, hot spots, supervision);
    # the standing report adds 4 lists of units and the proposals' count.
    assert len(expected) == {"province": 20, "standing": 25}[kind]
    assert figure_paragraphs(reports[kind]) == expected


def test_table_header_repeats_and_total_is_bold(reports: dict[str, Any]) -> None:
    table = _table_after(reports["province"], "Mô hình, điển hình theo lĩnh vực")
    first, last = table.rows[0], table.rows[-1]
    assert first._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in first.cells for run in cell.paragraphs[0].runs)
    assert last.cells[0].text == "Tổng cộng"
    assert all(run.bold for cell in last.cells for run in cell.paragraphs[0].runs)
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # numbers right-aligned


def test_tables_have_borders_and_widths_on_every_cell(reports: dict[str, Any]) -> None:
    for table in reports["province"].tables:
        assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        for row in table.rows:
            assert all(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:type")) == "dxa" for cell in row.cells)


def test_province_appendix_lists_every_model(reports: dict[str, Any], data: Consolidation) -> None:
    doc = reports["province"]
    texts = _texts(doc)
    appendix = texts.index("PHỤ LỤC")
    # A section of its own, from a new page, A4 landscape: its tables are wide.
    body = list(doc.element.body)
    break_at = body.index(doc.paragraphs[appendix]._p) - 1
    assert body[break_at].find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None  # the portrait section ends here
    appendix_section = doc.sections[-1]
    assert (appendix_section.orientation, appendix_section.start_type) == (WD_ORIENT.LANDSCAPE, WD_SECTION.NEW_PAGE)
    assert (appendix_section.page_width.mm, appendix_section.page_height.mm) == pytest.approx((297, 210), abs=0.1)
    assert not appendix_section.different_first_page_header_footer  # numbered on its first page too
    assert (
        texts[appendix + 1]
        == "(Kèm theo Báo cáo số      -BC/ĐU, ngày 05 tháng 12 năm 2026 của Ban Thường vụ Đảng ủy phường)"
    )
    captions = [t for t in texts[appendix:] if t.startswith("Biểu ")]
    assert captions == [
        "Biểu 1. Mô hình của các đơn vị theo lĩnh vực (mới đăng ký, tiếp tục thực hiện) năm 2026",
        "Biểu 2. Mô hình, điển hình theo khối năm 2026",
        "Biểu 3. Điển hình tập thể, điển hình cá nhân theo lĩnh vực năm 2026",
        "Biểu 4. Kết quả đánh giá mô hình, điển hình năm 2026",
        "Biểu 5. Biểu dương, khen thưởng, nhân rộng mô hình, điển hình năm 2026",
        "Biểu 6. Nguồn lực huy động qua các mô hình năm 2026",
        "Biểu 7. Danh sách mô hình, điển hình tiêu biểu đề nghị biểu dương, khen thưởng năm 2026",
        "Biểu 8. Danh sách mô hình “Dân vận khéo” năm 2026",
    ]
    models = _grid(_table_after(doc, captions[-1]))
    assert len(models) == 1 + len(data.models) == 7
    assert models[1][1] == "Tuyến đường hoa nông thôn mới"
    units = _grid(_table_after(doc, "Tình hình gửi báo cáo của các đơn vị"))
    assert units[-1] == ["Tổng cộng", "8", "3", "2", "1", "1", "1"]  # the exempt unit listed, not asked


# --------------------------------------------------------------------------- standing committee


def test_standing_names_late_rejected_missing_and_short_units(reports: dict[str, Any]) -> None:
    body = _body(reports["standing"])
    assert (
        "- Gửi báo cáo trễ hạn (2 đơn vị): Chi bộ khu phố Kim Châu (trễ hạn 3 ngày); "
        "Hội Liên hiệp Phụ nữ phường (trễ hạn 1 ngày)." in body
    )
    assert "- Có báo cáo bị trả lại, chưa gửi lại (1 đơn vị): Đảng bộ Công an phường." in body
    assert "- Chưa gửi báo cáo (1 đơn vị): Đoàn Thanh niên Cộng sản Hồ Chí Minh phường." in body
    assert "(1 đơn vị): Chi bộ thôn Khánh Mỹ (có 0 mô hình, tối thiểu 1)." in body


def test_standing_proposals_table(reports: dict[str, Any]) -> None:
    doc = reports["standing"]
    assert "Các đơn vị đề nghị xem xét 4 mô hình, điển hình" in _body(doc)
    grid = _grid(_table_after(doc, "Danh sách mô hình, điển hình được đề nghị"))
    assert grid[0] == [
        "STT",
        "Tên mô hình, điển hình",
        "Đơn vị",
        "Loại",
        "Điểm tự chấm",
        "Xếp loại",
        "Đề xuất",
        "Lý do (kết quả, thành tích nổi bật do đơn vị nêu)",
    ]
    assert grid[1] == [
        "1",
        "Tuyến đường hoa nông thôn mới",
        "Chi bộ khu phố Liêm Định",
        "Mô hình",
        "92",
        "Xuất sắc",
        "Công nhận",
        "Trồng 2 km hoa, Nhân dân đồng thuận.",
    ]
    assert [row[6] for row in grid[1:]] == ["Công nhận", "Nhân rộng", "Biểu dương", "Khen thưởng"]
    assert grid[4][3] == "Điển hình cá nhân"


def test_standing_without_issues_proposals_or_opinions(config: Config) -> None:
    unit = unit_of(config, "MTTQ")
    data = Consolidation(
        YEAR,
        (unit_status(unit, ON_TIME, models=1),),
        {"models": (item(config, "models", unit, "Mô hình A", 70),), "collectives": (), "individuals": ()},
        {},
        (),
    )
    body = _body(build_report("standing", statistics(data, config), data, config, None))
    assert "Tất cả các đơn vị đã gửi báo cáo đúng hạn và xây dựng đủ số mô hình tối thiểu." in body
    assert "Các đơn vị không có đề nghị đối với mô hình, điển hình nào." in body
    assert "Các đơn vị không nêu ưu điểm, hạn chế hoặc kiến nghị trong báo cáo." in body


def test_province_with_no_models_still_builds(config: Config) -> None:
    data = Consolidation(
        YEAR,
        (unit_status(unit_of(config, "DTN"), MISSING),),
        {"models": (), "collectives": (), "individuals": ()},
        {},
        (),
    )
    body = _body(build_report("province", statistics(data, config), data, config, None))
    assert "xây dựng 0 mô hình" in body and "(Không có số liệu.)" in body
    assert "Các mô hình có điểm tự chấm cao nhất:" not in body


# --------------------------------------------------------------------------- signature


CLOSING = {
    "province": "Trên đây là báo cáo kết quả thực hiện Phong trào thi đua “Dân vận khéo” năm 2026 của Đảng bộ "
    "phường Bình Định, Ban Thường vụ Đảng ủy phường báo cáo Ban Tuyên giáo và Dân vận Tỉnh ủy theo dõi, chỉ đạo./.",
    "standing": "Trên đây là báo cáo kết quả thực hiện Phong trào thi đua “Dân vận khéo” năm 2026 và những nội dung "
    "đề nghị cho ý kiến, Ban Xây dựng Đảng kính báo cáo Thường trực Đảng ủy xem xét, cho ý kiến./.",
}


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_the_closing_paragraph_is_kept_with_the_signature(reports: dict[str, Any], kind: str) -> None:
    """The body ends with the closing paragraph, kept (with the empty line after it) on the page of
    the signature block: "Nơi nhận" and the signature never stand alone on a page."""
    body = reports[kind].element.body
    block = next(t for t in reports[kind].tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    at = list(body).index(block._tbl)
    closing, spacer = (docx.text.paragraph.Paragraph(e, reports[kind]) for e in list(body)[at - 2 : at])
    assert (closing.text, spacer.text) == (CLOSING[kind], "")
    assert all(p.style.paragraph_format.keep_with_next for p in (closing, spacer))


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_signature_block(reports: dict[str, Any], config: Config, kind: str) -> None:
    doc = reports[kind]
    table = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    left, right = table.rows[0].cells
    assert left.paragraphs[0].runs[0].underline is True
    recipients = [p.text for p in left.paragraphs[1:]]
    assert recipients == [f"- {line}" for line in config.organization.reports[kind].recipients]
    assert all(p.runs[0].font.size.pt == 12 for p in left.paragraphs[1:])
    lines = [p.text for p in right.paragraphs]
    signer = {
        "province": ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "", "", "", "", "Lê Vũ Vân Kiều"],
        # The head of a board signs in their own title: no "T/M" (Hướng dẫn 36-HD/VPTW).
        "standing": ["TRƯỞNG BAN", "", "", "", "", DEMO_SIGNER],
    }[kind]
    assert lines == signer
    assert right.paragraphs[0].runs[0].bold and right.paragraphs[-1].runs[0].bold
    assert kind == "standing" or not right.paragraphs[1].runs[0].bold
    # The block is never split across pages: the signer's name stays under the title.
    assert table.rows[0]._tr.trPr is not None and table.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None


# --------------------------------------------------------------------------- format


def test_every_run_names_times_new_roman_on_four_slots(reports: dict[str, Any]) -> None:
    for doc in reports.values():
        runs = [r for part in _all_parts(doc) for r in part.iter(qn("w:r"))]
        assert len(runs) > 100
        for run in runs:
            fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
            assert [fonts.get(qn(slot)) for slot in FONT_SLOTS] == ["Times New Roman"] * 4


def test_defaults_and_styles_have_no_theme_font(reports: dict[str, Any]) -> None:
    styles = reports["province"].styles
    root = styles.element
    default = root.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert [default.get(qn(slot)) for slot in FONT_SLOTS] == ["Times New Roman"] * 4
    for fonts in root.iter(qn("w:rFonts")):
        assert not [name for name in fonts.attrib if name.lower().endswith("theme")]
    normal = styles["Normal"]
    assert normal.font.size.pt == 14
    assert normal.paragraph_format.alignment == 3  # justified
    assert round(normal.paragraph_format.first_line_indent.mm, 1) == 10


def test_page_setup_from_config(reports: dict[str, Any], config: Config) -> None:
    margins = config.organization.document.margins_mm
    section = reports["province"].sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    got = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm, 1) for m in got] == [margins[side] for side in ("top", "bottom", "left", "right")]


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_page_numbers_from_page_two(reports: dict[str, Any], kind: str) -> None:
    section = reports[kind].sections[0]
    assert section._sectPr.find(qn("w:titlePg")) is not None
    assert not section.first_page_header.is_linked_to_previous
    assert section.first_page_header._element.xpath("string(.)").strip() == ""
    instructions = [e.text for e in section.header._element.iter(qn("w:instrText"))]
    assert [i.strip() for i in instructions] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == 1


def test_all_text_is_nfc(reports: dict[str, Any]) -> None:
    for doc in reports.values():
        for part in _all_parts(doc):
            for t in part.iter(qn("w:t")):
                assert (t.text or "") == unicodedata.normalize("NFC", t.text or "")


# --------------------------------------------------------------------------- bytes, names


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_same_inputs_give_the_same_bytes(stats: Statistics, data: Consolidation, config: Config, kind: str) -> None:
    first = report_bytes(kind, stats, data, config, None)
    assert report_bytes(kind, stats, data, config, None) == first
    assert report_bytes(kind, stats, data, config, DATE) != first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_core_properties_are_fixed(reports: dict[str, Any], config: Config) -> None:
    props = reports["province"].core_properties
    assert props.author == "ĐẢNG ỦY PHƯỜNG BÌNH ĐỊNH"
    assert props.title == config.organization.reports["province"].subject.format(year=YEAR)
    assert (props.created.date(), props.modified.date(), props.revision) == (DATE, DATE, 1)
    assert props.comments == ""


def test_default_document_date_is_first_of_december(stats: Statistics, data: Consolidation, config: Config) -> None:
    props = _reopen(report_bytes("province", stats, data, config, None)).core_properties
    assert props.created.date() == dt.date(YEAR, 12, 1)


def test_file_names(config: Config) -> None:
    assert report_file_name("province", config, 2026) == "bao-cao-tinh-2026.docx"
    assert report_file_name("standing", config, 2027) == "bao-cao-thuong-truc-2027.docx"


def test_unknown_kind_is_refused(stats: Statistics, data: Consolidation, config: Config) -> None:
    with pytest.raises(ValueError, match="tinh"):
        build_report("tinh", stats, data, config, None)


def test_column_widths_fill_the_text_area_and_keep_numbers_whole() -> None:
    from pipeline.outputs.docx.table_frames import column_widths

    columns = ("Lĩnh vực", "Kinh phí (đồng)", "STT")
    rows = [("Xây dựng hệ thống chính trị", 1_234_567_890, 1), ("Kinh tế", 0, 2)]
    widths = column_widths(columns, rows, 165.0, 12.0)
    assert sum(widths) == pytest.approx(165.0)
    assert widths[1] > len("1.234.567.890") * 12 * 0.5 * 25.4 / 72  # the longest number fits on one line
    assert widths[0] > widths[2]


def test_a_number_beside_chua_bao_cao_keeps_whole_in_a_wide_table() -> None:
    """A province's table of wards: figures and "Chưa báo cáo" in one column, nine columns on a
    landscape page; the money columns still hold their longest number on one line."""
    from pipeline.outputs.docx.table_frames import column_widths

    counts = ("Mô hình mới", "Mô hình tiếp tục", "Tổng số mô hình", "Điển hình", "Được công nhận", "Được khen thưởng")
    columns = ("Phường, xã", *counts, "Kinh phí (đồng)", "Xã hội hóa (đồng)")
    figures = (43, 27, 70, 46, 72, 32, 1_521_000_000, 3_730_000_000)
    rows = [(f"Đảng bộ phường Số {n}", *figures) for n in range(3)]
    rows += [(f"Đảng bộ phường Số {n}", *(["Chưa báo cáo"] * 8)) for n in range(3, 6)]
    widths = column_widths(columns, rows, 252.0, 12.0)
    char_mm = 12 * 0.5 * 25.4 / 72
    assert min(widths[-2:]) > len("3.730.000.000") * char_mm  # one line, not "3.730.000.00 / 0"


def test_in_a_list_of_models_the_names_get_the_width_and_repeated_words_wrap() -> None:
    """Biểu 8: a name of 60 characters on two lines at most; the field, a few values repeated,
    on two lines rather than one."""
    from pipeline.outputs.docx.table_frames import column_widths

    fields = ("Xây dựng hệ thống chính trị", "Văn hóa - xã hội", "Kinh tế", "Quốc phòng - an ninh")
    rows = [
        (n, f"Mô hình số {n} về giúp nhau phát triển kinh tế - khu phố số {n:02d}", fields[n % 4]) for n in range(40)
    ]
    name, field = column_widths(("STT", "Tên mô hình", "Lĩnh vực"), rows, 252.0, 12.0)[1:]
    char_mm = 12 * 0.5 * 25.4 / 72
    assert name * 2 > len(rows[0][1]) * char_mm + 2 * 4.2  # two lines hold the name
    assert field < len(fields[0]) * char_mm  # the longest field wraps
    assert name > 3 * field


# --------------------------------------------------------------------------- format read back from the XML


ALLOWED_SIZES = {11.0, 12.0, 14.0, 15.0, 16.0}


def _style_size(style: Any) -> float | None:
    """The font size a paragraph style gives, following its base styles."""
    while style is not None:
        if style.font.size is not None:
            return float(style.font.size.pt)
        style = style.base_style
    return None


def _runs_with_paragraphs(doc: Any) -> Iterator[tuple[Any, Any]]:
    """Every (paragraph, run) of the body, table cells included."""
    for paragraph in doc.paragraphs:
        yield from ((paragraph, run) for run in paragraph.runs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from ((paragraph, run) for run in paragraph.runs)


def _effective_size(paragraph: Any, run: Any) -> float | None:
    return float(run.font.size.pt) if run.font.size is not None else _style_size(paragraph.style)


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_every_run_has_a_size_of_the_party_format(reports: dict[str, Any], kind: str) -> None:
    sizes = {_effective_size(p, r) for p, r in _runs_with_paragraphs(reports[kind])}
    assert sizes <= ALLOWED_SIZES
    assert {14.0, 15.0, 16.0, 12.0} <= sizes  # body, party name, document type, recipients and tables


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_layout_tables_have_no_visible_borders(reports: dict[str, Any], kind: str) -> None:
    doc = reports[kind]
    layout = [doc.tables[0], next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")]
    for table in layout:
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
        assert len(borders) == 6  # top, left, bottom, right, inside horizontal and vertical
        assert not table._tbl.xpath(".//w:tcBorders")


def test_title_block_sizes_and_weights(reports: dict[str, Any], config: Config) -> None:
    doc = reports["province"]
    left, right = _header_cells(doc)
    assert [_effective_size(p, p.runs[0]) for p in left] == [14.0] * 4
    assert [p.runs[0].bold for p in left] == [None, True, None, None]
    party = right[0]
    assert party.runs[0].font.underline is True and _effective_size(party, party.runs[0]) == 15.0
    texts = _texts(doc)
    doc_type, subject = doc.paragraphs[texts.index("BÁO CÁO")], doc.paragraphs[texts.index("BÁO CÁO") + 1]
    assert (doc_type.runs[0].bold, _effective_size(doc_type, doc_type.runs[0])) == (True, 16.0)
    assert (subject.runs[0].bold, _effective_size(subject, subject.runs[0])) == (True, 14.0)
    assert doc_type.style.paragraph_format.alignment == 1 and subject.style.paragraph_format.alignment == 1


def test_body_paragraphs_are_justified_with_a_first_line_indent(reports: dict[str, Any]) -> None:
    doc = reports["province"]
    body = [p for p in doc.paragraphs if p.style.name in ("Normal", "DVK Written") and p.text]
    assert len(body) > 20
    assert all(p.paragraph_format.alignment is None and p.paragraph_format.first_line_indent is None for p in body)
    for style in ("Normal", "DVK Written"):  # the ward's words look like the rest of the body
        pf = doc.styles[style].paragraph_format
        aligned = pf.alignment if pf.alignment is not None else doc.styles["Normal"].paragraph_format.alignment
        indent = pf.first_line_indent or doc.styles["Normal"].paragraph_format.first_line_indent
        assert (aligned, round(indent.mm)) == (3, 10)  # justified, 1 cm
    headings = [p for p in doc.paragraphs if p.text.startswith(("I. ", "II. ", "III. ", "IV. ", "V. "))]
    assert len(headings) == 5 and all(p.style.font.bold for p in headings)


def test_grouped_columns_have_a_two_row_header_repeated_on_every_page(reports: dict[str, Any]) -> None:
    doc = reports["province"]
    caption = "Biểu 1. Mô hình của các đơn vị theo lĩnh vực (mới đăng ký, tiếp tục thực hiện) năm 2026"
    table = _table_after(doc, caption)
    first, second = table.rows[0]._tr, table.rows[1]._tr
    assert first.trPr.find(qn("w:tblHeader")) is not None and second.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[2]._tr.trPr.find(qn("w:tblHeader")) is None
    spans = [tc.tcPr.find(qn("w:gridSpan")) for tc in first.tc_lst]
    assert [int(s.get(qn("w:val"))) if s is not None else 1 for s in spans] == [1, 2, 2, 2, 2, 1]
    restart = first.tc_lst[0].tcPr.find(qn("w:vMerge"))
    assert restart is not None and restart.get(qn("w:val")) == "restart"
    assert [c.text for c in table.rows[1].cells][1:3] == ["Mới", "Tiếp tục"]


def test_appendix_tables_repeat_their_header_and_have_explicit_widths(reports: dict[str, Any]) -> None:
    doc = reports["province"]
    texts = _texts(doc)
    captions = [t for t in texts[texts.index("PHỤ LỤC") :] if t.startswith("Biểu ")]
    for caption in captions:
        table = _table_after(doc, caption)
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None, caption
        widths = [int(w.get(qn("w:w"))) for w in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        assert all(w > 0 for w in widths), caption
        # the landscape text width: 297 mm less the 30 and 15 mm margins
        assert abs(sum(widths) - round(252 / 25.4 * 1440)) <= len(widths), caption


def test_the_plans_sentences_are_left_out_when_no_report_carried_their_fields(
    stats: Statistics, data: Consolidation, config: Config
) -> None:
    """Reports on templates older than 2026.2 carry no plan fields: no sentence prints their zeros."""
    figures = {k: (0 if k.startswith("activity_reported_") else v) for k, v in stats.figures.items()}
    body = _body(build_report("province", dataclasses.replace(stats, figures=figures), data, config, None))
    assert "Về bồi dưỡng, tập huấn" not in body and "ban hành kế hoạch thực hiện" not in body
    assert "Về bồi dưỡng, tập huấn: " in _body(build_report("province", stats, data, config, None))
