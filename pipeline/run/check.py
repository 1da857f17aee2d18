"""``dvk check``: files and folders -> each file read as ``dvk consolidate`` would read it now.

Contract:

* A folder stands for its files as the run finds them in ``inbox/``
  (:func:`pipeline.intake.receive.discover`: sub-folders too, hidden and temporary files such as
  ``~$a.xlsx`` skipped), named by their path inside the folder, in name order. A saved message
  (``.eml``, ``.mbox``) stands for its spreadsheet attachments, named ``thư.eml › tệp.xlsx`` as in
  the ledger, and for its own findings (an attachment refused, no spreadsheet).
* Each file is read for the year the clerk names (``--year``); else for the year the file states
  (a unit's template, the council's workbook, a ward's summary: its hidden ``_meta``; the clerk's
  document: its marker or headings) when the calendar has it; else for the cycle under way
  (:func:`cycle_year`), so that a file of a year the calendar lacks gets the wrong-year finding.
  A file that states no year when no cycle is under way stops the command (:class:`YearUnknown`).
* A file is read as the run reads it (:func:`pipeline.intake.read.read_received`): a unit's file
  against what the register knows (codes, states), with the minimum-models note; the council's
  workbook read, then its decisions applied to a scratch copy of the register
  (:func:`pipeline.register.scratch_register`) as the run applies them, so that unknown codes and
  moves the items' states forbid show too; the clerk's document read as the run reads it.
* Nothing is written: not the register (a workspace without one stays without one), not the
  archive, not the outbox.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..config import Config
from ..core import layout
from ..core.errors import DvkError
from ..core.findings import Finding, has_errors
from ..core.textnorm import file_name_text
from ..intake.council import CouncilFile
from ..intake.narrative import NarrativeFile
from ..intake.read import crashed, read_received, stated_year
from ..intake.receive import Received, discover, file_extension, receive
from ..intake.validate import Submission, read_meta
from ..mail.inbound import is_mail_file, read_mail_file
from ..register import REGISTER_FILE, KnownItems, known_items, open_register, scratch_register
from ..year.consolidate import with_minimum_note
from ..year.council import apply_council

# What a checked file is (``kind`` in ``--json``).
UNIT, WARD_SUMMARY, COUNCIL, NARRATIVE, DOCUMENT, MAIL, OTHER = (
    "unit",
    "ward-summary",
    "council",
    "narrative",
    "document",
    "mail",
    "other",
)
# Where the year a file was checked for comes from (``year_from`` in ``--json``).
FROM_OPTION, FROM_FILE, FROM_CYCLE = "option", "file", "cycle"


class NothingToCheck(DvkError):
    """A folder given to ``dvk check`` holds no file the run would read."""


class YearUnknown(DvkError):
    """A file states no year, no ``--year`` was given and no cycle of the calendar is under way."""


@dataclass(frozen=True)
class CheckedFile:
    """One file as ``dvk check`` found it: what it is, the year it was checked for, the verdict."""

    name: str
    kind: str
    label: str  # what the file is, in Vietnamese ("mẫu biểu của đơn vị HCCB (Hội Cựu chiến binh)")
    year: int
    year_from: str
    stated: int | None  # the year the file states, None when it states none
    unit_code: str
    accepted: bool
    findings: tuple[Finding, ...]
    # A council workbook whose rows could be read: its decisions (to be recorded, already recorded).
    decisions: tuple[int, int] | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.name,
            "kind": self.kind,
            "kind_label": self.label,
            "year": self.year,
            "year_from": self.year_from,
            "stated_year": self.stated,
            "unit": self.unit_code,
            "accepted": self.accepted,
            "findings": [f.as_dict() for f in self.findings],
        }
        if self.decisions is not None:
            data["decisions"] = {"applied": self.decisions[0], "unchanged": self.decisions[1]}
        return data


def files_to_check(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """Each path given, a folder replaced by its files as the run finds them in ``inbox/``, with
    the name each is shown by; :class:`NothingToCheck` for a folder without any."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if not path.is_dir():
            found.append((path, file_name_text(path.name)))
            continue
        inside = discover(path)
        if not inside:
            raise NothingToCheck(
                f"Thư mục “{path}” không có tệp nào để kiểm tra (tệp ẩn và tệp tạm như “~$tên.xlsx” được bỏ "
                "qua). Hãy chỉ đúng thư mục chứa các tệp đơn vị gửi, hoặc ghi tên từng tệp."
            )
        found += [(p, file_name_text(p.relative_to(path).as_posix())) for p in inside]
    return found


