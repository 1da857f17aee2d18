"""config/mail.yaml: the outgoing server, the sender, the pace and the kinds of message -> :class:`MailSettings`.

Contract: the port, the password's variable name and the sender's address are well formed; numbers
are in range; every ``{placeholder}`` of a subject, body or attachment name is one of
:data:`MAIL_PLACEHOLDERS`. :func:`parse_mail` raises :class:`~pipeline.config.node.ConfigError`
(file and key path) on the first fault. The file is optional: without it the defaults below hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..core.mailaddress import is_address
from .node import Node, excerpt

MAIL_KINDS = ("templates", "reminders", "feedback")
# The feedback letter to a unit whose file was accepted with warnings: a note, not a demand.
# Optional in config/mail.yaml (the default below holds without it); drafted into the feedback folder.
FEEDBACK_ACCEPTED = "feedback_accepted"
# Retries wait retry_wait_seconds, then twice that, and so on: ten retries after ten minutes would
# hold the last units' mail for a week.
MAX_RETRIES = 10
MAX_RETRY_WAIT = 600
MAIL_SECURITIES = ("starttls", "ssl", "none")
# What a subject, a body or an attachment name may say: filled per unit by pipeline/mail/compose.py.
MAIL_PLACEHOLDERS = (
    "unit_name",
    "unit_code",
    "year",
    "deadline",
    "resubmit_by",
    "resubmit_when",
    "findings_count",
    "expected",
    "sender_name",
)


@dataclass(frozen=True)
class MailServer:
    """The ward's outgoing mail server; the password is read from the environment variable named here."""

    host: str = "smtp.gmail.com"
    port: int = 587
    security: str = "starttls"
    user: str = ""
    password_env: str = "DVK_MAIL_PASSWORD"
    ca_file: str = ""
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class MailTemplate:
    subject: str
    body: str
    attachment_name: str = ""


DEFAULT_MAIL_TEMPLATES = {
    "templates": MailTemplate(
        "Mẫu biểu “Dân vận khéo” năm {year} gửi {unit_name}",
        "Kính gửi {unit_name},\n\nBan Xây dựng Đảng gửi kèm mẫu biểu báo cáo Phong trào thi đua “Dân vận khéo” "
        "năm {year} của đơn vị (mã {unit_code}). Đề nghị đơn vị điền đầy đủ và gửi lại trước ngày {deadline}.\n\n"
        "Trân trọng.\n{sender_name}\n",
        "Mẫu biểu Dân vận khéo {year} - {unit_code}.xlsx",
    ),
    "reminders": MailTemplate(
        "Nhắc gửi báo cáo “Dân vận khéo” năm {year}: {unit_name}",
        "Kính gửi {unit_name},\n\nHạn gửi báo cáo Phong trào thi đua “Dân vận khéo” năm {year} là ngày {deadline}. "
        "Ban Xây dựng Đảng còn chờ đơn vị:\n{expected}\n\nTrân trọng.\n{sender_name}\n",
    ),
    "feedback": MailTemplate(
        "Kết quả kiểm tra báo cáo “Dân vận khéo” năm {year}: {unit_name}",
        "Kính gửi {unit_name},\n\nTệp báo cáo của đơn vị chưa được chấp nhận: có {findings_count} điểm cần "
        "xem lại, được đánh dấu trong tệp gửi kèm (sheet đầu “Kết quả kiểm tra”). Đề nghị đơn vị sửa ngay trên "
        "tệp này và gửi lại {resubmit_when}.\n\nTrân trọng.\n{sender_name}\n",
        "Phản hồi Dân vận khéo {year} - {unit_code}.xlsx",
    ),
    FEEDBACK_ACCEPTED: MailTemplate(
        "Kết quả kiểm tra báo cáo “Dân vận khéo” năm {year}: {unit_name}",
        "Kính gửi {unit_name},\n\nTệp báo cáo “Dân vận khéo” năm {year} của đơn vị đã được chấp nhận; "
        "đơn vị không phải gửi lại. Tệp gửi kèm (sheet đầu “Kết quả kiểm tra”) nêu {findings_count} điểm "
        "cảnh báo, đề nghị đơn vị lưu ý khi lập báo cáo lần sau.\n\nTrân trọng.\n{sender_name}\n",
        "Phản hồi Dân vận khéo {year} - {unit_code}.xlsx",
    ),
}


@dataclass(frozen=True)
class MailSettings:
    """config/mail.yaml: server, sender, sending pace, receiving limits and the three kinds of message."""

    server: MailServer = field(default_factory=MailServer)
    sender_address: str = "ban-xdd@example.invalid"
    sender_name: str = "Ban Xây dựng Đảng"
    messages_per_minute: float = 20.0
    retries: int = 3
    retry_wait_seconds: float = 10.0
    utc_offset_hours: float = 7.0
    max_attachment_mb: float = 20.0
    templates: Mapping[str, MailTemplate] = field(default_factory=lambda: dict(DEFAULT_MAIL_TEMPLATES))


