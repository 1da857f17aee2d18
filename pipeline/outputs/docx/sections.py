"""The sections both reports share: the introduction, I (leadership), II (results), and the
province report's III-V (the parts people write).

Contract: each function writes one section or numbered part through a
:class:`~pipeline.outputs.docx.writer.ReportWriter`; its caller gives the part's number and
whether the province report's extras (tables, charts, references to the appendix) go in. Every
number comes from the statistics, except the per-item lines of the best-scored models (their own
figures, read from the consolidation as they are). Charts come from
:mod:`pipeline.outputs.docx.charts` (matplotlib is loaded only when one is drawn), captioned
"Biểu đồ 1, 2, ..." in document order. The parts people write (part I's opening and the
leadership's own activities, the overall assessment, next year's tasks, the proposals) come from
the writer's :class:`~pipeline.intake.narrative.NarrativeText`: the clerk's document, or the
pre-draft (:mod:`pipeline.year.narrative`); each paragraph in the report's own styles, a
sub-heading with nothing under it left out.
"""

from __future__ import annotations

import heapq
import string
from collections.abc import Sequence

from ...core.lifecycle import EVENT_LABELS
from ...core.textnorm import unaccented
from ...core.vnformat import number
from ...intake.narrative import ACTIVITY_KINDS, ASSESSMENT, LEADERSHIP, PROPOSALS, TASKS, Activity, Line, part_title
from ...year.consolidate import MISSING, REJECTED, Item
from ...year.item_tables import EVALUATION_EVENTS, REWARD_EVENTS, outcome_key
from ...year.stat_table import NOT_REPORTED
from . import style as fmt
from .appendices import appendix_refs
from .writer import ReportWriter

TOP_MODELS = 5


def intro(r: ReportWriter) -> None:
    r.para(
        f"Thực hiện Phong trào thi đua “Dân vận khéo” năm {r.year}, {r.spec.issuer.speaker} báo cáo kết quả như sau:"
    )


# --------------------------------------------------------------------------- I. leadership


def leadership(r: ReportWriter, appendix: bool) -> None:
    r.heading(f"I. {part_title(LEADERSHIP, r.year)}")
    written_lines(r, r.narrative.part(LEADERSHIP))
    if r.narrative.activities:
        r.para("Các hoạt động lãnh đạo, chỉ đạo đã thực hiện:", fmt.WRITTEN)
    for activity in r.narrative.activities:
        r.para(activity_line(activity), fmt.WRITTEN)
    tails = [_submitted(r)]
    if r.stats.figures["units_rejected"]:
        tails.append(f"{r.n('units_rejected')} đơn vị có báo cáo bị trả lại, chưa gửi lại")
    if r.stats.figures["units_missing"]:
        tails.append(f"{r.n('units_missing')} đơn vị chưa gửi")
    r.para(
        f"{r.org.reporter} chỉ đạo {r.n('units_expected')} cơ quan, đơn vị, địa phương báo cáo kết quả "
        f"thực hiện Phong trào thi đua “Dân vận khéo” năm {r.year}; {', '.join(tails)}."
    )
    _not_reported(r)
    if r.stats.figures["units_below_minimum"]:
        r.para(f"Có {r.n('units_below_minimum')} đơn vị chưa xây dựng đủ số mô hình tối thiểu theo kế hoạch.")
    if appendix:
        r.table(r.stats.table("units"))


def _submitted(r: ReportWriter) -> str:
    """``đã có 5 đơn vị gửi báo cáo (3 đúng hạn, 2 trễ hạn)``; ``(đều đúng hạn)`` rather than "0 trễ hạn"."""
    if not r.stats.figures["units_submitted"]:
        return "chưa có đơn vị nào gửi báo cáo"
    timing = (
        f"{r.n('units_on_time')} đúng hạn, {r.n('units_late')} trễ hạn"
        if r.stats.figures["units_late"]
        else "đều đúng hạn"
    )
    return f"đã có {r.n('units_submitted')} đơn vị gửi báo cáo ({timing})"


