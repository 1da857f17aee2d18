"""Report stage: statistics + consolidation -> the two Word reports of the year.

Contract:

- :func:`build_report` ``(kind, stats, data, config, date) -> docx.Document`` is pure and in memory.
  ``kind`` is ``"province"`` (to Ban Tuyên giáo và Dân vận Tỉnh ủy) or ``"standing"`` (to
  Thường trực Đảng ủy); ``config.organization.reports[kind]`` gives the subject and recipients.
  ``date`` is the issuing date; ``None`` leaves "ngày … tháng … năm" blank for the clerk.
- :func:`report_bytes` saves the same document deterministically: fixed core properties (author =
  issuing body, title = subject, dates = ``date`` or 1 December of the year, revision 1) and zip
  entries under fixed headers (:func:`pipeline.ooxml.fixed_zip_entry`), the data tables' body rows
  streamed into ``word/document.xml`` as text (:mod:`pipeline.docxstream`: a province's tables
  hold some 200,000 cells). Same inputs, same bytes.
- :func:`report_file_name` is the configured file name of the year.

Every number comes from ``stats`` (figures and tables) except the per-item lines of section II
(the best-scored models with their own figures) and the standing report's list of items
proposed (with the unit's stated results as reasons), which are read from ``data`` as they are.
The province report ends with the appendix "PHỤ LỤC": the tables of :data:`APPENDIX_TABLES`,
numbered Biểu 1, 2, ... in that order. Each section is one function of ``_Report``, so a further
block (a chart, say) is one call in ``_province_body`` / ``_standing_body``. Parts that people must write
(overall assessment, next year's tasks, proposals) get a marked placeholder, never invented prose.
The format follows Hướng dẫn 36-HD/VPTW with the values of ``config.organization.document``;
the low-level docx work is in :mod:`pipeline.docxfmt`.
"""

from __future__ import annotations

import datetime as dt
import heapq
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...config import Config, Organization, ReportSpec
from ...core.lifecycle import EVENT_LABELS
from ...core.vnformat import long_date, number
from ...year.consolidate import LATE, MISSING, REJECTED, Consolidation, Item, UnitStatus
from ...year.item_tables import EVALUATION_EVENTS, REWARD_EVENTS, outcome_key
from ...year.stat_table import StatTable
from ...year.stats import Statistics
from . import style as fmt
from .tables import TableBodies

KINDS = ("province", "standing")
NO_PROPOSAL = "Không đề nghị"
TOP_MODELS = 5
ITEM_KINDS = {"models": "Mô hình", "collectives": "Điển hình tập thể", "individuals": "Điển hình cá nhân"}
ANSWER_KEYS = ("strengths", "shortcomings", "requests")
# Sizes fixed by Hướng dẫn 36-HD/VPTW (the body size is a setting).
PARTY_NAME_PT = 15.0
DOC_TYPE_PT = 16.0
RECIPIENTS_PT = 12.0
HEADER_LEFT_SHARE = 80 / 165  # the issuing body in 14 pt bold caps needs ~78 mm
SIGNATURE_LEFT_SHARE = 0.45
BLANK = "     "  # room for the clerk to write the day and month by hand
NUMBER_BLANK = "      "  # room for the clerk to write the document number
SIGNATURE_GAP_LINES = 4
# The appendix of the province report: Biểu 1, 2, ... in this order (stats table keys).
APPENDIX_TABLES = (
    "units_by_field",
    "by_group",
    "exemplars",
    "evaluation",
    "rewards",
    "resources",
    "outstanding",
    "model_list",
)


def report_file_name(kind: str, config: Config, year: int) -> str:
    """The configured file name of report ``kind`` for ``year``."""
    return _spec(kind, config).file.format(year=year)


def report_bytes(kind: str, stats: Statistics, data: Consolidation, config: Config, date: dt.date | None) -> bytes:
    """The report as .docx bytes that depend only on the inputs.

    python-docx serialises each part, the data tables without their body rows; the rows are
    written into ``word/document.xml`` as it goes into the zip (fixed entry headers)."""
    report = _build(kind, stats, data, config, date)
    day = date or dt.date(stats.year, 12, 1)
    fixed = dt.datetime(day.year, day.month, day.day)
    spec = _spec(kind, config)
    fmt.set_core_properties(report.doc, config.organization.issuing_body, spec.subject.format(year=stats.year), fixed)
    return report.tables.package(report.doc)


