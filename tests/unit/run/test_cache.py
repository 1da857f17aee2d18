"""Run caches: a warm run reads no workbook again and rewrites no output, yet gives a cold run's result."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import pickle
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline.config import Config, load_config
from pipeline.core.paths import SUBMISSIONS_FILE
from pipeline.intake.receive import receive
from pipeline.intake.validate import check_codes, validate
from pipeline.register import ARCHIVE_FOLDER, KnownItems
from pipeline.run.cache import config_fingerprint, inputs_digest, source_digest
from pipeline.run.cycle import RunResult, run_consolidation
from pipeline.tools.demo import sample_answers
from tests.support.builder import drop_file, filled_template, sample_workbook, sample_workspace, unit_of, write_file

REPO = Path(__file__).parents[3]
YEAR = 2026
UNITS = ("KP-BD01", "TH-NK02", "HLHPN")


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Config]:
    """Three units' files in the inbox; the last one with typical mistakes (so it gets a feedback copy)."""
    return sample_workspace(tmp_path, UNITS, YEAR, dt.datetime(YEAR, 11, 20, 9, 0), with_errors=2)


def _run(root: Path, config: Config) -> RunResult:
    return run_consolidation(root, config, YEAR, dt.date(YEAR, 12, 5), now=dt.datetime(YEAR, 12, 1, 8, 0))


def _outputs(root: Path) -> dict[str, tuple[str, int, int]]:
    """Each output's hash, inode and modification time (a rewrite changes the last two)."""
    folder = root / "outbox" / str(YEAR)
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_ino,
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*.*"))
    }


def _archived(root: Path) -> list[Path]:
    return sorted(p for p in (root / ARCHIVE_FOLDER).rglob("*.xlsx"))


