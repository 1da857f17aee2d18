"""Errors meet the user in one place: every DvkError with its own message and exit code."""

from __future__ import annotations

import errno
import sqlite3

import click
from click.testing import CliRunner

from pipeline.cli.errors import reported_errors
from pipeline.core.errors import DvkError


class Rejected(DvkError):
    exit_code = 1

    def user_message(self) -> str:
        return f"Tệp bị từ chối: {self}"


def _failing(error: Exception) -> click.Command:
    @click.command()
    def command() -> None:
        with reported_errors():
            raise error

    return command


def test_a_dvk_error_ends_with_its_exit_code_and_its_message() -> None:
    result = CliRunner().invoke(_failing(Rejected("a.xlsx")))
    assert result.exit_code == 1
    assert result.stderr == "Lỗi: Tệp bị từ chối: a.xlsx\n"


def test_a_plain_dvk_error_is_a_usage_error() -> None:
    result = CliRunner().invoke(_failing(DvkError("không có")))
    assert (result.exit_code, result.stderr) == (2, "Lỗi: không có\n")


def test_file_system_and_register_errors_are_told_in_vietnamese() -> None:
    full = CliRunner().invoke(_failing(OSError(errno.ENOSPC, "No space left on device", "outbox/a.xlsx")))
    assert full.exit_code == 2 and "Ổ đĩa đã đầy, không ghi được “outbox/a.xlsx”" in full.stderr
    register = CliRunner().invoke(_failing(sqlite3.DatabaseError("file is not a database")))
    assert register.exit_code == 2 and "Lỗi sổ theo dõi" in register.stderr


def test_other_errors_are_not_hidden() -> None:
    result = CliRunner().invoke(_failing(KeyError("bug")))
    assert isinstance(result.exception, KeyError)
