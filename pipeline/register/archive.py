"""The register's archive in ``outbox/luu-tru/``: what ``dvk rebuild`` recreates the register from.

Contract: each received file is archived by its hash (:func:`~.paths.archive_path`) with a small
JSON sidecar beside it: what the ledger knows of the file that the file itself does not say
(first name, received-at, cycle year, override, withdrawal, the message it came in). Imported
legacy lists get a sidecar of their own, and every message the mail server accepted a record
under ``thu-da-gui/``. This module writes those records and puts them back into a register; it
decides nothing about the files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .paths import ARCHIVE_FOLDER, MAIL_SENT_FOLDER, sidecar_path
from .store import Register, moment_text

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
    data: dict[str, Any] = dict(zip(SIDECAR_FIELDS, row, strict=True))
    seen = _seen_before_in_its_second(register, sha256)
    if seen:  # only a file that shares its second with earlier ones says so: the others stay as they were
        data["seen"] = seen
    origin = register.mail_origin(sha256)
    if origin:  # the file came by mail: who sent it, so that a rebuild checks the sender again
        data["mail"] = origin
    (write or atomic_write)(sidecar_path(root, sha256), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def _seen_before_in_its_second(register: Register, sha256: str) -> int:
    """How many files of the same cycle the ledger had seen before this one within its received
    second: the order a rebuild must put them back in (the register keeps times to the second)."""
    row = register.db.execute(
        "SELECT COUNT(*) FROM files f, (SELECT cycle, received_at, rowid AS seen FROM files WHERE sha256=?) g "
        "WHERE f.cycle=g.cycle AND f.received_at=g.received_at AND f.rowid<g.seen",
        (sha256,),
    ).fetchone()
    return int(row[0])


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
        doubted = (mail["date"], mail["doubt"]) if mail.get("doubt") else None
        register.record_mail_origin(data["sha256"], mail["message"], mail["attachment"], mail["sender"], doubted)


def _all_sidecars(root: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in (root / ARCHIVE_FOLDER).glob("*/*.json")]


def read_sidecars(root: Path) -> list[dict[str, Any]]:
    """The ledger rows of the archived units' files, in the order they were received; those of one
    second in the order they were first seen (then, for sidecars written before that was kept, by name)."""
    return sorted(
        (d for d in _all_sidecars(root) if d.get("kind", "received") == "received"),
        key=lambda d: (d["cycle"], d["received_at"], d.get("seen", 0), d["first_name"], d["sha256"]),
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
        "imported_at": moment_text(moment),
    }
    atomic_write(sidecar_path(root, sha256), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def read_import_sidecars(root: Path) -> list[dict[str, Any]]:
    """The archived legacy lists, in the order they were imported."""
    imports = [d for d in _all_sidecars(root) if d.get("kind") == "legacy-import"]
    return sorted(imports, key=lambda d: (d["imported_at"], d["sha256"]))


def write_mail_sent_record(root: Path, record: dict[str, Any]) -> None:
    """Keep a sent message's record beside the archive, so that ``dvk rebuild`` does not forget it."""
    from ..core.ooxml import atomic_write

    name = hashlib.sha256(record["message_id"].encode()).hexdigest()
    data = {"kind": "mail-sent", "record": record}
    atomic_write(root / MAIL_SENT_FOLDER / f"{name}.json", json.dumps(data, ensure_ascii=False, indent=1).encode())


def read_mail_sent(root: Path) -> list[dict[str, Any]]:
    """The records of the messages sent (the keys of ``MAIL_SENT_FIELDS``), oldest first."""
    found = (json.loads(p.read_text(encoding="utf-8")) for p in (root / MAIL_SENT_FOLDER).glob("*.json"))
    records = [d["record"] for d in found if d.get("kind") == "mail-sent"]
    return sorted(records, key=lambda d: (d["sent_at"], d["message_id"]))


def restore_mail_sent(root: Path, register: Register) -> None:
    """Put the records of sent messages back (for ``dvk rebuild``)."""
    records = [d["record"] for d in _all_sidecars(root) if d.get("kind") == "mail-sent"]
    for record in sorted(records, key=lambda d: (d["sent_at"], d["message_id"])):
        register.record_mail_sent(record)
