"""The council step as a loop a clerk can finish: every error on screen, in the clerk's report and
marked on a copy of the sheet; the corrected sheet supersedes the old one's errors; a file is
withdrawn by the name the screen shows; hints offer only the decisions of the sheet's list."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.config import Config
from pipeline.core.lifecycle import EVENT_LABELS
from pipeline.intake.council import COUNCIL_SHEET, DECISION_CHOICES, NO_DECISION
from tests.support.builder import drop_file, morning_of
from tests.unit.year.test_council import (
    LATER,
    _events,
    _filled,
    _issue,
    _run,
    _states,
    ward,
)

__all__ = ["ward"]  # the fixture, shared with test_council

FIX_COPY = "xet-duyet-2026-can-sua.xlsx"
RED = "FFC7CE"


def _consolidate(root: Path, *options: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, ["--root", str(root), "consolidate", "--year", "2026", *options])
    return outcome.exit_code, outcome.output


def _fixed(data: bytes) -> bytes:
    """The marked-up copy with its two errors corrected: the missing number given (M7), the illegal
    "Nhân rộng" of a registered model changed to "Củng cố" (L8)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook[COUNCIL_SHEET]
    sheet["M7"] = "16-QĐ/BCĐ"
    sheet["L8"] = "Củng cố"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_council_files_errors_are_marked_on_a_copy_the_clerk_fixes(ward: tuple[Path, Config]) -> None:
    root, config = ward
    drop_file(root, "quyet-dinh-bcd.xlsx", _filled(root), morning_of(dt.date(2026, 12, 16)))
    first = _run(root, config, LATER)
    copy = root / "outbox" / "2026" / FIX_COPY
    assert copy in first.outputs and copy.is_file()

    workbook = openpyxl.load_workbook(copy)
    assert workbook.sheetnames[:2] == ["Kết quả kiểm tra", COUNCIL_SHEET]
    cover = workbook["Kết quả kiểm tra"]
    assert cover["A1"].value == "KẾT QUẢ KIỂM TRA BẢNG XÉT DUYỆT “DÂN VẬN KHÉO” NĂM 2026"
    assert cover["C5"].value == "quyet-dinh-bcd.xlsx" and cover["C7"].value == 2  # file, errors
    listed = [cover.cell(row, 4).value for row in range(13, 15)]
    assert listed == ["M7", "L8"]
    sheet = workbook[COUNCIL_SHEET]
    for address in ("M7", "L8"):
        assert sheet[address].fill.fgColor.rgb[-6:] == RED
        assert sheet[address].comment is not None and sheet[address].comment.author == "dvk"
    assert "chưa ghi số quyết định" in sheet["M7"].comment.text
    assert sheet["L4"].fill.fgColor.rgb[-6:] != RED  # a recorded decision is not marked
    assert sheet.protection.sheet  # the sheet stays as issued: the clerk fills the same cells

    code, text = _consolidate(root)
    assert code == 1 and str(copy) in " ".join(text.split())

    # The clerk fixes the cells in the copy and drops it into the inbox: the loop is finished.
    drop_file(root, FIX_COPY, _fixed(copy.read_bytes()), morning_of(dt.date(2026, 12, 17)))
    second = _run(root, config, LATER + dt.timedelta(hours=1))
    assert [(c.file, c.applied, c.unchanged, c.findings) for c in second.councils] == [
        ("quyet-dinh-bcd.xlsx", 3, 0, first.councils[0].findings),
        (FIX_COPY, 2, 3, ()),
    ]
    assert not second.failed and not copy.exists()
    assert _states(root)["Nhóm Zalo khu phố"] == _states(root)["Sân chơi thiếu nhi"] == "strengthened"
    code, text = _consolidate(root)
    assert code == 0 and FIX_COPY in text


