"""Template stage: the generated workbook, read back the way units' files are read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from openpyxl.utils import get_column_letter

from pipeline.config import Config, ConfigError, Field, Sheet, Unit
from pipeline.core import layout
from pipeline.core.identity import sign, verify
from pipeline.core.ooxml import atomic_write, deterministic_zip
from pipeline.intake.receive import receive
from pipeline.intake.validate import validate
from pipeline.outputs.xlsx.template import (
    PrefilledItem,
    build_template,
    instructions,
    prefill_from_register,
    template_bytes,
    write_templates,
)
from pipeline.register import ItemEntry, KnownItems
from pipeline.tools.demo import fill_workbook
from tests.support.builder import activity_answers

YEAR = 2026
UNIT_CODES = ("KP-BD01", "MTTQ")


def _unit(config: Config, code: str) -> Unit:
    unit = config.units.get(code)
    assert unit is not None
    return unit


@pytest.fixture(scope="module", params=UNIT_CODES)
def unit(request: pytest.FixtureRequest, config: Config) -> Unit:
    return _unit(config, request.param)


@pytest.fixture(scope="module")
def data(config: Config, unit: Unit) -> bytes:
    return template_bytes(config, unit, YEAR)


@pytest.fixture(scope="module")
def wb(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _data_range(sheet: Sheet, column: int) -> str:
    letter = get_column_letter(column)
    return f"{letter}{layout.FIRST_DATA_ROW}:{letter}{layout.FIRST_DATA_ROW + sheet.rows - 1}"


def _input_cells(sheet: Sheet) -> Iterator[tuple[Field, str]]:
    """Every field with the cell range its validation must cover."""
    if sheet.kind == "form":
        for row, field in enumerate(sheet.fields, start=layout.FIRST_DATA_ROW):
            yield field, f"{get_column_letter(layout.FORM_VALUE_COLUMN)}{row}"
    else:
        for column, field in enumerate(sheet.fields, start=1):
            yield field, _data_range(sheet, column)


def _validations(ws: Any) -> dict[str, Any]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def _strings(wb: Any) -> Iterator[str]:
    """Every piece of text the workbook shows: sheet names, cells, comments, validation texts."""
    for ws in wb.worksheets:
        yield ws.title
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    yield cell.value
                if cell.comment is not None:
                    yield cell.comment.text
        for dv in ws.data_validations.dataValidation:
            yield from (t for t in (dv.error, dv.errorTitle, dv.prompt, dv.promptTitle, dv.formula1) if t)


# --------------------------------------------------------------------------- sheets


def test_sheets_in_order_with_hidden_sheets_last(wb: Any, config: Config) -> None:
    titles = [layout.INSTRUCTIONS_SHEET, *(s.title for s in config.template.sheets)]
    assert wb.sheetnames == [*titles, layout.LISTS_SHEET, layout.META_SHEET]
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    assert states == {**dict.fromkeys(titles, "visible"), layout.LISTS_SHEET: "hidden", layout.META_SHEET: "hidden"}


def test_instructions_sheet_opens_first(wb: Any) -> None:
    assert wb.active.title == layout.INSTRUCTIONS_SHEET
    assert [ws.sheet_view.tabSelected for ws in wb.worksheets] == [True] + [False] * (len(wb.worksheets) - 1)


def test_meta_identifies_the_workbook(wb: Any, config: Config, unit: Unit) -> None:
    rows = list(wb[layout.META_SHEET].iter_rows(values_only=True))
    assert rows == [
        ("kind", layout.META_KIND_UNIT_TEMPLATE),
        ("template_version", config.template.version),
        ("unit_code", unit.code),
        ("year", str(YEAR)),
        ("signature", sign(config.secret, layout.META_KIND_UNIT_TEMPLATE, unit.code, YEAR, config.template.version)),
    ]
    assert verify(config.secret, rows[-1][1], layout.META_KIND_UNIT_TEMPLATE, unit.code, YEAR, config.template.version)
    assert not verify(config.secret, rows[-1][1], layout.META_KIND_UNIT_TEMPLATE, "XYZ", YEAR, config.template.version)


def test_lists_sheet_holds_every_list(wb: Any, config: Config) -> None:
    ws = wb[layout.LISTS_SHEET]
    for column, (key, values) in enumerate(config.template.lists.items(), start=1):
        cells = [ws.cell(row=row, column=column).value for row in range(1, len(values) + 3)]
        assert cells == [key, *values, None]


def test_instructions_are_filled_in(wb: Any, config: Config, unit: Unit) -> None:
    ws = wb[layout.INSTRUCTIONS_SHEET]
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    assert ws["A1"].value == f"{config.template.title} năm {YEAR}"
    assert ws["A1"].font.b
    assert "25/11/2026" in text
    assert f"{unit.name} (mã {unit.code})" in text
    assert config.organization.collecting_board in text
    assert "{" not in text
    # One column, as wide as a portrait page allows; a line longer than it wraps in a taller row.
    assert ws.column_dimensions["A"].width == instructions.WIDTH
    long_rows = [c.row for c in ws["A"] if isinstance(c.value, str) and len(c.value) > 1.5 * instructions.WIDTH]
    assert long_rows
    assert all(ws.row_dimensions[row].height >= 30 for row in long_rows)


# --------------------------------------------------------------------------- layout


def test_table_headers_are_exactly_the_schema_labels(wb: Any, config: Config) -> None:
    tables = [s for s in config.template.sheets if s.kind == "table"]
    assert tables
    for sheet in tables:
        ws = wb[sheet.title]
        headers = [c.value for c in ws[layout.HEADER_ROW]]
        assert headers == [f.label for f in sheet.fields]
        assert len(sheet.score_fields()) == len(config.criteria.sets[sheet.key].criteria)
        assert ws.freeze_panes == f"A{layout.FIRST_DATA_ROW}"
        assert ws.cell(row=layout.HEADING_ROW, column=1).value == sheet.heading.format(year=YEAR)


def test_table_headers_carry_help_as_comments(wb: Any, config: Config) -> None:
    sheet = config.template.sheet("models")
    ws = wb[sheet.title]
    for column, field in enumerate(sheet.fields, start=1):
        comment = ws.cell(row=layout.HEADER_ROW, column=column).comment
        if field.help:
            assert comment is not None and field.help in comment.text
        elif not field.required:
            assert comment is None


def test_form_sheets_list_labels_and_notes(wb: Any, config: Config) -> None:
    for sheet in (s for s in config.template.sheets if s.kind == "form"):
        ws = wb[sheet.title]
        assert [c.value for c in ws[layout.HEADER_ROW]] == list(layout.FORM_HEADERS)
        assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
        for row, field in enumerate(sheet.fields, start=layout.FIRST_DATA_ROW):
            assert ws.cell(row=row, column=layout.FORM_LABEL_COLUMN).value == field.label
            note = ws.cell(row=row, column=layout.FORM_HELP_COLUMN).value or ""
            assert ("Bắt buộc" in note) == (field.required and not field.prefill)
            assert field.help in note


def test_prefilled_cells_hold_the_unit_and_stay_locked(wb: Any, config: Config, unit: Unit) -> None:
    ws = wb[config.template.sheet("unit").title]
    expected = {"unit.code": unit.code, "unit.name": unit.name}
    prefilled = [(row, f) for row, f in enumerate(config.template.sheet("unit").fields, start=4) if f.prefill]
    assert len(prefilled) == 2
    for row, field in prefilled:
        cell = ws.cell(row=row, column=layout.FORM_VALUE_COLUMN)
        assert cell.value == expected[field.prefill]
        assert cell.protection.locked


def test_only_input_cells_are_unlocked(wb: Any, config: Config) -> None:
    for sheet in config.template.sheets:
        ws = wb[sheet.title]
        inputs = {cell for field, ref in _input_cells(sheet) if not field.prefill for cell in _cells(ws, ref)}
        for row in ws.iter_rows():
            for cell in row:
                assert cell.protection.locked == (cell.coordinate not in inputs), cell.coordinate
        assert inputs


def _cells(ws: Any, ref: str) -> Iterator[str]:
    cells = ws[ref]
    if not isinstance(cells, tuple):
        yield cells.coordinate
        return
    for row in cells:
        yield from (c.coordinate for c in (row if isinstance(row, tuple) else (row,)))


def test_every_sheet_is_protected_but_columns_can_be_widened(wb: Any, config: Config) -> None:
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password
    for sheet in config.template.sheets:
        protection = wb[sheet.title].protection
        assert not protection.formatColumns and not protection.formatRows


_NUMBER_FORMATS = {"number": "General", "date": "dd/mm/yyyy", "choice": "@", "boolean": "@", "text": "@"}


def _expected_format(field: Field) -> str:
    if field.type == "integer":
        return "0" if field.is_year else "#,##0"
    return _NUMBER_FORMATS[field.type]


def _assert_boxed(cell: Any) -> None:
    """A thin grey border on all four sides."""
    for side in (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom):
        assert side.style == "thin" and side.color.rgb == "00808080", cell.coordinate


def test_table_cells_are_formatted(wb: Any, config: Config) -> None:
    for sheet in (s for s in config.template.sheets if s.kind == "table"):
        ws = wb[sheet.title]
        for column, field in enumerate(sheet.fields, start=1):
            header = ws.cell(row=layout.HEADER_ROW, column=column)
            assert header.font.b and header.fill.fill_type == "solid"
            assert header.fill.fgColor.rgb == ("00FCE4D6" if field.required else "00DDEBF7")
            assert (header.alignment.horizontal, header.alignment.vertical) == ("center", "center")
            assert header.alignment.wrap_text
            _assert_boxed(header)
            for row in range(layout.FIRST_DATA_ROW, layout.FIRST_DATA_ROW + sheet.rows):
                cell = ws.cell(row=row, column=column)
                assert cell.number_format == _expected_format(field), cell.coordinate
                assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
                assert cell.fill.fill_type is None
                _assert_boxed(cell)
        heading = ws.cell(row=layout.HEADING_ROW, column=1)
        assert heading.font.b and heading.font.sz == 13 and heading.alignment.horizontal == "center"
        assert ws.cell(row=layout.HELP_ROW, column=1).font.i


def test_form_cells_are_formatted(wb: Any, config: Config) -> None:
    for sheet in (s for s in config.template.sheets if s.kind == "form"):
        ws = wb[sheet.title]
        for row, field in enumerate(sheet.fields, start=layout.FIRST_DATA_ROW):
            label, value, note = (ws.cell(row=row, column=c) for c in (1, 2, 3))
            assert label.font.b == field.required
            assert value.number_format == _expected_format(field)
            assert value.fill.fill_type == ("solid" if field.prefill else None)
            if field.prefill:
                assert value.fill.fgColor.rgb == "00D9D9D9"
            for cell in (label, value, note):
                assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
                _assert_boxed(cell)
        for column in range(1, len(layout.FORM_HEADERS) + 1):
            assert ws.cell(row=layout.HEADER_ROW, column=column).fill.fgColor.rgb == "00DDEBF7"


# --------------------------------------------------------------------------- validations


def test_choice_cells_pick_from_the_lists_sheet(wb: Any, config: Config) -> None:
    for sheet in config.template.sheets:
        validations = _validations(wb[sheet.title])
        for field, ref in _input_cells(sheet):
            if field.type != "choice":
                continue
            dv = validations[ref]
            column = get_column_letter(list(config.template.lists).index(field.choice_list) + 1)
            assert dv.type == "list"
            assert dv.formula1 == f"'_lists'!${column}$2:${column}${len(field.choices) + 1}"
            assert dv.showErrorMessage and dv.error == "Hãy chọn một giá trị trong danh sách."


@pytest.mark.parametrize(
    ("field_type", "validation_type"),
    [
        pytest.param("integer", "whole", id="integer"),
        pytest.param("number", "decimal", id="number"),
        pytest.param("date", "date", id="date"),
    ],
)
def test_typed_cells_are_validated(wb: Any, config: Config, field_type: str, validation_type: str) -> None:
    seen = 0
    for sheet in config.template.sheets:
        validations = _validations(wb[sheet.title])
        for field, ref in _input_cells(sheet):
            if field.type == field_type:
                dv = validations[ref]
                assert dv.type == validation_type
                assert dv.showErrorMessage and dv.error
                seen += 1
    assert seen


def test_number_bounds_come_from_the_schema(wb: Any, config: Config) -> None:
    sheet = config.template.sheet("models")
    validations = _validations(wb[sheet.title])
    column = [f.key for f in sheet.fields].index("start_year") + 1
    dv = validations[_data_range(sheet, column)]
    assert (dv.operator, dv.formula1, dv.formula2) == ("between", "2000", "2031")
    score = sheet.score_fields()[0]
    dv = validations[_data_range(sheet, sheet.fields.index(score) + 1)]
    assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "0", f"{score.max:g}")


def test_text_length_and_date_cells(wb: Any, config: Config) -> None:
    sheet = config.template.sheet("unit")
    ws = wb[sheet.title]
    validations = _validations(ws)
    for field, ref in _input_cells(sheet):
        if field.type == "text" and field.max_length and not field.prefill:
            dv = validations[ref]
            assert (dv.type, dv.operator, dv.formula1) == ("textLength", "lessThanOrEqual", str(field.max_length))
        if field.type == "date":
            assert ws[ref].number_format == "dd/mm/yyyy"
            assert (validations[ref].formula1, validations[ref].formula2) == ("36526", "73415")


def test_validation_texts_fit_excel_limits(wb: Any) -> None:
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            assert len(dv.errorTitle or "") <= 32 and len(dv.promptTitle or "") <= 32
            assert len(dv.error or "") <= 255 and len(dv.prompt or "") <= 255


# --------------------------------------------------------------------------- text and reading


def test_all_text_is_nfc(wb: Any) -> None:
    for text in _strings(wb):
        assert unicodedata.is_normalized("NFC", text), text


def test_decomposed_input_is_written_as_nfc(config: Config) -> None:
    unit = _unit(config, "MTTQ")
    decomposed = dataclasses.replace(unit, name=unicodedata.normalize("NFD", unit.name))
    wb = build_template(config, decomposed, YEAR)
    assert wb[config.template.sheet("unit").title]["B5"].value == unit.name


def test_calamine_reads_the_header_row_where_the_layout_says(data: bytes, config: Config) -> None:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    for sheet in config.template.sheets:
        rows = book.get_sheet_by_name(sheet.title).to_python(skip_empty_area=False)
        header = rows[layout.HEADER_ROW - 1]
        expected = layout.FORM_HEADERS if sheet.kind == "form" else tuple(f.label for f in sheet.fields)
        assert tuple(header[: len(expected)]) == expected
    meta = book.get_sheet_by_name(layout.META_SHEET).to_python(skip_empty_area=False)
    assert meta[3][:2] == ["year", str(YEAR)]


def test_unknown_year_is_a_config_error(config: Config) -> None:
    with pytest.raises(ConfigError, match="1999"):
        build_template(config, config.units.units[0], 1999)


# --------------------------------------------------------------------------- files


def test_template_bytes_are_deterministic(config: Config, data: bytes, unit: Unit) -> None:
    assert template_bytes(config, unit, YEAR) == data
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert core.count("2026-01-01T00:00:00Z") == 2


def test_template_bytes_are_what_openpyxl_saves(config: Config, data: bytes, unit: Unit) -> None:
    """template_bytes builds sheets in memory, not via Workbook.save; the package must not differ."""
    buffer = io.BytesIO()
    build_template(config, unit, YEAR).save(buffer)
    assert deterministic_zip(buffer.getvalue(), dt.datetime(YEAR, 1, 1)) == data


def test_write_templates_writes_one_file_per_unit(config: Config, tmp_path: Path) -> None:
    paths = write_templates(config, YEAR, tmp_path)
    folder = tmp_path / str(YEAR) / "mau-bieu"
    assert len(paths) == 39
    assert paths == sorted(folder / f"{u.code}.xlsx" for u in config.units.units)
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in paths]
    meta = openpyxl.load_workbook(paths[0])[layout.META_SHEET]
    assert meta["B3"].value == paths[0].stem


def test_deterministic_zip_fixes_times_and_keeps_order() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("b.txt", "b")
        core = '<dcterms:modified xsi:type="dcterms:W3CDTF">2031-05-06T07:08:09Z</dcterms:modified>'
        package.writestr("docProps/core.xml", core)
    fixed = deterministic_zip(buffer.getvalue(), dt.datetime(2026, 1, 1))
    with zipfile.ZipFile(io.BytesIO(fixed)) as package:
        assert package.namelist() == ["b.txt", "docProps/core.xml"]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in package.infolist())
        assert b"2026-01-01T00:00:00Z" in package.read("docProps/core.xml")


def test_atomic_write_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "file.bin"
    atomic_write(path, b"old")
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert list(path.parent.iterdir()) == [path]


# --------------------------------------------------------------------------- prefilled models

PREFILL_UNIT = "KP-BD01"
PREFILLED = (
    PrefilledItem("MH-2025-001", "models", "Camera an ninh - mắt thần khu dân cư", "Quốc phòng - an ninh", 2024),
    PrefilledItem("MH-2025-002", "models", "Tổ tự quản vệ sinh môi trường", "Văn hóa - xã hội", 2025),
)
# The cells the ward writes into a prefilled model row.
PREFILLED_KEYS = ("code", "name", "field", "status", "start_year")


@pytest.fixture(scope="module")
def prefilled_data(config: Config) -> bytes:
    return template_bytes(config, _unit(config, PREFILL_UNIT), YEAR, PREFILLED)


@pytest.fixture(scope="module")
def prefilled_wb(prefilled_data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(prefilled_data))


def _models(config: Config) -> Sheet:
    return config.template.sheet("models")


def _column(sheet: Sheet, key: str) -> int:
    return [f.key for f in sheet.fields].index(key) + 1


def _many(count: int) -> list[PrefilledItem]:
    return [
        PrefilledItem(f"MH-2025-{n:03d}", "models", f"Mô hình số {n}", "Kinh tế", 2025) for n in range(1, count + 1)
    ]


def test_prefilled_models_hold_code_name_field_status_and_start_year(prefilled_wb: Any, config: Config) -> None:
    sheet = _models(config)
    ws = prefilled_wb[sheet.title]
    continuing = config.template.lists["model_status"][1]
    for row, item in enumerate(PREFILLED, start=layout.FIRST_DATA_ROW):
        values = [ws.cell(row=row, column=_column(sheet, key)).value for key in PREFILLED_KEYS]
        assert values == [item.code, item.name, item.field, continuing, item.start_year]
    assert continuing == "Tiếp tục thực hiện"


def test_prefilled_cells_are_grey_and_locked_the_rest_are_inputs(prefilled_wb: Any, config: Config) -> None:
    sheet = _models(config)
    ws = prefilled_wb[sheet.title]
    prefilled_rows = range(layout.FIRST_DATA_ROW, layout.FIRST_DATA_ROW + len(PREFILLED))
    locked = {ws.cell(row=r, column=_column(sheet, k)).coordinate for r in prefilled_rows for k in PREFILLED_KEYS}
    inputs = {c for column in range(1, len(sheet.fields) + 1) for c in _cells(ws, _data_range(sheet, column))}
    assert locked < inputs
    for row in ws.iter_rows():
        for cell in row:
            assert cell.protection.locked == (cell.coordinate not in inputs - locked), cell.coordinate
            if cell.coordinate in locked:
                assert (cell.fill.fill_type, cell.fill.fgColor.rgb) == ("solid", "00D9D9D9"), cell.coordinate
                _assert_boxed(cell)
            elif cell.coordinate in inputs:
                assert cell.fill.fill_type is None and cell.value is None, cell.coordinate
    assert ws.cell(row=layout.FIRST_DATA_ROW, column=_column(sheet, "start_year")).number_format == "0"


def test_prefilled_rows_are_explained_in_the_help_line(prefilled_wb: Any, wb: Any, config: Config) -> None:
    help_line = prefilled_wb[_models(config).title].cell(row=layout.HELP_ROW, column=1).value
    assert "Dòng 4–5" in help_line and "Mục mới ghi từ dòng 6" in help_line
    assert "màu xám" not in wb[_models(config).title].cell(row=layout.HELP_ROW, column=1).value


def test_a_field_that_is_not_a_choice_is_left_for_the_unit(config: Config) -> None:
    sheet = _models(config)
    item = dataclasses.replace(PREFILLED[0], field="Lĩnh vực đã bỏ")
    ws = build_template(config, _unit(config, PREFILL_UNIT), YEAR, [item])[sheet.title]
    cell = ws.cell(row=layout.FIRST_DATA_ROW, column=_column(sheet, "field"))
    assert cell.value is None and not cell.protection.locked and cell.fill.fill_type is None
    assert ws.cell(row=layout.FIRST_DATA_ROW, column=_column(sheet, "name")).protection.locked
    assert "Dòng 4: mục đang thực hiện" in ws.cell(row=layout.HELP_ROW, column=1).value


def test_more_items_than_rows_extend_the_sheet_and_its_validations(config: Config) -> None:
    sheet = _models(config)
    items = _many(sheet.rows + 2)
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(config, _unit(config, PREFILL_UNIT), YEAR, items)))
    ws = wb[sheet.title]
    last = layout.FIRST_DATA_ROW + len(items) + 5 - 1
    validations = _validations(ws)
    for column, field in enumerate(sheet.fields, start=1):
        letter = get_column_letter(column)
        if field.type != "text" or field.max_length:
            assert f"{letter}{layout.FIRST_DATA_ROW}:{letter}{last}" in validations, field.key
        assert not ws.cell(row=last, column=column).protection.locked
        assert ws.cell(row=last + 1, column=column).protection.locked
    code = _column(sheet, "code")
    assert ws.cell(row=layout.FIRST_DATA_ROW + len(items) - 1, column=code).value == items[-1].code
    assert ws.cell(row=layout.FIRST_DATA_ROW + len(items), column=code).value is None
    collectives = config.template.sheet("collectives")
    assert ws.parent[collectives.title].max_row == layout.FIRST_DATA_ROW + collectives.rows - 1


def test_few_items_keep_the_prepared_rows(prefilled_wb: Any, config: Config) -> None:
    sheet = _models(config)
    ws = prefilled_wb[sheet.title]
    assert ws.max_row == layout.FIRST_DATA_ROW + sheet.rows - 1
    assert _data_range(sheet, 1) in _validations(ws)


def test_items_of_a_sheet_without_a_code_column_are_not_written(config: Config, data: bytes, unit: Unit) -> None:
    items = [PrefilledItem("TT-2025-001", "collectives", "Tổ hòa giải", "Kinh tế", 2025)]
    assert template_bytes(config, unit, YEAR, items) == data


def test_filled_prefilled_template_is_accepted_with_its_codes(
    prefilled_data: bytes, prefilled_wb: Any, config: Config, tmp_path: Path
) -> None:
    sheet = _models(config)
    scores = {f.key: f.max for f in sheet.score_fields()}
    evaluation = {"area": "Khu phố Liêm Định", **scores, "proposal": config.template.lists["proposals"][0]}
    new_model = {
        "name": "Đối thoại định kỳ với Nhân dân",
        "field": "Xây dựng hệ thống chính trị",
        "status": config.template.lists["model_status"][0],
        "start_year": YEAR,
        **evaluation,
    }
    ws = prefilled_wb[sheet.title]
    for key in evaluation:  # the unit only types where the template lets it
        assert not ws.cell(row=layout.FIRST_DATA_ROW, column=_column(sheet, key)).protection.locked
    answers = {
        "unit": {"preparer": "Nguyễn Thị Hoa", "report_date": dt.date(YEAR, 11, 14)},
        "models": [evaluation, evaluation, new_model],
        "activities": activity_answers(config, 1),
    }
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(fill_workbook(prefilled_data, answers, config))
    known = KnownItems({item.code: PREFILL_UNIT for item in PREFILLED})
    sub = validate(receive(path, path.name), config, YEAR, known)
    assert sub.findings == ()
    assert sub.accepted
    models = sub.tables["models"]
    assert [(r.row, r.values["code"], r.values["name"]) for r in models] == [
        (4, "MH-2025-001", PREFILLED[0].name),
        (5, "MH-2025-002", PREFILLED[1].name),
        (6, None, new_model["name"]),
    ]
    assert [(r.values["status"], r.values["start_year"]) for r in models[:2]] == [
        ("Tiếp tục thực hiện", 2024),
        ("Tiếp tục thực hiện", 2025),
    ]
    other = validate(receive(path, path.name), config, YEAR, KnownItems({"MH-2025-001": "MTTQ"}))
    assert [(f.code, f.cell) for f in other.findings] == [
        ("code-of-another-unit", "A4"),
        ("unknown-model-code", "A5"),
    ]


def test_prefilled_template_bytes_are_deterministic(config: Config, prefilled_data: bytes, blank_template: Any) -> None:
    unit = _unit(config, PREFILL_UNIT)
    assert template_bytes(config, unit, YEAR, list(PREFILLED)) == prefilled_data
    assert template_bytes(config, unit, YEAR, _many(40)) == template_bytes(config, unit, YEAR, _many(40))
    assert prefilled_data != blank_template(PREFILL_UNIT)
    assert template_bytes(config, unit, YEAR, ()) == blank_template(PREFILL_UNIT)
    buffer = io.BytesIO()
    build_template(config, unit, YEAR, PREFILLED).save(buffer)
    assert deterministic_zip(buffer.getvalue(), dt.datetime(YEAR, 1, 1)) == prefilled_data


def test_write_templates_prefills_each_units_own_items(config: Config, tmp_path: Path, prefilled_data: bytes) -> None:
    paths = write_templates(config, YEAR, tmp_path, {PREFILL_UNIT: PREFILLED, "NO-SUCH-UNIT": PREFILLED})
    by_unit = {p.stem: p for p in paths}
    assert by_unit[PREFILL_UNIT].read_bytes() == prefilled_data
    other = openpyxl.load_workbook(by_unit["MTTQ"])[_models(config).title]
    assert other.cell(row=layout.FIRST_DATA_ROW, column=1).value is None
    assert len(paths) == 39


def _item(code: str, unit: str = "KP-BD01", kind: str = "models", state: str = "in-progress") -> ItemEntry:
    return ItemEntry(code, kind, unit, f"Tên {code}", int(code[3:7]), state)


def test_prefill_from_register_takes_live_models_by_unit_and_code() -> None:
    items = [
        _item("MH-2026-002"),
        _item("MH-2025-003", unit="MTTQ", state="recognised"),
        _item("MH-2025-001", state="removed"),
        _item("MH-2025-004", state="under-review"),
        _item("TT-2025-001", kind="collectives"),
        _item("MH-2025-005", unit="MTTQ", state="removed"),
    ]
    fields_of = {"MH-2026-002": ("Kinh tế", 2023), "MH-2025-001": ("Kinh tế", 2020)}
    assert prefill_from_register(items, fields_of) == {
        "KP-BD01": [
            PrefilledItem("MH-2025-004", "models", "Tên MH-2025-004", "", 2025),
            PrefilledItem("MH-2026-002", "models", "Tên MH-2026-002", "Kinh tế", 2023),
        ],
        "MTTQ": [PrefilledItem("MH-2025-003", "models", "Tên MH-2025-003", "", 2025)],
    }
    assert prefill_from_register([_item("MH-2025-001", state="removed")], {}) == {}
