"""Cell parsing, text normalisation and Vietnamese formats: one raw value in, a typed value and problems out."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pytest

from pipeline.config import FIELD_TYPES, Field
from pipeline.core import vnformat
from pipeline.core.findings import CATALOGUE
from pipeline.core.textnorm import clean, fold
from pipeline.intake import cells

FIELDS = ("Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh", "Xây dựng hệ thống chính trị")

INTEGER = Field("people", "Số người", "integer")
NUMBER = Field("days", "Ngày công", "number")
DATE = Field("report_date", "Ngày lập báo cáo", "date")
CHOICE = Field("field", "Lĩnh vực", "choice", choices=FIELDS, choice_list="fields")
TEXT = Field("name", "Tên mô hình", "text", max_length=10)
BOOLEAN = Field("done", "Hoàn thành", "boolean")
SCORE = Field("score", "Điểm", "number", min=0, max=10)
AT_LEAST_ZERO = Field("budget", "Kinh phí", "integer", min=0)
AT_MOST = Field("land", "Đất hiến", "number", max=1000)
MONEY = Field("budget", "Kinh phí", "integer", min=0, max=100_000_000_000)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_there_is_a_parser_for_every_field_type() -> None:
    assert set(cells.PARSERS) == set(FIELD_TYPES)


# Each case: field, raw value, the typed value, and the problems as (code, params that must be there).
CASES = [
    # integers
    pytest.param(INTEGER, 5.0, 5, [], id="int-from-whole-float"),
    pytest.param(INTEGER, 12, 12, [], id="int-from-int"),
    pytest.param(INTEGER, "12", 12, [], id="int-from-text"),
    pytest.param(INTEGER, " 12 ", 12, [], id="int-from-padded-text"),
    pytest.param(INTEGER, "1.500.000", 1_500_000, [], id="int-dot-grouped"),
    pytest.param(INTEGER, "1 500 000", 1_500_000, [], id="int-space-grouped"),
    pytest.param(INTEGER, "1\u00a0500\u00a0000", 1_500_000, [], id="int-nbsp-grouped"),
    pytest.param(INTEGER, "-3", -3, [], id="int-negative"),
    pytest.param(
        INTEGER,
        "1,5 triệu",
        None,
        [("wrong-type", {"expected": "một số nguyên", "value": "1,5 triệu"})],
        id="int-money-in-words",
    ),
    pytest.param(INTEGER, 2.5, None, [("wrong-type", {"value": "2,5"})], id="int-from-fraction"),
    pytest.param(INTEGER, "12,5", None, [("wrong-type", {"value": "12,5"})], id="int-from-decimal-text"),
    pytest.param(INTEGER, True, None, [("wrong-type", {})], id="int-from-bool"),
    pytest.param(INTEGER, "1.500.00", None, [("wrong-type", {})], id="int-bad-grouping"),
    pytest.param(INTEGER, dt.date(2026, 1, 1), None, [("wrong-type", {})], id="int-from-date"),
    # numbers
    pytest.param(NUMBER, "12,5", 12.5, [], id="number-decimal-comma"),
    pytest.param(NUMBER, "12.5", 12.5, [], id="number-decimal-point"),
    pytest.param(NUMBER, 7, 7.0, [], id="number-from-int"),
    pytest.param(NUMBER, "1.500.000", 1_500_000.0, [], id="number-grouped"),
    pytest.param(NUMBER, "nhiều", None, [("wrong-type", {"expected": "một số"})], id="number-from-words"),
    pytest.param(NUMBER, False, None, [("wrong-type", {})], id="number-from-bool"),
    # bounds
    pytest.param(SCORE, 0, 0.0, [], id="bounds-low-edge"),
    pytest.param(SCORE, 10, 10.0, [], id="bounds-high-edge"),
    pytest.param(
        SCORE, 10.5, 10.5, [("out-of-range", {"bounds": "từ 0 đến 10", "value": "10,5"})], id="bounds-above-max"
    ),
    pytest.param(SCORE, -1, -1.0, [("out-of-range", {"bounds": "từ 0 đến 10", "value": "-1"})], id="bounds-below-min"),
    pytest.param(
        AT_LEAST_ZERO, "-5", -5, [("out-of-range", {"bounds": "không nhỏ hơn 0", "value": "-5"})], id="bounds-min-only"
    ),
    pytest.param(
        AT_MOST,
        1500,
        1500.0,
        [("out-of-range", {"bounds": "không lớn hơn 1.000", "value": "1.500"})],
        id="bounds-max-only",
    ),
    pytest.param(
        MONEY,
        "150.000.000.000",
        150_000_000_000,
        [("out-of-range", {"bounds": "từ 0 đến 100.000.000.000", "value": "150.000.000.000"})],
        id="bounds-money",
    ),
    # dates
    pytest.param(DATE, dt.datetime(2026, 11, 25, 9, 30), dt.date(2026, 11, 25), [], id="date-from-datetime"),
    pytest.param(DATE, dt.date(2026, 11, 25), dt.date(2026, 11, 25), [], id="date-from-date"),
    pytest.param(DATE, "25/11/2026", dt.date(2026, 11, 25), [], id="date-slashes"),
    pytest.param(DATE, "25-11-2026", dt.date(2026, 11, 25), [], id="date-dashes"),
    pytest.param(DATE, "25.11.2026", dt.date(2026, 11, 25), [], id="date-dots"),
    pytest.param(DATE, "5/1/2026", dt.date(2026, 1, 5), [], id="date-day-first-single-digits"),
    pytest.param(DATE, 46351.0, dt.date(2026, 11, 25), [], id="date-excel-serial"),
    pytest.param(DATE, 46351, dt.date(2026, 11, 25), [], id="date-excel-serial-int"),
    pytest.param(
        DATE, "31/02/2026", None, [("wrong-type", {"expected": "một ngày", "value": "31/02/2026"})], id="date-31-feb"
    ),
    pytest.param(DATE, "hôm qua", None, [("wrong-type", {})], id="date-from-words"),
    pytest.param(DATE, True, None, [("wrong-type", {})], id="date-from-bool"),
    # choices
    pytest.param(CHOICE, "Kinh tế", "Kinh tế", [], id="choice-exact"),
    pytest.param(
        CHOICE,
        "kinh tế",
        "Kinh tế",
        [("choice-normalised", {"value": "kinh tế", "choice": "Kinh tế"})],
        id="choice-lower-case",
    ),
    pytest.param(
        CHOICE,
        "KINH TẾ",
        "Kinh tế",
        [("choice-normalised", {"value": "KINH TẾ", "choice": "Kinh tế"})],
        id="choice-upper-case",
    ),
    pytest.param(
        CHOICE,
        "Văn hoá - xã hội",
        "Văn hóa - xã hội",
        [("choice-normalised", {"choice": "Văn hóa - xã hội"})],
        id="choice-old-tone-placement",
    ),
    pytest.param(
        CHOICE,
        "QUỐC PHÒNG  -  AN NINH ",
        "Quốc phòng - an ninh",
        [("choice-normalised", {"value": "QUỐC PHÒNG - AN NINH"})],
        id="choice-case-and-spaces",
    ),
    # Differences the user cannot see (spacing, Unicode form) are repaired without a finding.
    pytest.param(CHOICE, "  Kinh   tế ", "Kinh tế", [], id="choice-extra-spaces"),
    pytest.param(CHOICE, _nfd("Văn hóa - xã hội"), "Văn hóa - xã hội", [], id="choice-nfd"),
    pytest.param(
        CHOICE,
        "Kinh tế - xã hội",
        None,
        [("not-in-list", {"choices": "; ".join(FIELDS), "value": "Kinh tế - xã hội"})],
        id="choice-unknown",
    ),
    # text
    pytest.param(TEXT, "  Tổ   tự quản ", "Tổ tự quản", [], id="text-cleaned"),
    pytest.param(TEXT, 12345.0, "12345", [], id="text-from-whole-float"),
    pytest.param(TEXT, "x" * 10, "x" * 10, [], id="text-at-max-length"),
    pytest.param(TEXT, "x" * 11, "x" * 11, [("too-long", {"length": 11, "max_length": 10})], id="text-too-long"),
    pytest.param(TEXT, _nfd("Hòa Hòa Hòa"), "Hòa Hòa Hòa", [("too-long", {"length": 11})], id="text-length-in-nfc"),
    # booleans
    pytest.param(BOOLEAN, "Có", True, [], id="bool-co"),
    pytest.param(BOOLEAN, "KHÔNG", False, [], id="bool-khong"),
    pytest.param(BOOLEAN, "x", True, [], id="bool-x"),
    pytest.param(BOOLEAN, 1.0, True, [], id="bool-one"),
    pytest.param(BOOLEAN, False, False, [], id="bool-native"),
    pytest.param(BOOLEAN, "có lẽ", None, [("wrong-type", {})], id="bool-unknown"),
    # Excel error values
    *(
        pytest.param(spec, raw, None, [("error-value", {"value": raw.strip()})], id=f"error-{spec.type}-{raw.strip()}")
        for spec in (INTEGER, NUMBER, DATE, CHOICE, BOOLEAN)
        for raw in ("#DIV/0!", " #N/A ")
    ),
    pytest.param(INTEGER, "#ref!", None, [("error-value", {"value": "#ref!"})], id="error-lower-case"),
]


@pytest.mark.parametrize(("spec", "raw", "value", "problems"), CASES)
def test_parse(spec: Field, raw: Any, value: Any, problems: list[tuple[str, dict[str, Any]]]) -> None:
    parsed = cells.PARSERS[spec.type](raw, spec)
    assert parsed.value == value
    assert type(parsed.value) is type(value)
    assert [code for code, _ in parsed.problems] == [code for code, _ in problems]
    for (_, got), (_, wanted) in zip(parsed.problems, problems, strict=True):
        assert got | wanted == got, got
    for code, params in parsed.problems:
        message = CATALOGUE[code].message.format(sheet="Mô hình", cell="E7", label=spec.label, **params)
        assert "{" not in message


# Numbers typed as text: every form with one reading is read (Vietnamese writing: "." groups the
# thousands, "," comes before the decimals), a form with two readings is refused, naming both.
NUMBER_FORMS = [
    pytest.param("1500000", 1_500_000.0, "", id="digits"),
    pytest.param("1.500.000", 1_500_000.0, "", id="vn-grouped"),
    pytest.param("1.500", 1_500.0, "", id="vn-one-group"),
    pytest.param("1 500 000", 1_500_000.0, "", id="space-grouped"),
    pytest.param("1\u00a0500,5", 1_500.5, "", id="nbsp-grouped-decimal"),
    pytest.param("340.016,6", 340_016.6, "", id="vn-grouped-decimal"),
    pytest.param("1.500,000", 1_500.0, "", id="vn-grouped-zero-decimals"),
    pytest.param("-2.000,25", -2_000.25, "", id="vn-negative"),
    pytest.param("1,5", 1.5, "", id="vn-decimal"),
    pytest.param("1,50", 1.5, "", id="vn-two-decimals"),
    pytest.param("1,5000", 1.5, "", id="vn-four-decimals"),
    pytest.param("0,500", 0.5, "", id="vn-zero-point"),
    pytest.param("1234,500", 1_234.5, "", id="vn-decimal-after-four-digits"),
    pytest.param("2.5", 2.5, "", id="decimal-point"),
    pytest.param("12.50", 12.5, "", id="decimal-point-two-decimals"),
    pytest.param("0.500", 0.5, "", id="decimal-point-zero-point"),
    pytest.param("1,500,000", 1_500_000.0, "", id="en-grouped"),
    pytest.param("1,500.5", 1_500.5, "", id="en-grouped-decimal"),
    pytest.param("1,500", None, "ambiguous-number", id="ambiguous-one-comma-group"),
    pytest.param("12,345", None, "ambiguous-number", id="ambiguous-two-digit-lead"),
    pytest.param("-1,250", None, "ambiguous-number", id="ambiguous-negative"),
    pytest.param("1.500.00", None, "wrong-type", id="bad-grouping"),
    pytest.param("1.234,5.6", None, "wrong-type", id="two-decimal-parts"),
    pytest.param("1,500.000.5", None, "wrong-type", id="mixed-nonsense"),
    pytest.param("1,5 triệu", None, "wrong-type", id="words"),
]


@pytest.mark.parametrize(("typed", "number", "refused"), NUMBER_FORMS)
def test_numbers_typed_as_text(typed: str, number: float | None, refused: str) -> None:
    parsed = cells.parse_number(typed, NUMBER)
    assert parsed.value == number
    assert [code for code, _ in parsed.problems] == ([refused] if refused else [])


@pytest.mark.parametrize(
    ("typed", "readings"),
    [
        pytest.param("1,500", ("1500", "1.500", "1 phẩy 5", "1,5"), id="trailing-zeros"),
        pytest.param("12,345", ("12345", "12.345", "12 phẩy 345", "12,3450"), id="three-decimals"),
        pytest.param("1,000", ("1000", "1.000", "1", "1"), id="whole"),
    ],
)
def test_an_ambiguous_number_says_both_readings_and_how_to_write_each(typed: str, readings: tuple[str, ...]) -> None:
    for spec in (NUMBER, INTEGER):
        [(code, params)] = cells.PARSERS[spec.type](typed, spec).problems
        assert code == "ambiguous-number"
        assert (params["thousands"], params["grouped"], params["decimal"], params["decimal_written"]) == readings
        # Each way of writing it that the message proposes is read as the reading it stands for.
        assert cells.parse_number(params["thousands"], NUMBER).value == float(params["thousands"])
        assert cells.parse_number(params["grouped"], NUMBER).value == float(params["thousands"])
        decimal = cells.parse_number(params["decimal_written"], NUMBER).value
        assert decimal == float(typed.replace(",", "."))
    message = CATALOGUE[code].message.format(sheet="Mô hình", cell="L4", label="Kinh phí (đồng)", **params)
    hint = CATALOGUE[code].hint.format(**params)
    assert f"ghi “{typed}”, không rõ là {readings[0]} hay {readings[2]}" in message
    assert "{" not in message + hint and readings[1] in hint and readings[3] in hint


def test_parse_covers_every_field_type() -> None:
    assert {case.values[0].type for case in CASES} == set(FIELD_TYPES)  # type: ignore[union-attr]


def test_year_bounds_are_shown_as_years() -> None:
    """A year column's bounds read "từ 2000 đến 2031", as the template's own prompt shows them."""
    start_year = Field("start_year", "Năm bắt đầu", "integer", min=2000, max=2031)
    parsed = cells.parse_integer(1990, start_year)
    assert parsed.problems == [("out-of-range", {"bounds": "từ 2000 đến 2031", "value": "1990"})]


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("value", "blank"),
    [
        pytest.param(None, True, id="none"),
        pytest.param("", True, id="empty"),
        pytest.param(" \u200b\t", True, id="invisible-only"),
        pytest.param(0, False, id="zero"),
        pytest.param("0", False, id="zero-text"),
    ],
)
def test_is_blank(value: Any, blank: bool) -> None:
    assert cells.is_blank(value) is blank


@pytest.mark.parametrize(
    ("row", "column", "address"),
    [
        pytest.param(1, 1, "A1", id="A1"),
        pytest.param(7, 5, "E7", id="E7"),
        pytest.param(4, 26, "Z4", id="Z4"),
        pytest.param(1, 27, "AA1", id="AA1"),
        pytest.param(3, 52, "AZ3", id="AZ3"),
        pytest.param(3, 53, "BA3", id="BA3"),
        pytest.param(10, 702, "ZZ10", id="ZZ10"),
        pytest.param(10, 703, "AAA10", id="AAA10"),
    ],
)
def test_address(row: int, column: int, address: str) -> None:
    assert cells.address(row, column) == address
    assert cells.Place("Mô hình", row, column).cell == address


# --------------------------------------------------------------------------- textnorm


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        pytest.param("Mô\u200b hình", "Mô hình", id="zero-width-space"),
        pytest.param("\ufeffMô hình", "Mô hình", id="byte-order-mark"),
        pytest.param("Mô\u00adhình\u2060", "Môhình", id="soft-hyphen-word-joiner"),
        pytest.param("  Tổ   tự\tquản\n khu  ", "Tổ tự quản khu", id="spaces-collapsed"),
        pytest.param("a\u00a0\u00a0b", "a b", id="nbsp"),
        pytest.param(_nfd("Nguyễn Thị Hòa"), "Nguyễn Thị Hòa", id="nfd-to-nfc"),
    ],
)
def test_clean(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned
    assert unicodedata.is_normalized("NFC", clean(raw))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("Hoà", "hòa", id="hoa"),
        pytest.param("thuỷ", "thủy", id="thuy"),
        pytest.param("KHOẺ", "khỏe", id="khoe-upper"),
        pytest.param("Quý", "quý", id="same-placement"),
        pytest.param(_nfd("Hòa"), "hòa", id="nfd"),
        pytest.param(" Lĩnh  vực ", "lĩnh vực", id="spacing"),
    ],
)
def test_fold_matches(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("Hoa", "Hòa", id="tone-kept"),
        pytest.param("Kinh tế", "Kinh tế - xã hội", id="different-words"),
        pytest.param("Đất", "Dat", id="d-bar-kept"),
    ],
)
def test_fold_keeps_distinct_words_apart(a: str, b: str) -> None:
    assert fold(a) != fold(b)


# --------------------------------------------------------------------------- vnformat


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        pytest.param(1234567, 1, "1.234.567", id="thousands"),
        pytest.param(12.5, 1, "12,5", id="decimal-comma"),
        pytest.param(12.0, 1, "12", id="whole-float"),
        pytest.param(0, 1, "0", id="zero"),
        pytest.param(-1500, 1, "-1.500", id="negative"),
        pytest.param(1234.5, 1, "1.234,5", id="thousands-and-decimal"),
        pytest.param(3.14159, 4, "3,1416", id="four-decimals"),
        pytest.param(2.50, 4, "2,5", id="trailing-zeros-dropped"),
    ],
)
def test_number(value: float, decimals: int, text: str) -> None:
    assert vnformat.number(value, decimals) == text


def test_dates() -> None:
    assert vnformat.long_date(dt.date(2026, 12, 5)) == "ngày 05 tháng 12 năm 2026"
    assert vnformat.long_date(dt.date(2026, 1, 25)) == "ngày 25 tháng 01 năm 2026"
    assert vnformat.short_date(dt.date(2026, 11, 5)) == "05/11/2026"
