"""Intake stage: files under ``inbox/`` -> :class:`RawWorkbook` values (or a finding why not).

Contract: a file is identified by its content, never by its name; any file name, any sub-folder.
Files are only ever read: nothing under the inbox is modified, moved or deleted. Before any
spreadsheet reader runs, a cheap pre-check looks at the magic bytes and, for zip containers, the
central directory (declared sizes, the workbook part), so truncated files, foreign files and
archive bombs are turned away without being decompressed; a member that lies about its size is
inflated a chunk at a time and refused once it passes its declared size, so memory stays bounded
whatever the headers claim. Cell values are read with
python-calamine (fast, and it reads .xlsx, .xlsm, .xls and .ods alike).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import DvkError
from ..core.findings import Finding, finding
from ..core.paths import file_sha256
from .sheetxml import SheetExtras, SpecialCells, package_extras

# Limits for the zip pre-check: a filled unit workbook is ~20-100 KB, its XML a few MB at most.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
# A filled template has a few thousand cells; a sheet with more than this is not one of ours.
MAX_CELLS = 1_000_000
MAX_COMPRESSION_RATIO = 200
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IGNORED_NAMES = (".gitkeep", "README.md", ".DS_Store", "Thumbs.db", "desktop.ini")
HIDDEN_PREFIXES = (".", "~$")  # hidden files and folders, and the lock files Office leaves beside open workbooks


@dataclass(frozen=True)
class SourceFile:
    """A received file: where it is, what it is (hash) and when it arrived."""

    path: Path
    name: str
    sha256: str
    size: int
    received_at: dt.datetime


@dataclass(frozen=True)
class RawSheet:
    name: str
    visible: bool
    rows: tuple[tuple[Any, ...], ...]
    # Merged ranges as 1-based (first row, first column, last row, last column).
    merged: tuple[tuple[int, int, int, int], ...] = ()
    # Cells formatted in a legacy Vietnamese font (TCVN3 ".VnTime", VNI "VNI-Times"): (row, column) -> font.
    legacy_fonts: Mapping[tuple[int, int], str] = field(default_factory=dict)

    def cell(self, row: int, column: int) -> Any:
        """The value at 1-based ``row``/``column``; ``""`` outside the used area."""
        if row - 1 < len(self.rows) and column - 1 < len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return ""


@dataclass(frozen=True)
class RawWorkbook:
    """Every sheet of a workbook as values, row 1 at index 0 (no trimming)."""

    source: SourceFile
    sheets: tuple[RawSheet, ...]
    format: str = "xlsx"

    def sheet(self, name: str) -> RawSheet | None:
        return next((s for s in self.sheets if s.name == name), None)


@dataclass(frozen=True)
class Received:
    """What intake made of one file: a workbook to validate, or the findings that stop it.

    A Word document (.docx) is no workbook; its bytes are kept in ``document`` for the reader of
    the clerk's document of the reports' written parts (:mod:`.narrative`)."""

    source: SourceFile
    workbook: RawWorkbook | None
    findings: tuple[Finding, ...]
    document: bytes = field(default=b"", repr=False)


def discover(inbox: Path) -> list[Path]:
    """Every candidate file under ``inbox``, recursively, sorted; hidden and housekeeping files skipped."""
    if not inbox.is_dir():
        return []
    found: list[tuple[str, str]] = []  # (relative posix path, path); os.walk: rglob costs 5x more
    for top, folders, names in os.walk(inbox):
        folders[:] = [f for f in folders if not f.startswith(HIDDEN_PREFIXES)]  # symlinked ones are not entered
        relative = os.path.relpath(top, inbox).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        for name in names:
            path = os.path.join(top, name)
            if not name.startswith(HIDDEN_PREFIXES) and name not in IGNORED_NAMES and os.path.isfile(path):
                found.append((prefix + name, path))
    return [Path(path) for _, path in sorted(found)]


def receive(path: Path, display_name: str, received_at: dt.datetime | None = None) -> Received:
    """Read one file into a :class:`Received`; never raises on bad content.

    ``received_at`` is when the ward received the file (from the register); by default the
    file's modification time."""
    try:
        stat = path.stat()
        if stat.st_size > MAX_FILE_BYTES:  # refused by its size on the disk, never read whole
            return _too_large(path, display_name, stat.st_size, received_at or _modified(stat))
        data = path.read_bytes()
    except OSError as exc:
        return _unreadable(path, display_name, exc)
    source = SourceFile(
        path=path,
        name=display_name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        received_at=received_at or _modified(stat),
    )
    problem, package = _precheck(data)
    if problem:
        return Received(source, None, (finding("not-a-workbook", file=display_name, detail=problem),))
    if _is_encrypted(data, package):
        return Received(source, None, (finding("encrypted-file", file=display_name),))
    if package is not None and _is_word_document(package.names):
        detail = "đây là văn bản Word (.docx), không phải bảng tính"
        return Received(source, None, (finding("not-a-workbook", file=display_name, detail=detail),), data)
    try:
        sheets = tuple(_read_sheets(data, package))
    except BaseException as exc:  # the reader's many error types, and its panics, all mean "unreadable"
        if not isinstance(exc, Exception) and type(exc).__name__ != READER_PANIC:
            raise  # Ctrl-C, exit
        return Received(source, None, (_reader_failure(display_name, exc),))
    kind = _package_format(data, package)
    return Received(source, RawWorkbook(source, sheets, kind), tuple(_format_notes(display_name, kind)))


