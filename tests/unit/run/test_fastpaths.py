"""The quick paths of reading a workbook give exactly what the full paths give.

Reading a unit workbook takes a short cut for the common cell (clean text, a number in bounds)
and for the common sheet (no error cell, no formula). Each short cut rests on a claim about the
full path; these tests check the claims on the characters that matter and on generated values.
"""

from __future__ import annotations

import io
import re
import sys
import unicodedata
import zipfile
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.config import Field
from pipeline.core import textnorm
from pipeline.intake import cells, sheets, sheetxml
from pipeline.intake import encodings as legacy
from pipeline.intake import receive as intake

EXAMPLES = settings(max_examples=300, deadline=None, database=None)

# Characters the cleaning and repair steps react to, mixed with Vietnamese and Latin-1 letters.
TRICKY = (
    " \t\n\r\x0b\x0c\x1c\x1f\x00\x07\x85\xa0\xad\u1680\u2000\u2007\u200a\u200b\u200d\u2028"
    "\u202f\u205f\u2060\u3000\ufeff"
    "aAeoyđĐơưăâêô"
    "\u0301\u0300\u0309\u0303\u0323\u0306\u0302\u031b"
    "áàảãạếềểễệốồổỗộớờởỡợứừửữựýỳỷỹỵ"
    "©¸µ¶·¹¨¾»¼½Æ«èåæçéªÕÒÓÔÖùøõö÷þ"
    "“”–…m²"
)
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=24) | st.text(max_size=12)


def _reference_clean(text: str) -> str:
    """clean() as first written: NFC, invisible characters out, whitespace runs to one space, stripped."""
    text = textnorm.INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", text).strip()


@EXAMPLES
@given(texts)
def test_clean_equals_its_first_definition(text: str) -> None:
    assert textnorm.clean(text) == _reference_clean(text)


@EXAMPLES
@given(texts)
def test_a_text_found_clean_is_left_as_it_is(text: str) -> None:
    if textnorm.is_clean(text):
        assert textnorm.clean(text) == text
        assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    "text",
    ["Mô hình", "Nguyễn Thị Hoa", "Hội Nông dân", "x", "Cơ sở 2", "Hòa", "Kinh tế", "1.500.000"],
)
def test_ordinary_cells_are_found_clean(text: str) -> None:
    assert textnorm.is_clean(text)


@pytest.mark.parametrize(
    "text",
    [" Mô hình", "Mô hình ", "Mô  hình", "Mô\thình", "Mô\u00a0hình", "Mô\u200bhình", "Mo\u0302 hình", "a\x01"],
)
def test_cells_needing_a_repair_are_not(text: str) -> None:
    assert not textnorm.is_clean(text)


def test_the_unclean_characters_are_the_invisible_ones_and_every_space_but_the_plain_one() -> None:
    pattern = textnorm._UNCLEAN_CHAR
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        expected = bool(textnorm.INVISIBLE.match(char)) or (char.isspace() and char != " ")
        assert bool(pattern.match(char)) is expected, hex(code)


def test_the_surely_unicode_blocks_hold_only_letters_and_marks() -> None:
    chars = [chr(c) for c in range(sys.maxunicode + 1) if legacy._SURELY_UNICODE.match(chr(c))]
    assert chars
    assert all(unicodedata.category(c)[0] in "LM" for c in chars)


@EXAMPLES
@given(texts, st.sampled_from([None, "", "Times New Roman", ".VnTime", ".VnTimeH", "VNI-Times"]))
def test_a_surely_unicode_text_is_never_repaired(text: str, font: str | None) -> None:
    if legacy.surely_unicode(text):
        assert legacy.repair(text, font) == (text, None)


NUMBER = Field("n", "Số", "number", min=0)
SCORE = Field("s", "Điểm", "number", min=0, max=10, criterion="c1")
INTEGER = Field("i", "Số nguyên", "integer", min=0, max=100_000)
YEAR = Field("y", "Năm", "integer", min=2000, max=2031)
TEXT = Field("t", "Tên", "text", max_length=10)
FREE = Field("f", "Ghi chú", "text")
CHOICE = Field("c", "Lĩnh vực", "choice", choices=("Kinh tế", "Văn hóa - xã hội"))
DATE = Field("d", "Ngày", "date")
BOOLEAN = Field("b", "Có", "boolean")
SPECS = [NUMBER, SCORE, INTEGER, YEAR, TEXT, FREE, CHOICE, DATE, BOOLEAN]
values = (
    st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.sampled_from([0.0, 5.0, 10.0, 10.5, 2026.0, 1999.0, 100_000.0, 3, True, False, "Kinh tế", "kinh tế"])
    | texts
)


