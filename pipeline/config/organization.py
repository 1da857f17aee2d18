"""config/organization.yaml: who issues the reports, how they are signed and laid out -> :class:`Organization`.

Contract: every required heading, the signature, the "province" and "standing" reports and the
page format are there (``plan`` is optional, read by :mod:`.plan`); the charts fit between the A4 margins; ``level`` is "ward" or "province".
:func:`parse_organization` raises :class:`~pipeline.config.node.ConfigError` (file and key path)
on the first fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .node import Node
from .plan import Plan, parse_plan

A4_WIDTH_MM = 210.0  # the reports' page width (organization.yaml gives the margins)
WARD, PROVINCE = "ward", "province"
LEVELS = (WARD, PROVINCE)


@dataclass(frozen=True)
class ReportSpec:
    key: str
    file: str
    addressee: str
    subject: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Signature:
    on_behalf: str
    position: str
    name: str


@dataclass(frozen=True)
class DocumentFormat:
    font: str
    body_size: float
    margins_mm: Mapping[str, float]


@dataclass(frozen=True)
class ChartFormat:
    """The reports' charts (``charts`` in organization.yaml, optional): drawn or not, and their width."""

    enabled: bool = True
    width_mm: float = 150.0


@dataclass(frozen=True)
class Organization:
    upper_body: str
    issuing_body: str
    party_name: str
    ward_name: str
    place: str
    collecting_board: str
    document_symbol: str
    document_number: str
    signature: Signature
    reports: Mapping[str, ReportSpec]
    document: DocumentFormat
    charts: ChartFormat = ChartFormat()
    # "ward": the units are the ward's units; "province": the units are wards, whose summaries
    # (tong-hop-<year>.xlsx) are what the inbox receives (pipeline/intake/ward_summary.py).
    level: str = "ward"
    # Who speaks in the reports ("Đảng ủy phường Bình Định báo cáo ..."); default "Đảng ủy <ward_name>".
    author: str = ""
    # The movement's plan: basis documents, the round, next year's tasks (config/plan.py).
    plan: Plan = field(default_factory=Plan)

    @property
    def reporter(self) -> str:
        return self.author or f"Đảng ủy {self.ward_name}"

    @property
    def is_province(self) -> bool:
        return self.level == PROVINCE


def parse_organization(root: Node) -> Organization:
    m = root.mapping(
        (
            "upper_body",
            "issuing_body",
            "party_name",
            "ward_name",
            "place",
            "collecting_board",
            "document_symbol",
            "signature",
            "reports",
            "document",
        ),
        ("document_number", "charts", "level", "author", "plan"),
    )
    sig = m["signature"].mapping(("on_behalf", "position", "name"))
    doc = m["document"].mapping(("font", "body_size", "margins_mm"))
    margins = doc["margins_mm"].mapping(("top", "bottom", "left", "right"))
    reports = {key: _report(key, spec) for key, spec in m["reports"].entries()}
    for needed in ("province", "standing"):
        if needed not in reports:
            raise m["reports"].fail(f"thiếu báo cáo “{needed}”")
    return Organization(
        upper_body=m["upper_body"].text(),
        issuing_body=m["issuing_body"].text(),
        party_name=m["party_name"].text(),
        ward_name=m["ward_name"].text(),
        author=m["author"].text() if "author" in m else "",
        place=m["place"].text(),
        collecting_board=m["collecting_board"].text(),
        document_symbol=m["document_symbol"].text(),
        document_number=m["document_number"].text(allow_empty=True) if "document_number" in m else "",
        signature=Signature(sig["on_behalf"].text(), sig["position"].text(), sig["name"].text()),
        reports=reports,
        document=DocumentFormat(
            font=doc["font"].text(),
            body_size=doc["body_size"].number(),
            margins_mm={k: v.number() for k, v in margins.items()},
        ),
        charts=_charts(m["charts"], margins) if "charts" in m else ChartFormat(),
        level=m["level"].one_of(LEVELS) if "level" in m else WARD,
        plan=parse_plan(m["plan"]) if "plan" in m else Plan(),
    )


def _charts(node: Node, margins: Mapping[str, Node]) -> ChartFormat:
    """``charts``: ``enabled`` (true/false) and ``width_mm``, at most the width between the margins."""
    m = node.mapping((), ("enabled", "width_mm"))
    default = ChartFormat()
    enabled = m["enabled"].flag() if "enabled" in m else default.enabled
    width = m["width_mm"].number() if "width_mm" in m else default.width_mm
    text_width = A4_WIDTH_MM - margins["left"].number() - margins["right"].number()
    if not 0 < width <= text_width:
        where = m.get("width_mm", node)
        raise where.fail(f"độ rộng biểu đồ phải lớn hơn 0 và không quá {text_width:g} mm (khổ A4 trừ lề trái, lề phải)")
    return ChartFormat(enabled, width)


def _report(key: str, node: Node) -> ReportSpec:
    m = node.mapping(("file", "addressee", "subject", "recipients"))
    return ReportSpec(key, m["file"].text(), m["addressee"].text(), m["subject"].text(), m["recipients"].texts())
