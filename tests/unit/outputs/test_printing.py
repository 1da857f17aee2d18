"""Printing: the print setup of every workbook the tool issues, read back from the file with openpyxl
(A4, orientation, fitted to the page width, header rows repeated, margins, footer), the rule that
decides it, and rows tall enough for their wrapped text."""

from __future__ import annotations

import io
import re
import tempfile
from typing import Any

import openpyxl
import pytest
from openpyxl import Workbook

from pipeline.config import Config
from pipeline.core import layout
from pipeline.core.upward import ContentDigest
from pipeline.intake.council import COLUMNS, COUNCIL_SHEET
from pipeline.intake.receive import receive
from pipeline.intake.validate import Submission, validate
from pipeline.outputs.xlsx.clerk import DETAILS_SHEET, FILES_SHEET, clerk_report_bytes
from pipeline.outputs.xlsx.council import council_bytes
from pipeline.outputs.xlsx.feedback import FEEDBACK_SHEET, TABLE_ROW, unit_feedback_bytes
from pipeline.outputs.xlsx.printing import (
    A4,
    FOOTER,
    LINE_HEIGHT,
    MARGINS_INCH,
    MAX_ROW_HEIGHT,
    row_height,
    set_print_layout,
    text_lines,
)
from pipeline.outputs.xlsx.stream import Column, StreamedSheet
from pipeline.outputs.xlsx.summary import FINDINGS_SHEET, STATS_SHEET, UNITS_SHEET, summary_bytes
from pipeline.year.evaluate import evaluate
from pipeline.year.stats import statistics
from tests.support.builder import YEAR, report_consolidation, sample_workbook

PORTRAIT, LANDSCAPE = "portrait", "landscape"


def _open(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _printed(ws: Any) -> dict[str, Any]:
    """What a sheet read back says about its printing."""
    setup = ws.page_setup
    return {
        "paper": str(setup.paperSize),
        "orientation": setup.orientation,
        "across": setup.fitToWidth,
        "down": setup.fitToHeight,
        "fit": ws.sheet_properties.pageSetUpPr is not None and bool(ws.sheet_properties.pageSetUpPr.fitToPage),
        "title_rows": ws.print_title_rows,
        "title_columns": ws.print_title_cols,
    }


def _expected(
    orientation: str, title_row: int | None, across: int = 1, key_columns: str | None = None
) -> dict[str, Any]:
    title_rows = f"${title_row}:${title_row}" if title_row is not None else None
    return {
        "paper": A4,
        "orientation": orientation,
        "across": across,
        "down": 0,
        "fit": True,
        "title_rows": title_rows,
        "title_columns": key_columns,
    }


def _assert_margins_and_footer(ws: Any) -> None:
    assert {side: getattr(ws.page_margins, side) for side in MARGINS_INCH} == MARGINS_INCH
    assert ws.oddFooter.center.text == FOOTER


def _visible(wb: Any) -> list[Any]:
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("widths", "one_page_wide", "orientation", "across"),
    [
        pytest.param([72], True, PORTRAIT, 1, id="one-text-column-portrait"),
        pytest.param([12, 30, 40], False, PORTRAIT, 1, id="fits-a-portrait-page"),
        pytest.param([45, 80, 40], True, LANDSCAPE, 1, id="form-landscape-one-page"),
        pytest.param([20] * 14, False, LANDSCAPE, 1, id="wide-list-one-page"),
        pytest.param([20] * 26, False, LANDSCAPE, 2, id="too-wide-two-pages-across"),
        pytest.param([20] * 26, True, LANDSCAPE, 1, id="too-wide-form-stays-one-page"),
        pytest.param([20] * 40, False, LANDSCAPE, 3, id="wider-three-pages-across"),
    ],
)
def test_orientation_and_pages_across_follow_the_column_widths(
    widths: list[int], one_page_wide: bool, orientation: str, across: int
) -> None:
    ws = Workbook().active
    set_print_layout(ws, widths, header_row=3, key_columns=2, one_page_wide=one_page_wide)
    assert _printed(ws) == _expected(orientation, 3, across, "$A:$B" if across > 1 else None)
    assert ws.page_setup.pageOrder == ("overThenDown" if across > 1 else None)
    _assert_margins_and_footer(ws)


@pytest.mark.parametrize(
    ("text", "width", "bold", "lines"),
    [
        pytest.param("", 20, False, 1, id="empty"),
        pytest.param("Chi bộ khu phố Liêm Định", 32, False, 1, id="short-name"),
        pytest.param("x" * 60, 32, False, 2, id="two-lines"),
        pytest.param("x" * 60, 32, True, 3, id="bold-is-wider"),
        pytest.param("dòng 1\ndòng 2\ndòng 3", 40, False, 3, id="line-breaks"),
        pytest.param("x" * 400, 60, False, 7, id="long-explanation"),
    ],
)
def test_text_lines(text: str, width: int, bold: bool, lines: int) -> None:
    assert text_lines(text, width, bold) == lines


