"""The register: what the ward has received and registered, kept across the years 2025-2031.

Embedded SQLite (stdlib ``sqlite3``, WAL) at ``<root>/.dvk/register.sqlite3``; a backup copy is
taken before every run (:mod:`.backups`), and every run is one transaction. The register is never
the only record: each received file is archived by its hash under ``outbox/luu-tru/`` with a small
JSON sidecar (:mod:`.archive`), and ``dvk rebuild`` recreates the register from that archive.

Contract: this module stores and answers; it does not validate or decide. The ledger holds one
row per distinct file content (the same file dropped twice is one entry). Items (models and
exemplary collectives and individuals) get a stable code at first registration. Tracking a whole
year reads and writes in bulk through the methods of :mod:`.tracked_year`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import sqlite3
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .backups import backup
from .paths import REGISTER_FILE, archive_path
from .tracked_year import TrackedYearMixin, values_json

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
-- The files of one second, in the order they were seen (the archive's sidecars keep that order).
CREATE INDEX IF NOT EXISTS files_by_second ON files (cycle, received_at);
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
-- A received message's Date that was not believed (its attachments were received at their first
-- sighting instead): the Date as written and why (issue 17).
CREATE TABLE IF NOT EXISTS mail_dates_doubted (
    sha256 TEXT PRIMARY KEY REFERENCES files(sha256),
    date TEXT NOT NULL,
    doubt TEXT NOT NULL
);
-- Added for province-size registers: an item's events are looked up by its code.
CREATE INDEX IF NOT EXISTS events_by_code ON events (code, id);
"""

# The columns of mail_sent: the keys of a sent message's record, also as the archive keeps it.
MAIL_SENT_FIELDS = ("year", "kind", "unit", "recipient", "attachments_sha256", "message_id", "sent_at")


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


def moment_text(moment: dt.datetime) -> str:
    """A moment as the register writes it: ISO, to the second, a space between date and time."""
    return moment.replace(microsecond=0).isoformat(sep=" ")


class Register(TrackedYearMixin):
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
            (sha256, size, name, extension, cycle, moment_text(seen)),
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
            "UPDATE files SET received_override=?, override_reason=? WHERE sha256=?",
            (moment_text(moment), reason, sha256),
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
        """The ledger (of one cycle), in the order the files were received; files received in the
        same second (the register's precision) in the order they were first seen (whatever their
        names), so that a resubmission made within a second of the first file still comes after it."""
        query = "SELECT sha256, first_name, extension, cycle, received_at, received_override FROM files"
        query += " WHERE withdrawn IS NULL" + (" AND cycle=?" if cycle else "") + " ORDER BY rowid"
        rows = self.db.execute(query, (cycle,) if cycle else ()).fetchall()
        entries = [
            FileEntry(sha, name, ext, cyc, dt.datetime.fromisoformat(override or received), override is not None)
            for sha, name, ext, cyc, received, override in rows
        ]
        return sorted(entries, key=lambda e: e.received_at)  # stable: seen order within a second

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

    # ------------------------------------------------------------------ mail

    def record_mail_origin(
        self, sha256: str, message: str, attachment: str, sender: str, doubted: tuple[str, str] | None = None
    ) -> None:
        """Note that a ledger file came as an attachment of a message (first sighting wins), and
        the message's Date with why it was not believed (``doubted``), if it was not."""
        self.db.execute(
            "INSERT OR IGNORE INTO mail_received (sha256, message, attachment, sender) VALUES (?,?,?,?)",
            (sha256, message, attachment, sender),
        )
        if doubted:
            self.db.execute(
                "INSERT OR IGNORE INTO mail_dates_doubted (sha256, date, doubt) VALUES (?,?,?)", (sha256, *doubted)
            )

    def mail_origin(self, sha256: str) -> dict[str, str] | None:
        """The message a ledger file came in (message, attachment, sender; and date, doubt when its
        Date was not believed), or None for a plain file."""
        row = self.db.execute(
            "SELECT message, attachment, sender FROM mail_received WHERE sha256=?", (sha256,)
        ).fetchone()
        if not row:
            return None
        origin = dict(zip(("message", "attachment", "sender"), row, strict=True))
        doubted = self.db.execute("SELECT date, doubt FROM mail_dates_doubted WHERE sha256=?", (sha256,)).fetchone()
        return origin | dict(zip(("date", "doubt"), doubted, strict=True)) if doubted else origin

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
    return _prepared(connection)


def _prepared(connection: sqlite3.Connection) -> sqlite3.Connection:
    """``connection`` with the register's schema, brought up to date."""
    connection.execute("PRAGMA foreign_keys=ON")
    connection.executescript(SCHEMA)
    columns = {row[1] for row in connection.execute("PRAGMA table_info(files)")}
    if "withdrawn" not in columns:  # registers created before withdrawal existed
        connection.execute("ALTER TABLE files ADD COLUMN withdrawn TEXT")
    connection.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    return connection


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
def scratch_register(root: Path) -> Iterator[Register]:
    """A copy in memory of the workspace's register (an empty register when there is none yet), to
    try changes on: nothing done to it reaches the disk, and the live register is only read (no
    write lock, so a running ``dvk consolidate`` is neither waited for nor disturbed)."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        live = root / REGISTER_FILE
        if live.exists():
            source = sqlite3.connect(f"{live.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            try:
                source.backup(memory)
            finally:
                source.close()
        yield Register(_prepared(memory))
    finally:
        memory.close()


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
