"""Folding a name: one scan for old-style tone pairs gives what a replace per pair gave."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.core import textnorm

PAIRS = "".join(textnorm._OLD_TONE) + "".join(textnorm._OLD_TONE.values())
texts = st.text(alphabet=st.sampled_from(PAIRS + "oOuUaAyY  \u0300\u0301hòa"), max_size=24)


def _reference_fold(text: str) -> str:
    """fold() as first written: cleaned, lower-case, then each old-style pair replaced in turn."""
    text = textnorm.clean(text).lower()
    for old, new in textnorm._OLD_TONE.items():
        text = text.replace(old, new)
    return text


@settings(max_examples=500, deadline=None, database=None)
@given(texts)
@example("Hoà Thuỷ uỳ oạ OÀ")
@example("ooà uuỷ oàoè")
def test_fold_equals_replacing_each_pair_in_turn(text: str) -> None:
    assert textnorm.fold(text) == _reference_fold(text)


def test_fold_unifies_tone_placement_case_and_spacing() -> None:
    assert textnorm.fold("  Tổ  HOÀ giải Thuỷ ") == textnorm.fold("tổ hòa giải thủy") == "tổ hòa giải thủy"


def test_clean_removes_what_no_xml_can_carry() -> None:
    """Lone surrogates and the noncharacters U+FFFE, U+FFFF go as invisible characters go; U+FFFD stays."""
    assert textnorm.clean("Tổ\ufffe tự\uffff quản\ud800 \ufffd") == "Tổ tự quản \ufffd"
    assert not textnorm.is_clean("a\ufffe") and not textnorm.is_clean("a\udcff")
    assert textnorm.xml_safe("a\x01\ufffe\ud800b\tc") == "ab\tc"


def test_a_file_name_keeps_an_undecodable_byte_as_a_replacement_character() -> None:
    name = b"b\xe1o c\xe1o.xlsx".decode("utf-8", "surrogateescape")  # a name written in Windows-1258
    assert textnorm.file_name_text(name) == "b\ufffdo c\ufffdo.xlsx"
    assert textnorm.file_name_text("báo cáo\ufffe.xlsx") == "báo cáo\ufffe.xlsx"
