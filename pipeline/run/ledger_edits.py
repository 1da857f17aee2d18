"""Corrections to the ledger by the clerk: ``dvk received`` and ``dvk withdraw`` -> one file's row.

Contract: a file is named as the screen names it (its name in the inbox, or in a saved message) or
by the first characters of its SHA-256. A name can stand for several files of the ledger: a council
sheet or a unit's file corrected in place keeps its name under a new content. Such a name is
refused with a message that lists each file (its received time and a short code, the first
:data:`SHORT_CODE` hex digits of its hash, which the command then accepts), unless the clerk asks for
the one received last (``--latest``); a guess would withdraw the wrong version. Each change is
written to the register and to the file's sidecar, so that ``dvk rebuild`` keeps it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import DvkError
from ..core.paths import WorkspacePaths, file_sha256
from ..register import Register, open_register, write_sidecar

SHORT_CODE = 8  # hex digits of a file's hash shown to tell files of one name apart


class FileNotInLedger(DvkError, LookupError):
    """``dvk received`` or ``dvk withdraw`` names no file of the ledger, or more than one."""


@dataclass(frozen=True)
class LedgerFile:
    """One file of the ledger as the clerk knows it: name, short code, when received, whether the
    inbox still holds this very content under that name."""

    name: str
    code: str
    received_at: dt.datetime
    in_inbox: bool
    cycle: int | None = None  # the year whose cycle the file was received in

    def consolidate_again(self) -> str:
        """The command that brings the change into the year's outputs, as the clerk types it."""
        return f"dvk consolidate --year {self.cycle}" if self.cycle else "dvk consolidate --year <năm>"


def override_received(root: Path, file: str, moment: dt.datetime, reason: str) -> LedgerFile:
    """Set the received-at of one ledger file (by name or hash prefix); which file that was comes back."""
    with open_register(root, dt.datetime.now().replace(microsecond=0)) as register:
        sha = _one_file(register, file, latest=False, option=False)
        register.override_received(sha, moment, reason)
        write_sidecar(root, register, sha)
        row = _rows(register, [sha])[0]
    return _ledger_file(root, sha, row)


def withdraw_file(root: Path, file: str, reason: str, latest: bool = False) -> LedgerFile:
    """Take a file out of its year's cycle (by name, hash prefix, or the latest of a name); which
    file that was comes back."""
    with open_register(root, dt.datetime.now().replace(microsecond=0)) as register:
        sha = _one_file(register, file, latest=latest, option=True)
        row = _rows(register, [sha])[0]
        register.withdraw(sha, reason)
        write_sidecar(root, register, sha)
    return _ledger_file(root, sha, row)


def _ledger_file(root: Path, sha: str, row: dict[str, Any]) -> LedgerFile:
    name = str(row["first_name"])
    inbox = WorkspacePaths(root).inbox / name
    in_inbox = inbox.is_file() and file_sha256(inbox) == sha
    cycle = int(row["cycle"]) if row.get("cycle") is not None else None
    return LedgerFile(name, sha[:SHORT_CODE], _received(row), in_inbox, cycle)


def _one_file(register: Register, file: str, latest: bool, option: bool) -> str:
    """The hash of the one file ``file`` names; the latest received of them when ``latest``.
    ``option``: whether the command offers ``--latest`` (the refusal then mentions it)."""
    matches = register.find_files(file)
    if not matches:
        raise FileNotInLedger(
            f"“{file}”: không tìm thấy tệp trong sổ theo dõi (các tệp được ghi nhận khi chạy dvk consolidate)."
        )
    if len(matches) == 1:
        return matches[0]
    rows = sorted(_rows(register, matches), key=_received)
    if latest:  # the one received last, of those still in their cycle
        live = [row for row in rows if row["withdrawn"] is None] or rows
        return str(live[-1]["sha256"])
    raise FileNotInLedger(_ambiguous(file, rows, option))


def _ambiguous(file: str, rows: list[dict[str, Any]], option: bool) -> str:
    """The refusal of a name that several files carry: each with its short code and received time."""
    lines = [
        f"“{file}”: có {len(rows)} tệp khớp trong sổ theo dõi (ví dụ bản gửi trước và bản sửa lại cùng tên). "
        "Hãy chạy lại lệnh, ghi mã của tệp cần chọn thay cho tên tệp"
        + (", hoặc thêm --latest để chọn tệp nhận sau cùng:" if option else ":")
    ]
    for index, row in enumerate(rows, start=1):
        withdrawn = ", đã bỏ khỏi kỳ báo cáo" if row["withdrawn"] is not None else ""
        last = " (nhận sau cùng)" if index == len(rows) else ""
        received = _received(row).strftime("%d/%m/%Y %H:%M")
        code = row["sha256"][:SHORT_CODE]
        lines.append(f"  - mã {code}: “{row['first_name']}”, nhận lúc {received}{last}{withdrawn}")
    return "\n".join(lines)


def _rows(register: Register, hashes: list[str]) -> list[dict[str, Any]]:
    """The ledger rows of ``hashes`` in the order the files were first seen (the ledger's order
    within the register's second, as :meth:`~pipeline.register.store.Register.files`)."""
    marks = ", ".join("?" * len(hashes))
    cursor = register.db.execute(f"SELECT * FROM files WHERE sha256 IN ({marks}) ORDER BY rowid", hashes)
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _received(row: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(row["received_override"] or row["received_at"])
