"""Golden-text tests of both reports: the whole text of each .docx of a fixed scenario.

The scenario is the hand-made consolidation of ``builder.report_consolidation`` (eight units: on
time, late, rejected, missing, below target, exempt; models, collective and individual exemplary
items with proposals), compared with a smaller previous year (``builder.previous_figures``) and with
council decisions recorded (``builder.GOLDEN_DECISIONS``), so that every part of both reports is
written. Each report is saved, reopened and turned into text by
:func:`docxtext.document_text` (paragraphs in order, layout tables cell by cell, data tables row
by row with `` | `` between cells); the text must equal ``tests/system/golden/<file>.txt``.

To regenerate the golden files after an intended change of wording or layout, run

    DVK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/system/test_golden.py

then read the diff (``git diff tests/system/golden``) before committing it: the golden files are
the reviewed text of the reports.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import docx
import pytest

from pipeline.config import Config
from pipeline.outputs.docx.report import report_bytes, report_file_name
from pipeline.year.stats import statistics
from tests.support.builder import GOLDEN_DECISIONS, previous_figures, report_consolidation
from tests.support.docxtext import document_text

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DVK_UPDATE_GOLDEN") == "1"
DATE = dt.date(2026, 12, 5)


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_report_text_equals_the_golden_file(config: Config, kind: str) -> None:
    data = report_consolidation(config)
    stats = statistics(data, config, previous_figures(config), GOLDEN_DECISIONS)
    text = document_text(docx.Document(io.BytesIO(report_bytes(kind, stats, data, config, DATE))))
    golden = GOLDEN / report_file_name(kind, config, 2026).replace(".docx", ".txt")
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run with DVK_UPDATE_GOLDEN=1 to create it"
    assert text == golden.read_text(encoding="utf-8")
