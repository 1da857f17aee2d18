"""Legacy Vietnamese encodings: recognise TCVN3 (ABC) and VNI text in workbook cells and convert it to Unicode.

Before Unicode became mandatory (TCVN 6909:2001) Vietnamese was typed in 8-bit fonts: TCVN3 fonts
(".VnTime", ".VnArial", ".VnTimeH", ...) and VNI fonts ("VNI-Times", "VNI-Helve", ...). Excel keeps
the bytes the keyboard driver produced, so such a cell reads as Latin-1 look-alikes: "Uû ban nh©n d©n"
(TCVN3) or "Vieät Nam" (VNI). This module is pure text in, text out:

- ``encoding_of_font`` names the legacy encoding implied by a cell's font;
- ``detect`` recognises legacy text by its characters alone, for cells in an ordinary font;
- ``decode`` / ``encode`` convert between a legacy encoding and Unicode NFC;
- ``repair`` combines them: font first, then characters; unchanged text when neither applies.

TCVN3 has one code point for a toned vowel in both cases ("á" and "Á" are both "¸"); capitals are
shown by the all-capitals fonts (".VnTimeH"). ``decode`` restores capitals from context (an
all-capitals text or word, the first letter of the text); ``repair`` upper-cases text in a capitals font.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

ENCODINGS = ("tcvn3", "vni")

# --------------------------------------------------------------------------- the tables
# Each row lists one vowel with its five tones, in the order of UniKey's VnConv tables:
# plain, acute (sắc), grave (huyền), hook (hỏi), tilde (ngã), dot below (nặng).
# Source: UniKey's converter, vn-input/ibus-unikey, ukengine/data.cpp (SingleByteTables "TCVN3" and
# DoubleByteTables "VNI-WIN"; copyleft Pham Kim Long), cross-checked against
# duydev/vietnamese-conversion, src/charsets.ts and Eruylz/XuatThuy, Utils/Unicode2TCVN3.cs.
_VOWEL_ROWS = (
    "aáàảãạ",
    "ăắằẳẵặ",
    "âấầẩẫậ",
    "eéèẻẽẹ",
    "êếềểễệ",
    "iíìỉĩị",
    "oóòỏõọ",
    "ôốồổỗộ",
    "ơớờởỡợ",
    "uúùủũụ",
    "ưứừửữự",
    "yýỳỷỹỵ",
)
# TCVN3 code points of the lower-case rows above; upper-case toned vowels share them.
# "ư" is U+00AD (soft hyphen), which is why TCVN3 "người" often shows as "ngêi".
_TCVN3_ROWS = (
    "a¸µ¶·¹",
    "¨¾»¼½Æ",
    "©ÊÇÈÉË",
    "eÐÌÎÏÑ",
    "ªÕÒÓÔÖ",
    "iÝ×ØÜÞ",
    "oãßáâä",
    "«èåæçé",
    "¬íêëìî",
    "uóïñòô",
    "\u00adøõö÷ù",
    "yýúûüþ",
)
# The only capitals TCVN3 (ABC) fonts have a code point of their own for; other capitals are
# the plain ASCII letters, or share the lower-case code of their toned vowel.
_TCVN3_OWN_CAPITALS = {"Ă": "¡", "Â": "¢", "Đ": "§", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦"}
# VNI writes a vowel as a base letter and at most one mark character; capitals take the
# upper-case form of both ("aù" = "á", "AÙ" = "Á"). i, đ, ơ, ư and "ỵ" are single characters.
_VNI_ROWS = (
    ("a", "aù", "aø", "aû", "aõ", "aï"),
    ("aê", "aé", "aè", "aú", "aü", "aë"),
    ("aâ", "aá", "aà", "aå", "aã", "aä"),
    ("e", "eù", "eø", "eû", "eõ", "eï"),
    ("eâ", "eá", "eà", "eå", "eã", "eä"),
    ("i", "í", "ì", "æ", "ó", "ò"),
    ("o", "où", "oø", "oû", "oõ", "oï"),
    ("oâ", "oá", "oà", "oå", "oã", "oä"),
    ("ô", "ôù", "ôø", "ôû", "ôõ", "ôï"),
    ("u", "uù", "uø", "uû", "uõ", "uï"),
    ("ö", "öù", "öø", "öû", "öõ", "öï"),
    ("y", "yù", "yø", "yû", "yõ", "î"),
)


def _tcvn3_encoder() -> dict[str, str]:
    """Unicode letter -> TCVN3 character, capitals included (toned capitals share the lower-case code)."""
    table = {"đ": "®"}
    for letters, codes in zip(_VOWEL_ROWS, _TCVN3_ROWS, strict=True):
        for letter, code in zip(letters, codes, strict=True):
            table[letter] = code
            table[letter.upper()] = letter.upper() if letter.isascii() else code
    table.update(_TCVN3_OWN_CAPITALS)
    return table


def _vni_encoder() -> dict[str, str]:
    """Unicode letter -> VNI character sequence, both cases."""
    table = {"đ": "ñ", "Đ": "Ñ"}
    for letters, codes in zip(_VOWEL_ROWS, _VNI_ROWS, strict=True):
        for letter, code in zip(letters, codes, strict=True):
            table[letter] = code
            table[letter.upper()] = code.upper()
    return table


def _vni_decoder(encoder: dict[str, str]) -> dict[str, str]:
    """VNI sequence -> Unicode letter; a mark of the other case than its base letter is accepted too."""
    table = {code: letter for letter, code in encoder.items() if not code.isascii()}
    for code, letter in list(table.items()):
        if len(code) == 2:
            table.setdefault(code[0] + code[1].swapcase(), letter)
    return table


_TO_TCVN3 = _tcvn3_encoder()
_FROM_TCVN3 = {
    code: letter
    for letter, code in _TO_TCVN3.items()
    if not code.isascii() and (letter.islower() or letter in _TCVN3_OWN_CAPITALS)
}
# Code points that stand for a lower-case and an upper-case letter alike: the toned vowels.
_TCVN3_SHARED = frozenset(
    code for code, letter in _FROM_TCVN3.items() if letter.islower() and letter.upper() not in _TCVN3_OWN_CAPITALS
)
_TO_VNI = _vni_encoder()
_FROM_VNI = _vni_decoder(_TO_VNI)
_VNI_PAIR = re.compile("|".join(sorted(map(re.escape, _FROM_VNI), key=len, reverse=True)))
_CODE_CHARS = {"tcvn3": "".join(_FROM_TCVN3), "vni": "".join(sorted(set("".join(_FROM_VNI))))}

# --------------------------------------------------------------------------- fonts


def encoding_of_font(font_name: str | None) -> str | None:
    """The legacy encoding a font implies: ".Vn..." fonts are TCVN3, "VNI-..." fonts are VNI, others none."""
    name = (font_name or "").strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith("vni-"):
        return "vni"
    return None


def _is_capitals_font(font_name: str | None) -> bool:
    """Whether a TCVN3 font shows every letter as a capital (".VnTimeH", ".VnArialH", ...)."""
    name = (font_name or "").strip()
    return name.lower().startswith(".vn") and name.endswith("H")


# --------------------------------------------------------------------------- conversion


def _check(encoding: str) -> None:
    """Refuse an encoding name this module does not know."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}: use one of {', '.join(ENCODINGS)}")


