"""The units' statements (strengths, shortcomings, requests) grouped: what was said, how often, by whom.

Contract: :func:`unit_statements` takes what each unit wrote under one question of its report and
:func:`group_statements` merges the statements that say the same: equal once folded (case,
spacing, Unicode form, tone placement, diacritics, punctuation) or near-identical (a
:class:`difflib.SequenceMatcher` ratio of at least :data:`NEAR` on the folded text, against the
group's first statement; looked for while there are at most :data:`NEAR_LIMIT` distinct ones). A unit's answer is one statement, or several when it is a list (lines
after the first that open with a dash, a bullet or a number). Each group keeps the wording used
most often (the earliest on a tie), the units that said it, each once, in the order given; groups
come by how many units said them, then in the order first said. Deterministic; no statement is
rewritten beyond trimming its list mark and closing punctuation (and, in a report's line, a capital
first letter).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..core.textnorm import clean, unaccented
from ..core.vnformat import number
from .consolidate import UnitStatus

# Folded statements at least this similar are one statement ("Đề nghị hỗ trợ kinh phí" and "Đề nghị
# hỗ trợ thêm kinh phí": 0.90; "Kinh phí còn hạn chế" and "Kinh phí hoạt động còn hạn chế": 0.80).
NEAR = 0.9
# Near-identical statements are looked for among this many distinct ones at most: the comparison is
# pairwise (a ward has some 40-70 units, three questions each; 5,400 distinct statements took 44 s).
NEAR_LIMIT = 400
# At a province, a statement said by more wards than this counts them instead of naming them all
# (the summary's "Ý kiến" sheet names them): 130 names would make one line a paragraph.
NAMED_WARDS = 10
# The questions of the unit's report whose answers are statements, in the reports' order.
QUESTIONS = ("strengths", "shortcomings", "requests")
_LIST_MARK = re.compile(r"^\s*(?:[-+*•●▪◦·–—]|\d{1,2}[.)]|[a-zđ]\))\s*")
_CLOSING = " .;,:"


@dataclass(frozen=True)
class StatementGroup:
    """One thing the units said: its wording, and the units that said it (each once)."""

    text: str
    units: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.units)

    def line(self, noun: str = "đơn vị", named: int | None = None) -> str:
        """``- Kinh phí còn hạn chế (3 đơn vị: A, B, C).``, the first letter a capital; one unit is
        named alone: ``(A)``. ``noun`` is what the units are called ("phường, xã" at a province);
        more than ``named`` of them are counted, not named (the summary's list names them)."""
        if self.count == 1:
            who = self.units[0]
        elif named is not None and self.count > named:
            who = f"{number(self.count)} {noun}"
        else:
            who = f"{number(self.count)} {noun}: {', '.join(self.units)}"
        return f"- {self.text[:1].upper()}{self.text[1:]} ({who})."


@dataclass(frozen=True)
class Opinion:
    """One statement a ward's summary carries up under one question (``key``): said by
    ``units`` of the ward (grouped), or the ward's own words in its report (``units`` empty)."""

    key: str
    text: str
    units: tuple[str, ...] = ()


def ward_opinions(units: Sequence[UnitStatus], own: Mapping[str, Sequence[str]]) -> list[Opinion]:
    """What the summary carries up, question by question (:data:`QUESTIONS`): the ward's own
    words first (``own``: what its report says beyond the draft), then its units' statements grouped."""
    return [
        opinion
        for key in QUESTIONS
        for opinion in (
            *(Opinion(key, text) for text in own.get(key, ())),
            *(Opinion(key, group.text, group.units) for group in unit_statements(units, key)),
        )
    ]


def unit_statements(units: Sequence[UnitStatus], key: str) -> list[StatementGroup]:
    """What the units wrote under ``key`` of their report (``strengths``, ``shortcomings``, ``requests``), grouped."""
    return group_statements(
        (status.unit.name, statement) for status in units for statement in split_answer(status.answers.get(key))
    )


def split_answer(value: object) -> list[str]:
    """A unit's answer as statements: a list (lines opening with a mark) item by item, else the whole
    text on one line; list marks and closing punctuation trimmed, empty ones dropped."""
    lines = [line for line in str(value or "").splitlines() if line.strip()]
    items: list[str] = []
    for index, line in enumerate(lines):
        if index and _LIST_MARK.match(line):
            items.append(line)
        elif items:
            items[-1] += " " + line
        else:
            items.append(line)
    trimmed = map(statement_text, items)
    return [text for text in trimmed if unaccented(text)]


def statement_text(item: str) -> str:
    """One statement as grouped and carried up: its list mark and closing punctuation trimmed."""
    return clean(_LIST_MARK.sub("", item, count=1)).rstrip(_CLOSING)


def group_statements(statements: Iterable[tuple[str, str]]) -> list[StatementGroup]:
    """``(unit, statement)`` pairs -> the groups of statements that say the same (see the module)."""
    keys: list[str] = []  # the folded statements, in the order first said
    wordings: list[Counter[str]] = []
    units: list[dict[str, int]] = []  # unit -> where it first said it
    exact: dict[str, int] = {}
    for position, (unit, statement) in enumerate(statements):
        key = unaccented(statement)
        if key not in exact:
            exact[key] = len(keys)
            keys.append(key)
            wordings.append(Counter())
            units.append({})
        index = exact[key]
        wordings[index][statement] += 1
        units[index].setdefault(unit, position)
    merged = _merge_near(keys, wordings, units) if len(keys) <= NEAR_LIMIT else range(len(keys))
    groups = [
        StatementGroup(_most_used(wordings[i]), tuple(sorted(units[i], key=units[i].__getitem__))) for i in merged
    ]
    order = sorted(range(len(groups)), key=lambda i: (-groups[i].count, i))
    return [groups[i] for i in order]


def _merge_near(keys: list[str], wordings: list[Counter[str]], units: list[dict[str, int]]) -> list[int]:
    """Each statement merged into the first earlier group it is near-identical to (compared with the
    group's first statement); the groups left, in the order first said."""
    roots: list[int] = []
    for index, key in enumerate(keys):
        found = _near_group(key, [keys[root] for root in roots])
        if found is None:
            roots.append(index)
            continue
        root = roots[found]
        wordings[root].update(wordings[index])
        for unit, position in units[index].items():
            units[root][unit] = min(position, units[root].get(unit, position))
    return roots


def _near_group(key: str, keys: list[str]) -> int | None:
    """The first group whose key is near-identical to ``key``; the cheap upper bounds of the ratio
    (lengths, then ``quick_ratio``) spare the full comparison of most pairs."""
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    for index, other in enumerate(keys):
        if 2 * min(len(key), len(other)) < NEAR * (len(key) + len(other)):
            continue
        matcher.set_seq1(other)
        if matcher.real_quick_ratio() >= NEAR and matcher.quick_ratio() >= NEAR and matcher.ratio() >= NEAR:
            return index
    return None


def _most_used(wordings: Counter[str]) -> str:
    """The wording used most often; the earliest of those on a tie (a Counter keeps insertion order)."""
    best = max(wordings.values())
    return next(text for text, count in wordings.items() if count == best)
