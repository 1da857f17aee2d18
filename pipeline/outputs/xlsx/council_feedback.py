"""Council feedback: the council file in force, with errors -> a marked-up copy for the clerk.

Contract: :func:`council_feedback_bytes` is the council's own filled workbook, as received, with
the unit feedback's first sheet "Kết quả kiểm tra" (:func:`.feedback.annotated_bytes`: the file's
findings listed, each cell concerned filled red or yellow with a comment saying what to fix). The
decision drop-down, the protection and the hidden identity sheet stay as they are, so the clerk
fixes the cells in this copy and drops it into ``inbox/``; read again, it is a council workbook
like the first (the reader finds its sheet by name) and, received later, supersedes it
(:mod:`pipeline.year.council`). Pure: bytes and values in, bytes out.
"""

from __future__ import annotations

from ...config import Config
from ...core.findings import ERROR, WARNING
from ...year.council import CouncilResult
from .feedback import Cover, annotated_bytes

TITLE = "KẾT QUẢ KIỂM TRA BẢNG XÉT DUYỆT “DÂN VẬN KHÉO” NĂM {year}"
VERDICT = "Có dòng chưa ghi được vào sổ theo dõi: cần sửa"
ADVICE = (
    "Các quyết định ở dòng không có lỗi đã được ghi. Hãy sửa các ô tô đỏ ngay trên tệp này, lưu lại, "
    "chép tệp vào thư mục inbox/ rồi chạy lại dvk consolidate --year {year}."
)


def council_feedback_bytes(original: bytes, council: CouncilResult, config: Config, year: int) -> bytes:
    """The council's workbook of ``year`` with its errors and warnings listed and marked."""
    findings = council.findings
    facts = (
        ("Bảng", "Xét duyệt của Ban chỉ đạo"),
        ("Năm", year),
        ("Tệp", council.file),
        ("Kết quả", VERDICT),
        ("Số lỗi", sum(1 for f in findings if f.severity == ERROR)),
        ("Số cảnh báo", sum(1 for f in findings if f.severity == WARNING)),
    )
    cover = Cover(TITLE.format(year=year), facts, ADVICE.format(year=year))
    return annotated_bytes(original, council.as_submission(), config, cover, year)
