"""Writing .xlsx sheets fast: rows streamed as sheet XML, a column at a time, and the cell helpers
the summary (:mod:`.summary`) and the clerk's report (:mod:`.feedback`) share.

Contract:

* :class:`StreamedSheet` writes a sheet's rows as the XML openpyxl's write-only mode would write
  (text inline, never a formula; numbers and dates typed, with their display formats) into a
  temporary file, and feeds every row's values to a :class:`~.upward.ContentDigest`;
  :func:`with_rows` splices those rows into the saved package. The XML and the digest are the same
  whether rows come one at a time (:meth:`StreamedSheet.append`) or in a batch
  (:meth:`StreamedSheet.append_rows`); tests/test_xlsxwrite.py checks both on every kind of value.
* :func:`text` is the one rule for text written into a workbook: NFC, without the control
  characters an .xlsx cannot hold.

Why a batch is fast: a province's summary holds a million cells, and any Python-level work per
cell costs seconds. A batch is encoded column by column with operations that loop in C (join,
normalize, encode, translate, split, ``map``), and each row is then one ``bytes % args`` over a
row template chosen by the shape of its cells (blank, text, whole or fractional number...).
Values the fast path cannot prove it encodes exactly as :meth:`StreamedSheet.append` does (mixed
types, NUL characters, non-finite or huge numbers, -0.0) go cell by cell through the same rules.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.workbook import Workbook as WorkbookType

from .ooxml import fixed_zip_entry
from .upward import ContentDigest, canonical

BOOLEAN_TEXT = {True: "Có", False: "Không"}
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
# Deflate level of the streamed sheet parts. Level 6 (zlib's default) spends 1.3 s of CPU on the
# 66 MB of sheet XML of a 1,000-unit summary, more than everything else; level 1 takes 0.4 s for
# a file about 25 % larger. Any fixed level is deterministic.
SHEET_COMPRESSLEVEL = 1
# Rows encoded together: long enough for the C loops to pay, short enough to bound the memory.
BATCH_ROWS = 2048

Row = tuple[Any, ...]
# A column's cells in a batch: row-template fragments, payloads, canonical texts (UTF-8).
_Codes = tuple[Sequence[bytes], Sequence[Any], Sequence[bytes]]
StyleKey = tuple[str, bool, Font | None]


@dataclass(frozen=True)
class Column:
    """One column of a list sheet: its header, its width and how its values show."""

    header: str
    width: int = 14
    wrap: bool = False
    year: bool = False


PLAIN = Column("")

# A cell's code: its fragment of the row template (``%s`` for the row number, then a conversion
# for the payload), the payload, and the UTF-8 of the value's canonical text for the digest.
_BLANK = b"%.0s%.0s"  # consumes the row number and the payload, writes nothing
_ILLEGAL_BYTES = bytes(range(1, 9)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))  # NUL: the separator
_FLOAT_FAST_LIMIT = 1e12  # below it, "%.12g" writes a whole float as its integer (the digest's text)
_INT_FAST_LIMIT = 2**53  # below it, an int is exactly its float (what "%.16g" writes)


def text(value: str) -> str:
    """NFC, without the control characters an .xlsx cannot hold."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", unicodedata.normalize("NFC", value)))


def shown(value: Any, year: bool) -> tuple[Any, str]:
    """The cell value and its number format: numbers and dates typed, everything else text."""
    if isinstance(value, bool):
        return BOOLEAN_TEXT[value], "@"
    if isinstance(value, int):
        return value, "0" if year else "#,##0"
    if isinstance(value, float) and math.isfinite(value):
        # "#,##0.##" would show a whole 5 as "5.", so whole values get the integer format.
        return value, "#,##0" if value.is_integer() else "#,##0.##"
    if isinstance(value, dt.date):
        return value, "dd/mm/yyyy"
    return text(str(value)), "@"


