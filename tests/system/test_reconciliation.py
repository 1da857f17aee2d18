"""Reconciliation: every table and figure of both reports and of tong-hop-<Y>.xlsx, recounted independently.

A ward's 2025 and 2026 are played on real files: units' templates filled from Python data, put in
the inbox with their received dates, consolidated by ``run_consolidation`` (2025 first, so that
2026 compares with it; one unit is exempt in 2026). The test then reads the *inbox workbooks* with
openpyxl (headers found by their text, score columns by their "Điểm:" prefix, form answers by their
label) and recounts every figure with ``tests.support.recount``, without pipeline.year. What it
knows besides the workbooks is the scenario (which file is rejected and why, the deadline, the
exempt unit) and the configuration (units and their groups, fields and their labels,
classification thresholds).

Compared cell by cell: every data table of both .docx (found by the caption above it; a table
that the test does not know fails), every paragraph of both .docx that states a figure (one that
the recount does not expect fails), every table of the "Thống kê" sheet of tong-hop-2026.xlsx,
and each consolidated row of the item sheets, whose "Tệp nguồn / Sheet nguồn / Dòng nguồn" must
point at the cell range the row's values came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import yaml

from pipeline.config import Config, load_config
from pipeline.run.cycle import RunResult, run_consolidation
from tests.support.builder import activity_answers, drop_workbook, morning_of, new_workspace
from tests.support.docxtext import data_tables, figure_paragraphs
from tests.support.recount import EXEMPT, LATE, MISSING, ON_TIME, REJECTED, Entry, Recount, Standing, Table

YEAR = 2026
REPORT_DATE = dt.date(2026, 12, 5)
DEADLINE = {2025: dt.date(2025, 11, 25), 2026: dt.date(2026, 11, 25)}
KT, VH, QP, CT = "Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh", "Xây dựng hệ thống chính trị"
NEW, CONTINUING = "Mới đăng ký", "Tiếp tục thực hiện"
NONE = "Không đề nghị"
HEADER_ROW, FIRST_ROW = 3, 4
ITEM_SHEETS = {"models": "Mô hình", "collectives": "Điển hình tập thể", "individuals": "Điển hình cá nhân"}


# --------------------------------------------------------------------------- the scenario


def _scores(config: Config, kind: str, share: float) -> dict[str, float]:
    return {f.key: float(round(share * (f.max or 0))) for f in config.template.sheet(kind).score_fields()}


def _model(config: Config, name: str, field_: str, status: str, share: float, **extra: Any) -> dict[str, Any]:
    start = 2026 if status == NEW else 2023
    values = {"name": name, "field": field_, "status": status, "start_year": start, "proposal": NONE}
    return {**values, **_scores(config, "models", share), **extra}


def _exemplar(config: Config, kind: str, name: str, field_: str, share: float, proposal: str) -> dict[str, Any]:
    values = {"name": name, "field": field_, "achievements": f"Thành tích của {name}.", "proposal": proposal}
    return {**values, **_scores(config, kind, share)}


def _answers(config: Config, year: int, base: int, **sheets: Any) -> dict[str, Any]:
    unit = {"preparer": "Trần Văn Minh", "report_date": dt.date(year, 11, 18), **sheets.pop("unit", {})}
    return {"unit": unit, "activities": activity_answers(config, base, 1), **sheets}


def _files_2025(config: Config) -> list[tuple[str, str, dt.date, dict[str, Any]]]:
    return [
        ("KP-BD01", "2025/kp01.xlsx", dt.date(2025, 11, 20), _answers(config, 2025, 1, models=[
            _model(config, "Đường hoa", KT, NEW, 0.8, people_reached=100, budget_vnd=5_000_000),
        ])),
        ("MTTQ", "2025/mttq.xlsx", dt.date(2025, 11, 21), _answers(config, 2025, 2, models=[
            _model(config, "Bữa cơm nghĩa tình", VH, NEW, 0.7),
            _model(config, "Tổ hòa giải", CT, NEW, 0.6, people_reached=40),
        ])),
    ]  # fmt: skip


def _files_2026(config: Config) -> list[tuple[str, str, dt.date, dict[str, Any]]]:
    first_kp01 = [_model(config, "Camera an ninh khu phố", QP, NEW, 1.0, budget_vnd=1_000_000)]
    kp01 = [
        _model(
            config,
            "Camera an ninh khu phố",
            QP,
            NEW,
            1.0,
            proposal="Công nhận",
            budget_vnd=12_500_000,
            contributions_vnd=3_000_000,
            labour_days=45.5,
            land_m2=120.5,
            people_reached=1234,
            results="Lắp 12 camera,  Nhân dân góp tiền.",
        ),
        _model(config, "Đường hoa", VH, CONTINUING, 0.6, proposal="Củng cố", people_reached=150),
    ]
    over_max = _model(config, "Vượt điểm", KT, NEW, 1.0)
    over_max[config.template.sheet("models").score_fields()[0].key] = 999.0
    return [
        ("KP-BD01", "2026/kp01.xlsx", dt.date(2026, 11, 19), _answers(config, 2026, 3, models=first_kp01)),
        ("KP-BD01", "2026/kp01-sua.xlsx", dt.date(2026, 11, 22), _answers(config, 2026, 4, models=kp01,
            collectives=[_exemplar(config, "collectives", "Tổ tự quản Liêm Định", KT, 0.8, "Biểu dương")],
            unit={"strengths": "Nhân dân đồng tình."})),
        ("TH-NK01", "2026/nk01.xlsx", dt.date(2026, 11, 27), _answers(config, 2026, 5, models=[
            _model(config, "Kho lúa cộng đồng", KT, NEW, 0.8, proposal="Công nhận", land_m2=300.0,
                   labour_days=20.0),
        ], individuals=[_exemplar(config, "individuals", "Nguyễn Văn Ba", CT, 0.95, "Khen thưởng")])),
        ("MTTQ", "2026/mttq.xlsx", dt.date(2026, 11, 24), _answers(config, 2026, 6, models=[
            _model(config, "Tổ hòa giải", CT, CONTINUING, 0.4, proposal="Đưa ra khỏi danh sách"),
            _model(config, "Bữa cơm nghĩa tình", VH, CONTINUING, 0.9, proposal="Công nhận", people_reached=75),
            _model(config, "Ngày Chủ nhật xanh", VH, NEW, 0.75, budget_vnd=2_000_000),
        ])),
        ("HLHPN", "2026/hlhpn.xlsx", dt.date(2026, 11, 25), _answers(config, 2026, 7, models=[
            _model(config, "Phụ nữ tiết kiệm", KT, NEW, 0.75, proposal="Biểu dương", contributions_vnd=900_000),
        ], individuals=[
            _exemplar(config, "individuals", "Lê Thị Hoa", VH, 0.8, "Biểu dương"),
            _exemplar(config, "individuals", "Phạm Thị Lan", KT, 0.5, NONE),
        ])),
        ("DB-CA", "2026/ca.xlsx", dt.date(2026, 11, 23), _answers(config, 2026, 8, models=[over_max])),
    ]  # fmt: skip


REJECTED_FILES = {"2026/ca.xlsx"}  # a score above its maximum
EXEMPT_UNITS = {2026: {"CD": "Đang kiện toàn tổ chức"}}  # listed in the year, not asked to report


def _with_exemptions(root: Path) -> Config:
    """The workspace's config with the years' exempt units of ``EXEMPT_UNITS`` in its calendar."""
    path = root / "config" / "calendar.yaml"
    calendar = yaml.safe_load(path.read_text(encoding="utf-8"))
    for year, units in EXEMPT_UNITS.items():
        calendar["years"][year]["exempt"] = [{"unit": code, "reason": reason} for code, reason in units.items()]
    path.write_text(yaml.safe_dump(calendar, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_config(root)


@dataclass
class Played:
    root: Path
    config: Config
    runs: dict[int, RunResult]
    files: dict[int, list[tuple[str, str, dt.date]]]  # unit, inbox path, received day


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    root = tmp_path_factory.mktemp("phuong")
    new_workspace(root)
    config = _with_exemptions(root)
    result = Played(root, config, {}, {})
    for year, files in ((2025, _files_2025(config)), (2026, _files_2026(config))):
        result.files[year] = []
        for code, name, day, answers in files:
            drop_workbook(root, config, code, answers, name, morning_of(day), year)
            result.files[year].append((code, name, day))
        date = REPORT_DATE if year == YEAR else None
        result.runs[year] = run_consolidation(root, config, year, date, now=dt.datetime(year, 11, 30, 8))
    return result


# --------------------------------------------------------------------------- reading the inbox workbooks


def _read_table_sheet(ws: Any) -> list[tuple[int, dict[str, Any]]]:
    headers = [ws.cell(HEADER_ROW, column).value for column in range(1, ws.max_column + 1)]
    rows = []
    for row in range(FIRST_ROW, ws.max_row + 1):
        values = {h: ws.cell(row, column).value for column, h in enumerate(headers, start=1) if h}
        if any(v not in (None, "") for v in values.values()):
            rows.append((row, values))
    return rows


def _read_form(ws: Any) -> dict[str, Any]:
    return {ws.cell(row, 1).value: ws.cell(row, 2).value for row in range(FIRST_ROW, ws.max_row + 1)}


def _by_key(config: Config, sheet: str, by_label: dict[Any, Any]) -> dict[str, Any]:
    """Values read under their header or label, under the template's field key instead."""
    key_of = {f.label: f.key for f in config.template.sheet(sheet).fields}
    return {key_of[label]: value for label, value in by_label.items() if label in key_of}


