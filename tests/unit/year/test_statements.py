"""The units' statements grouped: identical, folded, near-identical and different statements."""

from __future__ import annotations

import pytest

from pipeline.config import Config
from pipeline.year import statements
from pipeline.year.consolidate import ON_TIME
from pipeline.year.statements import (
    NEAR,
    Opinion,
    StatementGroup,
    group_statements,
    split_answer,
    unit_statements,
    ward_opinions,
)
from tests.support.builder import unit_of, unit_status


def _groups(*pairs: tuple[str, str]) -> list[tuple[str, tuple[str, ...]]]:
    return [(g.text, g.units) for g in group_statements(pairs)]


def test_identical_statements_are_one_group_with_every_unit_once() -> None:
    assert _groups(("A", "Kinh phí còn hạn chế"), ("B", "Kinh phí còn hạn chế"), ("A", "Kinh phí còn hạn chế")) == [
        ("Kinh phí còn hạn chế", ("A", "B"))
    ]


@pytest.mark.parametrize(
    "other",
    [
        pytest.param("kinh phí   còn HẠN CHẾ", id="case-and-spacing"),
        pytest.param("Kinh phi con han che", id="no-diacritics"),
        pytest.param("Kinh phí còn hạn chế!", id="punctuation"),
        pytest.param("Kinh phi\u0301 còn hạn chế", id="decomposed"),
    ],
)
def test_folded_statements_are_one_group(other: str) -> None:
    assert _groups(("A", "Kinh phí còn hạn chế"), ("B", other)) == [("Kinh phí còn hạn chế", ("A", "B"))]


def test_old_and_new_tone_placement_are_one_group() -> None:
    assert _groups(("A", "Chi ủy sâu sát"), ("B", "Chi uỷ sâu sát")) == [("Chi ủy sâu sát", ("A", "B"))]


def test_near_identical_statements_are_one_group_and_different_ones_are_not() -> None:
    groups = _groups(
        ("A", "Đề nghị hỗ trợ kinh phí"),
        ("B", "Đề nghị hỗ trợ thêm kinh phí"),  # ratio 0.90 once folded
        ("C", "Kinh phí hoạt động còn hạn chế"),
        ("D", "Kinh phí còn hạn chế"),  # ratio 0.80 against C: another statement
    )
    assert groups == [
        ("Đề nghị hỗ trợ kinh phí", ("A", "B")),
        ("Kinh phí hoạt động còn hạn chế", ("C",)),
        ("Kinh phí còn hạn chế", ("D",)),
    ]
    assert NEAR == 0.9


def test_the_wording_used_most_often_names_the_group_and_groups_come_by_count() -> None:
    groups = group_statements(
        [
            ("A", "Cán bộ kiêm nhiệm nhiều việc"),
            ("B", "Nhân dân đồng tình"),
            ("C", "nhân dân đồng tình"),
            ("D", "nhân dân đồng tình"),
        ]
    )
    assert [(g.text, g.count) for g in groups] == [("nhân dân đồng tình", 3), ("Cán bộ kiêm nhiệm nhiều việc", 1)]


def test_a_group_line_names_its_units() -> None:
    assert StatementGroup("Kinh phí còn hạn chế", ("A",)).line() == "- Kinh phí còn hạn chế (A)."
    assert StatementGroup("kinh phí", ("A", "B")).line() == "- Kinh phí (2 đơn vị: A, B)."


@pytest.mark.parametrize(
    ("answer", "statements"),
    [
        pytest.param("Kinh phí còn hạn chế.", ["Kinh phí còn hạn chế"], id="one"),
        pytest.param("Chi ủy sâu sát,\n  Nhân dân đồng tình.", ["Chi ủy sâu sát, Nhân dân đồng tình"], id="wrapped"),
        pytest.param(
            "- Kinh phí ít;\n- Cán bộ kiêm nhiệm\nnhiều việc.",
            ["Kinh phí ít", "Cán bộ kiêm nhiệm nhiều việc"],
            id="list",
        ),
        pytest.param("1. Kinh phí ít\n2) Thiếu cán bộ", ["Kinh phí ít", "Thiếu cán bộ"], id="numbered"),
        pytest.param(" \n. ", [], id="nothing"),
        pytest.param(None, [], id="none"),
    ],
)
def test_an_answer_is_split_only_when_it_is_a_list(answer: object, statements: list[str]) -> None:
    assert split_answer(answer) == statements


