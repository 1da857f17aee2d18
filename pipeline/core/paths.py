"""Every path of a workspace, named once.

A workspace is a folder with ``config/`` (the YAML settings), ``inbox/`` (the files the units
send, never modified), ``outbox/`` (what the tool writes: per year ``outbox/<year>/``, the archive
``outbox/luu-tru/``) and ``.dvk/`` (the tool's own state: register, backups, caches, lock,
secret). The relative locations are the constants below, each defined here only; a
:class:`WorkspacePaths` turns them into the paths of one workspace, as PUDL's ``PudlPaths`` does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

INBOX = Path("inbox")
OUTBOX = Path("outbox")
STATE = Path(".dvk")

REGISTER_FILE = STATE / "register.sqlite3"
BACKUP_FOLDER = STATE / "backups"
LOCK_FILE = STATE / "lock"
SECRET_FILE = STATE / "secret"
KEY_FILE = STATE / "upward-key"
CACHE_FOLDER = STATE / "cache"
SUBMISSIONS_FILE = CACHE_FOLDER / "submissions.sqlite3"
OUTPUTS_FILE = CACHE_FOLDER / "outputs.json"
HASHES_FILE = CACHE_FOLDER / "inbox-hashes.json"

ARCHIVE_FOLDER = OUTBOX / "luu-tru"
MAIL_SENT_FOLDER = ARCHIVE_FOLDER / "thu-da-gui"
KEY_FOLDER = "khoa-gui-len"  # in outbox/: the upward keys a province issues to its wards

# In outbox/<year>/: the year's files and folders.
SUMMARY_FILE = "tong-hop-{year}.xlsx"
CLERK_FILE = "ket-qua-kiem-tra-{year}.xlsx"
COUNCIL_FILE = "xet-duyet-{year}.xlsx"
# The council file still in force, marked where it has errors, for the clerk to fix and drop into inbox/.
COUNCIL_FIX_FILE = "xet-duyet-{year}-can-sua.xlsx"
NARRATIVE_FILE = "noi-dung-bao-cao-{year}.docx"  # the reports' written parts, for the clerk to edit
TEMPLATES_FOLDER = "mau-bieu"
FEEDBACK_FOLDER = "phan-hoi"
REMINDERS_FOLDER = "nhac-nho"
MAIL_FOLDER = "thu"  # the drafts of messages, one folder per kind


@dataclass(frozen=True)
class WorkspacePaths:
    """The paths of the workspace at ``root``."""

    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / INBOX

    @property
    def outbox(self) -> Path:
        return self.root / OUTBOX

    @property
    def state(self) -> Path:
        return self.root / STATE

    def year_folder(self, year: int) -> Path:
        """``outbox/<year>/``: the year's consolidated outputs."""
        return self.outbox / str(year)


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's content, read a chunk at a time: a file of any size in bounded memory."""
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
