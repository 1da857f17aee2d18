"""config/template.yaml: the sheets and fields of the units' Excel template -> :class:`TemplateSchema`.

Contract: the five sheets the pipeline reads are there; sheet titles are valid Excel names; field
keys are unique per sheet; a choice field names one of ``lists``; a ``criteria`` entry expands to
one score field per criterion of that set of config/criteria.yaml (hence the criteria are parsed
first). :func:`parse_template` raises :class:`~pipeline.config.node.ConfigError` (file and key
path) on the first fault.
"""

from __future__ import annotations

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


def parse_template(root: Node, criteria: Criteria) -> TemplateSchema:
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