def test_unit_statements_of_a_question(config: Config) -> None:
    units = [
        unit_status(unit_of(config, "KP-BD01"), ON_TIME, requests="Đề nghị hỗ trợ kinh phí."),
        unit_status(unit_of(config, "KP-BD02"), ON_TIME, requests="- đề nghị hỗ trợ kinh phí\n- Mở lớp tập huấn"),
        unit_status(unit_of(config, "MTTQ"), ON_TIME, strengths="Sâu sát"),
    ]
    assert [g.line() for g in unit_statements(units, "requests")] == [
        "- Đề nghị hỗ trợ kinh phí (2 đơn vị: Chi bộ khu phố Liêm Định, Chi bộ khu phố Kim Châu).",
        "- Mở lớp tập huấn (Chi bộ khu phố Kim Châu).",
    ]
    assert unit_statements(units, "shortcomings") == []


def test_merged_groups_list_their_units_in_the_order_they_spoke() -> None:
    groups = _groups(
        ("A", "Đề nghị hỗ trợ kinh phí"), ("B", "Đề nghị hỗ trợ thêm kinh phí"), ("C", "đề nghị hỗ trợ kinh phí")
    )
    assert groups == [("Đề nghị hỗ trợ kinh phí", ("A", "B", "C"))]


def test_past_the_limit_only_equal_statements_are_merged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statements, "NEAR_LIMIT", 1)
    groups = _groups(
        ("A", "Đề nghị hỗ trợ kinh phí"), ("B", "Đề nghị hỗ trợ thêm kinh phí"), ("C", "đề nghị hỗ trợ kinh phí")
    )
    assert groups == [("Đề nghị hỗ trợ kinh phí", ("A", "C")), ("Đề nghị hỗ trợ thêm kinh phí", ("B",))]


def test_a_line_names_its_units_in_the_levels_word_and_counts_beyond_the_named_limit() -> None:
    group = StatementGroup("kinh phí", ("Phường A", "Xã B", "Phường C"))
    assert group.line("phường, xã") == "- Kinh phí (3 phường, xã: Phường A, Xã B, Phường C)."
    assert group.line("phường, xã", named=2) == "- Kinh phí (3 phường, xã)."
    assert group.line("phường, xã", named=3) == "- Kinh phí (3 phường, xã: Phường A, Xã B, Phường C)."


def test_ward_opinions_put_the_wards_own_words_first_then_its_units_grouped(config: Config) -> None:
    units = [
        unit_status(unit_of(config, "KP-BD01"), ON_TIME, requests="Đề nghị hỗ trợ kinh phí.", strengths="Sâu sát"),
        unit_status(unit_of(config, "KP-BD02"), ON_TIME, requests="- đề nghị hỗ trợ kinh phí\n- Mở lớp tập huấn"),
    ]
    own = {"requests": ["Đề nghị Tỉnh ủy bố trí kinh phí"], "shortcomings": []}
    assert ward_opinions(units, own) == [
        Opinion("strengths", "Sâu sát", ("Chi bộ khu phố Liêm Định",)),
        Opinion("requests", "Đề nghị Tỉnh ủy bố trí kinh phí"),
        Opinion("requests", "Đề nghị hỗ trợ kinh phí", ("Chi bộ khu phố Liêm Định", "Chi bộ khu phố Kim Châu")),
        Opinion("requests", "Mở lớp tập huấn", ("Chi bộ khu phố Kim Châu",)),
    ]