def build_report(kind: str, stats: Statistics, data: Consolidation, config: Config, date: dt.date | None) -> Any:
    """The report ``kind`` ("province" or "standing") as a python-docx Document, tables filled."""
    report = _build(kind, stats, data, config, date)
    report.tables.materialize(report.doc.element)
    return report.doc


def _build(kind: str, stats: Statistics, data: Consolidation, config: Config, date: dt.date | None) -> _Report:
    """The report written, its data tables' body rows still waiting in ``tables``."""
    spec = _spec(kind, config)
    report = _Report(fmt.new_document(config.organization.document), stats, data, config, date)
    fmt.number_pages_from_two(report.doc.sections[0], report.font, report.size)
    _title_block(report, spec)
    _BODIES[kind](report)
    _signature(report, spec)
    if kind == "province":
        _appendix(report)
    return report


def _spec(kind: str, config: Config) -> ReportSpec:
    if kind not in KINDS:
        raise ValueError(f"loại báo cáo “{kind}” không hợp lệ; cho phép: {', '.join(KINDS)}")
    return config.organization.reports[kind]


@dataclass(frozen=True)
class _Report:
    """What every section needs: the document being written and its inputs."""

    doc: Any
    stats: Statistics
    data: Consolidation
    config: Config
    date: dt.date | None
    tables: TableBodies = field(default_factory=TableBodies)

    @property
    def org(self) -> Organization:
        return self.config.organization

    @property
    def font(self) -> str:
        return self.org.document.font

    @property
    def size(self) -> float:
        return self.org.document.body_size

    @property
    def year(self) -> int:
        return self.stats.year

    @property
    def when(self) -> str:
        """``ngày 05 tháng 12 năm 2026``, or the same with blanks when there is no date yet."""
        return long_date(self.date) if self.date else f"ngày{BLANK}tháng{BLANK}năm {self.year}"

    def n(self, key: str) -> str:
        """A figure of the statistics in Vietnamese format."""
        return number(self.stats.figures[key])

    def para(self, text: str, style: str = fmt.BODY, **run_format: Any) -> Any:
        return fmt.add_paragraph(self.doc, text, self.font, style, **run_format)

    def heading(self, text: str) -> None:
        self.para(text, fmt.HEADING)

    def subheading(self, text: str) -> None:
        self.para(text, fmt.SUBHEADING)

    def table(self, table: StatTable, caption: str | None = None) -> None:
        self.para(caption or table.title, fmt.CAPTION)
        if not table.rows:
            self.para("(Không có số liệu.)", fmt.CENTERED, italic=True)
            return
        width = fmt.text_width_mm(self.org.document)
        fmt.add_data_table(self.doc, self.font, table.columns, table.rows, table.total, width, self.tables)


# --------------------------------------------------------------------------- title block


def _number_line(org: Organization, word: str = "Số") -> str:
    """``Số 12-BC/ĐU``, or ``Số      -BC/ĐU`` with room for the clerk when no number is configured."""
    return (
        f"{word} {org.document_number}{org.document_symbol}"
        if org.document_number
        else f"{word}{NUMBER_BLANK}{org.document_symbol}"
    )


def _title_block(r: _Report, spec: ReportSpec) -> None:
    width = fmt.text_width_mm(r.org.document)
    left_width = width * HEADER_LEFT_SHARE
    row = fmt.add_layout_table(r.doc, (left_width, width - left_width)).rows[0]
    fmt.keep_row_together(row)
    left, right = row.cells
    issuer = [(r.org.upper_body.upper(), {}), (r.org.issuing_body.upper(), {"bold": True})]
    _cell_lines(r, left, [*issuer, ("*", {}), (_number_line(r.org), {})])
    party_name = {"bold": True, "size": PARTY_NAME_PT, "underline": True}  # a rule exactly as long as the name
    _cell_lines(
        r, right, [(r.org.party_name.upper(), party_name), ("", {}), (f"{r.org.place}, {r.when}", {"italic": True})]
    )
    r.para("", fmt.CENTERED)
    r.para("BÁO CÁO", fmt.CENTERED, bold=True, size=DOC_TYPE_PT)
    r.para(spec.subject.format(year=r.year), fmt.CENTERED, bold=True)
    r.para("-----", fmt.CENTERED)
    r.para("", fmt.CENTERED)


