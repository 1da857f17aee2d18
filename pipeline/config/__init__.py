"""Configuration stage: the YAML files in ``<root>/config`` -> one frozen :class:`Config`.

Contract: every file is validated on load. Unknown keys, missing keys and bad values raise
:class:`ConfigError` naming the file, the key path and what is allowed, so a clerk who edits
the YAML by hand sees exactly which line to fix. Nothing downstream re-checks the config.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import DvkError
from ..core.lifecycle import EVENT_LABELS, REGISTERED, STATE_LABELS, allowed
from ..core.upward import UpwardKey

FIELD_TYPES = ("text", "integer", "number", "date", "choice", "boolean")
SHEET_KINDS = ("form", "table")
PREFILLS = ("unit.code", "unit.name")
# Dates a template accepts (Excel's validation and the reader agree on this range).
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
# The calendar's rules per year; the first value of each is the default.
LATE_COUNTINGS = ("calendar-days", "working-days")
DEADLINE_SHIFTS = ("none", "next-working-day")
RESUBMISSION_POLICIES = ("keeps-original-date", "counts-as-late")
CALENDAR_DAYS, WORKING_DAYS = LATE_COUNTINGS
NO_SHIFT, NEXT_WORKING_DAY = DEADLINE_SHIFTS
KEEPS_ORIGINAL_DATE, COUNTS_AS_LATE = RESUBMISSION_POLICIES
# Longest holiday range accepted: a longer one is almost surely a typo in a year.
MAX_HOLIDAY_RANGE_DAYS = 31
A4_WIDTH_MM = 210.0  # the reports' page width (organization.yaml gives the margins)
# Evaluation rules (criteria.yaml, "rules"). "new" in a rule's state_in is an item that has no
# life-cycle state before the year (not in the register yet). A rule proposes a decision of the
# year (a lifecycle event that a unit's report or the 2025 import does not cover) or "none".
NEW_ITEM = "new"
NO_OUTCOME = "none"
RULE_STATES = (NEW_ITEM, *STATE_LABELS)
RULE_OUTCOMES = (*(e for e in EVENT_LABELS if e not in ("register", "import-legacy", "report")), NO_OUTCOME)
RULE_CONDITIONS = (
    "state_in",
    "total_at_least",
    "total_below",
    "class_in",
    "criteria_met_at_least",
    "years_running_at_least",
)
# Commending or rewarding an item that is not recognised yet recognises it first, in the same cycle
# (see pipeline/lifecycle.py), so these outcomes are reachable from any state that can be recognised.
AFTER_RECOGNITION = ("commend", "reward")


class ConfigError(DvkError):
    """A configuration file is missing, unreadable or invalid (exit code 2)."""

    def user_message(self) -> str:
        return f"Lỗi cấu hình: {self}"


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Field:
    """One cell of a form sheet or one column of a table sheet."""

    key: str
    label: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    choice_list: str = ""
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    help: str = ""
    width: int = 16
    prefill: str = ""
    criterion_set: str = ""
    criterion: str = ""

    @property
    def locked(self) -> bool:
        """Prefilled cells are the unit's identity: the template locks them."""
        return bool(self.prefill)

    @property
    def is_year(self) -> bool:
        """A year column (integer bounds within 1000..9999): shown without a thousands separator."""
        return (
            self.type == "integer"
            and self.min is not None
            and self.max is not None
            and 1000 <= self.min <= self.max <= 9999
        )


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    kind: str
    heading: str
    fields: tuple[Field, ...]
    rows: int = 0

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    def score_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.criterion_set)


@dataclass(frozen=True)
class TemplateSchema:
    version: str
    title: str
    lists: Mapping[str, tuple[str, ...]]
    instructions: tuple[str, ...]
    sheets: tuple[Sheet, ...]

    def sheet(self, key: str) -> Sheet:
        return next(s for s in self.sheets if s.key == key)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    max: float


@dataclass(frozen=True)
class CriteriaSet:
    key: str
    title: str
    criteria: tuple[Criterion, ...]

    @property
    def max_total(self) -> float:
        return sum(c.max for c in self.criteria)


@dataclass(frozen=True)
class ScoreClass:
    label: str
    min: float


@dataclass(frozen=True)
class Conditions:
    """What must all hold for a rule to fire; None or empty: no condition on that fact.

    ``states`` is never empty: a rule without ``state_in`` gets every state from which its outcome
    is a legal move (see :func:`outcome_reachable`)."""

    states: tuple[str, ...]
    total_at_least: float | None = None
    total_below: float | None = None
    classes: tuple[str, ...] = ()
    criteria_met_at_least: int | None = None
    years_running_at_least: int | None = None


@dataclass(frozen=True)
class Rule:
    """One evaluation rule: for items of ``kinds`` whose facts meet ``when``, propose ``outcome``."""

    name: str
    kinds: tuple[str, ...]
    when: Conditions
    outcome: str


