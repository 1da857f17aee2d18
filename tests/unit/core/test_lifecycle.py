"""Life cycle of an item: every legal move, the illegal ones refused with a Vietnamese message."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from pipeline.config import Config
from pipeline.core.lifecycle import (
    EVENT_LABELS,
    FINAL_STATES,
    LEGAL_MOVES,
    PROPOSAL_EVENTS,
    STATE_LABELS,
    TRANSITIONS,
    IllegalMove,
    allowed,
    apply,
)

NO_PROPOSAL = "Không đề nghị"
LIVE = ("registered", "in-progress", "recognised", "strengthened", "re-recognised", "replicated", "under-review")
EFFECTIVE = ("recognised", "re-recognised", "replicated")

# Written out by hand, independently of TRANSITIONS: (state, event, new state).
LEGAL = [
    (None, "register", "registered"),
    (None, "import-legacy", "under-review"),
    ("registered", "report", "in-progress"),
    ("in-progress", "report", "in-progress"),
    ("strengthened", "report", "strengthened"),
    ("recognised", "report", "recognised"),
    ("re-recognised", "report", "re-recognised"),
    ("replicated", "report", "replicated"),
    ("registered", "recognise", "recognised"),
    ("in-progress", "recognise", "recognised"),
    ("strengthened", "recognise", "recognised"),
    ("registered", "strengthen", "strengthened"),
    ("in-progress", "strengthen", "strengthened"),
    ("recognised", "strengthen", "strengthened"),
    ("re-recognised", "strengthen", "strengthened"),
    ("under-review", "strengthen", "strengthened"),
    ("recognised", "re-recognise", "re-recognised"),
    ("re-recognised", "re-recognise", "re-recognised"),
    ("replicated", "re-recognise", "re-recognised"),
    ("recognised", "replicate", "replicated"),
    ("re-recognised", "replicate", "replicated"),
    *((state, "remove", "removed") for state in LIVE),
    ("under-review", "keep", "in-progress"),
    *((state, "commend", state) for state in EFFECTIVE),
    *((state, "reward", state) for state in EFFECTIVE),
]

ILLEGAL = [
    pytest.param(
        "removed",
        "recognise",
        "Mô hình đang ở trạng thái “Đưa ra khỏi danh sách”, không thể “Công nhận”.",
        id="removed",
    ),
    pytest.param(None, "report", "Mô hình chưa được đăng ký, không thể “Báo cáo”.", id="report-unregistered"),
    pytest.param(
        None, "remove", "Mô hình chưa được đăng ký, không thể “Đưa ra khỏi danh sách”.", id="remove-unregistered"
    ),
    pytest.param("registered", "register", "Mô hình đang ở trạng thái “Đã đăng ký”, không thể “Đăng ký”.", id="twice"),
    pytest.param(
        "in-progress",
        "import-legacy",
        "Mô hình đang ở trạng thái “Đang thực hiện”, không thể “Đưa vào rà soát”.",
        id="import",
    ),
    pytest.param(
        "under-review",
        "report",
        "Mô hình đang ở trạng thái “Đang rà soát”, không thể “Báo cáo”.",
        id="report-in-review",
    ),
    pytest.param(
        "under-review",
        "recognise",
        "Mô hình đang ở trạng thái “Đang rà soát”, không thể “Công nhận”.",
        id="review-first",
    ),
    pytest.param(
        "in-progress",
        "commend",
        "Mô hình đang ở trạng thái “Đang thực hiện”, không thể “Biểu dương”.",
        id="commend-early",
    ),
    pytest.param(
        "registered", "reward", "Mô hình đang ở trạng thái “Đã đăng ký”, không thể “Khen thưởng”.", id="reward-early"
    ),
    pytest.param(
        "strengthened",
        "re-recognise",
        "Mô hình đang ở trạng thái “Cần củng cố”, không thể “Công nhận lại”.",
        id="lapsed",
    ),
    pytest.param(
        "in-progress",
        "re-recognise",
        "Mô hình đang ở trạng thái “Đang thực hiện”, không thể “Công nhận lại”.",
        id="never",
    ),
    pytest.param(
        "in-progress", "replicate", "Mô hình đang ở trạng thái “Đang thực hiện”, không thể “Nhân rộng”.", id="replicate"
    ),
    pytest.param("recognised", "keep", "Mô hình đang ở trạng thái “Được công nhận”, không thể “Giữ lại”.", id="keep"),
    pytest.param(
        "removed",
        "remove",
        "Mô hình đang ở trạng thái “Đưa ra khỏi danh sách”, không thể “Đưa ra khỏi danh sách”.",
        id="final",
    ),
]


# --------------------------------------------------------------------------- moves


@pytest.mark.parametrize(("state", "event", "new_state"), LEGAL, ids=lambda v: str(v))
def test_legal_move(state: str | None, event: str, new_state: str) -> None:
    assert apply(state, event) == new_state
    assert event in allowed(state)


def test_the_hand_table_is_the_whole_table() -> None:
    assert sorted(LEGAL, key=str) == sorted(LEGAL_MOVES, key=str)
    assert len(LEGAL) == len(set(LEGAL))


def test_no_state_event_pair_is_listed_twice() -> None:
    rows = [(s, e) for e, moves in TRANSITIONS.items() for m in moves for s in m.sources]
    assert len(rows) == len(set(rows))


@pytest.mark.parametrize(("state", "event", "message"), ILLEGAL)
def test_illegal_move_is_refused_in_vietnamese(state: str | None, event: str, message: str) -> None:
    with pytest.raises(IllegalMove) as caught:
        apply(state, event)
    assert str(caught.value) == message
    assert (caught.value.state, caught.value.event) == (state, event)
    assert isinstance(caught.value, ValueError)


def test_every_move_not_in_the_table_is_illegal() -> None:
    legal = {(s, e) for s, e, _ in LEGAL}
    for state, event in itertools.product((None, *STATE_LABELS), EVENT_LABELS):
        if (state, event) not in legal:
            with pytest.raises(IllegalMove):
                apply(state, event)


def test_apply_none_report_is_illegal() -> None:
    with pytest.raises(IllegalMove, match="chưa được đăng ký"):
        apply(None, "report")


def test_hint_offers_the_next_step() -> None:
    with pytest.raises(IllegalMove) as caught:
        apply(None, "report")
    assert caught.value.hint == "Các bước có thể: “Đưa vào rà soát”, “Đăng ký”."
    with pytest.raises(IllegalMove) as caught:
        apply("removed", "report")
    assert caught.value.hint == "“Đưa ra khỏi danh sách” là trạng thái cuối, không còn bước nào."


@pytest.mark.parametrize(("state", "event"), [("recognized", "report"), ("registered", "approve")])
def test_unknown_keys_are_a_programming_error(state: str, event: str) -> None:
    with pytest.raises(ValueError, match="unknown") as caught:
        apply(state, event)
    assert not isinstance(caught.value, IllegalMove)


# --------------------------------------------------------------------------- states


def test_allowed_is_sorted_and_derived() -> None:
    assert allowed(None) == ("import-legacy", "register")
    assert allowed("under-review") == ("keep", "remove", "strengthen")
    assert allowed("recognised") == ("commend", "re-recognise", "remove", "replicate", "report", "reward", "strengthen")
    for state in (None, *STATE_LABELS):
        assert list(allowed(state)) == sorted(allowed(state))


def test_every_state_is_reachable_from_none() -> None:
    seen: set[str | None] = {None}
    frontier: list[str | None] = [None]
    while frontier:
        state = frontier.pop()
        for event in allowed(state):
            new_state = apply(state, event)
            if new_state not in seen:
                seen.add(new_state)
                frontier.append(new_state)
    assert seen - {None} == set(STATE_LABELS)


def test_removed_is_final() -> None:
    assert allowed("removed") == ()
    assert FINAL_STATES == ("removed",)


def test_the_table_names_only_known_states_and_events() -> None:
    assert set(TRANSITIONS) == set(EVENT_LABELS)
    for moves in TRANSITIONS.values():
        for move in moves:
            assert set(move.sources) <= {None, *STATE_LABELS}
            assert move.target is None or move.target in STATE_LABELS


# --------------------------------------------------------------------------- proposals and labels


def test_every_template_proposal_maps_to_an_event(config: Config) -> None:
    proposals = config.template.lists["proposals"]
    assert set(PROPOSAL_EVENTS) == set(proposals)
    for proposal in proposals:
        event = PROPOSAL_EVENTS[proposal]
        if proposal == NO_PROPOSAL:
            assert event is None
        else:
            assert event in TRANSITIONS, proposal


def test_proposal_and_event_labels_agree() -> None:
    for proposal, event in PROPOSAL_EVENTS.items():
        if event is not None:
            assert EVENT_LABELS[event] == proposal


@pytest.mark.parametrize("label", [*STATE_LABELS.values(), *EVENT_LABELS.values(), *PROPOSAL_EVENTS])
def test_labels_are_nfc_vietnamese(label: str) -> None:
    assert unicodedata.normalize("NFC", label) == label
    assert label == label.strip() and label[0].isupper()
    assert not label.isascii()  # every label carries Vietnamese diacritics


def test_labels_are_distinct() -> None:
    assert len(set(STATE_LABELS.values())) == len(STATE_LABELS)
    assert len(set(EVENT_LABELS.values())) == len(EVENT_LABELS)
