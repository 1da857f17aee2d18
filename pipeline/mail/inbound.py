"""Mail in: a ``.eml`` or ``.mbox`` file saved into ``inbox/`` -> its spreadsheets, as received files.

Contract: a message is read with the standard library (``email``, ``mailbox``); its spreadsheet
attachments (.xlsx, .xlsm, .xls, .ods) go on exactly like workbooks dropped into the inbox: into
the ledger and the archive by hash (:func:`ingest_mail`), then intake and validation. Each one is
named in the ledger after the message and the attachment (``thư.eml › KP-BD01.xlsx``); an
attachment's name is only ever shown, never used as a path. The message's ``Date`` (read as the
ward's time, ``receiving.utc_offset_hours``) is the received-at, not the saved file's date. The
sender is kept with the file, and a file whose unit has another address in ``units.yaml`` gets a
``sender-mismatch`` warning (:func:`check_sender`), on every run and after a rebuild.

Refused, each with a finding on the message: an attachment over ``max_attachment_mb``, an archive
(zip, rar, 7z, ...) or a message attached inside the message, a message without any spreadsheet,
a file that holds no readable message. The raw message file is archived as evidence.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.utils
import hashlib
import mailbox
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from pathlib import Path, PurePosixPath

from ..config import Config, MailSettings
from ..core.findings import Finding, finding
from ..core.ooxml import atomic_write
from ..intake.receive import SourceFile, file_extension
from ..intake.validate import Submission
from ..register import archive_path, sidecar_path, write_sidecar
from ..register.year_run import YearRun

MAIL_EXTENSIONS = (".eml", ".mbox")
SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
ARCHIVE_EXTENSIONS = (".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".cab", ".arj")
SPREADSHEET_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.ms-excel.sheet.macroenabled.12",
    "application/vnd.oasis.opendocument.spreadsheet",
)
ARCHIVE_TYPES = (
    "application/zip",
    "application/x-zip-compressed",
    "application/x-rar-compressed",
    "application/vnd.rar",
    "application/x-7z-compressed",
    "application/gzip",
    "application/x-tar",
)
NAME_SEPARATOR = " › "
_MAX_NAME = 120


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

    def ledger_name(self, attachment: MailAttachment) -> str:
        return f"{self.name}{NAME_SEPARATOR}{attachment.filename}"


def is_mail_file(path: Path) -> bool:
    return path.suffix.lower() in MAIL_EXTENSIONS


# --------------------------------------------------------------------------- reading


def read_mail_file(data: bytes, name: str, settings: MailSettings) -> list[ReceivedMessage]:
    """Every message of a ``.eml`` (one) or ``.mbox`` (each numbered ``#1``, ``#2``, ...) file."""
    if name.lower().endswith(".mbox"):
        messages = [(f"{name} #{i}", m) for i, m in enumerate(_mbox_messages(data), start=1)]
    else:
        messages = [(name, email.message_from_bytes(data, policy=policy.default))]
    readable = [(label, m) for label, m in messages if isinstance(m, EmailMessage) and m.keys()]
    if not readable:
        return [ReceivedMessage(name, "", None, (), (finding("mail-unreadable", file=name),))]
    return [read_message(m, label, settings) for label, m in readable]


def _mbox_messages(data: bytes) -> list[Message]:
    """The messages of an mbox file, read from a private copy (the inbox file is never opened for writing)."""
    with tempfile.TemporaryDirectory(prefix="dvk-mbox-") as folder:
        path = Path(folder) / "copy.mbox"
        path.write_bytes(data)
        box = mailbox.mbox(path, create=False)
        try:
            return [email.message_from_bytes(box.get_bytes(key), policy=policy.default) for key in box.iterkeys()]
        finally:
            box.close()


def read_message(message: EmailMessage, name: str, settings: MailSettings) -> ReceivedMessage:
    """The spreadsheets of one message, its sender and date; refused attachments as findings."""
    limit = int(settings.max_attachment_mb * 1024 * 1024)
    spreadsheets: list[MailAttachment] = []
    findings: list[Finding] = []
    seen: list[str] = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        filename = clean_name(part.get_filename() or "", index, part.get_content_type())
        seen.append(filename)
        kind = attachment_kind(filename, part.get_content_type())
        if kind == "other":
            continue
        data = _payload(part)
        problem = _refusal(kind, filename, data, limit, name)
        if problem:
            findings.append(problem)
        elif kind == "spreadsheet":
            spreadsheets.append(MailAttachment(filename, data))
    if not spreadsheets and not findings:
        listed = ", ".join(seen) or "không có tệp đính kèm"
        subject = " ".join(str(message.get("Subject", "")).split()) or "(không có tiêu đề)"
        sender = sender_of(message) or "(không rõ người gửi)"
        findings.append(finding("mail-no-spreadsheet", file=name, subject=subject, sender=sender, attachments=listed))
    return ReceivedMessage(
        name, sender_of(message), message_date(message, settings), tuple(spreadsheets), tuple(findings)
    )


def _refusal(kind: str, filename: str, data: bytes, limit: int, name: str) -> Finding | None:
    if kind == "archive":
        return finding("mail-archive-attachment", file=name, attachment=filename)
    if len(data) > limit:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        return finding("mail-attachment-too-large", file=name, attachment=filename, size=size, limit=limit // 1048576)
    return None


def _payload(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        return part.as_bytes()
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def attachment_kind(filename: str, content_type: str) -> str:
    """``spreadsheet``, ``archive`` (also a message attached inside the message) or ``other``."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in ARCHIVE_EXTENSIONS or content_type in ARCHIVE_TYPES or content_type == "message/rfc822":
        return "archive"
    if suffix in SPREADSHEET_EXTENSIONS or content_type in SPREADSHEET_TYPES:
        return "spreadsheet"
    return "other"


def clean_name(raw: str, index: int, content_type: str) -> str:
    """An attachment's name fit to show: NFC, no folders, no control characters, not too long."""
    text = unicodedata.normalize("NFC", raw)
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    if not text:
        extension = ".xlsx" if content_type in SPREADSHEET_TYPES[:1] else ""
        return f"tệp đính kèm {index}{extension}"
    if len(text) > _MAX_NAME:
        stem, dot, suffix = text.rpartition(".")
        text = stem[: _MAX_NAME - len(suffix) - 2] + "…" + dot + suffix if dot else text[:_MAX_NAME]
    return text


def sender_of(message: Message) -> str:
    """The From address, lower-cased ("" when there is none)."""
    _, address = email.utils.parseaddr(str(message.get("From", "")))
    return address.strip().lower()


def message_date(message: Message, settings: MailSettings) -> dt.datetime | None:
    """The Date header in the ward's time (naive, to the second); None when absent or unreadable."""
    raw = message.get("Date")
    if raw is None:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(str(raw))
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000": the time is UTC, where the message came from is unknown
        moment = moment.replace(tzinfo=dt.UTC)
    ward = dt.timezone(dt.timedelta(hours=settings.utc_offset_hours))
    return moment.astimezone(ward).replace(tzinfo=None, microsecond=0)


# --------------------------------------------------------------------------- into the ledger


def ingest_mail(run: YearRun, path: Path, name: str) -> list[Submission]:
    """Archive a mail file, put its spreadsheets into the ledger (received at the message's Date) and
    return one rejected entry per message with findings (shown in the run, like an unreadable file)."""
    data = path.read_bytes()
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    _archive(run.root, data, name, path.suffix.lower(), run.now)
    problems = []
    for message in read_mail_file(data, name, run.config.mail):
        received = min(message.received_at or modified, run.now)
        for attachment in message.spreadsheets:
            _record(run, message, attachment, received)
        if message.findings:
            source = SourceFile(path, message.name, hashlib.sha256(data).hexdigest(), len(data), received)
            problems.append(Submission(source, "", None, "", {}, {}, message.findings))
    return problems


def _record(run: YearRun, message: ReceivedMessage, attachment: MailAttachment, at: dt.datetime) -> None:
    root, register = run.root, run.register
    sha = hashlib.sha256(attachment.data).hexdigest()
    extension = file_extension(Path("x" + PurePosixPath(attachment.filename).suffix))
    target = archive_path(root, sha, extension)
    if not target.exists():
        atomic_write(target, attachment.data)
    if not register.has_file(sha):  # the same file seen before (dropped in, or in another message) stays as it was
        register.record_file(sha, len(attachment.data), message.ledger_name(attachment), extension, run.year, at)
        register.record_mail_origin(sha, message.name, attachment.filename, message.sender)
    if not sidecar_path(root, sha).exists():
        write_sidecar(root, register, sha)


def _archive(root: Path, data: bytes, name: str, extension: str, now: dt.datetime) -> None:
    """Keep the message file itself as evidence (its sidecar says it is a message, not a submission)."""
    import json

    sha = hashlib.sha256(data).hexdigest()
    target = archive_path(root, sha, extension)
    if target.exists():
        return
    atomic_write(target, data)
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
