"""The yearly cycle, stage after stage: inbox -> submissions -> consolidation -> outputs.

This is the only module that reads the inbox and writes the outbox; the stages it calls are
functions from data to data. Outputs go to ``outbox/<year>/`` and are each written atomically
(temporary file, then rename), so an interrupted run never leaves a half-written report. The
annotated copies for units go to ``outbox/<year>/phan-hoi/``; a copy there that this run did not
write again belongs to a unit that has since fixed everything, and is removed; so does the
marked-up copy of the council file in force (:mod:`.council_copy`).

A year is tracked in one order wherever it is processed (a run, ``dvk council``, ``dvk rebuild``):
the council's decisions of the year are set aside, the units' files are tracked, then the
council's workbooks of the year are applied again (:func:`_track`). The reports' written parts are
pre-drafted from the year's figures and taken over by the clerk's document received last
(:mod:`pipeline.year.narrative`); the document is issued again, as the reports print it, with them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config, ConfigError
from ..core.findings import Finding
from ..core.ooxml import atomic_write, atomic_write_all
from ..core.paths import WorkspacePaths
from ..intake.council import CouncilFile
from ..intake.narrative import NarrativeFile, NarrativeText
from ..intake.read import check_file
from ..intake.receive import file_extension
from ..intake.validate import Submission, in_order_received
from ..register import (
    Register,
    archive_path,
    open_new_register,
    open_register,
    read_import_sidecars,
    read_sidecars,
    restore_from_sidecar,
    restore_mail_sent,
    states_before,
    write_import_sidecar,
)
from ..register.year_run import YearRun, open_year_run
from ..year.consolidate import Consolidation, consolidate
from ..year.council import (
    CouncilResult,
    apply_council,
    council_rows,
    forget_decisions,
    pending_councils,
    with_decisions,
)
from ..year.standing import REPLACED, Counts, FileStanding, count, file_standings, returned_files
from ..year.statements import Opinion
from ..year.stats import TREND_YEARS, Statistics, statistics
from ..year.tracking import Change, resubmission_changes, track_year
from .cache import OutputCache, config_fingerprint, inputs_digest
from .council_copy import council_copy_builders, is_council_copy, remove_stale_council_copy
from .ledger_edits import FileNotInLedger, override_received, withdraw_file
from .readpool import ReadPool
from .receipt import ingest, read_cycle, read_cycle_files

__all__ = [
    "FileNotInLedger",
    "RunResult",
    "check_file",
    "issue_council",
    "override_received",
    "rebuild",
    "run_consolidation",
    "withdraw_file",
    "year_status",
]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RunResult:
    year: int
    submissions: tuple[Submission, ...]
    consolidation: Consolidation
    outputs: tuple[Path, ...]
    changes: tuple[Change, ...] = ()
    councils: tuple[CouncilResult, ...] = ()
    narratives: tuple[NarrativeFile, ...] = ()  # the clerk's documents of the year, in ledger order
    narrative_used: str = ""  # the one the reports' written parts come from ("": the pre-draft)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of the run: per unit file, the consolidation's own, then the council files'
        and the clerk's documents'."""
        units = tuple(f for s in self.submissions for f in s.findings) + self.consolidation.findings
        return (
            units
            + tuple(f for c in self.councils for f in c.findings)
            + tuple(f for n in self.narratives for f in n.findings)
        )

    @property
    def failed(self) -> bool:
        """A unit file is rejected and not yet replaced, a council file not superseded by a later
        one was rejected or has a decision not recorded, or a clerk's document was refused and none was taken after it."""
        councils = bool(pending_councils(self.councils))
        return bool(self.pending_rejections()) or councils or bool(self.refused_narratives())

    def refused_narratives(self) -> list[NarrativeFile]:
        """The clerk's documents refused (another year's) after the last one taken."""
        taken = [index for index, n in enumerate(self.narratives) if n.taken]
        return [n for n in self.narratives[taken[-1] + 1 if taken else 0 :] if not n.taken]

    def pending_rejections(self) -> list[Submission]:
        """Rejected files still waiting for action: not followed by an accepted file of the same unit."""
        return returned_files(self.submissions)

    def standings(self) -> list[FileStanding]:
        """Each file's standing: used, replaced by a later file, or returned (:mod:`pipeline.year.standing`)."""
        return file_standings(self.submissions)

    def counts(self) -> Counts:
        """The year's counts in units and in files, the same on screen, in ``--json`` and the outputs."""
        return count(self.consolidation.units, self.standings())

    def summary(self, root: Path) -> dict[str, Any]:
        """The run as plain data: the shape of ``dvk consolidate --json`` (:mod:`.run_json`)."""
        from .run_json import run_summary

        return run_summary(self, root)


