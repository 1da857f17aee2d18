"""The reports' written parts: pre-drafted from what the ward knows, and the clerk's version over them.

Contract:

* :func:`draft_narrative` ``(stats, data, config) -> NarrativeText`` invents nothing: part I says
  what the plan in config says (its basis documents, the round, the heads' and the board's part)
  and its activities table lists the ward's own documents; part III gives the
  figures (units that reported and the on-time rate, models and exemplary items with the change on
  last year, units below their minimum by name) and the units' strengths and shortcomings grouped
  (:mod:`.statements`), under the sub-headings "1. Ưu điểm", "2. Hạn chế, nguyên nhân" and "3. Bài
  học kinh nghiệm" (the last left for people); part IV is the plan's tasks; part V the units'
  requests grouped, or that there are none. The wording is the register of Party reports.
* :func:`effective_narrative` ``(draft, files) -> (text, file)``: the clerk's document received
  last (ledger order) among those taken gives every part it has text for, and the activities when
  it has their table; the draft stands for the rest, and for everything without such a file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..config import Config, Organization
from ..core.textnorm import unaccented, xml_safe
from ..core.vnformat import number
from ..intake.narrative import (
    ACTIVITY_KINDS,
    ASSESSMENT,
    ASSESSMENT_SUBHEADINGS,
    LEADERSHIP,
    PARTS,
    PROPOSALS,
    TASKS,
    Activity,
    Line,
    NarrativeFile,
    NarrativeText,
)
from .consolidate import Consolidation
from .statements import NAMED_WARDS, QUESTIONS, statement_text, unit_statements
from .stats import Statistics

MOVEMENT = "Phong trào thi đua “Dân vận khéo”"
UNITS = "các cơ quan, đơn vị, địa phương"
UNITS_OPENING = "Các cơ quan, đơn vị, địa phương"
_STATEMENT_LEADS = {
    "strengths": f"{UNITS_OPENING} nêu các ưu điểm sau:",
    "shortcomings": f"{UNITS_OPENING} nêu các hạn chế, nguyên nhân sau:",
    "requests": f"{UNITS_OPENING} có các kiến nghị, đề xuất sau:",
}


def draft_narrative(stats: Statistics, data: Consolidation, config: Config) -> NarrativeText:
    """The written parts as the figures, the plan and the units' own words allow (see the module)."""
    org = config.organization
    parts = {
        LEADERSHIP: _leadership(org, stats.year),
        ASSESSMENT: _assessment(stats, data, org),
        TASKS: tuple(Line(f"- {task}") for task in org.plan.tasks),
        PROPOSALS: _statements(data, "requests", org) or (Line(f"{UNITS_OPENING} không có kiến nghị, đề xuất."),),
    }
    activities = tuple(
        Activity(ACTIVITY_KINDS[0], document.number_and_date, f"{document.kind} {document.about}".strip())
        for document in org.plan.documents
    )
    drafted = {key: _in_level_terms(lines, org.wording.say) for key, lines in parts.items()}
    return NarrativeText({key: _safe(lines) for key, lines in drafted.items() if lines}, activities)


def _in_level_terms(lines: tuple[Line, ...], say: Callable[[str], str]) -> tuple[Line, ...]:
    """The draft's own sentences in the words of the level (a province's: "đảng bộ phường, xã");
    the listed lines ("- …": the units' statements, the configured tasks) stay as written."""
    return tuple(line if line.text.startswith("- ") else Line(say(line.text), line.subheading) for line in lines)


def effective_narrative(
    draft: NarrativeText, files: Sequence[NarrativeFile]
) -> tuple[NarrativeText, NarrativeFile | None]:
    """The parts the reports print, and the clerk's file they come from (None: the draft alone)."""
    used = next((f for f in reversed(files) if f.taken), None)
    if used is None:
        return draft, None
    parts = {key: used.text.part(key) or draft.part(key) for key in PARTS}
    activities = used.text.activities if used.has_table else draft.activities
    return NarrativeText({key: lines for key, lines in parts.items() if lines}, activities), used


def own_words(narrative: NarrativeText, draft: NarrativeText) -> dict[str, list[str]]:
    """What the reports' written parts say under each question of the units' report
    (:data:`~.statements.QUESTIONS`: part III's "Ưu điểm" and "Hạn chế, nguyên nhân", part V) that
    the draft does not: the ward's own words, which its summary carries up beside its units'."""
    own: dict[str, list[str]] = {}
    for key in QUESTIONS:
        drafted = {unaccented(line) for line in _question_lines(draft, key)}
        said = [statement_text(line) for line in _question_lines(narrative, key) if unaccented(line) not in drafted]
        own[key] = [text for text in said if unaccented(text)]
    return own


def _question_lines(narrative: NarrativeText, key: str) -> list[str]:
    """The text lines under ``key``'s sub-heading of part III, or of part V for the requests."""
    if key == "requests":
        return [line.text for line in narrative.part(PROPOSALS) if not line.subheading]
    heading = unaccented(ASSESSMENT_SUBHEADINGS[QUESTIONS.index(key)])
    lines: list[str] = []
    inside = False
    for line in narrative.part(ASSESSMENT):
        if line.subheading:
            inside = unaccented(line.text) == heading
        elif inside:
            lines.append(line.text)
    return lines


