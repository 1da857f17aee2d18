"""Benchmark: a province consolidating N ward summaries (default 135, Gia Lai's count).

Not a test: run ``.venv/bin/python bench/rollup_province.py [N]`` and read the timings. One demo
ward is consolidated for real; its summary is then re-signed for N ward codes (the content and
its digest stay, only the ward code and the signature change, as N real wards would differ), the
province's units.yaml lists those N wards, and the province runs ``dvk consolidate`` twice (the
first run also archives the files; the second is a re-run on an unchanged inbox).
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import yaml

from pipeline.config import load_config
from pipeline.core import layout
from pipeline.core.upward import derive_key, summary_signature
from pipeline.run.cycle import run_consolidation
from pipeline.tools.demo import build_demo
from pipeline.tools.demo_rollup import province_workspace

REPO = Path(__file__).parents[1]
YEAR = 2026


def main(count: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="dvk-bench-"))
    province = work / "tinh"
    province_workspace(REPO, province)
    codes = [f"PX-{i:03d}" for i in range(1, count + 1)]
    units_file = province / "config" / "units.yaml"
    units = yaml.safe_load(units_file.read_text(encoding="utf-8"))
    units["units"] = [
        {"code": c, "name": f"Đảng bộ phường số {i}", "group": "phuong", "origin": "An Nhơn"}
        for i, c in enumerate(codes, 1)
    ]
    units_file.write_text(yaml.safe_dump(units, allow_unicode=True), encoding="utf-8")
    config = load_config(province)

    started = time.perf_counter()
    ward = work / "phuong"
    ward_config = build_demo(load_config(REPO), YEAR, ward)
    run_consolidation(ward, ward_config, YEAR, None)
    print(f"one demo ward (39 units) built and consolidated: {time.perf_counter() - started:.1f} s")
    summary = (ward / "outbox" / str(YEAR) / f"tong-hop-{YEAR}.xlsx").read_bytes()
    for code in codes:
        (province / "inbox").mkdir(parents=True, exist_ok=True)
        (province / "inbox" / f"{code}.xlsx").write_bytes(_signed_as(summary, code, config.secret))

    for label in ("first run", "re-run"):
        started = time.perf_counter()
        result = run_consolidation(province, config, YEAR, None)
        elapsed = time.perf_counter() - started
        accepted = sum(1 for s in result.submissions if s.accepted)
        models = len(result.consolidation.models)
        print(f"province, {label}: {count} summaries ({accepted} accepted, {models} models) in {elapsed:.1f} s")
    shutil.rmtree(work)


def _signed_as(summary: bytes, code: str, secret: bytes) -> bytes:
    """The summary with its ``_meta`` naming ``code`` and signed with that ward's upward key."""
    wb = openpyxl.load_workbook(io.BytesIO(summary))
    meta = wb[layout.META_SHEET]
    values = {row[0].value: row[1] for row in meta.iter_rows(max_col=2)}
    values["unit_code"].value = code
    digest, version = values["digest"].value, values["template_version"].value
    values["signature"].value = summary_signature(derive_key(secret, code), YEAR, version, digest)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 135)
