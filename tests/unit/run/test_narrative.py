"""The reports' written parts, round trip: the clerk's document issued by a consolidation, edited in
Word (here with python-docx, as a clerk would), copied into the inbox, taken by both reports, kept
by a rebuild; a Word document that is not ours is a finding, not a stop."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import docx
import pytest

from pipeline.config import Config
from pipeline.core.paths import NARRATIVE_FILE
from pipeline.run.cycle import RunResult, rebuild, run_consolidation
from pipeline.run.render import render_summary
from tests.support.builder import activity_answers, drop_file, drop_workbook, morning_of, new_workspace
from tests.support.docxtext import document_text

NOW = dt.datetime(2026, 11, 30, 8, 0)
LATER = dt.datetime(2026, 12, 3, 8, 0)
ISSUED = NARRATIVE_FILE.format(year=2026)
REPORTS = ("bao-cao-tinh-2026.docx", "bao-cao-thuong-truc-2026.docx")
NEW_ASSESSMENT = "Cấp ủy các chi bộ quan tâm lãnh đạo; nhiều mô hình gắn với nhiệm vụ chính trị của địa phương."
ADDED_PROPOSAL = "Đề nghị Ban Tuyên giáo và Dân vận Tỉnh ủy mở lớp tập huấn cho cán bộ làm công tác dân vận."
CONFERENCE = ("Hội nghị triển khai Hướng dẫn số 15-HD/BTGDVTU", "ngày 05/10/2025")
# Words no report may hold: a bracketed note, a path or a key of the configuration, the tool's name.
FORBIDDEN = ("[", "config", ".yaml", "narrative", "dvk")


def _unit(config: Config, strengths: str = "", requests: str = "") -> dict[str, Any]:
    scores = {f.key: 10.0 for f in config.template.sheet("models").score_fields()}
    model = {"name": "Camera an ninh", "field": "Kinh tế", "status": "Mới đăng ký", "start_year": 2026}
    return {
        "unit": {
            "preparer": "Trần Văn Minh",
            "report_date": dt.date(2026, 11, 20),
            "strengths": strengths,
            "requests": requests,
        },
        "models": [{**model, "proposal": "Không đề nghị", **scores}],
        "activities": activity_answers(config),
    }


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, Config]:
    """2026 consolidated once: three units, two of which asked the same thing in other words."""
    config = new_workspace(tmp_path)
    answers = {
        "KP-BD01": _unit(config, "Chi ủy sâu sát, Nhân dân đồng tình.", "Đề nghị hỗ trợ kinh phí."),
        "KP-BD02": _unit(config, requests="đề nghị hỗ trợ kinh phí"),
        "MTTQ": _unit(config, "Chi uỷ sâu sát, nhân dân đồng tình"),
    }
    for code, filled in answers.items():
        drop_workbook(tmp_path, config, code, filled, f"{code}.xlsx", morning_of(dt.date(2026, 11, 20)), 2026)
    _run(tmp_path, config, NOW)
    return tmp_path, config


def _run(root: Path, config: Config, now: dt.datetime) -> RunResult:
    return run_consolidation(root, config, 2026, dt.date(2026, 12, 5), now=now)


def _text(path: Path) -> str:
    return document_text(docx.Document(str(path)))


def _lines_under(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    return lines[lines.index(heading) + 1 :]


def _paragraph(doc: Any, text: str) -> Any:
    return next(p for p in doc.paragraphs if p.text == text)


def _edit_as_a_clerk(issued: Path) -> bytes:
    """The issued document edited in Word: a paragraph of III replaced, an empty paragraph added, a
    sub-heading's style changed, a bulleted proposal added under V, a table row filled."""
    doc = docx.Document(str(issued))
    heading = _paragraph(doc, "III. ĐÁNH GIÁ CHUNG")
    first = _after(doc, heading)
    first.text = NEW_ASSESSMENT
    first.insert_paragraph_before("")
    _paragraph(doc, "2. Hạn chế, nguyên nhân").style = doc.styles["Normal"]
    doc.add_paragraph(ADDED_PROPOSAL, style="List Bullet")  # V is the last part
    table = doc.tables[0]
    row = next(r for r in table.rows if r.cells[0].text == "Hội nghị")
    row.cells[2].text, row.cells[1].text = CONFERENCE
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _following(doc: Any, paragraph: Any) -> list[Any]:
    """The paragraphs after ``paragraph`` in the body."""
    index = next(i for i, p in enumerate(doc.paragraphs) if p._p is paragraph._p)
    return list(doc.paragraphs[index + 1 :])


def _after(doc: Any, paragraph: Any) -> Any:
    """The paragraph that follows ``paragraph`` in the body."""
    return _following(doc, paragraph)[0]


