"""Mail out, as data: which units get which message, and each message as an ``EmailMessage``.

Contract: no I/O here. :func:`plan_templates`, :func:`plan_reminders` and :func:`plan_feedback`
turn the year's state into one :class:`Letter` per unit (or a :class:`Refusal` saying why a unit
gets none); :func:`compose` turns a letter into a MIME message and :func:`message_bytes` into the
bytes of a ``.eml`` file or of an SMTP transaction.

The MIME is written for the mail clients the units use: headers are UTF-8 encoded words
(RFC 2047), the body is UTF-8 quoted-printable, and each attachment carries its Vietnamese name
twice: ``filename*`` (RFC 2231, read by Gmail, Thunderbird and Apple Mail) and a quoted RFC 2047
``name`` (read by Outlook). A draft (no send time) has no ``Date``, carries ``X-Unsent: 1`` (Outlook
opens it as a message to send) and a Message-ID and MIME boundary derived from its content, so
writing the drafts again gives byte-identical files.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import unicodedata
import urllib.parse
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from ..config import FEEDBACK_ACCEPTED, MAIL_KINDS, Config, MailSettings, MailTemplate, Unit, excerpt
from ..core.findings import ERROR
from ..core.mailaddress import is_address
from ..core.paths import FEEDBACK_FOLDER, MAIL_FOLDER, REMINDERS_FOLDER, TEMPLATES_FOLDER, WorkspacePaths
from ..core.vnformat import by_day, short_date
from ..intake.validate import Submission, in_order_received
from ..year.consolidate import MISSING, REJECTED, Consolidation, UnitStatus

TEMPLATES, REMINDERS, FEEDBACK = MAIL_KINDS
# Draft folders under outbox/<year>/thu/, named like the rest of the outbox.
KIND_FOLDERS = {TEMPLATES: TEMPLATES_FOLDER, REMINDERS: REMINDERS_FOLDER, FEEDBACK: FEEDBACK_FOLDER}
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
# Headers written as they are, never refolded: the attachment headers are folded here by hand.
WIRE_POLICY = policy.SMTP.clone(refold_source="none")
_RFC2231_CHUNK = 60


@dataclass(frozen=True)
class Attachment:
    """A file sent with a letter: the name the unit sees, its bytes and where it was taken from."""

    name: str
    data: bytes
    source: Path

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Letter:
    """One message of ``kind`` to one unit, before MIME."""

    kind: str
    year: int
    unit: Unit
    recipients: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()

    @property
    def attachments_sha256(self) -> str:
        """One hash over the attachments' hashes: what the register compares to avoid sending twice."""
        return hashlib.sha256("\n".join(a.sha256 for a in self.attachments).encode()).hexdigest()

    @property
    def content_sha256(self) -> str:
        text = "\n".join((self.kind, str(self.year), self.unit.code, *self.recipients, self.subject, self.body))
        return hashlib.sha256(f"{text}\n{self.attachments_sha256}".encode()).hexdigest()


@dataclass(frozen=True)
class Refusal:
    """A unit that gets no message, and why (in Vietnamese, for the clerk)."""

    unit: Unit
    reason: str


Plan = list[Letter | Refusal]


def recipients_of(unit: Unit) -> tuple[str, ...]:
    """The unit's addresses from units.yaml (several may be separated by “,” or “;”)."""
    return tuple(a.strip() for a in re.split(r"[,;]", unit.email) if a.strip())


def invalid_address(address: str) -> str:
    """Why a unit gets no mail when an address of its ``email`` is not one (Vietnamese, for the clerk)."""
    return (
        f"địa chỉ thư điện tử “{excerpt(address)}” không hợp lệ: hãy sửa khóa “email” của đơn vị trong "
        "config/units.yaml, chỉ ghi địa chỉ dạng ten@mien.vn (nhiều địa chỉ thì ngăn bằng dấu “;”)"
    )


def fill(text: str, values: Mapping[str, object]) -> str:
    """A template of config/mail.yaml with its placeholders filled, in Unicode NFC."""
    return unicodedata.normalize("NFC", text.format_map(values))


def _values(
    unit: Unit, year: int, config: Config, expected: str = "", findings_count: int = 0, today: dt.date | None = None
) -> dict[str, object]:
    """What the placeholders of config/mail.yaml stand for; ``{resubmit_when}`` is “trước ngày …” only
    while the calendar's resubmission day is after ``today`` (the day the letter is composed)."""
    resubmit_by = config.year(year).resubmit_by
    return {
        "unit_name": unit.name,
        "unit_code": unit.code,
        "year": year,
        "deadline": short_date(config.year(year).deadline),
        "resubmit_by": short_date(resubmit_by),
        "resubmit_when": by_day(resubmit_by, today or dt.date.today()),
        "findings_count": findings_count,
        "expected": expected,
        "sender_name": config.mail.sender_name,
    }


