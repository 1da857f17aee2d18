"""Validation stage: a unit's returned workbook -> typed values and the findings of every mistake in it."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import pickle
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline.config import Config, Unit
from pipeline.core import layout
from pipeline.core.findings import CATALOGUE, Finding
from pipeline.intake import encodings as legacy
from pipeline.intake.receive import receive
from pipeline.intake.validate import Submission, validate
from pipeline.outputs.xlsx.template import template_bytes
from pipeline.tools.demo import fill_workbook
from tests.support.builder import with_raw_text

YEAR = 2026
UNIT = "KP-BD01"
UNIT_SHEET = "Thông tin đơn vị"
MODELS = "Mô hình"
COLLECTIVES = "Điển hình tập thể"
ACTIVITIES = "Hoạt động"

# A careful unit's answers, {sheet key: {field: value} or [rows]}, as demo.fill_workbook takes them.
# The "Hoạt động" fields of template 2026.2 (the ward's plan): training, pages and columns, hot
# spots by kind, supervision and social criticism, the unit's own plan.
PLAN_ACTIVITIES: dict[str, Any] = {
    "training_higher_staff": 2,
    "training_own_courses": 1,
    "training_own_staff": 4,
    "dedicated_pages": 0,
    "dedicated_columns": 1,
    "hotspots_compensation": 1,
    "hotspots_resettlement": 0,
    "hotspots_land_disputes": 0,
    "hotspots_ethnic_religious": 0,
    "hotspots_other": 0,
    "supervisions": 0,
    "social_criticisms": 0,
    "own_plan": "Có",
    "own_plan_number": "05-KH/CB",
    "own_plan_date": dt.date(2026, 1, 15),
}
ANSWERS: dict[str, Any] = {
    "unit": {
        "preparer": "Nguyễn Thị Hoa",
        "position": "Bí thư chi bộ",
        "phone": "0912345678",
        "report_date": dt.date(2026, 11, 14),
        "strengths": "Cấp ủy quan tâm lãnh đạo; Nhân dân đồng tình, hưởng ứng.",
        "shortcomings": "Kinh phí thực hiện mô hình còn hạn chế.",
    },
    "models": [
        {
            "name": "Tổ tự quản vệ sinh môi trường khu dân cư",
            "field": "Văn hóa - xã hội",
            "status": "Mới đăng ký",
            "start_year": 2026,
            "area": "Khu phố Liêm Định",
            "budget_vnd": 1_500_000,
            "contributions_vnd": 3_500_000,
            "labour_days": 12.5,
            "land_m2": 45.5,
            "people_reached": 320,
            "score_cu_the": 9,
            "score_lanh_dao": 8.5,
            "score_luc_luong": 18,
            "score_ket_qua": 25,
            "score_dong_thuan": 12,
            "score_ben_vung": 13,
            "proposal": "Công nhận",
        },
        {
            "code": "MH-2024-07",
            "name": "Camera an ninh - mắt thần khu dân cư",
            "field": "Quốc phòng - an ninh",
            "status": "Tiếp tục thực hiện",
            "start_year": 2024,
            "score_cu_the": 10,
            "score_lanh_dao": 10,
            "score_luc_luong": 20,
            "score_ket_qua": 30,
            "score_dong_thuan": 15,
            "score_ben_vung": 15,
            "proposal": "Công nhận lại",
        },
    ],
    "collectives": [
        {
            "name": "Tổ hòa giải khu phố Liêm Định",
            "field": "Xây dựng hệ thống chính trị",
            "achievements": "Hòa giải thành 12 vụ việc.",
            "score_sang_tao": 18,
            "score_tu_giac": 17,
            "score_nhieu_luc_luong": 16,
            "score_hai_hoa": 19,
            "score_ben_vung": 15,
            "proposal": "Biểu dương",
        }
    ],
    "individuals": [],
    "activities": {
        "dialogues": 3,
        "petitions_received": 14,
        "petitions_resolved": 12,
        "staff_trained": 6,
        "propaganda_items": 20,
        "hotspots_arising": 1,
        "hotspots_resolved": 1,
        **PLAN_ACTIVITIES,
    },
}

Edit = Callable[[Any], None]


def _answers(change: Callable[[dict[str, Any]], Any] | None = None) -> dict[str, Any]:
    answers = copy.deepcopy(ANSWERS)
    if change is not None:
        change(answers)
    return answers


def _edit_workbook(data: bytes, *edits: Edit) -> bytes:
    """``data`` opened in openpyxl, changed by ``edits`` and saved, as a unit's spreadsheet program would."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for edit in edits:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _set(sheet: str, ref: str, value: Any) -> Edit:
    def edit(wb: Any) -> None:
        wb[sheet][ref] = value

    return edit


