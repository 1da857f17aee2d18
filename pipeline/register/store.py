"""The register: what the ward has received and registered, kept across the years 2025-2031.

Embedded SQLite (stdlib ``sqlite3``, WAL) at ``<root>/.dvk/register.sqlite3``; a backup copy is
taken before every run into ``<root>/.dvk/backups/`` (the last ten are kept, fewer when they are
large: ``backups_to_drop``), and every run is one transaction. The register is never the only
record: each received file is archived by its hash under ``outbox/luu-tru/`` with a small JSON
sidecar (first name, received-at, cycle year, override), and ``dvk rebuild`` recreates the
register from that archive.

Contract: this module stores and answers; it does not validate or decide. The ledger holds one
row per distinct file content (the same file dropped twice is one entry). Items (models and
exemplary collectives and individuals) get a stable code at first registration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
import os
import re
import secrets
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REGISTER_FILE = Path(".dvk") / "register.sqlite3"
BACKUP_FOLDER = Path(".dvk") / "backups"
ARCHIVE_FOLDER = Path("outbox") / "luu-tru"
# Backups kept: the last ten, as long as they fit in BACKUP_BUDGET together, and never fewer than
# three. A ward's register is a few megabytes, so it keeps ten; a province's of 5,400 workbooks is
# about 270 MB, and ten of them (2.7 GB) would crowd an office PC's disk.
BACKUPS_KEPT = 10
BACKUPS_ALWAYS_KEPT = 3
BACKUP_BUDGET = 1 << 30  # bytes
SCHEMA_VERSION = 1
CODE_PREFIX = {"models": "MH", "collectives": "TT", "individuals": "CN"}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    first_name TEXT NOT NULL,
    extension TEXT NOT NULL,
    cycle INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    received_override TEXT,
    override_reason TEXT,
    withdrawn TEXT,
    unit TEXT NOT NULL DEFAULT '',
    year INTEGER,
    template_version TEXT NOT NULL DEFAULT '',
    verdict TEXT NOT NULL DEFAULT '',
    findings TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS file_names (
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    name TEXT NOT NULL,
    PRIMARY KEY (sha256, name)
);
CREATE TABLE IF NOT EXISTS items (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    first_year INTEGER NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_by_unit ON items (unit, kind, name_key);
CREATE TABLE IF NOT EXISTS item_years (
    code TEXT NOT NULL REFERENCES items(code),
    year INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    row INTEGER NOT NULL,
    item_values TEXT NOT NULL,
    PRIMARY KEY (code, year)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL REFERENCES items(code),
    year INTEGER NOT NULL,
    event TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    evidence TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mail_sent (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    recipient TEXT NOT NULL,
    attachments_sha256 TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    sent_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mail_sent_by_unit ON mail_sent (year, kind, unit);
CREATE TABLE IF NOT EXISTS mail_received (
    sha256 TEXT PRIMARY KEY REFERENCES files(sha256),
    message TEXT NOT NULL,
    attachment TEXT NOT NULL,
    sender TEXT NOT NULL
);
-- Added for province-size registers: an item's events are looked up by its code.
CREATE INDEX IF NOT EXISTS events_by_code ON events (code, id);
"""


@dataclass(frozen=True)
class FileEntry:
    """One distinct received file as the ledger knows it."""

    sha256: str
    first_name: str
    extension: str
    cycle: int
    received_at: dt.datetime
    overridden: bool

    def archive_path(self, root: Path) -> Path:
        return archive_path(root, self.sha256, self.extension)


@dataclass(frozen=True)
class ItemEntry:
    code: str
    kind: str
    unit: str
    name: str
    first_year: int
    state: str


_LEADING_NUMBER = re.compile(r"\s*[+-]?\d+")


def _highest_among(codes: Iterable[str], prefix: str) -> int:
    """:meth:`Register._highest_number` over codes held in memory: each suffix's leading integer,
    as SQLite's ``CAST(... AS INTEGER)`` reads it (0 without one)."""
    numbers = (_LEADING_NUMBER.match(code, len(prefix)) for code in codes if code.startswith(prefix))
    return max((int(m.group()) if m else 0 for m in numbers), default=0)


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


def archive_path(root: Path, sha256: str, extension: str) -> Path:
    return root / ARCHIVE_FOLDER / sha256[:2] / f"{sha256}{extension}"


