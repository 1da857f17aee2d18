"""Summary stage: the consolidated workbook, built from a hand-made consolidation and read back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import unicodedata
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest

from pipeline.config import Config, Field, Unit
from pipeline.core.findings import Finding, finding
from pipeline.core.paths import SUMMARY_FILE
from pipeline.outputs.xlsx.summary import build_summary, summary_bytes
from pipeline.year.consolidate import LATE, MISSING, ON_TIME, Consolidation, Item, UnitStatus
from pipeline.year.statements import Opinion
from pipeline.year.stats import statistics
from tests.support.builder import activity_answers

YEAR = 2026
RECEIVED = dt.date(2026, 11, 28)
MODEL_NAME = "Tuyến đường hoa nông thôn mới"
# The code last, for the technical reader (issue 18: the reader's columns first).
FINDING_HEADERS = ["Tệp", "Mức độ", "Sheet", "Ô", "Nội dung", "Cách khắc phục", "Mã lỗi (dành cho kỹ thuật)"]
TITLES = ["Đơn vị", "Mô hình", "Điển hình tập thể", "Điển hình cá nhân", "Hoạt động", "Ý kiến", "Thống kê", "Phát hiện"]
SOURCE_HEADERS = ["Tệp nguồn", "Sheet nguồn", "Dòng nguồn"]


# --------------------------------------------------------------------------- data


def _sample(spec: Field) -> Any:
    """Some valid value of the field's type."""
    if spec.type == "choice":
        return spec.choices[0]
    if spec.type == "integer":
        return int(spec.min or 0)
    if spec.type == "number":
        return spec.max or 1.0
    if spec.type == "date":
        return dt.date(YEAR, 10, 1)
    if spec.type == "boolean":
        return True
    return f"{spec.label} mẫu"


def _item(config: Config, kind: str, unit: Unit, row: int, **given: Any) -> Item:
    """An item with a value for every field of its template sheet; ``given`` overrides samples."""
    sheet = config.template.sheet(kind)
    values = {f.key: given.get(f.key, _sample(f)) for f in sheet.fields}
    total = float(sum(values[f.key] for f in sheet.score_fields()))
    return Item(kind, unit, values, total, config.criteria.classify(total), f"{unit.code}.xlsx", sheet.title, row)


def _status(unit: Unit, status: str, days_late: int = 0, models: int = 0) -> UnitStatus:
    submitted = status in (ON_TIME, LATE)
    received = RECEIVED + dt.timedelta(days=days_late) if submitted else None
    return UnitStatus(unit, status, days_late, f"{unit.code}.xlsx" if submitted else "", received, models, {})


def _activities(config: Config, base: int) -> dict[str, Any]:
    return activity_answers(config, base, 1)


def _units(config: Config) -> tuple[Unit, Unit, Unit, Unit]:
    first, second, third = config.units.units[:3]
    whole_ward = next(u for u in config.units.units if not u.origin)
    return first, second, third, whole_ward


def _consolidation(config: Config) -> Consolidation:
    on_time, late, empty, missing = _units(config)
    fields = config.template.lists["fields"]
    models = (
        _item(config, "models", on_time, 4, name=MODEL_NAME, field=fields[1], start_year=2024, budget_vnd=1_500_000),
        _item(config, "models", on_time, 5, name="Dân vận khéo", field=fields[0], labour_days=12.5),
        _item(config, "models", late, 4, field=fields[0], note="=1+1", name=unicodedata.normalize("NFD", "Hòa giải")),
    )
    return Consolidation(
        year=YEAR,
        units=(
            _status(on_time, ON_TIME, models=2),
            _status(late, LATE, days_late=3, models=1),
            _status(empty, ON_TIME, models=0),
            _status(missing, MISSING),
        ),
        items={
            "models": models,
            "collectives": (_item(config, "collectives", late, 4, field=fields[2]),),
            "individuals": (_item(config, "individuals", on_time, 4, birth_year=1970),),
        },
        activities={
            empty.code: _activities(config, 10),
            on_time.code: _activities(config, 1),
            late.code: _activities(config, 100),
        },
        findings=(),
    )


def _findings(config: Config) -> list[Finding]:
    late = _units(config)[1]
    return [
        finding("missing-value", file=f"{late.code}.xlsx", sheet="Mô hình", cell="C5", label="Tên mô hình"),
        finding("below-minimum-models", file="x.xlsx", unit="X", count=0, minimum=1),
    ]


# --------------------------------------------------------------------------- reading back


