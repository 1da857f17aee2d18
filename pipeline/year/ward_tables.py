"""The province's tables of its wards: one row per ward instead of one per item.

Contract: at a province (``level: province``) the units are wards and a report cannot list their
thousands of items; the item lists stay in ``tong-hop``. Each function builds one
:class:`StatTable` from the items as columns (:class:`ItemIndex`): :func:`by_ward_table` (each
ward's models, new and continuing, exemplary items, those its steering committee recognised and
commended, as its summary's decisions column says, resources), :func:`ward_proposals_table` (each ward's items per proposal) and
:func:`ward_outstanding_table` (each ward's best-scored items proposed for commendation or reward,
with the individual's year of birth and position). A ward that has not reported has a row that
says so in every figure cell and is left out of the total: its figures are unknown, not zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..config import Config
from ..core.layout import ITEM_SHEETS, WARD_DECISION
from ..core.lifecycle import EVENT_LABELS
from ..core.matching import birth_year
from .consolidate import EXEMPT, Item, UnitStatus
from .item_index import ItemIndex, status_choices
from .item_tables import HONOUR_EVENTS, has_accepted_file
from .stat_table import KIND_COLUMNS, NOT_REPORTED, Cell, StatTable, reported_total

WARD_COLUMN = "Phường, xã"
OUTSTANDING_PER_WARD = 1  # items of each ward in the province's list of outstanding items
NO_PROPOSAL = "Không đề nghị"


def _per_ward(
    index: ItemIndex, width: int, figures: Callable[[str], Sequence[Cell]]
) -> tuple[list[tuple[Cell, ...]], tuple[Cell, ...]]:
    """A row per ward asked to report: its ``figures`` (of its code), or "Chưa báo cáo"; the total
    of the wards that reported."""
    rows: list[tuple[Cell, ...]] = [
        (s.unit.name, *(figures(s.unit.code) if has_accepted_file(s) else (NOT_REPORTED,) * width))
        for s in _wards(index)
    ]
    return rows, reported_total(rows, width)


def _wards(index: ItemIndex) -> list[UnitStatus]:
    return [s for s in index.data.units if s.status != EXEMPT or s.file]


def by_ward_table(index: ItemIndex, config: Config) -> StatTable:
    """Each ward: models (new, continuing, all), exemplary items, what its steering committee
    recognised and commended (its summary's decisions column), resources."""
    new, continuing = status_choices(config)
    decided = _ward_decisions(index)

    def figures(code: str) -> tuple[Cell, ...]:
        return (
            index.count("models", "unit", code, ("status", new)),
            index.count("models", "unit", code, ("status", continuing)),
            index.count("models", "unit", code),
            index.count("collectives", "unit", code) + index.count("individuals", "unit", code),
            *decided.get(code, (0, 0)),
            index.total("models", "budget_vnd", "unit", code),
            index.total("models", "contributions_vnd", "unit", code),
        )

    columns = (
        "Mô hình mới",
        "Mô hình tiếp tục",
        "Tổng số mô hình",
        "Điển hình",
        "Được công nhận, công nhận lại",
        "Được biểu dương, khen thưởng",
        "Kinh phí (đồng)",
        "Xã hội hóa (đồng)",
    )
    rows, total = _per_ward(index, len(columns), figures)
    title = "Kết quả của các phường, xã: mô hình, điển hình, công nhận, khen thưởng, nguồn lực huy động"
    return StatTable("by_ward", title, (WARD_COLUMN, *columns), tuple(rows), total)


_RECOGNISED = {EVENT_LABELS[e] for e in ("recognise", "re-recognise")}
_HONOURED = {EVENT_LABELS[e] for e in HONOUR_EVENTS}


def _ward_decisions(index: ItemIndex) -> dict[str, tuple[int, int]]:
    """Each ward's items its steering committee recognised (or recognised again), and those it
    commended or rewarded, as its summary's decisions column says (:data:`WARD_DECISION`)."""
    counts: dict[str, list[int]] = {}
    for kind in ITEM_SHEETS:
        for item in index.data.items[kind]:
            said = set(str(item.values.get(WARD_DECISION) or "").split("; "))
            tally = counts.setdefault(item.unit.code, [0, 0])
            tally[0] += bool(said & _RECOGNISED)
            tally[1] += bool(said & _HONOURED)
    return {code: (recognised, honoured) for code, (recognised, honoured) in counts.items()}


def ward_proposals_table(index: ItemIndex, config: Config) -> StatTable:
    """Each ward: its models and exemplary items per proposal of the template (but "no proposal")."""
    proposals = [p for p in config.template.lists["proposals"] if p != NO_PROPOSAL]

    def figures(code: str) -> tuple[Cell, ...]:
        return tuple(sum(index.count(kind, "unit", code, ("proposal", p)) for kind in ITEM_SHEETS) for p in proposals)

    rows, total = _per_ward(index, len(proposals), figures)
    title = "Mô hình, điển hình các phường, xã đề nghị theo từng nội dung"
    return StatTable("ward_proposals", title, (WARD_COLUMN, *proposals), tuple(rows), total)


def ward_outstanding_table(index: ItemIndex) -> StatTable:
    """Each ward's best-scored items proposed for commendation or reward (at most
    :data:`OUTSTANDING_PER_WARD`), in the order of the wards."""
    honours = {EVENT_LABELS[e] for e in HONOUR_EVENTS}
    by_ward: dict[str, list[Item]] = {}
    for kind in ITEM_SHEETS:
        for item, proposal in zip(index.data.items[kind], index.column(kind, "proposal"), strict=True):
            if proposal in honours:
                by_ward.setdefault(item.unit.code, []).append(item)
    order = {kind: n for n, kind in enumerate(ITEM_SHEETS)}
    chosen = [
        item
        for status in _wards(index)
        for item in sorted(by_ward.get(status.unit.code, []), key=lambda i: (-i.total_score, order[i.kind]))[
            :OUTSTANDING_PER_WARD
        ]
    ]
    rows: list[tuple[Cell, ...]] = [
        (
            n,
            str(i.values.get("name") or ""),
            str(birth_year(i.values) or ""),  # a year as text: never grouped like a figure ("1.967")
            str(i.values.get("position") or ""),
            i.unit.name,
            KIND_COLUMNS[order[i.kind]],
            str(i.values.get("field") or ""),
            i.total_score,
            str(i.values.get("proposal") or ""),
        )
        for n, i in enumerate(chosen, start=1)
    ]
    columns = ("STT", "Tên mô hình, điển hình", "Năm sinh", "Chức vụ, nơi công tác", WARD_COLUMN, "Loại")
    title = "Danh sách mô hình, điển hình tiêu biểu các phường, xã đề nghị biểu dương, khen thưởng"
    return StatTable("outstanding", title, (*columns, "Lĩnh vực", "Điểm tự chấm", "Đề xuất"), tuple(rows))