def test_warm_run_rewrites_nothing_and_reports_the_same(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    cold = _run(root, config)
    before = _outputs(root)
    assert any(name.startswith("phan-hoi/") for name in before), "the file with mistakes has a feedback copy"
    warm = _run(root, config)
    assert _outputs(root) == before
    assert warm.summary(root) == cold.summary(root)
    assert [s.findings for s in warm.submissions] == [s.findings for s in cold.submissions]


def test_warm_run_takes_submissions_from_the_cache_by_content(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    cold = _run(root, config)
    assert (root / SUBMISSIONS_FILE).exists()
    for path in _archived(root):
        path.write_bytes(b"not read again: the cache answers by the file's hash")
    warm = _run(root, config)
    assert [s.accepted for s in warm.submissions] == [s.accepted for s in cold.submissions]
    assert [s.tables for s in warm.submissions] == [s.tables for s in cold.submissions]


def test_a_configuration_change_reads_the_files_again(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    _run(root, config)
    for path in _archived(root):
        path.write_bytes(b"PK\x03\x04 damaged")
    edited = dataclasses.replace(config, organization=dataclasses.replace(config.organization, ward_name="Phường Mới"))
    assert config_fingerprint(edited) != config_fingerprint(config)
    rerun = _run(root, edited)
    assert not any(s.accepted for s in rerun.submissions)
    assert {f.code for s in rerun.submissions for f in s.findings} == {"not-a-workbook"}


def test_an_output_changed_on_disk_is_written_again(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    _run(root, config)
    before = _outputs(root)
    summary = root / "outbox" / str(YEAR) / f"tong-hop-{YEAR}.xlsx"
    summary.write_bytes(b"edited by hand")
    _run(root, config)
    after = _outputs(root)
    assert after[summary.name][0] == before[summary.name][0]
    assert {k: v for k, v in after.items() if k != summary.name} == {
        k: v for k, v in before.items() if k != summary.name
    }


def test_the_cache_keeps_only_the_entries_of_the_current_configuration(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    _run(root, config)
    entries = _cache_entries(root)
    assert len(entries) == len(UNITS)
    for name in ("Phường Một", "Phường Hai", "Phường Ba"):
        edited = dataclasses.replace(config, organization=dataclasses.replace(config.organization, ward_name=name))
        _run(root, edited)
        assert len(_cache_entries(root)) == len(UNITS)  # not one more set per configuration
        assert _cache_entries(root).isdisjoint(entries)
    _run(root, config)
    assert _cache_entries(root) == entries


def test_a_cache_file_of_the_former_layout_or_damaged_is_started_anew(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    cache = root / SUBMISSIONS_FILE
    cache.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        db.execute("CREATE TABLE submissions (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        db.execute("INSERT INTO submissions VALUES ('x', zeroblob(100000))")
    cold = _run(root, config)
    assert len(_cache_entries(root)) == len(UNITS)
    cache.write_bytes(b"not a database" * 100)
    again = _run(root, config)
    assert [s.tables for s in again.submissions] == [s.tables for s in cold.submissions]
    assert len(_cache_entries(root)) == len(UNITS)


def _cache_entries(root: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(root / SUBMISSIONS_FILE)) as db:
        return {key for (key,) in db.execute("SELECT key FROM entries")}


def test_a_changed_file_rebuilds_the_outputs_it_feeds(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    _run(root, config)
    before = _outputs(root)
    another_filling = sample_workbook(config, UNITS[0], YEAR, seed="another filling")
    drop_file(root, f"{UNITS[0]}.xlsx", another_filling, dt.datetime(YEAR, 11, 22, 9, 0))
    _run(root, config)
    after = _outputs(root)
    assert after[f"tong-hop-{YEAR}.xlsx"][0] != before[f"tong-hop-{YEAR}.xlsx"][0]
    feedback = [name for name in before if name.startswith("phan-hoi/")]
    assert feedback and all(after[name] == before[name] for name in feedback)


def test_code_check_on_a_cached_submission_equals_validation_with_codes(config: Config, tmp_path: Path) -> None:
    answers = sample_answers(config, unit_of(config, UNITS[0]), YEAR, random.Random(1))
    answers["models"][0]["code"] = "MH-2025-007"
    path = write_file(tmp_path / "unit.xlsx", filled_template(config, UNITS[0], answers))
    received = receive(path, path.name)
    known = KnownItems({"MH-2025-001": UNITS[0]})
    direct = validate(received, config, YEAR, known)
    later = check_codes(validate(received, config, YEAR, None), known, config)
    assert "unknown-model-code" in {f.code for f in direct.findings}
    assert later == direct


def test_inputs_digest_depends_on_values_not_on_shared_objects() -> None:
    text = "Tổ tự quản"
    shared = [text, text]
    separate = [text, "".join(["Tổ tự ", "quản"])]
    assert separate[0] is not separate[1]
    assert inputs_digest(shared) == inputs_digest(separate)
    assert inputs_digest(shared) != inputs_digest([text, "Tổ hòa giải"])


def test_reading_in_worker_processes_gives_the_same_submissions(workspace: tuple[Path, Config]) -> None:
    from pipeline.intake.read import read_file
    from pipeline.run.readpool import POOL_MIN_FILES, ReadPool

    root, config = workspace
    sources = sorted((root / "inbox").glob("*.xlsx"))
    copies = root / "many"
    copies.mkdir()
    jobs = []
    for index in range(POOL_MIN_FILES):
        path = copies / f"{index:03d}-{sources[index % len(sources)].name}"
        shutil.copyfile(sources[index % len(sources)], path)
        jobs.append((path, path.name, dt.datetime(YEAR, 11, 20, 9, 0)))
    with ReadPool(config, YEAR) as pool:
        answers = list(pool.read_all(jobs))
    in_workers = [read for read, _ in answers]
    here = [read_file(path, name, config, YEAR, received) for path, name, received in jobs]
    assert in_workers == here
    # each worker's answer comes with its pickle, which the submission cache stores as it is
    assert [pickle.loads(pickled) for _, pickled in answers if pickled is not None] == here
    assert [getattr(s, "unit_code", "") for s in in_workers] == [
        sources[i % len(sources)].stem for i in range(len(jobs))
    ]


def test_an_item_is_digested_by_every_field() -> None:
    from pipeline.run import cache as runcache
    from pipeline.year.consolidate import Item

    assert tuple(f.name for f in dataclasses.fields(Item)) == runcache.ITEM_FIELDS
    config = load_config(REPO)
    unit, other = config.units.units[0], config.units.units[1]
    item = Item("models", unit, {"name": "Tổ tự quản", "code": None}, 80.0, "Tốt", "a.xlsx", "Mô hình", 7)
    changed = [
        dataclasses.replace(item, kind="collectives"),
        dataclasses.replace(item, unit=other),
        dataclasses.replace(item, values={"name": "Tổ tự quản", "code": "MH-2026-001"}),
        dataclasses.replace(item, values={"code": None, "name": "Tổ tự quản"}),
        dataclasses.replace(item, total_score=81.0),
        dataclasses.replace(item, classification="Khá"),
        dataclasses.replace(item, source_file="b.xlsx"),
        dataclasses.replace(item, source_sheet="Điển hình"),
        dataclasses.replace(item, source_row=8),
    ]
    digests = {inputs_digest(item), *(inputs_digest(c) for c in changed)}
    assert len(digests) == len(changed) + 1
    assert inputs_digest(dataclasses.replace(item, values=dict(item.values))) == inputs_digest(item)


def test_the_source_digest_covers_subpackages_and_not_the_bench(tmp_path: Path) -> None:
    package = tmp_path / "pipeline"
    (package / "config").mkdir(parents=True)
    (package / "tools").mkdir()
    (package / "cycle.py").write_text("RUN = 1\n")
    (package / "config" / "units.py").write_text("UNITS = 1\n")
    (package / "tools" / "bench.py").write_text("SIZES = 1\n")
    (package / "tools" / "demo.py").write_text("DEMO = 1\n")
    before = source_digest(package)
    (package / "tools" / "bench.py").write_text("SIZES = 2\n")
    assert source_digest(package) == before  # the benchmark takes no part in a run
    (package / "tools" / "demo.py").write_text("DEMO = 2\n")
    assert source_digest(package) != before  # the demo's other tools do
    before = source_digest(package)
    (package / "config" / "units.py").write_text("UNITS = 2\n")
    changed = source_digest(package)
    assert changed != before
    (package / "config" / "units.py").rename(package / "units.py")
    assert source_digest(package) != changed  # the same code elsewhere is another package
