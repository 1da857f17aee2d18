"""Terminal rendering: a run or a list of findings -> plain-text tables in Vietnamese."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..core.findings import ERROR, INFO, SEVERITY_LABELS, WARNING, Finding
from ..core.paths import COUNCIL_FIX_FILE
from ..intake.validate import Submission
from ..year.consolidate import LATE, MISSING, REJECTED, Consolidation
from ..year.council import CouncilResult, superseded_by
from ..year.standing import REPLACED, Counts, count, file_standings, files_sentence, units_sentence
from ..year.tracking import Change
from .check import FROM_FILE, FROM_OPTION, CheckedFile
from .cycle import RunResult
from .ledger_edits import SHORT_CODE
from .mail_run import MailOutcome

# Notes (info: silent repairs) listed per file before the rest are only counted; errors and
# warnings are always listed in full, since each is something the clerk or the unit must act on.
MAX_NOTES = 3


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with column widths fitted to the content; no cell is ever cut (the CLI
    wraps lines wider than the terminal), so keep long texts out of tables: see :func:`finding_lines`."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
    return "\n".join(out)


def finding_line(f: Finding) -> str:
    """``  - Lỗi: Sheet “Mô hình”, ô E7: <message> <hint>``: one finding whole, without its code
    (codes are for scripts: ``--json``); the place is added when the message does not name it."""
    place = ""
    if f.sheet and "Sheet “" not in f.message:
        place = f"Sheet “{f.sheet}”" + (f", ô {f.cell}" if f.cell else "") + ": "
    return f"  - {SEVERITY_LABELS[f.severity]}: {place}{f.message} {f.hint}".rstrip()


def finding_lines(findings: Sequence[Finding]) -> list[str]:
    """Every error and warning of one file, then its notes up to :data:`MAX_NOTES` and a count of the rest."""
    shown = [f for f in findings if f.severity != INFO]
    notes = [f for f in findings if f.severity == INFO]
    lines = [finding_line(f) for f in [*shown, *notes[:MAX_NOTES]]]
    if len(notes) > MAX_NOTES:
        lines.append(f"  - và {len(notes) - MAX_NOTES} ghi nhận khác (chỗ công cụ đã tự chỉnh, không cần xử lý).")
    return lines


def render_findings(findings: Sequence[Finding]) -> str:
    """Every finding, grouped by file in the order given: ``Tệp “a.xlsx”:`` then one line each."""
    files: dict[str, list[Finding]] = {}
    for f in findings:
        files.setdefault(f.file, []).append(f)
    return "\n".join(line for name, group in files.items() for line in (f"Tệp “{name}”:", *finding_lines(group)))


def render_check(files: Sequence[CheckedFile]) -> str:
    """``dvk check``: per file its verdict, what it is and the year it was checked for; then every finding."""
    lines = [f"{c.name}: {_check_verdict(c)} — {c.label}; {_checked_year(c)}." for c in files]
    findings = [f for c in files for f in c.findings]
    return "\n".join([*lines, "", render_findings(findings)] if findings else lines)


def _check_verdict(checked: CheckedFile) -> str:
    """``được chấp nhận``, ``bị trả lại``; for the council's workbook, what consolidating it would record."""
    if checked.decisions is None:
        return "được chấp nhận" if checked.accepted else "bị trả lại"
    applied, unchanged = checked.decisions
    recorded = f"khi tổng hợp sẽ ghi {applied} quyết định vào sổ theo dõi" + (
        f" ({unchanged} quyết định đã có trong sổ từ trước)" if unchanged else ""
    )
    if checked.accepted:
        return f"đọc được; {recorded}"
    return f"có lỗi; {recorded}, các dòng có lỗi không được ghi"


def _checked_year(checked: CheckedFile) -> str:
    """The year the file was checked for, and why that year."""
    if checked.year_from == FROM_OPTION:
        return f"kiểm tra theo năm {checked.year} (--year)"
    if checked.year_from == FROM_FILE:
        return f"năm {checked.year} (ghi trong tệp)"
    if checked.stated is not None:
        return f"tệp ghi năm {checked.stated}, năm chưa có trong config/calendar.yaml: kiểm tra theo năm {checked.year}"
    return f"tệp không ghi năm báo cáo: kiểm tra theo năm {checked.year}, kỳ báo cáo hiện tại"


