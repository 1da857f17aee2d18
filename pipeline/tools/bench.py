"""``make bench``: the pipeline measured against the physical floor of reading xlsx and a naive peer.

Run as ``python -m pipeline.tools.bench --sizes 40,1000,5400``; never imported by the CLI. For each size it
takes the cached generated workspace (:mod:`.benchdata`) and measures, each in its own child process
so that the peak resident memory (``ru_maxrss`` from ``os.wait4``) is that step's alone:

- the floor: every sheet's XML (and the shared strings) of every file through expat with no handlers;
- the naive peer: ``pandas.read_excel(sheet_name=None, engine="openpyxl")`` over the same files;
- ``dvk consolidate`` cold (empty register), warm (nothing changed) and after one file changed;
- the time to write both reports and the consolidated workbook from the consolidated data;

then ``dvk --help``, and prints a table with every target of issue 7 as met / not met. The figures
go to ``build/bench/results.json``. Times are wall-clock seconds of one run on a shared machine:
compare ratios within one run, not absolute times between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.paths import INBOX, SECRET_FILE
from .benchdata import BENCH_YEAR, bench_units, bench_workspace

DEFAULT_SIZES = (40, 1000, 5400)
REFERENCE_SIZE = 1000
LARGE_SIZE = 5400
PEER_LIMIT = 1000  # pandas+openpyxl reads ~35 files/s: above this it only makes the bench long


@dataclass(frozen=True)
class Measure:
    seconds: float
    peak_mb: float  # the largest single process of the step (ru_maxrss covers its children too)
    tree_mb: float = 0.0  # the step's processes together: sum of their RSS, sampled (see TreeSampler)


@dataclass(frozen=True)
class Target:
    label: str
    measured: float | None
    limit: float
    at_most: bool = True

    @property
    def met(self) -> bool | None:
        if self.measured is None:
            return None
        return self.measured <= self.limit if self.at_most else self.measured >= self.limit


# --------------------------------------------------------------------------- children


def run_child(command: Sequence[str], output: Path | None = None) -> Measure:
    """Run ``command`` to completion; its wall time, the peak resident memory of its largest process
    and the peak of its process tree's memory together."""
    sink = output.open("wb") if output else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=sink, stderr=subprocess.DEVNULL)
        with TreeSampler(process.pid) as tree:
            _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if output:
            sink.close()  # type: ignore[union-attr]
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed with exit code {process.returncode}")
    return Measure(elapsed, usage.ru_maxrss / 1024, tree.peak_mb)


class TreeSampler:
    """The peak, over a process's life, of the resident memory of it and all its descendants together.

    ``ru_maxrss`` is the peak of the largest single process; a run whose read pool or report child
    works beside it needs the sum. Sampled every ``interval`` seconds from ``/proc/<pid>/statm`` (cheap:
    no page-table walk), so a peak shorter than that can be missed, and a page shared by a parent and
    its forked child counts twice (the sum is an upper bound of the physical memory). 0 where there is
    no ``/proc``."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 0.0

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self.tree_mb())
            self._stop.wait(self.interval)

    def tree_mb(self) -> float:
        """The resident memory of the process and its descendants now, in MB."""
        total, pending, seen = 0, [self.pid], set()
        while pending:
            pid = pending.pop()
            if pid in seen:
                continue
            seen.add(pid)
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
                for task in Path(f"/proc/{pid}/task").iterdir():
                    pending += [int(c) for c in (task / "children").read_text().split()]
            except (OSError, ValueError, IndexError):
                continue  # ended meanwhile, or no /proc
        return total * self._page_mb


def workbook_files(inbox: Path) -> list[Path]:
    return sorted(inbox.rglob("*.xlsx"))


def floor_read(inbox: Path) -> int:
    """The floor: unzip each file and run its sheets' XML through expat with no handlers."""
    from xml.parsers import expat

    parts = 0
    for path in workbook_files(inbox):
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml":
                    expat.ParserCreate().Parse(package.read(name), True)
                    parts += 1
    return parts


def peer_read(inbox: Path) -> int:
    """The naive peer: every sheet of every file into pandas DataFrames through openpyxl."""
    import pandas

    frames = 0
    for path in workbook_files(inbox):
        frames += len(pandas.read_excel(path, sheet_name=None, engine="openpyxl"))
    return frames


