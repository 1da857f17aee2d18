"""Mail out: config/mail.yaml, the letters of each kind, drafts, and sending through a real SMTP
server on loopback (STARTTLS with a test certificate, AUTH) with refusals, retries and a server down."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import json
import sqlite3
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from pipeline.cli.main import main
from pipeline.config import Config, ConfigError, MailSettings, load_config, load_mail_settings
from pipeline.mail.compose import Letter, compose, letter, message_bytes
from pipeline.mail.smtp import Pace
from pipeline.register import ARCHIVE_FOLDER, REGISTER_FILE
from pipeline.run.cycle import run_consolidation
from pipeline.run.mail_run import DRAFTED, FAILED, run_mail
from tests.support.builder import (
    activity_answers,
    copy_config,
    drop_file,
    edit_config,
    filled_template,
    new_workspace,
)
from tests.support.smtpserver import LOGIN, PASSWORD, LoopbackServer, Mailbox, free_port

REPO = Path(__file__).parents[3]
YEAR = 2026
UNITS = ("KP-BD01", "KP-BD02", "TH-NK01")
PASSWORD_ENV = "DVK_TEST_MAIL_PASSWORD"


def _parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _attachments(message: EmailMessage) -> dict[str, bytes]:
    found = {}
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[str(part.get_filename())] = payload
    return found


def _body(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _write_mail_yaml(root: Path, **server: Any) -> None:
    """The shipped config/mail.yaml with the server part replaced (and fast retries)."""
    data = yaml.safe_load((REPO / "config" / "mail.yaml").read_text(encoding="utf-8"))
    data["server"].update(server)
    data["sending"] = {"messages_per_minute": 6000, "retries": 2, "retry_wait_seconds": 0.01}
    (root / "config" / "mail.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, Config]:
    """A workspace with the shipped config and the year's templates issued."""
    return tmp_path, new_workspace(tmp_path, templates=YEAR)


def _mail(root: Path, *args: str) -> Result:
    units = [arg for code in UNITS for arg in ("--unit", code)]
    # A wide terminal: the lines are read one by one (their wrapping is tests/unit/cli/test_screen.py's).
    wide = {"COLUMNS": "1000"}
    return CliRunner(env=wide).invoke(main, ["--root", str(root), "mail", *args, "--year", str(YEAR), *units])


def _failures(output: str) -> dict[str, str]:
    """The failure lines under the table: unit code -> reason (shown in full there)."""
    found = {}
    for line in output.splitlines():
        if line.startswith("  ") and "): " in line:
            head, reason = line.strip().split("): ", 1)
            found[head.split(" (")[0]] = reason
    return found


