"""Uploads read as a stream into the workspace, named safely, checked by content, never overwriting."""

from __future__ import annotations

import asyncio
import io
import tracemalloc
import zipfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from pipeline.web.uploads import MAX_NAME, WEB_TEMP, NotMultipart, content_problem, read_upload, safe_name, store

BOUNDARY = "----dvk-test-boundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
XLSX = b"PK\x03\x04"  # replaced below by a real zip


def xlsx_bytes(extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>" + extra.decode())
    return out.getvalue()


def body_chunks(files: Sequence[tuple[str, bytes]], chunk: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A multipart body of ``files`` (field ``files``), as chunks: never all of it in memory."""

    async def chunks() -> AsyncIterator[bytes]:
        for name, data in files:
            yield (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            for start in range(0, len(data), chunk):
                yield data[start : start + chunk]
            yield b"\r\n"
        yield f"--{BOUNDARY}--\r\n".encode()

    return chunks()


def upload(root: Path, files: Sequence[tuple[str, bytes]], limit: int = 1 << 20, max_files: int = 10):  # type: ignore[no-untyped-def]
    return asyncio.run(read_upload(root, CONTENT_TYPE, body_chunks(files), limit, max_files))


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/x.xlsx", "x.xlsx"),
        ("..\\..\\Windows\\x.xlsx", "x.xlsx"),
        ("/etc/passwd", "passwd"),
        ("a\x00b\x1f.xlsx", "ab.xlsx"),
        ("CON.xlsx", "tep-CON.xlsx"),
        ("com1.XLSX", "tep-com1.xlsx"),
        (".hidden.xlsx", "hidden.xlsx"),
        ("...", "tep"),
        ("Báo cáo Hội Cựu chiến binh (đợt 2).xlsx", "Báo cáo Hội Cựu chiến binh (đợt 2).xlsx"),
        ("Ba\u0301o ca\u0301o.xlsx", "Báo cáo.xlsx"),  # NFD as macOS sends it -> NFC
        ('a<b>c|d?*:e".xlsx', "abcde.xlsx"),
        ("文件.xlsx", "tep.xlsx"),
    ],
)
def test_names_are_sanitised(sent: str, kept: str) -> None:
    assert safe_name(sent) == kept


def test_a_long_name_is_cut_keeping_its_extension() -> None:
    name = safe_name("đ" * 300 + ".xlsx")
    assert len(name) == MAX_NAME and name.endswith("đ.xlsx")


def test_types_are_checked_by_content(tmp_path: Path) -> None:
    def problem(data: bytes, extension: str) -> str:
        path = tmp_path / "f"
        path.write_bytes(data)
        return content_problem(path, extension)

    assert problem(xlsx_bytes(), ".xlsx") == ""
    assert "không phải" in problem(b"just some text\n", ".xlsx")
    assert "không phải" in problem(xlsx_bytes(), ".docx")  # a workbook renamed .docx
    assert "hỏng" in problem(b"PK\x03\x04garbage", ".xlsx")
    assert problem(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls") == ""
    assert problem(b"<html>", ".xls") != ""
    assert problem(b"From: a@b.c\r\nSubject: x\r\n\r\nbody", ".eml") == ""
    assert problem(b"From a@b.c Mon Jan 1 00:00:00 2026\nFrom: a@b.c\n", ".mbox") == ""
    assert problem(b"PK\x03\x04\x00\x00", ".eml") != ""
    assert "rỗng" in problem(b"", ".xlsx")


def test_several_files_stream_into_hidden_temporary_files_inside_the_workspace(tmp_path: Path) -> None:
    first, second = xlsx_bytes(b"1"), xlsx_bytes(b"2")
    sent = upload(tmp_path, [("a.xlsx", first), ("b.xlsx", second)])
    assert [p.original for p in sent.parts] == ["a.xlsx", "b.xlsx"]
    for part, data in zip(sent.parts, (first, second), strict=True):
        assert part.temp is not None and part.temp.parent == tmp_path / WEB_TEMP and part.temp.name.startswith(".")
        assert part.temp.read_bytes() == data and part.size == len(data)
    stored = store(tmp_path, sent)
    assert [s.name for s in stored.saved] == ["a.xlsx", "b.xlsx"]
    assert (tmp_path / "inbox" / "b.xlsx").read_bytes() == second
    assert list((tmp_path / WEB_TEMP).iterdir()) == []


def test_an_oversize_file_is_discarded_while_streaming_and_memory_stays_small(tmp_path: Path) -> None:
    big = b"PK\x03\x04" + b"x" * (3 * 1024 * 1024)
    tracemalloc.start()
    try:
        sent = upload(tmp_path, [("big.xlsx", big), ("a.xlsx", xlsx_bytes())], limit=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024  # the 3 MB file never sat in memory (the test's own copy aside)
    big_part, small = sent.parts
    assert big_part.temp is None and "lớn hơn 1 MB" in big_part.refusal
    assert small.temp is not None and small.refusal == ""
    assert len(list((tmp_path / WEB_TEMP).iterdir())) == 1
    stored = store(tmp_path, sent)
    assert [s.name for s in stored.saved] == ["a.xlsx"] and "big.xlsx" in stored.refused[0].message


def test_files_past_the_count_limit_are_refused_unwritten(tmp_path: Path) -> None:
    sent = upload(tmp_path, [(f"{n}.xlsx", xlsx_bytes()) for n in range(4)], max_files=2)
    assert [p.temp is None for p in sent.parts] == [False, False, True, True]
    assert "tối đa 2 tệp" in sent.parts[3].refusal
    stored = store(tmp_path, sent)
    assert sorted(p.name for p in (tmp_path / "inbox").iterdir()) == ["0.xlsx", "1.xlsx"]
    assert len(stored.refused) == 2


def test_the_same_name_twice_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.xlsx").write_bytes(b"first")
    stored = store(tmp_path, upload(tmp_path, [("a.xlsx", xlsx_bytes(b"2")), ("a.xlsx", xlsx_bytes(b"3"))]))
    assert [s.name for s in stored.saved] == ["a (2).xlsx", "a (3).xlsx"]
    assert (tmp_path / "inbox" / "a.xlsx").read_bytes() == b"first"
    assert (tmp_path / "inbox" / "a (3).xlsx").read_bytes() == xlsx_bytes(b"3")


def test_a_body_that_is_not_multipart_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotMultipart):
        asyncio.run(read_upload(tmp_path, "application/x-www-form-urlencoded", body_chunks([]), 10, 10))
