"""``dvk check`` on files and folders: each file's year read from the file, the council's workbook
checked as the run would apply it, and nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from pipeline.cli.main import main
from pipeline.config import Config
from pipeline.register import REGISTER_FILE
from pipeline.run.cycle import issue_council, run_consolidation
from tests.support.builder import (
    activity_answers,
    copy_secret,
    council_decided,
    drop_workbook,
    morning_of,
    new_workspace,
    sample_workbook,
    scored_models,
    write_file,
)

DECIDED = dt.datetime(2026, 12, 15)


def _check(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), "check", *args])


def _checked(root: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = _check(root, "--json", *args)
    return result.exit_code, json.loads(result.stdout)["files"]


def _fingerprint(root: Path) -> str:
    """The register's bytes, hashed ("" when there is none)."""
    path = root / REGISTER_FILE
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


@pytest.fixture
def ward(tmp_path: Path) -> tuple[Path, Config]:
    """2026 consolidated once: KP-BD01 with two new models."""
    root = tmp_path / "phuong"
    root.mkdir()
    config = new_workspace(root)
    answers = {
        "unit": {"preparer": "Trần Văn Minh", "report_date": dt.date(2026, 11, 20)},
        "models": scored_models(2026, "Camera an ninh", "Tuyến đường hoa"),
        "activities": activity_answers(config, 2),
    }
    drop_workbook(root, config, "KP-BD01", answers, "kp01.xlsx", morning_of(dt.date(2026, 11, 20)), 2026)
    result = run_consolidation(root, config, 2026, None, now=dt.datetime(2026, 11, 30, 8, 0))
    assert [s.accepted for s in result.submissions] == [True]
    return root, config


def _council(root: Path, config: Config, decisions: dict[str, tuple[Any, ...]]) -> bytes:
    """The council's workbook of 2026 with ``decisions`` (item name -> decision, number, date) typed
    in, every other row left undecided."""
    path, _ = issue_council(root, config, 2026)
    return council_decided(path, decisions)


def test_a_folder_is_checked_file_by_file_each_for_the_year_it_states(ward: tuple[Path, Config]) -> None:
    root, config = ward
    folder = root / "nhan-qua-zalo"
    write_file(folder / "hccb-2027.xlsx", sample_workbook(config, "HCCB", 2027))
    write_file(folder / "mttq.xlsx", sample_workbook(config, "MTTQ", 2026))
    write_file(
        folder / "bcd" / "xet-duyet.xlsx",
        _council(root, config, {"Camera an ninh": ("Công nhận", "12-QĐ/BCĐ", DECIDED)}),
    )
    write_file(folder / "~$mttq.xlsx", b"Excel's lock file")  # skipped, as in inbox/
    write_file(folder / ".an.xlsx", b"hidden")
    (root / "outbox" / "2026" / "noi-dung-bao-cao-2026.docx").rename(folder / "noi-dung.docx")
    before = _fingerprint(root)

    code, files = _checked(root, str(folder))

    assert code == 0
    assert [(f["file"], f["kind"], f["year"], f["year_from"], f["accepted"]) for f in files] == [
        ("bcd/xet-duyet.xlsx", "council", 2026, "file", True),
        ("hccb-2027.xlsx", "unit", 2027, "file", True),
        ("mttq.xlsx", "unit", 2026, "file", True),
        ("noi-dung.docx", "narrative", 2026, "file", True),
    ]
    assert files[0]["decisions"] == {"applied": 1, "unchanged": 0}
    assert files[1]["kind_label"] == "mẫu biểu của đơn vị HCCB (Hội Cựu chiến binh phường)"
    assert _fingerprint(root) == before  # the decision was only tried

    screen = " ".join(_check(root, str(folder)).output.split())
    assert "hccb-2027.xlsx: được chấp nhận — mẫu biểu của đơn vị HCCB" in screen
    assert "năm 2027 (ghi trong tệp)" in screen
    assert (
        "bcd/xet-duyet.xlsx: đọc được; khi tổng hợp sẽ ghi 1 quyết định vào sổ theo dõi — bảng xét duyệt của Ban chỉ đạo"
        in screen
    )
    assert "noi-dung.docx: được chấp nhận — tệp nội dung báo cáo" in screen


