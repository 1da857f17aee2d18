"""Reconciliation: every table of both reports and of tong-hop-<Y>.xlsx, recomputed independently.

A ward's 2025 and 2026 are played on real files: units' templates filled from Python data, put in
the inbox with their received dates, consolidated by ``run_consolidation`` (2025 first, so that
2026 compares with it). The test then reads the *inbox workbooks* with openpyxl (headers found by
their text, score columns by their "Điểm:" prefix, form answers by their label) and recomputes
every statistics table by its own counting, without pipeline.year.stats or pipeline.year.consolidate. What
it knows besides the workbooks is the scenario (which file is rejected and why, the deadline) and
the configuration (units and their groups, fields, classification thresholds).

Compared cell by cell: every data table of both .docx (found by the caption above it; a table
that the test does not know fails), every table of the "Thống kê" sheet of tong-hop-2026.xlsx,
and each consolidated row of the item sheets, whose "Tệp nguồn / Sheet nguồn / Dòng nguồn" must
point at the cell range the row's values came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from pipeline.config import Config
from pipeline.run.cycle import RunResult, run_consolidation
from tests.support.builder import activity_answers, drop_workbook, morning_of, new_workspace
from tests.support.docxtext import is_layout_table, table_grid

YEAR = 2026
REPORT_DATE = dt.date(2026, 12, 5)
DEADLINE = {2025: dt.date(2025, 11, 25), 2026: dt.date(2026, 11, 25)}
KT, VH, QP, CT = "Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh", "Xây dựng hệ thống chính trị"
NEW, CONTINUING = "Mới đăng ký", "Tiếp tục thực hiện"
NONE = "Không đề nghị"
HEADER_ROW, FIRST_ROW = 3, 4
ITEM_SHEETS = {"models": "Mô hình", "collectives": "Điển hình tập thể", "individuals": "Điển hình cá nhân"}
WHOLE_WARD = "Cơ quan, đơn vị toàn phường"
TOTAL = "Tổng cộng"

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row | None = None


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


@dataclass
class Played:
    root: Path
    config: Config
    runs: dict[int, RunResult]
    files: dict[int, list[tuple[str, str, dt.date]]]  # unit, inbox path, received day


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    root = tmp_path_factory.mktemp("phuong")
    config = new_workspace(root)
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


@dataclass(frozen=True)
class ReadItem:
    kind: str
    unit: str  # code
    file: str
    row: int
    values: dict[str, Any]  # by header text
    score: float


@dataclass(frozen=True)
class ReadUnit:
    code: str
    file: str
    answers: dict[str, Any]  # the unit form, by label
    activities: dict[str, float]  # by label, in the sheet's order


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


def _read_file(root: Path, code: str, name: str) -> tuple[ReadUnit, list[ReadItem]]:
    workbook = openpyxl.load_workbook(root / "inbox" / name, data_only=True)
    items = []
    for kind, title in ITEM_SHEETS.items():
        for row, values in _read_table_sheet(workbook[title]):
            score = sum(float(v or 0) for h, v in values.items() if str(h).startswith("Điểm:"))
            items.append(ReadItem(kind, code, name, row, values, score))
    activities = _read_activities(_read_form(workbook["Hoạt động"]))
    return ReadUnit(code, name, _read_form(workbook["Thông tin đơn vị"]), activities), items


def _read_activities(answers: dict[Any, Any]) -> dict[str, float]:
    """The answers that add up, by row label: numbers as they are, a yes/no answer as one unit under
    "<label> (số đơn vị)" (the row of the report's table); text and dates (the plan's number, date) left out."""
    counted: dict[str, float] = {}
    for label, value in answers.items():
        if isinstance(value, bool):
            counted[f"{label} (số đơn vị)"] = float(value)
        elif isinstance(value, int | float):
            counted[str(label)] = float(value)
    return counted


@dataclass(frozen=True)
class Year:
    year: int
    status: dict[str, str]  # unit code -> on-time, late, rejected, missing
    units: list[ReadUnit]  # in the configured order of units
    items: list[ReadItem]  # models, then collectives, then individuals; units in configured order


def _read_year(played: Played, year: int) -> Year:
    """The latest accepted file of each unit, read; each unit's status from the received days."""
    config = played.config
    accepted = [f for f in played.files[year] if f[1] not in REJECTED_FILES]
    latest = {code: (name, day) for code, name, day in sorted(accepted, key=lambda f: f[2])}
    first = {code: day for code, _, day in sorted(accepted, key=lambda f: f[2], reverse=True)}
    status = {u.code: "missing" for u in config.units.units}
    status.update({code: "rejected" for code, name, _ in played.files[year] if name in REJECTED_FILES})
    status.update({code: "late" if day > DEADLINE[year] else "on-time" for code, day in first.items()})
    units, items = [], []
    for unit in config.units.units:
        if unit.code in latest:
            read_unit, read_items = _read_file(played.root, unit.code, latest[unit.code][0])
            units.append(read_unit)
            items.extend(read_items)
    order = list(ITEM_SHEETS)
    items.sort(key=lambda i: order.index(i.kind))  # stable: units stay in configured order
    return Year(year, status, units, items)


