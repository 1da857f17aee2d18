"""The plan's activity figures: the units' answers on the "activities" form sheet -> figures and a table.

Contract: a *counted* field of the sheet (integer, number or yes/no: ``Field.adds_up``) gives two figures of
:class:`~pipeline.year.stats.Statistics`:

* ``activity_<key>``: for a number the sum of the units' answers; for a yes/no field the number of
  units that answered "Có" (e.g. ``activity_own_plan``, the units that issued their own plan);
* ``activity_reported_<key>``: how many units' accepted reports carry the field at all (a template
  of an earlier version lacks the fields added since: config/template.yaml, ``since``).

Text and date fields (the number and date of a unit's plan) are shown per unit in ``tong-hop`` and
give no figure. At a province a ward's answer is already its units' total (a count for a yes/no
field: :mod:`pipeline.intake.ward_summary`), so ``activity_<key>`` is a total over the wards' units,
while ``activity_reported_<key>`` counts the wards' summaries that carry the field.

The table lists the counted fields in the sheet's order (a yes/no field as "… (số đơn vị)"); with
last year's figures also last year's value and the change, left blank for a field that last year's
reports did not carry while they carried others (a field added to the template since).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..config import Config, Field
from .stat_table import Cell, StatTable


def counted_fields(config: Config) -> tuple[Field, ...]:
    """The activity fields that give figures, in the sheet's order."""
    return tuple(f for f in config.template.sheet("activities").fields if f.adds_up)


def count_of(value: Any) -> int | float:
    """An answer as it adds up: a number as it is, "Có" as one unit, anything else nothing."""
    if isinstance(value, bool):
        return int(value)
    return value if isinstance(value, int | float) else 0


def total(answers: Iterable[Mapping[str, Any]], key: str) -> int | float:
    """The sum of ``key``'s answers over units (yes/no answers counted)."""
    return sum(count_of(a.get(key)) for a in answers)


def activity_figures(activities: Mapping[str, Mapping[str, Any]], config: Config) -> dict[str, float]:
    """``activity_<key>`` and ``activity_reported_<key>`` of every counted field."""
    answers = list(activities.values())
    figures: dict[str, float] = {}
    for spec in counted_fields(config):
        figures[f"activity_{spec.key}"] = float(total(answers, spec.key))
        figures[f"activity_reported_{spec.key}"] = sum(1 for a in answers if a.get(spec.key) is not None)
    return figures


def activities_table(
    year: int, figures: Mapping[str, float], config: Config, previous: Mapping[str, float] | None = None
) -> StatTable:
    """The plan's activity figures; with ``previous`` (last year's figures) also last year's and the change."""
    fields = counted_fields(config)
    rows: list[tuple[Cell, ...]] = []
    for spec in fields:
        label = f"{spec.label} (số đơn vị)" if spec.type == "boolean" else spec.label
        now = _shown(figures[f"activity_{spec.key}"])
        if previous is None:
            rows.append((label, now))
        elif _carried(spec.key, previous, fields):
            before = _shown(previous.get(f"activity_{spec.key}", 0))
            rows.append((label, before, now, _shown(now - before)))
        else:
            rows.append((label, "", now, ""))
    columns: tuple[str, ...] = ("Nội dung", "Số lượng")
    if previous is not None:
        columns = ("Nội dung", f"Năm {year - 1}", f"Năm {year}", "Tăng (+), giảm (-)")
    return StatTable("activities", "Kết quả công tác dân vận", columns, tuple(rows))


def _carried(key: str, previous: Mapping[str, float], fields: Iterable[Field]) -> bool:
    """Whether last year's reports carried the field: some unit reported it, or no unit reported
    any activity (then every figure of last year is a plain 0)."""
    reported = [previous.get(f"activity_reported_{f.key}", 0) for f in fields]
    return previous.get(f"activity_reported_{key}", 0) > 0 or not any(reported)


def _shown(value: float) -> int | float:
    """A whole figure as an integer (a count reads "3", not "3.0")."""
    return int(value) if float(value).is_integer() else value