def _not_reported(r: ReportWriter) -> None:
    """At a province, the wards whose figures the report does not hold, by name: none of their
    figures is counted (their report is missing, or was sent back and not sent again)."""
    silent = [s.unit.name for s in r.data.units if s.status in (MISSING, REJECTED)]
    if r.org.is_province and silent:
        r.para(
            f"Các {r.words.units} chưa báo cáo ({number(len(silent))}), số liệu không được tính trong "
            f"báo cáo này: {'; '.join(silent)}."
        )


# --------------------------------------------------------------------------- II. results


def registration(r: ReportWriter, number_: str, all_tables: bool) -> None:
    r.subheading(f"{number_} Đăng ký, xây dựng mô hình, điển hình “Dân vận khéo”")
    r.para(
        f"Năm {r.year}, các cơ quan, đơn vị, địa phương đăng ký, xây dựng {r.n('models_total')} mô hình "
        f"“Dân vận khéo” ({r.n('models_new')} mô hình mới đăng ký, {r.n('models_continuing')} mô hình tiếp tục "
        f"thực hiện) và {r.n('exemplars_total')} điển hình ({r.n('collectives_total')} điển hình tập thể, "
        f"{r.n('individuals_total')} điển hình cá nhân)." + _trend(r, "models_total", "mô hình")
    )
    # Each breakdown's sentence, then its table and chart beside it (by group: the chart only, its
    # table is Biểu 2 of the appendix; the standing report: the table by field only).
    for key, lead in (("by_field", "Theo lĩnh vực"), ("by_origin", "Theo địa bàn"), ("by_group", "Theo khối")):
        with_table = key == "by_field" or (all_tables and key == "by_origin")
        r.para(_breakdown_sentence(r, key, lead), fmt.LEAD_IN if with_table else fmt.BODY)
        if with_table:
            r.table(r.stats.table(key))
        if with_table or all_tables:
            _chart(r, key)
    if all_tables and r.stats.has_table("year_on_year"):
        r.table(r.stats.table("year_on_year"))
        _chart(r, "trend")
    if all_tables:
        per_unit = "by_ward" if r.org.is_province else "units_by_field"
        refs = appendix_refs(r, per_unit, "by_group", "exemplars")
        full_lists = "; danh sách từng mô hình, điển hình tại bảng tổng hợp kèm theo" if r.org.is_province else ""
        r.para(
            f"Chi tiết theo {r.words.units}, theo khối, điển hình tập thể và cá nhân tại {refs} kèm theo{full_lists}."
        )


def _breakdown_sentence(r: ReportWriter, key: str, lead: str) -> str:
    """``Theo lĩnh vực: Kinh tế 3 mô hình (tăng 1), ...`` from a breakdown table's rows."""
    table = r.stats.table(key)
    has_change = r.stats.previous is not None  # then the change in models is the last column
    parts = []
    for row in table.rows:
        if row[3] == NOT_REPORTED:
            parts.append(f"{row[0]} chưa báo cáo")
            continue
        change = f" ({_change_words(float(row[-1]))})" if has_change else ""
        parts.append(f"{row[0]} {number(float(row[3]))} mô hình{change}")
    tail = f" (so với năm {r.year - 1})" if has_change else ""
    return f"{lead}{tail}: {'; '.join(parts)}."


def _change_words(change: float) -> str:
    if change == 0:
        return "không đổi"
    return f"{'tăng' if change > 0 else 'giảm'} {number(abs(change))}"


def _chart(r: ReportWriter, key: str) -> None:
    """The chart ``key`` of :mod:`pipeline.outputs.docx.charts` (a table's key, or "trend") with its
    numbered caption under it, when charts are on and there is something to draw; nothing otherwise."""
    from .charts import CHART_KEYS, chart_data, png_bytes  # matplotlib is loaded only to draw

    chart = chart_data(key, r.stats) if r.org.charts.enabled and key in CHART_KEYS else None
    if chart is None:
        return
    caption = f"Biểu đồ {len(r.doc.inline_shapes) + 1}. {chart.caption}"
    fmt.add_figure(r.doc, png_bytes(chart, r.org.charts.width_mm), r.font, r.org.charts.width_mm, caption)


