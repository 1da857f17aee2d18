"""Benchmark: a province consolidating N ward summaries (default 135, Gia Lai's count).

Not a test: run ``.venv/bin/python bench/rollup_province.py [N]`` and read the timings. One demo
ward is consolidated for real; its summary is then re-signed for N ward codes (the content and
its digest stay, only the ward code and the signature change, as N real wards would differ), the
province's units.yaml lists those N wards, and the province runs ``dvk consolidate`` twice (the
first run also archives the files; the second is a re-run on an unchanged inbox).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

from pipeline.config import load_config
from pipeline.run.cycle import run_consolidation
from pipeline.tools.demo import build_demo
from pipeline.tools.demo_rollup import province_workspace, signed_as

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
        (province / "inbox" / f"{code}.xlsx").write_bytes(signed_as(summary, code, config.secret, YEAR))

    for label in ("first run", "re-run"):
        started = time.perf_counter()
        result = run_consolidation(province, config, YEAR, None)
        elapsed = time.perf_counter() - started
        accepted = sum(1 for s in result.submissions if s.accepted)
        models = len(result.consolidation.models)
        print(f"province, {label}: {count} summaries ({accepted} accepted, {models} models) in {elapsed:.1f} s")
    shutil.rmtree(work)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 135)
