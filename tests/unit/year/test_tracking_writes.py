"""Tracking writes only what differs: a re-run leaves the register's rows as a first tracking would."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.intake.receive import receive
from pipeline.intake.validate import Submission, validate
from pipeline.register import REGISTER_FILE, Register, open_register
from pipeline.register.store import _highest_among
from pipeline.year.consolidate import consolidate
from pipeline.year.tracking import track_year
from tests.support.builder import activity_answers, scored_models, write_file

YEAR = 2026
NOW = dt.datetime(YEAR, 12, 1, 8, 0)
SCORES = {"cu_the": 9, "lanh_dao": 9, "luc_luong": 18, "ket_qua": 25, "dong_thuan": 13, "ben_vung": 13}


def _answers(config: Config, *model_names: str) -> dict[str, Any]:
    models = scored_models(YEAR, *model_names, scores=SCORES)
    activities = activity_answers(config, 2)
    unit = {"preparer": "Trần Văn Minh", "report_date": dt.date(YEAR, 11, 14)}
    return {"unit": unit, "models": models, "activities": activities}


def _submission(
    folder: Path, fill: Callable[..., bytes], code: str, name: str, *models: str, config: Config
) -> Submission:
    path = write_file(folder / name, fill(code, _answers(config, *models)), dt.datetime(YEAR, 11, 20, 9, 30))
    submission = validate(receive(path, name), config, YEAR)
    assert submission.accepted and submission.unit_code == code
    return submission


def _track(root: Path, submissions: list[Submission], config: Config) -> int:
    """Track ``submissions`` into ``root``'s register (their files noted in the ledger first); the
    number of rows the tracking itself changed."""
    with open_register(root, NOW) as register:
        for sub in submissions:
            register.record_file(sub.source.sha256, sub.source.size, sub.source.name, ".xlsx", YEAR, NOW)
        before = register.db.total_changes
        track_year(register, consolidate(submissions, config, YEAR), submissions, config)
        return register.db.total_changes - before


def _tables(root: Path) -> dict[str, list[tuple[Any, ...]]]:
    db = sqlite3.connect(root / REGISTER_FILE)
    try:
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in ("items", "events", "item_years")}
    finally:
        db.close()


def test_a_rerun_with_nothing_changed_writes_nothing(
    tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes]
) -> None:
    subs = [
        _submission(tmp_path, filled_workbook, "KP-BD01", "kp01.xlsx", "Tuyến đường hoa", "Camera", config=config),
        _submission(tmp_path, filled_workbook, "HLHPN", "hpn.xlsx", "Chi hội tiết kiệm", config=config),
    ]
    root = tmp_path / "ws"
    assert _track(root, subs, config) > 0
    first = _tables(root)
    assert _track(root, subs, config) == 0
    assert _tables(root) == first
    assert [row[0] for row in first["items"]] == ["MH-2026-001", "MH-2026-002", "MH-2026-003"]


def test_a_changed_file_leaves_the_rows_a_first_tracking_gives(
    tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes]
) -> None:
    """A model renamed, one removed, one added: the register ends as if only the new files had been
    tracked (same codes, event ids, states and snapshots), though only the differences were written."""
    kp01 = _submission(
        tmp_path, filled_workbook, "KP-BD01", "kp01.xlsx", "Đường hoa", "Camera", "Tủ sách", config=config
    )
    hpn = _submission(tmp_path, filled_workbook, "HLHPN", "hpn.xlsx", "Chi hội tiết kiệm", config=config)
    (tmp_path / "v2").mkdir()
    kp01_v2 = _submission(
        tmp_path / "v2", filled_workbook, "KP-BD01", "kp01.xlsx", "Đường hoa xanh", "Tủ sách", "Loa", config=config
    )
    rerun, fresh = tmp_path / "rerun", tmp_path / "fresh"
    _track(rerun, [kp01, hpn], config)
    _track(rerun, [hpn, kp01_v2], config)
    _track(fresh, [hpn, kp01_v2], config)
    assert _tables(rerun) == _tables(fresh)
    assert len(_tables(rerun)["items"]) == 4


def test_codes_in_memory_number_on_like_the_register(tmp_path: Path) -> None:
    """Register.new_code over codes held in memory gives what it gives over the table."""
    codes = {"MH-2026-001", "MH-2026-1000", "MH-2026-07x", "MH-2025-5000", "TT-2026-004"}
    assert _highest_among(codes, "MH-2026-") == 1000
    assert _highest_among(codes, "CN-2026-") == 0
    with open_register(tmp_path, NOW) as register:
        for code in sorted(codes):
            register.add_item(code, "models", "KP-BD01", code, code.lower(), 2026, "registered")
        assert register.new_code("models", 2026) == Register(register.db).new_code("models", 2026, codes)


def test_a_snapshot_whose_values_differ_is_written_again(
    tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes]
) -> None:
    """A stored snapshot from the same file and row is compared by its values, not by where it came
    from: values that differ (an older program's, a hand edit) are written again, and only those."""
    subs = [_submission(tmp_path, filled_workbook, "KP-BD01", "kp01.xlsx", "Tuyến đường hoa", "Camera", config=config)]
    root = tmp_path / "ws"
    _track(root, subs, config)
    first = _tables(root)
    db = sqlite3.connect(root / REGISTER_FILE)
    with db:
        db.execute("UPDATE item_years SET item_values='{}' WHERE code='MH-2026-002'")
    db.close()
    assert _track(root, subs, config) == 1
    assert _tables(root) == first
