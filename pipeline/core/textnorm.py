"""Vietnamese text normalisation: NFC for storage, a folded key for matching names and labels."""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters no text can carry into a workbook or a Word document: lone surrogates and the
# noncharacters U+FFFE, U+FFFF (XML 1.0 has no place for them; a hand-edited or third-party-written
# .xlsx carries them as UTF-8). Only the C0 controls but tab, LF and CR are also outside XML 1.0,
# and INVISIBLE has those already. As the body of a character class.
_NOT_TEXT_RANGES = "\ud800-\udfff\ufffe\uffff"
NOT_TEXT = re.compile(f"[{_NOT_TEXT_RANGES}]")
# What clean() removes: invisible characters (zero-width spaces, soft hyphen, C0 controls) and NOT_TEXT.
INVISIBLE = re.compile(f"[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f{_NOT_TEXT_RANGES}]")
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad" + "".join(
    map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
)
# An invisible character (INVISIBLE's, listed again, and NOT_TEXT's ranges) or any whitespace but
# the plain space (all of them lie below U+3001): what clean() removes or replaces, besides runs of
# spaces and spaces at the ends, which is_clean() tests apart. tests/unit/run/test_fastpaths.py
# checks the class on every code point.
_UNCLEAN_CHAR = re.compile(
    "["
    + re.escape("".join(sorted({*_INVISIBLE_CHARS, *(c for c in map(chr, range(0x3001)) if c.isspace())} - {" "})))
    + _NOT_TEXT_RANGES
    + "]"
)
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
# The pairs above as one pattern: a single scan finds them all (most names have none), where a
# replace per pair scanned the text fifteen times. No replacement creates or breaks another
# pair (a replacement starts with a toned vowel and ends with a plain one, while a pair starts
# with a plain "o"/"u"), so one pass gives what replacing the pairs one after another gives.
_OLD_TONE_PAIR = re.compile("|".join(_OLD_TONE))


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


def is_clean(text: str) -> bool:
    """Whether ``clean(text) == text`` and the text is NFC: a sufficient test, far cheaper than
    cleaning (most cells pass it and then skip every step of cleaning and its findings)."""
    if _UNCLEAN_CHAR.search(text) is not None or "  " in text or text.startswith(" ") or text.endswith(" "):
        return False
    return text.isascii() or unicodedata.is_normalized("NFC", text)


@functools.lru_cache(maxsize=65536)  # the same labels and choices recur in every file
def fold(text: str) -> str:
    """A matching key: cleaned, lower-case, tone placement unified."""
    # A name is usually clean already: the cheaper test spares cleaning it.
    text = (text if is_clean(text) else clean(text)).lower()
    if _OLD_TONE_PAIR.search(text) is None:
        return text
    return _OLD_TONE_PAIR.sub(_new_tone, text)


def _new_tone(match: re.Match[str]) -> str:
    return _OLD_TONE[match.group()]


# What XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF): text going into a
# Word document, or read out of one, is kept free of them.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _XML_ILLEGAL.sub("", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def file_name_text(name: str) -> str:
    """A file's name as text to record and show: each byte the file system's encoding could not
    decode (which Python keeps as a lone surrogate, and no database, XML or terminal takes) as U+FFFD."""
    return _SURROGATE.sub("\ufffd", name)


# What no one means to type: the characters XML 1.0 cannot hold and the other control characters
# (DEL and the C1 block; tab and line breaks excepted).
_UNTYPED = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def stray_character(text: str) -> tuple[int, str] | None:
    """The first control character (or one XML cannot hold) in ``text``, as (position, character), or None."""
    found = _UNTYPED.search(text)
    return None if found is None else (found.start(), found.group())


def unaccented(text: str) -> str:
    """A folded key without diacritics, punctuation or runs of spaces: "Kinh phí còn hạn chế." ->
    "kinh phi con han che" (for comparing statements people typed with and without marks)."""
    decomposed = unicodedata.normalize("NFD", fold(text).replace("đ", "d"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())
