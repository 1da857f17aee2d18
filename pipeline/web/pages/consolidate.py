"""Consolidation (``/tong-hop``): one button, live progress, the result, the downloads.

The button starts :func:`pipeline.run.replay.consolidate_year` in the background (:mod:`..jobs`)
with the report date typed on the page; the page polls ``/tong-hop/tien-do`` every second (htmx)
until the run ends, then reloads the whole page (``HX-Refresh``: the lock's banner and the button
are outside the polled section), which shows the files' standings and the year's outputs to download.
"""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ...year.standing import REPLACED, RETURNED, RETURNED_LABEL, USED, USED_LABEL
from ..site import Site, config_or_error
from .downloads import ZIP_NAME, year_files

STANDING_LABELS = {USED: USED_LABEL, REPLACED: "Đã được thay bằng tệp gửi sau", RETURNED: RETURNED_LABEL}


FOLDER_LABELS = {
    "mau-bieu": "Mẫu biểu của các đơn vị",
    "phan-hoi": "Tệp phản hồi gửi các đơn vị",
    "thu": "Thư nháp",
}


def grouped(files: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The year's own outputs (directly in ``outbox/<year>/``), then each folder's files under its label."""
    top = [name for name in files if "/" not in name]
    folders: dict[str, list[str]] = {}
    for name in files:
        if "/" in name:
            folders.setdefault(name.split("/", 1)[0], []).append(name)
    return top, [(FOLDER_LABELS.get(folder, folder), names) for folder, names in sorted(folders.items())]


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
            files=grouped(year_files(site.root, year)),
            zip_name=ZIP_NAME.format(year=year),
            today=dt.date.today().isoformat(),
            standing_labels=STANDING_LABELS,
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
            files=grouped(year_files(site.root, year)),
            zip_name=ZIP_NAME.format(year=year),
            standing_labels=STANDING_LABELS,
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
