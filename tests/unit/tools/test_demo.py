"""The demo's answers: models, people and statements that fit each kind of unit."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from pipeline.config import Config
from pipeline.tools.demo import DEMO_SIGNER, sample_answers
from pipeline.tools.demo_kinds import KINDS, unit_kind
from pipeline.tools.demo_words import People
from tests.support.builder import unit_of

YEAR = 2026
SEEDS = range(12)


def _answers(config: Config, code: str, seed: int) -> dict[str, object]:
    return sample_answers(config, unit_of(config, code), YEAR, random.Random(f"{seed}-{code}"))


@pytest.mark.parametrize(
    ("code", "field"),
    [
        pytest.param("DB-CA", "Quốc phòng - an ninh", id="police"),
        pytest.param("DB-QS", "Quốc phòng - an ninh", id="military"),
        pytest.param("TR-THCS1", "Văn hóa - xã hội", id="school"),
        pytest.param("YT", "Văn hóa - xã hội", id="health-station"),
    ],
)
def test_models_fit_the_unit_kind(config: Config, code: str, field: str) -> None:
    fields = {m["field"] for seed in SEEDS for m in _answers(config, code, seed)["models"]}  # type: ignore[attr-defined]
    assert fields == {field}


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        pytest.param("KP-BD01", "khu-dan-cu", id="residential"),
        pytest.param("DB-CA", "cong-an", id="police"),
        pytest.param("TR-MN", "truong", id="school"),
        pytest.param("CQ-UBND", "chinh-quyen", id="people-s-committee"),
        pytest.param("HLHPN", "phu-nu", id="women"),
        pytest.param("HCCB", "cuu-chien-binh", id="veterans"),
        pytest.param("MTTQ", "mat-tran", id="front"),
    ],
)
def test_a_unit_s_kind_comes_from_its_name_or_group(config: Config, code: str, kind: str) -> None:
    assert unit_kind(unit_of(config, code)) == kind


def test_every_kind_s_models_are_distinct_and_in_the_config_fields(config: Config) -> None:
    fields = set(config.template.lists["fields"])
    for kind in KINDS.values():
        names = [name for name, _ in kind.models]
        assert len(set(names)) == len(names) >= 4
        assert {field for _, field in kind.models} <= fields


def test_model_names_are_distinct_within_a_unit_and_name_the_place(config: Config) -> None:
    for unit in config.units.units:
        for seed in SEEDS:
            names = [m["name"] for m in _answers(config, unit.code, seed)["models"]]  # type: ignore[attr-defined]
            assert len(set(names)) == len(names)
    residential = _answers(config, "TH-NK01", 0)["models"]
    assert all(m["name"].endswith("thôn Khánh Mỹ") for m in residential)  # type: ignore[attr-defined]


def test_people_are_never_drawn_twice_nor_the_signer() -> None:
    people = People(random.Random(1), (DEMO_SIGNER,))
    names = people.draw(400) + people.draw(400, women=1.0)
    assert len(set(names)) == len(names) and DEMO_SIGNER not in names
    surnames = Counter(name.split()[0] for name in names)
    assert len(surnames) >= 12 and surnames["Nguyễn"] < len(names) / 2


def test_the_women_s_union_s_people_are_women(config: Config) -> None:
    answers = _answers(config, "HLHPN", 3)
    people = [answers["unit"]["preparer"]] + [i["name"] for i in answers["individuals"]]  # type: ignore[index, attr-defined]
    assert all(" Thị " in p or p.split()[1] in ("Ngọc", "Thu") for p in people)


def test_units_statements_differ_some_shared_some_empty(config: Config) -> None:
    said = Counter(
        _answers(config, unit.code, 0)["unit"]["shortcomings"]  # type: ignore[index]
        for unit in config.units.units
    )
    assert len(said) >= 8
    assert max(count for text, count in said.items() if text) >= 2
    assert "" in said
