"""The browser workspace's guard: same origin, CSRF token, session cookie, password, Host, headers,
error pages without tracebacks, downloads only from the year's outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_config
from pipeline.web.security import CSP, SESSION_COOKIE, hash_password, verify_password
from pipeline.web.server import PasswordRequired, allowed_hosts, is_loopback, password_hash_for, serve
from tests.support.builder import copy_config
from tests.support.web import ORIGIN, PageClient, app_over, page_client


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_config(tmp_path)


def test_a_page_carries_the_security_headers_and_an_httponly_strict_session(root: Path) -> None:
    client = PageClient(app_over(root))
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
    assert response.headers["x-frame-options"] == "DENY"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(SESSION_COOKIE) and "httponly" in cookie and "samesite=strict" in cookie


def test_no_page_has_an_inline_script_or_style(root: Path) -> None:
    html = page_client(root).get("/").text
    assert "<script>" not in html and "style=" not in html and " on" + "click=" not in html
    assert '<script src="/static/htmx.min.js"' in html


def test_a_post_without_the_token_is_refused(root: Path) -> None:
    client = page_client(root)
    response = client.post("/tong-hop", data={"report_date": ""}, headers={"origin": ORIGIN}, follow_redirects=False)
    assert response.status_code == 403
    assert "mã bảo vệ" in response.text
    assert client.app.state.site.jobs.current() is None


def test_a_post_with_another_sessions_token_is_refused(root: Path) -> None:
    first, second = page_client(root), page_client(root)
    response = second.post("/tong-hop", data={"csrf": first.token}, headers={"origin": ORIGIN}, follow_redirects=False)
    assert response.status_code == 403


def test_a_post_from_another_origin_is_refused_even_with_the_token(root: Path) -> None:
    client = page_client(root)
    response = client.post(
        "/tong-hop", data={"csrf": client.token}, headers={"origin": "http://evil.example"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "trang khác" in response.text
    no_origin = client.post(
        "/tong-hop", data={"csrf": client.token}, headers={"sec-fetch-site": "cross-site"}, follow_redirects=False
    )
    assert no_origin.status_code == 403


def test_the_pages_referrer_policy_lets_the_browser_name_their_origin(root: Path) -> None:
    """Under "no-referrer" a browser sends "Origin: null" with the page's own forms (the Fetch
    standard), which the same-origin check refuses: the consolidate button did nothing in Chromium."""
    client = page_client(root)
    assert client.get("/").headers["referrer-policy"] == "same-origin"
    null_origin = client.post("/tong-hop", data={"csrf": client.token}, headers={"origin": "null"})
    assert null_origin.status_code == 403


def test_the_token_is_accepted_from_the_header_the_pages_send(root: Path) -> None:
    client = page_client(root)
    response = client.post(
        "/tong-hop?nam=2026", headers={"origin": ORIGIN, "x-csrf-token": client.token}, follow_redirects=False
    )
    assert response.status_code == 303
    client.app.state.site.jobs.wait(120)


def test_a_host_the_server_was_not_started_for_is_refused(root: Path) -> None:
    """DNS rebinding: another site's name resolved to 127.0.0.1 reaches the port, not the pages."""
    app = app_over(root, allowed_hosts=allowed_hosts("127.0.0.1", 8765))
    client = PageClient(app, base_url="http://127.0.0.1:8765")
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"host": "evil.example:8765"}).status_code == 400
    assert allowed_hosts("0.0.0.0", 8765) is None


