"""The browser workspace in a real browser: the server on a free port in a thread, Debian's chromium
driven by Playwright, and full-page screenshots of every page.

Shared by the end-to-end test (``tests/system/test_browser.py``) and ``make screenshots``
(``tests/support/screenshots.py``). Playwright never downloads a browser here: it drives the
system's ``/usr/bin/chromium`` (``CHROMIUM``), with a fresh user data directory each time.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, ViewportSize, expect, sync_playwright

from pipeline.web.app import create_app
from pipeline.web.security import hash_password
from pipeline.web.server import address, allowed_hosts

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
HOST = "127.0.0.1"
VIEWPORT: ViewportSize = {"width": 1366, "height": 900}
SCREENSHOTS = Path(__file__).parents[2] / "build" / "screenshots"
UPLOAD_INPUT = "form#upload-form [data-dropzone] input[type=file][name=files][multiple]"
LOGIN_PASSWORD = "mat-khau-thu"  # the password of the login page's screenshot server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(root: Path, password_hash: str = "", timeout: float = 20.0) -> Iterator[str]:
    """``dvk serve`` over ``root`` on a free loopback port, in a thread: yields its address, stops at exit."""
    port = free_port()
    app = create_app(root, password_hash=password_hash, allowed_hosts=allowed_hosts(HOST, port))
    config = uvicorn.Config(
        app, host=HOST, port=port, log_level="warning", server_header=False, date_header=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"dvk-serve-{port}", daemon=True)
    thread.start()
    base = address(HOST, port)
    try:
        _wait_until_answering(base, thread, timeout)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _wait_until_answering(base: str, thread: threading.Thread, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError(f"the server of {base} stopped before answering")
        try:
            with urllib.request.urlopen(base + "static/app.css", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    raise RuntimeError(f"the server of {base} did not answer within {timeout} s")


@dataclass
class ConsoleWatch:
    """The console errors and uncaught page errors of a browser context (a CSP violation is one)."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error on {page.url}: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.page.url if message.page else "?"
            self.errors.append(f"console on {where}: {message.text} ({message.location.get('url', '')})")


@contextmanager
def chromium(user_data: Path, downloads: bool = True) -> Iterator[BrowserContext]:
    """A headless browser context of Debian's chromium with a fresh user data directory."""
    if not CHROMIUM.is_file():
        raise FileNotFoundError(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(user_data),
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport=VIEWPORT,
            accept_downloads=downloads,
            locale="vi-VN",
        )
        try:
            yield context
        finally:
            context.close()


@dataclass
class Shooter:
    """Full-page screenshots into ``folder``, one PNG per page; notes the pages not there yet."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    def shoot(self, page: Page, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path

    def visit(self, page: Page, base: str, path: str, name: str) -> Path:
        """Open ``path``, check it answered 200, and shoot it."""
        response = page.goto(base.rstrip("/") + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        return self.shoot(page, name)


def upload_through_page(page: Page, base: str, year: int, paths: Sequence[Path], timeout_ms: float) -> Locator:
    """Choose ``paths`` in the receive page's file input; the page's script sends them at once.
    Returns the rows of the checked files' table, once there is one row per file."""
    page.goto(f"{base}nhan-tep?nam={year}")
    page.locator(UPLOAD_INPUT).set_input_files([str(p) for p in paths])
    rows = page.locator("table#checked tr.checked-file")
    expect(rows).to_have_count(len(paths), timeout=timeout_ms)
    return rows


def consolidate_through_page(page: Page, base: str, year: int, timeout_ms: float) -> None:
    """Press the consolidation button and wait for the result table (the page polls with htmx),
    then for the page of the ended run."""
    page.goto(f"{base}tong-hop?nam={year}")
    page.locator("#consolidate-button").click()
    expect(page.locator("table#result")).to_be_visible(timeout=timeout_ms)
    # Once the run has ended the page reloads itself: the button is back, the lock's banner gone.
    expect(page.locator("#consolidate-button")).to_be_enabled(timeout=timeout_ms)
    expect(page.locator("#lock-banner")).to_have_count(0)
    page.wait_for_load_state()


# The pages shot besides the flow's own (home, nhan-tep after upload, tong-hop after consolidation).
OTHER_PAGES = (
    ("don-vi", "/don-vi/{unit}?nam={year}"),
    ("mau-bieu", "/mau-bieu?nam={year}"),
    ("so-theo-doi", "/so-theo-doi?nam={year}"),
    ("xet-duyet", "/xet-duyet?nam={year}"),
    ("cau-hinh", "/cau-hinh"),
)


def shoot_other_pages(shooter: Shooter, page: Page, base: str, unit: str, year: int) -> None:
    for name, path in OTHER_PAGES:
        shooter.visit(page, base, path.format(unit=unit, year=year), name)


def shoot_login(shooter: Shooter, root: Path, user_data: Path) -> None:
    """The login page of a server started with a password, as another computer's browser sees it."""
    with live_server(root, password_hash=hash_password(LOGIN_PASSWORD)) as base, chromium(user_data) as context:
        page = context.new_page()
        page.goto(base)
        page.wait_for_selector("input[name=password]")
        shooter.shoot(page, "dang-nhap")
