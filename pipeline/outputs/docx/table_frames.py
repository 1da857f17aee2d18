"""Tables in the Party format: borderless layout tables and bordered data tables.

Contract: every table has explicit widths on the grid *and* on each cell (LibreOffice ignores the
grid alone), fixed layout, is centred and has the same border on every side.
:func:`add_layout_table` gives the one-row borderless table of side-by-side blocks (document
header, signature). :func:`add_data_table` writes a data table's frame and header rows (bold,
repeated on every page, two rows when columns are grouped) in widths from :func:`column_widths`
that fill the text area; its body rows, which can run to many thousands, are not built here at
all: they are handed to :class:`pipeline.outputs.docx.tables.TableBodies`, which writes them as
text when the package is written. Tables are filled row by row through ``row.cells``:
``table.cell(r, c)`` rebuilds the cell list on every call (55× slower, see ENGINEERING-NOTES).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from ...core.vnformat import number
from ...year.stat_table import Cell, StatTable
from .style import TABLE_TEXT, TABLE_TEXT_PT, Container, Doc, add_run, paragraph_style_id, set_style
from .tables import TableBodies, TableBody, format_cell, header_row

# A table of at most this many body rows is kept on one page (with its caption and lead-in).
KEPT_ROWS = 15
# How wide a text column would like to be, in characters (a longer text wraps), and when a column
# counts as repeating a few values: each value on at least this many rows on average.
TEXT_WANT_CHARS = 60
REPEATS_FACTOR = 3
# Column widths: an average Vietnamese character of Times New Roman is about half an em wide;
# bold header words a little more. Word and LibreOffice pad each cell by 1.9 mm on either side.
CHAR_EM = 0.5
HEADER_EM_FACTOR = 1.15
CAPITAL_EM_FACTOR = 1.6
PT_MM = 25.4 / 72
CELL_PADDING_MM = 4.2
BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def add_layout_table(container: Container, widths_mm: Sequence[float]) -> Any:
    """A one-row borderless table for side-by-side blocks (document header, signature)."""
    table = container.add_table(rows=1, cols=len(widths_mm))
    _set_table_frame(table, widths_mm, border="nil")
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return table


def add_data_table(
    doc: Doc, font: str, data: StatTable, width_mm: float, bodies: TableBodies, widths_mm: Sequence[float] = ()
) -> Any:
    """``data`` as a bordered table: bold header repeated on every page, numbers right-aligned in
    Vietnamese format; its title is not written here.

    Columns named ``"<group>: <name>"`` get a two-row header: the group once over its columns,
    the names under it; the other columns span both rows. A two-row header is written here with
    python-docx (its merges); a one-row header and the body rows (never split across pages, the
    total last and bold; a table of up to :data:`KEPT_ROWS` rows kept whole on one page) are left
    to ``bodies``, which writes them as text when the package is written
    (:mod:`pipeline.outputs.docx.tables`). ``widths_mm``, when given, are the columns' widths (a
    table to fill in by hand has no content to size them by)."""
    columns, total = data.columns, data.total
    body = [*data.rows, *([total] if total else [])]
    size = TABLE_TEXT_PT  # one size for every table (12 pt): a wide table gets narrower columns
    kept = len(body) <= KEPT_ROWS
    grouped = [_split_header(c) for c in columns]
    header_rows = 2 if any(sub for _, sub in grouped) else 1
    widths = list(widths_mm) or column_widths([sub or top for top, sub in grouped], body, width_mm, size)
    table = doc.add_table(rows=0 if header_rows == 1 else header_rows, cols=len(columns))
    _set_table_frame(table, widths, border="single")
    style_id = paragraph_style_id(doc.part, TABLE_TEXT)
    assert style_id is not None  # our own style, never the default one
    header = b""
    if header_rows == 1:  # written as text with the body rows
        header = header_row(columns, widths, font, size, style_id, keep=kept)
    else:  # merged cells: python-docx's merge
        _two_row_header(table, grouped, widths, (font, size, style_id))
        for row in table.rows:
            _mark_row(row, "w:tblHeader")
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = kept or None
    bodies.add(table._tbl, TableBody(body, total is not None, widths, font, size, style_id, header, kept))
    return table


def _split_header(column: str) -> tuple[str, str]:
    """``"Kinh tế: mới"`` -> ``("Kinh tế", "mới")``; a column without a group -> ``(column, "")``."""
    top, _, sub = column.partition(": ")
    return (top, sub) if sub else (column, "")


def _two_row_header(
    table: Any, grouped: Sequence[tuple[str, str]], widths: Sequence[float], run: tuple[str, float, str]
) -> None:
    """Group names merged across their columns above the sub-names; ungrouped columns merged down."""
    font, size, style_id = run
    top, bottom = table.rows[0].cells, table.rows[1].cells
    for index, (group, sub) in enumerate(grouped):
        for cell in (top[index], bottom[index]):
            cell.width = Mm(widths[index])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            set_style(cell.paragraphs[0], style_id)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        previous = grouped[index - 1] if index else ("", "")
        if not sub or not previous[1] or previous[0] != group:  # the first column of its group
            add_run(top[index].paragraphs[0], group, font, size=size, bold=True)
        if sub:
            add_run(bottom[index].paragraphs[0], sub, font, size=size, bold=True)
    _merge_header(top, bottom, grouped)


def _merge_header(top: Sequence[Any], bottom: Sequence[Any], grouped: Sequence[tuple[str, str]]) -> None:
    """Merge after filling: python-docx keeps the text of the non-empty cells only."""
    start = 0
    for index in range(1, len(grouped) + 1):
        same = index < len(grouped) and grouped[index][1] and grouped[start][1]
        if same and grouped[index][0] == grouped[start][0]:
            continue
        if grouped[start][1] and index - 1 > start:
            top[start].merge(top[index - 1])
        start = index
    for index, (_, sub) in enumerate(grouped):
        if not sub:
            top[index].merge(bottom[index])


def column_widths(columns: Sequence[str], rows: Sequence[Sequence[Cell]], width_mm: float, size: float) -> list[float]:
    """Column widths in mm that fill ``width_mm``.

    Each column needs room for its longest header word and its longest number (a number must never
    wrap, even in a column that also says "Chưa báo cáo"). Beyond that a text column wants room for its longest text (up to
    :data:`TEXT_WANT_CHARS` characters; a column that repeats a few values, such as a field or a
    state, for half its longest, on two lines) and a numeric one for its header on two lines; the
    room left is shared in proportion to what each still wants. So in a list of models the names
    get the width, and the columns of a few repeated words wrap.
    """
    char_mm = size * CHAR_EM * PT_MM
    needs, wants = [], []
    by_column = list(zip(*rows, strict=True)) or [()] * len(columns)
    for title, cells in zip(columns, by_column, strict=True):
        numeric, longest = _column_shape(cells)
        word = max((_header_chars(w) for w in title.split()), default=1)
        need = max(word, longest if numeric else _longest_number(cells), 2) * char_mm + CELL_PADDING_MM
        repeats = not numeric and len(set(cells)) * REPEATS_FACTOR <= len(cells)
        text = _header_chars(title) / 2 if numeric else (longest + 1) / 2 if repeats else min(longest, TEXT_WANT_CHARS)
        want = max(need, text * char_mm + CELL_PADDING_MM)
        needs.append(need)
        wants.append(want)
    return _share(needs, wants, width_mm)


def _column_shape(cells: Sequence[Cell]) -> tuple[bool, int]:
    """Whether every cell is a number, and the length of the longest as written.

    Without formatting every cell (an appendix column has 20,000 rows): a text is written as it
    is, the longest whole number is the largest or the most negative, and any other column
    formats each distinct value once, told apart by type too (``True == 1``, written "True")."""
    kinds = set(map(type, cells))
    numeric = all(issubclass(kind, int | float) for kind in kinds)
    if not cells:
        return numeric, 0
    if kinds == {str}:
        return numeric, max(map(len, cast(Sequence[str], cells)))
    if kinds == {int}:
        whole = cast(Sequence[int], cells)
        return numeric, max(len(number(max(whole))), len(number(min(whole))))
    distinct = set(zip(map(type, cells), cells, strict=True))
    return numeric, max(len(format_cell(value)) for _, value in distinct)


def _longest_number(cells: Sequence[Cell]) -> int:
    """The longest number as written in a column that also holds text (a ward's figures beside
    "Chưa báo cáo"): a number must not wrap there either."""
    numbers = [c for c in cells if isinstance(c, int | float) and not isinstance(c, bool)]
    return _column_shape(numbers)[1] if numbers else 0


def _header_chars(text: str) -> float:
    """Width of header text in average characters: bold, and capitals wider still."""
    return sum(CAPITAL_EM_FACTOR if ch.isupper() else HEADER_EM_FACTOR for ch in text)


def _share(needs: list[float], wants: list[float], width_mm: float) -> list[float]:
    if sum(wants) <= width_mm or sum(wants) == sum(needs):
        return [w * width_mm / sum(wants) for w in wants]
    if sum(needs) >= width_mm:
        return [n * width_mm / sum(needs) for n in needs]
    extra = (width_mm - sum(needs)) / (sum(wants) - sum(needs))
    return [n + (w - n) * extra for n, w in zip(needs, wants, strict=True)]


def keep_row_together(row: Any) -> None:
    """Never split ``row`` across pages (the signing block: the signer's name stays under the title)."""
    _mark_row(row, "w:cantSplit")


def _mark_row(row: Any, tag: str) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement(tag))


def _set_table_frame(table: Any, widths_mm: Sequence[float], border: str) -> None:
    """Fixed layout, explicit table and grid widths, and the same border on every side."""
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(Mm(sum(widths_mm)).twips)))
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    borders = OxmlElement("w:tblBorders")
    for side in BORDER_SIDES:
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), border)
        if border != "nil":
            edge.set(qn("w:sz"), "4")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"
    )
