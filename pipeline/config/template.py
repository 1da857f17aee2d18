"""config/template.yaml: the sheets and fields of the units' Excel template -> :class:`TemplateSchema`.

Contract: the five sheets the pipeline reads are there; sheet titles are valid Excel names; field
keys are unique per sheet; widths, lengths and a table's rows are within what Excel and the writer
hold, and a field's ``min`` is not above its ``max``; a choice field names one of ``lists``; a ``criteria`` entry expands to
one score field per criterion of that set of config/criteria.yaml (hence the criteria are parsed
first). :func:`parse_template` raises :class:`~pipeline.config.node.ConfigError` (file and key
path) on the first fault.

Versions: ``version`` is what the templates issued now carry; ``earlier_versions`` (oldest first)
are those whose filled templates are still read. A field added since one of them names the version
that brought it (``since``); :meth:`TemplateSchema.for_version` is the schema of an earlier
version, without those fields, so a workbook of that version is read without them (absent, not
missing). A field may be required only when a yes/no field of the same form sheet is answered
"Có" (``required_if``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .criteria import Criteria, Criterion
from .node import Node

FIELD_TYPES = ("text", "integer", "number", "date", "choice", "boolean")
SHEET_KINDS = ("form", "table")
PREFILLS = ("unit.code", "unit.name")
# Dates a template accepts (Excel's validation and the reader agree on this range).
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
# Limits of a sheet the template writer can build: Excel's widest column and longest cell; rows
# prepared in a table (the shipped ones have 15 and 30; a unit adds more in Excel if it needs them).
EXCEL_COLUMN_WIDTH = 255
EXCEL_CELL_CHARS = 32_767
MAX_TABLE_ROWS = 1_000


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
    since: str = ""  # the template version that added the field; "" for the oldest one read
    required_if: str = ""  # a boolean field of the same form sheet: required when that is answered "Có"

    @property
    def locked(self) -> bool:
        """Prefilled cells are the unit's identity: the template locks them."""
        return bool(self.prefill)

    @property
    def adds_up(self) -> bool:
        """A number, or a yes/no answer that counts one unit when "Có": answers that sum over units."""
        return self.type in ("integer", "number", "boolean")

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
    earlier_versions: tuple[str, ...] = ()  # oldest first; their filled templates are still read

    def sheet(self, key: str) -> Sheet:
        return next(s for s in self.sheets if s.key == key)

    def reads(self, version: str) -> bool:
        """Whether a filled template of ``version`` is read: the current version or an earlier one listed."""
        return version == self.version or version in self.earlier_versions

    def for_version(self, version: str) -> TemplateSchema:
        """The schema a template of ``version`` (one this schema :meth:`reads`) was issued with: the
        fields added since left out. The current version is this schema itself."""
        if version == self.version:
            return self
        order = (*self.earlier_versions, self.version)
        known = order[: order.index(version) + 1]
        sheets = tuple(
            dataclasses.replace(s, fields=tuple(f for f in s.fields if not f.since or f.since in known))
            for s in self.sheets
        )
        return dataclasses.replace(self, version=version, sheets=sheets, earlier_versions=known[:-1])

    def added_since(self, version: str) -> tuple[tuple[Sheet, Field], ...]:
        """The fields a template of ``version`` lacks, with their sheet: those added since."""
        kept = self.for_version(version)
        return tuple(
            (sheet, f)
            for sheet, older in zip(self.sheets, kept.sheets, strict=True)
            for f in sheet.fields
            if f not in older.fields
        )


def parse_template(root: Node, criteria: Criteria) -> TemplateSchema:
    m = root.mapping(("version", "title", "lists", "instructions", "sheets"), ("earlier_versions",))
    version = m["version"].text()
    earlier = _earlier_versions(m["earlier_versions"], version) if "earlier_versions" in m else ()
    lists = {key: node.texts() for key, node in m["lists"].entries()}
    versions = (*earlier, version)
    sheets = tuple(_sheet(n, lists, criteria, versions) for n in m["sheets"].items())
    keys = [s.key for s in sheets]
    for needed in ("unit", "models", "collectives", "individuals", "activities"):
        if needed not in keys:
            raise m["sheets"].fail(f"thiếu sheet có key “{needed}”")
    return TemplateSchema(version, m["title"].text(), lists, m["instructions"].texts(), sheets, earlier)


def _earlier_versions(node: Node, version: str) -> tuple[str, ...]:
    """The earlier versions still read, oldest first: distinct, none of them the current one."""
    earlier = tuple(item.text() for item in node.items(allow_empty=True))
    if version in earlier or len(set(earlier)) != len(earlier):
        raise node.fail(f"các phiên bản trước không được trùng nhau hoặc trùng phiên bản hiện hành “{version}”")
    return earlier


