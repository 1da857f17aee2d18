"""A real SMTP server on loopback for the mail tests: aiosmtpd with STARTTLS (a certificate from a CA
made for the test by trustme) and AUTH; it keeps what it received and can refuse chosen recipients."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

LOGIN = "ban-xdd@dvk-binhdinh.example"
PASSWORD = "mật-khẩu ứng dụng 16"


@dataclass
class Received:
    """One message as the server got it: envelope, raw bytes and how the session was."""

    mail_from: str
    recipients: list[str]
    content: bytes
    authenticated: bool
    encrypted: bool


@dataclass
class Mailbox:
    """The handler: refuses ``refused`` recipients (550) and answers the first ``busy`` DATA with 451."""

    refused: set[str] = field(default_factory=set)
    busy: int = 0
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.busy:
            self.busy -= 1
            return "451 4.3.0 Try again later"
        content = envelope.original_content or b""
        sender = str(envelope.mail_from)
        encrypted = session.ssl is not None
        self.received.append(Received(sender, list(envelope.rcpt_tos), content, session.authenticated, encrypted))
        return "250 Message accepted for delivery"


def _authenticator(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == LOGIN.encode() and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoopbackServer:
    """``with LoopbackServer(folder) as server:``: the server runs on 127.0.0.1:``server.port``."""

    def __init__(self, folder: Path, mailbox: Mailbox | None = None) -> None:
        ca = trustme.CA()
        self.ca_file = folder / "test-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self.mailbox = mailbox or Mailbox()
        self.port = free_port()
        self.controller = Controller(
            self.mailbox,
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
            auth_required=True,
            authenticator=_authenticator,
        )

    def __enter__(self) -> LoopbackServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.mailbox.received