def _iso(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat(sep=" ")


class Register:
    """An open register; use :func:`open_register`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        # The next free number of each code prefix, checked against the table before use.
        self._next_numbers: dict[str, int] = {}

    # ------------------------------------------------------------------ ledger

    def record_file(self, sha256: str, size: int, name: str, extension: str, cycle: int, seen: dt.datetime) -> None:
        """Note a file as received in ``cycle``; the first sighting fixes its received-at."""
        self.db.execute(
            "INSERT OR IGNORE INTO files (sha256, size, first_name, extension, cycle, received_at) VALUES (?,?,?,?,?,?)",
            (sha256, size, name, extension, cycle, _iso(seen)),
        )
        self.db.execute("INSERT OR IGNORE INTO file_names (sha256, name) VALUES (?, ?)", (sha256, name))

    def set_verdict(
        self, sha256: str, unit: str, year: int | None, version: str, verdict: str, findings: list[dict[str, str]]
    ) -> None:
        # Written only when it differs: a warm run judges every file of the year again, mostly alike.
        values = (unit, year, version, verdict, json.dumps(findings, ensure_ascii=False, sort_keys=True))
        self.db.execute(
            "UPDATE files SET unit=?, year=?, template_version=?, verdict=?, findings=? WHERE sha256=? "
            "AND NOT (unit IS ? AND year IS ? AND template_version IS ? AND verdict IS ? AND findings IS ?)",
            (*values, sha256, *values),
        )

    def override_received(self, sha256: str, moment: dt.datetime, reason: str) -> None:
        self.db.execute(
            "UPDATE files SET received_override=?, override_reason=? WHERE sha256=?", (_iso(moment), reason, sha256)
        )

    def withdraw(self, sha256: str, reason: str) -> None:
        """Take a file out of its cycle (dropped in by mistake); it stays in the ledger and the archive."""
        # A withdrawn file is not judged: its verdict goes, so that a rebuild (which skips it) agrees.
        self.db.execute(
            "UPDATE files SET withdrawn=?, unit='', year=NULL, template_version='', verdict='', findings='[]' "
            "WHERE sha256=?",
            (reason, sha256),
        )

    def files(self, cycle: int | None = None) -> list[FileEntry]:
        """The ledger (of one cycle), in the order the files were received."""
        query = "SELECT sha256, first_name, extension, cycle, received_at, received_override FROM files"
        query += " WHERE withdrawn IS NULL" + (" AND cycle=?" if cycle else "")
        rows = self.db.execute(query, (cycle,) if cycle else ()).fetchall()
        entries = [
            FileEntry(sha, name, ext, cyc, dt.datetime.fromisoformat(override or received), override is not None)
            for sha, name, ext, cyc, received, override in rows
        ]
        return sorted(entries, key=lambda e: (e.received_at, e.first_name, e.sha256))

    def find_files(self, text: str) -> list[str]:
        """Hashes of the files whose hash starts with ``text`` or that were received under that name."""
        rows = self.db.execute(
            "SELECT DISTINCT f.sha256 FROM files f LEFT JOIN file_names n ON n.sha256 = f.sha256 "
            "WHERE f.sha256 LIKE ? OR n.name = ? OR n.name LIKE ?",
            (text.lower() + "%", text, "%/" + text),
        ).fetchall()
        return sorted(r[0] for r in rows)

    def ledger(self) -> list[dict[str, Any]]:
        """Every ledger row as plain data (for comparisons and export), ordered by hash."""
        cursor = self.db.execute("SELECT * FROM files ORDER BY sha256")
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    # ------------------------------------------------------------------ items

    def items(self, unit: str | None = None, kind: str | None = None) -> list[ItemEntry]:
        query = "SELECT code, kind, unit, name, first_year, state FROM items WHERE 1=1"
        params: list[Any] = []
        if unit is not None:
            query += " AND unit=?"
            params.append(unit)
        if kind is not None:
            query += " AND kind=?"
            params.append(kind)
        return [ItemEntry(*row) for row in self.db.execute(query + " ORDER BY code", params).fetchall()]

    def item(self, code: str) -> ItemEntry | None:
        row = self.db.execute(
            "SELECT code, kind, unit, name, first_year, state FROM items WHERE code=?", (code,)
        ).fetchone()
        return ItemEntry(*row) if row else None

    def find_by_name(self, unit: str, kind: str, name_key: str) -> ItemEntry | None:
        row = self.db.execute(
            "SELECT code, kind, unit, name, first_year, state FROM items WHERE unit=? AND kind=? AND name_key=?",
            (unit, kind, name_key),
        ).fetchone()
        return ItemEntry(*row) if row else None

    def new_code(self, kind: str, year: int, codes: Collection[str] | None = None) -> str:
        """The next free code of ``kind`` for ``year``: ``MH-2026-001``, ``TT-2026-001``, ``CN-2026-001``
        (after ``MH-2026-999`` comes ``MH-2026-1000``: numbers compare as numbers).

        ``codes``, when given, are the item codes as the caller holds them in memory (tracking
        writes its items only at the end); otherwise the table is asked."""
        prefix = f"{CODE_PREFIX[kind]}-{year}-"
        exists = self._code_exists if codes is None else codes.__contains__
        number = self._next_numbers.get(prefix)
        if number is None or not exists(f"{prefix}{number - 1:03d}") or exists(f"{prefix}{number:03d}"):
            # First code of this kind and year in this session, or items were added or removed since.
            number = (self._highest_number(prefix) if codes is None else _highest_among(codes, prefix)) + 1
        self._next_numbers[prefix] = number + 1
        return f"{prefix}{number:03d}"

    def _code_exists(self, code: str) -> bool:
        return self.db.execute("SELECT 1 FROM items WHERE code=?", (code,)).fetchone() is not None

    def _highest_number(self, prefix: str) -> int:
        """The highest number among the codes starting with ``prefix`` (0 when none); a range of
        the primary key, not a scan of the table."""
        row = self.db.execute(
            "SELECT MAX(CAST(substr(code, ?) AS INTEGER)) FROM items WHERE code >= ? AND code < ?",
            (len(prefix) + 1, prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)),
        ).fetchone()
        return int(row[0] or 0)

    def add_item(self, code: str, kind: str, unit: str, name: str, name_key: str, year: int, state: str) -> None:
        self.db.execute(
            "INSERT INTO items (code, kind, unit, name, name_key, first_year, state) VALUES (?,?,?,?,?,?,?)",
            (code, kind, unit, name, name_key, year, state),
        )

    def state_before(self, year: int) -> dict[str, str]:
        """Each item's life-cycle state as it stood before ``year`` (code -> state)."""
        rows = self.db.execute(
            "SELECT code, to_state FROM events e WHERE id = "
            "(SELECT MAX(id) FROM events f WHERE f.code = e.code AND f.year < ?)",
            (year,),
        ).fetchall()
        return dict(rows)

    def set_state(self, code: str, state: str) -> None:
        self.db.execute("UPDATE items SET state=? WHERE code=?", (state, code))

    def record_year(self, code: str, year: int, sha256: str, row: int, values: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO item_years (code, year, sha256, row, item_values) VALUES (?,?,?,?,?)",
            (code, year, sha256, row, values_json(values)),
        )

    def latest_values(self, before_year: int) -> dict[str, dict[str, Any]]:
        """Each item's values as last reported before ``before_year`` (code -> values)."""
        rows = self.db.execute(
            "SELECT code, item_values FROM item_years y WHERE year = "
            "(SELECT MAX(year) FROM item_years z WHERE z.code = y.code AND z.year < ?)",
            (before_year,),
        ).fetchall()
        return {code: json.loads(values) for code, values in rows}

    def clear_year(self, year: int) -> None:
        """Forget the item snapshots of ``year`` (they are recomputed by each run of that year)."""
        self.db.execute("DELETE FROM item_years WHERE year=?", (year,))

    def record_event(
        self, code: str, year: int, event: str, before: str | None, after: str, evidence: str, reason: str
    ) -> None:
        self.db.execute(
            "INSERT INTO events (code, year, event, from_state, to_state, evidence, reason) VALUES (?,?,?,?,?,?,?)",
            (code, year, event, before, after, evidence, reason),
        )

    def has_event(self, code: str, year: int, event: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM events WHERE code=? AND year=? AND event=?", (code, year, event)
        ).fetchone()
        return row is not None

    # ------------------------------------------------------------------ a tracked year in bulk

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

    # ------------------------------------------------------------------ mail

    def record_mail_origin(self, sha256: str, message: str, attachment: str, sender: str) -> None:
        """Note that a ledger file came as an attachment of a message (first sighting wins)."""
        self.db.execute(
            "INSERT OR IGNORE INTO mail_received (sha256, message, attachment, sender) VALUES (?,?,?,?)",
            (sha256, message, attachment, sender),
        )

    def mail_origin(self, sha256: str) -> dict[str, str] | None:
        """The message a ledger file came in (message, attachment, sender), or None for a plain file."""
        row = self.db.execute(
            "SELECT message, attachment, sender FROM mail_received WHERE sha256=?", (sha256,)
        ).fetchone()
        return dict(zip(("message", "attachment", "sender"), row, strict=True)) if row else None

    def has_file(self, sha256: str) -> bool:
        return self.db.execute("SELECT 1 FROM files WHERE sha256=?", (sha256,)).fetchone() is not None

    def record_mail_sent(self, record: dict[str, Any]) -> None:
        """Note a message accepted by the mail server (``record``: the keys of MAIL_SENT_FIELDS)."""
        self.db.execute(
            f"INSERT OR IGNORE INTO mail_sent ({', '.join(MAIL_SENT_FIELDS)}) VALUES ({', '.join('?' * len(MAIL_SENT_FIELDS))})",
            tuple(record[k] for k in MAIL_SENT_FIELDS),
        )

    def mail_already_sent(self, year: int, kind: str, unit: str, attachments_sha256: str) -> str | None:
        """When the same message (kind, unit, attachments) was last sent this year, or None."""
        row = self.db.execute(
            "SELECT MAX(sent_at) FROM mail_sent WHERE year=? AND kind=? AND unit=? AND attachments_sha256=?",
            (year, kind, unit, attachments_sha256),
        ).fetchone()
        return str(row[0]) if row and row[0] else None

    def mail_sent(self, year: int | None = None) -> list[dict[str, Any]]:
        query = f"SELECT {', '.join(MAIL_SENT_FIELDS)} FROM mail_sent" + (" WHERE year=?" if year else "")
        rows = self.db.execute(query + " ORDER BY id", (year,) if year else ()).fetchall()
        return [dict(zip(MAIL_SENT_FIELDS, row, strict=True)) for row in rows]

    def commit_step(self) -> None:
        """Commit what is done so far and go on in a new transaction (each sent message is kept at once)."""
        self.db.execute("COMMIT")
        self.db.execute("BEGIN IMMEDIATE")

    def events(self, code: str | None = None) -> list[tuple[str, int, str, str | None, str, str, str]]:
        query = "SELECT code, year, event, from_state, to_state, evidence, reason FROM events"
        rows = self.db.execute(query + (" WHERE code=?" if code else "") + " ORDER BY id", (code,) if code else ())
        return [tuple(r) for r in rows.fetchall()]


# --------------------------------------------------------------------------- opening


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.executescript(SCHEMA)
    columns = {row[1] for row in connection.execute("PRAGMA table_info(files)")}
    if "withdrawn" not in columns:  # registers created before withdrawal existed
        connection.execute("ALTER TABLE files ADD COLUMN withdrawn TEXT")
    connection.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    return connection


def backup(root: Path, now: dt.datetime) -> Path | None:
    """Copy the register (consistently, through SQLite's backup API) before a run changes it."""
    source_path = root / REGISTER_FILE
    if not source_path.exists():
        return None
    folder = root / BACKUP_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"register-{now:%Y%m%d-%H%M%S}.sqlite3"
    # Copied into a temporary file and renamed, so a killed run never leaves a half backup that
    # looks like the newest one; the name is the one ooxml.remove_temporaries sweeps up.
    temp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(temp)) as copy:
            source.backup(copy)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    for old in backups_to_drop(sorted(folder.glob("register-*.sqlite3"))):
        for suffix in ("", "-wal", "-shm"):  # a backup someone opened may have grown these
            Path(f"{old}{suffix}").unlink(missing_ok=True)
    return target


