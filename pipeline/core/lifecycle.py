"""Life cycle of a model (mô hình) or exemplary item (điển hình): an explicit state machine, legal moves only.

Contract: pure data and functions, no I/O. :data:`TRANSITIONS` is the one table; the labels are
its vocabulary, and every other name here (:data:`LEGAL_MOVES`, :func:`allowed`, :func:`apply`,
:data:`FINAL_STATES`) is derived from it. A move the table does not list raises :class:`IllegalMove`
with a Vietnamese message that the register can show to the clerk as it is.

An item is registered in 2026 (``register``) or, for the 2025 models of the three former communes,
imported for the 2025 review (``import-legacy``), which keeps it (``keep`` or ``strengthen``) or
removes it. Afterwards each yearly cycle applies the unit's report and the steering committee's
decisions (recognise, re-recognise, strengthen, replicate, remove, commend, reward) in that order.

Choices the domain notes leave open, made here:

- ``report`` moves a new item (registered) to in-progress and leaves every other live state as it
  is. A strengthened item stays strengthened: sending a report does not show that it has been
  consolidated; only the next evaluation lifts the state (recognise) or ends it (remove). An item
  under review cannot be reported until the 2025 review has kept, strengthened or removed it.
- ``re-recognise`` renews a recognition that is current (recognised, re-recognised, replicated):
  "recognised → re-recognised / replicated / removed". A strengthened item that recovers is
  recognised again with ``recognise``; the state has no memory of an earlier recognition.
- ``commend`` and ``reward`` are for effective items, and an item is effective once recognised by
  the competent level: recognised, re-recognised, replicated, never merely in progress. An item
  recognised in its first year is recognised first and commended after, in the same cycle.
- ``report`` has two outcomes (a new item moves on, the others stay), so an event maps to a tuple of
  :class:`Move` rows rather than to a single one.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from .errors import DvkError

REGISTERED = "registered"
IN_PROGRESS = "in-progress"
RECOGNISED = "recognised"
STRENGTHENED = "strengthened"
RE_RECOGNISED = "re-recognised"
REPLICATED = "replicated"
REMOVED = "removed"
UNDER_REVIEW = "under-review"

STATE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        REGISTERED: "Đã đăng ký",
        IN_PROGRESS: "Đang thực hiện",
        RECOGNISED: "Được công nhận",
        STRENGTHENED: "Cần củng cố",
        RE_RECOGNISED: "Được công nhận lại",
        REPLICATED: "Được nhân rộng",
        REMOVED: "Đưa ra khỏi danh sách",
        UNDER_REVIEW: "Đang rà soát",
    }
)

# The event a legacy list's item enters the register by (``dvk import-legacy``), before the year's reports.
LEGACY_EVENT = "import-legacy"

EVENT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "register": "Đăng ký",
        "import-legacy": "Đưa vào rà soát",
        "report": "Báo cáo",
        "recognise": "Công nhận",
        "strengthen": "Củng cố",
        "re-recognise": "Công nhận lại",
        "replicate": "Nhân rộng",
        "remove": "Đưa ra khỏi danh sách",
        "keep": "Giữ lại",
        "commend": "Biểu dương",
        "reward": "Khen thưởng",
    }
)


class Move(NamedTuple):
    """One row of the table: from any of ``sources`` the event leads to ``target`` (None: the state stays)."""

    sources: tuple[str | None, ...]
    target: str | None


# States a yearly decision can still act on: everything but the final state.
_LIVE = (REGISTERED, IN_PROGRESS, RECOGNISED, STRENGTHENED, RE_RECOGNISED, REPLICATED, UNDER_REVIEW)
# Items the competent level has found effective: the only ones commended or rewarded.
_EFFECTIVE = (RECOGNISED, RE_RECOGNISED, REPLICATED)

# The one table. A source of None is "no state yet" (the item is not in the register).
TRANSITIONS: Mapping[str, tuple[Move, ...]] = MappingProxyType(
    {
        "register": (Move((None,), REGISTERED),),
        "import-legacy": (Move((None,), UNDER_REVIEW),),
        "report": (
            Move((REGISTERED, IN_PROGRESS), IN_PROGRESS),
            Move((STRENGTHENED, *_EFFECTIVE), None),
        ),
        "recognise": (Move((REGISTERED, IN_PROGRESS, STRENGTHENED), RECOGNISED),),
        "strengthen": (Move((REGISTERED, IN_PROGRESS, RECOGNISED, RE_RECOGNISED, UNDER_REVIEW), STRENGTHENED),),
        "re-recognise": (Move(_EFFECTIVE, RE_RECOGNISED),),
        "replicate": (Move((RECOGNISED, RE_RECOGNISED), REPLICATED),),
        "remove": (Move(_LIVE, REMOVED),),
        "keep": (Move((UNDER_REVIEW,), IN_PROGRESS),),
        "commend": (Move(_EFFECTIVE, None),),
        "reward": (Move(_EFFECTIVE, None),),
    }
)

# The template's proposal choices (config/template.yaml, list "proposals") as events.
# "Không đề nghị" is a known choice that asks for nothing: None, unlike an unknown text (KeyError).
PROPOSAL_EVENTS: Mapping[str, str | None] = MappingProxyType(
    {
        "Không đề nghị": None,
        "Công nhận": "recognise",
        "Công nhận lại": "re-recognise",
        "Củng cố": "strengthen",
        "Nhân rộng": "replicate",
        "Biểu dương": "commend",
        "Khen thưởng": "reward",
        "Đưa ra khỏi danh sách": "remove",
    }
)


# --------------------------------------------------------------------------- derived from the table


def _next_states() -> dict[tuple[str | None, str], str]:
    """(state, event) -> new state, with "unchanged" resolved to the state itself."""
    table: dict[tuple[str | None, str], str] = {}
    for event, moves in TRANSITIONS.items():
        for move in moves:
            for source in move.sources:
                target = source if move.target is None else move.target
                assert target is not None, f"{event}: an unchanged move needs an existing state"
                table[(source, event)] = target
    return table


_NEXT: Mapping[tuple[str | None, str], str] = MappingProxyType(_next_states())

# Every legal move as (state, event, new state), in a stable order: the table flattened.
LEGAL_MOVES: tuple[tuple[str | None, str, str], ...] = tuple(
    sorted(((s, e, t) for (s, e), t in _NEXT.items()), key=lambda m: (m[0] or "", m[1]))
)

# The events allowed from each state, sorted by key (worked out once: tracking asks for every
# item of a year that it reports on).
_ALLOWED: Mapping[str | None, tuple[str, ...]] = MappingProxyType(
    {state: tuple(sorted(e for s, e in _NEXT if s == state)) for state in {s for s, _ in _NEXT}}
)

# States no event leaves.
FINAL_STATES: tuple[str, ...] = tuple(s for s in STATE_LABELS if not any(src == s for src, _ in _NEXT))


# --------------------------------------------------------------------------- API


class IllegalMove(DvkError, ValueError):
    """An event the table does not allow from the item's state; the message is for the clerk."""

    def __init__(self, state: str | None, event: str) -> None:
        self.state = state
        self.event = event
        super().__init__(f"{_where(state)}, không thể “{EVENT_LABELS[event]}”.")

    @property
    def hint(self) -> str:
        """The next step: the events allowed from the state, or that there is none."""
        events = allowed(self.state)
        if not events:
            return f"“{STATE_LABELS[str(self.state)]}” là trạng thái cuối, không còn bước nào."
        return "Các bước có thể: " + ", ".join(f"“{EVENT_LABELS[e]}”" for e in events) + "."


def apply(state: str | None, event: str) -> str:
    """The state after ``event``; :class:`IllegalMove` if the table does not allow it."""
    _check(state, event)
    try:
        return _NEXT[(state, event)]
    except KeyError:
        raise IllegalMove(state, event) from None


def allowed(state: str | None) -> tuple[str, ...]:
    """The events allowed from ``state`` (None: not registered yet), sorted by key."""
    _check(state, None)
    return _ALLOWED.get(state, ())


def _where(state: str | None) -> str:
    if state is None:
        return "Mô hình chưa được đăng ký"
    return f"Mô hình đang ở trạng thái “{STATE_LABELS[state]}”"


def _check(state: str | None, event: str | None) -> None:
    """Unknown keys are a programming error, not an illegal move: a plain ValueError."""
    if state is not None and state not in STATE_LABELS:
        raise ValueError(f"unknown state {state!r}; known: {', '.join(STATE_LABELS)}")
    if event is not None and event not in EVENT_LABELS:
        raise ValueError(f"unknown event {event!r}; known: {', '.join(EVENT_LABELS)}")
