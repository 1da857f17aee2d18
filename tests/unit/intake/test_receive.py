"""Intake stage: files under the inbox -> received workbooks, or a finding why a file is not one."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config
from pipeline.intake import receive as intake
from pipeline.intake.receive import (
    MAX_UNCOMPRESSED_BYTES,
    OLE2_MAGIC,
    ZIP_MAGIC,
    discover,
    precheck,
    receive,
    receive_all,
)
from pipeline.intake.validate import validate
from tests.support.builder import sample_workbook, write_file

YEAR = 2026
REPO = Path(__file__).parents[3]
CORPUS_CANDIDATES = (REPO.parent / "shared" / "corpus" / "calamine", Path("/work/shared/corpus/calamine"))
CORPUS_SKIP = {"LICENSE-MIT.md"}
MB = 1024 * 1024


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _zip_bomb(megabytes: int) -> bytes:
    """A workbook-looking zip whose one sheet inflates to ``megabytes`` MB of zeros, streamed in 1 MB chunks."""
    buffer = io.BytesIO()
    chunk = bytes(MB)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    data = _zip_bomb(300)
    assert len(data) < 5 * MB
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sum(i.file_size for i in zf.infolist()) > MAX_UNCOMPRESSED_BYTES
    return data


@pytest.fixture(scope="module")
def template(blank_template: Callable[..., bytes]) -> bytes:
    return blank_template("KP-BD01", YEAR)


def _random_bytes() -> bytes:
    data = random.Random(2026).randbytes(4096)
    assert not data.startswith((ZIP_MAGIC, OLE2_MAGIC, b"%PDF"))
    return data


# --------------------------------------------------------------------------- pre-check

FOREIGN = [
    pytest.param(lambda t, b: b"", "tệp rỗng, 0 byte", id="empty"),
    pytest.param(lambda t, b: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "đây là tệp PDF", id="pdf"),
    pytest.param(lambda t, b: b"\x89PNG\r\n\x1a\n" + bytes(64), "đây là tệp hình ảnh", id="png"),
    pytest.param(lambda t, b: b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(64), "đây là tệp hình ảnh", id="jpeg"),
    pytest.param(lambda t, b: _random_bytes(), "định dạng không phải Excel", id="random-bytes"),
    pytest.param(lambda t, b: ZIP_MAGIC + bytes(51 * MB), "tệp quá lớn (51 MB)", id="over-50-mb"),
    pytest.param(lambda t, b: "Mã đơn vị;Tên\nKP-BD01;x\n".encode(), "định dạng không phải Excel", id="csv-text"),
    pytest.param(lambda t, b: t[: len(t) // 2], "tải về không trọn vẹn", id="truncated-template"),
    pytest.param(lambda t, b: ZIP_MAGIC + bytes(100), "tải về không trọn vẹn", id="zip-magic-only"),
    pytest.param(
        lambda t, b: _zip({"ppt/presentation.xml": b"<p:presentation/>", "[Content_Types].xml": b"<Types/>"}),
        "tệp nén không chứa bảng tính",
        id="zip-without-workbook",
    ),
    pytest.param(
        lambda t, b: _zip({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"}),
        "đây là văn bản Word (.docx), không phải bảng tính",
        id="word-document",
    ),
    pytest.param(
        lambda t, b: _zip({"word/document.xml": bytes(10 * MB)}), "nghi là tệp độc hại", id="word-document-bomb"
    ),
    pytest.param(lambda t, b: b, "nghi là tệp độc hại", id="zip-bomb-300-mb"),
    pytest.param(
        lambda t, b: _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(20 * MB)}),
        "nghi là tệp độc hại",
        id="compression-ratio-too-high",
    ),
    pytest.param(
        lambda t, b: OLE2_MAGIC + random.Random(1).randbytes(4096),
        "lỗi của bộ đọc",
        id="ole2-garbage-reaches-the-reader",
    ),
    pytest.param(
        lambda t, b: _zip({"xl/workbook.xml": b"<not even xml", "[Content_Types].xml": b"<Types/>"}),
        "lỗi của bộ đọc",
        id="zip-with-broken-workbook-xml",
    ),
]


@pytest.mark.parametrize(("make", "detail"), FOREIGN)
def test_foreign_files_are_not_workbooks(
    tmp_path: Path, config: Config, template: bytes, zip_bomb: bytes, make: Any, detail: str
) -> None:
    data = make(template, zip_bomb)
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(data)
    received = receive(path, "bao-cao.xlsx")
    assert received.workbook is None
    (problem,) = received.findings
    assert (problem.code, problem.severity, problem.file) == ("not-a-workbook", "error", "bao-cao.xlsx")
    assert detail in problem.message
    assert received.source.sha256 == hashlib.sha256(data).hexdigest()
    assert received.source.size == len(data)
    submission = validate(received, config, YEAR)
    assert [f.code for f in submission.findings] == ["not-a-workbook"]
    assert not submission.accepted


# The corpus of foreign workbooks lies beside the repository (../shared/corpus), not in it: a
# machine without it (CI's clean clone may be one) skips these tests.
FROM_THE_CORPUS = pytest.mark.optional_in_ci(reason="the corpus of foreign workbooks is not in the repository")


def _corpus_file(name: str) -> Callable[[], bytes]:
    def read() -> bytes:
        return (_corpus() / name).read_bytes()

    return read


ENCRYPTED = [
    pytest.param(
        lambda: OLE2_MAGIC + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(1024),
        id="ole2-with-encrypted-package",
    ),
    pytest.param(_corpus_file("pass_protected.xlsx"), id="corpus-xlsx", marks=FROM_THE_CORPUS),
    pytest.param(_corpus_file("pass_protected.xlsb"), id="corpus-xlsb", marks=FROM_THE_CORPUS),
    pytest.param(_corpus_file("pass_protected.ods"), id="corpus-ods", marks=FROM_THE_CORPUS),
]


@pytest.mark.parametrize("make", ENCRYPTED)
def test_password_protected_files_are_refused(tmp_path: Path, config: Config, make: Callable[[], bytes]) -> None:
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(make())
    received = receive(path, "bao-cao.xlsx")
    assert received.workbook is None
    assert [(f.code, f.severity, f.sheet, f.cell) for f in received.findings] == [("encrypted-file", "error", "", "")]
    assert [f.code for f in validate(received, config, YEAR).findings] == ["encrypted-file"]


def test_a_real_template_passes_the_precheck(template: bytes) -> None:
    assert precheck(template) == ""


def test_file_that_cannot_be_opened(tmp_path: Path) -> None:
    received = receive(tmp_path / "vanished.xlsx", "vanished.xlsx")
    assert received.workbook is None
    (problem,) = received.findings
    assert problem.code == "not-a-workbook"
    assert "không mở được tệp" in problem.message


class PanicException(BaseException):
    """What pyo3 raises for a Rust panic inside python-calamine (named so; not an Exception)."""


def test_a_panic_of_the_reader_is_a_finding_and_ctrl_c_is_not(
    tmp_path: Path, template: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "hỏng.xlsx"
    path.write_bytes(template)

    def panics(*_: object) -> None:
        raise PanicException("range end index 2 out of range for slice of length 1")

    monkeypatch.setattr(intake, "_read_sheets", panics)
    received = receive(path, path.name)
    assert received.workbook is None
    (problem,) = received.findings
    assert problem.code == "not-a-workbook"
    assert "PanicException" in problem.message and problem.file == path.name

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(intake, "_read_sheets", interrupted)
    with pytest.raises(KeyboardInterrupt):
        receive(path, path.name)


def test_received_file_records_hash_size_and_arrival(tmp_path: Path, template: bytes) -> None:
    arrived = dt.datetime(2026, 11, 24, 9, 30, 15)
    path = write_file(tmp_path / "KP-BD01.xlsx", template, arrived)
    received = receive(path, "dot-1/KP-BD01.xlsx")
    assert received.findings == ()
    assert received.workbook is not None
    source = received.source
    assert (source.name, source.size, source.received_at) == ("dot-1/KP-BD01.xlsx", len(template), arrived)
    assert source.sha256 == hashlib.sha256(template).hexdigest()
    assert [s.name for s in received.workbook.sheets][-2:] == ["_lists", "_meta"]
    assert [s.visible for s in received.workbook.sheets][-2:] == [False, False]


# --------------------------------------------------------------------------- discovery


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_discover_recurses_skips_housekeeping_and_sorts(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    _touch(
        inbox,
        "b.xlsx",
        "a.xlsx",
        "dot-2/KP-BD01.xlsx",
        "dot-1/sub/MTTQ.xls",
        "dot-1/anything.bin",
        "README.md",
        "dot-1/README.md",
        ".hidden.xlsx",
        ".git/objects/pack.xlsx",
        "~$a.xlsx",
        "dot-1/~$lock.xlsx",
        "~$tam/KP-BD02.xlsx",
        ".gitkeep",
        "Thumbs.db",
        "dot-2/.DS_Store",
    )
    found = [p.relative_to(inbox).as_posix() for p in discover(inbox)]
    assert found == ["a.xlsx", "b.xlsx", "dot-1/anything.bin", "dot-1/sub/MTTQ.xls", "dot-2/KP-BD01.xlsx"]


def test_discover_of_a_missing_inbox_is_empty(tmp_path: Path) -> None:
    assert discover(tmp_path / "inbox") == []


def test_identity_comes_from_content_not_name(tmp_path: Path, config: Config) -> None:
    inbox = tmp_path / "inbox"
    workbooks = {
        "dot-1/nested/anything.bin": "MTTQ",
        "KP-BD02.xlsx": "KP-BD01",  # a misleading name
        "Bao cao.xlsx": "TR-THCS1",
    }
    for name, code in workbooks.items():
        write_file(inbox / name, sample_workbook(config, code, YEAR))
    submissions = [validate(r, config, YEAR) for r in receive_all(inbox)]
    assert [(s.source.name, s.unit_code, s.accepted) for s in submissions] == [
        ("Bao cao.xlsx", "TR-THCS1", True),
        ("KP-BD02.xlsx", "KP-BD01", True),
        ("dot-1/nested/anything.bin", "MTTQ", True),
    ]


def test_a_crash_while_checking_one_file_is_a_finding_and_the_others_are_read(
    tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.run.receipt

    def validate_or_crash(received: Any, config: Config, year: int, known: Any = None) -> Any:
        if received.source.name == "b-loi.xlsx":
            raise KeyError("models")
        return validate(received, config, year, known)

    monkeypatch.setattr(pipeline.intake.read, "validate", validate_or_crash)
    _touch(tmp_path / "inbox", "a.xlsx", "b-loi.xlsx", "c.xlsx")
    inbox = tmp_path / "inbox"
    submissions = [
        pipeline.run.receipt.check_file(inbox / n, n, config, YEAR) for n in ("a.xlsx", "b-loi.xlsx", "c.xlsx")
    ]
    assert [(s.source.name, [(f.code, f.sheet, f.cell) for f in s.findings]) for s in submissions] == [
        ("a.xlsx", [("not-a-workbook", "", "")]),
        ("b-loi.xlsx", [("unexpected-error", "", "")]),
        ("c.xlsx", [("not-a-workbook", "", "")]),
    ]
    crashed = submissions[1]
    assert not crashed.accepted and crashed.findings[0].severity == "error"
    assert "KeyError: 'models'" in crashed.findings[0].message


# --------------------------------------------------------------------------- the calamine corpus

# One subprocess reads the whole corpus, so a reader that hangs or eats memory cannot stall the suite.
CORPUS_SCRIPT = """
import json, resource, sys, time
from pathlib import Path

