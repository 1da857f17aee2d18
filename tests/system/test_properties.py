"""Property-based fault tests (hypothesis): edited workbooks never crash a run, any text in a
unit's free-text cells never stops it, and the arrival order of files does not change what is
consolidated.

Edits are generated on real filled templates: cells changed to text, numbers, dates or blanks,
rows inserted, sheets renamed, then bytes flipped inside the zip or the file truncated. Each file
must end accepted, or rejected with at least one error finding; ``unexpected-error`` (what a
crash inside one file becomes) is a failure of the property, and so is a crash while writing the
unit's annotated copy. The order property runs the same files through two arrival orders (all in
one run; one file per run in the reverse order), each file keeping its own received time, and
requires the same register and byte-identical outputs. The text property puts arbitrary Unicode,
noncharacters (U+FFFE, U+FFFF) and control characters into every free-text cell of a filled
workbook, as a hand-edited file carries them, and requires the run and the council's workbook to
complete with every output opening and well-formed. ``make test`` runs a few derandomised
examples; ``make test-slow`` runs many random ones (derandomised in CI, see ``SLOW``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import itertools
import os
import random
import sqlite3
import tempfile
import warnings
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from pipeline.config import Config, load_config
from pipeline.core.findings import CATALOGUE, ERROR
from pipeline.outputs.xlsx.feedback import CannotAnnotate, unit_feedback_bytes
from pipeline.register import REGISTER_FILE
from pipeline.run.cycle import check_file, issue_council, run_consolidation
from pipeline.tools.demo import sample_answers
from tests.support.builder import (
    copy_config,
    copy_secret,
    drop_file,
    filled_template,
    sample_workbook,
    unit_of,
    with_raw_text,
)
from tests.support.wellformed import output_problems

REPO = Path(__file__).parents[2]
YEAR = 2026
UNITS = ("KP-BD01", "TH-NK01", "TH-NP01")
FAST = settings(
    max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
# CI (.ci/run sets DVK_CI=1) runs the many examples derandomised: a submission lands or not on its
# own code, never on the examples a run happened to draw. By hand they are drawn anew each time.
SLOW = settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=os.environ.get("DVK_CI") == "1",
    suppress_health_check=list(HealthCheck),
)
# A run of the order property takes seconds: no shrinking (the drawn edits are printed as they are).
ORDER_FAST = settings(FAST, max_examples=2, phases=[Phase.explicit, Phase.generate])
ORDER_SLOW = settings(SLOW, max_examples=40, phases=[Phase.explicit, Phase.generate])
# A run with its reports and the council's workbook takes a second or two.
TEXT_FAST = settings(FAST, max_examples=3, phases=[Phase.explicit, Phase.generate])
TEXT_SLOW = settings(SLOW, max_examples=60, phases=[Phase.explicit, Phase.generate])

_PROTOTYPES: dict[str, bytes] = {}


@functools.cache
def _config() -> Config:
    return load_config(REPO)


def _prototype(code: str) -> bytes:
    """The unit's template filled with plausible answers (built once per unit)."""
    if code not in _PROTOTYPES:
        _PROTOTYPES[code] = sample_workbook(_config(), code, YEAR)
    return _PROTOTYPES[code]


# --------------------------------------------------------------------------- edits

cell_values = st.one_of(
    st.none(),
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậ 0123456789.,-/%", max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["=1/0", "=A1+", "#N/A", "Có", "Không", "Kinh tế", "1.500.000", "25/11/2026", ".VnTime"]),
)
set_cell = st.tuples(st.just("cell"), st.integers(0, 7), st.integers(1, 40), st.integers(1, 16), cell_values)
insert_rows = st.tuples(st.just("rows"), st.integers(0, 7), st.integers(1, 30), st.integers(1, 3))
rename_sheet = st.tuples(
    st.just("rename"), st.integers(0, 7), st.text(alphabet="abcdeđêôơưxyz MHĐT0123456789-", min_size=1, max_size=31)
)
sheet_edits = st.lists(st.one_of(set_cell, insert_rows, rename_sheet), max_size=6)
flip_bytes = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), max_size=4)
truncate = st.one_of(st.none(), st.floats(0, 1, exclude_max=True))


def _edit_sheets(data: bytes, edits: list[tuple[Any, ...]]) -> bytes:
    """Apply cell, row and title edits with openpyxl, as a unit's office program would save them."""
    if not edits:
        return data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        for kind, index, *args in edits:
            sheet = workbook.worksheets[index % len(workbook.worksheets)]
            _EDITS[kind](sheet, *args)
        out = io.BytesIO()
        workbook.save(out)
    return out.getvalue()