# --------------------------------------------------------------------------- recomputing the tables


def _with_total(rows: Sequence[Row]) -> Row:
    return (TOTAL, *(sum(row[i] for row in rows) for i in range(1, len(rows[0]))))


def _classify(config: Config, score: float) -> str:
    return next(c.label for c in sorted(config.criteria.classification, key=lambda c: -c.min) if score >= c.min)


class Recount:
    """Every figure of one year, counted from the workbooks read."""

    def __init__(self, config: Config, year: Year) -> None:
        self.config, self.year = config, year
        self.unit_of = {u.code: u for u in config.units.units}
        self.models = [i for i in year.items if i.kind == "models"]

    def of(self, kind: str, keep: Callable[[ReadItem], bool] = lambda i: True) -> list[ReadItem]:
        return [i for i in self.year.items if i.kind == kind and keep(i)]

    def breakdown(self, keep: Callable[[ReadItem], bool]) -> Row:
        models = self.of("models", keep)
        new = sum(1 for m in models if m.values["Tình trạng"] == NEW)
        going = sum(1 for m in models if m.values["Tình trạng"] == CONTINUING)
        return (new, going, len(models), len(self.of("collectives", keep)), len(self.of("individuals", keep)))

    def sum_of(self, header: str, items: Sequence[ReadItem]) -> float:
        return float(sum(i.values.get(header) or 0 for i in items))

    def activity(self, label: str) -> float:
        return sum(u.activities.get(label, 0) for u in self.year.units)

    def keyed(self) -> dict[str, float]:
        """The figures compared with last year, by row label of the comparison table."""
        models = self.models
        return {
            "Tổng số mô hình": len(models),
            "Mô hình mới đăng ký": sum(1 for m in models if m.values["Tình trạng"] == NEW),
            "Mô hình tiếp tục thực hiện": sum(1 for m in models if m.values["Tình trạng"] == CONTINUING),
            "Điển hình tập thể": len(self.of("collectives")),
            "Điển hình cá nhân": len(self.of("individuals")),
            "Đơn vị gửi báo cáo hợp lệ": sum(1 for s in self.year.status.values() if s in ("on-time", "late")),
            "Lượt người tham gia, hưởng lợi": self.sum_of("Số người tham gia, hưởng lợi", models),
            "Kinh phí (đồng)": self.sum_of("Kinh phí (đồng)", models),
            "Xã hội hóa (đồng)": self.sum_of("Xã hội hóa (đồng)", models),
            "Cuộc đối thoại trực tiếp": self.activity(self.activity_labels()[0]),
        }

    def activity_labels(self) -> list[str]:
        return list(self.year.units[0].activities)


def _field(name: str) -> Callable[[ReadItem], bool]:
    return lambda i: i.values.get("Lĩnh vực") == name


