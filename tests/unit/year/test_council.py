"""The steering committee's decisions, end to end: the council workbook, its filled copy in the
inbox, the register's states and events across re-runs and a rebuild."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.config import Config
from pipeline.core import layout
from pipeline.core.identity import verify
from pipeline.outputs.xlsx.council import COUNCIL_SHEET, DECISION_CHOICES, NO_DECISION
from pipeline.register import REGISTER_FILE, open_register
from pipeline.run.cycle import RunResult, rebuild, run_consolidation, year_status
from tests.support.builder import activity_answers, drop_file, drop_workbook, morning_of, new_workspace

NOW = dt.datetime(2026, 11, 30, 8, 0)
LATER = dt.datetime(2026, 12, 20, 8, 0)
KT, VH = "Kinh tế", "Văn hóa - xã hội"
HEADERS = (
    "STT",
    "Mã",
    "Đơn vị",
    "Loại",
    "Tên",
    "Lĩnh vực",
    "Tổng điểm",
    "Xếp loại",
    "Đề xuất của đơn vị",
    "Đề xuất theo tiêu chí",
    "Giải thích",
    "Quyết định của Ban chỉ đạo",
    "Số quyết định",
    "Ngày quyết định",
    "Ghi chú",
)
COLUMN = {header: index for index, header in enumerate(HEADERS, start=1)}
DECIDED = dt.datetime(2026, 12, 15)


# --------------------------------------------------------------------------- a ward with two units


def _scores(config: Config, kind: str, share: float) -> dict[str, float]:
    """Every criterion of ``kind`` scored at ``share`` of its maximum."""
    return {f.key: share * (f.max or 0) for f in config.template.sheet(kind).score_fields()}


def _model(config: Config, name: str, share: float = 0.6, field: str = KT) -> dict[str, Any]:
    values = {"name": name, "field": field, "status": "Mới đăng ký", "start_year": 2026, "proposal": "Không đề nghị"}
    return {**values, **_scores(config, "models", share)}


def _collective(config: Config, name: str) -> dict[str, Any]:
    values = {"name": name, "field": VH, "achievements": "Vận động hiến 300 m² đất mở đường", "proposal": "Khen thưởng"}
    return {**values, **_scores(config, "collectives", 1.0)}


def _answers(config: Config, models: list[dict[str, Any]], collectives: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "unit": {"preparer": "Trần Văn Minh", "report_date": dt.date(2026, 11, 20)},
        "models": models,
        "collectives": collectives,
        "activities": activity_answers(config, 2),
    }


def _drop_unit(
    root: Path,
    config: Config,
    code: str,
    name: str,
    models: list[Any],
    collectives: list[Any],
    day: int = 20,
    year: int = 2026,
) -> None:
    answers = _answers(config, models, collectives)
    drop_workbook(root, config, code, answers, name, morning_of(dt.date(year, 11, day)), year)


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, Config]:
    """2026 consolidated once: KP-BD01 with two models and a collective, MTTQ with three models."""
    config = new_workspace(tmp_path)
    kp01 = [_model(config, "Camera an ninh", share=1.0), _model(config, "Tuyến đường hoa", field=VH)]
    _drop_unit(tmp_path, config, "KP-BD01", "kp01.xlsx", kp01, [_collective(config, "Tổ dân phố số 3")])
    mttq = [_model(config, n) for n in ("Đối thoại với Nhân dân", "Nhóm Zalo khu phố", "Sân chơi thiếu nhi")]
    _drop_unit(tmp_path, config, "MTTQ", "mttq.xlsx", mttq, [])
    _run(tmp_path, config)
    return tmp_path, config


def _run(root: Path, config: Config, now: dt.datetime = NOW, year: int = 2026) -> RunResult:
    return run_consolidation(root, config, year, None, now=now)


def _issue(root: Path, year: int = 2026) -> Path:
    outcome = CliRunner().invoke(main, ["--root", str(root), "council", "--year", str(year)])
    assert outcome.exit_code == 0, outcome.output
    return root / "outbox" / str(year) / f"xet-duyet-{year}.xlsx"


def _decide(path: Path, decisions: dict[str, tuple[Any, ...]], others: str | None = None) -> bytes:
    """The council's copy with ``decisions`` typed in: item name -> (decision, number, date, note);
    ``others``, when given, replaces the suggested decision of every other row."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[COUNCIL_SHEET]
    rows = {sheet.cell(row, COLUMN["Tên"]).value: row for row in range(layout.FIRST_DATA_ROW, sheet.max_row + 1)}
    for name, row in rows.items():
        if others is not None and name not in decisions:
            sheet.cell(row, COLUMN["Quyết định của Ban chỉ đạo"]).value = others
    for name, values in decisions.items():
        for header, value in zip(HEADERS[-4:], values, strict=False):
            sheet.cell(rows[name], COLUMN[header]).value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _codes(root: Path) -> dict[str, str]:
    with open_register(root, NOW, write=False) as register:
        return {item.name: item.code for item in register.items()}