def parse_mail(root: Node) -> MailSettings:
    """config/mail.yaml, read: every section checked; optional settings left out keep their default."""
    m = root.mapping(("server", "sender", "messages"), ("sending", "receiving"))
    sender = m["sender"].mapping(("address",), ("name",))
    sending = (
        m["sending"].mapping((), ("messages_per_minute", "retries", "retry_wait_seconds")) if "sending" in m else {}
    )
    receiving = m["receiving"].mapping((), ("utc_offset_hours", "max_attachment_mb")) if "receiving" in m else {}
    defaults = MailSettings()
    return MailSettings(
        server=_mail_server(m["server"]),
        sender_address=_address(sender["address"]),
        sender_name=sender["name"].line() if "name" in sender else defaults.sender_name,
        messages_per_minute=_positive(sending, "messages_per_minute", defaults.messages_per_minute),
        retries=sending["retries"].integer(least=0, most=MAX_RETRIES) if "retries" in sending else defaults.retries,
        retry_wait_seconds=_wait(sending, defaults.retry_wait_seconds),
        utc_offset_hours=_utc_offset(receiving, defaults.utc_offset_hours),
        max_attachment_mb=_positive(receiving, "max_attachment_mb", defaults.max_attachment_mb),
        templates=_mail_templates(m["messages"]),
    )


def _mail_server(node: Node) -> MailServer:
    m = node.mapping(("host", "port", "security"), ("user", "password_env", "ca_file", "timeout_seconds"))
    port = m["port"].integer()
    if not 0 < port < 65536:
        raise m["port"].fail(f"cổng {port} không hợp lệ (thường là 587 với starttls, 465 với ssl)")
    password_env = m["password_env"].text() if "password_env" in m else MailServer.password_env
    if not password_env.replace("_", "").isalnum() or not password_env.isascii():
        raise m["password_env"].fail("tên biến môi trường chỉ gồm chữ không dấu, số và “_”, ví dụ DVK_MAIL_PASSWORD")
    return MailServer(
        host=m["host"].text(),
        port=port,
        security=m["security"].one_of(MAIL_SECURITIES),
        user=m["user"].text(allow_empty=True) if "user" in m else "",
        password_env=password_env,
        ca_file=m["ca_file"].text(allow_empty=True) if "ca_file" in m else "",
        timeout_seconds=_positive(m, "timeout_seconds", MailServer.timeout_seconds),
    )


def _address(node: Node) -> str:
    text = node.text().strip()
    if not is_address(text):
        raise node.fail(f"“{excerpt(text)}” không phải một địa chỉ thư điện tử dạng ten@mien.vn")
    return text


def _positive(m: Mapping[str, Node], key: str, default: float) -> float:
    return m[key].number(above=0) if key in m else default


def _wait(m: Mapping[str, Node], default: float) -> float:
    """The first wait before a retry, in seconds; it doubles at each retry."""
    return m["retry_wait_seconds"].number(least=0, most=MAX_RETRY_WAIT) if "retry_wait_seconds" in m else default


def _utc_offset(m: Mapping[str, Node], default: float) -> float:
    if "utc_offset_hours" not in m:
        return default
    value = m["utc_offset_hours"].number()
    if not -12 <= value <= 14:
        raise m["utc_offset_hours"].fail("phải nằm trong khoảng -12 đến 14 (Việt Nam: 7)")
    return value


def _mail_templates(node: Node) -> dict[str, MailTemplate]:
    m = node.mapping(MAIL_KINDS, (FEEDBACK_ACCEPTED,))
    templates = {kind: _mail_template(node) for kind, node in m.items()}
    return {FEEDBACK_ACCEPTED: DEFAULT_MAIL_TEMPLATES[FEEDBACK_ACCEPTED], **templates}


def _mail_template(node: Node) -> MailTemplate:
    m = node.mapping(("subject", "body"), ("attachment_name",))
    for child in m.values():
        _check_placeholders(child)
    subject = m["subject"].text()
    if "\n" in subject.strip():
        raise m["subject"].fail("tiêu đề thư phải nằm trên một dòng")
    name = m["attachment_name"].text() if "attachment_name" in m else ""
    if any(c in name for c in '/\\:*?"<>|'):
        raise m["attachment_name"].fail('tên tệp đính kèm không được chứa các ký tự / \\ : * ? " < > |')
    return MailTemplate(" ".join(subject.split()), m["body"].text(), name)


def _check_placeholders(node: Node) -> None:
    """Every ``{name}`` in a subject, body or attachment name is one pipeline/mail/compose.py can fill."""
    import string

    try:
        names = [field_name for _, field_name, _, _ in string.Formatter().parse(node.text()) if field_name is not None]
    except ValueError as exc:
        raise node.fail(f"dấu ngoặc {{ }} không khớp ({exc}); muốn viết dấu ngoặc thì gõ {{{{ hoặc }}}}") from None
    unknown = sorted({n for n in names if n not in MAIL_PLACEHOLDERS})
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in MAIL_PLACEHOLDERS)
        raise node.fail(
            f"không có chỗ điền {', '.join('{' + n + '}' for n in unknown)}; các chỗ điền hợp lệ: {allowed}"
        )