class StreamedSheet:
    """A sheet filled row by row: openpyxl's write-only sheet gives its frame (name, used range,
    widths, frozen panes, autofilter) and registers the cell styles; the rows themselves are
    written here as sheet XML into a temporary file, and spliced into the package by
    :func:`with_rows`. Every row's values also go to the content digest."""

    def __init__(self, wb: WorkbookType, digest: ContentDigest, xml: IO[bytes]) -> None:
        self.ws = wb.create_sheet()
        self.digest = digest
        self.styles: dict[StyleKey, str] = {}
        self.templates: dict[tuple[bytes, ...], bytes] = {}
        self.rows = 0
        self.xml = xml

    def start(self, title: str, widths: dict[int, int], extent: tuple[int, int], freeze: str | None = None) -> None:
        """Name the sheet and set what openpyxl writes above the rows: the used range
        (``extent`` = rows, columns; readers size rows by it), the widths, the frozen panes."""
        self.ws.title = text(title)
        self.digest.sheet(self.ws.title)
        rows, columns = max(extent[0], 1), max(extent[1], 1)
        dimension = f"A1:{get_column_letter(columns)}{rows}"
        # Write-only sheets have no used range of their own; the writer asks for one if it can.
        self.ws.calculate_dimension = lambda: dimension
        for column, width in widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = width
        if freeze:
            self.ws.freeze_panes = freeze

    def append(self, values: Sequence[Any], specs: Sequence[Column] = (), font: Font | None = None) -> None:
        """One row of typed cells (blanks stay empty), each in its column's display."""
        codes = [self._cell_code(c, v, _spec(specs, c), font) for c, v in enumerate(values)]
        self._write_batch([((f,), (p,), (d,)) for f, p, d in codes], 1)

    def append_rows(
        self, rows: Sequence[Sequence[Any]], specs: Sequence[Column] = (), font: Font | None = None
    ) -> None:
        """Many rows, as :meth:`append` would write them one by one, encoded a column at a time."""
        if len({len(values) for values in rows}) > 1 or not rows or not rows[0]:
            for values in rows:  # ragged or empty: no columns to encode together
                self.append(values, specs, font)
            return
        for first in range(0, len(rows), BATCH_ROWS):
            batch = rows[first : first + BATCH_ROWS]
            columns = [
                self._column_codes(column, values, _spec(specs, column), font)
                for column, values in enumerate(zip(*batch, strict=True))
            ]
            self._write_batch(columns, len(batch))

    def header(self, headers: Sequence[str]) -> None:
        """The header row: every cell in the header style, blanks included."""
        self.rows += 1
        values = [shown(h, False)[0] if h is not None and h != "" else None for h in headers]
        style = self._style_id(("header", False, BOLD))
        cells = [_cell_xml(f"{get_column_letter(c)}{self.rows}", v, style) for c, v in enumerate(values, 1)]
        self.xml.write(f'<row r="{self.rows}">{"".join(cells)}</row>'.encode())
        self.digest.row(values)

    # ----------------------------------------------------------------------- encoding

    def _write_batch(self, columns: Sequence[_Codes], count: int) -> None:
        """``count`` rows, given as the codes of each column, out as XML and to the digest."""
        numbers = [b"%d" % n for n in range(self.rows + 1, self.rows + count + 1)]
        self.rows += count
        if not columns:  # blank rows
            self.xml.write(b"".join(b'<row r="%s"></row>' % n for n in numbers))
            self.digest.canonical_rows([b""] * count)
            return
        shapes = zip(*(fragments for fragments, _, _ in columns), strict=True)
        # The template's arguments: the row's number, then (number, payload) for each cell.
        args = zip(numbers, *(part for _, payloads, _ in columns for part in (numbers, payloads)), strict=True)
        templates = self.templates
        out = [
            (templates.get(shape) or self._template(shape)) % values for shape, values in zip(shapes, args, strict=True)
        ]
        self.xml.write(b"".join(out))
        canonicals = zip(*(texts for _, _, texts in columns), strict=True)
        self.digest.canonical_rows([b"\x1f".join(texts).rstrip(b"\x1f") for texts in canonicals])

    def _template(self, fragments: tuple[bytes, ...]) -> bytes:
        template = b'<row r="%s">' + b"".join(fragments) + b"</row>"
        self.templates[fragments] = template
        return template

    def _column_codes(self, column: int, values: tuple[Any, ...], spec: Column, font: Font | None) -> _Codes:
        """The fragments, payloads and canonical texts of one column of a batch."""
        kinds = set(map(type, values)) - {type(None)}
        kind = kinds.pop() if len(kinds) == 1 else None
        codes = None
        if kind is str:
            codes = self._text_column(column, values, spec, font)
        elif kind is int:
            codes = self._int_column(column, values, spec, font)
        elif kind is float:
            codes = self._float_column(column, values, spec, font)
        if codes is not None:
            return codes
        fragments, payloads, texts = zip(*(self._cell_code(column, v, spec, font) for v in values), strict=True)
        return fragments, payloads, texts

    def _text_column(self, column: int, values: tuple[Any, ...], spec: Column, font: Font | None) -> _Codes | None:
        """Text cells: cleaned, escaped and encoded as one string; None if a value holds a NUL."""
        strings = [v or "" for v in values] if None in values else values
        joined = "\x00".join(strings)
        if joined.count("\x00") != len(strings) - 1:
            return None
        normalized = unicodedata.normalize("NFC", joined)
        encoded = normalized.encode("utf-8")
        cleaned = encoded.translate(None, _ILLEGAL_BYTES)
        if len(cleaned) != len(encoded):
            # Removing a control character can leave a sequence that is not NFC; the digest's
            # canonical text normalizes it again, as it does for a single cell.
            normalized = cleaned.decode("utf-8")
            canonicals = unicodedata.normalize("NFC", normalized).encode("utf-8").split(b"\x00")
        else:
            canonicals = cleaned.split(b"\x00")
        payloads = _escaped(cleaned).split(b"\x00")
        parts = normalized.split("\x00")
        stripped = list(map(str.strip, parts))
        style = "" if not spec.wrap and font is None else self._style_id(("@", spec.wrap, font))
        plain = _fragment(column, style, "inlineStr", b"<is><t>%s</t></is>")
        if stripped == parts and "" not in values and None not in values:
            return [plain] * len(values), payloads, canonicals
        spaced = _fragment(column, style, "inlineStr", b'<is><t xml:space="preserve">%s</t></is>')
        fragments = [
            _BLANK if not value else plain if part is bare else spaced
            for value, part, bare in zip(values, parts, stripped, strict=True)
        ]
        return fragments, payloads, canonicals

    def _int_column(self, column: int, values: tuple[Any, ...], spec: Column, font: Font | None) -> _Codes | None:
        """Integers below 2**53 (exactly their float, so "%.16g" writes their digits)."""
        present = [v for v in values if v is not None] if None in values else values
        if not present or max(present) >= _INT_FAST_LIMIT or min(present) <= -_INT_FAST_LIMIT:
            return None
        fragment = _fragment(
            column, self._style_id(("0" if spec.year else "#,##0", spec.wrap, font)), "n", b"<v>%d</v>"
        )
        return self._numbers(values, [fragment] * len(values), "\x00".join(map(str, values)))

    def _float_column(self, column: int, values: tuple[Any, ...], spec: Column, font: Font | None) -> _Codes | None:
        """Finite floats below 1e12 other than -0.0, whose "%.12g" is the digest's canonical text."""
        present = [v for v in values if v is not None] if None in values else values
        total = sum(present)
        if not present or not math.isfinite(total) or max(present) >= _FLOAT_FAST_LIMIT:
            return None
        if min(present) <= -_FLOAT_FAST_LIMIT:
            return None
        joined = "\x00".join(map("{:.12g}".format, values))
        if "-0\x00" in joined + "\x00":  # -0.0 writes "-0" but its canonical text is "0"
            return None
        whole = _fragment(column, self._style_id(("#,##0", spec.wrap, font)), "n", b"<v>%.16g</v>")
        fraction = _fragment(column, self._style_id(("#,##0.##", spec.wrap, font)), "n", b"<v>%.16g</v>")
        by_kind = {True: whole, False: fraction}
        fragments = [by_kind[v.is_integer()] if v is not None else _BLANK for v in values]
        return self._numbers(values, fragments, joined)

    @staticmethod
    def _numbers(values: tuple[Any, ...], fragments: list[bytes], joined: str) -> _Codes:
        """Number cells: the number itself as the payload, blanks as empty cells."""
        canonicals = joined.encode("ascii").split(b"\x00")
        if None not in values:
            return fragments, values, canonicals
        blank = [v is None for v in values]
        payloads = [b"" if b else v for v, b in zip(values, blank, strict=True)]
        fragments = [_BLANK if b else f for f, b in zip(fragments, blank, strict=True)]
        canonicals = [b"" if b else c for c, b in zip(canonicals, blank, strict=True)]
        return fragments, payloads, canonicals

    def _cell_code(self, column: int, value: Any, spec: Column, font: Font | None) -> tuple[bytes, Any, bytes]:
        """One cell's code, value by value (the rule the fast columns reproduce)."""
        if value is None or value == "":
            return _BLANK, b"", b""
        value, number_format = shown(value, spec.year)
        digest_text = canonical(value).encode("utf-8")
        if isinstance(value, str):
            style = "" if not spec.wrap and font is None else self._style_id(("@", spec.wrap, font))
            space = b' xml:space="preserve"' if value != value.strip() else b""
            fragment = _fragment(column, style, "inlineStr", b"<is><t" + space + b">%s</t></is>")
            return fragment, xml_escape(value).encode("utf-8"), digest_text
        number = to_excel(value) if isinstance(value, dt.date) else value
        fragment = _fragment(column, self._style_id((number_format, spec.wrap, font)), "n", b"<v>%s</v>")
        return fragment, f"{number:.16g}".encode("ascii"), digest_text

    def _style_id(self, key: StyleKey) -> str:
        """The ``s`` attribute of cells of this number format, wrap and font ("header": the header's)."""
        if key not in self.styles:
            number_format, wrap, font = key
            cell = WriteOnlyCell(self.ws)
            if number_format == "header":
                cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, HEADER_ALIGN
            else:
                if number_format != "@":
                    cell.number_format = number_format
                if wrap:
                    cell.alignment = WRAP_TOP
                if font is not None:
                    cell.font = font
            self.styles[key] = f' s="{self.ws.parent._cell_styles.add(cell._style)}"'
        return self.styles[key]