def _cell_lines(r: _Report, cell: Any, lines: Sequence[tuple[str, dict[str, Any]]], style: str = fmt.CENTERED) -> None:
    """Write ``lines`` into a layout cell, one paragraph each (the cell's own first paragraph first)."""
    for index, (text, run_format) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        fmt.set_style(paragraph, r.doc.styles[style].style_id)
        if text:
            fmt.add_run(paragraph, text, r.font, **run_format)


# --------------------------------------------------------------------------- bodies


def _province_body(r: _Report) -> None:
    _intro(r)
    _leadership(r, appendix=True)
    r.heading("II. KẾT QUẢ THỰC HIỆN")
    _registration(r, "1.", all_tables=True)
    _outstanding(r, "2.", resources_table=True)
    _evaluation(r, "3.", appendix=True)
    _rewards(r, "4.", appendix=True)
    _other_activities(r, "5.", with_table=True)
    narrative = r.config.narrative(r.year)
    parts = (
        ("III. ĐÁNH GIÁ CHUNG", "assessment"),
        (f"IV. NHIỆM VỤ NĂM {r.year + 1}", "tasks"),
        ("V. ĐỀ XUẤT, KIẾN NGHỊ", "proposals"),
    )
    for title, key in parts:
        r.heading(title)
        for paragraph in narrative.part(key) or ():
            r.para(paragraph)
        if not narrative.part(key):
            _placeholder(r)


def _standing_body(r: _Report) -> None:
    _intro(r)
    _leadership(r, appendix=False)
    r.heading("II. KẾT QUẢ THỰC HIỆN")
    _registration(r, "1.", all_tables=False)
    _outstanding(r, "2.", resources_table=False)
    _evaluation(r, "3.", appendix=False)
    _rewards(r, "4.", appendix=False)
    _other_activities(r, "5.", with_table=False)
    r.heading("III. NHỮNG NỘI DUNG ĐỀ NGHỊ THƯỜNG TRỰC ĐẢNG ỦY CHO Ý KIẾN")
    _unit_issues(r, "1.")
    _proposed_items(r, "2.")
    _unit_opinions(r, "3.")


_BODIES: dict[str, Callable[[_Report], None]] = {"province": _province_body, "standing": _standing_body}


def _placeholder(r: _Report) -> None:
    r.para(
        f"[Nội dung này do {r.org.collecting_board} bổ sung trước khi trình ký (hoặc ghi vào config/narrative.yaml).]",
        italic=True,
        highlight=True,
    )


def _intro(r: _Report) -> None:
    r.para(f"Thực hiện Phong trào thi đua “Dân vận khéo” năm {r.year}, {r.org.reporter} báo cáo kết quả như sau:")


# --------------------------------------------------------------------------- I. leadership


def _leadership(r: _Report, appendix: bool) -> None:
    r.heading("I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO")
    tails = [
        f"đã có {r.n('units_submitted')} đơn vị gửi báo cáo ({r.n('units_on_time')} đúng hạn, {r.n('units_late')} trễ hạn)"
    ]
    if r.stats.figures["units_rejected"]:
        tails.append(f"{r.n('units_rejected')} đơn vị có báo cáo bị trả lại, chưa gửi lại")
    if r.stats.figures["units_missing"]:
        tails.append(f"{r.n('units_missing')} đơn vị chưa gửi")
    r.para(
        f"{r.org.reporter} chỉ đạo {r.n('units_expected')} cơ quan, đơn vị, địa phương báo cáo kết quả "
        f"thực hiện Phong trào thi đua “Dân vận khéo” năm {r.year}; {', '.join(tails)}."
    )
    if r.stats.figures["units_below_minimum"]:
        r.para(f"Có {r.n('units_below_minimum')} đơn vị chưa xây dựng đủ số mô hình tối thiểu theo kế hoạch.")
    if appendix:
        r.table(r.stats.table("units"))


