"""Streamed sheet rows (pipeline/xlsxwrite.py): a batch encoded column by column writes the same
XML and feeds the same digest as the rows written one by one, whatever the values."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from pipeline.core.ooxml import deterministic_zip
from pipeline.core.upward import ContentDigest
from pipeline.outputs.xlsx.stream import BATCH_ROWS, Column, StreamedSheet, with_rows

Rows = list[tuple[Any, ...]]

TEXTS = ["Hòa giải", "", None, " lề trái", "lề phải\u00a0", "a & b < c > d", "dòng 1\ndòng 2", "Hòa giải"]
# Control characters are dropped (one left behind a combining mark that then composes), texts
# are made NFC; a NUL (the fast path's separator) sends the column through the per-cell rule.
ODD_TEXTS = ["ký tự\x01điều khiển", "e\u0301 chưa NFC", "a\x0b\u0301", "\x1fđầu", " \x1e"]
# What no XML can hold beyond control characters: noncharacters (one between a letter and its mark)
# and a lone surrogate, dropped by the fast path and the per-cell rule alike; U+FFFD stays.
NOT_TEXTS = ["ghi\ufffechú", "a\uffff", "\ufffd giữ lại", "e\ufffe\u0301", "lỗi\udcff tên"]
COLUMNS: list[Any] = [
    pytest.param(TEXTS, id="texts-blanks-spaces-escapes"),
    pytest.param(ODD_TEXTS + TEXTS, id="texts-control-nfc"),
    pytest.param(["có\x00NUL", *TEXTS], id="texts-nul"),
    pytest.param(NOT_TEXTS + TEXTS, id="texts-not-xml"),
    pytest.param(NOT_TEXTS[:-1] + TEXTS, id="texts-noncharacters"),
    pytest.param([1, 2, None, 2, -7, 2**53, -(2**60), 0], id="integers-huge"),
    pytest.param([1.0, 2.5, None, 2.5, 0.1 + 0.2, 1e15, 123456789012.5, 3e-7], id="floats"),
    pytest.param([0.0, -0.0, 1.5, 0.0], id="floats-signed-zeros"),
    pytest.param([-0.0, -0.0, 2.0], id="floats-negative-zero-only"),
    pytest.param([float("nan"), float("inf"), 1.0, None], id="floats-not-finite"),
    pytest.param([True, False, None, True], id="booleans"),
    pytest.param([1, 1.0, True, "1", None], id="mixed-equal-keys"),
    pytest.param([dt.date(2026, 12, 1), dt.date(2026, 12, 1), None], id="dates"),
    pytest.param([dt.datetime(2026, 12, 1, 8, 30), dt.datetime(2026, 12, 1), dt.date(2026, 12, 1)], id="datetimes"),
    pytest.param([None, None, None], id="all-blank"),
    pytest.param(["", "", None], id="all-empty-text"),
]


def _written(rows: Rows, specs: Sequence[Column], font: Font | None, batch: bool) -> tuple[bytes, str]:
    """The sheet XML of ``rows`` and the digest, written in a batch or one row at a time."""
    wb = Workbook(write_only=True)
    digest = ContentDigest()
    with tempfile.TemporaryFile() as xml:
        sheet = StreamedSheet(wb, digest, xml)
        sheet.start("Thử", {}, (len(rows), 3))
        if batch:
            sheet.append_rows(rows, specs, font)
        else:
            for values in rows:
                sheet.append(values, specs, font)
        xml.seek(0)
        return xml.read(), digest.hexdigest()


@pytest.mark.parametrize("values", COLUMNS)
@pytest.mark.parametrize(
    ("spec", "font"),
    [
        pytest.param(Column("x"), None, id="plain"),
        pytest.param(Column("x", wrap=True, year=True), None, id="wrapped-year"),
        pytest.param(Column("x"), Font(bold=True), id="bold"),
    ],
)
def test_a_batch_writes_what_rows_one_by_one_write(values: list[Any], spec: Column, font: Font | None) -> None:
    rows: Rows = [(index, value, f"dòng {index}") for index, value in enumerate(values)]
    specs = (Column("STT"), spec, Column("Ghi chú", wrap=True))
    one_by_one = _written(rows, specs, font, batch=False)
    assert _written(rows, specs, font, batch=True) == one_by_one
    assert one_by_one[0].count(b"<row ") == len(rows)


def test_text_no_xml_can_hold_is_left_out_of_the_sheet() -> None:
    rows: Rows = [(value,) for value in [*NOT_TEXTS, "ký tự\x01điều khiển"]]
    for batch in (True, False):
        xml = _written(rows, (), None, batch=batch)[0]
        texts = [t.text for t in ElementTree.fromstring(b"<sheetData>" + xml + b"</sheetData>").iter("t")]
        assert texts == ["ghichú", "a", "\ufffd giữ lại", "e\u0301", "lỗi tên", "ký tựđiều khiển"]


def test_rows_of_a_batch_longer_than_one_encoding_pass_and_ragged_rows() -> None:
    long: Rows = [(i % 7, f"mô hình {i % 13}", i / 4 if i % 5 else None) for i in range(BATCH_ROWS + 5)]
    assert _written(long, (), None, batch=True) == _written(long, (), None, batch=False)
    ragged: Rows = [("Bảng",), (), ("Tổng", 2, 3.5), (None, None)]
    assert _written(ragged, (), None, batch=True) == _written(ragged, (), None, batch=False)


def test_the_spliced_package_reads_back_the_values() -> None:
    wb = Workbook(write_only=True)
    digest = ContentDigest()
    with tempfile.TemporaryFile() as xml:
        sheet = StreamedSheet(wb, digest, xml)
        sheet.start("Danh sách", {1: 12}, (3, 3))
        sheet.header(["Mã", "Tên", "Điểm"])
        sheet.append_rows([("A1", " Hòa giải & hòa hợp", 8.5), ("A2", None, 7.0)])
        buffer = io.BytesIO()
        wb.save(buffer)
        package = with_rows(deterministic_zip(buffer.getvalue(), dt.datetime(2026, 12, 1)), [sheet])
    ws = openpyxl.load_workbook(io.BytesIO(package))["Danh sách"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["Mã", "Tên", "Điểm"],
        ["A1", " Hòa giải & hòa hợp", 8.5],
        ["A2", None, 7],
    ]
    assert ws["C3"].number_format == "#,##0" and ws["C2"].number_format == "#,##0.##"