def _states(root: Path) -> dict[str, str]:
    with open_register(root, NOW, write=False) as register:
        return {item.name: item.state for item in register.items()}


def _events(root: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(root / REGISTER_FILE) as db:
        return db.execute(
            "SELECT code, year, event, from_state, to_state, evidence, reason FROM events ORDER BY id"
        ).fetchall()


def _ledger(root: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(root / REGISTER_FILE) as db:
        return db.execute("SELECT * FROM files ORDER BY sha256").fetchall()


def _flat(result: RunResult) -> list[tuple[str, str, str]]:
    """The council files' findings as [code, sheet, cell], like frictionless' flattened report."""
    return [(f.code, f.sheet, f.cell) for council in result.councils for f in council.findings]


# --------------------------------------------------------------------------- the workbook


def test_council_workbook_lists_every_item_with_its_proposal(ward: tuple[Path, Config]) -> None:
    root, config = ward
    before = (_ledger(root), _events(root))
    path = _issue(root)
    assert (_ledger(root), _events(root)) == before  # nothing is written to the register
    first = path.read_bytes()
    assert _issue(root).read_bytes() == first  # deterministic bytes

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [COUNCIL_SHEET, layout.LISTS_SHEET, layout.META_SHEET]
    sheet = workbook[COUNCIL_SHEET]
    assert tuple(c.value for c in sheet[layout.HEADER_ROW]) == HEADERS
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=layout.FIRST_DATA_ROW)]
    codes = _codes(root)
    assert [(r[0], r[1], r[3], r[4], r[9], r[11]) for r in rows] == [
        (1, codes["Camera an ninh"], "Mô hình", "Camera an ninh", "Công nhận", "Công nhận"),
        (2, codes["Tuyến đường hoa"], "Mô hình", "Tuyến đường hoa", "Củng cố", "Củng cố"),
        (3, codes["Đối thoại với Nhân dân"], "Mô hình", "Đối thoại với Nhân dân", "Củng cố", "Củng cố"),
        (4, codes["Nhóm Zalo khu phố"], "Mô hình", "Nhóm Zalo khu phố", "Củng cố", "Củng cố"),
        (5, codes["Sân chơi thiếu nhi"], "Mô hình", "Sân chơi thiếu nhi", "Củng cố", "Củng cố"),
        (6, codes["Tổ dân phố số 3"], "Điển hình tập thể", "Tổ dân phố số 3", "Khen thưởng", "Khen thưởng"),
    ]
    camera = rows[0]
    assert camera[2] == "Chi bộ khu phố Liêm Định" and camera[6] == 100 and camera[7] == "Xuất sắc"
    assert camera[8] == "Không đề nghị" and camera[12:] == [None, None, None]
    assert camera[10].startswith("Tổng điểm 100/100, xếp loại Xuất sắc; đạt 6/6 tiêu chí")
    assert "theo quy tắc “Công nhận mô hình đạt loại Tốt và đạt đủ tiêu chí”" in camera[10]

    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert validations["L4:L9"].type == "list" and validations["L4:L9"].formula1 == "'_lists'!$A$2:$A$10"
    assert validations["N4:N9"].type == "date"
    lists = workbook[layout.LISTS_SHEET]
    assert [lists.cell(r, 1).value for r in range(2, 11)] == list(DECISION_CHOICES)
    assert DECISION_CHOICES == (
        "Công nhận",
        "Công nhận lại",
        "Củng cố",
        "Nhân rộng",
        "Đưa ra khỏi danh sách",
        "Biểu dương",
        "Khen thưởng",
        "Giữ lại",
        NO_DECISION,
    )
    assert sheet.protection.sheet and sheet.freeze_panes == "C4"
    assert all(sheet.cell(4, COLUMN[h]).protection.locked for h in HEADERS[:11])
    assert not any(sheet.cell(4, COLUMN[h]).protection.locked for h in HEADERS[11:])
    assert sheet.column_dimensions["K"].width == 60

    meta = {row[0]: row[1] for row in workbook[layout.META_SHEET].iter_rows(values_only=True)}
    assert meta["kind"] == layout.META_KIND_COUNCIL == "dvk-council"
    assert (meta["unit_code"], meta["year"], meta["template_version"]) == ("-", "2026", config.template.version)
    assert verify(config.secret, meta["signature"], "dvk-council", "-", 2026, config.template.version)
    assert workbook[layout.META_SHEET].sheet_state == workbook[layout.LISTS_SHEET].sheet_state == "hidden"


