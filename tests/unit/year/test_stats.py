"""Statistics: the appendix tables and the year-on-year columns, on a hand-made consolidation."""

from __future__ import annotations

import dataclasses

from pipeline.config import Config
from pipeline.year.consolidate import EXEMPT
from pipeline.year.item_tables import breakdown_key, change_column, outcome_key
from pipeline.year.stats import statistics
from tests.support.builder import report_consolidation, unit_of, unit_status


def test_breakdown_rows_are_figures_and_give_each_row_its_change(config: Config) -> None:
    data = report_consolidation(config)
    before = statistics(dataclasses.replace(data, items={**data.items, "models": data.models[:1]}), config).figures
    assert before[breakdown_key("field", "Kinh tế")] == 1
    assert before[breakdown_key("group", "mttq-doan-the")] == 0
    stats = statistics(data, config, before)
    for key in ("by_field", "by_group", "by_origin"):
        table = stats.table(key)
        assert table.columns[-1] == change_column(2026) == "Mô hình tăng (+), giảm (-) so với năm 2025"
        assert all(row[-1] == row[3] - before[k] for row, k in zip(table.rows, _keys(config, key), strict=True))
        assert table.total is not None and table.total[-1] == stats.change("models_total") == 5
    assert statistics(data, config).table("by_field").columns[-1] == "Điển hình cá nhân"  # no last year


def _keys(config: Config, table: str) -> list[str]:
    if table == "by_field":
        return [breakdown_key("field", f) for f in config.template.lists["fields"]]
    if table == "by_group":
        return [breakdown_key("group", g.key) for g in config.units.groups]
    return [breakdown_key("origin", o) for o in (*config.units.origins, "")]


def test_activities_compare_with_last_year(config: Config) -> None:
    data = report_consolidation(config)
    before = statistics(dataclasses.replace(data, activities={}), config).figures
    table = statistics(data, config, before).table("activities")
    assert table.columns == ("Nội dung", "Năm 2025", "Năm 2026", "Tăng (+), giảm (-)")
    assert table.rows[0][1:] == (0, 3, 3)


def test_outcomes_count_proposals_and_decisions_apart(config: Config) -> None:
    decisions = {("recognise", "models"): 2, ("commend", "individuals"): 1, ("commend", "collectives"): 1}
    stats = statistics(report_consolidation(config), config, decisions=decisions)
    assert stats.figures[outcome_key("proposed", "recognise", "models")] == 1
    assert stats.figures[outcome_key("decided", "commend", "exemplars")] == 2
    evaluation = {row[0]: row[1:] for row in stats.table("evaluation").rows}
    assert evaluation["Công nhận"] == (1, 2, 0, 0)
    rewards = {row[0]: row[1:] for row in stats.table("rewards").rows}
    assert rewards == {"Biểu dương": (0, 0, 1, 2), "Khen thưởng": (0, 0, 1, 0), "Nhân rộng": (1, 0, 0, 0)}


def test_units_by_field_lists_reporting_units_and_exempt_units_that_reported(config: Config) -> None:
    data = report_consolidation(config)
    exempt = dataclasses.replace(unit_status(unit_of(config, "DTN"), EXEMPT), file="DTN.xlsx")
    silent = unit_status(unit_of(config, "HND"), EXEMPT)
    data = dataclasses.replace(data, units=(*data.units, exempt, silent))
    names = [row[0] for row in statistics(data, config).table("units_by_field").rows]
    assert "Đoàn Thanh niên Cộng sản Hồ Chí Minh phường" in names
    assert "Hội Nông dân phường" not in names and "Đảng bộ Công an phường" not in names  # exempt silent, rejected


def test_outstanding_lists_commendations_and_rewards_models_first(config: Config) -> None:
    table = statistics(report_consolidation(config), config).table("outstanding")
    assert [(row[1], row[3], row[7]) for row in table.rows] == [
        ("Ban công tác Mặt trận khu phố Kim Châu", "Điển hình tập thể", "Biểu dương"),
        ("Nguyễn Thị Hoa", "Điển hình cá nhân", "Khen thưởng"),
    ]
