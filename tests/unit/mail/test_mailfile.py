"""A saved mail file read in bounded memory: messages parsed as the standard library parses them,
with the bodies over their size left out and marked, and an mbox split as :mod:`mailbox` splits it."""

from __future__ import annotations

import email
import mailbox
from email import policy
from email.message import EmailMessage, Message
from pathlib import Path

import pytest

from pipeline.mail import mailfile
from pipeline.mail.mailfile import OTHER_BODY, Omissions, messages
from tests.support.oversize import XLSX, XLSX_TYPE

KEEP = 100_000


def _message(attachments: dict[str, bytes], photo: bytes = b"") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Đơn vị <kp-bd01@dvk-binhdinh.example>"
    message["Subject"] = "Gửi báo cáo năm 2026"
    message["Date"] = "Mon, 23 Nov 2026 08:00:00 +0700"
    message.set_content("Kính gửi Ban Xây dựng Đảng.")
    message.add_alternative("<p>Kính gửi Ban Xây dựng Đảng.</p>", subtype="html")
    for name, data in attachments.items():
        message.add_attachment(data, filename=name, maintype=XLSX[0], subtype=XLSX[1])
    if photo:
        message.add_attachment(photo, maintype="image", subtype="jpeg", filename="ảnh.jpg")
    return message


def _read(tmp_path: Path, data: bytes, mbox: bool = False, keep: int = KEEP) -> tuple[list[Message], Omissions]:
    path = tmp_path / ("thư.mbox" if mbox else "thư.eml")
    path.write_bytes(data)
    omissions = Omissions()
    return list(messages(path, mbox, keep, omissions)), omissions


def _parts(message: Message) -> list[tuple[str, bytes | None]]:
    return [(p.get_content_type(), p.get_payload(decode=True)) for p in message.walk() if not p.is_multipart()]


@pytest.mark.parametrize("linesep", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_message_within_the_sizes_is_read_as_the_standard_parser_reads_it(tmp_path: Path, linesep: str) -> None:
    original = _message({"KP-BD01.xlsx": b"PK\x03\x04" + bytes(range(256)) * 100, "KP-BD02.xlsx": b"PK\x03\x04 hai"})
    data = original.as_bytes(policy=policy.default.clone(linesep=linesep))
    (message,), omissions = _read(tmp_path, data)
    assert _parts(message) == _parts(email.message_from_bytes(data, policy=policy.default))
    assert all(omissions.size(part) is None for part in message.walk())
    assert [p.get_filename() for p in message.iter_attachments()] == ["KP-BD01.xlsx", "KP-BD02.xlsx"]


def test_bodies_over_their_size_are_left_out_and_marked_with_their_decoded_size(tmp_path: Path) -> None:
    photo = bytes(3 * OTHER_BODY)
    data = _message({"lớn.xlsx": bytes(2 * KEEP), "nhỏ.xlsx": b"PK\x03\x04 nho"}, photo=photo).as_bytes()
    (message,), omissions = _read(tmp_path, data)
    sizes = {p.get_filename(): (omissions.size(p), p.get_payload(decode=True)) for p in message.iter_attachments()}
    assert sizes == {"lớn.xlsx": (2 * KEEP, b""), "nhỏ.xlsx": (None, b"PK\x03\x04 nho"), "ảnh.jpg": (len(photo), b"")}


def test_no_message_can_carry_the_mark_itself(tmp_path: Path) -> None:
    message = _message({"KP-BD01.xlsx": b"PK\x03\x04"})
    message["X-Dvk-Omitted"] = "999999999"
    (read,), omissions = _read(tmp_path, message.as_bytes())
    assert omissions.header.startswith("X-Dvk-Omitted-") and omissions.header != "X-Dvk-Omitted"
    assert [omissions.size(p) for p in read.walk()] == [None] * len(list(read.walk()))


def test_spreadsheets_beyond_what_one_message_may_hold_together_are_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mailfile, "SLACK", KEEP // 2)  # the message's spreadsheets: 150,000 bytes encoded
    data = _message({f"KP-BD0{n}.xlsx": bytes(40_000) for n in range(1, 5)}).as_bytes()
    (message,), omissions = _read(tmp_path, data)
    assert [omissions.size(p) for p in message.iter_attachments()] == [None, None, 40_000, 40_000]


def test_an_mbox_is_split_as_mailbox_splits_it(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch.mbox"
    box = mailbox.mbox(scratch)
    first = EmailMessage()
    first["From"], first["Subject"] = "kp-bd01@dvk-binhdinh.example", "Báo cáo"
    first.set_content("From the start of a line, escaped by mailbox.\nKính gửi.")
    first.add_attachment(b"PK\x03\x04 mot", filename="KP-BD01.xlsx", maintype=XLSX[0], subtype=XLSX[1])
    for message in (first, _message({"KP-BD02.xlsx": b"PK\x03\x04 hai"}), _message({})):
        box.add(message)
    box.close()
    expected = [email.message_from_bytes(data, policy=policy.default) for data in _mailbox_bytes(scratch)]
    read, _ = _read(tmp_path, b"text before the first From line\n\n" + scratch.read_bytes(), mbox=True)
    assert [_parts(m) for m in read] == [_parts(m) for m in expected]
    assert len(read) == 3


def _mailbox_bytes(path: Path) -> list[bytes]:
    box = mailbox.mbox(path, create=False)
    try:
        return [box.get_bytes(key) for key in box.iterkeys()]
    finally:
        box.close()


def test_lines_longer_than_a_read_are_read_in_pieces(tmp_path: Path) -> None:
    """A body of one 300 KB line (no line breaks): left out and measured, its boundary still found."""
    boundary = "b1"
    data = (
        f'From: a@b.example\nDate: Mon, 23 Nov 2026 08:00:00 +0700\nContent-Type: multipart/mixed; boundary="{boundary}"\n\n'
        f"--{boundary}\nContent-Type: text/plain\n\n{'x' * 300_000}\n"
        f'--{boundary}\nContent-Type: {XLSX_TYPE}\nContent-Disposition: attachment; filename="a.xlsx"\n\n'
        f"PK\n--{boundary}--\n"
    ).encode()
    (message,), omissions = _read(tmp_path, data)
    text, sheet = (p for p in message.walk() if not p.is_multipart())
    assert omissions.size(text) == 300_001
    assert (omissions.size(sheet), sheet.get_payload(decode=True)) == (None, b"PK")
