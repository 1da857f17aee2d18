"""``make consolidate``: a returned file is a normal outcome, reported in Vietnamese, not as make's error."""

from __future__ import annotations

import subprocess
import sys
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
