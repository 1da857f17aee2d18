"""/don-vi/<mã>: a unit's details, its state, its files with their standings and findings, its
feedback copy and the mails sent to it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.config import Config, load_config
from pipeline.register import write_mail_sent_record
from pipeline.run.cycle import year_status
from pipeline.run.replay import consolidate_year
from tests.support.builder import YEAR, drop_file, one_returned, sample_workbook
from tests.support.web import page_client


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, Config]:
    """MTTQ accepted, CD returned (b.xlsx), consolidated."""
    root = one_returned(tmp_path)
    config = load_config(root)
    consolidate_year(root, config, YEAR, None)
    return root, config


def test_a_returned_unit_shows_its_file_findings_and_feedback_copy(ward: tuple[Path, Config]) -> None:
    root, config = ward
    client = page_client(root)
    html = client.get(f"/don-vi/CD?nam={YEAR}").text
    unit = config.units.get("CD")
    assert unit is not None
    assert unit.name in html and config.units.group_label(unit.group) in html
    assert (unit.email or "chưa khai") in html
    assert 'data-state="rejected"' in html and "Bị trả lại với" in html
    files = html.split('id="unit-files"')[1].split("</table>\n<p>")[0]
    assert 'data-standing="returned"' in files and "b.xlsx" in files and "Trả lại" in files
    assert 'class="finding severity-error"' in files
    assert f'href="/tai/{YEAR}/phan-hoi/CD.xlsx"' in html
    assert (
        client.get(f"/tai/{YEAR}/phan-hoi/CD.xlsx").content == (root / f"outbox/{YEAR}/phan-hoi/CD.xlsx").read_bytes()
    )
    assert "Chưa gửi thư nào" in html
    assert "a.xlsx" not in files  # another unit's file


def test_a_fixed_unit_shows_both_files_and_the_mails_sent(ward: tuple[Path, Config]) -> None:
    root, config = ward
    fixed_at = (dt.datetime.now() + dt.timedelta(minutes=2)).replace(second=0, microsecond=0)  # after b.xlsx
    drop_file(root, "c.xlsx", sample_workbook(config, "CD", YEAR), fixed_at)
    consolidate_year(root, config, YEAR, None)
    record = {
        "year": YEAR,
        "kind": "feedback",
        "unit": "CD",
        "recipient": "cd@example.vn",
        "attachments_sha256": "0" * 64,
        "message_id": "<1@dvk>",
        "sent_at": "2026-11-21 08:15:00+07:00",
    }
    write_mail_sent_record(root, record)
    write_mail_sent_record(root, {**record, "unit": "MTTQ", "message_id": "<2@dvk>", "recipient": "mttq@x.vn"})
    write_mail_sent_record(root, {**record, "year": YEAR - 1, "message_id": "<3@dvk>", "recipient": "old@x.vn"})
    html = page_client(root).get(f"/don-vi/CD?nam={YEAR}").text
    assert 'data-state="fixed"' in html and "Đã sửa" in html
    files = html.split('id="unit-files"')[1]
    assert files.index("<td>b.xlsx</td>") < files.index("<td>c.xlsx</td>")
    assert 'data-standing="replaced"' in files and 'data-standing="used"' in files
    [received] = [s.source.received_at for s in year_status(root, config, YEAR)[0] if s.source.name == "c.xlsx"]
    assert received.strftime("%H:%M %d/%m/%Y") in files
    mails = html.split('id="unit-mails"')[1]
    assert "2026-11-21 08:15" in mails and "Phản hồi kết quả kiểm tra" in mails and "cd@example.vn" in mails
    assert "mttq@x.vn" not in mails and "old@x.vn" not in mails


def test_an_unknown_unit_is_a_404(ward: tuple[Path, Config]) -> None:
    client = page_client(ward[0])
    assert client.get("/don-vi/KHONG-CO").status_code == 404
    assert client.get("/don-vi/..%2Fconfig").status_code == 404
