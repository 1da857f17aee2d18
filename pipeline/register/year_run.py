"""One run over a year's cycle, as one value: what every step of it works with.

A run reads a workspace (its paths), under one configuration, for one year, at one moment, with the
register open in the run's transaction. The steps of the run (receipt, reading, tracking, figures,
outputs) take a :class:`YearRun` instead of the same five parameters each.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..core.paths import WorkspacePaths
from .store import Register, open_register


@dataclass(frozen=True)
class YearRun:
    """The workspace, its configuration, the year, the run's moment and the open register."""

    paths: WorkspacePaths
    config: Config
    year: int
    now: dt.datetime
    register: Register

    @property
    def root(self) -> Path:
        return self.paths.root

    def of_year(self, year: int) -> YearRun:
        """The same run looking at another year's cycle (an earlier year's figures)."""
        return dataclasses.replace(self, year=year)


@contextmanager
def open_year_run(root: Path, config: Config, year: int, now: dt.datetime, write: bool = True) -> Iterator[YearRun]:
    """A run of ``year`` on the workspace ``root``, inside one register transaction."""
    with open_register(root, now, write) as register:
        yield YearRun(WorkspacePaths(root), config, year, now, register)