def test_a_year_given_is_checked_against_the_year_the_file_states(ward: tuple[Path, Config]) -> None:
    root, config = ward
    other = write_file(root / "hccb-2027.xlsx", sample_workbook(config, "HCCB", 2027))

    code, files = _checked(root, "--year", "2026", str(other))

    assert code == 1
    [checked] = files
    assert (checked["year"], checked["year_from"], checked["stated_year"]) == (2026, "option", 2027)
    assert [(f["code"], f["message"]) for f in checked["findings"]] == [
        ("wrong-year", "Tệp là mẫu biểu năm 2027, không phải năm 2026.")
    ]
    assert checked["kind"] == "unit" and checked["unit"] == "HCCB"


def _word_letter() -> bytes:
    """A unit's report typed in Word: no template, no year the tool can read."""
    import docx

    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả thực hiện Phong trào thi đua “Dân vận khéo”")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind", "code"),
    [
        ("ghi-chu.txt", "không phải bảng tính".encode(), "other", "not-a-workbook"),
        ("bao-cao.docx", None, "document", "foreign-document"),
    ],
    ids=["text", "word"],
)
def test_a_file_that_states_no_year_is_checked_for_the_cycle_under_way(
    ward: tuple[Path, Config], name: str, content: bytes | None, kind: str, code: str
) -> None:
    from pipeline.run.check import cycle_year

    root, config = ward
    foreign = write_file(root / name, content if content is not None else _word_letter())
    assert cycle_year(config, dt.date(2026, 12, 7)) == 2026
    assert cycle_year(config, dt.date(2027, 1, 2)) == 2027
    assert cycle_year(config, dt.date(2024, 6, 1)) is None

    code_, files = _checked(root, str(foreign))

    assert code_ == 1
    [checked] = files
    assert (checked["kind"], checked["year_from"], checked["stated_year"]) == (kind, "cycle", None)
    assert checked["year"] == cycle_year(config, dt.date.today())
    assert [f["code"] for f in checked["findings"]] == [code]
    assert "tệp không ghi năm báo cáo: kiểm tra theo năm" in " ".join(_check(root, str(foreign)).output.split())


@pytest.mark.parametrize("content", [[], ["~$mau.xlsx", ".DS_Store"]], ids=["empty", "only-temporary-files"])
def test_a_folder_without_a_file_to_check_is_a_usage_error(tmp_path: Path, content: list[str]) -> None:
    root = tmp_path / "phuong"
    new_workspace(root)
    folder = tmp_path / "trong"
    folder.mkdir()
    for name in content:
        (folder / name).write_bytes(b"x")

    result = _check(root, str(folder))

    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"Thư mục “{folder}” không có tệp nào để kiểm tra" in message
    assert "tệp tạm như “~$tên.xlsx” được bỏ qua" in message


def test_a_council_sheet_with_bad_rows_lists_every_finding_and_leaves_the_register_alone(
    ward: tuple[Path, Config],
) -> None:
    root, config = ward
    sheet = _council(
        root,
        config,
        {
            "Camera an ninh": ("Báo cáo", "12-QĐ/BCĐ", DECIDED),  # not a decision
            "Tuyến đường hoa": ("Nhân rộng", None, DECIDED),  # no number, and not allowed before recognition
        },
    )
    path = write_file(root / "xet-duyet-da-ghi.xlsx", sheet)
    before = _fingerprint(root)

    code, files = _checked(root, str(path))

    assert code == 1
    [checked] = files
    assert (checked["kind"], checked["year"], checked["accepted"]) == ("council", 2026, False)
    assert [(f["code"], f["cell"]) for f in checked["findings"]] == [
        ("unknown-decision", "L4"),
        ("decision-missing-number", "M5"),
    ]
    assert _fingerprint(root) == before
    screen = " ".join(_check(root, str(path)).output.split())
    assert (
        "xet-duyet-da-ghi.xlsx: có lỗi; khi tổng hợp sẽ ghi 0 quyết định vào sổ theo dõi, các dòng có lỗi không "
        "được ghi — bảng xét duyệt của Ban chỉ đạo; năm 2026 (ghi trong tệp)."
    ) in screen
    assert "Sheet “Xét duyệt”, ô L4" in screen and "Sheet “Xét duyệt”, ô M5" in screen

    illegal = write_file(
        root / "nhan-rong.xlsx", _council(root, config, {"Tuyến đường hoa": ("Nhân rộng", "1-QĐ", DECIDED)})
    )
    code, [checked] = _checked(root, str(illegal))
    assert code == 1 and [f["code"] for f in checked["findings"]] == ["illegal-decision"]
    assert _fingerprint(root) == before


