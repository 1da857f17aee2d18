"""What the register knows when a year's files are checked: codes, and the states before the year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.core.matching import match_key
from pipeline.core.textnorm import fold
from pipeline.register import KnownItems, known_items, open_register

NOW = dt.datetime(2027, 11, 30, 8, 0)
CAMERA, VUON = "Camera an ninh", "Vườn rau an toàn"


def _register_history(root: Path) -> None:
    """A model registered in 2026 and recognised by the council that year; another registered in
    2027 (an earlier run of 2027) and recognised in 2027."""
    with open_register(root, NOW) as register:
        register.add_item("MH-2026-001", "models", "KP-BD01", CAMERA, fold(CAMERA), 2026, "recognised")
        register.record_event("MH-2026-001", 2026, "register", None, "registered", "tệp a", "Đăng ký")
        register.record_event("MH-2026-001", 2026, "recognise", "registered", "recognised", "QĐ 1", "Công nhận")
        register.record_event("MH-2026-001", 2027, "strengthen", "recognised", "strengthened", "QĐ 2", "Củng cố")
        register.add_item("MH-2027-001", "models", "KP-BD01", VUON, fold(VUON), 2027, "recognised")
        register.record_event("MH-2027-001", 2027, "register", None, "registered", "tệp b", "Đăng ký")
        register.record_event("MH-2027-001", 2027, "recognise", "registered", "recognised", "QĐ 3", "Công nhận")


def test_states_are_those_before_the_year_and_only_of_earlier_items(tmp_path: Path) -> None:
    _register_history(tmp_path)
    with open_register(tmp_path, NOW, write=False) as register:
        known = known_items(register, 2027)
    assert known.owners == {"MH-2026-001": "KP-BD01", "MH-2027-001": "KP-BD01"}
    # Before 2027: recognised (the 2027 decision does not count); the 2027 item has no state before it.
    assert known.states == {"MH-2026-001": "recognised"}
    assert known.state_of("KP-BD01", "models", "MH-2026-001", _key("")) == ("MH-2026-001", "recognised")
    assert known.state_of("KP-BD01", "models", "", _key("camera  AN NINH")) == ("MH-2026-001", "recognised")
    assert known.state_of("KP-BD01", "models", "MH-2027-001", _key(VUON)) is None
    assert known.state_of("KP-BD01", "models", "", _key(VUON)) is None
    assert known.state_of("MTTQ", "models", "", _key(CAMERA)) is None  # another unit's model of that name


def test_nothing_is_known_of_an_empty_register(tmp_path: Path) -> None:
    with open_register(tmp_path, NOW, write=False) as register:
        assert known_items(register, 2026) == KnownItems()


def _key(name: str) -> str | None:
    return match_key("models", {"name": name})
