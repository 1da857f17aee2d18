"""Feedback stage: the unit's annotated copy, the clerk's report, their names, and the cycle writing them."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from pipeline.config import Config
from pipeline.core.findings import ERROR, INFO, SEVERITY_LABELS, WARNING, Finding
from pipeline.core.paths import CLERK_FILE, FEEDBACK_FOLDER, NARRATIVE_FILE
from pipeline.intake.receive import SourceFile, receive
from pipeline.intake.validate import Submission, validate
from pipeline.outputs.xlsx import feedback
from pipeline.outputs.xlsx.clerk import CODE_HEADER, COUNTS_SHEET, DETAILS_SHEET, FILES_SHEET, clerk_report_bytes
from pipeline.outputs.xlsx.feedback import (
    ADVICE,
    FEEDBACK_SHEET,
    TABLE_ROW,
    CannotAnnotate,
    feedback_names,
    unit_feedback_bytes,
)
from pipeline.run.cycle import run_consolidation
from tests.support.builder import activity_answers, drop_file, filled_template, new_workspace

YEAR = 2026
UNIT = "HND"
MODELS = "Mô hình"
RED, YELLOW = "FFC7CE", "FFEB9C"
FORMULA_PLACE = ("Hướng dẫn", "C1")


def _answers(config: Config, **model: Any) -> dict[str, Any]:
    """One model of a unit, every criterion scored 10, with ``model`` overriding its values."""
    scores = {f.key: min(10, f.max or 0) for f in config.template.sheet("models").score_fields()}
    values = {"name": "Nông dân liên kết", "field": "Kinh tế", "status": "Mới đăng ký", "start_year": YEAR}
    values.update(proposal="Không đề nghị", **scores)
    values.update(model)
    activities = activity_answers(config, 1)
    unit = {"preparer": "Nguyễn Thị Hoa", "report_date": dt.date(YEAR, 11, 20)}
    return {"unit": unit, "models": [values], "activities": activities}


def _edited(data: bytes, edit: Callable[[Any], None]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _with_formula(workbook: Any) -> None:
    sheet, cell = FORMULA_PLACE
    workbook[sheet][cell] = "=1+1"


def _submit(folder: Path, config: Config, data: bytes, name: str = "nong-dan.xlsx") -> Submission:
    path = folder / "inbox" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return validate(receive(path, name), config, YEAR)


@pytest.fixture
def sent(config: Config, filled_workbook: Callable[..., bytes]) -> bytes:
    """HND's file: a budget typed as text (error), a field in lower case (warning), a formula."""
    answers = _answers(config, field="kinh tế", budget_vnd="1,5 triệu")
    return _edited(filled_workbook(UNIT, answers), _with_formula)


@pytest.fixture
def checked(tmp_path: Path, config: Config, sent: bytes) -> Submission:
    return _submit(tmp_path, config, sent)