# A Rust panic inside python-calamine (calamine has panicked on malformed .xls and .xlsx parts, e.g.
# tafia/calamine#612, #721) reaches Python as pyo3's PanicException, which derives from
# BaseException, not Exception: the file is unreadable, not the run broken.
READER_PANIC = "PanicException"


class TooManyCells(DvkError, ValueError):
    """A sheet far larger than any filled template: refused before its cells become Python objects."""


def _reader_failure(display_name: str, exc: BaseException) -> Finding:
    if isinstance(exc, TooManyCells):
        return finding("not-a-workbook", file=display_name, detail=f"sheet “{exc}” có quá nhiều ô, không phải mẫu biểu")
    if type(exc).__name__ == "PasswordError":
        return finding("encrypted-file", file=display_name)
    detail = f"tệp bị hỏng hoặc định dạng không được hỗ trợ; lỗi của bộ đọc: {type(exc).__name__}"
    return finding("not-a-workbook", file=display_name, detail=detail)


FORMAT_LABELS = {
    "xlsm": "Excel có macro (.xlsm)",
    "xls": "Excel 97-2003 (.xls)",
    "ods": "OpenDocument (.ods)",
    "xlsb": "Excel nhị phân (.xlsb)",
}


def _format_notes(display_name: str, kind: str) -> Iterator[Finding]:
    """What a workbook saved again in another format earns: a note, or a warning for macros."""
    if kind == "xlsm":
        yield finding("macro-enabled", file=display_name)
    elif kind in FORMAT_LABELS:
        yield finding("other-format", file=display_name, format=FORMAT_LABELS[kind])


def package_format(data: bytes) -> str:
    """``xlsx``, ``xlsm``, ``xlsb``, ``ods`` or ``xls``, from the content (never the file name)."""
    return _package_format(data, None if data.startswith(OLE2_MAGIC) else _Zip.of(data))


def _package_format(data: bytes, package: _Zip | None) -> str:
    if package is None:
        return "xls"
    names = package.names
    if "content.xml" in names:
        return "ods"
    if "xl/workbook.bin" in names:
        return "xlsb"
    return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"


_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_MANIFEST = "META-INF/manifest.xml"  # an OpenDocument file's, which declares its encryption


def is_encrypted(data: bytes) -> bool:
    """A password-protected workbook: an OLE2 wrapper around an encrypted OOXML package, or an
    OpenDocument file whose manifest declares encryption."""
    return _is_encrypted(data, None if data.startswith(OLE2_MAGIC) else _Zip.of(data, (_MANIFEST,)))


def _is_encrypted(data: bytes, package: _Zip | None) -> bool:
    if package is None:
        return _ENCRYPTED_PACKAGE in data
    return b"encryption-data" in package.parts.get(_MANIFEST, b"")


def _unreadable(path: Path, display_name: str, exc: OSError) -> Received:
    """A file the operating system will not let us read (permissions, vanished, locked)."""
    source = SourceFile(path, display_name, "", 0, dt.datetime(1970, 1, 1))
    detail = f"không mở được tệp: {exc.strerror or exc}"
    return Received(source, None, (finding("not-a-workbook", file=display_name, detail=detail),))


