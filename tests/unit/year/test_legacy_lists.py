"""Legacy import: a former unit's list (workbook or CSV) -> register items under review for 2025."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline.config import Config
from pipeline.core.findings import Finding
from pipeline.register import open_register
from pipeline.year.legacy_lists import (
    ImportResult,
    LegacyList,
    UnknownOrigin,
    import_legacy,
    origin_named,
    read_legacy_list,
)

NOW = dt.datetime(2025, 10, 1)
TITLE = "Danh sách mô hình “Dân vận khéo” xã Nhơn Khánh (cũ)"
HEADER = ("Tên mô hình", "Đơn vị", "Lĩnh vực", "Năm bắt đầu", "Tình trạng", "Loại")
SHEET = "Danh sách"
REASON = "Mô hình của xã Nhơn Khánh (cũ), đưa vào rà soát năm 2025"
ROWS: tuple[tuple[Any, ...], ...] = (
    ("Camera an ninh thôn Khánh Mỹ", "TH-NK01", "Quốc phòng - an ninh", 2019, "Đang duy trì", "Mô hình"),
    ("Con đường hoa Tân Dân", "Chi bộ thôn Tân Dân", "văn hóa - xã hội", 2021, "", ""),
    ("Hội viên phụ nữ tiết kiệm", "Hội Liên hiệp Phụ nữ phường", "Kinh tế", "", "", "Điển hình tập thể"),
    ("Ông Trần Văn Bảy", "th-nk03", "Xây dựng hệ thống chính trị", 2015.0, "", "Điển hình cá nhân"),
)


def _xlsx(path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> Path:
    """A list as the clerk types it: a title line, the header, the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([TITLE])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _csv(path: Path, lines: Sequence[str], bom: bool = False) -> Path:
    path.write_bytes(("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode("utf-8"))
    return path


def _flat(findings: Sequence[Finding]) -> list[tuple[str, str, str]]:
    return [(f.code, f.sheet, f.cell) for f in findings]


def _import(root: Path, legacy: LegacyList, origin: str = "Nhơn Khánh") -> ImportResult:
    with open_register(root, NOW) as register:
        return import_legacy(register, legacy, origin, legacy.sha256)


def _snapshot(root: Path) -> tuple[list[Any], list[Any]]:
    with open_register(root, NOW, write=False) as register:
        return register.items(), register.events()


# --------------------------------------------------------------------------- good lists


def test_workbook_rows_become_items_under_review(tmp_path: Path, config: Config) -> None:
    path = _xlsx(tmp_path / "nhon-khanh.xlsx", ROWS)
    legacy = read_legacy_list(path, config)
    assert legacy.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [(r.row, r.kind, r.unit, r.field, r.start_year, r.note) for r in legacy.rows] == [
        (3, "models", "TH-NK01", "Quốc phòng - an ninh", 2019, "Đang duy trì"),
        (4, "models", "TH-NK02", "Văn hóa - xã hội", 2021, ""),
        (5, "collectives", "HLHPN", "Kinh tế", None, ""),
        (6, "individuals", "TH-NK03", "Xây dựng hệ thống chính trị", 2015, ""),
    ]
    # Text typed in another case is understood, and said so; a ward-wide unit fits every origin.
    assert _flat(legacy.findings) == [("choice-normalised", SHEET, "C4"), ("choice-normalised", SHEET, "B6")]

    result = _import(tmp_path, legacy)

    assert (result.added, result.already_present, result.refused) == (4, 0, False)
    assert result.codes == ("MH-2025-001", "MH-2025-002", "TT-2025-001", "CN-2025-001")
    items, events = _snapshot(tmp_path)
    assert [(i.code, i.unit, i.name, i.first_year, i.state) for i in items] == [
        ("CN-2025-001", "TH-NK03", "Ông Trần Văn Bảy", 2025, "under-review"),
        ("MH-2025-001", "TH-NK01", "Camera an ninh thôn Khánh Mỹ", 2025, "under-review"),
        ("MH-2025-002", "TH-NK02", "Con đường hoa Tân Dân", 2025, "under-review"),
        ("TT-2025-001", "HLHPN", "Hội viên phụ nữ tiết kiệm", 2025, "under-review"),
    ]
    assert events[0] == ("MH-2025-001", 2025, "import-legacy", None, "under-review", legacy.sha256, REASON)
    assert {e[2:] for e in events} == {("import-legacy", None, "under-review", legacy.sha256, REASON)}


def test_importing_the_same_list_again_adds_nothing(tmp_path: Path, config: Config) -> None:
    legacy = read_legacy_list(_xlsx(tmp_path / "nhon-khanh.xlsx", ROWS), config)
    first = _import(tmp_path, legacy)
    before = _snapshot(tmp_path)
    # The same model retyped in capitals (another field, too) is still the one the register has.
    again = read_legacy_list(_xlsx(tmp_path / "lai.xlsx", [("CON ĐƯỜNG HOA TÂN DÂN", "TH-NK02", "Kinh tế")]), config)

    second = _import(tmp_path, legacy)
    third = _import(tmp_path, again)

    assert (second.added, second.already_present, second.codes) == (0, 4, first.codes)
    assert (third.added, third.already_present, third.codes) == (0, 1, ("MH-2025-002",))
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("lines", "bom"),
    [
        pytest.param(
            [
                "ten mo hinh;DON VI;Linh vuc;Nam bat dau;Loai",
                "Camera an ninh thôn Khánh Mỹ;TH-NK01;Quốc phòng - an ninh;2019;Mô hình",
                ";;;;",
                "Ông Trần Văn Bảy;Chi bộ thôn Kiên Ngãi;Xây dựng hệ thống chính trị;2015;Điển hình cá nhân",
            ],
            True,
            id="bom-semicolon-headers-without-diacritics",
        ),
        pytest.param(
            [
                "Tên mô hình,Đơn vị,Lĩnh vực,Năm bắt đầu,Loại",
                "Camera an ninh thôn Khánh Mỹ,TH-NK01,Quốc phòng - an ninh,2019,",
                "",
                '"Ông Trần Văn Bảy",TH-NK03,"Xây dựng hệ thống chính trị",2015,Điển hình cá nhân',
            ],
            False,
            id="comma-no-bom",
        ),
    ],
)
def test_csv_lists_are_read(tmp_path: Path, config: Config, lines: list[str], bom: bool) -> None:
    legacy = read_legacy_list(_csv(tmp_path / "nhon-khanh.csv", lines, bom), config)

    assert legacy.findings == ()
    assert [(r.row, r.kind, r.unit, r.name, r.start_year) for r in legacy.rows] == [
        (2, "models", "TH-NK01", "Camera an ninh thôn Khánh Mỹ", 2019),
        (4, "individuals", "TH-NK03", "Ông Trần Văn Bảy", 2015),
    ]
    assert _import(tmp_path, legacy).codes == ("MH-2025-001", "CN-2025-001")


def test_optional_columns_may_be_left_out(tmp_path: Path, config: Config) -> None:
    path = _xlsx(tmp_path / "ngan.xlsx", [("Camera an ninh", "TH-NK01", "Kinh tế")], HEADER[:3])
    legacy = read_legacy_list(path, config)
    assert legacy.findings == ()
    assert [(r.kind, r.start_year, r.note) for r in legacy.rows] == [("models", None, "")]


def test_a_unit_of_another_origin_is_a_warning_and_still_imported(tmp_path: Path, config: Config) -> None:
    rows = [ROWS[0], ("Sân chơi thiếu nhi Thanh Danh", "TH-NP01", "Văn hóa - xã hội")]
    legacy = read_legacy_list(_xlsx(tmp_path / "nhon-khanh.xlsx", rows), config)

    result = _import(tmp_path, legacy, origin="nhon khanh")

    assert _flat(result.findings) == [("origin-mismatch", SHEET, "B4")]
    assert result.findings[0].severity == "warning"
    assert "TH-NP01 thuộc xã Nhơn Phúc (cũ), không phải xã Nhơn Khánh (cũ)" in result.findings[0].message
    assert (result.added, result.codes) == (2, ("MH-2025-001", "MH-2025-002"))
    assert _snapshot(tmp_path)[1][1][-1] == REASON


def test_origin_is_one_of_the_configured_former_units(config: Config) -> None:
    assert origin_named("NHƠN PHÚC", config.units.origins) == "xã Nhơn Phúc (cũ)"  # the bare name will do
    assert origin_named("xã Nhơn Phúc (cũ)", config.units.origins) == "xã Nhơn Phúc (cũ)"
    with pytest.raises(UnknownOrigin, match=r"phường Bình Định \(cũ\), xã Nhơn Khánh \(cũ\), xã Nhơn Phúc \(cũ\)"):
        origin_named("Nhơn Hậu", config.units.origins)


# --------------------------------------------------------------------------- bad lists


BAD_ROWS: tuple[tuple[Any, ...], ...] = (
    ("Camera an ninh thôn Khánh Mỹ", "Chi bộ thôn Không Có", "Kinh tế", 2019),
    ("Con đường hoa", "TH-NK02", "Nông thôn mới", 2021),
    ("", "TH-NK03", "Kinh tế", 2020),
    ("Ông Trần Văn Bảy", "TH-NK04", "Kinh tế", 1985, "", "Điển hình"),
    ("Tổ tự quản", "TH-NK05", "Kinh tế", "năm 2018"),
    ("Camera an ninh thôn Khánh Mỹ", "TH-NK06", "Kinh tế"),
    ("camera an ninh thôn khánh mỹ", "TH-NK06", "Kinh tế"),
)
BAD_FINDINGS = [
    ("unknown-unit-name", "B3"),
    ("not-in-list", "C4"),
    ("missing-value", "A5"),
    ("out-of-range", "D6"),
    ("not-in-list", "F6"),
    ("wrong-type", "D7"),
    ("duplicate-row", "A9"),
]


def test_a_workbook_with_errors_is_reported_by_cell_and_nothing_is_written(tmp_path: Path, config: Config) -> None:
    legacy = read_legacy_list(_xlsx(tmp_path / "loi.xlsx", BAD_ROWS), config)

    result = _import(tmp_path, legacy)

    assert not legacy.valid
    assert _flat(result.findings) == [(code, SHEET, cell) for code, cell in BAD_FINDINGS]
    assert result.findings[0].message == (
        f"Sheet “{SHEET}”, ô B3: đơn vị “Chi bộ thôn Không Có” không có trong danh sách đơn vị của phường."
    )
    assert "Kinh tế; Văn hóa - xã hội" in result.findings[1].message
    assert result.findings[1].hint == "Hãy sửa thành một trong các giá trị trên."
    assert (result.added, result.already_present, result.codes, result.refused) == (0, 0, (), True)
    assert _snapshot(tmp_path) == ([], [])


def test_a_csv_with_errors_names_the_line(tmp_path: Path, config: Config) -> None:
    lines = [
        ";".join(HEADER[:3]),
        "Camera an ninh;Chi bộ thôn Không Có;Kinh tế",
        "Con đường hoa;TH-NK02;Nông thôn mới",
        ";TH-NK03;Kinh tế",
    ]
    legacy = read_legacy_list(_csv(tmp_path / "loi.csv", lines, bom=True), config)

    result = _import(tmp_path, legacy)

    assert _flat(result.findings) == [
        ("unknown-unit-name", "", "B2"),
        ("not-in-list", "", "C3"),
        ("missing-value", "", "A4"),
    ]
    assert [f.message.split(":")[0] for f in result.findings] == ["Dòng 2, ô B2", "Dòng 3, ô C3", "Dòng 4, ô A4"]
    assert result.refused and _snapshot(tmp_path) == ([], [])


def test_a_missing_required_column_is_named(tmp_path: Path, config: Config) -> None:
    path = _xlsx(tmp_path / "thieu-cot.xlsx", [("Camera an ninh", "TH-NK01")], HEADER[:2])
    legacy = read_legacy_list(path, config)
    assert _flat(legacy.findings) == [("header-changed", SHEET, "")]
    assert "“Lĩnh vực”" in legacy.findings[0].message and "“Tên mô hình”" in legacy.findings[0].hint
    assert legacy.rows == ()


@pytest.mark.parametrize(
    ("name", "data", "detail"),
    [
        pytest.param("danh-sach.xlsx", b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n", "đây là tệp PDF", id="pdf-renamed"),
        pytest.param("danh-sach.csv", "Đơn vị;Lĩnh vực".encode("cp1258", errors="replace"), "UTF-8", id="csv-not-utf8"),
        pytest.param("danh-sach.xlsx", b"", "tệp rỗng", id="empty"),
        pytest.param("danh-sach.xlsx", b"PK\x03\x04 cut short", "hỏng", id="truncated-zip"),
    ],
)
def test_a_file_that_is_not_a_list_is_refused(
    tmp_path: Path, config: Config, name: str, data: bytes, detail: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    legacy = read_legacy_list(path, config)

    result = _import(tmp_path, legacy)

    assert _flat(result.findings) == [("not-a-workbook", "", "")]
    assert detail in result.findings[0].message
    assert "CSV UTF-8" in result.findings[0].hint
    assert result.refused and legacy.rows == () and _snapshot(tmp_path) == ([], [])
