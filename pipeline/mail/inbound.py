"""Mail in: a ``.eml`` or ``.mbox`` file saved into ``inbox/`` -> its spreadsheets, as received files.

Contract: a message is read with the standard library's parser, from the disk and in bounded memory
(:mod:`.mailfile`: a body over its size is left out, never decoded); its spreadsheet attachments
(.xlsx, .xlsm, .xls, .ods) go on exactly like workbooks dropped into the inbox: into the ledger and
the archive by hash (:func:`ingest_mail`), then intake and validation. Each one is named in the
ledger after the message and the attachment (``thư.eml › KP-BD01.xlsx``); an attachment's name is
only ever shown, never used as a path. The message's ``Date`` (read as the ward's time,
``receiving.utc_offset_hours``) is the received-at, not the saved file's date, unless it is not
believed (:mod:`.dates`: unreadable, before the year's templates were issued, or in the future):
then the attachments are received at their first sighting and get a ``mail-date-doubted`` warning
(:func:`check_date`). The sender is kept with the file, and a file whose unit has another address
in ``units.yaml`` gets a ``sender-mismatch`` warning (:func:`check_sender`); both warnings come
back on every run and after a rebuild.

Refused, each with a finding on the message: an attachment over ``max_attachment_mb``, or one
that does not fit beside the message's other spreadsheets within about that size, an archive
(zip, rar, 7z, ...) or a message attached inside the message, a message without any spreadsheet,
a file that holds no readable message. The raw message file is archived as evidence.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage, Message
from pathlib import Path, PurePosixPath

from ..config import Config, MailSettings
from ..core.findings import Finding, finding
from ..core.ooxml import atomic_copy, atomic_write
from ..intake.receive import SourceFile, file_extension
from ..intake.validate import Submission
from ..register import archive_path, sidecar_path, write_sidecar
from ..register.year_run import YearRun
from .dates import date_doubt, date_text, message_date
from .kinds import attachment_kind, clean_name
from .mailfile import Omissions, messages

MAIL_EXTENSIONS = (".eml", ".mbox")
NAME_SEPARATOR = " › "


@dataclass(frozen=True)
class MailAttachment:
    """A spreadsheet taken from a message: its (cleaned) name and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class ReceivedMessage:
    """One message as read: who sent it, when, its spreadsheets and what was refused."""

    name: str
    sender: str
    received_at: dt.datetime | None
    spreadsheets: tuple[MailAttachment, ...]
    findings: tuple[Finding, ...]
    date_header: str = ""  # the Date header as written ("" when there is none)

    def ledger_name(self, attachment: MailAttachment) -> str:
        return f"{self.name}{NAME_SEPARATOR}{attachment.filename}"


def is_mail_file(path: Path) -> bool:
    return path.suffix.lower() in MAIL_EXTENSIONS


# --------------------------------------------------------------------------- reading


def message_keep(settings: MailSettings) -> int:
    """The most bytes of a spreadsheet's body read from a message: an attachment at the limit,
    base64-encoded (4 characters for 3 bytes, a line break every 76 characters), and a little more."""
    limit = int(settings.max_attachment_mb * 1024 * 1024)
    return limit * 4 // 3 * 78 // 76 + 4096


def read_mail_file(path: Path, name: str, settings: MailSettings) -> Iterator[ReceivedMessage]:
    """Every message of a ``.eml`` (one) or ``.mbox`` (each numbered ``#1``, ``#2``, ...) file,
    read from the disk in bounded memory (:mod:`.mailfile`) and given one at a time, so that only
    one message's spreadsheets are ever held."""
    mbox = name.lower().endswith(".mbox")
    omissions = Omissions()
    found = False
    for index, message in enumerate(messages(path, mbox, message_keep(settings), omissions), start=1):
        if isinstance(message, EmailMessage) and message.keys():
            found = True
            yield read_message(message, f"{name} #{index}" if mbox else name, settings, omissions)
    if not found:
        yield ReceivedMessage(name, "", None, (), (finding("mail-unreadable", file=name),))


def read_message(
    message: EmailMessage, name: str, settings: MailSettings, omissions: Omissions | None = None
) -> ReceivedMessage:
    """The spreadsheets of one message, its sender and date; refused attachments as findings.
    A part whose body was left out while reading (``omissions``) is refused by its size alone."""
    limit = int(settings.max_attachment_mb * 1024 * 1024)
    spreadsheets: list[MailAttachment] = []
    findings: list[Finding] = []
    seen: list[str] = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        filename = clean_name(part.get_filename() or "", index, part.get_content_type())
        seen.append(filename)
        kind = attachment_kind(filename, part.get_content_type())
        if kind == "archive":
            findings.append(finding("mail-archive-attachment", file=name, attachment=filename))
        elif kind == "spreadsheet":
            omitted = omissions.size(part) if omissions else None
            data = _payload(part) if omitted is None else b""
            problem = _too_large(filename, len(data) if omitted is None else omitted, omitted is not None, limit, name)
            findings += [problem] if problem else []
            spreadsheets += [] if problem else [MailAttachment(filename, data)]
    if not spreadsheets and not findings:
        listed = ", ".join(seen) or "không có tệp đính kèm"
        subject = " ".join(str(message.get("Subject", "")).split()) or "(không có tiêu đề)"
        sender = sender_of(message) or "(không rõ người gửi)"
        findings.append(finding("mail-no-spreadsheet", file=name, subject=subject, sender=sender, attachments=listed))
    stated = message_date(message, settings)
    return ReceivedMessage(name, sender_of(message), stated, tuple(spreadsheets), tuple(findings), date_text(message))