def _breakdown_tables(now: Recount, before: Recount) -> dict[str, Table]:
    config = now.config
    group_of = {u.code: u.group for u in config.units.units}
    origin_of = {u.code: u.origin for u in config.units.units}
    columns = ("Mô hình mới", "Mô hình tiếp tục", "Tổng số mô hình", "Điển hình tập thể", "Điển hình cá nhân")
    change = "Mô hình tăng (+), giảm (-) so với năm 2025"
    specs = {
        "by_field": ("Mô hình, điển hình theo lĩnh vực", "Lĩnh vực",
                     [(f, _field(f)) for f in config.template.lists["fields"]]),
        "by_group": ("Mô hình, điển hình theo khối", "Khối",
                     [(g.label, lambda i, k=g.key: group_of[i.unit] == k) for g in config.units.groups]),
        "by_origin": ("Mô hình, điển hình theo địa bàn (xã, phường cũ)", "Địa bàn",
                      [(o or WHOLE_WARD, lambda i, o=o: origin_of[i.unit] == o) for o in (*config.units.origins, "")]),
    }  # fmt: skip
    tables = {}
    for key, (title, first, rows_of) in specs.items():
        rows = [
            (label, *now.breakdown(keep), now.breakdown(keep)[2] - before.breakdown(keep)[2]) for label, keep in rows_of
        ]
        tables[key] = Table(title, (first, *columns, change), tuple(rows), _with_total(rows))
    return tables


def _units_table(now: Recount) -> Table:
    statuses = ("on-time", "late", "rejected", "missing")
    rows = []
    for group in now.config.units.groups:
        members = [now.year.status[u.code] for u in now.config.units.units if u.group == group.key]
        rows.append((group.label, len(members), *(members.count(s) for s in statuses), 0))
    columns = ("Khối", "Số đơn vị", "Đúng hạn", "Trễ hạn", "Bị trả lại", "Chưa gửi", "Miễn báo cáo")
    return Table("Tình hình gửi báo cáo của các đơn vị", columns, tuple(rows), _with_total(rows))


RESOURCES = ("Kinh phí (đồng)", "Xã hội hóa (đồng)", "Ngày công", "Đất hiến (m²)", "Số người tham gia, hưởng lợi")


def _resources(now: Recount) -> Table:
    rows = [
        (f, *(now.sum_of(h, now.of("models", _field(f))) for h in RESOURCES))
        for f in now.config.template.lists["fields"]
    ]
    return Table("Nguồn lực huy động qua các mô hình", ("Lĩnh vực", *RESOURCES), tuple(rows), _with_total(rows))


def _per_kind_table(title: str, first: str, labels: Sequence[str], count: Callable[[str, str], int]) -> Table:
    rows = [(label, *(count(label, kind) for kind in ITEM_SHEETS)) for label in labels]
    return Table(title, (first, *ITEM_SHEETS.values()), tuple(rows), _with_total(rows))


def _proposal(item: ReadItem) -> str:
    return str(item.values.get("Đề xuất") or NONE)


def _count_tables(now: Recount) -> dict[str, Table]:
    config = now.config
    classes = [c.label for c in config.criteria.classification]
    return {
        "classification": _per_kind_table(
            "Xếp loại theo điểm tự chấm", "Xếp loại", classes,
            lambda label, kind: sum(1 for i in now.of(kind) if _classify(config, i.score) == label),
        ),
        "proposals": _per_kind_table(
            "Đề xuất của các đơn vị", "Đề xuất", config.template.lists["proposals"],
            lambda label, kind: sum(1 for i in now.of(kind) if _proposal(i) == label),
        ),
    }  # fmt: skip


def _outcomes(now: Recount, title: str, labels: Sequence[str]) -> Table:
    rows = []
    for label in labels:
        models = sum(1 for i in now.of("models") if _proposal(i) == label)
        exemplars = sum(1 for k in ("collectives", "individuals") for i in now.of(k) if _proposal(i) == label)
        rows.append((label, models, 0, exemplars, 0))  # no council decision in this scenario
    columns = (
        "Nội dung",
        "Mô hình: Đơn vị đề xuất",
        "Mô hình: Ban chỉ đạo quyết định",
        "Điển hình: Đơn vị đề xuất",
        "Điển hình: Ban chỉ đạo quyết định",
    )
    return Table(title, columns, tuple(rows), _with_total(rows))


