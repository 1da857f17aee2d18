"""The consolidation page: the run's end reloads the whole page, the result and the downloads."""

from __future__ import annotations

from pathlib import Path

from pipeline.web.pages.consolidate import grouped
from tests.support import builder
from tests.support.web import page_client


def test_the_poll_that_sees_the_run_ended_reloads_the_whole_page(tmp_path: Path) -> None:
    """The lock's banner and the disabled button sit outside the polled section: only a reload
    takes them away once the run has ended."""
    builder.one_returned(tmp_path)
    client = page_client(tmp_path)
    assert client.send_form(f"/tong-hop?nam={builder.YEAR}").status_code == 303
    client.app.state.site.jobs.wait(120)  # type: ignore[attr-defined]
    polled = client.get(f"/tong-hop/tien-do?nam={builder.YEAR}", headers={"HX-Request": "true"})
    assert polled.headers.get("hx-refresh") == "true"
    assert 'id="result"' in polled.text
    page = client.get(f"/tong-hop?nam={builder.YEAR}").text
    assert 'id="lock-banner"' not in page and "hx-trigger" not in page
    assert 'id="consolidate-button">' in page  # not disabled
    # The year's own outputs in the list, each folder's files under its label.
    report = f'href="/tai/{builder.YEAR}/bao-cao-tinh-{builder.YEAR}.docx"'
    assert report in page.split('id="downloads"')[1]
    assert "Tệp phản hồi gửi các đơn vị (2 tệp)" in page
    assert f'href="/tai/{builder.YEAR}/phan-hoi/CD.xlsx" download>CD.xlsx<' in page


def test_a_poll_while_the_run_goes_on_does_not_reload(tmp_path: Path) -> None:
    builder.new_workspace(tmp_path)
    client = page_client(tmp_path)
    polled = client.get(f"/tong-hop/tien-do?nam={builder.YEAR}", headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "hx-refresh" not in polled.headers


def test_downloads_are_grouped_by_folder() -> None:
    files = ["bao-cao-tinh-2026.docx", "mau-bieu/CD.xlsx", "mau-bieu/YT.xlsx", "phan-hoi/CD.xlsx", "tong-hop-2026.xlsx"]
    top, folders = grouped(files)
    assert top == ["bao-cao-tinh-2026.docx", "tong-hop-2026.xlsx"]
    assert folders == [
        ("Mẫu biểu của các đơn vị", ["mau-bieu/CD.xlsx", "mau-bieu/YT.xlsx"]),
        ("Tệp phản hồi gửi các đơn vị", ["phan-hoi/CD.xlsx"]),
    ]
