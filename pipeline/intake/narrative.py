"""The clerk's document of the reports' written parts: its layout, and an edited copy read back.

Parts I (its opening and the table of the leadership's own activities), III, IV and V of the
reports are the ward's own words. Every consolidation issues them, pre-drafted, as a Word document
(:mod:`pipeline.outputs.docx.narrative`); the clerk edits it in Word and copies it into ``inbox/``,
where it is archived like every received file. Contract:

* This module holds the document's layout, which the writer lays out and this reader reads: the
  part headings (:func:`part_heading`), the sub-headings of part III, the activities table's
  columns and kinds, and the marker in its core properties (``identifier`` = ``MARKER;<year>``).
* :func:`read_narrative` reads a received Word document (intake routes it here by its content). It
  is ours when its identifier carries the marker or, should an editor drop the identifier, when
  the four part headings are all there and it is not a report (no "II. KẾT QUẢ THỰC HIỆN"); the year
  is the marker's, or the one before part IV's "NHIỆM VỤ NĂM <year>". Any other document is a
  rejected submission (``foreign-document``), never a crash; ours of another year is refused
  (``narrative-wrong-year``).
* The parts are found by their heading's text (folded: case, diacritics, the numeral and
  punctuation do not matter) and read paragraph by paragraph in document order: empty paragraphs
  dropped, a paragraph in a heading style (or one of part III's sub-headings by its text) is a
  sub-heading, a list paragraph gets a leading dash, text is NFC without characters XML cannot
  hold, tracked deletions left out. Text before the first heading (the title, the instructions) is
  never read. A part with no text (sub-headings aside), or a missing activities table, is left to
  the pre-draft (``narrative-part-missing``); another table is not used (``narrative-table-ignored``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.findings import Finding, finding
from ..core.textnorm import clean, unaccented, xml_safe
from .receive import Received, SourceFile
from .validate import Submission

MARKER = "dvk-noi-dung-bao-cao"
LEADERSHIP, ASSESSMENT, TASKS, PROPOSALS = "leadership", "assessment", "tasks", "proposals"
PARTS = (LEADERSHIP, ASSESSMENT, TASKS, PROPOSALS)
_NUMERALS = {LEADERSHIP: "I", ASSESSMENT: "III", TASKS: "IV", PROPOSALS: "V"}
ASSESSMENT_SUBHEADINGS = ("1. Ưu điểm", "2. Hạn chế, nguyên nhân", "3. Bài học kinh nghiệm")
ACTIVITY_COLUMNS = ("Hoạt động", "Số, ký hiệu, ngày", "Nội dung")
ACTIVITY_KINDS = ("Ban hành văn bản", "Hội nghị", "Tập huấn, bồi dưỡng", "Kiểm tra, giám sát", "Sơ kết, tổng kết")
ACTIVITIES_LABEL = "Bảng các hoạt động lãnh đạo, chỉ đạo (phần I)"
_REPORT_RESULTS = "ketquathuchien"  # "II. KẾT QUẢ THỰC HIỆN": a report, not this document
_BULLET_MARKS = "•●▪◦·–—"


def part_title(key: str, year: int) -> str:
    """The heading of part ``key`` without its numeral (the reports number the parts they print)."""
    titles = {
        LEADERSHIP: "CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO",
        ASSESSMENT: "ĐÁNH GIÁ CHUNG",
        TASKS: f"NHIỆM VỤ NĂM {year + 1}",
        PROPOSALS: "ĐỀ XUẤT, KIẾN NGHỊ",
    }
    return titles[key]


def part_heading(key: str, year: int) -> str:
    """``III. ĐÁNH GIÁ CHUNG``: the heading of part ``key`` in the document, numbered as in the report."""
    return f"{_NUMERALS[key]}. {part_title(key, year)}"


def identifier(year: int) -> str:
    """The document's ``identifier`` core property: what recognises it in the inbox."""
    return f"{MARKER};{year}"


