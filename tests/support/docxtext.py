"""Reading generated .docx files back as text, for the report tests (not a test module).

``table_grid`` undoes the two-row header of grouped columns (``"Kinh tế: Mới"``), so that a table
reads back as the statistics table it was written from. ``document_text`` is the golden-text
form of a document: every paragraph of the body in order, a layout table (document header,
signature) cell by cell, a data table row by row with its cells separated by `` | ``.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn


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