# --------------------------------------------------------------------------- II. results


def _registration(r: _Report, number_: str, all_tables: bool) -> None:
    r.subheading(f"{number_} Đăng ký, xây dựng mô hình, điển hình “Dân vận khéo”")
    r.para(
        f"Năm {r.year}, các cơ quan, đơn vị, địa phương đăng ký, xây dựng {r.n('models_total')} mô hình "
        f"“Dân vận khéo” ({r.n('models_new')} mô hình mới đăng ký, {r.n('models_continuing')} mô hình tiếp tục "
        f"thực hiện) và {r.n('exemplars_total')} điển hình ({r.n('collectives_total')} điển hình tập thể, "
        f"{r.n('individuals_total')} điển hình cá nhân)." + _trend(r, "models_total", "mô hình")
    )
    r.para(_breakdown_sentence(r, "by_field", "Theo lĩnh vực"))
    r.para(_breakdown_sentence(r, "by_origin", "Theo địa bàn"))
    r.para(_breakdown_sentence(r, "by_group", "Theo khối"))
    for key in ("by_field", "by_origin") if all_tables else ("by_field",):
        r.table(r.stats.table(key))
        _chart(r, key)
    if all_tables:
        _chart(r, "by_group")  # its table is Biểu 2 of the appendix
    if all_tables and r.stats.has_table("year_on_year"):
        r.table(r.stats.table("year_on_year"))
        _chart(r, "trend")
    if all_tables:
        r.para(
            f"Chi tiết theo đơn vị, theo khối, điển hình tập thể và cá nhân tại {_appendix_refs('units_by_field', 'by_group', 'exemplars')} kèm theo."
        )


def _breakdown_sentence(r: _Report, key: str, lead: str) -> str:
    """``Theo lĩnh vực: Kinh tế 3 mô hình (tăng 1), ...`` from a breakdown table's rows."""
    table = r.stats.table(key)
    has_change = r.stats.previous is not None  # then the change in models is the last column
    parts = []
    for row in table.rows:
        change = f" ({_change_words(float(row[-1]))})" if has_change else ""
        parts.append(f"{row[0]} {number(float(row[3]))} mô hình{change}")
    tail = f" (so với năm {r.year - 1})" if has_change else ""
    return f"{lead}{tail}: {'; '.join(parts)}."


def _change_words(change: float) -> str:
    if change == 0:
        return "không đổi"
    return f"{'tăng' if change > 0 else 'giảm'} {number(abs(change))}"


def _appendix_refs(*keys: str) -> str:
    """``Biểu 1, 2, 3`` for the appendix tables ``keys``."""
    numbers = [str(APPENDIX_TABLES.index(key) + 1) for key in keys]
    return f"Biểu {', '.join(numbers)}"


def _chart(r: _Report, key: str) -> None:
    """The chart ``key`` of :mod:`pipeline.charts` (a table's key, or "trend") with its numbered caption
    under it, when charts are on and there is something to draw; nothing otherwise."""
    from .charts import CHART_KEYS, chart_data, png_bytes  # matplotlib is loaded only to draw

    chart = chart_data(key, r.stats) if r.org.charts.enabled and key in CHART_KEYS else None
    if chart is None:
        return
    caption = f"Biểu đồ {len(r.doc.inline_shapes) + 1}. {chart.caption}"
    fmt.add_figure(r.doc, png_bytes(chart, r.org.charts.width_mm), r.font, r.org.charts.width_mm, caption)


def _trend(r: _Report, key: str, noun: str) -> str:
    """`` Tổng số tăng 9 mô hình so với năm 2025.`` (empty when last year is not known)."""
    change = r.stats.change(key)
    if change is None:
        return ""
    if change == 0:
        return f" Tổng số bằng năm {r.year - 1}."
    word = "tăng" if change > 0 else "giảm"
    return f" Tổng số {word} {number(abs(change))} {noun} so với năm {r.year - 1}."


