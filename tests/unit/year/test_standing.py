"""Each received file used, replaced or returned; counts that add up (pipeline.year.standing)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pipeline.config import Config
from pipeline.core.findings import ERROR, Finding
from pipeline.intake.receive import SourceFile
from pipeline.intake.validate import Submission
from pipeline.year.consolidate import EXEMPT, LATE, MISSING, ON_TIME, REJECTED
from pipeline.year.standing import REPLACED, RETURNED, USED, count, file_standings, returned_files
from tests.support.builder import unit_of, unit_status

YEAR = 2026


def _file(name: str, unit: str, day: int, accepted: bool = True) -> Submission:
    moment = dt.datetime(YEAR, 11, day, 9, 0)
    source = SourceFile(Path(name), name, hashlib.sha256(name.encode()).hexdigest(), 1, moment)
    findings = () if accepted else (Finding("wrong-type", ERROR, name, "Mô hình", "E4", "Sai", "Sửa"),)
    return Submission(source, unit, YEAR if unit else None, "1", {}, {}, findings)


def test_each_file_is_used_replaced_or_returned() -> None:
    files = [
        _file("hnd.xlsx", "HND", 20, accepted=False),  # then corrected: replaced
        _file("hnd-sua.xlsx", "HND", 22),
        _file("mttq.xlsx", "MTTQ", 20),  # an earlier accepted file: replaced too
        _file("mttq-2.xlsx", "MTTQ", 23),
        _file("mttq-3.xlsx", "MTTQ", 24, accepted=False),  # after the file used: still to act on
        _file("cd.xlsx", "CD", 21, accepted=False),  # never replaced
        _file("ghi-chu.txt", "", 21, accepted=False),  # of no unit
    ]
    standings = file_standings(files)
    assert [(s.name, s.state, s.replaced_by) for s in standings] == [
        ("hnd.xlsx", REPLACED, "hnd-sua.xlsx"),
        ("hnd-sua.xlsx", USED, ""),
        ("mttq.xlsx", REPLACED, "mttq-2.xlsx"),
        ("mttq-2.xlsx", USED, ""),
        ("mttq-3.xlsx", RETURNED, ""),
        ("cd.xlsx", RETURNED, ""),
        ("ghi-chu.txt", RETURNED, ""),
    ]
    assert [s.label for s in standings[:3]] == [
        "Trả lại, đã thay bằng “hnd-sua.xlsx”",
        "Được dùng",
        "Đã thay bằng “mttq-2.xlsx”",
    ]
    assert [s.source.name for s in returned_files(files)] == ["mttq-3.xlsx", "cd.xlsx", "ghi-chu.txt"]
    # The order given does not change a file's standing.
    assert {(s.name, s.state) for s in file_standings(files[::-1])} == {(s.name, s.state) for s in standings}


def test_counts_add_up_in_units_and_in_files(config: Config) -> None:
    units = [
        unit_status(unit_of(config, code), status)
        for code, status in (("HND", ON_TIME), ("MTTQ", LATE), ("CD", REJECTED), ("DTN", MISSING), ("YT", EXEMPT))
    ]
    files = [_file("hnd.xlsx", "HND", 20, accepted=False), _file("hnd-sua.xlsx", "HND", 22)]
    counts = count(units, file_standings(files))
    assert counts.as_dict() == {
        "units": {"expected": 4, "sent": 2, "on_time": 1, "late": 1, "returned": 1, "missing": 1, "exempt": 1},
        "files": {"received": 2, "used": 1, "replaced": 1, "returned": 0},
    }
    assert counts.units_to_chase == 2
