"""Inputs that lie about their size (issue 17, class 2): refused from what is read so far, with the
memory of the whole run bounded whatever the input claims, and the other units' files read.

Each run is ``dvk consolidate`` in a child process; its peak resident memory is the largest of its
processes (``ru_maxrss`` from ``os.wait4``, read pool and report child included).
"""

from __future__ import annotations

import datetime as dt
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from pipeline.register.paths import archive_path
from pipeline.tools.bench import dvk_command, run_child
from tests.support.builder import RECEIVED, drop_file, new_workspace, received_at, sample_workbook
from tests.support.oversize import XLSX, big_message_file, lying_workbook, write_big_message

YEAR = 2026
# A run over a few units peaks near 110 MB (mostly imports); before issue 17 the lying workbook took
# 2.1 GB (zipfile inflated up to 2 GiB in one read of the member).
PEAK_MB = 300
DATE = "Mon, 23 Nov 2026 08:00:00 +0700"
SPARSE = 512 * 1024 * 1024  # a file in the inbox larger than any workbook (50 MB at most)


def _consolidate(root: Path) -> tuple[dict[str, Any], float]:
    """``dvk consolidate --json`` in a child: its answer and the peak memory of its largest process."""
    output = root / "run.json"
    command = [*dvk_command(), "--root", str(root), "consolidate", "--year", str(YEAR), "--json"]
    measure = run_child(command, output)
    return json.loads(output.read_text(encoding="utf-8")), measure.peak_mb


def _refused_alone_in_bounded_memory(root: Path, file: str, accepted: list[str]) -> dict[str, Any]:
    """Consolidate in a child within :data:`PEAK_MB`: ``file``'s one refusal; the ``accepted`` units read."""
    summary, peak_mb = _consolidate(root)
    assert peak_mb < PEAK_MB, f"peak memory {peak_mb:.0f} MB"
    (refusal,) = _rejected(summary, file)
    assert summary["accepted"] == accepted
    return refusal


def _rejected(summary: dict[str, Any], file: str) -> list[dict[str, Any]]:
    return next(r["findings"] for r in summary["rejected"] if r["file"] == file)


def test_a_workbook_whose_zip_lies_about_a_3_gib_sheet_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    config = new_workspace(tmp_path)
    for code in ("KP-BD01", "KP-BD02"):
        drop_file(tmp_path, f"{code}.xlsx", sample_workbook(config, code, YEAR), RECEIVED)
    bomb = lying_workbook(sample_workbook(config, "KP-BD03", YEAR), inflated_mib=3 * 1024, declared=60_000)
    assert len(bomb) < 4 * 1024 * 1024
    drop_file(tmp_path, "KP-BD03.xlsx", bomb, RECEIVED + dt.timedelta(minutes=1))
    summary, peak_mb = _consolidate(tmp_path)
    assert peak_mb < PEAK_MB, f"peak memory {peak_mb:.0f} MB"
    (refusal,) = _rejected(summary, "KP-BD03.xlsx")
    assert refusal["code"] == "not-a-workbook"
    assert "tệp bị hỏng hoặc tải về không trọn vẹn" in refusal["message"]
    assert summary["accepted"] == ["KP-BD01", "KP-BD02"]


def test_a_message_with_a_200_mb_attachment_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    config = new_workspace(tmp_path)
    drop_file(tmp_path, "KP-BD01.xlsx", sample_workbook(config, "KP-BD01", YEAR), RECEIVED)
    big = big_message_file(
        tmp_path / "inbox" / "thư lớn.eml", "kp-bd02@dvk-binhdinh.example", DATE, "KP-BD02.xlsx", 200
    )
    received_at(big, RECEIVED)
    refusal = _refused_alone_in_bounded_memory(tmp_path, "thư lớn.eml", ["KP-BD01"])
    assert refusal["code"] == "mail-attachment-too-large"
    assert "“KP-BD02.xlsx” dung lượng 200,0 MB, vượt giới hạn 20 MB" in refusal["message"]


@pytest.mark.slow  # ~30 s: 840 MB of messages written and read
def test_an_mbox_of_messages_with_200_mb_attachments_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """Each large message refused by its attachment's size; the small one between them read, and
    fourteen with 15 MB attachments after them read one after the other."""
    config = new_workspace(tmp_path)
    small = EmailMessage()
    small["From"], small["Date"], small["Subject"] = "kp-bd01@dvk-binhdinh.example", DATE, "Báo cáo"
    small.set_content("Kính gửi Ban.")
    small.add_attachment(
        sample_workbook(config, "KP-BD01", YEAR), filename="KP-BD01.xlsx", maintype=XLSX[0], subtype=XLSX[1]
    )
    path = tmp_path / "inbox" / "hộp thư.mbox"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_big_message(out, "kp-bd02@dvk-binhdinh.example", DATE, "KP-BD02.xlsx", 200, mbox=True)
        out.write(b"From kp-bd01@dvk-binhdinh.example Mon Nov 23 08:00:00 2026\n" + small.as_bytes() + b"\n")
        write_big_message(out, "kp-bd03@dvk-binhdinh.example", DATE, "KP-BD03.xlsx", 200, mbox=True)
        for fill in range(14):  # within the limit, each read in turn: never all fourteen held at once
            write_big_message(out, "kp-bd04@dvk-binhdinh.example", DATE, "KP-BD04.xlsx", 15, mbox=True, fill=fill)
    received_at(path, RECEIVED)
    summary, peak_mb = _consolidate(tmp_path)
    assert peak_mb < PEAK_MB, f"peak memory {peak_mb:.0f} MB"
    refused = {r["file"]: [f["code"] for f in r["findings"]] for r in summary["rejected"]}
    assert {name: codes for name, codes in refused.items() if "KP-BD04" not in name} == {
        "hộp thư.mbox #1": ["mail-attachment-too-large"],
        "hộp thư.mbox #3": ["mail-attachment-too-large"],
    }
    assert len([name for name in refused if "KP-BD04" in name]) == 14  # read, and not a workbook
    assert summary["accepted"] == ["KP-BD01"]


def test_a_file_larger_than_any_workbook_dropped_in_the_inbox_is_refused_unread_and_kept(tmp_path: Path) -> None:
    """A 512 MiB file (sparse in the inbox) is refused by its size on the disk, archived a chunk
    at a time, and the run's memory stays bounded; the inbox file is left as it was."""
    import hashlib

    config = new_workspace(tmp_path)
    drop_file(tmp_path, "KP-BD01.xlsx", sample_workbook(config, "KP-BD01", YEAR), RECEIVED)
    big = tmp_path / "inbox" / "KP-BD02.xlsx"
    with big.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(SPARSE)
    received_at(big, RECEIVED)
    refusal = _refused_alone_in_bounded_memory(tmp_path, "KP-BD02.xlsx", ["KP-BD01"])
    assert refusal["code"] == "not-a-workbook"
    assert "tệp quá lớn (512 MB)" in refusal["message"]
    assert big.stat().st_size == SPARSE
    with big.open("rb") as handle:
        sha = hashlib.file_digest(handle, "sha256").hexdigest()
    archived = archive_path(tmp_path, sha, ".xlsx")
    assert archived.stat().st_size == SPARSE
