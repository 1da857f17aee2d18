"""One set of counts everywhere after a resubmission (issue 18, point 2).

HND sends a file with mistakes, then a corrected one; CD sends only a file with mistakes; MTTQ a
good file, late; the other units nothing. The screen after ``dvk consolidate``, its ``--json``,
``dvk status`` and ``ket-qua-kiem-tra`` give the same numbers, in units and in files; HND's first
file is "đã thay bằng …", not "trả lại"; the exit codes follow what is still to do. The
minimum-models warning of a returned empty template shows on screen and in ``--json`` (point 8).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.config import load_config
from pipeline.core.paths import CLERK_FILE
from pipeline.outputs.xlsx.clerk import CODE_HEADER, COUNTS_SHEET, DETAILS_SHEET, FILES_SHEET
from tests.support.builder import YEAR, drop_file, issued_template, morning_of, new_workspace, sample_workbook

REPLACED = "Trả lại, đã thay bằng “hnd-sua.xlsx”"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    config = new_workspace(tmp_path)
    drop_file(tmp_path, "hnd.xlsx", sample_workbook(config, "HND", YEAR, with_errors=True), _day(20))
    drop_file(tmp_path, "cd.xlsx", sample_workbook(config, "CD", YEAR, with_errors=True), _day(21))
    drop_file(tmp_path, "hnd-sua.xlsx", sample_workbook(config, "HND", YEAR), _day(22))
    drop_file(tmp_path, "mttq.xlsx", sample_workbook(config, "MTTQ", YEAR), _day(27))  # 2 days late
    return tmp_path


def _day(day: int) -> dt.datetime:
    return morning_of(dt.date(YEAR, 11, day))


def _dvk(root: Path, *args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, ["--root", str(root), *args, "--year", str(YEAR)])
    assert outcome.exit_code in (0, 1), outcome.output
    return outcome.exit_code, outcome.stdout


def _flat(text: str) -> str:
    """The text with its lines joined as one (the screen wraps long lines to the terminal)."""
    return " ".join(text.split())


def _count_lines(units: dict[str, int], files: dict[str, int]) -> list[str]:
    return [
        f"{units['sent']}/{units['expected']} đơn vị đã gửi báo cáo hợp lệ ({units['on_time']} đúng hạn, "
        f"{units['late']} trễ hạn), {units['returned']} đơn vị bị trả lại, chưa gửi lại, "
        f"{units['missing']} đơn vị chưa gửi.",
        f"{files['received']} tệp đã nhận: {files['used']} tệp được dùng, {files['replaced']} tệp đã thay "
        f"bằng tệp gửi sau, {files['returned']} tệp bị trả lại, chưa được thay.",
    ]


def _clerk(root: Path) -> tuple[dict[str, Any], dict[str, int], tuple[Any, ...]]:
    """``ket-qua-kiem-tra``: each file's "Kết quả", the counts sheet, the detail sheet's header."""
    wb = openpyxl.load_workbook(root / "outbox" / str(YEAR) / CLERK_FILE.format(year=YEAR), read_only=True)
    try:
        header, *rows = wb[FILES_SHEET].iter_rows(values_only=True)
        column = header.index("Kết quả")
        standing = {row[2]: row[column] for row in rows}
        counts = {str(label).strip(): int(n) for label, n in wb[COUNTS_SHEET].iter_rows(min_row=2, values_only=True)}
        details = next(wb[DETAILS_SHEET].iter_rows(max_row=1, values_only=True))
    finally:
        wb.close()
    return standing, counts, details


def test_after_a_resubmission_every_output_gives_the_same_counts(root: Path) -> None:
    code, screen = _dvk(root, "consolidate")
    assert code == 1  # CD's file is returned and not replaced: something is still to do
    _, raw = _dvk(root, "consolidate", "--json")
    summary = json.loads(raw)
    units, files = summary["counts"]["units"], summary["counts"]["files"]
    expected = units["expected"]
    assert units == {
        "expected": expected,
        "sent": 2,
        "on_time": 1,
        "late": 1,
        "returned": 1,
        "missing": expected - 3,
        "exempt": 0,
    }
    assert files == {"received": 4, "used": 2, "replaced": 1, "returned": 1}
    assert [r["file"] for r in summary["rejected"]] == ["cd.xlsx"] and summary["superseded"] == ["hnd.xlsx"]
    standings = {f["file"]: (f["standing"], f["replaced_by"]) for f in summary["files"]}
    assert standings == {
        "hnd.xlsx": ("replaced", "hnd-sua.xlsx"),
        "cd.xlsx": ("returned", ""),
        "hnd-sua.xlsx": ("used", ""),
        "mttq.xlsx": ("used", ""),
    }

    lines = _count_lines(units, files)
    flat = _flat(screen)
    assert f"Tổng số đơn vị: {lines[0]}" in flat and f"Tổng số tệp: {lines[1]}" in flat
    assert re.search(rf"hnd\.xlsx HND \d+ lỗi[^“]* {re.escape(REPLACED)}", flat)  # the files table, standing last
    # The replaced file's mistakes are not listed as something to act on; the returned file's are.
    assert "Tệp “hnd.xlsx”:" not in screen and "Tệp “cd.xlsx”:" in screen

    code, status = _dvk(root, "status")
    assert code == 1
    assert f"Năm {YEAR}: Tổng số đơn vị: {lines[0]} Tổng số tệp: {lines[1]}" in _flat(status)

    standing, counts, details = _clerk(root)
    assert standing == {
        "hnd.xlsx": REPLACED,
        "hnd-sua.xlsx": "Được dùng",
        "cd.xlsx": "Trả lại",
        "mttq.xlsx": "Được dùng",
    }
    assert counts == {
        "Đơn vị phải báo cáo": expected,
        "– Đã gửi báo cáo hợp lệ": 2,
        "trong đó đúng hạn": 1,
        "trong đó trễ hạn": 1,
        "– Bị trả lại, chưa gửi lại": 1,
        "– Chưa gửi": expected - 3,
        "Tệp đã nhận": 4,
        "– Được dùng": 2,
        "– Đã thay bằng tệp gửi sau": 1,
        "– Bị trả lại, chưa được thay": 1,
    }
    assert details[-1] == CODE_HEADER and "Mã lỗi" not in details[:-1]

    # The consolidated workbook lists what still counts: not the replaced file's mistakes.
    summary_sheet = openpyxl.load_workbook(root / "outbox" / str(YEAR) / f"tong-hop-{YEAR}.xlsx")["Phát hiện"]
    rows = list(summary_sheet.iter_rows(values_only=True))
    assert rows[0][-1] == CODE_HEADER
    assert {row[0] for row in rows[1:]} >= {"cd.xlsx"} and "hnd.xlsx" not in {row[0] for row in rows[1:]}


def test_once_every_returned_file_is_replaced_consolidate_exits_0_and_status_still_chases_units(root: Path) -> None:
    config = load_config(root)
    drop_file(root, "cd-sua.xlsx", sample_workbook(config, "CD", YEAR), _day(23))
    code, screen = _dvk(root, "consolidate")
    assert code == 0, screen
    _, raw = _dvk(root, "consolidate", "--json")
    summary = json.loads(raw)
    assert summary["counts"]["files"] == {"received": 5, "used": 3, "replaced": 2, "returned": 0}
    assert summary["counts"]["units"]["returned"] == 0 and summary["rejected"] == []
    assert summary["superseded"] == ["hnd.xlsx", "cd.xlsx"]
    assert "Trả lại, đã thay bằng “cd-sua.xlsx”" in _flat(screen)
    code, status = _dvk(root, "status")
    assert code == 1  # units have still not sent their report
    lines = _count_lines(summary["counts"]["units"], summary["counts"]["files"])
    assert all(line in _flat(status) for line in lines)


def test_the_minimum_of_models_of_a_returned_empty_template_is_on_screen_and_in_json(tmp_path: Path) -> None:
    config = new_workspace(tmp_path)
    drop_file(tmp_path, "kp01.xlsx", issued_template(config, "KP-BD01", YEAR), _day(20))  # returned as issued
    message = "Đơn vị KP-BD01 báo cáo 0 mô hình, chỉ tiêu tối thiểu 1 mô hình mỗi năm."
    code, screen = _dvk(tmp_path, "consolidate")
    assert code == 1
    flat = _flat(screen)
    block = flat[flat.index("Tệp “kp01.xlsx”:") : flat.index("Các đơn vị cần lưu ý:")]
    assert f"- Cảnh báo: {message}" in block  # with the file's errors
    assert "KP-BD01 Chi bộ khu phố Liêm Định Bị trả lại — chưa đủ số mô hình" in flat
    _, raw = _dvk(tmp_path, "consolidate", "--json")
    notes = [f for f in json.loads(raw)["findings"] if f["code"] == "below-minimum-models"]
    assert [(n["file"], n["unit"], n["severity"], n["message"]) for n in notes] == [
        ("kp01.xlsx", "KP-BD01", "warning", message)
    ]