def _delete_sheet(sheet: str) -> Edit:
    def edit(wb: Any) -> None:
        del wb[sheet]

    return edit


def _rename_sheet(sheet: str, title: str) -> Edit:
    def edit(wb: Any) -> None:
        wb[sheet].title = title

    return edit


def _merge(sheet: str, span: str) -> Edit:
    """Select ``span`` and press "Merge Cells": like Excel, only the first cell's value is kept."""

    def edit(wb: Any) -> None:
        ws = wb[sheet]
        for cell in [cell for row in ws[span] for cell in row][1:]:
            cell.value = None
        ws.merge_cells(span)

    return edit


def _move_column_to_end(sheet: str, label: str) -> Edit:
    """Cut the column headed ``label`` and paste it after the last column; the others shift left."""

    def edit(wb: Any) -> None:
        ws = wb[sheet]
        headers = [c.value for c in ws[layout.HEADER_ROW]]
        column, last = headers.index(label) + 1, len(headers)
        for row in range(layout.HEADER_ROW, ws.max_row + 1):
            moved = ws.cell(row, column).value
            for col in range(column, last):
                ws.cell(row, col).value = ws.cell(row, col + 1).value
            ws.cell(row, last).value = moved

    return edit


def _submit(tmp_path: Path, config: Config, data: bytes, name: str = "bao-cao.xlsx") -> Submission:
    path = tmp_path / name
    path.write_bytes(data)
    return validate(receive(path, name), config, YEAR)


def _flat(findings: tuple[Finding, ...]) -> list[tuple[str, str, str]]:
    return [(f.code, f.sheet, f.cell) for f in findings]


@pytest.fixture
def filled(filled_workbook: Callable[..., bytes]) -> bytes:
    return filled_workbook(UNIT, ANSWERS)


# --------------------------------------------------------------------------- a careful unit


def test_filled_template_is_accepted_with_typed_values(tmp_path: Path, config: Config, filled: bytes) -> None:
    sub = _submit(tmp_path, config, filled)
    assert sub.findings == ()
    assert sub.accepted
    assert (sub.unit_code, sub.year, sub.template_version) == (UNIT, YEAR, config.template.version)
    unit = sub.forms["unit"]
    assert unit["unit_code"] == UNIT
    assert unit["unit_name"] == "Chi bộ khu phố Liêm Định"
    assert unit["report_date"] == dt.date(2026, 11, 14)
    assert unit["phone"] == "0912345678"
    assert unit["requests"] is None
    models = sub.tables["models"]
    assert [r.row for r in models] == [4, 5]
    first = models[0].values
    assert first["budget_vnd"] == 1_500_000 and isinstance(first["budget_vnd"], int)
    assert first["start_year"] == 2026 and isinstance(first["start_year"], int)
    assert first["labour_days"] == 12.5
    assert first["score_lanh_dao"] == 8.5
    assert first["code"] is None
    assert models[1].values["code"] == "MH-2024-07"
    assert models[1].values["proposal"] == "Công nhận lại"
    assert [r.values["name"] for r in sub.tables["collectives"]] == ["Tổ hòa giải khu phố Liêm Định"]
    assert sub.tables["individuals"] == ()
    assert sub.forms["activities"] == {**ANSWERS["activities"], "own_plan": True}  # "Có" read as yes


def test_a_rows_cells_are_its_values_addresses_and_repeated_texts_are_kept_once(
    tmp_path: Path, config: Config, filled_workbook: Any
) -> None:
    answers = copy.deepcopy(ANSWERS)
    answers["models"][1]["field"] = answers["models"][0]["field"]
    sub = _submit(tmp_path, config, filled_workbook(UNIT, answers))
    first, second = sub.tables["models"]
    assert first.cells["name"] == "B4" and second.cells["name"] == "B5"
    assert dict(second.cells) == {key: cell[:-1] + "5" for key, cell in first.cells.items()}
    assert list(first.cells) == list(first.values)  # every value has its cell, in schema order
    assert first.cells == {key: cell for key, cell in first.cells.items()}  # equal to a plain dict
    assert first.values["field"] is second.values["field"]  # one object for a choice repeated down a column
    restored = pickle.loads(pickle.dumps(sub))
    assert restored == sub and dict(restored.tables["models"][1].cells) == dict(second.cells)


