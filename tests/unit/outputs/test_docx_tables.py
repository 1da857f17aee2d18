"""Data-table bodies written as text (pipeline.outputs.docx.tables): the same XML python-docx writes cell by
cell, escaped and normalised as lxml does it, streamed into the saved package byte-identically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Sequence
from typing import Any

import docx
import pytest
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from pipeline.config import Config
from pipeline.core.vnformat import number
from pipeline.outputs.docx import style as fmt
from pipeline.outputs.docx import table_frames
from pipeline.outputs.docx import tables as docxstream
from pipeline.outputs.docx.report import build_report, report_bytes
from pipeline.year.stat_table import Cell, StatTable
from pipeline.year.stats import statistics
from tests.support.builder import report_consolidation
from tests.support.docxtext import table_grid

FONT = "Times New Roman"
WIDTH_MM = 165.0
DATE = dt.date(2026, 12, 5)
COMBINING = unicodedata.normalize("NFD", "Phường Hòa Bình")  # decomposed, as some keyboards type it
COLUMNS = ("STT", "Tên", "Kinh phí: đồng", "Kinh phí: ngày công", "Ghi chú")
ROWS: tuple[tuple[Cell, ...], ...] = (
    (1, "Mô hình A & B <mới>", 1_234_567, 12.5, "dòng\rhai"),
    (2, COMBINING, 0, 3, "  khoảng trắng đầu và cuối  "),
    (3, "", -45, 0.25, "\"trích dẫn\" và 'nháy'"),
)
TOTAL: tuple[Cell, ...] = ("Tổng cộng", "", 1_234_522, 15.75, "")


def _document(config: Config) -> Any:
    return fmt.new_document(config.organization.document)


def _add_table(
    doc: Any,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    total: Sequence[Cell] | None,
    bodies: docxstream.TableBodies,
) -> Any:
    data = StatTable("t", "", tuple(columns), tuple(map(tuple, rows)), tuple(total) if total else None)
    return table_frames.add_data_table(doc, FONT, data, WIDTH_MM, bodies)


def _streamed_table(config: Config, rows: Sequence[Sequence[Cell]], total: Sequence[Cell] | None) -> Any:
    """A data table built the new way, its rows put into the in-memory document."""
    doc = _document(config)
    bodies = docxstream.TableBodies()
    table = _add_table(doc, COLUMNS, rows, total, bodies)
    bodies.materialize(doc.element)
    return table


def _api_row(
    table: Any, values: Sequence[Cell], widths: Sequence[float], size: float, bold: bool, keep: bool = False
) -> bytes:
    """A body row as python-docx's own API writes it (the code this module replaced)."""
    row = table.add_row()
    style_id = table.part.document.styles[fmt.TABLE_TEXT].style_id
    for cell, value, width in zip(row.cells, values, widths, strict=True):
        cell.width = Mm(width)
        paragraph = cell.paragraphs[0]
        fmt.set_style(paragraph, style_id)
        paragraph.paragraph_format.keep_with_next = keep or None
        if isinstance(value, int | float):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.add_run(paragraph, docxstream.format_cell(value), FONT, size=size, bold=bold or None)
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return bytes(etree.tostring(row._tr))


def _widths(rows: Sequence[Sequence[Cell]], size: float) -> list[float]:
    return table_frames.column_widths([c.partition(": ")[2] or c for c in COLUMNS], rows, WIDTH_MM, size)


# --------------------------------------------------------------------------- the XML, cell by cell


def test_body_rows_are_the_xml_python_docx_writes(config: Config) -> None:
    table = _streamed_table(config, ROWS, TOTAL)
    body = [*ROWS, TOTAL]
    widths = _widths(body, fmt.TABLE_TEXT_PT)
    streamed = [bytes(etree.tostring(tr)) for tr in table._tbl.tr_lst[2:]]  # two header rows
    reference = table_frames.add_layout_table(_document(config), widths)
    last = len(body) - 1
    # A short table is kept on one page: every row but the last kept with the next.
    expected = [
        _api_row(reference, values, widths, fmt.TABLE_TEXT_PT, bold=index == last, keep=index < last)
        for index, values in enumerate(body)
    ]
    assert streamed == expected


def test_a_long_table_may_split_between_rows_but_a_short_one_never(config: Config) -> None:
    longest_kept = [(f"Đơn vị {n}", n, n, n, n) for n in range(table_frames.KEPT_ROWS)]
    kept = _streamed_table(config, longest_kept[:-1], TOTAL)
    long = _streamed_table(config, longest_kept, TOTAL)

    def kept_with_next(table: Any) -> list[bool]:
        return [bool(r.cells[0].paragraphs[0].paragraph_format.keep_with_next) for r in table.rows]

    assert kept_with_next(kept) == [True] * (len(kept.rows) - 1) + [False]
    assert kept_with_next(long) == [False] * len(long.rows)


