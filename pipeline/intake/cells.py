"""Cell parsing: one raw cell value + its field's declared type -> a typed value and problems.

Readers hand over what the file holds: str, float, int, bool, date or datetime. People type
numbers as text ("1.500.000", "340.016,6"), dates as text ("25/11/2026") and choices in another
case or Unicode form; what can be read without guessing is read, anything else is a problem with
a code of the findings catalogue and the parameters of its message ("1,500", which is 1500 in
English writing and 1,5 in Vietnamese, is ``ambiguous-number``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..config import DATE_MAX, DATE_MIN, Field
from ..core import vnformat
from ..core.textnorm import clean, fold

EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Numbers typed as text. Vietnamese writing groups thousands with "." (or a space) and puts ","
# before the decimals: 1.500.000; 340.016,6. English writing swaps the two. A text is read when
# only one reading makes sense, tried in this order (a leading group never starts with 0):
_VIETNAMESE_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?P<sep>[. ])\d{3}((?P=sep)\d{3})*(,\d+)?")  # "1.500" too
_ENGLISH_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3}){2,}(\.\d+)?|[+-]?[1-9]\d{0,2}(,\d{3})+\.\d+")
# One comma before exactly three digits: English thousands (1,500 = 1500) or a Vietnamese decimal
# (1,500 = 1,5). Refused, saying both readings.
_AMBIGUOUS_COMMA = re.compile(r"(?P<whole>[+-]?[1-9]\d{0,2}),(?P<fraction>\d{3})")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")  # 1500000; 12,5; 12.5; 0,500
_TEXT_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")

Problem = tuple[str, dict[str, Any]]


class CellError(str):
    """An Excel error value (``#DIV/0!``, ``#N/A``...) stored in a cell, as the reader found it."""

    __slots__ = ()


class FormulaWithoutValue(str):
    """A formula (its text, ``=SUM(...)``) whose result the file does not carry."""

    __slots__ = ()


@dataclass(frozen=True)
class Place:
    sheet: str
    row: int
    column: int

    @property
    def cell(self) -> str:
        return address(self.row, self.column)


@dataclass
class Parsed:
    value: Any
    problems: list[Problem] = field(default_factory=list)


def address(row: int, column: int) -> str:
    """A1-style address of 1-based ``row`` and ``column``."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not clean(value))


def as_text(value: Any) -> str:
    """A cell as clean NFC text; whole floats lose their ``.0`` (codes, years typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value))


def _shown(value: Any) -> str:
    return as_text(value) if not isinstance(value, float) else vnformat.number(value, 4)


def _error_value(value: Any) -> Parsed | None:
    if isinstance(value, CellError) or (isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS):
        return Parsed(None, [("error-value", {"value": value.strip()})])
    return None


class _Slow:
    """The type of :data:`SLOW`."""


SLOW: Any = _Slow()


def quick(value: Any, spec: Field) -> Any:
    """What ``PARSERS[spec.type](value, spec)`` gives for the most common cells, a number in bounds
    or a text allowed as it is, without building a :class:`Parsed`; :data:`SLOW` for any other cell.

    A text must already be clean (``clean(value) == value``): the caller checks that."""
    kind = value.__class__
    if kind is float or kind is int:
        return quick_number(value, spec)
    if kind is str and value:
        if spec.type == "text" and (spec.max_length is None or len(value) <= spec.max_length):
            return value
        if spec.type == "choice" and value in spec.choices:
            return value
    return SLOW


def quick_number(value: float, spec: Field) -> Any:
    """:func:`parse_number` / :func:`parse_integer` of a number read as one (a float or an int,
    never a bool), when in bounds; else :data:`SLOW`."""
    number = float(value)
    if (spec.type == "integer" and not number.is_integer()) or spec.type not in ("number", "integer"):
        return SLOW
    if (spec.min is None or number >= spec.min) and (spec.max is None or number <= spec.max):
        return number if spec.type == "number" else int(number)
    return SLOW


def parse_text(value: Any, spec: Field) -> Parsed:
    if isinstance(value, CellError):
        return Parsed(None, [("error-value", {"value": str(value)})])
    text = as_text(value)
    if spec.max_length is not None and len(text) > spec.max_length:
        return Parsed(text, [("too-long", {"length": len(text), "max_length": spec.max_length})])
    return Parsed(text)


def _number_from_text(text: str) -> float | None:
    """``1.500.000``, ``1 500 000``, ``1.500``, ``340.016,6``, ``12,5``, ``12.5``, ``1,500,000``,
    ``1,500.5`` -> numbers; anything else, and the ambiguous ``1,500`` -> None."""
    text = text.replace("\u00a0", " ").strip()
    if _VIETNAMESE_GROUPED.fullmatch(text):
        return float(re.sub(r"[. ]", "", text).replace(",", "."))
    if _ENGLISH_GROUPED.fullmatch(text):
        return float(text.replace(",", ""))
    if _PLAIN_NUMBER.fullmatch(text) and not _AMBIGUOUS_COMMA.fullmatch(text):
        return float(text.replace(",", "."))
    return None


