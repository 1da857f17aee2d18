"""Logging in (``/dang-nhap``): asked only when the server listens beyond this computer."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..security import LOGIN_PATH, Sessions
from ..site import Site


def routes(site: Site) -> list[Route]:
    async def form(request: Request) -> Response:
        # No navigation before logging in: every other page leads back here.
        return site.page(request, "login.html", wrong=False, navigation=())

    async def log_in(request: Request) -> Response:
        sessions: Sessions = request.app.state.sessions
        password = str((await request.form()).get("password", ""))
        if sessions.log_in(request.state.session, password):
            return RedirectResponse("/", status_code=303)
        return site.page(request, "login.html", status_code=403, wrong=True, navigation=())

    return [Route(LOGIN_PATH, form, methods=["GET"]), Route(LOGIN_PATH, log_in, methods=["POST"])]
