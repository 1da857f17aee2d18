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
