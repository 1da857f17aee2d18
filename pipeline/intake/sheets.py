"""Reading the sheets of a returned workbook by the schema, the way people leave them.

Sheets are found by title, or by their content when renamed; columns by header text (tolerant to
case, spacing, Unicode form and tone placement; a header retyped without diacritics is still
understood, with a warning). Blank spacer rows are skipped; a range merged down one column is
filled into each row (warning), a range merged across columns is refused (error). Every text is
cleaned to NFC (recorded), legacy TCVN3/VNI text is converted (warning), and each cell is parsed
by its field's type (pipeline/intake/cells.py).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..config import Field, Sheet
from ..core import layout
from ..core.findings import Finding, finding
from ..core.textnorm import INVISIBLE, NOT_TEXT, clean, fold, is_clean
from . import cells
from .encodings import repair, surely_unicode
from .receive import RawSheet, RawWorkbook

SERVICE_SHEETS = (layout.META_SHEET, layout.LISTS_SHEET, layout.INSTRUCTIONS_SHEET)
# A renamed sheet is recognised by its content when at least this share of its labels is found.
RENAMED_SHEET_MATCH = 0.6


@dataclass
class Collector:
    """Findings of one file as they are found."""

    file: str
    items: list[Finding] = field(default_factory=list)

    def add(self, code: str, sheet: str = "", cell: str = "", **params: Any) -> None:
        self.items.append(finding(code, file=self.file, sheet=sheet, cell=cell, **params))


@dataclass(frozen=True)
class Record:
    """One data row of a table sheet: its Excel row, the parsed values and each value's cell."""

    row: int
    values: Mapping[str, Any]
    cells: Mapping[str, str] = field(default_factory=dict)


class RowCells(Mapping[str, str]):
    """The cell (A1 style) of each field of one table row, worked out when asked for: the row's
    number and the sheet's column letters by field, one mapping shared by every row of the sheet.

    A dict of each row's addresses was half the memory a kept submission takes and a fifth of its
    pickled size, for the few cells a finding ever names."""

    __slots__ = ("letters", "row")

    def __init__(self, row: int, letters: Mapping[str, str]) -> None:
        self.row = row
        self.letters = letters

    def __getitem__(self, key: str) -> str:
        return self.letters[key] + str(self.row)

    def __iter__(self) -> Iterator[str]:
        return iter(self.letters)

    def __len__(self) -> int:
        return len(self.letters)

    def __reduce__(self) -> tuple[type[RowCells], tuple[int, Mapping[str, str]]]:
        return RowCells, (self.row, self.letters)

    def __repr__(self) -> str:
        return f"RowCells({dict(self)!r})"


# --------------------------------------------------------------------------- finding sheets


def locate_sheets(workbook: RawWorkbook, schema: tuple[Sheet, ...], out: Collector) -> dict[str, RawSheet]:
    """The workbook's sheet for each schema sheet key; missing ones are reported."""
    found: dict[str, RawSheet] = {}
    for sheet in schema:
        raw = workbook.sheet(sheet.title) or next(
            (s for s in workbook.sheets if fold(s.name) == fold(sheet.title)), None
        )
        if raw is not None:
            found[sheet.key] = raw
    for sheet in schema:
        if sheet.key not in found:
            raw = _by_content(workbook, sheet, {s.name for s in found.values()})
            if raw is None:
                out.add("missing-sheet", sheet=sheet.title)
            else:
                found[sheet.key] = raw
                out.add("sheet-renamed", sheet=sheet.title, found=raw.name)
    return found


def _by_content(workbook: RawWorkbook, sheet: Sheet, taken: set[str]) -> RawSheet | None:
    """The untaken sheet whose labels best match ``sheet``'s, if the match is convincing."""
    candidates = [s for s in workbook.sheets if s.name not in taken and s.name not in SERVICE_SHEETS]
    scored = [(_content_score(raw, sheet), raw.name, raw) for raw in candidates]
    best = max(scored, default=None, key=lambda item: (item[0], item[1]))
    if best is None or best[0] < RENAMED_SHEET_MATCH * len(sheet.fields):
        return None
    return best[2]


def _content_score(raw: RawSheet, sheet: Sheet) -> int:
    if sheet.kind == "form":
        labels = {_label(raw.cell(r, layout.FORM_LABEL_COLUMN))[1] for r in range(1, len(raw.rows) + 1)}
        return sum(1 for spec in sheet.fields if fold(spec.label) in labels)
    return len(locate_columns(raw, sheet).columns)


# --------------------------------------------------------------------------- headers


@dataclass(frozen=True)
class Columns:
    header_row: int
    columns: Mapping[str, int]
    retyped: tuple[tuple[str, int, str], ...]  # (field key, column, header text as found)


