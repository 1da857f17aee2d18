"""config/calendar.yaml: each year's deadlines and lateness rules -> :class:`YearCalendar` by year.

Contract: every year has the units' and the upward deadlines; holidays belong to the year (or the
start of the next), ranges are short; exempt units are units of config/units.yaml, named once;
corrections are not due before the units' deadline. :func:`parse_calendar` raises
:class:`~pipeline.config.node.ConfigError` (file and key path) on the first fault.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .node import Node
from .units import Units

# The calendar's rules per year; the first value of each is the default.
LATE_COUNTINGS = ("calendar-days", "working-days")
DEADLINE_SHIFTS = ("none", "next-working-day")
RESUBMISSION_POLICIES = ("keeps-original-date", "counts-as-late")
CALENDAR_DAYS, WORKING_DAYS = LATE_COUNTINGS
NO_SHIFT, NEXT_WORKING_DAY = DEADLINE_SHIFTS
KEEPS_ORIGINAL_DATE, COUNTS_AS_LATE = RESUBMISSION_POLICIES
# The years a command can be run for (pipeline/cli/options.py: --year).
YEARS = (2000, 2100)
# Longest holiday range accepted: a longer one is almost surely a typo in a year.
MAX_HOLIDAY_RANGE_DAYS = 31


@dataclass(frozen=True)
class Exemption:
    """A unit excused from reporting one year, and why (shown in its status)."""

    unit: str
    reason: str


@dataclass(frozen=True)
class YearCalendar:
    """One year's deadlines and the rules that say whether a file came on time."""

    year: int
    units_deadline: dt.date
    upward_deadline: dt.date
    holidays: frozenset[dt.date] = frozenset()
    late_counting: str = CALENDAR_DAYS
    deadline_shift: str = NO_SHIFT
    exempt: tuple[Exemption, ...] = ()
    resubmission_after_deadline: str = KEEPS_ORIGINAL_DATE
    # The last day for corrected files after feedback (optional; default: the units' deadline in force).
    corrections_deadline: dt.date | None = None
    # The day the year's templates were issued (optional): a message dated before it is not believed.
    templates_issued: dt.date | None = None

    @property
    def issued_from(self) -> dt.date:
        """The earliest day a unit's file of this year can have been sent: ``templates_issued``,
        by default 1 January of the year."""
        return self.templates_issued or dt.date(self.year, 1, 1)

    @property
    def resubmit_by(self) -> dt.date:
        """The day by which a unit sends its corrected file back."""
        return self.corrections_deadline or self.deadline

    def is_working_day(self, day: dt.date) -> bool:
        """Monday to Friday and not a holiday of this year's list."""
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    @property
    def deadline(self) -> dt.date:
        """The units' deadline in force: ``units_deadline``, moved off a day off when so configured."""
        if self.deadline_shift == NEXT_WORKING_DAY:
            return self.next_working_day(self.units_deadline)
        return self.units_deadline

    def days_late(self, received: dt.date) -> int:
        """Days after the deadline in force; 0 when on time.

        Counting working days, a file received on a day off counts as received on the next working
        day: a file sent on the Saturday after a Friday deadline is 1 working day late, not 0."""
        deadline = self.deadline
        if received <= deadline:
            return 0
        if self.late_counting == CALENDAR_DAYS:
            return (received - deadline).days
        last = self.next_working_day(received)
        days = (deadline + dt.timedelta(days=n) for n in range(1, (last - deadline).days + 1))
        return sum(1 for day in days if self.is_working_day(day))

    def exemption(self, code: str) -> str | None:
        """Why the unit ``code`` is exempt this year, or None when it must report."""
        return next((e.reason for e in self.exempt if e.unit == code), None)


