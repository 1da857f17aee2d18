"""Terminal text of findings: errors and warnings in full, notes capped with a count, no codes."""

from __future__ import annotations

from pipeline.core.findings import Finding
from pipeline.run.render import MAX_NOTES, finding_line, finding_lines


def _finding(severity: str, message: str, sheet: str = "Mô hình", cell: str = "E7") -> Finding:
    return Finding("missing-value", severity, "a.xlsx", sheet, cell, message, "Hãy điền ô này.")


def test_every_error_and_warning_is_listed_and_notes_are_counted() -> None:
    findings = [
        *(_finding("error", f"lỗi {n}") for n in range(6)),
        _finding("warning", "cảnh báo"),
        *(_finding("info", f"ghi nhận {n}") for n in range(MAX_NOTES + 2)),
    ]
    lines = finding_lines(findings)
    assert len(lines) == 6 + 1 + MAX_NOTES + 1
    assert lines[-1] == "  - và 2 ghi nhận khác (chỗ công cụ đã tự chỉnh, không cần xử lý)."
    assert all("missing-value" not in line for line in lines)


def test_the_place_is_named_once() -> None:
    assert finding_line(_finding("error", "chưa điền.")) == "  - Lỗi: Sheet “Mô hình”, ô E7: chưa điền. Hãy điền ô này."
    named = _finding("warning", "Sheet “Mô hình”, ô E7: chưa điền.")
    assert finding_line(named) == "  - Cảnh báo: Sheet “Mô hình”, ô E7: chưa điền. Hãy điền ô này."
    assert finding_line(_finding("error", "Tệp hỏng.", sheet="", cell="")) == "  - Lỗi: Tệp hỏng. Hãy điền ô này."
