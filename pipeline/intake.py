"""Intake stage: files under ``inbox/`` -> :class:`RawWorkbook` values (or a finding why not).

Contract: a file is identified by its content, never by its name; any file name, any sub-folder.
Files are only ever read: nothing under the inbox is modified, moved or deleted. Before any
spreadsheet reader runs, a cheap pre-check looks at the magic bytes and, for zip containers, the
central directory (declared sizes, the workbook part), so truncated files, foreign files and
archive bombs are turned away without being decompressed. Cell values are read with
python-calamine (fast, and it reads .xlsx, .xlsm, .xls and .ods alike).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .findings import Finding, finding
from .sheetxml import ErrorCells, error_cells

# Limits for the zip pre-check: a filled unit workbook is ~20-100 KB, its XML a few MB at most.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IGNORED_NAMES = (".gitkeep", "README.md", ".DS_Store", "Thumbs.db", "desktop.ini")


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

    def sheet(self, name: str) -> RawSheet | None:
        return next((s for s in self.sheets if s.name == name), None)


@dataclass(frozen=True)
class Received:
    """What intake made of one file: a workbook to validate, or the findings that stop it."""

    source: SourceFile
    workbook: RawWorkbook | None
    findings: tuple[Finding, ...]


def discover(inbox: Path) -> list[Path]:
    """Every candidate file under ``inbox``, recursively, sorted; hidden and housekeeping files skipped."""
    if not inbox.is_dir():
        return []
    files = (
        p
        for p in inbox.rglob("*")
        if p.is_file() and not any(part.startswith((".", "~$")) for part in p.relative_to(inbox).parts)
    )
    return sorted((p for p in files if p.name not in IGNORED_NAMES), key=lambda p: p.relative_to(inbox).as_posix())


def receive(path: Path, display_name: str) -> Received:
    """Read one file into a :class:`Received`; never raises on bad content."""
    try:
        data = path.read_bytes()
        stat = path.stat()
    except OSError as exc:
        return _unreadable(path, display_name, exc)
    source = SourceFile(
        path=path,
        name=display_name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        received_at=dt.datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0),
    )
    problem = precheck(data)
    if problem:
        return Received(source, None, (finding("not-a-workbook", file=display_name, detail=problem),))
    try:
        sheets = tuple(_read_sheets(data))
    except Exception as exc:  # the reader's many error types all mean "unreadable"
        detail = f"tệp bị hỏng, có đặt mật khẩu hoặc định dạng không được hỗ trợ; lỗi của bộ đọc: {type(exc).__name__}"
        return Received(source, None, (finding("not-a-workbook", file=display_name, detail=detail),))
    return Received(source, RawWorkbook(source, sheets), ())


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
    if not data:
        return "tệp rỗng, 0 byte"
    if len(data) > MAX_FILE_BYTES:
        return f"tệp quá lớn ({len(data) // 1024 // 1024} MB)"
    if data.startswith(OLE2_MAGIC):
        return ""  # legacy .xls (or an encrypted OOXML package): the reader decides
    if not data.startswith(ZIP_MAGIC):
        return _foreign_kind(data)
    return _zip_problem(data)


def _foreign_kind(data: bytes) -> str:
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "đây là tệp PDF"
    if head[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"GIF8"):
        return "đây là tệp hình ảnh"
    return "định dạng không phải Excel"


def _zip_problem(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "tệp bị hỏng hoặc tải về không trọn vẹn"
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names and "content.xml" not in names and "xl/workbook.bin" not in names:
        return "tệp nén không chứa bảng tính"
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        return "nội dung giải nén quá lớn, nghi là tệp độc hại"
    return ""


def _read_sheets(data: bytes) -> Iterator[RawSheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    errors = error_cells(data) if data.startswith(ZIP_MAGIC) else {}
    for meta in workbook.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue  # chart and macro sheets hold no cells of ours
        rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        visible = meta.visible == SheetVisibleEnum.Visible
        yield RawSheet(meta.name, visible, _with_errors(rows, errors.get(meta.name, {})))


def _with_errors(rows: list[list[Any]], errors: ErrorCells) -> tuple[tuple[Any, ...], ...]:
    """The reader's rows with Excel error values put back where the sheet XML has them."""
    for (row, column), value in errors.items():
        while len(rows) < row:
            rows.append([])
        line = rows[row - 1]
        line.extend([""] * (column - len(line)))
        line[column - 1] = value
    return tuple(tuple(r) for r in rows)