def test_row_heights_grow_by_the_line_and_stop_at_the_workbook_limit() -> None:
    assert row_height(1) < row_height(2) == row_height(1) + LINE_HEIGHT
    assert row_height(1000) == MAX_ROW_HEIGHT


def test_a_streamed_row_is_as_tall_as_its_wrapped_text() -> None:
    wb = Workbook(write_only=True)
    with tempfile.TemporaryFile() as xml:
        sheet = StreamedSheet(wb, ContentDigest(), xml)
        sheet.start("Thử", {1: 10, 2: 20}, (3, 2))
        sheet.header(["Mã", "Một tiêu đề dài cần ba dòng"])
        specs = (Column("Mã", 10), Column("Tên", 20, wrap=True))
        sheet.append_rows([("A", "ngắn"), ("B", "một cái tên dài, dài hơn hẳn bề ngang của cột")], specs)
        xml.seek(0)
        rows = re.findall(rb"<row [^>]*>", xml.read())
    assert rows == [
        b'<row r="1" ht="%g" customHeight="1">' % row_height(2),
        b'<row r="2">',
        b'<row r="3" ht="%g" customHeight="1">' % row_height(3),
    ]


# --------------------------------------------------------------------------- the issued workbooks


@pytest.fixture(scope="module")
def template(config: Config) -> Any:
    return _open(sample_workbook(config, "KP-BD01"))


def test_unit_template_prints_each_sheet_on_a4(template: Any, config: Config) -> None:
    sheets = {ws.title: ws for ws in _visible(template)}
    assert _printed(sheets[layout.INSTRUCTIONS_SHEET]) == _expected(PORTRAIT, None)
    for sheet in config.template.sheets:
        ws = sheets[sheet.title]
        _assert_margins_and_footer(ws)
        printed = _printed(ws)
        assert printed["title_rows"] == f"${layout.HEADER_ROW}:${layout.HEADER_ROW}", sheet.title
        if sheet.kind == "form":  # a label and its answer on one page
            assert printed == _expected(LANDSCAPE, layout.HEADER_ROW), sheet.title
        else:
            assert (printed["orientation"], printed["down"], printed["fit"]) == (LANDSCAPE, 0, True), sheet.title
    # The models' 26 columns print two pages across, each page with the model's code and name.
    assert _printed(sheets["Mô hình"]) == _expected(LANDSCAPE, layout.HEADER_ROW, 2, "$A:$B")
    assert _printed(sheets["Điển hình tập thể"]) == _expected(LANDSCAPE, layout.HEADER_ROW)


def test_unit_template_rows_are_tall_enough_for_their_text(template: Any, config: Config) -> None:
    instructions = template[layout.INSTRUCTIONS_SHEET]
    for cell in instructions["A"][2:]:
        if cell.value:
            lines = text_lines(cell.value, instructions.column_dimensions["A"].width)
            assert (instructions.row_dimensions[cell.row].height or LINE_HEIGHT) >= row_height(lines) - 3
    form = template[config.template.sheet("unit").title]
    for row in range(layout.FIRST_DATA_ROW, form.max_row + 1):
        note = form.cell(row, layout.FORM_HELP_COLUMN)
        assert note.alignment.wrap_text
        lines = text_lines(note.value, form.column_dimensions["C"].width)
        assert (form.row_dimensions[row].height or LINE_HEIGHT) >= row_height(lines) - 3


@pytest.fixture(scope="module")
def summary(config: Config) -> Any:
    data = report_consolidation(config)
    return _open(summary_bytes(statistics(data, config), data, [], config))


def test_summary_prints_its_lists_with_the_header_on_every_page(summary: Any) -> None:
    printed = {ws.title: _printed(ws) for ws in _visible(summary)}
    assert printed.pop(STATS_SHEET) == _expected(LANDSCAPE, None)  # tables one after another: no one header
    assert printed.pop(UNITS_SHEET) == _expected(LANDSCAPE, 1)
    assert printed.pop(FINDINGS_SHEET) == _expected(LANDSCAPE, 1)
    assert printed.pop("Mô hình") == _expected(LANDSCAPE, 1, 3, "$A:$B")  # the unit's code and name
    for title, setup in printed.items():
        assert (setup["orientation"], setup["down"], setup["fit"], setup["title_rows"]) == (LANDSCAPE, 0, True, "$1:$1")
        assert setup["across"] in (1, 2), title
    for ws in _visible(summary):
        _assert_margins_and_footer(ws)


