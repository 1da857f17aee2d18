"""The demo records the steering committee's decisions: the reports say what was decided."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

from pipeline.config import Config
from pipeline.intake.council import NO_DECISION
from pipeline.tools.demo import build_demo
from pipeline.tools.demo_council import CHANGED, COUNCIL_COPY, consolidate_demo, decide

YEAR = 2026


def _text(path: Path) -> str:
    with zipfile.ZipFile(path) as docx:
        return re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode("utf-8"))


def test_the_committee_mostly_follows_the_suggestion() -> None:
    rng = random.Random(0)
    decided = [decide("Công nhận", rng) for _ in range(300)]
    kinds = {decision for decision, _ in decided}
    assert kinds == {"Công nhận", CHANGED["Công nhận"], NO_DECISION}
    assert sum(d == "Công nhận" for d, _ in decided) > 200
    assert all(note for d, note in decided if d != "Công nhận")
    assert decide(NO_DECISION, rng) == (NO_DECISION, "")


def test_the_demo_records_decisions_and_reports_them(config: Config, tmp_path: Path) -> None:
    workspace = tmp_path / "demo"
    demo_config = build_demo(config, YEAR, workspace)
    result = consolidate_demo(workspace, demo_config, YEAR)
    assert (workspace / "inbox" / COUNCIL_COPY.format(year=YEAR)).is_file()
    (council,) = result.councils
    assert council.accepted and council.applied > 20 and not council.findings
    for name in ("bao-cao-tinh", "bao-cao-thuong-truc"):
        assert "Ban Chỉ đạo đã quyết định" in _text(workspace / "outbox" / str(YEAR) / f"{name}-{YEAR}.docx")
    # The faulty unit's impossible proposal is still refused, on purpose.
    assert "proposal-not-allowed-for-state" in {f.code for f in result.findings}
    # A second run replays the one filled copy; it does not decide again.
    again = consolidate_demo(workspace, demo_config, YEAR)
    assert [c.applied for c in again.councils] == [council.applied]
    assert len(list((workspace / "inbox").glob("xet-duyet-*"))) == 1