def _read_file(config: Config, root: Path, code: str, name: str) -> tuple[dict[str, Any], list[Entry]]:
    """The activities (by field key) and the items of one inbox workbook."""
    workbook = openpyxl.load_workbook(root / "inbox" / name, data_only=True)
    items = []
    for kind, title in ITEM_SHEETS.items():
        for _, values in _read_table_sheet(workbook[title]):
            score = sum(float(v or 0) for h, v in values.items() if str(h).startswith("Điểm:"))
            items.append(Entry(kind, code, _by_key(config, kind, values), score))
    return _by_key(config, "activities", _read_form(workbook["Hoạt động"])), items


def _read_year(played: Played, year: int, before: Recount | None = None) -> Recount:
    """The latest accepted file of each unit, read; each unit's status from the received days."""
    config = played.config
    accepted = [f for f in played.files[year] if f[1] not in REJECTED_FILES]
    latest = {code: name for code, name, _ in sorted(accepted, key=lambda f: f[2])}
    first = {code: day for code, _, day in sorted(accepted, key=lambda f: f[2], reverse=True)}
    rejected = {code for code, name, _ in played.files[year] if name in REJECTED_FILES}
    units, items = [], []
    for unit in config.units.units:
        exempt = unit.code in EXEMPT_UNITS.get(year, {})
        if unit.code not in latest:
            units.append(Standing(unit.code, EXEMPT if exempt else REJECTED if unit.code in rejected else MISSING))
            continue
        activities, read = _read_file(config, played.root, unit.code, latest[unit.code])
        days_late = 0 if exempt else max((first[unit.code] - DEADLINE[year]).days, 0)
        status = EXEMPT if exempt else LATE if days_late else ON_TIME
        units.append(Standing(unit.code, status, latest[unit.code], days_late, activities))
        items.extend(read)
    order = list(ITEM_SHEETS)
    items.sort(key=lambda i: order.index(i.kind))  # stable: units stay in configured order
    return Recount(config, year, units, items, before)


