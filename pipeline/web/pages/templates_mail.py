"""Templates and mail (``/mau-bieu``): issue the year's templates, download them, draft and send the
letters to the units.

Contract: every action calls what the command line calls. "Tạo mẫu biểu" is ``dvk templates``
(:func:`pipeline.run.cycle.issue_templates` under the workspace lock). For each kind of letter
(:data:`pipeline.config.MAIL_KINDS`) the page shows the plan (:func:`pipeline.run.mail_run.mail_plan`:
who gets which attachments, or why a unit gets none) and the drafts already written
(``outbox/<year>/thu/<kind>/``). "Viết thư nháp" is ``dvk mail <kind>`` (drafts, under the lock);
"Gửi" first answers with a confirmation page listing exactly who gets what (``--dry-run --send``,
nothing written or sent) and sends only on a second POST carrying ``confirm=1`` (``dvk mail <kind>
--send``, under the lock). The password comes only from the environment variable named in
config/mail.yaml, never from a form; without it the page says so (:class:`MailPasswordMissing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ...config import MAIL_KINDS, Config
from ...core.paths import MAIL_FOLDER, TEMPLATES_FOLDER
from ...mail.compose import KIND_FOLDERS, Letter, Plan
from ...run.cycle import issue_templates
from ...run.mail_run import MailOutcome, mail_password, mail_plan, run_mail
from ...run.render import MAIL_KIND_LABELS, MAIL_STATUS_LABELS
from ..site import Site, config_or_error
from .downloads import year_files


@dataclass(frozen=True)
class PlanRow:
    """One unit's line of a plan: its letter's recipients and attachments, or why it gets none."""

    code: str
    name: str
    recipients: tuple[str, ...]
    attachments: tuple[str, ...]
    refusal: str = ""


@dataclass(frozen=True)
class MailKind:
    """One kind of letter on the page: its plan (or the error that prevented it) and its drafts."""

    key: str
    label: str
    rows: tuple[PlanRow, ...]
    drafts: tuple[str, ...]
    problem: str = ""


def plan_rows(plan: Plan) -> tuple[PlanRow, ...]:
    """The plan's lines, in its order."""
    rows = []
    for entry in plan:
        if isinstance(entry, Letter):
            names = tuple(a.name for a in entry.attachments)
            rows.append(PlanRow(entry.unit.code, entry.unit.name, entry.recipients, names))
        else:
            rows.append(PlanRow(entry.unit.code, entry.unit.name, (), (), entry.reason))
    return tuple(rows)


def mail_kinds(site: Site, config: Config, year: int) -> list[MailKind]:
    """Each kind's plan and drafts; a kind whose plan cannot be made says why, the others still show."""
    kinds = []
    for kind in MAIL_KINDS:
        drafts = tuple(year_files(site.root, year, f"{MAIL_FOLDER}/{KIND_FOLDERS[kind]}"))
        try:
            rows, problem = plan_rows(mail_plan(site.root, config, year, kind)), ""
        except Exception as exc:
            rows, problem = (), _known(exc)
        kinds.append(MailKind(kind, MAIL_KIND_LABELS[kind], rows, drafts, problem))
    return kinds


def _known(exc: Exception) -> str:
    from ...run.failures import failure_message

    known = failure_message(exc)
    if known is None:
        raise exc
    return known[0]


def _kind_of(request: Request) -> str:
    kind = str(request.path_params["kind"])
    if kind not in MAIL_KINDS:
        raise HTTPException(404)
    return kind


def loaded(site: Site, request: Request, status_code: int = 200) -> Config | Response:
    """The configuration, or the page that says what is wrong in it (with a link to /cau-hinh)."""
    config, problem = config_or_error(site)
    if config is None:
        return site.page(request, "error.html", status_code=status_code, message=problem, config_problem=True)
    return config


async def _page(site: Site, request: Request) -> Response:
    config = loaded(site, request)
    if isinstance(config, Response):
        return config
    year = site.year_of(request, config)
    return site.page(
        request,
        "templates_mail.html",
        config=config,
        year=year,
        templates=year_files(site.root, year, TEMPLATES_FOLDER),
        kinds=mail_kinds(site, config, year),
        password_env=config.mail.server.password_env,
        needs_password=bool(config.mail.server.user),
    )


async def _issue(site: Site, request: Request) -> Response:
    config = loaded(site, request, 409)
    if isinstance(config, Response):
        return config
    year = site.year_of(request, config)
    try:
        with site.locked("templates"):
            issue_templates(site.root, config, year)
    except Exception as exc:
        return site.failure(request, exc)
    return RedirectResponse(f"/mau-bieu?nam={year}", status_code=303)


async def _draft(site: Site, request: Request) -> Response:
    kind = _kind_of(request)
    config = loaded(site, request, 409)
    if isinstance(config, Response):
        return config
    year = site.year_of(request, config)
    try:
        with site.locked(f"mail {kind}"):
            outcomes = run_mail(site.root, config, year, kind)
    except Exception as exc:
        return site.failure(request, exc)
    return _outcomes(site, request, config, year, kind, outcomes, sent=False)


async def _send(site: Site, request: Request) -> Response:
    kind = _kind_of(request)
    config = loaded(site, request, 409)
    if isinstance(config, Response):
        return config
    year = site.year_of(request, config)
    confirmed = (await request.form()).get("confirm") == "1"
    try:
        mail_password(config)  # a missing password is said before the confirmation, and again after it
        if not confirmed:
            return site.page(
                request,
                "mail_confirm.html",
                config=config,
                year=year,
                kind=kind,
                kind_label=MAIL_KIND_LABELS[kind],
                rows=plan_rows(mail_plan(site.root, config, year, kind)),
                password_env=config.mail.server.password_env,
                server=config.mail.server,
            )
        with site.locked(f"mail {kind}"):
            outcomes = run_mail(site.root, config, year, kind, send=True)
    except Exception as exc:
        return site.failure(request, exc)
    return _outcomes(site, request, config, year, kind, outcomes, sent=True)


def routes(site: Site) -> list[Route]:
    return [
        Route("/mau-bieu", partial(_page, site), methods=["GET"]),
        Route("/mau-bieu/tao", partial(_issue, site), methods=["POST"]),
        Route("/mau-bieu/thu/{kind}/nhap", partial(_draft, site), methods=["POST"]),
        Route("/mau-bieu/thu/{kind}/gui", partial(_send, site), methods=["POST"]),
    ]


def _outcomes(
    site: Site, request: Request, config: Config, year: int, kind: str, outcomes: list[MailOutcome], sent: bool
) -> Response:
    return site.page(
        request,
        "mail_result.html",
        config=config,
        year=year,
        kind=kind,
        kind_label=MAIL_KIND_LABELS[kind],
        outcomes=outcomes,
        status_labels=MAIL_STATUS_LABELS,
        sent=sent,
        failed=sum(1 for o in outcomes if o.failed),
    )
