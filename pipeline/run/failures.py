"""The file system's and SQLite's errors as the user reads them: which file, what to do.

Contract: :func:`failure_message` gives the Vietnamese message and exit code of an error a run can
meet (a :class:`~pipeline.core.errors.DvkError`, an ``OSError``, an ``sqlite3.Error``), or None for
any other (a bug, reported as such by the caller). The command line and the browser workspace both
report through it, so that a full disk reads the same in a terminal and on a page.
"""

from __future__ import annotations

import errno
import sqlite3

from ..core.errors import USAGE_EXIT, DvkError
from ..core.paths import REGISTER_FILE

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


def failure_message(exc: BaseException) -> tuple[str, int] | None:
    """The message and exit code of ``exc``; None when it is not an error meant for the user."""
    if isinstance(exc, DvkError):
        return exc.user_message(), exc.exit_code
    if isinstance(exc, sqlite3.Error):
        return _register_failure(exc), USAGE_EXIT
    if isinstance(exc, OSError):
        return _file_failure(exc), USAGE_EXIT
    return None


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