def _sent_rows(root: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(root / REGISTER_FILE) as db:
        return db.execute("SELECT year, kind, unit, recipient FROM mail_sent ORDER BY id").fetchall()


# --------------------------------------------------------------------------- config/mail.yaml


def test_the_shipped_mail_config_loads(config: Config) -> None:
    mail = config.mail
    assert (mail.server.host, mail.server.port, mail.server.security) == ("smtp.gmail.com", 587, "starttls")
    assert mail.server.password_env == "DVK_MAIL_PASSWORD"
    assert set(mail.templates) == {"templates", "reminders", "feedback", "feedback_accepted"}
    assert "{expected}" in mail.templates["reminders"].body
    assert "{findings_count}" in mail.templates["feedback"].body


def test_without_mail_yaml_the_defaults_apply(tmp_path: Path) -> None:
    assert load_mail_settings(tmp_path) == MailSettings()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda d: d["messages"]["reminders"].update(subject="Nhắc {unit}"),
            "config/mail.yaml: khóa “messages.reminders.subject”: không có chỗ điền {unit}",
            id="unknown-placeholder",
        ),
        pytest.param(
            lambda d: d["server"].update(security="tls"),
            "config/mail.yaml: khóa “server.security”: giá trị “tls” không hợp lệ; cho phép: starttls, ssl, none",
            id="bad-security",
        ),
        pytest.param(
            lambda d: d["server"].update(port=70000), "config/mail.yaml: khóa “server.port”: cổng 70000", id="bad-port"
        ),
        pytest.param(
            lambda d: d["server"].update(password="123"),
            "config/mail.yaml: khóa “server”: khóa không được biết: password",
            id="password-in-file",
        ),
        pytest.param(
            lambda d: d["sender"].update(address="ban xdd"),
            "config/mail.yaml: khóa “sender.address”: “ban xdd” không phải một địa chỉ",
            id="bad-address",
        ),
        pytest.param(
            lambda d: d["sender"].update(address="ban<xdd>@dvk-binhdinh.example"),
            "config/mail.yaml: khóa “sender.address”: “ban<xdd>@dvk-binhdinh.example” không phải một địa chỉ",
            id="address-with-brackets",
        ),
        pytest.param(
            lambda d: d["messages"].pop("feedback"),
            "config/mail.yaml: khóa “messages”: thiếu khóa: feedback",
            id="missing-kind",
        ),
        pytest.param(
            lambda d: d["messages"]["feedback"].update(body="Có {findings_count lỗi"),
            "config/mail.yaml: khóa “messages.feedback.body”: dấu ngoặc { } không khớp",
            id="unbalanced-brace",
        ),
    ],
)
def test_a_broken_mail_yaml_names_the_file_and_the_key(tmp_path: Path, change: Any, expected: str) -> None:
    data = yaml.safe_load((REPO / "config" / "mail.yaml").read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "mail.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_mail_settings(tmp_path)
    assert str(caught.value).startswith(expected)


# --------------------------------------------------------------------------- MIME and drafts


def test_a_letter_carries_vietnamese_headers_body_and_attachment_name_for_outlook_and_gmail(config: Config) -> None:
    unit = config.units.get("KP-BD01")
    assert unit is not None
    item = letter("templates", unit, YEAR, config, (b"PK\x03\x04 workbook", Path("KP-BD01.xlsx")))
    assert isinstance(item, Letter)
    raw = message_bytes(compose(item, config.mail))
    assert raw.isascii() and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert b"filename*0*=utf-8''M%E1%BA%ABu%20bi%E1%BB%83u" in raw  # RFC 2231 (Gmail, Thunderbird)
    assert b'name="=?utf-8?b?' in raw  # RFC 2047 in the Content-Type (Outlook)
    message = _parse(raw)
    assert message["Subject"] == "Mẫu biểu báo cáo “Dân vận khéo” năm 2026 gửi Chi bộ khu phố Liêm Định"
    assert message["To"] == "Chi bộ khu phố Liêm Định <kp-bd01@dvk-binhdinh.example>"
    assert message["X-Unsent"] == "1" and message["Date"] is None
    assert _attachments(message) == {"Mẫu biểu Dân vận khéo 2026 - KP-BD01.xlsx": b"PK\x03\x04 workbook"}
    assert [p.get_content_type() for p in message.iter_attachments()] == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ]
    outlook_name = message.get_payload()[1].get_param("name")  # type: ignore[index]
    assert outlook_name == "Mẫu biểu Dân vận khéo 2026 - KP-BD01.xlsx"
    assert "trước ngày 25/11/2026" in " ".join(_body(message).split())


def test_drafts_are_written_once_per_unit_and_byte_identical_on_a_rerun(ward: tuple[Path, Config]) -> None:
    root, _ = ward
    outcome = _mail(root, "templates")
    assert outcome.exit_code == 0, outcome.output
    drafts = sorted((root / "outbox" / "2026" / "thu" / "mau-bieu").glob("*.eml"))
    assert [p.stem for p in drafts] == sorted(UNITS)
    first = {p.name: p.read_bytes() for p in drafts}
    assert _mail(root, "templates").exit_code == 0
    assert {p.name: p.read_bytes() for p in drafts} == first
    message = _parse(first["KP-BD02.eml"])
    template = (root / "outbox" / "2026" / "mau-bieu" / "KP-BD02.xlsx").read_bytes()
    assert _attachments(message) == {"Mẫu biểu Dân vận khéo 2026 - KP-BD02.xlsx": template}
    assert "Đã viết thư nháp" in outcome.output
    assert _sent_rows(root) == []  # drafts are not sends: nothing recorded


