"""Findings: what the pipeline has to say about a received file, as values.

Every finding has a stable kebab-case code from :data:`CATALOGUE`, a severity (``error``: the
file is rejected; ``warning``: accepted and flagged; ``info``: a silent repair, recorded), the
place (file, sheet, cell) and a Vietnamese message with a hint that says what to do. Stages
collect findings in full and never stop at the first one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_LABELS = {ERROR: "Lỗi", WARNING: "Cảnh báo", INFO: "Ghi nhận"}


@dataclass(frozen=True)
class FindingType:
    code: str
    severity: str
    title: str
    message: str
    hint: str


def _t(code: str, severity: str, title: str, message: str, hint: str) -> FindingType:
    return FindingType(code, severity, title, message, hint)


CATALOGUE: dict[str, FindingType] = {
    t.code: t
    for t in (
        _t(
            "not-a-workbook",
            ERROR,
            "Không phải tệp Excel",
            "Tệp không phải là bảng tính Excel đọc được ({detail}).",
            "Hãy gửi lại đúng tệp mẫu biểu đã điền, lưu dạng Excel (.xlsx).",
        ),
        _t(
            "not-a-template",
            ERROR,
            "Không phải mẫu biểu của phường",
            "Tệp là bảng tính nhưng không phải mẫu biểu “Dân vận khéo” do phường phát hành ({detail}).",
            "Hãy điền vào đúng tệp mẫu biểu phường đã gửi cho đơn vị và gửi lại tệp đó.",
        ),
        _t(
            "unknown-unit",
            ERROR,
            "Mã đơn vị không có trong danh sách",
            "Mã đơn vị “{unit}” ghi trong tệp không có trong danh sách đơn vị của phường.",
            "Hãy dùng đúng tệp mẫu biểu phường đã gửi riêng cho đơn vị mình.",
        ),
        _t(
            "wrong-year",
            ERROR,
            "Sai năm báo cáo",
            "Tệp là mẫu biểu năm {found}, không phải năm {expected}.",
            "Hãy điền vào mẫu biểu năm {expected} và gửi lại.",
        ),
        _t(
            "old-template-version",
            ERROR,
            "Mẫu biểu cũ",
            "Tệp dùng mẫu biểu phiên bản {found}; phiên bản hiện hành là {expected}.",
            "Hãy chép số liệu sang mẫu biểu mới phường đã gửi và gửi lại.",
        ),
        _t(
            "identity-mismatch",
            ERROR,
            "Mã đơn vị bị sửa",
            "Sheet “{sheet}”, ô {cell}: mã đơn vị ghi “{shown}” nhưng mẫu biểu được phát hành cho đơn vị “{issued}”.",
            "Mỗi đơn vị dùng đúng mẫu biểu phường gửi cho mình; không sửa mã đơn vị.",
        ),
        _t(
            "missing-sheet",
            ERROR,
            "Thiếu sheet",
            "Không tìm thấy sheet “{sheet}”.",
            "Không xóa hoặc đổi tên sheet; hãy chép dữ liệu vào mẫu biểu gốc và gửi lại.",
        ),
        _t(
            "header-changed",
            ERROR,
            "Tiêu đề cột bị thay đổi",
            "Sheet “{sheet}”: không tìm thấy cột “{label}”.",
            "Không xóa, đổi tên hoặc sửa tiêu đề cột; hãy chép dữ liệu vào mẫu biểu gốc và gửi lại.",
        ),
        _t(
            "missing-value",
            ERROR,
            "Thiếu thông tin bắt buộc",
            "Sheet “{sheet}”, ô {cell}: chưa điền “{label}”.",
            "Hãy điền ô này.",
        ),
        _t(
            "wrong-type",
            ERROR,
            "Sai kiểu dữ liệu",
            "Sheet “{sheet}”, ô {cell}: “{label}” phải là {expected}, đang ghi “{value}”.",
            "{hint}",
        ),
        _t(
            "not-in-list",
            ERROR,
            "Giá trị không có trong danh sách",
            "Sheet “{sheet}”, ô {cell}: “{label}” phải là một trong: {choices}; đang ghi “{value}”.",
            "Hãy chọn từ danh sách thả xuống của ô.",
        ),
        _t(
            "out-of-range",
            ERROR,
            "Giá trị ngoài giới hạn",
            "Sheet “{sheet}”, ô {cell}: “{label}” phải {bounds}; đang ghi {value}.",
            "Hãy kiểm tra và sửa lại số liệu.",
        ),
        _t(
            "too-long",
            ERROR,
            "Nội dung quá dài",
            "Sheet “{sheet}”, ô {cell}: “{label}” dài {length} ký tự, tối đa {max_length}.",
            "Hãy viết ngắn gọn lại.",
        ),
        _t(
            "error-value",
            ERROR,
            "Ô có giá trị lỗi",
            "Sheet “{sheet}”, ô {cell}: “{label}” chứa giá trị lỗi của Excel “{value}”.",
            "Hãy sửa công thức hoặc nhập trực tiếp giá trị.",
        ),
        _t(
            "choice-normalised",
            WARNING,
            "Giá trị đã được chuẩn hóa theo danh sách",
            "Sheet “{sheet}”, ô {cell}: “{value}” được hiểu là “{choice}”.",
            "Lần sau hãy chọn từ danh sách thả xuống.",
        ),
        _t(
            "duplicate-submission",
            WARNING,
            "Đơn vị gửi nhiều tệp",
            "Đơn vị {unit} gửi nhiều tệp hợp lệ; dùng tệp nhận sau cùng “{used}”.",
            "Nếu tệp được dùng không phải bản cuối cùng, hãy bỏ các bản cũ khỏi thư mục inbox.",
        ),
        _t(
            "below-minimum-models",
            WARNING,
            "Chưa đạt số mô hình tối thiểu",
            "Đơn vị {unit} báo cáo {count} mô hình, chỉ tiêu tối thiểu {minimum} mô hình mỗi năm.",
            "Đơn vị cần đăng ký, xây dựng thêm mô hình “Dân vận khéo”.",
        ),
    )
}


@dataclass(frozen=True)
class Finding:
    """One thing found in one file, at one place."""

    code: str
    severity: str
    file: str
    sheet: str
    cell: str
    message: str
    hint: str

    @property
    def title(self) -> str:
        return CATALOGUE[self.code].title

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "hint": self.hint,
        }


def finding(code: str, *, file: str, sheet: str = "", cell: str = "", **params: Any) -> Finding:
    """Build a finding of ``code`` with its catalogue message filled from ``params``."""
    kind = CATALOGUE[code]
    values = {"sheet": sheet, "cell": cell, **params}
    return Finding(code, kind.severity, file, sheet, cell, kind.message.format(**values), kind.hint.format(**values))


def has_errors(findings: tuple[Finding, ...] | list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


_CELL = re.compile(r"([A-Z]+)(\d+)")


def cell_order(cell: str) -> tuple[int, int]:
    """Sort key of an A1 address: row first, then column; an empty address sorts first."""
    match = _CELL.fullmatch(cell)
    if not match:
        return (0, 0)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return (int(match.group(2)), column)


def sorted_findings(findings: list[Finding], sheet_order: tuple[str, ...] = ()) -> tuple[Finding, ...]:
    """Findings by file, then sheet (in workbook order), then cell, then code."""

    def key(f: Finding) -> tuple[str, int, str, tuple[int, int], str]:
        rank = sheet_order.index(f.sheet) if f.sheet in sheet_order else len(sheet_order)
        return (f.file, rank, f.sheet, cell_order(f.cell), f.code)

    return tuple(sorted(findings, key=key))