def cycle_year(config: Config, today: dt.date) -> int | None:
    """The cycle under way on ``today``: the latest year of the calendar whose templates can have
    been issued by then; None when no year of the calendar has begun."""
    begun = [year for year, calendar in config.calendar.items() if calendar.issued_from <= today]
    return max(begun, default=None)


def check_paths(
    root: Path, config: Config, year: int | None, paths: Sequence[Path], today: dt.date | None = None
) -> list[CheckedFile]:
    """``dvk check``: every file of ``paths`` checked as the run would check it now (see the module)."""
    checker = _Checker(root, config, year, cycle_year(config, today or dt.date.today()))
    return [checked for path, name in files_to_check(paths) for checked in checker.check(path, name)]


def annotated_copy(root: Path, config: Config, path: Path, today: dt.date | None = None) -> tuple[str, bytes] | None:
    """The copy of a unit's workbook ``path`` that consolidation would send back to the unit
    (its findings listed on a first sheet and marked on their cells), with its file name
    (``<UNIT>.xlsx``), the file read as :func:`check_paths` reads it; None when the file gets no
    such copy (not a unit's workbook, no findings, or a format openpyxl cannot open)."""
    from ..outputs.xlsx.feedback import CannotAnnotate, unit_feedback_bytes

    day = today or dt.date.today()
    checker = _Checker(root, config, None, cycle_year(config, day))
    if is_mail_file(path):
        return None
    read, year, _, _ = checker.read(receive(path, file_name_text(path.name)))
    if not isinstance(read, Submission) or not read.unit_code or read.year is None or not read.findings:
        return None
    try:
        return f"{read.unit_code}.xlsx", unit_feedback_bytes(path.read_bytes(), read, config, year, day)
    except CannotAnnotate:
        return None