def test_dry_run_lists_and_writes_nothing(ward: tuple[Path, Config]) -> None:
    root, _ = ward
    outcome = _mail(root, "templates", "--send", "--dry-run")
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.count("Sẽ gửi") == len(UNITS) + 1  # one per unit and the count
    assert not (root / "outbox" / "2026" / "thu").exists()
    assert _sent_rows(root) == []


def test_a_unit_without_address_or_template_is_reported_and_the_others_still_go(ward: tuple[Path, Config]) -> None:
    root, config = ward
    units = tuple(dataclasses.replace(u, email="") if u.code == "KP-BD02" else u for u in config.units.units)
    config = dataclasses.replace(config, units=dataclasses.replace(config.units, units=units))
    (root / "outbox" / "2026" / "mau-bieu" / "TH-NK01.xlsx").unlink()
    outcomes = {o.unit.code: o for o in run_mail(root, config, YEAR, "templates", ["KP-BD01", "KP-BD02", "TH-NK01"])}
    assert outcomes["KP-BD01"].status == DRAFTED
    assert outcomes["KP-BD02"].status == FAILED and "email" in outcomes["KP-BD02"].detail
    assert outcomes["TH-NK01"].status == FAILED and "dvk templates --year 2026" in outcomes["TH-NK01"].detail


def test_an_unknown_unit_code_is_a_usage_error(ward: tuple[Path, Config]) -> None:
    root, _ = ward
    outcome = CliRunner().invoke(main, ["--root", str(root), "mail", "templates", "--year", "2026", "--unit", "XX-99"])
    assert outcome.exit_code == 2 and "Không có đơn vị XX-99 trong các đơn vị báo cáo năm 2026" in outcome.output


# --------------------------------------------------------------------------- reminders and feedback


def _answers(config: Config, score: float = 10.0) -> dict[str, Any]:
    scores = {f.key: min(score, f.max or 0) for f in config.template.sheet("models").score_fields()}
    first = next(iter(scores))
    scores[first] = score  # above the maximum when ``score`` is: an error
    model = {"name": "Camera an ninh", "field": "Kinh tế", "status": "Mới đăng ký", "start_year": 2026}
    model.update(proposal="Không đề nghị", **scores)
    activities = activity_answers(config, 1)
    return {
        "unit": {"preparer": "Lê Thị Lan", "report_date": dt.date(YEAR, 11, 20)},
        "models": [model],
        "activities": activities,
    }


def _returned(root: Path, config: Config) -> None:
    """KP-BD01 sends a good file, KP-BD02 one with a score above the maximum; TH-NK01 sends nothing."""
    for code, score in (("KP-BD01", 10.0), ("KP-BD02", 999.0)):
        drop_file(root, f"{code}.xlsx", filled_template(config, code, _answers(config, score)))
    run_consolidation(root, config, YEAR, None, now=dt.datetime(2026, 11, 24, 9, 0))


def test_reminders_say_what_each_unit_still_owes(ward: tuple[Path, Config]) -> None:
    root, config = ward
    _returned(root, config)
    outcomes = {o.unit.code: o for o in run_mail(root, config, YEAR, "reminders", UNITS)}
    assert set(outcomes) == {"KP-BD02", "TH-NK01"}  # KP-BD01's file was accepted: nothing owed
    bodies = {code: _body(_parse((root / o.detail).read_bytes())) for code, o in outcomes.items()}
    assert "bản sửa của tệp “KP-BD02.xlsx”: tệp bị trả lại vì có 1 lỗi" in bodies["KP-BD02"]
    assert "đơn vị chưa gửi tệp nào" in bodies["TH-NK01"] and "ngày 25/11/2026" in bodies["TH-NK01"]
    assert outcomes["TH-NK01"].detail == "outbox/2026/thu/nhac-nho/TH-NK01.eml"