def _trend(r: ReportWriter, key: str, noun: str) -> str:
    """`` Tổng số tăng 9 mô hình so với năm 2025.`` (empty when last year is not known)."""
    change = r.stats.change(key)
    if change is None:
        return ""
    if change == 0:
        return f" Tổng số bằng năm {r.year - 1}."
    word = "tăng" if change > 0 else "giảm"
    return f" Tổng số {word} {number(abs(change))} {noun} so với năm {r.year - 1}."


def outstanding(r: ReportWriter, number_: str, resources_table: bool) -> None:
    r.subheading(f"{number_} Mô hình tiêu biểu, nguồn lực huy động")
    # nsmallest is sorted(...)[:n], in one pass: a province has 20,000 models
    top = heapq.nsmallest(TOP_MODELS, r.data.models, key=lambda m: (-m.total_score, str(m.values.get("name") or "")))
    if top:
        r.para("Các mô hình có điểm tự chấm cao nhất:", fmt.LEAD_IN)
    for model in top:
        r.para(_model_line(model))
    r.para(
        f"Các mô hình đã huy động kinh phí {r.n('budget_vnd')} đồng, xã hội hóa {r.n('contributions_vnd')} đồng, "
        f"{r.n('labour_days')} ngày công, {r.n('land_m2')} m² đất hiến; {r.n('people_reached')} lượt người "
        "tham gia, hưởng lợi."
    )
    if resources_table:
        r.para(f"Nguồn lực huy động theo lĩnh vực tại {appendix_refs(r, 'resources')} kèm theo.")


_MODEL_FIGURES = (
    ("people_reached", "{} người tham gia, hưởng lợi"),
    ("budget_vnd", "kinh phí {} đồng"),
    ("contributions_vnd", "xã hội hóa {} đồng"),
    ("labour_days", "{} ngày công"),
    ("land_m2", "hiến {} m² đất"),
)


def _model_line(model: Item) -> str:
    """``- Mô hình “…” (unit; field; score): its outstanding results as the unit wrote them; its figures.``"""
    values = model.values
    results = " ".join(str(values.get("results") or "").split()).rstrip(" .;,")
    parts = [results] if results else []
    parts += [
        template.format(number(values[key]))
        for key, template in _MODEL_FIGURES
        if isinstance(values.get(key), int | float) and values[key]
    ]
    about = f"{model.unit.name}; lĩnh vực {values.get('field') or ''}; {number(model.total_score)} điểm"
    return f"- Mô hình “{values.get('name') or ''}” ({about})" + (f": {'; '.join(parts)}." if parts else ".")


def evaluation(r: ReportWriter, number_: str, appendix: bool) -> None:
    r.subheading(f"{number_} Kiểm tra, đánh giá: công nhận, công nhận lại, củng cố, đưa ra khỏi danh sách")
    r.para("Kết quả xếp loại theo điểm tự chấm của các đơn vị (chưa qua thẩm định):", fmt.LEAD_IN)
    r.table(r.stats.table("classification"))
    _outcome_sentences(r, EVALUATION_EVENTS)
    _legacy_review(r)
    if appendix:
        r.para(f"Chi tiết tại {appendix_refs(r, 'evaluation')} kèm theo.")
    if appendix and r.stats.has_table("decisions"):
        r.para(
            f"Ban Chỉ đạo đã xem xét, quyết định đối với {r.n('decisions_total')} lượt mô hình, điển hình:", fmt.LEAD_IN
        )
        r.table(r.stats.table("decisions"))


_REVIEW_OUTCOMES = (("keep", "giữ lại"), ("strengthen", "củng cố"), ("remove", "đưa ra khỏi danh sách"))


