"""The parts people write: the clerk's document as issued, and both reports' parts I and III-V
(and the standing report's grouped opinions) from it or from the pre-draft."""

from __future__ import annotations

import dataclasses
import io
import re
from typing import Any

import docx
import pytest

from pipeline.config import Config
from pipeline.intake.narrative import (
    ACTIVITY_KINDS,
    ASSESSMENT,
    LEADERSHIP,
    PROPOSALS,
    Activity,
    Line,
    NarrativeText,
    identifier,
)
from pipeline.outputs.docx import style as fmt
from pipeline.outputs.docx.narrative import narrative_bytes
from pipeline.outputs.docx.report import report_bytes
from pipeline.outputs.docx.sections import activity_line
from pipeline.year.consolidate import ON_TIME, Consolidation
from pipeline.year.narrative import draft_narrative
from pipeline.year.stats import Statistics, statistics
from tests.support.builder import previous_figures, report_consolidation, unit_of, unit_status
from tests.support.docxtext import document_text

DATE = None
# Words no report may hold: a bracketed note, a path or a key of the configuration, the tool's name.
FORBIDDEN = ("[", "config", ".yaml", "narrative", "dvk")


@pytest.fixture(scope="module")
def data(config: Config) -> Consolidation:
    return report_consolidation(config)


@pytest.fixture(scope="module")
def stats(data: Consolidation, config: Config) -> Statistics:
    return statistics(data, config, previous_figures(config))


