"""What the register knows of the items when a year's files are checked: :class:`KnownItems`.

Contract: :func:`known_items` reads, once per run, every item code with the unit it was issued
to (the code checks of validation) and, for the items of the years before ``year``, their
life-cycle state as it stood before ``year`` (the state a unit's proposal of the year acts on),
found by code or, as tracking matches a row without a code, by unit, kind and match key. An item
first registered in ``year`` itself (by an earlier run of the year) has no state before it: a
re-run of the year sees the same states as the first run, whatever the council has decided since.
An item of a legacy list imported for ``year`` itself (``dvk import-legacy`` before the year's
reports) is known in the state the import gave it: tracking takes a row of its name as that item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..core.lifecycle import LEGACY_EVENT
from .store import Register


@dataclass(frozen=True)
class KnownItems:
    """Item codes with their unit; states before the year of the earlier years' items."""

    owners: Mapping[str, str] = field(default_factory=dict)  # every code issued -> its unit
    states: Mapping[str, str] = field(default_factory=dict)  # code of an earlier year's item -> state
    names: Mapping[tuple[str, str, str], str] = field(default_factory=dict)  # (unit, kind, match key) -> code

    def state_of(self, unit: str, kind: str, code: str, key: str | None) -> tuple[str, str] | None:
        """``(code, state before the year)`` of a row's item, by its code, else by its match key
        (:func:`~pipeline.core.matching.match_key`; None: never by name); None when the row is no
        item of an earlier year (new, or first registered this year)."""
        found = code or (self.names.get((unit, kind, key), "") if key is not None else "")
        state = self.states.get(found)
        return None if state is None else (found, state)


def known_items(register: Register, year: int) -> KnownItems:
    """What ``register`` knows of the items when the files of ``year`` are checked."""
    rows = register.db.execute("SELECT code, unit, kind, name_key, first_year FROM items ORDER BY rowid").fetchall()
    before = states_before(register, year)
    owners = {code: unit for code, unit, _, _, _ in rows}
    earlier = [(code, unit, kind, key) for code, unit, kind, key, first in rows if first <= year and code in before]
    names: dict[tuple[str, str, str], str] = {}
    for code, unit, kind, key in earlier:
        names.setdefault((unit, kind, key), code)
    return KnownItems(owners, {code: before[code] for code, _, _, _ in earlier}, names)


def states_before(register: Register, year: int) -> dict[str, str]:
    """Each item's state as the units' reports of ``year`` find it (code -> state): as it stood
    before ``year``, and for an item of a legacy list imported for ``year`` the state the import
    gave it (validation's proposal checks and the council's suggestions both act on this)."""
    rows = register.db.execute("SELECT code, to_state FROM events WHERE event = ? AND year = ?", (LEGACY_EVENT, year))
    return {**dict(rows.fetchall()), **register.state_before(year)}
