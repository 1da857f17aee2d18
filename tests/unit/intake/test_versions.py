"""Template versions: the plan's fields of 2026.2 written and read back; a 2026.1 workbook still read
without them (absent, not missing); a plan's number and date required only when the unit has one."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline.config import Config
from pipeline.core import layout
from pipeline.intake.receive import receive
from pipeline.intake.validate import Submission, validate
from pipeline.tools.demo import fill_workbook
from pipeline.year.consolidate import consolidate
from pipeline.year.stats import statistics
from tests.support.builder import activity_answers, earlier_config, issued_template

UNIT = "KP-BD01"
YEAR = 2026
EARLIER = "2026.1"
PLAN_KEYS = (
    "training_higher_staff",
    "training_own_courses",
    "training_own_staff",
    "dedicated_pages",
    "dedicated_columns",
    "hotspots_compensation",
    "hotspots_resettlement",
    "hotspots_land_disputes",
    "hotspots_ethnic_religious",
    "hotspots_other",
    "supervisions",
    "social_criticisms",
    "own_plan",
    "own_plan_number",
    "own_plan_date",
)
UNIT_FORM = {"preparer": "Trần Văn Minh", "report_date": dt.date(YEAR, 11, 14)}


def _submit(tmp_path: Path, config: Config, data: bytes) -> Submission:
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(data)
    return validate(receive(path, path.name), config, YEAR)


def _flat(submission: Submission) -> list[tuple[str, str, str, str]]:
    return [(f.code, f.severity, f.sheet, f.cell) for f in submission.findings]


def test_the_plan_fields_are_added_since_2026_2(config: Config) -> None:
    assert config.template.version == "2026.2"
    added = config.template.added_since(EARLIER)
    assert [(sheet.key, field.key) for sheet, field in added] == [("activities", key) for key in PLAN_KEYS]
    older = config.template.for_version(EARLIER)
    assert (older.version, older.earlier_versions) == (EARLIER, ())
    assert [f.key for f in older.sheet("activities").fields] == [
        f.key for f in config.template.sheet("activities").fields if f.key not in PLAN_KEYS
    ]
    assert config.template.for_version(config.template.version) is config.template


def test_the_template_asks_for_the_plan_fields(config: Config) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(issued_template(config, UNIT)))
    ws = wb["Hoạt động"]
    fields = config.template.sheet("activities").fields
    labels = [ws.cell(row, layout.FORM_LABEL_COLUMN).value for row in range(layout.FIRST_DATA_ROW, ws.max_row + 1)]
    assert labels == [f.label for f in fields]
    own_plan = layout.FIRST_DATA_ROW + [f.key for f in fields].index("own_plan")
    cell = ws.cell(own_plan, layout.FORM_VALUE_COLUMN).coordinate
    lists = [v.formula1 for v in ws.data_validations.dataValidation if cell in v.sqref]
    assert lists == ['"Có,Không"']
    meta = {row[0].value: row[1].value for row in wb[layout.META_SHEET].iter_rows()}
    assert meta["template_version"] == "2026.2"


def test_the_plan_fields_are_read_back_typed(tmp_path: Path, config: Config) -> None:
    answers = {**activity_answers(config, 1, 1), "own_plan": "Có", "own_plan_date": "15/10/2025"}
    sub = _submit(tmp_path, config, fill_workbook(issued_template(config, UNIT), _with(answers), config))
    assert _flat(sub) == []
    read = sub.forms["activities"]
    assert {key: read[key] for key in PLAN_KEYS[-3:]} == {
        "own_plan": True,
        "own_plan_number": "05-KH/CB",
        "own_plan_date": dt.date(2025, 10, 15),
    }
    assert [read[key] for key in PLAN_KEYS[:3]] == [8, 9, 10]  # after the seven fields of 2026.1


def _with(activities: dict[str, Any]) -> dict[str, Any]:
    return {"unit": UNIT_FORM, "models": [], "activities": activities}


@pytest.mark.parametrize(
    ("own_plan", "findings"),
    [
        pytest.param(
            "Có",
            [("missing-value", "error", "Hoạt động", "B24"), ("missing-value", "error", "Hoạt động", "B25")],
            id="issued-without-number-and-date",
        ),
        pytest.param("Không", [], id="not-issued"),
    ],
)
def test_a_plan_number_and_date_are_required_only_when_the_unit_issued_one(
    tmp_path: Path, config: Config, own_plan: str, findings: list[tuple[str, str, str, str]]
) -> None:
    answers = {**activity_answers(config), "own_plan": own_plan, "own_plan_number": None, "own_plan_date": None}
    sub = _submit(tmp_path, config, fill_workbook(issued_template(config, UNIT), _with(answers), config))
    assert _flat(sub) == findings
    assert all("Số hiệu Kế hoạch" in f.message or "Ngày ban hành" in f.message for f in sub.findings)


def test_a_workbook_of_the_earlier_version_is_read_without_the_fields_added_since(
    tmp_path: Path, config: Config
) -> None:
    older = earlier_config(config, EARLIER)
    answers = _with(activity_answers(older, 3))
    sub = _submit(tmp_path, config, fill_workbook(issued_template(older, UNIT), answers, older))
    assert _flat(sub) == [("earlier-template-version", "info", "", "")]
    assert (sub.accepted, sub.template_version) == (True, EARLIER)
    assert "phiên bản 2026.1" in sub.findings[0].message and "15 mục" in sub.findings[0].message
    assert "“Hoạt động”" in sub.findings[0].message
    assert set(sub.forms["activities"]) == {f.key for f in older.template.sheet("activities").fields}
    figures = statistics(consolidate([sub], config, YEAR), config).figures
    assert (figures["activity_dialogues"], figures["activity_reported_dialogues"]) == (3, 1)
    assert (figures["activity_own_plan"], figures["activity_reported_own_plan"]) == (0, 0)