def render_summary(result: RunResult) -> str:
    """What the clerk reads after ``dvk consolidate``: files, units to chase, outputs."""
    parts = [f"Kết quả tổng hợp năm {result.year}", "", _files_table(result)]
    if result.councils:
        parts += ["", *_council_lines(result)]
    if result.narratives:
        parts += ["", *_narrative_lines(result)]
    short = _short_of_models(result)
    chase = [u for u in result.consolidation.units if u.status in (LATE, REJECTED, MISSING) or u.unit.code in short]
    if chase:
        rows = [
            (u.unit.code, u.unit.name, u.label + (" — chưa đủ số mô hình" if u.unit.code in short else ""))
            for u in chase
        ]
        parts += ["", "Các đơn vị cần lưu ý:", table(("Mã", "Đơn vị", "Tình trạng"), rows)]
    if result.changes:
        parts += ["", "Đơn vị gửi lại bản sửa:", *map(_change_line, result.changes)]
    parts += ["", *count_lines(result.counts()), "", "Đã ghi:", *_output_lines(result)]
    return "\n".join(parts)


def _change_line(change: Change) -> str:
    """``  HND: thay “a.xlsx” bằng “b.xlsx”; thêm 1, bớt 0, sửa 2 mục (…)``."""
    names = [*change.added, *change.removed, *change.edited]
    listed = f" ({'; '.join(names[:3])}{'…' if len(names) > 3 else ''})" if names else ""
    return (
        f"  {change.unit}: thay “{change.previous}” bằng “{change.file}”; thêm {len(change.added)}, "
        f"bớt {len(change.removed)}, sửa {len(change.edited)} mục{listed}"
    )


def _output_lines(result: RunResult) -> list[str]:
    """The outputs, with the units' feedback copies summed up as one line."""
    feedback = [p for p in result.outputs if p.parent.name == "phan-hoi"]
    lines = [f"  {p}" for p in result.outputs if p not in feedback]
    if feedback:
        lines.append(f"  {feedback[0].parent}/ ({len(feedback)} tệp phản hồi gửi lại đơn vị)")
    return lines


def _council_lines(result: RunResult) -> list[str]:
    """Each council workbook: decisions recorded, or why it was refused, then every error and
    warning of it in full; a workbook superseded by a later one in one line (its errors no longer
    count); then where the marked-up copy to fix is."""
    lines: list[str] = []
    for council, later in zip(result.councils, superseded_by(result.councils), strict=True):
        if later is not None:
            lines.append(_superseded_line(council, later))
            continue
        lines.append(_council_heading(council))
        lines += finding_lines(council.findings)
    marked = next((p for p in result.outputs if p.name == COUNCIL_FIX_FILE.format(year=result.year)), None)
    if marked is not None:
        lines.append(
            f"Các ô có lỗi được tô màu và ghi chú cách sửa trong {marked}: hãy sửa ngay trên tệp đó, "
            f"chép vào inbox/ rồi chạy lại dvk consolidate --year {result.year}."
        )
    return lines


def _council_heading(council: CouncilResult) -> str:
    """``Bảng xét duyệt “a.xlsx”: đã ghi 3 quyết định …; 2 lỗi, …:``."""
    name = f"Bảng xét duyệt “{council.file}”"
    errors = sum(1 for f in council.findings if f.severity == ERROR)
    if not council.accepted:
        return f"{name}: bị trả lại, không quyết định nào trong tệp được ghi:"
    line = f"{name}: đã ghi {council.applied} quyết định của Ban chỉ đạo vào sổ theo dõi"
    if council.unchanged:
        line += f" ({council.unchanged} quyết định đã có từ trước)"
    if errors:
        return f"{line}; {errors} lỗi, các dòng có lỗi chưa được ghi:"
    return line + (":" if council.findings else ".")


def _superseded_line(council: CouncilResult, later: CouncilResult) -> str:
    """A council workbook a later one supersedes: what it recorded stays, its errors no longer count."""
    recorded = f"đã ghi {council.applied} quyết định; " if council.accepted else ""
    return (
        f"Bảng xét duyệt “{council.file}” (nhận {_received(council)}): {recorded}đã được thay bằng "
        f"“{later.file}” (nhận {_received(later)}), các lỗi của bảng này không còn tính."
    )


def _received(council: CouncilResult) -> str:
    """When a council file was received, and its short code (``dvk withdraw`` takes it)."""
    return f"{council.source.received_at:%d/%m/%Y %H:%M}, mã {council.source.sha256[:SHORT_CODE]}"


def _narrative_lines(result: RunResult) -> list[str]:
    """The clerk's document the reports' written parts come from, and each one refused, with why."""
    lines = []
    used = next((n for n in reversed(result.narratives) if n.taken), None)
    if used is not None:
        line = f"Tệp nội dung báo cáo “{used.source.name}”: đã dùng cho các phần I, III, IV, V của báo cáo"
        warnings = [f for f in used.findings if f.severity == WARNING]
        lines += [f"{line}; cảnh báo:", *finding_lines(warnings)] if warnings else [line + "."]
    for refused in result.refused_narratives():
        lines.append(f"Tệp nội dung báo cáo “{refused.source.name}”: bị trả lại. {refused.findings[0].message}")
    return lines


