"""The browser workspace in tests: an application over a workspace, a client that behaves as the
page's own browser (same origin, the session's CSRF token), and reading a page's token."""

from __future__ import annotations

import re
from pathlib import Path

import httpx2
from starlette.applications import Starlette
from starlette.testclient import TestClient

from pipeline.web.app import create_app

ORIGIN = "http://testserver"
_TOKEN = re.compile(r'data-csrf="([0-9a-f]{64})"')


class PageClient(TestClient):
    """A test client that opens a session on the home page and sends its CSRF token and the
    server's own Origin with every state-changing request, as the page's scripts and forms do."""

    token: str = ""

    def start(self) -> PageClient:
        self.token = csrf_of(self.get("/").text)
        return self

    def send_form(self, path: str, data: dict[str, str] | None = None, **kwargs: object) -> httpx2.Response:
        return self.post(
            path,
            data={"csrf": self.token, **(data or {})},
            headers={"origin": ORIGIN},
            follow_redirects=False,
            **kwargs,  # type: ignore[arg-type]
        )


def csrf_of(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def app_over(root: Path, password_hash: str = "", allowed_hosts: frozenset[str] | None = None) -> Starlette:
    return create_app(root, password_hash=password_hash, allowed_hosts=allowed_hosts)


def page_client(root: Path, password_hash: str = "") -> PageClient:
    """A client of the workspace at ``root``, session opened (a password-protected one must log in first)."""
    client = PageClient(app_over(root, password_hash))
    return client.start() if not password_hash else client
