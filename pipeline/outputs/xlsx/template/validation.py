"""What Excel checks in a template's input cells, and what the unit reads about each field.

Contract:

* :func:`validation_of` is the data validation of a field's input cells (the caller adds the
  cells): a drop-down over the field's choice list (:func:`list_ranges` gives each list's range on
  the hidden ``_lists`` sheet), Có/Không, a number within the field's bounds, a real date, a text
  length limit; None for free text without a limit. Titles and messages are cut to what Excel
  accepts.
* :func:`describe` says in a few Vietnamese words what a cell of the field accepts; it is the
  validation's prompt when the field has no help, and the form's note; :data:`REQUIRED_NOTE` is
  the mark of a required field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation

from ....config import DATE_MAX, DATE_MIN, Field
from ....core import layout, vnformat
from .looks import nfc

BOOLEAN_CHOICES = ("Có", "Không")
REQUIRED_NOTE = "Bắt buộc"
_ERROR_TITLE = "Giá trị không hợp lệ"
# Excel refuses (or "repairs") validation titles over 32 characters and messages over 255.
_TITLE_LIMIT = 32
_MESSAGE_LIMIT = 255


def list_ranges(lists: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Each choice list's absolute range on the ``_lists`` sheet, as a validation formula."""
    ranges = {}
    for column, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(column)
        ranges[key] = f"'{layout.LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


@dataclass(frozen=True)
class _Rule:
    """What Excel checks in a cell: an openpyxl validation type, operator and formulas."""

    type: str
    formula1: str
    formula2: str | None = None
    operator: str | None = None
    prompt_title: str = ""
    error: str = ""


def validation_of(field: Field, ranges: Mapping[str, str]) -> DataValidation | None:
    """The data validation of a field's input cells (cells still to be added), if any."""
    rule = _RULES[field.type](field, ranges)
    if rule is None:
        return None
    prompt = field.help or describe(field)
    return DataValidation(
        type=rule.type,
        operator=rule.operator,
        formula1=rule.formula1,
        formula2=rule.formula2,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=bool(prompt),
        errorStyle="stop",
        errorTitle=_ERROR_TITLE,
        error=nfc(rule.error[:_MESSAGE_LIMIT]),
        promptTitle=nfc(rule.prompt_title[:_TITLE_LIMIT]),
        prompt=nfc(prompt[:_MESSAGE_LIMIT]),
    )


def _choice_rule(field: Field, ranges: Mapping[str, str]) -> _Rule:
    """A drop-down over the field's list on ``_lists`` (labels may contain commas)."""
    return _Rule(
        "list",
        ranges[field.choice_list],
        prompt_title="Chọn từ danh sách",
        error="Hãy chọn một giá trị trong danh sách.",
    )


def _boolean_rule(field: Field, ranges: Mapping[str, str]) -> _Rule:
    """A Có/Không drop-down; an inline list is safe here since neither word has a comma."""
    return _Rule(
        "list",
        '"' + ",".join(BOOLEAN_CHOICES) + '"',
        prompt_title="Chọn Có hoặc Không",
        error="Hãy chọn Có hoặc Không.",
    )


def _integer_rule(field: Field, ranges: Mapping[str, str]) -> _Rule:
    """A whole number within the field's bounds."""
    return _bounded_rule(field, "whole", "Nhập số nguyên")


def _number_rule(field: Field, ranges: Mapping[str, str]) -> _Rule:
    """A number within the field's bounds."""
    return _bounded_rule(field, "decimal", "Nhập số")


def _bounded_rule(field: Field, kind: str, title: str) -> _Rule:
    """Between, at least or at most, whichever bounds the field has; any number if none."""
    low, high = field.min, field.max
    if low is not None and high is not None:
        operator, first, second = "between", _formula_number(low), _formula_number(high)
    elif low is not None:
        operator, first, second = "greaterThanOrEqual", _formula_number(low), None
    elif high is not None:
        operator, first, second = "lessThanOrEqual", _formula_number(high), None
    else:
        # No bounds: the rule only refuses text, so take the widest range Excel stores exactly.
        operator, first, second = "between", "-999999999999999", "999999999999999"
    error = f"{describe(field)}. Chỉ ghi chữ số, không ghi chữ."
    return _Rule(kind, first, second, operator, title, error)


def _date_rule(field: Field, ranges: Mapping[str, str]) -> _Rule:
    """A real date (not text that looks like one) in a sensible range."""
    return _Rule(
        "date",
        _formula_number(to_excel(DATE_MIN)),
        _formula_number(to_excel(DATE_MAX)),
        "between",
        "Nhập ngày",
        "Hãy nhập một ngày có thật theo dạng ngày/tháng/năm (dd/mm/yyyy).",
    )


def _text_rule(field: Field, ranges: Mapping[str, str]) -> _Rule | None:
    """A length limit when the field has one; free text otherwise."""
    if field.max_length is None:
        return None
    return _Rule(
        "textLength",
        str(field.max_length),
        operator="lessThanOrEqual",
        prompt_title="Nhập nội dung",
        error=f"Nội dung dài quá {field.max_length} ký tự. Hãy viết ngắn gọn lại.",
    )


_RULES: dict[str, Callable[[Field, Mapping[str, str]], _Rule | None]] = {
    "choice": _choice_rule,
    "boolean": _boolean_rule,
    "integer": _integer_rule,
    "number": _number_rule,
    "date": _date_rule,
    "text": _text_rule,
}


def describe(field: Field) -> str:
    """What a cell of this field accepts, in a few Vietnamese words."""
    if field.type == "choice":
        return "Chọn một giá trị trong danh sách: " + "; ".join(field.choices)
    if field.type == "boolean":
        return "Chọn Có hoặc Không"
    if field.type == "date":
        return "Ngày theo dạng ngày/tháng/năm (dd/mm/yyyy)"
    if field.type in ("integer", "number"):
        return _describe_number(field)
    return f"Tối đa {field.max_length} ký tự" if field.max_length else ""


def _describe_number(field: Field) -> str:
    """ "Số nguyên từ 0 đến 10.000" and the like."""
    noun = "Số nguyên" if field.type == "integer" else "Số"
    low, high = (None if v is None else _shown(v, field) for v in (field.min, field.max))
    if low is not None and high is not None:
        return f"{noun} từ {low} đến {high}"
    if low is not None:
        return f"{noun} không nhỏ hơn {low}"
    if high is not None:
        return f"{noun} không lớn hơn {high}"
    return noun


def _shown(value: float, field: Field) -> str:
    """A bound as the user reads it: 10.000 or 12,5, but a year as 2026."""
    return str(int(value)) if field.is_year else vnformat.number(value, decimals=2)


def _formula_number(value: float) -> str:
    """A bound as a validation formula: no exponent, no trailing ".0"."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
