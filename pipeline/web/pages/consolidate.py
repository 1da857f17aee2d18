"""Consolidation (``/tong-hop``): one button, live progress, the result, the downloads.

The button starts :func:`pipeline.run.replay.consolidate_year` in the background (:mod:`..jobs`)
with the report date typed on the page; the page polls ``/tong-hop/tien-do`` every second (htmx)
until the run ends, then reloads the whole page (``HX-Refresh``: the lock's banner and the button
are outside the polled section), which shows the files' standings and the year's outputs to download.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ...config import Config
from ...core.findings import ERROR, WARNING
from ...core.paths import CLERK_FILE, COUNCIL_FILE, COUNCIL_FIX_FILE, FEEDBACK_FOLDER, NARRATIVE_FILE, SUMMARY_FILE
from ...run.replay import last_answer
from ...year.standing import REPLACED, RETURNED, RETURNED_LABEL, USED, USED_LABEL
from ..site import Site, config_or_error
from .downloads import ZIP_NAME, result_files

STANDING_LABELS = {USED: USED_LABEL, REPLACED: "Đã được thay bằng tệp gửi sau", RETURNED: RETURNED_LABEL}


@dataclass(frozen=True)
class Download:
    name: str  # relative to outbox/<year>/
    label: str


def labelled_results(config: Config, root: Path, year: int) -> list[tuple[str, list[Download]]]:
    """The year's results as the clerk looks for them: the reports, the workbooks, the units'
    feedback, each with what it is; a result not written yet is left out."""
    present = set(result_files(root, year))
    reports = [
        Download(spec.file.format(year=year), f"Báo cáo gửi {spec.addressee}")
        for spec in config.organization.reports.values()
    ]
    reports.append(
        Download(NARRATIVE_FILE.format(year=year), "Phần lời văn của báo cáo (để sửa rồi đặt lại vào inbox/)")
    )
    workbooks = [
        Download(SUMMARY_FILE.format(year=year), "Bảng tổng hợp"),
        Download(CLERK_FILE.format(year=year), "Kết quả kiểm tra các tệp (dành cho cán bộ tổng hợp)"),
        Download(COUNCIL_FILE.format(year=year), "Bảng xét duyệt của Ban chỉ đạo"),
        Download(COUNCIL_FIX_FILE.format(year=year), "Bảng xét duyệt cần sửa"),
    ]
    feedback = []
    for name in sorted(n for n in present if n.startswith(f"{FEEDBACK_FOLDER}/")):
        unit = config.units.get(PurePosixPath(name).stem)
        feedback.append(Download(name, f"Phản hồi cho {unit.name}" if unit else "Phản hồi"))
    known = {d.name for group in (reports, workbooks, feedback) for d in group}
    others = [Download(name, "Tệp khác") for name in sorted(present - known)]
    groups = [("Báo cáo", reports), ("Bảng tính", workbooks), ("Phản hồi cho các đơn vị", feedback), ("Khác", others)]
    return [(title, kept) for title, items in groups if (kept := [d for d in items if d.name in present])]


@dataclass(frozen=True)
class FileRow:
    file: str
    unit: str
    standing: str
    replaced_by: str
    errors: int
    warnings: int


def file_rows(summary: Mapping[str, Any]) -> list[FileRow]:
    """The run's files (as ``dvk consolidate --json`` lists them) with their errors and warnings."""
    # A returned file's findings are listed with it ("rejected"); the others' in "findings".
    findings = [*summary.get("findings", [])]
    findings += [{**f, "file": r["file"]} for r in summary.get("rejected", []) for f in r.get("findings", [])]
    tally = Counter((f.get("file", ""), f.get("severity", "")) for f in findings)
    return [
        FileRow(
            f["file"],
            f.get("unit", ""),
            f["standing"],
            f.get("replaced_by") or "",
            tally[f["file"], ERROR],
            tally[f["file"], WARNING],
        )
        for f in summary.get("files", [])
    ]


def _report_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def routes(site: Site) -> list[Route]:
    async def page(request: Request) -> Response:
        config, problem = config_or_error(site)
        if config is None:
            return site.page(request, "error.html", message=problem, config_problem=True)
        year = site.year_of(request, config)
        job = site.jobs.current()
        return site.page(
            request,
            "consolidate.html",
            config=config,
            year=year,
            job=job if job is not None and job.year == year else None,
            running=site.jobs.running(),
            last=last_answer(site.root, year),
            results=labelled_results(config, site.root, year) if config is not None else [],
            zip_name=ZIP_NAME.format(year=year),
            today=dt.date.today().isoformat(),
            standing_labels=STANDING_LABELS,
            file_rows=file_rows,
        )

    async def start(request: Request) -> Response:
        config, problem = config_or_error(site)
        if config is None:
            return site.page(request, "error.html", status_code=409, message=problem, config_problem=True)
        form = await request.form()
        year = site.year_of(request, config)
        site.jobs.start(site.root, config, year, _report_date(str(form.get("report_date", ""))), site.locked)
        return RedirectResponse(f"/tong-hop?nam={year}", status_code=303)

    async def progress(request: Request) -> Response:
        config, _ = config_or_error(site)
        year = site.year_of(request, config)
        job = site.jobs.current()
        response = site.page(
            request,
            "consolidate_progress.html",
            config=config,
            year=year,
            job=job if job is not None and job.year == year else None,
            results=labelled_results(config, site.root, year) if config is not None else [],
            zip_name=ZIP_NAME.format(year=year),
            standing_labels=STANDING_LABELS,
            file_rows=file_rows,
            last=last_answer(site.root, year),
        )
        if job is not None and job.finished and request.headers.get("hx-request"):
            # The run is over: the whole page again, so that the lock's banner goes and the button
            # comes back (the poll only swaps the progress section).
            response.headers["HX-Refresh"] = "true"
        return response

    return [
        Route("/tong-hop", page, methods=["GET"]),
        Route("/tong-hop", start, methods=["POST"]),
        Route("/tong-hop/tien-do", progress, methods=["GET"]),
    ]