@pytest.fixture(scope="module")
def recount(played: Played) -> Recount:
    """2026 recounted from the inbox workbooks, compared with 2025 recounted alike."""
    return _read_year(played, YEAR, before=_read_year(played, 2025))


@pytest.fixture(scope="module")
def expected(recount: Recount) -> dict[str, Table]:
    """Every table of 2026, recomputed from the inbox workbooks."""
    return recount.tables()


# --------------------------------------------------------------------------- comparing


def _output(played: Played, name: str) -> Path:
    return played.root / "outbox" / str(YEAR) / name


def test_the_scenario_ran_as_planned(played: Played) -> None:
    run = played.runs[YEAR]
    rejected = [s.source.name for s in run.submissions if not s.accepted]
    assert rejected == sorted(REJECTED_FILES)
    assert played.runs[2025].consolidation.models and run.consolidation.models


@pytest.mark.parametrize(
    "file_, count",
    [("bao-cao-tinh-2026.docx", 14), ("bao-cao-thuong-truc-2026.docx", 3)],
)
def test_every_report_table_equals_the_recount(
    played: Played, expected: dict[str, Table], file_: str, count: int
) -> None:
    by_title = {t.title: t for t in expected.values()}
    tables = data_tables(docx.Document(str(_output(played, file_))), YEAR)
    assert len(tables) == count
    for title, grid in tables:
        assert title in by_title, f"a table the recount does not know: {title!r}"
        assert grid == by_title[title].text(), title