@EXAMPLES
@given(values, st.sampled_from(SPECS))
def test_quick_agrees_with_the_field_parser(value: Any, spec: Field) -> None:
    if isinstance(value, str) and not textnorm.is_clean(value):
        return  # quick() is only asked about clean text
    quick = cells.quick(value, spec)
    if quick is cells.SLOW:
        return
    parsed = cells.PARSERS[spec.type](value, spec)
    assert parsed.problems == []
    assert quick == parsed.value
    assert type(quick) is type(parsed.value)


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        pytest.param(12.5, NUMBER, 12.5, id="number"),
        pytest.param(7, NUMBER, 7.0, id="int-as-number"),
        pytest.param(2026.0, YEAR, 2026, id="year"),
        pytest.param("Kinh tế", CHOICE, "Kinh tế", id="choice"),
        pytest.param("Mô hình", TEXT, "Mô hình", id="text"),
        pytest.param(11.0, SCORE, cells.SLOW, id="over-max"),
        pytest.param(2026.5, YEAR, cells.SLOW, id="not-whole"),
        pytest.param("kinh tế", CHOICE, cells.SLOW, id="choice-case"),
        pytest.param("Mô hình dân vận", TEXT, cells.SLOW, id="too-long"),
        pytest.param("", FREE, cells.SLOW, id="blank"),
        pytest.param(True, NUMBER, cells.SLOW, id="bool"),
        pytest.param(45000.0, DATE, cells.SLOW, id="date-serial"),
    ],
)
def test_quick_takes_only_the_plain_cases(value: Any, spec: Field, expected: Any) -> None:
    assert cells.quick(value, spec) is expected or cells.quick(value, spec) == expected


@EXAMPLES
@given(values | st.builds(cells.CellError, texts) | st.sampled_from([None, "", " ", "\u00a0"]), st.sampled_from(SPECS))
@example("Kinh tế", CHOICE)
@example(cells.CellError("Kinh tế"), CHOICE)
@example(False, INTEGER)
def test_a_fields_quick_reader_agrees_with_quick(value: Any, spec: Field) -> None:
    quick = sheets._quick(value, spec)
    read = sheets.quick_reader(spec)(value)
    assert read is quick if quick is cells.SLOW else (read == quick and type(read) is type(quick))


def test_a_choice_is_read_as_the_configured_string() -> None:
    typed = "".join(["Kinh ", "tế"])
    assert sheets.quick_reader(CHOICE)(typed) is CHOICE.choices[0]


def test_labels_equal_as_keys_but_not_as_texts_are_told_apart() -> None:
    assert sheets._label(1.0) == ("1", "1")
    assert sheets._label(True) == ("True", "true")
    assert sheets._label(" Tên  mô hình ") == ("Tên mô hình", "tên mô hình")


def _reference_may_hold_special(xml: bytes) -> bool:
    return b't="e"' in xml or b"t='e'" in xml or sheetxml._FORMULA.search(xml) is not None


XML_PIECES = [
    *(b"<c", b' t="e"', b" t='e'", b" t=\"e'", b"<f>", b"<f ", b"<f/>", b"<x:f>", b":f ", b"<formula1>", b"<fx>"),
    *(b"<v>1</v>", b"</c>", b"f", b":", b"<", b">", b" ", b"\t", b"\x0b", b"x14:", b"t=", b'"e"'),
]
xml_bits = st.lists(st.sampled_from(XML_PIECES), max_size=12).map(b"".join)


@EXAMPLES
@given(xml_bits)
def test_the_quick_sheet_test_agrees_with_the_full_one(xml: bytes) -> None:
    assert sheetxml._may_hold_special(xml) is _reference_may_hold_special(xml)


def _small_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook>" + "Mô hình " * 40 + "</workbook>", zipfile.ZIP_DEFLATED)
        archive.writestr("xl/styles.xml", "<styleSheet/>", zipfile.ZIP_STORED)
        archive.writestr("docProps/tên.xml", "<x/>" * 30, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_plain_members_read_as_zipfile_reads_them() -> None:
    data = _small_zip()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            assert intake._plain_member(data, info) == archive.read(info)


@EXAMPLES
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=4))
@example(flips=[(28569, 0)])  # a stored member's declared size zeroed in the directory (found by CI's run)
def test_a_damaged_member_is_never_read_where_zipfile_would_refuse_it(flips: list[tuple[int, int]]) -> None:
    """Whatever bytes are changed, a member the quick reader returns is one zipfile reads alike."""
    damaged = bytearray(_small_zip())
    for position, value in flips:
        damaged[position % len(damaged)] = value
    data = bytes(damaged)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # a damaged directory: intake turns the file away before any member is read
        return
    with archive:
        for info in archive.infolist():
            quick = intake._plain_member(data, info)
            if quick is not None:
                assert archive.read(info) == quick


def test_the_public_package_checks_still_answer_alone() -> None:
    """is_encrypted and package_format, which receive() no longer calls, read only what they need."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest><encryption-data/></manifest>")
    assert intake.is_encrypted(out.getvalue())
    assert intake.package_format(out.getvalue()) == "ods"
    assert not intake.is_encrypted(_small_zip())
    assert intake.package_format(_small_zip()) == "xlsx"