def run_consolidation(
    root: Path,
    config: Config,
    year: int,
    report_date: dt.date | None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> RunResult:
    """The whole ``dvk consolidate`` job on the workspace ``root``, in one register transaction."""
    config.year(year)  # an unknown year is a config error before any work
    moment = now or dt.datetime.now().replace(microsecond=0)
    with open_year_run(root, config, year, moment) as run:
        with ReadPool(config, year) as pool:  # reads the new files while ingest archives the next ones
            submissions = ingest(run, pool.prefetch)
            cycle = read_cycle_files(run, progress, pool)
        submissions += cycle.submissions
        data = consolidate(submissions, config, year)
        data, notes, councils = _track(run.register, data, submissions, cycle.councils, config)
        data = dataclasses.replace(with_decisions(run.register, data), findings=data.findings + tuple(notes))
        earlier = _earlier_figures(run)
        from ..year.council import decision_counts
        from ..year.narrative import draft_narrative, effective_narrative, own_words
        from ..year.statements import ward_opinions

        stats = statistics(data, config, earlier.get(year - 1), decision_counts(run.register, year), earlier)
        from ..year.legacy_lists import review_figures

        review = review_figures(run.register, config, year)  # the former units' models (kept, removed...)
        stats = dataclasses.replace(stats, figures={**stats.figures, **review})
        draft = draft_narrative(stats, data, config)
        narrative, used = effective_narrative(draft, cycle.narratives)
        source = used.source.name if used is not None else ""
        opinions = ward_opinions(data.units, own_words(narrative, draft))
        written = (narrative, source)
        outputs = _write_outputs(run, report_date, submissions, data, stats, written, opinions, councils)
    changes = tuple(resubmission_changes(submissions))
    return RunResult(year, tuple(submissions), data, outputs, changes, tuple(councils), tuple(cycle.narratives), source)


def _track(
    register: Register,
    data: Consolidation,
    submissions: list[Submission],
    councils: list[CouncilFile],
    config: Config,
) -> tuple[Consolidation, list[Finding], list[CouncilResult]]:
    """Track the year: its council decisions set aside, the units' files tracked, the council's
    workbooks applied again (decisions need the year's items registered and reported first)."""
    forget_decisions(register, data.year)
    data, notes = track_year(register, data, submissions, config)
    return data, notes, [apply_council(register, council, data.year) for council in councils]


def _earlier_figures(run: YearRun) -> dict[int, Mapping[str, float]]:
    """The figures of the earlier years of the trend (``TREND_YEARS``) that the register's archive
    holds, each recomputed from it; last year's give the year-on-year comparison."""
    years = range(run.year - TREND_YEARS + 1, run.year)
    return {y: _year_figures(run.of_year(y)) for y in years if y in run.config.calendar and run.register.files(y)}


def _year_figures(run: YearRun) -> Mapping[str, float]:
    """A year's figures, recomputed from the register's archive."""
    submissions = read_cycle(run)
    return statistics(consolidate(submissions, run.config, run.year), run.config).figures


def _write_outputs(
    run: YearRun,
    report_date: dt.date | None,
    submissions: list[Submission],
    data: Consolidation,
    stats: Statistics,
    written: tuple[NarrativeText, str],
    opinions: Sequence[Opinion] = (),
    councils: Sequence[CouncilResult] = (),
) -> tuple[Path, ...]:
    """Every output of the year; ``written`` is the reports' written parts and the name of the
    clerk's file they come from ("" for the pre-draft); ``opinions`` the statements the summary
    carries up; ``councils`` the council files, listed in the clerk's report like the units'."""
    from ..core.paths import CLERK_FILE, FEEDBACK_FOLDER, NARRATIVE_FILE, SUMMARY_FILE
    from ..outputs.docx.narrative import narrative_bytes
    from ..outputs.docx.report import report_bytes, report_file_name
    from ..outputs.xlsx.clerk import clerk_report_bytes
    from ..outputs.xlsx.summary import summary_bytes

    root, config, year = run.root, run.config, run.year
    folder = run.paths.year_folder(year)
    # A file its unit has replaced is history: its findings stay in the clerk's report, by its standing.
    counted = [s.submission for s in file_standings(submissions) if s.state != REPLACED]
    all_findings = [f for s in counted for f in s.findings] + list(data.findings)
    settings = config_fingerprint(config)
    shared = inputs_digest(settings, stats, data)
    builders: dict[str, tuple[str, Callable[[], bytes]]] = {
        SUMMARY_FILE.format(year=year): (
            inputs_digest(shared, "summary", all_findings, opinions),
            lambda: summary_bytes(stats, data, all_findings, config, opinions),
        )
    }
    narrative, source = written
    for kind in ("province", "standing"):
        builders[report_file_name(kind, config, year)] = (
            inputs_digest(shared, kind, report_date, narrative),
            functools.partial(report_bytes, kind, stats, data, config, report_date, narrative),
        )
    builders[NARRATIVE_FILE.format(year=year)] = (
        inputs_digest(settings, "narrative", narrative, source, year),
        functools.partial(narrative_bytes, narrative, config, year, source),
    )
    builders[CLERK_FILE.format(year=year)] = (
        inputs_digest(settings, "clerk", submissions, data.findings, data.units, councils, year),
        lambda: clerk_report_bytes(submissions, data.findings, config, year, data.units, council_rows(councils)),
    )
    builders.update(council_copy_builders(councils, config, settings, year))
    feedback = _feedback_builders(submissions, config, settings, year, run.now.date())
    builders.update((f"{FEEDBACK_FOLDER}/{name}", feedback[name]) for name in sorted(feedback))
    outputs = _build_outputs(root, folder, builders)
    _remove_stale_feedback(folder / FEEDBACK_FOLDER, {p.name for p in outputs if p.parent.name == FEEDBACK_FOLDER})
    remove_stale_council_copy(folder, year, outputs)
    return tuple(outputs)


def _build_outputs(root: Path, folder: Path, builders: Mapping[str, tuple[str, Callable[[], bytes]]]) -> list[Path]:
    """Build each output whose inputs changed since it was written (the others are already right),
    the Word reports in a forked child while this process builds the rest (:mod:`.fanout`), then
    write them all at once; a feedback copy (a unit's, the council's) that cannot be built is left out."""
    from .fanout import build_all

    cache = OutputCache(root)
    pending = {
        name: functools.partial(_build_one, name, make)
        for name, (digest, make) in builders.items()
        if not cache.current(folder / name, _cache_key(folder, name), digest)
    }
    built = build_all(pending, aside={name for name in pending if name.endswith(".docx")})
    outputs, changed = [], {}
    for name, (digest, _) in builders.items():
        content = built.get(name)
        if name in built and content is None:
            continue  # a feedback copy that could not be built
        if content is not None:
            cache.record(_cache_key(folder, name), digest, content)
            changed[folder / name] = content
        outputs.append(folder / name)
    # All written before any is replaced: a full disk leaves the previous outputs as they were,
    # and the cache is saved only once they are in place.
    atomic_write_all(changed)
    cache.save()
    return outputs


def _cache_key(folder: Path, name: str) -> str:
    return f"{folder.name}/{name}"


def _build_one(name: str, make: Callable[[], bytes]) -> bytes | None:
    """One output's content; None for a feedback copy that cannot be built."""
    from ..outputs.xlsx.feedback import CannotAnnotate

    try:
        return make()
    except (CannotAnnotate, OSError):
        if "/" not in name and not is_council_copy(name):
            raise
        # openpyxl cannot open it (an .xls or .ods file calamine could read) or it changed or went
        # away since it was checked: no annotated copy, the clerk report still lists its findings.
        return None


def issue_templates(root: Path, config: Config, year: int) -> list[Path]:
    """Write the year's templates, each unit's live models prefilled from the register."""
    from ..outputs.xlsx.template import prefill_from_register, write_templates

    config.year(year)
    if config.organization.is_province:
        raise ConfigError(
            "config/organization.yaml: “level: province”: ở cấp tỉnh không tạo mẫu biểu; các phường, xã "
            "gửi bảng tổng hợp tong-hop-<năm>.xlsx do dvk consolidate của phường, xã lập."
        )
    with open_register(root, dt.datetime.now(), write=False) as register:
        latest = register.latest_values(year)
        items = [i for i in register.items() if i.first_year < year]
    fields_of = {i.code: _field_and_start(latest.get(i.code, {}), i.first_year) for i in items}
    return write_templates(config, year, WorkspacePaths(root).outbox, prefill_from_register(items, fields_of))


def _field_and_start(values: Mapping[str, Any], first_year: int) -> tuple[str, int]:
    """The field and start year last reported for an item (its registration year if none)."""
    start = values.get("start_year")
    return str(values.get("field") or ""), int(start) if isinstance(start, int | float) else first_year


def issue_council(root: Path, config: Config, year: int) -> tuple[Path, int]:
    """``dvk council``: the steering committee's workbook of ``year`` and its number of items.

    The year is tracked as a run would track it, inside a transaction that is rolled back, so the
    items carry the codes the run gives them; nothing is written to the register."""
    from ..core.paths import COUNCIL_FILE
    from ..outputs.xlsx.council import council_bytes
    from ..year.evaluate import evaluate

    config.year(year)
    with open_year_run(root, config, year, dt.datetime.now(), write=False) as run:
        cycle = read_cycle_files(run)
        data, _, _ = _track(run.register, consolidate(cycle.submissions, config, year), cycle.submissions, [], config)
        evaluation = evaluate(data, config, states=states_before(run.register, year))
    path = run.paths.year_folder(year) / COUNCIL_FILE.format(year=year)
    atomic_write(path, council_bytes(evaluation, config))
    return path, len(evaluation.items)


def year_status(root: Path, config: Config, year: int) -> tuple[list[Submission], Consolidation]:
    """Where the year stands, from the register and the archive alone (nothing is written)."""
    config.year(year)
    with open_year_run(root, config, year, dt.datetime.now(), write=False) as run:
        submissions = read_cycle(run)
    return submissions, consolidate(submissions, config, year)


def year_overview(root: Path, config: Config, year: int) -> tuple[list[Submission], Consolidation, Statistics]:
    """:func:`year_status` and the year's statistics as the reports compute them (earlier years'
    figures for the trend, the council's decisions), for the browser workspace's charts."""
    from ..year.council import decision_counts

    config.year(year)
    with open_year_run(root, config, year, dt.datetime.now(), write=False) as run:
        submissions = read_cycle(run)
        data = with_decisions(run.register, consolidate(submissions, config, year))
        earlier = _earlier_figures(run)
        stats = statistics(data, config, earlier.get(year - 1), decision_counts(run.register, year), earlier)
    return submissions, data, stats


def import_legacy_list(root: Path, config: Config, file: Path, origin: str) -> Any:
    """``dvk import-legacy``: read the former unit's list and, when it has no error, register it."""
    from ..year.legacy_lists import import_legacy, origin_named, read_legacy_list

    origin = origin_named(origin, config.units.origins)
    legacy = read_legacy_list(file, config)
    moment = dt.datetime.now().replace(microsecond=0)
    with open_register(root, moment) as register:
        result = import_legacy(register, legacy, origin, legacy.sha256)
        if not result.refused:
            extension = file_extension(file)
            target = archive_path(root, legacy.sha256, extension)
            if not target.exists():
                atomic_write(target, file.read_bytes())
            write_import_sidecar(root, legacy.sha256, file.name, extension, origin, moment)
    return result


def rebuild(root: Path, config: Config, now: dt.datetime | None = None) -> list[int]:
    """Recreate the register from the archive: ledger rows from the sidecars, then every year replayed
    (its units' files, then its council workbooks)."""
    from ..year.legacy_lists import import_legacy, read_legacy_list

    moment = now or dt.datetime.now().replace(microsecond=0)
    with open_new_register(root, moment) as register:
        for imported in read_import_sidecars(root):
            path = archive_path(root, imported["sha256"], imported["extension"])
            import_legacy(register, read_legacy_list(path, config), imported["origin"], imported["sha256"])
        sidecars = read_sidecars(root)
        for data in sidecars:
            restore_from_sidecar(register, data)
        restore_mail_sent(root, register)
        years = sorted({int(d["cycle"]) for d in sidecars})
        for year in years:
            if year in config.calendar:
                cycle = read_cycle_files(YearRun(WorkspacePaths(root), config, year, moment, register))
                tracked = consolidate(cycle.submissions, config, year)
                _track(register, tracked, cycle.submissions, cycle.councils, config)
    return years


def _feedback_builders(
    submissions: list[Submission], config: Config, settings: str, year: int, today: dt.date
) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """How to build the annotated copy of each unit file with findings of the cycle of ``year`` as of
    ``today``, by file name (the inbox is only read). The copy's advice is part of its inputs: once the
    resubmission day has passed, the next run writes the copy again without that day."""
    from ..outputs.xlsx.feedback import advice_of, feedback_names, unit_feedback_bytes

    latest = latest_per_unit(submissions)
    builders: dict[str, tuple[str, Callable[[], bytes]]] = {}
    for index, name in feedback_names(latest).items():
        submission = latest[index]

        def make(submission: Submission = submission) -> bytes:
            return unit_feedback_bytes(submission.source.path.read_bytes(), submission, config, year, today)

        advice = advice_of(submission.accepted, config, year, today)
        builders[name] = (inputs_digest(settings, "feedback", submission, year, advice), make)
    return builders


def latest_per_unit(submissions: list[Submission]) -> list[Submission]:
    """Each unit's most recently received file: earlier ones are history, not something to send back."""
    latest: dict[str, Submission] = {}
    for sub in in_order_received(submissions):
        if sub.unit_code:
            latest[sub.unit_code] = sub
    return [s for s in submissions if s.unit_code and latest[s.unit_code] is s]


def _remove_stale_feedback(folder: Path, written: set[str]) -> None:
    """Feedback files of an earlier run that this run did not write again: their unit has fixed everything."""
    if folder.is_dir():
        for path in folder.glob("*.xlsx"):
            if path.is_file() and path.name not in written:
                path.unlink()
