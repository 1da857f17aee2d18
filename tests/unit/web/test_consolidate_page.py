"""Consolidation from the page: the same run as ``dvk consolidate``, in the background, with progress;
the result table; the year's outputs to download, one by one or in one zip; the lock respected."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from pipeline.config import load_config
from pipeline.run.lock import workspace_lock
from pipeline.run.replay import consolidate_year
from pipeline.web.jobs import Jobs
from tests.support.builder import copy_config, copy_workspace, inbox_state, one_returned
from tests.support.web import ORIGIN, page_client


def _consolidate(root: Path, date: str = "2026-12-05") -> str:
    client = page_client(root)
    response = client.send_form("/tong-hop?nam=2026", {"report_date": date})
    assert response.status_code == 303 and response.headers["location"] == "/tong-hop?nam=2026"
    client.app.state.site.jobs.wait(300)
    return client.get("/tong-hop/tien-do?nam=2026").text


def test_the_page_runs_what_the_command_runs_and_writes_the_same_bytes(tmp_path: Path) -> None:
    by_page, by_command = one_returned(tmp_path / "page"), tmp_path / "command"
    copy_workspace(by_page, by_command)
    before = inbox_state(by_page)
    html = _consolidate(by_page)
    consolidate_year(by_command, load_config(by_command), 2026, dt.date(2026, 12, 5))
    assert "Đã xong" in html and 'id="result"' in html
    assert "Được dùng" in html and "Trả lại" in html
    assert inbox_state(by_page) == before
    for name in ("tong-hop-2026.xlsx", "ket-qua-kiem-tra-2026.xlsx"):
        assert (by_page / "outbox" / "2026" / name).read_bytes() == (by_command / "outbox" / "2026" / name).read_bytes()


def test_the_years_outputs_are_offered_one_by_one_and_in_one_zip(tmp_path: Path) -> None:
    root = one_returned(tmp_path)
    html = _consolidate(root)
    client = page_client(root)
    links = sorted(set(re.findall(r'href="/tai/2026/([^"]+)" download', html)))
    assert "tong-hop-2026.xlsx" in links and "phan-hoi/CD.xlsx" in links
    assert "Báo cáo gửi Ban Tuyên giáo và Dân vận Tỉnh ủy" in html and "Phản hồi cho Công đoàn phường" in html
    report = client.get("/tai/2026/tong-hop-2026.xlsx")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    assert 'filename="tong-hop-2026.xlsx"' in report.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(client.get("/tai/2026/tat-ca-2026.zip").content))
    assert sorted(archive.namelist()) == sorted(n for n in links if n != "tat-ca-2026.zip")
    assert list((root / ".dvk" / "web").iterdir()) == []  # the zip is removed once sent


def test_a_command_holding_the_workspace_stops_the_run_with_its_name(tmp_path: Path) -> None:
    root = one_returned(tmp_path)
    with workspace_lock(root, "council"):
        html = _consolidate(root)
    assert "Không chạy được" in html and "dvk council" in html
    assert not (root / "outbox" / "2026" / "tong-hop-2026.xlsx").exists()


def _held_until(release: threading.Event) -> Callable[[str], AbstractContextManager[None]]:
    """A stand-in for the workspace lock that a run waits on until ``release`` is set."""

    @contextmanager
    def held(_: str) -> Iterator[None]:
        release.wait(30)
        yield

    return held


def test_a_second_start_while_a_run_goes_on_is_refused(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    config = load_config(root)
    release = threading.Event()
    slow = _held_until(release)

    jobs = Jobs()
    assert jobs.start(root, config, 2026, None, slow)
    assert jobs.running() and not jobs.start(root, config, 2026, None, slow)
    release.set()
    jobs.wait(60)
    current = jobs.current()
    assert current is not None and current.finished and current.answer is not None


def test_progress_polls_until_the_run_ends(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    config = load_config(root)
    client = page_client(root)
    release = threading.Event()
    slow = _held_until(release)

    site = client.app.state.site
    site.jobs.start(root, config, 2026, None, slow)
    running = client.get("/tong-hop/tien-do?nam=2026").text
    assert 'hx-trigger="every 1s"' in running
    page = client.get("/tong-hop?nam=2026").text
    assert 'id="consolidate-button" disabled' in page
    release.set()
    site.jobs.wait(60)
    done = client.get("/tong-hop/tien-do?nam=2026").text
    assert "hx-trigger" not in done and "Đã xong" in done


def test_a_foreign_origin_cannot_start_a_run(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    client = page_client(root)
    response = client.post(
        "/tong-hop?nam=2026",
        data={"csrf": client.token},
        headers={"origin": "http://a.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403 and client.app.state.site.jobs.current() is None
    assert client.post("/tong-hop?nam=2026", headers={"origin": ORIGIN}).status_code == 403


def test_after_a_restart_the_page_shows_the_last_runs_result(tmp_path: Path) -> None:
    root = one_returned(tmp_path)
    consolidate_year(root, load_config(root), 2026, None)
    html = page_client(root).get("/tong-hop?nam=2026").text  # a new server: no run of its own
    assert "Kết quả lần tổng hợp gần nhất" in html
    row = re.search(r'<tr class="standing-returned"><td>b.xlsx</td>.*?</tr>', html, re.S)
    assert row is not None
    errors = re.findall(r'<td class="num">(\d*)</td>', row.group(0))[0]
    summary = json.loads((root / ".dvk" / "cache" / "last-run-2026.json").read_text(encoding="utf-8"))["summary"]
    (returned,) = summary["rejected"]
    assert int(errors) == sum(1 for f in returned["findings"] if f["severity"] == "error") > 0


def test_a_year_never_consolidated_shows_no_result(tmp_path: Path) -> None:
    html = page_client(copy_config(tmp_path)).get("/tong-hop?nam=2026").text
    assert 'id="result"' not in html and "Kết quả lần tổng hợp gần nhất" not in html


def test_the_poll_that_sees_the_run_ended_reloads_the_whole_page(tmp_path: Path) -> None:
    """The lock's banner and the disabled button sit outside the polled section: only a reload
    takes them away once the run has ended (a real browser stayed on a disabled button)."""
    one_returned(tmp_path)
    client = page_client(tmp_path)
    assert client.send_form("/tong-hop?nam=2026").status_code == 303
    client.app.state.site.jobs.wait(300)
    polled = client.get("/tong-hop/tien-do?nam=2026", headers={"HX-Request": "true"})
    assert polled.headers.get("hx-refresh") == "true"
    assert 'id="result"' in polled.text
    page = client.get("/tong-hop?nam=2026").text
    assert 'id="lock-banner"' not in page and "hx-trigger" not in page
    assert 'id="consolidate-button">' in page  # not disabled
    rows = re.findall(r'<tr class="standing-\w+"><td>([^<]+)</td>', page)
    assert rows == sorted(rows) and len(rows) == 2


def test_a_poll_before_any_run_does_not_reload(tmp_path: Path) -> None:
    copy_config(tmp_path)
    client = page_client(tmp_path)
    polled = client.get("/tong-hop/tien-do?nam=2026", headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "hx-refresh" not in polled.headers