def encode(text: str, encoding: str) -> str:
    """Unicode text as a legacy keyboard driver would have stored it (toned TCVN3 capitals lose their case)."""
    _check(encoding)
    table = _TO_TCVN3 if encoding == "tcvn3" else _TO_VNI
    return "".join(table.get(char, char) for char in unicodedata.normalize("NFC", text))


def decode(text: str, encoding: str) -> str:
    """Legacy-encoded text as Unicode NFC."""
    _check(encoding)
    decoded = _decode_vni(text) if encoding == "vni" else _decode_tcvn3(text)
    return unicodedata.normalize("NFC", decoded)


def _decode_vni(text: str) -> str:
    """VNI to Unicode: each base letter with its mark, and the single-character letters, replaced."""
    return _VNI_PAIR.sub(lambda match: _FROM_VNI[match.group()], text)


def _decode_tcvn3(text: str) -> str:
    """TCVN3 to Unicode, one character for one, capitals of shared code points restored from context."""
    chars = [_FROM_TCVN3.get(char, char) for char in text]
    shared = {index for index, char in enumerate(text) if char in _TCVN3_SHARED}
    if shared:
        decoded = "".join(chars)
        heading = _is_heading(_cased_letters(decoded, shared, 0, len(decoded)))
        first = next((index for index, char in enumerate(decoded) if char.isalpha()), -1)
        for start, end in _word_spans(decoded):
            upper = _is_capital_word(_cased_letters(decoded, shared, start, end), heading)
            for index in shared.intersection(range(start, end)):
                if upper or index == first:
                    chars[index] = chars[index].upper()
    return "".join(chars)


def _word_spans(text: str) -> Iterator[tuple[int, int]]:
    """Start and end of each run of letters."""
    for match in re.finditer(r"[^\W\d_]+", text):
        yield match.span()


