"""Warnings that hold at each level (issue #16): individuals matched by name and year of birth,
shared model names with advice that fits the level, the clerk's counts equal to the detail rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline.config import Config
from pipeline.core.paths import CLERK_FILE, SUMMARY_FILE
from pipeline.core.upward import derive_key
from pipeline.outputs.xlsx.clerk import DETAILS_SHEET, FILES_SHEET
from pipeline.run.cycle import RunResult, run_consolidation
from tests.support.builder import (
    CONFIG,
    PROVINCE_CONFIG,
    activity_answers,
    drop_file,
    filled_template,
    morning_of,
    new_workspace,
    rollup_workspace,
)

YEAR = 2026
KT = "Kinh tế"


def _scored(config: Config, kind: str, **values: Any) -> dict[str, Any]:
    scores = {f.key: 10.0 for f in config.template.sheet(kind).score_fields()}
    return {"field": KT, "proposal": "Không đề nghị", **scores, **values}


def _model(config: Config, name: str) -> dict[str, Any]:
    return _scored(config, "models", name=name, status="Mới đăng ký", start_year=YEAR)


def _person(config: Config, name: str, born: int) -> dict[str, Any]:
    return _scored(config, "individuals", name=name, birth_year=born, achievements="Vận động Nhân dân.")


def _drop(root: Path, config: Config, unit: str, year: int = YEAR, **sheets: list[dict[str, Any]]) -> None:
    answers = {
        "unit": {"preparer": "Trần Văn Minh", "report_date": dt.date(year, 11, 14)},
        "activities": activity_answers(config, 2),
        **sheets,
    }
    drop_file(
        root, f"{unit}-{year}.xlsx", filled_template(config, unit, answers, year), morning_of(dt.date(year, 11, 20))
    )


def _codes(run: RunResult, kind: str) -> list[tuple[str, int, str]]:
    items = run.consolidation.items[kind]
    return [(str(i.values["name"]), int(i.values["birth_year"]), str(i.values["code"])) for i in items]


def _clerk_counts(root: Path, year: int = YEAR) -> tuple[dict[str, int], Counter[str]]:
    """The clerk's workbook: each file's count of warnings, and its warning rows in the detail sheet."""
    wb = openpyxl.load_workbook(root / "outbox" / str(year) / CLERK_FILE.format(year=year), read_only=True)
    try:
        files = list(wb[FILES_SHEET].iter_rows(values_only=True))
        details = list(wb[DETAILS_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    counts = {row[2]: row[7] for row in files[1:] if row[2]}
    rows = Counter(row[0] for row in details[1:] if row[0] and row[2] == "Cảnh báo")
    return counts, rows


# --------------------------------------------------------------------------- ward level


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, RunResult, Path]:
    """A unit reports Nguyễn Văn An born 1984 in 2026; in 2027 An born 1988 and An born 1984."""
    root = tmp_path_factory.mktemp("ward")
    config = new_workspace(root)
    _drop(
        root,
        config,
        "KP-BD01",
        models=[_model(config, "Camera an ninh")],
        individuals=[_person(config, "Nguyễn Văn An", 1984)],
    )
    first = run_consolidation(root, config, YEAR, None, now=dt.datetime(YEAR, 11, 30))
    people = [_person(config, "Nguyễn Văn An", 1988), _person(config, "Nguyễn văn An", 1984)]
    _drop(root, config, "KP-BD01", 2027, models=[_model(config, "Camera an ninh")], individuals=people)
    second = run_consolidation(root, config, 2027, None, now=dt.datetime(2027, 11, 30))
    return first, second, root


def test_a_namesake_born_another_year_is_another_person(ward: tuple[RunResult, RunResult, Path]) -> None:
    first, second, _ = ward
    [(_, _, code)] = _codes(first, "individuals")
    assert second.submissions[-1].accepted  # two people of one name are not a duplicated row
    codes = dict(((name, born), c) for name, born, c in _codes(second, "individuals"))
    assert codes[("Nguyễn văn An", 1984)] == code
    assert codes[("Nguyễn Văn An", 1988)] not in (code, "")


def test_the_name_match_of_a_person_names_the_individuals_sheet_and_its_columns(
    ward: tuple[RunResult, RunResult, Path],
) -> None:
    _, second, _ = ward
    notes = [f for f in second.consolidation.findings if f.code == "matched-by-name"]
    person = next(f for f in notes if f.sheet == "Điển hình cá nhân")
    assert person.cell.startswith("A")  # the name column of the individuals' sheet
    assert "cột “Họ và tên” và cột “Năm sinh” (1984)" in person.message
    assert "điển hình cá nhân" in person.message and "Mã mô hình" not in person.message + person.hint
    assert "cột “Năm sinh”" in person.hint
    model = next(f for f in notes if f.sheet == "Mô hình")
    assert "cột “Mã mô hình”" in model.hint


def test_the_clerks_warning_counts_are_the_detail_rows_at_ward_level(ward: tuple[RunResult, RunResult, Path]) -> None:
    *_, root = ward
    counts, rows = _clerk_counts(root, 2027)
    assert rows and counts == {name: rows.get(name, 0) for name in counts}


# --------------------------------------------------------------------------- province level


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Path]:
    """Two wards with a model of one name; in one ward two units each report a Nguyễn Văn An."""
    base = tmp_path_factory.mktemp("province")
    root = base / "tinh"
    config = rollup_workspace(root, PROVINCE_CONFIG)
    wards = {
        "PH-BINHDINH": {
            "KP-BD01": {"models": ["Heo đất khuyến học"], "individuals": [("Nguyễn Văn An", 1984)]},
            "HLHPN": {"models": ["Tổ phụ nữ tiết kiệm"], "individuals": [("Nguyễn Văn An", 1988)]},
        },
        "PH-ANNHON": {"TH-NK01": {"models": ["Heo đất khuyến học"], "individuals": [("Trần Thị Bình", 1990)]}},
    }
    for code, units in wards.items():
        ward_root = base / code
        ward_config = rollup_workspace(ward_root, CONFIG, derive_key(config.secret, code).key, code)
        for unit, sheets in units.items():
            models = [_model(ward_config, name) for name in sheets["models"]]
            people = [_person(ward_config, name, born) for name, born in sheets["individuals"]]
            _drop(ward_root, ward_config, unit, models=models, individuals=people)
        run_consolidation(ward_root, ward_config, YEAR, dt.date(YEAR, 12, 5))
        summary = ward_root / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR)
        drop_file(root, f"{code}.xlsx", summary.read_bytes(), morning_of(dt.date(YEAR, 12, 1)))
    return run_consolidation(root, config, YEAR, dt.date(YEAR, 12, 15), now=dt.datetime(YEAR, 12, 10, 17)), root


def test_two_people_of_one_name_in_one_ward_are_two_codes_at_the_province(province: tuple[RunResult, Path]) -> None:
    run, _ = province
    people = _codes(run, "individuals")
    ans = {born: code for name, born, code in people if name == "Nguyễn Văn An"}
    assert sorted(ans) == [1984, 1988] and len(set(ans.values())) == 2
    assert not [f for f in run.consolidation.findings if f.code == "matched-by-name"]


def test_a_model_name_shared_by_two_wards_gets_advice_naming_the_wards(province: tuple[RunResult, Path]) -> None:
    run, _ = province
    [shared] = [f for f in run.consolidation.findings if f.code == "duplicate-across-units"]
    assert shared.file == "PH-ANNHON.xlsx" and "Đảng bộ phường Bình Định" in shared.message
    assert "Đảng bộ phường An Nhơn" in shared.hint and "Đảng bộ phường Bình Định" in shared.hint
    assert "khu dân cư" not in shared.hint


def test_the_clerks_warning_counts_are_the_detail_rows_at_province_level(province: tuple[RunResult, Path]) -> None:
    _, root = province
    counts, rows = _clerk_counts(root)
    assert rows["PH-ANNHON.xlsx"] >= 1  # the shared name, with the ward's own warnings
    assert counts == {name: rows.get(name, 0) for name in counts}
