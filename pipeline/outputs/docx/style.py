"""Low-level python-docx helpers for documents in the Party format (Hướng dẫn 36-HD/VPTW).

Contract: :func:`new_document` returns an A4 document whose defaults, ``Normal`` style and the
``DVK …`` styles below all name one font on the four slots (ascii, hAnsi, eastAsia, cs), so no
theme font takes over in Word. Every run written here names the font again on the four slots,
every ``w:t`` preserves its spaces, and every table has explicit widths on the grid *and* on each
cell (LibreOffice ignores the grid alone). Tables are filled row by row through ``row.cells``:
``table.cell(r, c)`` rebuilds the cell list on every call (55× slower, see ENGINEERING-NOTES).
The body rows of a data table, which can run to many thousands, are not built here at all: they
are written as text by :mod:`pipeline.docxstream` when the package is written.
Texts are normalised to NFC on the way in. Nothing here knows about the report's wording.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import unicodedata
import weakref
from collections.abc import Sequence
from typing import Any, cast

import docx
from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ...config import DocumentFormat
from ...core.vnformat import number
from ...year.stat_table import Cell
from .tables import TableBodies, TableBody, format_cell, header_row

Doc = Any  # docx.document.Document: python-docx is untyped
Container = Any  # anything with add_paragraph/add_table: Document, _Cell, header

A4_MM = (210.0, 297.0)
FIRST_LINE_INDENT_MM = 10.0
SPACING_PT = 6.0
TABLE_TEXT_PT = 12.0
DENSE_TABLE_TEXT_PT = 11.0  # tables of more than six columns
DENSE_COLUMNS = 6
# Column widths: an average Vietnamese character of Times New Roman is about half an em wide;
# bold header words a little more. Word and LibreOffice pad each cell by 1.9 mm on either side.
CHAR_EM = 0.5
HEADER_EM_FACTOR = 1.15
CAPITAL_EM_FACTOR = 1.6
PT_MM = 25.4 / 72
CELL_PADDING_MM = 4.2
FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_SECTION_PROPERTIES = qn("w:sectPr")
_RUN_TEXT = f"{qn('w:r')}/{qn('w:t')}"
_TEXT = qn("w:t")
BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")

BODY = "Normal"
HEADING = "DVK Heading"
SUBHEADING = "DVK Subheading"
CENTERED = "DVK Centered"
PLAIN = "DVK Plain"
TABLE_TEXT = "DVK Table Text"
CAPTION = "DVK Caption"


# --------------------------------------------------------------------------- document and styles


def new_document(fmt: DocumentFormat) -> Doc:
    """An empty A4 document with the margins, font and paragraph styles of ``fmt``."""
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    section.top_margin, section.bottom_margin = Mm(fmt.margins_mm["top"]), Mm(fmt.margins_mm["bottom"])
    section.left_margin, section.right_margin = Mm(fmt.margins_mm["left"]), Mm(fmt.margins_mm["right"])
    section.header_distance = section.footer_distance = Mm(10)
    _set_defaults(doc, fmt)
    _add_styles(doc, fmt)
    _fix_style_fonts(doc, fmt.font)
    return doc


def text_width_mm(fmt: DocumentFormat) -> float:
    """Width of the text area between the left and right margins."""
    return A4_MM[0] - fmt.margins_mm["left"] - fmt.margins_mm["right"]


def _set_defaults(doc: Doc, fmt: DocumentFormat) -> None:
    """Document defaults: the font on all four slots (no theme font), the body size, Vietnamese."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = r_pr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "vi-VN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(fmt.body_size)
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Mm(FIRST_LINE_INDENT_MM)
    pf.space_before = pf.space_after = Pt(SPACING_PT)
    pf.line_spacing = 1.0
    pf.widow_control = True


def _add_styles(doc: Doc, fmt: DocumentFormat) -> None:
    size = fmt.body_size
    _paragraph_style(doc, HEADING, size, bold=True, keep_with_next=True)
    _paragraph_style(doc, SUBHEADING, size, bold=True, keep_with_next=True)
    centered = _paragraph_style(doc, CENTERED, size, indent=False, spacing=0)
    centered.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    plain = _paragraph_style(doc, PLAIN, size, indent=False, spacing=0)
    plain.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    table_text = _paragraph_style(doc, TABLE_TEXT, TABLE_TEXT_PT, indent=False, spacing=2)
    table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    caption = _paragraph_style(doc, CAPTION, size, bold=True, indent=False, keep_with_next=True)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _paragraph_style(
    doc: Doc,
    name: str,
    size: float,
    *,
    bold: bool = False,
    indent: bool = True,
    spacing: float = SPACING_PT,
    keep_with_next: bool = False,
) -> Any:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(size)
    style.font.bold = bold
    pf = style.paragraph_format
    pf.first_line_indent = Mm(FIRST_LINE_INDENT_MM) if indent else Mm(0)
    pf.space_before = pf.space_after = Pt(spacing)
    pf.keep_with_next = keep_with_next
    return style