@dataclass(frozen=True)
class Line:
    """One paragraph of a part: text, or a sub-heading ("1. Ưu điểm")."""

    text: str
    subheading: bool = False


@dataclass(frozen=True)
class Activity:
    """One row of the table of the leadership's own activities."""

    kind: str
    reference: str
    content: str


@dataclass(frozen=True)
class NarrativeText:
    """The written parts, by key (:data:`PARTS`), and the activities of part I's table."""

    parts: Mapping[str, tuple[Line, ...]] = field(default_factory=dict)
    activities: tuple[Activity, ...] = ()

    def part(self, key: str) -> tuple[Line, ...]:
        return self.parts.get(key, ())


@dataclass(frozen=True)
class NarrativeFile:
    """A clerk's document as read from the archive: the parts it gives, whether it had the
    activities table, and its findings. ``taken``: ours, of the year, read."""

    source: SourceFile
    year: int | None
    taken: bool
    text: NarrativeText
    has_table: bool
    findings: tuple[Finding, ...]


def read_narrative(received: Received, year: int) -> NarrativeFile | Submission:
    """A received Word document read as the clerk's document of ``year``, or refused (see the module)."""
    import docx  # python-docx, only when a Word document arrives

    try:
        doc = docx.Document(io.BytesIO(received.document))
        blocks = list(_blocks(doc, doc.element.body))
    except Exception:  # a damaged or foreign package: whatever python-docx raises
        return _foreign(received, year, "tệp bị hỏng, không mở được")
    found = _document_year(doc.core_properties.identifier or "", blocks)
    if found is None:
        return _foreign(received, year, "không có dấu nhận dạng và các đề mục I, III, IV, V của báo cáo")
    name = received.source.name
    if found != year:
        wrong = finding("narrative-wrong-year", file=name, found=found, expected=year)
        return NarrativeFile(received.source, found, False, NarrativeText(), False, (wrong,))
    return _read_parts(received.source, blocks, year)


def document_year(received: Received) -> int | None:
    """The year a received Word document is the clerk's document for; None when it is not ours
    (or cannot be opened)."""
    import docx

    try:
        doc = docx.Document(io.BytesIO(received.document))
        return _document_year(doc.core_properties.identifier or "", list(_blocks(doc, doc.element.body)))
    except Exception:  # a damaged or foreign package, as in read_narrative
        return None


def _foreign(received: Received, year: int, detail: str) -> Submission:
    problem = finding("foreign-document", file=received.source.name, year=year, detail=detail)
    return Submission(received.source, "", None, "", {}, {}, (problem,))


# --------------------------------------------------------------------------- the body, block by block


@dataclass(frozen=True)
class _Paragraph:
    text: str
    heading_style: bool
    listed: bool


def _blocks(doc: Any, container: Any) -> Iterator[_Paragraph | list[list[str]]]:
    """The body's paragraphs and tables (as rows of cell texts) in order; content controls opened."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        tag = child.tag
        if tag == _W + "p":
            paragraph = Paragraph(child, doc._body)
            style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
            numbered = child.pPr is not None and child.pPr.numPr is not None
            yield _Paragraph(_text(child), "heading" in style or style == "title", numbered or style.startswith("list"))
        elif tag == _W + "tbl":
            table = Table(child, doc._body)
            yield [[" ".join(_text(p._p) for p in cell.paragraphs).strip() for cell in row.cells] for row in table.rows]
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _blocks(doc, content)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACES = {_W + "tab", _W + "br", _W + "cr"}
_LEFT_OUT = {_W + "del", _W + "moveFrom", "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


def _text(element: Any) -> str:
    """A paragraph's text as Word shows it with tracked changes accepted: NFC, XML-safe, spaces collapsed."""
    parts = []
    for node in element.iter(_W + "t", *_SPACES):
        if any(ancestor.tag in _LEFT_OUT for ancestor in node.iterancestors()):
            continue
        parts.append(" " if node.tag in _SPACES else node.text or "")
    return clean(xml_safe("".join(parts)))