def test_feedback_goes_to_units_with_findings_with_their_annotated_copy(ward: tuple[Path, Config]) -> None:
    root, config = ward
    _returned(root, config)
    outcomes = run_mail(root, config, YEAR, "feedback", UNITS, now=dt.datetime(2026, 11, 24, 10, 0))
    assert [(o.unit.code, o.status) for o in outcomes] == [("KP-BD02", DRAFTED)]
    message = _parse((root / outcomes[0].detail).read_bytes())
    annotated = (root / "outbox" / "2026" / "phan-hoi" / "KP-BD02.xlsx").read_bytes()
    assert _attachments(message) == {"Phản hồi Dân vận khéo 2026 - KP-BD02.xlsx": annotated}
    assert "có 1 điểm cần xem lại" in " ".join(_body(message).split())
    assert message["Subject"] == "Kết quả kiểm tra báo cáo “Dân vận khéo” năm 2026: Chi bộ khu phố Kim Châu"
    # The date for the corrected file is calendar.yaml's corrections_deadline, not the passed deadline.
    corrections = config.year(YEAR).corrections_deadline
    assert corrections is not None and corrections > config.year(YEAR).deadline
    assert f"trước ngày {corrections:%d/%m/%Y}." in " ".join(_body(message).split())


def _feedback_bodies(root: Path, config: Config, now: dt.datetime) -> dict[str, str]:
    """KP-BD01's file accepted with a warning (a field in lower case), KP-BD02's rejected: the
    feedback drafts' bodies composed at ``now``, one line each."""
    warned = _answers(config)
    warned["models"][0]["field"] = "kinh tế"
    drop_file(root, "KP-BD01.xlsx", filled_template(config, "KP-BD01", warned))
    drop_file(root, "KP-BD02.xlsx", filled_template(config, "KP-BD02", _answers(config, 999.0)))
    run_consolidation(root, config, YEAR, None, now=dt.datetime(2026, 11, 24, 9, 0))
    outcomes = run_mail(root, config, YEAR, "feedback", UNITS, now=now)
    assert [(o.unit.code, o.status) for o in outcomes] == [("KP-BD01", DRAFTED), ("KP-BD02", DRAFTED)]
    return {o.unit.code: " ".join(_body(_parse((root / o.detail).read_bytes())).split()) for o in outcomes}


def test_a_unit_accepted_with_warnings_gets_a_note_not_a_demand(ward: tuple[Path, Config]) -> None:
    root, config = ward
    bodies = _feedback_bodies(root, config, dt.datetime(2026, 11, 25, 8, 0))
    note = bodies["KP-BD01"]
    assert "đã được chấp nhận; đơn vị không phải gửi lại" in note and "nêu 1 điểm cảnh báo" in note
    assert "lưu ý các điểm này khi lập báo cáo lần sau" in note
    assert "trước ngày" not in note and "sửa ngay" not in note and "sớm nhất" not in note
    # The rejected unit, before the calendar's day for corrections (02/12/2026): that day.
    assert "chưa được chấp nhận" in bodies["KP-BD02"]
    assert "sửa ngay trên tệp gửi kèm và gửi lại bằng cách trả lời thư này trước ngày 02/12/2026." in bodies["KP-BD02"]


def test_a_feedback_mail_composed_after_the_resubmission_day_names_no_past_date(ward: tuple[Path, Config]) -> None:
    root, config = ward
    bodies = _feedback_bodies(root, config, dt.datetime(2026, 12, 7, 8, 0))
    assert "gửi lại bằng cách trả lời thư này sớm nhất có thể." in bodies["KP-BD02"]
    assert "02/12/2026" not in bodies["KP-BD02"] and "trước ngày" not in bodies["KP-BD02"]
    assert "trước ngày" not in bodies["KP-BD01"]
    # The annotated copy attached, written by the run of 24/11, still names the day; a run made
    # after it writes the copy again without it.
    copy = root / "outbox" / "2026" / "phan-hoi" / "KP-BD02.xlsx"
    assert "trước ngày 02/12/2026" in _advice_of_copy(copy.read_bytes())
    run_consolidation(root, config, YEAR, None, now=dt.datetime(2026, 12, 7, 9, 0))
    assert _advice_of_copy(copy.read_bytes()).endswith("gửi lại cho phường sớm nhất có thể.")


