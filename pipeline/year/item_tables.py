"""The tables of the year's items: breakdowns, resources, lists, and the outcomes of evaluation.

Contract: each function here builds one :class:`StatTable` of :func:`~.stats.statistics` from the
items as columns (:class:`ItemIndex`): the models and exemplars by field, group and former area
(with each row's change on last year), the resources they raised, their classification and the
units' proposals, the list of models, each unit's models by field, and per evaluation and reward
event what the units proposed and what the council decided, the outstanding items proposed for
honours and the council's decisions. The figure keys that the outputs and last year's figures
are read by (:func:`breakdown_key`, :func:`outcome_key`) are defined here too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..config import Config
from ..core.layout import ITEM_SHEETS
from .consolidate import EXEMPT, LATE, ON_TIME, UnitStatus
from .item_index import RESOURCE_KEYS, ItemIndex, status_choices
from .stat_table import KIND_COLUMNS, NOT_REPORTED, Cell, StatTable, per_kind, reported_total, with_total

EXEMPLAR_KINDS = ("collectives", "individuals")

# --------------------------------------------------------------------------- breakdowns

_BREAKDOWN_COLUMNS = (
    "Mô hình mới",
    "Mô hình tiếp tục",
    "Tổng số mô hình",
    "Điển hình tập thể",
    "Điển hình cá nhân",
)


def _breakdown_row(index: ItemIndex, config: Config, attribute: str, value: str) -> tuple[int, ...]:
    new, continuing = status_choices(config)
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
    index: ItemIndex,
    config: Config,
    previous: Mapping[str, float] | None,
    silent: frozenset[str] = frozenset(),
) -> StatTable:
    """One row per (label, breakdown kind, value): the items whose attribute ``kind`` (field, group,
    origin) is ``value``; with ``previous`` a last column holds each row's change in models on last year.
    A row whose value is in ``silent`` (no unit of it reported) says so in every cell and is not added up."""
    rows: list[tuple[Cell, ...]] = []
    width = len(_BREAKDOWN_COLUMNS) + (previous is not None)
    for label, kind, value in rows_of:
        if value in silent:
            rows.append((label, *(NOT_REPORTED,) * width))
            continue
        counts = _breakdown_row(index, config, kind, value)
        change = () if previous is None else (counts[2] - previous.get(breakdown_key(kind, value), 0),)
        rows.append((label, *counts, *change))
    columns = (first, *_BREAKDOWN_COLUMNS, *(() if previous is None else (change_column(index.data.year),)))
    return StatTable(key, title, columns, tuple(rows), reported_total(rows, width))


def change_column(year: int) -> str:
    """The header of a column of changes in models on the year before ``year``."""
    return f"Mô hình tăng (+), giảm (-) so với năm {year - 1}"


def breakdown_figures(index: ItemIndex, config: Config) -> dict[str, float]:
    """The number of models in each row of the breakdowns (field, group, former commune), under
    :func:`breakdown_key`: last year's figures carry the same keys, which gives each row its change."""
    rows = [("field", name) for name in config.template.lists["fields"]]
    rows += [("group", g.key) for g in config.units.groups]
    rows += [("origin", place) for place in (*config.units.origins, "")]
    return {breakdown_key(kind, value): index.count("models", kind, value) for kind, value in rows}


def breakdown_key(kind: str, value: str) -> str:
    """The figure key of one breakdown row: ``models@field=Kinh tế``."""
    return f"models@{kind}={value}"


def by_field_table(index: ItemIndex, config: Config, previous: Mapping[str, float] | None = None) -> StatTable:
    rows = [(name, "field", name) for name in config.template.lists["fields"]]
    return _breakdown("by_field", "Mô hình, điển hình theo lĩnh vực", "Lĩnh vực", rows, index, config, previous)


def by_group_table(index: ItemIndex, config: Config, previous: Mapping[str, float] | None = None) -> StatTable:
    rows = [(g.label, "group", g.key) for g in config.units.groups]
    keys = [g.key for g in config.units.groups]
    silent = _silent(index, "group", keys) if config.organization.is_province else frozenset()
    return _breakdown("by_group", "Mô hình, điển hình theo khối", "Khối", rows, index, config, previous, silent)


