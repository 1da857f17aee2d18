"""Evaluation stage: a :class:`Consolidation` + the rules of criteria.yaml -> one proposal per item.

Contract: pure, no I/O. Each model, exemplary collective and individual gets the facts the rules
look at (its life-cycle state before the year, total score, classification, the criteria it meets,
the years it has been running), the first rule of ``config.criteria.rules`` whose conditions all
hold, the outcome that rule proposes (a lifecycle event, or ``"none"`` when no rule applies) and
one Vietnamese sentence that explains why. A criterion is met when its score reaches
``pass_share`` × its maximum; a missing score counts as 0. The proposal is the ward's suggestion
to its steering committee, not a decision: nothing here changes the register. Items keep the
consolidation's order (models, then collectives, then individuals).

Per unit that reported (on time or late), :class:`UnitTarget` says whether it reached its minimum
number of models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..config import NEW_ITEM, NO_OUTCOME, Conditions, Config, CriteriaSet, Rule, Unit, state_label
from ..core.layout import ITEM_SHEETS
from ..core.lifecycle import EVENT_LABELS, PROPOSAL_EVENTS, STATE_LABELS
from ..core.textnorm import clean, fold
from ..core.vnformat import number
from .consolidate import LATE, ON_TIME, Consolidation, Item, UnitStatus

NO_OUTCOME_LABEL = "Không đề xuất"


@dataclass(frozen=True)
class ItemEvaluation:
    """What the rules propose for one item, and why."""

    item: Item
    key: str  # see item_key
    state: str | None  # life-cycle state before the year; None: a new item
    total: float
    classification: str
    met: tuple[str, ...]  # labels of the criteria met
    not_met: tuple[str, ...]
    rule: str  # name of the rule that fired; "" when none did
    outcome: str  # a lifecycle event key, or "none"
    outcome_label: str
    explanation: str
    proposal_agrees: bool  # the unit's own proposal asks for the same outcome


@dataclass(frozen=True)
class UnitTarget:
    """A reporting unit's models against its yearly minimum."""

    unit: Unit
    models: int
    minimum: int
    met: bool


@dataclass(frozen=True)
class Evaluation:
    year: int
    items: tuple[ItemEvaluation, ...]
    units: tuple[UnitTarget, ...]

    def of_kind(self, kind: str) -> tuple[ItemEvaluation, ...]:
        """The evaluations of one kind of item (models, collectives, individuals)."""
        return tuple(e for e in self.items if e.item.kind == kind)

    def count(self, outcome: str, kind: str | None = None) -> int:
        """How many items (of ``kind``) get ``outcome``."""
        return sum(1 for e in self.items if e.outcome == outcome and (kind is None or e.item.kind == kind))


@dataclass(frozen=True)
class _Facts:
    """What the rules of one item look at."""

    kind: str
    state: str  # NEW_ITEM for an item without a state
    total: float
    classification: str
    met: int
    years_running: int | None


def evaluate(data: Consolidation, config: Config, states: Mapping[str, str] | None = None) -> Evaluation:
    """Propose an outcome for every item of ``data``; ``states`` maps :func:`item_key` to the state before the year."""
    known = states or {}
    items = tuple(
        _evaluate_item(item, config, data.year, known.get(item_key(item)))
        for kind in ITEM_SHEETS
        for item in data.items[kind]
    )
    targets = tuple(_target(status) for status in data.units if status.status in (ON_TIME, LATE))
    return Evaluation(data.year, items, targets)


def item_key(item: Item) -> str:
    """An item's identity across years: its code when the unit wrote one, else unit, kind and folded name."""
    code = clean(str(item.values.get("code") or ""))
    if code:
        return code
    return f"{item.unit.code}|{item.kind}|{fold(str(item.values.get('name') or ''))}"


# --------------------------------------------------------------------------- one item


