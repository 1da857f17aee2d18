"""Statistics: a :class:`Consolidation` -> the figures and tables that every output shows.

Contract: one place computes every figure; the consolidated workbook and both Word reports only
render what is here, so they cannot disagree. Tables are plain values (labels, rows of numbers
or text, an optional total row); figures are named numbers for the sentences of the reports.

Units: the consolidation lists the units expected in the year (those that exist on its deadline).
Exempt units are listed and shown in their own column, but ``units_expected`` (the units asked to
report) leaves them out, so that expected = submitted + rejected + missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .config import Config
from .consolidate import EXEMPT, ITEM_SHEETS, LATE, MISSING, ON_TIME, REJECTED, Consolidation, Item, UnitStatus

NEW_STATUS, CONTINUING_STATUS = 0, 1  # positions in the "model_status" list of the template
WHOLE_WARD = "Cơ quan, đơn vị toàn phường"
RESOURCE_KEYS = ("budget_vnd", "contributions_vnd", "labour_days", "land_m2", "people_reached")

Cell = str | int | float


@dataclass(frozen=True)
class StatTable:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None


@dataclass(frozen=True)
class Statistics:
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
    tables: tuple[StatTable, ...] = (
        _units_table(data, config),
        _by_field(data, config),
        _by_group(data, config),
        _by_origin(data, config),
        _resources(data, config),
        _classification(data, config),
        _proposals(data, config),
        _activities(data, config),
        _model_list(data, config),
    )
    figures = _figures(data, config)
    if previous is not None:
        tables = (*tables, _year_on_year(data.year, figures, previous))
    if decisions:
        tables = (*tables, _decisions(decisions))
        figures["decisions_total"] = sum(decisions.values())
    return Statistics(data.year, figures, tables, previous, earlier)


KIND_COLUMNS = ("Mô hình", "Điển hình tập thể", "Điển hình cá nhân")  # in the order of ITEM_SHEETS


def _per_kind(key: str, title: str, first: str, labels: Sequence[str], count: Callable[[str, str], int]) -> StatTable:
    """A table of one row per label and one count per kind of item, with a total row."""
    rows: list[tuple[Cell, ...]] = [(label, *(count(label, kind) for kind in ITEM_SHEETS)) for label in labels]
    return StatTable(key, title, (first, *KIND_COLUMNS), tuple(rows), _with_total(rows))


def _decisions(decisions: Mapping[tuple[str, str], int]) -> StatTable:
    from .lifecycle import EVENT_LABELS

    events = [e for e in EVENT_LABELS if any((e, k) in decisions for k in ITEM_SHEETS)]
    label_of = {EVENT_LABELS[e]: e for e in events}
    return _per_kind(
        "decisions",
        "Kết quả xét duyệt của Ban chỉ đạo",
        "Quyết định",
        list(label_of),
        lambda label, kind: decisions.get((label_of[label], kind), 0),
    )


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


def _figures(data: Consolidation, config: Config) -> dict[str, float]:
    statuses = [u.status for u in data.units]
    new, continuing = _status_choices(config)
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
        "models_new": _count(data.models, "status", new),
        "models_continuing": _count(data.models, "status", continuing),
        "collectives_total": len(data.items["collectives"]),
        "individuals_total": len(data.items["individuals"]),
    }
    figures["exemplars_total"] = figures["collectives_total"] + figures["individuals_total"]
    for key in RESOURCE_KEYS:
        figures[key] = _sum(data.models, key)
    for spec in config.template.sheet("activities").fields:
        figures[f"activity_{spec.key}"] = sum(float(a.get(spec.key) or 0) for a in data.activities.values())
    return figures


def _status_choices(config: Config) -> tuple[str, str]:
    choices = config.template.lists["model_status"]
    return choices[NEW_STATUS], choices[CONTINUING_STATUS]


def _count(items: Sequence[Item], key: str, value: Any) -> int:
    return sum(1 for item in items if item.values.get(key) == value)


def _sum(items: Sequence[Item], key: str) -> float:
    return float(sum(item.values.get(key) or 0 for item in items))


def _with_total(rows: list[tuple[Cell, ...]], label: str = "Tổng cộng") -> tuple[Cell, ...]:
    """A total row: the label, then the sum of every numeric column."""
    width = len(rows[0]) if rows else 0
    sums: list[Cell] = [label]
    for column in range(1, width):
        values = [row[column] for row in rows]
        sums.append(
            sum(v for v in values if isinstance(v, int | float))
            if all(isinstance(v, int | float) for v in values)
            else ""
        )
    return tuple(sums)


# --------------------------------------------------------------------------- tables


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
        _with_total(rows),
    )


def _status_count(members: Sequence[UnitStatus], status: str) -> int:
    return sum(1 for u in members if u.status == status)


_BREAKDOWN_COLUMNS = (
    "Mô hình mới",
    "Mô hình tiếp tục",
    "Tổng số mô hình",
    "Điển hình tập thể",
    "Điển hình cá nhân",
)


def _breakdown_row(data: Consolidation, config: Config, keep: Callable[[Item], bool]) -> tuple[int, ...]:
    new, continuing = _status_choices(config)
    models = [m for m in data.models if keep(m)]
    return (
        _count(models, "status", new),
        _count(models, "status", continuing),
        len(models),
        sum(1 for i in data.items["collectives"] if keep(i)),
        sum(1 for i in data.items["individuals"] if keep(i)),
    )


def _field_is(name: str) -> Callable[[Item], bool]:
    return lambda item: item.values.get("field") == name


def _group_is(key: str) -> Callable[[Item], bool]:
    return lambda item: item.unit.group == key


def _origin_is(origin: str) -> Callable[[Item], bool]:
    return lambda item: item.unit.origin == origin


def _by_field(data: Consolidation, config: Config) -> StatTable:
    rows: list[tuple[Cell, ...]] = [
        (name, *_breakdown_row(data, config, _field_is(name))) for name in config.template.lists["fields"]
    ]
    return StatTable(
        "by_field",
        "Mô hình, điển hình theo lĩnh vực",
        ("Lĩnh vực", *_BREAKDOWN_COLUMNS),
        tuple(rows),
        _with_total(rows),
    )


def _by_group(data: Consolidation, config: Config) -> StatTable:
    rows: list[tuple[Cell, ...]] = [
        (g.label, *_breakdown_row(data, config, _group_is(g.key))) for g in config.units.groups
    ]
    return StatTable(
        "by_group",
        "Mô hình, điển hình theo khối",
        ("Khối", *_BREAKDOWN_COLUMNS),
        tuple(rows),
        _with_total(rows),
    )


def _by_origin(data: Consolidation, config: Config) -> StatTable:
    places = [*config.units.origins, ""]
    rows: list[tuple[Cell, ...]] = [
        (place or WHOLE_WARD, *_breakdown_row(data, config, _origin_is(place))) for place in places
    ]
    return StatTable(
        "by_origin",
        "Mô hình, điển hình theo địa bàn (xã, phường cũ)",
        ("Địa bàn", *_BREAKDOWN_COLUMNS),
        tuple(rows),
        _with_total(rows),
    )


def _resources(data: Consolidation, config: Config) -> StatTable:
    sheet = config.template.sheet("models")
    labels = tuple(sheet.field(k).label for k in RESOURCE_KEYS)
    rows: list[tuple[Cell, ...]] = []
    for name in config.template.lists["fields"]:
        models = [m for m in data.models if m.values.get("field") == name]
        rows.append((name, *(_sum(models, k) for k in RESOURCE_KEYS)))
    return StatTable(
        "resources",
        "Nguồn lực huy động qua các mô hình",
        ("Lĩnh vực", *labels),
        tuple(rows),
        _with_total(rows),
    )


def _classification(data: Consolidation, config: Config) -> StatTable:
    return _per_kind(
        "classification",
        "Xếp loại theo điểm tự chấm",
        "Xếp loại",
        [c.label for c in config.criteria.classification],
        lambda label, kind: sum(1 for i in data.items[kind] if i.classification == label),
    )


def _proposals(data: Consolidation, config: Config) -> StatTable:
    return _per_kind(
        "proposals",
        "Đề xuất của các đơn vị",
        "Đề xuất",
        config.template.lists["proposals"],
        lambda label, kind: _count(data.items[kind], "proposal", label),
    )


def _activities(data: Consolidation, config: Config) -> StatTable:
    rows: list[tuple[Cell, ...]] = [
        (spec.label, int(sum(float(a.get(spec.key) or 0) for a in data.activities.values())))
        for spec in config.template.sheet("activities").fields
    ]
    return StatTable("activities", "Kết quả công tác dân vận", ("Nội dung", "Số lượng"), tuple(rows))


def _model_list(data: Consolidation, config: Config) -> StatTable:
    rows: list[tuple[Cell, ...]] = [
        (
            n,
            str(m.values.get("name") or ""),
            m.unit.name,
            str(m.values.get("field") or ""),
            str(m.values.get("status") or ""),
            m.total_score,
            m.classification,
            str(m.values.get("proposal") or ""),
        )
        for n, m in enumerate(data.models, start=1)
    ]
    return StatTable(
        "model_list",
        "Danh sách mô hình “Dân vận khéo”",
        ("STT", "Tên mô hình", "Đơn vị", "Lĩnh vực", "Tình trạng", "Điểm tự chấm", "Xếp loại", "Đề xuất"),
        tuple(rows),
    )