def test_a_council_sheet_checked_in_a_workspace_without_a_register_leaves_it_without_one(
    ward: tuple[Path, Config], tmp_path: Path
) -> None:
    root, config = ward
    path = write_file(
        tmp_path / "xet-duyet.xlsx", _council(root, config, {"Camera an ninh": ("Công nhận", "1-QĐ", DECIDED)})
    )
    other = tmp_path / "may-moi"
    new_workspace(other)
    copy_secret(root, other)  # the same installation: the sheet's signature verifies

    code, [checked] = _checked(other, str(path))

    assert code == 1
    assert [f["code"] for f in checked["findings"]] == ["council-unknown-code"]  # no item known here
    assert not (other / REGISTER_FILE).exists()


def test_a_saved_message_is_checked_by_its_spreadsheets_as_the_run_receives_them(ward: tuple[Path, Config]) -> None:
    root, config = ward
    message = EmailMessage()
    message["From"] = "Hội Cựu chiến binh <hccb@dvk-binhdinh.example>"
    message["Subject"] = "Gửi báo cáo năm 2026"
    message.set_content("Kính gửi Ban Xây dựng Đảng.")
    xlsx = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    message.add_attachment(
        sample_workbook(config, "HCCB", 2026), maintype=xlsx[0], subtype=xlsx[1], filename="hccb.xlsx"
    )
    message.add_attachment(b"PK\x03\x04", maintype="application", subtype="zip", filename="anh.zip")
    path = write_file(root / "thu.eml", message.as_bytes())

    code, files = _checked(root, str(path))

    assert code == 1  # the message's archive attachment is refused, as in the run
    assert [(f["file"], f["kind"], f["accepted"]) for f in files] == [
        ("thu.eml", "mail", False),
        ("thu.eml › hccb.xlsx", "unit", True),
    ]
    assert [f["code"] for f in files[0]["findings"]] == ["mail-archive-attachment"]
    assert files[1]["year"] == 2026 and files[1]["unit"] == "HCCB"


def test_a_file_that_states_no_year_before_any_cycle_asks_for_the_year(ward: tuple[Path, Config]) -> None:
    from pipeline.run.check import YearUnknown, check_paths

    root, config = ward
    foreign = write_file(root / "ghi-chu.txt", b"abc")
    template = write_file(root / "mttq.xlsx", sample_workbook(config, "MTTQ", 2026))

    with pytest.raises(YearUnknown, match="Hãy ghi năm cần kiểm tra, ví dụ: dvk check --year 2025 “tên tệp”"):
        check_paths(root, config, None, [foreign], today=dt.date(2024, 6, 1))
    [checked] = check_paths(root, config, None, [template], today=dt.date(2024, 6, 1))  # its year is its own
    assert (checked.year, checked.year_from, checked.accepted) == (2026, "file", True)
    [checked] = check_paths(root, config, 2026, [foreign], today=dt.date(2024, 6, 1))
    assert (checked.year, checked.year_from) == (2026, "option")


def test_the_annotated_copy_is_the_units_feedback_workbook_built_as_consolidation_builds_it(
    ward: tuple[Path, Config],
) -> None:
    from pipeline.outputs.xlsx.feedback import FEEDBACK_SHEET
    from pipeline.run.check import annotated_copy

    root, config = ward
    bad = write_file(root / "loi.xlsx", sample_workbook(config, "HCCB", 2026, with_errors=True))
    good = write_file(root / "dung.xlsx", sample_workbook(config, "HCCB", 2026))
    council = write_file(root / "xd.xlsx", _council(root, config, {}))
    today = dt.date(2026, 11, 30)
    copy = annotated_copy(root, config, bad, today)
    assert copy is not None
    name, content = copy
    assert name == "HCCB.xlsx"
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames[0] == FEEDBACK_SHEET
    assert annotated_copy(root, config, bad, today) == copy  # the same bytes every time
    assert annotated_copy(root, config, good, today) is None
    assert annotated_copy(root, config, council, today) is None
