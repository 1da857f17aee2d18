"""The province report's appendix "PHỤ LỤC": the statistics tables, numbered Biểu 1, 2, ...

Contract: :func:`appendix` writes, in a section of its own (A4 landscape: its tables are wide), the
appendix title, the line that ties it to
the report (number, date, reporter) and the tables of :data:`APPENDIX_TABLES` in that order, each
under the caption of :func:`appendix_caption`; a province's appendix (:data:`PROVINCE_APPENDIX_TABLES`)
has its wards' table in place of the units' and no list of every model (that stays in ``tong-hop``).
:func:`appendix_refs` is how the body refers to them (``Biểu 1, 2``).
"""

from __future__ import annotations

from ...year.stat_table import StatTable
from . import style as fmt
from .blocks import number_line
from .writer import ReportWriter

# The appendix of the province report: Biểu 1, 2, ... in this order (stats table keys).
APPENDIX_TABLES = (
    "units_by_field",
    "by_group",
    "exemplars",
    "evaluation",
    "rewards",
    "resources",
    "outstanding",
    "model_list",
)
# A province's: its wards, one row each, and the outstanding items the wards propose.
PROVINCE_APPENDIX_TABLES = ("by_ward", "by_group", "exemplars", "evaluation", "rewards", "resources", "outstanding")


def appendix_tables(r: ReportWriter) -> tuple[str, ...]:
    """The keys of the appendix tables of the report's level, in order."""
    return PROVINCE_APPENDIX_TABLES if r.org.is_province else APPENDIX_TABLES


def appendix_refs(r: ReportWriter, *keys: str) -> str:
    """``Biểu 1, 2, 3`` for the appendix tables ``keys``."""
    tables = appendix_tables(r)
    numbers = [str(tables.index(key) + 1) for key in keys]
    return f"Biểu {', '.join(numbers)}"


def appendix(r: ReportWriter) -> None:
    """ "PHỤ LỤC" on a new, landscape page, the line naming the report, then Biểu 1, 2, ... in order."""
    fmt.start_landscape_section(r.doc)
    r.para("PHỤ LỤC", fmt.CENTERED, bold=True)
    r.para(
        f"(Kèm theo Báo cáo {number_line(r.spec.issuer, 'số')}, {r.when} của {r.spec.issuer.speaker})",
        fmt.CENTERED,
        italic=True,
    )
    r.para("", fmt.CENTERED)
    for number_, key in enumerate(appendix_tables(r), start=1):
        table = r.stats.table(key)
        r.table(table, appendix_caption(number_, table, r.year))


def appendix_caption(number_: int, table: StatTable, year: int) -> str:
    """``Biểu 1. <title> năm 2026``: the caption of appendix table ``number_``."""
    return f"Biểu {number_}. {table.title} năm {year}"