def _safe(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    return tuple(Line(xml_safe(line.text), line.subheading) for line in lines)


# --------------------------------------------------------------------------- I


def _leadership(org: Organization, year: int) -> tuple[Line, ...]:
    """What the plan says of the leadership: its basis, the round, the heads' and the board's part."""
    plan = org.plan
    basis = _joined([d.reference for d in plan.basis])
    movement = f"{MOVEMENT} {plan.round}" if plan.round else f"{MOVEMENT} năm {year}"
    led = f"lãnh đạo, chỉ đạo triển khai thực hiện {movement}, gắn với trách nhiệm người đứng đầu {UNITS}"
    return (
        Line(f"Thực hiện {basis}, {org.reporter} {led}." if basis else f"{org.reporter} {led}."),
        Line(
            f"{org.collecting_board} tham mưu, hướng dẫn, theo dõi, đôn đốc {UNITS} xây dựng kế hoạch triển khai "
            "thực hiện phù hợp với tình hình thực tế và tổng hợp kết quả thực hiện."
        ),
    )


def _joined(items: list[str]) -> str:
    """``A``, ``A và B``, ``A, B và C``."""
    return ", ".join(items[:-1]) + f" và {items[-1]}" if len(items) > 1 else "".join(items)


# --------------------------------------------------------------------------- III


def _assessment(stats: Statistics, data: Consolidation, org: Organization) -> tuple[Line, ...]:
    strengths, shortcomings, lessons = ASSESSMENT_SUBHEADINGS
    return (
        *_overview(stats),
        Line(strengths, subheading=True),
        *_statements(data, "strengths", org),
        Line(shortcomings, subheading=True),
        *_weaknesses(stats, data),
        *_statements(data, "shortcomings", org),
        Line(lessons, subheading=True),
    )


def _overview(stats: Statistics) -> list[Line]:
    """Who reported and on time; the models and exemplary items, with the change on last year."""
    f, year = stats.figures, stats.year
    lines = []
    if f["units_expected"]:
        rate = number(round(100 * f["units_on_time"] / f["units_expected"], 1))
        lines.append(
            Line(
                f"Năm {year}, có {number(f['units_submitted'])}/{number(f['units_expected'])} cơ quan, đơn vị, địa "
                f"phương gửi báo cáo kết quả thực hiện {MOVEMENT}, trong đó {number(f['units_on_time'])} đơn vị "
                f"gửi đúng hạn (đạt {rate}%)."
            )
        )
    meeting = f["units_submitted"] - f["units_below_minimum"]
    reached = (
        f"; {number(meeting)}/{number(f['units_submitted'])} đơn vị xây dựng đủ số mô hình tối thiểu theo kế hoạch"
        if f["units_submitted"]
        else ""
    )
    lines.append(
        Line(
            f"{UNITS_OPENING} đăng ký, xây dựng {number(f['models_total'])} mô hình và "
            f"{number(f['exemplars_total'])} điển hình “Dân vận khéo”{_change(stats)}{reached}."
        )
    )
    return lines


def _change(stats: Statistics) -> str:
    change = stats.change("models_total")
    if change is None:
        return ""
    if change == 0:
        return f", số mô hình bằng năm {stats.year - 1}"
    return f", {'tăng' if change > 0 else 'giảm'} {number(abs(change))} mô hình so với năm {stats.year - 1}"


def _weaknesses(stats: Statistics, data: Consolidation) -> list[Line]:
    """Units late, missing or sent back; units below their minimum, by name."""
    f = stats.figures
    counts = (
        ("units_late", "đơn vị gửi báo cáo trễ hạn"),
        ("units_missing", "đơn vị chưa gửi báo cáo"),
        ("units_rejected", "đơn vị có báo cáo bị trả lại, chưa gửi lại"),
    )
    pending = [f"{number(f[key])} {what}" for key, what in counts if f[key]]
    lines = [Line(f"Còn {', '.join(pending)}.")] if pending else []
    short = [u.unit.name for u in data.units if u.below_minimum]
    if short:
        lines.append(
            Line(
                f"Có {number(len(short))} đơn vị chưa xây dựng đủ số mô hình tối thiểu theo kế hoạch: {', '.join(short)}."
            )
        )
    return lines


def _statements(data: Consolidation, key: str, org: Organization) -> tuple[Line, ...]:
    """What the units wrote under ``key``, grouped, under a lead sentence; nothing when none wrote.
    At a province the units are wards, named up to :data:`~.statements.NAMED_WARDS` a statement."""
    groups = unit_statements(data.units, key)
    if not groups:
        return ()
    noun, named = (org.wording.units, NAMED_WARDS) if org.is_province else (org.wording.units, None)
    return (Line(_STATEMENT_LEADS[key]), *(Line(group.line(noun, named)) for group in groups))