def backups_to_drop(backups: list[Path]) -> list[Path]:
    """Of ``backups`` (oldest first), those beyond the newest ``BACKUPS_KEPT``, or beyond the newest
    that fit in ``BACKUP_BUDGET`` together (but at least ``BACKUPS_ALWAYS_KEPT``)."""
    kept, total = 0, 0
    for path in reversed(backups):
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        if kept >= BACKUPS_ALWAYS_KEPT and (kept >= BACKUPS_KEPT or total + size > BACKUP_BUDGET):
            break
        kept, total = kept + 1, total + size
    return backups[: len(backups) - kept]


@contextmanager
def open_register(root: Path, now: dt.datetime, write: bool = True) -> Iterator[Register]:
    """The workspace's register inside one transaction (committed on success, rolled back on error)."""
    if write:
        backup(root, now)
    with _transaction(root / REGISTER_FILE, write) as register:
        yield register


@contextmanager
def _transaction(path: Path, write: bool) -> Iterator[Register]:
    connection = _connect(path)
    try:
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        yield Register(connection)
        connection.execute("COMMIT" if write else "ROLLBACK")
    except BaseException:
        # A COMMIT that failed (a full disk) may already have rolled back: do not hide its error.
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()


@contextmanager
def open_new_register(root: Path, now: dt.datetime) -> Iterator[Register]:
    """A new, empty register that replaces the workspace's one only once it is complete.

    It is built in a temporary file beside the live register (backed up first) and renamed over
    it after its transaction committed, so a run killed half-way through leaves the old register
    in place, never an empty or a partial one."""
    backup(root, now)
    live = root / REGISTER_FILE
    temp = live.with_name(f".{live.name}.{secrets.token_hex(4)}.tmp")
    try:
        with _transaction(temp, write=True) as register:
            yield register
        for suffix in ("-wal", "-shm"):  # the old register's, left only if it was not closed cleanly
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        os.replace(temp, live)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{temp}{suffix}").unlink(missing_ok=True)


