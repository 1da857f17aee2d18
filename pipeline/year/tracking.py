"""Tracking stage: one year's consolidation -> the register's items, codes and life-cycle events.

Contract: processing a year is a function of the register as it stood before that year and of
the year's accepted submissions, so re-running a year (a resubmission, a late file) and
``dvk rebuild`` give the same codes and events. Each item keeps a stable code, assigned at
first registration; a row without a code is matched to the unit's existing item by its match key
(:mod:`pipeline.core.matching`: the folded name, and an individual's year of birth), with a note
that names the sheet, the cell and what the match rested on; one item is taken by one row a year.
The year's events are recorded with the evidence (the file's hash) and the reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import Config, Sheet
from ..core.findings import Finding, finding
from ..core.layout import ITEM_SHEETS
from ..core.lifecycle import allowed, apply
from ..core.matching import INDIVIDUALS, birth_year, match_key, stored_key
from ..core.textnorm import fold
from ..intake.validate import Submission, in_order_received
from ..register import EventRow, ItemRow, Register, YearChanges, YearRow, YearSnapshot, values_digest, values_json
from .consolidate import Consolidation, Item


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


def track_year(
    register: Register, data: Consolidation, submissions: Sequence[Submission], config: Config
) -> tuple[Consolidation, list[Finding]]:
    """Register the year's items and events. Returns the consolidation with every item's code in
    its values, and the notes (rows matched by name) as findings.

    The register ends as if the year's earlier tracking were undone and every row recorded anew
    (:func:`_forgets`), but only what differs is written: the year is worked out in memory from a
    few set-based reads (:class:`_Book`) and compared with what the register holds, so a re-run
    in which nothing changed writes nothing."""
    forget = _forgets(register, data.year)
    snapshot = register.year_snapshot(data.year, forget)
    book = _Book.start(register, data.year, snapshot, forget)
    by_file = {s.source.name: s for s in submissions}
    notes: list[Finding] = []
    coded: dict[str, tuple[Item, ...]] = {}
    for kind in ITEM_SHEETS:
        items = []
        for item in data.items[kind]:
            sub = by_file[item.source_file]
            code, note = book.code_for(kind, item.unit.code, item.values, sub, item.source_row)
            items.append(_with_code(item, code))
            if note:
                notes.append(_name_note(item, code, note, config))
            book.record_year(code, sub.source.sha256, item.source_row, item.values)
        coded[kind] = tuple(items)
    register.write_year(data.year, book.changes(snapshot))
    return dataclasses.replace(data, items=coded), notes


def _name_note(item: Item, code: str, cell: str, config: Config) -> Finding:
    """``matched-by-name`` for a row taken as the item ``code``: the sheet and the columns the match
    rested on, and advice that fits the sheet (a code column or none) and the level (the province
    issues its own codes: a ward's summary cannot carry them)."""
    sheet = config.template.sheet(item.kind)
    labels = [sheet.field(key).label for key in ("name", "birth_year") if item.kind == INDIVIDUALS or key == "name"]
    columns = " và ".join(f"cột “{label}”" for label in labels)
    born = birth_year(item.values)
    matched_on = columns if born is None else f"{columns} ({born})"
    return finding(
        "matched-by-name",
        file=item.source_file,
        sheet=sheet.title,
        cell=cell,
        name=item.values.get("name"),
        item_code=code,
        noun=_NOUNS[item.kind],
        matched_on=matched_on,
        unit=item.unit.name,
        advice=_name_advice(item, code, columns, sheet, config),
    )


def _name_advice(item: Item, code: str, columns: str, sheet: Sheet, config: Config) -> str:
    noun = _NOUNS[item.kind]
    if item.kind == INDIVIDUALS:
        other = f"Nếu đây là người khác, hãy ghi đúng năm sinh ở cột “{sheet.field('birth_year').label}”"
    else:
        other = f"Nếu đây là {noun} khác, hãy đặt tên phân biệt ở cột “{sheet.field('name').label}”"
    if config.organization.is_province:
        return (
            f"Tỉnh nhận ra {noun} của mỗi phường, xã theo {columns}. {other} trong bảng tổng hợp của {item.unit.name}."
        )
    if any(f.key == "code" for f in sheet.fields):
        return f"Lần sau hãy ghi mã {code} vào cột “{sheet.field('code').label}”. {other}."
    return f"{other}."


_NOUNS = {"models": "mô hình", "collectives": "điển hình tập thể", INDIVIDUALS: "điển hình cá nhân"}


def _with_code(item: Item, code: str) -> Item:
    """``item`` with its code among its values (a plain constructor call: ``dataclasses.replace``
    costs several times more, once per item of a province's year)."""
    values = {**item.values, "code": code}
    return Item(
        item.kind,
        item.unit,
        values,
        item.total_score,
        item.classification,
        item.source_file,
        item.source_sheet,
        item.source_row,
    )


def _forgets(register: Register, year: int) -> bool:
    """Whether tracking ``year`` undoes what an earlier run of it recorded from the units' files: not
    when a later year already builds on it. Undone are the snapshots taken from the units' files
    (a legacy list's 2025 snapshot stays), the year's report events, and the items registered this
    year that nothing but tracked events touched (``register.FORGOTTEN_EVENTS``); every item goes
    back to the state its last remaining event left it in. Events from elsewhere (a legacy import,
    the council's decisions) stay."""
    later = register.db.execute("SELECT 1 FROM files WHERE withdrawn IS NULL AND cycle > ? LIMIT 1", (year,))
    return later.fetchone() is None


@dataclass
class _Book:
    """The register's items, events and year snapshots as tracking the year leaves them, in memory.

    Starts from a :class:`YearSnapshot` with the forgotten rows already taken out; :meth:`changes`
    compares the end result with the snapshot. Mirrors the register's own lookups: an item by
    code, else the first item (in the order added) of the unit, kind and match key. Rows are
    held as the register stores them (:data:`ItemRow`, :data:`EventRow`), so that comparing them
    with the snapshot and writing them builds nothing more."""

    register: Register
    year: int
    items: dict[str, ItemRow]
    by_name: dict[tuple[str, str, str], list[str]]  # (unit, kind, match key) -> codes, in the order added
    reported: set[str]
    last_event_id: int  # new events take the ids the register would give them after the forgotten ones went
    events: list[EventRow] = field(default_factory=list)
    # The snapshots recorded by this tracking, their values not yet encoded: the JSON of a year's
    # items (47 MB at 1,000 files) is made one row at a time as the rows are compared and written.
    years: dict[str, _PendingYear] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)  # the codes whose snapshot of the year stays unless recorded
    claimed: set[str] = field(default_factory=set)  # the codes a row of the year took

    @classmethod
    def start(cls, register: Register, year: int, snapshot: YearSnapshot, forget: bool) -> _Book:
        gone = {row[1] for row in snapshot.events.values() if row[3] == "register"}
        items: dict[str, ItemRow] = {}
        by_name: dict[tuple[str, str, str], list[str]] = {}
        for code, row in snapshot.items.items():
            if code in gone:
                continue
            if forget and snapshot.states.get(code, row[6]) != row[6]:
                row = (*row[:6], snapshot.states[code])
            items[code] = row
            by_name.setdefault((row[2], row[1], row[4]), []).append(code)
        book = cls(register, year, items, by_name, set(snapshot.reported), snapshot.last_event_id)
        # Without forgetting every snapshot of the year stays, with it only a legacy list's.
        book.kept = {code for code, (_, _, _, from_file) in snapshot.years.items() if not (forget and from_file)}
        return book

    def code_for(self, kind: str, unit: str, values: Mapping[str, Any], sub: Submission, row: int) -> tuple[str, str]:
        """The item's code, registering it when new; the second value is the cell of a name match.

        A row without a code takes the first item of its unit, kind and :func:`match_key` that no
        other row of the year took: two rows of one year (two of a ward's units at the province)
        are two items, never one."""
        name = str(values.get("name") or "")
        given = str(values.get("code") or "")
        key = match_key(kind, values)
        code = (given if given in self.items else None) if given else self._unclaimed(unit, kind, key)
        if code is None:
            return self._register(kind, unit, name, stored_key(kind, values), sub, key is not None), ""
        self.claimed.add(code)
        self._report(code, sub)
        return code, "" if given else _name_cell(sub, kind, row)

    def _unclaimed(self, unit: str, kind: str, key: str | None) -> str | None:
        if key is None:
            return None
        return next((c for c in self.by_name.get((unit, kind, key), ()) if c not in self.claimed), None)

    def _register(self, kind: str, unit: str, name: str, key: str, sub: Submission, matchable: bool) -> str:
        code = self.register.new_code(kind, self.year, self.items)
        self.items[code] = (code, kind, unit, name, key, self.year, _REGISTERED)
        if matchable:
            self.by_name.setdefault((unit, kind, key), []).append(code)
        self.claimed.add(code)
        self._event(code, "register", None, _REGISTERED, sub, f"Đăng ký trong báo cáo năm {self.year}")
        return code

    def _report(self, code: str, sub: Submission) -> None:
        """The unit reported on an item of an earlier year: once a year, when its state allows it."""
        row = self.items[code]
        state = row[6]
        if row[5] >= self.year or code in self.reported or "report" not in allowed(state):
            return
        after = apply(state, "report")
        self.items[code] = (*row[:6], after)
        self.reported.add(code)
        self._event(code, "report", state, after, sub, f"Đơn vị báo cáo kết quả năm {self.year}")

    def _event(self, code: str, event: str, before: str | None, after: str, sub: Submission, reason: str) -> None:
        self.last_event_id += 1
        self.events.append((self.last_event_id, code, self.year, event, before, after, sub.source.sha256, reason))

    def record_year(self, code: str, sha256: str, row: int, values: Mapping[str, Any]) -> None:
        self.years[code] = (sha256, row, values)

    def changes(self, snapshot: YearSnapshot) -> YearChanges:
        """The writes that take the register from ``snapshot`` to this book: only rows that differ."""
        before, old_events = snapshot.items, snapshot.events
        new_events = {row[0]: row for row in self.events}
        return YearChanges(
            dropped_years=[code for code in snapshot.years if code not in self.years and code not in self.kept],
            # A changed event goes before the items do: it may name one of them.
            dropped_events=[i for i, row in old_events.items() if new_events.get(i) != row],
            dropped_items=[code for code in before if code not in self.items],
            updated_items=[row for code, row in self.items.items() if before.get(code, row) != row],
            added_items=[row for code, row in self.items.items() if code not in before],
            events=[row for row in self.events if old_events.get(row[0]) != row],
            years=_changed_years(snapshot.years, self.years),
        )


# A snapshot recorded by tracking: sha256, row and the item's values (encoded when written).
_PendingYear = tuple[str, int, Mapping[str, Any]]
# The state of a newly registered item (the life-cycle table's "register" move).
_REGISTERED = apply(None, "register")


def _changed_years(
    stored: Mapping[str, tuple[str, int, bytes, bool]], years: Mapping[str, _PendingYear]
) -> Iterator[tuple[str, YearRow]]:
    """The recorded snapshots the register does not hold already, each encoded as it is reached
    (values JSON compared by digest: no decoding); a snapshot from another file or row is written
    without digesting its values. A generator: the register writes each row before the next one
    is encoded."""
    for code, (sha256, row, values) in years.items():
        text = values_json(values if type(values) is dict else dict(values))
        held = stored.get(code)
        if held is None or held[0] != sha256 or held[1] != row or held[2] != values_digest(text.encode("utf-8")):
            yield code, (sha256, row, text)


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
        ordered = in_order_received(subs)
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