def test_every_unit_template_validates_as_its_unit(tmp_path: Path, config: Config, filled_workbook: Any) -> None:
    for code in ("MTTQ", "TR-THCS1", "DB-CA"):
        sub = _submit(tmp_path, config, filled_workbook(code, ANSWERS), f"{code}.xlsx")
        assert (sub.unit_code, sub.accepted) == (code, True)


@pytest.mark.parametrize(
    ("change", "read"),
    [
        pytest.param(
            lambda a: a["models"][0].update(budget_vnd="1.500.000"),
            lambda s: s.tables["models"][0].values["budget_vnd"] == 1_500_000,
            id="money-as-grouped-text",
        ),
        pytest.param(
            lambda a: a["unit"].update(report_date="14/11/2026"),
            lambda s: s.forms["unit"]["report_date"] == dt.date(2026, 11, 14),
            id="date-as-text",
        ),
        pytest.param(
            lambda a: a["models"][0].update(labour_days="12,5"),
            lambda s: s.tables["models"][0].values["labour_days"] == 12.5,
            id="decimal-comma-as-text",
        ),
        pytest.param(
            lambda a: a["models"][0].update(land_m2="340.016,6"),
            lambda s: s.tables["models"][0].values["land_m2"] == 340_016.6,
            id="grouped-decimal-as-text",
        ),
        pytest.param(
            lambda a: a["models"][0].update(field="  Văn hóa -  xã hội "),
            lambda s: s.tables["models"][0].values["field"] == "Văn hóa - xã hội",
            id="choice-with-extra-spaces",
        ),
        pytest.param(
            lambda a: a["activities"].update(dialogues="3"),
            lambda s: s.forms["activities"]["dialogues"] == 3,
            id="count-as-text",
        ),
    ],
)
def test_readable_variants_are_accepted_silently(
    tmp_path: Path, config: Config, filled_workbook: Any, change: Any, read: Any
) -> None:
    sub = _submit(tmp_path, config, filled_workbook(UNIT, _answers(change)))
    assert sub.findings == ()
    assert read(sub)


# --------------------------------------------------------------------------- person-made mistakes


