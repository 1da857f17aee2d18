"""Text no XML can carry, typed into a unit's workbook or into a file's name, never stops the run.

A hand-edited or third-party-written .xlsx can hold the noncharacters U+FFFE and U+FFFF (openpyxl
refuses to write them, so the builder puts them into the saved file's XML, as such a file carries
them). Read, they are removed with a warning naming the sheet and the cell; every output of
``dvk consolidate`` and ``dvk council`` opens and is well-formed XML, a second run too. A file
whose name holds them, or bytes the file system's encoding cannot decode, is recorded under a
name every output can hold.
"""

from __future__ import annotations

import json
import os
import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pipeline.cli.main import main
from pipeline.config import load_config
from pipeline.tools.demo import sample_answers
from tests.support.builder import copy_config, filled_template, sample_workbook, unit_of, with_raw_text
from tests.support.wellformed import output_problems

YEAR = 2026
UNIT = "MTTQ"
MARKER = "@@KHONG-PHAI-CHU@@"
NOT_TEXT = "\ufffe\uffff"
OUTPUTS = {
    f"tong-hop-{YEAR}.xlsx",
    f"bao-cao-tinh-{YEAR}.docx",
    f"bao-cao-thuong-truc-{YEAR}.docx",
    f"noi-dung-bao-cao-{YEAR}.docx",
    f"ket-qua-kiem-tra-{YEAR}.xlsx",
}


def _cli(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), *args])


def _hostile_workbook(root: Path, sheet: str, key: str, typed: str) -> bytes:
    """The unit's sample answers with ``typed`` (holding MARKER) in the first row's ``key`` of
    ``sheet``, MARKER then replaced by the noncharacters in the saved file."""
    config = load_config(root)
    answers: dict[str, Any] = sample_answers(config, unit_of(config, UNIT), YEAR, random.Random(UNIT))
    row = answers[sheet][0] if isinstance(answers[sheet], list) else answers[sheet]
    row[key] = typed
    return with_raw_text(filled_template(config, UNIT, answers, YEAR), {MARKER: NOT_TEXT})


def _output_xml(root: Path) -> bytes:
    """Every XML part of every output, one after another."""
    parts = []
    for path in sorted((root / "outbox" / str(YEAR)).rglob("*.*x")):
        with zipfile.ZipFile(path) as package:
            parts += [package.read(name) for name in package.namelist() if name.endswith(".xml")]
    return b"".join(parts)


def _assert_outputs_sound(root: Path, expected: set[str]) -> None:
    paths, problems = output_problems(root / "outbox" / str(YEAR))
    assert problems == []
    assert expected <= {p.name for p in paths}


@pytest.mark.parametrize(
    ("sheet", "key", "typed", "title", "cell", "kept"),
    [
        pytest.param("models", "name", f"Tổ tự quản{MARKER} an ninh", "Mô hình", "B4", "Tổ tự quản an ninh", id="name"),
        pytest.param(
            "unit",
            "strengths",
            f"Đoàn kết{MARKER}, sáng tạo",
            "Thông tin đơn vị",
            "B10",
            "Đoàn kết, sáng tạo",
            id="uu-diem",
        ),
        pytest.param("models", "note", f"Ghi chú{MARKER} riêng", "Mô hình", "Z4", "Ghi chú riêng", id="note"),
        pytest.param("models", "field", f"Kinh tế{MARKER}", "Mô hình", "C4", "Kinh tế", id="choice"),
    ],
)
def test_noncharacters_in_a_cell_are_removed_and_every_output_is_well_formed(
    tmp_path: Path, sheet: str, key: str, typed: str, title: str, cell: str, kept: str
) -> None:
    root = copy_config(tmp_path)
    path = root / "inbox" / "mttq.xlsx"
    path.parent.mkdir()
    path.write_bytes(_hostile_workbook(root, sheet, key, typed))

    checked = _cli(root, "check", "--year", str(YEAR), "--json", str(path))
    assert checked.exit_code == 0, checked.output
    [report] = json.loads(checked.stdout)["files"]
    removed = [f for f in report["findings"] if f["code"] == "text-character-removed"]
    assert [(f["sheet"], f["cell"], f["severity"]) for f in removed] == [(title, cell, "warning")]
    assert "U+FFFE, U+FFFF" in removed[0]["message"] and cell in removed[0]["message"]

    for _ in range(2):  # the run that failed before, and every later one
        run = _cli(root, "consolidate", "--year", str(YEAR), "--json")
        assert run.exit_code == 0, run.output
        assert json.loads(run.stdout)["accepted"] == [UNIT]
        _assert_outputs_sound(root, OUTPUTS)
    written = _output_xml(root)
    assert kept.encode() in written  # the text, without the characters, reached the outputs
    assert not any(c.encode() in written for c in NOT_TEXT)

    council = _cli(root, "council", "--year", str(YEAR))
    assert council.exit_code == 0, council.output
    _assert_outputs_sound(root, OUTPUTS | {f"xet-duyet-{YEAR}.xlsx"})


def test_a_file_name_no_output_can_hold_is_recorded_as_text(tmp_path: Path) -> None:
    """A name with U+FFFE, and one with a byte that is not UTF-8 (Python keeps it as a lone
    surrogate): the run completes, the names are recorded with U+FFFD for the byte, and the
    clerk's workbook and the units' annotated copies that name the files are well-formed."""
    root = copy_config(tmp_path)
    config = load_config(root)
    inbox = root / "inbox"
    inbox.mkdir()
    (inbox / f"{UNIT}\ufffe.xlsx").write_bytes(sample_workbook(config, UNIT, YEAR, with_errors=True))
    with open(os.path.join(os.fsencode(inbox), b"CD\xff.xlsx"), "wb") as undecodable:
        undecodable.write(sample_workbook(config, "CD", YEAR, with_errors=True))

    run = _cli(root, "consolidate", "--year", str(YEAR), "--json")
    assert run.exit_code == 1, run.output  # both files have a unit's typical mistakes
    assert {r["file"] for r in json.loads(run.stdout)["rejected"]} == {f"{UNIT}\ufffe.xlsx", "CD\ufffd.xlsx"}
    _assert_outputs_sound(root, OUTPUTS)
    assert len(list((root / "outbox" / str(YEAR) / "phan-hoi").iterdir())) == 2
