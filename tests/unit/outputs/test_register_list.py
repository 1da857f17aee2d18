"""The register's filtered list as a workbook: one row per item, the same bytes each time."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from pipeline.outputs.xlsx.register_list import FIRST_ROW, HEADERS, SHEET, register_list_bytes
from pipeline.register.listing import ItemEvent, ItemRecord

RECORDS = (
    ItemRecord(
        "MH-2026-001", "models", "KP-BD01", "=Gia đình văn hóa", 2026, "recognised", "Văn hóa - xã hội", (2026, 2027),
        (ItemEvent(2026, "register", None, "registered", "x", ""), ItemEvent(2027, "recognise", "in-progress", "recognised", "QĐ", "Đạt")),
    ),
    ItemRecord("CN-2027-001", "individuals", "CD", "Nguyễn Văn Bình", 2027, "registered"),
)  # fmt: skip


def test_the_workbook_lists_the_items_given_with_their_events_and_is_deterministic() -> None:
    data = register_list_bytes(RECORDS, {"KP-BD01": "Chi bộ khu phố 1"}, 2027)
    assert data == register_list_bytes(RECORDS, {"KP-BD01": "Chi bộ khu phố 1"}, 2027)
    ws = load_workbook(io.BytesIO(data))[SHEET]
    assert tuple(c.value for c in ws[FIRST_ROW - 1]) == HEADERS
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=FIRST_ROW)]
    assert rows[0][:8] == (
        "MH-2026-001", "Mô hình", "KP-BD01 - Chi bộ khu phố 1", "=Gia đình văn hóa", "Văn hóa - xã hội", 2026,
        "Được công nhận", "2026, 2027",
    )  # fmt: skip
    assert ws.cell(FIRST_ROW, 4).data_type == "s"  # text from data never becomes a formula
    assert rows[0][8] == "2026: Đăng ký (Đã đăng ký)\n2027: Công nhận (Được công nhận) - Đạt"
    assert rows[1][:3] == ("CN-2027-001", "Điển hình cá nhân", "CD")
    assert len(rows) == 2