def _files_table(result: RunResult) -> str:
    """The files received (name, unit, standing, how many problems), then the problems in full of
    each file not replaced by a later one: its own and the consolidation's that name it (the
    minimum of models, a shared model name...), as ``ket-qua-kiem-tra`` counts them. A replaced
    file's problems are not listed: its unit has sent the file that counts."""
    if not result.submissions:
        return "Thư mục inbox/ chưa có tệp nào."
    about: dict[str, list[Finding]] = {}
    for f in result.consolidation.findings:
        about.setdefault(f.file, []).append(f)
    files = [(s, [*s.submission.findings, *about.get(s.name, ())]) for s in result.standings()]
    # The standing last: "Trả lại, đã thay bằng “…”" is the longest cell, and a last column
    # wraps under itself on a narrow terminal (cli.screen).
    rows = [(s.name, s.submission.unit_code or "?", _tally(findings), s.label) for s, findings in files]
    details = [
        line
        for s, findings in files
        if s.state != REPLACED and any(f.severity != INFO for f in findings)
        for line in ("", f"Tệp “{s.name}”:", *finding_lines(findings))
    ]
    return "\n".join([table(("Tệp", "Đơn vị", "Lỗi, cảnh báo", "Kết quả"), rows), *details])


def _short_of_models(result: RunResult) -> set[str]:
    """The units short of their minimum of models: in the report used, or in a returned file."""
    units = {s.source.name: s.unit_code for s in result.submissions}
    return {units.get(f.file, "") for f in result.consolidation.findings if f.code == "below-minimum-models"} - {""}


def _tally(findings: Sequence[Finding]) -> str:
    """``2 lỗi, 1 cảnh báo``; empty when a file has neither."""
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {SEVERITY_LABELS[s].lower()}" for s in (ERROR, WARNING) if counts[s]]
    return ", ".join(parts)


def count_lines(counts: Counts) -> list[str]:
    """The counts in units, then in files: the same sentences after ``dvk consolidate`` and in ``dvk status``."""
    return [f"Tổng số đơn vị: {units_sentence(counts)}.", f"Tổng số tệp: {files_sentence(counts)}."]


def render_status(data: Consolidation, submissions: Sequence[Submission]) -> str:
    """``dvk status``: the counts (as after ``dvk consolidate``), then every unit with its status,
    the file used (or returned) and the day received."""
    rows = [
        (u.unit.code, u.unit.name, u.label, u.received.strftime("%d/%m/%Y") if u.received else "", u.file)
        for u in data.units
    ]
    counts = count(data.units, file_standings(submissions))
    lines = [
        f"Năm {data.year}:",
        *count_lines(counts),
        "",
        table(("Mã", "Đơn vị", "Tình trạng", "Ngày nhận", "Tệp"), rows),
    ]
    return "\n".join(lines)


MAIL_KIND_LABELS = {"templates": "mẫu biểu", "reminders": "nhắc gửi báo cáo", "feedback": "phản hồi kết quả kiểm tra"}
MAIL_STATUS_LABELS = {
    "drafted": "Đã viết thư nháp",
    "sent": "Đã gửi",
    "already-sent": "Đã gửi trước đây",
    "would-send": "Sẽ gửi",
    "would-draft": "Sẽ viết thư nháp",
    "failed": "KHÔNG GỬI ĐƯỢC",
}


def render_mail(outcomes: Sequence[MailOutcome], kind: str, year: int) -> str:
    """``dvk mail``: one line per unit (address, what happened, why), then the counts."""
    title = f"Thư {MAIL_KIND_LABELS[kind]} năm {year}"
    if not outcomes:
        return f"{title}: không có đơn vị nào cần gửi."
    rows = [
        (o.unit.code, o.unit.name, ", ".join(o.recipients), MAIL_STATUS_LABELS[o.status], o.detail) for o in outcomes
    ]
    counts = Counter(o.status for o in outcomes)
    total = "; ".join(f"{MAIL_STATUS_LABELS[s]}: {n}" for s, n in sorted(counts.items()))
    failures = [f"  {o.unit.code} ({o.unit.name}): {o.detail}" for o in outcomes if o.failed]
    if failures:
        failures = ["", "Các đơn vị chưa gửi được (hãy xử lý rồi chạy lại; thư đã gửi không bị gửi lại):", *failures]
    table_text = table(("Mã", "Đơn vị", "Địa chỉ", "Kết quả", "Chi tiết"), rows)
    return "\n".join([title, "", table_text, *failures, "", f"Tổng số: {total}."])