def by_origin_table(index: ItemIndex, config: Config, previous: Mapping[str, float] | None = None) -> StatTable:
    places = config.units.origins
    if any(not unit.origin for unit in config.units.units):  # ward-wide units belong to no former area
        places = (*places, "")
    rows = [(place or config.units.whole_area, "origin", place) for place in places]
    title = f"Mô hình, điển hình theo địa bàn ({config.units.origin_title})"
    # At a province, a former district none of whose wards reported is not reported, not zero (a
    # ward's table keeps its former communes' zeros: the ward's reports are unchanged).
    silent = _silent(index, "origin", places) if config.organization.is_province else frozenset()
    return _breakdown("by_origin", title, "Địa bàn", rows, index, config, previous, silent)


def _silent(index: ItemIndex, attribute: str, values: Sequence[str]) -> frozenset[str]:
    """The values of the units' ``attribute`` ("origin", "group") that some unit has and none of
    whose units reported."""
    listed = {getattr(s.unit, attribute) for s in index.data.units}
    reported = {getattr(s.unit, attribute) for s in index.data.units if has_accepted_file(s)}
    return frozenset(value for value in values if value in listed and value not in reported)


def resources_table(index: ItemIndex, config: Config) -> StatTable:
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
        with_total(rows),
    )


def classification_table(index: ItemIndex, config: Config) -> StatTable:
    return per_kind(
        "classification",
        "Xếp loại theo điểm tự chấm",
        "Xếp loại",
        [c.label for c in config.criteria.classification],
        lambda label, kind: index.count(kind, "classification", label),
    )


def proposals_table(index: ItemIndex, config: Config) -> StatTable:
    return per_kind(
        "proposals",
        "Đề xuất của các đơn vị",
        "Đề xuất",
        config.template.lists["proposals"],
        lambda label, kind: index.count(kind, "proposal", label),
    )


def model_list_table(index: ItemIndex) -> StatTable:
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


def units_by_field_table(index: ItemIndex, config: Config) -> StatTable:
    """Each unit with an accepted report: its new and continuing models in each field."""
    new, continuing = status_choices(config)
    fields = config.template.lists["fields"]
    rows: list[tuple[Cell, ...]] = []
    for status in (s for s in index.data.units if has_accepted_file(s)):
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
        with_total(rows),
    )


def has_accepted_file(status: UnitStatus) -> bool:
    """The unit's figures are consolidated: it reported, or it is exempt and reported anyway."""
    return status.status in (ON_TIME, LATE) or (status.status == EXEMPT and bool(status.file))


def exemplars_table(index: ItemIndex, config: Config) -> StatTable:
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
        with_total(rows),
    )


# --------------------------------------------------------------------------- outcomes

# Life-cycle events shown as evaluation outcomes (Biểu 4) and as honours (Biểu 5), in this order.
EVALUATION_EVENTS = ("recognise", "re-recognise", "strengthen", "remove")
REWARD_EVENTS = ("commend", "reward", "replicate")
HONOUR_EVENTS = ("commend", "reward")  # the outstanding items proposed for commendation (Biểu 7)


def _event_label(event: str) -> str:
    from ..core.lifecycle import EVENT_LABELS

    return EVENT_LABELS[event]


def outcome_key(source: str, event: str, group: str) -> str:
    """The figure key of the items of ``group`` ("models" or "exemplars") that the units proposed
    (``source`` "proposed") or the council decided (``source`` "decided") for ``event``."""
    return f"{source}_{event}_{group}"


def outcome_figures(index: ItemIndex, decisions: Mapping[tuple[str, str], int]) -> dict[str, float]:
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


def outcomes_table(key: str, title: str, events: Sequence[str], figures: Mapping[str, float]) -> StatTable:
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
    return StatTable(key, title, ("Nội dung", *_OUTCOME_COLUMNS), tuple(rows), with_total(rows))


def outstanding_table(index: ItemIndex) -> StatTable:
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


def decisions_table(decisions: Mapping[tuple[str, str], int]) -> StatTable:
    from ..core.lifecycle import EVENT_LABELS

    events = [e for e in EVENT_LABELS if any((e, k) in decisions for k in ITEM_SHEETS)]
    label_of = {EVENT_LABELS[e]: e for e in events}
    return per_kind(
        "decisions",
        "Kết quả xét duyệt của Ban chỉ đạo",
        "Quyết định",
        list(label_of),
        lambda label, kind: decisions.get((label_of[label], kind), 0),
    )
