"""What recognises an item without its code: the key a row is matched by across years.

Contract: a model or an exemplary collective is recognised (within its unit and kind) by its
folded name; an exemplary individual by the folded name together with the year of birth, never
by the name alone: two people of one name born in different years are two people, and a person
whose year of birth is not given is not recognised (:func:`match_key` is None). Tracking, the
register's known items and the row checks of validation all match by this one key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .textnorm import fold

INDIVIDUALS = "individuals"


def match_key(kind: str, values: Mapping[str, Any]) -> str | None:
    """The key a row of ``kind`` is matched by; None when it may not be matched at all."""
    name = fold(str(values.get("name") or ""))
    if kind != INDIVIDUALS:
        return name
    born = birth_year(values)
    return None if born is None else f"{name}|{born}"


def stored_key(kind: str, values: Mapping[str, Any]) -> str:
    """The key the register stores for an item: its match key, else (an individual without a year
    of birth, never matched) its folded name."""
    key = match_key(kind, values)
    return fold(str(values.get("name") or "")) if key is None else key


def birth_year(values: Mapping[str, Any]) -> int | None:
    """A row's year of birth as a whole number; None when not given (or not a number)."""
    born = values.get("birth_year")
    if isinstance(born, bool) or not isinstance(born, int | float) or born != int(born):
        return None
    return int(born)
