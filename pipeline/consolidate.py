"""Consolidation stage: validated submissions -> one :class:`Consolidation` of the year.

Contract: only accepted submissions contribute rows. Per unit the latest accepted submission is
used (by received time, then file name); earlier ones are noted with a warning. Every configured
unit gets a status: on time, late by N days, rejected (only rejected files arrived) or missing.
Every consolidated row keeps the file, sheet and row it came from. Deterministic: the result does
not depend on the order in which files are given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import Config, Unit
from .findings import Finding, finding
from .sheets import Record
from .textnorm import fold
from .validate import Submission

ON_TIME = "on-time"
LATE = "late"
REJECTED = "rejected"
MISSING = "missing"
STATUS_LABELS = {ON_TIME: "Đúng hạn", LATE: "Trễ hạn", REJECTED: "Bị trả lại", MISSING: "Chưa gửi"}
ITEM_SHEETS = ("models", "collectives", "individuals")


@dataclass(frozen=True)
class UnitStatus:
    """Where one configured unit stands this year."""

    unit: Unit
    status: str
    days_late: int
    file: str
    received: dt.date | None
    model_count: int
    answers: Mapping[str, Any]

    @property
    def label(self) -> str:
        if self.status == LATE:
            return f"Trễ hạn {self.days_late} ngày"
        return STATUS_LABELS[self.status]

    @property
    def below_minimum(self) -> bool:
        return self.status in (ON_TIME, LATE) and self.model_count < self.unit.min_models


@dataclass(frozen=True)
class Item:
    """A consolidated row (a model or an exemplary collective or individual) with its origin."""

    kind: str
    unit: Unit
    values: Mapping[str, Any]
    total_score: float
    classification: str
    source_file: str
    source_sheet: str
    source_row: int


@dataclass(frozen=True)
class Consolidation:
    year: int
    units: tuple[UnitStatus, ...]
    items: Mapping[str, tuple[Item, ...]]
    activities: Mapping[str, Mapping[str, Any]]
    findings: tuple[Finding, ...]

    @property
    def models(self) -> tuple[Item, ...]:
        return self.items["models"]


def consolidate(submissions: list[Submission], config: Config, year: int) -> Consolidation:
    """Merge the accepted submissions of ``year`` into one consolidation."""
    deadline = config.year(year).units_deadline
    chosen, notes = _latest_per_unit(submissions)
    statuses = tuple(_status(unit, chosen.get(unit.code), submissions, deadline) for unit in config.units.units)
    items = {key: _items(key, chosen, config) for key in ITEM_SHEETS}
    activities = {code: dict(sub.forms.get("activities", {})) for code, sub in sorted(chosen.items())}
    notes.extend(_below_minimum(statuses))
    notes.extend(_shared_model_names(chosen, config))
    return Consolidation(year, statuses, items, activities, tuple(notes))


def _latest_per_unit(submissions: list[Submission]) -> tuple[dict[str, Submission], list[Finding]]:
    by_unit: dict[str, list[Submission]] = {}
    for sub in submissions:
        if sub.accepted and sub.unit_code:
            by_unit.setdefault(sub.unit_code, []).append(sub)
    chosen: dict[str, Submission] = {}
    notes: list[Finding] = []
    for code, subs in sorted(by_unit.items()):
        ordered = sorted(subs, key=lambda s: (s.source.received_at, s.source.name))
        chosen[code] = ordered[-1]
        notes.extend(
            finding("duplicate-submission", file=old.source.name, unit=code, used=ordered[-1].source.name)
            for old in ordered[:-1]
        )
    return chosen, notes


def _status(unit: Unit, sub: Submission | None, all_subs: list[Submission], deadline: dt.date) -> UnitStatus:
    if sub is None:
        rejected = sorted(s.source.name for s in all_subs if s.unit_code == unit.code and not s.accepted)
        status = REJECTED if rejected else MISSING
        return UnitStatus(unit, status, 0, rejected[-1] if rejected else "", None, 0, {})
    received = sub.source.received_at.date()
    days_late = max(0, (received - deadline).days)
    return UnitStatus(
        unit=unit,
        status=LATE if days_late else ON_TIME,
        days_late=days_late,
        file=sub.source.name,
        received=received,
        model_count=len(sub.tables.get("models", ())),
        answers=dict(sub.forms.get("unit", {})),
    )


def _items(sheet_key: str, chosen: Mapping[str, Submission], config: Config) -> tuple[Item, ...]:
    sheet = config.template.sheet(sheet_key)
    score_keys = [f.key for f in sheet.score_fields()]
    items: list[Item] = []
    for code in (u.code for u in config.units.units if u.code in chosen):
        sub = chosen[code]
        unit = config.units.get(code)
        assert unit is not None  # validation rejects unknown units
        items.extend(
            _item(sheet_key, unit, sub, record, score_keys, config) for record in sub.tables.get(sheet_key, ())
        )
    return tuple(items)


def _item(kind: str, unit: Unit, sub: Submission, record: Record, score_keys: list[str], config: Config) -> Item:
    total = float(sum(record.values.get(k) or 0 for k in score_keys))
    return Item(
        kind=kind,
        unit=unit,
        values=record.values,
        total_score=total,
        classification=config.criteria.classify(total),
        source_file=sub.source.name,
        source_sheet=config.template.sheet(kind).title,
        source_row=record.row,
    )


def _below_minimum(statuses: tuple[UnitStatus, ...]) -> list[Finding]:
    return [
        finding(
            "below-minimum-models",
            file=s.file,
            unit=s.unit.code,
            count=s.model_count,
            minimum=s.unit.min_models,
        )
        for s in statuses
        if s.below_minimum
    ]


def _shared_model_names(chosen: Mapping[str, Submission], config: Config) -> list[Finding]:
    """Models of the same (folded) name in two units: flagged on every unit but the first."""
    title = config.template.sheet("models").title
    owner: dict[str, Unit] = {}
    notes = []
    for unit in (u for u in config.units.units if u.code in chosen):
        sub = chosen[unit.code]
        for record in sub.tables.get("models", ()):
            name = record.values.get("name")
            if not name:
                continue
            first = owner.setdefault(fold(str(name)), unit)
            if first is not unit:
                notes.append(
                    finding(
                        "duplicate-across-units",
                        file=sub.source.name,
                        sheet=title,
                        cell=record.cells["name"],
                        name=name,
                        other_unit=first.name,
                    )
                )
    return notes