def receive_all(inbox: Path) -> Iterator[Received]:
    """Receive every file under ``inbox`` in name order."""
    for path in discover(inbox):
        yield receive(path, path.relative_to(inbox).as_posix())


def precheck(data: bytes) -> str:
    """Why ``data`` cannot be a workbook worth opening, in Vietnamese; ``""`` when it may be."""
    return _precheck(data)[0]


@dataclass(frozen=True)
class _Zip:
    """A zip container that passed the precheck: its member names and their contents, inflated.

    The precheck inflates every member anyway; the checks after it (encryption, format, the
    cells the value reader does not tell) read these instead of opening the zip again. Every
    member is kept, not only ``.xml`` ones: a sheet's part may have any name. Their total is
    bounded by the precheck (MAX_UNCOMPRESSED_BYTES) and they live as long as one receive()."""

    names: frozenset[str]
    parts: Mapping[str, bytes]

    @classmethod
    def of(cls, data: bytes, parts: tuple[str, ...] = ()) -> _Zip:
        """The container's names and the named ``parts`` it has, read; raises on a damaged zip."""
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = frozenset(archive.namelist())
            return cls(names, {name: archive.read(name) for name in parts if name in names})


def _modified(stat: os.stat_result) -> dt.datetime:
    return dt.datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0)


def _too_large(path: Path, display_name: str, size: int, received_at: dt.datetime) -> Received:
    """A file over :data:`MAX_FILE_BYTES` on the disk, refused unread (its hash taken a chunk at a time)."""
    sha = file_sha256(path)
    source = SourceFile(path=path, name=display_name, sha256=sha, size=size, received_at=received_at)
    detail = too_large(size)
    return Received(source, None, (finding("not-a-workbook", file=display_name, detail=detail),))


def too_large(size: int) -> str:
    """Why a file of ``size`` bytes is refused (over :data:`MAX_FILE_BYTES`)."""
    return f"tệp quá lớn ({size // 1024 // 1024} MB)"


def _precheck(data: bytes) -> tuple[str, _Zip | None]:
    """:func:`precheck`'s answer, and the container when it is a zip that passed it."""
    if not data:
        return "tệp rỗng, 0 byte", None
    if len(data) > MAX_FILE_BYTES:
        return too_large(len(data)), None
    if data.startswith(OLE2_MAGIC):
        return "", None  # legacy .xls (or an encrypted OOXML package): the reader decides
    if not data.startswith(ZIP_MAGIC):
        return _foreign_kind(data), None
    return _zip_problem(data)


def _foreign_kind(data: bytes) -> str:
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "đây là tệp PDF"
    if head[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"GIF8"):
        return "đây là tệp hình ảnh"
    return "định dạng không phải Excel"


_DAMAGED = "tệp bị hỏng hoặc tải về không trọn vẹn"


def _zip_problem(data: bytes) -> tuple[str, _Zip | None]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = frozenset(info.filename for info in infos)
            if not _has_sheets(names) and not _is_word_document(names):
                return "tệp nén không chứa bảng tính", None
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
            if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
                return "nội dung giải nén quá lớn, nghi là tệp độc hại", None
            parts = _inflate_check(data, archive, infos)
    except (zipfile.BadZipFile, OSError, ValueError):
        return _DAMAGED, None
    return ("", _Zip(names, parts)) if parts is not None else (_DAMAGED, None)


WORD_DOCUMENT_PART = "word/document.xml"


def _has_sheets(names: frozenset[str]) -> bool:
    return "xl/workbook.xml" in names or "content.xml" in names or "xl/workbook.bin" in names


def _is_word_document(names: frozenset[str]) -> bool:
    """A Word package (.docx) and no spreadsheet: it passes the same size checks, then goes to the
    document's reader instead of the workbook's."""
    return WORD_DOCUMENT_PART in names and not _has_sheets(names)


