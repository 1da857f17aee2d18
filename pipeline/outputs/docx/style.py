"""The Party document format (Hướng dẫn 36-HD/VPTW): page, fonts, paragraph styles, runs and paragraphs.

Contract: :func:`new_document` returns an A4 document whose defaults, ``Normal`` style and the
``DVK …`` styles below all name one font on the four slots (ascii, hAnsi, eastAsia, cs), so no
theme font takes over in Word. Every run written here (:func:`add_run`, :func:`add_paragraph`)
names the font again on the four slots and every ``w:t`` preserves its spaces; runs and
paragraphs are clones of the first one written in the same format (python-docx's API is slow at
report sizes). :func:`number_pages_from_two`, :func:`set_core_properties` and :func:`add_figure`
give the page numbers, the fixed metadata and the charts' pictures. Tables are in
:mod:`pipeline.outputs.docx.table_frames`.
Texts are normalised to NFC on the way in, without the characters XML cannot hold. Nothing here
knows about the report's wording.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import unicodedata
import weakref
from dataclasses import dataclass
from typing import Any, cast

import docx
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ...config import DocumentFormat
from ...core.textnorm import xml_safe

Doc = Any  # docx.document.Document: python-docx is untyped
Container = Any  # anything with add_paragraph/add_table: Document, _Cell, header

A4_MM = (210.0, 297.0)
FIRST_LINE_INDENT_MM = 10.0
SPACING_PT = 6.0
TABLE_TEXT_PT = 12.0
FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_SECTION_PROPERTIES = qn("w:sectPr")
_RUN_TEXT = f"{qn('w:r')}/{qn('w:t')}"
_TEXT = qn("w:t")

BODY = "Normal"
HEADING = "DVK Heading"
SUBHEADING = "DVK Subheading"
CENTERED = "DVK Centered"
PLAIN = "DVK Plain"
TABLE_TEXT = "DVK Table Text"
CAPTION = "DVK Caption"
# Body text kept on the page of what follows it: a lead-in before its table or list, the closing
# paragraph before the signature block.
LEAD_IN = "DVK Lead-in"
# Body text the ward wrote (its own document, or the pre-draft it left as it was): set as the body,
# in a style of its own so that a reader of the file can tell the ward's words from the figures.
WRITTEN = "DVK Written"


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


def start_landscape_section(doc: Doc) -> Any:
    """A new section from a new page, A4 landscape with the margins of the one before and its page
    numbers on every page (its first page is not the document's first): for the appendix's wide
    tables, which keep their 12 pt text and get the width to hold a name on a line or two."""
    previous = doc.sections[-1]
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = previous.page_height, previous.page_width
    section.different_first_page_header_footer = False
    return section


def section_text_width_mm(section: Any) -> float:
    """Width of the text area of ``section`` (its page width less its left and right margins)."""
    return float((section.page_width - section.left_margin - section.right_margin) / Mm(1))


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


@dataclass(frozen=True)
class ParagraphStyleSpec:
    """One of the document's own paragraph styles: ``Normal`` with these changes."""

    name: str
    size: float | None = None  # None: the body size of the format
    bold: bool = False
    indent: bool = True  # the body's first-line indent
    spacing: float = SPACING_PT  # before and after
    keep_with_next: bool = False
    alignment: WD_ALIGN_PARAGRAPH | None = None  # None: Normal's (justified)


PARAGRAPH_STYLES = (
    ParagraphStyleSpec(HEADING, bold=True, keep_with_next=True),
    ParagraphStyleSpec(SUBHEADING, bold=True, keep_with_next=True),
    ParagraphStyleSpec(CENTERED, indent=False, spacing=0, alignment=WD_ALIGN_PARAGRAPH.CENTER),
    ParagraphStyleSpec(PLAIN, indent=False, spacing=0, alignment=WD_ALIGN_PARAGRAPH.LEFT),
    ParagraphStyleSpec(TABLE_TEXT, TABLE_TEXT_PT, indent=False, spacing=2, alignment=WD_ALIGN_PARAGRAPH.LEFT),
    ParagraphStyleSpec(CAPTION, bold=True, indent=False, keep_with_next=True, alignment=WD_ALIGN_PARAGRAPH.CENTER),
    ParagraphStyleSpec(LEAD_IN, keep_with_next=True),
    ParagraphStyleSpec(WRITTEN),
)


def _add_styles(doc: Doc, fmt: DocumentFormat) -> None:
    for spec in PARAGRAPH_STYLES:
        _add_paragraph_style(doc, spec, fmt.body_size)


def _add_paragraph_style(doc: Doc, spec: ParagraphStyleSpec, body_size: float) -> None:
    style = doc.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(body_size if spec.size is None else spec.size)
    style.font.bold = spec.bold
    pf = style.paragraph_format
    pf.first_line_indent = Mm(FIRST_LINE_INDENT_MM) if spec.indent else Mm(0)
    pf.space_before = pf.space_after = Pt(spec.spacing)
    pf.keep_with_next = spec.keep_with_next
    if spec.alignment is not None:
        pf.alignment = spec.alignment


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
    """A run of NFC ``text`` naming ``font`` on the four slots; spaces are preserved, characters
    XML cannot hold are left out (lxml would refuse the text).

    A clone of the first run of the same format, with its text: through python-docx's API each
    property places its element by schema order, some 30 searches each (a table header took
    5-15 ms)."""
    key = (font, size, bold, italic, underline, highlight)
    if key not in _RUNS:
        _RUNS[key] = _formatted_run(*key)
    r = copy.copy(_RUNS[key])  # an lxml element's copy is deep
    r.find(_TEXT).text = xml_safe(unicodedata.normalize("NFC", text))
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


def paragraph_style_id(part: Any, name: str) -> str | None:
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
    set_style(paragraph, paragraph_style_id(paragraph.part, style))
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
        p.find(_RUN_TEXT).text = xml_safe(unicodedata.normalize("NFC", text))
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


# --------------------------------------------------------------------------- metadata


# Parts of python-docx's default template that describe that template, not the report: its
# thumbnail picture and its extended properties ("Microsoft Macintosh Word", its page counts).
_TEMPLATE_PARTS = (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES)


def set_core_properties(doc: Doc, author: str, title: str, when: dt.datetime) -> None:
    """Fixed metadata, so that the same inputs give the same file: the issuing body as author, the
    subject as title; the default template's thumbnail and extended properties dropped."""
    package_rels = doc.part.package.rels
    for rid in [rid for rid, rel in package_rels.items() if rel.reltype in _TEMPLATE_PARTS]:
        package_rels.pop(rid)
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