def parse_calendar(root: Node, units: Units) -> dict[int, YearCalendar]:
    years = root.mapping(("years",))["years"]
    calendar = {}
    for key, node in years.entries():
        if not key.isdigit() or not YEARS[0] <= int(key) <= YEARS[1]:
            raise node.fail(f"năm phải là một số từ {YEARS[0]} đến {YEARS[1]}, ví dụ 2026")
        calendar[int(key)] = _year(int(key), node, units)
    return calendar


def _year(year: int, node: Node, units: Units) -> YearCalendar:
    m = node.mapping(
        ("units_deadline", "upward_deadline"),
        (
            "holidays",
            "late_counting",
            "deadline_shift",
            "exempt",
            "resubmission_after_deadline",
            "corrections_deadline",
            "templates_issued",
        ),
    )
    corrections = m["corrections_deadline"].date() if "corrections_deadline" in m else None
    if corrections is not None and corrections < m["units_deadline"].date():
        raise m["corrections_deadline"].fail("hạn gửi lại tệp đã sửa không được trước hạn gửi báo cáo (units_deadline)")
    issued = m["templates_issued"].date() if "templates_issued" in m else None
    if issued is not None and issued > m["units_deadline"].date():
        raise m["templates_issued"].fail("ngày phát hành mẫu biểu không được sau hạn gửi báo cáo (units_deadline)")
    return YearCalendar(
        year,
        m["units_deadline"].date(),
        m["upward_deadline"].date(),
        holidays=_holidays(m["holidays"], year) if "holidays" in m else frozenset(),
        late_counting=_choice(m, "late_counting", LATE_COUNTINGS),
        deadline_shift=_choice(m, "deadline_shift", DEADLINE_SHIFTS),
        exempt=_exemptions(m["exempt"], units) if "exempt" in m else (),
        resubmission_after_deadline=_choice(m, "resubmission_after_deadline", RESUBMISSION_POLICIES),
        corrections_deadline=corrections,
        templates_issued=issued,
    )


def _choice(m: dict[str, Node], key: str, allowed: tuple[str, ...]) -> str:
    """An optional setting among ``allowed``; the first is the default."""
    return m[key].one_of(allowed) if key in m else allowed[0]


def _holidays(node: Node, year: int) -> frozenset[dt.date]:
    """Dates and ``{from, to}`` ranges (both ends included) of ``year`` or early ``year + 1``."""
    days: set[dt.date] = set()
    for item in node.items(allow_empty=True):
        first, last = _holiday_range(item) if isinstance(item.value, dict) else (item.date(),) * 2
        if first.year not in (year, year + 1) or last.year not in (year, year + 1):
            raise item.fail(f"ngày nghỉ phải thuộc năm {year} (hoặc đầu năm {year + 1}); hãy kiểm tra lại năm")
        days.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset(days)


def _holiday_range(node: Node) -> tuple[dt.date, dt.date]:
    m = node.mapping(("from", "to"))
    first, last = m["from"].date(), m["to"].date()
    if last < first:
        raise m["to"].fail(f"ngày {last.isoformat()} đứng trước “from” ({first.isoformat()})")
    if (last - first).days >= MAX_HOLIDAY_RANGE_DAYS:
        raise node.fail(f"một đợt nghỉ dài quá {MAX_HOLIDAY_RANGE_DAYS} ngày; hãy kiểm tra lại “from” và “to”")
    return first, last


def _exemptions(node: Node, units: Units) -> tuple[Exemption, ...]:
    """Exempt units of a year: each a unit of config/units.yaml, named once, with a reason."""
    exempt: list[Exemption] = []
    for item in node.items(allow_empty=True):
        m = item.mapping(("unit", "reason"))
        code = m["unit"].text()
        if units.get(code) is None:
            raise m["unit"].fail(f"mã đơn vị “{code}” không có trong danh sách đơn vị của config/units.yaml")
        if any(e.unit == code for e in exempt):
            raise m["unit"].fail(f"đơn vị “{code}” được ghi miễn báo cáo hai lần")
        exempt.append(Exemption(code, m["reason"].text()))
    return tuple(exempt)
