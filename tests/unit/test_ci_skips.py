"""The suite's own rule for CI (tests/conftest.py): with DVK_CI=1 a skipped test fails the run,
unless it is marked ``optional_in_ci``; without it, a skip is only reported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.builder import REPO

TESTS = """
import pytest

def test_runs():
    pass

def test_needs_a_tool():
    pytest.skip("LibreOffice is not installed")

@pytest.mark.optional_in_ci(reason="needs files outside the repository")
def test_needs_the_corpus():
    pytest.skip("the corpus is not here")
"""


def _pytest(folder: Path, selection: str, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DVK_CI"} | ({"DVK_CI": "1"} if ci else {})
    command = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-c", str(REPO / "pyproject.toml")]
    command += ["--rootdir", str(folder), "-p", "no:cacheprovider", "-k", selection, str(folder / "test_sample.py")]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "test_sample.py").write_text(TESTS, encoding="utf-8")
    return tmp_path


def test_in_ci_a_skipped_test_fails_the_run_and_is_named(folder: Path) -> None:
    done = _pytest(folder, "test_runs or test_needs_a_tool", ci=True)
    assert done.returncode == 1, done.stdout
    assert "tests CI must run that skipped" in done.stdout
    assert "test_sample.py::test_needs_a_tool: Skipped: LibreOffice is not installed" in done.stdout


def test_outside_ci_a_skip_is_only_reported(folder: Path) -> None:
    done = _pytest(folder, "test_runs or test_needs_a_tool", ci=False)
    assert done.returncode == 0, done.stdout
    assert "1 passed, 1 skipped" in done.stdout and "CI must run" not in done.stdout


def test_in_ci_a_test_marked_optional_may_skip(folder: Path) -> None:
    done = _pytest(folder, "test_runs or test_needs_the_corpus", ci=True)
    assert done.returncode == 0, done.stdout
    assert "1 passed, 1 skipped" in done.stdout
