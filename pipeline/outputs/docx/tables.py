"""The body rows of a report's data tables written as WordprocessingML text, not as lxml elements.

Contract: python-docx builds the document and, of each data table, the frame and the header rows
(:func:`pipeline.outputs.docx.table_frames.add_data_table`); :meth:`TableBodies.add` leaves a
placeholder (an XML comment, which no text of the document can produce) where the table's body
rows belong and keeps the rows. Then either

- :meth:`TableBodies.package` writes the document as .docx bytes: every part as python-docx's
  own save writes it, under a fixed zip entry header (:func:`pipeline.core.ooxml.fixed_zip_entry`),
  ``word/document.xml`` streamed into the zip with each placeholder replaced by its rows; or
- :meth:`TableBodies.materialize` puts the rows into the in-memory document as elements, for a
  caller that wants the python-docx ``Document`` itself.

A body cell is one pre-rendered template per (column, numeric, bold) kind around the cell's text
(NFC, escaped as lxml escapes it): the XML python-docx wrote for the same cell, byte for byte
(``tests/unit/outputs/test_docx_tables.py`` compares both). Why text: a province's appendix has
some 200,000 cells, and one lxml element tree per cell took 10 s and a gigabyte; as text they are
a few string joins each, and only one block of rows is ever held, on its way to the compressor.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import IO, Any, cast
from xml.sax.saxutils import escape

from docx.opc.pkgwriter import PackageWriter
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.simpletypes import ST_HpsMeasure, ST_TwipsMeasure
from docx.shared import Mm, Pt
from lxml import etree  # type: ignore[import-untyped]  # python-docx's own dependency; no stubs

from ...core.ooxml import fixed_zip_entry
from ...core.textnorm import xml_safe
from ...core.vnformat import number
from ...year.stat_table import Cell

DOCUMENT_PART = "word/document.xml"
# zlib level of word/document.xml: levels 1-3 are zlib's fast strategy. Measured on a 72 MB
# province report (bench, 1,000 files): level 3 takes 0.25 s and gives 1.9 MB, the default 6
# takes 0.65 s for 1.3 MB. The other parts are small and keep the default.
DOCUMENT_LEVEL = 3
PLACEHOLDER = "dvk-rows-{}"
_PLACEHOLDER = re.compile(rb"<!--dvk-rows-(\d+)-->")
# Characters XML 1.0 cannot hold (lxml refuses them): left out, as every writer leaves them out
# (pipeline.core.textnorm.xml_safe), never a traceback for one stray character nor a broken file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Any character that needs more than copying (most texts have none: one search, no replaces).
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
ROW_START = b"<w:tr><w:trPr><w:cantSplit/></w:trPr>"
ROW_END = b"</w:tr>"
CELL_END = b"</w:t></w:r></w:p></w:tc>"
# Rows are written this many at a time (about a megabyte of XML) on their way to the compressor.
BLOCK_ROWS = 500


def xml_text(text: str, separator: str = "") -> str:
    """``text`` in NFC as lxml writes element text: ``&``, ``<``, ``>`` and CR as references,
    the characters XML cannot hold left out (``separator``, if given, is let through: see
    :func:`xml_texts`)."""
    text = unicodedata.normalize("NFC", text)
    if not _SPECIAL.search(text):
        return text
    if _NOT_XML.search(text.replace(separator, "") if separator else text):
        text = separator.join(map(xml_safe, text.split(separator))) if separator else xml_safe(text)
    return escape(text, {"\r": "&#13;"})


def xml_texts(texts: Sequence[str]) -> list[bytes]:
    """:func:`xml_text` of each of ``texts``, in UTF-8, in a few C calls instead of a few per text:
    joined by NUL, which NFC and escaping leave alone; text by text if one holds a NUL."""
    if not texts:
        return []
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        return [xml_text(text).encode("utf-8") for text in texts]
    return xml_text(joined, separator="\x00").encode("utf-8").split(b"\x00")


def whole_numbers(values: Sequence[int]) -> list[bytes]:
    """``number(value)`` of each of ``values`` (all ``int``), in ASCII: digits grouped by ``,``
    then the commas made dots, as :func:`pipeline.core.vnformat.number` does, in a few C calls."""
    if not values:
        return []
    return "\x00".join(map("{:,}".format, values)).replace(",", ".").encode("ascii").split(b"\x00")


def xml_attribute(value: str) -> str:
    """``value`` as lxml writes a double-quoted attribute value."""
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def format_cell(value: Cell) -> str:
    """Numbers in Vietnamese format (1.234.567; 12,5); text as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value)
    return str(value)


