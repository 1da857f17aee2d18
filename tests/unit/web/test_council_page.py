"""/xet-duyet: the council's workbook issued and downloaded, the filled one received and checked,
what the last consolidation recorded and refused."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline.config import Config
from pipeline.outputs.xlsx.council import COUNCIL_SHEET
from pipeline.run.lock import workspace_lock
from pipeline.run.replay import consolidate_year, last_answer
from tests.support.builder import (
    activity_answers,
    council_decided,
    drop_workbook,
    morning_of,
    new_workspace,
    scored_models,
)
from tests.support.web import ORIGIN, PageClient, page_client

YEAR = 2026
WORKBOOK = f"outbox/{YEAR}/xet-duyet-{YEAR}.xlsx"


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, Config]:
    """2026 consolidated once: KP-BD01 with two new models."""
    config = new_workspace(tmp_path)
    answers = {
        "unit": {"preparer": "Trần Văn Minh", "report_date": dt.date(2026, 11, 20)},
        "models": scored_models(2026, "Camera an ninh", "Tuyến đường hoa"),
        "activities": activity_answers(config, 2),
    }
    drop_workbook(tmp_path, config, "KP-BD01", answers, "kp01.xlsx", morning_of(dt.date(2026, 11, 20)), 2026)
    consolidate_year(tmp_path, config, YEAR, None)
    return tmp_path, config


def filled(path: Path, decisions: dict[str, tuple[Any, ...]]) -> bytes:
    """The issued workbook at ``path`` with ``decisions`` (item name -> decision, number, date)."""
    return council_decided(path, decisions)


def issue(client: PageClient) -> Any:
    return client.send_form(f"/xet-duyet/phat-hanh?nam={YEAR}")


def send(client: PageClient, name: str, data: bytes) -> Any:
    return client.post(
        f"/xet-duyet?nam={YEAR}&csrf={client.token}",
        files=[("files", (name, data, "application/octet-stream"))],
        headers={"origin": ORIGIN},
    )


def test_the_workbook_is_issued_from_the_page_and_downloaded(ward: tuple[Path, Config]) -> None:
    root, _ = ward
    client = page_client(root)
    before = client.get(f"/xet-duyet?nam={YEAR}").text
    assert "Chưa có bảng xét duyệt" in before and 'id="issue-council"' in before
    response = issue(client)
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Đã lập bảng xét duyệt với 2 mô hình" in page
    assert f'href="/tai/{YEAR}/xet-duyet-{YEAR}.xlsx"' in page
    download = client.get(f"/tai/{YEAR}/xet-duyet-{YEAR}.xlsx")
    assert download.content == (root / WORKBOOK).read_bytes()
    assert COUNCIL_SHEET in openpyxl.load_workbook(io.BytesIO(download.content)).sheetnames


def test_issuing_is_refused_without_the_token_from_another_origin_or_while_busy(ward: tuple[Path, Config]) -> None:
    root, _ = ward
    client = page_client(root)
    no_token = client.post(f"/xet-duyet/phat-hanh?nam={YEAR}", headers={"origin": ORIGIN}, follow_redirects=False)
    assert no_token.status_code == 403
    foreign = client.post(
        f"/xet-duyet/phat-hanh?nam={YEAR}",
        data={"csrf": client.token},
        headers={"origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert foreign.status_code == 403
    assert send(PageClient(client.app), "x.xlsx", b"PK").status_code == 403  # a fresh session: no token
    with workspace_lock(root, "consolidate --year 2026"):
        busy = issue(client)
    assert busy.status_code == 409 and "consolidate --year 2026" in busy.text
    assert not (root / WORKBOOK).exists()


def test_a_filled_workbook_is_received_checked_then_recorded_by_consolidation(ward: tuple[Path, Config]) -> None:
    root, config = ward
    client = page_client(root)
    issue(client)
    data = filled(root / WORKBOOK, {"Camera an ninh": ("Công nhận", "12-QĐ/BCĐ", dt.datetime(2026, 12, 15))})
    response = send(client, "xet duyet da ghi.xlsx", data)
    assert response.status_code == 200
    assert (root / "inbox" / "xet duyet da ghi.xlsx").read_bytes() == data
    row = response.text.split('<tr class="checked-file"')[1]
    assert 'data-accepted="true"' in row and 'data-kind="council"' in row
    assert "1 quyết định sẽ được ghi, 0 quyết định đã ghi từ trước" in row
    assert "Tổng hợp" in response.text  # says where the decisions get recorded
    assert "council-unknown" not in response.text
    consolidate_year(root, config, YEAR, None)
    last = last_answer(root, YEAR)
    assert last is not None and last.summary["council"][0]["applied"] == 1
    page = client.get(f"/xet-duyet?nam={YEAR}").text
    result = page.split('id="council-result"')[1]
    assert 'data-verdict="accepted"' in result and "xet duyet da ghi.xlsx" in result and "Được ghi" in result


def test_a_refused_council_file_shows_its_errors(ward: tuple[Path, Config]) -> None:
    root, config = ward
    client = page_client(root)
    issue(client)
    data = filled(root / WORKBOOK, {"Camera an ninh": ("Báo cáo", "12-QĐ/BCĐ", dt.datetime(2026, 12, 15))})
    response = send(client, "xet-duyet.xlsx", data)
    row = response.text.split('<tr class="checked-file"')[1]
    assert 'data-accepted="false"' in row and 'class="finding severity-error"' in row and "L4" in row
    consolidate_year(root, config, YEAR, None)
    page = client.get(f"/xet-duyet?nam={YEAR}").text
    result = page.split('id="council-result"')[1]
    assert "Được ghi, trừ các dòng có lỗi" in result
    assert 'data-cell="L4"' in result and "“Báo cáo”" in result


def test_before_any_consolidation_the_page_says_so(tmp_path: Path) -> None:
    new_workspace(tmp_path)
    assert last_answer(tmp_path, YEAR) is None
    assert f"Chưa có kết quả tổng hợp năm {YEAR}" in page_client(tmp_path).get(f"/xet-duyet?nam={YEAR}").text