def _activity_table(now: Recount, before: Recount) -> Table:
    rows = [
        (label, before.activity(label), now.activity(label), now.activity(label) - before.activity(label))
        for label in now.activity_labels()
    ]
    columns = ("Nội dung", "Năm 2025", "Năm 2026", "Tăng (+), giảm (-)")
    return Table("Kết quả công tác dân vận", columns, tuple(rows))


def _year_on_year(now: Recount, before: Recount) -> Table:
    this, last = now.keyed(), before.keyed()
    rows = [(label, last[label], this[label], this[label] - last[label]) for label in this]
    return Table("So sánh với năm 2025", ("Nội dung", "Năm 2025", "Năm 2026", "Tăng (+), giảm (-)"), tuple(rows))


def _units_by_field(now: Recount) -> Table:
    fields = now.config.template.lists["fields"]
    rows = []
    for unit in now.year.units:
        models = [m for m in now.models if m.unit == unit.code]
        counts = [
            sum(1 for m in models if m.values["Lĩnh vực"] == f and m.values["Tình trạng"] == s)
            for f in fields
            for s in (NEW, CONTINUING)
        ]
        rows.append((now.unit_of[unit.code].name, *counts, len(models)))
    columns = tuple(f"{f}: {w}" for f in fields for w in ("Mới", "Tiếp tục"))
    title = "Mô hình của các đơn vị theo lĩnh vực (mới đăng ký, tiếp tục thực hiện)"
    return Table(title, ("Đơn vị", *columns, "Tổng số"), tuple(rows), _with_total(rows))


def _exemplars(now: Recount) -> Table:
    rows = []
    for f in now.config.template.lists["fields"]:
        counts = [len(now.of(kind, _field(f))) for kind in ("collectives", "individuals")]
        rows.append((f, *counts, sum(counts)))
    title = "Điển hình tập thể, điển hình cá nhân theo lĩnh vực"
    columns = ("Lĩnh vực", "Điển hình tập thể", "Điển hình cá nhân", "Tổng số")
    return Table(title, columns, tuple(rows), _with_total(rows))


def _name(item: ReadItem) -> str:
    return str(item.values.get("Tên mô hình") or item.values.get("Tên tập thể") or item.values.get("Họ và tên"))


def _lists(now: Recount) -> dict[str, Table]:
    config = now.config
    models = [
        (n, _name(m), now.unit_of[m.unit].name, m.values["Lĩnh vực"], m.values["Tình trạng"], m.score,
         _classify(config, m.score), _proposal(m))
        for n, m in enumerate(now.models, start=1)
    ]  # fmt: skip
    kinds = list(ITEM_SHEETS)
    honoured = [i for i in now.year.items if _proposal(i) in ("Biểu dương", "Khen thưởng")]
    honoured.sort(key=lambda i: (kinds.index(i.kind), -i.score))
    outstanding = [
        (n, _name(i), now.unit_of[i.unit].name, ITEM_SHEETS[i.kind], i.values["Lĩnh vực"], i.score,
         _classify(config, i.score), _proposal(i))
        for n, i in enumerate(honoured, start=1)
    ]  # fmt: skip
    return {
        "model_list": Table(
            "Danh sách mô hình “Dân vận khéo”",
            ("STT", "Tên mô hình", "Đơn vị", "Lĩnh vực", "Tình trạng", "Điểm tự chấm", "Xếp loại", "Đề xuất"),
            tuple(models),
        ),
        "outstanding": Table(
            "Danh sách mô hình, điển hình tiêu biểu đề nghị biểu dương, khen thưởng",
            ("STT", "Tên mô hình, điển hình", "Đơn vị", "Loại", "Lĩnh vực", "Điểm tự chấm", "Xếp loại", "Đề xuất"),
            tuple(outstanding),
        ),
    }


