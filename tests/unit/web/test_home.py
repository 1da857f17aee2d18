"""The year at a glance: every unit's state as ``dvk status`` gives it, the counts, the days left,
filters, the charts drawn from the reports' own chart data."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.run.replay import consolidate_year
from pipeline.web.app import create_app
from pipeline.web.site import Site
from tests.support.builder import RECEIVED, copy_config, drop_file, one_returned, sample_workbook
from tests.support.web import PageClient, page_client


def _rows(html: str) -> dict[str, tuple[str, str]]:
    """Unit code -> (data-state, badge text) of the home page's table."""
    found = re.findall(
        r'<tr data-group="[^"]*" data-origin="[^"]*" data-state="([^"]+)"[^>]*>\s*<td><a href="/don-vi/([^?"]+)\?nam=\d+">'
        r'.*?<span class="badge [^"]+">([^<]+)</span>',
        html,
        re.S,
    )
    return {code: (state, label) for state, code, label in found}


def test_a_new_workspace_shows_every_unit_not_sent(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    config = load_config(root)
    html = page_client(root).get("/?nam=2026").text
    rows = _rows(html)
    active = [u for u in config.units.units if u.active_on(config.year(2026).deadline)]
    assert len(rows) == len(active) > 30
    assert {state for state, _ in rows.values()} <= {"missing", "exempt"}
    assert "Chưa gửi" in {label for _, label in rows.values()}
    assert "Chưa có mô hình nào được tổng hợp trong năm 2026" in html
    assert 'id="units-progress" max="' in html and 'value="0"' in html


def test_states_follow_the_register_after_consolidation(tmp_path: Path) -> None:
    root = one_returned(tmp_path)
    config = load_config(root)
    consolidate_year(root, config, 2026, None)
    rows = _rows(page_client(root).get("/?nam=2026").text)
    assert rows["MTTQ"][0] in ("on-time", "late")
    state, label = rows["CD"]
    assert state == "rejected"
    assert re.fullmatch(r"Bị trả lại với [1-9]\d* lỗi", label)


def test_a_returned_unit_that_sent_a_good_file_is_shown_fixed(tmp_path: Path) -> None:
    root = one_returned(tmp_path)
    config = load_config(root)
    drop_file(root, "c.xlsx", sample_workbook(config, "CD", 2026), RECEIVED + dt.timedelta(days=1))
    consolidate_year(root, config, 2026, None)
    state, label = _rows(page_client(root).get("/?nam=2026").text)["CD"]
    assert state == "fixed" and label.startswith("Đã sửa (")


def test_the_charts_are_drawn_on_the_page_from_the_reports_data(tmp_path: Path) -> None:
    root = one_returned(tmp_path)
    consolidate_year(root, load_config(root), 2026, None)
    html = page_client(root).get("/?nam=2026").text
    svgs = re.findall(r"<svg class=\"chart\".*?</svg>", html, re.S)
    assert len(svgs) >= 2
    assert "Số mô hình theo lĩnh vực, năm 2026" in html and "Số mô hình theo khối, năm 2026" in html
    assert all("style=" not in svg and "<script" not in svg for svg in svgs)
    assert '<rect class="s0"' in html


def test_the_year_is_chosen_on_the_page(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    client = page_client(root)
    html = client.get("/?nam=2026").text
    assert "Tình hình báo cáo năm 2026" in html
    assert '<option value="2026" selected>' in html
    # A year the calendar does not have: the page falls back to a year it knows instead of failing.
    other = client.get("/?nam=1999")
    assert other.status_code == 200 and "năm 1999" not in other.text


def test_a_broken_config_is_shown_as_its_message_not_a_crash(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    (root / "config" / "units.yaml").write_text("units: [\n", encoding="utf-8")
    response = page_client(root).get("/")
    assert response.status_code == 200
    assert "Cấu hình có lỗi" in response.text and "config/units.yaml" in response.text


def test_a_run_holding_the_workspace_is_named_on_the_page(tmp_path: Path) -> None:
    from pipeline.run.lock import workspace_lock

    root = copy_config(tmp_path)
    with workspace_lock(root, "consolidate"):
        html = page_client(root).get("/").text
    assert 'id="lock-banner"' in html and "dvk consolidate" in html


@pytest.mark.parametrize("days, words", [(3, "Còn 3 ngày"), (0, "Hôm nay"), (-2, "Đã quá hạn 2 ngày")])
def test_the_days_left_to_the_deadline(tmp_path: Path, days: int, words: str) -> None:
    root = copy_config(tmp_path)
    deadline = load_config(root).year(2026).deadline
    site = Site(root, today=lambda: deadline - dt.timedelta(days=days))
    client = PageClient(create_app(root, site=site)).start()
    assert words in client.get("/?nam=2026").text
