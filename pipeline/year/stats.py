"""Statistics: a :class:`Consolidation` -> the figures and tables that every output shows.

Contract: one place computes every figure; the consolidated workbook and both Word reports only
render what is here, so they cannot disagree. Tables are plain values (labels, rows of numbers
or text, an optional total row); figures are named numbers for the sentences of the reports.

Units: the consolidation lists the units expected in the year (those that exist on its deadline).
Exempt units are listed and shown in their own column, but ``units_expected`` (the units asked to
report) leaves them out, so that expected = submitted + rejected + missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..core.layout import ITEM_SHEETS
from .consolidate import EXEMPT, LATE, MISSING, ON_TIME, REJECTED, Consolidation, Item, UnitStatus

NEW_STATUS, CONTINUING_STATUS = 0, 1  # positions in the "model_status" list of the template
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
    index = _Index(data)
    figures = _figures(data, config, index)
    figures.update(_outcome_figures(index, decisions or {}))
    tables: tuple[StatTable, ...] = (
        _units_table(data, config),
        _by_field(index, config, previous),
        _by_group(index, config, previous),
        _by_origin(index, config, previous),
        _resources(index, config),
        _classification(index, config),
        _proposals(index, config),
        _activities(data, config, previous),
        _model_list(index),
        _units_by_field(index, config),
        _exemplars(index, config),
        _outcomes("evaluation", "Kết quả đánh giá mô hình, điển hình", EVALUATION_EVENTS, figures),
        _outcomes("rewards", "Biểu dương, khen thưởng, nhân rộng mô hình, điển hình", REWARD_EVENTS, figures),
        _outstanding(index),
    )
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
    from ..core.lifecycle import EVENT_LABELS

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


# --------------------------------------------------------------------------- grouping

# The attributes the tables read of each item, read all at once (see _Index): the value of
# each attribute, then the raw values of RESOURCE_KEYS.
_ATTRIBUTES = (
    "field",
    "status",
    "proposal",
    "name",
    "classification",
    "group",
    "origin",
    "unit",
    "unit_name",
    "total_score",
)


def _attributes(items: Sequence[Item]) -> list[tuple[Any, ...]]:
    """Each item's attributes (``_ATTRIBUTES``, then its values of ``RESOURCE_KEYS``), read in one pass."""
    return [
        (
            (values := item.values).get("field"),
            values.get("status"),
            values.get("proposal"),
            values.get("name"),
            item.classification,
            (unit := item.unit).group,
            unit.origin,
            unit.code,
            unit.name,
            item.total_score,
            *map(values.get, RESOURCE_KEYS),
        )
        for item in items
    ]


class _Index:
    """The year's items as columns: each attribute's value per item, in consolidation order.

    Every item is read once, all its attributes together, on the first use of its kind: a pass
    over the items per attribute (and per table row) looked each item's values up again, and that
    was most of the time of the statistics. Counting and adding then run over the columns in C
    (``Counter``, ``sum``), not item by item in Python."""

    def __init__(self, data: Consolidation) -> None:
        self.data = data
        self._columns: dict[str, dict[str, list[Any]]] = {}
        self._counts: dict[tuple[str, tuple[str, ...]], Counter[Any]] = {}
        self._positions: dict[tuple[str, str], dict[Any, list[int]]] = {}

    def column(self, kind: str, attribute: str) -> list[Any]:
        """``attribute`` (one of ``_ATTRIBUTES`` or ``RESOURCE_KEYS``) of each item of ``kind``, in
        consolidation order; a resource is 0 when missing or empty."""
        columns = self._columns.get(kind)
        if columns is None:
            names = (*_ATTRIBUTES, *RESOURCE_KEYS)
            read = list(zip(*_attributes(self.data.items[kind]), strict=True)) or [()] * len(names)
            columns = {name: list(column) for name, column in zip(names, read, strict=True)}
            for key in RESOURCE_KEYS:
                columns[key] = [amount or 0 for amount in columns[key]]
            self._columns[kind] = columns
        return columns[attribute]

    def count(self, kind: str, attribute: str, value: Any, *more: tuple[str, Any]) -> int:
        """The items of ``kind`` whose ``attribute`` equals ``value`` (and each further
        ``(attribute, value)`` pair of ``more`` holds)."""
        attributes = (attribute, *(a for a, _ in more))
        counts = self._counts.get((kind, attributes))
        if counts is None:
            columns = [self.column(kind, a) for a in attributes]
            counts = Counter(columns[0] if not more else zip(*columns, strict=True))
            self._counts[(kind, attributes)] = counts
        return counts[(value, *(v for _, v in more)) if more else value]

    def total(self, kind: str, key: str, attribute: str | None = None, value: Any = None) -> float:
        """The sum of ``key`` (one of ``RESOURCE_KEYS``) over the items of ``kind`` (whose
        ``attribute`` equals ``value``), added in consolidation order: the very float that adding
        them item by item gives."""
        amounts = self.column(kind, key)
        if attribute is None:
            return float(sum(amounts))
        return float(sum(map(amounts.__getitem__, self._positions_of(kind, attribute).get(value, ()))))

    def _positions_of(self, kind: str, attribute: str) -> dict[Any, list[int]]:
        """The positions of the items of ``kind`` by their ``attribute``, in consolidation order."""
        positions = self._positions.get((kind, attribute))
        if positions is None:
            positions = {}
            for position, value in enumerate(self.column(kind, attribute)):
                positions.setdefault(value, []).append(position)
            self._positions[(kind, attribute)] = positions
        return positions


