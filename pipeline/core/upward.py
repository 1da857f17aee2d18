"""Sending upward: the key a province issues to each ward, and the signed identity of a summary.

A ward's ``tong-hop-<year>.xlsx`` goes to the province, which consolidates the wards' summaries
with the same tool. The ward's own installation secret (:mod:`.identity`) cannot sign it for the
province: the province does not have that secret. So the province issues each ward an *upward
key*: ``HMAC(province secret, ward code)``. The province can derive every ward's key again from
its own secret, so its config needs no list of keys; a ward receives its key once, over a channel
the province trusts, and keeps it in ``<root>/.dvk/upward-key`` (out of git, like the secret).

A summary's hidden ``_meta`` carries a *digest* of everything the workbook shows (every sheet but
``_meta``, as a reader sees the values) and an HMAC with the upward key over the kind, the ward
code, the year, the template version and that digest. The province recomputes both: a value
edited in Excel no longer matches the digest; a digest recomputed after an edit, or a summary
from a ward whose key this province did not issue, no longer matches the signature. The digest
and the key do not depend on the time, so a re-run still gives byte-identical summaries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import layout
from .errors import DvkError
from .paths import KEY_FILE

_KEY_LABEL = "dvk-upward-key"
_KEY_LINE = re.compile(r"^\s*(unit|key)\s*:\s*(\S+)\s*$")


class UpwardKeyError(DvkError, ValueError):
    """The upward key file exists but cannot be understood."""


@dataclass(frozen=True)
class UpwardKey:
    """The key a ward signs its summary with, and the code the province knows the ward by."""

    unit: str
    key: bytes = b""

    def file_text(self) -> str:
        """The key file as the province hands it to the ward (Vietnamese comment, then two lines)."""
        return (
            "# Khóa gửi báo cáo lên cấp trên của dvk. Chép tệp này vào thư mục .dvk/ của đơn vị, đặt tên\n"
            "# upward-key; giữ bí mật như khóa .dvk/secret, không gửi kèm báo cáo.\n"
            f"unit: {self.unit}\nkey: {self.key.hex()}\n"
        )


def derive_key(secret: bytes, unit: str) -> UpwardKey:
    """The upward key of ``unit``, derived from the issuing installation's secret."""
    return UpwardKey(unit, hmac.new(secret, f"{_KEY_LABEL}\x1f{unit}".encode(), hashlib.sha256).digest())


def load_upward_key(root: Path) -> UpwardKey | None:
    """The workspace's upward key, or None when the level above has issued none yet."""
    path = root / KEY_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UpwardKeyError(f"không đọc được khóa gửi lên cấp trên “{path}” ({exc.strerror})") from None
    return parse_key(text, path)


def parse_key(text: str, path: Path) -> UpwardKey:
    """A key file's ``unit`` and ``key`` lines (comments and blank lines skipped)."""
    matches = (_KEY_LINE.match(line) for line in text.splitlines())
    values: dict[str, str] = {m.group(1): m.group(2) for m in matches if m}
    try:
        key = bytes.fromhex(values["key"])
        unit = values["unit"]
    except (KeyError, ValueError):
        raise UpwardKeyError(
            f"tệp khóa “{path}” không đúng dạng (cần hai dòng “unit: MÃ” và “key: ...”); "
            "hãy chép lại đúng tệp cấp trên đã cấp"
        ) from None
    if len(key) != 32:
        raise UpwardKeyError(f"tệp khóa “{path}” không đúng dạng (khóa phải có 64 chữ số hệ 16)")
    return UpwardKey(unit, key)


def issue_keys(secret: bytes, units: Iterable[str], folder: Path) -> list[Path]:
    """Write the key file of each unit into ``folder`` (``<CODE>.key``, readable by the owner only)."""
    from .ooxml import atomic_write

    paths = []
    for unit in units:
        path = folder / f"{unit}.key"
        atomic_write(path, derive_key(secret, unit).file_text().encode("utf-8"))
        os.chmod(path, 0o600)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- the summary's identity


def summary_signature(key: UpwardKey, year: int | str, version: str, digest: str) -> str:
    """The HMAC of a summary's identity and content digest (hex, 32 characters)."""
    parts = (layout.META_KIND_WARD_SUMMARY, key.unit, str(year), version, digest)
    return hmac.new(key.key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def summary_meta(key: UpwardKey | None, year: int, version: str, digest: str) -> dict[str, str]:
    """The ``_meta`` values of a summary; unsigned (no unit, no signature) without an upward key."""
    return {
        "kind": layout.META_KIND_WARD_SUMMARY,
        "template_version": version,
        "unit_code": key.unit if key else "",
        "year": str(year),
        "digest": digest,
        "signature": summary_signature(key, year, version, digest) if key else "",
    }


def content_digest(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> str:
    """SHA-256 over every sheet but ``_meta``: its name and its values, as (name, rows) pairs.

    The writer gives openpyxl's values, the reader python-calamine's: numbers, dates and blanks
    are made canonical so both give the same text (a whole float is an integer, a midnight
    datetime a date, None an empty string), and trailing blanks are dropped, so the digest does
    not depend on how far a used range reaches."""
    digest = ContentDigest()
    for name, sheet_rows in sheets:
        digest.sheet(name)
        for row in sheet_rows:
            digest.row(row)
    return digest.hexdigest()


class ContentDigest:
    """:func:`content_digest` fed one sheet and one row at a time, so that a writer can take it
    from the rows it streams out: blank rows are held back until a row with a value follows
    them, which drops the trailing ones as :func:`content_digest` does."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._skipping = False
        self._blank_rows = 0

    def sheet(self, name: str) -> None:
        self._skipping = name == layout.META_SHEET
        self._blank_rows = 0
        if not self._skipping:
            self._hash.update(b"\x1d" + canonical(name).encode("utf-8"))

    def row(self, values: Sequence[Any]) -> None:
        if self._skipping:
            return
        row = _trimmed(values)
        if not row:
            self._blank_rows += 1
            return
        self._hash.update(b"\x1e" * self._blank_rows + b"\x1e" + "\x1f".join(row).encode("utf-8"))
        self._blank_rows = 0

    def canonical_rows(self, rows: Sequence[bytes]) -> None:
        """Rows a writer has already made canonical, as :meth:`row` would take them: each the UTF-8
        of its values' :func:`canonical` texts joined by ``\\x1f``, trailing blanks dropped (``b""``
        for a blank row). One hash update for many rows."""
        if self._skipping:
            return
        end = len(rows)
        while end and not rows[end - 1]:
            end -= 1
        if not end:
            self._blank_rows += len(rows)
            return
        # Blank rows between values are empty strings between separators, as row() writes them.
        self._hash.update(b"\x1e" * (self._blank_rows + 1) + b"\x1e".join(rows[:end]))
        self._blank_rows = len(rows) - end

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _trimmed(row: Sequence[Any]) -> list[str]:
    values = [canonical(v) for v in row]
    while values and not values[-1]:
        values.pop()
    return values


def canonical(value: Any) -> str:
    """One value as the digest writes it: text that does not depend on the reader's choice of int or float."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            return str(int(number))
        # 12 significant digits: openpyxl writes fewer digits than repr (0.1 + 0.2 reads back 0.3).
        return format(number, ".12g")
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value))
