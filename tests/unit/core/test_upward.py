"""The content digest of a summary's ``_meta``, fed whole or one row at a time (pipeline/upward.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pipeline.core import layout
from pipeline.core.upward import ContentDigest, content_digest

Rows = list[Sequence[Any]]
SHEET: Rows = [("Mã", "Tên", None), (), ("A1", "Hòa giải", 3.0), (None, None)]


def _streamed(sheets: list[tuple[str, Rows]]) -> str:
    digest = ContentDigest()
    for name, rows in sheets:
        digest.sheet(name)
        for row in rows:
            digest.row(row)
    return digest.hexdigest()


def test_streamed_rows_give_the_digest_of_the_whole_sheets() -> None:
    sheets: list[tuple[str, Rows]] = [("Đơn vị", SHEET), ("Thống kê", [("Bảng",), (), (), ("Tổng", 2)])]
    assert _streamed(sheets) == content_digest(sheets)


def test_trailing_blanks_do_not_count_but_blank_rows_between_values_do() -> None:
    base = content_digest([("Đơn vị", SHEET)])
    assert content_digest([("Đơn vị", [*SHEET, (None,), ()])]) == base
    assert content_digest([("Đơn vị", [(*row, None, "") for row in SHEET])]) == base
    without_gap = [row for row in SHEET if row]
    assert content_digest([("Đơn vị", without_gap)]) != base


def test_readers_choice_of_number_and_date_types_does_not_count() -> None:
    written = content_digest([("S", [(3, dt.date(2026, 12, 1))])])
    assert content_digest([("S", [(3.0, dt.datetime(2026, 12, 1))])]) == written
    assert content_digest([("S", [(3.5, dt.date(2026, 12, 1))])]) != written


def test_meta_sheet_is_left_out_and_a_later_sheet_still_counts() -> None:
    base = content_digest([("Đơn vị", SHEET)])
    assert content_digest([("Đơn vị", SHEET), (layout.META_SHEET, [("digest", "x")])]) == base
    assert _streamed([(layout.META_SHEET, [("digest", "x")]), ("Đơn vị", SHEET)]) == base
    assert content_digest([("Đơn vị", SHEET), ("Khác", [("x",)])]) != base
