"""A tracked year in bulk: what tracking a year reads from the register and writes back to it.

Contract: tracking a year (``year.tracking``) reads the register once, in a few set-based
queries (:meth:`TrackedYearMixin.year_snapshot`), works on the rows in memory, and writes what
changed in one go (:meth:`TrackedYearMixin.write_year`). The rows are held as SQLite returns and
takes them (:data:`ItemRow`, :data:`EventRow`, :data:`YearRow`); an item's values are kept as
:func:`values_json` text. :class:`~.store.Register` carries these methods; nothing here decides.
"""

from __future__ import annotations

import hashlib
import json
import operator
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

ITEM_COLUMNS = "code, kind, unit, name, name_key, first_year, state"
EVENT_COLUMNS = "code, year, event, from_state, to_state, evidence, reason"
# The events that tracking a unit's files records; the others (a legacy import, the council's
# decisions) are never undone by tracking a year again.
TRACKED_EVENTS = ("register", "report")
# The events an earlier tracking of a year recorded and a new one forgets (parameters: the year
# twice, then TRACKED_EVENTS): the year's reports, and every event of the items registered that
# year that nothing but tracked events touched (those items go too).
FORGOTTEN_EVENTS = (
    "(year=? AND event='report') OR code IN (SELECT code FROM events WHERE year=? AND event='register' "
    "AND code NOT IN (SELECT code FROM events WHERE event NOT IN (?, ?)))"
)

# Rows as SQLite returns them and takes them back: the key first, so that a fetched row is held,
# compared and written again as it is, without building another tuple per row.
ItemRow = tuple[str, str, str, str, str, int, str]  # the columns of ITEM_COLUMNS (code first)
EventRow = tuple[int, str, int, str, str | None, str, str, str]  # id, then the columns of EVENT_COLUMNS
YearRow = tuple[str, int, str]  # an item's snapshot of a year: sha256, row, item_values (JSON)


# An item's values as the register keeps them in item_years: JSON, keys sorted, non-ASCII kept,
# dates as text (the encoder built once: tracking encodes every item of a year).
values_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode


def values_digest(text: bytes) -> bytes:
    """A short digest of an item's values JSON (UTF-8), to tell whether the register holds them."""
    return hashlib.blake2b(text, digest_size=16).digest()


@dataclass(frozen=True)
class YearSnapshot:
    """The register as tracking a year starts from (:meth:`Register.year_snapshot`).

    ``events``: the events to forget, by id; ``items``: every item (code -> row), in the order
    they were added; ``states``: with forgetting, each item's state once its forgotten events are
    gone (code -> state; items without remaining events are absent); ``last_event_id``: the
    highest id that stays; ``reported``: the items with a report event of the year that stays;
    ``years``: the year's snapshots (code -> (sha256, row, :func:`values_digest` of item_values,
    from a ledger file)); a digest of the bytes, since decoding every snapshot's JSON costs more than
    encoding the new ones, and holding them all cost 150 MB at 1,000 files (750 MB at 5,400)."""

    events: dict[int, EventRow]
    items: dict[str, ItemRow]
    states: dict[str, str]
    last_event_id: int
    reported: set[str]
    years: dict[str, tuple[str, int, bytes, bool]]


@dataclass(frozen=True)
class YearChanges:
    """The writes that take the register from a :class:`YearSnapshot` to the tracked year."""

    dropped_years: list[str]
    dropped_events: list[int]
    dropped_items: list[str]
    updated_items: list[ItemRow]
    added_items: list[ItemRow]
    events: list[EventRow]
    years: Iterable[tuple[str, YearRow]]  # iterated once, as the rows are written


class TrackedYearMixin:
    """The register's reads and writes of a whole tracked year (a part of :class:`~.store.Register`)."""

    db: sqlite3.Connection

    def year_snapshot(self, year: int, forget: bool) -> YearSnapshot:
        """What tracking ``year`` reads, in a few set-based queries: with ``forget``, as the register
        stands once the year's earlier tracking is undone (see :data:`FORGOTTEN_EVENTS`), without
        it as it stands. Nothing is written."""
        params = (year, year, *TRACKED_EVENTS) if forget else ()
        where = FORGOTTEN_EVENTS if forget else "0"
        forgotten = self.db.execute(f"SELECT id, {EVENT_COLUMNS} FROM events WHERE {where}", params).fetchall()
        items = self.db.execute(f"SELECT {ITEM_COLUMNS} FROM items ORDER BY rowid").fetchall()
        if forget:
            # The state each remaining item's last event leaves it in (SQLite takes the bare
            # columns of a MAX() aggregate from the row holding the maximum).
            last = self.db.execute(
                f"SELECT MAX(id), code, to_state FROM events WHERE NOT ({where}) GROUP BY code", params
            ).fetchall()
            states = {code: state for _, code, state in last}
            last_id = max((row[0] for row in last), default=0)
            reported: set[str] = set()
        else:
            states = {}
            last_id = int(self.db.execute("SELECT MAX(id) FROM events").fetchone()[0] or 0)
            query = "SELECT code FROM events WHERE year=? AND event='report'"
            reported = {code for (code,) in self.db.execute(query, (year,))}
        years = self.db.execute(
            "SELECT code, sha256, row, CAST(item_values AS BLOB), sha256 IN (SELECT sha256 FROM files) "
            "FROM item_years WHERE year=?",
            (year,),
        )
        key = operator.itemgetter(0)
        return YearSnapshot(
            # Keyed by the row's first column, the rows kept as fetched: no tuple built per row.
            events=dict(zip(map(key, forgotten), forgotten, strict=True)),
            items=dict(zip(map(key, items), items, strict=True)),
            states=states,
            last_event_id=last_id,
            reported=reported,
            years={code: (sha, row, values_digest(text), bool(from_file)) for code, sha, row, text, from_file in years},
        )

    def write_year(self, year: int, changes: YearChanges) -> None:
        """Apply what tracking ``year`` changed: children deleted before their items, items written
        before the rows that refer to them."""
        db = self.db
        db.executemany("DELETE FROM item_years WHERE code=? AND year=?", [(c, year) for c in changes.dropped_years])
        db.executemany("DELETE FROM events WHERE id=?", [(i,) for i in changes.dropped_events])
        db.executemany("DELETE FROM items WHERE code=?", [(c,) for c in changes.dropped_items])
        db.executemany(
            "UPDATE items SET kind=?2, unit=?3, name=?4, name_key=?5, first_year=?6, state=?7 WHERE code=?1",
            changes.updated_items,
        )
        db.executemany(f"INSERT INTO items ({ITEM_COLUMNS}) VALUES (?,?,?,?,?,?,?)", changes.added_items)
        db.executemany(f"INSERT OR REPLACE INTO events (id, {EVENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)", changes.events)
        db.executemany(
            "INSERT OR REPLACE INTO item_years (code, year, sha256, row, item_values) VALUES (?,?,?,?,?)",
            ((code, year, *row) for code, row in changes.years),
        )