def _sheet(node: Node, lists: Mapping[str, tuple[str, ...]], criteria: Criteria, versions: tuple[str, ...]) -> Sheet:
    m = node.mapping(("key", "title", "kind", "heading", "fields"), ("rows",))
    kind = m["kind"].one_of(SHEET_KINDS)
    title = m["title"].text()
    if len(title) > 31 or any(ch in title for ch in "[]:*?/\\"):
        raise m["title"].fail("tên sheet tối đa 31 ký tự và không chứa [ ] : * ? / \\")
    fields: list[Field] = []
    for field_node in m["fields"].items():
        made = _fields(field_node, lists, criteria, versions)
        _check_condition(field_node, made[-1], kind, fields, versions)
        fields.extend(made)
    if len({f.key for f in fields}) != len(fields):
        raise m["fields"].fail("có hai cột trùng key")
    rows = m["rows"].integer(least=0, most=MAX_TABLE_ROWS) if "rows" in m else 0
    if kind == "table" and rows < 1:
        raise node.fail("sheet dạng bảng cần “rows” (số dòng chuẩn bị sẵn) lớn hơn 0")
    return Sheet(m["key"].text(), title, kind, m["heading"].text(), tuple(fields), rows)


def _check_condition(node: Node, field: Field, kind: str, above: list[Field], versions: tuple[str, ...]) -> None:
    """A ``required_if`` names a yes/no field above it on the same form sheet, not newer than the field."""
    if not field.required_if:
        return
    where = Node(field.required_if, node.file, f"{node.path}.required_if")
    if kind != "form":
        raise where.fail("“required_if” chỉ dùng trong sheet dạng form")
    condition = next((f for f in above if f.key == field.required_if and f.type == "boolean"), None)
    if condition is None:
        raise where.fail(f"“{field.required_if}” phải là key của một cột dạng boolean ở phía trên, trong cùng sheet")
    rank = {"": -1, **{version: index for index, version in enumerate(versions)}}
    if rank[condition.since] > rank[field.since]:
        raise where.fail(f"cột “{field.required_if}” có “since” mới hơn cột này")


def _fields(
    node: Node, lists: Mapping[str, tuple[str, ...]], criteria: Criteria, versions: tuple[str, ...]
) -> list[Field]:
    if isinstance(node.value, dict) and "criteria" in node.value:
        set_key = node.mapping(("criteria",))["criteria"].one_of(tuple(criteria.sets))
        return [_score_field(set_key, c) for c in criteria.sets[set_key].criteria]
    return [_field(node, lists, versions)]


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


def _field(node: Node, lists: Mapping[str, tuple[str, ...]], versions: tuple[str, ...]) -> Field:
    m = node.mapping(
        ("key", "label", "type"),
        ("required", "choices", "min", "max", "max_length", "help", "width", "prefill", "since", "required_if"),
    )
    kind = m["type"].one_of(FIELD_TYPES)
    choice_list = ""
    if kind == "choice":
        if "choices" not in m:
            raise node.fail("cột dạng choice cần “choices” (tên một danh sách trong “lists”)")
        choice_list = m["choices"].one_of(tuple(lists))
    low, high = _bounds(m)
    return Field(
        key=m["key"].text(),
        label=m["label"].text(),
        type=kind,
        required=m["required"].flag() if "required" in m else False,
        choices=lists[choice_list] if choice_list else (),
        choice_list=choice_list,
        min=low,
        max=high,
        max_length=m["max_length"].integer(least=1, most=EXCEL_CELL_CHARS) if "max_length" in m else None,
        help=m["help"].text() if "help" in m else "",
        width=m["width"].integer(least=1, most=EXCEL_COLUMN_WIDTH) if "width" in m else 16,
        prefill=m["prefill"].one_of(PREFILLS) if "prefill" in m else "",
        since=m["since"].one_of(versions) if "since" in m else "",
        required_if=m["required_if"].text() if "required_if" in m else "",
    )


def _bounds(m: dict[str, Node]) -> tuple[float | None, float | None]:
    """A field's ``min`` and ``max`` (each optional), the first not above the second."""
    low = m["min"].number() if "min" in m else None
    high = m["max"].number() if "max" in m else None
    if low is not None and high is not None and high < low:
        raise m["max"].fail(f"giá trị lớn nhất ({high:g}) nhỏ hơn giá trị nhỏ nhất “min” ({low:g})")
    return low, high