@dataclass(frozen=True)
class Criteria:
    sets: Mapping[str, CriteriaSet]
    classification: tuple[ScoreClass, ...]
    proposal_minimum: Mapping[str, str]
    pass_share: float = 0.5
    rules: tuple[Rule, ...] = ()

    def classify(self, total: float) -> str:
        """The first class (highest minimum first) whose minimum the total reaches."""
        for score_class in self.classification:
            if total >= score_class.min:
                return score_class.label
        return self.classification[-1].label

    def rank(self, label: str) -> int:
        """Position of a class from the top (0 = best)."""
        return [c.label for c in self.classification].index(label)


@dataclass(frozen=True)
class Group:
    key: str
    label: str


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    group: str
    origin: str
    email: str
    min_models: int
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        """Whether the unit exists on ``day`` (created on or before it, not dissolved before it)."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Units:
    groups: tuple[Group, ...]
    origins: tuple[str, ...]
    units: tuple[Unit, ...]
    # How the reports name the former areas and the units that belong to none of them (a province
    # names former districts, and all its wards have one).
    origin_title: str = "xã, phường cũ"
    whole_area: str = "Cơ quan, đơn vị toàn phường"

    def get(self, code: str) -> Unit | None:
        return self._by_code.get(code)

    @functools.cached_property
    def _by_code(self) -> Mapping[str, Unit]:
        # Looked up per file and per item: a scan would make a province's 5,400 units quadratic.
        return {u.code: u for u in self.units}

    def active_on(self, day: dt.date) -> tuple[Unit, ...]:
        """The units that exist on ``day``, in configured order: those expected to report that year."""
        return tuple(u for u in self.units if u.active_on(day))

    def group_label(self, key: str) -> str:
        return next(g.label for g in self.groups if g.key == key)


@dataclass(frozen=True)
class Exemption:
    """A unit excused from reporting one year, and why (shown in its status)."""

    unit: str
    reason: str


@dataclass(frozen=True)
class YearCalendar:
    """One year's deadlines and the rules that say whether a file came on time."""

    year: int
    units_deadline: dt.date
    upward_deadline: dt.date
    holidays: frozenset[dt.date] = frozenset()
    late_counting: str = CALENDAR_DAYS
    deadline_shift: str = NO_SHIFT
    exempt: tuple[Exemption, ...] = ()
    resubmission_after_deadline: str = KEEPS_ORIGINAL_DATE
    # The last day for corrected files after feedback (optional; default: the units' deadline in force).
    corrections_deadline: dt.date | None = None

    @property
    def resubmit_by(self) -> dt.date:
        """The day by which a unit sends its corrected file back."""
        return self.corrections_deadline or self.deadline

    def is_working_day(self, day: dt.date) -> bool:
        """Monday to Friday and not a holiday of this year's list."""
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    @property
    def deadline(self) -> dt.date:
        """The units' deadline in force: ``units_deadline``, moved off a day off when so configured."""
        if self.deadline_shift == NEXT_WORKING_DAY:
            return self.next_working_day(self.units_deadline)
        return self.units_deadline

    def days_late(self, received: dt.date) -> int:
        """Days after the deadline in force; 0 when on time.

        Counting working days, a file received on a day off counts as received on the next working
        day: a file sent on the Saturday after a Friday deadline is 1 working day late, not 0."""
        deadline = self.deadline
        if received <= deadline:
            return 0
        if self.late_counting == CALENDAR_DAYS:
            return (received - deadline).days
        last = self.next_working_day(received)
        days = (deadline + dt.timedelta(days=n) for n in range(1, (last - deadline).days + 1))
        return sum(1 for day in days if self.is_working_day(day))

    def exemption(self, code: str) -> str | None:
        """Why the unit ``code`` is exempt this year, or None when it must report."""
        return next((e.reason for e in self.exempt if e.unit == code), None)


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
    # (tong-hop-<year>.xlsx) are what the inbox receives (pipeline/rollup.py).
    level: str = "ward"
    # Who speaks in the reports ("Đảng ủy phường Bình Định báo cáo ..."); default "Đảng ủy <ward_name>".
    author: str = ""

    @property
    def reporter(self) -> str:
        return self.author or f"Đảng ủy {self.ward_name}"

    @property
    def is_province(self) -> bool:
        return self.level == PROVINCE


WARD, PROVINCE = "ward", "province"
LEVELS = (WARD, PROVINCE)

NARRATIVE_PARTS = ("assessment", "tasks", "proposals")


@dataclass(frozen=True)
class Narrative:
    """What people wrote for a year's report, by part; an empty part is a placeholder in the report."""

    parts: Mapping[str, tuple[str, ...]]

    def part(self, key: str) -> tuple[str, ...]:
        return self.parts.get(key, ())


# --------------------------------------------------------------------------- mail (config/mail.yaml)

MAIL_KINDS = ("templates", "reminders", "feedback")
MAIL_SECURITIES = ("starttls", "ssl", "none")
# What a subject, a body or an attachment name may say: filled per unit by pipeline/mail.py.
MAIL_PLACEHOLDERS = (
    "unit_name",
    "unit_code",
    "year",
    "deadline",
    "resubmit_by",
    "findings_count",
    "expected",
    "sender_name",
)


@dataclass(frozen=True)
class MailServer:
    """The ward's outgoing mail server; the password is read from the environment variable named here."""

    host: str = "smtp.gmail.com"
    port: int = 587
    security: str = "starttls"
    user: str = ""
    password_env: str = "DVK_MAIL_PASSWORD"
    ca_file: str = ""
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class MailTemplate:
    subject: str
    body: str
    attachment_name: str = ""