MISTAKES = [
    pytest.param(
        lambda a: a["models"][0].update(name=None),
        (),
        {("missing-value", MODELS, "B4")},
        False,
        id="required-name-empty",
    ),
    pytest.param(
        lambda a: a["models"][0].update(budget_vnd="1,5 triệu"),
        (),
        {("wrong-type", MODELS, "L4")},
        False,
        id="money-in-words",
    ),
    pytest.param(
        lambda a: a["models"][0].update(budget_vnd="1,500"),
        (),
        {("ambiguous-number", MODELS, "L4")},
        False,
        id="money-ambiguous",
    ),
    pytest.param(
        lambda a: a["models"][1].update(field="Kinh tế - xã hội"),
        (),
        {("not-in-list", MODELS, "C5")},
        False,
        id="choice-not-from-list",
    ),
    pytest.param(
        lambda a: a["models"][0].update(field="VĂN HÓA - XÃ HỘI"),
        (),
        {("choice-normalised", MODELS, "C4")},
        True,
        id="choice-in-upper-case",
    ),
    pytest.param(
        lambda a: a["models"][0].update(score_cu_the=11),
        (),
        {("score-over-max", MODELS, "R4")},
        False,
        id="score-over-max",
    ),
    pytest.param(
        lambda a: a["models"][0].update(start_year=1990),
        (),
        {("out-of-range", MODELS, "E4")},
        False,
        id="start-year-1990",
    ),
    pytest.param(
        lambda a: a["models"][0].update(name="Mô hình " * 30),
        (),
        {("too-long", MODELS, "B4")},
        False,
        id="text-too-long",
    ),
    pytest.param(
        lambda a: a["unit"].update(report_date="31/02/2026"),
        (),
        {("wrong-type", UNIT_SHEET, "B9")},
        False,
        id="impossible-date",
    ),
    pytest.param(
        lambda a: a["unit"].update(preparer="  "),
        (),
        {("missing-value", UNIT_SHEET, "B6")},
        False,
        id="required-form-answer-blank",
    ),
    pytest.param(
        lambda a: a["activities"].update(dialogues="ba cuộc"),
        (),
        {("wrong-type", ACTIVITIES, "B4")},
        False,
        id="count-in-words",
    ),
    pytest.param(
        lambda a: a["collectives"][0].update(achievements=None, proposal=None),
        (),
        {("missing-value", COLLECTIVES, "C4"), ("missing-value", COLLECTIVES, "I4")},
        False,
        id="collective-missing-two-values",
    ),
    pytest.param(
        lambda a: a["unit"].update(unit_code="KP-BD02"),
        (),
        {("identity-mismatch", UNIT_SHEET, "B4")},
        False,
        id="unit-code-cell-edited",
    ),
    pytest.param(
        None,
        (_set(layout.META_SHEET, "B4", "2025"),),
        {("signature-invalid", "", "")},
        False,
        id="meta-year-changed",
    ),
    pytest.param(
        None,
        (_set(layout.META_SHEET, "B3", "XYZ"),),
        {("signature-invalid", "", "")},
        False,
        id="meta-unit-unknown",
    ),
    pytest.param(
        None,
        (_set(layout.META_SHEET, "B3", "XYZ"), _set(layout.META_SHEET, "B4", "2025")),
        {("signature-invalid", "", "")},
        False,
        id="meta-unit-and-year-both-wrong",
    ),
    pytest.param(
        None,
        (_set(layout.META_SHEET, "B2", "2025.1"),),
        {("signature-invalid", "", "")},
        False,
        id="template-version-edited",
    ),
    pytest.param(
        None,
        (_set(layout.META_SHEET, "B1", "some-other-form"),),
        {("not-a-template", "", "")},
        False,
        id="meta-kind-changed",
    ),
    pytest.param(
        None,
        (_delete_sheet(ACTIVITIES),),
        {("missing-sheet", ACTIVITIES, "")},
        False,
        id="sheet-deleted",
    ),
    pytest.param(
        None,
        (_set(MODELS, "C3", "Lĩnh vực hoạt động"),),
        {("header-changed", MODELS, "")},
        False,
        id="table-header-retyped",
    ),
    pytest.param(
        None,
        (_set(ACTIVITIES, "A4", "Số cuộc đối thoại"),),
        {("header-changed", ACTIVITIES, "")},
        False,
        id="form-label-retyped",
    ),
    pytest.param(
        None,
        (_rename_sheet(ACTIVITIES, "Sheet5"),),
        {("sheet-renamed", ACTIVITIES, "")},
        True,
        id="sheet-renamed",
    ),
    pytest.param(
        None,
        (_set(MODELS, "B3", "Ten mo hinh"),),
        {("header-renamed", MODELS, "B3")},
        True,
        id="header-retyped-without-diacritics",
    ),
    pytest.param(
        None,
        (_merge(MODELS, "B4:C4"),),
        {("merged-cells", MODELS, "B4"), ("missing-value", MODELS, "C4")},
        False,
        id="cells-merged-across-columns",
    ),
    pytest.param(
        None,
        (_set(ACTIVITIES, "A4", "So cuoc doi thoai truc tiep giua nguoi dung dau voi Nhan dan"),),
        {("header-renamed", ACTIVITIES, "A4")},
        True,
        id="form-label-retyped-without-diacritics",
    ),
    pytest.param(
        None,
        (_merge(MODELS, "C3:C4"),),
        {("missing-value", MODELS, "C4")},
        False,
        id="header-merged-into-the-first-row-is-not-data",
    ),
    pytest.param(
        lambda a: a["models"][1].update(field=a["models"][0]["field"]),
        (_merge(MODELS, "C4:C5"),),
        {("merged-cells-filled", MODELS, "C4")},
        True,
        id="same-field-merged-down",
    ),
    pytest.param(
        None,
        (_set(ACTIVITIES, "B4", "=1+1"),),
        {("formula-without-value", ACTIVITIES, "B4")},
        False,
        id="formula-saved-without-result",
    ),
    pytest.param(
        lambda a: a["models"][1].update(name=a["models"][0]["name"]),
        (),
        {("duplicate-row", MODELS, "B5")},
        False,
        id="same-model-twice",
    ),
    pytest.param(
        lambda a: a["models"][1].update(name=_retyped(a["models"][0]["name"])),
        (),
        {("duplicate-row", MODELS, "B5"), ("not-nfc", MODELS, "B5")},
        False,
        id="same-model-twice-retyped-in-capitals-with-spaces-and-decomposed-marks",
    ),
    pytest.param(
        lambda a: (
            a["models"][0].update(name="Tổ hòa giải khu phố"),
            a["models"][1].update(name="Tổ hoà giải khu phố"),
        ),
        (),
        {("duplicate-row", MODELS, "B5")},
        False,
        id="same-model-twice-with-the-old-tone-placement",
    ),
    pytest.param(
        lambda a: (
            a["models"][0].update(name="Tổ hòa giải khu phố"),
            a["models"][1].update(name="Tổ hóa giải khu phố"),
        ),
        (),
        set(),
        True,
        id="names-that-differ-by-one-tone-mark-are-two-models",
    ),
    pytest.param(
        lambda a: a["models"][0].update(proposal="Khen thưởng"),
        (),
        {("proposal-inconsistent", MODELS, "X4")},
        True,
        id="reward-proposed-for-a-good-score",
    ),
]


