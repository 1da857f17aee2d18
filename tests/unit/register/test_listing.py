"""The register as a list: every item with its field, years and events, searched and filtered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.register import open_register
from pipeline.register.listing import ItemQuery, item_records, select

NOW = dt.datetime(2027, 12, 1, 9)


def fill_register(root: Path) -> None:
    """Four items over two years: fields, units, kinds and states that tell them apart."""
    with open_register(root, NOW) as register:
        items = (
            ("MH-2026-001", "models", "KP-BD01", "Gia đình văn hóa kiểu mẫu", 2026, "recognised", "Văn hóa - xã hội"),
            ("MH-2026-002", "models", "MTTQ", "Tuyến đường sáng - xanh", 2026, "in-progress", "Kinh tế"),
            ("TT-2027-001", "collectives", "MTTQ", "Tổ tự quản khu phố 3", 2027, "registered", "Kinh tế"),
            ("CN-2027-001", "individuals", "CD", "Nguyễn Văn Bình", 2027, "registered", ""),
        )
        for code, kind, unit, name, year, state, field in items:
            register.add_item(code, kind, unit, name, name.lower(), year, state)
            register.record_year(code, year, "a" * 64, 5, {"name": name, "field": field} if field else {"name": name})
            register.record_event(code, year, "register", None, "registered", "a" * 64, f"Đăng ký năm {year}")
        register.record_year("MH-2026-001", 2027, "b" * 64, 5, {"name": "x", "field": "Văn hóa - xã hội"})
        register.record_event("MH-2026-001", 2027, "recognise", "in-progress", "recognised", "QĐ 12", "Đạt")


def test_every_item_comes_with_its_latest_field_years_and_events_in_order(tmp_path: Path) -> None:
    fill_register(tmp_path)
    with open_register(tmp_path, NOW, write=False) as register:
        records = item_records(register)
    assert [r.code for r in records] == ["CN-2027-001", "MH-2026-001", "MH-2026-002", "TT-2027-001"]
    first = records[1]
    assert (first.field, first.years, first.state) == ("Văn hóa - xã hội", (2026, 2027), "recognised")
    assert [(e.year, e.event, e.after) for e in first.events] == [
        (2026, "register", "registered"),
        (2027, "recognise", "recognised"),
    ]
    assert records[0].field == ""


def test_a_query_filters_by_each_field_and_searches_without_tone_marks(tmp_path: Path) -> None:
    fill_register(tmp_path)
    with open_register(tmp_path, NOW, write=False) as register:
        records = item_records(register)

    def codes(**asked: object) -> list[str]:
        return [r.code for r in select(records, ItemQuery(**asked))]  # type: ignore[arg-type]

    assert codes(unit="MTTQ") == ["MH-2026-002", "TT-2027-001"]
    assert codes(kind="models") == ["MH-2026-001", "MH-2026-002"]
    assert codes(state="registered") == ["CN-2027-001", "TT-2027-001"]
    assert codes(field="Kinh tế") == ["MH-2026-002", "TT-2027-001"]
    assert codes(year=2026) == ["MH-2026-001", "MH-2026-002"]
    assert codes(year=2027) == ["CN-2027-001", "MH-2026-001", "TT-2027-001"]
    assert codes(text="gia dinh VAN HOA") == ["MH-2026-001"]
    assert codes(text="Tổ tự quản", unit="MTTQ") == ["TT-2027-001"]
    assert codes(text="tt-2027") == ["TT-2027-001"]
    assert codes(text="không có") == []
    assert len(codes()) == 4