# --------------------------------------------------------------------------- applying decisions


def _filled(root: Path) -> bytes:
    """A recognise, a remove, a reward, a row left undecided, one without a number, one illegal move."""
    return _decide(
        _issue(root),
        {
            "Camera an ninh": ("Công nhận", "12-QĐ/BCĐ", DECIDED, "Mô hình tiêu biểu"),
            "Tuyến đường hoa": ("Đưa ra khỏi danh sách", "13-QĐ/BCĐ", DECIDED),
            "Đối thoại với Nhân dân": (NO_DECISION,),
            "Nhóm Zalo khu phố": ("Củng cố", None, DECIDED),
            "Sân chơi thiếu nhi": ("Nhân rộng", "14-QĐ/BCĐ", "15/12/2026"),
            "Tổ dân phố số 3": ("Khen thưởng", "15-QĐ/BCĐ", DECIDED),
        },
    )


def test_filled_decisions_reach_the_register_once_and_survive_reruns_and_rebuild(ward: tuple[Path, Config]) -> None:
    root, config = ward
    drop_file(root, "quyet-dinh-bcd.xlsx", _filled(root), morning_of(dt.date(2026, 12, 16)))
    result = _run(root, config, LATER)

    assert [s.source.name for s in result.submissions] == ["kp01.xlsx", "mttq.xlsx"]
    assert _flat(result) == [
        ("decision-missing-number", COUNCIL_SHEET, "M7"),
        ("illegal-decision", COUNCIL_SHEET, "L8"),
    ]
    illegal = result.councils[0].findings[1]
    assert illegal.message.endswith(
        "Mô hình đang ở trạng thái “Đã đăng ký”, không thể “Nhân rộng”. Quyết định không được ghi."
    )
    assert "“Công nhận”" in illegal.hint
    summary = result.summary(root)
    assert summary["rejected"] == [] and summary["accepted"] == ["KP-BD01", "MTTQ"]
    assert [(c["file"], c["verdict"], c["applied"]) for c in summary["council"]] == [
        ("quyet-dinh-bcd.xlsx", "accepted", 3)
    ]
    assert [f["code"] for f in summary["council"][0]["findings"]] == ["decision-missing-number", "illegal-decision"]
    assert result.failed

    assert _states(root) == {
        "Camera an ninh": "recognised",
        "Tuyến đường hoa": "removed",
        "Đối thoại với Nhân dân": "registered",
        "Nhóm Zalo khu phố": "registered",
        "Sân chơi thiếu nhi": "registered",
        "Tổ dân phố số 3": "recognised",
    }
    codes = _codes(root)
    decisions = [e for e in _events(root) if e[2] != "register"]
    with open_register(root, NOW, write=False) as register:
        sha = next(e.sha256 for e in register.files(2026) if e.first_name == "quyet-dinh-bcd.xlsx")
        assert register.state_before(2027)[codes["Camera an ninh"]] == "recognised"
        ledger = {row["first_name"]: row for row in register.ledger()}
    assert decisions == [
        (
            codes["Camera an ninh"],
            2026,
            "recognise",
            "registered",
            "recognised",
            f"QĐ 12-QĐ/BCĐ ngày 15/12/2026; tệp {sha[:12]}",
            "Mô hình tiêu biểu",
        ),
        (
            codes["Tuyến đường hoa"],
            2026,
            "remove",
            "registered",
            "removed",
            f"QĐ 13-QĐ/BCĐ ngày 15/12/2026; tệp {sha[:12]}",
            "Ban chỉ đạo quyết định “Đưa ra khỏi danh sách”",
        ),
        (
            codes["Tổ dân phố số 3"],
            2026,
            "recognise",
            "registered",
            "recognised",
            f"QĐ 15-QĐ/BCĐ ngày 15/12/2026; tệp {sha[:12]}",
            "Công nhận để “Khen thưởng” theo quyết định của Ban chỉ đạo",
        ),
        (
            codes["Tổ dân phố số 3"],
            2026,
            "reward",
            "recognised",
            "recognised",
            f"QĐ 15-QĐ/BCĐ ngày 15/12/2026; tệp {sha[:12]}",
            "Ban chỉ đạo quyết định “Khen thưởng”",
        ),
    ]
    council_row = ledger["quyet-dinh-bcd.xlsx"]
    assert (council_row["verdict"], council_row["unit"], council_row["year"]) == ("accepted", "", 2026)
    assert [f["code"] for f in json.loads(council_row["findings"])] == ["decision-missing-number", "illegal-decision"]

    # Re-running the year replays the decisions after the units' files: nothing doubles.
    events, states = _events(root), _states(root)
    again = _run(root, config, LATER + dt.timedelta(hours=1))
    assert _events(root) == events and _states(root) == states
    assert [(c.applied, c.unchanged) for c in again.councils] == [(3, 0)]
    assert len(year_status(root, config, 2026)[0]) == 2  # the council file is no unit's submission

    # The same decisions in a second copy are already recorded.
    copy_data = _decide(_issue(root), {"Camera an ninh": ("Công nhận", "12-QĐ/BCĐ", DECIDED)}, others=NO_DECISION)
    drop_file(root, "ban-sao/quyet-dinh-bcd (1).xlsx", copy_data, morning_of(dt.date(2026, 12, 17)))
    copy = _run(root, config, LATER + dt.timedelta(hours=2))
    assert [(c.file, c.applied, c.unchanged) for c in copy.councils] == [
        ("quyet-dinh-bcd.xlsx", 3, 0),
        ("ban-sao/quyet-dinh-bcd (1).xlsx", 0, 1),
    ]
    assert _events(root) == events

    live = (_ledger(root), _events(root), _states(root))
    assert rebuild(root, config) == [2026]
    assert (_ledger(root), _events(root), _states(root)) == live  # in the same order, too


