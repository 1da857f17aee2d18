"""Report stage: statistics + consolidation -> the two Word reports of the year.

Contract:

- :func:`build_report` ``(kind, stats, data, config, date, narrative) -> docx.Document`` is pure and
  in memory. ``kind`` is ``"province"`` (to Ban Tuyên giáo và Dân vận Tỉnh ủy) or ``"standing"``
  (to Thường trực Đảng ủy); ``config.organization.reports[kind]`` gives the subject and recipients.
  ``date`` is the issuing date; ``None`` leaves "ngày … tháng … năm" blank for the clerk.
  ``narrative`` is the parts people write (the clerk's document over the pre-draft,
  :func:`pipeline.year.narrative.effective_narrative`); ``None``: the pre-draft. Both reports open
  part I with its opening and the leadership's activities; the province report prints III-V from
  it, the standing report its own III (what Thường trực is asked to decide).
- :func:`report_bytes` saves the same document deterministically: fixed core properties (author =
  issuing body, title = subject, dates = ``date`` or 1 December of the year, revision 1) and zip
  entries under fixed headers (:func:`pipeline.core.ooxml.fixed_zip_entry`), the data tables' body
  rows streamed into ``word/document.xml`` as text (:mod:`pipeline.outputs.docx.tables`: a
  province's tables hold some 200,000 cells). Same inputs, same bytes.
- :func:`report_file_name` is the configured file name of the year.

This module holds the order of each document: header block, body, signature block, and for the
province report the appendix "PHỤ LỤC". The body of each report is one function listing its
sections, so a further block (a chart, say) is one call in ``_province_body`` / ``_standing_body``.
Where the parts are: :mod:`~pipeline.outputs.docx.blocks` (header and signature blocks),
:mod:`~pipeline.outputs.docx.sections` (the introduction and sections I-II of both reports,
III-V of the province report, the parts people write), :mod:`~pipeline.outputs.docx.standing` (section III of the
standing report), :mod:`~pipeline.outputs.docx.appendices` (the appendix). They all write through
a :class:`~pipeline.outputs.docx.writer.ReportWriter`. The format follows Hướng dẫn 36-HD/VPTW
with the values of ``config.organization.document``; the low-level docx work is in
:mod:`~pipeline.outputs.docx.style` and :mod:`~pipeline.outputs.docx.table_frames`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ...config import Config, ReportSpec
from ...intake.narrative import NarrativeText
from ...year.consolidate import Consolidation
from ...year.narrative import draft_narrative
from ...year.stats import Statistics
from . import style as fmt
from .appendices import appendix
from .blocks import signature_block, title_block
from .sections import (
    evaluation,
    intro,
    leadership,
    other_activities,
    outstanding,
    registration,
    rewards,
    written_parts,
)
from .standing import proposed_items, unit_issues, unit_opinions
from .writer import ReportWriter

KINDS = ("province", "standing")


def report_file_name(kind: str, config: Config, year: int) -> str:
    """The configured file name of report ``kind`` for ``year``."""
    return _spec(kind, config).file.format(year=year)


def report_bytes(
    kind: str,
    stats: Statistics,
    data: Consolidation,
    config: Config,
    date: dt.date | None,
    narrative: NarrativeText | None = None,
) -> bytes:
    """The report as .docx bytes that depend only on the inputs.

    python-docx serialises each part, the data tables without their body rows; the rows are
    written into ``word/document.xml`` as it goes into the zip (fixed entry headers)."""
    report = _build(kind, stats, data, config, date, narrative)
    day = date or dt.date(stats.year, 12, 1)
    fixed = dt.datetime(day.year, day.month, day.day)
    spec = _spec(kind, config)
    fmt.set_core_properties(report.doc, spec.issuer.body, spec.subject.format(year=stats.year), fixed)
    return report.tables.package(report.doc)


def build_report(
    kind: str,
    stats: Statistics,
    data: Consolidation,
    config: Config,
    date: dt.date | None,
    narrative: NarrativeText | None = None,
) -> Any:
    """The report ``kind`` ("province" or "standing") as a python-docx Document, tables filled."""
    report = _build(kind, stats, data, config, date, narrative)
    report.tables.materialize(report.doc.element)
    return report.doc


def _build(
    kind: str,
    stats: Statistics,
    data: Consolidation,
    config: Config,
    date: dt.date | None,
    narrative: NarrativeText | None,
) -> ReportWriter:
    """The report written, its data tables' body rows still waiting in ``tables``."""
    spec = _spec(kind, config)
    config.organization.require_signers()
    written = narrative if narrative is not None else draft_narrative(stats, data, config)
    document = fmt.new_document(config.organization.document)
    report = ReportWriter(document, stats, data, config, date, kind, narrative=written)
    fmt.number_pages_from_two(report.doc.sections[0], report.font, report.size)
    title_block(report, spec)
    _BODIES[kind](report)
    signature_block(report, spec)
    if kind == "province":
        appendix(report)
    return report


def _spec(kind: str, config: Config) -> ReportSpec:
    if kind not in KINDS:
        raise ValueError(f"loại báo cáo “{kind}” không hợp lệ; cho phép: {', '.join(KINDS)}")
    return config.organization.reports[kind]


def _province_body(r: ReportWriter) -> None:
    intro(r)
    leadership(r, appendix=True)
    r.heading("II. KẾT QUẢ THỰC HIỆN")
    registration(r, "1.", all_tables=True)
    outstanding(r, "2.", resources_table=True)
    evaluation(r, "3.", appendix=True)
    rewards(r, "4.", appendix=True)
    other_activities(r, "5.", with_table=True)
    written_parts(r, first=3)


def _standing_body(r: ReportWriter) -> None:
    intro(r)
    leadership(r, appendix=False)
    r.heading("II. KẾT QUẢ THỰC HIỆN")
    registration(r, "1.", all_tables=False)
    outstanding(r, "2.", resources_table=False)
    evaluation(r, "3.", appendix=False)
    rewards(r, "4.", appendix=False)
    other_activities(r, "5.", with_table=False)
    r.heading(f"III. NHỮNG NỘI DUNG ĐỀ NGHỊ {r.words.standing.upper()} CHO Ý KIẾN")
    unit_issues(r, "1.")
    proposed_items(r, "2.")
    unit_opinions(r, "3.")


_BODIES: dict[str, Callable[[ReportWriter], None]] = {"province": _province_body, "standing": _standing_body}