# --------------------------------------------------------------------------- figures


def _figures(data: Consolidation, config: Config, index: _Index) -> dict[str, float]:
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
        "models_new": index.count("models", "status", new),
        "models_continuing": index.count("models", "status", continuing),
        "collectives_total": len(data.items["collectives"]),
        "individuals_total": len(data.items["individuals"]),
    }
    figures["exemplars_total"] = figures["collectives_total"] + figures["individuals_total"]
    for key in RESOURCE_KEYS:
        figures[key] = index.total("models", key)
    for spec in config.template.sheet("activities").fields:
        figures[f"activity_{spec.key}"] = sum(float(a.get(spec.key) or 0) for a in data.activities.values())
    figures.update(_breakdown_figures(index, config))
    return figures


def _breakdown_figures(index: _Index, config: Config) -> dict[str, float]:
    """The number of models in each row of the breakdowns (field, group, former commune), under
    :func:`breakdown_key`: last year's figures carry the same keys, which gives each row its change."""
    rows = [("field", name) for name in config.template.lists["fields"]]
    rows += [("group", g.key) for g in config.units.groups]
    rows += [("origin", place) for place in (*config.units.origins, "")]
    return {breakdown_key(kind, value): index.count("models", kind, value) for kind, value in rows}


def breakdown_key(kind: str, value: str) -> str:
    """The figure key of one breakdown row: ``models@field=Kinh tế``."""
    return f"models@{kind}={value}"


def _status_choices(config: Config) -> tuple[str, str]:
    choices = config.template.lists["model_status"]
    return choices[NEW_STATUS], choices[CONTINUING_STATUS]


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


def _breakdown_row(index: _Index, config: Config, attribute: str, value: str) -> tuple[int, ...]:
    new, continuing = _status_choices(config)
    return (
        index.count("models", attribute, value, ("status", new)),
        index.count("models", attribute, value, ("status", continuing)),
        index.count("models", attribute, value),
        index.count("collectives", attribute, value),
        index.count("individuals", attribute, value),
    )


def _breakdown(
    key: str,
    title: str,
    first: str,
    rows_of: Sequence[tuple[str, str, str]],
    index: _Index,
    config: Config,
    previous: Mapping[str, float] | None,
) -> StatTable:
    """One row per (label, breakdown kind, value): the items whose attribute ``kind`` (field, group,
    origin) is ``value``; with ``previous`` a last column holds each row's change in models on last year."""
    rows: list[tuple[Cell, ...]] = []
    for label, kind, value in rows_of:
        counts = _breakdown_row(index, config, kind, value)
        change = () if previous is None else (counts[2] - previous.get(breakdown_key(kind, value), 0),)
        rows.append((label, *counts, *change))
    columns = (first, *_BREAKDOWN_COLUMNS, *(() if previous is None else (change_column(index.data.year),)))
    return StatTable(key, title, columns, tuple(rows), _with_total(rows))


def change_column(year: int) -> str:
    """The header of a column of changes in models on the year before ``year``."""
    return f"Mô hình tăng (+), giảm (-) so với năm {year - 1}"


def _by_field(index: _Index, config: Config, previous: Mapping[str, float] | None = None) -> StatTable:
    rows = [(name, "field", name) for name in config.template.lists["fields"]]
    return _breakdown("by_field", "Mô hình, điển hình theo lĩnh vực", "Lĩnh vực", rows, index, config, previous)


def _by_group(index: _Index, config: Config, previous: Mapping[str, float] | None = None) -> StatTable:
    rows = [(g.label, "group", g.key) for g in config.units.groups]
    return _breakdown("by_group", "Mô hình, điển hình theo khối", "Khối", rows, index, config, previous)


