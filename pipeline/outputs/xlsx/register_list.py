"""The register's list as a workbook: the items a reader filtered on the "Sổ theo dõi" page.

Contract: :func:`register_list_bytes` writes one sheet "Sổ theo dõi" with a title row, a header row
and one row per item, in the order given (code, kind, unit, name, field, year registered, state,
years reported, life-cycle events as text). Pure and deterministic: the same items give the same
bytes (fixed document properties and time, :func:`.workbook.fixed_bytes`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.workbook.workbook import Workbook

from ...core.lifecycle import EVENT_LABELS, STATE_LABELS
from ...register.listing import ITEM_KIND_LABELS, ItemRecord
from .workbook import HEADING_FONT, WRAP_TOP, end_of_cycle, fixed_bytes, put, set_properties, set_widths, style_header

SHEET = "Sổ theo dõi"
TITLE = "SỔ THEO DÕI MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO”"
HEADERS = (
    "Mã",
    "Loại",
    "Đơn vị",
    "Tên mô hình, điển hình",
    "Lĩnh vực",
    "Năm đăng ký",
    "Trạng thái",
    "Các năm báo cáo",
    "Diễn biến",
)
WIDTHS = {1: 14, 2: 18, 3: 30, 4: 50, 5: 24, 6: 10, 7: 20, 8: 16, 9: 60}
FIRST_ROW = 3  # the title, then the header, then the items


def event_lines(record: ItemRecord) -> str:
    """The item's life-cycle events, one per line: "2026: Công nhận (Được công nhận) - lý do"."""
    lines = []
    for e in record.events:
        line = f"{e.year}: {EVENT_LABELS.get(e.event, e.event)} ({STATE_LABELS.get(e.after, e.after)})"
        lines.append(f"{line} - {e.reason}" if e.reason else line)
    return "\n".join(lines)


def register_list_bytes(records: Sequence[ItemRecord], unit_names: Mapping[str, str], year: int) -> bytes:
    """The workbook of ``records``; ``unit_names`` names each unit by its code; stamped with ``year``."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    put(ws.cell(1, 1), TITLE)
    ws.cell(1, 1).font = HEADING_FONT
    for column, header in enumerate(HEADERS, start=1):
        put(ws.cell(2, column), header)
        style_header(ws.cell(2, column))
    for row, r in enumerate(records, start=FIRST_ROW):
        unit = unit_names.get(r.unit, "")
        values = (
            r.code,
            ITEM_KIND_LABELS.get(r.kind, r.kind),
            f"{r.unit} - {unit}" if unit else r.unit,
            r.name,
            r.field,
            r.first_year,
            STATE_LABELS.get(r.state, r.state),
            ", ".join(str(y) for y in r.years),
            event_lines(r),
        )
        for column, value in enumerate(values, start=1):
            put(ws.cell(row, column), value)
            ws.cell(row, column).alignment = WRAP_TOP
    set_widths(ws, WIDTHS)
    ws.freeze_panes = "A3"
    moment = end_of_cycle(year)
    set_properties(wb, "Dân vận khéo", TITLE, moment)
    return fixed_bytes(wb, moment)