def _open(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _only(submission: Submission, severity: str) -> Finding:
    (item,) = (f for f in submission.findings if f.severity == severity)
    return item


# --------------------------------------------------------------------------- the unit's copy


def test_checked_file_has_one_error_and_one_warning(checked: Submission) -> None:
    assert [(f.code, f.sheet) for f in checked.findings if f.severity == WARNING] == [("choice-normalised", MODELS)]
    assert (_only(checked, ERROR).code, _only(checked, ERROR).cell) == ("wrong-type", "L4")


def test_feedback_sheet_opens_first_with_the_verdict_and_every_finding(
    config: Config, sent: bytes, checked: Submission
) -> None:
    workbook = _open(unit_feedback_bytes(sent, checked, config))
    assert workbook.sheetnames[0] == FEEDBACK_SHEET
    assert workbook.active.title == FEEDBACK_SHEET
    assert [ws.sheet_view.tabSelected for ws in workbook.worksheets][:2] == [True, False]
    ws = workbook[FEEDBACK_SHEET]
    assert ws["A1"].value == "KẾT QUẢ KIỂM TRA MẪU BIỂU “DÂN VẬN KHÉO” NĂM 2026"
    unit = config.units.get(UNIT)
    assert unit is not None
    assert {ws.cell(row, 1).value: ws.cell(row, 3).value for row in range(3, 9)} == {
        "Đơn vị:": unit.name,
        "Mã đơn vị:": UNIT,
        "Tệp:": "nong-dan.xlsx",
        "Kết quả:": "Bị trả lại: cần sửa và gửi lại",
        "Số lỗi:": 1,
        "Số cảnh báo:": 1,
    }
    header, *rows = ws.iter_rows(min_row=TABLE_ROW, values_only=True)
    assert header == ("STT", "Mức độ", "Sheet", "Ô", "Nội dung", "Cách khắc phục")
    assert rows == [
        (number, SEVERITY_LABELS[f.severity], f.sheet, f.cell, f.message, f.hint)
        for number, f in enumerate(checked.findings, start=1)
    ]


def test_each_cell_address_links_to_its_cell(config: Config, sent: bytes, checked: Submission) -> None:
    ws = _open(unit_feedback_bytes(sent, checked, config))[FEEDBACK_SHEET]
    links = {ws.cell(row, 4).value: ws.cell(row, 4) for row in range(TABLE_ROW + 1, ws.max_row + 1)}
    assert links["L4"].hyperlink.target == "#'Mô hình'!L4"
    assert links["L4"].style == "Hyperlink"
    warning = _only(checked, WARNING)
    assert links[warning.cell].hyperlink.target == f"#'{MODELS}'!{warning.cell}"


def test_cells_concerned_are_filled_and_commented(config: Config, sent: bytes, checked: Submission) -> None:
    ws = _open(unit_feedback_bytes(sent, checked, config))[MODELS]
    error, warning = _only(checked, ERROR), _only(checked, WARNING)
    assert ws["L4"].fill.fgColor.rgb.endswith(RED)
    assert ws["L4"].comment.author == "dvk"
    assert error.message in ws["L4"].comment.text and error.hint in ws["L4"].comment.text
    assert ws[warning.cell].fill.fgColor.rgb.endswith(YELLOW)
    assert warning.message in ws[warning.cell].comment.text
    assert ws["M4"].comment is None


def _contents(workbook: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def test_the_units_values_formulas_and_protection_are_kept(config: Config, sent: bytes, checked: Submission) -> None:
    before, after = _open(sent), _open(unit_feedback_bytes(sent, checked, config))
    contents = _contents(after)
    del contents[FEEDBACK_SHEET]
    assert contents == _contents(before)
    assert after[MODELS]["L4"].value == "1,5 triệu"
    sheet, cell = FORMULA_PLACE
    assert after[sheet][cell].value == "=1+1"
    for ws in before.worksheets:
        copy = after[ws.title]
        assert (copy.sheet_state, copy.protection.sheet) == (ws.sheet_state, ws.protection.sheet)
        assert len(copy.data_validations.dataValidation) == len(ws.data_validations.dataValidation)
    assert after[MODELS]["L4"].protection.locked is False


def test_feedback_bytes_are_deterministic(config: Config, sent: bytes, checked: Submission) -> None:
    assert unit_feedback_bytes(sent, checked, config) == unit_feedback_bytes(sent, checked, config)


def test_several_findings_on_one_cell_share_one_comment_and_error_wins(
    config: Config, sent: bytes, checked: Submission
) -> None:
    def at_l4(severity: str, message: str) -> Finding:
        return Finding("wrong-type", severity, checked.source.name, MODELS, "L4", message, f"Gợi ý {message}")

    noted = replace(checked, findings=(at_l4(WARNING, "một"), at_l4(ERROR, "hai"), at_l4(INFO, "ba")))
    workbook = _open(unit_feedback_bytes(sent, noted, config))
    cell = workbook[MODELS]["L4"]
    assert cell.fill.fgColor.rgb.endswith(RED)
    assert cell.comment.text == "một\nGợi ý một\n\nhai\nGợi ý hai"
    listed = [row[1:2] for row in workbook[FEEDBACK_SHEET].iter_rows(min_row=TABLE_ROW + 1, values_only=True)]
    assert listed == [("Cảnh báo",), ("Lỗi",), ("Ghi nhận",)]
    assert workbook[FEEDBACK_SHEET].cell(TABLE_ROW + 3, 2).fill.fill_type is None


def test_findings_on_a_missing_sheet_are_only_listed(tmp_path: Path, config: Config, sent: bytes) -> None:
    def drop(workbook: Any) -> None:
        del workbook["Điển hình cá nhân"]

    data = _edited(sent, drop)
    submission = _submit(tmp_path, config, data)
    missing = next(f for f in submission.findings if f.code == "missing-sheet")
    ws = _open(unit_feedback_bytes(data, submission, config))[FEEDBACK_SHEET]
    row = next(r for r in range(TABLE_ROW + 1, ws.max_row + 1) if ws.cell(r, 5).value == missing.message)
    assert ws.cell(row, 3).value == "Điển hình cá nhân"
    assert ws.cell(row, 4).hyperlink is None


def test_a_copy_sent_back_fixed_is_accepted_and_loses_the_old_marks(
    tmp_path: Path, config: Config, sent: bytes, checked: Submission
) -> None:
    def fix(workbook: Any) -> None:
        workbook[MODELS]["L4"] = 1_500_000

    resent = _edited(unit_feedback_bytes(sent, checked, config), fix)
    again = _submit(tmp_path, config, resent, "nong-dan-sua.xlsx")
    assert again.accepted
    assert [f.code for f in again.findings] == ["choice-normalised"]
    workbook = _open(unit_feedback_bytes(resent, again, config))
    assert workbook.sheetnames.count(FEEDBACK_SHEET) == 1
    assert workbook[FEEDBACK_SHEET]["C6"].value == "Được chấp nhận"
    assert workbook[MODELS]["L4"].comment is None
    assert workbook[MODELS]["L4"].fill.fill_type is None
    assert workbook[MODELS][_only(again, WARNING).cell].fill.fgColor.rgb.endswith(YELLOW)


def _source(data: bytes, name: str = "x.xlsx") -> SourceFile:
    return SourceFile(Path(name), name, hashlib.sha256(data).hexdigest(), len(data), dt.datetime(YEAR, 11, 20))


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), id="xls"),
        pytest.param(_zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), id="ods"),
    ],
)
def test_a_file_openpyxl_cannot_read_cannot_be_annotated(config: Config, checked: Submission, data: bytes) -> None:
    with pytest.raises(CannotAnnotate):
        unit_feedback_bytes(data, replace(checked, source=_source(data)), config)


