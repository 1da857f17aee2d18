"""Council decisions, applied: a read council workbook -> events in the register.

Contract:

* :func:`apply_council` records the decisions of a council workbook (read by
  :mod:`pipeline.intake.council`) in the register, inside the run's transaction. The item is found
  by its code; a code first issued this year, which a re-run may have given to another item since,
  must also match the row's name, else the item is found by unit, kind and name. The life-cycle
  move must be legal from the item's state (commending or rewarding an item not yet recognised
  recognises it first, as the rules assume); a decision already recorded for the year is not
  recorded twice. The file's verdict goes to the ledger: ``accepted`` when it is a genuine council
  workbook of the year, ``rejected`` otherwise.
* A year's decisions are replayed from the archived council files on every run of that year:
  :func:`forget_decisions` before the units' files are tracked, :func:`apply_council` after. So a
  re-run and ``dvk rebuild`` give the same events in the same order, and a decision never acts on
  a state that the units' files of the same year have not produced yet.
* A later council file supersedes the earlier ones (:func:`superseded_by`): the errors of a council
  file count (on screen as still to do, in the exit code) only until a later council file of the
  same year, in the ledger's order of receipt, is taken (a genuine council workbook of the year).
  That is the clerk's loop: the clerk corrects the marked-up copy (or the file itself, under the same
  name) and drops it into the inbox; the new file is the council's word now, every row of it, and
  the old file's errors are history. The decisions the old file recorded stay recorded, as every
  event of the register does; the new file's identical decisions are "already recorded". A later
  file that is refused (another year's, an edited ``_meta``) supersedes nothing: its own refusal
  is what is left to do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..config import AFTER_RECOGNITION
from ..core.findings import Finding, has_errors
from ..core.lifecycle import EVENT_LABELS, STATE_LABELS, IllegalMove, allowed, apply
from ..core.textnorm import fold
from ..intake.council import (
    COUNCIL_SHEET,
    DECISION_EVENTS,
    DECISIONS,
    NO_DECISION,
    CouncilFile,
    Decision,
    council_findings,
)
from ..intake.receive import SourceFile
from ..intake.sheets import Collector
from ..intake.validate import Submission
from ..register import ItemEntry, Register
from .consolidate import Consolidation, Item

# The evidence of a council decision in the register; forget_decisions finds them by its pattern.
_EVIDENCE = "QĐ {number} ngày {date:%d/%m/%Y}; tệp {sha}"
_EVIDENCE_LIKE = "QĐ % ngày %; tệp %"
APPLIED, UNCHANGED, SKIPPED = "applied", "unchanged", "skipped"
DECISION = "decision"  # an item's value: what the council decided on it in the year (see with_decisions)
ACCEPTED, REJECTED = "accepted", "rejected"


@dataclass(frozen=True)
class CouncilResult:
    """What one council file did in a run: decisions recorded, already there, and its findings."""

    file: str
    accepted: bool
    applied: int
    unchanged: int
    findings: tuple[Finding, ...]
    source: SourceFile
    year: int | None = None  # the year the workbook says it is of (None: no identity read)

    def as_submission(self) -> Submission:
        """The council file as one of the year's received files, for the outputs that list files
        and mark their cells (the clerk's report, the marked-up copy): of no unit, accepted when
        it has no error."""
        return Submission(self.source, "", self.year, "", {}, {}, self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "verdict": ACCEPTED if self.accepted else REJECTED,
            "applied": self.applied,
            "unchanged": self.unchanged,
            "findings": [f.as_dict() for f in self.findings],
        }


def forget_decisions(register: Register, year: int) -> None:
    """Undo the decisions an earlier run of ``year`` recorded from council files, to be replayed after
    the units' files; unless a later year already builds on them (the rule tracking follows)."""
    if any(entry.cycle > year for entry in register.files()):
        return
    marks = ", ".join("?" * len(DECISION_EVENTS))
    query = f"SELECT DISTINCT code FROM events WHERE year=? AND event IN ({marks}) AND evidence LIKE ?"
    params = (year, *DECISION_EVENTS, _EVIDENCE_LIKE)
    codes = [code for (code,) in register.db.execute(query, params).fetchall()]
    register.db.execute(query.replace("SELECT DISTINCT code", "DELETE"), params)
    for code in codes:
        last = register.db.execute("SELECT to_state FROM events WHERE code=? ORDER BY id DESC LIMIT 1", (code,))
        register.set_state(code, last.fetchone()[0])


def apply_council(register: Register, council: CouncilFile, year: int) -> CouncilResult:
    """Record the file's decisions for ``year`` and note its verdict in the ledger."""
    out = Collector(council.source.name, list(council.findings))
    outcomes = [_apply(register, decision, council.source.sha256, year, out) for decision in council.decisions]
    findings = council_findings(out.items)
    verdict = ACCEPTED if council.taken else REJECTED
    register.set_verdict(
        council.source.sha256, "", council.year, council.template_version, verdict, [f.as_dict() for f in findings]
    )
    applied, unchanged = outcomes.count(APPLIED), outcomes.count(UNCHANGED)
    return CouncilResult(council.source.name, council.taken, applied, unchanged, findings, council.source, council.year)


def superseded_by(councils: Sequence[CouncilResult]) -> list[CouncilResult | None]:
    """For each council file of a year (in ledger order), the later file that supersedes it: the
    last one taken, for every file before it; None for that file and the ones after it."""
    taken = [index for index, council in enumerate(councils) if council.accepted]
    last = taken[-1] if taken else 0
    return [councils[last] if index < last else None for index in range(len(councils))]


def council_rows(councils: Sequence[CouncilResult]) -> list[tuple[Submission, str]]:
    """Each council file as a received file of no unit, with its outcome in a few words, for the
    clerk's list of received files (the units' counts leave them out: they are not a unit's report)."""
    rows = []
    for council, later in zip(councils, superseded_by(councils), strict=True):
        if later is not None:
            outcome = f"Đã thay bằng “{later.file}”"
        elif not council.accepted:
            outcome = "Trả lại"
        elif has_errors(council.findings):
            outcome = "Có dòng lỗi, chưa ghi"
        else:
            outcome = "Đã ghi quyết định"
        rows.append((council.as_submission(), outcome))
    return rows


def pending_councils(councils: Sequence[CouncilResult]) -> list[CouncilResult]:
    """The council files whose errors still count: refused, or with a decision not recorded, and
    not superseded by a later file (:func:`superseded_by`)."""
    replaced = superseded_by(councils)
    return [
        council
        for council, later in zip(councils, replaced, strict=True)
        if later is None and (not council.accepted or has_errors(council.findings))
    ]


def _apply(register: Register, decision: Decision, sha256: str, year: int, out: Collector) -> str:
    """Record one decision; what became of it (applied, unchanged, skipped with a finding)."""
    item = _resolve(register, decision, year)
    if item is None:
        cell = decision.cells["code"]
        out.add("council-unknown-code", sheet=COUNCIL_SHEET, cell=cell, item_code=decision.code, name=decision.name)
        return SKIPPED
    if register.has_event(item.code, year, decision.event):
        return UNCHANGED
    try:
        moves = _moves(item.state, decision.event)
    except IllegalMove as exc:
        cell = decision.cells["decision"]
        params = {"item_code": item.code, "name": decision.name, "detail": str(exc), "hint": decision_hint(item.state)}
        out.add("illegal-decision", sheet=COUNCIL_SHEET, cell=cell, **params)
        return SKIPPED
    evidence = _EVIDENCE.format(number=decision.number, date=decision.date, sha=sha256[:12])
    for event, before, after in moves:
        register.set_state(item.code, after)
        register.record_event(item.code, year, event, before, after, evidence, _reason(decision, event))
    return APPLIED


def _resolve(register: Register, decision: Decision, year: int) -> ItemEntry | None:
    """The row's item: by code (a code first issued this year must still name the row's item),
    else by unit, kind and name."""
    item = register.item(decision.code) if decision.code else None
    if item is not None and (item.first_year < year or fold(item.name) == fold(decision.name)):
        return item
    if decision.unit and decision.kind and decision.name:
        return register.find_by_name(decision.unit, decision.kind, fold(decision.name))
    return None


def _moves(state: str, event: str) -> list[tuple[str, str, str]]:
    """The (event, before, after) steps of a decision; :class:`IllegalMove` when the table forbids it."""
    steps = allowed(state)
    if event in AFTER_RECOGNITION and event not in steps and "recognise" in steps:
        recognised = apply(state, "recognise")
        return [("recognise", state, recognised), (event, recognised, apply(recognised, event))]
    return [(event, state, apply(state, event))]


def decision_hint(state: str) -> str:
    """The decisions the council sheet's drop-down offers that an item in ``state`` can take (commend
    and reward where recognition is possible: it is recorded first), as a hint; not the life-cycle's
    other steps (a unit's report), which are no decision of the council."""
    steps = allowed(state)
    choices = [
        f"“{label}”"
        for label, event in DECISIONS.items()
        if event in steps or (event in AFTER_RECOGNITION and "recognise" in steps)
    ]
    if not choices:
        return f"Mục đang ở trạng thái “{STATE_LABELS[state]}” nên không còn quyết định nào; hãy chọn “{NO_DECISION}”."
    return f"Hãy chọn một trong các quyết định: {'; '.join(choices)}; hoặc “{NO_DECISION}” nếu chưa quyết định."


def _reason(decision: Decision, event: str) -> str:
    if event != decision.event:
        return f"Công nhận để “{decision.label}” theo quyết định của Ban chỉ đạo"
    return decision.note or f"Ban chỉ đạo quyết định “{decision.label}”"


def decision_counts(register: Register, year: int) -> dict[tuple[str, str], int]:
    """How many of each kind of item the council decided each way in ``year``: (event, kind) -> count."""
    rows = register.db.execute(
        "SELECT e.event, i.kind, COUNT(*) FROM events e JOIN items i ON i.code = e.code "
        "WHERE e.year=? AND e.evidence LIKE ? GROUP BY e.event, i.kind",
        (year, _EVIDENCE_LIKE),
    ).fetchall()
    return {(event, kind): count for event, kind, count in rows}


def with_decisions(register: Register, data: Consolidation) -> Consolidation:
    """``data`` with each item the council decided on in the year carrying its decisions (event
    labels, in the order recorded, ``"; "``-joined) as its value ``decision``: the summary's column
    that tells the level above what the ward decided, not only what its units proposed."""
    rows = register.db.execute(
        "SELECT code, event FROM events WHERE year=? AND evidence LIKE ? ORDER BY id",
        (data.year, _EVIDENCE_LIKE),
    ).fetchall()
    decided: dict[str, list[str]] = {}
    for code, event in rows:
        labels = decided.setdefault(code, [])
        if EVENT_LABELS[event] not in labels:
            labels.append(EVENT_LABELS[event])
    if not decided:
        return data
    items = {
        kind: tuple(_decided(item, decided.get(str(item.values.get("code")))) for item in kind_items)
        for kind, kind_items in data.items.items()
    }
    return dataclasses.replace(data, items=items)


def _decided(item: Item, labels: list[str] | None) -> Item:
    if not labels:
        return item
    return dataclasses.replace(item, values={**item.values, DECISION: "; ".join(labels)})
