"""Shared fixtures: the project's real configuration, and its templates issued and filled (built by
``tests.support.builder``, cached for the session)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from pipeline.config import Config, load_config
from pipeline.core import platform
from pipeline.tools.demo import fill_workbook
from tests.support import builder


@pytest.fixture(scope="session")
def config() -> Config:
    """The configuration in ``<repo>/config``, loaded once."""
    return builder.named_signers(load_config(builder.REPO))


@pytest.fixture(scope="session")
def blank_template(config: Config) -> Callable[..., bytes]:
    """``blank_template(unit_code, year)``: the unit's template as issued, built once per unit and year."""
    cache: dict[tuple[str, int], bytes] = {}

    def build(code: str, year: int = 2026) -> bytes:
        if (code, year) not in cache:
            cache[(code, year)] = builder.issued_template(config, code, year)
        return cache[(code, year)]

    return build


@pytest.fixture(scope="session")
def filled_workbook(config: Config, blank_template: Callable[..., bytes]) -> Callable[..., bytes]:
    """``filled_workbook(unit_code, answers)``: the unit's template with ``answers`` typed in (demo.fill_workbook)."""

    def fill(code: str, answers: Mapping[str, Any], year: int = 2026) -> bytes:
        return fill_workbook(blank_template(code, year), answers, config)

    return fill


# --------------------------------------------------------------------------- findings produced by tests

PRODUCED: dict[str, set[str]] = {}  # finding code -> the tests during which the code under test made one


@pytest.fixture(autouse=True)
def _record_findings(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Note each finding made in this process while a test runs, by code, with the test's id: the
    findings meta-test (tests/unit/core/test_findings.py) asks that every code be produced."""
    from pipeline.core.findings import Finding

    original = Finding.__init__

    def init(self: Finding, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PRODUCED.setdefault(self.code, set()).add(request.node.nodeid)

    monkeypatch.setattr(Finding, "__init__", init)


LAST = "test_every_code_is_produced_by_a_test"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The findings meta-test runs after every other test: it reads what they produced."""
    items.sort(key=lambda item: item.name == LAST)


def whole_suite(config: pytest.Config) -> bool:
    """Whether this run is the whole suite (``make test``): no paths, keywords or last-failed given."""
    return (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not config.option.keyword
        and not config.getoption("lf", False)
    )


# --------------------------------------------------------------------------- skips in CI

REQUIRE_ALL = "DVK_CI"  # .ci/run sets it to 1: there every selected test must run
OPTIONAL_IN_CI = "optional_in_ci"
NOT_PORTABLE = "not_portable"
UNSEEN_SKIPS: list[tuple[str, str]] = []  # (test id, why it skipped) of the tests CI must run


def pytest_runtest_setup(item: pytest.Item) -> None:
    """With ``DVK_PORTABLE=1`` a test of a path the portable mode does not take (a fork, prctl,
    POSIX's change time) is skipped: that mode runs the paths a Windows PC takes instead."""
    marker = item.get_closest_marker(NOT_PORTABLE)
    if marker is not None and platform.portable():
        pytest.skip(f"{NOT_PORTABLE}: {marker.kwargs.get('reason', '')}")


def _may_skip(item: pytest.Item) -> bool:
    """Whether CI accepts this test's skip: marked ``optional_in_ci``, or ``not_portable`` in a
    portable run (and there only)."""
    return item.get_closest_marker(OPTIONAL_IN_CI) is not None or (
        item.get_closest_marker(NOT_PORTABLE) is not None and platform.portable()
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """In CI, note each skip of a test CI must run: a green run must not hide a test that did not
    run because a tool it needs (LibreOffice, poppler) was missing."""
    report = yield
    if report.skipped and os.environ.get(REQUIRE_ALL) == "1" and not _may_skip(item):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        UNSEEN_SKIPS.append((item.nodeid, reason))
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if UNSEEN_SKIPS:
        terminalreporter.section("tests CI must run that skipped", red=True)
        for nodeid, reason in UNSEEN_SKIPS:
            terminalreporter.line(f"{nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if UNSEEN_SKIPS and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