def test_a_file_changed_since_it_was_checked_cannot_be_annotated(config: Config, checked: Submission) -> None:
    with pytest.raises(CannotAnnotate):
        unit_feedback_bytes(b"something else", checked, config)


# --------------------------------------------------------------------------- names


def _submission(name: str, unit: str, content: bytes, *findings: str) -> Submission:
    found = tuple(Finding(code, ERROR, name, "", "", "", "") for code in findings)
    return Submission(_source(content, name), unit, YEAR if unit else None, "1", {}, {}, found)


def _sha8(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:8]


def test_feedback_names() -> None:
    subs = [
        _submission("a.xlsx", "HND", b"a", "wrong-type"),
        _submission("b.xlsx", "DTN", b"b"),  # nothing to say
        _submission("c.txt", "", b"c", "not-a-workbook"),  # no unit to send it to
        _submission("d.xlsx", "KP-BD01", b"d", "wrong-type"),
        _submission("e.xlsx", "KP-BD01", b"e", "missing-value"),
        _submission("f.xlsx", "KP-BD01", b"d", "wrong-type"),  # the same bytes as d.xlsx
        _submission("g.xlsx", "DTN", b"g", "wrong-type"),
    ]
    assert feedback_names(subs) == {
        0: "HND.xlsx",
        3: f"KP-BD01-{_sha8(b'd')}.xlsx",
        4: f"KP-BD01-{_sha8(b'e')}.xlsx",
        6: "DTN.xlsx",
    }


def test_no_feedback_names_without_findings() -> None:
    assert feedback_names([_submission("a.xlsx", "HND", b"a")]) == {}


# --------------------------------------------------------------------------- clerk report


def test_clerk_report_lists_every_file_and_every_finding(tmp_path: Path, config: Config, checked: Submission) -> None:
    (tmp_path / "inbox" / "ghi-chu.txt").write_text("không phải bảng tính", encoding="utf-8")
    foreign = validate(receive(tmp_path / "inbox" / "ghi-chu.txt", "ghi-chu.txt"), config, YEAR)
    extra = Finding("duplicate-submission", WARNING, "nong-dan.xlsx", "", "", "Thông báo", "Gợi ý")
    data = clerk_report_bytes([foreign, checked], [extra], config, YEAR)
    workbook = _open(data)
    assert workbook.sheetnames == [FILES_SHEET, DETAILS_SHEET, COUNTS_SHEET]
    unit = config.units.get(UNIT)
    assert unit is not None
    header, *rows = workbook[FILES_SHEET].iter_rows(values_only=True)
    assert header == (
        "Mã đơn vị",
        "Tên đơn vị",
        "Tệp",
        "Ngày nhận",
        "Số ngày trễ",
        "Kết quả",
        "Số lỗi",
        "Số cảnh báo",
        "SHA-256",
    )
    late = config.year(YEAR).days_late(checked.source.received_at.date())
    # The unit's file first, the file of no unit last; when received is checked below.
    assert [r[:3] + r[4:] for r in rows] == [
        # The year's warning about the file counts with its own: both are rows of the detail sheet.
        (UNIT, unit.name, "nong-dan.xlsx", late, "Trả lại", 1, 2, checked.source.sha256),
        (None, None, "ghi-chu.txt", None, "Trả lại", 1, 0, foreign.source.sha256),
    ]
    received = [checked.source.received_at, foreign.source.received_at]
    assert all(abs(r[3] - moment) < dt.timedelta(seconds=1) for r, moment in zip(rows, received, strict=True))
    header, *rows = workbook[DETAILS_SHEET].iter_rows(values_only=True)
    # The code last, for the technical reader: the clerk reads the severity, place, message and fix.
    assert header == ("Tệp", "Mã đơn vị", "Mức độ", "Sheet", "Ô", "Nội dung", "Cách khắc phục", CODE_HEADER)
    findings = [*checked.findings, *foreign.findings, extra]
    assert [(r[0], r[1], r[7], r[4]) for r in rows] == [
        (f.file, UNIT if f.file == "nong-dan.xlsx" else None, f.code, f.cell or None) for f in findings
    ]
    details = workbook[DETAILS_SHEET]
    assert (details.freeze_panes, details.auto_filter.ref) == ("A2", "A1:H5")
    assert details["A1"].font.bold
    assert data == clerk_report_bytes([foreign, checked], [extra], config, YEAR)