def test_consolidate_cli_reports_the_council_file(ward: tuple[Path, Config]) -> None:
    root, _ = ward
    drop_file(root, "quyet-dinh-bcd.xlsx", _filled(root), morning_of(dt.date(2026, 12, 16)))
    outcome = CliRunner().invoke(main, ["--root", str(root), "consolidate", "--year", "2026", "--json"])
    assert outcome.exit_code == 1  # two decisions could not be recorded
    council = json.loads(outcome.output)["council"]
    assert [(c["file"], c["applied"], len(c["findings"])) for c in council] == [("quyet-dinh-bcd.xlsx", 3, 2)]
    text = " ".join(CliRunner().invoke(main, ["--root", str(root), "consolidate", "--year", "2026"]).output.split())
    assert "Bảng xét duyệt “quyet-dinh-bcd.xlsx”: đã ghi 3 quyết định của Ban chỉ đạo vào sổ theo dõi" in text
    # Every error listed whole on screen, as a unit file's are: no pointer to --json.
    assert "2 lỗi, các dòng có lỗi chưa được ghi: - Lỗi: Sheet “Xét duyệt”, ô M7:" in text
    assert "“Nhóm Zalo khu phố” có quyết định “Củng cố” nhưng chưa ghi số quyết định" in text
    assert "- Lỗi: Sheet “Xét duyệt”, ô L8: “Sân chơi thiếu nhi”" in text
    assert "--json" not in text


def test_rows_that_cannot_be_recorded_say_why(ward: tuple[Path, Config]) -> None:
    root, config = ward
    path = _issue(root)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[COUNCIL_SHEET]
    sheet["B5"], sheet["E5"] = "MH-2026-999", "Mô hình không có"  # edited over the sheet's protection
    buffer = io.BytesIO()
    workbook.save(buffer)
    edited = root / "sua.xlsx"
    edited.write_bytes(buffer.getvalue())
    data = _decide(
        edited,
        {
            "Camera an ninh": ("cong nhan", 12, DECIDED),  # typed without diacritics, number as a number
            "Mô hình không có": ("Củng cố", "13-QĐ/BCĐ", DECIDED),
            "Đối thoại với Nhân dân": ("Tuyên dương", "14-QĐ/BCĐ", DECIDED),
            "Nhóm Zalo khu phố": ("Củng cố", "15-QĐ/BCĐ"),
            "Sân chơi thiếu nhi": ("Củng cố", "16-QĐ/BCĐ", "ngày mai"),
        },
        others=NO_DECISION,
    )
    drop_file(root, "quyet-dinh.xlsx", data, morning_of(dt.date(2026, 12, 16)))
    result = _run(root, config, LATER)
    assert _flat(result) == [
        ("choice-normalised", COUNCIL_SHEET, "L4"),
        ("council-unknown-code", COUNCIL_SHEET, "B5"),
        ("unknown-decision", COUNCIL_SHEET, "L6"),
        ("decision-missing-date", COUNCIL_SHEET, "N7"),
        ("wrong-type", COUNCIL_SHEET, "N8"),
    ]
    assert result.councils[0].applied == 1
    assert _states(root)["Camera an ninh"] == "recognised"
    assert [e[5].split(";")[0] for e in _events(root) if e[2] == "recognise"] == ["QĐ 12 ngày 15/12/2026"]


