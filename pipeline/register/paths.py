"""Where the register keeps its files in a workspace.

Contract: paths only, relative to the workspace's root; nothing here reads or writes. The
register's SQLite file and its backups sit under ``.dvk/``; the archive of every received file
(by its hash, with a JSON sidecar beside it) and the records of sent messages sit under
``outbox/luu-tru/``, where ``dvk rebuild`` finds them again.
"""

from __future__ import annotations

from pathlib import Path

REGISTER_FILE = Path(".dvk") / "register.sqlite3"
BACKUP_FOLDER = Path(".dvk") / "backups"
ARCHIVE_FOLDER = Path("outbox") / "luu-tru"
MAIL_SENT_FOLDER = ARCHIVE_FOLDER / "thu-da-gui"


def archive_path(root: Path, sha256: str, extension: str) -> Path:
    return root / ARCHIVE_FOLDER / sha256[:2] / f"{sha256}{extension}"


def sidecar_path(root: Path, sha256: str) -> Path:
    return root / ARCHIVE_FOLDER / sha256[:2] / f"{sha256}.json"
