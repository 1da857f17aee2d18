"""The browser workspace's application: the pages' routes, the static files, the error pages.

Contract: :func:`create_app` builds a Starlette application over the workspace at ``root``; each
module of :mod:`.pages` contributes its routes through ``routes(site)``. Every request passes
:class:`~.security.Guard`; an unexpected error is logged for the developer and answered with a
Vietnamese page without a traceback. Static files are the package's own (no directory listing).
"""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from .pages import PAGES
from .security import Guard, Sessions, with_headers
from .site import Site

STATIC = Path(__file__).parent / "static"
_log = logging.getLogger("dvk.web")

_STATUS_MESSAGES = {
    404: "Không có trang hoặc tệp này. Hãy quay lại trang chính.",
    405: "Trang này không nhận yêu cầu kiểu đó. Hãy dùng các nút trên trang.",
    413: "Tệp gửi lên quá lớn.",
}


def create_app(
    root: Path, password_hash: str = "", allowed_hosts: frozenset[str] | None = None, site: Site | None = None
) -> Starlette:
    """The application over the workspace at ``root``; ``allowed_hosts`` None accepts any Host."""
    site = site or Site(root)
    sessions = Sessions(password_hash)
    routes: list[BaseRoute] = [route for page in PAGES for route in page.routes(site)]
    routes.append(Mount("/static", app=StaticFiles(directory=STATIC), name="static"))

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = _STATUS_MESSAGES.get(status, "Yêu cầu không thực hiện được.")
        if isinstance(exc, HTTPException) and exc.detail and status not in _STATUS_MESSAGES:
            message = str(exc.detail)
        return site.page(request, "error.html", status_code=status, message=message)

    async def server_error(request: Request, exc: Exception) -> Response:
        _log.error("error on %s %s", request.method, request.url.path, exc_info=exc)
        # The guard's headers are added here: this handler answers outside the middleware.
        return with_headers(
            site.page(
                request,
                "error.html",
                status_code=500,
                message="Đã có lỗi ngoài dự kiến; dữ liệu trong thư mục làm việc không bị thay đổi. "
                "Hãy tải lại trang; nếu lỗi lặp lại, hãy báo cho người phụ trách kỹ thuật.",
            )
        )

    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, sessions=sessions, allowed_hosts=allowed_hosts)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.site = site
    app.state.sessions = sessions
    return app
