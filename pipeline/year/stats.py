"""Statistics: a :class:`Consolidation` -> the figures and tables that every output shows.

Contract: one place computes every figure; the consolidated workbook and both Word reports only
render what is here, so they cannot disagree. Tables are plain values (labels, rows of numbers
or text, an optional total row); figures are named numbers for the sentences of the reports.

Units: the consolidation lists the units expected in the year (those that exist on its deadline).
Exempt units are listed and shown in their own column, but ``units_expected`` (the units asked to
report) leaves them out, so that expected = submitted + rejected + missing.

This module is the entry point: :func:`statistics` computes the figures, the units' timeliness
and the comparison with last year, and takes the tables of the items from :mod:`.item_tables` and
the activity figures and table from :mod:`.activities`; the table type is :mod:`.stat_table`'s,
the items' columns :mod:`.item_index`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..config import Config
from .activities import activities_table, activity_figures
from .consolidate import EXEMPT, LATE, MISSING, ON_TIME, REJECTED, Consolidation, UnitStatus
from .item_index import RESOURCE_KEYS, ItemIndex, status_choices
from .item_tables import (
    EVALUATION_EVENTS,
    REWARD_EVENTS,
    breakdown_figures,
    by_field_table,
    by_group_table,
    by_origin_table,
    classification_table,
    decisions_table,
    exemplars_table,
    model_list_table,
    outcome_figures,
    outcomes_table,
    outstanding_table,
    proposals_table,
    resources_table,
    units_by_field_table,
)
from .stat_table import Cell, StatTable, with_total
from .ward_tables import by_ward_table, ward_outstanding_table, ward_proposals_table


@dataclass(frozen=True)
class Statistics:
    """The year's figures (named numbers) and tables.

    Figures of the units' "Hoạt động" sheet (:mod:`.activities`), one pair per counted field of the
    sheet in config/template.yaml: ``activity_<key>`` (the sum over the units; for a yes/no field
    the number of units that answered "Có") and ``activity_reported_<key>`` (the number of units
    whose report carries the field: 0 for a field their template version did not have). The
    plan's fields of template 2026.2:

    - hot spots prevented or resolved, by kind: ``activity_hotspots_compensation`` (bồi thường,
      giải phóng mặt bằng), ``activity_hotspots_resettlement`` (tái định cư),
      ``activity_hotspots_land_disputes`` (tranh chấp đất đai), ``activity_hotspots_ethnic_religious``
      (dân tộc, tôn giáo), ``activity_hotspots_other``; beside the older ``activity_hotspots_arising``
      and ``activity_hotspots_resolved``;
    - training by who ran it: ``activity_training_higher_staff`` (staff sent to courses of the
      higher level), ``activity_training_own_courses`` and ``activity_training_own_staff`` (courses
      the unit ran, and the staff trained there); beside the older total ``activity_staff_trained``;
    - information: ``activity_dedicated_pages`` (chuyên trang), ``activity_dedicated_columns``
      (chuyên mục); beside the older ``activity_propaganda_items`` (tin, bài);
    - Mặt trận and organisations: ``activity_supervisions`` (giám sát),
      ``activity_social_criticisms`` (phản biện xã hội);
    - the unit's own plan: ``activity_own_plan`` (units that issued one), out of
      ``activity_reported_own_plan`` (units that answered; at a province, the wards' summaries
      that carry the field); its number and date are text and date fields, listed per unit in
      ``tong-hop`` only.
    """

    year: int
    figures: Mapping[str, float]
    tables: tuple[StatTable, ...]
    previous: Mapping[str, float] | None = None  # the previous year's figures, from the register
    earlier: Mapping[int, Mapping[str, float]] | None = None  # every earlier year's figures, from the register

    def table(self, key: str) -> StatTable:
        return next(t for t in self.tables if t.key == key)

    def has_table(self, key: str) -> bool:
        return any(t.key == key for t in self.tables)

    def change(self, key: str) -> float | None:
        """This year's figure minus last year's, when last year is known."""
        if self.previous is None or key not in self.previous:
            return None
        return self.figures[key] - self.previous[key]

    def trend(self, key: str) -> tuple[tuple[int, float], ...]:
        """``(year, figure)`` for every year known, oldest first: the earlier years the register
        holds (only last year when just ``previous`` is given), then this year."""
        earlier = dict(self.earlier or {})
        if self.previous is not None:
            earlier.setdefault(self.year - 1, self.previous)
        years = sorted(y for y, figures in earlier.items() if y < self.year and key in figures)
        return (*((y, earlier[y][key]) for y in years), (self.year, self.figures[key]))


# The figures compared with the previous year, with their labels.
YEAR_ON_YEAR = (
    ("models_total", "Tổng số mô hình"),
    ("models_new", "Mô hình mới đăng ký"),
    ("models_continuing", "Mô hình tiếp tục thực hiện"),
    ("collectives_total", "Điển hình tập thể"),
    ("individuals_total", "Điển hình cá nhân"),
    ("units_submitted", "Đơn vị gửi báo cáo hợp lệ"),
    ("people_reached", "Lượt người tham gia, hưởng lợi"),
    ("budget_vnd", "Kinh phí (đồng)"),
    ("contributions_vnd", "Xã hội hóa (đồng)"),
    ("activity_dialogues", "Cuộc đối thoại trực tiếp"),
)

# The years that the trend over the years shows, this one included.
TREND_YEARS = 5


def statistics(
    data: Consolidation,
    config: Config,
    previous: Mapping[str, float] | None = None,
    decisions: Mapping[tuple[str, str], int] | None = None,
    earlier: Mapping[int, Mapping[str, float]] | None = None,
) -> Statistics:
    """Every figure and table of the year; with ``previous`` (last year's figures) also the
    comparison, with ``decisions`` ((event, kind) -> count, from the register) the council's results,
    with ``earlier`` (year -> figures of every earlier year known) the trend over the years."""
    index = ItemIndex(data)
    figures = _figures(data, config, index)
    figures.update(outcome_figures(index, decisions or {}))
    tables: tuple[StatTable, ...] = (
        _units_table(data, config),
        by_field_table(index, config, previous),
        by_group_table(index, config, previous),
        by_origin_table(index, config, previous),
        resources_table(index, config),
        classification_table(index, config),
        proposals_table(index, config),
        activities_table(data.year, figures, config, previous),
        model_list_table(index),
        units_by_field_table(index, config),
        exemplars_table(index, config),
        outcomes_table("evaluation", "Kết quả đánh giá mô hình, điển hình", EVALUATION_EVENTS, figures),
        outcomes_table("rewards", "Biểu dương, khen thưởng, nhân rộng mô hình, điển hình", REWARD_EVENTS, figures),
        *_level_tables(index, config),
    )
    if previous is not None:
        tables = (*tables, _year_on_year(data.year, figures, previous))
    if decisions:
        tables = (*tables, decisions_table(decisions))
        figures["decisions_total"] = sum(decisions.values())
    words = config.organization.wording
    tables = tuple(t.worded(words.heading) for t in tables)  # a province's tables speak of wards
    return Statistics(data.year, figures, tables, previous, earlier)


def _level_tables(index: ItemIndex, config: Config) -> tuple[StatTable, ...]:
    """The outstanding items proposed for honours; at a province, by ward, and the wards' own tables."""
    if not config.organization.is_province:
        return (outstanding_table(index),)
    return (ward_outstanding_table(index), by_ward_table(index, config), ward_proposals_table(index, config))


def _year_on_year(year: int, figures: Mapping[str, float], previous: Mapping[str, float]) -> StatTable:
    rows: list[tuple[Cell, ...]] = [
        (label, previous.get(key, 0), figures[key], figures[key] - previous.get(key, 0)) for key, label in YEAR_ON_YEAR
    ]
    return StatTable(
        "year_on_year",
        f"So sánh với năm {year - 1}",
        ("Nội dung", f"Năm {year - 1}", f"Năm {year}", "Tăng (+), giảm (-)"),
        tuple(rows),
    )


# --------------------------------------------------------------------------- figures


def _figures(data: Consolidation, config: Config, index: ItemIndex) -> dict[str, float]:
    statuses = [u.status for u in data.units]
    new, continuing = status_choices(config)
    figures: dict[str, float] = {
        "units_expected": len(data.units) - statuses.count(EXEMPT),
        "units_exempt": statuses.count(EXEMPT),
        "units_submitted": statuses.count(ON_TIME) + statuses.count(LATE),
        "units_on_time": statuses.count(ON_TIME),
        "units_late": statuses.count(LATE),
        "units_rejected": statuses.count(REJECTED),
        "units_missing": statuses.count(MISSING),
        "units_below_minimum": sum(1 for u in data.units if u.below_minimum),
        "models_total": len(data.models),
        "models_new": index.count("models", "status", new),
        "models_continuing": index.count("models", "status", continuing),
        "collectives_total": len(data.items["collectives"]),
        "individuals_total": len(data.items["individuals"]),
    }
    figures["exemplars_total"] = figures["collectives_total"] + figures["individuals_total"]
    for key in RESOURCE_KEYS:
        figures[key] = index.total("models", key)
    figures.update(activity_figures(data.activities, config))
    figures.update(breakdown_figures(index, config))
    return figures


# --------------------------------------------------------------------------- the units


def _units_table(data: Consolidation, config: Config) -> StatTable:
    rows: list[tuple[Cell, ...]] = []
    for group in config.units.groups:
        members = [u for u in data.units if u.unit.group == group.key]
        rows.append(
            (
                group.label,
                len(members),
                *(_status_count(members, s) for s in (ON_TIME, LATE, REJECTED, MISSING, EXEMPT)),
            )
        )
    return StatTable(
        "units",
        "Tình hình gửi báo cáo của các đơn vị",
        ("Khối", "Số đơn vị", "Đúng hạn", "Trễ hạn", "Bị trả lại", "Chưa gửi", "Miễn báo cáo"),
        tuple(rows),
        with_total(rows),
    )


def _status_count(members: Sequence[UnitStatus], status: str) -> int:
    return sum(1 for u in members if u.status == status)