class _Checker:
    """Checks files one after the other; what the register knows is read once per year."""

    def __init__(self, root: Path, config: Config, year: int | None, cycle: int | None) -> None:
        self.root, self.config, self.year, self.cycle = root, config, year, cycle
        self.known: dict[int, KnownItems] = {}

    def check(self, path: Path, name: str) -> Iterator[CheckedFile]:
        if is_mail_file(path):
            yield from self._mail(path, name)
            return
        try:
            received = receive(path, name)
            yield self._received(received)
        except DvkError:
            raise
        except Exception as exc:  # as in the run: one odd file must not stop the others' check
            yield self._crashed(path, name, exc)

    def read(self, received: Received) -> tuple[Submission | CouncilFile | NarrativeFile, int, str, int | None]:
        """The file read as the run reads it, the year it was read for and where that year comes
        from, and the year the file states."""
        stated = stated_year(received)
        year, year_from = self._year(stated, received.source.name)
        read = read_received(received, self.config, year, self._known(year))
        if isinstance(read, Submission):
            read = with_minimum_note(read, self.config)
        return read, year, year_from, stated

    def _received(self, received: Received) -> CheckedFile:
        read, year, year_from, stated = self.read(received)
        kind, label = _kind(received, stated, self.config)
        if isinstance(read, CouncilFile):
            return self._council(read, year, year_from, label)
        if isinstance(read, NarrativeFile):
            return CheckedFile(read.source.name, kind, label, year, year_from, stated, "", read.taken, read.findings)
        unit = read.unit_code or _stated_unit(received)
        return CheckedFile(read.source.name, kind, label, year, year_from, stated, unit, read.accepted, read.findings)

    def _year(self, stated: int | None, name: str) -> tuple[int, str]:
        """The year to check a file for, and where it comes from."""
        if self.year is not None:
            return self.year, FROM_OPTION
        if stated is not None and stated in self.config.calendar:
            return stated, FROM_FILE
        if self.cycle is None:
            raise YearUnknown(
                f"Không đọc được năm báo cáo của tệp “{name}” và hôm nay chưa thuộc kỳ báo cáo nào trong "
                f"config/calendar.yaml. Hãy ghi năm cần kiểm tra, ví dụ: dvk check --year {min(self.config.calendar)} "
                "“tên tệp”."
            )
        return self.cycle, FROM_CYCLE

    def _known(self, year: int) -> KnownItems:
        """What the register knows of the items before ``year`` (nothing when there is no register yet)."""
        if year not in self.known:
            self.known[year] = KnownItems()
            if not self.config.organization.is_province and (self.root / REGISTER_FILE).exists():
                with open_register(self.root, dt.datetime.now(), write=False) as register:
                    self.known[year] = known_items(register, year)
        return self.known[year]

    def _council(self, council: CouncilFile, year: int, year_from: str, label: str) -> CheckedFile:
        """The council's workbook with its decisions tried on a scratch copy of the register."""
        with scratch_register(self.root) as register:
            result = apply_council(register, council, year)
        accepted = council.taken and not has_errors(result.findings)
        return CheckedFile(
            council.source.name,
            COUNCIL,
            label,
            year,
            year_from,
            council.year,
            "",
            accepted,
            result.findings,
            (result.applied, result.unchanged) if council.taken else None,
        )

    def _mail(self, path: Path, name: str) -> Iterator[CheckedFile]:
        """A saved message: its own findings, then each spreadsheet attachment checked as a file."""
        messages = read_mail_file(path, name, self.config.mail)  # one message held at a time, as in the run
        while True:
            try:
                message = next(messages, None)
            except Exception as exc:  # as in the run: an unreadable message is a finding, not a stop
                yield self._crashed(path, name, exc)
                return
            if message is None:
                return
            if message.findings:
                year, year_from = self._year(None, message.name)
                yield CheckedFile(message.name, MAIL, _MAIL_LABEL, year, year_from, None, "", False, message.findings)
            for attachment in message.spreadsheets:
                extension = file_extension(Path("x" + PurePosixPath(attachment.filename).suffix))
                with tempfile.TemporaryDirectory(prefix="dvk-check-") as folder:
                    copy = Path(folder) / f"tep{extension}"  # as the run archives it
                    copy.write_bytes(attachment.data)
                    yield from self.check(copy, message.ledger_name(attachment))

    def _crashed(self, path: Path, name: str, exc: Exception) -> CheckedFile:
        read = crashed(path, name, None, exc)
        year, year_from = self._year(None, name)
        return CheckedFile(name, OTHER, _OTHER_LABEL, year, year_from, None, "", False, read.findings)


_MAIL_LABEL = "thư lưu (.eml, .mbox)"
_OTHER_LABEL = "tệp không phải mẫu biểu, bảng xét duyệt hay tệp nội dung báo cáo do công cụ phát hành"


def _kind(received: Received, stated: int | None, config: Config) -> tuple[str, str]:
    """What a received file says it is (before its identity is checked), and that in Vietnamese;
    ``stated`` is the year it states."""
    if received.document:
        if stated is None:
            return DOCUMENT, "văn bản Word (không phải tệp nội dung báo cáo do công cụ lập)"
        return NARRATIVE, "tệp nội dung báo cáo (phần lời văn I, III, IV, V của báo cáo)"
    meta = read_meta(received.workbook) if received.workbook is not None else None
    kind = (meta or {}).get("kind")
    if kind == layout.META_KIND_COUNCIL:
        return COUNCIL, "bảng xét duyệt của Ban chỉ đạo"
    if kind == layout.META_KIND_UNIT_TEMPLATE:
        return UNIT, f"mẫu biểu của đơn vị {_unit_words(_stated_unit(received), config)}"
    if kind == layout.META_KIND_WARD_SUMMARY:
        return WARD_SUMMARY, f"bảng tổng hợp của {_unit_words(_stated_unit(received), config)}"
    if received.workbook is None:
        return OTHER, "tệp không đọc được như bảng tính Excel"
    return OTHER, _OTHER_LABEL


def _stated_unit(received: Received) -> str:
    """The unit code the file's ``_meta`` states ("" when none)."""
    meta = read_meta(received.workbook) if received.workbook is not None else None
    return (meta or {}).get("unit_code", "")


def _unit_words(code: str, config: Config) -> str:
    """``HCCB (Hội Cựu chiến binh)``, or the code alone when no configured unit has it."""
    unit = config.units.get(code) if code else None
    return f"{code} ({unit.name})" if unit is not None else code or "không rõ"
