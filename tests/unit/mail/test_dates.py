"""A message's Date, read in the ward's time, and the rule that says whether to believe it."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from email.message import EmailMessage

import pytest

from pipeline.config import MailSettings
from pipeline.mail.dates import CLOCK_SLACK, date_doubt, date_text, message_date

ISSUED = dt.date(2026, 1, 1)
NOW = dt.datetime(2026, 12, 11, 8, 0)
SETTINGS = MailSettings()


def _dated(header: str) -> EmailMessage:
    message = EmailMessage()
    message["Date"] = header
    return message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("Tue, 24 Nov 2026 16:30:00 +0700", dt.datetime(2026, 11, 24, 16, 30), id="ward-time"),
        pytest.param("Tue, 24 Nov 2026 16:30:00 -0000", dt.datetime(2026, 11, 24, 23, 30), id="utc-unknown-zone"),
        pytest.param("Mon, 01 Jan 1900 00:00:00 +0700", dt.datetime(1900, 1, 1), id="year-1900"),
        # Years below 100 are read as two-digit years (RFC 5322): 0000 is 2000, doubted as before 2026.
        pytest.param("Sat, 01 Jan 0000 00:00:00 +0700", dt.datetime(2000, 1, 1), id="year-0000"),
        pytest.param("Fri, 31 Dec 9999 23:00:00 -1200", None, id="after-year-9999-in-the-ward"),
        pytest.param("hôm qua", None, id="garbage"),
        pytest.param("32 Nov 2026 08:00 +0700", None, id="day-32"),
    ],
)
def test_the_date_header_in_the_ward_s_time_or_none(header: str, expected: dt.datetime | None) -> None:
    assert message_date(_dated(header), SETTINGS) == expected


@pytest.mark.parametrize(
    ("header", "stated", "doubt"),
    [
        pytest.param("", None, "", id="no-date-header"),
        pytest.param("x", dt.datetime(2026, 11, 24, 16, 30), "", id="believed"),
        pytest.param("x", dt.datetime(2026, 1, 1), "", id="on-the-day-of-issue"),
        pytest.param("x", NOW + CLOCK_SLACK, "", id="a-sender-clock-a-little-fast"),
        pytest.param("hôm qua", None, "không đọc được thành ngày giờ", id="unreadable"),
        pytest.param("x", dt.datetime(1900, 1, 1), "trước ngày phát hành mẫu biểu của năm (01/01/2026)", id="1900"),
        pytest.param("x", dt.datetime(2025, 12, 31, 23, 59), "trước ngày phát hành", id="the-day-before-issue"),
        pytest.param(
            "x",
            NOW + CLOCK_SLACK + dt.timedelta(seconds=1),
            "sau thời điểm công cụ đọc thư (11/12/2026 08:00)",
            id="future",
        ),
        pytest.param("x", dt.datetime(2027, 11, 24), "sau thời điểm công cụ đọc thư", id="next-year"),
    ],
)
def test_a_date_before_the_templates_or_in_the_future_is_doubted(
    header: str, stated: dt.datetime | None, doubt: str
) -> None:
    found = date_doubt(header, stated, ISSUED, NOW)
    assert (doubt in found) if doubt else found == ""
    assert bool(found) is bool(doubt)


def test_the_date_shown_is_one_short_printable_line() -> None:
    assert date_text(EmailMessage()) == ""
    folded = email.message_from_bytes(b"Date: Mon, 01 Jan 1900\n\t 00:00:00 +0700\n\n", policy=policy.default)
    assert date_text(folded) == "Mon, 01 Jan 1900 00:00:00 +0700"
    shown = date_text(_dated("x" * 200))
    assert len(shown) == 60 and shown.endswith("…")
