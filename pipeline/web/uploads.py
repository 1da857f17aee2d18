"""Files sent through the page -> files in ``inbox/``, streamed, checked by content, safely named.

Contract:

* :func:`read_upload` reads a ``multipart/form-data`` body as a stream with python-multipart's
  low-level parser: each file part goes, as it arrives, into a hidden temporary file under
  ``<root>/.dvk/web/`` (never the whole body in memory, never a file outside the workspace). A part
  over the size limit is discarded at once (its temporary file removed) and reported as too large;
  the files past the count limit are refused without being written.
* :func:`store` then takes each kept file: its name sanitised (:func:`safe_name`), its type checked
  by its content (:func:`content_problem`: the extension must match what the bytes are), and moves
  it into ``inbox/`` under a name no file there has yet (``tên (2).xlsx``…), created atomically (a
  hard link, else an exclusive create, of the finished temporary file): nothing in ``inbox/`` is
  ever replaced or modified. The caller holds the workspace lock around both.
* Every refusal is a Vietnamese sentence saying which file and what to do. Temporary files never
  outlive the request (:meth:`Upload.discard`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import unicodedata
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header

from ..core.paths import INBOX, STATE

WEB_TEMP = STATE / "web"
FILES_FIELD = "files"
ALLOWED_EXTENSIONS = (".xlsx", ".xls", ".ods", ".docx", ".eml", ".mbox")
MAX_NAME = 120
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
)
_KEPT_PUNCTUATION = " -_.()"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER_LINE = re.compile(rb"[!-9;-~]+:[ \t]")
# What the names of a zip's members show it to be, by extension.
_ZIP_KINDS: dict[str, tuple[str, Callable[[list[str], str], bool]]] = {
    ".xlsx": ("bảng tính Excel (.xlsx)", lambda names, _: any(n.startswith("xl/") for n in names)),
    ".docx": ("văn bản Word (.docx)", lambda names, _: any(n.startswith("word/") for n in names)),
    ".ods": ("bảng tính OpenDocument (.ods)", lambda names, mime: "spreadsheet" in mime and "content.xml" in names),
}
_WHAT_TO_SEND = "Chỉ nhận tệp .xlsx, .xls, .ods (bảng tính), .docx (văn bản) và .eml, .mbox (thư lưu)"


class NotMultipart(ValueError):
    """The request is not a form upload with files."""


@dataclass
class Part:
    """A file part of an upload, written to a temporary file as it arrived."""

    original: str  # the name the browser gave, as sent
    temp: Path | None  # None once discarded
    size: int = 0
    refusal: str = ""


@dataclass(frozen=True)
class Saved:
    """A file now in ``inbox/``: the name it was sent with and the name it has there."""

    original: str
    name: str
    path: Path


@dataclass(frozen=True)
class Refused:
    original: str
    message: str


@dataclass
class Upload:
    """What one request sent: its file parts, in order."""

    parts: list[Part] = field(default_factory=list)

    def discard(self) -> None:
        """Remove every temporary file still there."""
        for part in self.parts:
            if part.temp is not None:
                part.temp.unlink(missing_ok=True)
                part.temp = None


@dataclass
class Stored:
    saved: list[Saved] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


class _Reader:
    """The parser's callbacks: headers of a part, its data to a temporary file, its end."""

    def __init__(self, root: Path, limit: int, max_files: int) -> None:
        self.folder = root / WEB_TEMP
        self.limit, self.max_files = limit, max_files
        self.upload = Upload()
        self.files = 0
        self._headers: dict[str, bytes] = {}
        self._field, self._value = b"", b""
        self._part: Part | None = None
        self._handle: IO[bytes] | None = None

    def part_begin(self) -> None:
        self._headers, self._field, self._value = {}, b"", b""

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def header_end(self) -> None:
        self._headers[self._field.decode("latin-1").lower()] = self._value
        self._field, self._value = b"", b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self._part = None
        if name != FILES_FIELD or filename is None or filename == b"":
            return  # another field (the page sends none that matters here), or no file chosen
        part = Part(filename.decode("utf-8", "replace"), None)
        self.upload.parts.append(part)
        self.files += 1
        if self.files > self.max_files:
            part.refusal = (
                f"Tệp “{part.original}” chưa được nhận vì mỗi lần chỉ nhận tối đa {self.max_files} tệp. "
                "Hãy gửi tệp này ở lần sau."
            )
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        part.temp = self.folder / f".tai-len-{secrets.token_hex(8)}.part"
        self._handle = open(part.temp, "xb")  # noqa: SIM115 - closed at the part's end
        self._part = part

    def part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        if part is None or self._handle is None:
            return
        part.size += end - start
        if part.size > self.limit:
            self._close()
            if part.temp is not None:
                part.temp.unlink(missing_ok=True)
                part.temp = None
            limit_mb = self.limit / (1024 * 1024)
            part.refusal = (
                f"Tệp “{part.original}” lớn hơn {limit_mb:g} MB nên không được nhận. Hãy kiểm tra đúng là "
                "tệp mẫu biểu; nếu đúng, hãy xóa bớt ảnh trong tệp hoặc tăng upload_limit_mb trong "
                "config/web.yaml."
            )
            self._part = None
            return
        self._handle.write(data[start:end])

    def part_end(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
        self._close()
        self._part = None

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


async def read_upload(
    root: Path, content_type: str, chunks: AsyncIterator[bytes], limit: int, max_files: int
) -> Upload:
    """The file parts of a multipart body read from ``chunks`` (see the module); on any error the
    temporary files written so far are removed before the error goes on."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise NotMultipart(content_type)
    reader = _Reader(root, limit, max_files)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": reader.part_begin,
            "on_header_field": reader.header_field,
            "on_header_value": reader.header_value,
            "on_header_end": reader.header_end,
            "on_headers_finished": reader.headers_finished,
            "on_part_data": reader.part_data,
            "on_part_end": reader.part_end,
        },
    )
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except BaseException:
        reader._close()
        reader.upload.discard()
        raise
    finally:
        reader._close()
    return reader.upload


def safe_name(sent: str) -> str:
    """The name a sent file gets in ``inbox/`` (before making it unique): NFC; the last component
    of any path (``/`` or ``\\``); letters (Latin, Vietnamese included), digits, space and ``-_.()``
    only; no leading dots or spaces; a reserved Windows name made harmless; at most
    :data:`MAX_NAME` characters, the extension kept; the extension in lower case."""
    name = unicodedata.normalize("NFC", sent)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if _kept(ch))
    name = re.sub(r"\s+", " ", name).strip()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem.lstrip(" .-").rstrip(" .")
    extension = f".{extension.strip().lower()}" if extension.strip() else ""
    if not stem:
        stem = "tep"
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = f"tep-{stem}"
    stem = stem[: MAX_NAME - len(extension)].rstrip(" .")
    return stem + extension


def _kept(ch: str) -> bool:
    if ch in _KEPT_PUNCTUATION or (ch.isascii() and ch.isalnum()):
        return True
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def content_problem(path: Path, extension: str) -> str:
    """What is wrong with the file's content for its extension, in words ("" when it fits)."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if not head:
        return "tệp rỗng, không có nội dung"
    if extension in _ZIP_KINDS:
        what, fits = _ZIP_KINDS[extension]
        if not head.startswith(_ZIP_MAGIC):
            return f"nội dung không phải {what}"
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                mime = _first_bytes(archive, "mimetype").decode("ascii", "replace") if "mimetype" in names else ""
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return f"tệp nén bị hỏng, không phải {what} đọc được"
        return "" if fits(names, mime) else f"nội dung không phải {what}"
    if extension == ".xls":
        return "" if head.startswith(_OLE2_MAGIC) else "nội dung không phải bảng tính Excel 97-2003 (.xls)"
    if extension in (".eml", ".mbox"):
        return "" if _looks_like_mail(head) else "nội dung không phải thư điện tử lưu dạng .eml hoặc .mbox"
    return f"đuôi tệp không được nhận. {_WHAT_TO_SEND}"


def _first_bytes(archive: zipfile.ZipFile, member: str) -> bytes:
    """The start of a member, never inflating more of it."""
    with archive.open(member) as handle:
        return handle.read(100)


def _looks_like_mail(head: bytes) -> bool:
    """Text that starts as a message does: an mbox's ``From`` line or a header line."""
    if b"\x00" in head:
        return False
    start = head.lstrip(b"\r\n")
    return start.startswith(b"From ") or _HEADER_LINE.match(start) is not None


def store(root: Path, upload: Upload) -> Stored:
    """Each kept part checked and moved into ``inbox/`` (see the module); the temporary files are
    gone afterwards, whatever happened."""
    inbox = (root / INBOX).resolve()
    stored = Stored()
    try:
        for part in upload.parts:
            if part.refusal or part.temp is None:
                stored.refused.append(Refused(part.original, part.refusal))
                continue
            refusal = _refusal(part.temp, part.original)
            if refusal:
                stored.refused.append(Refused(part.original, refusal))
                continue
            inbox.mkdir(parents=True, exist_ok=True)
            final = _place(part.temp, inbox, safe_name(part.original))
            stored.saved.append(Saved(part.original, final.name, final))
    finally:
        upload.discard()
    return stored


def _refusal(temp: Path, original: str) -> str:
    name = safe_name(original)
    extension = Path(name).suffix
    if extension not in ALLOWED_EXTENSIONS:
        return f"Tệp “{original}” không được nhận vì đuôi tệp không đúng. {_WHAT_TO_SEND}; hãy gửi đúng tệp."
    problem = content_problem(temp, extension)
    if problem:
        return (
            f"Tệp “{original}” không được nhận: {problem}. Hãy mở tệp bằng đúng chương trình, lưu lại đúng "
            "định dạng rồi gửi lại."
        )
    return ""


def _place(temp: Path, inbox: Path, name: str) -> Path:
    """The finished ``temp`` given its name in ``inbox``: ``name``, else ``name (2)``…, created
    atomically, never replacing a file."""
    stem, extension = name[: -len(Path(name).suffix)] or name, Path(name).suffix
    for number in range(1, 10_000):
        candidate = name if number == 1 else f"{stem[: MAX_NAME - len(extension) - 8]} ({number}){extension}"
        final = inbox / candidate
        if final.resolve().parent != inbox:  # cannot happen with a safe name; checked all the same
            raise ValueError(f"{candidate!r} is outside the inbox")
        if _create(temp, final):
            return final
    raise FileExistsError(f"{inbox / name}")


def _create(temp: Path, final: Path) -> bool:
    """``final`` created with ``temp``'s content; False when a file of that name exists."""
    try:
        os.link(temp, final)
        return True
    except FileExistsError:
        return False
    except OSError:
        pass  # a file system without hard links: an exclusive create, then the bytes
    try:
        target = os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    except FileExistsError:
        return False
    try:
        with os.fdopen(target, "wb") as out, open(temp, "rb") as source:
            shutil.copyfileobj(source, out)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            final.unlink()
        raise
    return True