def letter(
    kind: str,
    unit: Unit,
    year: int,
    config: Config,
    attachment: tuple[bytes, Path] | None = None,
    expected: str = "",
    findings_count: int = 0,
    today: dt.date | None = None,
) -> Letter | Refusal:
    """The letter of ``kind`` to ``unit``, filled from config/mail.yaml as of ``today`` (default: the
    system's date); a unit without a valid address gets none. ``kind`` may be :data:`FEEDBACK_ACCEPTED`,
    whose letter is filed with the feedback."""
    recipients = recipients_of(unit)
    if not recipients:
        return Refusal(unit, "chưa có địa chỉ thư điện tử (khóa “email” trong config/units.yaml)")
    invalid = next((a for a in recipients if not is_address(a)), None)
    if invalid is not None:
        return Refusal(unit, invalid_address(invalid))
    template: MailTemplate = config.mail.templates[kind]
    values = _values(unit, year, config, expected, findings_count, today)
    attachments: tuple[Attachment, ...] = ()
    if attachment is not None:
        name = fill(template.attachment_name, values) if template.attachment_name else attachment[1].name
        attachments = (Attachment(name, attachment[0], attachment[1]),)
    return Letter(
        FEEDBACK if kind == FEEDBACK_ACCEPTED else kind,
        year,
        unit,
        recipients,
        fill(template.subject, values),
        fill(template.body, values),
        attachments,
    )


# --------------------------------------------------------------------------- who gets what


def plan_templates(config: Config, year: int, units: Sequence[Unit], templates: Mapping[str, Path]) -> Plan:
    """Each unit's template (``outbox/<year>/mau-bieu/<UNIT>.xlsx``, read by the caller into ``templates``)."""
    plan: Plan = []
    for unit in units:
        path = templates.get(unit.code)
        if path is None:
            plan.append(Refusal(unit, f"chưa có mẫu biểu: hãy chạy `dvk templates --year {year}` trước"))
            continue
        plan.append(letter(TEMPLATES, unit, year, config, (path.read_bytes(), path)))
    return plan


def expected_of(status: UnitStatus, submissions: Sequence[Submission], year: int) -> str:
    """What a unit still owes, one “- ” line each; empty when nothing."""
    lines = []
    if status.status == MISSING:
        lines.append(f"- tệp mẫu biểu báo cáo năm {year} đã điền (đơn vị chưa gửi tệp nào)")
    if status.status == REJECTED:
        errors = _latest_errors(status.unit.code, submissions)
        lines.append(
            f"- bản sửa của tệp “{status.file}”: tệp bị trả lại vì có {errors} lỗi "
            "(xem thư phản hồi và sheet “Kết quả kiểm tra” của tệp phản hồi)"
        )
    if status.below_minimum:
        lines.append(
            f"- bổ sung mô hình: đơn vị mới đăng ký {status.model_count} mô hình, "
            f"mức tối thiểu là {status.unit.min_models} mô hình"
        )
    return "\n".join(lines)


def _latest_errors(code: str, submissions: Sequence[Submission]) -> int:
    own = in_order_received(s for s in submissions if s.unit_code == code)
    return sum(1 for f in own[-1].findings if f.severity == ERROR) if own else 0


def plan_reminders(
    config: Config, year: int, units: Sequence[Unit], data: Consolidation, submissions: Sequence[Submission]
) -> Plan:
    """Units that have not sent, whose file was rejected, or that are short of models: what each still owes.

    A unit whose file was accepted late owes nothing more and gets no reminder."""
    wanted = {u.code for u in units}
    plan: Plan = []
    for status in data.units:
        expected = expected_of(status, submissions, year)
        if status.unit.code in wanted and expected:
            plan.append(letter(REMINDERS, status.unit, year, config, expected=expected))
    return plan


