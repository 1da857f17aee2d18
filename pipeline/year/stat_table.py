"""A statistics table as plain values: what every table of the year's statistics is made of.

Contract: a table is a key, a title, column labels, rows of numbers or text (:data:`Cell`) and an
optional total row; the consolidated workbook and the Word reports render it as it is and compute
nothing. :func:`with_total` adds up the numeric columns, :func:`per_kind` builds the common shape
of one row per label and one count per kind of item.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..core.layout import ITEM_SHEETS

Cell = str | int | float


@dataclass(frozen=True)
class StatTable:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None

    def worded(self, heading: Callable[[str], str]) -> StatTable:
        """The table with its title and column labels in the words ``heading`` gives (a level's)."""
        return dataclasses.replace(self, title=heading(self.title), columns=tuple(map(heading, self.columns)))


NOT_REPORTED = "Chưa báo cáo"  # the cell of a figure nobody reported: never a zero

KIND_COLUMNS = ("Mô hình", "Điển hình tập thể", "Điển hình cá nhân")  # in the order of ITEM_SHEETS


def per_kind(key: str, title: str, first: str, labels: Sequence[str], count: Callable[[str, str], int]) -> StatTable:
    """A table of one row per label and one count per kind of item, with a total row."""
    rows: list[tuple[Cell, ...]] = [(label, *(count(label, kind) for kind in ITEM_SHEETS)) for label in labels]
    return StatTable(key, title, (first, *KIND_COLUMNS), tuple(rows), with_total(rows))


def with_total(rows: list[tuple[Cell, ...]], label: str = "Tổng cộng") -> tuple[Cell, ...]:
    """A total row: the label, then the sum of every numeric column."""
    width = len(rows[0]) if rows else 0
    sums: list[Cell] = [label]
    for column in range(1, width):
        values = [row[column] for row in rows]
        sums.append(
            sum(v for v in values if isinstance(v, int | float))
            if all(isinstance(v, int | float) for v in values)
            else ""
        )
    return tuple(sums)


def reported_total(rows: Sequence[tuple[Cell, ...]], width: int) -> tuple[Cell, ...]:
    """The total of the rows whose figures were reported (a row saying :data:`NOT_REPORTED` is
    not added up); blank figures when none was: nothing is known, not zero. ``width``: the
    number of figure columns."""
    reported = [row for row in rows if NOT_REPORTED not in row[1:]]
    return with_total(reported) if reported else ("Tổng cộng", *("",) * width)
