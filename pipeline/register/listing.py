"""The register as a list to read: every item (model, exemplary collective, exemplary individual)
with its field, the years it was reported in and its life-cycle events, filtered.

Contract: :func:`item_records` reads the whole register in three queries (items, reported years,
events), whatever its size, and returns one :class:`ItemRecord` per item in code order;
:class:`ItemQuery` says which records a reader asked for (text searched without regard to case,
tone marks or diacritics; field, unit, state, kind and year matched exactly). Reading only: nothing
here writes.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.textnorm import unaccented
from .store import Register

ITEM_KIND_LABELS = {"models": "Mô hình", "collectives": "Điển hình tập thể", "individuals": "Điển hình cá nhân"}


@dataclass(frozen=True)
class ItemEvent:
    """One life-cycle event of an item, as the register recorded it."""

    year: int
    event: str
    before: str | None
    after: str
    evidence: str
    reason: str


@dataclass(frozen=True)
class ItemRecord:
    """One item of the register with what a reader looks for in it."""

    code: str
    kind: str
    unit: str
    name: str
    first_year: int
    state: str
    field: str = ""
    years: tuple[int, ...] = ()
    events: tuple[ItemEvent, ...] = ()

    @property
    def all_years(self) -> frozenset[int]:
        """The years the item lived in: registered, reported, or the subject of an event."""
        return frozenset({self.first_year, *self.years, *(e.year for e in self.events)})


@dataclass(frozen=True)
class ItemQuery:
    """What a reader asked for; an empty value does not filter."""

    text: str = ""
    field: str = ""
    unit: str = ""
    state: str = ""
    kind: str = ""
    year: int | None = None
    _words: tuple[str, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_words", tuple(unaccented(self.text).split()))

    def matches(self, record: ItemRecord) -> bool:
        if self.field and record.field != self.field:
            return False
        if self.unit and record.unit != self.unit:
            return False
        if self.state and record.state != self.state:
            return False
        if self.kind and record.kind != self.kind:
            return False
        if self.year is not None and self.year not in record.all_years:
            return False
        if self._words:
            haystack = unaccented(f"{record.code} {record.name} {record.unit} {record.field}")
            return all(word in haystack for word in self._words)
        return True


def item_records(register: Register) -> list[ItemRecord]:
    """Every item of ``register`` with its latest field, reported years and events, in code order."""
    db = register.db
    years: dict[str, list[int]] = {}
    fields: dict[str, str] = {}
    for code, year, values in db.execute("SELECT code, year, item_values FROM item_years ORDER BY code, year"):
        years.setdefault(code, []).append(int(year))
        reported = json.loads(values).get("field")
        if reported:
            fields[code] = str(reported)
    events: dict[str, list[ItemEvent]] = {}
    rows = db.execute("SELECT code, year, event, from_state, to_state, evidence, reason FROM events ORDER BY id")
    for code, year, event, before, after, evidence, reason in rows:
        events.setdefault(code, []).append(ItemEvent(int(year), event, before, after, evidence, reason))
    return [
        ItemRecord(
            item.code,
            item.kind,
            item.unit,
            item.name,
            item.first_year,
            item.state,
            fields.get(item.code, ""),
            tuple(years.get(item.code, ())),
            tuple(events.get(item.code, ())),
        )
        for item in register.items()
    ]


def select(records: Sequence[ItemRecord], query: ItemQuery) -> list[ItemRecord]:
    """The records ``query`` asks for, in their order."""
    return [r for r in records if query.matches(r)]