def test_the_clerks_edit_reaches_both_reports_and_survives_a_rebuild(ward: tuple[Path, Config]) -> None:
    root, config = ward
    folder = root / "outbox" / "2026"
    issued = folder / ISSUED
    drafted = _text(issued)
    assert "Chi ủy sâu sát, Nhân dân đồng tình (2 đơn vị: Chi bộ khu phố Liêm Định, Ủy ban Mặt trận" in drafted
    replaced = _lines_under(drafted, "III. ĐÁNH GIÁ CHUNG")[0]

    drop_file(root, "ban sua/noi dung bao cao.docx", _edit_as_a_clerk(issued), morning_of(dt.date(2026, 12, 2)))
    result = _run(root, config, LATER)

    assert result.narrative_used == "ban sua/noi dung bao cao.docx" and not result.failed
    assert [n.findings for n in result.narratives] == [()]
    assert "Tệp nội dung báo cáo “ban sua/noi dung bao cao.docx”: đã dùng" in render_summary(result)
    assert result.summary(root)["narrative"]["used"] == "ban sua/noi dung bao cao.docx"
    province, standing = (_text(folder / name) for name in REPORTS)
    assessment = _lines_under(province, "III. ĐÁNH GIÁ CHUNG")
    assert assessment[0] == NEW_ASSESSMENT and replaced not in province
    assert "2. Hạn chế, nguyên nhân" in assessment
    proposals = _lines_under(province, "V. ĐỀ XUẤT, KIẾN NGHỊ")
    assert proposals[:3] == [
        "Các cơ quan, đơn vị, địa phương có các kiến nghị, đề xuất sau:",
        "- Đề nghị hỗ trợ kinh phí (2 đơn vị: Chi bộ khu phố Liêm Định, Chi bộ khu phố Kim Châu).",
        f"- {ADDED_PROPOSAL}",
    ]
    conference = f"- Tổ chức {CONFERENCE[0]} ({CONFERENCE[1]})."
    for report in (province, standing):
        leadership = _lines_under(report, "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO")
        assert conference in leadership[: leadership.index("II. KẾT QUẢ THỰC HIỆN")]
        assert "Hướng dẫn:" not in report and "Hội nghị | " not in report
        words = re.sub(r"^\[ô \d+\] ", "", report, flags=re.MULTILINE).lower()  # docxtext's cell marks
        assert not [word for word in FORBIDDEN if word in words]
    assert NEW_ASSESSMENT not in standing  # its III is its own

    reissued = _text(issued)
    assert NEW_ASSESSMENT in reissued and "“ban sua/noi dung bao cao.docx”" in reissued
    built = {name: (folder / name).read_bytes() for name in (*REPORTS, ISSUED)}
    assert rebuild(root, config) == [2026]
    for name in built:
        (folder / name).unlink()  # built again from the rebuilt register and the archive
    again = _run(root, config, LATER)
    assert again.narrative_used == result.narrative_used
    assert {name: (folder / name).read_bytes() for name in built} == built


def test_a_word_document_that_is_not_ours_is_a_finding_and_the_run_goes_on(ward: tuple[Path, Config]) -> None:
    root, config = ward
    letter = docx.Document()
    letter.add_paragraph("BÁO CÁO kết quả thực hiện Phong trào thi đua “Dân vận khéo” của Chi bộ khu phố Liêm Định")
    out = io.BytesIO()
    letter.save(out)
    drop_file(root, "bao cao chi bo.docx", out.getvalue(), morning_of(dt.date(2026, 11, 21)))
    result = _run(root, config, LATER)

    refused = [s for s in result.submissions if s.source.name == "bao cao chi bo.docx"]
    assert [f.code for s in refused for f in s.findings] == ["foreign-document"]
    assert refused[0].findings[0].message.startswith("Tệp là văn bản Word (.docx) nhưng không phải tệp nội dung")
    assert result.failed and result.narrative_used == "" and result.narratives == ()
    assert all((root / "outbox" / "2026" / name).exists() for name in (*REPORTS, ISSUED))


def test_another_years_document_is_refused_and_the_draft_stands(ward: tuple[Path, Config]) -> None:
    root, config = ward
    issued = root / "outbox" / "2026" / ISSUED
    doc = docx.Document(str(issued))
    doc.core_properties.identifier = "dvk-noi-dung-bao-cao;2025"
    _after(doc, _paragraph(doc, "III. ĐÁNH GIÁ CHUNG")).text = NEW_ASSESSMENT
    out = io.BytesIO()
    doc.save(out)
    drop_file(root, "nam truoc.docx", out.getvalue(), morning_of(dt.date(2026, 12, 1)))
    result = _run(root, config, LATER)

    assert [f.code for n in result.narratives for f in n.findings] == ["narrative-wrong-year"]
    assert result.failed and result.refused_narratives() == list(result.narratives)
    assert "“nam truoc.docx”: bị trả lại. Tệp nội dung báo cáo là của năm 2025" in render_summary(result)
    assert NEW_ASSESSMENT not in _text(root / "outbox" / "2026" / REPORTS[0])


def test_a_later_document_takes_over_and_a_part_left_empty_keeps_the_draft(ward: tuple[Path, Config]) -> None:
    root, config = ward
    issued = root / "outbox" / "2026" / ISSUED
    drop_file(root, "lan 1.docx", _edit_as_a_clerk(issued), morning_of(dt.date(2026, 12, 1)))
    _run(root, config, LATER)
    doc = docx.Document(str(issued))
    heading = _paragraph(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ")
    for paragraph in _following(doc, heading):
        paragraph._p.getparent().remove(paragraph._p)
    out = io.BytesIO()
    doc.save(out)
    drop_file(root, "lan 2.docx", out.getvalue(), morning_of(dt.date(2026, 12, 2)))
    result = _run(root, config, LATER + dt.timedelta(hours=1))

    assert result.narrative_used == "lan 2.docx" and not result.failed
    assert [f.code for f in result.narratives[-1].findings] == ["narrative-part-missing"]
    province = _text(root / "outbox" / "2026" / REPORTS[0])
    assert _lines_under(province, "III. ĐÁNH GIÁ CHUNG")[0] == NEW_ASSESSMENT  # the first edit, carried over
    assert ADDED_PROPOSAL not in province  # V emptied: the draft stands
    assert "- Đề nghị hỗ trợ kinh phí (2 đơn vị" in province
    assert [f["verdict"] for f in result.summary(root)["narrative"]["files"]] == ["accepted", "accepted"]
