"""A full disk, a read-only outbox, a failed rebuild: a clear message, the previous state intact.

Two techniques, said plainly. The full disk is simulated at the atomic-write layer (a staged
write fails with ``ENOSPC`` after others succeeded), which runs everywhere. Where the kernel
lets an unprivileged user namespace mount (``unshare -Urm``), the same faults are also made real:
``outbox/`` bind-mounted read-only (``EROFS``) and ``outbox/<year>/`` on a 1 MB tmpfs filled up
(``ENOSPC``). A tmpfs exists only inside the namespace, so what it holds afterwards is hashed
there and printed. ``chmod`` is not used: it does not bite when the tests run as root.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.config import load_config
from pipeline.core import identity, ooxml
from pipeline.core.identity import load_secret
from pipeline.core.ooxml import atomic_write_all, is_temporary, remove_temporaries
from pipeline.core.paths import SECRET_FILE
from pipeline.register import REGISTER_FILE
from pipeline.run.cycle import rebuild
from pipeline.run.failures import _register_failure
from tests.support.builder import RECEIVED, inbox_state, numbered_workspace, received_at, unit_code

YEAR_FOLDER = Path("outbox") / "2026"


def _consolidate(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), "consolidate", "--year", "2026", "--json"])
    return result.exit_code, result.output


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _ledger(root: Path) -> list[Any]:
    with closing(sqlite3.connect(root / REGISTER_FILE)) as db:
        return db.execute("SELECT * FROM files ORDER BY sha256").fetchall()


@pytest.fixture
def consolidated(tmp_path: Path) -> Path:
    """A workspace consolidated once, then a resubmission dropped in for the next run."""
    numbered_workspace(tmp_path, 6)
    assert _consolidate(tmp_path)[0] == 0
    first = next((tmp_path / "inbox").glob(f"*{unit_code(2)}.xlsx"))
    resubmission = tmp_path / "inbox" / f"sua lai {unit_code(2)}.xlsx"
    shutil.copy(first, resubmission)
    with resubmission.open("ab") as handle:  # a different file (hash) with the same workbook inside
        handle.write(b"\0")
    received_at(resubmission, RECEIVED.replace(hour=15))
    return tmp_path


def test_a_failed_staged_write_replaces_nothing_and_names_the_target(tmp_path: Path, monkeypatch: Any) -> None:
    old = {tmp_path / name: f"cũ {name}".encode() for name in ("a.xlsx", "b.docx", "c.xlsx")}
    atomic_write_all(old)
    real_fsync = os.fsync
    calls = []

    def fsync_fails_on_the_third(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(ooxml.os, "fsync", fsync_fails_on_the_third)
    with pytest.raises(OSError) as failure:
        atomic_write_all({path: b"new" for path in old})
    assert failure.value.errno == errno.ENOSPC
    assert failure.value.filename == str(tmp_path / "c.xlsx")
    assert {path: path.read_bytes() for path in old} == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.docx", "c.xlsx"]


def test_temporaries_of_a_killed_run_are_swept_and_nothing_else(tmp_path: Path) -> None:
    left = [tmp_path / ".tong-hop-2026.xlsx.0a1b2c3d.tmp", tmp_path / "luu-tru" / "ab" / ".ab12.json.ffffffff.tmp"]
    left.append(tmp_path / ".register.sqlite3.12345678.tmp-wal")
    kept = [tmp_path / "ghi-chu.tmp", tmp_path / ".an.tmp", tmp_path / "bao-cao.docx", tmp_path / ".x.1234567.tmp"]
    for path in left + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    assert all(is_temporary(p) for p in left) and not any(is_temporary(p) for p in kept)
    assert remove_temporaries(tmp_path) == sorted(left)
    assert all(p.exists() for p in kept) and not any(p.exists() for p in left)


def test_a_full_disk_while_writing_outputs_is_reported_and_changes_nothing(
    consolidated: Path, monkeypatch: Any
) -> None:
    outputs, ledger, inbox = _hashes(consolidated / "outbox"), _ledger(consolidated), inbox_state(consolidated)
    real_stage = ooxml._stage
    staged: list[Path] = []

    def disk_full_at_the_third_output(path: Path, data: bytes) -> Path:
        if path.parent.name == "2026":
            staged.append(path)
            if len(staged) == 3:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_stage(path, data)

    monkeypatch.setattr(ooxml, "_stage", disk_full_at_the_third_output)
    code, output = _consolidate(consolidated)
    assert code == 2
    assert "Ổ đĩa đã đầy" in output and str(staged[-1]) in output and "chạy lại" in output
    # The resubmission was archived (by hash, harmless) but the register did not record it.
    assert {k: v for k, v in _hashes(consolidated / "outbox").items() if not k.startswith("luu-tru")} == {
        k: v for k, v in outputs.items() if not k.startswith("luu-tru")
    }
    assert _ledger(consolidated) == ledger
    assert inbox_state(consolidated) == inbox
    assert not [p for p in consolidated.rglob("*") if is_temporary(p)]


def test_register_errors_name_the_register_and_what_to_do() -> None:
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL
    assert "Ổ đĩa đã đầy" in _register_failure(full) and str(REGISTER_FILE) in _register_failure(full)
    read_only = sqlite3.OperationalError("attempt to write a readonly database")
    read_only.sqlite_errorcode = sqlite3.SQLITE_READONLY
    assert "chỉ cho đọc" in _register_failure(read_only)
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = sqlite3.SQLITE_BUSY
    assert "đang được một lệnh khác ghi" in _register_failure(busy)
    other = sqlite3.DatabaseError("database disk image is malformed")
    assert "dvk rebuild" in _register_failure(other)


def test_a_rebuild_that_fails_half_way_leaves_the_register_as_it_was(consolidated: Path, monkeypatch: Any) -> None:
    ledger = _ledger(consolidated)
    config = load_config(consolidated)

    def fails(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("killed half-way")

    monkeypatch.setattr("pipeline.run.cycle.read_cycle_files", fails)
    with pytest.raises(RuntimeError):
        rebuild(consolidated, config)
    assert _ledger(consolidated) == ledger
    assert not [p for p in consolidated.rglob("*") if is_temporary(p)]


# --------------------------------------------------------------------------- real file systems


def _namespaces_available() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-Urm", "true"], capture_output=True, check=False)
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(
    not _namespaces_available(), reason="needs `unshare -Urm` (user and mount namespaces) to mount without root"
)


def _in_namespace(root: Path, script: str) -> subprocess.CompletedProcess[str]:
    dvk = f"{sys.executable} -m pipeline --root {root} consolidate --year 2026"
    return subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script.format(root=root, dvk=dvk)],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )


@needs_namespaces
def test_a_read_only_outbox_is_reported_and_changes_nothing(consolidated: Path) -> None:
    outputs, ledger = _hashes(consolidated / "outbox"), _ledger(consolidated)
    done = _in_namespace(
        consolidated, "mount --bind outbox outbox && mount -o remount,bind,ro outbox && {dvk}; echo exit=$?"
    )
    assert "exit=2" in done.stdout, done.stderr
    assert "chỉ cho đọc" in done.stderr and str(consolidated / "outbox") in done.stderr
    assert _hashes(consolidated / "outbox") == outputs
    assert _ledger(consolidated) == ledger


@needs_namespaces
def test_a_really_full_disk_is_reported_and_keeps_the_previous_outputs(consolidated: Path) -> None:
    ledger = _ledger(consolidated)
    before = _hashes(consolidated / YEAR_FOLDER)
    # outbox/2026 moves onto a 1 MB tmpfs holding the previous outputs, then a filler takes what is left.
    script = (
        "cp -a outbox/2026 saved && mount -t tmpfs -o size=1m tmpfs outbox/2026 && cp -a saved/. outbox/2026/ && "
        "(dd if=/dev/zero of=outbox/2026/filler bs=4k 2>/dev/null; true) && {dvk}; echo exit=$?; "
        "rm outbox/2026/filler; cd outbox/2026 && find . -type f -exec sha256sum {{}} +"
    )
    done = _in_namespace(consolidated, script)
    assert "exit=2" in done.stdout, done.stderr
    assert "Ổ đĩa đã đầy" in done.stderr and str(consolidated / YEAR_FOLDER) in done.stderr
    after = {line.split()[1].removeprefix("./"): line.split()[0] for line in done.stdout.splitlines() if "  ./" in line}
    assert after == before
    assert _ledger(consolidated) == ledger


# --------------------------------------------------------------------------- the installation secret


def test_the_secret_is_created_whole_and_kept(tmp_path: Path) -> None:
    secret = load_secret(tmp_path)
    assert len(secret) == 32
    assert (tmp_path / SECRET_FILE).read_text(encoding="ascii") == secret.hex() + "\n"
    assert load_secret(tmp_path) == secret
    assert sorted(p.name for p in (tmp_path / SECRET_FILE).parent.iterdir()) == ["secret"]  # no temporary left


def test_the_secret_is_created_where_hard_links_are_not_supported(tmp_path: Path, monkeypatch: Any) -> None:
    def no_links(source: Any, target: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")  # what FAT32 and exFAT answer

    monkeypatch.setattr(identity.os, "link", no_links)
    secret = load_secret(tmp_path)
    assert load_secret(tmp_path) == secret
    assert sorted(p.name for p in (tmp_path / SECRET_FILE).parent.iterdir()) == ["secret"]
