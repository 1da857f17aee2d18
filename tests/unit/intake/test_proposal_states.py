"""A proposal that its item's life-cycle state cannot take is a finding on its cell, with the fix.

The state is the register's (before the year) for an item of an earlier year, found by its code or
by its name; otherwise a model row whose status says "Mới đăng ký" is a new item; a row whose state
is known from neither is not judged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config
from pipeline.core.textnorm import fold
from pipeline.intake.receive import Received, receive
from pipeline.intake.validate import Submission, check_codes, validate
from pipeline.register import KnownItems
from tests.support.builder import GOOD_SCORES, activity_answers

UNIT = "KP-BD01"
YEAR = 2026
NEW, CONTINUING = "Mới đăng ký", "Tiếp tục thực hiện"
CAMERA = "Camera an ninh khu phố"
RECOGNISED = KnownItems(
    owners={"MH-2025-001": UNIT},
    states={"MH-2025-001": "recognised"},
    names={(UNIT, "models", fold(CAMERA)): "MH-2025-001"},
)
NOTHING_KNOWN = KnownItems()  # a register without any item of an earlier year
CODE = "proposal-not-allowed-for-state"


def _model(status: str, proposal: str, name: str = CAMERA, code: str | None = None) -> dict[str, Any]:
    scores = {f"score_{key}": points for key, points in GOOD_SCORES.items()}
    start = YEAR if status == NEW else 2024
    values = {"name": name, "field": "Kinh tế", "status": status, "start_year": start, "proposal": proposal}
    return {**values, **scores, **({"code": code} if code else {})}


def _received(
    tmp_path: Path, config: Config, fill: Callable[..., bytes], models: list[dict[str, Any]], **sheets: Any
) -> Received:
    answers: dict[str, Any] = {"unit": {"preparer": "Trần Văn Minh", "report_date": dt.date(YEAR, 11, 14)}}
    answers |= {"models": models, "activities": activity_answers(config), **sheets}
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(fill(UNIT, answers))
    return receive(path, path.name)


def _submit(
    tmp_path: Path,
    config: Config,
    fill: Callable[..., bytes],
    models: list[dict[str, Any]],
    known: KnownItems | None = NOTHING_KNOWN,
    **sheets: Any,
) -> Submission:
    return validate(_received(tmp_path, config, fill, models, **sheets), config, YEAR, known)


def _found(submission: Submission) -> list[tuple[str, str, str]]:
    return [(f.code, f.sheet, f.cell) for f in submission.findings if f.code == CODE]


@pytest.mark.parametrize(
    ("status", "proposal", "refused"),
    [
        pytest.param(NEW, "Công nhận lại", True, id="new-re-recognised"),
        pytest.param(NEW, "Nhân rộng", True, id="new-replicated"),
        pytest.param(NEW, "Công nhận", False, id="new-recognised"),
        pytest.param(NEW, "Biểu dương", False, id="new-commended-after-recognition"),
        pytest.param(NEW, "Không đề nghị", False, id="new-nothing-asked"),
        pytest.param(CONTINUING, "Công nhận lại", False, id="continuing-state-unknown"),
    ],
)
def test_the_row_status_decides_when_the_register_does_not_know_the_item(
    tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes], status: str, proposal: str, refused: bool
) -> None:
    sub = _submit(tmp_path, config, filled_workbook, [_model(status, proposal)])
    assert _found(sub) == ([(CODE, "Mô hình", "X4")] if refused else [])
    assert sub.accepted is not refused


def test_the_finding_says_where_why_and_which_proposals_are_allowed(
    tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes]
) -> None:
    sub = _submit(tmp_path, config, filled_workbook, [_model(NEW, "Công nhận lại")])
    (found,) = (f for f in sub.findings if f.code == CODE)
    assert found.severity == "error"
    assert found.message == (
        f"Sheet “Mô hình”, ô X4: “{CAMERA}” không thể đề xuất “Công nhận lại” "
        "(cột “Tình trạng” ghi “Mới đăng ký”: mô hình mới đăng ký năm nay)."
    )
    assert found.hint.startswith(
        "Hãy chọn một đề xuất phù hợp: “Không đề nghị”; “Công nhận”; “Củng cố”; “Biểu dương”; “Khen thưởng”; "
        "“Đưa ra khỏi danh sách”."
    )


@pytest.mark.parametrize(
    ("row", "refused"),
    [
        pytest.param(_model(CONTINUING, "Công nhận", code="MH-2025-001"), True, id="recognised-again-by-code"),
        pytest.param(_model(CONTINUING, "Công nhận"), True, id="recognised-again-by-name"),
        pytest.param(_model(CONTINUING, "Công nhận lại", code="MH-2025-001"), False, id="re-recognised"),
        pytest.param(_model(NEW, "Nhân rộng"), False, id="the-register-outweighs-the-status"),
    ],
)
def test_the_register_state_decides_for_an_item_of_an_earlier_year(
    tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes], row: dict[str, Any], refused: bool
) -> None:
    sub = _submit(tmp_path, config, filled_workbook, [row], RECOGNISED)
    assert _found(sub) == ([(CODE, "Mô hình", "X4")] if refused else [])
    if refused:
        (found,) = (f for f in sub.findings if f.code == CODE)
        assert "theo sổ theo dõi, mô hình MH-2025-001 đang ở trạng thái “Được công nhận”" in found.message
        assert "“Công nhận lại”; “Củng cố”; “Nhân rộng”" in found.hint and "“Công nhận”;" not in found.hint


def test_an_exemplar_is_judged_by_its_register_state(
    tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes]
) -> None:
    name = "Tổ hòa giải khu phố Liêm Định"
    removed = KnownItems(
        {"TT-2025-001": UNIT}, {"TT-2025-001": "removed"}, {(UNIT, "collectives", fold(name)): "TT-2025-001"}
    )
    scores = {f.key: f.max for f in config.template.sheet("collectives").score_fields()}
    collective = {"name": name, "field": "Kinh tế", "achievements": "Hòa giải thành 12 vụ việc.", **scores}
    sub = _submit(
        tmp_path, config, filled_workbook, [], removed, collectives=[{**collective, "proposal": "Biểu dương"}]
    )
    assert _found(sub) == [(CODE, "Điển hình tập thể", "I4")]
    assert "“Không đề nghị”." in next(f.hint for f in sub.findings if f.code == CODE)  # a final state


def test_without_the_register_no_proposal_is_judged_and_the_cached_reading_gets_the_same_finding(
    tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes]
) -> None:
    received = _received(tmp_path, config, filled_workbook, [_model(NEW, "Công nhận lại")])
    alone = validate(received, config, YEAR)
    assert _found(alone) == []
    direct = validate(received, config, YEAR, NOTHING_KNOWN)
    assert _found(direct) == [(CODE, "Mô hình", "X4")]
    assert check_codes(alone, NOTHING_KNOWN, config) == direct
    province = dataclasses.replace(config, organization=dataclasses.replace(config.organization, level="province"))
    assert check_codes(alone, NOTHING_KNOWN, province) == alone  # a ward's summary is not judged again
