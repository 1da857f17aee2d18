"""``make consolidate``: a returned file is a normal outcome, reported in Vietnamese, not as make's
error; ``make install`` gives a dvk that runs anywhere; ``make serve`` serves the workspace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.builder import edit_config, one_returned

REPO = Path(__file__).resolve().parents[2]
RETURNED = "Có tệp bị trả lại"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return one_returned(tmp_path / "ws")


def _make_consolidate(root: Path) -> subprocess.CompletedProcess[str]:
    """The Makefile's target run on ``root`` with this interpreter's dvk (STAMP emptied: no venv set-up)."""
    args = ["make", "-s", "-C", str(REPO), "consolidate", f"ROOT={root}", "YEAR=2026"]
    args += [f"BIN={Path(sys.executable).parent}", "STAMP="]
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=120)


def test_a_returned_file_is_reported_in_vietnamese_and_make_succeeds(root: Path) -> None:
    done = _make_consolidate(root)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert RETURNED in output and "b.xlsx" in output
    assert "make: ***" not in output and "Error 1" not in output


def test_a_configuration_error_still_fails_make(root: Path) -> None:
    edit_config(root, "units.yaml", "group: dang-bo", "group: khong-co")
    done = _make_consolidate(root)
    assert done.returncode != 0
    assert "Lỗi cấu hình: config/units.yaml" in done.stderr and RETURNED not in done.stdout


def test_make_install_gives_a_dvk_that_runs_on_the_workspace_from_any_folder(root: Path, tmp_path: Path) -> None:
    """The command the messages print (``dvk consolidate --year 2026``) runs as typed, from anywhere."""
    prefix = tmp_path / "prefix"
    args = ["make", "-s", "-C", str(REPO), "install", f"PREFIX={prefix}", f"ROOT={root}"]
    done = subprocess.run([*args, f"BIN={Path(sys.executable).parent}", "STAMP="], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"Đã cài lệnh dvk vào {prefix}/bin/dvk" in done.stdout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run([str(prefix / "bin" / "dvk"), "consolidate", "--year", "2026"], cwd=elsewhere, **_TEXT)
    assert run.returncode == 1 and "b.xlsx" in run.stdout, run.stderr
    assert (root / "outbox" / "2026" / "tong-hop-2026.xlsx").is_file() and not (elsewhere / "outbox").exists()
    other = subprocess.run([str(prefix / "bin" / "dvk"), "--root", str(elsewhere), "status", "--year", "2026"], **_TEXT)
    assert other.returncode == 2 and "không phải thư mục làm việc" in other.stderr


_TEXT: dict[str, object] = {"capture_output": True, "text": True, "timeout": 120}


def test_make_serve_prints_the_address_and_serves_the_workspace(root: Path) -> None:
    """``make serve`` starts ``dvk serve`` on ROOT, on this computer only, at the address it prints."""
    from tests.support.browser import free_port

    port = free_port()
    args = ["make", "-s", "-C", str(REPO), "serve", f"ROOT={root}", f"PORT={port}"]
    args += [f"BIN={Path(sys.executable).parent}", "STAMP="]
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True, start_new_session=True) as server:
        try:
            _check_serving(server, port)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def _check_serving(server: subprocess.Popen[str], port: int) -> None:
    assert server.stdout is not None
    line = server.stdout.readline()
    assert line.strip() == f"Trang làm việc: http://127.0.0.1:{port}/ (dừng bằng Ctrl+C)."
    page = _wait_for_page(f"http://127.0.0.1:{port}/?nam=2026")
    assert "Tình hình báo cáo năm 2026" in page


def _wait_for_page(url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return str(answer.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
