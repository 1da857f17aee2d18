"""Signed identity of issued workbooks: who a template was issued to, for which year.

Each installation (workspace) has its own secret, created on first use in ``<root>/.dvk/secret``
and kept out of git. A template's hidden ``_meta`` sheet carries an HMAC over its kind, unit,
year and template version; a ``_meta`` edited by hand, or a template issued by another ward's
installation, does not verify. The signature does not depend on the time, so templates stay
byte-identical between runs.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from .errors import DvkError
from .paths import SECRET_FILE


class SecretError(DvkError, OSError):
    """The installation secret cannot be read or created."""


def load_secret(root: Path) -> bytes:
    """The workspace's secret, created (0600) on first use."""
    path = root / SECRET_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return _create(path)
    except (OSError, ValueError) as exc:
        raise SecretError(
            f"không đọc được khóa bí mật “{path}” ({exc}); hãy khôi phục tệp này từ bản sao lưu"
        ) from None


def _create(path: Path) -> bytes:
    """Create the secret file all at once: written in full beside it, then linked into place.

    A run killed while creating it leaves no empty secret behind (which would make every issued
    template unverifiable); ``os.link`` fails when another process created the file first."""
    secret = secrets.token_bytes(32)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secret.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        _link_or_move(temp, path)
    except FileExistsError:  # another process created it first: use theirs
        return load_secret(path.parents[1])
    except OSError as exc:
        raise SecretError(f"không tạo được khóa bí mật “{path}” ({exc.strerror})") from None
    finally:
        temp.unlink(missing_ok=True)
    return secret


def _link_or_move(temp: Path, path: Path) -> None:
    """Put ``temp`` at ``path`` unless a file is there already (FileExistsError then).

    A hard link does both at once; file systems without links (FAT32 or exFAT USB sticks) get a
    check then a rename, racy only against a reading command creating the secret at that instant."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temp, path)


def sign(secret: bytes, kind: str, unit: str, year: int | str, version: str) -> str:
    """The signature of one issued workbook (hex, 32 characters)."""
    message = "\x1f".join((kind, unit, str(year), version)).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def verify(secret: bytes, signature: str, kind: str, unit: str, year: int | str, version: str) -> bool:
    return hmac.compare_digest(signature, sign(secret, kind, unit, year, version))
