"""The ``dvk mail`` job: the year's state -> one letter per unit -> drafts, or messages sent and recorded.

Contract: :func:`run_mail` plans the letters of one kind (:mod:`pipeline.mail.compose`), then either lists them
(``dry_run``: nothing written, nothing contacted), writes them as drafts
(``outbox/<year>/thu/<kind>/<UNIT>.eml``, atomically, byte-identical on a re-run), or sends them
through the configured server (:mod:`pipeline.mail.smtp`). Each message the server accepts is recorded at
once in the register (``mail_sent``) and beside the archive (``outbox/luu-tru/thu-da-gui/``, so a
rebuild keeps it); the same letter (kind, unit, attachments) is not sent twice in a year unless
``force``. Every unit gets one :class:`MailOutcome`; nothing a single unit does stops the others.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import Config, Unit
from ..core.errors import DvkError
from ..core.ooxml import atomic_write
from ..core.paths import WorkspacePaths
from ..mail.compose import (
    FEEDBACK,
    REMINDERS,
    TEMPLATES,
    Letter,
    Plan,
    Refusal,
    compose,
    draft_path,
    message_bytes,
    plan_feedback,
    plan_reminders,
    plan_templates,
)
from ..mail.smtp import Delivery, Outcome, send_all
from ..register import Register, open_register, read_mail_sent, write_mail_sent_record

DRAFTED, SENT, ALREADY_SENT, WOULD_SEND, WOULD_DRAFT, FAILED = (
    "drafted",
    "sent",
    "already-sent",
    "would-send",
    "would-draft",
    "failed",
)


@dataclass(frozen=True)
class MailOutcome:
    """What happened to one unit's letter: ``status`` (one of the constants above) and a detail."""

    unit: Unit
    recipients: tuple[str, ...]
    status: str
    detail: str = ""
    subject: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAILED


class UnknownUnits(DvkError, LookupError):
    """``--unit`` names a code that is not one of the year's reporting units."""


class MailPasswordMissing(DvkError):
    """``--send`` with a login configured but the password's environment variable not set."""

    def __init__(self, variable: str) -> None:
        super().__init__(variable)
        self.variable = variable

    def user_message(self) -> str:
        return (
            f"Chưa có mật khẩu thư: hãy đặt biến môi trường {self.variable} trước khi gửi "
            f"(Windows: set \"{self.variable}=mật khẩu ứng dụng\"; Linux: export {self.variable}='mật khẩu ứng dụng')."
        )


def run_mail(
    root: Path,
    config: Config,
    year: int,
    kind: str,
    unit_codes: Sequence[str] = (),
    *,
    send: bool = False,
    dry_run: bool = False,
    force: bool = False,
    now: dt.datetime | None = None,
) -> list[MailOutcome]:
    """``dvk mail <kind>``: plan, then list, draft or send; one outcome per unit, in units.yaml order.
    ``now`` (default: the ward's clock) is when the letters are composed and sent."""
    now = now or dt.datetime.now(dt.timezone(dt.timedelta(hours=config.mail.utc_offset_hours)))
    plan = mail_plan(root, config, year, kind, unit_codes, now.date())
    outcomes = [MailOutcome(p.unit, (), FAILED, p.reason) for p in plan if isinstance(p, Refusal)]
    letters = [p for p in plan if isinstance(p, Letter)]
    if dry_run:
        status = WOULD_SEND if send else WOULD_DRAFT
        outcomes += [_outcome(item, status, _attachment_names(item)) for item in letters]
    elif send:
        outcomes += _send(root, config, letters, force, now)
    else:
        outcomes += [_draft(root, config, item) for item in letters]
    order = {u.code: i for i, u in enumerate(config.units.units)}
    return sorted(outcomes, key=lambda o: order[o.unit.code])


def _outcome(item: Letter, status: str, detail: str = "") -> MailOutcome:
    return MailOutcome(item.unit, item.recipients, status, detail, item.subject)


def _attachment_names(item: Letter) -> str:
    return "; ".join(f"kèm “{a.name}”" for a in item.attachments)


# --------------------------------------------------------------------------- planning


def mail_plan(
    root: Path, config: Config, year: int, kind: str, unit_codes: Sequence[str] = (), today: dt.date | None = None
) -> Plan:
    """The letters of ``kind`` for ``year`` as of ``today`` (or why a unit gets none), from the outbox
    and the register."""
    units = _units(config, year, unit_codes)
    folder = WorkspacePaths(root).year_folder(year)
    if kind == TEMPLATES:
        exempt = {u.code for u in units if config.year(year).exemption(u.code) is not None}
        units = [u for u in units if u.code not in exempt]
        return plan_templates(config, year, units, _existing(folder / "mau-bieu", units))
    from .cycle import latest_per_unit, year_status

    submissions, data = year_status(root, config, year)
    if kind == REMINDERS:
        return plan_reminders(config, year, units, data, submissions)
    if kind == FEEDBACK:
        latest = {s.unit_code: s for s in latest_per_unit(submissions)}
        return plan_feedback(config, year, units, latest, _existing(folder / "phan-hoi", units), today)
    raise ValueError(f"unknown mail kind {kind!r}")


