"""Receipt: inbox files -> the register's ledger and the archive; the ledger -> submissions.

Every file under ``inbox/`` is recorded once per distinct content (its SHA-256) and copied, by
hash, into ``outbox/luu-tru/`` with a sidecar, so evidence survives a cleaned inbox. Its
received-at is fixed at the first sighting: the earlier of the file's modification time in the
inbox (when the clerk dropped it there) and the moment ``dvk`` first saw it; the clerk may
override it (``dvk received``) for paper or late-scanned cases. A year's submissions are read
from the archived copies of the files received in that year's cycle, whatever the inbox holds now.
A file whose hidden ``_meta`` says it is the steering committee's council workbook is read as
such (:mod:`pipeline.intake.council`), before and instead of unit validation, and kept apart from the units'
submissions: its decisions are applied, and its verdict noted, after the year is tracked. A Word
document is read as the clerk's document of the reports' written parts (:mod:`pipeline.intake.narrative`) and
kept apart too, its verdict noted at once; one that is not ours is a rejected submission.
A saved message (``.eml``, ``.mbox``) is opened by :mod:`pipeline.mail.inbound`: its spreadsheet attachments are
the received files, received at the message's Date (at their first sighting when that Date is not
believed: :mod:`pipeline.mail.dates`).
With a province-level config every file is read as a ward's summary (:mod:`pipeline.intake.ward_summary`) instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..core.ooxml import WriteBatch
from ..core.paths import file_sha256
from ..core.textnorm import file_name_text
from ..intake.council import CouncilFile
from ..intake.narrative import NarrativeFile
from ..intake.read import check_file, crashed
from ..intake.receive import MAX_FILE_BYTES, SourceFile, discover, file_extension
from ..intake.validate import Submission, check_codes
from ..mail.inbound import check_date, check_sender, ingest_mail, is_mail_file
from ..register import FileEntry, Register, archive_path, known_items, sidecar_path, write_sidecar
from ..register.year_run import YearRun
from .cache import SubmissionCache, open_submission_cache
from .filestate import KnownHashes, key_of
from .readpool import ReadJob, ReadPool

Progress = Callable[[str], None]


def ingest(run: YearRun, found_new: Callable[[Path, str], None] | None = None) -> list[Submission]:
    """Record and archive every inbox file; the ones that cannot even be read come back as findings.

    A file already seen with the same metadata (:mod:`.filestate`) is not read again: its hash is
    known, and so is its archived copy. New archived copies and sidecars are written as one batch,
    flushed to the disk together before the register's transaction records them. Each file whose
    content had to be read goes to ``found_new`` (its path and name) as soon as it is recorded: the
    run's read pool starts reading it while the next files are archived."""
    inbox = run.paths.inbox
    unreadable = []
    hashes = KnownHashes(run.root)
    with WriteBatch() as batch:
        for path in by_arrival(discover(inbox)):
            name = file_name_text(path.relative_to(inbox).as_posix())
            if is_mail_file(path):  # a saved message: its spreadsheets are the received files
                unreadable += _ingest_mail(run, path, name)
                continue
            read = _ingest_file(run, path, name, hashes, batch)
            if read is None:
                unreadable.append(check_file(path, name, run.config, run.year))
            elif read and found_new is not None:
                found_new(path, name)
    hashes.save()
    return unreadable


def by_arrival(paths: list[Path]) -> list[Path]:
    """Files in the order they arrived, to the precision the file system keeps modification times
    (nanoseconds on ext4 and NTFS), then by name: new files are recorded in this order, which
    orders the ledger within the register's second (:meth:`~pipeline.register.store.Register.files`).
    A file that cannot be looked at keeps its place at the start; ingest reports it."""
    return sorted(paths, key=lambda path: (_modified_ns(path), path.as_posix()))


def _modified_ns(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _ingest_file(run: YearRun, path: Path, name: str, hashes: KnownHashes, batch: WriteBatch) -> bool | None:
    """Record and archive one inbox file: whether its content had to be read (its hash was not
    known), None when it cannot be read (a failure to write the archive is not caught here: a full
    disk must stop the run, not pass for an unreadable file)."""
    root, register = run.root, run.register
    extension = file_extension(path)
    data, read = None, False
    try:
        stat = path.stat()  # before reading: a file changed meanwhile gets another key next time
        key, size = key_of(stat), stat.st_size
        sha = hashes.get(name, key)
        if sha is None or not archive_path(root, sha, extension).exists():
            if size > MAX_FILE_BYTES:
                sha, read = _archived_unread(path, root, extension, batch), True
            else:
                data = path.read_bytes()
                sha, size = hashlib.sha256(data).hexdigest(), len(data)
    except OSError:
        return None
    if data is not None and not archive_path(root, sha, extension).exists():
        batch.add(archive_path(root, sha, extension), data)
    modified = dt.datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0)
    register.record_file(sha, size, name, extension, run.year, min(modified, run.now))
    if not sidecar_path(root, sha).exists():
        write_sidecar(root, register, sha, batch.add)
    hashes.put(name, key, sha)
    return read or data is not None


def _archived_unread(path: Path, root: Path, extension: str, batch: WriteBatch) -> str:
    """The hash of a file too large to be read (intake refuses it by its size), taken and its
    archived copy staged a chunk at a time: kept like every received file, never held in memory."""
    sha = file_sha256(path)
    if not archive_path(root, sha, extension).exists():
        batch.add_copy(archive_path(root, sha, extension), path)
    return sha


