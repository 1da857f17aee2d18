"""The clerk's report: every received file and every finding -> ``ket-qua-kiem-tra-<year>.xlsx``.

Contract: :func:`clerk_report_bytes` returns a workbook of three sheets.

* "Tệp nhận được": one row per received file, sorted by unit (in the order of config/units.yaml,
  then files of no known unit), with when it was received and how many days after the deadline,
  where it stands ("Kết quả": "Được dùng", "Đã thay bằng “b.xlsx”" — "Trả lại, đã thay bằng …"
  for a returned file its unit has replaced — or "Trả lại": :mod:`pipeline.year.standing`), its
  errors and warnings, its hash last. A file's counts are its rows of the detail sheet: its own
  findings and the consolidation's that name it (a shared model name, a row matched by name: at
  a province most are about the wards' summaries).
* "Chi tiết": one row per finding (the files' and the consolidation's own): file, unit, severity,
  sheet, cell, message and fix in Vietnamese; the finding's code last, for the technical reader.
* "Tổng số": the year's counts in units and in files, the numbers ``dvk consolidate`` and
  ``dvk status`` print (:class:`pipeline.year.standing.Counts`).

Printed, each sheet is landscape, fitted to the page width, its header row repeated on every page.
Pure and deterministic, like :mod:`.feedback`, whose list helpers it uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.workbook.workbook import Workbook

from ...config import Config, YearCalendar
from ...core.findings import ERROR, SEVERITY_LABELS, WARNING, Finding
from ...intake.validate import Submission
from ...year.consolidate import UnitStatus
from ...year.standing import Counts, count, file_standings
from .feedback import SEVERITY_FILLS, count_of, write_list
from .stream import Column, collection_paused
from .workbook import end_of_cycle, fixed_bytes, set_properties, text

FILES_SHEET = "Tệp nhận được"
DETAILS_SHEET = "Chi tiết"
COUNTS_SHEET = "Tổng số"
CODE_HEADER = "Mã lỗi (dành cho kỹ thuật)"

_FILE_COLUMNS = (
    Column("Mã đơn vị", 12),
    Column("Tên đơn vị", 32, wrap=True),
    Column("Tệp", 36, wrap=True),
    Column("Ngày nhận", 16),
    Column("Số ngày trễ", 8),
    Column("Kết quả", 24, wrap=True),
    Column("Số lỗi", 8),
    Column("Số cảnh báo", 10),
    # Last and narrow: the key of the file's copy in outbox/luu-tru/, rarely read on paper.
    Column("SHA-256", 12),
)
# Printed across several pages, each page repeats the unit (files) or the file (findings).
_FILE_KEY_COLUMNS, _DETAIL_KEY_COLUMNS = 2, 1
# A finding as its reader takes it, where it is and what to do, then its code for the technical
# reader: the last columns of this report's detail sheet and of tong-hop's findings sheet.
FINDING_COLUMNS = (
    Column("Sheet", 18),
    Column("Ô", 8),
    Column("Nội dung", 70, wrap=True),
    Column("Cách khắc phục", 50, wrap=True),
    Column(CODE_HEADER, 22),
)
_DETAIL_COLUMNS = (Column("Tệp", 36, wrap=True), Column("Mã đơn vị", 12), Column("Mức độ", 10), *FINDING_COLUMNS)
_COUNT_COLUMNS = (Column("Nội dung", 60, wrap=True), Column("Số lượng", 12))


def clerk_report_bytes(
    submissions: Sequence[Submission],
    extra: Sequence[Finding],
    config: Config,
    year: int,
    units: Sequence[UnitStatus] = (),
    others: Sequence[tuple[Submission, str]] = (),
) -> bytes:
    """``ket-qua-kiem-tra-<year>.xlsx``: every received file and every finding, for the clerk;
    ``extra`` the consolidation's findings, ``units`` the expected units' statuses (for the counts),
    ``others`` files that are no unit's report (the council's workbooks), each with its outcome:
    listed after the units' files, their findings in the detail sheet, left out of the counts.

    Its cells are openpyxl's, one object each (a few per received file): the garbage collector
    is held off while they are made and saved, as it would traverse the whole heap of the run
    again and again (0.44 s -> 0.28 s of CPU for 1,000 files)."""
    with collection_paused():
        wb = Workbook()
        board = text(config.organization.collecting_board)
        set_properties(wb, board, f"Kết quả kiểm tra mẫu biểu nhận được năm {year}", end_of_cycle(year))
        names = _unit_names(config)
        standings = file_standings(submissions)
        by_file = {s.name: s for s in standings}
        files = _by_unit(submissions, names)
        about = _by_file(extra)
        calendar = config.calendar.get(year)
        listed = [(s, by_file[s.source.name].label) for s in files] + list(others)
        rows = [_file_row(s, label, names, calendar, about.get(s.source.name, ())) for s, label in listed]
        write_list(wb.active, FILES_SHEET, _FILE_COLUMNS, rows, _FILE_KEY_COLUMNS)
        codes = {s.source.name: s.unit_code for s, _ in listed}
        findings = [f for s, _ in listed for f in s.findings] + list(extra)
        details = wb.create_sheet()
        detail_rows = [_detail_row(f, codes) for f in findings]
        write_list(details, DETAILS_SHEET, _DETAIL_COLUMNS, detail_rows, _DETAIL_KEY_COLUMNS)
        for row, item in enumerate(findings, start=2):
            if item.severity in SEVERITY_FILLS:
                details.cell(row, 3).fill = SEVERITY_FILLS[item.severity]
        write_list(wb.create_sheet(), COUNTS_SHEET, _COUNT_COLUMNS, _count_rows(count(units, standings)), 1)
        return fixed_bytes(wb, end_of_cycle(year))


def _unit_names(config: Config) -> dict[str, str]:
    """The name of each configured unit by code (the first unit of a code, as ``units.get``)."""
    names: dict[str, str] = {}
    for unit in config.units.units:
        names.setdefault(unit.code, unit.name)
    return names


def _by_unit(submissions: Sequence[Submission], names: dict[str, str]) -> list[Submission]:
    """The files sorted by unit, in the configured order of units, then units not configured (by
    code), then files of no unit; each unit's files in the order received."""
    order = {code: position for position, code in enumerate(names)}

    def key(sub: Submission) -> tuple[Any, ...]:
        code = sub.unit_code
        return (order.get(code, len(order)), not code, code, sub.source.received_at, sub.source.name)

    return sorted(submissions, key=key)


