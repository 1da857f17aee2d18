"""The register's "Done when": one ward across 2025-2027, end to end on real files.

2025: the former xã Nhơn Khánh's list of models is imported for review.
2026: units report (a resubmission, a late unit, a missing one, a legacy model reported by name);
      the steering committee recognises a new model, keeps one legacy model and removes another.
2027: the templates carry the live models; units report on them; the committee re-recognises,
      removes, and tries an illegal move; the register rebuilt from the archive equals the live
      one; the 2027 outputs compare with 2026.

The module fixture plays the whole story once (every run with a fixed ``now``) and keeps what
each step showed; each test asserts one step, so that one failing step does not hide the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from click.testing import CliRunner, Result

from pipeline.cli.main import main
from pipeline.config import Config
from pipeline.core import layout
from pipeline.outputs.xlsx.council import COLUMNS, COUNCIL_SHEET, NO_DECISION
from pipeline.register import REGISTER_FILE, open_register
from pipeline.run.cycle import RunResult, run_consolidation
from pipeline.tools.demo import fill_workbook
from tests.support.builder import activity_answers, drop_file, filled_template, morning_of, new_workspace

KT, VH, CT = "Kinh tế", "Văn hóa - xã hội", "Xây dựng hệ thống chính trị"
NEW, CONTINUING = "Mới đăng ký", "Tiếp tục thực hiện"
COUNCIL_COLUMN = {c.key: index for index, c in enumerate(COLUMNS, start=1)}
MODEL_SHEET = "Mô hình"

# Every run's clock.
FIRST_2026 = dt.datetime(2026, 11, 21, 17, 0)
MAIN_2026 = dt.datetime(2026, 11, 30, 8, 0)
COUNCIL_2026 = dt.datetime(2026, 12, 20, 8, 0)
MAIN_2027 = dt.datetime(2027, 11, 30, 8, 0)
COUNCIL_2027 = dt.datetime(2027, 12, 20, 8, 0)
DECIDED_2026 = dt.datetime(2026, 12, 15)
DECIDED_2027 = dt.datetime(2027, 12, 10)

LEGACY_CSV = (
    "Tên mô hình;Đơn vị;Lĩnh vực;Năm bắt đầu\n"
    "Đường hoa nông thôn mới;TH-NK01;Văn hóa - xã hội;2019\n"
    "Tổ hòa giải ở cơ sở;Chi bộ thôn Khánh Mỹ;Xây dựng hệ thống chính trị;2021\n"
    "Kho lúa cộng đồng;TH-NK02;Kinh tế;2020\n"
)

# The codes the story leads to: legacy items in the list's order, then each year's new items in
# the order of config/units.yaml (KP-BD01 ... TH-NK01, TH-NK02 ... MTTQ, HLHPN, ..., HND).
DUONG_HOA, HOA_GIAI, KHO_LUA = "MH-2025-001", "MH-2025-002", "MH-2025-003"
CAMERA, VE_SINH, DOI_THOAI, TIET_KIEM = "MH-2026-001", "MH-2026-002", "MH-2026-003", "MH-2026-004"
VUON_RAU, LIEN_KET, CANH_DONG = "MH-2027-001", "MH-2027-002", "MH-2027-003"


# --------------------------------------------------------------------------- playing units


def _scores(config: Config, share: float) -> dict[str, float]:
    return {f.key: float(round(share * (f.max or 0))) for f in config.template.sheet("models").score_fields()}


def _model(
    config: Config, name: str, share: float, field_: str = KT, status: str = NEW, start: int = 2026, **extra: Any
) -> dict[str, Any]:
    values = {"name": name, "field": field_, "status": status, "start_year": start, "proposal": "Không đề nghị"}
    return {**values, **_scores(config, share), **extra}


def _report(config: Config, share: float, **extra: Any) -> dict[str, Any]:
    """What a unit types into a row the ward prefilled: the scores and what it did."""
    return {**_scores(config, share), "proposal": "Không đề nghị", **extra}


def _answers(config: Config, year: int, models: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "unit": {"preparer": "Trần Văn Minh", "report_date": dt.date(year, 11, 18)},
        "models": models,
        "activities": activity_answers(config, 2),
    }


def _put(root: Path, name: str, data: bytes, day: dt.date) -> str:
    """Drop ``data`` into the inbox as received on ``day`` at 9:00; its sha256 comes back."""
    drop_file(root, name, data, morning_of(day))
    return hashlib.sha256(data).hexdigest()


def _issued(root: Path, code: str, year: int = 2027) -> bytes:
    return (root / "outbox" / str(year) / "mau-bieu" / f"{code}.xlsx").read_bytes()


def _fill_prefilled(config: Config, template: bytes, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A unit fills the prefilled rows of its template: a field the ward wrote in is kept, a blank
    one is picked (``rows`` follow the template's rows; new items come after the prefilled ones)."""
    sheet = openpyxl.load_workbook(io.BytesIO(template))[MODEL_SHEET]
    keys = [f.key for f in config.template.sheet("models").fields]
    filled = []
    for row, values in enumerate(rows, start=layout.FIRST_DATA_ROW):
        prefilled = sheet.cell(row, keys.index("code") + 1).value is not None
        if prefilled and sheet.cell(row, keys.index("field") + 1).value is not None:
            values = {k: v for k, v in values.items() if k != "field"}
        filled.append(values)
    return filled