def _advice_of_copy(data: bytes) -> str:
    import io

    import openpyxl

    from pipeline.outputs.xlsx.feedback import FEEDBACK_SHEET, TABLE_ROW

    return str(openpyxl.load_workbook(io.BytesIO(data))[FEEDBACK_SHEET].cell(TABLE_ROW - 3, 1).value)


def test_the_corrections_deadline_defaults_to_the_deadline_and_cannot_precede_it(tmp_path: Path) -> None:
    copy_config(tmp_path)
    calendar = tmp_path / "config" / "calendar.yaml"
    text = calendar.read_text(encoding="utf-8")
    calendar.write_text(text.replace("    corrections_deadline: 2026-12-02\n", ""), encoding="utf-8")
    assert load_config(tmp_path).year(YEAR).resubmit_by == load_config(tmp_path).year(YEAR).deadline
    calendar.write_text(
        text.replace("corrections_deadline: 2026-12-02", "corrections_deadline: 2026-11-20"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="corrections_deadline"):
        load_config(tmp_path)


# --------------------------------------------------------------------------- sending through a real server


def _serve(root: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_mail_yaml(
        root, host="127.0.0.1", port=server.port, security="starttls", user=LOGIN, password_env=PASSWORD_ENV,
        ca_file=str(server.ca_file), timeout_seconds=5,
    )  # fmt: skip
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def test_templates_are_sent_over_starttls_with_login_and_not_twice(
    ward: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, config = ward
    with LoopbackServer(root) as server:
        _serve(root, server, monkeypatch)
        outcome = _mail(root, "templates", "--send")
        assert outcome.exit_code == 0, outcome.output
        assert len(server.received) == len(UNITS)
        for got, code in zip(server.received, UNITS, strict=True):
            unit = config.units.get(code)
            assert unit is not None
            assert got.authenticated and got.encrypted
            assert (got.mail_from, got.recipients) == ("ban-xdd@dvk-binhdinh.example", [unit.email])
            message = _parse(got.content)
            assert message["Subject"] == f"Mẫu biểu báo cáo “Dân vận khéo” năm 2026 gửi {unit.name}"
            assert f"Kính gửi {unit.name}," in _body(message) and message["Date"] is not None
            template = (root / "outbox" / "2026" / "mau-bieu" / f"{code}.xlsx").read_bytes()
            assert _attachments(message) == {f"Mẫu biểu Dân vận khéo 2026 - {code}.xlsx": template}
        assert [r[2] for r in _sent_rows(root)] == list(UNITS)
        again = _mail(root, "templates", "--send")
        assert again.exit_code == 0 and len(server.received) == len(UNITS)
        assert again.output.count("Đã gửi trước đây") == len(UNITS) + 1
        forced = _mail(root, "templates", "--send", "--force")
        assert forced.exit_code == 0 and len(server.received) == 2 * len(UNITS)
    ids = [_parse(r.content)["Message-ID"] for r in server.received]
    assert len(set(ids)) == len(ids)  # a resend is a new message
    assert len(list((root / ARCHIVE_FOLDER / "thu-da-gui").glob("*.json"))) == 2 * len(UNITS)


def test_a_refused_recipient_fails_alone(ward: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = ward
    with LoopbackServer(root, Mailbox(refused={"kp-bd02@dvk-binhdinh.example"})) as server:
        _serve(root, server, monkeypatch)
        outcome = _mail(root, "templates", "--send")
    assert outcome.exit_code == 1
    assert [r.recipients for r in server.received] == [
        ["kp-bd01@dvk-binhdinh.example"],
        ["th-nk01@dvk-binhdinh.example"],
    ]
    assert [r[2] for r in _sent_rows(root)] == ["KP-BD01", "TH-NK01"]
    failures = _failures(outcome.output)
    assert list(failures) == ["KP-BD02"]
    assert failures["KP-BD02"].startswith("máy chủ từ chối người nhận (kp-bd02@dvk-binhdinh.example: 550 5.1.1")


# A unit's address that is not one: that unit fails, the others get their mail (issue 17).
BAD_ADDRESSES = [
    pytest.param("Boss <attacker@x.example>", id="display-name"),
    pytest.param("not an address @@ <>", id="not-an-address"),
    pytest.param("kp-bd02@dvk-binhdinh.example\r\nBcc: attacker@x.example", id="header-injection"),
    pytest.param("kp-bd02@dvk-binhdinh.example, Boss <attacker@x.example>", id="second-of-two"),
]


def _bad_address(root: Path, address: str) -> None:
    """The workspace's units.yaml with KP-BD02's ``email`` set to ``address`` (a YAML double-quoted string)."""
    old = "email: kp-bd02@dvk-binhdinh.example}"
    edit_config(root, "units.yaml", old, f"email: {json.dumps(address)}}}")


def _failed_for_its_address(output: str) -> None:
    """KP-BD02 alone is listed as failed, for its address, told where to fix it; nothing injected."""
    failures = _failures(output)
    assert list(failures) == ["KP-BD02"]
    assert failures["KP-BD02"].startswith("địa chỉ thư điện tử “")
    assert "không hợp lệ: hãy sửa khóa “email” của đơn vị trong config/units.yaml" in failures["KP-BD02"]
    assert "\r" not in output and "\nBcc" not in output


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_address_fails_its_unit_alone_and_the_others_are_drafted(ward: tuple[Path, Config], address: str) -> None:
    root, _ = ward
    _bad_address(root, address)
    outcome = _mail(root, "templates")
    assert outcome.exit_code == 1, outcome.output
    drafts = sorted(p.stem for p in (root / "outbox" / "2026" / "thu" / "mau-bieu").glob("*.eml"))
    assert drafts == ["KP-BD01", "TH-NK01"]
    _failed_for_its_address(outcome.output)
    # The address stops that unit's mail only, never the ward's run.
    templates = CliRunner().invoke(main, ["--root", str(root), "templates", "--year", str(YEAR)])
    assert templates.exit_code == 0, templates.output


@pytest.mark.parametrize("address", BAD_ADDRESSES[:3])
def test_a_bad_address_fails_its_unit_alone_and_the_others_are_sent(
    ward: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    root, _ = ward
    _bad_address(root, address)
    with LoopbackServer(root) as server:
        _serve(root, server, monkeypatch)
        outcome = _mail(root, "templates", "--send")
    assert outcome.exit_code == 1, outcome.output
    assert [r.recipients for r in server.received] == [
        ["kp-bd01@dvk-binhdinh.example"],
        ["th-nk01@dvk-binhdinh.example"],
    ]
    assert [r[2] for r in _sent_rows(root)] == ["KP-BD01", "TH-NK01"]
    _failed_for_its_address(outcome.output)


def test_a_temporary_refusal_is_retried(ward: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = ward
    with LoopbackServer(root, Mailbox(busy=2)) as server:
        _serve(root, server, monkeypatch)
        outcome = _mail(root, "templates", "--send")
    assert outcome.exit_code == 0, outcome.output
    assert [r.recipients[0][:7] for r in server.received] == ["kp-bd01", "kp-bd02", "th-nk01"]


def test_a_wrong_password_sends_nothing(ward: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = ward
    with LoopbackServer(root) as server:
        _serve(root, server, monkeypatch)
        monkeypatch.setenv(PASSWORD_ENV, "sai mật khẩu")
        outcome = _mail(root, "templates", "--send")
    assert outcome.exit_code == 1 and server.received == []
    failures = _failures(outcome.output)
    assert set(failures) == set(UNITS)
    assert all(reason.startswith("máy chủ từ chối đăng nhập (535") for reason in failures.values())
    assert _sent_rows(root) == []


def test_a_server_that_is_down_fails_every_unit_and_records_nothing(
    ward: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = ward
    _write_mail_yaml(root, host="127.0.0.1", port=free_port(), user=LOGIN, password_env=PASSWORD_ENV)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    outcome = _mail(root, "templates", "--send")
    assert outcome.exit_code == 1
    failures = _failures(outcome.output)
    assert set(failures) == set(UNITS)
    assert all(reason.startswith("không kết nối được máy chủ thư 127.0.0.1") for reason in failures.values())
    assert _sent_rows(root) == []


def test_send_without_the_password_variable_is_a_usage_error(
    ward: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = ward
    _write_mail_yaml(root, password_env=PASSWORD_ENV)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    outcome = _mail(root, "templates", "--send")
    assert outcome.exit_code == 2
    assert f'set "{PASSWORD_ENV}=' in outcome.output and f"export {PASSWORD_ENV}='" in outcome.output


def test_a_sent_record_survives_a_rebuild(ward: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = ward
    with LoopbackServer(root) as server:
        _serve(root, server, monkeypatch)
        assert _mail(root, "templates", "--send").exit_code == 0
        before = _sent_rows(root)
        outcome = CliRunner().invoke(main, ["--root", str(root), "rebuild"])
        assert outcome.exit_code == 0, outcome.output
        assert sorted(_sent_rows(root)) == sorted(before)
        assert _mail(root, "templates", "--send").exit_code == 0
        assert len(server.received) == len(UNITS)


@pytest.mark.parametrize("kind", ["templates", "reminders", "feedback"])
def test_every_mail_command_has_vietnamese_help(kind: str) -> None:
    outcome = CliRunner().invoke(main, ["mail", kind, "--help"])
    assert outcome.exit_code == 0 and outcome.output.startswith("Cách dùng: ")
    for option in ("--year", "--send", "--dry-run", "--force", "--unit"):
        assert option in outcome.output
    assert "Chỉ liệt kê các thư sẽ gửi" in outcome.output


def test_feedback_and_reminders_are_sent_with_what_each_unit_needs(
    ward: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, config = ward
    _returned(root, config)
    with LoopbackServer(root) as server:
        _serve(root, server, monkeypatch)
        assert _mail(root, "feedback", "--send").exit_code == 0
        assert _mail(root, "reminders", "--send").exit_code == 0
    feedback, *reminders = server.received
    annotated = (root / "outbox" / "2026" / "phan-hoi" / "KP-BD02.xlsx").read_bytes()
    assert feedback.recipients == ["kp-bd02@dvk-binhdinh.example"]
    assert _attachments(_parse(feedback.content)) == {"Phản hồi Dân vận khéo 2026 - KP-BD02.xlsx": annotated}
    assert [r.recipients for r in reminders] == [["kp-bd02@dvk-binhdinh.example"], ["th-nk01@dvk-binhdinh.example"]]
    bodies = [_body(_parse(r.content)) for r in reminders]
    assert "tệp bị trả lại vì có 1 lỗi" in bodies[0] and "đơn vị chưa gửi tệp nào" in bodies[1]
    assert all(_attachments(_parse(r.content)) == {} for r in reminders)
    assert [(r[1], r[2]) for r in _sent_rows(root)] == [
        ("feedback", "KP-BD02"),
        ("reminders", "KP-BD02"),
        ("reminders", "TH-NK01"),
    ]


def test_the_pace_spaces_messages_to_the_configured_rate() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pace = Pace(per_minute=30, clock=lambda: now[0], sleep=sleep)
    pace.wait()  # the first message goes at once
    now[0] += 0.5  # sending took half a second
    pace.wait()
    now[0] += 3.0  # slower than the rate: no wait
    pace.wait()
    assert slept == [1.5]
