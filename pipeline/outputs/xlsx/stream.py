"""Writing .xlsx sheets fast: rows streamed as sheet XML, a column at a time, and the list columns
the summary (:mod:`.summary`) and the clerk's report (:mod:`.feedback`) share.

Contract:

* :class:`StreamedSheet` writes a sheet's rows as the XML openpyxl's write-only mode would write
  (text inline, never a formula; numbers and dates typed, with their display formats) into a
  temporary file, and feeds every row's values to a :class:`~pipeline.core.upward.ContentDigest`;
  :func:`with_rows` splices those rows into the saved package. The XML and the digest are the same
  whether rows come one at a time (:meth:`StreamedSheet.append`) or in a batch
  (:meth:`StreamedSheet.append_rows`); tests/unit/outputs/test_xlsx_stream.py checks both on every
  kind of value.
* Text goes through :func:`.workbook.text`, the one rule for text written into a workbook.
* A row whose wrapped text (a :class:`Column` with ``wrap``, or a header) takes more than one line
  is given a height for it (:func:`.printing.text_lines`): LibreOffice does not grow a row to its
  text, and a name would run into the next row. Each distinct text of a column is measured once.
  Every cell is top-aligned, so a tall row reads from its top line.

Why a batch is fast: a province's summary holds a million cells, and any Python-level work per
cell costs seconds. A batch is encoded column by column: each distinct value of a column once
(the texts of a column together, with operations that loop in C: join, normalize, encode,
translate, split), then looked up for every row with ``map``; each row is then one
``bytes % args`` over a row template chosen by the shape of its cells (blank, text, whole or
fractional number...), and its canonical texts one ``join`` for the digest. Columns whose
distinct values could be written differently though equal (mixed types, 0.0 beside -0.0) and
texts holding a NUL go cell by cell through the one rule (:meth:`StreamedSheet._cell_code`).
The sheet parts are deflated at a low level (:data:`SHEET_COMPRESSLEVEL`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import io
import itertools
import math
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.workbook import Workbook as WorkbookType

from ...core.ooxml import fixed_zip_entry
from ...core.upward import ContentDigest, canonical
from .printing import DEFAULT_WIDTH, row_height, text_lines
from .workbook import BOLD, TOP, WRAP_TOP, set_widths, style_header, text

BOOLEAN_TEXT = {True: "Có", False: "Không"}
# Deflate level of the streamed sheet parts. Level 6 (zlib's default) spends 1.3 s of CPU on the
# 73 MB of sheet XML of a 1,000-unit summary, more than all the rest; level 2 takes 0.35 s, as
# fast as level 1 but 8 % smaller (7.1 MB instead of 5.6 MB at level 6); from level 4 on zlib's
# slower matcher doubles the time. Any fixed level is deterministic.
SHEET_COMPRESSLEVEL = 2
# Rows encoded together: long enough for the C loops to pay, short enough to bound the memory.
BATCH_ROWS = 2048

Row = tuple[Any, ...]
# A cell's code: its fragment of the row template, its payload, its canonical text (UTF-8).
_Code = tuple[bytes, Any, bytes]
# A column's cells in a batch: row-template fragments (one for all, when alike), payloads,
# canonical texts (UTF-8).
_Codes = tuple[bytes | Sequence[bytes], Sequence[Any], Sequence[bytes]]
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
_BLANK_CODE = (_BLANK, b"", b"")
# Stands for the style attribute of a cell in a fragment (see StreamedSheet._style_token).
_STYLE_TOKEN = re.compile(rb"\x02\d+\x03")
# Types whose equal values are written alike (floats but for 0.0 and -0.0), so that a column of
# one of them encodes each distinct value once.
_DISTINCT_KINDS = frozenset({str, int, float, bool, dt.date})
_ILLEGAL_BYTES = bytes(range(1, 9)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))  # NUL: the separator
# U+FFFE and U+FFFF in UTF-8, which text() also removes; both begin with the bytes of U+FFF0-U+FFFD.
_NONCHARACTER_PREFIX = b"\xef\xbf"
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")


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
        self.style_tokens: dict[StyleKey, bytes] = {}
        self.token_styles: dict[bytes, StyleKey] = {}
        self.rows = 0
        self.xml = xml
        self.widths: dict[int, float] = {}

    def start(self, title: str, widths: dict[int, int], extent: tuple[int, int], freeze: str | None = None) -> None:
        """Name the sheet and set what openpyxl writes above the rows: the used range
        (``extent`` = rows, columns; readers size rows by it), the widths, the frozen panes."""
        self.ws.title = text(title)
        self.digest.sheet(self.ws.title)
        rows, columns = max(extent[0], 1), max(extent[1], 1)
        dimension = f"A1:{get_column_letter(columns)}{rows}"
        # Write-only sheets have no used range of their own; the writer asks for one if it can.
        self.ws.calculate_dimension = lambda: dimension
        self.widths = dict(widths)
        set_widths(self.ws, widths)
        if freeze:
            self.ws.freeze_panes = freeze

    def append(self, values: Sequence[Any], specs: Sequence[Column] = (), font: Font | None = None) -> None:
        """One row of typed cells (blanks stay empty), each in its column's display."""
        codes = [self._cell_code(c, v, _spec(specs, c), font) for c, v in enumerate(values)]
        heights = _row_heights([(v,) for v in values], specs, 1)
        self._write_batch([(f, (p,), (d,)) for f, p, d in codes], 1, heights)

    def append_rows(
        self, rows: Sequence[Sequence[Any]], specs: Sequence[Column] = (), font: Font | None = None
    ) -> None:
        """Many rows, as :meth:`append` would write them one by one, encoded a column at a time."""
        if len({len(values) for values in rows}) > 1 or not rows or not rows[0]:
            for values in rows:  # ragged or empty: no columns to encode together
                self.append(values, specs, font)
            return
        with collection_paused():
            for first in range(0, len(rows), BATCH_ROWS):
                batch = rows[first : first + BATCH_ROWS]
                values = list(zip(*batch, strict=True))
                columns = [
                    self._column_codes(column, column_values, _spec(specs, column), font)
                    for column, column_values in enumerate(values)
                ]
                self._write_batch(columns, len(batch), _row_heights(values, specs, len(batch)))

    def header(self, headers: Sequence[str]) -> None:
        """The header row: every cell in the header style, blanks included."""
        self.rows += 1
        values = [shown(h, False)[0] if h is not None and h != "" else None for h in headers]
        style = self._style_id(("header", False, BOLD))
        cells = [_cell_xml(f"{get_column_letter(c)}{self.rows}", v, style) for c, v in enumerate(values, 1)]
        texts = [(v, self.widths.get(c, DEFAULT_WIDTH)) for c, v in enumerate(values, 1) if isinstance(v, str)]
        lines = max((text_lines(v, width, bold=True) for v, width in texts), default=1)
        height = _height_attribute(lines).decode()
        self.xml.write(f'<row r="{self.rows}"{height}>{"".join(cells)}</row>'.encode())
        self.digest.row(values)

    # ----------------------------------------------------------------------- encoding

    def _write_batch(self, columns: Sequence[_Codes], count: int, heights: Sequence[bytes] | None = None) -> None:
        """``count`` rows, given as the codes of each column, out as XML and to the digest; each
        row's height attribute from ``heights`` (none: every row of the default height)."""
        numbers = [b"%d" % n for n in range(self.rows + 1, self.rows + count + 1)]
        self.rows += count
        cells = [codes for codes in columns if codes[0] != _BLANK]  # a blank column writes nothing
        # The template's arguments: the row's number and height, then (number, payload) for each cell.
        attributes = heights if heights is not None else [b""] * count
        parts = (part for _, payloads, _ in cells for part in (numbers, payloads))
        args = zip(numbers, attributes, *parts, strict=True)
        varying = [fragments for fragments, _, _ in cells if not isinstance(fragments, bytes)]
        if varying:
            templates: dict[tuple[bytes, ...], bytes] = {}
            shapes = zip(*varying, strict=True)
            out = [
                (templates.get(shape) or _template(cells, shape, templates, self._resolved)) % values
                for shape, values in zip(shapes, args, strict=True)
            ]
        else:
            template = _template(cells, (), {}, self._resolved)
            out = [template % values for values in args]
        self.xml.write(b"".join(out))
        if not columns:
            self.digest.canonical_rows([b""] * count)
            return
        joined = list(map(b"\x1f".join, zip(*(texts for _, _, texts in columns), strict=True)))
        if not all(columns[-1][2]):  # a row may end in blanks, which the digest drops
            joined = [row.rstrip(b"\x1f") for row in joined]
        self.digest.canonical_rows(joined)

    def _column_codes(self, column: int, values: tuple[Any, ...], spec: Column, font: Font | None) -> _Codes:
        """The fragments (one for all when they are alike), payloads and canonical texts of one
        column of a batch: each distinct value is encoded once (the texts of a column together),
        then looked up for every row."""
        distinct = _distinct(values)
        encoded = self._distinct_codes(column, distinct, spec, font) if distinct is not None else None
        if encoded is None or distinct is None:
            fragments, payloads, texts = zip(*(self._cell_code(column, v, spec, font) for v in values), strict=True)
            return fragments, payloads, texts
        fragments, payloads, texts = zip(*encoded, strict=True)
        shapes = set(fragments)
        # Texts without escapes, integers: the payload is the canonical text, one list for both.
        same = all(p == t for p, t in zip(payloads, texts, strict=True))
        if len(distinct) == len(values):  # every value its own distinct value, in order
            return (shapes.pop() if len(shapes) == 1 else fragments), payloads, payloads if same else texts
        row_payloads = _looked_up(distinct, payloads, values)
        row_texts = row_payloads if same else _looked_up(distinct, texts, values)
        if len(shapes) == 1:
            return shapes.pop(), row_payloads, row_texts
        return _looked_up(distinct, fragments, values), row_payloads, row_texts

    def _distinct_codes(self, column: int, distinct: list[Any], spec: Column, font: Font | None) -> list[_Code] | None:
        """The codes of a column's distinct values (all of one type, or blank); None if the texts
        cannot be encoded together."""
        kinds = set(map(type, distinct)) - {type(None)}
        if kinds == {str}:
            return self._texts(column, distinct, spec, font)
        if kinds == {int}:
            return self._integers(column, distinct, spec, font)
        return [self._cell_code(column, v, spec, font) for v in distinct]

    def _texts(self, column: int, strings: list[Any], spec: Column, font: Font | None) -> list[_Code] | None:
        """The codes of distinct texts (blanks among them), cleaned, escaped and encoded as one
        string, which gives what :meth:`_cell_code` gives each; None if a text holds a NUL (the
        separator) or a lone surrogate (which UTF-8 cannot encode)."""
        joined = "\x00".join([s or "" for s in strings])
        if joined.count("\x00") != len(strings) - 1:
            return None
        normalized = unicodedata.normalize("NFC", joined)
        try:
            encoded = normalized.encode("utf-8")
        except UnicodeEncodeError:
            return None
        # The control characters text() removes are single bytes in UTF-8, never inside a character;
        # the noncharacters are whole sequences (UTF-8 synchronises: no sequence starts inside another).
        cleaned = encoded.translate(None, _ILLEGAL_BYTES)
        if _NONCHARACTER_PREFIX in cleaned:
            for sequence in _NONCHARACTERS:
                cleaned = cleaned.replace(sequence, b"")
        canonical_text = cleaned
        if len(cleaned) != len(encoded):
            # Removing a control character can leave a sequence that is not NFC; the digest's
            # canonical text normalizes it again, as it does for a single cell.
            normalized = cleaned.decode("utf-8")
            canonical_text = unicodedata.normalize("NFC", normalized).encode("utf-8")
        escaped = _escaped(cleaned)
        canonicals = canonical_text.split(b"\x00")
        # With nothing escaped or normalized again, the payloads are the canonical texts: one list.
        payloads = canonicals if escaped == canonical_text else escaped.split(b"\x00")
        parts = normalized.split("\x00")
        style = self._style_token(("@", spec.wrap, font))
        plain = _fragment(column, style, "inlineStr", b"<is><t>%s</t></is>")
        spaced = _fragment(column, style, "inlineStr", b'<is><t xml:space="preserve">%s</t></is>')
        # Mostly nothing to strip: str.strip then gives back the very string, compared by identity.
        shapes = [plain if part == bare else spaced for part, bare in zip(parts, map(str.strip, parts), strict=True)]
        return [
            (shape, payload, text) if value else _BLANK_CODE
            for value, shape, payload, text in zip(strings, shapes, payloads, canonicals, strict=True)
        ]

    def _integers(self, column: int, distinct: list[Any], spec: Column, font: Font | None) -> list[_Code]:
        """The codes of distinct integers (and None): below 2**53 an int is exactly its float, so
        "%.16g" writes its digits, which are also its canonical text; others one by one."""
        numbers = [v for v in distinct if v is not None]
        if max(numbers) >= 2**53 or min(numbers) <= -(2**53):
            return [self._cell_code(column, v, spec, font) for v in distinct]
        fragment = _fragment(
            column, self._style_token(("0" if spec.year else "#,##0", spec.wrap, font)), "n", b"<v>%s</v>"
        )
        digits = "\x00".join(map(str, numbers)).encode("ascii").split(b"\x00")
        codes = dict(zip(numbers, zip(itertools.repeat(fragment), digits, digits), strict=True))
        return [codes[v] if v is not None else _BLANK_CODE for v in distinct]

    def _cell_code(self, column: int, value: Any, spec: Column, font: Font | None) -> _Code:
        """One cell's code, value by value (the rule the fast columns reproduce)."""
        if value is None or value == "":
            return _BLANK_CODE
        value, number_format = shown(value, spec.year)
        digest_text = canonical(value).encode("utf-8")
        if isinstance(value, str):
            style = self._style_token(("@", spec.wrap, font))
            space = b' xml:space="preserve"' if value != value.strip() else b""
            fragment = _fragment(column, style, "inlineStr", b"<is><t" + space + b">%s</t></is>")
            return fragment, xml_escape(value).encode("utf-8"), digest_text
        number = to_excel(value) if isinstance(value, dt.date) else value
        fragment = _fragment(column, self._style_token((number_format, spec.wrap, font)), "n", b"<v>%s</v>")
        return fragment, f"{number:.16g}".encode("ascii"), digest_text

    def _style_token(self, key: StyleKey) -> bytes:
        """What a fragment holds in place of the ``s`` attribute of cells of this style, until its
        row template is made (:meth:`_resolved`)."""
        token = self.style_tokens.get(key)
        if token is None:
            token = self.style_tokens[key] = b"\x02%d\x03" % len(self.style_tokens)
            self.token_styles[token] = key
        return token

    def _resolved(self, template: bytes) -> bytes:
        """``template`` with the ``s`` attribute of each cell's style; a style is registered when a
        cell of it first appears, row by row and then cell by cell, as openpyxl numbers them: the
        numbers do not depend on whether rows came one at a time or in a batch."""
        return _STYLE_TOKEN.sub(lambda m: self._style_id(self.token_styles[m.group(0)]).encode(), template)

    def _style_id(self, key: StyleKey) -> str:
        """The ``s`` attribute of cells of this number format, wrap and font ("header": the header's)."""
        if key not in self.styles:
            number_format, wrap, font = key
            cell = WriteOnlyCell(self.ws)
            if number_format == "header":
                style_header(cell)
            else:
                if number_format != "@":
                    cell.number_format = number_format
                # Top-aligned, wrapped or not: a row made tall by a wrapped text reads from its top line.
                cell.alignment = WRAP_TOP if wrap else TOP
                if font is not None:
                    cell.font = font
            self.styles[key] = f' s="{self.ws.parent._cell_styles.add(cell._style)}"'
        return self.styles[key]


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """The cyclic garbage collector held off. A batch allocates hundreds of thousands of tuples
    and lists, none in a cycle, each freed by its reference count; yet every few hundred
    allocations would start a collection, and some of them traverse the whole heap (in a run,
    every unit's consolidated rows): 0.7 s of 3 s measured on the 1,000-unit summary."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _template(
    cells: Sequence[_Codes],
    shape: tuple[bytes, ...],
    cache: dict[tuple[bytes, ...], bytes],
    resolve: Callable[[bytes], bytes],
) -> bytes:
    """The row template of cells whose fragments vary as ``shape`` says (in order, for the
    columns whose fragments vary), its styles ``resolve``d, remembered in ``cache``."""
    varying = iter(shape)
    fragments = [f if isinstance(f, bytes) else next(varying) for f, _, _ in cells]
    cache[shape] = template = resolve(b'<row r="%s"%s>' + b"".join(fragments) + b"</row>")
    return template


def _row_heights(columns: Sequence[Sequence[Any]], specs: Sequence[Column], count: int) -> list[bytes] | None:
    """The height attribute of each of ``count`` rows given as their ``columns`` of values: empty
    for a row whose wrapped columns hold single lines; None when every row is such a row. Each
    distinct text of a column is measured once."""
    lines: list[int] | None = None
    for column, spec in enumerate(specs[: len(columns)]):
        counts = _lines(columns[column], spec.width) if spec.wrap else None
        if counts is not None:
            lines = counts if lines is None else list(map(max, lines, counts))
    return None if lines is None else list(map(_height_attribute, lines))


def _lines(values: Sequence[Any], width: int) -> list[int] | None:
    """The lines each value takes in a wrapped column ``width`` wide (one for what is not text);
    None when every value takes one."""
    try:
        measured = {v: n for v in set(values) if isinstance(v, str) and (n := text_lines(v, width)) > 1}
    except TypeError:  # unhashable: one by one
        counts = [text_lines(v, width) if isinstance(v, str) else 1 for v in values]
        return counts if max(counts, default=1) > 1 else None
    return list(map(measured.get, values, itertools.repeat(1))) if measured else None


@functools.cache
def _height_attribute(lines: int) -> bytes:
    """The attributes of a row of ``lines`` lines: a height for more than one, else nothing."""
    return b' ht="%s" customHeight="1"' % f"{row_height(lines):g}".encode() if lines > 1 else b""


def _spec(specs: Sequence[Column], column: int) -> Column:
    return specs[column] if column < len(specs) else PLAIN


def _fragment(column: int, style: bytes, kind: str, content: bytes) -> bytes:
    """A cell's part of a row template: ``%s`` takes the row number, ``content`` the payload."""
    return (
        b'<c r="%s%%s"%s t="%s">' % (get_column_letter(column + 1).encode(), style, kind.encode()) + content + b"</c>"
    )


def _distinct(values: tuple[Any, ...]) -> list[Any] | None:
    """The distinct values of a column, in order, when equal values are sure to be written alike;
    else None. Keys that are equal but written differently: numbers of different types (1, 1.0,
    True), 0.0 and -0.0, values of mixed types; a column of texts only needs no type check."""
    try:
        distinct = list(dict.fromkeys(values))
    except TypeError:  # unhashable
        return None
    kinds = set(map(type, distinct)) - {type(None)}
    if kinds == {str} or not kinds:
        return distinct
    if len(kinds) > 1 or kinds - _DISTINCT_KINDS or set(map(type, values)) - {type(None)} != kinds:
        return None
    if float in kinds and 0.0 in distinct and len({math.copysign(1.0, v) for v in values if v == 0.0}) > 1:
        return None
    return distinct


def _looked_up(distinct: list[Any], codes: Sequence[Any], values: tuple[Any, ...]) -> list[Any]:
    """The code of each value, from the codes of the distinct values."""
    return list(map(dict(zip(distinct, codes, strict=True)).__getitem__, values))


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
