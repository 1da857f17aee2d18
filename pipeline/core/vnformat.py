"""Vietnamese number and date formats for reports and workbooks (1.234.567; 12,5; ngày 05 tháng 12 năm 2026)."""

from __future__ import annotations

import datetime as dt


def number(value: float | int, decimals: int = 1) -> str:
    """``1234567`` -> ``1.234.567``; ``12.5`` -> ``12,5``; integral floats lose their decimals."""
    if isinstance(value, float) and not value.is_integer():
        whole, _, frac = f"{value:,.{decimals}f}".partition(".")
        frac = frac.rstrip("0")
        text = whole.replace(",", ".") + ("," + frac if frac else "")
        return text
    return f"{round(value):,}".replace(",", ".")


def long_date(day: dt.date) -> str:
    """``ngày 05 tháng 12 năm 2026`` (day and month with two digits, as in Party documents)."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def short_date(day: dt.date) -> str:
    """``05/12/2026``."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


AS_SOON_AS_POSSIBLE = "sớm nhất có thể"


def by_day(day: dt.date, today: dt.date) -> str:
    """“trước ngày 02/12/2026” while ``day`` is still ahead of ``today``; once it is today or past,
    “sớm nhất có thể”: a letter never asks for something by a day that has already gone."""
    return f"trước ngày {short_date(day)}" if day > today else AS_SOON_AS_POSSIBLE


def plain_date(day: dt.date) -> str:
    """``26/8/2025``: how a document's date is cited after its number ("Kế hoạch số … ngày 26/8/2025")."""
    return f"{day.day}/{day.month}/{day.year}"