def _legacy_review(r: ReportWriter) -> None:
    """Where the review of the former units' models stands (when their lists were imported)."""
    figures = r.stats.figures
    if not figures.get("legacy_total"):
        return
    origins = [
        f"{origin} {number(figures[f'legacy_origin_{index}'])}"
        for index, origin in enumerate(r.config.units.origins)
        if figures.get(f"legacy_origin_{index}")
    ]
    where = f" ({'; '.join(origins)})" if origins else ""
    outcomes = [f"{label} {r.n(f'legacy_{event}')}" for event, label in _REVIEW_OUTCOMES if figures[f"legacy_{event}"]]
    text = f"Rà soát {r.n('legacy_total')} mô hình của các xã, phường cũ{where}"
    if outcomes:
        text += f": Ban Chỉ đạo đã quyết định {', '.join(outcomes)} mô hình"
    if figures["legacy_pending"]:
        text += f"; {r.n('legacy_pending')} mô hình đang tiếp tục rà soát"
    r.para(text + ".")


_ACTIVITY_SENTENCE = (
    "Trong năm, các đơn vị đã tổ chức {dialogues} cuộc đối thoại trực tiếp giữa người đứng đầu với Nhân dân; "
    "tiếp nhận {petitions_received} kiến nghị của Nhân dân, đã giải quyết {petitions_resolved} kiến nghị; "
    "{staff_trained} lượt cán bộ được bồi dưỡng, tập huấn; {propaganda_items} tin, bài tuyên truyền; "
    "phát sinh {hotspots_arising} vụ việc có nguy cơ thành “điểm nóng”, đã giải quyết {hotspots_resolved} vụ việc."
)
_ACTIVITY_KEYS = tuple(name for _, name, _, _ in string.Formatter().parse(_ACTIVITY_SENTENCE) if name)


# What the plan asks the report to cover beyond that (template 2026.2): each sentence is written
# only when some unit's report carried its fields (a template of an earlier version has none).
PLAN_SENTENCES = (
    "Có {own_plan}/{reported_own_plan} cơ quan, đơn vị, địa phương ban hành kế hoạch thực hiện Phong trào "
    "thi đua “Dân vận khéo” của đơn vị.",
    "Về bồi dưỡng, tập huấn: {training_higher_staff} lượt cán bộ được cử tham gia các lớp do cấp trên tổ chức; "
    "các đơn vị tự tổ chức {training_own_courses} lớp với {training_own_staff} lượt cán bộ tham gia.",
    "Về thông tin, tuyên truyền: duy trì {dedicated_pages} chuyên trang, {dedicated_columns} chuyên mục về công tác "
    "dân vận, Phong trào thi đua “Dân vận khéo”.",
    "Các vụ việc “điểm nóng” đã ngăn chặn, giải quyết theo lĩnh vực: bồi thường, giải phóng mặt bằng "
    "{hotspots_compensation}; tái định cư {hotspots_resettlement}; tranh chấp đất đai {hotspots_land_disputes}; "
    "dân tộc, tôn giáo {hotspots_ethnic_religious}; lĩnh vực khác {hotspots_other}.",
    "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội đã tổ chức {supervisions} cuộc giám sát, "
    "{social_criticisms} cuộc phản biện xã hội.",
)


# At a province a ward's "Có" is the number of its units that issued a plan, and the reports that
# carried the field are the wards': the ward's "N/M" would divide units by wards.
_AT_PROVINCE = {
    PLAN_SENTENCES[0]: "Tại {reported_own_plan} phường, xã đã báo cáo, có {own_plan} chi bộ, đảng bộ, cơ quan, "
    "tổ chức cơ sở ban hành kế hoạch thực hiện Phong trào thi đua “Dân vận khéo” của mình.",
}


def other_activities(r: ReportWriter, number_: str, with_table: bool) -> None:
    r.subheading(f"{number_} Các hoạt động khác của công tác dân vận")
    if all(f"activity_{key}" in r.stats.figures for key in _ACTIVITY_KEYS):
        r.para(_ACTIVITY_SENTENCE.format(**{key: r.n(f"activity_{key}") for key in _ACTIVITY_KEYS}))
    for sentence in PLAN_SENTENCES:
        sentence = _AT_PROVINCE.get(sentence, sentence) if r.org.is_province else sentence
        keys = [name for _, name, _, _ in string.Formatter().parse(sentence) if name]
        reported = [
            r.stats.figures.get(f"activity_reported_{key}", 0) for key in keys if not key.startswith("reported_")
        ]
        if all(f"activity_{key}" in r.stats.figures for key in keys) and all(reported):
            r.para(sentence.format(**{key: r.n(f"activity_{key}") for key in keys}))
    if with_table:
        r.table(r.stats.table("activities"))