def output_times(root: Path) -> dict[str, float]:
    """Seconds to write the consolidated workbook and each report from the workspace's register."""
    from ..config import load_config
    from ..outputs.docx.report import report_bytes
    from ..outputs.xlsx.summary import summary_bytes
    from ..run.cycle import year_status
    from ..year.stats import statistics as compute_statistics

    config = load_config(root)
    submissions, data = year_status(root, config, BENCH_YEAR)
    stats = compute_statistics(data, config)
    findings = [f for s in submissions for f in s.findings] + list(data.findings)
    times = {}
    start = time.perf_counter()
    summary_bytes(stats, data, findings, config)
    times["summary"] = time.perf_counter() - start
    for kind in ("province", "standing"):
        start = time.perf_counter()
        report_bytes(kind, stats, data, config, config.year(BENCH_YEAR).upward_deadline)
        times[kind] = time.perf_counter() - start
    return times


def _child_main(kind: str, target: Path, output: Path) -> None:
    start = time.perf_counter()
    if kind == "floor":
        result: Any = floor_read(target)
    elif kind == "peer":
        result = peer_read(target)
    else:
        result = output_times(target)
    elapsed = time.perf_counter() - start
    output.write_text(json.dumps({"seconds": elapsed, "result": result}), encoding="utf-8")