def _ingest_mail(run: YearRun, path: Path, name: str) -> list[Submission]:
    """A saved message's spreadsheets into the ledger; an unreadable file becomes a finding, as above."""
    try:
        return ingest_mail(run, path, name)
    except OSError:
        return [check_file(path, name, run.config, run.year)]
    except Exception as exc:  # as in check_file: one odd message must not stop the run
        return [crashed(path, name, None, exc)]


@dataclass(frozen=True)
class Cycle:
    """The files of a year's cycle as read: the units' submissions, the council's workbooks and the
    clerk's documents of the reports' written parts, each in ledger order."""

    submissions: list[Submission] = field(default_factory=list)
    councils: list[CouncilFile] = field(default_factory=list)
    narratives: list[NarrativeFile] = field(default_factory=list)


def read_cycle_files(run: YearRun, progress: Progress | None = None, pool: ReadPool | None = None) -> Cycle:
    """Read the archived copy of every file received in the run's year; note the units' verdicts
    (a council file's verdict is noted when its decisions are applied, council.apply_council).

    Each file's verdict is noted as soon as it is read, in ledger order, while the reading workers
    go on with the next files (not all at the end, when they would have nothing left to do).
    ``pool`` is the run's read pool when ingest already handed it the new files (:mod:`.readpool`)."""
    root, register, config, year = run.root, run.register, run.config, run.year
    known = known_items(register, year)
    cycle = Cycle()
    with contextlib.ExitStack() as stack:
        cache = stack.enter_context(open_submission_cache(root, config, year))
        pool = pool or stack.enter_context(ReadPool(config, year))
        for entry, read in _read_entries(root, register.files(year), cache, pool, progress):
            if isinstance(read, CouncilFile):
                cycle.councils.append(read)
                continue
            if isinstance(read, NarrativeFile):
                _note_narrative(register, entry.sha256, read)
                cycle.narratives.append(read)
                continue
            read = check_codes(read, known, config)
            origin = register.mail_origin(entry.sha256)
            read = check_sender(read, origin, config)
            read = read if entry.overridden else check_date(read, origin)  # the clerk's date settles it
            verdict = "accepted" if read.accepted else "rejected"
            findings = [f.as_dict() for f in read.findings]
            register.set_verdict(entry.sha256, read.unit_code, read.year, read.template_version, verdict, findings)
            cycle.submissions.append(read)
    return cycle


def _read_entries(
    root: Path, entries: list[FileEntry], cache: SubmissionCache, pool: ReadPool, progress: Progress | None
) -> Iterator[tuple[FileEntry, Submission | CouncilFile | NarrativeFile]]:
    """The archived files read (item codes not yet checked), in ledger order, each as soon as it is
    read: from the cache when a content was read before under the same name, code and
    configuration; from the pool's prefetch when it read this content under this name while ingest
    archived it; the others read anew (in the pool's workers when there are enough of them)."""
    cached = [cache.get(entry.sha256, entry.first_name) for entry in entries]
    early = [
        not isinstance(c, Submission) and pool.prefetched(e.first_name) for e, c in zip(entries, cached, strict=True)
    ]
    jobs = [
        _job(root, e) for e, c, p in zip(entries, cached, early, strict=True) if not isinstance(c, Submission) and not p
    ]
    with contextlib.closing(pool.read_all(jobs)) as fresh:  # closed: the workers stop with the last file
        for entry, known, prefetched in zip(entries, cached, early, strict=True):
            if isinstance(known, Submission):
                read: Submission | CouncilFile | NarrativeFile = dataclasses.replace(
                    known, source=_archived_source(root, entry, known)
                )
            else:
                read, pickled = _new_reading(root, entry, pool) if prefetched else next(fresh)
                if isinstance(read, Submission) and read.source.sha256 == entry.sha256:
                    # read and hashed as the ledger says: not a transient failure
                    cache.put(entry.sha256, entry.first_name, read, pickled)
            if progress:
                progress(entry.first_name)
            yield entry, read


def _note_narrative(register: Register, sha256: str, read: NarrativeFile) -> None:
    """The clerk's document's verdict in the ledger: accepted when it is ours, of the year."""
    findings = [f.as_dict() for f in read.findings]
    register.set_verdict(sha256, "", read.year, "", "accepted" if read.taken else "rejected", findings)


def _new_reading(
    root: Path, entry: FileEntry, pool: ReadPool
) -> tuple[Submission | CouncilFile | NarrativeFile, bytes | None]:
    """The prefetched reading of a file, as if read from its archived copy; when the prefetch read
    other content (the file was replaced meanwhile), the archived copy read here."""
    taken = pool.take(entry.sha256, entry.first_name)
    if taken is None:
        return pool.read_here(_job(root, entry)), None
    submission, pickled = taken
    return dataclasses.replace(submission, source=_archived_source(root, entry, submission)), pickled


def _job(root: Path, entry: FileEntry) -> ReadJob:
    return (entry.archive_path(root), entry.first_name, entry.received_at)


def _archived_source(root: Path, entry: FileEntry, read: Submission) -> SourceFile:
    """Where a submission read before (cached, or read from the inbox) is kept now: its archived copy,
    as the ledger records it."""
    return SourceFile(entry.archive_path(root), entry.first_name, entry.sha256, read.source.size, entry.received_at)


def read_cycle(run: YearRun, progress: Progress | None = None) -> list[Submission]:
    """The units' submissions of the run's year (council workbooks left out), verdicts noted."""
    return read_cycle_files(run, progress).submissions