def _proposed_items(now: Recount) -> Table:
    """The standing report's list: items with a proposal, by proposal in the template's order."""
    order = now.config.template.lists["proposals"]
    items = sorted((i for i in now.year.items if _proposal(i) != NONE), key=lambda i: order.index(_proposal(i)))
    rows = [
        (n, _name(i), now.unit_of[i.unit].name, ITEM_SHEETS[i.kind], i.score, _classify(now.config, i.score),
         _proposal(i), " ".join(str(i.values.get("Kết quả nổi bật") or i.values.get("Thành tích nổi bật") or "").split()))
        for n, i in enumerate(items, start=1)
    ]  # fmt: skip
    columns = ("STT", "Tên mô hình, điển hình", "Đơn vị", "Loại", "Điểm tự chấm", "Xếp loại", "Đề xuất")
    return Table(
        "Danh sách mô hình, điển hình được đề nghị",
        (*columns, "Lý do (kết quả, thành tích nổi bật do đơn vị nêu)"),
        tuple(rows),
    )


@pytest.fixture(scope="module")
def expected(played: Played) -> dict[str, Table]:
    """Every table of 2026, recomputed from the inbox workbooks."""
    now = Recount(played.config, _read_year(played, 2026))
    before = Recount(played.config, _read_year(played, 2025))
    return {
        "units": _units_table(now),
        **_breakdown_tables(now, before),
        "resources": _resources(now),
        **_count_tables(now),
        "activities": _activity_table(now, before),
        **_lists(now),
        "units_by_field": _units_by_field(now),
        "exemplars": _exemplars(now),
        "evaluation": _outcomes(
            now,
            "Kết quả đánh giá mô hình, điển hình",
            ("Công nhận", "Công nhận lại", "Củng cố", "Đưa ra khỏi danh sách"),
        ),
        "rewards": _outcomes(
            now, "Biểu dương, khen thưởng, nhân rộng mô hình, điển hình", ("Biểu dương", "Khen thưởng", "Nhân rộng")
        ),
        "year_on_year": _year_on_year(now, before),
        "proposed_items": _proposed_items(now),
    }


# --------------------------------------------------------------------------- comparing


def _vn(value: Any) -> str:
    """The test's own Vietnamese number format: 1.234.567 and 12,5."""
    if isinstance(value, str):
        return value
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, frac = f"{value:.2f}".rstrip("0").split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac


def _as_text(table: Table) -> list[list[str]]:
    rows = [table.columns, *table.rows, *([table.total] if table.total else [])]
    return [[_vn(v) for v in row] for row in rows]


def _docx_tables(path: Path) -> list[tuple[str, list[list[str]]]]:
    """Every data table of the document with the caption above it ("Biểu n. " and " năm 2026" cut)."""
    found, caption = [], ""
    for block in docx.Document(str(path)).iter_inner_content():
        if not hasattr(block, "rows"):
            caption = block.text
        elif not is_layout_table(block):
            title = caption.split(". ", 1)[1] if caption.startswith("Biểu ") else caption
            found.append((title.removesuffix(f" năm {YEAR}"), table_grid(block)))
    return found


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
    tables = _docx_tables(_output(played, file_))
    assert len(tables) == count
    for title, grid in tables:
        assert title in by_title, f"a table the recount does not know: {title!r}"
        assert grid == _as_text(by_title[title]), title


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


def _as_cells(table: Table) -> list[list[Any]]:
    rows = [table.columns, *table.rows, *([table.total] if table.total else [])]
    return [[None if v == "" else v for v in row] for row in rows]


def test_every_summary_statistics_table_equals_the_recount(played: Played, expected: dict[str, Table]) -> None:
    sheet = _xlsx_tables(_output(played, "tong-hop-2026.xlsx"))
    in_stats = {k: t for k, t in expected.items() if k != "proposed_items"}
    assert set(sheet) == {t.title for t in in_stats.values()}
    for table in in_stats.values():
        assert sheet[table.title] == _as_cells(table), table.title


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