# --------------------------------------------------------------------------- archive


def sidecar_path(root: Path, sha256: str) -> Path:
    return root / ARCHIVE_FOLDER / sha256[:2] / f"{sha256}.json"


MAIL_SENT_FIELDS = ("year", "kind", "unit", "recipient", "attachments_sha256", "message_id", "sent_at")

SIDECAR_FIELDS = (
    "sha256",
    "size",
    "first_name",
    "extension",
    "cycle",
    "received_at",
    "received_override",
    "override_reason",
    "withdrawn",
)


def write_sidecar(
    root: Path, register: Register, sha256: str, write: Callable[[Path, bytes], None] | None = None
) -> None:
    """What the register knows of an archived file that the file itself does not say; written by
    ``write`` (a batch's), else at once."""
    from ..core.ooxml import atomic_write

    row = register.db.execute(f"SELECT {', '.join(SIDECAR_FIELDS)} FROM files WHERE sha256=?", (sha256,)).fetchone()
    data = dict(zip(SIDECAR_FIELDS, row, strict=True))
    origin = register.mail_origin(sha256)
    if origin:  # the file came by mail: who sent it, so that a rebuild checks the sender again
        data["mail"] = origin
    (write or atomic_write)(sidecar_path(root, sha256), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def restore_from_sidecar(register: Register, data: dict[str, Any]) -> None:
    """Put an archived file's ledger row back as it was first recorded (for ``dvk rebuild``)."""
    seen = dt.datetime.fromisoformat(data["received_at"])
    register.record_file(data["sha256"], data["size"], data["first_name"], data["extension"], data["cycle"], seen)
    if data.get("received_override"):
        register.override_received(
            data["sha256"], dt.datetime.fromisoformat(data["received_override"]), data.get("override_reason") or ""
        )
    if data.get("withdrawn"):
        register.withdraw(data["sha256"], data["withdrawn"])
    if data.get("mail"):
        mail = data["mail"]
        register.record_mail_origin(data["sha256"], mail["message"], mail["attachment"], mail["sender"])


def _all_sidecars(root: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in (root / ARCHIVE_FOLDER).glob("*/*.json")]


def read_sidecars(root: Path) -> list[dict[str, Any]]:
    """The ledger rows of the archived units' files, in the order they were received."""
    return sorted(
        (d for d in _all_sidecars(root) if d.get("kind", "received") == "received"),
        key=lambda d: (d["cycle"], d["received_at"], d["first_name"], d["sha256"]),
    )


def write_import_sidecar(root: Path, sha256: str, name: str, extension: str, origin: str, moment: dt.datetime) -> None:
    """Note an imported legacy list beside its archived copy, so that ``dvk rebuild`` replays it."""
    from ..core.ooxml import atomic_write

    data = {
        "kind": "legacy-import",
        "sha256": sha256,
        "first_name": name,
        "extension": extension,
        "origin": origin,
        "imported_at": _iso(moment),
    }
    atomic_write(sidecar_path(root, sha256), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def read_import_sidecars(root: Path) -> list[dict[str, Any]]:
    """The archived legacy lists, in the order they were imported."""
    imports = [d for d in _all_sidecars(root) if d.get("kind") == "legacy-import"]
    return sorted(imports, key=lambda d: (d["imported_at"], d["sha256"]))


MAIL_SENT_FOLDER = ARCHIVE_FOLDER / "thu-da-gui"


def write_mail_sent_record(root: Path, record: dict[str, Any]) -> None:
    """Keep a sent message's record beside the archive, so that ``dvk rebuild`` does not forget it."""
    import hashlib

    from ..core.ooxml import atomic_write

    name = hashlib.sha256(record["message_id"].encode()).hexdigest()
    data = {"kind": "mail-sent", "record": record}
    atomic_write(root / MAIL_SENT_FOLDER / f"{name}.json", json.dumps(data, ensure_ascii=False, indent=1).encode())


def restore_mail_sent(root: Path, register: Register) -> None:
    """Put the records of sent messages back (for ``dvk rebuild``)."""
    records = [d["record"] for d in _all_sidecars(root) if d.get("kind") == "mail-sent"]
    for record in sorted(records, key=lambda d: (d["sent_at"], d["message_id"])):
        register.record_mail_sent(record)
