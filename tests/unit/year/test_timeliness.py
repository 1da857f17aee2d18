"""Timeliness: the year's calendar rules (holidays, working days, deadline shift, exemptions,
resubmissions) and the units' dates decide who is expected and who is on time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import (
    COUNTS_AS_LATE,
    KEEPS_ORIGINAL_DATE,
    NEXT_WORKING_DAY,
    WORKING_DAYS,
    Config,
    Exemption,
    YearCalendar,
)
from pipeline.intake.receive import receive
from pipeline.intake.validate import Submission, validate
from pipeline.year.consolidate import EXEMPT, LATE, MISSING, ON_TIME, Consolidation, UnitStatus, consolidate
from pipeline.year.stats import statistics
from tests.support.builder import activity_answers, scored_models, write_file

YEAR = 2026
FRIDAY, SATURDAY, SUNDAY = dt.date(2026, 11, 20), dt.date(2026, 11, 21), dt.date(2026, 11, 29)
HOLIDAY_MONDAY = dt.date(2026, 11, 23)  # a day off declared for the test
SCORES = {"cu_the": 9, "lanh_dao": 9, "luc_luong": 18, "ket_qua": 25, "dong_thuan": 13, "ben_vung": 13}
MERGING = "Chi bộ đang sáp nhập vào Chi bộ khu phố Kim Châu"


# --------------------------------------------------------------------------- helpers


def _answers(config: Config, *model_names: str) -> dict[str, Any]:
    models = scored_models(YEAR, *model_names, scores=SCORES)
    return {
        "unit": {"preparer": "Nguyễn Thị Lan", "report_date": dt.date(YEAR, 11, 10)},
        "models": models,
        "activities": activity_answers(config),
    }


def _submission(
    tmp_path: Path, config: Config, fill: Callable[..., bytes], code: str, received: dt.date, *models: str
) -> Submission:
    """``code``'s template filled with ``models``, received on ``received`` as ``<code>-<MMDD>.xlsx``, validated."""
    name = f"{code.lower()}-{received:%m%d}.xlsx"
    path = write_file(
        tmp_path / name, fill(code, _answers(config, *models)), dt.datetime.combine(received, dt.time(9, 30))
    )
    submission = validate(receive(path, name), config, YEAR)
    assert submission.accepted and submission.unit_code == code, submission.findings
    return submission


def _with_year(config: Config, **rules: Any) -> Config:
    """``config`` with the calendar of YEAR changed by ``rules``."""
    year = dataclasses.replace(config.year(YEAR), **rules)
    return dataclasses.replace(config, calendar={**config.calendar, YEAR: year})


def _with_unit(config: Config, code: str, **dates: dt.date) -> Config:
    """``config`` with the unit ``code`` given ``valid_from`` / ``valid_to``."""
    units = tuple(dataclasses.replace(u, **dates) if u.code == code else u for u in config.units.units)
    return dataclasses.replace(config, units=dataclasses.replace(config.units, units=units))


def _unit(data: Consolidation, code: str) -> UnitStatus:
    return next(u for u in data.units if u.unit.code == code)


def _calendar(deadline: dt.date, **rules: Any) -> YearCalendar:
    return YearCalendar(YEAR, deadline, dt.date(YEAR, 12, 5), **rules)


# --------------------------------------------------------------------------- day counting


@pytest.mark.parametrize(
    ("calendar", "received", "days"),
    [
        pytest.param(_calendar(SUNDAY), SUNDAY, 0, id="on-the-deadline"),
        pytest.param(_calendar(SUNDAY), dt.date(2026, 11, 30), 1, id="no-shift-monday-is-late"),
        pytest.param(_calendar(SUNDAY, deadline_shift=NEXT_WORKING_DAY), dt.date(2026, 11, 30), 0, id="shifted-monday"),
        pytest.param(_calendar(SUNDAY, deadline_shift=NEXT_WORKING_DAY), dt.date(2026, 12, 1), 1, id="shifted-tuesday"),
        pytest.param(_calendar(FRIDAY, holidays=frozenset({HOLIDAY_MONDAY})), dt.date(2026, 11, 25), 5, id="calendar"),
        pytest.param(
            _calendar(FRIDAY, holidays=frozenset({HOLIDAY_MONDAY}), late_counting=WORKING_DAYS),
            dt.date(2026, 11, 25),
            2,
            id="working-days-skip-weekend-and-holiday",
        ),
        pytest.param(
            _calendar(FRIDAY, holidays=frozenset({HOLIDAY_MONDAY}), late_counting=WORKING_DAYS),
            SATURDAY,
            1,
            id="working-days-saturday-counts-as-next-working-day",
        ),
        pytest.param(_calendar(FRIDAY, late_counting=WORKING_DAYS), FRIDAY, 0, id="working-days-on-the-deadline"),
    ],
)
def test_days_late(calendar: YearCalendar, received: dt.date, days: int) -> None:
    assert calendar.days_late(received) == days