def test_the_clerks_report_lists_the_council_files_and_their_findings(ward: tuple[Path, Config]) -> None:
    root, config = ward
    drop_file(root, "quyet-dinh-bcd.xlsx", _filled(root), morning_of(dt.date(2026, 12, 16)))
    result = _run(root, config, LATER)
    report = next(p for p in result.outputs if p.name == "ket-qua-kiem-tra-2026.xlsx")
    workbook = openpyxl.load_workbook(report)
    files = [[c.value for c in row] for row in workbook.worksheets[0].iter_rows(min_row=2)]
    council = next(row for row in files if row[2] == "quyet-dinh-bcd.xlsx")
    assert council[0] is None and council[-3:-1] == [2, 0]  # no unit; 2 errors, no warning
    assert council[5] == "Có dòng lỗi, chưa ghi"
    assert [row[2] for row in files] == ["kp01.xlsx", "mttq.xlsx", "quyet-dinh-bcd.xlsx"]
    details = [[c.value for c in row] for row in workbook.worksheets[1].iter_rows(min_row=2)]
    mine = [row for row in details if row[0] == "quyet-dinh-bcd.xlsx"]
    assert [(row[7], row[3], row[4]) for row in mine] == [  # the code last, for the technical reader
        ("decision-missing-number", COUNCIL_SHEET, "M7"),
        ("illegal-decision", COUNCIL_SHEET, "L8"),
    ]
    counts = {row[0].value: row[1].value for row in workbook.worksheets[2].iter_rows(min_row=2)}
    assert counts["Tệp đã nhận"] == 2 and counts["– Bị trả lại, chưa được thay"] == 0  # a unit's files only


def test_a_sheet_corrected_in_place_supersedes_the_old_ones_errors(ward: tuple[Path, Config]) -> None:
    root, config = ward
    drop_file(root, "quyet-dinh-bcd.xlsx", _filled(root), morning_of(dt.date(2026, 12, 16)))
    assert _run(root, config, LATER).failed
    recorded = _events(root)
    # The clerk fixes the two cells in the inbox's file itself and saves it under the same name.
    inbox = root / "inbox" / "quyet-dinh-bcd.xlsx"
    drop_file(root, "quyet-dinh-bcd.xlsx", _fixed(inbox.read_bytes()), morning_of(dt.date(2026, 12, 17)))
    result = _run(root, config, LATER + dt.timedelta(hours=1))
    assert not result.failed
    assert [c.file for c in result.councils] == ["quyet-dinh-bcd.xlsx"] * 2
    assert set(recorded) <= set(_events(root))  # what the old file recorded stays recorded
    council = result.summary(root)["council"]
    assert [(c["superseded_by"], len(c["findings"])) for c in council] == [("quyet-dinh-bcd.xlsx", 2), (None, 0)]

    code, text = _consolidate(root)
    flat = " ".join(text.split())
    assert code == 0
    old, new = (c.source.sha256[:8] for c in result.councils)
    assert (
        f"Bảng xét duyệt “quyet-dinh-bcd.xlsx” (nhận 16/12/2026 09:00, mã {old}): đã ghi 3 quyết định; "
        f"đã được thay bằng “quyet-dinh-bcd.xlsx” (nhận 17/12/2026 09:00, mã {new}), các lỗi của bảng này "
        "không còn tính." in flat
    )
    assert "- Lỗi:" not in flat  # the old errors are not listed as still to do
    assert not (root / "outbox" / "2026" / FIX_COPY).exists()


def test_a_later_refused_file_supersedes_nothing(ward: tuple[Path, Config]) -> None:
    root, config = ward
    drop_file(root, "quyet-dinh-bcd.xlsx", _filled(root), morning_of(dt.date(2026, 12, 16)))
    drop_file(root, "bcd-2025.xlsx", _issue(root, 2025).read_bytes(), morning_of(dt.date(2026, 12, 17)))
    result = _run(root, config, LATER)
    assert [c["superseded_by"] for c in result.summary(root)["council"]] == [None, None]
    assert result.failed
    _, text = _consolidate(root)
    flat = " ".join(text.split())
    assert "ô M7" in flat and "ô L8" in flat and "Bảng xét duyệt “bcd-2025.xlsx”: bị trả lại" in flat
    # The marked-up copy is of the council file taken, not of the refused one.
    assert (root / "outbox" / "2026" / FIX_COPY).is_file()