def _set_cell(sheet: Any, row: int, column: int, value: Any) -> None:
    if type(sheet.cell(row, column)).__name__ != "MergedCell":
        sheet.cell(row, column).value = value


def _rename(sheet: Any, title: str) -> None:
    if title.strip() and title not in sheet.parent.sheetnames:
        sheet.title = title


_EDITS: dict[str, Callable[..., None]] = {
    "cell": _set_cell,
    "rows": lambda sheet, row, amount: sheet.insert_rows(row, amount),
    "rename": _rename,
}


def _damage(data: bytes, flips: list[tuple[float, int]], cut: float | None) -> bytes:
    """Bytes flipped at relative positions, then the file cut short."""
    damaged = bytearray(data)
    for where, mask in flips:
        damaged[int(where * len(damaged))] ^= mask
    return bytes(damaged[: int(cut * len(damaged))] if cut is not None else damaged)


class Edited:
    """A drawn edit of one unit's workbook; its bytes are made on demand (a short repr for reports)."""

    def __init__(self, unit: str, edits: list[tuple[Any, ...]], flips: list[tuple[float, int]], cut: float | None):
        self.unit, self.edits, self.flips, self.cut = unit, edits, flips, cut

    def __repr__(self) -> str:
        return f"Edited({self.unit!r}, edits={self.edits!r}, flips={self.flips!r}, cut={self.cut!r})"

    def data(self) -> bytes:
        return _damage(_edit_sheets(_prototype(self.unit), self.edits), self.flips, self.cut)


def edited_workbooks(code: str | None = None) -> st.SearchStrategy[Edited]:
    units = st.just(code) if code else st.sampled_from(UNITS)
    return st.builds(Edited, units, sheet_edits, flip_bytes, truncate)


# --------------------------------------------------------------------------- every file ends in a verdict


def _assert_verdict(edited: Edited) -> None:
    """What every edited or damaged file must come to: a verdict the clerk can act on.

    No file crashes its reading (``unexpected-error``); every finding is one of the catalogue's,
    with its severity, names the file, and says what is wrong with every placeholder filled; an
    error also says what to do. A file accepted is the unit's own, for the year; the unit's file
    as it was filled (nothing edited, flipped or cut) is accepted."""
    config = _config()
    data = edited.data()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tep.xlsx"
        path.write_bytes(data)
        submission = check_file(path, path.name, config, YEAR)
        codes = [f.code for f in submission.findings]
        assert "unexpected-error" not in codes, submission.findings
        for f in submission.findings:
            assert f.severity == CATALOGUE[f.code].severity, f
            assert f.file == path.name, f
            assert f.message and "{" not in f.message and "{" not in f.hint, f
            assert f.severity != ERROR or f.hint, f
        if submission.accepted:
            assert (submission.unit_code, submission.year) == (edited.unit, YEAR), codes
        if not edited.edits and not edited.flips and edited.cut is None:
            assert submission.accepted, codes
        if submission.unit_code and submission.year and submission.findings:
            with contextlib.suppress(CannotAnnotate):  # refused cleanly: the findings are still reported
                unit_feedback_bytes(data, submission, config)


@FAST
@given(edited_workbooks())
@example(Edited(UNITS[0], [], [], None))  # the file as the unit filled it
@example(Edited(UNITS[0], [], [], 0.5))  # cut in half
def test_every_edited_workbook_ends_accepted_or_rejected_with_findings(edited: Edited) -> None:
    _assert_verdict(edited)


@pytest.mark.slow
@SLOW
@given(edited_workbooks())
def test_many_edited_workbooks_end_accepted_or_rejected_with_findings(edited: Edited) -> None:
    _assert_verdict(edited)


# --------------------------------------------------------------------------- arrival order


def _workspace(root: Path) -> None:
    """The repository's config and secret (the prototypes' templates verify), an empty inbox."""
    copy_secret(REPO, copy_config(root))
    (root / "inbox").mkdir()


def _state(root: Path) -> tuple[dict[str, list[Any]], dict[str, bytes]]:
    with closing(sqlite3.connect(root / REGISTER_FILE)) as db:
        tables = {
            t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in ("files", "file_names", "items", "item_years", "events")
        }
    outputs = {
        p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "outbox").rglob("*")) if p.is_file()
    }
    return tables, outputs


