"""Prefilling from the register: a unit's live models, carried into its next year's template.

Contract:

* :func:`prefill_from_register` picks, for each unit, its register items of the kinds carried over
  (:data:`PREFILLED_KINDS`) that have not reached a final state, sorted by code, each with the
  field and start year it last reported (:class:`PrefilledItem`).
* :func:`prefilled_rows` gives the ward's values of a table sheet's prefilled rows, by field key:
  code, name, field (blank when it is not one of the sheet's choices, for the unit to pick),
  status "continuing" and start year, as far as the sheet has those fields; a sheet without a
  ``code`` field gets none. The rows are written by :mod:`.tables`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ....config import Config, Sheet
from ....core import lifecycle
from ....register import ItemEntry

# The kinds of register item carried into the next year's template.
PREFILLED_KINDS = ("models",)
# The choice list whose second value ("Tiếp tục thực hiện") a carried-over item is in.
CONTINUING_LIST = "model_status"


@dataclass(frozen=True)
class PrefilledItem:
    """A register item carried into the unit's next template: one locked row of its sheet."""

    code: str
    kind: str
    name: str
    field: str
    start_year: int


def prefill_from_register(
    items: Sequence[ItemEntry], fields_of: Mapping[str, tuple[str, int]]
) -> dict[str, list[PrefilledItem]]:
    """Unit code -> its live models, by code; field and start year from ``fields_of`` (code -> both).

    An item missing from ``fields_of`` gets no field (the unit picks it) and its first year."""
    grouped: dict[str, list[PrefilledItem]] = {}
    for item in sorted(items, key=lambda i: i.code):
        if item.kind not in PREFILLED_KINDS or item.state in lifecycle.FINAL_STATES:
            continue
        field, start_year = fields_of.get(item.code, ("", item.first_year))
        grouped.setdefault(item.unit, []).append(PrefilledItem(item.code, item.kind, item.name, field, start_year))
    return dict(sorted(grouped.items()))


def prefilled_rows(config: Config, sheet: Sheet, prefill: Sequence[PrefilledItem]) -> list[dict[str, Any]]:
    """The ward's values of each of ``sheet``'s prefilled rows, by field key; none without a code column."""
    keys = {f.key for f in sheet.fields}
    if "code" not in keys:
        return []
    rows = [_prefilled_values(config, sheet, item) for item in prefill if item.kind == sheet.key]
    return [{key: value for key, value in row.items() if key in keys} for row in rows]


def _prefilled_values(config: Config, sheet: Sheet, item: PrefilledItem) -> dict[str, Any]:
    """The cells the ward writes in (the sheet keeps those it has); a field that is not one of the
    choices is left blank, as an input, for the unit to pick."""
    choices = next((f.choices for f in sheet.fields if f.key == "field"), ())
    has_status = any(f.key == "status" for f in sheet.fields)
    return {
        "code": item.code,
        "name": item.name,
        "field": item.field if item.field in choices else None,
        "status": config.template.lists[CONTINUING_LIST][1] if has_status else None,
        "start_year": item.start_year,
    }
