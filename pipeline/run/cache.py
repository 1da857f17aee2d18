"""Run caches: what a warm run (nothing changed, or one file) need not compute again.

Two caches under ``.dvk/cache/``, both only caches: deleted or damaged, they are rebuilt, and
nothing else reads them. Every key includes a fingerprint of the code (the package's source) and
of the configuration (every value, and the installation secret), so an edit of either
invalidates them.

- :class:`SubmissionCache` (``submissions.sqlite3``): a received file's validated submission, by
  the file's SHA-256, its name and the year. The value is the submission validated *without* the
  register's item codes (the register grows between runs); the code check is applied on every
  read (``validate.check_codes``). The file holds the entries of the current fingerprint only.
- :class:`OutputCache` (``outputs.json``): for each output, a digest of its inputs and the hash of
  the bytes written; an output whose inputs did not change and whose file is still the one
  written is not built again, so it stays byte-identical to a cold run's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import pickle
import sqlite3
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..config import Config, Unit
from ..core.ooxml import atomic_write
from ..core.paths import OUTPUTS_FILE, SUBMISSIONS_FILE
from ..intake.validate import Submission
from ..year.consolidate import Item

# The benchmark's own modules, relative to the package: they take no part in a run.
BENCH_MODULES = frozenset({"tools/bench.py", "tools/benchdata.py"})


@functools.cache
def code_fingerprint() -> str:
    """A digest of the package's own source: another version of the code reads files anew."""
    return source_digest(Path(__file__).parents[1])


def source_digest(package: Path) -> str:
    """A digest of the Python and YAML files under ``package``, subpackages included (a module
    moved into one still counts), the benchmark's excepted."""
    digest = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.yaml")]):
        name = path.relative_to(package).as_posix()
        if name in BENCH_MODULES:
            continue  # the benchmark's own modules take no part in a run
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def config_fingerprint(config: Config) -> str:
    """A digest of every configured value, the secret included.

    Remembered for each loaded configuration (a frozen value) while it lives: a run asks for it
    when it opens the submission cache and again for its outputs, and each walk of a large
    configuration (a province's units) costs a tenth of a second."""
    code = code_fingerprint()
    known = _FINGERPRINTS.get(id(config))
    if known is not None and known[0]() is config and known[1] == code:
        return known[2]
    text = f"{code}\0{_canonical(config)!r}"
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = id(config)
    _FINGERPRINTS[key] = (weakref.ref(config, lambda _: _FINGERPRINTS.pop(key, None)), code, fingerprint)
    return fingerprint


# id of a live Config -> (a weak reference to it, the code's fingerprint, its fingerprint); Config
# is not hashable (its mappings are dicts), so a WeakKeyDictionary cannot hold it.
_FINGERPRINTS: dict[int, tuple[weakref.ref[Config], str, str]] = {}


def _canonical(value: Any) -> Any:
    """``value`` as nested tuples whose repr does not depend on the process: sets (of holidays, say)
    are sorted, since their order follows the per-process hash seed."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, tuple((f.name, _canonical(getattr(value, f.name))) for f in fields))
    if isinstance(value, Mapping):
        return tuple((_canonical(k), _canonical(v)) for k, v in value.items())
    if isinstance(value, set | frozenset):
        return tuple(sorted((_canonical(v) for v in value), key=repr))
    if isinstance(value, list | tuple):
        return tuple(_canonical(v) for v in value)
    return value


class SubmissionCache:
    """Validated submissions by file content; use :func:`open_submission_cache`."""

    def __init__(self, db: sqlite3.Connection | None, prefix: str) -> None:
        self.db = db
        self.prefix = prefix
        self.pending: list[tuple[str, bytes]] = []

    def _key(self, sha256: str, name: str) -> str:
        return hashlib.sha256(f"{self.prefix}\0{sha256}\0{name}".encode()).hexdigest()

    def get(self, sha256: str, name: str) -> Any:
        """The cached value of the file ``sha256`` read as ``name``, or None."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT value FROM entries WHERE key=?", (self._key(sha256, name),)).fetchone()
            return pickle.loads(row[0]) if row else None
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None  # a damaged entry, or one of an older code: read the file again

    def put(self, sha256: str, name: str, value: Any, pickled: bytes | None = None) -> None:
        """Cache ``value``; ``pickled``, when given, is its pickle already made (by a reading worker)."""
        if pickled is None:
            pickled = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.pending.append((self._key(sha256, name), pickled))

    def flush(self) -> None:
        if self.db is None or not self.pending:
            return
        with contextlib.suppress(sqlite3.Error), self.db:
            self.db.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", self.pending)
        self.pending.clear()


