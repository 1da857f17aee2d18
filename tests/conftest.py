"""Shared fixtures: the project's real configuration, and its templates issued and filled (built by
``tests.support.builder``, cached for the session)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from pipeline.config import Config, load_config
from pipeline.tools.demo import fill_workbook
from tests.support import builder


@pytest.fixture(scope="session")
def config() -> Config:
    """The configuration in ``<repo>/config``, loaded once."""
    return load_config(builder.REPO)


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
