"""The workspace a command works in: its configuration, its lock, and errors reported as messages.

A reading command loads the configuration with :meth:`Workspace.reading`; a writing command uses
:meth:`Workspace.writing`, which also holds the workspace lock (one writing command at a time) and
first sweeps the temporary files a killed run left. Both report every error through
:func:`~pipeline.cli.errors.reported_errors` and check the year asked for before anything else, so
that a mistake is reported at once rather than after waiting for the lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.paths import WorkspacePaths
from .errors import UserError, reported_errors

if TYPE_CHECKING:  # the configuration's module is imported only by a command that runs
    from ..config import Config


# `dvk` installed as a command runs from any folder: the likeliest mistake is running it outside
# the workspace, which would otherwise read as "config/criteria.yaml not found".
_NOT_A_WORKSPACE = (
    "Thư mục “{root}” không phải thư mục làm việc của công cụ (không có thư mục config/). Hãy chuyển "
    "vào thư mục làm việc (lệnh cd) rồi chạy lại, hoặc ghi thư mục đó sau --root, hoặc đặt biến môi "
    "trường DVK_ROOT."
)


class Workspace:
    """The folder given by ``dvk --root`` and how long a writing command waits for its lock."""

    def __init__(self, root: Path, lock_wait: float = 30.0) -> None:
        self.root = root
        self.paths = WorkspacePaths(root)
        self.lock_wait = lock_wait

    @contextmanager
    def reading(self, year: int | None = None) -> Iterator[Config]:
        """The configuration (``year`` checked to be in config/calendar.yaml); errors reported."""
        from ..config import load_config

        if not (self.root / "config").is_dir():
            raise UserError(_NOT_A_WORKSPACE.format(root=self.root.resolve()))
        with reported_errors():
            config = load_config(self.root)
            if year is not None:
                config.year(year)
            yield config

    @contextmanager
    def locked(self, command: str) -> Iterator[None]:
        """Hold the workspace lock while ``command`` writes; sweep what a killed run left first."""
        from ..run.lock import writing_lock

        with reported_errors(), writing_lock(self.root, command, self.lock_wait):
            yield

    @contextmanager
    def writing(self, command: str, year: int | None = None) -> Iterator[Config]:
        """:meth:`reading`, then :meth:`locked`: the configuration of a command that writes."""
        with self.reading(year) as config, self.locked(command):
            yield config
