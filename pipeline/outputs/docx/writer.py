"""What every part of a report writes through: the document being written and its inputs.

Contract: a :class:`ReportWriter` holds the python-docx document, the year's statistics and
consolidation, the configuration, the issuing date (``None``: not yet known), which report it is,
the data tables' body rows still to be written (:class:`pipeline.outputs.docx.tables.TableBodies`)
and the written parts (:class:`pipeline.intake.narrative.NarrativeText`: the clerk's, or the
pre-draft). Its methods
write a paragraph in one of the styles of :mod:`pipeline.outputs.docx.style`, a heading, a
subheading, or a statistics table under its caption; :attr:`ReportWriter.when` is the issuing date
as the report writes it. The writer is frozen: the parts of the report only add to its document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ...config import Config, Organization, ReportSpec
from ...config.organization import Wording
from ...core.vnformat import long_date, number
from ...intake.narrative import NarrativeText
from ...year.consolidate import Consolidation
from ...year.stat_table import StatTable
from ...year.stats import Statistics
from . import style as fmt
from .table_frames import add_data_table
from .tables import TableBodies

BLANK = "     "  # room for the clerk to write the day and month by hand


@dataclass(frozen=True)
class ReportWriter:
    """What every section needs: the document being written and its inputs."""

    doc: Any
    stats: Statistics
    data: Consolidation
    config: Config
    date: dt.date | None
    kind: str  # "province" or "standing"
    tables: TableBodies = field(default_factory=TableBodies)
    narrative: NarrativeText = field(default_factory=NarrativeText)

    @property
    def org(self) -> Organization:
        return self.config.organization

    @property
    def words(self) -> Wording:
        """The words of the report's level (a ward's or a province's units, its standing body)."""
        return self.org.wording

    @property
    def spec(self) -> ReportSpec:
        """The configured report being written: its issuer, signer, subject, recipients."""
        return self.org.reports[self.kind]

    @property
    def font(self) -> str:
        return self.org.document.font

    @property
    def size(self) -> float:
        return self.org.document.body_size

    @property
    def year(self) -> int:
        return self.stats.year

    @property
    def when(self) -> str:
        """``ngày 05 tháng 12 năm 2026``, or the same with blanks when there is no date yet."""
        return long_date(self.date) if self.date else f"ngày{BLANK}tháng{BLANK}năm {self.year}"

    def n(self, key: str) -> str:
        """A figure of the statistics in Vietnamese format."""
        return number(self.stats.figures[key])

    def para(self, text: str, style: str = fmt.BODY, **run_format: Any) -> Any:
        """A paragraph; the report's own sentences in the words of its level, the written parts as written."""
        said = text if style == fmt.WRITTEN else self.words.say(text)
        return fmt.add_paragraph(self.doc, said, self.font, style, **run_format)

    def heading(self, text: str) -> None:
        self.para(text, fmt.HEADING)

    def subheading(self, text: str) -> None:
        self.para(text, fmt.SUBHEADING)

    def table(self, table: StatTable, caption: str | None = None) -> None:
        self.para(caption or table.title, fmt.CAPTION)
        if not table.rows:
            self.para("(Không có số liệu.)", fmt.CENTERED, italic=True)
            return
        width = fmt.section_text_width_mm(self.doc.sections[-1])  # the appendix is landscape
        add_data_table(self.doc, self.font, table, width, self.tables)
