"""The written parts pre-drafted from the figures, the plan and the units' words; the clerk's over them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from pipeline.config import Config, Plan
from pipeline.intake.narrative import (
    ASSESSMENT,
    ASSESSMENT_SUBHEADINGS,
    LEADERSHIP,
    PROPOSALS,
    TASKS,
    Activity,
    Line,
    NarrativeFile,
    NarrativeText,
)
from pipeline.intake.receive import SourceFile
from pipeline.year.consolidate import Consolidation
from pipeline.year.narrative import draft_narrative, effective_narrative, own_words
from pipeline.year.stats import statistics
from tests.support.builder import previous_figures, report_consolidation


def _texts(text: NarrativeText, key: str) -> list[str]:
    return [line.text for line in text.part(key)]


def test_the_draft_says_what_the_plan_the_figures_and_the_units_say(config: Config) -> None:
    data = report_consolidation(config)
    draft = draft_narrative(statistics(data, config, previous_figures(config)), data, config)
    assert _texts(draft, LEADERSHIP)[0].startswith(
        "Thực hiện Kế hoạch số 04-KH/BTGDVTU ngày 26/8/2025 của Ban Tuyên giáo và Dân vận Tỉnh ủy về tiếp tục "
        "đẩy mạnh thực hiện Phong trào thi đua “Dân vận khéo” và Hướng dẫn số 15-HD/BTGDVTU ngày 11/9/2025 của "
        "Ban Tuyên giáo và Dân vận Tỉnh ủy, Đảng ủy phường Bình Định lãnh đạo, chỉ đạo triển khai thực hiện "
        "Phong trào thi đua “Dân vận khéo” giai đoạn 2026 – 2031"
    )
    assert draft.activities == (
        Activity("Ban hành văn bản", "", "Kế hoạch về tiếp tục đẩy mạnh thực hiện Phong trào thi đua “Dân vận khéo”"),
    )
    assert _texts(draft, ASSESSMENT) == [
        "Năm 2026, có 5/7 cơ quan, đơn vị, địa phương gửi báo cáo kết quả thực hiện Phong trào thi đua "
        "“Dân vận khéo”, trong đó 3 đơn vị gửi đúng hạn (đạt 42,9%).",
        "Các cơ quan, đơn vị, địa phương đăng ký, xây dựng 6 mô hình và 3 điển hình “Dân vận khéo”, tăng 4 mô "
        "hình so với năm 2025; 4/5 đơn vị xây dựng đủ số mô hình tối thiểu theo kế hoạch.",
        "1. Ưu điểm",
        "Các cơ quan, đơn vị, địa phương nêu các ưu điểm sau:",
        "- Chi ủy sâu sát, Nhân dân đồng tình (Chi bộ khu phố Liêm Định).",
        "2. Hạn chế, nguyên nhân",
        "Còn 2 đơn vị gửi báo cáo trễ hạn, 1 đơn vị chưa gửi báo cáo, 1 đơn vị có báo cáo bị trả lại, chưa gửi lại.",
        "Có 1 đơn vị chưa xây dựng đủ số mô hình tối thiểu theo kế hoạch: Chi bộ thôn Khánh Mỹ.",
        "Các cơ quan, đơn vị, địa phương nêu các hạn chế, nguyên nhân sau:",
        "- Kinh phí còn hạn chế (Chi bộ khu phố Kim Châu).",
        "3. Bài học kinh nghiệm",
    ]
    assert [line.subheading for line in draft.part(ASSESSMENT)].count(True) == 3
    assert _texts(draft, TASKS) == [f"- {task}" for task in config.organization.plan.tasks]
    assert _texts(draft, PROPOSALS) == [
        "Các cơ quan, đơn vị, địa phương có các kiến nghị, đề xuất sau:",
        "- Đề nghị hỗ trợ kinh phí (Ủy ban Mặt trận Tổ quốc Việt Nam phường).",
    ]


def test_without_a_plan_or_statements_the_draft_keeps_to_the_figures(config: Config) -> None:
    org = dataclasses.replace(config.organization, plan=Plan())
    bare = dataclasses.replace(config, organization=org)
    data = report_consolidation(config)
    silent = Consolidation(data.year, tuple(dataclasses.replace(u, answers={}) for u in data.units), data.items, {}, ())
    draft = draft_narrative(statistics(silent, bare), silent, bare)
    assert _texts(draft, LEADERSHIP)[0] == (
        "Đảng ủy phường Bình Định lãnh đạo, chỉ đạo triển khai thực hiện Phong trào thi đua “Dân vận khéo” năm "
        "2026, gắn với trách nhiệm người đứng đầu các cơ quan, đơn vị, địa phương."
    )
    assert draft.activities == () and draft.part(TASKS) == ()
    assert (
        "Các cơ quan, đơn vị, địa phương đăng ký, xây dựng 6 mô hình và 3 điển hình “Dân vận khéo”; 4/5"
        in (_texts(draft, ASSESSMENT)[1])
    )
    assert "1. Ưu điểm" in _texts(draft, ASSESSMENT)
    assert _texts(draft, PROPOSALS) == ["Các cơ quan, đơn vị, địa phương không có kiến nghị, đề xuất."]


def _file(name: str, taken: bool, text: NarrativeText, has_table: bool = True) -> NarrativeFile:
    source = SourceFile(Path(name), name, name, 1, dt.datetime(2026, 12, 1))
    return NarrativeFile(source, 2026, taken, text, has_table, ())


def test_the_last_document_taken_gives_its_parts_and_the_draft_the_rest() -> None:
    draft = NarrativeText(
        {LEADERSHIP: (Line("mở đầu"),), ASSESSMENT: (Line("đánh giá"),), PROPOSALS: (Line("đề xuất"),)},
        (Activity("Hội nghị", "", "soạn sẵn"),),
    )
    first = _file("a.docx", True, NarrativeText({ASSESSMENT: (Line("bản 1"),)}))
    second = _file("b.docx", True, NarrativeText({TASKS: (Line("nhiệm vụ"),)}), has_table=False)
    refused = _file("c.docx", False, NarrativeText({ASSESSMENT: (Line("năm khác"),)}))
    assert effective_narrative(draft, []) == (draft, None)
    text, used = effective_narrative(draft, [first, second, refused])
    assert used is second
    assert text.parts == {
        LEADERSHIP: (Line("mở đầu"),),
        ASSESSMENT: (Line("đánh giá"),),
        TASKS: (Line("nhiệm vụ"),),
        PROPOSALS: (Line("đề xuất"),),
    }
    assert text.activities == draft.activities  # b.docx had no table
    assert effective_narrative(draft, [first])[0].activities == ()  # a.docx's table was empty


def test_own_words_are_what_the_clerks_parts_say_beyond_the_draft() -> None:
    strengths, shortcomings, lessons = (Line(text, subheading=True) for text in ASSESSMENT_SUBHEADINGS)
    draft = NarrativeText(
        {
            ASSESSMENT: (
                Line("Năm 2026, có 5/7 đơn vị gửi báo cáo."),
                strengths,
                Line("Các cơ quan, đơn vị, địa phương nêu các ưu điểm sau:"),
                Line("- Chi ủy sâu sát (Chi bộ khu phố Liêm Định)."),
                shortcomings,
                lessons,
            ),
            PROPOSALS: (Line("Các cơ quan, đơn vị, địa phương không có kiến nghị, đề xuất."),),
        }
    )
    edited = NarrativeText(
        {
            ASSESSMENT: (
                Line("Năm 2026, có 5/7 đơn vị gửi báo cáo, đạt yêu cầu."),  # the overview: no question's
                Line("1. ƯU ĐIỂM", subheading=True),
                Line("Các cơ quan, đơn vị, địa phương nêu các ưu điểm sau:"),
                Line("- Chi ủy sâu sát (Chi bộ khu phố Liêm Định)."),
                Line("- Cấp ủy vào cuộc quyết liệt."),
                shortcomings,
                Line("Một số mô hình chưa bền vững;"),
                lessons,
                Line("Phải gần dân."),  # lessons: not a question of the units' report
            ),
            PROPOSALS: (Line("1. Đề nghị Tỉnh ủy quan tâm bố trí kinh phí."),),
        }
    )
    assert own_words(edited, draft) == {
        "strengths": ["Cấp ủy vào cuộc quyết liệt"],
        "shortcomings": ["Một số mô hình chưa bền vững"],
        "requests": ["Đề nghị Tỉnh ủy quan tâm bố trí kinh phí"],
    }
    assert own_words(draft, draft) == {"strengths": [], "shortcomings": [], "requests": []}