DEFAULT_MAIL_TEMPLATES = {
    "templates": MailTemplate(
        "Mẫu biểu “Dân vận khéo” năm {year} gửi {unit_name}",
        "Kính gửi {unit_name},\n\nBan Xây dựng Đảng gửi kèm mẫu biểu báo cáo Phong trào thi đua “Dân vận khéo” "
        "năm {year} của đơn vị (mã {unit_code}). Đề nghị đơn vị điền đầy đủ và gửi lại trước ngày {deadline}.\n\n"
        "Trân trọng.\n{sender_name}\n",
        "Mẫu biểu Dân vận khéo {year} - {unit_code}.xlsx",
    ),
    "reminders": MailTemplate(
        "Nhắc gửi báo cáo “Dân vận khéo” năm {year}: {unit_name}",
        "Kính gửi {unit_name},\n\nHạn gửi báo cáo Phong trào thi đua “Dân vận khéo” năm {year} là ngày {deadline}. "
        "Ban Xây dựng Đảng còn chờ đơn vị:\n{expected}\n\nTrân trọng.\n{sender_name}\n",
    ),
    "feedback": MailTemplate(
        "Kết quả kiểm tra báo cáo “Dân vận khéo” năm {year}: {unit_name}",
        "Kính gửi {unit_name},\n\nTệp báo cáo của đơn vị có {findings_count} điểm cần xem lại, được đánh dấu "
        "trong tệp gửi kèm (sheet đầu “Kết quả kiểm tra”). Đề nghị đơn vị sửa ngay trên tệp này và gửi lại "
        "trước ngày {deadline}.\n\nTrân trọng.\n{sender_name}\n",
        "Phản hồi Dân vận khéo {year} - {unit_code}.xlsx",
    ),
}


@dataclass(frozen=True)
class MailSettings:
    """config/mail.yaml: server, sender, sending pace, receiving limits and the three kinds of message."""

    server: MailServer = field(default_factory=MailServer)
    sender_address: str = "ban-xdd@example.invalid"
    sender_name: str = "Ban Xây dựng Đảng"
    messages_per_minute: float = 20.0
    retries: int = 3
    retry_wait_seconds: float = 10.0
    utc_offset_hours: float = 7.0
    max_attachment_mb: float = 20.0
    templates: Mapping[str, MailTemplate] = field(default_factory=lambda: dict(DEFAULT_MAIL_TEMPLATES))


@dataclass(frozen=True)
class Config:
    root: Path
    organization: Organization
    units: Units
    calendar: Mapping[int, YearCalendar]
    template: TemplateSchema
    criteria: Criteria
    secret: bytes = field(repr=False, default=b"")
    narratives: Mapping[int, Narrative] = field(default_factory=dict)
    mail: MailSettings = field(default_factory=MailSettings)
    # The key the level above issued to sign this installation's summary (pipeline/upward.py).
    upward: UpwardKey | None = field(repr=False, default=None)

    def narrative(self, year: int) -> Narrative:
        return self.narratives.get(year, Narrative({}))

    def year(self, year: int) -> YearCalendar:
        """The calendar of ``year``; a year missing from calendar.yaml is a config error."""
        if year not in self.calendar:
            known = ", ".join(str(y) for y in sorted(self.calendar))
            raise ConfigError(
                f"config/calendar.yaml: chưa có năm {year} trong “years” (đang có: {known}). "
                f"Hãy thêm hạn nộp của năm {year}."
            )
        return self.calendar[year]


# --------------------------------------------------------------------------- reading