def _received(name: str, unit: str, moment: dt.datetime) -> Submission:
    """A file of ``unit`` (blank: of no unit) received at ``moment``."""
    sub = _submission(name, unit, name.encode())
    return replace(sub, source=replace(sub.source, received_at=moment))


def test_clerk_report_lists_files_by_unit_with_when_they_came(config: Config) -> None:
    deadline = config.year(YEAR).deadline
    late = dt.datetime.combine(deadline + dt.timedelta(days=3), dt.time(8, 15))
    on_time = dt.datetime.combine(deadline, dt.time(16, 40))
    files = [
        _received("ghi-chu.txt", "", on_time),
        _received("hnd-sua.xlsx", "HND", late),
        _received("la.xlsx", "ZZ-LA", on_time),  # a unit not in units.yaml
        _received("hnd.xlsx", "HND", on_time),
        _received("kp.xlsx", "KP-BD02", late),
    ]
    rows = list(_open(clerk_report_bytes(files, [], config, YEAR))[FILES_SHEET].iter_rows(min_row=2, values_only=True))
    # Units in the order of units.yaml (KP-BD02 before HND), then units not configured, then no unit;
    # a unit's files in the order received.
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("KP-BD02", "kp.xlsx", late, 3),
        ("HND", "hnd.xlsx", on_time, 0),
        ("HND", "hnd-sua.xlsx", late, 3),
        ("ZZ-LA", "la.xlsx", on_time, 0),
        (None, "ghi-chu.txt", on_time, None),
    ]
    assert rows[0][-1] == files[4].source.sha256  # the hash last


def test_clerk_report_shows_received_times_and_a_narrow_hash(config: Config) -> None:
    moment = dt.datetime(YEAR, 11, 20, 9, 5)
    ws = _open(clerk_report_bytes([_received("hnd.xlsx", "HND", moment)], [], config, YEAR))[FILES_SHEET]
    assert ws["D2"].number_format == "dd/mm/yyyy hh:mm"
    assert ws["I1"].value == "SHA-256"
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)]
    assert widths[-1] <= widths[0] < widths[2]  # the hash no wider than the unit's code, narrower than the file's name
    assert ws["I2"].value == hashlib.sha256(b"hnd.xlsx").hexdigest()  # whole, for the archive


def _with_calendar(config: Config, **changes: Any) -> Config:
    """``config`` with the calendar of YEAR changed (``None``: no calendar for YEAR)."""
    if changes.get("year") is None and "year" in changes:
        return replace(config, calendar={y: c for y, c in config.calendar.items() if y != YEAR})
    return replace(config, calendar={**config.calendar, YEAR: replace(config.year(YEAR), **changes)})


def _advice(data: bytes) -> str:
    return str(_open(data)[FEEDBACK_SHEET].cell(TABLE_ROW - 3, 1).value)


def test_a_rejected_file_is_to_be_sent_back_by_the_calendars_date(
    config: Config, sent: bytes, checked: Submission
) -> None:
    day = dt.date(YEAR, 11, 24)
    configured = _with_calendar(config, corrections_deadline=dt.date(YEAR, 12, 2))
    advice = _advice(unit_feedback_bytes(sent, checked, configured, today=day))
    assert advice.endswith("gửi lại cho phường trước ngày 02/12/2026.")
    # No date for corrections: the units' deadline in force, the date the feedback mail names too.
    fallback = _with_calendar(config, corrections_deadline=None, units_deadline=dt.date(YEAR, 11, 28))
    assert _advice(unit_feedback_bytes(sent, checked, fallback, today=day)).endswith("trước ngày 28/11/2026.")
    # The date is that of the cycle the copy is made in (2027 has no date for corrections).
    assert _advice(unit_feedback_bytes(sent, checked, config, YEAR + 1, day)).endswith("trước ngày 25/11/2027.")


