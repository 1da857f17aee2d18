"""The report's framing blocks: the header block above the title and the signature block at the end.

Contract: :func:`title_block` writes the Party document header of Hướng dẫn 36-HD/VPTW (issuing
bodies and document number on the left, the Party's name and the place and date on the right, in
a borderless layout table) and the title (``BÁO CÁO`` and the subject of ``spec``).
:func:`signature_block` writes the recipients ("Nơi nhận:", from ``spec``) on the left and the
signer (on behalf of, position, a gap to sign in, name) on the right. Each layout row is kept on
one page. :func:`number_line` is the document number as the header and the appendix write it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...config import Issuer, ReportSpec
from . import style as fmt
from .table_frames import add_layout_table, keep_row_together
from .writer import ReportWriter

# Sizes fixed by Hướng dẫn 36-HD/VPTW (the body size is a setting).
PARTY_NAME_PT = 15.0
DOC_TYPE_PT = 16.0
RECIPIENTS_PT = 12.0
HEADER_LEFT_SHARE = 80 / 165  # the issuing body in 14 pt bold caps needs ~78 mm
SIGNATURE_LEFT_SHARE = 0.45
NUMBER_BLANK = "      "  # room for the clerk to write the document number
SIGNATURE_GAP_LINES = 4


def number_line(issuer: Issuer, word: str = "Số") -> str:
    """``Số 12-BC/ĐU``, or ``Số      -BC/ĐU`` with room for the clerk when no number is configured."""
    return f"{word} {issuer.number}{issuer.symbol}" if issuer.number else f"{word}{NUMBER_BLANK}{issuer.symbol}"


def title_block(r: ReportWriter, spec: ReportSpec) -> None:
    """The document header (issuer and number | the Party's name, place and date) and the title."""
    width = fmt.text_width_mm(r.org.document)
    left_width = width * HEADER_LEFT_SHARE
    row = add_layout_table(r.doc, (left_width, width - left_width)).rows[0]
    keep_row_together(row)
    left, right = row.cells
    issuer = [(spec.issuer.upper.upper(), {}), (spec.issuer.body.upper(), {"bold": True})]
    _cell_lines(r, left, [*issuer, ("*", {}), (number_line(spec.issuer), {})])
    party_name = {"bold": True, "size": PARTY_NAME_PT, "underline": True}  # a rule exactly as long as the name
    _cell_lines(
        r, right, [(r.org.party_name.upper(), party_name), ("", {}), (f"{r.org.place}, {r.when}", {"italic": True})]
    )
    r.para("", fmt.CENTERED)
    r.para("BÁO CÁO", fmt.CENTERED, bold=True, size=DOC_TYPE_PT)
    r.para(spec.subject.format(year=r.year), fmt.CENTERED, bold=True)
    r.para("-----", fmt.CENTERED)
    r.para("", fmt.CENTERED)


def _cell_lines(
    r: ReportWriter, cell: Any, lines: Sequence[tuple[str, dict[str, Any]]], style: str = fmt.CENTERED
) -> None:
    """Write ``lines`` into a layout cell, one paragraph each (the cell's own first paragraph first)."""
    for index, (text, run_format) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        fmt.set_style(paragraph, r.doc.styles[style].style_id)
        if text:
            fmt.add_run(paragraph, text, r.font, **run_format)


def signature_block(r: ReportWriter, spec: ReportSpec) -> None:
    """The closing paragraph, then the recipients of ``spec`` | the signer, with room to sign; the
    closing paragraph is kept on the page of the block, so the signature never stands alone."""
    r.para(spec.closing.format(year=r.year), fmt.LEAD_IN)
    r.para("", fmt.LEAD_IN)
    width = fmt.text_width_mm(r.org.document)
    left_width = width * SIGNATURE_LEFT_SHARE
    row = add_layout_table(r.doc, (left_width, width - left_width)).rows[0]
    keep_row_together(row)
    left, right = row.cells
    recipients = [(line if line.startswith("-") else f"- {line}", {"size": RECIPIENTS_PT}) for line in spec.recipients]
    _cell_lines(r, left, [("Nơi nhận:", {"underline": True}), *recipients], style=fmt.PLAIN)
    sig = spec.signature
    # With no "T/M" or "K/T" line (the head of a board signs), the position is the bold first line.
    lines = [(sig.on_behalf.upper(), {"bold": True}), (sig.position.upper(), {})] if sig.on_behalf else []
    lines = lines or [(sig.position.upper(), {"bold": True})]
    lines += [("", {})] * SIGNATURE_GAP_LINES + [(sig.name, {"bold": True})]
    _cell_lines(r, right, lines)