def _open(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _values(ws: Any) -> list[list[Any]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _records(ws: Any) -> list[dict[str, Any]]:
    """The data rows of a list sheet, keyed by header."""
    header, *rows = _values(ws)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _cells(wb: Any) -> Iterator[Any]:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


@pytest.fixture(scope="module")
def data(config: Config) -> Consolidation:
    return _consolidation(config)


@pytest.fixture(scope="module")
def output(config: Config, data: Consolidation) -> bytes:
    return summary_bytes(statistics(data, config), data, _findings(config), config)


@pytest.fixture(scope="module")
def wb(output: bytes) -> Any:
    return _open(output)


# --------------------------------------------------------------------------- tests


def test_sheet_titles_in_order(wb: Any) -> None:
    assert wb.sheetnames == [*TITLES, "_meta"]  # the hidden identity sheet for the level above
    assert SUMMARY_FILE.format(year=YEAR) == "tong-hop-2026.xlsx"


def test_unit_rows(wb: Any, config: Config) -> None:
    on_time, late, empty, missing = _units(config)
    rows = _records(wb["Đơn vị"])
    assert [r["Mã đơn vị"] for r in rows] == [on_time.code, late.code, empty.code, missing.code]
    assert [r["Tình trạng"] for r in rows] == ["Đúng hạn", "Trễ hạn 3 ngày", "Đúng hạn", "Chưa gửi"]
    assert [r["Số ngày trễ"] for r in rows] == [0, 3, 0, None]
    assert [r["Đạt chỉ tiêu"] for r in rows] == ["Đạt", "Đạt", "Chưa đạt", None]
    assert rows[0]["Khối"] == config.units.group_label(on_time.group)
    assert rows[0]["Địa bàn"] == on_time.origin
    assert rows[3]["Địa bàn"] == "Toàn phường"
    assert rows[1]["Tệp"] == f"{late.code}.xlsx"
    assert (rows[0]["Số mô hình"], rows[0]["Chỉ tiêu tối thiểu"]) == (2, on_time.min_models)
    received = wb["Đơn vị"]["G3"]
    assert received.is_date and received.number_format == "dd/mm/yyyy"
    assert received.value == dt.datetime(2026, 12, 1)
    assert wb["Đơn vị"]["G5"].value is None


def test_model_rows_follow_the_schema_and_keep_provenance(wb: Any, config: Config) -> None:
    sheet = config.template.sheet("models")
    header = _values(wb["Mô hình"])[0]
    labels = [f.label for f in sheet.fields]
    scores = ["Tổng điểm tự chấm", "Xếp loại", "Ban chỉ đạo quyết định"]
    assert header == ["Mã đơn vị", "Tên đơn vị", "Khối", *labels, *scores, *SOURCE_HEADERS]
    rows = _records(wb["Mô hình"])
    on_time = _units(config)[0]
    first = rows[0]
    assert (first["Mã đơn vị"], first["Tên đơn vị"]) == (on_time.code, on_time.name)
    assert first[sheet.field("name").label] == MODEL_NAME
    assert first[sheet.field("field").label] == config.template.lists["fields"][1]
    assert first[sheet.field("budget_vnd").label] == 1_500_000
    assert [first[h] for h in SOURCE_HEADERS] == [f"{on_time.code}.xlsx", "Mô hình", 4]
    assert rows[1]["Dòng nguồn"] == 5
    assert first["Tổng điểm tự chấm"] == sum(f.max or 0 for f in sheet.score_fields())
    assert first["Xếp loại"] == config.criteria.classify(first["Tổng điểm tự chấm"])


def test_numbers_are_typed_cells(wb: Any, config: Config) -> None:
    ws = wb["Mô hình"]
    column = {cell.value: cell.column for cell in ws[1]}
    labels = config.template.sheet("models")
    budget = ws.cell(row=2, column=column[labels.field("budget_vnd").label])
    days = ws.cell(row=3, column=column[labels.field("labour_days").label])
    year = ws.cell(row=2, column=column[labels.field("start_year").label])
    assert (budget.data_type, budget.number_format) == ("n", "#,##0")
    assert (days.value, days.number_format) == (12.5, "#,##0.##")
    assert (year.value, year.number_format) == (2024, "0")


def test_exemplar_sheets(wb: Any, config: Config) -> None:
    for title, kind in (("Điển hình tập thể", "collectives"), ("Điển hình cá nhân", "individuals")):
        header = _values(wb[title])[0]
        assert header[3:-6] == [f.label for f in config.template.sheet(kind).fields]
        assert len(_records(wb[title])) == 1
    person = _records(wb["Điển hình cá nhân"])[0]
    assert person["Năm sinh"] == 1970
    assert person["Sheet nguồn"] == "Điển hình cá nhân"


def test_activities_total_row_is_the_sum(wb: Any, config: Config, data: Consolidation) -> None:
    fields = config.template.sheet("activities").fields
    header, *rows, total = _values(wb["Hoạt động"])
    assert header == ["Mã đơn vị", "Tên đơn vị", *(f.label for f in fields)]
    on_time, late, empty, _ = _units(config)
    assert [r[0] for r in rows] == [on_time.code, late.code, empty.code]  # config order, not dict order
    counted = [f for f in fields if f.adds_up]
    sums = {f.key: sum(int(a[f.key]) for a in data.activities.values()) for f in counted}  # "Có" counts one
    assert total == ["Tổng cộng", None, *(sums.get(f.key) for f in fields)]
    assert sums["own_plan"] == 3 and [f.key for f in fields if not f.adds_up] == ["own_plan_number", "own_plan_date"]
    stats = statistics(data, config)
    assert sums == {f.key: stats.figures[f"activity_{f.key}"] for f in counted}
    assert rows[0][2 + [f.key for f in fields].index("own_plan")] == "Có"
    last = wb["Hoạt động"].max_row
    assert wb["Hoạt động"].cell(row=last, column=3).font.b
    assert wb["Hoạt động"].auto_filter.ref.endswith(str(last - 1))


def test_statistics_sheet_has_every_table(wb: Any, config: Config, data: Consolidation) -> None:
    stats = statistics(data, config)
    ws = wb["Thống kê"]
    first_column = [cell.value for cell in ws["A"]]
    for table in stats.tables:
        assert table.title in first_column
    by_field = stats.table("by_field")
    assert by_field.total is not None
    start = first_column.index(by_field.title) + 1
    assert [c.value for c in ws[start + 1]][: len(by_field.columns)] == list(by_field.columns)
    total_row = start + 2 + len(by_field.rows)
    assert [c.value for c in ws[total_row]][: len(by_field.total)] == list(by_field.total)
    assert ws.cell(row=total_row, column=1).font.b and ws.cell(row=start, column=1).font.b
    assert first_column[total_row] is None  # one blank row before the next table


def test_findings_rows(wb: Any, config: Config) -> None:
    rows = _values(wb["Phát hiện"])
    assert rows[0] == FINDING_HEADERS
    severity = {"error": "Lỗi", "warning": "Cảnh báo"}
    expected = [
        [f.file, severity[f.severity], f.sheet or None, f.cell or None, f.message, f.hint, f.code]
        for f in _findings(config)
    ]
    assert rows[1:] == expected


def test_headers_are_styled_frozen_and_filtered(wb: Any) -> None:
    for title in ("Đơn vị", "Mô hình", "Hoạt động", "Phát hiện"):
        ws = wb[title]
        header = ws["A1"]
        assert header.font.b and header.alignment.wrap_text and header.fill.fgColor.rgb.endswith("DDEBF7")
        assert ws.freeze_panes in ("A2", "C2")
        assert ws.auto_filter.ref.startswith("A1:")
        assert ws.column_dimensions["B"].width > 10


def test_values_only_and_nfc_text(wb: Any) -> None:
    cells = list(_cells(wb))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    assert "=1+1" in texts and "Hòa giải" in texts


def test_date_fields_become_date_cells(config: Config, data: Consolidation) -> None:
    models = config.template.sheet("models")
    visit = Field("visit_date", "Ngày kiểm tra", "date")
    sheets = tuple(
        dataclasses.replace(s, fields=(*s.fields, visit)) if s.key == "models" else s for s in config.template.sheets
    )
    changed = dataclasses.replace(config, template=dataclasses.replace(config.template, sheets=sheets))
    item = dataclasses.replace(data.models[0], values={**data.models[0].values, "visit_date": dt.date(2026, 9, 2)})
    one = dataclasses.replace(data, items={**data.items, "models": (item,)})
    ws = build_summary(statistics(one, changed), one, [], changed)["Mô hình"]
    cell = ws.cell(row=2, column=3 + len(models.fields) + 1)
    assert ws.cell(row=1, column=cell.column).value == "Ngày kiểm tra"
    assert cell.is_date and cell.number_format == "dd/mm/yyyy"


def test_bytes_are_deterministic(config: Config, data: Consolidation, output: bytes) -> None:
    again = summary_bytes(statistics(data, config), data, _findings(config), config)
    assert again == output
    props = _open(output).properties
    assert props.created == props.modified == dt.datetime(YEAR, 12, 1)


def test_a_year_without_submissions(config: Config) -> None:
    units = tuple(_status(u, MISSING) for u in config.units.units)
    empty = Consolidation(YEAR, units, {k: () for k in ("models", "collectives", "individuals")}, {}, ())
    wb = _open(summary_bytes(statistics(empty, config), empty, [], config))
    assert wb.sheetnames == [*TITLES, "_meta"]  # the hidden identity sheet for the level above
    assert len(_records(wb["Đơn vị"])) == len(config.units.units)
    assert _values(wb["Mô hình"])[1:] == []
    assert _values(wb["Hoạt động"])[-1][0] == "Tổng cộng"
    assert _values(wb["Phát hiện"]) == [FINDING_HEADERS]


def test_the_opinions_sheet_carries_each_statement_with_its_question_and_who_said_it(
    config: Config, data: Consolidation
) -> None:
    opinions = [
        Opinion("strengths", "Cấp ủy vào cuộc quyết liệt"),
        Opinion("requests", "Đề nghị hỗ trợ kinh phí", ("Chi bộ khu phố Liêm Định", "Chi bộ khu phố Kim Châu")),
    ]
    book = _open(summary_bytes(statistics(data, config), data, [], config, opinions))
    rows = list(book["Ý kiến"].iter_rows(values_only=True))
    assert rows == [
        ("Nội dung", "Ý kiến", "Số đơn vị nêu", "Đơn vị nêu"),
        ("Ưu điểm", "Cấp ủy vào cuộc quyết liệt", None, None),
        ("Kiến nghị, đề xuất", "Đề nghị hỗ trợ kinh phí", 2, "Chi bộ khu phố Liêm Định, Chi bộ khu phố Kim Châu"),
    ]
