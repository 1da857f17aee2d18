"""Continuing models ("Tiếp tục thực hiện") without a code across years, and the minimum-models
warning on every path (issue 18, point 8)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.config import Config
from pipeline.core.textnorm import fold
from pipeline.register import open_register
from pipeline.run.cycle import RunResult, issue_council, run_consolidation
from pipeline.year.legacy_lists import import_legacy, read_legacy_list
from tests.support.builder import (
    activity_answers,
    drop_file,
    filled_template,
    issued_template,
    morning_of,
    new_workspace,
)

KT = "Kinh tế"
CONTINUING = "Tiếp tục thực hiện"


def _model(config: Config, name: str, year: int, **extra: Any) -> dict[str, Any]:
    scores = {f.key: 10.0 for f in config.template.sheet("models").score_fields()}
    values = {"name": name, "field": KT, "status": "Mới đăng ký", "start_year": year, "proposal": "Không đề nghị"}
    return {**values, **scores, **extra}


def _drop(root: Path, config: Config, code: str, models: list[dict[str, Any]], name: str, year: int) -> None:
    answers = {
        "unit": {"preparer": "Trần Văn Minh", "report_date": dt.date(year, 11, 20)},
        "models": models,
        "activities": activity_answers(config, 2),
    }
    drop_file(root, name, filled_template(config, code, answers, year), morning_of(dt.date(year, 11, 20)))


def _run(root: Path, config: Config, year: int) -> RunResult:
    return run_consolidation(root, config, year, None, now=dt.datetime(year, 11, 30, 8, 0))


def _codes(result: RunResult) -> dict[str, str]:
    return {fold(str(i.values["name"])): str(i.values["code"]) for i in result.consolidation.models}


def _findings(result: RunResult, name: str) -> list[tuple[str, str]]:
    sub = next(s for s in result.submissions if s.source.name == name)
    return [(f.code, f.cell) for f in sub.findings]


def _continuing_year(root: Path, config: Config, name: str, proposal: str, year: int = 2027) -> RunResult:
    row = _model(config, name, 2024, status=CONTINUING, proposal=proposal)
    _drop(root, config, "KP-BD01", [row, _model(config, "Vườn rau sạch", year)], f"kp01-{year}.xlsx", year)
    return _run(root, config, year)


def test_a_continuing_row_without_a_code_takes_the_code_of_last_years_model(tmp_path: Path) -> None:
    config = new_workspace(tmp_path)
    _drop(tmp_path, config, "KP-BD01", [_model(config, "Camera an ninh", 2026)], "kp01.xlsx", 2026)
    code = _codes(_run(tmp_path, config, 2026))[fold("Camera an ninh")]
    (tmp_path / "inbox" / "kp01.xlsx").unlink()

    # Recognised by name, the row is judged by the register's state ("registered": "Công nhận
    # lại" is no move from it), not taken for a new model with its state unknown.
    refused = _continuing_year(tmp_path, config, "camera  AN NINH", "Công nhận lại")
    sub = next(s for s in refused.submissions if s.source.name == "kp01-2027.xlsx")
    assert [f.code for f in sub.findings if f.severity == "error"] == ["proposal-not-allowed-for-state"]
    assert code in sub.findings[0].message
    (tmp_path / "inbox" / "kp01-2027.xlsx").unlink()

    result = _continuing_year(tmp_path, config, "camera  AN NINH", "Không đề nghị")

    assert _codes(result)[fold("camera  AN NINH")] == code
    found = _findings(result, "kp01-2027.xlsx")
    assert not any(c == "continuing-not-found" for c, _ in found)


@pytest.mark.parametrize("year", [2025, 2026])
def test_a_continuing_row_matches_a_model_of_a_legacy_list(tmp_path: Path, year: int) -> None:
    config = new_workspace(tmp_path)
    path = tmp_path / "cu.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["Danh sách mô hình"])
    sheet.append(["Tên mô hình", "Đơn vị", "Lĩnh vực", "Năm bắt đầu", "Tình trạng", "Loại"])
    sheet.append(["Camera an ninh", "KP-BD01", KT, 2024, "", "Mô hình"])
    book.save(path)
    legacy = read_legacy_list(path, config)
    with open_register(tmp_path, dt.datetime(2026, 10, 1)) as register:
        imported = import_legacy(register, legacy, "phường Bình Định (cũ)", legacy.sha256)
    assert imported.codes

    # Judged by the state the import gave it ("under review"), in the import's year too.
    refused = _continuing_year(tmp_path, config, "Camera An  Ninh", "Công nhận lại", year)
    sub = next(s for s in refused.submissions if s.source.name == f"kp01-{year}.xlsx")
    assert [f.code for f in sub.findings if f.severity == "error"] == ["proposal-not-allowed-for-state"]
    assert imported.codes[0] in sub.findings[0].message
    (tmp_path / "inbox" / f"kp01-{year}.xlsx").unlink()

    result = _continuing_year(tmp_path, config, "Camera An  Ninh", "Không đề nghị", year)

    assert _codes(result)[fold("Camera An  Ninh")] == imported.codes[0]
    assert not any(c == "continuing-not-found" for c, _ in _findings(result, f"kp01-{year}.xlsx"))
    # The council's sheet lists it in the import's state, not as a new item to recognise.
    path, _ = issue_council(tmp_path, config, year)
    rows = [row for row in openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True)]
    row = next(r for r in rows if imported.codes[0] in r)
    assert "mục mới, chưa có trong sổ theo dõi" not in row and "Đang rà soát" in str(row), row


def test_a_continuing_row_the_register_does_not_know_is_a_warning(tmp_path: Path) -> None:
    config = new_workspace(tmp_path)

    result = _continuing_year(tmp_path, config, "Mô hình chưa từng báo cáo", "Công nhận lại")

    sub = next(s for s in result.submissions if s.source.name == "kp01-2027.xlsx")
    assert sub.accepted
    notes = [f for f in sub.findings if f.code == "continuing-not-found"]
    assert [(f.severity, f.cell) for f in notes] == [("warning", "B4")]
    assert "Mô hình chưa từng báo cáo" in notes[0].message and "mã" in notes[0].message


def test_a_continuing_row_without_a_name_is_only_the_missing_name(tmp_path: Path) -> None:
    """Not also "mô hình “” ... chưa có mã": a row without a name has nothing to be matched by."""
    config = new_workspace(tmp_path)

    result = _continuing_year(tmp_path, config, "", "Không đề nghị")

    found = _findings(result, "kp01-2027.xlsx")
    assert ("missing-value", "B4") in found
    assert not [code for code, _ in found if code == "continuing-not-found"], found


def test_an_empty_template_is_below_the_minimum_in_check_and_consolidate(tmp_path: Path) -> None:
    # Returned as issued: no model row (and the required answers missing, so the file is refused).
    config = new_workspace(tmp_path)
    drop_file(tmp_path, "kp01.xlsx", issued_template(config, "KP-BD01", 2026), morning_of(dt.date(2026, 11, 20)))
    runner = CliRunner()

    checked = runner.invoke(
        main, ["--root", str(tmp_path), "check", "--year", "2026", "--json", str(tmp_path / "inbox" / "kp01.xlsx")]
    )
    consolidated = runner.invoke(main, ["--root", str(tmp_path), "consolidate", "--year", "2026"])

    files = json.loads(checked.output)["files"]
    notes = [f for f in files[0]["findings"] if f["code"] == "below-minimum-models"]
    assert [(n["severity"], n["message"]) for n in notes] == [
        ("warning", "Đơn vị KP-BD01 báo cáo 0 mô hình, chỉ tiêu tối thiểu 1 mô hình mỗi năm.")
    ]
    assert consolidated.exit_code == 1, consolidated.output
    clerk = next(tmp_path.rglob("ket-qua-kiem-tra-2026.xlsx"))
    cells = [str(c) for row in openpyxl.load_workbook(clerk).worksheets[1].iter_rows(values_only=True) for c in row]
    assert notes[0]["message"] in cells
