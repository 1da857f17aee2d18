"""An unchanged ``dvk consolidate`` answers from its last run, and anything that changed makes a full run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config
from pipeline.register import ARCHIVE_FOLDER, REGISTER_FILE
from pipeline.run import cycle, replay
from pipeline.run.cycle import run_consolidation
from tests.support.builder import drop_file, sample_workbook, sample_workspace

REPO = Path(__file__).parents[3]
YEAR = 2026
UNITS = ("KP-BD01", "TH-NK02", "HLHPN")
REPORT_DATE = dt.date(YEAR, 12, 5)
ARRIVED = dt.datetime(YEAR, 11, 20, 9, 0)


def _write_unit_file(root: Path, config: Config, code: str, with_errors: bool, seed: str) -> Path:
    """``code``'s sample file drawn from ``seed``, received when the others were."""
    return drop_file(root, f"{code}.xlsx", sample_workbook(config, code, YEAR, seed, with_errors), ARRIVED)


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Config]:
    """Three units' files in the inbox, the last one with mistakes (so the answer has findings)."""
    return sample_workspace(tmp_path, UNITS, YEAR, ARRIVED, with_errors=2)


class FullRuns:
    """Counts the full runs behind :func:`replay.consolidate_year`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0

        def counted(*args: Any, **kwargs: Any) -> cycle.RunResult:
            self.count += 1
            return run_consolidation(*args, **kwargs)

        monkeypatch.setattr(cycle, "run_consolidation", counted)


@pytest.fixture
def full_runs(monkeypatch: pytest.MonkeyPatch) -> FullRuns:
    return FullRuns(monkeypatch)


def _consolidate(root: Path, config: Config, report_date: dt.date | None = REPORT_DATE) -> replay.RunAnswer:
    return replay.consolidate_year(root, config, YEAR, report_date)


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the workspace but the lock: size and modification time."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


def test_an_unchanged_run_answers_as_the_full_run_did_and_writes_nothing(
    workspace: tuple[Path, Config], full_runs: FullRuns
) -> None:
    root, config = workspace
    first = _consolidate(root, config)
    assert first.failed, "the file with mistakes is rejected"
    assert any(f["findings"] for f in first.summary["rejected"])
    before = _snapshot(root)
    again = _consolidate(root, config)
    assert full_runs.count == 1
    assert again == first and again.replayed and not first.replayed
    assert _snapshot(root) == before, "no register backup, output, cache or archive file written"


def test_a_replayed_run_still_reports_progress_over_every_inbox_file(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    _consolidate(root, config)
    seen: list[str] = []
    replay.consolidate_year(root, config, YEAR, REPORT_DATE, seen.append)
    assert seen == [f"{code}.xlsx" for code in sorted(UNITS)]


def test_the_answer_equals_a_full_run_of_the_same_inputs(workspace: tuple[Path, Config], full_runs: FullRuns) -> None:
    root, config = workspace
    _consolidate(root, config)
    replayed = _consolidate(root, config)
    replay.forget(root, YEAR)
    full = _consolidate(root, config)
    assert full_runs.count == 2
    assert replayed == full


def _append_byte(path: Path) -> None:
    with path.open("ab") as file:
        file.write(b"\0")


def _touch(path: Path) -> None:
    os.utime(path, (0, dt.datetime(YEAR, 11, 21).timestamp()))


def _outputs(root: Path) -> Path:
    return root / "outbox" / str(YEAR)


CHANGES: dict[str, Any] = {
    "inbox-file-replaced": lambda root, config: _write_unit_file(root, config, UNITS[2], False, "fixed"),
    "inbox-file-added": lambda root, _: shutil.copy2(root / "inbox" / f"{UNITS[0]}.xlsx", root / "inbox" / "x.xlsx"),
    "inbox-file-removed": lambda root, _: (root / "inbox" / f"{UNITS[1]}.xlsx").unlink(),
    "inbox-file-touched": lambda root, _: _touch(root / "inbox" / f"{UNITS[1]}.xlsx"),
    "output-removed": lambda root, _: next(_outputs(root).glob("*.docx")).unlink(),
    "output-edited": lambda root, _: _append_byte(_outputs(root) / f"tong-hop-{YEAR}.xlsx"),
    "register-written": lambda root, _: cycle.override_received(
        root, f"{UNITS[0]}.xlsx", dt.datetime(YEAR, 11, 19, 8, 0), "nhận qua Zalo"
    ),
    "archive-file-removed": lambda root, _: next((root / ARCHIVE_FOLDER).rglob("*.xlsx")).unlink(),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_changed_input_or_output_makes_a_full_run(
    workspace: tuple[Path, Config], full_runs: FullRuns, change: str
) -> None:
    root, config = workspace
    _consolidate(root, config)
    CHANGES[change](root, config)
    _consolidate(root, config)
    assert full_runs.count == 2


def test_another_configuration_or_report_date_makes_a_full_run(
    workspace: tuple[Path, Config], full_runs: FullRuns
) -> None:
    root, config = workspace
    _consolidate(root, config)
    other = dataclasses.replace(config, organization=dataclasses.replace(config.organization, author="Khác"))
    _consolidate(root, other)
    assert full_runs.count == 2
    _consolidate(root, other, report_date=None)
    assert full_runs.count == 3
    _consolidate(root, other, report_date=None)
    assert full_runs.count == 3


def test_a_run_that_fails_half_way_leaves_no_answer_to_replay(
    workspace: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, config = workspace
    _consolidate(root, config)
    assert replay.record_path(root, YEAR).exists()
    _write_unit_file(root, config, UNITS[2], with_errors=False, seed="fixed")

    def killed(*args: Any, **kwargs: Any) -> cycle.RunResult:
        raise KeyboardInterrupt

    monkeypatch.setattr(cycle, "run_consolidation", killed)
    with pytest.raises(KeyboardInterrupt):
        _consolidate(root, config)
    assert not replay.record_path(root, YEAR).exists()


def test_a_damaged_record_means_a_full_run(workspace: tuple[Path, Config], full_runs: FullRuns) -> None:
    root, config = workspace
    first = _consolidate(root, config)
    replay.record_path(root, YEAR).write_text("{not json", encoding="utf-8")
    assert _consolidate(root, config) == first
    assert full_runs.count == 2
    assert _consolidate(root, config) == first
    assert full_runs.count == 2, "the full run wrote a good record again"


def test_an_open_write_ahead_log_means_a_full_run(workspace: tuple[Path, Config], full_runs: FullRuns) -> None:
    root, config = workspace
    _consolidate(root, config)
    Path(f"{root / REGISTER_FILE}-wal").write_bytes(b"")
    _consolidate(root, config)
    assert full_runs.count == 2


def test_the_cli_says_when_it_answers_from_the_last_run(workspace: tuple[Path, Config]) -> None:
    from click.testing import CliRunner

    from pipeline.cli.main import main

    root, _ = workspace
    command = ["--root", str(root), "consolidate", "--year", str(YEAR), "--date", REPORT_DATE.isoformat()]
    first = CliRunner().invoke(main, command)
    again = CliRunner().invoke(main, command)
    assert first.exit_code == again.exit_code == 1  # the file with mistakes is rejected
    assert again.stdout == first.stdout
    assert "từ lần chạy trước" in again.stderr and "từ lần chạy trước" not in first.stderr
    as_json = [CliRunner().invoke(main, [*command, "--json"]) for _ in range(2)]
    assert as_json[0].stdout == as_json[1].stdout and "từ lần chạy trước" not in as_json[1].stderr