def test_a_code_reissued_by_a_rerun_is_not_trusted(ward: tuple[Path, Config]) -> None:
    root, config = ward
    data = _decide(_issue(root), {"Tuyến đường hoa": ("Công nhận", "12-QĐ/BCĐ", DECIDED)}, others=NO_DECISION)
    old_code = _codes(root)["Tuyến đường hoa"]
    # KP-BD01 sends a corrected file without its first model: this year's codes move up by one.
    _drop_unit(root, config, "KP-BD01", "kp01-sua.xlsx", [_model(config, "Tuyến đường hoa", field=VH)], [], day=22)
    drop_file(root, "quyet-dinh.xlsx", data, morning_of(dt.date(2026, 12, 16)))
    result = _run(root, config, LATER)
    codes = _codes(root)
    assert codes["Tuyến đường hoa"] != old_code and codes["Đối thoại với Nhân dân"] == old_code
    assert _flat(result) == [] and result.councils[0].applied == 1
    assert _states(root)["Tuyến đường hoa"] == "recognised"
    assert _states(root)["Đối thoại với Nhân dân"] == "registered"


# --------------------------------------------------------------------------- refused files


def _with_meta(path: Path, key: str, value: str) -> bytes:
    workbook = openpyxl.load_workbook(path)
    meta = workbook[layout.META_SHEET]
    row = layout.META_KEYS.index(key) + 1
    meta.cell(row, 2).value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_edited_meta_is_refused(ward: tuple[Path, Config]) -> None:
    root, config = ward
    filled = root / "filled.xlsx"
    filled.write_bytes(_filled(root))
    drop_file(
        root, "sua-meta.xlsx", _with_meta(filled, "template_version", "2099.1"), morning_of(dt.date(2026, 12, 16))
    )
    result = _run(root, config, LATER)
    assert _flat(result) == [("signature-invalid", "", "")]
    assert "dvk council" in result.councils[0].findings[0].hint
    assert [(c.accepted, c.applied) for c in result.councils] == [(False, 0)]
    assert all(e[2] == "register" for e in _events(root))
    with open_register(root, NOW, write=False) as register:
        assert {r["first_name"]: r["verdict"] for r in register.ledger()}["sua-meta.xlsx"] == "rejected"
    assert "bị trả lại" in CliRunner().invoke(main, ["--root", str(root), "consolidate", "--year", "2026"]).output


def test_a_council_file_of_another_year_is_refused(ward: tuple[Path, Config]) -> None:
    root, config = ward
    drop_file(root, "bcd-2025.xlsx", _issue(root, 2025).read_bytes(), morning_of(dt.date(2026, 12, 16)))
    result = _run(root, config, LATER)
    assert _flat(result) == [("council-wrong-year", "", "")]
    assert result.councils[0].findings[0].message.startswith("Bảng xét duyệt là của năm 2025, không phải năm 2026")
    assert not result.councils[0].accepted and result.failed


