"""Section III of the standing report: what Thường trực Đảng ủy is asked to give an opinion on.

Contract: three parts, each numbered by its caller: :func:`unit_issues` (the units late, whose
report was sent back, missing, or short of their minimum of models), :func:`proposed_items` (every
model and exemplary item a unit proposed for recognition, reward, replication or removal, in the
template's order of proposals, with the unit's own score and stated results as reasons; at a
province, each ward's count per proposal, the items themselves being in ``tong-hop``) and
:func:`unit_opinions` (the units' strengths, shortcomings and requests, the same statements
merged with how many units and which said each: :mod:`pipeline.year.statements`). The lists come
from the consolidation as it is; the counts from the statistics.
"""

from __future__ import annotations

from ...core.layout import OPINIONS_SHEET
from ...core.vnformat import number
from ...year.consolidate import LATE, MISSING, REJECTED, Item, UnitStatus
from ...year.stat_table import StatTable
from ...year.statements import NAMED_WARDS, QUESTIONS, unit_statements
from . import style as fmt
from .writer import ReportWriter

NO_PROPOSAL = "Không đề nghị"
ITEM_KINDS = {"models": "Mô hình", "collectives": "Điển hình tập thể", "individuals": "Điển hình cá nhân"}
# At a province, the statements listed under each question (the most said first).
LISTED_AT_PROVINCE = 15


def unit_issues(r: ReportWriter, number_: str) -> None:
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


def proposed_items(r: ReportWriter, number_: str) -> None:
    r.subheading(f"{number_} Mô hình, điển hình các đơn vị đề nghị công nhận, khen thưởng, nhân rộng hoặc thanh loại")
    table = r.stats.table("ward_proposals") if r.org.is_province else _proposed_table(r)
    if not table.rows:
        r.para("Các đơn vị không có đề nghị đối với mô hình, điển hình nào.")
        return
    if r.org.is_province:
        r.para(
            f"Các phường, xã đề nghị xem xét {_proposal_count(r)} mô hình, điển hình; số lượng theo từng "
            "phường, xã dưới đây, danh sách từng mô hình, điển hình tại bảng tổng hợp kèm theo:",
            fmt.LEAD_IN,
        )
    else:
        r.para(
            f"Các đơn vị đề nghị xem xét {_proposal_count(r)} mô hình, điển hình (điểm và xếp loại do đơn vị tự chấm):"
        )
    r.table(table)


def _proposal_count(r: ReportWriter) -> str:
    """Items with a proposal, from the statistics' proposals table."""
    rows = r.stats.table("proposals").rows
    return number(sum(float(v) for row in rows if row[0] != NO_PROPOSAL for v in row[1:] if isinstance(v, int | float)))


def _proposed_table(r: ReportWriter) -> StatTable:
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


def unit_opinions(r: ReportWriter, number_: str) -> None:
    """The statements under each question, merged, each with who said it. At a province (the
    units are wards) the statements said most come first, at most :data:`LISTED_AT_PROVINCE` a
    question; the rest are counted and left to the summary's "Ý kiến" sheet."""
    r.subheading(f"{number_} Ý kiến, kiến nghị của các đơn vị")
    sheet = r.config.template.sheet("unit")
    labels = {f.key: f.label for f in sheet.fields}
    answered = [(labels.get(key, key), unit_statements(r.data.units, key)) for key in QUESTIONS]
    answered = [(label, groups) for label, groups in answered if groups]
    province = r.org.is_province
    for letter, (label, groups) in zip("abcdefgh", answered, strict=False):
        r.para(f"{letter}) {label}", italic=True)
        listed = groups[:LISTED_AT_PROVINCE] if province else groups
        for group in listed:
            # The wards' and units' own words: quoted as written, never put in this level's terms.
            r.para(group.line(r.words.units, NAMED_WARDS if province else None), fmt.WRITTEN)
        if len(listed) < len(groups):
            rest = groups[len(listed) :]
            r.para(
                f"- Các ý kiến khác ({number(len(rest))} ý kiến) tại sheet “{OPINIONS_SHEET}” của bảng tổng hợp kèm theo."
            )
    if not answered:
        r.para("Các đơn vị không nêu ưu điểm, hạn chế hoặc kiến nghị trong báo cáo.")
