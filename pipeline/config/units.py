"""config/units.yaml: the units that report, their groups and former areas -> :class:`Units`.

Contract: codes are unique and plain ASCII; names and group labels are one line of printable text;
every unit's group is one of ``groups`` and its origin one of ``origins``; minimum numbers of models
are not negative; ``valid_from`` is not after ``valid_to``. An ``email`` is not checked here: a bad
address fails that unit's mail only (pipeline/mail/compose.py), never the ward's run. :func:`parse_units` raises
:class:`~pipeline.config.node.ConfigError` (file and key path) on the first fault.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass

from .node import Node


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


def parse_units(root: Node) -> Units:
    m = root.mapping(("groups", "origins", "units"), ("default_min_models", "origin_title", "whole_area"))
    groups = tuple(
        Group(g["key"].text(), g["label"].line()) for g in (n.mapping(("key", "label")) for n in m["groups"].items())
    )
    origins = m["origins"].texts()
    default_min = m["default_min_models"].integer(least=0) if "default_min_models" in m else 1
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
        name=m["name"].line(),
        group=m["group"].one_of(tuple(g.key for g in groups)),
        origin=origin,
        email=m["email"].text(allow_empty=True) if "email" in m else "",
        min_models=m["min_models"].integer(least=0) if "min_models" in m else default_min,
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