def test_a_deadline_at_the_start_of_tet_moves_past_it(config: Config) -> None:
    shipped = config.year(YEAR)
    calendar = dataclasses.replace(shipped, units_deadline=dt.date(2026, 2, 14), deadline_shift=NEXT_WORKING_DAY)
    assert calendar.deadline == dt.date(2026, 2, 23)  # Tết 14-22/02/2026, then a Monday
    assert dataclasses.replace(calendar, deadline_shift="none").deadline == dt.date(2026, 2, 14)
    assert not shipped.is_working_day(dt.date(2026, 9, 1)) and shipped.is_working_day(dt.date(2026, 9, 3))


def test_a_deadline_on_a_sunday_is_shifted_to_monday(tmp_path: Path, config: Config, filled_workbook: Any) -> None:
    config = _with_year(config, units_deadline=SUNDAY, deadline_shift=NEXT_WORKING_DAY)
    monday = _submission(tmp_path, config, filled_workbook, "KP-BD01", dt.date(2026, 11, 30), "Đèn đường")
    tuesday = _submission(tmp_path, config, filled_workbook, "KP-BD02", dt.date(2026, 12, 1), "Ngõ xóm sạch")
    data = consolidate([monday, tuesday], config, YEAR)
    assert (_unit(data, "KP-BD01").status, _unit(data, "KP-BD01").label) == (ON_TIME, "Đúng hạn")
    assert (_unit(data, "KP-BD02").status, _unit(data, "KP-BD02").label) == (LATE, "Trễ hạn 1 ngày")
    unshifted = consolidate([monday, tuesday], _with_year(config, deadline_shift="none"), YEAR)
    assert [_unit(unshifted, c).label for c in ("KP-BD01", "KP-BD02")] == ["Trễ hạn 1 ngày", "Trễ hạn 2 ngày"]


@pytest.mark.parametrize(
    ("counting", "days", "label"),
    [
        pytest.param("calendar-days", 5, "Trễ hạn 5 ngày", id="calendar-days"),
        pytest.param(WORKING_DAYS, 2, "Trễ hạn 2 ngày làm việc", id="working-days"),
    ],
)
def test_working_days_late_skip_a_weekend_and_a_holiday(
    tmp_path: Path, config: Config, filled_workbook: Any, counting: str, days: int, label: str
) -> None:
    config = _with_year(config, units_deadline=FRIDAY, holidays=frozenset({HOLIDAY_MONDAY}), late_counting=counting)
    sub = _submission(tmp_path, config, filled_workbook, "MTTQ", dt.date(2026, 11, 25), "Tổ tự quản")
    status = _unit(consolidate([sub], config, YEAR), "MTTQ")
    assert (status.status, status.days_late, status.label) == (LATE, days, label)


# --------------------------------------------------------------------------- exemptions


def test_an_exempt_unit_is_listed_but_neither_missing_nor_late(
    tmp_path: Path, config: Config, filled_workbook: Any
) -> None:
    config = _with_year(config, exempt=(Exemption("KP-BD03", MERGING),))
    sub = _submission(tmp_path, config, filled_workbook, "KP-BD01", dt.date(2026, 11, 20), "Đèn đường")
    data = consolidate([sub], config, YEAR)
    exempt = _unit(data, "KP-BD03")
    assert (exempt.status, exempt.label, exempt.days_late) == (EXEMPT, f"Miễn báo cáo: {MERGING}", 0)
    assert not exempt.below_minimum
    stats = statistics(data, config)
    figures = {k: stats.figures[k] for k in ("units_expected", "units_exempt", "units_missing", "units_on_time")}
    assert figures == {"units_expected": 38, "units_exempt": 1, "units_missing": 37, "units_on_time": 1}
    units = stats.table("units")
    assert units.columns[-1] == "Miễn báo cáo"
    assert units.total == ("Tổng cộng", 39, 1, 0, 0, 37, 1)


