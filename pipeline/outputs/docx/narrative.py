"""The clerk's document of the reports' written parts (``noi-dung-bao-cao-<year>.docx``), to edit in Word.

Contract: :func:`narrative_bytes` ``(text, config, year, source) -> bytes`` is pure and gives the
same bytes for the same inputs (fixed core properties, fixed zip entries). The document is laid out
as :mod:`pipeline.intake.narrative` reads it back: a title and the clerk's instructions (italic,
before the first heading, so never read back into a report), then parts I, III, IV and V under
their headings (:func:`~pipeline.intake.narrative.part_heading`) in the reports' font and styles,
each with its paragraphs (pre-drafted, or as the clerk last wrote them: ``text``), and after part
I's paragraphs the table of the leadership's own activities (its rows, then one empty row per
kind of activity and two blank ones to fill). A sub-heading or a part with nothing under it gets
an empty paragraph to write in. The core property ``identifier`` carries the marker that
recognises the document when it comes back through the inbox. ``source`` names the clerk's file
the text comes from ("" for the pre-draft), for the instructions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ...config import Config
from ...intake.narrative import (
    ACTIVITY_COLUMNS,
    ACTIVITY_KINDS,
    LEADERSHIP,
    PARTS,
    Activity,
    Line,
    NarrativeText,
    identifier,
    part_heading,
)
from ...year.stat_table import Cell, StatTable
from . import style as fmt
from .table_frames import add_data_table
from .tables import TableBodies

TITLE = "NỘI DUNG CÁC PHẦN I, III, IV, V CỦA BÁO CÁO KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” NĂM {year}"
BLANK_ROWS = 2
ACTIVITY_WIDTHS_MM = (40.0, 45.0)  # kind, number and date; the content takes the rest


def narrative_bytes(text: NarrativeText, config: Config, year: int, source: str = "") -> bytes:
    """The clerk's document of ``year`` holding ``text`` (see the module)."""
    org = config.organization
    doc = fmt.new_document(org.document)
    font = org.document.font
    fmt.add_paragraph(doc, TITLE.format(year=year), font, fmt.CENTERED, bold=True)
    for instruction in _instructions(config, year, source):
        fmt.add_paragraph(doc, instruction, font, fmt.BODY, italic=True)
    bodies = TableBodies()
    for key in PARTS:
        fmt.add_paragraph(doc, part_heading(key, year), font, fmt.HEADING)
        _lines(doc, font, text.part(key))
        if key == LEADERSHIP:
            width = fmt.text_width_mm(org.document)
            widths = (*ACTIVITY_WIDTHS_MM, width - sum(ACTIVITY_WIDTHS_MM))
            add_data_table(doc, font, _activities_table(text.activities), width, bodies, widths)
            fmt.add_paragraph(doc, "", font)
    fixed = dt.datetime(year, 12, 1)
    fmt.set_core_properties(doc, org.collecting_board, f"Nội dung các phần I, III, IV, V của báo cáo năm {year}", fixed)
    doc.core_properties.identifier = identifier(year)
    return bodies.package(doc)


def _instructions(config: Config, year: int, source: str) -> list[str]:
    reports = config.organization.reports
    lines = [
        f"Hướng dẫn: đây là nội dung các phần lời văn của báo cáo năm {year}, soạn sẵn từ số liệu đã tổng hợp, "
        "ý kiến của các đơn vị và kế hoạch thực hiện Phong trào. Hãy sửa, bổ sung ngay trong Word nội dung dưới "
        "mỗi đề mục; giữ nguyên các dòng đề mục in đậm I, III, IV, V (có thể thêm đoạn văn, gạch đầu dòng, đề mục "
        "nhỏ). Ghi các hoạt động lãnh đạo, chỉ đạo (ban hành văn bản, hội nghị, tập huấn, bồi dưỡng, kiểm tra, giám "
        "sát, sơ kết, tổng kết) vào bảng ở phần I, mỗi hoạt động một dòng; dòng để trống cột “Nội dung” không được "
        "đưa vào báo cáo.",
        "Sửa xong, lưu tệp (giữ dạng Word .docx), chép tệp vào thư mục inbox/ rồi chạy lại tổng hợp "
        f"(dvk consolidate --year {year}): báo cáo gửi {reports['province'].addressee} lấy các phần I, III, IV, V "
        f"và báo cáo gửi {reports['standing'].addressee} lấy phần I từ tệp này; phần nào để trống thì báo cáo dùng "
        "nội dung soạn sẵn. Số liệu ở các phần khác của báo cáo được cập nhật mỗi lần tổng hợp, còn nội dung trong "
        "tệp này được dùng đúng như đã sửa: khi có đơn vị gửi bổ sung, hãy đối chiếu lại các số liệu đã ghi. Các "
        "dòng hướng dẫn này không được đưa vào báo cáo.",
    ]
    if source:
        lines.append(
            f"Nội dung dưới đây là bản đã sửa trong tệp “{source}” nhận được sau cùng; phần nào bản đó để trống là "
            "nội dung soạn sẵn."
        )
    return lines


def _lines(doc: object, font: str, lines: Sequence[Line]) -> None:
    """The part's paragraphs; an empty one to write in under a sub-heading with nothing under it, or
    when the part has nothing at all."""
    for index, line in enumerate(lines):
        fmt.add_paragraph(doc, line.text, font, fmt.SUBHEADING if line.subheading else fmt.BODY)
        if line.subheading and (index + 1 == len(lines) or lines[index + 1].subheading):
            fmt.add_paragraph(doc, "", font)
    if not lines:
        fmt.add_paragraph(doc, "", font)


def _activities_table(activities: Sequence[Activity]) -> StatTable:
    """The activities, then one row per kind of activity and blank rows for the clerk to fill."""
    rows: list[tuple[Cell, ...]] = [(a.kind, a.reference, a.content) for a in activities]
    rows += [(kind, "", "") for kind in ACTIVITY_KINDS]
    rows += [("", "", "")] * BLANK_ROWS
    return StatTable("leadership_activities", "", ACTIVITY_COLUMNS, tuple(rows))
