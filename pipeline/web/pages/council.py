"""The council (``/xet-duyet``): issue and download the steering committee's workbook, receive the
filled one, see what the last consolidation recorded and refused.

Contract: the issue button runs :func:`pipeline.run.cycle.issue_council` (``dvk council``) under the
workspace lock; the workbook and its marked-up copy (when the last run left one) are downloaded
through ``/tai/<năm>/…``. A filled workbook is received as on ``/nhan-tep`` (same streaming, naming
and content checks, into ``inbox/``) and checked at once: the decisions to be recorded, those
already recorded, the errors. Decisions are recorded by "Tổng hợp" only; the page shows the council
part of the last run's summary (the run of this server, else the record the last ``dvk
consolidate`` left: :func:`pipeline.run.replay.last_answer`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ...config import Config
from ...core.paths import COUNCIL_FILE, COUNCIL_FIX_FILE
from ...run.cycle import issue_council
from ...run.replay import last_answer
from ..site import Site, config_or_error
from ..uploads import Refused
from .downloads import downloadable
from .receive import ANNOTATED_PATH, CheckedUpload, upload_and_check


def last_council(site: Site, year: int) -> Sequence[Mapping[str, Any]] | None:
    """The council files the last consolidation of ``year`` read, as its summary gives them; None
    when no consolidation of the year is known."""
    job = site.jobs.current()
    summary: Mapping[str, Any] | None = None
    if job is not None and job.year == year and job.answer is not None:
        summary = job.answer.summary
    if summary is None:
        last = last_answer(site.root, year)
        if last is None:
            return None
        summary = last.summary
    return list(summary.get("council") or [])


def routes(site: Site) -> list[Route]:
    def render(
        request: Request,
        config: Config,
        checked: Sequence[CheckedUpload] = (),
        refused: Sequence[Refused] = (),
        posted: bool = False,
        issued: str = "",
    ) -> Response:
        year = site.year_of(request, config)
        names = (COUNCIL_FILE.format(year=year), COUNCIL_FIX_FILE.format(year=year))
        return site.page(
            request,
            "council.html",
            config=config,
            year=year,
            workbook=names[0] if downloadable(site.root, year, names[0]) else "",
            fix_copy=names[1] if downloadable(site.root, year, names[1]) else "",
            checked=checked,
            refused=refused,
            posted=posted,
            issued=issued,
            council=last_council(site, year),
            annotated_path=ANNOTATED_PATH,
        )

    async def page(request: Request) -> Response:
        config, problem = config_or_error(site)
        if config is None:
            return site.page(request, "error.html", message=problem, config_problem=True)
        issued = request.query_params.get("da-phat-hanh", "")
        return render(request, config, issued=issued if issued.isdigit() else "")

    async def issue(request: Request) -> Response:
        config, problem = config_or_error(site)
        if config is None:
            return site.page(request, "error.html", status_code=409, message=problem, config_problem=True)
        year = site.year_of(request, config)
        try:
            with site.locked("council"):
                _, items = await run_in_threadpool(issue_council, site.root, config, year)
        except Exception as exc:
            return site.failure(request, exc)
        return RedirectResponse(f"/xet-duyet?nam={year}&da-phat-hanh={items}", status_code=303)

    async def receive(request: Request) -> Response:
        config, problem = config_or_error(site)
        if config is None:
            return site.page(request, "error.html", status_code=409, message=problem, config_problem=True)
        outcome = await upload_and_check(site, request, config)
        if isinstance(outcome, Response):
            return outcome
        return render(request, config, *outcome, posted=True)

    return [
        Route("/xet-duyet", page, methods=["GET"]),
        Route("/xet-duyet/phat-hanh", issue, methods=["POST"]),
        Route("/xet-duyet", receive, methods=["POST"]),
    ]
