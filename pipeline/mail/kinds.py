"""What an attachment is, from its name and declared type, and its name made fit to show.

Contract: :func:`attachment_kind` sorts an attachment into ``spreadsheet``, ``archive`` (also a
message attached inside a message) or ``other`` from its cleaned name's extension and its declared
content type; :func:`clean_name` never returns a path, a control character or an overlong name.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
ARCHIVE_EXTENSIONS = (".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".cab", ".arj")
SPREADSHEET_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.ms-excel.sheet.macroenabled.12",
    "application/vnd.oasis.opendocument.spreadsheet",
)
ARCHIVE_TYPES = (
    "application/zip",
    "application/x-zip-compressed",
    "application/x-rar-compressed",
    "application/vnd.rar",
    "application/x-7z-compressed",
    "application/gzip",
    "application/x-tar",
)
_MAX_NAME = 120


def attachment_kind(filename: str, content_type: str) -> str:
    """``spreadsheet``, ``archive`` (also a message attached inside the message) or ``other``."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in ARCHIVE_EXTENSIONS or content_type in ARCHIVE_TYPES or content_type == "message/rfc822":
        return "archive"
    if suffix in SPREADSHEET_EXTENSIONS or content_type in SPREADSHEET_TYPES:
        return "spreadsheet"
    return "other"


def clean_name(raw: str, index: int, content_type: str) -> str:
    """An attachment's name fit to show: NFC, no folders, no control characters, not too long."""
    text = unicodedata.normalize("NFC", raw)
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    if not text:
        extension = ".xlsx" if content_type in SPREADSHEET_TYPES[:1] else ""
        return f"tệp đính kèm {index}{extension}"
    if len(text) > _MAX_NAME:
        stem, dot, suffix = text.rpartition(".")
        text = stem[: _MAX_NAME - len(suffix) - 2] + "…" + dot + suffix if dot else text[:_MAX_NAME]
    return text