def plan_feedback(
    config: Config,
    year: int,
    units: Sequence[Unit],
    latest: Mapping[str, Submission],
    feedback_files: Mapping[str, Path],
    today: dt.date | None = None,
) -> Plan:
    """Units whose latest file has findings, each with its annotated copy (``phan-hoi/<UNIT>.xlsx``).

    A rejected file gets the ``feedback`` letter, which asks for a corrected file (by the calendar's
    day while it is after ``today``); a file accepted with warnings gets the ``feedback_accepted``
    note, which asks for nothing."""
    plan: Plan = []
    for unit in units:
        submission = latest.get(unit.code)
        if submission is None or not submission.findings:
            continue
        path = feedback_files.get(unit.code)
        if path is None:
            reason = (
                f"chưa có tệp phản hồi outbox/{year}/phan-hoi/{unit.code}.xlsx: hãy chạy "
                f"`dvk consolidate --year {year}` (tệp .xls, .ods không ghi chú được; hãy gửi danh sách lỗi)"
            )
            plan.append(Refusal(unit, reason))
            continue
        count = len(submission.findings)
        kind = FEEDBACK_ACCEPTED if submission.accepted else FEEDBACK
        attachment = (path.read_bytes(), path)
        plan.append(letter(kind, unit, year, config, attachment, findings_count=count, today=today))
    return plan


# --------------------------------------------------------------------------- MIME


def message_id(item: Letter, settings: MailSettings, sent_at: dt.datetime | None) -> str:
    """A Message-ID from the letter's content; a sent message adds its time and a random part, so that a
    resend (even within the same second) is a new message that mail services do not drop as a duplicate."""
    seed = item.content_sha256 + (f"{sent_at.isoformat()}/{uuid.uuid4().hex}" if sent_at else "")
    digest = hashlib.sha256(seed.encode()).hexdigest()[:24]
    domain = settings.sender_address.rsplit("@", 1)[-1]
    return f"<{digest}.{item.kind}.{item.year}.{item.unit.code}@{domain}>"


def compose(item: Letter, settings: MailSettings, sent_at: dt.datetime | None = None) -> EmailMessage:
    """The MIME message of ``item``; without ``sent_at`` a draft (no Date, ``X-Unsent: 1``)."""
    message = EmailMessage()
    message["From"] = Address(settings.sender_name, addr_spec=settings.sender_address)
    message["To"] = [Address(item.unit.name, addr_spec=a) for a in item.recipients]
    message["Subject"] = item.subject
    if sent_at is not None:
        message["Date"] = sent_at
    else:
        message["X-Unsent"] = "1"
    message["Message-ID"] = message_id(item, settings, sent_at)
    message.set_content(item.body, cte="quoted-printable")
    if item.attachments:
        message.make_mixed()
        for attachment in item.attachments:
            message.attach(attachment_part(attachment))
        message.set_boundary(f"=_dvk_{item.content_sha256[:32]}")
    return message


def attachment_part(attachment: Attachment) -> EmailMessage:
    """An attachment whose Vietnamese name survives Outlook (RFC 2047 ``name``) and Gmail (RFC 2231)."""
    part = EmailMessage()
    maintype, subtype = XLSX_TYPE if attachment.name.lower().endswith(".xlsx") else ("application", "octet-stream")
    # Folded after the colon: the spreadsheet type alone nearly fills a 78-character line.
    part.set_raw("Content-Type", f'\r\n {maintype}/{subtype};\r\n name="{encoded_words(attachment.name)}"')
    part.set_raw("Content-Transfer-Encoding", "base64")
    part.set_raw("Content-Disposition", f"attachment;\r\n {rfc2231_filename(attachment.name)}")
    part.set_payload(base64.encodebytes(attachment.data).decode("ascii").replace("\n", "\r\n"))
    return part


def encoded_words(text: str) -> str:
    """RFC 2047 encoded words of ``text`` (ASCII text stays as it is), folded between words."""
    if text.isascii():
        return text.replace('"', "'")
    return Header(text, "utf-8").encode(maxlinelen=68).replace("\n", "\r\n")


def rfc2231_filename(name: str) -> str:
    """``filename*0*=utf-8''…; filename*1*=…``: continuations cut between characters, never inside one."""
    chunks: list[str] = [""]
    for char in name:
        quoted = urllib.parse.quote(char, safe="")
        if len(chunks[-1]) + len(quoted) > _RFC2231_CHUNK:
            chunks.append("")
        chunks[-1] += quoted
    charset = "utf-8''"
    parts = [f"filename*{i}*={charset if i == 0 else ''}{chunk}" for i, chunk in enumerate(chunks)]
    return ";\r\n ".join(parts)


def message_bytes(message: EmailMessage) -> bytes:
    """The message as sent or saved: CRLF lines, ASCII only (no SMTPUTF8 needed)."""
    return message.as_bytes(policy=WIRE_POLICY)


def draft_path(root: Path, year: int, kind: str, unit_code: str) -> Path:
    """``outbox/<year>/thu/<folder of kind>/<UNIT>.eml``."""
    return WorkspacePaths(root).year_folder(year) / MAIL_FOLDER / KIND_FOLDERS[kind] / f"{unit_code}.eml"