def test_with_a_password_every_page_asks_to_log_in_first(root: Path) -> None:
    stored = hash_password("mật khẩu đúng")
    client = page_client(root, password_hash=stored)
    first = client.get("/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/dang-nhap"
    assert client.get("/tai/2026/tong-hop-2026.xlsx", follow_redirects=False).status_code == 303
    login = client.get("/dang-nhap")
    client.token = login.text.split('name="csrf" value="')[1].split('"')[0]
    wrong = client.send_form("/dang-nhap", {"password": "sai"})
    assert wrong.status_code == 403 and "không đúng" in wrong.text
    right = client.send_form("/dang-nhap", {"password": "mật khẩu đúng"})
    assert right.status_code == 303
    assert client.get("/").status_code == 200


def test_passwords_are_scrypt_hashes_checked_in_constant_time() -> None:
    stored = hash_password("mật khẩu")  # not hex: it cannot appear in the hash by chance
    assert stored.startswith("scrypt$") and "khẩu" not in stored
    assert verify_password("mật khẩu", stored) and not verify_password("mật khẩu ", stored)
    assert not verify_password("mật khẩu", "scrypt$nonsense")


def test_listening_beyond_this_computer_requires_a_password(root: Path) -> None:
    config = load_config(root)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    with pytest.raises(PasswordRequired, match="mật khẩu"):
        serve(root, config, "0.0.0.0", 8765, open_browser=False)
    assert password_hash_for(config, {}) == ""
    assert verify_password("x", password_hash_for(config, {"DVK_WEB_PASSWORD": "x"}))


def test_a_malformed_password_hash_in_config_is_a_config_error(root: Path) -> None:
    (root / "config" / "web.yaml").write_text("password_hash: abc\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config/web\.yaml.*password_hash"):
        load_config(root)
    (root / "config" / "web.yaml").write_text(f"password_hash: '{hash_password('x')}'\nupload_limit_mb: 5\n")
    assert load_config(root).web.upload_limit == 5 * 1024 * 1024


@pytest.mark.parametrize(
    "path",
    [
        "/tai/2026/../../config/units.yaml",
        "/tai/2026/%2e%2e/%2e%2e/config/units.yaml",
        "/tai/2026/..%2f..%2fconfig%2funits.yaml",
        "/tai/2026/%2Fetc%2Fpasswd",
        "/tai/2026/mau-bieu",
        "/tai/2026/mau-bieu/",
        "/tai/2026/.dvk/secret",
        "/tai/2026/ghi-chu.txt",
        "/static/",
        "/static/../app.py",
    ],
)
def test_downloads_come_only_from_the_years_outputs(root: Path, path: str) -> None:
    (root / "outbox" / "2026" / "mau-bieu").mkdir(parents=True)
    (root / "outbox" / "2026" / "mau-bieu" / "MTTQ.xlsx").write_bytes(b"PK")
    (root / "outbox" / "2026" / "ghi-chu.txt").write_text("x")
    client = page_client(root)
    response = client.get(path)
    assert response.status_code == 404
    assert "units:" not in response.text and "Traceback" not in response.text
    assert client.get("/tai/2026/mau-bieu/MTTQ.xlsx").content == b"PK"


def test_a_link_out_of_the_outbox_is_not_followed(root: Path, tmp_path: Path) -> None:
    (root / "outbox" / "2026").mkdir(parents=True)
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes(b"secret")
    (root / "outbox" / "2026" / "tong-hop-2026.xlsx").symlink_to(outside)
    assert page_client(root).get("/tai/2026/tong-hop-2026.xlsx").status_code == 404


def test_an_unexpected_error_is_a_vietnamese_page_without_traceback(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.web.pages.home as home

    def broken(*_: object) -> None:
        raise KeyError("internal detail")

    monkeypatch.setattr(home, "year_overview", broken)
    client = PageClient(app_over(root), raise_server_exceptions=False)
    response = client.get("/")
    assert response.status_code == 500
    assert "lỗi ngoài dự kiến" in response.text
    assert "Traceback" not in response.text and "internal detail" not in response.text
    assert response.headers["content-security-policy"] == CSP


def test_an_unknown_page_is_a_vietnamese_404(root: Path) -> None:
    response = page_client(root).get("/khong-co")
    assert response.status_code == 404 and "Không có trang" in response.text


def test_sessions_stay_bounded_for_a_client_that_keeps_no_cookie() -> None:
    from pipeline.web.security import MAX_SESSIONS, Sessions

    sessions = Sessions()
    first = sessions.open()
    for _ in range(MAX_SESSIONS + 50):
        sessions.open()
    assert len(sessions._started) == MAX_SESSIONS
    assert not sessions.known(first)


def test_the_servers_scratch_files_stay_inside_the_workspace(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from pipeline.web.server import keep_writes_inside

    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)  # restored after the test
    environ: dict[str, str] = {}
    scratch = keep_writes_inside(root, environ)
    assert scratch == (root / ".dvk" / "tmp").resolve() and scratch.is_dir()
    with tempfile.NamedTemporaryFile() as handle:
        assert Path(handle.name).parent == scratch
    assert environ["TMPDIR"] == str(scratch) and environ["MPLCONFIGDIR"].startswith(str(scratch))