def _prefilled_rows(root: Path, code: str, count: int = 3) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(root / "outbox" / "2027" / "mau-bieu" / f"{code}.xlsx")[MODEL_SHEET]
    first = layout.FIRST_DATA_ROW
    return [[sheet.cell(row, column).value for column in range(1, 6)] for row in range(first, first + count)]


# --------------------------------------------------------------------------- the council


def _council_rows(path: Path) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(path)[COUNCIL_SHEET]
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=layout.FIRST_DATA_ROW)]


def _decide(path: Path, decisions: dict[str, tuple[Any, ...]]) -> bytes:
    """The council's copy: item code -> (decision, number, date); every other row "Không quyết định"."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[COUNCIL_SHEET]
    for row in range(layout.FIRST_DATA_ROW, sheet.max_row + 1):
        code = sheet.cell(row, COUNCIL_COLUMN["code"]).value
        decision, number, day = decisions.get(code, (NO_DECISION, None, None))
        sheet.cell(row, COUNCIL_COLUMN["decision"]).value = decision
        sheet.cell(row, COUNCIL_COLUMN["number"]).value = number
        sheet.cell(row, COUNCIL_COLUMN["date"]).value = day
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cli(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), *args])


# --------------------------------------------------------------------------- the register


def _states(root: Path) -> dict[str, str]:
    with open_register(root, MAIN_2026, write=False) as register:
        return {item.code: item.state for item in register.items()}


def _events(root: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(root / REGISTER_FILE) as db:
        return db.execute(
            "SELECT code, year, event, from_state, to_state, evidence, reason FROM events ORDER BY id"
        ).fetchall()


def _register_rows(root: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(root / REGISTER_FILE) as db:
        return {
            "files": db.execute("SELECT * FROM files ORDER BY sha256").fetchall(),
            "names": db.execute("SELECT * FROM file_names ORDER BY sha256, name").fetchall(),
            "items": db.execute("SELECT * FROM items ORDER BY code").fetchall(),
            "years": db.execute("SELECT * FROM item_years ORDER BY code, year").fetchall(),
            "events": db.execute(
                "SELECT code, year, event, from_state, to_state, evidence, reason FROM events ORDER BY id"
            ).fetchall(),
        }


# --------------------------------------------------------------------------- the story


@dataclass
class Story:
    root: Path
    config: Config
    hashes: dict[str, str] = field(default_factory=dict)
    cli: dict[str, Result] = field(default_factory=dict)
    runs: dict[str, RunResult] = field(default_factory=dict)
    states: dict[str, dict[str, str]] = field(default_factory=dict)
    events: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    council_rows: dict[int, list[list[Any]]] = field(default_factory=dict)
    live: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    rebuilt: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)


def _play_2025(story: Story) -> None:
    listing = story.root / "danh-sach-nhon-khanh.csv"
    listing.write_text(LEGACY_CSV, encoding="utf-8-sig")
    story.hashes["legacy"] = hashlib.sha256(listing.read_bytes()).hexdigest()
    story.cli["import"] = _cli(story.root, "import-legacy", str(listing), "--origin", "Nhơn Khánh")
    story.states["2025"] = _states(story.root)


def _play_2026(story: Story) -> None:
    root, config = story.root, story.config

    def drop(code: str, name: str, day: int, models: list[dict[str, Any]]) -> None:
        data = filled_template(config, code, _answers(config, 2026, models))
        story.hashes[name] = _put(root, name, data, dt.date(2026, 11, day))

    camera = _model(config, "Camera an ninh", 1.0)
    drop("KP-BD01", "kp01.xlsx", 20, [camera, _model(config, "Tuyến đường hoa", 0.6, VH)])
    duong_hoa = _model(config, "Đường hoa  nông thôn mới", 0.8, VH, CONTINUING, 2019, people_reached=300)
    drop("TH-NK01", "nk01.xlsx", 21, [duong_hoa])
    story.runs["2026-first"] = run_consolidation(root, config, 2026, None, now=FIRST_2026)

    corrected = [{**camera, "people_reached": 500}, _model(config, "Tổ tự quản vệ sinh", 0.8, VH)]
    drop("KP-BD01", "kp01-sua.xlsx", 23, corrected)
    drop("TH-NK02", "nk02.xlsx", 22, [_model(config, "Kho lúa cộng đồng", 0.4, KT, CONTINUING, 2020)])
    drop("MTTQ", "mttq.xlsx", 24, [_model(config, "Đối thoại với Nhân dân", 0.6, CT)])
    drop("HLHPN", "hlhpn.xlsx", 28, [_model(config, "Phụ nữ tiết kiệm giúp nhau", 0.6)])
    story.runs["2026"] = run_consolidation(root, config, 2026, None, now=MAIN_2026)
    story.states["2026"] = _states(root)

    story.cli["council-2026"] = _cli(root, "council", "--year", "2026")
    issued = root / "outbox" / "2026" / "xet-duyet-2026.xlsx"
    story.council_rows[2026] = _council_rows(issued)
    decisions = {
        CAMERA: ("Công nhận", "12-QĐ/BCĐ", DECIDED_2026),
        DUONG_HOA: ("Giữ lại", "13-QĐ/BCĐ", DECIDED_2026),
        KHO_LUA: ("Đưa ra khỏi danh sách", "14-QĐ/BCĐ", DECIDED_2026),
    }
    story.hashes["bcd-2026"] = _put(root, "quyet-dinh-bcd-2026.xlsx", _decide(issued, decisions), dt.date(2026, 12, 16))
    story.runs["2026-council"] = run_consolidation(root, config, 2026, None, now=COUNCIL_2026)
    story.states["2026-council"] = _states(root)
    story.events["2026-council"] = _events(root)


def _play_2027(story: Story) -> None:
    root, config = story.root, story.config
    story.cli["templates-2027"] = _cli(root, "templates", "--year", "2027")
    shutil.rmtree(root / "inbox")  # everything is in the archive
    (root / "inbox").mkdir()

    def drop(code: str, name: str, day: int, rows: list[dict[str, Any]]) -> None:
        template = _issued(root, code)
        data = fill_workbook(template, _answers(config, 2027, _fill_prefilled(config, template, rows)), config)
        story.hashes[name] = _put(root, name, data, dt.date(2027, 11, day))

    drop(
        "KP-BD01",
        "kp01-2027.xlsx",
        19,
        [
            _report(config, 1.0, people_reached=800, proposal="Công nhận lại"),
            _report(config, 0.8),
            _model(config, "Vườn rau an toàn", 0.6, start=2027, people_reached=100),
        ],
    )
    drop("TH-NK01", "nk01-2027.xlsx", 20, [_report(config, 0.8), _report(config, 0.8, field=CT)])
    drop(
        "HND", "hnd-2027.xlsx", 21, [_model(config, n, 0.6, start=2027) for n in ("Nông dân liên kết", "Cánh đồng lớn")]
    )
    drop("MTTQ", "mttq-2027.xlsx", 24, [_report(config, 0.6)])
    story.runs["2027"] = run_consolidation(root, config, 2027, None, now=MAIN_2027)
    story.states["2027"] = _states(root)

    story.cli["council-2027"] = _cli(root, "council", "--year", "2027")
    issued = root / "outbox" / "2027" / "xet-duyet-2027.xlsx"
    story.council_rows[2027] = _council_rows(issued)
    decisions = {
        CAMERA: ("Công nhận lại", "3-QĐ/BCĐ", DECIDED_2027),
        DOI_THOAI: ("Đưa ra khỏi danh sách", "4-QĐ/BCĐ", DECIDED_2027),
        VE_SINH: ("Nhân rộng", "5-QĐ/BCĐ", DECIDED_2027),  # only in progress: illegal
    }
    story.hashes["bcd-2027"] = _put(root, "quyet-dinh-bcd-2027.xlsx", _decide(issued, decisions), dt.date(2027, 12, 11))
    story.runs["2027-council"] = run_consolidation(root, config, 2027, None, now=COUNCIL_2027)
    story.states["2027-council"] = _states(root)
    story.events["2027-council"] = _events(root)

    story.live = _register_rows(root)
    story.cli["rebuild"] = _cli(root, "rebuild")
    story.rebuilt = _register_rows(root)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    root = tmp_path_factory.mktemp("phuong")
    played = Story(root, new_workspace(root))
    _play_2025(played)
    _play_2026(played)
    _play_2027(played)
    return played


def _evidence(story: Story, number: str, day: str, council: str) -> str:
    return f"QĐ {number} ngày {day}; tệp {story.hashes[council][:12]}"


# --------------------------------------------------------------------------- 1. 2025: the legacy list


def test_2025_the_former_communes_models_are_imported_for_review(story: Story) -> None:
    outcome = story.cli["import"]
    assert outcome.exit_code == 0, outcome.output
    assert "Đã đưa 3 mục vào sổ theo dõi để rà soát (0 mục đã có từ trước)." in outcome.output
    assert story.states["2025"] == {DUONG_HOA: "under-review", HOA_GIAI: "under-review", KHO_LUA: "under-review"}
    imported = [e for e in story.events["2027-council"] if e[2] == "import-legacy"]
    reason = "Mô hình của xã Nhơn Khánh (cũ), đưa vào rà soát năm 2025"
    assert imported == [
        (code, 2025, "import-legacy", None, "under-review", story.hashes["legacy"], reason)
        for code in (DUONG_HOA, HOA_GIAI, KHO_LUA)
    ]
    with open_register(story.root, MAIN_2026, write=False) as register:
        legacy = [(i.code, i.unit, i.name, i.first_year) for i in register.items() if i.first_year == 2025]
    assert legacy == [
        (DUONG_HOA, "TH-NK01", "Đường hoa nông thôn mới", 2025),
        (HOA_GIAI, "TH-NK01", "Tổ hòa giải ở cơ sở", 2025),
        (KHO_LUA, "TH-NK02", "Kho lúa cộng đồng", 2025),
    ]


# --------------------------------------------------------------------------- 2. 2026: reports, council


def test_2026_units_report_resubmit_come_late_or_not_at_all(story: Story) -> None:
    first, main_run = story.runs["2026-first"], story.runs["2026"]
    assert first.changes == ()  # one file per unit so far
    summary = main_run.summary(story.root)
    assert summary["changes"] == [
        {
            "unit": "KP-BD01",
            "file": "kp01-sua.xlsx",
            "previous": "kp01.xlsx",
            "added": ["Tổ tự quản vệ sinh"],
            "removed": ["Tuyến đường hoa"],
            "edited": ["Camera an ninh"],
        }
    ]
    assert summary["accepted"] == ["HLHPN", "KP-BD01", "MTTQ", "TH-NK01", "TH-NK02"] and summary["rejected"] == []
    assert summary["late"] == [{"unit": "HLHPN", "days": 3}]
    assert "HND" in summary["missing"] and len(summary["missing"]) == 39 - 5
    labels = {u.unit.code: u.label for u in main_run.consolidation.units}
    assert (labels["KP-BD01"], labels["MTTQ"], labels["TH-NK01"]) == ("Đúng hạn", "Đúng hạn", "Đúng hạn")
    assert (labels["HLHPN"], labels["HND"]) == ("Trễ hạn 3 ngày", "Chưa gửi")

    # The legacy units wrote their 2025 models by name (one with a double space, no code): matched, noted.
    matched = [f for f in main_run.consolidation.findings if f.code == "matched-by-name"]
    assert [(f.file, f.sheet, f.cell) for f in matched] == [
        ("nk01.xlsx", MODEL_SHEET, "B4"),
        ("nk02.xlsx", MODEL_SHEET, "B4"),
    ]
    codes = {str(m.values["name"]): m.values["code"] for m in main_run.consolidation.models}
    assert codes == {
        "Camera an ninh": CAMERA,
        "Tổ tự quản vệ sinh": VE_SINH,
        "Đường hoa nông thôn mới": DUONG_HOA,
        "Kho lúa cộng đồng": KHO_LUA,
        "Đối thoại với Nhân dân": DOI_THOAI,
        "Phụ nữ tiết kiệm giúp nhau": TIET_KIEM,
    }
    # The superseded "Tuyến đường hoa" got a code on the first run; the re-run forgot it.
    assert story.states["2026"] == {
        DUONG_HOA: "under-review",  # the review has not kept it yet: a report does not move it
        HOA_GIAI: "under-review",
        KHO_LUA: "under-review",
        CAMERA: "registered",
        VE_SINH: "registered",
        DOI_THOAI: "registered",
        TIET_KIEM: "registered",
    }


def test_2026_council_workbook_proposes_from_the_rules_and_states(story: Story) -> None:
    outcome = story.cli["council-2026"]
    assert outcome.exit_code == 0, outcome.output
    assert "Đã lập bảng xét duyệt năm 2026 (6 mục)" in outcome.output
    column = {c.key: i - 1 for i, c in enumerate(COLUMNS, start=1)}
    rows = [
        (r[column["code"]], r[column["name"]], r[column["total"]], r[column["proposal"]], r[column["decision"]])
        for r in story.council_rows[2026]
    ]
    assert rows == [
        (CAMERA, "Camera an ninh", 100, "Công nhận", "Công nhận"),
        (VE_SINH, "Tổ tự quản vệ sinh", 80, "Công nhận", "Công nhận"),
        (DUONG_HOA, "Đường hoa nông thôn mới", 80, "Giữ lại", "Giữ lại"),
        (KHO_LUA, "Kho lúa cộng đồng", 40, "Đưa ra khỏi danh sách", "Đưa ra khỏi danh sách"),
        (DOI_THOAI, "Đối thoại với Nhân dân", 60, "Củng cố", "Củng cố"),
        (TIET_KIEM, "Phụ nữ tiết kiệm giúp nhau", 60, "Củng cố", "Củng cố"),
    ]
    assert "trạng thái trước năm 2026: Đang rà soát" in story.council_rows[2026][2][column["explanation"]]


def test_2026_council_decisions_reach_the_register_with_their_evidence(story: Story) -> None:
    run = story.runs["2026-council"]
    assert [(c.file, c.accepted, c.applied, c.unchanged, c.findings) for c in run.councils] == [
        ("quyet-dinh-bcd-2026.xlsx", True, 3, 0, ())
    ]
    assert not run.failed
    assert [s.source.name for s in run.submissions if s.unit_code == "KP-BD01"] == ["kp01.xlsx", "kp01-sua.xlsx"]
    assert story.states["2026-council"] == {
        DUONG_HOA: "in-progress",
        HOA_GIAI: "under-review",
        KHO_LUA: "removed",
        CAMERA: "recognised",
        VE_SINH: "registered",
        DOI_THOAI: "registered",
        TIET_KIEM: "registered",
    }
    decided = [e for e in story.events["2026-council"] if e[1] == 2026 and e[2] not in ("register", "report")]
    assert decided == [
        (
            CAMERA,
            2026,
            "recognise",
            "registered",
            "recognised",
            _evidence(story, "12-QĐ/BCĐ", "15/12/2026", "bcd-2026"),
            "Ban chỉ đạo quyết định “Công nhận”",
        ),
        (
            DUONG_HOA,
            2026,
            "keep",
            "under-review",
            "in-progress",
            _evidence(story, "13-QĐ/BCĐ", "15/12/2026", "bcd-2026"),
            "Ban chỉ đạo quyết định “Giữ lại”",
        ),
        (
            KHO_LUA,
            2026,
            "remove",
            "under-review",
            "removed",
            _evidence(story, "14-QĐ/BCĐ", "15/12/2026", "bcd-2026"),
            "Ban chỉ đạo quyết định “Đưa ra khỏi danh sách”",
        ),
    ]
    registered = [(e[0], e[5]) for e in story.events["2026-council"] if e[2] == "register"]
    assert registered == [
        (CAMERA, story.hashes["kp01-sua.xlsx"]),
        (VE_SINH, story.hashes["kp01-sua.xlsx"]),
        (DOI_THOAI, story.hashes["mttq.xlsx"]),
        (TIET_KIEM, story.hashes["hlhpn.xlsx"]),
    ]


def test_2026_reports_say_where_the_review_of_the_former_units_models_stands(story: Story) -> None:
    """Three models of xã Nhơn Khánh (cũ) imported in 2025; the 2026 council kept one and removed one."""
    for report in ("bao-cao-tinh-2026.docx", "bao-cao-thuong-truc-2026.docx"):
        path = next(p for p in story.runs["2026-council"].outputs if p.name == report)
        texts = [p.text for p in docx.Document(str(path)).paragraphs]
        assert (
            "Rà soát 3 mô hình của các xã, phường cũ (xã Nhơn Khánh (cũ) 3): Ban Chỉ đạo đã quyết định giữ lại 1, "
            "đưa ra khỏi danh sách 1 mô hình; 1 mô hình đang tiếp tục rà soát."
        ) in texts, report


# --------------------------------------------------------------------------- 3. the 2027 templates


def test_2027_templates_carry_the_live_models_and_drop_the_removed(story: Story) -> None:
    outcome = story.cli["templates-2027"]
    assert outcome.exit_code == 0, outcome.output
    assert _prefilled_rows(story.root, "KP-BD01") == [
        [CAMERA, "Camera an ninh", KT, CONTINUING, 2026],
        [VE_SINH, "Tổ tự quản vệ sinh", VH, CONTINUING, 2026],
        [None, None, None, None, None],
    ]
    sheet = openpyxl.load_workbook(story.root / "outbox" / "2027" / "mau-bieu" / "KP-BD01.xlsx")[MODEL_SHEET]
    assert sheet["A4"].protection.locked and sheet["B4"].protection.locked
    assert not sheet["F4"].protection.locked and not sheet["A6"].protection.locked
    # The removed legacy model is not carried: TH-NK02 gets an empty sheet.
    assert _prefilled_rows(story.root, "TH-NK02", 1) == [[None, None, None, None, None]]
    # The kept legacy model carries what the unit reported in 2026.
    assert _prefilled_rows(story.root, "TH-NK01", 1) == [[DUONG_HOA, "Đường hoa nông thôn mới", VH, CONTINUING, 2019]]


def test_2027_template_of_an_unreported_legacy_model_carries_the_lists_field_and_start_year(story: Story) -> None:
    """Tổ hòa giải ở cơ sở was imported from the list (field, start year 2021) and not reported in
    2026: its locked row should say what the list said, not a blank field and the import year."""
    assert _prefilled_rows(story.root, "TH-NK01")[1:] == [
        [HOA_GIAI, "Tổ hòa giải ở cơ sở", CT, CONTINUING, 2021],
        [None, None, None, None, None],
    ]


# --------------------------------------------------------------------------- 4. 2027: reports, council


def test_2027_units_report_on_the_prefilled_templates(story: Story) -> None:
    run = story.runs["2027"]
    summary = run.summary(story.root)
    assert summary["accepted"] == ["HND", "KP-BD01", "MTTQ", "TH-NK01"] and summary["rejected"] == []
    assert summary["changes"] == [] and summary["late"] == []
    assert {"HLHPN", "TH-NK02"} <= set(summary["missing"])
    assert not [f for f in run.consolidation.findings if f.code == "matched-by-name"]  # codes, not names
    codes = [(m.unit.code, m.values["code"], m.values["name"]) for m in run.consolidation.models]
    assert codes == [
        ("KP-BD01", CAMERA, "Camera an ninh"),
        ("KP-BD01", VE_SINH, "Tổ tự quản vệ sinh"),
        ("KP-BD01", VUON_RAU, "Vườn rau an toàn"),
        ("TH-NK01", DUONG_HOA, "Đường hoa nông thôn mới"),
        ("TH-NK01", HOA_GIAI, "Tổ hòa giải ở cơ sở"),
        ("MTTQ", DOI_THOAI, "Đối thoại với Nhân dân"),
        ("HND", LIEN_KET, "Nông dân liên kết"),
        ("HND", CANH_DONG, "Cánh đồng lớn"),
    ]
    reports = [(e[0], e[3], e[4], e[5]) for e in story.events["2027-council"] if e[1] == 2027 and e[2] == "report"]
    assert reports == [
        (CAMERA, "recognised", "recognised", story.hashes["kp01-2027.xlsx"]),
        (VE_SINH, "registered", "in-progress", story.hashes["kp01-2027.xlsx"]),
        (DUONG_HOA, "in-progress", "in-progress", story.hashes["nk01-2027.xlsx"]),
        (DOI_THOAI, "registered", "in-progress", story.hashes["mttq-2027.xlsx"]),
    ]  # Tổ hòa giải is still under review: a report does not move it
    assert story.states["2027"][HOA_GIAI] == "under-review"


def test_2027_council_proposes_from_the_new_states(story: Story) -> None:
    outcome = story.cli["council-2027"]
    assert outcome.exit_code == 0, outcome.output
    column = {c.key: i - 1 for i, c in enumerate(COLUMNS, start=1)}
    rows = [(r[column["code"]], r[column["total"]], r[column["proposal"]]) for r in story.council_rows[2027]]
    assert rows == [
        (CAMERA, 100, "Nhân rộng"),  # recognised in 2026, Xuất sắc
        (VE_SINH, 80, "Công nhận"),
        (VUON_RAU, 60, "Củng cố"),
        (DUONG_HOA, 80, "Công nhận"),  # kept in 2026: in progress now
        (HOA_GIAI, 80, "Giữ lại"),  # still under review
        (DOI_THOAI, 60, "Củng cố"),
        (LIEN_KET, 60, "Củng cố"),
        (CANH_DONG, 60, "Củng cố"),
    ]


def test_2027_council_re_recognises_removes_and_refuses_an_illegal_move(story: Story) -> None:
    run = story.runs["2027-council"]
    [council] = run.councils
    assert (council.file, council.accepted, council.applied, council.unchanged) == (
        "quyet-dinh-bcd-2027.xlsx",
        True,
        2,
        0,
    )
    assert [(f.code, f.sheet, f.cell) for f in council.findings] == [("illegal-decision", COUNCIL_SHEET, "L5")]
    assert council.findings[0].message.endswith(
        "Mô hình đang ở trạng thái “Đang thực hiện”, không thể “Nhân rộng”. Quyết định không được ghi."
    )
    assert run.failed  # a decision could not be recorded
    assert story.states["2027-council"] == {
        DUONG_HOA: "in-progress",
        HOA_GIAI: "under-review",
        KHO_LUA: "removed",
        CAMERA: "re-recognised",
        VE_SINH: "in-progress",  # unchanged by the illegal "Nhân rộng"
        DOI_THOAI: "removed",
        TIET_KIEM: "registered",
        VUON_RAU: "registered",
        LIEN_KET: "registered",
        CANH_DONG: "registered",
    }
    decided = [e for e in story.events["2027-council"] if e[1] == 2027 and e[2] not in ("register", "report")]
    assert decided == [
        (
            CAMERA,
            2027,
            "re-recognise",
            "recognised",
            "re-recognised",
            _evidence(story, "3-QĐ/BCĐ", "10/12/2027", "bcd-2027"),
            "Ban chỉ đạo quyết định “Công nhận lại”",
        ),
        (
            DOI_THOAI,
            2027,
            "remove",
            "in-progress",
            "removed",
            _evidence(story, "4-QĐ/BCĐ", "10/12/2027", "bcd-2027"),
            "Ban chỉ đạo quyết định “Đưa ra khỏi danh sách”",
        ),
    ]
    # The whole history of the recognised model, across the years.
    assert [e[1:5] for e in story.events["2027-council"] if e[0] == CAMERA] == [
        (2026, "register", None, "registered"),
        (2026, "recognise", "registered", "recognised"),
        (2027, "report", "recognised", "recognised"),
        (2027, "re-recognise", "recognised", "re-recognised"),
    ]
    # The 2026 decisions stand untouched by the 2027 runs.
    assert [e for e in story.events["2027-council"] if e[1] <= 2026] == [
        e for e in story.events["2026-council"] if e[1] <= 2026
    ]


# --------------------------------------------------------------------------- 5. rebuild


def test_the_register_rebuilt_from_the_archive_equals_the_live_one(story: Story) -> None:
    outcome = story.cli["rebuild"]
    assert outcome.exit_code == 0, outcome.output
    assert "Đã dựng lại sổ theo dõi từ kho lưu trữ; các năm: 2026, 2027." in outcome.output
    assert len(story.live["files"]) == 12  # 2026: 6 units' files (one superseded) + the council's; 2027: 4 + 1
    for table in ("files", "names", "items", "years", "events"):
        assert story.rebuilt[table] == story.live[table], table


# --------------------------------------------------------------------------- 6. year on year


YEAR_ON_YEAR = [
    ("Tổng số mô hình", 6, 8, 2),
    ("Mô hình mới đăng ký", 4, 3, -1),
    ("Mô hình tiếp tục thực hiện", 2, 5, 3),
    ("Điển hình tập thể", 0, 0, 0),
    ("Điển hình cá nhân", 0, 0, 0),
    ("Đơn vị gửi báo cáo hợp lệ", 5, 4, -1),
    ("Lượt người tham gia, hưởng lợi", 800, 900, 100),
    ("Kinh phí (đồng)", 0, 0, 0),
    ("Xã hội hóa (đồng)", 0, 0, 0),
    ("Cuộc đối thoại trực tiếp", 10, 8, -2),
]


def test_2027_outputs_compare_with_2026(story: Story) -> None:
    outputs = {p.name: p for p in story.runs["2027-council"].outputs}
    report = docx.Document(str(outputs["bao-cao-tinh-2027.docx"]))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Tổng số tăng 2 mô hình so với năm 2026." in text
    assert "xây dựng 8 mô hình “Dân vận khéo” (3 mô hình mới đăng ký, 5 mô hình tiếp tục thực hiện)" in text
    table = next(t for t in report.tables if t.rows[0].cells[0].text == "Nội dung" and len(t.columns) == 4)
    assert [c.text for c in table.rows[0].cells] == ["Nội dung", "Năm 2026", "Năm 2027", "Tăng (+), giảm (-)"]
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [
        [label, str(before), str(after), str(change)] for label, before, after, change in YEAR_ON_YEAR
    ]

    sheet = openpyxl.load_workbook(outputs["tong-hop-2027.xlsx"])["Thống kê"]
    title = next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value == "So sánh với năm 2026")
    header = [sheet.cell(title + 1, column).value for column in range(1, 5)]
    assert header == ["Nội dung", "Năm 2026", "Năm 2027", "Tăng (+), giảm (-)"]
    rows = [
        tuple(sheet.cell(row, column).value for column in range(1, 5))
        for row in range(title + 2, title + 2 + len(YEAR_ON_YEAR))
    ]
    assert rows == YEAR_ON_YEAR
    assert sheet.cell(title + 2 + len(YEAR_ON_YEAR), 1).value is None

    # 2026 had no year before it in the register: its report compares with nothing.
    report_2026 = docx.Document(str(story.root / "outbox" / "2026" / "bao-cao-tinh-2026.docx"))
    assert "so với năm 2025" not in "\n".join(p.text for p in report_2026.paragraphs)
