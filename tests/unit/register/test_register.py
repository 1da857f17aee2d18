"""The register across runs and years: ledger, archive, codes, events, resubmissions, rebuild."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.config import Config
from pipeline.register import ARCHIVE_FOLDER, BACKUP_FOLDER, REGISTER_FILE, backups_to_drop, open_register
from pipeline.register.backups import BACKUP_BUDGET, BACKUPS_ALWAYS_KEPT
from pipeline.run.cycle import RunResult, rebuild, run_consolidation, year_status
from tests.support.builder import activity_answers, drop_file, filled_template, morning_of, new_workspace

NOW = dt.datetime(2026, 11, 30, 8, 0)
KT, VH = "Kinh tế", "Văn hóa - xã hội"


def _scores(config: Config, kind: str) -> dict[str, float]:
    return {f.key: 10.0 for f in config.template.sheet(kind).score_fields()}


def _model(config: Config, name: str, field: str = KT, **extra: Any) -> dict[str, Any]:
    values = {"name": name, "field": field, "status": "Mới đăng ký", "start_year": 2026, "proposal": "Không đề nghị"}
    return {**values, **_scores(config, "models"), **extra}


def _answers(config: Config, models: list[dict[str, Any]]) -> dict[str, Any]:
    activities = activity_answers(config, 2)
    return {
        "unit": {"preparer": "Trần Văn Minh", "report_date": dt.date(2026, 11, 20)},
        "models": models,
        "activities": activities,
    }


def _drop(
    root: Path, config: Config, code: str, models: list[dict[str, Any]], name: str, day: dt.date, year: int = 2026
) -> bytes:
    data = filled_template(config, code, _answers(config, models), year)
    drop_file(root, name, data, morning_of(day))
    return data


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, Config]:
    config = new_workspace(tmp_path)
    _drop(
        tmp_path,
        config,
        "KP-BD01",
        [_model(config, "Camera an ninh"), _model(config, "Tuyến đường hoa", VH)],
        "kp01.xlsx",
        dt.date(2026, 11, 20),
    )
    _drop(tmp_path, config, "MTTQ", [_model(config, "Đối thoại với Nhân dân")], "mttq.xlsx", dt.date(2026, 11, 24))
    return tmp_path, config


def _run(root: Path, config: Config, year: int = 2026, now: dt.datetime = NOW) -> RunResult:
    return run_consolidation(root, config, year, None, now=now)


def _register_rows(root: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(root / REGISTER_FILE) as db:
        return {
            "files": db.execute("SELECT * FROM files ORDER BY sha256").fetchall(),
            "names": db.execute("SELECT * FROM file_names ORDER BY sha256, name").fetchall(),
            "items": db.execute("SELECT * FROM items ORDER BY code").fetchall(),
            "years": db.execute("SELECT * FROM item_years ORDER BY code, year").fetchall(),
            "events": db.execute(
                "SELECT code, year, event, from_state, to_state, evidence, reason FROM events "
                "ORDER BY code, year, event"
            ).fetchall(),
        }


def test_first_run_registers_files_items_and_codes(ward: tuple[Path, Config]) -> None:
    root, config = ward
    _run(root, config)
    with open_register(root, NOW, write=False) as register:
        files = register.files(2026)
        items = register.items()
        events = register.events()
    assert [f.first_name for f in files] == ["kp01.xlsx", "mttq.xlsx"]
    assert files[0].received_at == dt.datetime(2026, 11, 20, 9, 0)
    assert [(i.code, i.unit, i.name, i.state) for i in items] == [
        ("MH-2026-001", "KP-BD01", "Camera an ninh", "registered"),
        ("MH-2026-002", "KP-BD01", "Tuyến đường hoa", "registered"),
        ("MH-2026-003", "MTTQ", "Đối thoại với Nhân dân", "registered"),
    ]
    assert [e[2] for e in events] == ["register"] * 3 and events[0][5] == files[0].sha256
    for entry in files:
        assert entry.archive_path(root).read_bytes() == (root / "inbox" / entry.first_name).read_bytes()
    with sqlite3.connect(root / REGISTER_FILE) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_same_file_twice_is_one_entry_and_reruns_change_nothing(ward: tuple[Path, Config]) -> None:
    root, config = ward
    first = _run(root, config)
    before = _register_rows(root)
    (root / "inbox" / "ban-sao").mkdir()
    shutil.copy2(root / "inbox" / "kp01.xlsx", root / "inbox" / "ban-sao" / "kp01 (1).xlsx")
    second = _run(root, config, now=NOW + dt.timedelta(days=1))
    after = _register_rows(root)
    assert after["files"] == before["files"] and after["items"] == before["items"]
    assert after["events"] == before["events"]
    assert len(after["names"]) == len(before["names"]) + 1
    assert [p.read_bytes() for p in first.outputs[:3]] == [p.read_bytes() for p in second.outputs[:3]]
    assert len(list((root / BACKUP_FOLDER).glob("*.sqlite3"))) == 1  # the second run backed up the first's


def test_a_cleaned_inbox_loses_nothing(ward: tuple[Path, Config]) -> None:
    root, config = ward
    first = {p.name: p.read_bytes() for p in _run(root, config).outputs}
    shutil.rmtree(root / "inbox")
    (root / "inbox").mkdir()
    second = {p.name: p.read_bytes() for p in _run(root, config).outputs}
    assert first == second


def test_a_resubmission_supersedes_and_reports_its_changes(ward: tuple[Path, Config]) -> None:
    root, config = ward
    _run(root, config)
    _drop(
        root,
        config,
        "KP-BD01",
        [_model(config, "Camera an ninh", people_reached=500), _model(config, "Tổ tự quản vệ sinh", VH)],
        "kp01-sua.xlsx",
        dt.date(2026, 11, 23),
    )
    result = _run(root, config)
    assert [c.as_dict() for c in result.changes] == [
        {
            "unit": "KP-BD01",
            "file": "kp01-sua.xlsx",
            "previous": "kp01.xlsx",
            "added": ["Tổ tự quản vệ sinh"],
            "removed": ["Tuyến đường hoa"],
            "edited": ["Camera an ninh"],
        }
    ]
    assert [m.values["name"] for m in result.consolidation.models if m.unit.code == "KP-BD01"] == [
        "Camera an ninh",
        "Tổ tự quản vệ sinh",
    ]
    with open_register(root, NOW, write=False) as register:
        assert [(i.code, i.name) for i in register.items()] == [
            ("MH-2026-001", "Camera an ninh"),
            ("MH-2026-002", "Tổ tự quản vệ sinh"),
            ("MH-2026-003", "Đối thoại với Nhân dân"),
        ]
        assert len(register.files(2026)) == 3


def test_received_override_moves_a_late_file_on_time(ward: tuple[Path, Config]) -> None:
    root, config = ward
    _drop(root, config, "HND", [_model(config, "Nông dân liên kết")], "hnd.xlsx", dt.date(2026, 11, 29))
    late = {u.unit.code: u for u in _run(root, config).consolidation.units}["HND"]
    assert late.label == "Trễ hạn 4 ngày"
    outcome = CliRunner().invoke(
        main, ["--root", str(root), "received", "hnd.xlsx", "--date", "24/11/2026", "--reason", "Nhận bản giấy"]
    )
    assert outcome.exit_code == 0, outcome.output
    assert "hnd.xlsx" in outcome.output
    assert "Chạy lại `dvk consolidate --year 2026`" in outcome.output  # a command that runs as printed
    now_on_time = {u.unit.code: u for u in _run(root, config).consolidation.units}["HND"]
    assert now_on_time.label == "Đúng hạn"
    missing = CliRunner().invoke(
        main, ["--root", str(root), "received", "khong-co.xlsx", "--date", "24/11/2026", "--reason", "x"]
    )
    assert missing.exit_code == 2 and "không tìm thấy tệp" in missing.output


def test_the_next_year_matches_codes_and_refuses_foreign_ones(ward: tuple[Path, Config]) -> None:
    root, config = ward
    _run(root, config)
    shutil.rmtree(root / "inbox")
    continuing = {"status": "Tiếp tục thực hiện", "start_year": 2026}
    _drop(
        root,
        config,
        "KP-BD01",
        [_model(config, "Camera  an ninh", **continuing)],
        "kp01-2027.xlsx",
        dt.date(2027, 11, 20),
        year=2027,
    )
    _drop(
        root,
        config,
        "MTTQ",
        [
            _model(config, "Đối thoại", code="MH-2026-001", **continuing),
            _model(config, "Mô hình lạ", code="MH-2026-999", **continuing),
        ],
        "mttq-2027.xlsx",
        dt.date(2027, 11, 20),
        year=2027,
    )
    result = _run(root, config, 2027, now=dt.datetime(2027, 11, 30))
    by_file = {s.source.name: s for s in result.submissions}
    assert [(f.code, f.cell) for f in by_file["mttq-2027.xlsx"].findings if f.severity == "error"] == [
        ("code-of-another-unit", "A4"),
        ("unknown-model-code", "A5"),
    ]
    assert [(f.code, f.cell) for f in result.consolidation.findings if f.code == "matched-by-name"] == [
        ("matched-by-name", "B4")
    ]
    with open_register(root, NOW, write=False) as register:
        camera = register.item("MH-2026-001")
        assert camera is not None and camera.state == "in-progress"
        assert [(e[1], e[2], e[3], e[4]) for e in register.events("MH-2026-001")] == [
            (2026, "register", None, "registered"),
            (2027, "report", "registered", "in-progress"),
        ]


def test_rebuild_from_the_archive_equals_the_live_register(ward: tuple[Path, Config]) -> None:
    root, config = ward
    _run(root, config)
    _drop(
        root,
        config,
        "KP-BD01",
        [_model(config, "Camera an ninh", people_reached=9)],
        "kp01-sua.xlsx",
        dt.date(2026, 11, 26),
    )
    _run(root, config)
    CliRunner().invoke(
        main,
        [
            "--root",
            str(root),
            "received",
            "kp01-sua.xlsx",
            "--date",
            "2026-11-25",
            "--reason",
            "Gửi qua Zalo ngày 25/11",
        ],
    )
    _run(root, config)
    live = _register_rows(root)
    outcome = CliRunner().invoke(main, ["--root", str(root), "rebuild"])
    assert outcome.exit_code == 0 and "2026" in outcome.output
    assert _register_rows(root) == live
    assert rebuild(root, config) == [2026]


def test_status_reads_the_register_and_exits_1_while_units_are_missing(ward: tuple[Path, Config]) -> None:
    root, config = ward
    _run(root, config)
    submissions, data = year_status(root, config, 2026)
    assert len(submissions) == 2
    assert {u.unit.code: u.label for u in data.units}["MTTQ"] == "Đúng hạn"
    outcome = CliRunner().invoke(main, ["--root", str(root), "status", "--year", "2026"])
    assert outcome.exit_code == 1
    assert "2/39 đơn vị đã gửi báo cáo hợp lệ" in outcome.output
    assert "KP-BD01" in outcome.output and "Chưa gửi" in outcome.output
    assert (root / ARCHIVE_FOLDER).is_dir()


def test_the_next_year_reports_carry_the_change_on_last_year(ward: tuple[Path, Config]) -> None:
    import docx
    import openpyxl

    root, config = ward
    _run(root, config)  # 2026: 3 models
    continuing = {"status": "Tiếp tục thực hiện", "start_year": 2026}
    _drop(
        root,
        config,
        "KP-BD01",
        [_model(config, "Camera an ninh", code="MH-2026-001", **continuing)],
        "kp01-2027.xlsx",
        dt.date(2027, 11, 20),
        year=2027,
    )
    result = _run(root, config, 2027, now=dt.datetime(2027, 11, 30))  # 2027: 1 model
    report = docx.Document(str(next(p for p in result.outputs if p.name == "bao-cao-tinh-2027.docx")))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Tổng số giảm 2 mô hình so với năm 2026." in text
    comparison = next(t for t in report.tables if t.rows[0].cells[0].text == "Nội dung" and len(t.columns) == 4)
    assert [c.text for c in comparison.rows[1].cells] == ["Tổng số mô hình", "3", "1", "-2"]
    workbook = openpyxl.load_workbook(next(p for p in result.outputs if p.name == "tong-hop-2027.xlsx"))
    cells = [str(c.value) for row in workbook["Thống kê"].iter_rows() for c in row if c.value is not None]
    assert "So sánh với năm 2026" in cells


def test_next_year_templates_carry_the_live_models(ward: tuple[Path, Config]) -> None:
    import openpyxl

    root, config = ward
    _run(root, config)
    outcome = CliRunner().invoke(main, ["--root", str(root), "templates", "--year", "2027"])
    assert outcome.exit_code == 0, outcome.output
    sheet = openpyxl.load_workbook(root / "outbox" / "2027" / "mau-bieu" / "KP-BD01.xlsx")["Mô hình"]
    rows = [[sheet.cell(row, column).value for column in range(1, 6)] for row in (4, 5, 6)]
    assert rows == [
        ["MH-2026-001", "Camera an ninh", KT, "Tiếp tục thực hiện", 2026],
        ["MH-2026-002", "Tuyến đường hoa", VH, "Tiếp tục thực hiện", 2026],
        [None, None, None, None, None],
    ]
    assert sheet["A4"].protection.locked and not sheet["F4"].protection.locked
    other = openpyxl.load_workbook(root / "outbox" / "2027" / "mau-bieu" / "HND.xlsx")["Mô hình"]
    assert other["A4"].value is None


def test_legacy_import_through_the_cli_survives_a_rebuild(ward: tuple[Path, Config]) -> None:
    root, config = ward
    listing = root / "danh-sach-nhon-khanh.csv"
    listing.write_text(
        "Tên mô hình;Đơn vị;Lĩnh vực;Năm bắt đầu\n"
        "Đường hoa nông thôn mới;TH-NK01;Văn hóa - xã hội;2019\n"
        "Tổ hòa giải ở cơ sở;Chi bộ thôn Tân Dân;Xây dựng hệ thống chính trị;2021\n",
        encoding="utf-8-sig",
    )
    outcome = CliRunner().invoke(main, ["--root", str(root), "import-legacy", str(listing), "--origin", "Nhơn Khánh"])
    assert outcome.exit_code == 0, outcome.output
    assert "Đã đưa 2 mục vào sổ theo dõi" in outcome.output
    again = CliRunner().invoke(main, ["--root", str(root), "import-legacy", str(listing), "--origin", "nhon khanh"])
    assert "Đã đưa 0 mục" in again.output and "2 mục đã có" in again.output
    _run(root, config)
    with open_register(root, NOW, write=False) as register:
        assert [(i.code, i.unit, i.state) for i in register.items() if i.first_year == 2025] == [
            ("MH-2025-001", "TH-NK01", "under-review"),
            ("MH-2025-002", "TH-NK02", "under-review"),
        ]
    live = _register_rows(root)
    listing.unlink()  # the archived copy is what a rebuild reads
    assert CliRunner().invoke(main, ["--root", str(root), "rebuild"]).exit_code == 0
    assert _register_rows(root)["items"] == live["items"]
    assert _register_rows(root)["events"] == live["events"]
    bad = CliRunner().invoke(
        main, ["--root", str(root), "import-legacy", str(root / "config" / "units.yaml"), "--origin", "Hà Nội"]
    )
    assert bad.exit_code == 2


def test_a_replaced_rejection_no_longer_fails_the_run_and_a_stray_file_can_be_withdrawn(
    ward: tuple[Path, Config],
) -> None:
    root, config = ward
    _drop(root, config, "HND", [_model(config, "Nông dân", budget_vnd="1,5 triệu")], "hnd.xlsx", dt.date(2026, 11, 20))
    (root / "inbox" / "nham.pdf").write_bytes(b"%PDF-1.4 not ours")
    first = _run(root, config)
    assert [r["file"] for r in first.summary(root)["rejected"]] == ["hnd.xlsx", "nham.pdf"]
    _drop(
        root, config, "HND", [_model(config, "Nông dân", budget_vnd=1_500_000)], "hnd-sua.xlsx", dt.date(2026, 11, 22)
    )
    second = _run(root, config).summary(root)
    assert [r["file"] for r in second["rejected"]] == ["nham.pdf"] and second["superseded"] == ["hnd.xlsx"]
    outcome = CliRunner().invoke(main, ["--root", str(root), "withdraw", "nham.pdf", "--reason", "Chép nhầm"])
    assert outcome.exit_code == 0, outcome.output
    consolidated = CliRunner().invoke(main, ["--root", str(root), "consolidate", "--year", "2026", "--json"])
    assert consolidated.exit_code == 0
    summary = json.loads(consolidated.stdout)
    assert summary["rejected"] == [] and "HND" in summary["accepted"]
    live = _register_rows(root)
    assert CliRunner().invoke(main, ["--root", str(root), "rebuild"]).exit_code == 0
    assert _register_rows(root)["files"] == live["files"]


def test_codes_go_on_past_999_in_number_order(tmp_path: Path) -> None:
    """A province registers thousands of models a year: after MH-2026-999 comes MH-2026-1000, not a clash."""
    moment = dt.datetime(2026, 12, 1, 8, 0)
    with open_register(tmp_path, moment) as register:
        codes = []
        for _ in range(1002):
            code = register.new_code("models", 2026)
            register.add_item(code, "models", "KP-BD01", code, code.lower(), 2026, "registered")
            codes.append(code)
        assert codes[998:] == ["MH-2026-999", "MH-2026-1000", "MH-2026-1001", "MH-2026-1002"]
        register.db.execute("DELETE FROM items WHERE code='MH-2026-1002'")
        assert register.new_code("models", 2026) == "MH-2026-1002"
        assert register.new_code("collectives", 2026) == "TT-2026-001"
    with open_register(tmp_path, moment) as register:
        assert register.new_code("models", 2026) == "MH-2026-1002"


def test_the_last_ten_backups_are_kept(tmp_path: Path) -> None:
    for second in range(13):  # the first run has no register to back up yet
        with open_register(tmp_path, dt.datetime(2026, 12, 1, 8, 0, second)):
            pass
    kept = sorted(p.name for p in (tmp_path / BACKUP_FOLDER).glob("register-*.sqlite3"))
    assert kept == [f"register-20261201-0800{second:02d}.sqlite3" for second in range(3, 13)]


def _backups(folder: Path, count: int, megabytes: int) -> list[Path]:
    """``count`` backups of ``megabytes`` each (sparse files: nothing is written), oldest first."""
    folder.mkdir(exist_ok=True)
    paths = [folder / f"register-20261201-0800{second:02d}.sqlite3" for second in range(count)]
    for path in paths:
        with path.open("wb") as file:
            file.truncate(megabytes << 20)
    return paths


def test_large_backups_are_kept_within_the_budget_but_never_fewer_than_three(tmp_path: Path) -> None:
    assert BACKUP_BUDGET == 1 << 30 and BACKUPS_ALWAYS_KEPT == 3
    ward = _backups(tmp_path / "ward", 12, 3)
    assert backups_to_drop(ward) == ward[:2]  # ten of a ward's few megabytes
    province = _backups(tmp_path / "province", 12, 270)
    assert backups_to_drop(province) == province[:9]  # three fit in 1 GB, a fourth would not
    huge = _backups(tmp_path / "huge", 5, 600)
    assert backups_to_drop(huge) == huge[:2]  # over the budget, but three are always kept
    assert backups_to_drop(huge[:2]) == []


def test_two_files_of_one_unit_received_within_one_second_keep_the_order_they_were_seen(tmp_path: Path) -> None:
    """The register keeps received-at to the second: a resubmission saved within the same second as
    the first file is still the later one (not whichever hash sorts first)."""
    first, resubmitted = "f" * 64, "0" * 64  # by hash, the resubmission would sort first
    moment = dt.datetime(2026, 11, 20, 9, 0, 0)
    with open_register(tmp_path, NOW) as register:
        register.record_file(first, 10, "nong-dan.xlsx", ".xlsx", 2026, moment)
        register.record_file(resubmitted, 11, "nong-dan.xlsx", ".xlsx", 2026, moment)
        register.record_file("a" * 64, 12, "ca.xlsx", ".xlsx", 2026, moment - dt.timedelta(seconds=1))
    with open_register(tmp_path, NOW, write=False) as register:
        assert [e.sha256 for e in register.files(2026)] == ["a" * 64, first, resubmitted]


def test_of_two_files_dropped_within_one_second_the_one_that_arrived_later_counts_and_a_rebuild_agrees(
    ward: tuple[Path, Config],
) -> None:
    """Both files arrive before one run, 0.5 s apart in one second, and their names sort the other
    way: the file system's modification times decide which is the resubmission, and a rebuild from
    the archive keeps that order."""
    root, config = ward
    second = dt.datetime(2026, 11, 24, 9, 0, 0).timestamp()
    for name, model, offset in [("kp01-z.xlsx", "Camera an ninh", 0.1), ("kp01-a.xlsx", "Đèn đường tự quản", 0.6)]:
        path = root / "inbox" / name
        path.write_bytes(filled_template(config, "KP-BD01", _answers(config, [_model(config, model)])))
        os.utime(path, ns=(int((second + offset) * 1e9),) * 2)
    (root / "inbox" / "kp01.xlsx").unlink()  # the fixture's first file of the unit: not part of this

    def models_of_kp01() -> list[str]:
        result = _run(root, config)
        return [m.values["name"] for m in result.consolidation.models if m.unit.code == "KP-BD01"]

    assert models_of_kp01() == ["Đèn đường tự quản"]
    with open_register(root, NOW, write=False) as register:
        assert [e.first_name for e in register.files(2026) if e.first_name.startswith("kp01-")] == [
            "kp01-z.xlsx",
            "kp01-a.xlsx",
        ]
    rebuild(root, config)
    assert models_of_kp01() == ["Đèn đường tự quản"]
