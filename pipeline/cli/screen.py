"""Text for people on the terminal: every line wrapped to the terminal's width, never cut.

The renderers (:mod:`pipeline.run.render`) write width-free text, one logical line per item (a
run's text is replayed from a cache and may be shown on another terminal), and keep long texts
out of table cells; the width is applied here, when the text is printed. A continued line keeps
its line's indent, and a ``- `` item's continuation lines up under the item's text.
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


def width() -> int:
    """The terminal's width (``COLUMNS`` first, as :func:`shutil.get_terminal_size` reads it)."""
    return max(shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns, _MIN_WIDTH)


def wrap(text: str, columns: int) -> str:
    """``text`` with every line longer than ``columns`` wrapped at spaces; no character is dropped
    but the spaces where a line breaks. A word longer than a line (a path) stays whole on a line
    of its own, for the terminal to fold: split by a hanging indent, it could not be copied."""
    return "\n".join(_wrap_line(line, columns) for line in text.split("\n"))


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