def test_summary_wraps_names_in_rows_tall_enough(summary: Any) -> None:
    ws = summary[UNITS_SHEET]
    header = [c.value for c in ws[1]]
    name = header.index("Tên đơn vị") + 1
    assert ws.row_dimensions[1].height >= row_height(2)  # "Chỉ tiêu tối thiểu" wraps in its narrow column
    for row in range(2, ws.max_row + 1):
        cell = ws.cell(row, name)
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
        assert ws.cell(row, 1).alignment.vertical == "top"  # the row reads from its top line
        lines = text_lines(cell.value, ws.column_dimensions["B"].width)
        assert (ws.row_dimensions[row].height or LINE_HEIGHT) >= row_height(lines) - 3


@pytest.fixture(scope="module")
def checked(config: Config, tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Submission]:
    """A unit's file with the demo's typical mistakes, checked."""
    data = sample_workbook(config, "HND", with_errors=True)
    path = tmp_path_factory.mktemp("inbox") / "hnd.xlsx"
    path.write_bytes(data)
    submission = validate(receive(path, path.name), config, YEAR)
    assert not submission.accepted
    return data, submission


def test_clerk_report_prints_landscape_with_the_header_on_every_page(
    config: Config, checked: tuple[bytes, Submission]
) -> None:
    wb = _open(clerk_report_bytes([checked[1]], [], config, YEAR))
    for title in (FILES_SHEET, DETAILS_SHEET):
        assert _printed(wb[title]) == _expected(LANDSCAPE, 1)
        _assert_margins_and_footer(wb[title])
    details = wb[DETAILS_SHEET]
    message = [c.value for c in details[1]].index("Nội dung") + 1
    assert all(details.cell(row, message).alignment.wrap_text for row in range(2, details.max_row + 1))


def test_feedback_copy_prints_its_findings_and_keeps_the_templates_setup(
    config: Config, checked: tuple[bytes, Submission]
) -> None:
    data, submission = checked
    wb = _open(unit_feedback_bytes(data, submission, config))
    assert _printed(wb[FEEDBACK_SHEET]) == _expected(LANDSCAPE, TABLE_ROW)
    template = _open(data)
    for ws in _visible(template):
        assert _printed(wb[ws.title]) == _printed(ws), ws.title


def _without_print_setup(data: bytes) -> bytes:
    """A workbook as a template issued before templates had a print setup: none on any sheet."""
    wb = _open(data)
    for ws in wb.worksheets:
        ws.sheet_properties.pageSetUpPr = None
        ws.print_title_rows = None
        ws.print_title_cols = None
        ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = ws.page_setup.orientation = None
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_feedback_copy_of_an_older_template_gets_the_templates_setup(
    config: Config, checked: tuple[bytes, Submission], tmp_path: Any
) -> None:
    old = _without_print_setup(checked[0])
    path = tmp_path / "hnd-cu.xlsx"
    path.write_bytes(old)
    submission = validate(receive(path, path.name), config, YEAR)
    assert not _printed(_open(old)[config.template.sheet("unit").title])["fit"]
    wb = _open(unit_feedback_bytes(old, submission, config))
    assert _printed(wb[layout.INSTRUCTIONS_SHEET])["across"] == 1
    assert _printed(wb[config.template.sheet("unit").title]) == _expected(LANDSCAPE, layout.HEADER_ROW)
    assert _printed(wb["Mô hình"]) == _expected(LANDSCAPE, layout.HEADER_ROW, 2, "$A:$B")


def test_council_workbook_prints_landscape_with_the_header_on_every_page(config: Config) -> None:
    evaluation = evaluate(report_consolidation(config), config)
    wb = _open(council_bytes(evaluation, config))
    ws = wb[COUNCIL_SHEET]
    # Fifteen columns: two pages across, each page with the row's number and code.
    assert _printed(ws) == _expected(LANDSCAPE, layout.HEADER_ROW, 2, "$A:$B")
    _assert_margins_and_footer(ws)
    wrapped = [column for column, spec in enumerate(COLUMNS, start=1) if spec.wrap]
    for row in range(layout.FIRST_DATA_ROW, ws.max_row + 1):
        assert all(ws.cell(row, column).alignment.wrap_text for column in wrapped)
        texts = [(str(ws.cell(row, c).value or ""), COLUMNS[c - 1].width) for c in wrapped]
        assert ws.row_dimensions[row].height >= row_height(max(text_lines(t, w) for t, w in texts))
