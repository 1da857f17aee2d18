"""The login page of a server with a password: the form alone, no navigation leading back to it."""

from __future__ import annotations

from pathlib import Path

from pipeline.web.security import hash_password
from tests.support.builder import copy_config
from tests.support.web import page_client


def test_the_login_page_shows_the_form_without_the_navigation(tmp_path: Path) -> None:
    client = page_client(copy_config(tmp_path), password_hash=hash_password("mat-khau"))
    page = client.get("/", follow_redirects=True)
    assert page.url.path == "/dang-nhap"
    assert 'name="password"' in page.text
    assert 'href="/tong-hop' not in page.text and 'href="/nhan-tep' not in page.text
