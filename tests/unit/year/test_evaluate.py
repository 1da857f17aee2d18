"""Evaluation stage: the rules of criteria.yaml load and are refused with file and key path; items get the
first rule that holds, with the criteria met and a Vietnamese explanation; units are checked against their minimum.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import (
    NEW_ITEM,
    NO_OUTCOME,
    RULE_OUTCOMES,
    Conditions,
    Config,
    ConfigError,
    Rule,
    load_config,
    outcome_reachable,
)
from pipeline.core.lifecycle import EVENT_LABELS, STATE_LABELS
from pipeline.core.vnformat import number
from pipeline.year.consolidate import EXEMPT, LATE, MISSING, ON_TIME, REJECTED, Consolidation, Item, UnitStatus
from pipeline.year.evaluate import Evaluation, evaluate, item_key, outcome_label
from tests.support.builder import copy_config

YEAR = 2026

# The shipped rules, by name (config/criteria.yaml, in order).
REMOVE = "Đưa ra khỏi danh sách mô hình không còn hiệu quả"
STRENGTHEN = "Củng cố, bổ sung mô hình chưa đạt loại Tốt"
KEEP = "Giữ lại mô hình hiệu quả qua rà soát năm 2025"
REPLICATE = "Nhân rộng mô hình đã được công nhận, đạt loại Xuất sắc"
RE_RECOGNISE = "Công nhận lại mô hình tiếp tục đạt loại Tốt"
RECOGNISE = "Công nhận mô hình đạt loại Tốt và đạt đủ tiêu chí"
REWARD = "Khen thưởng điển hình xuất sắc"
COMMEND = "Biểu dương điển hình tiêu biểu"
SHIPPED = (REMOVE, STRENGTHEN, KEEP, REPLICATE, RE_RECOGNISE, RECOGNISE, REWARD, COMMEND)

# Model scores in the order of the criteria (max 10, 10, 20, 30, 15, 15); a criterion is met from half its max.
M40 = (4, 4, 8, 12, 6, 6)  # nothing met
ALL_MODEL_CRITERIA = ("cu_the", "lanh_dao", "luc_luong", "ket_qua", "dong_thuan", "ben_vung")
M60 = (6, 6, 12, 18, 9, 9)  # all met
M77 = (4, 10, 18, 27, 9, 9)  # cu_the not met
M78 = (4, 4, 20, 30, 10, 10)  # cu_the and lanh_dao not met: total Tốt, 4 of 6
M80 = (8, 8, 16, 24, 12, 12)
M95 = (10, 10, 19, 28, 14, 14)
# Exemplary items: five criteria of 20.
E60 = (12, 12, 12, 12, 12)
E80 = (16, 16, 16, 16, 16)
E92 = (19, 19, 18, 18, 18)


# --------------------------------------------------------------------------- building data


def make_item(config: Config, kind: str, scores: Sequence[float], unit: str = "KP-BD01", **values: Any) -> Item:
    """An item of ``kind`` of the real config, its scores given in the order of the criteria."""
    criteria = config.criteria.sets[kind].criteria
    row: dict[str, Any] = {"name": "Mô hình thử", "proposal": "Không đề nghị"}
    row.update({f"score_{c.key}": s for c, s in zip(criteria, scores, strict=True)})
    row.update(values)
    total = float(sum(scores))
    owner = config.units.get(unit)
    assert owner is not None
    sheet = config.template.sheet(kind).title
    return Item(kind, owner, row, total, config.criteria.classify(total), f"{unit}.xlsx", sheet, 5)


def consolidation(items: Sequence[Item], units: Sequence[UnitStatus] = ()) -> Consolidation:
    by_kind = {kind: tuple(i for i in items if i.kind == kind) for kind in ("models", "collectives", "individuals")}
    return Consolidation(YEAR, tuple(units), by_kind, {}, ())


def evaluate_one(config: Config, item: Item, state: str | None = None) -> Evaluation:
    states = {item_key(item): state} if state else None
    return evaluate(consolidation([item]), config, states)


def labels(config: Config, kind: str, keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(c.label for c in config.criteria.sets[kind].criteria if c.key in keys)


# --------------------------------------------------------------------------- the shipped rules


def test_shipped_rules_load(config: Config) -> None:
    criteria = config.criteria
    assert criteria.pass_share == 0.5
    assert tuple(r.name for r in criteria.rules) == SHIPPED
    assert [r.outcome for r in criteria.rules] == [
        "remove",
        "strengthen",
        "keep",
        "replicate",
        "re-recognise",
        "recognise",
        "reward",
        "commend",
    ]
    assert all(r.outcome in RULE_OUTCOMES for r in criteria.rules)
    recognise = criteria.rules[5]
    assert recognise.kinds == ("models",)
    assert recognise.when == Conditions(
        states=(NEW_ITEM, "registered", "in-progress", "strengthened"), total_at_least=75, criteria_met_at_least=5
    )


def test_every_shipped_rule_proposes_a_legal_move(config: Config) -> None:
    for rule in config.criteria.rules:
        assert rule.when.states, rule.name
        assert all(outcome_reachable(state, rule.outcome) for state in rule.when.states), rule.name


def test_rule_outcomes_are_decisions() -> None:
    assert set(RULE_OUTCOMES) == set(EVENT_LABELS) - {"register", "import-legacy", "report"} | {NO_OUTCOME}


def test_commend_after_recognition_is_reachable() -> None:
    assert outcome_reachable(NEW_ITEM, "reward")
    assert outcome_reachable("in-progress", "commend")
    assert not outcome_reachable("in-progress", "re-recognise")
    assert not outcome_reachable("removed", "remove")
    assert outcome_reachable("removed", NO_OUTCOME)


# --------------------------------------------------------------------------- broken rules


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the shipped config to break."""
    return copy_config(tmp_path)


