"""The marked-up copy of the council file in force: when to build it, and when it goes.

Contract: the year's council file whose errors still count and that was read as a council
workbook of the year (:func:`pipeline.year.council.pending_councils`; at most one: the one taken
last) gets ``outbox/<year>/xet-duyet-<year>-can-sua.xlsx``, its cells marked
(:mod:`pipeline.outputs.xlsx.council_feedback`). A refused file gets none (its sheet cannot be
trusted: the screen says to issue the workbook again). A run with no such file removes the copy
of an earlier run: the errors are gone, or superseded. The archived copy is read (the inbox may
no longer hold it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..config import Config
from ..core.paths import COUNCIL_FIX_FILE
from ..year.council import CouncilResult, pending_councils
from .cache import inputs_digest


def council_copy_builders(
    councils: Sequence[CouncilResult], config: Config, settings: str, year: int
) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """How to build the marked-up copy, by its file name; empty when no council file needs one."""
    from ..outputs.xlsx.council_feedback import council_feedback_bytes

    in_force = [c for c in pending_councils(councils) if c.accepted]
    if not in_force:
        return {}
    council = in_force[-1]

    def make() -> bytes:
        return council_feedback_bytes(council.source.path.read_bytes(), council, config, year)

    return {COUNCIL_FIX_FILE.format(year=year): (inputs_digest(settings, "council-copy", council, year), make)}


def is_council_copy(name: str) -> bool:
    """Whether an output's name is a marked-up council copy (left out, not fatal, when the council
    file cannot be annotated, as a unit's feedback copy)."""
    prefix, suffix = COUNCIL_FIX_FILE.split("{year}")
    return name.startswith(prefix) and name.endswith(suffix)


def remove_stale_council_copy(folder: Path, year: int, written: Sequence[Path]) -> None:
    """The marked-up copy of an earlier run that this run did not write again: nothing to fix now."""
    path = folder / COUNCIL_FIX_FILE.format(year=year)
    if path not in written and path.is_file():
        path.unlink()