def _retyped(name: str) -> str:
    """The same name as another keyboard and a hurried hand type it: capitals, doubled and
    surrounding spaces, marks as separate code points (NFD)."""
    return "  " + unicodedata.normalize("NFD", name.upper()).replace(" ", "  ") + " "


@pytest.mark.parametrize(("change", "edits", "expected", "accepted"), MISTAKES)
def test_mistakes_are_found_where_they_are(
    tmp_path: Path,
    config: Config,
    filled_workbook: Any,
    change: Any,
    edits: tuple[Edit, ...],
    expected: set[tuple[str, str, str]],
    accepted: bool,
) -> None:
    data = filled_workbook(UNIT, _answers(change))
    sub = _submit(tmp_path, config, _edit_workbook(data, *edits) if edits else data)
    assert set(_flat(sub.findings)) == expected
    assert len(sub.findings) == len(expected)
    assert sub.accepted is accepted
    for f in sub.findings:
        assert f.severity == CATALOGUE[f.code].severity
        assert f.file == "bao-cao.xlsx"
        assert f.message and "{" not in f.message and "{" not in f.hint


def test_a_choice_in_upper_case_is_read_as_the_list_value(tmp_path: Path, config: Config, filled_workbook: Any) -> None:
    sub = _submit(tmp_path, config, filled_workbook(UNIT, _answers(lambda a: a["models"][0].update(field="KINH TẾ"))))
    assert sub.tables["models"][0].values["field"] == "Kinh tế"
    (warning,) = sub.findings
    assert warning.severity == "warning"
    assert warning.message == "Sheet “Mô hình”, ô C4: “KINH TẾ” được hiểu là “Kinh tế”."


def test_message_names_the_place_and_the_choices(tmp_path: Path, config: Config, filled_workbook: Any) -> None:
    sub = _submit(
        tmp_path, config, filled_workbook(UNIT, _answers(lambda a: a["models"][1].update(field="Kinh tế - xã hội")))
    )
    (error,) = sub.findings
    assert error.message == (
        "Sheet “Mô hình”, ô C5: “Lĩnh vực” phải là một trong: Kinh tế; Văn hóa - xã hội; Quốc phòng - an ninh; "
        "Xây dựng hệ thống chính trị; đang ghi “Kinh tế - xã hội”."
    )
    assert error.hint == "Hãy chọn từ danh sách thả xuống của ô."


def test_a_merge_reaching_into_a_blank_row_makes_no_phantom_row(tmp_path: Path, config: Config, filled: bytes) -> None:
    sub = _submit(tmp_path, config, _edit_workbook(filled, _set(MODELS, "C5", "Kinh tế"), _merge(MODELS, "C4:C7")))
    assert _flat(sub.findings) == [("merged-cells-filled", MODELS, "C4")]
    assert [r.row for r in sub.tables["models"]] == [4, 5]


