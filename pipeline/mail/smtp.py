"""Sending: composed messages -> the ward's SMTP server, one outcome per unit.

Contract: :func:`send_all` delivers each :class:`Delivery` over one connection (STARTTLS or SSL
with certificate checks, then login), at most ``messages_per_minute``. A temporary failure (a 4xx
reply, a dropped or refused connection, a timeout) is retried with a doubling wait; a permanent
refusal (5xx, e.g. an unknown recipient) fails that unit only and the others are still sent. When
the server cannot be reached or refuses the login even after the retries, every unit not yet sent
is reported with that reason. ``on_sent`` is called after each accepted message, before the next,
so a caller can record it at once. Nothing is raised for a delivery problem: it is an outcome.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from ..config import MailServer, MailSettings


@dataclass(frozen=True)
class Delivery:
    """One message to send: whose it is (``key``, the unit's code) and to whom."""

    key: str
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage


@dataclass(frozen=True)
class Outcome:
    key: str
    sent: bool
    detail: str = ""


class _Temporary(Exception):
    """Worth another try."""


class _Permanent(Exception):
    """This message will not go through; the next one may."""


class _Unreachable(Exception):
    """No message will go through (the server is down or refuses the login)."""


@dataclass
class Pace:
    """At most ``per_minute`` messages a minute; the clock and the sleep are the real ones by default."""

    per_minute: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: float | None = None

    def wait(self) -> None:
        if self._last is not None:
            remaining = self._last + 60.0 / self.per_minute - self.clock()
            if remaining > 0:
                self.sleep(remaining)
        self._last = self.clock()


def send_all(
    deliveries: Sequence[Delivery],
    settings: MailSettings,
    password: str,
    on_sent: Callable[[Delivery], None],
    pace: Pace | None = None,
) -> list[Outcome]:
    """Send every delivery; one outcome each, in order."""
    session = _Session(settings, password)
    pace = pace or Pace(settings.messages_per_minute)
    outcomes: list[Outcome] = []
    try:
        for delivery in deliveries:
            if session.unreachable:
                outcomes.append(Outcome(delivery.key, False, session.unreachable))
                continue
            pace.wait()
            outcome = session.deliver(delivery)
            if outcome.sent:
                on_sent(delivery)
            outcomes.append(outcome)
    finally:
        session.close()
    return outcomes


class _Session:
    """One connection, opened when first needed and again after it drops."""

    def __init__(self, settings: MailSettings, password: str) -> None:
        self.settings = settings
        self.password = password
        self.smtp: smtplib.SMTP | None = None
        self.unreachable = ""

    def deliver(self, delivery: Delivery) -> Outcome:
        """Send one message, retrying temporary failures with a doubling wait."""
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                self._send(delivery)
                return Outcome(delivery.key, True)
            except _Permanent as exc:
                return Outcome(delivery.key, False, str(exc))
            except _Unreachable as exc:
                self.unreachable = str(exc)
                return Outcome(delivery.key, False, self.unreachable)
            except _Temporary as exc:
                if attempt + 1 == attempts:
                    return self._gave_up(delivery, exc, attempts)
                time.sleep(self.settings.retry_wait_seconds * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    def _gave_up(self, delivery: Delivery, exc: Exception, attempts: int) -> Outcome:
        detail = f"{exc} (đã thử {attempts} lần)"
        if self.smtp is None:  # never connected: no other message will fare better
            self.unreachable = detail
        return Outcome(delivery.key, False, detail)

    def _send(self, delivery: Delivery) -> None:
        try:
            smtp = self.smtp or self._connect()
            smtp.send_message(delivery.message, delivery.sender, list(delivery.recipients))
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refused(exc) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise _Unreachable(
                f"máy chủ từ chối đăng nhập ({_reply(exc)}): kiểm tra tài khoản và mật khẩu ứng dụng"
            ) from None
        except smtplib.SMTPResponseException as exc:
            self._drop_if_closed(exc)
            if 400 <= exc.smtp_code < 500:
                raise _Temporary(f"máy chủ tạm thời chưa nhận thư ({_reply(exc)})") from None
            raise _Permanent(f"máy chủ không nhận thư ({_reply(exc)})") from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise _Temporary(_connection_problem(self.settings.server, exc)) from None
        except ValueError as exc:  # e.g. an address smtplib cannot encode: this message only
            raise _Permanent(f"không gửi được thư này ({type(exc).__name__}: {exc})") from None

    def _connect(self) -> smtplib.SMTP:
        server = self.settings.server
        self.smtp = _open(server)
        if server.user:
            _login(self.smtp, server.user, self.password)
        return self.smtp

    def _drop_if_closed(self, exc: smtplib.SMTPResponseException) -> None:
        if exc.smtp_code == 421:  # the server is closing the connection
            self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def _open(server: MailServer) -> smtplib.SMTP:
    """A connection to ``server``, encrypted as configured (certificates checked)."""
    context = ssl.create_default_context(cafile=server.ca_file or None)
    if server.security == "ssl":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout_seconds, context=context)
    smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout_seconds)
    if server.security == "starttls":
        smtp.starttls(context=context)
    return smtp


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a login or password with Vietnamese letters goes as UTF-8 AUTH PLAIN (RFC 4616), which
    smtplib's own login cannot send (it encodes as ASCII)."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _refused(exc: smtplib.SMTPRecipientsRefused) -> Exception:
    """Refused recipients: temporary when every refusal is a 4xx, else permanent."""
    codes = [code for code, _ in exc.recipients.values()]
    text = "; ".join(f"{address}: {code} {_text(message)}" for address, (code, message) in exc.recipients.items())
    if codes and all(400 <= c < 500 for c in codes):
        return _Temporary(f"máy chủ tạm thời chưa nhận người nhận ({text})")
    return _Permanent(f"máy chủ từ chối người nhận ({text})")


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"


def _text(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def _connection_problem(server: MailServer, exc: Exception) -> str:
    where = f"{server.host}:{server.port}"
    if isinstance(exc, ConnectionRefusedError):
        return f"không kết nối được máy chủ thư {where} (máy chủ từ chối kết nối)"
    if isinstance(exc, TimeoutError):
        return f"máy chủ thư {where} không trả lời (hết thời gian chờ)"
    if isinstance(exc, ssl.SSLError):
        return f"lỗi mã hóa khi kết nối {where} ({exc.reason or exc}): kiểm tra “security” và “port”"
    return f"lỗi kết nối máy chủ thư {where} ({type(exc).__name__}: {exc})"
