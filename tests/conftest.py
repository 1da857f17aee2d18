"""Shared fixtures: the project's real configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Config, load_config


@pytest.fixture(scope="session")
def config() -> Config:
    """The configuration in ``<repo>/config``, loaded once."""
    return load_config(Path(__file__).parents[1])