class Node:
    """A YAML value with its file and key path, for error messages that say where."""

    def __init__(self, value: Any, file: str, path: str = "") -> None:
        self.value = value
        self.file = file
        self.path = path

    def fail(self, problem: str) -> ConfigError:
        where = f"khóa “{self.path}”" if self.path else "nội dung tệp"
        return ConfigError(f"{self.file}: {where}: {problem}")

    def _child(self, key: str | int, value: Any) -> Node:
        path = f"{self.path}[{key}]" if isinstance(key, int) else (f"{self.path}.{key}" if self.path else key)
        return Node(value, self.file, path)

    def mapping(self, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Node]:
        if not isinstance(self.value, dict):
            raise self.fail("phải là một bảng khóa: giá trị")
        keys = {str(k) for k in self.value}
        unknown = sorted(keys - set(required) - set(optional))
        if unknown:
            allowed = ", ".join((*required, *optional))
            raise self.fail(f"khóa không được biết: {', '.join(unknown)}; các khóa hợp lệ: {allowed}")
        missing = [k for k in required if k not in keys]
        if missing:
            raise self.fail(f"thiếu khóa: {', '.join(missing)}")
        return {str(k): self._child(str(k), v) for k, v in self.value.items()}

    def items(self, allow_empty: bool = False) -> Iterator[Node]:
        if allow_empty and self.value in (None, []):
            return iter(())
        if not isinstance(self.value, list) or not self.value:
            raise self.fail("phải là một danh sách không rỗng")
        return (self._child(i, v) for i, v in enumerate(self.value))

    def entries(self) -> Iterator[tuple[str, Node]]:
        if not isinstance(self.value, dict) or not self.value:
            raise self.fail("phải là một bảng khóa: giá trị không rỗng")
        return ((str(k), self._child(str(k), v)) for k, v in self.value.items())

    def text(self, allow_empty: bool = False) -> str:
        if self.value is None and allow_empty:
            return ""
        if not isinstance(self.value, str | int | float) or isinstance(self.value, bool):
            raise self.fail("phải là một chuỗi ký tự")
        text = str(self.value)
        if not text.strip() and not allow_empty:
            raise self.fail("không được để trống")
        return text

    def number(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.fail(f"phải là một số (đang là “{self.value}”)")
        return float(self.value)

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"phải là một số nguyên (đang là “{self.value}”)")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail("phải là true hoặc false")
        return self.value

    def date(self) -> dt.date:
        # A YAML timestamp ("2026-11-25 08:00") is a datetime, which does not compare with dates.
        if not isinstance(self.value, dt.date) or isinstance(self.value, dt.datetime):
            raise self.fail(f"phải là một ngày dạng YYYY-MM-DD (đang là “{self.value}”)")
        return self.value

    def one_of(self, allowed: tuple[str, ...]) -> str:
        text = self.text()
        if text not in allowed:
            raise self.fail(f"giá trị “{text}” không hợp lệ; cho phép: {', '.join(allowed)}")
        return text

    def texts(self) -> tuple[str, ...]:
        return tuple(item.text() for item in self.items())


def load_yaml(path: Path, label: str) -> Node:
    """Parse one YAML file; a missing or malformed file is a :class:`ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{label}: không tìm thấy tệp cấu hình ({path}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{label}: không đọc được tệp ({exc}).") from None
    try:
        # libyaml when available (config of a province's 5,400 units: 10× faster); the pure-Python
        # loader reads a file libyaml refuses again, so that the message is always the same.
        return Node(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), label)
    except yaml.YAMLError:
        pass
    try:
        return Node(yaml.safe_load(text), label)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng {mark.line + 1}, cột {mark.column + 1})" if mark else ""
        raise ConfigError(f"{label}: lỗi cú pháp YAML{where}: {getattr(exc, 'problem', exc)}") from None


def load_config(root: Path) -> Config:
    """Load and cross-check every file of ``<root>/config``."""
    folder = root / "config"

    def node(name: str) -> Node:
        return load_yaml(folder / name, f"config/{name}")

    criteria_node = node("criteria.yaml")
    criteria = _criteria(criteria_node)
    template = _template(node("template.yaml"), criteria)
    _check_proposals(criteria, template, criteria_node)
    units = _units(node("units.yaml"))
    return Config(
        root=root,
        organization=_organization(node("organization.yaml")),
        units=units,
        calendar=_calendar(node("calendar.yaml"), units),
        template=template,
        criteria=criteria,
        secret=_secret(root),
        narratives=_narratives(node("narrative.yaml")),
        mail=load_mail_settings(folder),
        upward=_upward_key(root),
    )


def _narratives(root: Node) -> dict[int, Narrative]:
    years = root.mapping(("years",))["years"]
    if years.value is None:
        return {}
    narratives = {}
    for key, node in years.entries():
        if not key.isdigit():
            raise node.fail("năm phải là một số, ví dụ 2026")
        parts = node.mapping((), NARRATIVE_PARTS)
        narratives[int(key)] = Narrative({name: _paragraphs(value) for name, value in parts.items()})
    return narratives


def _paragraphs(node: Node) -> tuple[str, ...]:
    """A text split at empty lines, or a list of paragraphs; blanks dropped."""
    if isinstance(node.value, list):
        texts = [item.text(allow_empty=True) for item in node.items()] if node.value else []
    else:
        texts = node.text(allow_empty=True).split("\n\n")
    return tuple(" ".join(t.split()) for t in texts if t.strip())


def _secret(root: Path) -> bytes:
    from ..core.identity import SecretError, load_secret

    try:
        return load_secret(root)
    except SecretError as exc:
        raise ConfigError(str(exc)) from None


def _upward_key(root: Path) -> UpwardKey | None:
    from ..core.upward import UpwardKeyError, load_upward_key

    try:
        return load_upward_key(root)
    except UpwardKeyError as exc:
        raise ConfigError(str(exc)) from None


def _check_proposals(criteria: Criteria, template: TemplateSchema, node: Node) -> None:
    """Every proposal named in criteria.yaml must be one of the template's proposals."""
    allowed = template.lists.get("proposals", ())
    for proposal in criteria.proposal_minimum:
        if proposal not in allowed:
            raise node.fail(
                f"đề xuất “{proposal}” trong “proposal_minimum” không có trong danh sách “proposals” của template.yaml"
            )


# --------------------------------------------------------------------------- per file


def _organization(root: Node) -> Organization:
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
        ("document_number", "charts", "level", "author"),
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