def _too_large(filename: str, size: int, omitted: bool, limit: int, name: str) -> Finding | None:
    """An attachment over the limit; or one left out unread because the message's spreadsheets
    together were too large to read (``omitted`` and not over the limit itself)."""
    shown = f"{size / 1024 / 1024:.1f}".replace(".", ",")
    if size > limit:
        return finding("mail-attachment-too-large", file=name, attachment=filename, size=shown, limit=limit // 1048576)
    if omitted:
        return finding("mail-attachments-too-large", file=name, attachment=filename, size=shown, limit=limit // 1048576)
    return None


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def sender_of(message: Message) -> str:
    """The From address, lower-cased ("" when there is none)."""
    _, address = email.utils.parseaddr(str(message.get("From", "")))
    return address.strip().lower()


# --------------------------------------------------------------------------- into the ledger


def ingest_mail(run: YearRun, path: Path, name: str) -> list[Submission]:
    """Archive a mail file, put its spreadsheets into the ledger and return one rejected entry per
    message with findings (shown in the run, like an unreadable file). The spreadsheets are
    received at the message's Date when it is believed (:mod:`.dates`), else at the file's first
    sighting: the earlier of its modification time and now, as for a file dropped into the inbox."""
    with path.open("rb") as handle:
        sha, size = hashlib.file_digest(handle, "sha256").hexdigest(), handle.tell()
    first_seen = min(dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0), run.now)
    _archive(run.root, path, sha, name, run.now)
    issued = run.config.year(run.year).issued_from
    problems = []
    for message in read_mail_file(path, name, run.config.mail):
        doubt = date_doubt(message.date_header, message.received_at, issued, run.now)
        received = first_seen if doubt or message.received_at is None else min(message.received_at, run.now)
        for attachment in message.spreadsheets:
            _record(run, message, attachment, received, doubt)
        if message.findings:
            source = SourceFile(path, message.name, sha, size, received)
            problems.append(Submission(source, "", None, "", {}, {}, message.findings))
    return problems


def _record(run: YearRun, message: ReceivedMessage, attachment: MailAttachment, at: dt.datetime, doubt: str) -> None:
    """One spreadsheet into the archive and the ledger; a doubted Date is kept with its origin."""
    root, register = run.root, run.register
    sha = hashlib.sha256(attachment.data).hexdigest()
    extension = file_extension(Path("x" + PurePosixPath(attachment.filename).suffix))
    target = archive_path(root, sha, extension)
    if not target.exists():
        atomic_write(target, attachment.data)
    if not register.has_file(sha):  # the same file seen before (dropped in, or in another message) stays as it was
        register.record_file(sha, len(attachment.data), message.ledger_name(attachment), extension, run.year, at)
        date = (message.date_header, doubt) if doubt else None
        register.record_mail_origin(sha, message.name, attachment.filename, message.sender, date)
    if not sidecar_path(root, sha).exists():
        write_sidecar(root, register, sha)


def _archive(root: Path, path: Path, sha: str, name: str, now: dt.datetime) -> None:
    """Keep the message file itself as evidence (its sidecar says it is a message, not a
    submission), copied a chunk at a time."""
    import json

    extension = path.suffix.lower()
    target = archive_path(root, sha, extension)
    if target.exists():
        return
    atomic_copy(path, target)
    sidecar = {"kind": "mail-message", "sha256": sha, "first_name": name, "extension": extension}
    sidecar["seen_at"] = now.isoformat(sep=" ")
    atomic_write(sidecar_path(root, sha), json.dumps(sidecar, ensure_ascii=False, indent=1).encode("utf-8"))


# --------------------------------------------------------------------------- the sender


def check_sender(submission: Submission, origin: dict[str, str] | None, config: Config) -> Submission:
    """A file that came by mail from another address than its unit's in units.yaml: a warning added."""
    if not origin or not submission.unit_code:
        return submission
    unit = config.units.get(submission.unit_code)
    if unit is None or not unit.email:
        return submission
    known = [a.strip().lower() for a in re.split(r"[,;]", unit.email) if a.strip()]
    if origin["sender"] in known:
        return submission
    warning = finding(
        "sender-mismatch",
        file=submission.source.name,
        sender=origin["sender"] or "(không rõ)",
        unit=unit.name,
        expected=", ".join(known),
    )
    return dataclasses.replace(submission, findings=(*submission.findings, warning))


def check_date(submission: Submission, origin: dict[str, str] | None) -> Submission:
    """A file whose message's Date was not believed when it was first recorded (it was received at
    its first sighting instead): a warning, on every run and after a rebuild."""
    if not origin or not origin.get("doubt"):
        return submission
    warning = finding(
        "mail-date-doubted",
        file=submission.source.name,
        message=origin["message"],
        date=origin["date"],
        reason=origin["doubt"],
        received=f"{submission.source.received_at:%d/%m/%Y %H:%M}",
    )
    return dataclasses.replace(submission, findings=(*submission.findings, warning))
