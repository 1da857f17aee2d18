"""Consolidation stage: validated submissions -> one :class:`Consolidation` of the year.

Contract: only accepted submissions contribute rows. The units expected in a year are the
configured units that exist on its units' deadline (``valid_from`` / ``valid_to``); a valid file
from any other unit is refused by validation (``unit-not-active``) and contributes nothing.
Per unit the latest accepted submission is used (by received time, then file name); earlier ones
are noted with a warning. Every expected unit gets a status: exempt (the year's calendar excuses
it), on time, late by N days (calendar or working days, after the deadline in force), rejected
(only rejected files arrived) or missing. Timeliness counts from the first accepted file, or from
the latest when the year's ``resubmission_after_deadline`` is ``counts-as-late``. Every
consolidated row keeps the file, sheet and row it came from. Deterministic: the result does not
depend on the order in which files are given.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..config import COUNTS_AS_LATE, WORKING_DAYS, Config, Unit, YearCalendar
from ..core.findings import Finding, finding
from ..core.layout import ITEM_SHEETS
from ..core.textnorm import fold
from ..intake.validate import Submission, in_order_received

ON_TIME = "on-time"
LATE = "late"
REJECTED = "rejected"
MISSING = "missing"
EXEMPT = "exempt"
STATUS_LABELS = {
    ON_TIME: "Đúng hạn",
    LATE: "Trễ hạn",
    REJECTED: "Bị trả lại",
    MISSING: "Chưa gửi",
    EXEMPT: "Miễn báo cáo",
}


@dataclass(frozen=True)
class UnitStatus:
    """Where one expected unit stands this year.

    ``file`` is the file whose figures are used (the latest accepted); ``received`` is the day
    timeliness counts from (see the module's contract). An exempt unit that sent a file anyway
    keeps its exempt status; its figures are consolidated like any other unit's."""

    unit: Unit
    status: str
    days_late: int
    file: str
    received: dt.date | None
    model_count: int
    answers: Mapping[str, Any]
    reason: str = ""  # why an exempt unit is exempt
    working_days: bool = False  # days_late counts working days

    @property
    def label(self) -> str:
        """The status in Vietnamese: the one place every output takes it from."""
        if self.status == LATE:
            return f"Trễ hạn {self.days_late} ngày" + (" làm việc" if self.working_days else "")
        if self.status == EXEMPT:
            return f"{STATUS_LABELS[EXEMPT]}: {self.reason}"
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
    calendar = config.year(year)
    expected = config.units.active_on(calendar.units_deadline)
    # Validation refuses files of units that do not exist on the deadline (unit-not-active);
    # the filter keeps a consolidation of hand-made submissions honest all the same.
    codes = {u.code for u in expected}
    by_unit = _accepted_by_unit([s for s in submissions if s.unit_code in codes])
    chosen = {code: subs[-1] for code, subs in by_unit.items()}
    statuses = tuple(_status(unit, by_unit.get(unit.code, []), submissions, calendar) for unit in expected)
    items = {key: _items(key, chosen, config) for key in ITEM_SHEETS}
    activities = {code: dict(sub.forms.get("activities", {})) for code, sub in sorted(chosen.items())}
    notes = [*_duplicates(by_unit), *_below_minimum(statuses, submissions), *_shared_model_names(chosen, config)]
    return Consolidation(year, statuses, items, activities, tuple(notes))


def _accepted_by_unit(submissions: list[Submission]) -> dict[str, list[Submission]]:
    """The accepted submissions of each unit, oldest first (:func:`~pipeline.intake.validate.in_order_received`)."""
    by_unit: dict[str, list[Submission]] = {}
    for sub in submissions:
        if sub.accepted and sub.unit_code:
            by_unit.setdefault(sub.unit_code, []).append(sub)
    return {code: in_order_received(subs) for code, subs in sorted(by_unit.items())}


def _duplicates(by_unit: Mapping[str, list[Submission]]) -> list[Finding]:
    """A warning on every accepted file of a unit but its latest, which is the one used."""
    return [
        finding("duplicate-submission", file=old.source.name, unit=code, used=subs[-1].source.name)
        for code, subs in by_unit.items()
        for old in subs[:-1]
    ]


def _status(unit: Unit, accepted: list[Submission], all_subs: list[Submission], calendar: YearCalendar) -> UnitStatus:
    reason = calendar.exemption(unit.code)
    if not accepted:
        rejected = sorted(s.source.name for s in all_subs if s.unit_code == unit.code and not s.accepted)
        status = EXEMPT if reason is not None else REJECTED if rejected else MISSING
        return UnitStatus(unit, status, 0, rejected[-1] if rejected else "", None, 0, {}, reason or "")
    latest = accepted[-1]
    counted = latest if calendar.resubmission_after_deadline == COUNTS_AS_LATE else accepted[0]
    received = counted.source.received_at.date()
    days_late = calendar.days_late(received) if reason is None else 0
    return UnitStatus(
        unit=unit,
        status=EXEMPT if reason is not None else LATE if days_late else ON_TIME,
        days_late=days_late,
        file=latest.source.name,
        received=received,
        model_count=len(latest.tables.get("models", ())),
        answers=dict(latest.forms.get("unit", {})),
        reason=reason or "",
        working_days=calendar.late_counting == WORKING_DAYS,
    )


def _items(sheet_key: str, chosen: Mapping[str, Submission], config: Config) -> tuple[Item, ...]:
    sheet = config.template.sheet(sheet_key)
    score_keys = [f.key for f in sheet.score_fields()]
    classify = config.criteria.classify
    items: list[Item] = []
    for unit in (u for u in config.units.units if u.code in chosen):
        sub = chosen[unit.code]
        file = sub.source.name
        for record in sub.tables.get(sheet_key, ()):
            total = _total(record.values, score_keys)
            items.append(Item(sheet_key, unit, record.values, total, classify(total), file, sheet.title, record.row))
    return tuple(items)


def _total(values: Mapping[str, Any], score_keys: list[str]) -> float:
    """The sum of a row's scores, a missing one counting 0 (a list, not a generator: this runs on
    every item of the year, and summing a list is about twice as fast)."""
    return float(sum([values.get(k) or 0 for k in score_keys]))


def _below_minimum(statuses: tuple[UnitStatus, ...], submissions: list[Submission]) -> list[Finding]:
    """``below-minimum-models`` for each unit whose report used has too few models, and for each
    unit whose only file was returned with too few rows (an empty template returned as it was
    issued): the clerk is told of the shortfall with the errors, not after the resubmission."""
    by_name = {s.source.name: s for s in submissions}
    notes = []
    for s in statuses:
        if s.below_minimum:
            notes.append(minimum_note(s.unit, s.file, s.model_count))
        elif s.status == REJECTED and s.file in by_name:
            note = models_minimum(by_name[s.file], s.unit)
            notes.extend([note] if note else [])
    return notes


def models_minimum(sub: Submission, unit: Unit) -> Finding | None:
    """``below-minimum-models`` for a file of ``unit`` with fewer model rows than the unit's
    minimum (none of them: an empty template), else None; for ``dvk check`` and returned files."""
    count = len(sub.tables.get("models", ()))
    return minimum_note(unit, sub.source.name, count) if count < unit.min_models else None


def with_minimum_note(sub: Submission, config: Config) -> Submission:
    """``sub`` with ``below-minimum-models`` when its unit's file has too few model rows, as
    ``dvk consolidate`` would say (an empty template among them): what ``dvk check`` shows."""
    unit = config.units.get(sub.unit_code) if sub.unit_code else None
    note = models_minimum(sub, unit) if unit is not None else None
    return sub if note is None else dataclasses.replace(sub, findings=(*sub.findings, note))


def minimum_note(unit: Unit, file: str, count: int) -> Finding:
    return finding("below-minimum-models", file=file, unit=unit.code, count=count, minimum=unit.min_models)


def _shared_model_names(chosen: Mapping[str, Submission], config: Config) -> list[Finding]:
    """Models of the same (folded) name in two units of the same area: flagged on every unit but
    the first. Units of one former commune share an area; a ward-wide unit (the Front, a mass
    organisation, an agency: no origin) shares the area of every unit."""
    title = config.template.sheet("models").title
    owners: dict[str, list[Unit]] = {}
    notes = []
    for unit in (u for u in config.units.units if u.code in chosen):
        sub = chosen[unit.code]
        for record in sub.tables.get("models", ()):
            name = record.values.get("name")
            if not name:
                continue
            earlier = owners.setdefault(fold(str(name)), [])
            # Most names are met once: no generator is started for the first owner of a name.
            first = next((o for o in earlier if _same_area(o, unit)), None) if earlier else None
            if first is not None:
                notes.append(
                    finding(
                        "duplicate-across-units",
                        file=sub.source.name,
                        sheet=title,
                        cell=record.cells["name"],
                        name=name,
                        other_unit=first.name,
                        advice=_advice(unit, first, config),
                    )
                )
            earlier.append(unit)
    return notes


def _advice(unit: Unit, other: Unit, config: Config) -> str:
    """What to do about a shared model name, as fits the level: a ward's units share an area, a
    province's wards do not (a model of one name in two wards may well be one replicated)."""
    if config.organization.is_province:
        return (
            f"{unit.name} và {other.name} có mô hình cùng tên. Nếu là mô hình được nhân rộng thì không cần"
            " sửa; nếu là hai mô hình khác nhau, hãy đề nghị một trong hai nơi đặt tên phân biệt (ví dụ"
            " thêm tên địa bàn) để việc theo dõi, khen thưởng không bị nhầm."
        )
    return (
        "Mô hình của chi bộ khu dân cư không trùng với mô hình của Mặt trận, đoàn thể trên cùng địa bàn;"
        " hãy trao đổi với đơn vị kia hoặc đặt tên phân biệt."
    )


def _same_area(one: Unit, other: Unit) -> bool:
    return one.code != other.code and (not one.origin or not other.origin or one.origin == other.origin)