def _units(root: Node) -> Units:
    m = root.mapping(("groups", "origins", "units"), ("default_min_models", "origin_title", "whole_area"))
    groups = tuple(
        Group(g["key"].text(), g["label"].text()) for g in (n.mapping(("key", "label")) for n in m["groups"].items())
    )
    origins = m["origins"].texts()
    default_min = m["default_min_models"].integer() if "default_min_models" in m else 1
    units = tuple(_unit(n, groups, origins, default_min) for n in m["units"].items())
    seen: set[str] = set()
    for unit_node, unit in zip(m["units"].items(), units, strict=True):
        if unit.code in seen:
            raise unit_node.fail(f"mã đơn vị “{unit.code}” bị trùng")
        seen.add(unit.code)
    labels = {key: m[key].text() for key in ("origin_title", "whole_area") if key in m}
    return Units(groups, origins, units, **labels)


def _unit(node: Node, groups: tuple[Group, ...], origins: tuple[str, ...], default_min: int) -> Unit:
    m = node.mapping(("code", "name", "group"), ("origin", "email", "min_models", "valid_from", "valid_to"))
    code = m["code"].text()
    if not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        raise m["code"].fail(f"mã “{code}” chỉ được gồm chữ không dấu, số, “-” và “_”")
    origin = m["origin"].text(allow_empty=True) if "origin" in m else ""
    if origin and origin not in origins:
        raise m["origin"].fail(f"“{origin}” không có trong “origins” ({', '.join(origins)})")
    valid_from, valid_to = _validity(m)
    return Unit(
        code=code,
        name=m["name"].text(),
        group=m["group"].one_of(tuple(g.key for g in groups)),
        origin=origin,
        email=m["email"].text(allow_empty=True) if "email" in m else "",
        min_models=m["min_models"].integer() if "min_models" in m else default_min,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def _validity(m: dict[str, Node]) -> tuple[dt.date | None, dt.date | None]:
    """``valid_from`` / ``valid_to`` of a unit (each optional), the first not after the second."""
    start = m["valid_from"].date() if "valid_from" in m else None
    end = m["valid_to"].date() if "valid_to" in m else None
    if start and end and end < start:
        raise m["valid_to"].fail(f"ngày {end.isoformat()} đứng trước “valid_from” ({start.isoformat()})")
    return start, end


def _calendar(root: Node, units: Units) -> dict[int, YearCalendar]:
    years = root.mapping(("years",))["years"]
    calendar = {}
    for key, node in years.entries():
        if not key.isdigit():
            raise node.fail("năm phải là một số, ví dụ 2026")
        calendar[int(key)] = _year(int(key), node, units)
    return calendar


def _year(year: int, node: Node, units: Units) -> YearCalendar:
    m = node.mapping(
        ("units_deadline", "upward_deadline"),
        (
            "holidays",
            "late_counting",
            "deadline_shift",
            "exempt",
            "resubmission_after_deadline",
            "corrections_deadline",
        ),
    )
    corrections = m["corrections_deadline"].date() if "corrections_deadline" in m else None
    if corrections is not None and corrections < m["units_deadline"].date():
        raise m["corrections_deadline"].fail("hạn gửi lại tệp đã sửa không được trước hạn gửi báo cáo (units_deadline)")
    return YearCalendar(
        year,
        m["units_deadline"].date(),
        m["upward_deadline"].date(),
        holidays=_holidays(m["holidays"], year) if "holidays" in m else frozenset(),
        late_counting=_choice(m, "late_counting", LATE_COUNTINGS),
        deadline_shift=_choice(m, "deadline_shift", DEADLINE_SHIFTS),
        exempt=_exemptions(m["exempt"], units) if "exempt" in m else (),
        resubmission_after_deadline=_choice(m, "resubmission_after_deadline", RESUBMISSION_POLICIES),
        corrections_deadline=corrections,
    )


def _choice(m: dict[str, Node], key: str, allowed: tuple[str, ...]) -> str:
    """An optional setting among ``allowed``; the first is the default."""
    return m[key].one_of(allowed) if key in m else allowed[0]


def _holidays(node: Node, year: int) -> frozenset[dt.date]:
    """Dates and ``{from, to}`` ranges (both ends included) of ``year`` or early ``year + 1``."""
    days: set[dt.date] = set()
    for item in node.items(allow_empty=True):
        first, last = _holiday_range(item) if isinstance(item.value, dict) else (item.date(),) * 2
        if first.year not in (year, year + 1) or last.year not in (year, year + 1):
            raise item.fail(f"ngày nghỉ phải thuộc năm {year} (hoặc đầu năm {year + 1}); hãy kiểm tra lại năm")
        days.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset(days)


def _holiday_range(node: Node) -> tuple[dt.date, dt.date]:
    m = node.mapping(("from", "to"))
    first, last = m["from"].date(), m["to"].date()
    if last < first:
        raise m["to"].fail(f"ngày {last.isoformat()} đứng trước “from” ({first.isoformat()})")
    if (last - first).days >= MAX_HOLIDAY_RANGE_DAYS:
        raise node.fail(f"một đợt nghỉ dài quá {MAX_HOLIDAY_RANGE_DAYS} ngày; hãy kiểm tra lại “from” và “to”")
    return first, last


def _exemptions(node: Node, units: Units) -> tuple[Exemption, ...]:
    """Exempt units of a year: each a unit of config/units.yaml, named once, with a reason."""
    exempt: list[Exemption] = []
    for item in node.items(allow_empty=True):
        m = item.mapping(("unit", "reason"))
        code = m["unit"].text()
        if units.get(code) is None:
            raise m["unit"].fail(f"mã đơn vị “{code}” không có trong danh sách đơn vị của config/units.yaml")
        if any(e.unit == code for e in exempt):
            raise m["unit"].fail(f"đơn vị “{code}” được ghi miễn báo cáo hai lần")
        exempt.append(Exemption(code, m["reason"].text()))
    return tuple(exempt)


def _criteria(root: Node) -> Criteria:
    m = root.mapping(("sets", "classification"), ("proposal_minimum", "pass_share", "rules"))
    sets = {}
    for key, node in m["sets"].entries():
        s = node.mapping(("title", "criteria"))
        criteria = tuple(_criterion(c) for c in s["criteria"].items())
        sets[key] = CriteriaSet(key, s["title"].text(), criteria)
    classes = tuple(
        ScoreClass(c["label"].text(), c["min"].number())
        for c in (n.mapping(("label", "min")) for n in m["classification"].items())
    )
    if list(classes) != sorted(classes, key=lambda c: -c.min):
        raise m["classification"].fail("các mức phải xếp theo điểm tối thiểu giảm dần")
    labels = tuple(c.label for c in classes)
    minimum = (
        {key: value.one_of(labels) for key, value in m["proposal_minimum"].entries()} if "proposal_minimum" in m else {}
    )
    pass_share = _pass_share(m["pass_share"]) if "pass_share" in m else 0.5
    rules = _rules(m["rules"], sets, labels) if "rules" in m else ()
    return Criteria(sets, classes, minimum, pass_share, rules)


def _pass_share(node: Node) -> float:
    share = node.number()
    if not 0 < share <= 1:
        raise node.fail(f"phải lớn hơn 0 và không quá 1 (đang là {share:g}), ví dụ 0.5 là một nửa điểm tối đa")
    return share


def outcome_reachable(state: str, outcome: str) -> bool:
    """Whether a rule may propose ``outcome`` for an item in ``state`` (a value of :data:`RULE_STATES`).

    A new item is registered in the cycle before any decision, so it moves like a registered one."""
    if outcome == NO_OUTCOME:
        return True
    moves = allowed(REGISTERED if state == NEW_ITEM else state)
    return outcome in moves or (outcome in AFTER_RECOGNITION and "recognise" in moves)


def _rules(node: Node, sets: Mapping[str, CriteriaSet], labels: tuple[str, ...]) -> tuple[Rule, ...]:
    """The ordered rules; names are unique because explanations quote them."""
    rules: list[Rule] = []
    for rule_node in node.items(allow_empty=True):
        rule = _rule(rule_node, sets, labels)
        if any(r.name == rule.name for r in rules):
            raise rule_node.fail(f"tên quy tắc “{rule.name}” bị trùng; mỗi quy tắc cần một tên riêng")
        rules.append(rule)
    return tuple(rules)


def _rule(node: Node, sets: Mapping[str, CriteriaSet], labels: tuple[str, ...]) -> Rule:
    m = node.mapping(("name", "outcome"), ("kinds", "when"))
    kinds = tuple(k.one_of(tuple(sets)) for k in m["kinds"].items()) if "kinds" in m else tuple(sets)
    outcome = m["outcome"].one_of(RULE_OUTCOMES)
    when = m["when"] if "when" in m else Node({}, node.file, f"{node.path}.when")
    fewest = min(len(sets[k].criteria) for k in kinds)
    return Rule(m["name"].text(), kinds, _conditions(when, outcome, labels, fewest), outcome)


def _conditions(node: Node, outcome: str, labels: tuple[str, ...], fewest_criteria: int) -> Conditions:
    m = node.mapping((), RULE_CONDITIONS)
    at_least = _bound(m, "total_at_least")
    below = _bound(m, "total_below")
    if at_least is not None and below is not None and at_least >= below:
        raise node.fail(
            f"“total_at_least” ({at_least:g}) phải nhỏ hơn “total_below” ({below:g}), "
            "nếu không quy tắc không bao giờ áp dụng"
        )
    return Conditions(
        states=_rule_states(m["state_in"], outcome) if "state_in" in m else _reachable_states(outcome),
        total_at_least=at_least,
        total_below=below,
        classes=tuple(c.one_of(labels) for c in m["class_in"].items()) if "class_in" in m else (),
        criteria_met_at_least=_count(m, "criteria_met_at_least", fewest_criteria),
        years_running_at_least=_count(m, "years_running_at_least", None),
    )


def _rule_states(node: Node, outcome: str) -> tuple[str, ...]:
    states = []
    for item in node.items():
        state = item.one_of(RULE_STATES)
        if not outcome_reachable(state, outcome):
            legal = ", ".join(o for o in RULE_OUTCOMES if outcome_reachable(state, o))
            raise item.fail(
                f"một mục ở trạng thái “{state}” ({state_label(state)}) không thể “{outcome}” "
                f"({EVENT_LABELS[outcome]}); từ trạng thái này chỉ có thể: {legal}"
            )
        states.append(state)
    return tuple(states)


def state_label(state: str) -> str:
    return "mục mới, chưa có trong sổ theo dõi" if state == NEW_ITEM else STATE_LABELS[state]


def _reachable_states(outcome: str) -> tuple[str, ...]:
    return tuple(s for s in RULE_STATES if outcome_reachable(s, outcome))


def _bound(m: dict[str, Node], key: str) -> float | None:
    if key not in m:
        return None
    value = m[key].number()
    if value < 0:
        raise m[key].fail(f"không được âm (đang là {value:g})")
    return value


def _count(m: dict[str, Node], key: str, most: int | None) -> int | None:
    if key not in m:
        return None
    value = m[key].integer()
    if value < 0 or (most is not None and value > most):
        top = f" đến {most} (số tiêu chí ít nhất trong các loại của quy tắc)" if most is not None else ""
        raise m[key].fail(f"phải là số nguyên từ 0{top} (đang là {value})")
    return value


def _criterion(node: Node) -> Criterion:
    m = node.mapping(("key", "label", "max"))
    max_score = m["max"].number()
    if max_score <= 0:
        raise m["max"].fail("điểm tối đa phải lớn hơn 0")
    return Criterion(m["key"].text(), m["label"].text(), max_score)


def _template(root: Node, criteria: Criteria) -> TemplateSchema:
    m = root.mapping(("version", "title", "lists", "instructions", "sheets"))
    lists = {key: node.texts() for key, node in m["lists"].entries()}
    sheets = tuple(_sheet(n, lists, criteria) for n in m["sheets"].items())
    keys = [s.key for s in sheets]
    for needed in ("unit", "models", "collectives", "individuals", "activities"):
        if needed not in keys:
            raise m["sheets"].fail(f"thiếu sheet có key “{needed}”")
    return TemplateSchema(m["version"].text(), m["title"].text(), lists, m["instructions"].texts(), sheets)


def _sheet(node: Node, lists: Mapping[str, tuple[str, ...]], criteria: Criteria) -> Sheet:
    m = node.mapping(("key", "title", "kind", "heading", "fields"), ("rows",))
    kind = m["kind"].one_of(SHEET_KINDS)
    title = m["title"].text()
    if len(title) > 31 or any(ch in title for ch in "[]:*?/\\"):
        raise m["title"].fail("tên sheet tối đa 31 ký tự và không chứa [ ] : * ? / \\")
    fields: list[Field] = []
    for field_node in m["fields"].items():
        fields.extend(_fields(field_node, lists, criteria))
    if len({f.key for f in fields}) != len(fields):
        raise m["fields"].fail("có hai cột trùng key")
    rows = m["rows"].integer() if "rows" in m else 0
    if kind == "table" and rows < 1:
        raise node.fail("sheet dạng bảng cần “rows” (số dòng chuẩn bị sẵn) lớn hơn 0")
    return Sheet(m["key"].text(), title, kind, m["heading"].text(), tuple(fields), rows)


def _fields(node: Node, lists: Mapping[str, tuple[str, ...]], criteria: Criteria) -> list[Field]:
    if isinstance(node.value, dict) and "criteria" in node.value:
        set_key = node.mapping(("criteria",))["criteria"].one_of(tuple(criteria.sets))
        return [_score_field(set_key, c) for c in criteria.sets[set_key].criteria]
    return [_field(node, lists)]


def _score_field(set_key: str, criterion: Criterion) -> Field:
    top = f"{criterion.max:g}"
    return Field(
        key=f"score_{criterion.key}",
        label=f"Điểm: {criterion.label} (tối đa {top})",
        type="number",
        required=True,
        min=0,
        max=criterion.max,
        width=12,
        help=f"Điểm tự chấm, từ 0 đến {top}",
        criterion_set=set_key,
        criterion=criterion.label,
    )


def _field(node: Node, lists: Mapping[str, tuple[str, ...]]) -> Field:
    m = node.mapping(
        ("key", "label", "type"),
        ("required", "choices", "min", "max", "max_length", "help", "width", "prefill"),
    )
    kind = m["type"].one_of(FIELD_TYPES)
    choice_list = ""
    if kind == "choice":
        if "choices" not in m:
            raise node.fail("cột dạng choice cần “choices” (tên một danh sách trong “lists”)")
        choice_list = m["choices"].one_of(tuple(lists))
    return Field(
        key=m["key"].text(),
        label=m["label"].text(),
        type=kind,
        required=m["required"].flag() if "required" in m else False,
        choices=lists[choice_list] if choice_list else (),
        choice_list=choice_list,
        min=m["min"].number() if "min" in m else None,
        max=m["max"].number() if "max" in m else None,
        max_length=m["max_length"].integer() if "max_length" in m else None,
        help=m["help"].text() if "help" in m else "",
        width=m["width"].integer() if "width" in m else 16,
        prefill=m["prefill"].one_of(PREFILLS) if "prefill" in m else "",
    )


# --------------------------------------------------------------------------- mail (config/mail.yaml)


def load_mail_settings(folder: Path) -> MailSettings:
    """config/mail.yaml, or the defaults when the ward has no such file (drafts still work)."""
    path = folder / "mail.yaml"
    if not path.exists():
        return MailSettings()
    root = load_yaml(path, "config/mail.yaml")
    m = root.mapping(("server", "sender", "messages"), ("sending", "receiving"))
    sender = m["sender"].mapping(("address",), ("name",))
    sending = (
        m["sending"].mapping((), ("messages_per_minute", "retries", "retry_wait_seconds")) if "sending" in m else {}
    )
    receiving = m["receiving"].mapping((), ("utc_offset_hours", "max_attachment_mb")) if "receiving" in m else {}
    defaults = MailSettings()
    return MailSettings(
        server=_mail_server(m["server"]),
        sender_address=_address(sender["address"]),
        sender_name=sender["name"].text() if "name" in sender else defaults.sender_name,
        messages_per_minute=_positive(sending, "messages_per_minute", defaults.messages_per_minute),
        retries=int(_at_least_zero(sending, "retries", defaults.retries)),
        retry_wait_seconds=_at_least_zero(sending, "retry_wait_seconds", defaults.retry_wait_seconds),
        utc_offset_hours=_utc_offset(receiving, defaults.utc_offset_hours),
        max_attachment_mb=_positive(receiving, "max_attachment_mb", defaults.max_attachment_mb),
        templates=_mail_templates(m["messages"]),
    )


def _mail_server(node: Node) -> MailServer:
    m = node.mapping(("host", "port", "security"), ("user", "password_env", "ca_file", "timeout_seconds"))
    port = m["port"].integer()
    if not 0 < port < 65536:
        raise m["port"].fail(f"cổng {port} không hợp lệ (thường là 587 với starttls, 465 với ssl)")
    password_env = m["password_env"].text() if "password_env" in m else MailServer.password_env
    if not password_env.replace("_", "").isalnum() or not password_env.isascii():
        raise m["password_env"].fail("tên biến môi trường chỉ gồm chữ không dấu, số và “_”, ví dụ DVK_MAIL_PASSWORD")
    return MailServer(
        host=m["host"].text(),
        port=port,
        security=m["security"].one_of(MAIL_SECURITIES),
        user=m["user"].text(allow_empty=True) if "user" in m else "",
        password_env=password_env,
        ca_file=m["ca_file"].text(allow_empty=True) if "ca_file" in m else "",
        timeout_seconds=_positive(m, "timeout_seconds", MailServer.timeout_seconds),
    )


def _address(node: Node) -> str:
    text = node.text().strip()
    if text.count("@") != 1 or " " in text or text.startswith("@") or text.endswith("@"):
        raise node.fail(f"“{text}” không phải một địa chỉ thư điện tử")
    return text


def _positive(m: Mapping[str, Node], key: str, default: float) -> float:
    if key not in m:
        return default
    value = m[key].number()
    if value <= 0:
        raise m[key].fail("phải là một số lớn hơn 0")
    return value


def _at_least_zero(m: Mapping[str, Node], key: str, default: float) -> float:
    if key not in m:
        return default
    value = m[key].number()
    if value < 0:
        raise m[key].fail("không được là số âm")
    return value


def _utc_offset(m: Mapping[str, Node], default: float) -> float:
    if "utc_offset_hours" not in m:
        return default
    value = m["utc_offset_hours"].number()
    if not -12 <= value <= 14:
        raise m["utc_offset_hours"].fail("phải nằm trong khoảng -12 đến 14 (Việt Nam: 7)")
    return value


def _mail_templates(node: Node) -> dict[str, MailTemplate]:
    m = node.mapping(MAIL_KINDS)
    return {kind: _mail_template(m[kind]) for kind in MAIL_KINDS}


def _mail_template(node: Node) -> MailTemplate:
    m = node.mapping(("subject", "body"), ("attachment_name",))
    for child in m.values():
        _check_placeholders(child)
    subject = m["subject"].text()
    if "\n" in subject.strip():
        raise m["subject"].fail("tiêu đề thư phải nằm trên một dòng")
    name = m["attachment_name"].text() if "attachment_name" in m else ""
    if any(c in name for c in '/\\:*?"<>|'):
        raise m["attachment_name"].fail('tên tệp đính kèm không được chứa các ký tự / \\ : * ? " < > |')
    return MailTemplate(" ".join(subject.split()), m["body"].text(), name)


def _check_placeholders(node: Node) -> None:
    """Every ``{name}`` in a subject, body or attachment name is one pipeline/mail.py can fill."""
    import string

    try:
        names = [field_name for _, field_name, _, _ in string.Formatter().parse(node.text()) if field_name is not None]
    except ValueError as exc:
        raise node.fail(f"dấu ngoặc {{ }} không khớp ({exc}); muốn viết dấu ngoặc thì gõ {{{{ hoặc }}}}") from None
    unknown = sorted({n for n in names if n not in MAIL_PLACEHOLDERS})
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in MAIL_PLACEHOLDERS)
        raise node.fail(
            f"không có chỗ điền {', '.join('{' + n + '}' for n in unknown)}; các chỗ điền hợp lệ: {allowed}"
        )