def test_a_value_merged_down_a_column_is_used_for_each_row(tmp_path: Path, config: Config, filled: bytes) -> None:
    sub = _submit(tmp_path, config, _edit_workbook(filled, _set(MODELS, "C5", "Kinh tế"), _merge(MODELS, "C4:C5")))
    assert _flat(sub.findings) == [("merged-cells-filled", MODELS, "C4")]
    assert [r.values["field"] for r in sub.tables["models"]] == ["Văn hóa - xã hội", "Văn hóa - xã hội"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        pytest.param(legacy.encode("Tổ tự quản an ninh", "vni"), "legacy-encoding", id="vni"),
        pytest.param(legacy.encode("Tổ tự quản an ninh", "tcvn3"), "legacy-encoding", id="tcvn3"),
        pytest.param(unicodedata.normalize("NFD", "Tổ tự quản an ninh"), "not-nfc", id="nfd"),
        pytest.param("Tổ tự quản\u200b an ninh\u200b", "invisible-characters", id="zero-width-space"),
    ],
)
def test_text_is_repaired_and_the_repair_recorded(
    tmp_path: Path, config: Config, filled_workbook: Any, typed: str, code: str
) -> None:
    sub = _submit(tmp_path, config, filled_workbook(UNIT, _answers(lambda a: a["models"][0].update(name=typed))))
    assert _flat(sub.findings) == [(code, MODELS, "B4")]
    assert sub.accepted
    assert sub.tables["models"][0].values["name"] == "Tổ tự quản an ninh"


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        pytest.param("Tổ tự quản\ufffe an ninh\uffff", ["text-character-removed"], id="noncharacters"),
        pytest.param(
            "Tổ\u200b tự quản\ufffe an ninh", ["invisible-characters", "text-character-removed"], id="with-zero-width"
        ),
    ],
)
def test_characters_no_xml_can_carry_are_removed_with_a_warning(
    tmp_path: Path, config: Config, filled_workbook: Any, typed: str, codes: list[str]
) -> None:
    """As a hand-edited file carries them (openpyxl refuses to write them): removed when read, so
    no report or workbook written from the cell breaks; the unit is told which and where."""
    data = with_raw_text(
        filled_workbook(UNIT, _answers(lambda a: a["models"][0].update(name="@@X@@"))), {"@@X@@": typed}
    )
    sub = _submit(tmp_path, config, data)
    assert _flat(sub.findings) == [(code, MODELS, "B4") for code in codes]
    assert sub.accepted
    assert sub.tables["models"][0].values["name"] == "Tổ tự quản an ninh"
    [removed] = [f for f in sub.findings if f.code == "text-character-removed"]
    assert removed.severity == "warning"
    count = sum(c in "\ufffe\uffff" for c in typed)
    assert f"đã xóa {count} ký tự không hợp lệ (U+FFFE" in removed.message


def test_proposal_message_gives_the_total_and_the_classes(tmp_path: Path, config: Config, filled_workbook: Any) -> None:
    sub = _submit(
        tmp_path, config, filled_workbook(UNIT, _answers(lambda a: a["models"][0].update(proposal="Khen thưởng")))
    )
    (warning,) = sub.findings
    assert warning.message == (
        "Sheet “Mô hình”, ô X4: đề xuất “Khen thưởng” cần xếp loại từ “Xuất sắc” trở lên, "
        "nhưng điểm tự chấm 85,5 chỉ xếp loại “Tốt”."
    )


def _with_macros(data: bytes) -> bytes:
    """``data`` with a VBA project added, as Excel saves a workbook as .xlsm."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    return buffer.getvalue()


def test_a_macro_enabled_workbook_is_read_with_a_warning(tmp_path: Path, config: Config, filled: bytes) -> None:
    original = _submit(tmp_path, config, filled, "original.xlsx")
    sub = _submit(tmp_path, config, _with_macros(filled), "bao-cao.xlsm")
    assert _flat(sub.findings) == [("macro-enabled", "", "")]
    assert sub.accepted
    assert (sub.forms, sub.tables) == (original.forms, original.tables)


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        pytest.param("#DIV/0!", ("models", 0, "budget_vnd"), id="optional-number"),
        pytest.param("#N/A", ("activities", None, "dialogues"), id="required-count"),
    ],
)
def test_excel_error_cells_are_reported_as_errors(
    tmp_path: Path, config: Config, filled_workbook: Any, raw: str, where: tuple[str, int | None, str]
) -> None:
    """A cell holding an Excel error value (stored as t="e", as Excel stores #DIV/0!) is an error-value finding."""
    sheet, row, key = where

    def change(a: dict[str, Any]) -> None:
        (a[sheet][row] if row is not None else a[sheet])[key] = raw

    sub = _submit(tmp_path, config, filled_workbook(UNIT, _answers(change)))
    cell = "L4" if sheet == "models" else "B4"
    title = config.template.sheet(sheet).title
    assert _flat(sub.findings) == [("error-value", title, cell)]
    assert not sub.accepted


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("14/11/1926", id="year-typo-as-text"),
        pytest.param(dt.date(1926, 11, 14), id="year-typo-as-date"),
        pytest.param(2026, id="a-year-read-as-serial-1905"),
    ],
)
def test_dates_outside_the_template_range_are_refused(
    tmp_path: Path, config: Config, filled_workbook: Any, typed: Any
) -> None:
    """The template only lets Excel take dates from 01/01/2000 to 31/12/2100; a pasted date outside is refused too."""
    sub = _submit(tmp_path, config, filled_workbook(UNIT, _answers(lambda a: a["unit"].update(report_date=typed))))
    assert _flat(sub.findings) == [("out-of-range", UNIT_SHEET, "B9")]