def _heading_key(text: str) -> str:
    """A heading's text without its numeral, case, diacritics or punctuation: "III. Đánh giá chung" -> "danhgiachung"."""
    return unaccented(re.sub(r"^\s*[IVXivx]+\s*[.\-–—:)]\s*", "", text)).replace(" ", "")


def _document_year(marked: str, blocks: list[_Paragraph | list[list[str]]]) -> int | None:
    """The year the document is for: the marker's, or from its headings (see the module); None when not ours."""
    match = re.fullmatch(rf"{MARKER};(\d{{4}})", marked.strip())
    if match:
        return int(match[1])
    keys = {_heading_key(b.text) for b in blocks if isinstance(b, _Paragraph) and b.text}
    fixed = {_heading_key(part_title(key, 0)) for key in (LEADERSHIP, ASSESSMENT, PROPOSALS)}
    years = {int(m[1]) for key in keys if (m := re.fullmatch(r"nhiemvunam(\d{4})", key))}
    if fixed <= keys and len(years) == 1 and _REPORT_RESULTS not in keys:
        return years.pop() - 1
    return None


_SUBHEADING_KEYS = frozenset(_heading_key(re.sub(r"^\d+\.\s*", "", s)) for s in ASSESSMENT_SUBHEADINGS)


def _read_parts(source: SourceFile, blocks: list[_Paragraph | list[list[str]]], year: int) -> NarrativeFile:
    headings = {_heading_key(part_title(key, year)): key for key in PARTS}
    lines: dict[str, list[Line]] = {key: [] for key in PARTS}
    activities: tuple[Activity, ...] | None = None
    findings: list[Finding] = []
    current, tables = None, 0
    for block in blocks:
        if isinstance(block, list):
            tables += 1
            rows = _activity_rows(block)
            if rows is not None and activities is None:
                activities = rows
            elif block:
                findings.append(finding("narrative-table-ignored", file=source.name, number=tables))
        elif _heading_key(block.text) in headings:
            current = headings[_heading_key(block.text)]
        elif current is not None and block.text:
            lines[current].append(_line(block))
    for key in PARTS:
        if all(line.subheading for line in lines[key]):  # nothing written, sub-headings aside
            lines[key] = []
            findings.append(finding("narrative-part-missing", file=source.name, part=part_heading(key, year)))
    if activities is None:
        findings.append(finding("narrative-part-missing", file=source.name, part=ACTIVITIES_LABEL))
    parts = {key: tuple(found) for key, found in lines.items() if found}
    text = NarrativeText(parts, activities or ())
    return NarrativeFile(source, year, True, text, activities is not None, tuple(findings))


def _line(paragraph: _Paragraph) -> Line:
    text = paragraph.text
    if text[0] in _BULLET_MARKS:
        text = "- " + text[1:].lstrip()
    elif paragraph.listed and not re.match(r"[-+*]|\d+[.)]|[a-zđ]\)", text):
        text = "- " + text
    key = _heading_key(re.sub(r"^\d+\.\s*", "", text))
    return Line(text, subheading=paragraph.heading_style or key in _SUBHEADING_KEYS)


_ACTIVITY_KEYS = tuple(_heading_key(column) for column in ACTIVITY_COLUMNS)


def _activity_rows(rows: list[list[str]]) -> tuple[Activity, ...] | None:
    """The activities of the table ``rows`` (rows without content left out); None when its first row
    does not carry the activities table's headers (kind and content at least)."""
    if not rows:
        return None
    header = [_heading_key(cell) for cell in rows[0]]
    where = {key: header.index(key) for key in _ACTIVITY_KEYS if key in header}
    kind_key, reference_key, content_key = _ACTIVITY_KEYS
    if kind_key not in where or content_key not in where:
        return None

    def cell(row: list[str], key: str) -> str:
        return row[where[key]] if key in where and where[key] < len(row) else ""

    activities = (Activity(cell(r, kind_key), cell(r, reference_key), cell(r, content_key)) for r in rows[1:])
    return tuple(a for a in activities if a.content)
