"""Inputs that lie about their size (issue 17, class 2): refused from what is read so far, with the
memory of the whole run bounded whatever the input claims, and the other units' files read.

Each run is ``dvk consolidate`` in a child process; its peak resident memory is the largest of its
processes (``ru_maxrss`` from ``os.wait4``, read pool and report child included).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pipeline.tools.bench import dvk_command, run_child
from tests.support.builder import RECEIVED, drop_file, new_workspace, sample_workbook
from tests.support.oversize import lying_workbook

YEAR = 2026
# A run over a few units peaks near 110 MB (mostly imports); before issue 17 the lying workbook took
# 2.1 GB (zipfile inflated up to 2 GiB in one read of the member).
PEAK_MB = 300


def _consolidate(root: Path) -> tuple[dict[str, Any], float]:
    """``dvk consolidate --json`` in a child: its answer and the peak memory of its largest process."""
    output = root / "run.json"
    command = [*dvk_command(), "--root", str(root), "consolidate", "--year", str(YEAR), "--json"]
    measure = run_child(command, output)
    return json.loads(output.read_text(encoding="utf-8")), measure.peak_mb


def _rejected(summary: dict[str, Any], file: str) -> list[dict[str, Any]]:
    return next(r["findings"] for r in summary["rejected"] if r["file"] == file)


def test_a_workbook_whose_zip_lies_about_a_3_gib_sheet_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    config = new_workspace(tmp_path)
    for code in ("KP-BD01", "KP-BD02"):
        drop_file(tmp_path, f"{code}.xlsx", sample_workbook(config, code, YEAR), RECEIVED)
    bomb = lying_workbook(sample_workbook(config, "KP-BD03", YEAR), inflated_mib=3 * 1024, declared=60_000)
    assert len(bomb) < 4 * 1024 * 1024
    drop_file(tmp_path, "KP-BD03.xlsx", bomb, RECEIVED + dt.timedelta(minutes=1))
    summary, peak_mb = _consolidate(tmp_path)
    assert peak_mb < PEAK_MB, f"peak memory {peak_mb:.0f} MB"
    (refusal,) = _rejected(summary, "KP-BD03.xlsx")
    assert refusal["code"] == "not-a-workbook"
    assert "tệp bị hỏng hoặc tải về không trọn vẹn" in refusal["message"]
    assert summary["accepted"] == ["KP-BD01", "KP-BD02"]