def test_a_one_row_header_is_the_xml_python_docx_writes(config: Config) -> None:
    columns, rows = ("STT", "Tên & <mô hình>", COMBINING, ""), [(1, "a", 2, "")]
    doc = _document(config)
    bodies = docxstream.TableBodies()
    table = _add_table(doc, columns, rows, None, bodies)
    bodies.materialize(doc.element)
    widths = table_frames.column_widths(list(columns), rows, WIDTH_MM, fmt.TABLE_TEXT_PT)
    reference = table_frames.add_layout_table(_document(config), widths).add_row()
    style_id = reference.part.document.styles[fmt.TABLE_TEXT].style_id
    for cell, title, width in zip(reference.cells, columns, widths, strict=True):
        cell.width = Mm(width)
        fmt.set_style(cell.paragraphs[0], style_id)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].paragraph_format.keep_with_next = True  # a one-row table: kept whole
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        fmt.add_run(cell.paragraphs[0], title, FONT, size=fmt.TABLE_TEXT_PT, bold=True)
    reference._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    assert etree.tostring(table._tbl.tr_lst[0]) == etree.tostring(reference._tr)
    assert len(table.rows) == 2


def test_table_structure_read_back(config: Config) -> None:
    """Header rows repeat, body rows never split, numbers right, total bold, widths on every cell."""
    table = _streamed_table(config, ROWS, TOTAL)
    rows = table.rows
    assert [r._tr.trPr.find(qn("w:tblHeader")) is not None for r in rows] == [True, True, False, False, False, False]
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows[2:])
    assert all(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:type")) == "dxa" for r in rows for cell in r.cells)
    assert [p.alignment for p in (c.paragraphs[0] for c in rows[2].cells)] == [2, None, 2, 2, None]
    assert all(run.bold for cell in rows[-1].cells for run in cell.paragraphs[0].runs)
    assert not any(run.bold for cell in rows[2].cells for run in cell.paragraphs[0].runs)
    assert table_grid(table) == [
        list(COLUMNS),
        ["1", "Mô hình A & B <mới>", "1.234.567", "12,5", "dòng\rhai"],
        ["2", "Phường Hòa Bình", "0", "3", "  khoảng trắng đầu và cuối  "],
        ["3", "", "-45", "0,2", "\"trích dẫn\" và 'nháy'"],
        ["Tổng cộng", "", "1.234.522", "15,8", ""],
    ]


def test_text_is_nfc(config: Config) -> None:
    cell = _streamed_table(config, ROWS, None).rows[3].cells[1]
    assert cell.text == unicodedata.normalize("NFC", COMBINING) != COMBINING


def test_a_table_without_total_has_no_bold_body_row(config: Config) -> None:
    table = _streamed_table(config, ROWS, None)
    assert len(table.rows) == 2 + len(ROWS)
    assert not any(run.bold for row in table.rows[2:] for cell in row.cells for run in cell.paragraphs[0].runs)


@pytest.mark.parametrize(
    "value, text, numeric",
    [
        pytest.param(1, "1", True, id="int"),
        pytest.param(1.0, "1", True, id="integral-float"),
        pytest.param(True, "True", True, id="bool-is-written-as-python-docx-did"),
        pytest.param("1", "1", False, id="digits-as-text"),
    ],
)
def test_equal_values_of_other_types_are_written_apart(config: Config, value: Cell, text: str, numeric: bool) -> None:
    """``True == 1 == 1.0`` as dict keys, yet each is written as its own type is."""
    rows = [(1, "a", 1, 1, "x"), (2, "b", 1.0, value, "y")]
    table = _streamed_table(config, rows, None)
    cell = table.rows[3].cells[3]
    assert cell.text == text
    assert (cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT) is numeric


@pytest.mark.parametrize(
    ("bad", "written"),
    [("\x00", ""), ("a\x0bb", "ab"), ("\x1f", ""), ("\ufffe", ""), ("b\uffff", "b"), ("c\udcff", "c")],
)
def test_a_character_xml_cannot_hold_is_left_out(config: Config, bad: str, written: str) -> None:
    """Never a traceback for one stray character, never a file Word cannot open: the cell is
    written without it, in a column of many texts and alone."""
    for rows in ([(1, bad, 1, 1, "x"), (2, "b & c", 1, 1, "y")], [(1, "a", 1, 1, bad)]):
        doc = _document(config)
        bodies = docxstream.TableBodies()
        _add_table(doc, COLUMNS, rows, None, bodies)
        bodies.materialize(doc.element)
        saved = io.BytesIO()
        doc.save(saved)
        cells = [cell.text for row in docx.Document(saved).tables[0].rows[2:] for cell in row.cells]
        assert written in cells and not any(c in "".join(cells) for c in bad if c not in written)


def test_a_paragraph_leaves_out_what_xml_cannot_hold(config: Config) -> None:
    """Text from anywhere (a file's name, the config) never makes lxml raise: the report is written without it."""
    doc = _document(config)
    fmt.add_paragraph(doc, "Tổ\ufffe tự quản\x01", config.organization.document.font)
    fmt.add_paragraph(doc.add_table(1, 1).cell(0, 0), "an\uffff ninh\udcff", config.organization.document.font)
    saved = io.BytesIO()
    doc.save(saved)
    reread = docx.Document(saved)
    assert reread.paragraphs[-1].text == "Tổ tự quản"
    assert reread.tables[-1].cell(0, 0).paragraphs[-1].text == "an ninh"


def test_a_row_of_the_wrong_length_is_refused(config: Config) -> None:
    doc = _document(config)
    bodies = docxstream.TableBodies()
    with pytest.raises(ValueError):
        _add_table(doc, COLUMNS, [(1, "a", 1, 1, "x"), (2, "b")], None, bodies)


# --------------------------------------------------------------------------- the vectorised helpers


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(["a", "b & c", "<d>", "e\rf", COMBINING, "", "  "], id="mixed"),
        pytest.param([""], id="one-empty"),
        pytest.param([], id="none"),
    ],
)
def test_xml_texts_equal_xml_text_of_each(texts: list[str]) -> None:
    assert docxstream.xml_texts(texts) == [docxstream.xml_text(t).encode() for t in texts]