def test_an_exempt_unit_that_reports_anyway_is_consolidated_and_stays_exempt(
    tmp_path: Path, config: Config, filled_workbook: Any
) -> None:
    config = _with_year(config, exempt=(Exemption("HND", "Đang kiện toàn tổ chức"),))
    late = _submission(tmp_path, config, filled_workbook, "HND", dt.date(2026, 12, 2), "Cánh đồng mẫu lớn")
    data = consolidate([late], config, YEAR)
    status = _unit(data, "HND")
    assert (status.status, status.days_late, status.file) == (EXEMPT, 0, "hnd-1202.xlsx")
    assert [m.values["name"] for m in data.models] == ["Cánh đồng mẫu lớn"]


# --------------------------------------------------------------------------- resubmissions


@pytest.mark.parametrize(
    ("policy", "status", "days", "received"),
    [
        pytest.param(KEEPS_ORIGINAL_DATE, ON_TIME, 0, dt.date(2026, 11, 20), id="keeps-original-date"),
        pytest.param(COUNTS_AS_LATE, LATE, 3, dt.date(2026, 11, 28), id="counts-as-late"),
    ],
)
def test_a_correction_after_the_deadline(
    tmp_path: Path, config: Config, filled_workbook: Any, policy: str, status: str, days: int, received: dt.date
) -> None:
    config = _with_year(config, resubmission_after_deadline=policy)
    first = _submission(tmp_path, config, filled_workbook, "KP-BD01", dt.date(2026, 11, 20), "Đèn đường")
    fixed = _submission(tmp_path, config, filled_workbook, "KP-BD01", dt.date(2026, 11, 28), "Đèn đường", "Ngõ sạch")
    data = consolidate([fixed, first], config, YEAR)
    unit = _unit(data, "KP-BD01")
    assert (unit.status, unit.days_late, unit.received) == (status, days, received)
    assert (unit.file, unit.model_count) == ("kp-bd01-1128.xlsx", 2)  # the figures come from the correction
    assert [(f.code, f.file) for f in data.findings] == [("duplicate-submission", "kp-bd01-1120.xlsx")]


# --------------------------------------------------------------------------- units' dates


@pytest.mark.parametrize(
    ("dates", "period"),
    [
        pytest.param(
            {"valid_to": dt.date(2026, 6, 30)},
            "đơn vị chỉ hoạt động đến ngày 30/06/2026, trước hạn nộp 25/11/2026",
            id="dissolved-before-the-year",
        ),
        pytest.param(
            {"valid_from": dt.date(2026, 12, 1)},
            "đơn vị hoạt động từ ngày 01/12/2026, sau hạn nộp 25/11/2026",
            id="created-after-the-deadline",
        ),
    ],
)
def test_a_unit_that_does_not_exist_on_the_deadline_is_not_expected(
    tmp_path: Path, config: Config, filled_workbook: Any, dates: dict[str, dt.date], period: str
) -> None:
    config = _with_unit(config, "KP-BD10", **dates)
    path = tmp_path / "kp-bd10-1120.xlsx"
    path.write_bytes(filled_workbook("KP-BD10", _answers(config, "Vườn hoa")))
    gone = validate(receive(path, path.name), config, YEAR)
    kept = _submission(tmp_path, config, filled_workbook, "KP-BD01", dt.date(2026, 11, 20), "Đèn đường")
    assert [(f.code, f.severity, f.file) for f in gone.findings] == [("unit-not-active", "error", "kp-bd10-1120.xlsx")]
    assert gone.findings[0].message == (
        f"Đơn vị KP-BD10 (Chi bộ khu phố Kim Định) không thuộc danh sách đơn vị báo cáo năm 2026: {period}. "
        "Tệp không được đưa vào tổng hợp."
    )
    data = consolidate([gone, kept], config, YEAR)
    assert len(data.units) == 38 and "KP-BD10" not in {u.unit.code for u in data.units}
    assert (gone.accepted, kept.accepted) == (False, True)
    assert [m.values["name"] for m in data.models] == ["Đèn đường"]
    assert set(data.activities) == {"KP-BD01"}
    assert statistics(data, config).figures["units_expected"] == 38


def test_a_unit_created_before_the_deadline_is_expected(config: Config) -> None:
    config = _with_unit(config, "KP-BD10", valid_from=dt.date(2026, 7, 1))
    data = consolidate([], config, YEAR)
    assert (len(data.units), _unit(data, "KP-BD10").status, data.findings) == (39, MISSING, ())