def _by_origin(index: _Index, config: Config, previous: Mapping[str, float] | None = None) -> StatTable:
    places = config.units.origins
    if any(not unit.origin for unit in config.units.units):  # ward-wide units belong to no former area
        places = (*places, "")
    rows = [(place or config.units.whole_area, "origin", place) for place in places]
    title = f"Mô hình, điển hình theo địa bàn ({config.units.origin_title})"
    return _breakdown("by_origin", title, "Địa bàn", rows, index, config, previous)


def _resources(index: _Index, config: Config) -> StatTable:
    sheet = config.template.sheet("models")
    labels = tuple(sheet.field(k).label for k in RESOURCE_KEYS)
    rows: list[tuple[Cell, ...]] = []
    for name in config.template.lists["fields"]:
        rows.append((name, *(index.total("models", k, "field", name) for k in RESOURCE_KEYS)))
    return StatTable(
        "resources",
        "Nguồn lực huy động qua các mô hình",
        ("Lĩnh vực", *labels),
        tuple(rows),
        _with_total(rows),
    )


def _classification(index: _Index, config: Config) -> StatTable:
    return _per_kind(
        "classification",
        "Xếp loại theo điểm tự chấm",
        "Xếp loại",
        [c.label for c in config.criteria.classification],
        lambda label, kind: index.count(kind, "classification", label),
    )


def _proposals(index: _Index, config: Config) -> StatTable:
    return _per_kind(
        "proposals",
        "Đề xuất của các đơn vị",
        "Đề xuất",
        config.template.lists["proposals"],
        lambda label, kind: index.count(kind, "proposal", label),
    )


def _activities(data: Consolidation, config: Config, previous: Mapping[str, float] | None = None) -> StatTable:
    """The plan's activity figures; with ``previous`` also last year's and the change."""
    rows: list[tuple[Cell, ...]] = []
    for spec in config.template.sheet("activities").fields:
        now = int(sum(float(a.get(spec.key) or 0) for a in data.activities.values()))
        if previous is None:
            rows.append((spec.label, now))
        else:
            before = int(previous.get(f"activity_{spec.key}", 0))
            rows.append((spec.label, before, now, now - before))
    columns: tuple[str, ...] = ("Nội dung", "Số lượng")
    if previous is not None:
        columns = ("Nội dung", f"Năm {data.year - 1}", f"Năm {data.year}", "Tăng (+), giảm (-)")
    return StatTable("activities", "Kết quả công tác dân vận", columns, tuple(rows))


def _model_list(index: _Index) -> StatTable:
    # Built a column at a time (one row per model of the year): the same rows as one tuple per model.
    texts = {a: [str(v or "") for v in index.column("models", a)] for a in ("name", "field", "status", "proposal")}
    rows: list[tuple[Cell, ...]] = list(
        zip(
            range(1, len(index.data.models) + 1),
            texts["name"],
            index.column("models", "unit_name"),
            texts["field"],
            texts["status"],
            index.column("models", "total_score"),
            index.column("models", "classification"),
            texts["proposal"],
            strict=True,
        )
    )
    return StatTable(
        "model_list",
        "Danh sách mô hình “Dân vận khéo”",
        ("STT", "Tên mô hình", "Đơn vị", "Lĩnh vực", "Tình trạng", "Điểm tự chấm", "Xếp loại", "Đề xuất"),
        tuple(rows),
    )


# --------------------------------------------------------------------------- appendix tables


# Life-cycle events shown as evaluation outcomes (Biểu 4) and as honours (Biểu 5), in this order.
EVALUATION_EVENTS = ("recognise", "re-recognise", "strengthen", "remove")
REWARD_EVENTS = ("commend", "reward", "replicate")
HONOUR_EVENTS = ("commend", "reward")  # the outstanding items proposed for commendation (Biểu 7)
EXEMPLAR_KINDS = ("collectives", "individuals")


def _event_label(event: str) -> str:
    from ..core.lifecycle import EVENT_LABELS

    return EVENT_LABELS[event]


def outcome_key(source: str, event: str, group: str) -> str:
    """The figure key of the items of ``group`` ("models" or "exemplars") that the units proposed
    (``source`` "proposed") or the council decided (``source`` "decided") for ``event``."""
    return f"{source}_{event}_{group}"