def _by_file(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    """The year's findings about the units' items (a shared name, a name match, ...) by the file they name."""
    about: dict[str, list[Finding]] = {}
    for item in findings:
        about.setdefault(item.file, []).append(item)
    return about


def _file_row(
    sub: Submission,
    outcome: str,
    names: dict[str, str],
    calendar: YearCalendar | None,
    extra: Sequence[Finding],
) -> tuple[Any, ...]:
    """A file's row; its days late are counted for a unit's file against the deadline in force
    (the unit's own status, which may count from its first file, is in the summary). Its counts
    are of the detail sheet's rows for the file: the file's own findings and the year's about it."""
    received = sub.source.received_at
    late = calendar.days_late(received.date()) if calendar is not None and sub.unit_code else None
    return (
        sub.unit_code,
        names.get(sub.unit_code, ""),
        sub.source.name,
        received,
        late,
        outcome,
        count_of(sub.findings, ERROR) + count_of(extra, ERROR),
        count_of(sub.findings, WARNING) + count_of(extra, WARNING),
        sub.source.sha256,
    )


def _detail_row(item: Finding, units: dict[str, str]) -> tuple[Any, ...]:
    return (item.file, units.get(item.file, ""), severity_label(item), *finding_cells(item))


def severity_label(item: Finding) -> str:
    """``Lỗi``, ``Cảnh báo``, ``Ghi nhận``."""
    return SEVERITY_LABELS.get(item.severity, item.severity)


def finding_cells(item: Finding) -> tuple[str, str, str, str, str]:
    """A finding's cells under :data:`FINDING_COLUMNS`."""
    return (item.sheet, item.cell, item.message, item.hint, item.code)


def _count_rows(c: Counts) -> list[tuple[str, int]]:
    """The counts as ``dvk consolidate`` prints them: units, then files, each total then its parts."""
    rows = [
        ("Đơn vị phải báo cáo", c.units_expected),
        ("– Đã gửi báo cáo hợp lệ", c.units_sent),
        ("    trong đó đúng hạn", c.units_on_time),
        ("    trong đó trễ hạn", c.units_late),
        ("– Bị trả lại, chưa gửi lại", c.units_returned),
        ("– Chưa gửi", c.units_missing),
    ]
    if c.units_exempt:
        rows.append(("Đơn vị miễn báo cáo (không tính ở trên)", c.units_exempt))
    return [
        *rows,
        ("Tệp đã nhận", c.files_received),
        ("– Được dùng", c.files_used),
        ("– Đã thay bằng tệp gửi sau", c.files_replaced),
        ("– Bị trả lại, chưa được thay", c.files_returned),
    ]
