"""An independent recount of every figure of both Word reports, for the report tests (not a test module).

The report tests must not take their expected values from ``pipeline.year`` (the statistics are the
code under test: a bug there would pass a test that compares the document with them). Here every
figure is counted again with plain loops over the units' standing (:class:`Standing`) and the items
as the units typed them (:class:`Entry`). Besides those records it knows only the configuration
(units with their group, former area and minimum of models, fields, classification thresholds,
the activity and unit-form fields, the reporter's name) and the report's words; it imports nothing
of ``pipeline.year`` or ``pipeline.outputs``.

Two tests feed it: ``tests/unit/outputs/test_report.py`` with the records of its hand-made
consolidation, ``tests/system/test_reconciliation.py`` with the inbox workbooks read by openpyxl.
:meth:`Recount.tables` gives every data table of both reports and of tong-hop's "Thống kê" sheet,
:meth:`Recount.paragraphs` every paragraph of a report that states a figure, in document order;
:func:`vn` is the tests' own Vietnamese number format.

Neither scenario has a council decision recorded: the "decided" columns of Biểu 4 and 5 are 0 and
no paragraph states a decided figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.config import Config

ON_TIME, LATE, REJECTED, MISSING, EXEMPT = "on-time", "late", "rejected", "missing", "exempt"
SENT = (ON_TIME, LATE)
NEW, CONTINUING = "Mới đăng ký", "Tiếp tục thực hiện"
NO_PROPOSAL = "Không đề nghị"
KINDS = {"models": "Mô hình", "collectives": "Điển hình tập thể", "individuals": "Điển hình cá nhân"}
EXEMPLARS = ("collectives", "individuals")
EVALUATION = ("Công nhận", "Công nhận lại", "Củng cố", "Đưa ra khỏi danh sách")
REWARDS = ("Biểu dương", "Khen thưởng", "Nhân rộng")
HONOURS = ("Biểu dương", "Khen thưởng")
TOP_MODELS = 5
# A best model's own figures, in the order its line states them.
MODEL_FIGURES = (
    ("people_reached", "{} người tham gia, hưởng lợi"),
    ("budget_vnd", "kinh phí {} đồng"),
    ("contributions_vnd", "xã hội hóa {} đồng"),
    ("labour_days", "{} ngày công"),
    ("land_m2", "hiến {} m² đất"),
)
# The models' resource fields: (key, column of Biểu 6).
RESOURCES = (
    ("budget_vnd", "Kinh phí (đồng)"),
    ("contributions_vnd", "Xã hội hóa (đồng)"),
    ("labour_days", "Ngày công"),
    ("land_m2", "Đất hiến (m²)"),
    ("people_reached", "Số người tham gia, hưởng lợi"),
)
WHOLE_AREA = "Cơ quan, đơn vị toàn phường"
TOTAL = "Tổng cộng"

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Entry:
    """A model, exemplary collective or individual as its unit typed it."""

    kind: str  # models, collectives, individuals
    unit: str  # the unit's code
    values: Mapping[str, Any]  # by the template's field key: name, field, status, proposal, resources ...
    score: float  # the sum of its self-assessed scores


@dataclass(frozen=True)
class Standing:
    """Where one unit of the year stands, and the activity figures of its accepted file (if any)."""

    code: str
    status: str  # ON_TIME, LATE, REJECTED, MISSING, EXEMPT
    file: str = ""  # the accepted file whose figures count ("" when none)
    days_late: int = 0
    activities: Mapping[str, float] = field(default_factory=dict)  # by field key


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row | None = None

    def text(self) -> list[list[str]]:
        """The table as a report shows it: header, rows, total, each cell in :func:`vn`."""
        return [[vn(v) for v in row] for row in self._all()]

    def cells(self) -> list[list[Any]]:
        """The table as a worksheet holds it: an empty text is an empty cell."""
        return [[None if v == "" else v for v in row] for row in self._all()]

    def _all(self) -> list[Row]:
        return [self.columns, *self.rows, *([self.total] if self.total else [])]


def vn(value: Any) -> str:
    """The tests' own Vietnamese number format: 1.234.567 and 12,5."""
    if isinstance(value, str):
        return value
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, frac = f"{value:.2f}".rstrip("0").split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac


def with_total(rows: Sequence[Row]) -> Row:
    return (TOTAL, *(sum(row[i] for row in rows) for i in range(1, len(rows[0]))))


def proposal(entry: Entry) -> str:
    return str(entry.values.get("proposal") or NO_PROPOSAL)


class Recount:
    """Every figure of one year, counted from its units and items; ``before`` is last year's, when
    the reports compare with it."""

    def __init__(
        self,
        config: Config,
        year: int,
        units: Sequence[Standing],
        items: Sequence[Entry],
        before: Recount | None = None,
    ) -> None:
        self.config, self.year, self.units, self.items, self.before = config, year, tuple(units), tuple(items), before
        self.unit_of = {u.code: u for u in config.units.units}
        self.models = self.of("models")

    # ----------------------------------------------------------------------- counting

    def of(self, kind: str, keep: Callable[[Entry], bool] = lambda e: True) -> list[Entry]:
        return [e for e in self.items if e.kind == kind and keep(e)]

    def status_count(self, *statuses: str) -> int:
        return sum(1 for u in self.units if u.status in statuses)

    def classify(self, score: float) -> str:
        ordered = sorted(self.config.criteria.classification, key=lambda c: -c.min)
        return next(c.label for c in ordered if score >= c.min)

    def new_and_continuing(self, models: Sequence[Entry]) -> tuple[int, int]:
        statuses = [m.values.get("status") for m in models]
        return statuses.count(NEW), statuses.count(CONTINUING)

    def breakdown(self, keep: Callable[[Entry], bool]) -> Row:
        models = self.of("models", keep)
        return (*self.new_and_continuing(models), len(models), *(len(self.of(k, keep)) for k in EXEMPLARS))

    def resource(self, key: str, models: Sequence[Entry] | None = None) -> float:
        return float(sum(m.values.get(key) or 0 for m in (self.models if models is None else models)))

    def activity(self, key: str) -> float:
        """The units' answers added up; a yes/no answer counts a unit ("Có" or True)."""
        return float(sum(_counted(u.activities.get(key)) for u in self.units))

    def proposed(self, label: str, kinds: Sequence[str]) -> int:
        return sum(1 for kind in kinds for e in self.of(kind) if proposal(e) == label)

    def below_minimum(self) -> list[tuple[Standing, int]]:
        """The units that sent a report with fewer models than their minimum, with their count."""
        counts = [(u, len(self.of("models", lambda e, c=u.code: e.unit == c))) for u in self.units]
        return [(u, n) for u, n in counts if u.status in SENT and n < self.unit_of[u.code].min_models]

    def breakdowns(self) -> dict[str, tuple[str, str, list[tuple[str, Callable[[Entry], bool]]]]]:
        """Each breakdown table: its title, its first column and its rows (label, which items)."""
        group = {u.code: u.group for u in self.config.units.units}
        origin = {u.code: u.origin for u in self.config.units.units}
        fields = self.config.template.lists["fields"]
        return {
            "by_field": ("Mô hình, điển hình theo lĩnh vực", "Lĩnh vực", [(f, _field_is(f)) for f in fields]),
            "by_group": (
                "Mô hình, điển hình theo khối",
                "Khối",
                [(g.label, lambda e, k=g.key: group[e.unit] == k) for g in self.config.units.groups],
            ),
            "by_origin": (
                "Mô hình, điển hình theo địa bàn (xã, phường cũ)",
                "Địa bàn",
                [(o or WHOLE_AREA, lambda e, o=o: origin[e.unit] == o) for o in (*self.config.units.origins, "")],
            ),
        }

    def keyed(self) -> dict[str, float]:
        """The figures compared with last year, by row label of the comparison table."""
        new, continuing = self.new_and_continuing(self.models)
        return {
            "Tổng số mô hình": len(self.models),
            "Mô hình mới đăng ký": new,
            "Mô hình tiếp tục thực hiện": continuing,
            "Điển hình tập thể": len(self.of("collectives")),
            "Điển hình cá nhân": len(self.of("individuals")),
            "Đơn vị gửi báo cáo hợp lệ": self.status_count(*SENT),
            "Lượt người tham gia, hưởng lợi": self.resource("people_reached"),
            "Kinh phí (đồng)": self.resource("budget_vnd"),
            "Xã hội hóa (đồng)": self.resource("contributions_vnd"),
            "Cuộc đối thoại trực tiếp": self.activity("dialogues"),
        }

    # ----------------------------------------------------------------------- tables

    def tables(self) -> dict[str, Table]:
        """Every statistics table of the year by its key, and the standing report's list (``proposed_items``)."""
        tables = {
            "units": self._units_table(),
            **self._breakdown_tables(),
            "resources": self._resources_table(),
            **self._count_tables(),
            "activities": self._activities_table(),
            **self._lists(),
            "units_by_field": self._units_by_field(),
            "exemplars": self._exemplars(),
            "evaluation": self._outcomes("Kết quả đánh giá mô hình, điển hình", EVALUATION),
            "rewards": self._outcomes("Biểu dương, khen thưởng, nhân rộng mô hình, điển hình", REWARDS),
            "proposed_items": self._proposed_items(),
        }
        if self.before is not None:
            tables["year_on_year"] = self._year_on_year(self.before)
        return tables

    def _units_table(self) -> Table:
        rows = []
        for group in self.config.units.groups:
            members = [u.status for u in self.units if self.unit_of[u.code].group == group.key]
            rows.append((group.label, len(members), *(members.count(s) for s in (*SENT, REJECTED, MISSING, EXEMPT))))
        columns = ("Khối", "Số đơn vị", "Đúng hạn", "Trễ hạn", "Bị trả lại", "Chưa gửi", "Miễn báo cáo")
        return Table("Tình hình gửi báo cáo của các đơn vị", columns, tuple(rows), with_total(rows))

    def _breakdown_tables(self) -> dict[str, Table]:
        columns = ("Mô hình mới", "Mô hình tiếp tục", "Tổng số mô hình", "Điển hình tập thể", "Điển hình cá nhân")
        change = () if self.before is None else (f"Mô hình tăng (+), giảm (-) so với năm {self.year - 1}",)
        tables = {}
        for key, (title, first, rows_of) in self.breakdowns().items():
            rows = [(label, *self.breakdown(keep), *self._model_change(keep)) for label, keep in rows_of]
            tables[key] = Table(title, (first, *columns, *change), tuple(rows), with_total(rows))
        return tables

    def _model_change(self, keep: Callable[[Entry], bool]) -> tuple[int, ...]:
        """The change in models of a breakdown row on last year (nothing when last year is unknown)."""
        if self.before is None:
            return ()
        return (len(self.of("models", keep)) - len(self.before.of("models", keep)),)

    def _resources_table(self) -> Table:
        rows = [
            (f, *(self.resource(key, self.of("models", _field_is(f))) for key, _ in RESOURCES))
            for f in self.config.template.lists["fields"]
        ]
        columns = ("Lĩnh vực", *(label for _, label in RESOURCES))
        return Table("Nguồn lực huy động qua các mô hình", columns, tuple(rows), with_total(rows))

    def _per_kind(self, title: str, first: str, labels: Sequence[str], count: Callable[[str, Entry], bool]) -> Table:
        rows = [(label, *(len(self.of(kind, lambda e, x=label: count(x, e))) for kind in KINDS)) for label in labels]
        return Table(title, (first, *KINDS.values()), tuple(rows), with_total(rows))

    def _count_tables(self) -> dict[str, Table]:
        classes = [c.label for c in self.config.criteria.classification]
        return {
            "classification": self._per_kind(
                "Xếp loại theo điểm tự chấm", "Xếp loại", classes, lambda label, e: self.classify(e.score) == label
            ),
            "proposals": self._per_kind(
                "Đề xuất của các đơn vị",
                "Đề xuất",
                self.config.template.lists["proposals"],
                lambda label, e: proposal(e) == label,
            ),
        }

    def _activities_table(self) -> Table:
        """The fields that add up (numbers; a yes/no answer as a count of units), texts and dates left out."""
        specs = [s for s in self.config.template.sheet("activities").fields if s.type in COUNTED_TYPES]
        label = {s.key: f"{s.label} (số đơn vị)" if s.type == "boolean" else s.label for s in specs}
        if self.before is None:
            return Table(
                "Kết quả công tác dân vận",
                ("Nội dung", "Số lượng"),
                tuple((label[s.key], self.activity(s.key)) for s in specs),
            )
        rows = [
            (
                label[s.key],
                self.before.activity(s.key),
                self.activity(s.key),
                self.activity(s.key) - self.before.activity(s.key),
            )
            for s in specs
        ]
        columns = ("Nội dung", f"Năm {self.year - 1}", f"Năm {self.year}", "Tăng (+), giảm (-)")
        return Table("Kết quả công tác dân vận", columns, tuple(rows))

    def _year_on_year(self, before: Recount) -> Table:
        this, last = self.keyed(), before.keyed()
        rows = [(label, last[label], this[label], this[label] - last[label]) for label in this]
        columns = ("Nội dung", f"Năm {self.year - 1}", f"Năm {self.year}", "Tăng (+), giảm (-)")
        return Table(f"So sánh với năm {self.year - 1}", columns, tuple(rows))

    def _units_by_field(self) -> Table:
        fields = self.config.template.lists["fields"]
        rows = []
        for unit in (u for u in self.units if u.status in SENT or (u.status == EXEMPT and u.file)):
            models = self.of("models", lambda e, c=unit.code: e.unit == c)
            counts = [
                sum(1 for m in models if m.values.get("field") == f and m.values.get("status") == s)
                for f in fields
                for s in (NEW, CONTINUING)
            ]
            rows.append((self.unit_of[unit.code].name, *counts, len(models)))
        columns = tuple(f"{f}: {w}" for f in fields for w in ("Mới", "Tiếp tục"))
        title = "Mô hình của các đơn vị theo lĩnh vực (mới đăng ký, tiếp tục thực hiện)"
        return Table(title, ("Đơn vị", *columns, "Tổng số"), tuple(rows), with_total(rows))

    def _exemplars(self) -> Table:
        rows = []
        for f in self.config.template.lists["fields"]:
            counts = [len(self.of(kind, _field_is(f))) for kind in EXEMPLARS]
            rows.append((f, *counts, sum(counts)))
        columns = ("Lĩnh vực", "Điển hình tập thể", "Điển hình cá nhân", "Tổng số")
        return Table("Điển hình tập thể, điển hình cá nhân theo lĩnh vực", columns, tuple(rows), with_total(rows))

    def _outcomes(self, title: str, labels: Sequence[str]) -> Table:
        rows = [(label, self.proposed(label, ("models",)), 0, self.proposed(label, EXEMPLARS), 0) for label in labels]
        columns = (
            "Nội dung",
            "Mô hình: Đơn vị đề xuất",
            "Mô hình: Ban chỉ đạo quyết định",
            "Điển hình: Đơn vị đề xuất",
            "Điển hình: Ban chỉ đạo quyết định",
        )
        return Table(title, columns, tuple(rows), with_total(rows))

    def _item_row(self, entry: Entry, *middle: Any) -> Row:
        """Name and unit, then ``middle``, then score, class and proposal: the lists' common shape."""
        name = str(entry.values.get("name") or "")
        ending = (entry.score, self.classify(entry.score), proposal(entry))
        return (name, self.unit_of[entry.unit].name, *middle, *ending)

    def _lists(self) -> dict[str, Table]:
        models = [
            (n, *self._item_row(m, m.values.get("field"), m.values.get("status")))
            for n, m in enumerate(self.models, start=1)
        ]
        kinds = list(KINDS)
        honoured = sorted(
            (e for e in self.items if proposal(e) in HONOURS), key=lambda e: (kinds.index(e.kind), -e.score)
        )
        outstanding = [
            (n, *self._item_row(e, KINDS[e.kind], e.values.get("field"))) for n, e in enumerate(honoured, start=1)
        ]
        return {
            "model_list": Table(
                "Danh sách mô hình “Dân vận khéo”",
                ("STT", "Tên mô hình", "Đơn vị", "Lĩnh vực", "Tình trạng", "Điểm tự chấm", "Xếp loại", "Đề xuất"),
                tuple(models),
            ),
            "outstanding": Table(
                "Danh sách mô hình, điển hình tiêu biểu đề nghị biểu dương, khen thưởng",
                ("STT", "Tên mô hình, điển hình", "Đơn vị", "Loại", "Lĩnh vực", "Điểm tự chấm", "Xếp loại", "Đề xuất"),
                tuple(outstanding),
            ),
        }

    def _proposed(self) -> list[Entry]:
        """The items with a proposal, by proposal in the template's order (then as listed)."""
        order = self.config.template.lists["proposals"]
        return sorted((e for e in self.items if proposal(e) != NO_PROPOSAL), key=lambda e: order.index(proposal(e)))

    def _proposed_items(self) -> Table:
        """The standing report's list of items with a proposal, with the unit's own account as reasons."""
        rows = []
        for n, e in enumerate(self._proposed(), start=1):
            reasons = " ".join(str(e.values.get("results") or e.values.get("achievements") or "").split())
            name, unit, score, class_, proposed = self._item_row(e)
            rows.append((n, name, unit, KINDS[e.kind], score, class_, proposed, reasons))
        columns = ("STT", "Tên mô hình, điển hình", "Đơn vị", "Loại", "Điểm tự chấm", "Xếp loại", "Đề xuất")
        return Table(
            "Danh sách mô hình, điển hình được đề nghị",
            (*columns, "Lý do (kết quả, thành tích nổi bật do đơn vị nêu)"),
            tuple(rows),
        )

    # ----------------------------------------------------------------------- paragraphs

    def paragraphs(self, kind: str) -> list[str]:
        """Every paragraph of report ``kind`` ("province" or "standing") that states a figure, in order."""
        lines = [
            self._leadership(),
            *self._below_minimum_sentence(),
            self._registration(),
            *self._breakdown_sentences(),
            *(self._model_line(m) for m in self._top_models()),
            self._resources_sentence(),
            *self._proposed_sentence(EVALUATION),
            *self._proposed_sentence(REWARDS),
            self._activities_sentence(),
            *self._plan_sentences(),
        ]
        if kind == "standing":
            lines += [*self._issues(), *self._proposal_count()]
        return lines

    def _leadership(self) -> str:
        tails = [
            f"đã có {self.status_count(*SENT)} đơn vị gửi báo cáo "
            f"({self.status_count(ON_TIME)} đúng hạn, {self.status_count(LATE)} trễ hạn)"
        ]
        if self.status_count(REJECTED):
            tails.append(f"{self.status_count(REJECTED)} đơn vị có báo cáo bị trả lại, chưa gửi lại")
        if self.status_count(MISSING):
            tails.append(f"{self.status_count(MISSING)} đơn vị chưa gửi")
        expected = len(self.units) - self.status_count(EXEMPT)
        return (
            f"{self.config.organization.reporter} chỉ đạo {expected} cơ quan, đơn vị, địa phương báo cáo kết quả "
            f"thực hiện Phong trào thi đua “Dân vận khéo” năm {self.year}; {', '.join(tails)}."
        )

    def _below_minimum_sentence(self) -> list[str]:
        below = len(self.below_minimum())
        return [f"Có {below} đơn vị chưa xây dựng đủ số mô hình tối thiểu theo kế hoạch."] if below else []

    def _registration(self) -> str:
        new, continuing = self.new_and_continuing(self.models)
        collectives, individuals = (len(self.of(k)) for k in EXEMPLARS)
        text = (
            f"Năm {self.year}, các cơ quan, đơn vị, địa phương đăng ký, xây dựng {len(self.models)} mô hình "
            f"“Dân vận khéo” ({new} mô hình mới đăng ký, {continuing} mô hình tiếp tục thực hiện) và "
            f"{collectives + individuals} điển hình ({collectives} điển hình tập thể, {individuals} điển hình cá nhân)."
        )
        if self.before is None:
            return text
        change = len(self.models) - len(self.before.models)
        if change == 0:
            return f"{text} Tổng số bằng năm {self.year - 1}."
        return f"{text} Tổng số {'tăng' if change > 0 else 'giảm'} {abs(change)} mô hình so với năm {self.year - 1}."

    def _breakdown_sentences(self) -> list[str]:
        leads = {"by_field": "Theo lĩnh vực", "by_origin": "Theo địa bàn", "by_group": "Theo khối"}
        since = "" if self.before is None else f" (so với năm {self.year - 1})"
        sentences = []
        for key, lead in leads.items():
            _, _, rows_of = self.breakdowns()[key]
            parts = [
                f"{label} {len(self.of('models', keep))} mô hình{_change_words(self._model_change(keep))}"
                for label, keep in rows_of
            ]
            sentences.append(f"{lead}{since}: {'; '.join(parts)}.")
        return sentences

    def _top_models(self) -> list[Entry]:
        """The best-scored models, ties by name."""
        return sorted(self.models, key=lambda m: (-m.score, str(m.values.get("name") or "")))[:TOP_MODELS]

    def _model_line(self, model: Entry) -> str:
        """A best model's line: its unit, field and score, then its results as written and its own non-zero figures."""
        results = " ".join(str(model.values.get("results") or "").split()).rstrip(" .;,")
        parts = [results] if results else []
        parts += [text.format(vn(model.values[key])) for key, text in MODEL_FIGURES if model.values.get(key)]
        about = f"{self.unit_of[model.unit].name}; lĩnh vực {model.values.get('field')}; {vn(model.score)} điểm"
        tail = f": {'; '.join(parts)}." if parts else "."
        return f"- Mô hình “{model.values.get('name')}” ({about}){tail}"

    def _resources_sentence(self) -> str:
        amounts = {key: vn(self.resource(key)) for key, _ in RESOURCES}
        return (
            f"Các mô hình đã huy động kinh phí {amounts['budget_vnd']} đồng, xã hội hóa {amounts['contributions_vnd']} "
            f"đồng, {amounts['labour_days']} ngày công, {amounts['land_m2']} m² đất hiến; "
            f"{amounts['people_reached']} lượt người tham gia, hưởng lợi."
        )

    def _proposed_sentence(self, labels: Sequence[str]) -> list[str]:
        """What the units proposed among ``labels`` (none: a sentence without a figure, so nothing)."""
        parts = []
        for label in labels:
            counts = [(self.proposed(label, ("models",)), "mô hình"), (self.proposed(label, EXEMPLARS), "điển hình")]
            items = ", ".join(f"{n} {noun}" for n, noun in counts if n)
            if items:
                parts.append(f"{label.lower()} {items}")
        return [f"Các đơn vị đề nghị {'; '.join(parts)}."] if parts else []

    def _activities_sentence(self) -> str:
        a = {key: vn(self.activity(key)) for key in (s.key for s in self.config.template.sheet("activities").fields)}
        return (
            f"Trong năm, các đơn vị đã tổ chức {a['dialogues']} cuộc đối thoại trực tiếp giữa người đứng đầu với "
            f"Nhân dân; tiếp nhận {a['petitions_received']} kiến nghị của Nhân dân, đã giải quyết "
            f"{a['petitions_resolved']} kiến nghị; {a['staff_trained']} lượt cán bộ được bồi dưỡng, tập huấn; "
            f"{a['propaganda_items']} tin, bài tuyên truyền; phát sinh {a['hotspots_arising']} vụ việc có nguy cơ "
            f"thành “điểm nóng”, đã giải quyết {a['hotspots_resolved']} vụ việc."
        )

    def _plan_sentences(self) -> list[str]:
        """What the plan asks beyond the activities sentence, each when some unit reported its fields."""
        a = {key: vn(self.activity(key)) for key in (s.key for s in self.config.template.sheet("activities").fields)}
        reporting = sum(1 for u in self.units if u.activities.get("own_plan") is not None)
        sentences = {
            ("own_plan",): f"Có {a['own_plan']}/{reporting} cơ quan, đơn vị, địa phương ban hành kế hoạch thực "
            "hiện Phong trào thi đua “Dân vận khéo” của đơn vị.",
            ("training_higher_staff", "training_own_courses", "training_own_staff"): "Về bồi dưỡng, tập huấn: "
            f"{a['training_higher_staff']} lượt cán bộ được cử tham gia các lớp do cấp trên tổ chức; các đơn vị tự "
            f"tổ chức {a['training_own_courses']} lớp với {a['training_own_staff']} lượt cán bộ tham gia.",
            ("dedicated_pages", "dedicated_columns"): f"Về thông tin, tuyên truyền: duy trì {a['dedicated_pages']} "
            f"chuyên trang, {a['dedicated_columns']} chuyên mục về công tác dân vận, Phong trào thi đua “Dân vận khéo”.",
            ("hotspots_compensation",): "Các vụ việc “điểm nóng” đã ngăn chặn, giải quyết theo lĩnh vực: bồi thường, "
            f"giải phóng mặt bằng {a['hotspots_compensation']}; tái định cư {a['hotspots_resettlement']}; tranh chấp "
            f"đất đai {a['hotspots_land_disputes']}; dân tộc, tôn giáo {a['hotspots_ethnic_religious']}; lĩnh vực "
            f"khác {a['hotspots_other']}.",
            ("supervisions", "social_criticisms"): "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội đã tổ chức "
            f"{a['supervisions']} cuộc giám sát, {a['social_criticisms']} cuộc phản biện xã hội.",
        }
        return [
            text
            for keys, text in sentences.items()
            if all(any(u.activities.get(key) is not None for u in self.units) for key in keys)
        ]

    def _issues(self) -> list[str]:
        """The standing report's lists of units late, sent back, missing and short of models."""
        name = {code: unit.name for code, unit in self.unit_of.items()}
        groups = (
            (
                "Gửi báo cáo trễ hạn",
                [f"{name[u.code]} (trễ hạn {u.days_late} ngày)" for u in self.units if u.status == LATE],
            ),
            ("Có báo cáo bị trả lại, chưa gửi lại", [name[u.code] for u in self.units if u.status == REJECTED]),
            ("Chưa gửi báo cáo", [name[u.code] for u in self.units if u.status == MISSING]),
            (
                "Chưa xây dựng đủ số mô hình tối thiểu",
                [
                    f"{name[u.code]} (có {n} mô hình, tối thiểu {self.unit_of[u.code].min_models})"
                    for u, n in self.below_minimum()
                ],
            ),
        )
        return [f"- {title} ({len(names)} đơn vị): {'; '.join(names)}." for title, names in groups if names]

    def _proposal_count(self) -> list[str]:
        count = len(self._proposed())
        return (
            [f"Các đơn vị đề nghị xem xét {count} mô hình, điển hình (điểm và xếp loại do đơn vị tự chấm):"]
            if count
            else []
        )


def _field_is(name: str) -> Callable[[Entry], bool]:
    return lambda e: e.values.get("field") == name


def _change_words(change: tuple[int, ...]) -> str:
    """`` (tăng 2)``, `` (giảm 1)``, `` (không đổi)``; nothing when last year is unknown."""
    if not change:
        return ""
    (n,) = change
    return " (không đổi)" if n == 0 else f" ({'tăng' if n > 0 else 'giảm'} {abs(n)})"


COUNTED_TYPES = ("integer", "number", "boolean")


def _counted(answer: Any) -> float:
    if answer is True or answer == "Có":
        return 1.0
    return float(answer) if isinstance(answer, int | float) and not isinstance(answer, bool) else 0.0
