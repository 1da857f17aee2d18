"""config/criteria.yaml: the scoring criteria, the classes and the evaluation rules -> :class:`Criteria`.

Contract: maximum scores are positive, classes' minimums are not negative and are in decreasing order, rule names are
unique and a rule only proposes an outcome the life cycle allows from the states it names
(:func:`outcome_reachable`). :func:`parse_criteria` raises
:class:`~pipeline.config.node.ConfigError` (file and key path) on the first fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..core.lifecycle import EVENT_LABELS, REGISTERED, STATE_LABELS, allowed
from .node import Node

# Evaluation rules (criteria.yaml, "rules"). "new" in a rule's state_in is an item that has no
# life-cycle state before the year (not in the register yet). A rule proposes a decision of the
# year (a lifecycle event that a unit's report or the 2025 import does not cover) or "none".
NEW_ITEM = "new"
NO_OUTCOME = "none"
RULE_STATES = (NEW_ITEM, *STATE_LABELS)
RULE_OUTCOMES = (*(e for e in EVENT_LABELS if e not in ("register", "import-legacy", "report")), NO_OUTCOME)
RULE_CONDITIONS = (
    "state_in",
    "total_at_least",
    "total_below",
    "class_in",
    "criteria_met_at_least",
    "years_running_at_least",
)
# Commending or rewarding an item that is not recognised yet recognises it first, in the same cycle
# (see pipeline/core/lifecycle.py), so these outcomes are reachable from any state that can be recognised.
AFTER_RECOGNITION = ("commend", "reward")


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    max: float


@dataclass(frozen=True)
class CriteriaSet:
    key: str
    title: str
    criteria: tuple[Criterion, ...]

    @property
    def max_total(self) -> float:
        return sum(c.max for c in self.criteria)


@dataclass(frozen=True)
class ScoreClass:
    label: str
    min: float


@dataclass(frozen=True)
class Conditions:
    """What must all hold for a rule to fire; None or empty: no condition on that fact.

    ``states`` is never empty: a rule without ``state_in`` gets every state from which its outcome
    is a legal move (see :func:`outcome_reachable`)."""

    states: tuple[str, ...]
    total_at_least: float | None = None
    total_below: float | None = None
    classes: tuple[str, ...] = ()
    criteria_met_at_least: int | None = None
    years_running_at_least: int | None = None


@dataclass(frozen=True)
class Rule:
    """One evaluation rule: for items of ``kinds`` whose facts meet ``when``, propose ``outcome``."""

    name: str
    kinds: tuple[str, ...]
    when: Conditions
    outcome: str


@dataclass(frozen=True)
class Criteria:
    sets: Mapping[str, CriteriaSet]
    classification: tuple[ScoreClass, ...]
    proposal_minimum: Mapping[str, str]
    pass_share: float = 0.5
    rules: tuple[Rule, ...] = ()

    def classify(self, total: float) -> str:
        """The first class (highest minimum first) whose minimum the total reaches."""
        for score_class in self.classification:
            if total >= score_class.min:
                return score_class.label
        return self.classification[-1].label

    def rank(self, label: str) -> int:
        """Position of a class from the top (0 = best)."""
        return [c.label for c in self.classification].index(label)


def parse_criteria(root: Node) -> Criteria:
    m = root.mapping(("sets", "classification"), ("proposal_minimum", "pass_share", "rules"))
    sets = {}
    for key, node in m["sets"].entries():
        s = node.mapping(("title", "criteria"))
        criteria = tuple(_criterion(c) for c in s["criteria"].items())
        sets[key] = CriteriaSet(key, s["title"].text(), criteria)
    classes = tuple(
        ScoreClass(c["label"].text(), c["min"].number(least=0))
        for c in (n.mapping(("label", "min")) for n in m["classification"].items())
    )
    if list(classes) != sorted(classes, key=lambda c: -c.min):
        raise m["classification"].fail("các mức phải xếp theo điểm tối thiểu giảm dần")
    labels = tuple(c.label for c in classes)
    minimum = (
        {key: value.one_of(labels) for key, value in m["proposal_minimum"].entries()} if "proposal_minimum" in m else {}
    )
    pass_share = _pass_share(m["pass_share"]) if "pass_share" in m else 0.5
    rules = _rules(m["rules"], sets, labels) if "rules" in m else ()
    return Criteria(sets, classes, minimum, pass_share, rules)


def _pass_share(node: Node) -> float:
    share = node.number()
    if not 0 < share <= 1:
        raise node.fail(f"phải lớn hơn 0 và không quá 1 (đang là {share:g}), ví dụ 0.5 là một nửa điểm tối đa")
    return share


def outcome_reachable(state: str, outcome: str) -> bool:
    """Whether a rule may propose ``outcome`` for an item in ``state`` (a value of :data:`RULE_STATES`).

    A new item is registered in the cycle before any decision, so it moves like a registered one."""
    if outcome == NO_OUTCOME:
        return True
    moves = allowed(REGISTERED if state == NEW_ITEM else state)
    return outcome in moves or (outcome in AFTER_RECOGNITION and "recognise" in moves)


def _rules(node: Node, sets: Mapping[str, CriteriaSet], labels: tuple[str, ...]) -> tuple[Rule, ...]:
    """The ordered rules; names are unique because explanations quote them."""
    rules: list[Rule] = []
    for rule_node in node.items(allow_empty=True):
        rule = _rule(rule_node, sets, labels)
        if any(r.name == rule.name for r in rules):
            raise rule_node.fail(f"tên quy tắc “{rule.name}” bị trùng; mỗi quy tắc cần một tên riêng")
        rules.append(rule)
    return tuple(rules)


def _rule(node: Node, sets: Mapping[str, CriteriaSet], labels: tuple[str, ...]) -> Rule:
    m = node.mapping(("name", "outcome"), ("kinds", "when"))
    kinds = tuple(k.one_of(tuple(sets)) for k in m["kinds"].items()) if "kinds" in m else tuple(sets)
    outcome = m["outcome"].one_of(RULE_OUTCOMES)
    when = m["when"] if "when" in m else Node({}, node.file, f"{node.path}.when")
    fewest = min(len(sets[k].criteria) for k in kinds)
    return Rule(m["name"].text(), kinds, _conditions(when, outcome, labels, fewest), outcome)


def _conditions(node: Node, outcome: str, labels: tuple[str, ...], fewest_criteria: int) -> Conditions:
    m = node.mapping((), RULE_CONDITIONS)
    at_least = _bound(m, "total_at_least")
    below = _bound(m, "total_below")
    if at_least is not None and below is not None and at_least >= below:
        raise node.fail(
            f"“total_at_least” ({at_least:g}) phải nhỏ hơn “total_below” ({below:g}), "
            "nếu không quy tắc không bao giờ áp dụng"
        )
    return Conditions(
        states=_rule_states(m["state_in"], outcome) if "state_in" in m else _reachable_states(outcome),
        total_at_least=at_least,
        total_below=below,
        classes=tuple(c.one_of(labels) for c in m["class_in"].items()) if "class_in" in m else (),
        criteria_met_at_least=_count(m, "criteria_met_at_least", fewest_criteria),
        years_running_at_least=_count(m, "years_running_at_least", None),
    )


def _rule_states(node: Node, outcome: str) -> tuple[str, ...]:
    states = []
    for item in node.items():
        state = item.one_of(RULE_STATES)
        if not outcome_reachable(state, outcome):
            legal = ", ".join(o for o in RULE_OUTCOMES if outcome_reachable(state, o))
            raise item.fail(
                f"một mục ở trạng thái “{state}” ({state_label(state)}) không thể “{outcome}” "
                f"({EVENT_LABELS[outcome]}); từ trạng thái này chỉ có thể: {legal}"
            )
        states.append(state)
    return tuple(states)


def state_label(state: str) -> str:
    return "mục mới, chưa có trong sổ theo dõi" if state == NEW_ITEM else STATE_LABELS[state]


def _reachable_states(outcome: str) -> tuple[str, ...]:
    return tuple(s for s in RULE_STATES if outcome_reachable(s, outcome))


def _bound(m: dict[str, Node], key: str) -> float | None:
    if key not in m:
        return None
    value = m[key].number()
    if value < 0:
        raise m[key].fail(f"không được âm (đang là {value:g})")
    return value


def _count(m: dict[str, Node], key: str, most: int | None) -> int | None:
    if key not in m:
        return None
    value = m[key].integer()
    if value < 0 or (most is not None and value > most):
        top = f" đến {most} (số tiêu chí ít nhất trong các loại của quy tắc)" if most is not None else ""
        raise m[key].fail(f"phải là số nguyên từ 0{top} (đang là {value})")
    return value


def _criterion(node: Node) -> Criterion:
    m = node.mapping(("key", "label", "max"))
    return Criterion(m["key"].text(), m["label"].text(), m["max"].number(above=0))
