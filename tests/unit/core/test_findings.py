"""The findings catalogue: every code is described for the end user and exercised by a real test."""

from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path

import pytest

from pipeline.core.findings import CATALOGUE, finding

TESTS = Path(__file__).parents[2]
SEVERITIES = {"error", "warning", "info"}
KEBAB = re.compile(r"[a-z]+(-[a-z]+)*")
CODES = sorted(CATALOGUE)


def _fields(template: str) -> set[str]:
    """The placeholder names of a message template ("{sheet}" -> "sheet")."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _is_vietnamese(text: str) -> bool:
    """Whether a text carries Vietnamese letters (a letter with a diacritic, or đ)."""
    return any(ch in "đĐ" or len(unicodedata.normalize("NFD", ch)) > 1 for ch in text if ch.isalpha())


def _is_placeholder(text: str) -> bool:
    """A hint given whole by the finding's parameters ("{hint}")."""
    return re.fullmatch(r"\{[a-z_]+\}", text) is not None


@pytest.mark.parametrize("code", CODES)
def test_every_code_is_described_in_vietnamese(code: str) -> None:
    kind = CATALOGUE[code]
    assert KEBAB.fullmatch(code) and kind.code == code
    assert kind.severity in SEVERITIES
    for text in (kind.title, kind.message, kind.hint):
        assert text.strip() == text and text
        assert unicodedata.normalize("NFC", text) == text
    assert _is_vietnamese(kind.title) and _is_vietnamese(kind.message)
    assert _is_vietnamese(kind.hint) or _is_placeholder(kind.hint)


@pytest.mark.parametrize("code", CODES)
def test_every_template_is_formattable(code: str) -> None:
    kind = CATALOGUE[code]
    names = _fields(kind.message) | _fields(kind.hint)
    assert all(name.isidentifier() for name in names), names
    params = {name: f"<{name}>" for name in names - {"sheet", "cell"}}
    made = finding(code, file="bao-cao.xlsx", sheet="<sheet>", cell="<cell>", **params)
    for text in (made.message, made.hint):
        assert "{" not in text and "}" not in text
    assert all(f"<{name}>" in made.message + made.hint for name in names)
    assert (made.code, made.severity, made.title) == (code, kind.severity, kind.title)


def test_every_code_is_exercised_by_a_test() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(TESTS.rglob("test_*.py")) if p.name != Path(__file__).name]
    unexercised = [code for code in CODES if not any(f'"{code}"' in text for text in texts)]
    assert unexercised == []
