"""Vietnamese text normalisation: NFC for storage, a folded key for matching names and labels."""

from __future__ import annotations

import functools
import re
import unicodedata

INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f]")
# Old-style tone placement ("hoà", "thuỷ") against new style ("hòa", "thủy"): fold both to one
# form by moving the tone mark off the second vowel of these pairs. Matching only, never display.
_OLD_TONE = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}


def clean(text: str) -> str:
    """NFC, invisible characters removed, runs of whitespace collapsed, ends stripped."""
    # Every cell passes here, most of them already clean: each step is skipped when a quick test
    # shows it would change nothing. ``str.split()`` splits on exactly the characters ``\s``
    # matches (both use Python's Unicode whitespace), so split-and-join equals sub-and-strip.
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if INVISIBLE.search(text) is not None:
        text = INVISIBLE.sub("", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=65536)  # the same labels and choices recur in every file
def fold(text: str) -> str:
    """A matching key: cleaned, lower-case, tone placement unified."""
    text = clean(text).lower()
    for old, new in _OLD_TONE.items():
        text = text.replace(old, new)
    return text