def _edit(root: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in config/criteria.yaml (which must be there) by ``new``."""
    path = root / "config" / "criteria.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in criteria.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_rule_defaults(root: Path) -> None:
    _edit(root, "rules:\n", "rules:\n  - {name: Không xét mục đã loại, outcome: none, when: {state_in: [removed]}}\n")
    _edit(root, "outcome: commend\n", "outcome: commend\n  - {name: Mọi mục khác, outcome: strengthen}\n")
    rules = load_config(root).criteria.rules
    assert rules[0].kinds == ("models", "collectives", "individuals")
    assert rules[0].when == Conditions(states=("removed",))
    last = rules[-1]
    assert last.when.states == tuple(s for s in (NEW_ITEM, *STATE_LABELS) if outcome_reachable(s, "strengthen"))
    assert "replicated" not in last.when.states and NEW_ITEM in last.when.states


def test_rules_are_optional(root: Path) -> None:
    path = root / "config" / "criteria.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("pass_share:")], encoding="utf-8")
    criteria = load_config(root).criteria
    assert (criteria.pass_share, criteria.rules) == (0.5, ())


@pytest.mark.parametrize(
    ("old", "new", "path", "detail"),
    [
        pytest.param(
            "    outcome: remove\n",
            "    outcome: remove\n    colour: red\n",
            "rules[0]",
            "khóa không được biết: colour",
            id="unknown-rule-key",
        ),
        pytest.param(
            "      total_below: 50\n",
            "      total_below: 50\n      total_above: 10\n",
            "rules[0].when",
            "khóa không được biết: total_above",
            id="unknown-condition",
        ),
        pytest.param(
            "    outcome: remove\n",
            "",
            "rules[0]",
            "thiếu khóa: outcome",
            id="missing-outcome",
        ),
        pytest.param(
            "    kinds: [models]\n",
            "    kinds: [models, groups]\n",
            "rules[0].kinds[1]",
            "giá trị “groups” không hợp lệ; cho phép: models, collectives, individuals",
            id="unknown-kind",
        ),
        pytest.param(
            "state_in: [under-review, in-progress,",
            "state_in: [under-review, dang-lam,",
            "rules[0].when.state_in[1]",
            "giá trị “dang-lam” không hợp lệ; cho phép: new, registered, in-progress",
            id="unknown-state",
        ),
        pytest.param(
            "state_in: [under-review]",
            "state_in: [under-review, in-progress]",
            "rules[2].when.state_in[1]",
            "không thể “keep” (Giữ lại)",
            id="state-that-cannot-move-so",
        ),
        pytest.param(
            "state_in: [under-review]",
            "state_in: []",
            "rules[2].when.state_in",
            "phải là một danh sách không rỗng",
            id="empty-state-list",
        ),
        pytest.param(
            "class_in: [Xuất sắc]",
            "class_in: [Xuat sac]",
            "rules[6].when.class_in[0]",
            "giá trị “Xuat sac” không hợp lệ; cho phép: Xuất sắc, Tốt, Đạt, Không đạt",
            id="unknown-class",
        ),
        pytest.param(
            "outcome: remove",
            "outcome: delete",
            "rules[0].outcome",
            "giá trị “delete” không hợp lệ; cho phép: recognise, strengthen",
            id="unknown-outcome",
        ),
        pytest.param(
            "outcome: keep",
            "outcome: report",
            "rules[2].outcome",
            "giá trị “report” không hợp lệ",
            id="outcome-not-a-decision",
        ),
        pytest.param(
            "criteria_met_at_least: 5",
            "criteria_met_at_least: 7",
            "rules[5].when.criteria_met_at_least",
            "phải là số nguyên từ 0 đến 6",
            id="more-criteria-than-the-set-has",
        ),
        pytest.param(
            "      total_at_least: 50\n      total_below: 75\n",
            "      total_at_least: 80\n      total_below: 75\n",
            "rules[1].when",
            "“total_at_least” (80) phải nhỏ hơn “total_below” (75)",
            id="bounds-that-never-hold",
        ),
        pytest.param(
            "total_below: 50",
            "total_below: năm mươi",
            "rules[0].when.total_below",
            "phải là một số",
            id="total-not-a-number",
        ),
        pytest.param(
            "total_below: 50",
            "total_below: -5",
            "rules[0].when.total_below",
            "không được âm",
            id="negative-total",
        ),
        pytest.param(
            f"  - name: {STRENGTHEN}\n",
            f"  - name: {REMOVE}\n",
            "rules[1]",
            f"tên quy tắc “{REMOVE}” bị trùng",
            id="duplicate-name",
        ),
        pytest.param(
            "pass_share: 0.5",
            "pass_share: 50",
            "pass_share",
            "không quá 1",
            id="pass-share-out-of-range",
        ),
        pytest.param(
            "    when:\n      class_in: [Tốt]\n",
            "    when:\n",
            "rules[7].when",
            "phải là một bảng khóa",
            id="empty-when",
        ),
    ],
)
def test_broken_rules_name_file_and_key(root: Path, old: str, new: str, path: str, detail: str) -> None:
    _edit(root, old, new)
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    message = str(caught.value)
    assert message.startswith("config/criteria.yaml: ")
    assert f"khóa “{path}”:" in message
    assert detail in message


# --------------------------------------------------------------------------- the rules at work

CASES = [
    pytest.param("models", M40, "in-progress", REMOVE, "remove", ALL_MODEL_CRITERIA, id="remove-in-progress"),
    pytest.param("models", M40, "under-review", REMOVE, "remove", ALL_MODEL_CRITERIA, id="remove-under-review"),
    pytest.param("models", M40, "recognised", REMOVE, "remove", ALL_MODEL_CRITERIA, id="remove-recognised"),
    pytest.param("models", M40, None, "", NO_OUTCOME, ALL_MODEL_CRITERIA, id="new-and-weak-falls-through"),
    pytest.param("models", M60, None, STRENGTHEN, "strengthen", (), id="strengthen-new"),
    pytest.param("models", M60, "re-recognised", STRENGTHEN, "strengthen", (), id="strengthen-re-recognised"),
    pytest.param("models", M60, "strengthened", "", NO_OUTCOME, (), id="strengthened-again-falls-through"),
    pytest.param("models", M80, "under-review", KEEP, "keep", (), id="keep-under-review"),
    pytest.param("models", M95, "recognised", REPLICATE, "replicate", (), id="replicate-recognised"),
    pytest.param("models", M95, "replicated", RE_RECOGNISE, "re-recognise", (), id="replicated-is-re-recognised"),
    pytest.param("models", M80, "re-recognised", RE_RECOGNISE, "re-recognise", (), id="re-recognise"),
    pytest.param("models", M77, None, RECOGNISE, "recognise", ("cu_the",), id="recognise-new-5-of-6"),
    pytest.param("models", M80, "strengthened", RECOGNISE, "recognise", (), id="recognise-strengthened"),
    pytest.param("models", M78, "in-progress", "", NO_OUTCOME, ("cu_the", "lanh_dao"), id="4-of-6-falls-through"),
    pytest.param("models", M95, "removed", "", NO_OUTCOME, (), id="removed-falls-through"),
    pytest.param("collectives", E92, None, REWARD, "reward", (), id="reward-new-collective"),
    pytest.param("individuals", E92, "recognised", REWARD, "reward", (), id="reward-individual"),
    pytest.param("collectives", E80, "in-progress", COMMEND, "commend", (), id="commend-collective"),
    pytest.param("individuals", E80, None, COMMEND, "commend", (), id="commend-individual"),
    pytest.param("individuals", E60, None, "", NO_OUTCOME, (), id="exemplary-below-good-falls-through"),
]


@pytest.mark.parametrize(("kind", "scores", "state", "rule", "outcome", "not_met"), CASES)
def test_first_rule_that_holds(
    config: Config,
    kind: str,
    scores: Sequence[float],
    state: str | None,
    rule: str,
    outcome: str,
    not_met: Sequence[str],
) -> None:
    result = evaluate_one(config, make_item(config, kind, scores), state).items[0]
    assert (result.rule, result.outcome, result.state) == (rule, outcome, state)
    assert result.outcome_label == outcome_label(outcome)
    assert result.not_met == labels(config, kind, not_met)
    assert sorted(result.met + result.not_met) == sorted(c.label for c in config.criteria.sets[kind].criteria)
    assert result.total == sum(scores)


def test_every_shipped_rule_and_the_fall_through_have_a_case(config: Config) -> None:
    covered = {case.values[3] for case in CASES}
    assert covered == {*(r.name for r in config.criteria.rules), ""}


def test_criterion_met_at_exactly_the_pass_share(config: Config) -> None:
    # 5 of 10, 10 of 20, 15 of 30, 7.5 of 15: each exactly half; a missing score counts as 0.
    item = make_item(config, "models", (5, 5, 10, 15, 7.5, 7.5))
    assert len(evaluate_one(config, item).items[0].met) == 6
    values = dict(item.values)
    del values["score_ben_vung"]
    missing = dataclasses.replace(item, values=values)
    assert evaluate_one(config, missing).items[0].not_met == labels(config, "models", ("ben_vung",))


@pytest.mark.parametrize(("start", "fires"), [(2024, True), (2025, False), (None, False)])
def test_years_running(config: Config, start: int | None, fires: bool) -> None:
    rule = Rule("Mô hình chạy đủ 2 năm", ("models",), Conditions((NEW_ITEM,), years_running_at_least=2), "recognise")
    custom = dataclasses.replace(config, criteria=dataclasses.replace(config.criteria, rules=(rule,)))
    item = make_item(config, "models", M80, **({"start_year": start} if start else {}))
    assert evaluate_one(custom, item).items[0].rule == (rule.name if fires else "")


def test_unknown_state_is_a_programming_error(config: Config) -> None:
    with pytest.raises(ValueError, match="unknown state 'cong-nhan'"):
        evaluate_one(config, make_item(config, "models", M80), "cong-nhan")


# --------------------------------------------------------------------------- identity and proposals


def test_item_key_is_the_code_or_the_folded_name(config: Config) -> None:
    assert item_key(make_item(config, "models", M80, code=" MH-2026-001 ")) == "MH-2026-001"
    named = make_item(config, "collectives", E80, unit="TH-NK01", name="  Tổ  HOÀ giải ")
    assert item_key(named) == "TH-NK01|collectives|tổ hòa giải"


def test_states_are_found_by_key(config: Config) -> None:
    coded = make_item(config, "models", M95, code="MH-2026-001", name="Đèn đường")
    named = make_item(config, "models", M95, name="Camera an ninh")
    data = consolidation([coded, named])
    result = evaluate(data, config, {"MH-2026-001": "recognised", "KP-BD01|models|camera an ninh": "replicated"})
    assert [(e.key, e.outcome) for e in result.items] == [
        ("MH-2026-001", "replicate"),
        ("KP-BD01|models|camera an ninh", "re-recognise"),
    ]


@pytest.mark.parametrize(
    ("scores", "proposal", "agrees"),
    [
        pytest.param(M77, "Công nhận", True, id="same"),
        pytest.param(M77, "Khen thưởng", False, id="different"),
        pytest.param(M40, "Không đề nghị", True, id="nothing-asked-nothing-proposed"),
        pytest.param(M40, "Công nhận", False, id="asked-but-nothing-proposed"),
        pytest.param(M77, "Cong nhan", False, id="unreadable-proposal"),
        pytest.param(M40, None, True, id="no-proposal"),
    ],
)
def test_proposal_agrees(config: Config, scores: Sequence[float], proposal: str | None, agrees: bool) -> None:
    item = make_item(config, "models", scores, proposal=proposal)
    assert evaluate_one(config, item).items[0].proposal_agrees is agrees


# --------------------------------------------------------------------------- explanations


def test_explanation_of_a_rule_that_fired(config: Config) -> None:
    scores = (4, 10, 18, 27.5, 9, 9)
    result = evaluate_one(config, make_item(config, "models", scores), "in-progress").items[0]
    met = "".join(f", “{label}”" for label in result.met)[2:]
    assert result.explanation == (
        f"Tổng điểm {number(77.5)}/100, xếp loại Tốt; "
        f"đạt 5/6 tiêu chí ({met}), chưa đạt: “Tên gọi, địa bàn cụ thể; thuộc một lĩnh vực”; "
        "trạng thái trước năm 2026: Đang thực hiện; "
        f"theo quy tắc “{RECOGNISE}”: đề xuất Công nhận."
    )
    assert "77,5/100" in result.explanation


def test_explanation_when_no_rule_fires(config: Config) -> None:
    result = evaluate_one(config, make_item(config, "individuals", E60)).items[0]
    assert result.explanation == (
        "Tổng điểm 60/100, xếp loại Đạt; "
        f"đạt 5/5 tiêu chí ({', '.join(f'“{label}”' for label in result.met)}); "
        "trạng thái trước năm 2026: mục mới, chưa có trong sổ theo dõi; "
        "không có quy tắc nào áp dụng: không đề xuất."
    )
    assert result.outcome_label == "Không đề xuất"


def test_explanation_when_nothing_is_met(config: Config) -> None:
    result = evaluate_one(config, make_item(config, "models", M40), "strengthened").items[0]
    assert "đạt 0/6 tiêu chí, chưa đạt: “Tên gọi" in result.explanation
    assert "trạng thái trước năm 2026: Cần củng cố" in result.explanation
    assert result.explanation.endswith(f"theo quy tắc “{REMOVE}”: đề xuất Đưa ra khỏi danh sách.")


def test_explanation_of_a_rule_that_proposes_nothing(config: Config) -> None:
    rule = Rule("Chưa xét mục mới", ("models",), Conditions((NEW_ITEM,)), NO_OUTCOME)
    custom = dataclasses.replace(config, criteria=dataclasses.replace(config.criteria, rules=(rule,)))
    result = evaluate_one(custom, make_item(config, "models", M95)).items[0]
    assert (result.rule, result.outcome) == (rule.name, NO_OUTCOME)
    assert result.explanation.endswith("theo quy tắc “Chưa xét mục mới”: không đề xuất.")


# --------------------------------------------------------------------------- the whole year


def _status(config: Config, code: str, status: str, models: int, minimum: int = 1) -> UnitStatus:
    unit = config.units.get(code)
    assert unit is not None
    unit = dataclasses.replace(unit, min_models=minimum)
    received = dt.date(2026, 11, 20) if status in (ON_TIME, LATE, EXEMPT) else None
    return UnitStatus(unit, status, 3 if status == LATE else 0, f"{code}.xlsx", received, models, {})


def test_unit_targets(config: Config) -> None:
    statuses = [
        _status(config, "KP-BD01", ON_TIME, 0),
        _status(config, "KP-BD02", LATE, 2),
        _status(config, "KP-BD03", ON_TIME, 1, minimum=2),
        _status(config, "KP-BD04", MISSING, 0),
        _status(config, "KP-BD05", REJECTED, 0),
        _status(config, "KP-BD06", EXEMPT, 0),
    ]
    targets = evaluate(consolidation([], statuses), config).units
    assert [(t.unit.code, t.models, t.minimum, t.met) for t in targets] == [
        ("KP-BD01", 0, 1, False),
        ("KP-BD02", 2, 1, True),
        ("KP-BD03", 1, 2, False),
    ]


def test_items_keep_the_consolidation_order(config: Config) -> None:
    items = [
        make_item(config, "individuals", E92, name="Nguyễn Văn A"),
        make_item(config, "models", M60, name="Đèn đường"),
        make_item(config, "collectives", E80, name="Tổ hòa giải"),
    ]
    result = evaluate(consolidation(items), config)
    assert [e.item.kind for e in result.items] == ["models", "collectives", "individuals"]
    assert [e.item.values["name"] for e in result.of_kind("collectives")] == ["Tổ hòa giải"]
    assert (result.count("strengthen"), result.count("reward", "individuals"), result.count("reward", "models")) == (
        1,
        1,
        0,
    )
    assert result.year == YEAR
    assert evaluate(consolidation(items), config) == result