def _assert_order_independent(edited: list[Edited]) -> None:
    """The files (one per unit, then a resubmission) arrive all at once, or one by one in reverse.

    Two files with the same bytes are one ledger entry whose received time is its first sighting:
    there the order rightly matters, so such cases are left out."""
    files = [e.data() for e in edited]
    assume(len(set(files)) == len(files))
    names = [f"{i:02d}-tep.xlsx" for i in range(len(files))]
    received = [dt.datetime(YEAR, 11, 20, 8) + dt.timedelta(hours=i) for i in range(len(files))]
    now = dt.datetime(YEAR, 12, 1, 8)
    with tempfile.TemporaryDirectory() as folder:
        together, one_by_one = Path(folder) / "together", Path(folder) / "one-by-one"
        for root in (together, one_by_one):
            _workspace(root)
        for name, data, moment in zip(names, files, received, strict=True):
            drop_file(together, name, data, moment)
        run_consolidation(together, load_config(together), YEAR, None, now=now)
        for name, data, moment in reversed(list(zip(names, files, received, strict=True))):
            drop_file(one_by_one, name, data, moment)
            run_consolidation(one_by_one, load_config(one_by_one), YEAR, None, now=now)
        assert _state(together) == _state(one_by_one)


order_cases = st.tuples(*(edited_workbooks(code) for code in UNITS), edited_workbooks(UNITS[0])).map(list)


@ORDER_FAST
@given(order_cases)
def test_consolidation_does_not_depend_on_arrival_order(edited: list[Edited]) -> None:
    _assert_order_independent(edited)


@pytest.mark.slow
@ORDER_SLOW
@given(order_cases)
def test_consolidation_does_not_depend_on_arrival_order_many_examples(edited: list[Edited]) -> None:
    _assert_order_independent(edited)


# --------------------------------------------------------------------------- any text in free-text cells

# What breaks XML, formulas, Excel's own escapes, Unicode forms and the eye, beside any character.
HOSTILE = "\ufffe\uffff\x00\x01\x08\x0b\x0c\x1f\u200b\ufeff\u00ad\u202e\u0301\ufffd&<>\"'=_x\t\n\r "
hostile_texts = st.text(st.one_of(st.characters(), st.sampled_from(HOSTILE)), max_size=40)
RECEIVED = dt.datetime(YEAR, 11, 20, 8)


@functools.cache
def _marked(code: str) -> tuple[bytes, tuple[str, ...]]:
    """The unit's filled workbook with a marker in every free-text cell (a text field neither
    prefilled nor an item's code, in every row given), and the markers in order."""
    config = _config()
    answers = sample_answers(config, unit_of(config, code), YEAR, random.Random(code))
    markers: list[str] = []
    for sheet in config.template.sheets:
        given = answers.get(sheet.key) or []
        for row in given if isinstance(given, list) else [given]:
            for spec in sheet.fields:
                if spec.type == "text" and not spec.locked and spec.key != "code":
                    row[spec.key] = f"@@T{len(markers)}@@"
                    markers.append(row[spec.key])
    return filled_template(config, code, answers, YEAR), tuple(markers)


def _texts_for(code: str) -> st.SearchStrategy[tuple[str, list[str]]]:
    count = len(_marked(code)[1])
    return st.tuples(st.just(code), st.lists(hostile_texts, min_size=count, max_size=count))


free_texts = st.sampled_from(UNITS).flatmap(_texts_for)


def _assert_any_text_is_carried(code: str, texts: list[str]) -> None:
    """``texts`` (taken in turn) in the unit's free-text cells: the run completes with the file
    read as the unit's (accepted, or rejected with findings, never ``unexpected-error``); the
    council's workbook is issued; every output opens and is well-formed XML."""
    data, markers = _marked(code)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _workspace(root)
        drop_file(root, "tep.xlsx", with_raw_text(data, dict(zip(markers, itertools.cycle(texts)))), RECEIVED)
        config = load_config(root)
        result = run_consolidation(root, config, YEAR, None, now=dt.datetime(YEAR, 12, 1, 8))
        assert [s.unit_code for s in result.submissions] == [code]
        assert "unexpected-error" not in [f.code for f in result.findings], result.findings
        issue_council(root, config, YEAR)
        paths, problems = output_problems(root / "outbox" / str(YEAR))
        assert problems == []
        assert {f"tong-hop-{YEAR}.xlsx", f"bao-cao-tinh-{YEAR}.docx", f"xet-duyet-{YEAR}.xlsx"} <= {
            p.name for p in paths
        }


@TEXT_FAST
@given(free_texts)
@example((UNITS[0], ["Tổ\ufffe tự\uffff quản\x01 & <hòa>"]))  # in every cell
def test_any_text_in_free_text_cells_never_stops_the_run(case: tuple[str, list[str]]) -> None:
    _assert_any_text_is_carried(*case)


@pytest.mark.slow
@TEXT_SLOW
@given(free_texts)
def test_any_text_in_free_text_cells_never_stops_the_run_many_examples(case: tuple[str, list[str]]) -> None:
    _assert_any_text_is_carried(*case)
