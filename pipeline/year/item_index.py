"""The year's items as columns, for the statistics to count and add over.

Contract: :class:`ItemIndex` reads each item of a :class:`Consolidation` once and answers counts
(items whose attributes hold given values) and totals (sums of a resource, in consolidation
order, so the very float that adding them item by item gives). It reads, never changes, the
consolidation; which figures and tables to make of it is the other statistics modules' business.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..config import Config
from .consolidate import Consolidation, Item

NEW_STATUS, CONTINUING_STATUS = 0, 1  # positions in the "model_status" list of the template
RESOURCE_KEYS = ("budget_vnd", "contributions_vnd", "labour_days", "land_m2", "people_reached")


def status_choices(config: Config) -> tuple[str, str]:
    """The template's words for a new and for a continuing model (its "model_status" list)."""
    choices = config.template.lists["model_status"]
    return choices[NEW_STATUS], choices[CONTINUING_STATUS]


# The attributes the tables read of each item, read all at once (see ItemIndex): the value of
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


class ItemIndex:
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