# Cap the address space, so that a runaway allocation fails fast instead of swamping the machine.
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]), int(sys.argv[3])))
from pipeline.config import load_config
from pipeline.intake.receive import receive
from pipeline.intake.validate import validate

config = load_config(Path(sys.argv[1]))
for name in sys.argv[4:]:
    start = time.process_time()  # the reader's work, not how busy the machine is
    submission = validate(receive(Path(sys.argv[2]) / name, name), config, 2026)
    print(json.dumps({
        "name": name,
        "seconds": time.process_time() - start,
        "codes": [f.code for f in submission.findings],
        "accepted": submission.accepted,
    }), flush=True)
"""
CORPUS_TIMEOUT = 120
CORPUS_MEMORY = 4 * 1024 * MB  # address-space cap of the child
PER_FILE_SECONDS = 5  # of CPU time: a reader that loops, not a slow machine
PEAK_RSS_KB = 1024 * 1024  # 1 GB


def _corpus() -> Path:
    for folder in CORPUS_CANDIDATES:
        if folder.is_dir():
            return folder
    pytest.skip("the calamine corpus (shared/corpus/calamine) is not on this machine")


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@FROM_THE_CORPUS
def test_corpus_of_foreign_workbooks_is_refused_safely() -> None:
    corpus = _corpus()
    names = sorted(p.name for p in corpus.iterdir() if p.is_file() and p.name not in CORPUS_SKIP)
    assert len(names) > 100
    before = _hashes(corpus)
    try:
        run = subprocess.run(
            [sys.executable, "-c", CORPUS_SCRIPT, str(REPO), str(corpus), str(CORPUS_MEMORY), *names],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=CORPUS_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout or b""
        done = out.decode() if isinstance(out, bytes) else out
        last = done.strip().splitlines()[-1:] or ["(none)"]
        pytest.fail(f"corpus run exceeded {CORPUS_TIMEOUT} s; last file finished: {last[0]}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert run.returncode == 0, run.stderr[-3000:]
    results = {r["name"]: r for r in map(json.loads, run.stdout.splitlines())}
    assert sorted(results) == names
    # Each file is refused by one error of the file itself; a note on its format may accompany it.
    refusals = {"not-a-workbook", "not-a-template", "encrypted-file"}
    allowed = refusals | {"other-format", "macro-enabled"}
    for name, result in results.items():
        assert result["codes"], name
        assert set(result["codes"]) <= allowed, (name, result["codes"])
        assert len(set(result["codes"]) & refusals) == 1, (name, result["codes"])
        assert not result["accepted"], name
        assert result["seconds"] < PER_FILE_SECONDS, (name, result["seconds"])
    assert peak_kb < PEAK_RSS_KB, f"peak RSS of the corpus run: {peak_kb // 1024} MB"
    assert _hashes(corpus) == before


def test_a_zip_that_lies_about_its_sizes_is_caught_before_any_reader(template: bytes) -> None:
    """A member declared small but inflating to much more: the declarations pass, inflating does not."""
    import struct

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    data = bytearray(out.getvalue())
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):  # central / local header: size field
        start = data.rfind(signature) if signature == b"PK\x01\x02" else data.find(signature, 10)
        struct.pack_into("<I", data, start + offset, 1000)
    assert precheck(bytes(data)) == "tệp bị hỏng hoặc tải về không trọn vẹn"


def test_a_damaged_download_is_not_a_workbook(template: bytes) -> None:
    damaged = bytearray(template)
    damaged[len(damaged) // 2] ^= 0xFF
    assert precheck(bytes(damaged)) == "tệp bị hỏng hoặc tải về không trọn vẹn"


def test_members_compressed_otherwise_than_excel_does_are_refused_unread(template: bytes) -> None:
    """bzip2 and LZMA members are inflated by zipfile without a bound per read: refused, not read
    (the value reader cannot read them either)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    assert precheck(out.getvalue()) == "tệp bị hỏng hoặc tải về không trọn vẹn"
