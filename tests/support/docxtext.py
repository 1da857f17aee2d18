"""Reading generated .docx files back as text, for the report tests (not a test module).

``table_grid`` undoes the two-row header of grouped columns (``"Kinh tế: Mới"``), so that a table
reads back as the statistics table it was written from; ``data_tables`` gives every data table
with the caption above it, ``figure_paragraphs`` every body paragraph that states a figure (what
the recount of ``tests.support.recount`` must give). ``document_text`` is the golden-text
form of a document: every paragraph of the body in order, a layout table (document header,
signature) cell by cell, a data table row by row with its cells separated by `` | ``.
"""

from __future__ import annotations

import re
from typing import Any

from docx.oxml.ns import qn

# What a body paragraph holds besides figures: a year, or a reference to the appendix's tables.
_NOT_FIGURES = re.compile(r"năm \d{4}|Biểu \d+(, \d+)*")


def header_row_count(table: Any) -> int:
    """How many leading rows repeat on every page (``w:tblHeader``)."""
    count = 0
    for row in table.rows:
        tr_pr = row._tr.trPr
        if tr_pr is None or tr_pr.find(qn("w:tblHeader")) is None:
            break
        count += 1
    return count


def table_grid(table: Any) -> list[list[str]]:
    """The column names (groups joined back as ``group: name``), then every body row, as text."""
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    headers = header_row_count(table)
    if headers == 2:
        columns = [top if top == sub else f"{top}: {sub}" for top, sub in zip(rows[0], rows[1], strict=True)]
        return [columns, *rows[2:]]
    return rows


def is_layout_table(table: Any) -> bool:
    """A borderless side-by-side block (document header, signature) rather than a data table."""
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    top = borders.find(qn("w:top")) if borders is not None else None
    return top is not None and top.get(qn("w:val")) == "nil"


def data_tables(doc: Any, year: int) -> list[tuple[str, list[list[str]]]]:
    """Every data table of ``doc`` with the caption above it (``Biểu n. `` and `` năm <year>`` cut)."""
    found, caption = [], ""
    for block in doc.iter_inner_content():
        if not hasattr(block, "rows"):
            caption = block.text
        elif not is_layout_table(block):
            title = caption.split(". ", 1)[1] if caption.startswith("Biểu ") else caption
            found.append((title.removesuffix(f" năm {year}"), table_grid(block)))
    return found


BODY_STYLES = ("Normal", "DVK Lead-in")


def figure_paragraphs(doc: Any) -> list[str]:
    """The body paragraphs (style "Normal" or a lead-in kept with what follows, not headings or
    captions) that hold a digit once their years and references to the appendix's tables are set
    aside: those that state a figure."""
    return [
        p.text for p in doc.paragraphs if p.style.name in BODY_STYLES and re.search(r"\d", _NOT_FIGURES.sub("", p.text))
    ]


def document_text(doc: Any) -> str:
    """The golden-text form of ``doc`` (see the module docstring)."""
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if not hasattr(block, "rows"):
            lines.append(block.text)
        elif is_layout_table(block):
            for index, cell in enumerate(block.rows[0].cells):
                lines.extend(f"[ô {index + 1}] {p.text}" for p in cell.paragraphs)
        else:
            lines.extend(" | ".join(row) for row in table_grid(block))
    return "\n".join(lines) + "\n"