@functools.lru_cache(maxsize=65536)
def loose(text: str) -> str:
    """A header key with diacritics, punctuation and spacing gone: "Tên mô hình" -> "tenmohinh"."""
    decomposed = unicodedata.normalize("NFD", fold(text).replace("đ", "d"))
    return re.sub(r"[^a-z0-9]", "", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@functools.lru_cache(maxsize=65536, typed=True)
def _label(value: Any) -> tuple[str, str]:
    """A cell that may hold a label, as text (``cells.as_text``) and folded: the same titles and
    headers recur in every file, so each is cleaned once per process, not once per cell read.
    Typed: ``1``, ``1.0`` and ``True`` are equal keys with different texts."""
    text = cells.as_text(value)
    return text, fold(text)


def locate_columns(raw: RawSheet, sheet: Sheet) -> Columns:
    """The header row (the one matching most labels) and the column of each field found in it."""
    best = Columns(layout.HEADER_ROW, {}, ())
    labels = _Labels(
        {fold(spec.label): spec.key for spec in sheet.fields}, {loose(spec.label): spec.key for spec in sheet.fields}
    )
    for row in range(1, min(len(raw.rows), layout.HEADER_SEARCH_ROWS) + 1):
        candidate = _match_header_row(raw.rows[row - 1], row, labels)
        if len(candidate.columns) > len(best.columns):
            best = candidate
        if len(best.columns) == len(sheet.fields):
            break  # no later row can match more (the data rows' texts need not be folded)
    return best


class _Labels(NamedTuple):
    """A sheet's field keys by folded label and by loose label (made once per sheet, not per row)."""

    exact: Mapping[str, str]
    relaxed: Mapping[str, str]


def _match_header_row(values: tuple[Any, ...], row: int, labels: _Labels) -> Columns:
    exact, relaxed = labels
    columns: dict[str, int] = {}
    pending: list[tuple[int, str]] = []
    for column, value in enumerate(values, start=1):
        text, folded = _label(value)
        key = exact.get(folded)
        if key is not None and key not in columns:
            columns[key] = column
        elif text:
            pending.append((column, text))
    retyped = []
    for column, text in pending:
        key = relaxed.get(loose(text))
        if key is not None and key not in columns:
            columns[key] = column
            retyped.append((key, column, text))
    return Columns(row, columns, tuple(retyped))


# --------------------------------------------------------------------------- forms


def read_form(raw: RawSheet, sheet: Sheet, out: Collector) -> dict[str, Any]:
    """Answers of a form sheet, found by their label in the label column (retyped labels: warning)."""
    found = {r: _label(raw.cell(r, layout.FORM_LABEL_COLUMN)) for r in range(len(raw.rows), 0, -1)}
    labels = {r: text for r, (text, _) in found.items()}
    exact = {folded: r for r, (_, folded) in found.items()}
    relaxed = {loose(text): r for r, text in labels.items() if text}
    answers: dict[str, Any] = {}
    where: dict[str, str] = {}
    for spec in sheet.fields:
        row = exact.get(fold(spec.label))
        if row is None and (row := relaxed.get(loose(spec.label))) is not None:
            cell = cells.address(row, layout.FORM_LABEL_COLUMN)
            out.add("header-renamed", sheet=sheet.title, cell=cell, found=labels[row], label=spec.label)
        if row is None:
            out.add("header-changed", sheet=sheet.title, label=spec.label)
            continue
        cell = where[spec.key] = cells.address(row, layout.FORM_VALUE_COLUMN)
        font = raw.legacy_fonts.get((row, layout.FORM_VALUE_COLUMN))
        answers[spec.key] = parse_cell(raw.cell(row, layout.FORM_VALUE_COLUMN), spec, sheet.title, cell, out, font)
    _required_if(sheet, answers, where, out)
    return answers


def _required_if(sheet: Sheet, answers: Mapping[str, Any], where: Mapping[str, str], out: Collector) -> None:
    """A field required when its yes/no condition is answered "Có" (``required_if``), left blank."""
    for spec in sheet.fields:
        condition_met = spec.required_if and answers.get(spec.required_if) is True
        if condition_met and spec.key in where and answers.get(spec.key) is None:
            out.add("missing-value", sheet=sheet.title, cell=where[spec.key], label=spec.label)


def form_cell(sheet: Sheet, key: str) -> str:
    """Where the template puts the answer of ``key`` on a form sheet."""
    row = layout.FIRST_DATA_ROW + [f.key for f in sheet.fields].index(key)
    return cells.address(row, layout.FORM_VALUE_COLUMN)


# --------------------------------------------------------------------------- tables


def read_table(raw: RawSheet, sheet: Sheet, out: Collector) -> tuple[Record, ...]:
    """Data rows of a table sheet; columns found by header text, empty rows skipped."""
    located = locate_columns(raw, sheet)
    for key, column, text in located.retyped:
        cell = cells.address(located.header_row, column)
        out.add("header-renamed", sheet=sheet.title, cell=cell, found=text, label=sheet.field(key).label)
    missing = [spec for spec in sheet.fields if spec.key not in located.columns]
    for spec in missing:
        out.add("header-changed", sheet=sheet.title, label=spec.label)
    if missing:
        return ()
    grid, filled = _unmerged(raw, located.header_row, sheet.title, out)
    plan = _plan(sheet, located)
    rows = range(located.header_row + 1, len(grid) + 1)
    return tuple(record for row in rows if (record := _record(grid[row - 1], filled, raw, row, plan, out)))


class _Column(NamedTuple):
    """How one field of a table sheet is read: its column (1-based, letters), key and spec, and
    :func:`_quick` for this field (:func:`quick_reader`)."""

    column: int
    letters: str
    key: str
    spec: Field
    quick: Callable[[Any], Any]


@dataclass(frozen=True)
class _Plan:
    """A table sheet's fields in schema order with their located columns: worked out once per
    sheet, not once per cell (the schema lookups and column letters are the same on every row).

    ``letters`` is every row's :class:`RowCells` mapping; ``texts`` keeps one object of each text
    value read from the sheet, so that a choice or a phrase repeated down a column is held (and
    pickled back from a reading worker) once, not once per row."""

    title: str
    columns: tuple[_Column, ...]
    letters: Mapping[str, str]
    texts: dict[str, str] = field(default_factory=dict)


def _plan(sheet: Sheet, located: Columns) -> _Plan:
    columns = tuple(
        _Column(
            located.columns[spec.key],
            cells.address(1, located.columns[spec.key])[:-1],
            spec.key,
            spec,
            quick_reader(spec),
        )
        for spec in sheet.fields
    )
    return _Plan(sheet.title, columns, {c.key: c.letters for c in columns})


def _record(
    line: list[Any], filled: set[tuple[int, int]], raw: RawSheet, row: int, plan: _Plan, out: Collector
) -> Record | None:
    width = len(line)
    values = [line[c.column - 1] if c.column <= width else "" for c in plan.columns]
    typed = (
        values
        if not filled
        else [v for v, c in zip(values, plan.columns, strict=True) if (row, c.column) not in filled]
    )
    if all(cells.is_blank(v) for v in typed):
        return None  # a blank spacer row (a merged value reaching into it does not make it a row)
    parsed: dict[str, Any] = {}
    slow = cells.SLOW
    texts = plan.texts
    for value, (column, letters, key, spec, quick) in zip(values, plan.columns, strict=True):
        result = quick(value)
        if result is slow:
            font = raw.legacy_fonts.get((row, column)) if raw.legacy_fonts else None
            result = _parse_cell(value, spec, plan.title, letters + str(row), out, font)
        if result.__class__ is str:
            result = texts.setdefault(result, result)
        parsed[key] = result
    return Record(row, parsed, RowCells(row, plan.letters))


def _unmerged(
    raw: RawSheet, header_row: int, title: str, out: Collector
) -> tuple[list[list[Any]], set[tuple[int, int]]]:
    """The sheet's rows with ranges merged down one column filled into each row, and the cells filled.

    Ranges that start in or above the header row are left alone: a header merged into the first
    data row says nothing about the data.
    """
    grid = [list(row) for row in raw.rows]
    filled: set[tuple[int, int]] = set()
    for first_row, first_col, last_row, last_col in raw.merged:
        if first_row <= header_row or (first_row == last_row and first_col == last_col):
            continue
        span = f"{cells.address(first_row, first_col)}:{cells.address(last_row, last_col)}"
        if first_col != last_col:
            out.add("merged-cells", sheet=title, cell=cells.address(first_row, first_col), range=span)
            continue
        value = raw.cell(first_row, first_col)
        for row in range(first_row + 1, last_row + 1):
            while len(grid) < row:
                grid.append([])
            grid[row - 1].extend([""] * (first_col - len(grid[row - 1])))
            grid[row - 1][first_col - 1] = value
            filled.add((row, first_col))
        out.add(
            "merged-cells-filled",
            sheet=title,
            cell=cells.address(first_row, first_col),
            range=span,
            value=cells.as_text(value),
        )
    return grid, filled


# --------------------------------------------------------------------------- cells


def parse_cell(value: Any, spec: Field, title: str, cell: str, out: Collector, font: str | None = None) -> Any:
    """One cell's value (on sheet ``title``, at ``cell``) by its field's type, with findings for
    what is wrong with it."""
    result = _quick(value, spec)
    return _parse_cell(value, spec, title, cell, out, font) if result is cells.SLOW else result


def _quick(value: Any, spec: Field) -> Any:
    """The value of a cell that needs no cleaning, no repair and raises no finding (most cells):
    a number, or a text that cleaning and legacy repair would leave as it is; else cells.SLOW."""
    kind = value.__class__
    if kind is str:
        if not value:
            return None if not spec.required else cells.SLOW  # blank, no finding unless required
        if not (is_clean(value) and surely_unicode(value)):
            return cells.SLOW
    elif kind is not float and kind is not int:
        return cells.SLOW
    return cells.quick(value, spec)


def quick_reader(spec: Field) -> Callable[[Any], Any]:
    """``lambda value: _quick(value, spec)``, with the common cells of the field's type taken
    first, without the chain of type tests and calls every cell went through: a choice is looked
    up among the choices that need no cleaning (and given as the configured string, one object
    for every row and file), a number is compared with the field's bounds, a text checked once."""
    if spec.type == "choice":
        return _choice_reader(spec)
    if spec.type in ("number", "integer"):
        return _number_reader(spec)
    if spec.type == "text":
        return _text_reader(spec)
    return functools.partial(_quick, spec=spec)


def _choice_reader(spec: Field) -> Callable[[Any], Any]:
    plain = {choice: choice for choice in spec.choices if is_clean(choice) and surely_unicode(choice)}
    slow = cells.SLOW

    def read(value: Any) -> Any:
        if value.__class__ is str and value:
            return plain.get(value, slow)
        return _quick(value, spec)

    return read


def _number_reader(spec: Field) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        kind = value.__class__
        if kind is float or kind is int:
            return cells.quick_number(value, spec)
        return _quick(value, spec)

    return read


def _text_reader(spec: Field) -> Callable[[Any], Any]:
    limit = spec.max_length
    slow = cells.SLOW

    def read(value: Any) -> Any:
        if value.__class__ is str and value and is_clean(value) and surely_unicode(value):
            return value if limit is None or len(value) <= limit else slow
        return _quick(value, spec)

    return read


def _blank(spec: Field, title: str, cell: str, out: Collector) -> None:
    if spec.required:
        out.add("missing-value", sheet=title, cell=cell, label=spec.label)


def _parse_cell(value: Any, spec: Field, title: str, cell: str, out: Collector, font: str | None) -> Any:
    """:func:`parse_cell` for any value, all the way through cleaning and the field's parser."""
    if isinstance(value, str):
        if isinstance(value, cells.FormulaWithoutValue):
            out.add("formula-without-value", sheet=title, cell=cell, label=spec.label)
            return None
        if not isinstance(value, cells.CellError):
            value = _clean_text(value, title, cell, out, font)
    if cells.is_blank(value):
        return _blank(spec, title, cell, out)
    result = cells.PARSERS[spec.type](value, spec)
    for code, params in result.problems:
        out.add(code, sheet=title, cell=cell, label=spec.label, **params)
    return result.value


def _clean_text(text: str, title: str, cell: str, out: Collector, font: str | None) -> str:
    """Legacy encodings converted (by the cell's font, else by its characters), NFC, invisible
    characters and those no workbook or report can hold gone; each repair recorded."""
    if not text.isascii():  # ASCII is neither legacy-encoded nor out of NFC
        text = _not_text_removed(text, title, cell, out)
        text = _repaired(text, title, cell, out, font)
    if INVISIBLE.search(text):
        out.add("invisible-characters", sheet=title, cell=cell)
    return clean(text)


def _not_text_removed(text: str, title: str, cell: str, out: Collector) -> str:
    """``text`` without lone surrogates and the noncharacters U+FFFE, U+FFFF (``text-character-removed``,
    naming them): left in, they break the reports and the workbooks written from the cell."""
    found = NOT_TEXT.findall(text)
    if not found:
        return text
    names = ", ".join(f"U+{ord(char):04X}" for char in dict.fromkeys(found))
    out.add("text-character-removed", sheet=title, cell=cell, count=len(found), characters=names)
    return NOT_TEXT.sub("", text)


def _repaired(text: str, title: str, cell: str, out: Collector, font: str | None) -> str:
    """``text`` converted from a legacy encoding (``legacy-encoding``) or noted as not NFC."""
    converted, encoding = repair(text, font)
    if encoding:
        out.add("legacy-encoding", sheet=title, cell=cell, encoding=encoding.upper(), converted=converted)
        return converted
    if not unicodedata.is_normalized("NFC", text):
        out.add("not-nfc", sheet=title, cell=cell)
    return text
