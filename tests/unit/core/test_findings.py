"""The findings catalogue: every code is described for the end user and produced by a real test."""

from __future__ import annotations

import re
import string
import unicodedata

import pytest

from pipeline.core.findings import CATALOGUE, finding
from tests.conftest import PRODUCED, whole_suite

THIS_FILE = "tests/unit/core/test_findings.py"
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


def unproduced(codes: list[str], produced: dict[str, set[str]], exempt: str) -> list[str]:
    """The codes no test made a finding of, not counting the tests whose id starts with ``exempt``."""
    return [code for code in codes if not any(not test.startswith(exempt) for test in produced.get(code, ()))]


def test_unproduced_counts_only_the_other_tests() -> None:
    produced = {"a": {"tests/x.py::t"}, "b": {f"{THIS_FILE}::t"}, "c": {f"{THIS_FILE}::t", "tests/y.py::u"}}
    assert unproduced(["a", "b", "c", "d"], produced, THIS_FILE) == ["b", "d"]


def test_every_code_is_produced_by_a_test(request: pytest.FixtureRequest) -> None:
    """Run last (tests/conftest.py puts it there): every code of the catalogue was made, by the code
    under test, during some test of this run other than this file's (which makes each code itself
    to check its texts). A finding made in a child process is not seen here: every code is also
    made in the tests' own process."""
    if not whole_suite(request.config):
        pytest.skip("needs the whole suite (make test): only then has every test had its turn")
    assert unproduced(CODES, PRODUCED, THIS_FILE) == []
