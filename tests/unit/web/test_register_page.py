"""The register page (``/so-theo-doi``): filtered and searched on the server, paged, each item with
its events, and the same list exported as .xlsx."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.outputs.xlsx.register_list import FIRST_ROW, SHEET
from pipeline.register import open_register
from pipeline.run.cycle import run_consolidation
from tests.support.builder import copy_config, sample_workspace
from tests.support.web import page_client
from tests.unit.register.test_listing import fill_register

_ROW = re.compile(r'<tr class="item" data-code="([^"]+)"')


def codes_on(html: str) -> list[str]:
    return _ROW.findall(html)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy_config(tmp_path)
    fill_register(tmp_path)
    return tmp_path


def test_the_register_lists_every_item_with_its_events(root: Path) -> None:
    response = page_client(root).get("/so-theo-doi")
    assert response.status_code == 200
    assert codes_on(response.text) == ["CN-2027-001", "MH-2026-001", "MH-2026-002", "TT-2027-001"]
    assert "Gia đình văn hóa kiểu mẫu" in response.text and "Công nhận → Được công nhận (Đạt)" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("unit=MTTQ", ["MH-2026-002", "TT-2027-001"]),
        ("kind=models&state=in-progress", ["MH-2026-002"]),
        ("field=Kinh+t%E1%BA%BF", ["MH-2026-002", "TT-2027-001"]),
        ("year=2027", ["CN-2027-001", "MH-2026-001", "TT-2027-001"]),
        ("q=gia+dinh", ["MH-2026-001"]),
        ("q=t%E1%BB%95+t%E1%BB%B1+qu%E1%BA%A3n&unit=MTTQ", ["TT-2027-001"]),
        ("q=kh%C3%B4ng+c%C3%B3", []),
    ],
)
def test_filters_and_search_are_applied_on_the_server(root: Path, query: str, expected: list[str]) -> None:
    html = page_client(root).get(f"/so-theo-doi?{query}").text
    assert codes_on(html) == expected
    if not expected:
        assert "Không có mục nào khớp" in html


def test_a_large_register_is_paged_by_a_hundred(tmp_path: Path) -> None:
    copy_config(tmp_path)
    with open_register(tmp_path, dt.datetime(2026, 12, 1)) as register:
        for n in range(1, 251):
            register.add_item(f"MH-2026-{n:03d}", "models", "MTTQ", f"Mô hình {n}", f"mô hình {n}", 2026, "registered")
    client = page_client(tmp_path)
    first = client.get("/so-theo-doi?unit=MTTQ").text
    assert codes_on(first) == [f"MH-2026-{n:03d}" for n in range(1, 101)]
    assert "Trang 1/3" in first and 'href="/so-theo-doi?unit=MTTQ&amp;page=2"' in first
    last = client.get("/so-theo-doi?unit=MTTQ&page=3").text
    assert codes_on(last) == [f"MH-2026-{n:03d}" for n in range(201, 251)]
    assert codes_on(client.get("/so-theo-doi?page=99").text) == codes_on(last)  # past the end: the last page


def test_the_export_is_the_filtered_list_as_a_workbook(root: Path) -> None:
    client = page_client(root)
    response = client.get("/so-theo-doi/xuat.xlsx?unit=MTTQ&q=to")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(response.content))[SHEET]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=FIRST_ROW)]
    assert [r[0] for r in rows] == ["TT-2027-001"]
    assert str(rows[0][2]).startswith("MTTQ - ") and rows[0][3] == "Tổ tự quản khu phố 3"
    assert client.get("/so-theo-doi/xuat.xlsx?unit=MTTQ&q=to").content == response.content
    everything = load_workbook(io.BytesIO(client.get("/so-theo-doi/xuat.xlsx").content))[SHEET]
    assert [r[0].value for r in everything.iter_rows(min_row=FIRST_ROW)] == codes_on(client.get("/so-theo-doi").text)


def test_an_item_has_its_own_page_with_its_events(root: Path) -> None:
    client = page_client(root)
    response = client.get("/so-theo-doi/MH-2026-001")
    assert response.status_code == 200
    assert response.text.count('<tr data-event="') == 2
    assert '<tr data-event="recognise"><td>2027</td><td>Công nhận</td>' in response.text
    assert client.get("/so-theo-doi/MH-9999-999").status_code == 404


def test_the_page_renders_for_an_empty_workspace_and_a_consolidated_one(tmp_path: Path) -> None:
    empty = copy_config(tmp_path / "empty")
    html = page_client(empty).get("/so-theo-doi").text
    assert "Sổ theo dõi chưa có mô hình" in html and codes_on(html) == []
    root, config = sample_workspace(tmp_path / "ward", ("KP-BD01", "MTTQ"), 2026, dt.datetime(2026, 11, 20, 9))
    run_consolidation(root, config, 2026, dt.date(2026, 12, 5))
    shown = codes_on(page_client(root).get("/so-theo-doi").text)
    assert shown and all(code.split("-")[0] in ("MH", "TT", "CN") for code in shown)