def test_next_year_decisions_follow_the_units_reports_on_every_run(ward: tuple[Path, Config]) -> None:
    root, config = ward
    codes = _codes(root)
    shutil.rmtree(root / "inbox")
    continuing = {"status": "Tiếp tục thực hiện", "code": codes["Camera an ninh"]}
    models = [
        {**_model(config, "Camera an ninh", share=1.0), **continuing},
        {**_model(config, "Tuyến đường hoa", share=0.4, field=VH), **continuing, "code": codes["Tuyến đường hoa"]},
    ]
    _drop_unit(root, config, "KP-BD01", "kp01-2027.xlsx", models, [], year=2027)
    november = dt.datetime(2027, 11, 30)
    _run(root, config, november, 2027)  # both reported: registered -> in progress
    data = _decide(
        _issue(root, 2027),
        {
            "Camera an ninh": ("Công nhận", "3-QĐ/BCĐ", dt.datetime(2027, 12, 10)),
            "Tuyến đường hoa": ("Đưa ra khỏi danh sách", "4-QĐ/BCĐ", dt.datetime(2027, 12, 10)),
        },
    )
    drop_file(root, "bcd-2027.xlsx", data, morning_of(dt.date(2027, 12, 11)))
    for hour in (1, 2):  # applied, then the year run again
        result = _run(root, config, november + dt.timedelta(days=12, hours=hour), 2027)
        assert [(c.applied, c.findings) for c in result.councils] == [(2, ())]
    moves = [(e[0], e[1], e[2], e[3], e[4]) for e in _events(root) if e[1] == 2027]
    assert moves == [
        (codes["Camera an ninh"], 2027, "report", "registered", "in-progress"),
        (codes["Tuyến đường hoa"], 2027, "report", "registered", "in-progress"),
        (codes["Camera an ninh"], 2027, "recognise", "in-progress", "recognised"),
        (codes["Tuyến đường hoa"], 2027, "remove", "in-progress", "removed"),
    ]
    live = (_ledger(root), _events(root), _states(root))
    assert rebuild(root, config) == [2026, 2027]
    assert (_ledger(root), _events(root), _states(root)) == live


def test_the_reports_carry_the_councils_decisions(ward: tuple[Path, Config]) -> None:
    import docx

    root, config = ward
    drop_file(root, "quyet-dinh-bcd.xlsx", _filled(root), morning_of(dt.date(2026, 12, 16)))
    result = _run(root, config, LATER)
    report = docx.Document(str(next(p for p in result.outputs if p.name == "bao-cao-tinh-2026.docx")))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Ban Chỉ đạo đã xem xét, quyết định đối với 4 lượt mô hình, điển hình:" in text
    assert "sổ theo dõi" not in text
    table = next(t for t in report.tables if t.rows[0].cells[0].text == "Quyết định")
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}
    assert rows["Công nhận"] == ["1", "1", "0"]  # the reward of a collective records its recognition first
    assert rows["Đưa ra khỏi danh sách"] == ["1", "0", "0"]
    assert rows["Khen thưởng"] == ["0", "1", "0"]
    assert rows["Tổng cộng"] == ["2", "2", "0"]


def test_the_summary_tells_the_level_above_what_the_council_decided_on_each_item(ward: tuple[Path, Config]) -> None:
    """The summary's decisions column holds each item's decisions of the year, as the register
    records them; the province reads it back as what the ward recognised and commended."""
    import openpyxl

    from pipeline.core.layout import DECISION_HEADER, WARD_DECISION
    from pipeline.intake.receive import receive
    from pipeline.intake.sheets import Collector
    from pipeline.intake.ward_summary import _items

    root, config = ward
    drop_file(root, "quyet-dinh-bcd.xlsx", _filled(root), morning_of(dt.date(2026, 12, 16)))
    result = _run(root, config, LATER)
    summary = next(p for p in result.outputs if p.name == "tong-hop-2026.xlsx")
    decided: dict[str, str] = {}
    book = openpyxl.load_workbook(summary, read_only=True)
    for kind in ("models", "collectives"):
        sheet = config.template.sheet(kind)
        rows = list(book[sheet.title].iter_rows(values_only=True))
        name, decision = rows[0].index(sheet.field("name").label), rows[0].index(DECISION_HEADER)
        decided.update({row[name]: row[decision] for row in rows[1:] if row[decision]})
    book.close()
    assert decided == {
        "Camera an ninh": "Công nhận",
        "Tuyến đường hoa": "Đưa ra khỏi danh sách",
        "Tổ dân phố số 3": "Công nhận; Khen thưởng",  # recognised first, as the rules assume
    }
    received = receive(summary, summary.name)
    assert received.workbook is not None
    models = _items(received.workbook, config.template.sheet("models"), Collector(summary.name, []))
    assert {r.values["name"]: r.values[WARD_DECISION] for r in models if r.values[WARD_DECISION]} == {
        "Camera an ninh": "Công nhận",
        "Tuyến đường hoa": "Đưa ra khỏi danh sách",
    }
