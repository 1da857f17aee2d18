"""The clerk's document read back: recognised by its marker or its headings, parts by heading text,
the clerk's habits tolerated; documents not ours refused with a finding."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from pipeline.config import Config
from pipeline.intake.narrative import (
    ACTIVITIES_LABEL,
    ASSESSMENT,
    LEADERSHIP,
    PROPOSALS,
    TASKS,
    Activity,
    Line,
    NarrativeFile,
    NarrativeText,
    read_narrative,
)
from pipeline.intake.read import check_file, read_file
from pipeline.intake.receive import receive
from pipeline.intake.validate import Submission
from pipeline.outputs.docx.narrative import narrative_bytes
from pipeline.outputs.docx.report import report_bytes
from pipeline.year.stats import statistics
from tests.support.builder import report_consolidation

TEXT = NarrativeText(
    {
        LEADERSHIP: (Line("Thực hiện Kế hoạch số 04-KH/BTGDVTU, Đảng ủy phường lãnh đạo, chỉ đạo."),),
        ASSESSMENT: (Line("Nhìn chung đạt kết quả."), Line("1. Ưu điểm", True), Line("- Sâu sát.")),
        TASKS: (Line("- Nhân rộng mô hình."),),
        PROPOSALS: (Line("Đề nghị mở lớp tập huấn."),),
    },
    (Activity("Ban hành văn bản", "số 12-KH/ĐU, ngày 15/9/2025", "Kế hoạch về tiếp tục đẩy mạnh"),),
)


def _read(tmp_path: Path, data: bytes, year: int = 2026, name: str = "noi-dung.docx") -> NarrativeFile | Submission:
    path = tmp_path / name
    path.write_bytes(data)
    return read_narrative(receive(path, name), year)


def _saved(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _taken(read: NarrativeFile | Submission) -> NarrativeFile:
    assert isinstance(read, NarrativeFile) and read.taken, read
    return read


def _codes(read: NarrativeFile | Submission) -> list[str]:
    return [f.code for f in read.findings]


def _paragraph(doc: Any, text: str) -> Any:
    return next(p for p in doc.paragraphs if p.text == text)


def test_the_issued_document_reads_back_as_it_was_written(tmp_path: Path, config: Config) -> None:
    read = _taken(_read(tmp_path, narrative_bytes(TEXT, config, 2026)))
    assert read.text == TEXT and read.has_table and read.findings == () and read.year == 2026


def test_read_file_routes_a_word_document_here_and_check_file_calls_it_no_workbook(
    tmp_path: Path, config: Config
) -> None:
    path = tmp_path / "noi-dung.docx"
    path.write_bytes(narrative_bytes(TEXT, config, 2026))
    assert _taken(read_file(path, "noi-dung.docx", config, 2026)).text == TEXT
    checked = check_file(path, "noi-dung.docx", config, 2026)
    assert [(f.code, f.message) for f in checked.findings] == [
        (
            "not-a-workbook",
            "Tệp không phải là bảng tính Excel đọc được (đây là văn bản Word (.docx), không phải bảng tính).",
        )
    ]


def test_the_clerks_habits_are_tolerated(tmp_path: Path, config: Config) -> None:
    doc = docx.Document(io.BytesIO(narrative_bytes(TEXT, config, 2026)))
    _paragraph(doc, "III. ĐÁNH GIÁ CHUNG").text = "III. Đánh giá chung"  # retyped heading
    heading = _paragraph(doc, "IV. NHIỆM VỤ NĂM 2027")
    heading.style = doc.styles["Normal"]
    heading.insert_paragraph_before("   ")  # an empty paragraph
    sub = _paragraph(doc, "1. Ưu điểm")
    sub.style = doc.styles["Normal"]  # still a sub-heading by its text
    bullet = _paragraph(doc, "Đề nghị mở lớp tập huấn.")
    bullet.style = doc.styles["List Bullet"]  # a bullet added in Word
    added = doc.add_paragraph("• Đề nghị cấp tài liệu tuyên truyền.")
    added.insert_paragraph_before("Ghi chú cuối", style="Heading 2")  # a sub-heading of the clerk's own
    _track_changes(_paragraph(doc, "Nhìn chung đạt kết quả."))
    read = _taken(_read(tmp_path, _saved(doc)))
    assert read.findings == ()
    assert read.text.part(ASSESSMENT) == (
        Line("Nhìn chung đạt kết quả tốt."),
        Line("1. Ưu điểm", True),
        Line("- Sâu sát."),
    )
    assert read.text.part(PROPOSALS) == (
        Line("- Đề nghị mở lớp tập huấn."),
        Line("Ghi chú cuối", True),
        Line("- Đề nghị cấp tài liệu tuyên truyền."),
    )


def _track_changes(paragraph: Any) -> None:
    """The paragraph as Word keeps tracked changes: "kết quả" kept, " xấu" deleted, " tốt" inserted."""
    run = paragraph.runs[0]
    run.text = "Nhìn chung đạt kết quả"
    deleted, inserted = OxmlElement("w:del"), OxmlElement("w:ins")
    gone = copy.deepcopy(run._r)
    text = gone.find(qn("w:t"))
    text.tag = qn("w:delText")
    text.text = " xấu"
    deleted.append(gone)
    added = copy.deepcopy(run._r)
    added.find(qn("w:t")).text = " tốt."
    inserted.append(added)
    run._r.addnext(deleted)
    deleted.addnext(inserted)


def test_without_its_marker_the_document_is_known_by_its_headings(tmp_path: Path, config: Config) -> None:
    doc = docx.Document(io.BytesIO(narrative_bytes(TEXT, config, 2026)))
    doc.core_properties.identifier = ""
    assert _taken(_read(tmp_path, _saved(doc))).text == TEXT


def test_another_years_document_is_refused(tmp_path: Path, config: Config) -> None:
    read = _read(tmp_path, narrative_bytes(TEXT, config, 2025))
    assert isinstance(read, NarrativeFile) and not read.taken and read.year == 2025
    assert [(f.code, f.message) for f in read.findings] == [
        (
            "narrative-wrong-year",
            "Tệp nội dung báo cáo là của năm 2025, không phải năm 2026; nội dung trong tệp không được dùng.",
        )
    ]


def _report(config: Config) -> bytes:
    data = report_consolidation(config)
    return report_bytes("province", statistics(data, config), data, config, None)


@pytest.mark.parametrize(
    ("kind", "detail"),
    [
        pytest.param("letter", "không có dấu nhận dạng và các đề mục I, III, IV, V của báo cáo", id="a-letter"),
        pytest.param("report", "không có dấu nhận dạng và các đề mục I, III, IV, V của báo cáo", id="a-report"),
        pytest.param("damaged", "tệp bị hỏng, không mở được", id="damaged"),
    ],
)
def test_a_word_document_not_ours_is_refused(tmp_path: Path, config: Config, kind: str, detail: str) -> None:
    if kind == "letter":
        letter = docx.Document()
        letter.add_paragraph("Kính gửi Ban Xây dựng Đảng")
        data = _saved(letter)
    elif kind == "report":
        data = _report(config)  # a report of ours, edited and copied back by mistake
    else:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as package:
            package.writestr("word/document.xml", "<w:document")
        data = out.getvalue()
    read = _read(tmp_path, data)
    assert isinstance(read, Submission) and not read.accepted
    assert [(f.code, f.message) for f in read.findings] == [
        (
            "foreign-document",
            f"Tệp là văn bản Word (.docx) nhưng không phải tệp nội dung báo cáo năm 2026 ({detail}); "
            "nội dung trong tệp không được dùng.",
        )
    ]


def test_missing_parts_and_tables_not_ours_are_findings(tmp_path: Path, config: Config) -> None:
    doc = docx.Document(io.BytesIO(narrative_bytes(TEXT, config, 2026)))
    for text in ("Nhìn chung đạt kết quả.", "- Sâu sát."):  # III keeps only its sub-heading
        paragraph = _paragraph(doc, text)
        paragraph._p.getparent().remove(paragraph._p)
    activities = doc.tables[0]
    activities._tbl.getparent().remove(activities._tbl)
    _paragraph(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ").text = "V. ĐỀ XUẤT"  # renamed: V's lines run on under IV
    doc.add_table(rows=2, cols=2).rows[0].cells[0].text = "Chỉ tiêu"
    read = _taken(_read(tmp_path, _saved(doc)))
    assert [(f.code, f.severity) for f in read.findings] == [
        ("narrative-table-ignored", "warning"),
        ("narrative-part-missing", "warning"),
        ("narrative-part-missing", "warning"),
        ("narrative-part-missing", "warning"),
    ]
    assert [f.message for f in read.findings][2:] == [
        "Không tìm thấy nội dung của “V. ĐỀ XUẤT, KIẾN NGHỊ” (đề mục bị xóa, bị sửa chữ hoặc phần để trống); "
        "báo cáo dùng nội dung soạn sẵn của phần này.",
        f"Không tìm thấy nội dung của “{ACTIVITIES_LABEL}” (đề mục bị xóa, bị sửa chữ hoặc phần để trống); "
        "báo cáo dùng nội dung soạn sẵn của phần này.",
    ]
    assert read.findings[1].message.startswith("Không tìm thấy nội dung của “III. ĐÁNH GIÁ CHUNG”")
    assert not read.has_table and PROPOSALS not in read.text.parts and ASSESSMENT not in read.text.parts
    assert read.text.part(TASKS)[-2:] == (Line("V. ĐỀ XUẤT", True), Line("Đề nghị mở lớp tập huấn."))
