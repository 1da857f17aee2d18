"""The configuration stage's fixture: a workspace whose config a test may break."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.builder import copy_config


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A workspace with a copy of the shipped config to break."""
    return copy_config(tmp_path)