def _units(config: Config, year: int, codes: Sequence[str]) -> list[Unit]:
    """The units expected in ``year``, or the ones asked for by code (each must be one of them)."""
    expected = list(config.units.active_on(config.year(year).units_deadline))
    if not codes:
        return expected
    known = {u.code: u for u in expected}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise UnknownUnits(
            f"Không có đơn vị {', '.join(unknown)} trong các đơn vị báo cáo năm {year} (config/units.yaml); "
            "hãy ghi đúng mã đơn vị, ví dụ --unit KP-BD01."
        )
    return [u for u in expected if u.code in set(codes)]


def _existing(folder: Path, units: Sequence[Unit]) -> dict[str, Path]:
    return {u.code: folder / f"{u.code}.xlsx" for u in units if (folder / f"{u.code}.xlsx").is_file()}


# --------------------------------------------------------------------------- drafts


def _draft(root: Path, config: Config, item: Letter) -> MailOutcome:
    path = draft_path(root, item.year, item.kind, item.unit.code)
    atomic_write(path, message_bytes(compose(item, config.mail)))
    return _outcome(item, DRAFTED, path.relative_to(root).as_posix())


# --------------------------------------------------------------------------- sending


def mail_password(config: Config) -> str:
    """The password from the environment variable named in config/mail.yaml ("" when no login)."""
    server = config.mail.server
    if not server.user:
        return ""
    password = os.environ.get(server.password_env, "")
    if not password:
        raise MailPasswordMissing(server.password_env)
    return password


def _send(root: Path, config: Config, letters: list[Letter], force: bool, now: dt.datetime | None) -> list[MailOutcome]:
    password = mail_password(config)
    ward = dt.timezone(dt.timedelta(hours=config.mail.utc_offset_hours))
    sent_at = (now or dt.datetime.now(ward)).replace(microsecond=0)
    outcomes: list[MailOutcome] = []
    with open_register(root, sent_at.replace(tzinfo=None)) as register:
        pending: dict[str, tuple[Letter, Delivery]] = {}
        for item in letters:
            when = (
                None
                if force
                else register.mail_already_sent(item.year, item.kind, item.unit.code, item.attachments_sha256)
            )
            if when:
                outcomes.append(_outcome(item, ALREADY_SENT, f"đã gửi lúc {when}; thêm --force để gửi lại"))
                continue
            message = compose(item, config.mail, sent_at)
            delivery = Delivery(item.unit.code, config.mail.sender_address, item.recipients, message)
            pending[item.unit.code] = (item, delivery)
        recorder = _Recorder(root, register, pending, sent_at)
        results = send_all([d for _, d in pending.values()], config.mail, password, recorder)
        outcomes += [_result(pending[r.key][0], r) for r in results]
    return outcomes


def _result(item: Letter, outcome: Outcome) -> MailOutcome:
    return _outcome(item, SENT if outcome.sent else FAILED, outcome.detail)


class _Recorder:
    """Records each message the server accepted, committed at once (a crash later does not resend it)."""

    def __init__(
        self, root: Path, register: Register, pending: dict[str, tuple[Letter, Delivery]], sent_at: dt.datetime
    ) -> None:
        self.root = root
        self.register = register
        self.pending = pending
        self.sent_at = sent_at

    def __call__(self, delivery: Delivery) -> None:
        item = self.pending[delivery.key][0]
        record = {
            "year": item.year,
            "kind": item.kind,
            "unit": item.unit.code,
            "recipient": ", ".join(item.recipients),
            "attachments_sha256": item.attachments_sha256,
            "message_id": str(delivery.message["Message-ID"]),
            "sent_at": self.sent_at.isoformat(sep=" "),
        }
        self.register.record_mail_sent(record)
        write_mail_sent_record(self.root, record)
        self.register.commit_step()


def mails_sent_to(root: Path, unit: str, year: int | None = None) -> list[dict[str, object]]:
    """The messages sent to ``unit`` (of ``year`` when given), oldest first, as the sent-mail ledger
    beside the archive (``outbox/luu-tru/thu-da-gui/``) records them: year, kind, unit, recipient,
    attachments' digest, message id, when sent."""
    return [r for r in read_mail_sent(root) if r["unit"] == unit and (year is None or r["year"] == year)]
