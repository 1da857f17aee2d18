"""What only the sheet XML tells: error cells, formulas without a value, legacy-font cells."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font

from pipeline.config import Config
from pipeline.intake.cells import CellError, FormulaWithoutValue
from pipeline.intake.encodings import encode
from pipeline.intake.receive import receive
from pipeline.intake.sheetxml import UnsafeXml, sheet_extras
from pipeline.intake.validate import validate
from tests.support.builder import activity_answers

UNIT = "MTTQ"


def _edited(data: bytes, edit: Callable[[Any], None]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _model_answers(config: Config, name: str) -> dict[str, Any]:
    scores = {f"score_{k}": 5 for k in ("cu_the", "lanh_dao", "luc_luong", "ket_qua", "dong_thuan", "ben_vung")}
    model = {"name": name, "field": "Kinh tế", "status": "Mới đăng ký", "start_year": 2026, "proposal": "Không đề nghị"}
    return {
        "unit": {"preparer": "Lê Văn A", "report_date": "20/11/2026"},
        "models": [{**model, **scores}],
        "activities": activity_answers(config),
    }


def test_formulas_without_cached_values_are_found(config: Config, filled_workbook: Callable[..., bytes]) -> None:
    data = _edited(
        filled_workbook(UNIT, _model_answers(config, "Mô hình A")), lambda wb: wb["Hoạt động"].__setitem__("B5", "=1+1")
    )
    extras = sheet_extras(data)
    assert extras["Hoạt động"].special == {(5, 2): FormulaWithoutValue("=1+1")}


def test_legacy_font_cells_are_found_and_converted(
    tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes]
) -> None:
    def type_in_vntime(wb: Any) -> None:
        cell = wb["Mô hình"]["B4"]
        cell.value = encode("Ủy ban nhân dân với tuyến đường hoa", "tcvn3")
        cell.font = Font(name=".VnTime")

    data = _edited(filled_workbook(UNIT, _model_answers(config, "tạm")), type_in_vntime)
    assert sheet_extras(data)["Mô hình"].legacy_fonts == {(4, 2): ".VnTime"}
    path = tmp_path / "vntime.xlsx"
    path.write_bytes(data)
    sub = validate(receive(path, path.name), config, 2026)
    assert [(f.code, f.sheet, f.cell) for f in sub.findings] == [("legacy-encoding", "Mô hình", "B4")]
    assert sub.tables["models"][0].values["name"] == "Ủy ban nhân dân với tuyến đường hoa"


def test_a_dtd_in_sheet_xml_is_refused(tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes]) -> None:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(filled_workbook(UNIT, _model_answers(config, "Mô hình A"))))
    out = io.BytesIO()
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                body = bomb + (body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body)
                body = body.replace(b"</sheetData>", b"<row r='99'><c r='A99' t='e'><v>&b;</v></c></row></sheetData>")
            target.writestr(info, body)
    with pytest.raises(UnsafeXml):
        sheet_extras(out.getvalue())


def test_error_cells_keep_their_error_text(config: Config, filled_workbook: Callable[..., bytes]) -> None:
    data = filled_workbook(UNIT, _model_answers(config, "Mô hình A"))
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet6.xml":
                body = body.replace(
                    b"</sheetData>", b'<row r="40"><c r="B40" t="e"><v>#DIV/0!</v></c></row></sheetData>'
                )
            target.writestr(info, body)
    sheets = {name: extra.special for name, extra in sheet_extras(out.getvalue()).items() if extra.special}
    assert list(sheets.values()) == [{(40, 2): CellError("#DIV/0!")}]


@pytest.mark.parametrize(("font", "expected"), [(".VnTime", "Tổ"), (None, "Tæ")], ids=["vntime-font", "no-font"])
def test_only_the_font_tells_a_short_tcvn3_word(
    tmp_path: Path, config: Config, filled_workbook: Callable[..., bytes], font: str | None, expected: str
) -> None:
    """ "Tæ" is "Tổ" in TCVN3 but also plausible Latin-1 text: the characters alone do not decide."""

    def type_area(wb: Any) -> None:
        cell = wb["Mô hình"]["F4"]
        cell.value = encode("Tổ", "tcvn3")
        if font:
            cell.font = Font(name=font)

    path = tmp_path / "area.xlsx"
    path.write_bytes(_edited(filled_workbook(UNIT, _model_answers(config, "Mô hình A")), type_area))
    sub = validate(receive(path, path.name), config, 2026)
    assert sub.tables["models"][0].values["area"] == expected
    assert [(f.code, f.cell) for f in sub.findings] == ([("legacy-encoding", "F4")] if font else [])