def _cased_letters(text: str, skip: set[int], start: int, end: int) -> list[str]:
    """The letters of text[start:end] that have a case, the skipped positions left out."""
    return [text[i] for i in range(start, end) if i not in skip and text[i].lower() != text[i].upper()]


def _is_heading(letters: list[str]) -> bool:
    """Whether a text is typed in capitals: two or more cased letters, at least three in four upper case.

    A lower-case placeholder or unit ("{year}", "m²") does not stop a heading from being one.
    """
    return len(letters) >= 2 and sum(letter.isupper() for letter in letters) * 4 >= len(letters) * 3


def _is_capital_word(letters: list[str], heading: bool) -> bool:
    """Whether a word's shared code points are capitals, judged by its other cased letters.

    All upper case decides when there are two of them ("VIÖT" = "VIỆT"), or one in a heading
    ("VÞ" = "VỊ"); a single capital in ordinary text is a title-case initial ("Hµ" = "Hà").
    """
    if not letters:
        return heading
    return all(letter.isupper() for letter in letters) and (len(letters) >= 2 or heading)


# --------------------------------------------------------------------------- syllables

_TONES = {"\u0301": "acute", "\u0300": "grave", "\u0309": "hook", "\u0303": "tilde", "\u0323": "dot"}
_ONSETS = (
    *("b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh"),
    *("p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x", ""),
)
# Nucleus -> the codas it takes ("-" = none). Semivowel endings (i, y, o, u) count as codas.
_NUCLEI = {
    "a": "- c ch i m n ng nh o p t u y",
    "ă": "c m n ng p t",
    "â": "c m n ng p t u y",
    "e": "- c m n ng o p t",
    "ê": "- ch m n nh p t u",
    "i": "- ch m n nh p t u",
    "ia": "-",
    "iê": "c m n ng p t u",
    "o": "- c i m n ng p t",
    "oo": "c ng",
    "ô": "- c i m n ng p t",
    "ơ": "- i m n p t u",
    "u": "- c i m n ng p t",
    "ua": "-",
    "uô": "c i m n ng t",
    "ư": "- c i m n ng t u",
    "ưa": "-",
    "ươ": "c i m n ng p t u",
    "y": "-",
    "yê": "m n ng t u",
    "oa": "- c ch i m n ng nh o p t y",
    "oă": "c m n ng t",
    "oe": "- c m n o t",
    "uâ": "n ng t y",
    "uê": "- ch n nh",
    "uy": "- ch n nh p t u",
    "uyê": "n t",
    "uya": "-",
    "uơ": "-",
}
_STOPS = ("c", "ch", "p", "t")
# The letters of Vietnamese that Latin-1 has, lower case.
_VIETNAMESE_LATIN1 = frozenset("abcdeghiklmnopqrstuvxyàáâãèéêìíòóôõùúý")


def _tone_places(nucleus: str, coda: str) -> frozenset[int]:
    """Where in the rhyme the tone mark may sit: on the main vowel of the nucleus, never on a glide.

    "ia", "ua", "ưa" carry it first (mía, của, mưa); open "oa", "oe", "uy" either way, old and new
    style (hoà, hòa); a longer nucleus on its last vowel (toán, người, tuyết).
    """
    if len(nucleus) == 1 or nucleus in ("ia", "ua", "ưa"):
        return frozenset({0})
    if nucleus in ("oa", "oe", "uy") and not coda:
        return frozenset({0, 1})
    return frozenset({len(nucleus) - 1 if nucleus != "uya" else 1})


# Rhyme -> the positions its tone mark may take.
_RHYMES = {
    nucleus + coda.strip("-"): _tone_places(nucleus, coda.strip("-"))
    for nucleus, codas in _NUCLEI.items()
    for coda in codas.split()
}


def _split_tone(word: str) -> tuple[str, list[str], list[int]]:
    """The lower-case word without tone marks (NFC), the tone marks it carried and their positions."""
    bare, tones, places = [], [], []
    for index, char in enumerate(unicodedata.normalize("NFC", word.lower())):
        parts = unicodedata.normalize("NFD", char)
        marks = [_TONES[part] for part in parts if part in _TONES]
        tones += marks
        places += [index] * len(marks)
        bare.append(unicodedata.normalize("NFC", "".join(part for part in parts if part not in _TONES)))
    return "".join(bare), tones, places


def _is_syllable(word: str) -> bool:
    """Whether a word is a well-formed Vietnamese syllable: onset, rhyme, at most one tone on the right vowel."""
    bare, tones, places = _split_tone(word)
    if len(tones) > 1:
        return False
    place = places[0] if places else -1
    return any(
        bare.startswith(onset) and _rhyme_fits(bare[len(onset) :], tones, place - len(onset)) for onset in _ONSETS
    )


