"""The plan's activity figures: sums per unit, "Có" counted, what each report carries, last year's."""

from __future__ import annotations

import dataclasses
from typing import Any

from pipeline.config import Config
from pipeline.year.stats import statistics
from tests.support.builder import activity_answers, earlier_config, report_consolidation

EARLIER = "2026.1"


def _activities(config: Config) -> dict[str, dict[str, Any]]:
    """Three units: two on template 2026.2 (one issued its plan, one did not), one on 2026.1."""
    older = earlier_config(config, EARLIER)
    return {
        "KP-BD01": activity_answers(config, 1),
        "MTTQ": {**activity_answers(config, 2), "own_plan": False, "own_plan_number": None, "own_plan_date": None},
        "HLHPN": activity_answers(older, 10),
    }


def _figures(config: Config) -> dict[str, float]:
    data = dataclasses.replace(report_consolidation(config), activities=_activities(config))
    return dict(statistics(data, config).figures)


def test_numbers_are_summed_and_yes_answers_counted_per_unit(config: Config) -> None:
    figures = _figures(config)
    assert figures["activity_dialogues"] == 1 + 2 + 10
    assert figures["activity_hotspots_compensation"] == 1 + 2  # the 2026.1 unit does not have it
    assert figures["activity_supervisions"] == 3 and figures["activity_social_criticisms"] == 3
    assert figures["activity_own_plan"] == 1  # "Có" once, "Không" once
    assert (figures["activity_reported_dialogues"], figures["activity_reported_own_plan"]) == (3, 2)
    assert not any(key.startswith(("activity_own_plan_", "activity_reported_own_plan_")) for key in figures)


def test_the_table_lists_the_counted_fields_a_yes_no_field_as_a_number_of_units(config: Config) -> None:
    table = statistics(report_consolidation(config), config).table("activities")
    labels = [row[0] for row in table.rows]
    counted = [f for f in config.template.sheet("activities").fields if f.adds_up]
    assert len(labels) == len(counted) == 20
    assert labels[-1] == "Đơn vị đã ban hành Kế hoạch thực hiện Phong trào thi đua “Dân vận khéo” (số đơn vị)"
    assert table.rows[-1][1] == 3  # the three units of the report's consolidation answered "Có"


def test_a_field_last_year_reports_did_not_carry_has_no_comparison(config: Config) -> None:
    data = report_consolidation(config)
    older = earlier_config(config, EARLIER)
    last_year = {code: activity_answers(older, 1) for code in data.activities}
    before = statistics(dataclasses.replace(data, year=2025, activities=last_year), config).figures
    rows = {row[0]: row[1:] for row in statistics(data, config, before).table("activities").rows}
    assert rows["Số cuộc đối thoại trực tiếp giữa người đứng đầu với Nhân dân"] == (3, 3, 0)
    assert rows["Số cuộc giám sát của Mặt trận Tổ quốc, các tổ chức chính trị - xã hội"] == ("", 54, "")
    nothing = statistics(dataclasses.replace(data, activities={}), config).figures  # no unit reported anything
    rows = {row[0]: row[1:] for row in statistics(data, config, nothing).table("activities").rows}
    assert rows["Số cuộc giám sát của Mặt trận Tổ quốc, các tổ chức chính trị - xã hội"] == (0, 54, 54)
