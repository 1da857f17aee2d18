"""A message's Date, and whether to believe it as the received-at of its attachments.

Contract: :func:`message_date` reads the Date header in the ward's time (``None`` when absent or
unreadable). :func:`date_doubt` says, in Vietnamese, why a Date is not believed: it cannot be read,
it is before the year's templates were issued (``calendar.yaml``: ``templates_issued``, by default
1 January of the year), or it is later than the run that reads the message (beyond
:data:`CLOCK_SLACK`, for a sender's clock running a little fast). A message whose Date is doubted
is received at its first sighting, as a file dropped into the inbox is. (The saved file's
modification time is no test of the Date: a copied file may keep an older one.)
"""

from __future__ import annotations

import datetime as dt
import email.utils
import unicodedata
from email.message import Message

from ..config import MailSettings

CLOCK_SLACK = dt.timedelta(hours=1)
_SHOWN = 60  # characters of a Date header shown in a finding


def message_date(message: Message, settings: MailSettings) -> dt.datetime | None:
    """The Date header in the ward's time (naive, to the second); None when absent or unreadable."""
    raw = _raw_date(message)
    if raw is None:
        return None
    ward = dt.timezone(dt.timedelta(hours=settings.utc_offset_hours))
    try:
        moment = email.utils.parsedate_to_datetime(str(raw))
        if moment.tzinfo is None:  # "-0000": the time is UTC, where the message came from is unknown
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(ward).replace(tzinfo=None, microsecond=0)
    except (TypeError, ValueError, IndexError, OverflowError):  # year 0, day 32, beyond year 9999
        return None


def date_text(message: Message) -> str:
    """The Date header as written, on one line and shortened, for a finding ("" when absent)."""
    raw = (_raw_date(message) or "").encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # 8-bit as sent
    text = unicodedata.normalize("NFC", " ".join(raw.split()))
    text = "".join(c for c in text if c.isprintable())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _raw_date(message: Message) -> str | None:
    """The first Date header as written: the parsing policy's header object would show it
    rewritten (a year 0000 as 2000)."""
    return next((str(value) for name, value in message.raw_items() if name.lower() == "date"), None)


def date_doubt(header: str, stated: dt.datetime | None, issued: dt.date, now: dt.datetime) -> str:
    """Why the Date ``header`` (read as ``stated``) is not believed by a run at ``now``, in
    Vietnamese; "" when it is, or when the message has none."""
    if not header:
        return ""
    if stated is None:
        return "không đọc được thành ngày giờ"
    if stated.date() < issued:
        return f"trước ngày phát hành mẫu biểu của năm ({issued:%d/%m/%Y})"
    if stated > now + CLOCK_SLACK:
        return f"sau thời điểm công cụ đọc thư ({now:%d/%m/%Y %H:%M})"
    return ""
