"""Text for people on the terminal: every line wrapped to the terminal's width, never cut.

The renderers (:mod:`pipeline.run.render`) write width-free text, one logical line per item (a
run's text is replayed from a cache and may be shown on another terminal), and keep long texts
out of table cells; the width is applied here, when the text is printed. A continued line keeps
its line's indent, and a ``- `` item's continuation lines up under the item's text. A table (a
header, a rule of dashes, rows up to a blank line: :func:`pipeline.run.render.table`) too wide
for the terminal keeps its columns: the rule is cut to the width, and a row's last column wraps
under that column's start, so the other columns stay aligned.
"""

from __future__ import annotations

import re
import shutil
import textwrap

import click

# Not a terminal (piped to a file or another program): a width that reads well in an editor.
FALLBACK_WIDTH = 100
_MIN_WIDTH = 20  # below this, a hanging indent would leave no room for the words
_LEAD = re.compile(r"^( *(?:- )?)")
_RULE = re.compile(r"^-+(?:  -+)+$")  # a table's rule: the dashes under each column's header
_LAST_COLUMN_ROOM = 16  # a narrower last column wraps as a plain line: a word per line reads worse
_ROW_HANG = "    "  # a row continued below its first line, told apart from the next row


def width() -> int:
    """The terminal's width (``COLUMNS`` first, as :func:`shutil.get_terminal_size` reads it)."""
    return max(shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns, _MIN_WIDTH)


def wrap(text: str, columns: int) -> str:
    """``text`` with every line longer than ``columns`` wrapped at spaces; no character is dropped
    but the spaces where a line breaks. A word longer than a line (a path) stays whole on a line
    of its own, for the terminal to fold: split by a hanging indent, it could not be copied."""
    lines = text.split("\n")
    starts = _table_columns(lines)
    return "\n".join(_wrap_row(line, columns, starts[index]) for index, line in enumerate(lines))


def _table_columns(lines: list[str]) -> list[int | None]:
    """For each line of a table (its header, its rule and its rows up to a blank line), where the
    table's last column starts; None for a line of no table."""
    starts: list[int | None] = [None] * len(lines)
    for index, line in enumerate(lines):
        if index and _RULE.match(line):
            start = line.rindex("  -") + 2
            starts[index - 1] = starts[index] = start
            for row in range(index + 1, len(lines)):
                if not lines[row].strip():
                    break
                starts[row] = start
    return starts


def _wrap_row(line: str, columns: int, start: int | None) -> str:
    """A line of a table: its rule cut to the width, its last column wrapped under its start."""
    if start is None or len(line) <= columns:
        return _wrap_line(line, columns)
    if _RULE.match(line):
        return line[:columns].rstrip()
    if not line[:start].strip():
        return _wrap_line(line, columns)
    if columns - start < _LAST_COLUMN_ROOM:  # no room beside the other columns: continue indented
        return "\n".join(_whole_words(line, columns, _ROW_HANG))
    parts = _whole_words(line[start:], columns - start)
    return "\n".join([line[:start] + parts[0], *(" " * start + part for part in parts[1:])])


def _wrap_line(line: str, columns: int) -> str:
    if len(line) <= columns:
        return line
    lead = _LEAD.match(line).group(1)  # type: ignore[union-attr]
    hang = " " * len(lead) if len(lead) <= columns // 2 else ""
    lines = textwrap.wrap(
        line[len(lead) :],
        columns,
        initial_indent=lead,
        subsequent_indent=hang,
        break_long_words=False,
        break_on_hyphens=False,
        replace_whitespace=False,
    )
    return "\n".join(lines)


def echo(text: str, err: bool = False) -> None:
    """Print ``text`` wrapped to the terminal (see :func:`wrap`)."""
    click.echo(wrap(text, width()), err=err)


def _whole_words(text: str, columns: int, hang: str = "") -> list[str]:
    """``text`` in lines of at most ``columns`` (a longer word on a line of its own), continued after ``hang``."""
    return textwrap.wrap(text, columns, subsequent_indent=hang, break_long_words=False, break_on_hyphens=False)