def _rhyme_fits(rhyme: str, tones: list[str], place: int) -> bool:
    """Whether the rhyme exists and carries its tone right: on its main vowel; sắc or nặng after a stop."""
    if rhyme not in _RHYMES or (tones and place not in _RHYMES[rhyme]):
        return False
    return not rhyme.endswith(_STOPS) or tones in (["acute"], ["dot"])


def _is_plausible_unicode(word: str) -> bool:
    """Whether a word already reads as Unicode Vietnamese: a syllable in lower, upper or title case."""
    return (word.islower() or word.isupper() or word.istitle()) and _is_syllable(word)


# --------------------------------------------------------------------------- detection


# Letters and combining marks beyond Latin-1 that Vietnamese text is made of (Latin Extended-A and
# -B, combining diacritics, Latin Extended Additional: every code point there is a letter or a
# mark). Finding one settles the question below without looking at each character in Python.
_SURELY_UNICODE = re.compile("[\u0100-\u024f\u0300-\u036f\u1e00-\u1eff]")


def surely_unicode(text: str) -> bool:
    """Whether the text is certainly not in a legacy encoding, whatever its font: ASCII, or holding
    a letter of the Vietnamese Unicode blocks (``repair`` leaves such text alone)."""
    return text.isascii() or _SURELY_UNICODE.search(text) is not None


def _has_unicode_letters(text: str) -> bool:
    """Whether the text holds a letter or combining mark beyond Latin-1: then it is Unicode, not legacy."""
    if _SURELY_UNICODE.search(text) is not None:
        return True
    return any(ord(char) > 0xFF and unicodedata.category(char)[0] in "LM" for char in text)


def _tokens(text: str, encoding: str) -> list[str]:
    """Runs of letters and the encoding's code characters (TCVN3 codes include "©", "¸", U+00AD ...)."""
    codes = re.escape(_CODE_CHARS[encoding])
    return re.findall(rf"(?:[^\W\d_]|[{codes}])+", text)


def _weight(token: str, decoded: str) -> int | None:
    """What one changed word says for the encoding: None against, 0 nothing, 1 a little, 2 much.

    Against: decoded, it is no Vietnamese syllable. Nothing: it is one both ways ("Hoà" is VNI
    "Hồ"). A little: a word of two Vietnamese letters, as short foreign words are (French "où" is
    VNI "ó"). Much: anything longer ("Moâ"), a character Vietnamese does not use ("©", "ø"), or
    cases mixed as no one types them ("tÕ" is TCVN3 "tế").
    """
    if not _is_syllable(decoded):
        return None
    if _is_plausible_unicode(token):
        return 0
    foreign = any(char.lower() not in _VIETNAMESE_LATIN1 for char in token)
    mixed = not (token.islower() or token.isupper() or token.istitle())
    return 2 if foreign or mixed or len(token) >= 3 else 1


def _is_anchored(token: str) -> bool:
    """Whether a word ties its codes to ASCII letters firmly enough to decide: a lone "×" ("ì") or "µm" ("àm") cannot."""
    return any(char.isascii() for char in token) and (len(token) >= 3 or token[0].isascii())


def _evidence(text: str, encoding: str) -> int:
    """The weight of the words that read as Vietnamese only once decoded; 0 when the reading is doubtful.

    It takes a weight of two, one anchored word, and at most one word in four that decodes to
    nothing Vietnamese.
    """
    points = gained = lost = 0
    anchored = False
    for token in _tokens(text, encoding):
        decoded = decode(token, encoding)
        if decoded == token:
            continue
        weight = _weight(token, decoded)
        if weight is None:
            lost += 1
        elif weight:
            points += weight
            gained += 1
            anchored = anchored or _is_anchored(token)
    if not anchored or points < 2 or lost * 4 > gained + lost:
        return 0
    return points


def detect(text: str) -> str | None:
    """The legacy encoding ("tcvn3" or "vni") the characters alone show the text is in, else None."""
    if text.isascii() or _has_unicode_letters(text):
        return None
    scores = {encoding: _evidence(text, encoding) for encoding in ENCODINGS}
    best = max(scores.values())
    winners = [encoding for encoding, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def repair(text: str, font_name: str | None = None) -> tuple[str, str | None]:
    """The text in Unicode and the legacy encoding it was in (font first, then characters), or (text, None)."""
    if text.isascii() or _has_unicode_letters(text):
        return text, None
    encoding = encoding_of_font(font_name) or detect(text)
    if encoding is None:
        return text, None
    converted = decode(text, encoding)
    if encoding == "tcvn3" and _is_capitals_font(font_name):
        converted = converted.upper()
    return (converted, encoding) if converted != text else (text, None)
