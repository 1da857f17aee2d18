"""Office Open XML packages (.xlsx, .docx) written reproducibly and safely.

Contract: :func:`deterministic_zip` turns the bytes of a saved package into bytes that depend only
on its content: every zip entry gets the same timestamp and attributes, entries keep their order,
and the creation/modification dates of ``docProps/core.xml`` are set to a fixed moment (openpyxl
and python-docx stamp the current time there on save). :func:`atomic_write` replaces a file
without ever leaving a half-written one behind.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import secrets
import zipfile
from pathlib import Path

CORE_PROPERTIES = "docProps/core.xml"
# The earliest time a zip entry can carry; any fixed value would do.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def deterministic_zip(data: bytes, fixed: dt.datetime) -> bytes:
    """Rewrite a zip package with fixed entry timestamps and fixed core-property dates."""
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == CORE_PROPERTIES:
                content = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<3>", content)
            target.writestr(_fixed_entry(info.filename), content)
    return out.getvalue()


def _fixed_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry header that does not depend on the clock or the platform."""
    entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 0
    entry.external_attr = 0
    return entry


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # os.open with mode 0o666 lets the umask decide the permissions, as for any ordinary file.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
