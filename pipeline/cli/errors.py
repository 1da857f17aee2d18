"""The one place where an error meets the user: :func:`reported_errors` turns it into a click error.

Every error of the pipeline meant for the user derives from :class:`~pipeline.core.errors.DvkError`
and carries its message and exit code; the file system and SQLite raise their own errors, which are
given a Vietnamese message here (which file, what to do). click prints the result as "Lỗi: …" on
stderr and ends with its exit code. Only the call into the pipeline is wrapped, not the printing of
its result: a closed stdout (``dvk status | head``) stays click's business. The messages are
:mod:`pipeline.run.failures`, shared with the browser workspace.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..core.errors import USAGE_EXIT, DvkError
from ..run.failures import failure_message


class UserError(click.ClickException):
    """A message for the user and the exit code the command ends with (2 unless told otherwise)."""

    def __init__(self, message: str, exit_code: int = USAGE_EXIT) -> None:
        super().__init__(message)
        # click declares exit_code a class variable but reads it from the exception it caught.
        self.exit_code = exit_code  # type: ignore[misc]


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the pipeline's, the file system's and SQLite's errors into :class:`UserError`."""
    try:
        yield
    except (DvkError, sqlite3.Error, OSError) as exc:
        message, code = failure_message(exc) or (str(exc), USAGE_EXIT)
        raise UserError(message, code) from None