def _outcome_figures(index: _Index, decisions: Mapping[tuple[str, str], int]) -> dict[str, float]:
    """Per event of Biểu 4 and 5: items proposed by the units and decided by the council,
    models and exemplary items (collective and individual) apart."""
    kinds = {"models": ("models",), "exemplars": EXEMPLAR_KINDS}
    figures: dict[str, float] = {}
    for event in (*EVALUATION_EVENTS, *REWARD_EVENTS):
        label = _event_label(event)
        for group, members in kinds.items():
            proposed = sum(index.count(kind, "proposal", label) for kind in members)
            figures[outcome_key("proposed", event, group)] = proposed
            figures[outcome_key("decided", event, group)] = sum(decisions.get((event, kind), 0) for kind in members)
    return figures


_OUTCOME_COLUMNS = (
    "Mô hình: Đơn vị đề xuất",
    "Mô hình: Ban chỉ đạo quyết định",
    "Điển hình: Đơn vị đề xuất",
    "Điển hình: Ban chỉ đạo quyết định",
)


def _outcomes(key: str, title: str, events: Sequence[str], figures: Mapping[str, float]) -> StatTable:
    """One row per event: what the units proposed and what the council decided."""
    rows: list[tuple[Cell, ...]] = [
        (
            _event_label(event),
            *(
                int(figures[outcome_key(source, event, group)])
                for group in ("models", "exemplars")
                for source in ("proposed", "decided")
            ),
        )
        for event in events
    ]
    return StatTable(key, title, ("Nội dung", *_OUTCOME_COLUMNS), tuple(rows), _with_total(rows))


def _units_by_field(index: _Index, config: Config) -> StatTable:
    """Each unit with an accepted report: its new and continuing models in each field."""
    new, continuing = _status_choices(config)
    fields = config.template.lists["fields"]
    rows: list[tuple[Cell, ...]] = []
    for status in (s for s in index.data.units if _has_accepted_file(s)):
        code = status.unit.code
        # Counted once over all models: a unit-by-unit scan is quadratic at province size.
        counts = [
            index.count("models", "unit", code, ("field", f), ("status", s)) for f in fields for s in (new, continuing)
        ]
        rows.append((status.unit.name, *counts, index.count("models", "unit", code)))
    columns = tuple(f"{field}: {word}" for field in fields for word in ("Mới", "Tiếp tục"))
    return StatTable(
        "units_by_field",
        "Mô hình của các đơn vị theo lĩnh vực (mới đăng ký, tiếp tục thực hiện)",
        ("Đơn vị", *columns, "Tổng số"),
        tuple(rows),
        _with_total(rows),
    )


def _has_accepted_file(status: UnitStatus) -> bool:
    """The unit's figures are consolidated: it reported, or it is exempt and reported anyway."""
    return status.status in (ON_TIME, LATE) or (status.status == EXEMPT and bool(status.file))


def _exemplars(index: _Index, config: Config) -> StatTable:
    """Exemplary collectives and individuals by field."""
    rows: list[tuple[Cell, ...]] = []
    for name in config.template.lists["fields"]:
        counts = [index.count(kind, "field", name) for kind in EXEMPLAR_KINDS]
        rows.append((name, *counts, sum(counts)))
    return StatTable(
        "exemplars",
        "Điển hình tập thể, điển hình cá nhân theo lĩnh vực",
        ("Lĩnh vực", "Điển hình tập thể", "Điển hình cá nhân", "Tổng số"),
        tuple(rows),
        _with_total(rows),
    )


def _outstanding(index: _Index) -> StatTable:
    """The items the units propose for commendation or reward, models first, best score first."""
    honours = {_event_label(e) for e in HONOUR_EVENTS}
    items = [
        item
        for kind in ITEM_SHEETS
        for item, proposal in zip(index.data.items[kind], index.column(kind, "proposal"), strict=True)
        if proposal in honours
    ]
    order = {kind: index for index, kind in enumerate(ITEM_SHEETS)}
    items.sort(key=lambda i: (order[i.kind], -i.total_score))
    rows: list[tuple[Cell, ...]] = [
        (
            n,
            str(i.values.get("name") or ""),
            i.unit.name,
            KIND_COLUMNS[order[i.kind]],
            str(i.values.get("field") or ""),
            i.total_score,
            i.classification,
            str(i.values.get("proposal") or ""),
        )
        for n, i in enumerate(items, start=1)
    ]
    return StatTable(
        "outstanding",
        "Danh sách mô hình, điển hình tiêu biểu đề nghị biểu dương, khen thưởng",
        ("STT", "Tên mô hình, điển hình", "Đơn vị", "Loại", "Lĩnh vực", "Điểm tự chấm", "Xếp loại", "Đề xuất"),
        tuple(rows),
    )