# --------------------------------------------------------------------------- all findings, in order


def test_all_findings_are_collected_and_sorted(tmp_path: Path, config: Config, filled_workbook: Any) -> None:
    def mistakes(a: dict[str, Any]) -> None:
        a["activities"]["dialogues"] = "ba"
        a["models"][1]["field"] = "Kinh tế - xã hội"
        a["models"][0]["start_year"] = 1990
        a["unit"]["preparer"] = None
        a["unit"]["unit_code"] = "KP-BD02"  # checked last, sorted first

    sub = _submit(tmp_path, config, filled_workbook(UNIT, _answers(mistakes)))
    assert _flat(sub.findings) == [
        ("identity-mismatch", UNIT_SHEET, "B4"),
        ("missing-value", UNIT_SHEET, "B6"),
        ("out-of-range", MODELS, "E4"),
        ("not-in-list", MODELS, "C5"),
        ("wrong-type", ACTIVITIES, "B4"),
    ]
    assert not sub.accepted


def test_findings_in_one_row_are_sorted_by_column(tmp_path: Path, config: Config, filled_workbook: Any) -> None:
    """With "Lĩnh vực" moved to the last column it is read after "Năm bắt đầu" but still sorted by place."""
    data = filled_workbook(UNIT, _answers(lambda a: a["models"][0].update(field="Nông nghiệp", start_year=1990)))
    sub = _submit(tmp_path, config, _edit_workbook(data, _move_column_to_end(MODELS, "Lĩnh vực")))
    assert _flat(sub.findings) == [("out-of-range", MODELS, "D4"), ("not-in-list", MODELS, "Z4")]


# --------------------------------------------------------------------------- tolerated layout changes


def test_moved_column_is_still_read_right(tmp_path: Path, config: Config, filled: bytes) -> None:
    data = _edit_workbook(filled, _move_column_to_end(MODELS, "Lĩnh vực"))
    ws = openpyxl.load_workbook(io.BytesIO(data))[MODELS]
    assert ws["Z3"].value == "Lĩnh vực" and ws["C3"].value == "Tình trạng"
    sub = _submit(tmp_path, config, data)
    assert sub.findings == ()
    first, second = (r.values for r in sub.tables["models"])
    assert (first["field"], first["status"], first["start_year"]) == ("Văn hóa - xã hội", "Mới đăng ký", 2026)
    assert (second["field"], second["status"]) == ("Quốc phòng - an ninh", "Tiếp tục thực hiện")
    assert first["proposal"] == "Công nhận"


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("LĨNH VỰC", id="upper-case"),
        pytest.param("  Lĩnh   vực ", id="extra-spaces"),
        pytest.param("lĩnh\nvực", id="line-break"),
        pytest.param("Lĩnh vực".replace("ĩ", "i\u0303"), id="nfd"),
    ],
)
def test_header_in_another_case_or_spacing_is_accepted(
    tmp_path: Path, config: Config, filled: bytes, header: str
) -> None:
    sub = _submit(tmp_path, config, _edit_workbook(filled, _set(MODELS, "C3", header)))
    assert sub.findings == ()
    assert sub.tables["models"][0].values["field"] == "Văn hóa - xã hội"


def test_renamed_sheet_in_another_case_is_found(tmp_path: Path, config: Config, filled: bytes) -> None:
    def rename(wb: Any) -> None:
        ws = wb[ACTIVITIES]
        ws.title = "tạm"  # openpyxl would add "1" to a title equal but for case to the sheet's own
        ws.title = "HOẠT ĐỘNG"
        assert "HOẠT ĐỘNG" in wb.sheetnames

    sub = _submit(tmp_path, config, _edit_workbook(filled, rename))
    assert sub.findings == ()
    assert sub.forms["activities"]["dialogues"] == 3