def _connect(path: Path, fingerprint: str) -> sqlite3.Connection | None:
    """The cache database for entries of ``fingerprint``; None when it cannot be used (then nothing
    is cached).

    The file holds the entries of one fingerprint (code and configuration) only: under another, every
    entry is stale, so the file is started anew. Otherwise each change of the code or the configuration
    would add a full set of entries (a megabyte or so per 40 files) and the file would only grow."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path)
        if _stored_fingerprint(db) != fingerprint:
            db.close()
            _remove_database(path)
            db = sqlite3.connect(path)
            with db:
                db.execute("CREATE TABLE meta (fingerprint TEXT NOT NULL)")
                db.execute("INSERT INTO meta VALUES (?)", (fingerprint,))
                db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        return db
    except (sqlite3.Error, OSError):
        with contextlib.suppress(OSError):
            _remove_database(path)  # damaged: the next run starts a new one
        return None


def _stored_fingerprint(db: sqlite3.Connection) -> str | None:
    """The fingerprint the cache file was made for; None for a new, damaged or older-layout file."""
    try:
        row = db.execute("SELECT fingerprint FROM meta").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def _remove_database(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")):
        leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def open_submission_cache(root: Path, config: Config, year: int) -> Iterator[SubmissionCache]:
    """The submission cache of ``root`` for ``year`` under the current code and configuration."""
    fingerprint = config_fingerprint(config)
    db = _connect(root / SUBMISSIONS_FILE, fingerprint)
    cache = SubmissionCache(db, f"{fingerprint}\0{year}")
    try:
        yield cache
        cache.flush()
    finally:
        if db is not None:
            db.close()


class _HashingFile:
    def __init__(self) -> None:
        # BLAKE2b: about twice as fast as SHA-256 here, over the tens of megabytes a province's
        # consolidation pickles to.
        self.digest = hashlib.blake2b(digest_size=32)

    def write(self, data: bytes) -> None:
        self.digest.update(data)


class _DigestPickler(pickle.Pickler):
    """Pickles an output's inputs for a digest, naming what is already identified more briefly.

    - a configured unit by its code: the configuration it comes from is digested whole by
      :func:`config_fingerprint`, which every output digest includes;
    - a submission by its source file (path, name, SHA-256, size, received-at), identity and
      findings, without its forms and tables: those follow from the file's bytes (its SHA-256),
      name and year under that configuration and code, like the submission cache's key.

    A consolidation of 28,010 items otherwise pickles each item's unit again (no memo, see
    :func:`inputs_digest`), and the clerk report's inputs every row of every file."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Item:  # first: a consolidation has an item per row of every file
            return _named, ("item", *_item_fields(obj))
        if isinstance(obj, Unit):
            return _named, ("unit", obj.code)
        if isinstance(obj, Submission):
            return _named, ("submission", obj.source, obj.unit_code, obj.year, obj.template_version, obj.findings)
        return NotImplemented


# Every field of an item, its unit by code (see _DigestPickler): a plain tuple pickles without
# the class's path and the fields' names, which pickling the item by its state writes for each of
# the tens of thousands of items (no memo). tests/unit/run/test_cache.py checks that these are all of
# Item's fields, in order.
ITEM_FIELDS = ("kind", "unit", "values", "total_score", "classification", "source_file", "source_sheet", "source_row")


def _item_fields(item: Item) -> tuple[Any, ...]:
    return (
        item.kind,
        item.unit.code,
        item.values,
        item.total_score,
        item.classification,
        item.source_file,
        item.source_sheet,
        item.source_row,
    )


def _named(*key: Any) -> tuple[Any, ...]:
    """What a reduced value stands for in a digest (never unpickled: digests are only compared)."""
    return key


def inputs_digest(*inputs: Any) -> str:
    """A digest of an output's inputs by value (with the configuration's: see :class:`_DigestPickler`).

    Pickled without a memo ("fast" mode): a memo would make the bytes depend on which equal values
    happen to be one object (a cached submission against a freshly read one), not only on the values."""
    sink = _HashingFile()
    pickler = _DigestPickler(sink, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump((code_fingerprint(), inputs))
    return sink.digest.hexdigest()


class OutputCache:
    """Which outputs are already on disk as their current inputs would build them."""

    def __init__(self, root: Path) -> None:
        self.path = root / OUTPUTS_FILE
        try:
            self.known: dict[str, list[str]] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}
        self.written: dict[str, list[str]] = {}

    def current(self, target: Path, key: str, digest: str) -> bool:
        """Whether ``target`` already holds what inputs of ``digest`` build (then it is kept as it is)."""
        recorded = self.known.get(key)
        if recorded and recorded[0] == digest and _file_hash(target) == recorded[1]:
            self.written[key] = recorded
            return True
        return False

    def record(self, key: str, digest: str, content: bytes) -> None:
        """``content``, built from inputs of ``digest``, is to be written; the caller writes it, then
        calls :meth:`save`."""
        self.written[key] = [digest, hashlib.sha256(content).hexdigest()]

    def save(self) -> None:
        with contextlib.suppress(OSError):
            atomic_write(self.path, json.dumps(self.written, sort_keys=True, indent=0).encode("utf-8"))


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