def test_a_copy_made_once_the_resubmission_day_has_come_names_no_past_date(
    config: Config, sent: bytes, checked: Submission
) -> None:
    configured = _with_calendar(config, corrections_deadline=dt.date(YEAR, 12, 2))
    for day in (dt.date(YEAR, 12, 2), dt.date(YEAR, 12, 7)):
        advice = _advice(unit_feedback_bytes(sent, checked, configured, today=day))
        assert advice == "Hãy sửa các lỗi ngay trên tệp này rồi gửi lại cho phường sớm nhất có thể."


def test_without_a_calendar_or_once_accepted_the_advice_names_no_date(
    config: Config, sent: bytes, checked: Submission
) -> None:
    assert _advice(unit_feedback_bytes(sent, checked, _with_calendar(config, year=None))) == ADVICE[False]
    accepted = replace(checked, findings=tuple(f for f in checked.findings if f.severity != ERROR))
    assert _advice(unit_feedback_bytes(sent, accepted, config)) == ADVICE[True]


# --------------------------------------------------------------------------- the cycle


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Config]:
    """A workspace with HND's faulty file, KP-BD01's good one and a stale feedback file."""
    config = new_workspace(tmp_path)
    faulty = filled_template(config, UNIT, _answers(config, field="kinh tế", budget_vnd="1,5 triệu"))
    drop_file(tmp_path, "nong-dan.xlsx", _edited(faulty, _with_formula))
    drop_file(tmp_path, "kp01.xlsx", filled_template(config, "KP-BD01", _answers(config)))
    stale = tmp_path / "outbox" / str(YEAR) / FEEDBACK_FOLDER
    stale.mkdir(parents=True)
    (stale / "DTN.xlsx").write_bytes(b"an earlier run's feedback")
    (stale / "ghi-chu.txt").write_text("the clerk's own note", encoding="utf-8")
    return tmp_path, config


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(root: Path, config: Config) -> list[str]:
    result = run_consolidation(root, config, YEAR, dt.date(YEAR, 12, 5))
    return [p.relative_to(root / "outbox" / str(YEAR)).as_posix() for p in result.outputs]


def test_consolidation_writes_the_feedback_and_removes_stale_copies(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    before = _hashes(root / "inbox")
    outputs = _run(root, config)
    assert outputs[3:] == [
        NARRATIVE_FILE.format(year=YEAR),
        CLERK_FILE.format(year=YEAR),
        f"{FEEDBACK_FOLDER}/{UNIT}.xlsx",
    ]
    folder = root / "outbox" / str(YEAR) / FEEDBACK_FOLDER
    assert sorted(p.name for p in folder.iterdir()) == ["HND.xlsx", "ghi-chu.txt"]
    workbook = openpyxl.load_workbook(folder / "HND.xlsx")
    assert workbook.sheetnames[0] == FEEDBACK_SHEET
    assert workbook[MODELS]["L4"].value == "1,5 triệu"
    assert _hashes(root / "inbox") == before


def test_feedback_of_a_unit_that_fixed_everything_is_removed(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    _run(root, config)
    drop_file(root, "nong-dan.xlsx", filled_template(config, UNIT, _answers(config)))
    outputs = _run(root, config)
    assert outputs[3:] == [NARRATIVE_FILE.format(year=YEAR), CLERK_FILE.format(year=YEAR)]
    assert [p.name for p in (root / "outbox" / str(YEAR) / FEEDBACK_FOLDER).iterdir()] == ["ghi-chu.txt"]


def test_a_file_that_cannot_be_annotated_is_still_in_the_clerk_report(
    workspace: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(original: bytes, submission: Submission, config: Config, *_: object) -> bytes:
        raise CannotAnnotate(submission.source.name)

    monkeypatch.setattr(feedback, "unit_feedback_bytes", refuse)
    root, config = workspace
    outputs = _run(root, config)
    assert outputs[3:] == [NARRATIVE_FILE.format(year=YEAR), CLERK_FILE.format(year=YEAR)]
    report = openpyxl.load_workbook(root / "outbox" / str(YEAR) / CLERK_FILE.format(year=YEAR))
    assert ("nong-dan.xlsx", "wrong-type") in {(r[0], r[7]) for r in report[DETAILS_SHEET].iter_rows(values_only=True)}