def test_blank_spacer_rows_are_skipped(tmp_path: Path, config: Config, filled_workbook: Any) -> None:
    first, second = ANSWERS["models"]
    third = {**second, "code": "", "name": "Đảng viên phụ trách hộ gia đình"}
    beyond = {**first, "name": "Mô hình ghi sau dòng chuẩn bị sẵn cuối cùng"}
    models = [first, {}, second, {"note": "   "}, {}, third, *([{}] * 30), beyond]
    sub = _submit(tmp_path, config, filled_workbook(UNIT, _answers(lambda a: a.update(models=models))))
    assert sub.findings == ()
    assert [(r.row, r.values["name"]) for r in sub.tables["models"]] == [
        (4, first["name"]),
        (6, second["name"]),
        (9, third["name"]),
        (40, beyond["name"]),
    ]


def test_rows_inserted_above_the_header_keep_excel_row_numbers(tmp_path: Path, config: Config, filled: bytes) -> None:
    def insert(wb: Any) -> None:
        wb[MODELS].insert_rows(1, amount=2)

    sub = _submit(tmp_path, config, _edit_workbook(filled, insert))
    assert sub.findings == ()
    assert [r.row for r in sub.tables["models"]] == [6, 7]


def test_resaved_workbook_is_accepted(tmp_path: Path, config: Config, filled: bytes) -> None:
    original = _submit(tmp_path, config, filled, "original.xlsx")
    resaved = _submit(tmp_path, config, _edit_workbook(filled), "resaved.xlsx")
    assert resaved.accepted and resaved.findings == ()
    assert resaved.forms == original.forms
    assert resaved.tables == original.tables


# --------------------------------------------------------------------------- foreign workbooks


def _foreign(*titles: str) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = titles[0]
    wb.active["A1"] = "Bảng kê"
    for title in titles[1:]:
        wb.create_sheet(title)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "titles",
    [
        pytest.param(("Sheet1",), id="plain-workbook"),
        pytest.param((UNIT_SHEET, MODELS, COLLECTIVES, "Điển hình cá nhân", ACTIVITIES), id="look-alike-without-meta"),
    ],
)
def test_workbook_without_meta_is_not_a_template(tmp_path: Path, config: Config, titles: tuple[str, ...]) -> None:
    sub = _submit(tmp_path, config, _foreign(*titles))
    assert _flat(sub.findings) == [("not-a-template", "", "")]
    assert not sub.accepted
    assert (sub.unit_code, sub.year, sub.forms, sub.tables) == ("", None, {}, {})


def test_unreadable_file_keeps_intake_finding(tmp_path: Path, config: Config) -> None:
    sub = _submit(tmp_path, config, b"%PDF-1.4\n", "thu-moi.pdf")
    assert _flat(sub.findings) == [("not-a-workbook", "", "")]
    assert sub.year is None and not sub.accepted


# --------------------------------------------------------------------------- genuine but wrong identity


def _genuine(config: Config, unit: Unit, year: int) -> bytes:
    """A template really issued by ``config``'s installation, filled with the standard answers."""
    return fill_workbook(template_bytes(config, unit, year), ANSWERS, config)


def test_a_template_of_another_year_is_wrong_year(tmp_path: Path, config: Config) -> None:
    unit = config.units.get(UNIT)
    assert unit is not None
    sub = _submit(tmp_path, config, _genuine(config, unit, 2025))
    assert _flat(sub.findings) == [("wrong-year", "", "")]
    assert "năm 2025" in sub.findings[0].message and "2026" in sub.findings[0].message


def test_a_unit_removed_from_the_list_is_unknown(tmp_path: Path, config: Config) -> None:
    gone = Unit("CB-CU", "Chi bộ đã giải thể", "khu-dan-cu", "", "", 1)
    sub = _submit(tmp_path, config, _genuine(config, gone, YEAR))
    assert _flat(sub.findings) == [("unknown-unit", "", "")]
    assert "CB-CU" in sub.findings[0].message


def test_an_older_template_version_is_refused(tmp_path: Path, config: Config) -> None:
    unit = config.units.get(UNIT)
    assert unit is not None
    older = dataclasses.replace(config, template=dataclasses.replace(config.template, version="2025.1"))
    sub = _submit(tmp_path, config, _genuine(older, unit, YEAR))
    assert _flat(sub.findings) == [("old-template-version", "", "")]


def test_a_template_of_another_installation_is_refused(tmp_path: Path, config: Config) -> None:
    unit = config.units.get(UNIT)
    assert unit is not None
    other_ward = dataclasses.replace(config, secret=b"another installation's secret")
    sub = _submit(tmp_path, config, _genuine(other_ward, unit, YEAR))
    assert _flat(sub.findings) == [("signature-invalid", "", "")]
    assert not sub.accepted
