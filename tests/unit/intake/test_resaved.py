"""Workbooks a unit saved again in LibreOffice (.xls, .ods, .xlsx) read as the file it started from.

The fixtures under tests/fixtures/resaved/ are made by tests/fixtures/make_resaved.py (LibreOffice
is not needed to run these tests). They were issued with a fixed test secret, which the workspace
of these tests uses as its installation secret, and with template 2026.1: real files of an earlier
version, read without the fields added since (``earlier-template-version``, no error).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config, load_config
from pipeline.intake.receive import receive
from pipeline.intake.validate import Submission, validate
from tests.support.builder import copy_config

FIXTURES = Path(__file__).parents[2] / "fixtures" / "resaved"
TEST_SECRET = b"dvk test fixtures, not a real installation secret"
YEAR = 2026
EARLIER = ("earlier-template-version", "info", "", "")


@pytest.fixture(scope="module")
def fixture_config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """A workspace with the repository's config whose installation secret is the fixtures' test secret."""
    root = tmp_path_factory.mktemp("workspace")
    copy_config(root)
    (root / ".dvk").mkdir()
    (root / ".dvk" / "secret").write_text(TEST_SECRET.hex() + "\n", encoding="ascii")
    return load_config(root)


def _submit(config: Config, name: str) -> Submission:
    return validate(receive(FIXTURES / name, name), config, YEAR)


def _typed(submission: Submission) -> tuple[Any, ...]:
    """Forms and table rows with the type of every value, so that 2026 and 2026.0 differ."""
    forms = {sheet: {k: (type(v), v) for k, v in answers.items()} for sheet, answers in submission.forms.items()}
    tables = {
        sheet: [(r.row, {k: (type(v), v) for k, v in r.values.items()}) for r in records]
        for sheet, records in submission.tables.items()
    }
    return forms, tables


def test_the_original_is_accepted(fixture_config: Config) -> None:
    original = _submit(fixture_config, "filled.xlsx")
    assert (original.unit_code, original.accepted, original.template_version) == ("KP-BD01", True, "2026.1")
    assert [(f.code, f.severity, f.sheet, f.cell) for f in original.findings] == [EARLIER]
    assert [len(original.tables[k]) for k in ("models", "collectives", "individuals")] == [2, 1, 0]
    assert set(original.forms["activities"]) == {f.key for f in fixture_config.template.sheet("activities").fields[:7]}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("filled-lo.xls", [EARLIER, ("other-format", "info", "", "")], id="xls"),
        pytest.param("filled-lo.ods", [EARLIER, ("other-format", "info", "", "")], id="ods"),
        pytest.param("filled-lo.xlsx", [EARLIER], id="xlsx"),
    ],
)
def test_a_resaved_workbook_reads_as_the_original(
    fixture_config: Config, name: str, expected: list[tuple[str, str, str, str]]
) -> None:
    original = _submit(fixture_config, "filled.xlsx")
    resaved = _submit(fixture_config, name)
    assert [(f.code, f.severity, f.sheet, f.cell) for f in resaved.findings] == expected
    assert (resaved.unit_code, resaved.year, resaved.accepted) == ("KP-BD01", YEAR, True)
    assert resaved.forms == original.forms
    assert _typed(resaved) == _typed(original)