@pytest.mark.parametrize(
    "file_, kind",
    [("bao-cao-tinh-2026.docx", "province"), ("bao-cao-thuong-truc-2026.docx", "standing")],
)
def test_every_figure_in_the_reports_prose_equals_the_recount(
    played: Played, recount: Recount, file_: str, kind: str
) -> None:
    """Each paragraph that states a figure (units, registrations by field, area and group with the
    change on 2025, the best models' own figures, resources, proposals, activities, and in the
    standing report the units late, sent back, missing or short, and the items proposed) is the
    recount's, and no other paragraph states one."""
    doc = docx.Document(str(_output(played, file_)))
    assert figure_paragraphs(doc) == recount.paragraphs(kind)


def _xlsx_tables(path: Path) -> dict[str, list[list[Any]]]:
    """The "Thống kê" sheet as {title: [header, rows...]}: a title row, a header, rows to a blank row."""
    ws = openpyxl.load_workbook(path)["Thống kê"]
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    tables, row = {}, 0
    while row < len(values):
        title = values[row][0]
        end = row + 1
        while end < len(values) and any(v is not None for v in values[end]):
            end += 1
        width = sum(1 for v in values[row + 1] if v is not None)
        tables[str(title)] = [list(r[:width]) for r in values[row + 1 : end]]
        row = end + 1
    return tables


def test_every_summary_statistics_table_equals_the_recount(played: Played, expected: dict[str, Table]) -> None:
    sheet = _xlsx_tables(_output(played, "tong-hop-2026.xlsx"))
    in_stats = {k: t for k, t in expected.items() if k != "proposed_items"}
    assert set(sheet) == {t.title for t in in_stats.values()}
    for table in in_stats.values():
        assert sheet[table.title] == table.cells(), table.title


def test_every_consolidated_row_points_at_its_source_cells(played: Played) -> None:
    workbook = openpyxl.load_workbook(_output(played, "tong-hop-2026.xlsx"))
    inbox = {name: played.root / "inbox" / name for _, name, _ in played.files[YEAR]}
    checked = 0
    for title in ITEM_SHEETS.values():
        ws = workbook[title]
        headers = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2, values_only=True):
            values = dict(zip(headers, row, strict=True))
            source = openpyxl.load_workbook(inbox[values["Tệp nguồn"]], data_only=True)
            sheet = source[values["Sheet nguồn"]]
            at = int(values["Dòng nguồn"])
            scores = 0.0
            for column in range(1, sheet.max_column + 1):
                header, cell = sheet.cell(HEADER_ROW, column).value, sheet.cell(at, column).value
                if str(header).startswith("Điểm:"):
                    scores += float(cell or 0)
                # The register gives new models their code; the unit left it blank.
                elif header in values and header != "Mã mô hình":
                    assert _same(values[header], cell), (title, at, header)
            assert values["Tổng điểm tự chấm"] == scores
            checked += 1
    assert checked == 11  # 7 models, 1 collective, 3 individuals in the latest accepted files


def _same(consolidated: Any, typed: Any) -> bool:
    """Equal, text compared with its runs of spaces folded (validation tidies typed text)."""
    if isinstance(typed, str):
        return isinstance(consolidated, str) and consolidated.split() == typed.split()
    return bool(consolidated == typed)


def test_the_resubmitted_unit_is_counted_from_its_latest_file(played: Played) -> None:
    ws = openpyxl.load_workbook(_output(played, "tong-hop-2026.xlsx"))["Mô hình"]
    headers = [c.value for c in ws[1]]
    files = {r[headers.index("Tệp nguồn")] for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "KP-BD01"}
    assert files == {"2026/kp01-sua.xlsx"}