def _inflate_check(data: bytes, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> dict[str, bytes] | None:
    """Inflate every member once: a member whose real content disagrees with its declared size or
    checksum (a crafted bomb, a damaged download) is caught here (None), before a reader that
    trusts the declarations (and could abort the process) sees it. Reading stops at the declared
    size, whose total is bounded above; the contents are kept for the checks after this one."""
    parts: dict[str, bytes] = {}
    try:
        for info in infos:
            content = _plain_member(data, info)
            if content is None:
                content = _bounded_member(archive, info)
            parts[info.filename] = content
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return None
    return parts


# zipfile inflates at most what one read() asks for, whatever the stream holds: reading a member
# whole asks for up to 2 GiB at once, however small its declared size.
_READ_CHUNK = 1024 * 1024


def _bounded_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member as zipfile reads and checks it, read a chunk at a time: zipfile stops at the
    declared size (then refuses a checksum that does not match), so memory never exceeds the
    declared size plus one chunk, whatever the stream would inflate to. Stored and deflated members
    only: zipfile inflates the other methods (bzip2, LZMA) without a bound per read, and no
    spreadsheet program writes them (the value reader cannot read them either)."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise NotImplementedError(f"compression method {info.compress_type}")
    chunks = []
    with archive.open(info) as member:
        while chunk := member.read(_READ_CHUNK):
            chunks.append(chunk)
    return b"".join(chunks)


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_LOCAL_MAGIC = b"PK\x03\x04"
# Encrypted, compressed patched data, strong encryption: zipfile refuses these (or asks a password).
_UNUSUAL_FLAGS = 0x01 | 0x20 | 0x40


def _plain_member(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A stored or deflated member's content when it is exactly what its entry declares (local
    header, name, size, checksum), inflated with zlib directly; None for anything else, which
    zipfile then reads and judges. ``zipfile.read`` would give the same bytes without complaint
    whenever this returns them; it costs several times as much per member."""
    if info.flag_bits & _UNUSUAL_FLAGS or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    offset = info.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size:
        return None
    magic, _, _, flags, _, _, _, _, _, _, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    name = data[offset + _LOCAL_HEADER.size : offset + _LOCAL_HEADER.size + name_length]
    if magic != _LOCAL_MAGIC or _decoded(name, flags) != info.orig_filename:
        return None
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        # zipfile reads a stored member's declared file size, not its compressed size: where the two
        # disagree (a damaged directory) it reads other bytes and refuses them by their checksum.
        content = raw if len(raw) == info.file_size else None
    else:
        content = _inflate(raw, info.file_size)
    return content if content is not None and zlib.crc32(content) == info.CRC else None


def _decoded(name: bytes, flags: int) -> str | None:
    """A local header's file name as zipfile reads it (UTF-8 when flagged, else code page 437)."""
    try:
        return name.decode("utf-8" if flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        return None


def _inflate(raw: bytes, size: int) -> bytes | None:
    """A complete raw deflate stream inflated to exactly ``size`` bytes, else None (never more
    than ``size + 1`` bytes are produced, whatever the stream holds)."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        content = inflater.decompress(raw, size + 1)
    except zlib.error:
        return None
    return content if inflater.eof and len(content) == size else None


def _read_sheets(data: bytes, package: _Zip | None) -> Iterator[RawSheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    extras = package_extras(package.parts) if package is not None else {}
    no_extras = SheetExtras({}, {})
    for meta in workbook.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue  # chart and macro sheets hold no cells of ours
        sheet = workbook.get_sheet_by_name(meta.name)
        if sheet.height * sheet.width > MAX_CELLS:
            raise TooManyCells(meta.name)
        extra = extras.get(meta.name, no_extras)
        rows = _with_special(sheet.to_python(skip_empty_area=False), extra.special)
        visible = meta.visible == SheetVisibleEnum.Visible
        yield RawSheet(meta.name, visible, rows, _merged(sheet.merged_cell_ranges), extra.legacy_fonts)


def _merged(ranges: list[tuple[tuple[int, int], tuple[int, int]]] | None) -> tuple[tuple[int, int, int, int], ...]:
    """The reader's 0-based merged ranges as sorted 1-based (row, column, last row, last column)."""
    return tuple(sorted((r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in ranges or ()))


def _with_special(rows: list[list[Any]], special: SpecialCells) -> tuple[tuple[Any, ...], ...]:
    """The reader's rows with error values and uncalculated formulas put back where the XML has them."""
    for (row, column), value in special.items():
        while len(rows) < row:
            rows.append([])
        line = rows[row - 1]
        line.extend([""] * (column - len(line)))
        line[column - 1] = value
    return tuple(tuple(r) for r in rows)


def file_extension(path: Path) -> str:
    """The file's own extension if it is a plain one, for people browsing the archive."""
    suffix = path.suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ".bin"
