"""Reading one file: a received path -> a unit's submission, a ward's summary, the council's
workbook or the clerk's document of the reports' written parts.

Contract: whatever goes wrong inside becomes a finding (``unexpected-error``), never an exception,
so one unit's file never stops the ward's run. A Word document is read as the clerk's document
(:mod:`.narrative`), at any level. A workbook is read as what its hidden ``_meta`` says: the
steering committee's council workbook (:mod:`.council`) or a unit's filled template
(:mod:`.validate`); with a province-level config every workbook is a ward's summary
(:mod:`.ward_summary`). The run's reading processes call :func:`read_file`; :func:`check_file`
takes every file for a unit's (or a ward's) and never for the council's or the clerk's. ``dvk check``
reads a file as the run would (:func:`read_received`), for the year the file states
(:func:`stated_year`) unless the clerk names one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..config import Config
from ..core.findings import finding
from ..register import KnownItems
from .council import CouncilFile, is_council, read_council
from .narrative import NarrativeFile, document_year, read_narrative
from .receive import Received, SourceFile, receive
from .validate import Submission, read_meta, validate
from .ward_summary import read_ward_summary


def check_file(
    path: Path,
    name: str,
    config: Config,
    year: int,
    received_at: dt.datetime | None = None,
    known: KnownItems | None = None,
) -> Submission:
    """Receive and validate one file; whatever goes wrong inside becomes a finding, not a crash."""
    try:
        return _submission(receive(path, name, received_at), config, year, known)
    except Exception as exc:  # a bug must not stop the other forty units' run
        return crashed(path, name, received_at, exc)


def read_file(
    path: Path,
    name: str,
    config: Config,
    year: int,
    received_at: dt.datetime | None = None,
    known: KnownItems | None = None,
) -> Submission | CouncilFile | NarrativeFile:
    """Receive one file and read it as what it is: the clerk's document (a Word document), the
    council's workbook or a unit's (what its ``_meta`` says)."""
    try:
        return read_received(receive(path, name, received_at), config, year, known)
    except Exception as exc:  # as in check_file
        return crashed(path, name, received_at, exc)


def read_received(
    received: Received, config: Config, year: int, known: KnownItems | None = None
) -> Submission | CouncilFile | NarrativeFile:
    """A received file read as what it is (see :func:`read_file`, which catches what this raises)."""
    if received.document:
        return read_narrative(received, year)
    if not config.organization.is_province and is_council(received):
        return read_council(received, config, year)
    return _submission(received, config, year, known)


def stated_year(received: Received) -> int | None:
    """The year a received file says it is for, unchecked: its hidden ``_meta``'s (a unit's
    template, the council's workbook, a ward's summary) or, for a Word document, the clerk's
    document's; None when it says none (any other file)."""
    if received.document:
        return document_year(received)
    meta = read_meta(received.workbook) if received.workbook is not None else None
    year = (meta or {}).get("year", "")
    return int(year) if year.isdigit() else None


def _submission(received: Received, config: Config, year: int, known: KnownItems | None) -> Submission:
    """A ward's summary at the province, a unit's filled template at the ward."""
    if config.organization.is_province:
        return read_ward_summary(received, config, year)
    return validate(received, config, year, known)


def crashed(path: Path, name: str, received_at: dt.datetime | None, exc: Exception) -> Submission:
    return unreadable(path, name, received_at, f"{type(exc).__name__}: {exc}"[:200])


def reader_died(path: Path, name: str, received_at: dt.datetime | None) -> Submission:
    """The file whose reading ended the process reading it, even when read alone."""
    return unreadable(path, name, received_at, "tiến trình đọc tệp này bị dừng đột ngột")


def unreadable(path: Path, name: str, received_at: dt.datetime | None, detail: str) -> Submission:
    """A file the program failed on: rejected with ``unexpected-error``. Its hash is left empty, so
    that the submission cache does not keep the failure: the next run tries again."""
    source = SourceFile(path, name, "", 0, received_at or dt.datetime(1970, 1, 1))
    return Submission(source, "", None, "", {}, {}, (finding("unexpected-error", file=name, detail=detail),))