def cell_start(
    width_mm: float,
    font: str,
    size: float,
    style_id: str,
    *,
    numeric: bool,
    bold: bool,
    header: bool = False,
    keep: bool = False,
) -> bytes:
    """A cell up to its text: width, table-text style, numbers right-aligned (a header cell
    centred both ways instead), kept with the next row when ``keep``, one run naming ``font`` on
    the four slots, ``size`` and the weight (what python-docx writes for that cell)."""
    name = xml_attribute(font)
    align = (_KEEP if keep else "") + (_CENTER if header else _RIGHT if numeric else "")
    return (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{ST_TwipsMeasure.convert_to_xml(Mm(width_mm))}"/>'
        f"{_MIDDLE if header else ''}</w:tcPr>"
        f'<w:p><w:pPr><w:pStyle w:val="{xml_attribute(style_id)}"/>{align}</w:pPr>'
        f'<w:r><w:rPr><w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'
        f'{"<w:b/>" if bold else ""}<w:sz w:val="{ST_HpsMeasure.convert_to_xml(Pt(size))}"/></w:rPr>'
        '<w:t xml:space="preserve">'
    ).encode()


_KEEP = "<w:keepNext/>"  # in schema order: after the style, before the alignment
_RIGHT = '<w:jc w:val="right"/>'
_CENTER = '<w:jc w:val="center"/>'
_MIDDLE = '<w:vAlign w:val="center"/>'
_TEXT = qn("w:t")
# python-docx's package writer; its steps take any object with write(pack_uri, blob), though
# typed for its own zip writer only.
_PACKAGE_WRITER: Any = PackageWriter


def header_row(
    titles: Sequence[str], widths_mm: Sequence[float], font: str, size: float, style_id: str, keep: bool = False
) -> bytes:
    """A one-row table header as python-docx writes it: repeated on every page, each cell centred
    both ways, its title bold; kept with the body when ``keep``. (Through python-docx's API a
    header row took some 5 ms.)"""
    cells = b"".join(
        cell_start(width, font, size, style_id, numeric=False, bold=True, header=True, keep=keep)
        + xml_text(title).encode("utf-8")
        + CELL_END
        for title, width in zip(titles, widths_mm, strict=True)
    )
    return b"<w:tr><w:trPr><w:tblHeader/></w:trPr>" + cells + ROW_END


@dataclass(frozen=True)
class TableBody:
    """The body rows of one data table (the total, if any, last and bold) and how to write them;
    ``header``, the header rows written as text too (:func:`header_row`), if any, come first."""

    rows: Sequence[Sequence[Cell]]
    bold_last: bool
    widths_mm: Sequence[float]
    font: str
    size: float
    style_id: str
    header: bytes = b""
    kept: bool = False  # every row but the last kept with the next: the table never splits

    def blocks(self) -> Iterator[bytes]:
        """The rows as UTF-8 WordprocessingML, :data:`BLOCK_ROWS` rows at a time (a row of a wrong
        length raises ``ValueError``)."""
        if self.header:
            yield self.header
        plain = self._starts(bold=False, keep=self.kept)
        rows = self.rows[:-1]
        for first in range(0, len(rows), BLOCK_ROWS):
            yield _block(rows[first : first + BLOCK_ROWS], plain)
        if self.rows:
            yield _block(self.rows[-1:], self._starts(bold=self.bold_last, keep=False))

    def _starts(self, *, bold: bool, keep: bool) -> list[tuple[bytes, bytes]]:
        """Per column, the cell start for text (index 0) and for a number (index 1)."""
        return [
            (
                cell_start(width, self.font, self.size, self.style_id, numeric=False, bold=bold, keep=keep),
                cell_start(width, self.font, self.size, self.style_id, numeric=True, bold=bold, keep=keep),
            )
            for width in self.widths_mm
        ]


def _block(rows: Sequence[Sequence[Cell]], starts: Sequence[tuple[bytes, bytes]]) -> bytes:
    """``rows`` as ``w:tr`` elements, in one join: column by column the cells' texts, between them
    what every row repeats there (the end of the cell before, the start of the next). A column of
    texts or of whole numbers takes a few C calls, any other column each distinct value once: a
    cell costs well under a microsecond."""
    between, cells = [], []
    before = ROW_START
    for values, column_starts in zip(zip(*rows, strict=True), starts, strict=True):
        start, texts = _column(values, column_starts)
        between.append(before + start)
        cells.append(texts)
        before = CELL_END
    between.append(CELL_END + ROW_END)
    interleaved = [part for pair in zip(map(repeat, between), cells, strict=False) for part in pair]
    interleaved.append(repeat(between[-1]))
    return b"".join(chain.from_iterable(zip(*interleaved, strict=False)))  # as many as the rows