def _outstanding(r: _Report, number_: str, resources_table: bool) -> None:
    r.subheading(f"{number_} Mô hình tiêu biểu, nguồn lực huy động")
    # nsmallest is sorted(...)[:n], in one pass: a province has 20,000 models
    top = heapq.nsmallest(TOP_MODELS, r.data.models, key=lambda m: (-m.total_score, str(m.values.get("name") or "")))
    if top:
        r.para("Các mô hình có điểm tự chấm cao nhất:")
    for model in top:
        r.para(_model_line(model))
    r.para(
        f"Các mô hình đã huy động kinh phí {r.n('budget_vnd')} đồng, xã hội hóa {r.n('contributions_vnd')} đồng, "
        f"{r.n('labour_days')} ngày công, {r.n('land_m2')} m² đất hiến; {r.n('people_reached')} lượt người "
        "tham gia, hưởng lợi."
    )
    if resources_table:
        r.para(f"Nguồn lực huy động theo lĩnh vực tại {_appendix_refs('resources')} kèm theo.")


_MODEL_FIGURES = (
    ("people_reached", "{} người tham gia, hưởng lợi"),
    ("budget_vnd", "kinh phí {} đồng"),
    ("contributions_vnd", "xã hội hóa {} đồng"),
    ("labour_days", "{} ngày công"),
    ("land_m2", "hiến {} m² đất"),
)


def _model_line(model: Item) -> str:
    values = model.values
    parts = [
        template.format(number(values[key]))
        for key, template in _MODEL_FIGURES
        if isinstance(values.get(key), int | float) and values[key]
    ]
    about = f"{model.unit.name}; lĩnh vực {values.get('field') or ''}; {number(model.total_score)} điểm"
    return f"- Mô hình “{values.get('name') or ''}” ({about})" + (f": {'; '.join(parts)}." if parts else ".")


def _evaluation(r: _Report, number_: str, appendix: bool) -> None:
    r.subheading(f"{number_} Kiểm tra, đánh giá: công nhận, công nhận lại, củng cố, đưa ra khỏi danh sách")
    r.para("Kết quả xếp loại theo điểm tự chấm của các đơn vị (chưa qua thẩm định):")
    r.table(r.stats.table("classification"))
    _outcome_sentences(r, EVALUATION_EVENTS)
    if appendix:
        r.para(f"Chi tiết tại {_appendix_refs('evaluation')} kèm theo.")
    if appendix and r.stats.has_table("decisions"):
        r.para(
            f"Ban chỉ đạo đã xét, quyết định đối với {r.n('decisions_total')} lượt mô hình, điển hình "
            "(căn cứ các quyết định ghi trong sổ theo dõi):"
        )
        r.table(r.stats.table("decisions"))


_ACTIVITY_SENTENCE = (
    "Trong năm, các đơn vị đã tổ chức {dialogues} cuộc đối thoại trực tiếp giữa người đứng đầu với Nhân dân; "
    "tiếp nhận {petitions_received} kiến nghị của Nhân dân, đã giải quyết {petitions_resolved} kiến nghị; "
    "{staff_trained} lượt cán bộ được bồi dưỡng, tập huấn; {propaganda_items} tin, bài tuyên truyền; "
    "phát sinh {hotspots_arising} vụ việc có nguy cơ thành “điểm nóng”, đã giải quyết {hotspots_resolved} vụ việc."
)
_ACTIVITY_KEYS = tuple(name for _, name, _, _ in string.Formatter().parse(_ACTIVITY_SENTENCE) if name)


def _other_activities(r: _Report, number_: str, with_table: bool) -> None:
    r.subheading(f"{number_} Các hoạt động khác của công tác dân vận")
    if all(f"activity_{key}" in r.stats.figures for key in _ACTIVITY_KEYS):
        r.para(_ACTIVITY_SENTENCE.format(**{key: r.n(f"activity_{key}") for key in _ACTIVITY_KEYS}))
    if with_table:
        r.table(r.stats.table("activities"))


def _rewards(r: _Report, number_: str, appendix: bool) -> None:
    r.subheading(f"{number_} Biểu dương, khen thưởng, nhân rộng mô hình, điển hình")
    _outcome_sentences(r, REWARD_EVENTS)
    if appendix:
        refs = _appendix_refs("rewards", "outstanding")
        r.para(
            f"Chi tiết và danh sách mô hình, điển hình tiêu biểu đề nghị biểu dương, khen thưởng tại {refs} kèm theo."
        )


