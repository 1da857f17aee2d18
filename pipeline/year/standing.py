"""Where each received file and each expected unit stands: the one definition every output counts by.

Files (:func:`file_standings`), each exactly one of:

* used: the latest accepted file of its unit (by :func:`~pipeline.intake.validate.in_order_received`),
  the one whose figures the consolidation holds (:mod:`.consolidate`);
* replaced: an accepted file of a unit that sent a later accepted one, or a rejected file received
  no later than its unit's used file: "đã thay bằng “<the used file>”", nothing left to do about it;
* returned: a rejected file not followed by an accepted file of its unit (files of no known unit
  among them): the unit still has to fix and send it again.

Units are counted from their :class:`~.consolidate.UnitStatus`: expected = sent a valid report
(on time + late) + returned and not sent again + not sent; exempt units apart. Files: received =
used + replaced + returned. The screen, ``--json``, ``dvk status``, ``ket-qua-kiem-tra`` and the
reports (:mod:`.stats`: the same unit statuses) all take their numbers from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..intake.validate import Submission, in_order_received
from .consolidate import EXEMPT, LATE, MISSING, ON_TIME, REJECTED, UnitStatus

USED = "used"
REPLACED = "replaced"
RETURNED = "returned"
USED_LABEL = "Được dùng"
RETURNED_LABEL = "Trả lại"


@dataclass(frozen=True)
class FileStanding:
    """One received file and where it stands; ``replaced_by`` names the file used instead."""

    submission: Submission
    state: str
    replaced_by: str = ""

    @property
    def name(self) -> str:
        return self.submission.source.name

    @property
    def label(self) -> str:
        """In Vietnamese, the same on screen and in ``ket-qua-kiem-tra``: ``Được dùng``,
        ``Đã thay bằng “b.xlsx”`` (``Trả lại, đã thay bằng “b.xlsx”`` for a rejected one), ``Trả lại``."""
        if self.state == USED:
            return USED_LABEL
        if self.state == RETURNED:
            return RETURNED_LABEL
        if self.submission.accepted:
            return f"Đã thay bằng “{self.replaced_by}”"
        return f"{RETURNED_LABEL}, đã thay bằng “{self.replaced_by}”"


def file_standings(submissions: Sequence[Submission]) -> list[FileStanding]:
    """The standing of each file, in the order given."""
    used: dict[str, Submission] = {}
    for sub in in_order_received(s for s in submissions if s.accepted and s.unit_code):
        used[sub.unit_code] = sub
    standings = []
    for sub in submissions:
        latest = used.get(sub.unit_code) if sub.unit_code else None
        if latest is sub or (latest is None and sub.accepted):
            standings.append(FileStanding(sub, USED))
        elif latest is not None and (sub.accepted or latest.source.received_at >= sub.source.received_at):
            standings.append(FileStanding(sub, REPLACED, latest.source.name))
        else:
            standings.append(FileStanding(sub, RETURNED))
    return standings


def returned_files(submissions: Sequence[Submission]) -> list[Submission]:
    """The rejected files still waiting for their unit: not replaced by a later accepted file."""
    return [s.submission for s in file_standings(submissions) if s.state == RETURNED]


@dataclass(frozen=True)
class Counts:
    """The year's numbers, in units and in files; each total is the sum of its parts."""

    units_on_time: int
    units_late: int
    units_returned: int
    units_missing: int
    units_exempt: int
    files_used: int
    files_replaced: int
    files_returned: int

    @property
    def units_sent(self) -> int:
        return self.units_on_time + self.units_late

    @property
    def units_expected(self) -> int:
        return self.units_sent + self.units_returned + self.units_missing

    @property
    def files_received(self) -> int:
        return self.files_used + self.files_replaced + self.files_returned

    @property
    def units_to_chase(self) -> int:
        """Units without a valid report: returned and not sent again, or not sent at all."""
        return self.units_returned + self.units_missing

    def as_dict(self) -> dict[str, dict[str, int]]:
        """The shape of ``counts`` in ``dvk consolidate --json``."""
        return {
            "units": {
                "expected": self.units_expected,
                "sent": self.units_sent,
                "on_time": self.units_on_time,
                "late": self.units_late,
                "returned": self.units_returned,
                "missing": self.units_missing,
                "exempt": self.units_exempt,
            },
            "files": {
                "received": self.files_received,
                "used": self.files_used,
                "replaced": self.files_replaced,
                "returned": self.files_returned,
            },
        }


def count(units: Sequence[UnitStatus], standings: Sequence[FileStanding]) -> Counts:
    """The counts of the year from its units' statuses and its files' standings."""
    statuses = [u.status for u in units]
    states = [s.state for s in standings]
    return Counts(
        units_on_time=statuses.count(ON_TIME),
        units_late=statuses.count(LATE),
        units_returned=statuses.count(REJECTED),
        units_missing=statuses.count(MISSING),
        units_exempt=statuses.count(EXEMPT),
        files_used=states.count(USED),
        files_replaced=states.count(REPLACED),
        files_returned=states.count(RETURNED),
    )


def units_sentence(c: Counts) -> str:
    """``2/39 đơn vị đã gửi báo cáo hợp lệ (1 đúng hạn, 1 trễ hạn), 1 đơn vị bị trả lại, chưa gửi
    lại, 36 đơn vị chưa gửi`` (then the exempt units, if any)."""
    exempt = f"; {c.units_exempt} đơn vị miễn báo cáo" if c.units_exempt else ""
    return (
        f"{c.units_sent}/{c.units_expected} đơn vị đã gửi báo cáo hợp lệ ({c.units_on_time} đúng hạn, "
        f"{c.units_late} trễ hạn), {c.units_returned} đơn vị bị trả lại, chưa gửi lại, "
        f"{c.units_missing} đơn vị chưa gửi{exempt}"
    )


def files_sentence(c: Counts) -> str:
    """``5 tệp đã nhận: 3 tệp được dùng, 1 tệp đã thay bằng tệp gửi sau, 1 tệp bị trả lại, chưa
    được thay``."""
    return (
        f"{c.files_received} tệp đã nhận: {c.files_used} tệp được dùng, {c.files_replaced} tệp đã thay "
        f"bằng tệp gửi sau, {c.files_returned} tệp bị trả lại, chưa được thay"
    )