def rewards(r: ReportWriter, number_: str, appendix: bool) -> None:
    r.subheading(f"{number_} Biểu dương, khen thưởng, nhân rộng mô hình, điển hình")
    _outcome_sentences(r, REWARD_EVENTS)
    if appendix:
        refs = appendix_refs(r, "rewards", "outstanding")
        r.para(
            f"Chi tiết và danh sách mô hình, điển hình tiêu biểu đề nghị biểu dương, khen thưởng tại {refs} kèm theo."
        )


def _outcome_sentences(r: ReportWriter, events: Sequence[str]) -> None:
    """What the steering committee decided for ``events`` (the results), then what the units
    proposed (proposals, called so); while nothing is decided, one standard sentence says so."""
    decided = _outcome_list(r, "decided", events)
    proposed = _outcome_list(r, "proposed", events)
    if decided:
        r.para(f"Ban Chỉ đạo đã quyết định {decided}.")
    if proposed:
        r.para(f"Các đơn vị đề nghị {proposed}.")
        if not decided:
            r.para("Các đề nghị trên được Ban Chỉ đạo xem xét, quyết định sau khi thẩm định.")
    elif not decided:
        r.para("Các đơn vị không có đề nghị về nội dung này.")


def _outcome_list(r: ReportWriter, source: str, events: Sequence[str]) -> str:
    """``công nhận 2 mô hình, 1 điển hình; củng cố 1 mô hình`` (events with no item left out)."""
    parts = []
    for event in events:
        counts = [(r.stats.figures[outcome_key(source, event, group)], noun) for group, noun in _OUTCOME_NOUNS]
        if any(count for count, _ in counts):
            items = ", ".join(f"{number(count)} {noun}" for count, noun in counts if count)
            parts.append(f"{EVENT_LABELS[event].lower()} {items}")
    return "; ".join(parts)


_OUTCOME_NOUNS = (("models", "mô hình"), ("exemplars", "điển hình"))


# --------------------------------------------------------------------------- the parts people write


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


def written_parts(r: ReportWriter, first: int) -> None:
    """III-V of the province report: the overall assessment, next year's tasks, the proposals,
    numbered from ``first``; a part with nothing to print is left out and the numbering follows."""
    number_ = first
    for key in (ASSESSMENT, TASKS, PROPOSALS):
        lines = r.narrative.part(key)
        if all(line.subheading for line in lines):
            continue
        r.heading(f"{_ROMAN[number_ - 1]}. {part_title(key, r.year)}")
        written_lines(r, lines)
        number_ += 1


def written_lines(r: ReportWriter, lines: Sequence[Line]) -> None:
    """Each paragraph in the report's style: a sub-heading bold, left out when nothing follows it."""
    for index, line in enumerate(lines):
        if not line.subheading:
            r.para(line.text, fmt.WRITTEN)
        elif index + 1 < len(lines) and not lines[index + 1].subheading:
            r.subheading(line.text)


# The verb a leadership activity of each kind opens with, unless its content says it already.
_ACTIVITY_VERBS = {
    unaccented(kind): "Ban hành" if index == 0 else "Tổ chức" for index, kind in enumerate(ACTIVITY_KINDS)
}


def activity_line(activity: Activity) -> str:
    """``- Ban hành Kế hoạch về … (số 12-KH/ĐU, ngày 15/9/2025).`` from a row of the activities table."""
    content = activity.content.rstrip(" .;,")
    verb = _ACTIVITY_VERBS.get(unaccented(activity.kind), "")
    if verb and not unaccented(content).startswith(unaccented(verb)):
        content = f"{verb} {content}"
    reference = activity.reference.strip(" ()")
    return f"- {content[:1].upper()}{content[1:]}" + (f" ({reference})." if reference else ".")
