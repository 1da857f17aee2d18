"""Consolidation stage: accepted submissions of several units -> one year, with the findings across files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.core.findings import Finding
from pipeline.intake.receive import receive
from pipeline.intake.validate import Submission, validate
from pipeline.year.consolidate import Consolidation, consolidate
from tests.support.builder import activity_answers, write_file

YEAR = 2026
MODELS = "Mô hình"
SCORES = {"cu_the": 9, "lanh_dao": 9, "luc_luong": 18, "ket_qua": 25, "dong_thuan": 13, "ben_vung": 13}
CAMERA = "Camera an ninh - mắt thần khu dân cư"


def _model(name: str) -> dict[str, Any]:
    scores = {f"score_{key}": points for key, points in SCORES.items()}
    return {"name": name, "field": "Quốc phòng - an ninh", "status": "Mới đăng ký", "start_year": 2026, **scores}


def _answers(config: Config, *model_names: str) -> dict[str, Any]:
    return {
        "unit": {"preparer": "Trần Văn Minh", "report_date": dt.date(2026, 11, 14)},
        "models": [{**_model(name), "proposal": "Công nhận"} for name in model_names],
        "activities": activity_answers(config, 2),
    }


def _submission(
    tmp_path: Path, config: Config, fill: Callable[..., bytes], code: str, name: str, day: int, *models: str
) -> Submission:
    """``code``'s template filled with ``models``, received as ``name`` on ``day`` November, and validated."""
    path = write_file(tmp_path / name, fill(code, _answers(config, *models)), dt.datetime(YEAR, 11, day, 9, 30))
    submission = validate(receive(path, name), config, YEAR)
    assert submission.findings == () and submission.unit_code == code
    return submission


def _flat(findings: tuple[Finding, ...]) -> list[tuple[str, str, str, str]]:
    return [(f.code, f.file, f.sheet, f.cell) for f in findings]


def _status(data: Consolidation, code: str) -> tuple[str, str, int]:
    unit = next(u for u in data.units if u.unit.code == code)
    return unit.status, unit.file, unit.model_count


def test_a_unit_sending_twice_is_counted_once_from_its_latest_file(
    tmp_path: Path, config: Config, filled_workbook: Any
) -> None:
    later = _submission(tmp_path, config, filled_workbook, "KP-BD01", "ban-sua.xlsx", 24, CAMERA, "Đảng viên phụ trách")
    earlier = _submission(tmp_path, config, filled_workbook, "KP-BD01", "ban-dau.xlsx", 20, CAMERA)
    data = consolidate([later, earlier], config, YEAR)
    assert _flat(data.findings) == [("duplicate-submission", "ban-dau.xlsx", "", "")]
    assert "“ban-sua.xlsx”" in data.findings[0].message
    assert _status(data, "KP-BD01") == ("on-time", "ban-sua.xlsx", 2)


def test_a_model_reported_by_two_units_is_flagged_on_the_second(
    tmp_path: Path, config: Config, filled_workbook: Any
) -> None:
    front = _submission(tmp_path, config, filled_workbook, "MTTQ", "mttq.xlsx", 20, "Tổ tự quản", CAMERA.upper())
    branch = _submission(tmp_path, config, filled_workbook, "KP-BD01", "kp-bd01.xlsx", 21, CAMERA)
    data = consolidate([front, branch], config, YEAR)
    assert _flat(data.findings) == [("duplicate-across-units", "mttq.xlsx", MODELS, "B5")]
    assert "Chi bộ khu phố Liêm Định" in data.findings[0].message
    assert len(data.models) == 3


def test_a_unit_without_models_is_below_the_minimum(tmp_path: Path, config: Config, filled_workbook: Any) -> None:
    none = _submission(tmp_path, config, filled_workbook, "KP-BD02", "kp-bd02.xlsx", 20)
    some = _submission(tmp_path, config, filled_workbook, "KP-BD01", "kp-bd01.xlsx", 20, CAMERA)
    (tmp_path / "thu-moi.pdf").write_bytes(b"%PDF-1.4\n")
    rejected = validate(receive(tmp_path / "thu-moi.pdf", "thu-moi.pdf"), config, YEAR)
    data = consolidate([none, some, rejected], config, YEAR)
    assert _flat(data.findings) == [("below-minimum-models", "kp-bd02.xlsx", "", "")]
    assert data.findings[0].message == "Đơn vị KP-BD02 báo cáo 0 mô hình, chỉ tiêu tối thiểu 1 mô hình mỗi năm."
    assert _status(data, "KP-BD02") == ("on-time", "kp-bd02.xlsx", 0)


def test_the_same_model_name_in_two_former_communes_is_not_a_duplicate(
    tmp_path: Path, config: Config, filled_workbook: Any
) -> None:
    binh_dinh = _submission(tmp_path, config, filled_workbook, "KP-BD01", "kp-bd01.xlsx", 20, CAMERA)
    nhon_khanh = _submission(tmp_path, config, filled_workbook, "TH-NK01", "th-nk01.xlsx", 20, CAMERA)
    same_commune = _submission(tmp_path, config, filled_workbook, "KP-BD02", "kp-bd02.xlsx", 20, CAMERA)
    data = consolidate([binh_dinh, nhon_khanh, same_commune], config, YEAR)
    assert _flat(data.findings) == [("duplicate-across-units", "kp-bd02.xlsx", MODELS, "B4")]
    assert "Chi bộ khu phố Liêm Định" in data.findings[0].message