def _outcome_sentences(r: _Report, events: Sequence[str]) -> None:
    """What the units proposed and what the council decided for ``events``, from the figures."""
    proposed = _outcome_list(r, "proposed", events)
    r.para(
        f"Các đơn vị đề xuất {proposed}."
        if proposed
        else "Các đơn vị không đề xuất nội dung này đối với mô hình, điển hình nào."
    )
    decided = _outcome_list(r, "decided", events)
    r.para(
        f"Ban chỉ đạo đã quyết định {decided}."
        if decided
        else "Chưa có quyết định của Ban chỉ đạo về nội dung này được ghi vào sổ theo dõi."
    )


def _outcome_list(r: _Report, source: str, events: Sequence[str]) -> str:
    """``công nhận 2 mô hình, 1 điển hình; củng cố 1 mô hình`` (events with no item left out)."""
    parts = []
    for event in events:
        counts = [(r.stats.figures[outcome_key(source, event, group)], noun) for group, noun in _OUTCOME_NOUNS]
        if any(count for count, _ in counts):
            items = ", ".join(f"{number(count)} {noun}" for count, noun in counts if count)
            parts.append(f"{EVENT_LABELS[event].lower()} {items}")
    return "; ".join(parts)


_OUTCOME_NOUNS = (("models", "mô hình"), ("exemplars", "điển hình"))


# --------------------------------------------------------------------------- III. (standing) for comment


def _unit_issues(r: _Report, number_: str) -> None:
    r.subheading(f"{number_} Các đơn vị gửi báo cáo trễ hạn, chưa gửi hoặc chưa đủ số mô hình tối thiểu")
    units = r.data.units
    groups = (
        ("Gửi báo cáo trễ hạn", "units_late", [_late_name(u) for u in units if u.status == LATE]),
        ("Có báo cáo bị trả lại, chưa gửi lại", "units_rejected", [u.unit.name for u in units if u.status == REJECTED]),
        ("Chưa gửi báo cáo", "units_missing", [u.unit.name for u in units if u.status == MISSING]),
        (
            "Chưa xây dựng đủ số mô hình tối thiểu",
            "units_below_minimum",
            [_short_name(u) for u in units if u.below_minimum],
        ),
    )
    written = [(title, key, names) for title, key, names in groups if names]
    for title, key, names in written:
        r.para(f"- {title} ({r.n(key)} đơn vị): {'; '.join(names)}.")
    if not written:
        r.para("Tất cả các đơn vị đã gửi báo cáo đúng hạn và xây dựng đủ số mô hình tối thiểu.")


def _late_name(status: UnitStatus) -> str:
    label = status.label
    return f"{status.unit.name} ({label[:1].lower()}{label[1:]})"


def _short_name(status: UnitStatus) -> str:
    count, minimum = number(status.model_count), number(status.unit.min_models)
    return f"{status.unit.name} (có {count} mô hình, tối thiểu {minimum})"


def _proposed_items(r: _Report, number_: str) -> None:
    r.subheading(f"{number_} Mô hình, điển hình các đơn vị đề nghị công nhận, khen thưởng, nhân rộng hoặc thanh loại")
    table = _proposed_table(r)
    if not table.rows:
        r.para("Các đơn vị không có đề nghị đối với mô hình, điển hình nào.")
        return
    r.para(f"Các đơn vị đề nghị xem xét {_proposal_count(r)} mô hình, điển hình (điểm và xếp loại do đơn vị tự chấm):")
    r.table(table)


def _proposal_count(r: _Report) -> str:
    """Items with a proposal, from the statistics' proposals table."""
    rows = r.stats.table("proposals").rows
    return number(sum(float(v) for row in rows if row[0] != NO_PROPOSAL for v in row[1:] if isinstance(v, int | float)))