def _spec(specs: Sequence[Column], column: int) -> Column:
    return specs[column] if column < len(specs) else PLAIN


def _fragment(column: int, style: str, kind: str, content: bytes) -> bytes:
    """A cell's part of a row template: ``%s`` takes the row number, ``content`` the payload."""
    return f'<c r="{get_column_letter(column + 1)}%s"{style} t="{kind}">'.encode() + content + b"</c>"


def _escaped(data: bytes) -> bytes:
    """``xml_escape`` on UTF-8 bytes (``&``, ``<`` and ``>`` are single bytes in UTF-8)."""
    if b"&" in data:
        data = data.replace(b"&", b"&amp;")
    if b">" in data:
        data = data.replace(b">", b"&gt;")
    if b"<" in data:
        data = data.replace(b"<", b"&lt;")
    return data


def _cell_xml(ref: str, value: Any, style: str) -> str:
    """One cell as openpyxl writes it: text inline (never a formula), numbers and dates as numbers."""
    if value is None:
        return f'<c r="{ref}"{style}/>' if style else ""
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{xml_escape(value)}</t></is></c>'
    if isinstance(value, dt.date):
        value = to_excel(value)
    return f'<c r="{ref}"{style} t="n"><v>{value:.16g}</v></c>'


_EMPTY_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")


def with_rows(package: bytes, sheets: Sequence[StreamedSheet]) -> bytes:
    """The saved package with each sheet's rows spliced into its empty ``<sheetData>``; entries
    keep their order and their fixed headers, and each sheet's rows are copied in pieces."""
    by_part = {f"xl/worksheets/sheet{index}.xml": sheet for index, sheet in enumerate(sheets, start=1)}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            sheet = by_part.get(info.filename)
            if sheet is None:
                target.writestr(fixed_zip_entry(info.filename), content)
                continue
            head, tail = _EMPTY_SHEET_DATA.split(content, maxsplit=1)
            entry = fixed_zip_entry(info.filename)
            # ZipInfo has no public compression level before Python 3.13 (which keeps this name).
            entry._compresslevel = SHEET_COMPRESSLEVEL  # type: ignore[attr-defined]
            with target.open(entry, "w") as part:
                part.write(head + b"<sheetData>")
                sheet.xml.seek(0)
                shutil.copyfileobj(sheet.xml, part)
                part.write(b"</sheetData>" + tail)
    return out.getvalue()