def _measured_child(kind: str, target: Path) -> tuple[Measure, Any]:
    """A child step whose own timing (imports excluded) and result come back as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "result.json"
        measure = run_child([sys.executable, "-m", "pipeline.tools.bench", "--child", kind, str(target), str(report)])
        answer = json.loads(report.read_text(encoding="utf-8"))
    return Measure(answer["seconds"], measure.peak_mb, measure.tree_mb), answer["result"]


# --------------------------------------------------------------------------- dvk runs


def dvk_command() -> list[str]:
    script = Path(sys.executable).with_name("dvk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline"]


def consolidate(root: Path) -> Measure:
    command = [*dvk_command(), "--root", str(root), "consolidate", "--year", str(BENCH_YEAR)]
    return run_child([*command, "--date", "2026-12-05", "--json"], root / "last-run.json")


def fresh_workspace(data: Path, run: Path) -> Path:
    """A workspace with an empty register over the generated files (hard links: the inbox is only read)."""
    if run.exists():
        shutil.rmtree(run)
    shutil.copytree(data / "config", run / "config")
    (run / SECRET_FILE).parent.mkdir(parents=True)
    shutil.copy2(data / SECRET_FILE, run / SECRET_FILE)
    for path in workbook_files(data / INBOX):
        target = run / INBOX / path.relative_to(data / INBOX)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)
    return run


def change_one_file(data: Path, run: Path, size: int) -> None:
    """Replace one unit's file in the inbox by another filling of it, received a day after the first."""
    unit = bench_units(size)[size // 2]
    target = run / INBOX / unit.folder / f"{unit.code}.xlsx"
    target.unlink()
    shutil.copy2(data / "changed" / f"{unit.code}.xlsx", target)


def help_time(repeats: int = 5) -> float:
    """The median wall time of ``dvk --help``: the imports a user waits for at every command."""
    return statistics.median(run_child([*dvk_command(), "--help"]).seconds for _ in range(repeats))


# --------------------------------------------------------------------------- one size


def measure_size(cache: Path, config_dir: Path, size: int, seed: int, peer_limit: int) -> dict[str, Any]:
    """Every measurement of one size, on the same files."""
    started = time.perf_counter()
    data = bench_workspace(cache, config_dir, size, seed)
    files = workbook_files(data / INBOX)
    result: dict[str, Any] = {
        "files": len(files),
        "megabytes": round(sum(p.stat().st_size for p in files) / 1e6, 1),
        "generate_s": round(time.perf_counter() - started, 2),
    }
    floor, _ = _measured_child("floor", data / INBOX)
    result["floor"] = floor.__dict__
    if size <= peer_limit:
        peer, _ = _measured_child("peer", data / INBOX)
        result["peer"] = peer.__dict__
    run = fresh_workspace(data, cache / f"run-{size}")
    result["cold"] = consolidate(run).__dict__
    result["warm"] = consolidate(run).__dict__
    change_one_file(data, run, size)
    result["changed"] = consolidate(run).__dict__
    outputs, times = _measured_child("outputs", run)
    result["outputs"] = {**outputs.__dict__, "parts": times}
    return result


# --------------------------------------------------------------------------- targets and table


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _seconds(results: dict[int, dict[str, Any]], size: int, step: str) -> float | None:
    value = results.get(size, {}).get(step)
    return float(value["seconds"]) if value else None


def _peak(results: dict[int, dict[str, Any]], size: int, step: str, kind: str = "peak_mb") -> float | None:
    value = results.get(size, {}).get(step)
    return float(value[kind]) if value and value.get(kind) else None


def targets(results: dict[int, dict[str, Any]], help_seconds: float) -> list[Target]:
    """The targets of issue 7, each as a ratio measured in this run."""
    ref, large = REFERENCE_SIZE, LARGE_SIZE
    cold = _seconds(results, ref, "cold")
    return [
        Target("cold 1,000 / expat floor", _ratio(cold, _seconds(results, ref, "floor")), 4.0),
        Target("pandas+openpyxl 1,000 / cold", _ratio(_seconds(results, ref, "peer"), cold), 8.0, at_most=False),
        Target("warm 1,000 / cold", _ratio(_seconds(results, ref, "warm"), cold), 0.05),
        Target("one changed of 1,000 / cold", _ratio(_seconds(results, ref, "changed"), cold), 0.10),
        Target("peak memory 5,400 / 1,000", _ratio(_peak(results, large, "cold"), _peak(results, ref, "cold")), 1.5),
        Target(
            "  same, processes together",
            _ratio(_peak(results, large, "cold", "tree_mb"), _peak(results, ref, "cold", "tree_mb")),
            1.5,
        ),
        Target("time 5,400 / 1,000 (linear)", _ratio(_seconds(results, large, "cold"), cold), 6.0),
        Target("dvk --help, seconds", help_seconds, 1.0),
    ]


STEPS = ("floor", "peer", "cold", "warm", "changed", "outputs")


def table(results: dict[int, dict[str, Any]], goals: list[Target]) -> str:
    """The measurements and the targets as a plain-text table."""
    sizes = sorted(results)
    lines = ["step".ljust(12) + "".join(f"{f'{size} files':>30}" for size in sizes)]
    lines.append(" " * 12 + "".join(f"{'s':>10}{'peak MB':>10}{'tree MB':>10}" for _ in sizes))
    for step in STEPS:
        cells = []
        for size in sizes:
            value = results[size].get(step)
            cells.append(
                f"{value['seconds']:>10.2f}{value['peak_mb']:>10.0f}{value.get('tree_mb', 0):>10.0f}"
                if value
                else f"{'-':>10}" * 3
            )
        lines.append(step.ljust(12) + "".join(cells))
    lines.append("peak MB: the largest process; tree MB: the step's processes together (sum of RSS, sampled)")
    lines.append("")
    for goal in goals:
        shown = "not measured" if goal.measured is None else f"{goal.measured:.3f}"
        verdict = {True: "met", False: "NOT MET", None: "-"}[goal.met]
        sign = "<=" if goal.at_most else ">="
        lines.append(f"{goal.label:<32}{shown:>14}  {sign} {goal.limit:<6g} {verdict}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.tools.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path("build/bench"))
    parser.add_argument("--config", type=Path, default=Path("config"))
    parser.add_argument("--peer-limit", type=int, default=PEER_LIMIT)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "TARGET", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child_main(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    results: dict[int, dict[str, Any]] = {}
    help_seconds = help_time()
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        print(f"bench: {size} files ...", file=sys.stderr, flush=True)
        results[size] = measure_size(args.cache, args.config, size, args.seed, args.peer_limit)
        save(args.cache / "results.json", results, help_seconds)  # a long run keeps what it measured
    print(table(results, targets(results, help_seconds)))


def save(path: Path, results: dict[int, dict[str, Any]], help_seconds: float) -> None:
    """The figures and the targets' verdicts as JSON."""
    document = {
        "results": {str(k): v for k, v in results.items()},
        "help_s": help_seconds,
        "targets": [{**g.__dict__, "met": g.met} for g in targets(results, help_seconds)],
    }
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
