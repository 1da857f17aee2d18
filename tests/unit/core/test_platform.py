"""The platform decision: ``DVK_PORTABLE=1`` sends a Linux run down the paths a Windows PC takes."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from pipeline.core import platform

PACKAGE = Path(platform.__file__).parents[1]


@pytest.fixture
def linux(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv(platform.PORTABLE, raising=False)
    return monkeypatch


def test_linux_forks_asks_the_kernel_and_locks_the_whole_file(linux: pytest.MonkeyPatch) -> None:
    assert not platform.portable()
    assert platform.has_fork() and platform.start_method() == "fork"
    assert platform.has_pdeathsig()
    assert not platform.byte_range_lock()


def test_portable_linux_takes_the_windows_paths(linux: pytest.MonkeyPatch) -> None:
    linux.setenv(platform.PORTABLE, "1")
    assert platform.portable()
    assert not platform.has_fork() and platform.start_method() == "spawn"
    assert not platform.has_pdeathsig()
    assert platform.byte_range_lock()
    assert not platform.change_time_known()
    assert not platform.can_sync_folders()


@pytest.mark.parametrize("value", ["0", "", "yes", "true"])
def test_only_one_turns_portable_on(linux: pytest.MonkeyPatch, value: str) -> None:
    linux.setenv(platform.PORTABLE, value)
    assert not platform.portable()
    assert platform.start_method() == "fork"


def test_windows_spawns_and_locks_a_byte_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delenv(platform.PORTABLE, raising=False)
    assert platform.windows()
    assert not platform.has_fork() and platform.start_method() == "spawn"
    assert not platform.has_pdeathsig()
    assert platform.byte_range_lock()


def test_macos_spawns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delenv(platform.PORTABLE, raising=False)
    assert platform.start_method() == "spawn"
    assert not platform.has_pdeathsig()
    assert not platform.byte_range_lock()


def _asks_the_system(path: Path) -> list[str]:
    """The places in ``path`` that read ``sys.platform`` or ``os.name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and (node.value.id, node.attr) in {("sys", "platform"), ("os", "name")}
    ]


def test_only_the_platform_module_asks_which_system_runs() -> None:
    """Every difference by system goes through pipeline.core.platform, so DVK_PORTABLE reaches it."""
    places = [place for path in sorted(PACKAGE.rglob("*.py")) for place in _asks_the_system(path)]
    assert places and all(place.startswith("pipeline/core/platform.py:") for place in places), places


def test_the_tool_starts_children_only_as_the_platform_says() -> None:
    """No child process is started by fork or by multiprocessing's default method elsewhere."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name == "fanout.py":  # the reports' child: forks only where platform.has_fork()
            assert "platform.has_fork()" in text
            continue
        if "os.fork(" in text or ("ProcessPoolExecutor(" in text and "mp_context=" not in text):
            offenders.append(str(path.relative_to(PACKAGE.parent)))
    assert offenders == []