def _ambiguous_number(value: Any) -> Parsed | None:
    """``ambiguous-number`` for a text such as ``1,500``, with its two readings and how to write each."""
    match = _AMBIGUOUS_COMMA.fullmatch(value.replace("\u00a0", " ").strip()) if isinstance(value, str) else None
    if match is None:
        return None
    whole, fraction = match["whole"], match["fraction"].rstrip("0")
    params = {
        "value": as_text(value),
        "thousands": whole + match["fraction"],
        "grouped": f"{whole}.{match['fraction']}",
        "decimal": f"{whole} phẩy {fraction}" if fraction else whole,
        # Fewer than three decimals, or four, is no longer ambiguous.
        "decimal_written": f"{whole},{fraction if len(fraction) < 3 else fraction + '0'}" if fraction else whole,
    }
    return Parsed(None, [("ambiguous-number", params)])


def _to_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return _number_from_text(value)
    return None


def _bounds_problem(number: float, spec: Field) -> list[Problem]:
    low, high = spec.min, spec.max
    if (low is None or number >= low) and (high is None or number <= high):
        return []

    def show(x: float) -> str:
        return str(int(x)) if spec.is_year else vnformat.number(x, 4)

    if spec.criterion and high is not None and number > high:
        return [("score-over-max", {"value": show(number), "maximum": show(high), "criterion": spec.criterion})]
    if low is not None and high is not None:
        bounds = f"từ {show(low)} đến {show(high)}"
    elif low is not None:
        bounds = f"không nhỏ hơn {show(low)}"
    else:
        bounds = f"không lớn hơn {show(high or 0)}"
    return [("out-of-range", {"bounds": bounds, "value": show(number)})]


def _wrong_type(value: Any, expected: str, hint: str) -> Parsed:
    return Parsed(None, [("wrong-type", {"expected": expected, "value": _shown(value), "hint": hint})])


def parse_number(value: Any, spec: Field) -> Parsed:
    number = _to_number(value)
    if number is None:
        return (
            _error_value(value)
            or _ambiguous_number(value)
            or _wrong_type(value, "một số", "Chỉ ghi chữ số, ví dụ 1500000 hoặc 12,5; không ghi chữ như “1,5 triệu”.")
        )
    return Parsed(number, _bounds_problem(number, spec))


def parse_integer(value: Any, spec: Field) -> Parsed:
    number = _to_number(value)
    if number is None or not number.is_integer():
        return (
            _error_value(value)
            or _ambiguous_number(value)
            or _wrong_type(value, "một số nguyên", "Chỉ ghi chữ số, không có phần lẻ, ví dụ 1500000; không ghi chữ.")
        )
    return Parsed(int(number), _bounds_problem(number, spec))


def _to_date(value: Any) -> dt.date | None:
    """A date from a date cell, an Excel serial number or text typed as dd/mm/yyyy."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    match = _TEXT_DATE.fullmatch(as_text(value))
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None


def parse_date(value: Any, spec: Field) -> Parsed:
    day = _to_date(value)
    if day is None:
        return _error_value(value) or _wrong_type(
            value, "một ngày", "Ghi ngày theo dạng ngày/tháng/năm, ví dụ 20/11/2026."
        )
    if not DATE_MIN <= day <= DATE_MAX:
        bounds = f"từ {vnformat.short_date(DATE_MIN)} đến {vnformat.short_date(DATE_MAX)}"
        return Parsed(day, [("out-of-range", {"bounds": bounds, "value": vnformat.short_date(day)})])
    return Parsed(day)


def parse_choice(value: Any, spec: Field) -> Parsed:
    text = as_text(value)
    if text in spec.choices:
        return Parsed(text)
    folded = {fold(choice): choice for choice in spec.choices}
    choice = folded.get(fold(text))
    if choice is not None:
        return Parsed(choice, [("choice-normalised", {"value": text, "choice": choice})])
    return _error_value(value) or Parsed(None, [("not-in-list", {"choices": "; ".join(spec.choices), "value": text})])


_TRUE = {"có", "x", "true", "đúng", "1"}
_FALSE = {"không", "false", "sai", "0"}


def parse_boolean(value: Any, spec: Field) -> Parsed:
    if isinstance(value, bool):
        return Parsed(value)
    key = fold(as_text(value))
    if key in _TRUE or key in _FALSE:
        return Parsed(key in _TRUE)
    return _error_value(value) or _wrong_type(value, "“Có” hoặc “Không”", "Ghi “Có” hoặc “Không”.")


PARSERS: dict[str, Callable[[Any, Field], Parsed]] = {
    "text": parse_text,
    "integer": parse_integer,
    "number": parse_number,
    "date": parse_date,
    "choice": parse_choice,
    "boolean": parse_boolean,
}
