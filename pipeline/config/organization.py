"""config/organization.yaml: who issues the reports, how they are signed and laid out -> :class:`Organization`.

Contract: every required heading, the "province" and "standing" reports (each with the body that
issues it and its signer) and the page format are there (``plan`` is optional, read by
:mod:`.plan`); "T/M" (on behalf of) names a collective body (Hướng dẫn 36-HD/VPTW: never a board
or a person); the body's font size and the margins are in range; the charts fit between the A4 margins;
``level`` is "ward" or "province". :func:`parse_organization` raises
:class:`~pipeline.config.node.ConfigError` (file and key path) on the first fault. A signer's name
may be left empty until the reports are built: :meth:`Organization.require_signers` then raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .node import ConfigError, Node
from .plan import Plan, parse_plan

A4_WIDTH_MM = 210.0  # the reports' page width (organization.yaml gives the margins)
# The body's font size in points (Hướng dẫn 36-HD/VPTW: 13 or 14) and the widest margin, in mm,
# accepted: beyond them a report is not one anybody reads, and a negative one breaks the writer.
BODY_SIZES = (8, 20)
MAX_MARGIN_MM = 60
WARD, PROVINCE = "ward", "province"
LEVELS = (WARD, PROVINCE)


# "T/M" (thay mặt) is written only for these collective bodies.
COLLECTIVE_BODIES = ("BAN THƯỜNG VỤ", "BAN CHẤP HÀNH", "THƯỜNG TRỰC", "ĐẢNG ỦY", "ĐẢNG ĐOÀN", "BAN CÁN SỰ")


@dataclass(frozen=True)
class Issuer:
    """The left column of a report's header and the voice of its opening and closing: the upper
    body (regular caps), the issuing body (bold caps), the symbol after the number, the number
    itself (usually blank: the clerk writes it) and who speaks ("Ban Thường vụ Đảng ủy phường")."""

    upper: str
    body: str
    symbol: str
    number: str
    speaker: str


@dataclass(frozen=True)
class Signature:
    """``on_behalf``: "T/M BAN THƯỜNG VỤ" or "K/T TRƯỞNG BAN" or empty (the head of a board signs
    in their own title); ``position`` and ``name`` under it. ``missing`` is the error to raise
    when the reports are built while the name is still empty."""

    on_behalf: str
    position: str
    name: str
    missing: ConfigError | None = None


@dataclass(frozen=True)
class ReportSpec:
    key: str
    file: str
    addressee: str
    subject: str
    recipients: tuple[str, ...]
    issuer: Issuer
    signature: Signature
    closing: str  # the paragraph before "Nơi nhận", with {year}


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
class Wording:
    """The words the reports use where a ward's and a province's differ: who the reporting units
    are in full ("cơ quan, đơn vị, địa phương" / "đảng bộ phường, xã") and for short ("đơn vị" /
    "phường, xã"), the standing body the second report goes to, and the phrases of the ward's
    sentences that :meth:`say` rewrites in this level's terms, in order."""

    units_full: str
    units: str
    standing: str
    phrases: tuple[tuple[str, str], ...] = ()
    # A table's title or column label in a ward's terms -> this level's, when it is exactly that.
    labels: tuple[tuple[str, str], ...] = ()

    def say(self, text: str) -> str:
        """``text`` (a sentence written in a ward's terms) in this level's terms."""
        for ward_words, own_words in self.phrases:
            text = text.replace(ward_words, own_words)
        return text

    def heading(self, text: str) -> str:
        """A table's title or column label (written in a ward's terms) in this level's terms."""
        return dict(self.labels).get(text) or self.say(text)


WORDINGS = {
    WARD: Wording("cơ quan, đơn vị, địa phương", "đơn vị", "Thường trực Đảng ủy"),
    PROVINCE: Wording(
        "đảng bộ phường, xã",
        "phường, xã",
        "Thường trực Tỉnh ủy",
        (
            ("cơ quan, đơn vị, địa phương", "đảng bộ phường, xã"),
            ("Các đơn vị", "Các phường, xã"),
            ("các đơn vị", "các phường, xã"),
            ("của đơn vị", "của địa phương"),
            (" đơn vị ", " phường, xã "),
            (" đơn vị)", " phường, xã)"),
            ("Số đơn vị", "Số phường, xã"),
            ("Đơn vị đề xuất", "Phường, xã đề xuất"),
        ),
        (("Đơn vị", "Phường, xã"),),
    ),
}


@dataclass(frozen=True)
class Organization:
    party_name: str
    ward_name: str
    place: str
    collecting_board: str
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

    @property
    def wording(self) -> Wording:
        """The reports' words of this level (:data:`WORDINGS`)."""
        return WORDINGS[self.level]

    def require_signers(self) -> None:
        """Raise the configuration error of the first report whose signer has no name yet."""
        for spec in self.reports.values():
            if spec.signature.missing is not None:
                raise spec.signature.missing


def parse_organization(root: Node) -> Organization:
    m = root.mapping(
        ("party_name", "ward_name", "place", "collecting_board", "reports", "document"),
        ("charts", "level", "author", "plan"),
    )
    doc = m["document"].mapping(("font", "body_size", "margins_mm"))
    margins = doc["margins_mm"].mapping(("top", "bottom", "left", "right"))
    reports = {key: _report(key, spec) for key, spec in m["reports"].entries()}
    for needed in ("province", "standing"):
        if needed not in reports:
            raise m["reports"].fail(f"thiếu báo cáo “{needed}”")
    return Organization(
        party_name=m["party_name"].text(),
        ward_name=m["ward_name"].text(),
        author=m["author"].text() if "author" in m else "",
        place=m["place"].text(),
        collecting_board=m["collecting_board"].text(),
        reports=reports,
        document=DocumentFormat(
            font=doc["font"].text(),
            body_size=doc["body_size"].number(least=BODY_SIZES[0], most=BODY_SIZES[1]),
            margins_mm={k: v.number(least=0, most=MAX_MARGIN_MM) for k, v in margins.items()},
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
    m = node.mapping(("file", "addressee", "subject", "recipients", "issuer", "signature", "closing"))
    return ReportSpec(
        key,
        m["file"].text(),
        m["addressee"].text(),
        m["subject"].text(),
        m["recipients"].texts(),
        _issuer(m["issuer"]),
        _signature(m["signature"]),
        m["closing"].text(),
    )


def _issuer(node: Node) -> Issuer:
    m = node.mapping(("upper", "body", "symbol", "speaker"), ("number",))
    number = m["number"].text(allow_empty=True) if "number" in m else ""
    return Issuer(m["upper"].text(), m["body"].text(), m["symbol"].text(), number, m["speaker"].text())


def _signature(node: Node) -> Signature:
    m = node.mapping(("position", "name"), ("on_behalf",))
    on_behalf = m["on_behalf"].text(allow_empty=True) if "on_behalf" in m else ""
    behalf = " ".join(on_behalf.upper().split())
    if behalf.startswith("T/M") and not behalf[3:].strip().startswith(COLLECTIVE_BODIES):
        raise m["on_behalf"].fail(
            "“T/M” chỉ dùng khi ký thay mặt một tập thể lãnh đạo (Ban Thường vụ, Ban Chấp hành, Thường trực, "
            "Đảng ủy); trưởng ban ký thì để trống khóa này, cấp phó ký thay thì ghi “K/T TRƯỞNG BAN”"
        )
    name = m["name"].text(allow_empty=True)
    missing = None if name else m["name"].fail("chưa có họ và tên người ký báo cáo; hãy ghi họ và tên rồi chạy lại")
    return Signature(on_behalf, m["position"].text(), name, missing)
