"""The clerk's year in a real browser: ``dvk serve`` over a fresh workspace, driven through Debian's
chromium with Playwright.

The home page shows every unit "Chưa gửi"; three filled workbooks are uploaded through the receive
page and checked at once (two accepted, one returned with its findings); consolidation is started
from its page and polled by htmx until the result table shows; the home page then shows the units'
new states; the province report downloads through its link and is a Word document that names the
ward. No page logs a console error (a Content-Security-Policy violation is one). Every page is
shot full-page into ``build/screenshots/e2e/`` on the way.

CI (``DVK_CI=1``) must run it: a missing ``/usr/bin/chromium`` fails it there (``.ci/run`` installs
the package when it is missing); elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Page, expect

from pipeline.config import Config
from pipeline.core.findings import ERROR
from pipeline.run.check import check_paths
from tests.support import builder
from tests.support.browser import (
    CHROMIUM,
    SCREENSHOTS,
    ConsoleWatch,
    Shooter,
    chromium,
    consolidate_through_page,
    live_server,
    shoot_login,
    shoot_other_pages,
    upload_through_page,
)
from tests.support.docxtext import document_text

YEAR = builder.YEAR
ACCEPTED = ("MTTQ", "DB-CA")
RETURNED = "TR-TH"
WAIT_MS = 60_000  # consolidation of three files takes a few seconds; a loaded machine more


def _need_chromium() -> None:
    if CHROMIUM.is_file():
        return
    message = f"{CHROMIUM} is missing (Debian's chromium package; .ci/run installs it)"
    if os.environ.get("DVK_CI") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _workbooks(config: Config, folder: Path) -> list[Path]:
    """The three units' filled workbooks, as the clerk saved them from their mails."""
    folder.mkdir()
    paths = []
    for code in (*ACCEPTED, RETURNED):
        path = folder / f"{code}.xlsx"
        path.write_bytes(builder.sample_workbook(config, code, YEAR, with_errors=code == RETURNED))
        paths.append(path)
    return paths


def _expected_errors(root: Path, config: Config, returned: Path) -> list[str]:
    """The messages ``dvk check`` gives for the returned workbook: what the page must show."""
    (checked,) = check_paths(root, config, None, [returned])
    assert not checked.accepted
    return [_normal(f.message) for f in checked.findings if f.severity == ERROR]


def _states(page: Page) -> dict[str, tuple[str, str]]:
    """Each unit's state on the home page: code -> (data-state, the state's words)."""
    rows = page.locator("table#units tbody tr[data-state]")
    states = {}
    for index in range(rows.count()):
        row = rows.nth(index)
        code = _normal(row.locator("td").nth(0).inner_text())
        states[code] = (row.get_attribute("data-state") or "", _normal(row.locator("td").nth(2).inner_text()))
    return states


def _upload(
    page: Page, base: str, root: Path, workbooks: list[Path], expected_errors: list[str], shooter: Shooter
) -> None:
    """Upload through the receive page's form and see each file checked at once."""
    rows = upload_through_page(page, base, YEAR, workbooks, WAIT_MS)
    expect(page.locator("form#upload-form")).to_have_attribute("enctype", "multipart/form-data")
    accepted = [rows.nth(i).get_attribute("data-accepted") for i in range(rows.count())]
    assert sorted(accepted) == ["false", "true", "true"]
    returned_row = page.locator('table#checked tr.checked-file[data-accepted="false"]')
    assert f"{RETURNED}.xlsx" in returned_row.inner_text()
    table_text = _normal(page.locator("table#checked").text_content() or "")
    assert expected_errors and all(message in table_text for message in expected_errors)
    shooter.shoot(page, "nhan-tep")
    inbox = sorted(p.name for p in (root / "inbox").iterdir())
    assert inbox == sorted(p.name for p in workbooks)


def test_the_clerks_year_in_a_real_browser(tmp_path: Path) -> None:
    _need_chromium()
    root = tmp_path / "ws"
    root.mkdir()
    config = builder.new_workspace(root, templates=YEAR)
    workbooks = _workbooks(config, tmp_path / "tu-thu")
    expected_errors = _expected_errors(root, config, workbooks[-1])
    report_name = config.organization.reports["province"].file.format(year=YEAR)
    shooter = Shooter(SCREENSHOTS / "e2e")
    console = ConsoleWatch()

    with live_server(root) as base, chromium(tmp_path / "profile") as context:
        page = context.new_page()
        console.watch(page)

        # 1. The year at a glance: nobody has sent anything.
        page.goto(f"{base}?nam={YEAR}")
        before = _states(page)
        assert {*ACCEPTED, RETURNED} <= set(before)
        assert {state for state, _ in before.values()} == {"missing"}
        assert {words for _, words in before.values()} == {"Chưa gửi"}

        # 2. Three workbooks received through the page and checked at once.
        _upload(page, base, root, workbooks, expected_errors, shooter)

        # 3. Consolidation from its page, polled by htmx until the result shows.
        consolidate_through_page(page, base, YEAR, WAIT_MS)
        expect(page.locator("table#result tbody tr")).to_have_count(3)
        expect(page.locator("#downloads")).to_be_visible()
        shooter.shoot(page, "tong-hop")

        # 4. The units' new states on the home page.
        page.goto(f"{base}?nam={YEAR}")
        after = _states(page)
        for code in ACCEPTED:
            state, words = after[code]
            assert state in ("on-time", "late") and re.fullmatch(r"Đúng hạn|Trễ hạn \d+ ngày.*", words), after[code]
        state, words = after[RETURNED]
        assert (state, words) == ("rejected", f"Bị trả lại với {len(expected_errors)} lỗi")
        assert {s for code, (s, _) in after.items() if code not in (*ACCEPTED, RETURNED)} == {"missing"}
        shooter.shoot(page, "trang-chinh")

        # 5. The province report through its link on the consolidation page.
        page.goto(f"{base}tong-hop?nam={YEAR}")
        link = page.locator(f'#downloads a[href$="/{report_name}"]')
        with page.expect_download() as download:
            link.click()
        saved = tmp_path / "tai-ve" / report_name
        download.value.save_as(saved)
        assert download.value.suggested_filename == report_name
        text = document_text(docx.Document(str(saved)))
        assert config.organization.ward_name.lower() in text.lower()

        # 6. Every other page, for the screenshots.
        shoot_other_pages(shooter, page, base, RETURNED, YEAR)
    shoot_login(shooter, root, tmp_path / "profile-login")

    assert not console.errors, "\n".join(console.errors)
    assert shooter.taken and all(p.stat().st_size > 1000 for p in shooter.taken)