def _column(values: Sequence[Cell], starts: tuple[bytes, bytes]) -> tuple[bytes, list[bytes]]:
    """The cells of one column, in order: what starts all of them, and each one's own part."""
    kinds = set(map(type, values))
    if kinds == {str}:  # names, units, fields: all texts, most of them distinct
        return starts[False], xml_texts(cast(Sequence[str], values))
    if kinds == {int}:  # serial numbers, counts: all distinct in a column "STT"
        return starts[True], whole_numbers(cast(Sequence[int], values))
    keys = list(zip(map(type, values), values, strict=True))  # by type too: True == 1, yet it is written "True"
    written = {key: _cell(key[1], starts) for key in set(keys)}
    return b"", list(map(written.__getitem__, keys))


def _cell(value: Cell, starts: tuple[bytes, bytes]) -> bytes:
    """A cell up to its end, for a column of mixed types."""
    if value.__class__ is int:  # digits and dots: nothing to normalise or escape
        return starts[True] + number(value).encode("ascii")
    text = xml_text(format_cell(value)).encode("utf-8")
    return starts[isinstance(value, int | float)] + text


@dataclass
class TableBodies:
    """The data tables of one document whose body rows are written when the package is."""

    bodies: list[TableBody] = field(default_factory=list)

    def add(self, tbl: Any, body: TableBody) -> None:
        """Leave the placeholder of ``body`` at the end of the table element ``tbl``."""
        tbl.append(etree.Comment(PLACEHOLDER.format(len(self.bodies))))
        self.bodies.append(body)

    def materialize(self, document: Any) -> None:
        """Replace every placeholder under the lxml ``document`` element by its rows as elements."""
        written = []
        for comment in list(document.iter(etree.Comment)):
            match = re.fullmatch(PLACEHOLDER.format(r"(\d+)"), comment.text or "")
            if match is None:
                continue
            written.append(int(match[1]))
            body = b"".join(self.bodies[written[-1]].blocks())
            rows = parse_xml(f"<w:tbl {nsdecls('w')}>".encode() + body + b"</w:tbl>")
            for text in rows.iter(_TEXT):
                text.text = text.text or ""  # an empty cell: "<w:t></w:t>" as written, not "<w:t/>"
            for row in list(rows):
                comment.addprevious(row)
            comment.getparent().remove(comment)
        self._check_all_written(written)

    def package(self, doc: Any) -> bytes:
        """The python-docx document ``doc`` as .docx bytes: its parts in the order and form
        python-docx's own save writes them, under fixed entry headers, and the rows where they
        belong. (python-docx's save, then a rewrite, compressed the whole package twice.)"""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            package = doc.part.package
            for part in package.parts:  # as OpcPackage.save does
                part.before_marshal()
            writer = _PartWriter(target, self)
            _PACKAGE_WRITER._write_content_types_stream(writer, package.parts)
            _PACKAGE_WRITER._write_pkg_rels(writer, package.rels)
            _PACKAGE_WRITER._write_parts(writer, package.parts)
        return out.getvalue()

    def write_document(self, skeleton: bytes, stream: IO[bytes]) -> None:
        """``skeleton`` (the saved document.xml) with each placeholder replaced by its rows."""
        position, written = 0, []
        for match in _PLACEHOLDER.finditer(skeleton):
            stream.write(skeleton[position : match.start()])
            written.append(int(match[1]))
            for block in self.bodies[written[-1]].blocks():
                stream.write(block)
            position = match.end()
        stream.write(skeleton[position:])
        self._check_all_written(written)

    def _check_all_written(self, written: list[int]) -> None:
        """Every table's rows written once: a placeholder elsewhere (a header part, say) would
        otherwise leave a table without its rows, silently."""
        if sorted(written) != list(range(len(self.bodies))):
            raise RuntimeError(f"table bodies written {sorted(written)}, expected 0..{len(self.bodies) - 1}")


@dataclass(frozen=True)
class _PartWriter:
    """python-docx's physical package writer, as :class:`docx.opc.pkgwriter.PackageWriter` calls it."""

    target: zipfile.ZipFile
    tables: TableBodies

    def write(self, pack_uri: Any, blob: bytes) -> None:
        entry = fixed_zip_entry(pack_uri.membername)
        if entry.filename != DOCUMENT_PART:
            self.target.writestr(entry, blob)
            return
        # ZipFile.open applies no level of its own to an entry it is given (3.11: _compresslevel,
        # 3.13: compress_level with _compresslevel kept as an alias).
        setattr(entry, "_compresslevel", DOCUMENT_LEVEL)  # noqa: B010
        with self.target.open(entry, "w") as stream:
            self.tables.write_document(blob, stream)