def _proposed_table(r: _Report) -> StatTable:
    """Every item with a proposal, grouped by proposal in the template's order, then as consolidated."""
    rank = {proposal: index for index, proposal in enumerate(r.config.template.lists["proposals"])}
    items = [
        i for key in ITEM_KINDS for i in r.data.items[key] if (i.values.get("proposal") or NO_PROPOSAL) != NO_PROPOSAL
    ]
    items.sort(key=lambda i: rank.get(i.values["proposal"], len(rank)))
    rows = tuple(
        (
            n,
            str(i.values.get("name") or ""),
            i.unit.name,
            ITEM_KINDS[i.kind],
            i.total_score,
            i.classification,
            str(i.values["proposal"]),
            _reasons(i),
        )
        for n, i in enumerate(items, start=1)
    )
    columns = ("STT", "Tên mô hình, điển hình", "Đơn vị", "Loại", "Điểm tự chấm", "Xếp loại", "Đề xuất", REASONS)
    return StatTable("proposed_items", "Danh sách mô hình, điển hình được đề nghị", columns, rows)


REASONS = "Lý do (kết quả, thành tích nổi bật do đơn vị nêu)"
_REASON_KEYS = ("results", "achievements")  # the models' and the exemplary items' own account


def _reasons(item: Item) -> str:
    """The item's results or achievements as its unit wrote them, on one line."""
    text = " ".join(str(item.values.get(key) or "") for key in _REASON_KEYS)
    return " ".join(text.split())


def _unit_opinions(r: _Report, number_: str) -> None:
    r.subheading(f"{number_} Ý kiến, kiến nghị của các đơn vị")
    sheet = r.config.template.sheet("unit")
    labels = {f.key: f.label for f in sheet.fields}
    groups = [(labels.get(key, key), _answers(r.data.units, key)) for key in ANSWER_KEYS]
    groups = [(label, lines) for label, lines in groups if lines]
    for letter, (label, lines) in zip("abcdefgh", groups, strict=False):
        r.para(f"{letter}) {label}", italic=True)
        for line in lines:
            r.para(line)
    if not groups:
        r.para("Các đơn vị không nêu ưu điểm, hạn chế hoặc kiến nghị trong báo cáo.")


def _answers(units: Sequence[UnitStatus], key: str) -> list[str]:
    """One line per unit that answered ``key``, the unit's text on one line."""
    lines = []
    for status in units:
        text = " ".join(str(status.answers.get(key) or "").split())
        if text:
            lines.append(f"- {status.unit.name}: {text}")
    return lines


# --------------------------------------------------------------------------- signature and appendix


def _signature(r: _Report, spec: ReportSpec) -> None:
    r.para("", fmt.PLAIN)
    width = fmt.text_width_mm(r.org.document)
    left_width = width * SIGNATURE_LEFT_SHARE
    row = fmt.add_layout_table(r.doc, (left_width, width - left_width)).rows[0]
    fmt.keep_row_together(row)
    left, right = row.cells
    recipients = [(line if line.startswith("-") else f"- {line}", {"size": RECIPIENTS_PT}) for line in spec.recipients]
    _cell_lines(r, left, [("Nơi nhận:", {"underline": True}), *recipients], style=fmt.PLAIN)
    sig = r.org.signature
    lines = [(sig.on_behalf.upper(), {"bold": True}), (sig.position.upper(), {})]
    lines += [("", {})] * SIGNATURE_GAP_LINES + [(sig.name, {"bold": True})]
    _cell_lines(r, right, lines)


def _appendix(r: _Report) -> None:
    title = r.para("PHỤ LỤC", fmt.CENTERED, bold=True)
    title.paragraph_format.page_break_before = True
    r.para(
        f"(Kèm theo Báo cáo {_number_line(r.org, 'số')}, {r.when} của {r.org.reporter})",
        fmt.CENTERED,
        italic=True,
    )
    r.para("", fmt.CENTERED)
    for number_, key in enumerate(APPENDIX_TABLES, start=1):
        table = r.stats.table(key)
        r.table(table, appendix_caption(number_, table, r.year))


def appendix_caption(number_: int, table: StatTable, year: int) -> str:
    """``Biểu 1. <title> năm 2026``: the caption of appendix table ``number_``."""
    return f"Biểu {number_}. {table.title} năm {year}"
