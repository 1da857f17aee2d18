"""Ingest hashes only new or changed inbox files; a file rewritten in place is always seen as changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config, load_config
from pipeline.core.paths import HASHES_FILE
from pipeline.register.year_run import open_year_run
from pipeline.run import receipt
from pipeline.run.filestate import KnownHashes, file_key
from tests.support.builder import copy_config, drop_file

YEAR = 2026
NOW = dt.datetime(YEAR, 12, 1, 8, 0)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy_config(tmp_path)
    for index in range(3):
        drop_file(tmp_path, f"tep-{index}.xlsx", f"nội dung {index}".encode())
    return tmp_path


def _ingest(root: Path, config: Config) -> dict[str, str]:
    """Ingest the inbox; each ledger name with its hash."""
    with open_year_run(root, config, YEAR, NOW) as run:
        receipt.ingest(run)
        return {entry.first_name: entry.sha256 for entry in run.register.files(YEAR)}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the inbox files ingest reads."""
    read: list[str] = []
    real = Path.read_bytes

    def counted(self: Path) -> Any:
        if self.parent.name == "inbox":
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return read


@pytest.mark.not_portable(reason="the change time is POSIX's: on Windows every inbox file is hashed")
def test_files_seen_before_are_not_read_again(root: Path, reads: list[str]) -> None:
    config = load_config(root)
    first = _ingest(root, config)
    assert sorted(reads) == ["tep-0.xlsx", "tep-1.xlsx", "tep-2.xlsx"]
    reads.clear()
    assert _ingest(root, config) == first
    assert reads == []


@pytest.mark.not_portable(reason="the change time is POSIX's: on Windows every inbox file is hashed")
def test_a_file_rewritten_with_the_same_size_and_time_is_hashed_again(root: Path, reads: list[str]) -> None:
    config = load_config(root)
    _ingest(root, config)
    path = root / "inbox" / "tep-1.xlsx"
    before = path.stat()
    path.write_bytes("nội dung X".encode())  # same length
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # modification time set back
    reads.clear()
    ledger = _ingest(root, config)
    assert reads == ["tep-1.xlsx"]
    assert hashlib.sha256("nội dung X".encode()).hexdigest() in ledger.values()


@pytest.mark.not_portable(reason="the change time is POSIX's: on Windows every inbox file is hashed")
def test_a_missing_archive_copy_is_written_again_from_the_inbox(root: Path, reads: list[str]) -> None:
    config = load_config(root)
    ledger = _ingest(root, config)
    archived = sorted((root / "outbox" / "luu-tru").rglob("*.xlsx"))
    assert len(archived) == 3
    archived[0].unlink()
    reads.clear()
    assert _ingest(root, config) == ledger
    assert len(reads) == 1 and len(sorted((root / "outbox" / "luu-tru").rglob("*.xlsx"))) == 3


def test_a_damaged_hash_cache_only_costs_reading(root: Path, reads: list[str]) -> None:
    config = load_config(root)
    ledger = _ingest(root, config)
    (root / HASHES_FILE).write_text("[1, 2", encoding="utf-8")
    reads.clear()
    assert _ingest(root, config) == ledger
    assert len(reads) == 3


@pytest.mark.not_portable(reason="the change time is POSIX's: on Windows every inbox file is hashed")
def test_known_hashes_match_on_the_whole_key_only(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x")
    hashes = KnownHashes(tmp_path)
    hashes.put("a.xlsx", file_key(path), "abc")
    hashes.save()
    again = KnownHashes(tmp_path)
    assert again.get("a.xlsx", file_key(path)) == "abc"
    assert again.get("b.xlsx", file_key(path)) is None
    assert again.get("a.xlsx", [*file_key(path)[:-1], 0]) is None


def test_without_a_change_time_the_inbox_is_known_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows: st_ctime is the creation time, and a copy over a file keeps it, its size may match
    and its modification time is the source's: only the content tells."""
    import pipeline.run.filestate as filestate

    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x")
    hashes = KnownHashes(tmp_path)
    hashes.put("a.xlsx", file_key(path), "abc")
    monkeypatch.setattr(filestate, "CHANGE_TIME_KNOWN", False)
    assert hashes.get("a.xlsx", file_key(path)) is None
    assert filestate.inbox_key(path)[-1] == hashlib.sha256(b"x").hexdigest()


def test_a_full_disk_while_archiving_stops_the_run_and_is_not_an_unreadable_file(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from pipeline.core import ooxml

    def disk_full(path: Path, data: bytes) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(ooxml, "_stage", disk_full)
    with pytest.raises(OSError) as failure:
        _ingest(root, load_config(root))
    assert failure.value.errno == errno.ENOSPC
