"""Tracking stage: one year's consolidation -> the register's items, codes and life-cycle events.

Contract: processing a year is a function of the register as it stood before that year and of
the year's accepted submissions, so re-running a year (a resubmission, a late file) and
``dvk rebuild`` give the same codes and events. Each item keeps a stable code, assigned at
first registration; a row without a code is matched to the unit's existing item by its folded
name (NFC, case, spacing, tone placement), with a note. The year's events are recorded with
the evidence (the file's hash) and the reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .config import Config
from .consolidate import ITEM_SHEETS, Consolidation, Item
from .findings import Finding, finding
from .lifecycle import allowed, apply
from .register import ItemEntry, Register
from .textnorm import fold
from .validate import Submission


@dataclass(frozen=True)
class Change:
    """What a resubmission changed against the unit's previous accepted file."""

    unit: str
    file: str
    previous: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    edited: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "file": self.file,
            "previous": self.previous,
            "added": list(self.added),
            "removed": list(self.removed),
            "edited": list(self.edited),
        }


def known_codes(register: Register) -> dict[str, str]:
    """Every item code with the unit that owns it (for validation)."""
    return {item.code: item.unit for item in register.items()}


def track_year(
    register: Register, data: Consolidation, submissions: Sequence[Submission], config: Config
) -> tuple[Consolidation, list[Finding]]:
    """Register the year's items and events. Returns the consolidation with every item's code in
    its values, and the notes (rows matched by name) as findings."""
    _forget_year(register, data.year)
    by_file = {s.source.name: s for s in submissions}
    notes: list[Finding] = []
    coded: dict[str, tuple[Item, ...]] = {}
    for kind in ITEM_SHEETS:
        title = config.template.sheet(kind).title
        items = []
        for item in data.items[kind]:
            sub = by_file[item.source_file]
            code, note = _code_for(register, kind, item.unit.code, item.values, data.year, sub, item.source_row)
            items.append(dataclasses.replace(item, values={**item.values, "code": code}))
            if note:
                notes.append(
                    finding(
                        "matched-by-name",
                        file=item.source_file,
                        sheet=title,
                        cell=note,
                        item_code=code,
                        name=item.values.get("name"),
                    )
                )
            register.record_year(code, data.year, sub.source.sha256, item.source_row, dict(item.values))
        coded[kind] = tuple(items)
    return dataclasses.replace(data, items=coded), notes


TRACKED_EVENTS = ("register", "report")


def _forget_year(register: Register, year: int) -> None:
    """Undo what an earlier run of ``year`` recorded from the units' files, unless a later year
    already builds on it. Events from elsewhere (a legacy import, the council's decisions) stay."""
    if any(entry.cycle > year for entry in register.files()):
        return
    # Only the snapshots taken from the units' files: a legacy list's 2025 snapshot stays.
    register.db.execute("DELETE FROM item_years WHERE year=? AND sha256 IN (SELECT sha256 FROM files)", (year,))
    register.db.execute("DELETE FROM events WHERE year=? AND event='report'", (year,))
    # Items registered this year that nothing but tracked events touched go; set-based, since a
    # query per item made a warm run of a province's year spend seconds here.
    marks = ",".join("?" * len(TRACKED_EVENTS))
    registered = register.db.execute(
        "SELECT code FROM events WHERE year=? AND event='register' AND code NOT IN "
        f"(SELECT code FROM events WHERE event NOT IN ({marks}))",
        (year, *TRACKED_EVENTS),
    ).fetchall()
    register.db.executemany("DELETE FROM events WHERE code=?", registered)
    register.db.executemany("DELETE FROM items WHERE code=?", registered)
    # Every item back to the state its last remaining event left it in.
    register.db.execute(
        "UPDATE items SET state = (SELECT to_state FROM events e WHERE e.code = items.code ORDER BY e.id DESC LIMIT 1) "
        "WHERE EXISTS (SELECT 1 FROM events e WHERE e.code = items.code)"
    )


def _code_for(
    register: Register, kind: str, unit: str, values: Mapping[str, Any], year: int, sub: Submission, row: int
) -> tuple[str, str]:
    """The item's code, registering it when new; the second value is the cell of a name match."""
    name = str(values.get("name") or "")
    given = str(values.get("code") or "")
    existing: ItemEntry | None = register.item(given) if given else register.find_by_name(unit, kind, fold(name))
    matched_cell = ""
    if existing is None:
        code = register.new_code(kind, year)
        state = apply(None, "register")
        register.add_item(code, kind, unit, name, fold(name), year, state)
        register.record_event(
            code, year, "register", None, state, sub.source.sha256, f"Đăng ký trong báo cáo năm {year}"
        )
        return code, ""
    if not given:
        matched_cell = _name_cell(sub, kind, row)
    if (
        existing.first_year < year
        and "report" in allowed(existing.state)
        and not register.has_event(existing.code, year, "report")
    ):
        state = apply(existing.state, "report")
        register.set_state(existing.code, state)
        register.record_event(
            existing.code,
            year,
            "report",
            existing.state,
            state,
            sub.source.sha256,
            f"Đơn vị báo cáo kết quả năm {year}",
        )
    return existing.code, matched_cell


def _name_cell(sub: Submission, kind: str, row: int) -> str:
    record = next((r for r in sub.tables.get(kind, ()) if r.row == row), None)
    return record.cells.get("name", "") if record else ""


# --------------------------------------------------------------------------- resubmissions


def resubmission_changes(submissions: Sequence[Submission]) -> list[Change]:
    """For each unit with several accepted files: what the latest changed against the one before."""
    by_unit: dict[str, list[Submission]] = {}
    for sub in submissions:
        if sub.accepted and sub.unit_code:
            by_unit.setdefault(sub.unit_code, []).append(sub)
    changes = []
    for unit, subs in sorted(by_unit.items()):
        ordered = sorted(subs, key=lambda s: (s.source.received_at, s.source.name))
        if len(ordered) >= 2:
            changes.append(_change(unit, ordered[-2], ordered[-1]))
    return changes


def _rows_by_name(sub: Submission) -> dict[str, dict[str, Any]]:
    return {
        fold(str(record.values.get("name") or "")): dict(record.values)
        for kind in ITEM_SHEETS
        for record in sub.tables.get(kind, ())
    }


def _change(unit: str, before: Submission, after: Submission) -> Change:
    old, new = _rows_by_name(before), _rows_by_name(after)
    names = {**{k: str(v.get("name")) for k, v in old.items()}, **{k: str(v.get("name")) for k, v in new.items()}}
    return Change(
        unit=unit,
        file=after.source.name,
        previous=before.source.name,
        added=tuple(sorted(names[k] for k in new.keys() - old.keys())),
        removed=tuple(sorted(names[k] for k in old.keys() - new.keys())),
        edited=tuple(sorted(names[k] for k in new.keys() & old.keys() if new[k] != old[k])),
    )