def test_xml_texts_leave_out_a_nul_inside_a_text() -> None:
    assert docxstream.xml_texts(["a", "b\x00c", "\ufffe&"]) == [b"a", b"bc", b"&amp;"]


def test_whole_numbers_equal_number_of_each() -> None:
    values = [0, 7, -7, 999, 1000, -1000, 1_234_567, -98_765_432_100]
    assert docxstream.whole_numbers(values) == [number(v).encode() for v in values]
    assert docxstream.whole_numbers([]) == []


def test_xml_text_escapes_as_lxml() -> None:
    element = etree.Element("t")
    element.text = "a & b < c > d\re \"f\" 'g'"
    written = etree.tostring(element).decode()
    assert docxstream.xml_text(element.text) == written.removeprefix("<t>").removesuffix("</t>")


def test_many_rows_come_in_blocks(config: Config) -> None:
    """A long table is written a block of rows at a time; the blocks are the rows in order."""
    rows = [(n, f"Mô hình {n}", n * 1000, n / 4, "") for n in range(1, 2 * docxstream.BLOCK_ROWS + 2)]
    body = docxstream.TableBody(rows, False, [33.0] * 5, FONT, 12.0, "DVKTableText")
    blocks = list(body.blocks())
    assert len(blocks) == 3
    joined = b"".join(blocks)
    assert joined.count(b"<w:tr>") == len(rows)
    assert joined.index(">Mô hình 1<".encode()) < joined.index(">Mô hình 1001<".encode())


# --------------------------------------------------------------------------- the saved package


@pytest.fixture(scope="module")
def scenario(config: Config) -> tuple[Any, Any]:
    data = report_consolidation(config)
    return statistics(data, config), data


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_streamed_document_equals_the_built_document(config: Config, scenario: tuple[Any, Any], kind: str) -> None:
    """word/document.xml as streamed into the package is the in-memory document, serialised."""
    stats, data = scenario
    saved = report_bytes(kind, stats, data, config, DATE)
    with zipfile.ZipFile(io.BytesIO(saved)) as package:
        streamed = package.read(docxstream.DOCUMENT_PART)
    built = build_report(kind, stats, data, config, DATE)
    assert streamed == etree.tostring(built.element, encoding="UTF-8", standalone=True)
    assert b"dvk-rows" not in streamed


def test_package_entries_are_fixed_and_in_order(config: Config, scenario: tuple[Any, Any]) -> None:
    stats, data = scenario
    with zipfile.ZipFile(io.BytesIO(report_bytes("province", stats, data, config, DATE))) as package:
        infos = package.infolist()
        assert package.testzip() is None
    assert infos[0].filename == "[Content_Types].xml"
    assert {(i.date_time, i.compress_type) for i in infos} == {((1980, 1, 1, 0, 0, 0), zipfile.ZIP_DEFLATED)}
    assert len({i.filename for i in infos}) == len(infos)


def test_report_without_tables_still_saves(config: Config) -> None:
    """No data table, no placeholder: the package is python-docx's, under fixed headers."""
    data = dataclasses.replace(
        report_consolidation(config), units=(), items={"models": (), "collectives": (), "individuals": ()}
    )
    saved = report_bytes("standing", statistics(data, config), data, config, DATE)
    assert docx.Document(io.BytesIO(saved)).paragraphs


def test_a_table_outside_the_document_body_is_not_lost_silently(config: Config) -> None:
    """Only word/document.xml is streamed: a data table put in a page header would lose its rows."""
    doc = _document(config)
    bodies = docxstream.TableBodies()
    table = doc.sections[0].header.add_table(1, len(COLUMNS), Mm(WIDTH_MM))
    bodies.add(table._tbl, docxstream.TableBody(ROWS, False, [33.0] * 5, FONT, 12.0, "DVKTableText"))
    with pytest.raises(RuntimeError, match="table bodies written"):
        bodies.package(doc)
