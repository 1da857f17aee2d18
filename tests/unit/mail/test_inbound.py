"""Mail in: .eml and .mbox files (built with the standard library) saved into inbox/ are read like
workbooks dropped there, received at their Date header; refusals, the sender check and a rebuild."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import mailbox
import os
import shutil
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config
from pipeline.register import archive_path, open_register
from pipeline.run.cycle import RunResult, rebuild, run_consolidation, year_status
from pipeline.year.consolidate import LATE, ON_TIME, UnitStatus
from tests.support.builder import activity_answers, drop_file, filled_template, new_workspace

YEAR = 2026
NOW = dt.datetime(2026, 12, 11, 8, 0)
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _workbook(config: Config, code: str) -> bytes:
    scores = {f.key: min(10.0, f.max or 0) for f in config.template.sheet("models").score_fields()}
    model = {"name": f"Mô hình của {code}", "field": "Kinh tế", "status": "Mới đăng ký", "start_year": 2026}
    model.update(proposal="Không đề nghị", **scores)
    answers = {
        "unit": {"preparer": "Phạm Văn An", "report_date": dt.date(YEAR, 11, 20)},
        "models": [model],
        "activities": activity_answers(config, 1),
    }
    return filled_template(config, code, answers)


def _message(sender: str, date: str | None, attachments: list[tuple[str, bytes, tuple[str, str]]]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Đơn vị <{sender}>"
    message["To"] = "Ban Xây dựng Đảng <ban-xdd@dvk-binhdinh.example>"
    message["Subject"] = "Gửi báo cáo “Dân vận khéo” năm 2026"
    if date:
        message["Date"] = date
    message.set_content("Kính gửi Ban Xây dựng Đảng, đơn vị gửi kèm báo cáo.")
    for name, data, (maintype, subtype) in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def _mbox(root: Path, name: str, messages: list[EmailMessage], modified: dt.datetime) -> Path:
    scratch = root / "scratch.mbox"
    box = mailbox.mbox(scratch)
    for message in messages:
        box.add(message)
    box.close()
    return drop_file(root, name, scratch.read_bytes(), modified)


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, Config]:
    return tmp_path, new_workspace(tmp_path)


def _run(root: Path, config: Config) -> RunResult:
    return run_consolidation(root, config, YEAR, None, now=NOW)


def _status(result: RunResult, code: str) -> UnitStatus:
    return next(u for u in result.consolidation.units if u.unit.code == code)


def _ledger(root: Path) -> dict[str, dt.datetime]:
    with open_register(root, NOW, write=False) as register:
        return {e.first_name: e.received_at for e in register.files(YEAR)}


def _codes(result: RunResult, file: str) -> list[str]:
    return [f.code for s in result.submissions if s.source.name == file for f in s.findings]


def test_an_eml_attachment_is_a_submission_received_at_the_message_date(ward: tuple[Path, Config]) -> None:
    root, config = ward
    name = "Báo cáo Dân vận khéo - Liêm Định.xlsx"
    message = _message(
        "KP-BD01@dvk-binhdinh.example", "Tue, 24 Nov 2026 16:30:00 +0700", [(name, _workbook(config, "KP-BD01"), XLSX)]
    )
    drop_file(root, "thư KP-BD01.eml", message.as_bytes(), dt.datetime(2026, 12, 10, 9, 0))
    result = _run(root, config)
    ledger_name = f"thư KP-BD01.eml › {name}"
    assert _ledger(root) == {ledger_name: dt.datetime(2026, 11, 24, 16, 30)}
    assert _status(result, "KP-BD01").status == ON_TIME  # the file's date in the inbox (10/12) is ignored
    accepted = [s for s in result.submissions if s.accepted]
    assert [(s.source.name, s.unit_code) for s in accepted] == [(ledger_name, "KP-BD01")]
    assert "sender-mismatch" not in _codes(result, ledger_name)  # the address matches, whatever its case
    assert not result.failed


@pytest.mark.parametrize(
    ("date", "modified", "status", "days_late"),
    [
        pytest.param("Wed, 25 Nov 2026 23:59:00 +0700", dt.datetime(2026, 12, 1), ON_TIME, 0, id="deadline-evening"),
        pytest.param(
            "Wed, 25 Nov 2026 20:00:00 +0000", dt.datetime(2026, 11, 20), LATE, 1, id="utc-evening-is-next-day"
        ),
        pytest.param("Sat, 28 Nov 2026 08:00:00 +0700", dt.datetime(2026, 11, 20), LATE, 3, id="late-mtime-early"),
        pytest.param("Mon, 23 Nov 2026 02:00:00 -0500", dt.datetime(2026, 12, 9), ON_TIME, 0, id="other-zone"),
    ],
)
def test_timeliness_comes_from_the_date_header_not_the_inbox_file(
    ward: tuple[Path, Config], date: str, modified: dt.datetime, status: str, days_late: int
) -> None:
    root, config = ward
    message = _message("kp-bd01@dvk-binhdinh.example", date, [("KP-BD01.xlsx", _workbook(config, "KP-BD01"), XLSX)])
    drop_file(root, "thu.eml", message.as_bytes(), modified)
    unit = _status(_run(root, config), "KP-BD01")
    assert (unit.status, unit.days_late) == (status, days_late)


def test_an_mbox_gives_each_message_and_checks_the_sender(ward: tuple[Path, Config]) -> None:
    root, config = ward
    messages = [
        _message("kp-bd02@dvk-binhdinh.example", "Mon, 23 Nov 2026 08:00:00 +0700", [("Kim Châu.xlsx", _workbook(config, "KP-BD02"), XLSX)]),
        _message("ca-nhan.binhlam@gmail.example", "Tue, 24 Nov 2026 10:00:00 +0700", [("Bình Lâm.xlsx", _workbook(config, "KP-BD03"), XLSX)]),
    ]  # fmt: skip
    _mbox(root, "hộp thư/xuất từ Thunderbird.mbox", messages, modified=dt.datetime(2026, 12, 1))
    result = _run(root, config)
    first, second = (
        "hộp thư/xuất từ Thunderbird.mbox #1 › Kim Châu.xlsx",
        "hộp thư/xuất từ Thunderbird.mbox #2 › Bình Lâm.xlsx",
    )
    assert _ledger(root) == {first: dt.datetime(2026, 11, 23, 8, 0), second: dt.datetime(2026, 11, 24, 10, 0)}
    assert _codes(result, first) == []
    assert _codes(result, second) == ["sender-mismatch"]
    warning = next(f for s in result.submissions for f in s.findings if f.code == "sender-mismatch")
    assert "ca-nhan.binhlam@gmail.example" in warning.message and "kp-bd03@dvk-binhdinh.example" in warning.message
    assert _status(result, "KP-BD03").status == ON_TIME  # a warning: the file is accepted


def test_refused_attachments_and_messages_are_reported(ward: tuple[Path, Config]) -> None:
    root, config = ward
    small = dataclasses.replace(config, mail=dataclasses.replace(config.mail, max_attachment_mb=0.01))
    date = "Mon, 23 Nov 2026 08:00:00 +0700"
    big = b"PK\x03\x04" + os.urandom(20_000)
    nested = _message("kp-bd04@dvk-binhdinh.example", date, [])
    nested.add_attachment(_message("x@y.example", date, []))
    files = {
        "nén.eml": _message("kp-bd01@dvk-binhdinh.example", date, [("báo cáo.zip", b"PK\x03\x04zip", ("application", "zip"))]),
        "ảnh.eml": _message("kp-bd02@dvk-binhdinh.example", date, [("ảnh chụp.jpg", b"\xff\xd8\xff", ("image", "jpeg"))]),
        "lớn.eml": _message("kp-bd03@dvk-binhdinh.example", date, [("KP-BD03.xlsx", big, XLSX)]),
        "lồng.eml": nested,
    }  # fmt: skip
    for name, message in files.items():
        drop_file(root, name, message.as_bytes(), dt.datetime(2026, 11, 23))
    drop_file(root, "hỏng.mbox", b"\x00\x01 not a mailbox \xff", dt.datetime(2026, 11, 23))
    result = run_consolidation(root, small, YEAR, None, now=NOW)
    assert _codes(result, "nén.eml") == ["mail-archive-attachment"]
    assert _codes(result, "ảnh.eml") == ["mail-no-spreadsheet"]
    assert _codes(result, "lớn.eml") == ["mail-attachment-too-large"]
    assert _codes(result, "lồng.eml") == ["mail-archive-attachment"]
    assert _codes(result, "hỏng.mbox") == ["mail-unreadable"]
    no_sheet = next(f for s in result.submissions for f in s.findings if f.code == "mail-no-spreadsheet")
    assert "ảnh chụp.jpg" in no_sheet.message and "Gửi báo cáo “Dân vận khéo” năm 2026" in no_sheet.message
    assert "gửi từ kp-bd02@dvk-binhdinh.example" in no_sheet.message
    assert result.failed and _ledger(root) == {}  # nothing refused reaches the ledger


def test_attachment_names_are_never_paths_and_the_inbox_is_untouched(ward: tuple[Path, Config]) -> None:
    root, config = ward
    data = _workbook(config, "KP-BD01")
    message = _message("kp-bd01@dvk-binhdinh.example", "Mon, 23 Nov 2026 08:00:00 +0700", [])
    message.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename="../../../ngoài\\KP-BD01.xlsx")
    drop_file(root, "thư.eml", message.as_bytes(), dt.datetime(2026, 11, 23))
    before = _snapshot(root / "inbox")
    result = _run(root, config)
    assert list(_ledger(root)) == ["thư.eml › KP-BD01.xlsx"]
    assert _status(result, "KP-BD01").status == ON_TIME
    assert not [p for p in root.parent.rglob("*") if "ngoài" in p.name]  # no folder or file made from the name
    assert archive_path(root, hashlib.sha256(data).hexdigest(), ".xlsx").read_bytes() == data
    assert _snapshot(root / "inbox") == before


def _snapshot(folder: Path) -> dict[str, tuple[str, float]]:
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_mail_submissions_survive_a_cleaned_inbox_and_a_rebuild(ward: tuple[Path, Config]) -> None:
    root, config = ward
    messages = [
        _message("kp-bd02@dvk-binhdinh.example", "Mon, 23 Nov 2026 08:00:00 +0700", [("KP-BD02.xlsx", _workbook(config, "KP-BD02"), XLSX)]),
        _message("someone@else.example", "Fri, 27 Nov 2026 08:00:00 +0700", [("KP-BD03.xlsx", _workbook(config, "KP-BD03"), XLSX)]),
    ]  # fmt: skip
    _mbox(root, "thu.mbox", messages, modified=dt.datetime(2026, 12, 1))
    _run(root, config)
    shutil.rmtree(root / "inbox")
    live = _ledger(root)
    assert rebuild(root, config, now=NOW) == [YEAR]
    assert _ledger(root) == live
    submissions, data = year_status(root, config, YEAR)
    statuses = {u.unit.code: (u.status, u.days_late) for u in data.units if u.unit.code in ("KP-BD02", "KP-BD03")}
    assert statuses == {"KP-BD02": (ON_TIME, 0), "KP-BD03": (LATE, 2)}
    codes: dict[str, Any] = {s.source.name: [f.code for f in s.findings] for s in submissions}
    assert codes == {"thu.mbox #1 › KP-BD02.xlsx": [], "thu.mbox #2 › KP-BD03.xlsx": ["sender-mismatch"]}


FIRST_SEEN = dt.datetime(2026, 11, 24, 9, 0)  # the saved message's modification time, before NOW


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        pytest.param(
            "Mon, 01 Jan 1900 08:00:00 +0700", "trước ngày phát hành mẫu biểu của năm (01/01/2026)", id="1900"
        ),
        pytest.param("Sat, 01 Jan 0000 08:00:00 +0700", "trước ngày phát hành mẫu biểu", id="year-0000"),
        pytest.param(
            "Wed, 24 Nov 2027 08:00:00 +0700", "sau thời điểm công cụ đọc thư (11/12/2026 08:00)", id="future"
        ),
        pytest.param("hôm qua lúc 8 giờ", "không đọc được thành ngày giờ", id="garbage"),
    ],
)
def test_an_impossible_date_is_not_believed_and_the_first_sighting_is_used(
    ward: tuple[Path, Config], date: str, reason: str
) -> None:
    root, config = ward
    message = _message("kp-bd01@dvk-binhdinh.example", None, [("KP-BD01.xlsx", _workbook(config, "KP-BD01"), XLSX)])
    # The Date as the sender's program wrote it (EmailMessage would rewrite a year 0000 as 2000).
    drop_file(root, "thư.eml", f"Date: {date}\n".encode() + message.as_bytes(), FIRST_SEEN)
    name = "thư.eml › KP-BD01.xlsx"
    result = _run(root, config)
    assert _ledger(root) == {name: FIRST_SEEN}
    assert _status(result, "KP-BD01").status == ON_TIME
    (warning,) = [f for s in result.submissions if s.source.name == name for f in s.findings]
    assert (warning.code, warning.severity) == ("mail-date-doubted", "warning")
    assert f"Ngày gửi ghi trong thư “thư.eml” là “{date}”, {reason}" in warning.message
    assert "thời điểm nhận tệp được tính là 24/11/2026 09:00, lúc công cụ thấy thư lần đầu" in warning.message
    shutil.rmtree(root / "inbox")  # the archive's sidecars keep the received-at and the doubt
    assert rebuild(root, config, now=NOW) == [YEAR]
    assert _ledger(root) == {name: FIRST_SEEN}
    submissions, _ = year_status(root, config, YEAR)
    assert [[f.message for f in s.findings] for s in submissions] == [[warning.message]]


def test_a_date_set_by_the_clerk_settles_a_doubted_one(ward: tuple[Path, Config]) -> None:
    from pipeline.run.cycle import override_received

    root, config = ward
    message = _message("kp-bd01@dvk-binhdinh.example", "Mon, 01 Jan 1900 08:00:00 +0700", [("KP-BD01.xlsx", _workbook(config, "KP-BD01"), XLSX)])  # fmt: skip
    drop_file(root, "thư.eml", message.as_bytes(), FIRST_SEEN)
    assert _codes(_run(root, config), "thư.eml › KP-BD01.xlsx") == ["mail-date-doubted"]
    override_received(root, "thư.eml › KP-BD01.xlsx", dt.datetime(2026, 11, 23, 8, 0), "Thư nhận ngày 23/11")
    assert _codes(_run(root, config), "thư.eml › KP-BD01.xlsx") == []


def test_spreadsheets_too_large_together_are_refused_one_by_one(
    ward: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within one message the spreadsheets share about one attachment's limit; a photo does not count."""
    from pipeline.mail import mailfile

    root, config = ward
    monkeypatch.setattr(mailfile, "SLACK", 0)
    sheets = [(f"{code}.xlsx", _workbook(config, code), XLSX) for code in ("KP-BD01", "KP-BD02")]
    limit_mb = 1.5 * len(sheets[0][1]) / 1024 / 1024  # one fits, not two
    small = dataclasses.replace(config, mail=dataclasses.replace(config.mail, max_attachment_mb=limit_mb))
    photo = ("ảnh hoạt động.jpg", b"\xff\xd8\xff" + os.urandom(500_000), ("image", "jpeg"))
    message = _message("kp-bd01@dvk-binhdinh.example", "Mon, 23 Nov 2026 08:00:00 +0700", [photo, *sheets])
    drop_file(root, "thư.eml", message.as_bytes(), dt.datetime(2026, 11, 23))
    result = run_consolidation(root, small, YEAR, None, now=NOW)
    assert list(_ledger(root)) == ["thư.eml › KP-BD01.xlsx"]
    (refusal,) = [f for s in result.submissions if s.source.name == "thư.eml" for f in s.findings]
    assert refusal.code == "mail-attachments-too-large"
    assert "“KP-BD02.xlsx”" in refusal.message and "cộng lại vượt giới hạn" in refusal.message
