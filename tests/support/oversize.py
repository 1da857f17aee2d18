"""Inputs that lie about their size (issue 17), built cheaply: a workbook whose zip declares a few
kilobytes for a member that inflates to gigabytes, and saved messages carrying an attachment of
hundreds of megabytes, written to disk piece by piece.

- ``lying_workbook``: a real workbook with one more member whose local header and central directory
  both declare ``declared`` bytes, while its deflate stream inflates to ``inflated_mib`` MiB of zeros
  (3 GiB take about 3 MB: one deflated MiB of zeros, repeated);
- ``write_big_message``: a ``.eml`` (or an mbox entry) whose attachment holds ``attachment_mib`` MiB,
  base64-encoded as a mail program sends it.
"""

from __future__ import annotations

import base64
import io
import struct
import zipfile
import zlib
from email.header import Header
from pathlib import Path
from typing import BinaryIO

MIB = 1024 * 1024
LYING_MEMBER = "xl/worksheets/sheet9.xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # maintype, subtype
_DEFLATED = 8


def zeros_deflated(mib: int) -> bytes:
    """A raw deflate stream of ``mib`` MiB of zeros: after a full flush the compressor starts afresh,
    so the deflated first MiB is the same bytes as every other and can simply be repeated."""
    block_maker = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = block_maker.compress(bytes(MIB)) + block_maker.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)
    return block * mib + end


def lying_workbook(data: bytes, inflated_mib: int, declared: int) -> bytes:
    """``data`` (a workbook's bytes) with :data:`LYING_MEMBER` added: declared ``declared`` bytes
    uncompressed in both its headers, inflating to ``inflated_mib`` MiB."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        # Written as stored, so that zipfile copies the deflate stream as it is; the method and the
        # uncompressed size are then patched into a lie.
        target.writestr(LYING_MEMBER, zeros_deflated(inflated_mib), zipfile.ZIP_STORED)
    patched = bytearray(out.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(patched))) as archive:
        local = archive.getinfo(LYING_MEMBER).header_offset
    central = patched.rfind(b"PK\x01\x02")  # the last member's entry of the central directory
    assert patched[central + 46 : central + 46 + len(LYING_MEMBER)] == LYING_MEMBER.encode()
    for start, method, size in ((local, 8, 22), (central, 10, 24)):
        struct.pack_into("<H", patched, start + method, _DEFLATED)
        struct.pack_into("<I", patched, start + size, declared)
    return bytes(patched)


def write_big_message(
    out: BinaryIO, sender: str, date: str, attachment: str, attachment_mib: int, mbox: bool = False, fill: int = 0
) -> None:
    """A message from ``sender`` dated ``date`` with one spreadsheet attachment of ``attachment_mib``
    MiB (bytes ``fill`` after a zip's magic), written to ``out`` streaming (as an mbox entry, with
    its ``From`` line, when ``mbox``)."""
    boundary = "=====dvk-big-attachment====="
    subject = Header("Gửi báo cáo", "utf-8").encode()
    head = (
        f"From: {sender}\nTo: ban-xdd@dvk-binhdinh.example\nSubject: {subject}\nDate: {date}\n"
        f'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="{boundary}"\n\n'
    )
    if mbox:
        out.write(b"From " + sender.encode() + b" Mon Nov 23 08:00:00 2026\n")
    out.write(head.encode())
    part = (
        f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\nKính gửi Ban.\n\n"
        f"--{boundary}\nContent-Type: {XLSX_TYPE}\nContent-Transfer-Encoding: base64\n"
        f'Content-Disposition: attachment; filename="{attachment}"\n\n'
    )
    out.write(part.encode())
    # 57 bytes encode to one 76-character line; nearly a MiB of such lines, written again and again.
    chunk = b"PK\x03\x04" + bytes([fill]) * (57 * 18396 - 4)
    lines = base64.encodebytes(chunk)
    for _ in range(attachment_mib):  # 4 bytes short of a MiB each: shown as attachment_mib MB
        out.write(lines)
    out.write(f"\n--{boundary}--\n\n".encode())


def big_message_file(path: Path, sender: str, date: str, attachment: str, attachment_mib: int) -> Path:
    """A ``.eml`` at ``path`` (folders made) as :func:`write_big_message` writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_big_message(out, sender, date, attachment, attachment_mib)
    return path
