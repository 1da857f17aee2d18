"""The templates and mail page (``/mau-bieu``): templates issued as ``dvk templates`` issues them and
downloaded one by one or zipped; each kind's plan and drafts; drafting; sending only after a
confirmation that lists who gets what, the password only from the environment."""

from __future__ import annotations

import datetime as dt
import email
import io
import re
import zipfile
from email import policy
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.run.cycle import run_consolidation
from tests.support.builder import copy_config, sample_workspace
from tests.support.smtpserver import LOGIN, PASSWORD, LoopbackServer
from tests.support.web import ORIGIN, page_client

YEAR = 2026
PASSWORD_ENV = "DVK_TEST_WEB_MAIL_PASSWORD"
POSTS = ("/mau-bieu/tao", "/mau-bieu/thu/templates/nhap", "/mau-bieu/thu/templates/gui")


def templates_of(root: Path) -> dict[str, bytes]:
    folder = root / "outbox" / str(YEAR) / "mau-bieu"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.xlsx"))}


def with_loopback_server(root: Path, server: LoopbackServer) -> None:
    """config/mail.yaml pointed at the test's server (fast pace), its password variable named."""
    path = root / "config" / "mail.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["server"].update(
        host="127.0.0.1", port=server.port, security="starttls", user=LOGIN, password_env=PASSWORD_ENV,
        ca_file=str(server.ca_file), timeout_seconds=5,
    )  # fmt: skip
    data["sending"] = {"messages_per_minute": 6000, "retries": 1, "retry_wait_seconds": 0.01}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A consolidated workspace (three units' files, one with mistakes), read by the GET tests."""
    root, config = sample_workspace(
        tmp_path_factory.mktemp("ward"), ("KP-BD01", "MTTQ", "CD"), YEAR, dt.datetime(2026, 11, 20, 9), with_errors=2
    )
    run_consolidation(root, config, YEAR, dt.date(2026, 12, 5))
    return root


def test_the_page_shows_each_kinds_plan_for_a_consolidated_workspace(ward: Path) -> None:
    html = page_client(ward).get(f"/mau-bieu?nam={YEAR}").text
    for kind in ("templates", "reminders", "feedback"):
        assert f'<section class="card mail-kind" id="mail-{kind}">' in html
    feedback = html.split('id="mail-feedback"')[1]
    assert '<tr data-unit="CD">' in feedback and "cd@dvk-binhdinh.example" in feedback.lower()
    assert "DVK_MAIL_PASSWORD" in html and 'type="password"' not in html
    assert 'id="no-templates"' in html  # no template issued in this workspace yet


def test_the_page_renders_for_an_empty_workspace(tmp_path: Path) -> None:
    response = page_client(copy_config(tmp_path)).get("/mau-bieu")
    assert response.status_code == 200 and 'id="mail-reminders"' in response.text


def test_templates_issued_through_the_page_are_those_of_dvk_templates(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    client = page_client(root)
    response = client.send_form(f"/mau-bieu/tao?nam={YEAR}")
    assert response.status_code == 303 and response.headers["location"] == f"/mau-bieu?nam={YEAR}"
    issued = templates_of(root)
    assert len(issued) > 10
    for path in (root / "outbox" / str(YEAR) / "mau-bieu").glob("*.xlsx"):
        path.unlink()
    outcome = CliRunner().invoke(main, ["--root", str(root), "templates", "--year", str(YEAR)])
    assert outcome.exit_code == 0, outcome.output
    assert templates_of(root) == issued
    html = client.get(f"/mau-bieu?nam={YEAR}").text
    assert 'id="templates-zip"' in html
    name = next(iter(issued))
    assert client.get(f"/tai/{YEAR}/mau-bieu/{name}").content == issued[name]
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/tai/{YEAR}/mau-bieu.zip").content))
    assert {n: archive.read(n) for n in archive.namelist()} == issued


def test_a_folders_zip_keeps_to_the_allow_list(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    client = page_client(root)
    folder = root / "outbox" / str(YEAR) / "mau-bieu"
    folder.mkdir(parents=True)
    (folder / "A.xlsx").write_bytes(b"a")
    (folder / "ghi-chu.txt").write_bytes(b"not served")
    (root / "outbox" / str(YEAR) / ".an").mkdir()
    (root / "outbox" / str(YEAR) / ".an" / "B.xlsx").write_bytes(b"b")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/tai/{YEAR}/mau-bieu.zip").content))
    assert archive.namelist() == ["A.xlsx"]
    for name in (".an.zip", "..%2F..%2Fconfig.zip", "khong-co.zip", "mau-bieu%2F..%2F..%2F.zip"):
        assert client.get(f"/tai/{YEAR}/{name}").status_code == 404, name


def test_drafts_are_written_and_listed(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    client = page_client(root)
    client.send_form(f"/mau-bieu/tao?nam={YEAR}")
    response = client.send_form(f"/mau-bieu/thu/templates/nhap?nam={YEAR}")
    assert response.status_code == 200
    drafts = sorted((root / "outbox" / str(YEAR) / "thu").rglob("*.eml"))
    assert len(drafts) == len(templates_of(root))
    assert response.text.count('<tr data-status="drafted">') == len(drafts)
    page = client.get(f"/mau-bieu?nam={YEAR}").text
    relative = drafts[0].relative_to(root / "outbox" / str(YEAR)).as_posix()
    assert f'href="/tai/{YEAR}/{relative}"' in page
    assert client.get(f"/tai/{YEAR}/{relative}").content == drafts[0].read_bytes()


def test_sending_asks_for_confirmation_then_sends_through_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_config(tmp_path)
    client = page_client(root)
    client.send_form(f"/mau-bieu/tao?nam={YEAR}")
    count = len(templates_of(root))
    with LoopbackServer(root) as server:
        with_loopback_server(root, server)
        monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
        asked = client.send_form(f"/mau-bieu/thu/templates/gui?nam={YEAR}")
        assert asked.status_code == 200 and server.received == []
        assert 'name="confirm" value="1"' in asked.text and PASSWORD not in asked.text
        listed = re.findall(
            r'<tr data-unit="([^"]+)">\s*<td>[^<]*</td><td>[^<]*</td>\s*<td>([^<]*)</td><td>([^<]*)</td>', asked.text
        )
        assert len(listed) == count
        assert ("KP-BD01", "kp-bd01@dvk-binhdinh.example", "Mẫu biểu Dân vận khéo 2026 - KP-BD01.xlsx") in listed
        not_confirmed = client.send_form(f"/mau-bieu/thu/templates/gui?nam={YEAR}", {"confirm": "yes"})
        assert not_confirmed.status_code == 200 and server.received == []
        sent = client.send_form(f"/mau-bieu/thu/templates/gui?nam={YEAR}", {"confirm": "1"})
        assert sent.status_code == 200
        assert len(server.received) == count
        assert sent.text.count('<tr data-status="sent">') == count and "Đã gửi" in sent.text
        first = email.message_from_bytes(server.received[0].content, policy=policy.default)
        assert "Mẫu biểu" in str(first["Subject"])
        again = client.send_form(f"/mau-bieu/thu/templates/gui?nam={YEAR}", {"confirm": "1"})
        assert again.text.count('<tr data-status="already-sent">') == count and len(server.received) == count


def test_without_the_password_variable_nothing_is_sent_and_the_page_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_config(tmp_path)
    client = page_client(root)
    client.send_form(f"/mau-bieu/tao?nam={YEAR}")
    with LoopbackServer(root) as server:
        with_loopback_server(root, server)
        monkeypatch.delenv(PASSWORD_ENV, raising=False)
        for data in ({}, {"confirm": "1"}):
            response = client.send_form(f"/mau-bieu/thu/templates/gui?nam={YEAR}", data)
            assert response.status_code == 409
            assert f"Chưa có mật khẩu thư: hãy đặt biến môi trường {PASSWORD_ENV}" in response.text
        assert server.received == []


@pytest.mark.parametrize("path", POSTS)
def test_every_post_is_refused_without_the_token_or_from_another_origin(tmp_path: Path, path: str) -> None:
    root = copy_config(tmp_path)
    client = page_client(root)
    no_token = client.post(path, data={"confirm": "1"}, headers={"origin": ORIGIN}, follow_redirects=False)
    assert no_token.status_code == 403
    foreign = client.post(
        path,
        data={"csrf": client.token, "confirm": "1"},
        headers={"origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert foreign.status_code == 403
    assert not (root / "outbox").exists() or not any((root / "outbox").rglob("*.xlsx"))


def test_an_unknown_kind_of_letter_is_not_found(tmp_path: Path) -> None:
    client = page_client(copy_config(tmp_path))
    assert client.send_form(f"/mau-bieu/thu/khac/nhap?nam={YEAR}").status_code == 404


def test_a_busy_workspace_refuses_the_templates_and_says_who_holds_it(tmp_path: Path) -> None:
    from pipeline.run.lock import writing_lock

    root = copy_config(tmp_path)
    client = page_client(root)
    with writing_lock(root, "consolidate"):
        response = client.send_form(f"/mau-bieu/tao?nam={YEAR}")
    assert response.status_code == 409 and "consolidate" in response.text
    assert not (root / "outbox" / str(YEAR) / "mau-bieu").exists()


def test_the_pages_have_no_inline_script_style_or_handler(ward: Path) -> None:
    client = page_client(ward)
    code = re.findall(r'data-code="([^"]+)"', client.get("/so-theo-doi").text)[0]
    for path in (f"/mau-bieu?nam={YEAR}", "/so-theo-doi", f"/so-theo-doi/{code}", "/cau-hinh"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.text
        assert "<script>" not in html and "style=" not in html and not re.search(r"\son[a-z]+=", html), path
        assert "phường Bình Định" in html.split("</header>")[0], path  # the ward's name in the header
