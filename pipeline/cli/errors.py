"""The one place where an error meets the user: :func:`reported_errors` turns it into a click error.

Every error of the pipeline meant for the user derives from :class:`~pipeline.core.errors.DvkError`
and carries its message and exit code; the file system and SQLite raise their own errors, which are
given a Vietnamese message here (which file, what to do). click prints the result as "Lỗi: …" on
stderr and ends with its exit code. Only the call into the pipeline is wrapped, not the printing of
its result: a closed stdout (``dvk status | head``) stays click's business.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..core.errors import USAGE_EXIT, DvkError


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
    except DvkError as exc:
        raise UserError(exc.user_message(), exc.exit_code) from None
    except sqlite3.Error as exc:
        raise UserError(_register_failure(exc)) from None
    except OSError as exc:
        raise UserError(_file_failure(exc)) from None


_FULL_DISK = (
    "Ổ đĩa đã đầy, không ghi được “{path}”. Hãy giải phóng dung lượng (xóa bớt tệp không cần, dọn "
    "thùng rác) rồi chạy lại lệnh; các tệp kết quả lần trước và sổ theo dõi vẫn giữ nguyên."
)
_READ_ONLY = (
    "Không ghi được “{path}”: thư mục chỉ cho đọc hoặc không có quyền ghi. Hãy bỏ chế độ chỉ đọc "
    "(Properties > bỏ chọn Read-only), cấp quyền ghi hoặc chép thư mục làm việc sang ổ đĩa ghi được "
    "rồi chạy lại; các tệp kết quả lần trước và sổ theo dõi vẫn giữ nguyên."
)
_DISK_PROBLEMS = {errno.ENOSPC: _FULL_DISK, errno.EDQUOT: _FULL_DISK, errno.EROFS: _READ_ONLY}


def _file_failure(exc: OSError) -> str:
    """A Vietnamese message for a file-system error that names the file and what to do."""
    path = exc.filename or ""
    if exc.errno in _DISK_PROBLEMS:
        return _DISK_PROBLEMS[exc.errno].format(path=path)
    if isinstance(exc, PermissionError):
        return _READ_ONLY.format(path=path)
    return f"Lỗi đọc/ghi tệp “{path}”: {exc.strerror or exc}."


def _register_failure(exc: sqlite3.Error) -> str:
    """SQLite names no file: the register is the only database the tool opens."""
    from ..register import REGISTER_FILE

    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return _FULL_DISK.format(path=REGISTER_FILE)
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return _READ_ONLY.format(path=REGISTER_FILE)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return f"Sổ theo dõi “{REGISTER_FILE}” đang được một lệnh khác ghi; hãy đợi lệnh đó chạy xong rồi chạy lại."
    return (
        f"Lỗi sổ theo dõi “{REGISTER_FILE}”: {exc}. Sổ chưa bị thay đổi; nếu lỗi lặp lại, "
        "hãy chạy `dvk rebuild` để dựng lại sổ từ kho lưu trữ."
    )