def test_withdraw_by_the_name_shown_when_the_ledger_has_two_files_of_that_name(ward: tuple[Path, Config]) -> None:
    root, config = ward
    drop_file(root, "quyet-dinh-bcd.xlsx", _filled(root), morning_of(dt.date(2026, 12, 16)))
    _run(root, config, LATER)
    inbox = root / "inbox" / "quyet-dinh-bcd.xlsx"
    drop_file(root, "quyet-dinh-bcd.xlsx", _fixed(inbox.read_bytes()), morning_of(dt.date(2026, 12, 17)))
    _run(root, config, LATER + dt.timedelta(hours=1))
    shas = json.loads(_consolidate(root, "--json")[1])["council"]
    assert len(shas) == 2

    def withdraw(*args: str) -> tuple[int, str]:
        outcome = CliRunner().invoke(main, ["--root", str(root), "withdraw", *args, "--reason", "Bản cũ"])
        return outcome.exit_code, " ".join(outcome.output.split())

    code, refused = withdraw("quyet-dinh-bcd.xlsx")
    assert code != 0 and "có 2 tệp khớp" in refused and "--latest" in refused
    codes = [part.split(":")[0] for part in refused.split("- mã ")[1:]]
    assert len(codes) == 2 and all(len(c) == 8 for c in codes)
    assert "nhận lúc 16/12/2026 09:00 - mã" in refused and "nhận lúc 17/12/2026 09:00 (nhận sau cùng)" in refused

    code, done = withdraw(codes[0])  # the older one, by the short code the message showed
    assert code == 0, done
    assert f"Đã bỏ tệp “quyet-dinh-bcd.xlsx” (mã {codes[0]}, nhận lúc 16/12/2026 09:00)" in done
    assert "là bản khác, vẫn được giữ" in done  # the inbox holds the corrected version: keep it
    assert inbox.is_file()
    code, text = _consolidate(root, "--json")
    assert code == 0 and [c["file"] for c in json.loads(text)["council"]] == ["quyet-dinh-bcd.xlsx"]

    code, done = withdraw("quyet-dinh-bcd.xlsx", "--latest")  # the one left in its cycle
    assert code == 0 and f"mã {codes[1]}" in done and "Hãy xóa tệp này khỏi inbox/" in done
    assert "chạy lại `dvk consolidate --year 2026`" in done  # a command that runs as printed


def test_an_illegal_decisions_hint_lists_only_the_sheets_decisions(ward: tuple[Path, Config]) -> None:
    root, config = ward
    drop_file(root, "quyet-dinh-bcd.xlsx", _filled(root), morning_of(dt.date(2026, 12, 16)))
    illegal = next(f for f in _run(root, config, LATER).councils[0].findings if f.code == "illegal-decision")
    assert illegal.hint == (
        "Hãy chọn một trong các quyết định: “Công nhận”; “Củng cố”; “Đưa ra khỏi danh sách”; "
        "“Biểu dương”; “Khen thưởng”; hoặc “Không quyết định” nếu chưa quyết định."
    )
    assert EVENT_LABELS["report"] not in illegal.hint


def test_every_hint_names_only_choices_of_the_drop_down() -> None:
    from pipeline.core.lifecycle import STATE_LABELS
    from pipeline.year.council import decision_hint

    for state in STATE_LABELS:
        hint = decision_hint(state)
        named = [part.split("”")[0] for part in hint.split("“")[1:]]
        assert set(named) - {STATE_LABELS[state]} <= set(DECISION_CHOICES), (state, hint)
    assert decision_hint("removed").endswith(f"hãy chọn “{NO_DECISION}”.")
