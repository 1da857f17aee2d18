"""A unit's page (``/don-vi/<mã>``): who it is, its state this year, its files, its feedback, its mails.

Contract: the unit as configured (name, group, former area, e-mail); its state in the year asked for,
in the words of the home page; every file received from it in that cycle (from the register and
the archive, as ``dvk status`` reads them: nothing is written) with its received time, standing
(used, replaced, returned) and findings; its feedback copies under ``outbox/<năm>/phan-hoi/``
(downloaded through ``/tai/…``); the messages sent to it that year (the sent-mail ledger,
:func:`pipeline.run.mail_run.mails_sent_to`). A code no unit of the configuration has is a 404.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...config import MAIL_KINDS
from ...core.paths import FEEDBACK_FOLDER
from ...run.cycle import year_status
from ...run.mail_run import mails_sent_to
from ...year.standing import file_standings
from ..site import Site, config_or_error
from .consolidate import STANDING_LABELS
from .downloads import downloadable
from .home import unit_rows

MAIL_LABELS = dict(zip(MAIL_KINDS, ("Gửi mẫu biểu", "Nhắc gửi báo cáo", "Phản hồi kết quả kiểm tra"), strict=True))


def feedback_copies(root: Path, year: int, code: str) -> list[str]:
    """The unit's feedback copies of ``year`` (``<MÃ>.xlsx``, ``<MÃ>-<8 chữ số hex>.xlsx``), relative
    to ``outbox/<year>/``, that may be downloaded."""
    folder = root / "outbox" / str(year) / FEEDBACK_FOLDER
    if not folder.is_dir():
        return []
    pattern = re.compile(re.escape(code) + r"(-[0-9a-f]{8})?\.xlsx")
    names = sorted(f"{FEEDBACK_FOLDER}/{p.name}" for p in folder.iterdir() if pattern.fullmatch(p.name))
    return [name for name in names if downloadable(root, year, name) is not None]


def routes(site: Site) -> list[Route]:
    async def page(request: Request) -> Response:
        config, problem = config_or_error(site)
        if config is None:
            return site.page(request, "error.html", message=problem, config_problem=True)
        code = request.path_params["code"]
        unit = config.units.get(code)
        if unit is None:
            raise HTTPException(404)
        year = site.year_of(request, config)
        try:
            submissions, data = await run_in_threadpool(year_status, site.root, config, year)
        except Exception as exc:
            return site.failure(request, exc)
        row = next((r for r in unit_rows(data, submissions) if r.code == code), None)
        standings = [s for s in file_standings(submissions) if s.submission.unit_code == code]
        return site.page(
            request,
            "unit.html",
            config=config,
            year=year,
            unit=unit,
            group=config.units.group_label(unit.group),
            row=row,
            standings=sorted(standings, key=lambda s: s.submission.source.received_at),
            standing_labels=STANDING_LABELS,
            feedback=feedback_copies(site.root, year, code),
            mails=mails_sent_to(site.root, code, year),
            mail_labels=MAIL_LABELS,
        )

    return [Route("/don-vi/{code}", page, methods=["GET"])]