def _evaluate_item(item: Item, config: Config, year: int, state: str | None) -> ItemEvaluation:
    if state is not None and state not in STATE_LABELS:
        raise ValueError(f"unknown state {state!r} for item {item_key(item)!r}; known: {', '.join(STATE_LABELS)}")
    criteria = config.criteria.sets[item.kind]
    met, not_met = _split_criteria(item, criteria, config.criteria.pass_share)
    facts = _Facts(item.kind, state or NEW_ITEM, item.total_score, item.classification, len(met), _years(item, year))
    rule = next((r for r in config.criteria.rules if _applies(r, facts)), None)
    outcome = rule.outcome if rule else NO_OUTCOME
    return ItemEvaluation(
        item=item,
        key=item_key(item),
        state=state,
        total=item.total_score,
        classification=item.classification,
        met=met,
        not_met=not_met,
        rule=rule.name if rule else "",
        outcome=outcome,
        outcome_label=outcome_label(outcome),
        explanation=_explain(facts, criteria, met, not_met, rule, year),
        proposal_agrees=_unit_proposal(item.values) == outcome,
    )


def outcome_label(outcome: str) -> str:
    """An outcome in Vietnamese: the lifecycle's event label, or "Không đề xuất"."""
    return NO_OUTCOME_LABEL if outcome == NO_OUTCOME else EVENT_LABELS[outcome]


def _split_criteria(item: Item, criteria: CriteriaSet, share: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Labels of the criteria met and not met, in the set's order."""
    met = [c for c in criteria.criteria if _score(item.values.get(f"score_{c.key}")) >= share * c.max]
    return tuple(c.label for c in met), tuple(c.label for c in criteria.criteria if c not in met)


def _score(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _years(item: Item, year: int) -> int | None:
    """The year minus the item's start year; None when the item has no start year."""
    start = item.values.get("start_year")
    if isinstance(start, bool) or not isinstance(start, int | float):
        return None
    return year - int(start)


def _applies(rule: Rule, facts: _Facts) -> bool:
    return facts.kind in rule.kinds and _holds(rule.when, facts)


def _holds(when: Conditions, facts: _Facts) -> bool:
    years = when.years_running_at_least
    return all(
        (
            facts.state in when.states,
            when.total_at_least is None or facts.total >= when.total_at_least,
            when.total_below is None or facts.total < when.total_below,
            not when.classes or facts.classification in when.classes,
            when.criteria_met_at_least is None or facts.met >= when.criteria_met_at_least,
            years is None or (facts.years_running is not None and facts.years_running >= years),
        )
    )


def _unit_proposal(values: Mapping[str, Any]) -> str | None:
    """The unit's proposal as an outcome key ("none" when it asks for nothing); None when unreadable."""
    text = values.get("proposal")
    if text is None or text == "":
        return NO_OUTCOME
    if str(text) not in PROPOSAL_EVENTS:
        return None
    return PROPOSAL_EVENTS[str(text)] or NO_OUTCOME


# --------------------------------------------------------------------------- explanation


def _explain(
    facts: _Facts,
    criteria: CriteriaSet,
    met: tuple[str, ...],
    not_met: tuple[str, ...],
    rule: Rule | None,
    year: int,
) -> str:
    """One sentence: total and class; criteria met and not met; state; the rule that fired."""
    parts = (
        f"Tổng điểm {number(facts.total)}/{number(criteria.max_total)}, xếp loại {facts.classification}",
        _criteria_part(met, not_met),
        f"trạng thái trước năm {year}: {state_label(facts.state)}",
        _rule_part(rule),
    )
    return "; ".join(parts) + "."


def _criteria_part(met: tuple[str, ...], not_met: tuple[str, ...]) -> str:
    count = len(met) + len(not_met)
    met_text = f"đạt {len(met)}/{count} tiêu chí" + (f" ({_quoted(met)})" if met else "")
    return met_text + (f", chưa đạt: {_quoted(not_met)}" if not_met else "")


def _rule_part(rule: Rule | None) -> str:
    if rule is None:
        return "không có quy tắc nào áp dụng: không đề xuất"
    proposal = "không đề xuất" if rule.outcome == NO_OUTCOME else f"đề xuất {outcome_label(rule.outcome)}"
    return f"theo quy tắc “{rule.name}”: {proposal}"


def _quoted(labels: tuple[str, ...]) -> str:
    return ", ".join(f"“{label}”" for label in labels)


# --------------------------------------------------------------------------- units


def _target(status: UnitStatus) -> UnitTarget:
    return UnitTarget(status.unit, status.model_count, status.unit.min_models, not status.below_minimum)