def _fix_style_fonts(doc: Doc, font: str) -> None:
    """Name ``font`` on the four slots of the defaults and of every style, dropping theme fonts."""
    root = doc.styles.element
    _set_font_slots(root.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")), font)
    _set_font_slots(doc.styles["Normal"].element.get_or_add_rPr(), font)
    for r_fonts in root.iter(qn("w:rFonts")):  # also the run properties nested in table styles
        _set_font_slots(r_fonts.getparent(), font)


def _set_font_slots(r_pr: Any, font: str) -> None:
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    for attribute in list(r_fonts.attrib):
        if attribute.lower().endswith("theme"):
            del r_fonts.attrib[attribute]
    for slot in FONT_SLOTS:
        r_fonts.set(qn(slot), font)


# --------------------------------------------------------------------------- runs and paragraphs


def add_run(
    paragraph: Any,
    text: str,
    font: str,
    *,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    underline: bool = False,
    highlight: bool = False,
) -> Any:
    """A run of NFC ``text`` naming ``font`` on the four slots; spaces are preserved.

    A clone of the first run of the same format, with its text: through python-docx's API each
    property places its element by schema order, some 30 searches each (a table header took
    5-15 ms)."""
    key = (font, size, bold, italic, underline, highlight)
    if key not in _RUNS:
        _RUNS[key] = _formatted_run(*key)
    r = copy.copy(_RUNS[key])  # an lxml element's copy is deep
    r.find(_TEXT).text = unicodedata.normalize("NFC", text)
    paragraph._p.append(r)  # where python-docx's paragraph.add_run() puts it
    return Run(r, paragraph)


# Runs as first written, by font and format (a run's XML depends on nothing else).
_RUNS: dict[tuple[Any, ...], Any] = {}


def _formatted_run(
    font: str, size: float | None, bold: bool | None, italic: bool | None, underline: bool, highlight: bool
) -> Any:
    """An empty run naming ``font`` on the four slots, in the format given, its text preserving spaces."""
    run = Run(OxmlElement("w:r"), cast(Any, None))  # detached: formatting a run needs no part
    _set_font_slots(run._r.get_or_add_rPr(), font)
    run.bold, run.italic = bold, italic
    if underline:
        run.underline = True
    if size is not None:
        run.font.size = Pt(size)
    if highlight:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    run._r.append(t)
    return run._r


# Each part's paragraph style ids by style name: python-docx looks a name up by scanning every
# style (some 4 ms), and a province's report has thousands of paragraphs.
_STYLE_IDS: weakref.WeakKeyDictionary[Any, dict[str, str | None]] = weakref.WeakKeyDictionary()


def _paragraph_style_id(part: Any, name: str) -> str | None:
    """What ``paragraph.style = name`` would set: the style's id (None for the default style)."""
    ids = _STYLE_IDS.setdefault(part, {})
    if name not in ids:
        ids[name] = part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
    return ids[name]


def set_style(paragraph: Any, style_id: str | None) -> None:
    """Set a paragraph style by id: ``paragraph.style = …`` scans every style on each call (slow)."""
    paragraph._p.style = style_id


def add_paragraph(container: Container, text: str, font: str, style: str = BODY, **run_format: Any) -> Any:
    """A paragraph of ``style`` holding one run of ``text`` (no run when ``text`` is empty)."""
    if isinstance(container, DocumentType) and container.element.body[-1].tag == _SECTION_PROPERTIES:
        return _cloned_paragraph(container, text, font, style, run_format)
    paragraph = container.add_paragraph()
    _format_paragraph(paragraph, text, font, style, run_format)
    return paragraph


def _format_paragraph(paragraph: Any, text: str, font: str, style: str, run_format: dict[str, Any]) -> None:
    set_style(paragraph, _paragraph_style_id(paragraph.part, style))
    if text:
        add_run(paragraph, text, font, **run_format)


# Each document part's paragraphs as first written, by style, font, whether there is a run and
# its format. Through python-docx's API a paragraph costs some 0.2 ms (six elements, each placed
# by schema order) and its insertion searches all the body's children for the section properties
# (quadratic); a standing report has thousands of paragraphs. A clone with its text: some 40 µs.
_PROTOTYPES: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


def _cloned_paragraph(doc: Doc, text: str, font: str, style: str, run_format: dict[str, Any]) -> Any:
    """:func:`add_paragraph` at the end of a document's body (before its section properties): a
    clone of the paragraph :func:`_format_paragraph` writes, with the text set."""
    prototypes = _PROTOTYPES.setdefault(doc.part, {})
    key = (style, font, bool(text), tuple(sorted(run_format.items())))
    if key not in prototypes:
        prototype = Paragraph(OxmlElement("w:p"), doc._body)
        _format_paragraph(prototype, " " if text else "", font, style, run_format)
        prototypes[key] = prototype._p
    p = copy.copy(prototypes[key])  # an lxml element's copy is deep
    if text:
        p.find(_RUN_TEXT).text = unicodedata.normalize("NFC", text)
    doc.element.body[-1].addprevious(p)  # the body's sectPr stays last, as python-docx keeps it
    return Paragraph(p, doc._body)


def number_pages_from_two(section: Any, font: str, size: float) -> None:
    """Page numbers centred at the top from page 2: an empty first-page header, PAGE elsewhere."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, content in (("begin", ""), ("instr", " PAGE "), ("separate", ""), ("text", "2"), ("end", "")):
        _field_part(paragraph, font, size, kind, content)


def _field_part(paragraph: Any, font: str, size: float, kind: str, content: str) -> None:
    if kind == "text":
        add_run(paragraph, content, font, size=size)
        return
    run = add_run(paragraph, "", font, size=size)
    run._r.remove(run._r.find(qn("w:t")))
    if kind == "instr":
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = content
    else:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
    run._r.append(element)


# --------------------------------------------------------------------------- tables


def add_layout_table(container: Container, widths_mm: Sequence[float]) -> Any:
    """A one-row borderless table for side-by-side blocks (document header, signature)."""
    table = container.add_table(rows=1, cols=len(widths_mm))
    _set_table_frame(table, widths_mm, border="nil")
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return table


def add_data_table(
    doc: Doc,
    font: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    total: Sequence[Cell] | None,
    width_mm: float,
    bodies: TableBodies,
) -> Any:
    """A bordered table: bold header repeated on every page, numbers right-aligned in Vietnamese format.

    Columns named ``"<group>: <name>"`` get a two-row header: the group once over its columns,
    the names under it; the other columns span both rows. A two-row header is written here with
    python-docx (its merges); a one-row header and the body rows (never split across pages, the
    total last and bold) are left to ``bodies``, which writes them as text when the package is
    written (:mod:`pipeline.docxstream`)."""
    body = [*rows, *([total] if total else [])]
    size = DENSE_TABLE_TEXT_PT if len(columns) > DENSE_COLUMNS else TABLE_TEXT_PT
    grouped = [_split_header(c) for c in columns]
    header_rows = 2 if any(sub for _, sub in grouped) else 1
    widths = column_widths([sub or top for top, sub in grouped], body, width_mm, size)
    table = doc.add_table(rows=0 if header_rows == 1 else header_rows, cols=len(columns))
    _set_table_frame(table, widths, border="single")
    style_id = _paragraph_style_id(doc.part, TABLE_TEXT)
    assert style_id is not None  # our own style, never the default one
    header = b""
    if header_rows == 1:  # written as text with the body rows
        header = header_row(columns, widths, font, size, style_id)
    else:  # merged cells: python-docx's merge
        _two_row_header(table, grouped, widths, (font, size, style_id))
        for row in table.rows:
            _mark_row(row, "w:tblHeader")
    bodies.add(table._tbl, TableBody(body, total is not None, widths, font, size, style_id, header))
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

    Each column needs room for its longest header word and, when numeric, its longest number (a
    number must never wrap). Beyond that a text column wants room for its longest text (up to 40
    characters) and a numeric one for its header on two lines; the room left is shared in
    proportion to what each still wants.
    """
    char_mm = size * CHAR_EM * PT_MM
    needs, wants = [], []
    by_column = list(zip(*rows, strict=True)) or [()] * len(columns)
    for title, cells in zip(columns, by_column, strict=True):
        numeric, longest = _column_shape(cells)
        word = max((_header_chars(w) for w in title.split()), default=1)
        need = max(word, longest if numeric else 0, 2) * char_mm + CELL_PADDING_MM
        text = _header_chars(title) / 2 if numeric else min(longest, 40)
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


# --------------------------------------------------------------------------- metadata


def set_core_properties(doc: Doc, author: str, title: str, when: dt.datetime) -> None:
    """Fixed metadata, so that the same inputs give the same file."""
    props = doc.core_properties
    props.author = props.last_modified_by = author
    props.title = title
    props.comments = ""
    props.language = "vi-VN"
    props.created = props.modified = props.last_printed = when
    props.revision = 1


# --------------------------------------------------------------------------- pictures


def add_figure(container: Container, image: bytes, font: str, width_mm: float, caption: str) -> tuple[Any, Any]:
    """A centred inline picture ``width_mm`` wide and its caption under it (italic, centred), kept
    together on one page. Every run names ``font``; the caption is also the picture's alternative
    text. python-docx numbers pictures and their parts in document order: same document, same ids."""
    picture = container.add_paragraph(style=CENTERED)
    picture.paragraph_format.keep_with_next = True
    picture.paragraph_format.space_before = Pt(SPACING_PT)
    run = add_run(picture, "", font)
    run._r.remove(run._r.find(qn("w:t")))
    shape = run.add_picture(io.BytesIO(image), width=Mm(width_mm))
    shape._inline.docPr.set("descr", unicodedata.normalize("NFC", caption))
    below = add_paragraph(container, caption, font, CENTERED, italic=True)
    below.paragraph_format.space_after = Pt(SPACING_PT)
    return picture, below