def _open(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def _texts(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _after(texts: list[str], heading: str) -> list[str]:
    return texts[texts.index(heading) + 1 :]


def _report(
    kind: str, stats: Statistics, data: Consolidation, config: Config, text: NarrativeText | None = None
) -> Any:
    return _open(report_bytes(kind, stats, data, config, DATE, text))


# --------------------------------------------------------------------------- the clerk's document


def test_the_document_is_deterministic_and_marked(stats: Statistics, data: Consolidation, config: Config) -> None:
    draft = draft_narrative(stats, data, config)
    issued = narrative_bytes(draft, config, 2026)
    assert narrative_bytes(draft, config, 2026) == issued
    doc = _open(issued)
    assert doc.core_properties.identifier == identifier(2026) == "dvk-noi-dung-bao-cao;2026"
    assert doc.core_properties.author == config.organization.collecting_board


def test_the_document_has_the_instructions_first_then_the_parts(
    stats: Statistics, data: Consolidation, config: Config
) -> None:
    doc = _open(narrative_bytes(draft_narrative(stats, data, config), config, 2026, "ban-sua.docx"))
    paragraphs = doc.paragraphs
    headings = [p.text for p in paragraphs if p.style.name == fmt.HEADING]
    assert headings == [
        "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. NHIỆM VỤ NĂM 2027",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    first = next(i for i, p in enumerate(paragraphs) if p.style.name == fmt.HEADING)
    instructions = paragraphs[1:first]
    assert instructions[0].text.startswith("Hướng dẫn: đây là nội dung các phần lời văn của báo cáo năm 2026")
    assert "chép tệp vào thư mục inbox/" in instructions[1].text
    assert "“ban-sua.docx”" in instructions[2].text
    assert all(run.italic for p in instructions for run in p.runs)
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["Hoạt động", "Số, ký hiệu, ngày", "Nội dung"]
    assert rows[1] == [
        "Ban hành văn bản",
        "",
        "Kế hoạch về tiếp tục đẩy mạnh thực hiện Phong trào thi đua “Dân vận khéo”",
    ]
    assert [r[0] for r in rows[2:]] == [*ACTIVITY_KINDS, "", ""]
    texts = _texts(doc)
    assert _after(texts, "3. Bài học kinh nghiệm")[0] == ""  # room to write under an empty sub-heading


# --------------------------------------------------------------------------- the reports


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_no_report_holds_a_placeholder_a_path_a_key_or_the_tools_name(
    stats: Statistics, data: Consolidation, config: Config, kind: str
) -> None:
    text = document_text(_report(kind, stats, data, config))
    words = re.sub(r"^\[ô \d+\] ", "", text, flags=re.MULTILINE).lower()  # docxtext's cell marks
    assert [word for word in FORBIDDEN if word in words] == []


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_part_one_opens_with_the_written_opening_and_the_activities(
    stats: Statistics, data: Consolidation, config: Config, kind: str
) -> None:
    written = NarrativeText(
        {
            LEADERSHIP: (
                Line("Đảng ủy phường ban hành Kế hoạch số 12-KH/ĐU."),
                Line("Chỉ đạo", True),
                Line("- Sát sao."),
            )
        },
        (Activity("Hội nghị", "ngày 05/10/2025", "Hội nghị triển khai Hướng dẫn số 15-HD/BTGDVTU"),),
    )
    doc = _report(kind, stats, data, config, written)
    texts = _texts(doc)
    assert _after(texts, "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO")[:6] == [
        "Đảng ủy phường ban hành Kế hoạch số 12-KH/ĐU.",
        "Chỉ đạo",
        "- Sát sao.",
        "Các hoạt động lãnh đạo, chỉ đạo đã thực hiện:",
        "- Tổ chức Hội nghị triển khai Hướng dẫn số 15-HD/BTGDVTU (ngày 05/10/2025).",
        "Đảng ủy phường Bình Định chỉ đạo 7 cơ quan, đơn vị, địa phương báo cáo kết quả thực hiện Phong trào "
        "thi đua “Dân vận khéo” năm 2026; đã có 5 đơn vị gửi báo cáo (3 đúng hạn, 2 trễ hạn), 1 đơn vị có báo cáo "
        "bị trả lại, chưa gửi lại, 1 đơn vị chưa gửi.",
    ]
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles["Chỉ đạo"] == fmt.SUBHEADING and styles["- Sát sao."] == fmt.WRITTEN


def test_the_province_report_prints_three_to_five_and_leaves_out_what_has_nothing(
    stats: Statistics, data: Consolidation, config: Config
) -> None:
    texts = _texts(_report("province", stats, data, config))
    assessment = _after(texts, "III. ĐÁNH GIÁ CHUNG")
    assert assessment[:3] == draft_texts(stats, data, config)[:3]
    assert "3. Bài học kinh nghiệm" not in texts  # a sub-heading with nothing under it
    assert "IV. NHIỆM VỤ NĂM 2027" in texts and "V. ĐỀ XUẤT, KIẾN NGHỊ" in texts

    no_tasks = NarrativeText(
        {ASSESSMENT: (Line("Đạt yêu cầu."),), PROPOSALS: (Line("Đề nghị tập huấn."),)},
    )
    texts = _texts(_report("province", stats, data, config, no_tasks))
    assert _after(texts, "III. ĐÁNH GIÁ CHUNG")[:3] == ["Đạt yêu cầu.", "IV. ĐỀ XUẤT, KIẾN NGHỊ", "Đề nghị tập huấn."]
    assert not [t for t in texts if t.startswith("V. ")]


def draft_texts(stats: Statistics, data: Consolidation, config: Config) -> list[str]:
    return [line.text for line in draft_narrative(stats, data, config).part(ASSESSMENT)]


def test_the_standing_report_keeps_its_own_third_part(stats: Statistics, data: Consolidation, config: Config) -> None:
    texts = _texts(_report("standing", stats, data, config))
    assert "III. NHỮNG NỘI DUNG ĐỀ NGHỊ THƯỜNG TRỰC ĐẢNG ỦY CHO Ý KIẾN" in texts
    assert "III. ĐÁNH GIÁ CHUNG" not in texts and "IV. NHIỆM VỤ NĂM 2027" not in texts


def test_standing_unit_opinions_are_grouped_with_their_units(config: Config) -> None:
    data = report_consolidation(config)
    same = "Đề nghị hỗ trợ kinh phí."
    units = tuple(
        dataclasses.replace(u, answers={**u.answers, "requests": same.lower()}) if u.unit.code == "KP-BD01" else u
        for u in data.units
    )
    extra = unit_status(unit_of(config, "KP-BD03"), ON_TIME, models=1, requests="Đề nghị hỗ trợ thêm kinh phí")
    data = dataclasses.replace(data, units=(*units, extra))
    texts = _texts(_report("standing", statistics(data, config), data, config))
    assert _after(texts, "a) Ưu điểm")[0] == "- Chi ủy sâu sát, Nhân dân đồng tình (Chi bộ khu phố Liêm Định)."
    assert _after(texts, "b) Hạn chế, nguyên nhân")[0] == "- Kinh phí còn hạn chế (Chi bộ khu phố Kim Châu)."
    requests = _after(texts, "c) Kiến nghị, đề xuất")
    names = f"{unit_of(config, 'KP-BD01').name}, {unit_of(config, 'MTTQ').name}, {unit_of(config, 'KP-BD03').name}"
    assert requests[0] == f"- Đề nghị hỗ trợ kinh phí (3 đơn vị: {names})."
    assert requests[1].startswith("Trên đây là báo cáo")  # the last list, then the closing paragraph


@pytest.mark.parametrize(
    ("activity", "line"),
    [
        pytest.param(
            Activity("Ban hành văn bản", "số 12-KH/ĐU, ngày 15/9/2025", "Kế hoạch về tiếp tục đẩy mạnh."),
            "- Ban hành Kế hoạch về tiếp tục đẩy mạnh (số 12-KH/ĐU, ngày 15/9/2025).",
            id="document",
        ),
        pytest.param(
            Activity("Tập huấn, bồi dưỡng", "", "lớp bồi dưỡng cho 45 cán bộ"),
            "- Tổ chức lớp bồi dưỡng cho 45 cán bộ.",
            id="training",
        ),
        pytest.param(
            Activity("kiem tra, giam sat", "(tháng 6/2026)", "Tổ chức kiểm tra 5 chi bộ"),
            "- Tổ chức kiểm tra 5 chi bộ (tháng 6/2026).",
            id="verb-already-there",
        ),
        pytest.param(Activity("", "", "phối hợp tuyên truyền"), "- Phối hợp tuyên truyền.", id="no-kind"),
    ],
)
def test_an_activity_reads_as_a_sentence(activity: Activity, line: str) -> None:
    assert activity_line(activity) == line
