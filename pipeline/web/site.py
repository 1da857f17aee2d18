"""What every page of the browser workspace shares: the workspace, its configuration, the year
asked for, the lock, the navigation, and rendering with the package's templates.

Contract: :class:`Site` is built once per server over one workspace. :meth:`Site.config` loads the
configuration as a command does (a broken file is a :class:`ConfigError` the page shows, not a
crash); :meth:`Site.locked` holds the workspace lock for a web action exactly as a command holds
it, without waiting (a busy workspace is a :class:`~pipeline.run.lock.WorkspaceBusy` whose message
says who holds it); :meth:`Site.page` renders a template with the shared context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ..config import Config, ConfigError, load_config
from ..core.paths import WorkspacePaths
from ..run.check import cycle_year
from ..run.failures import failure_message
from ..run.lock import busy_message, lock_holder, writing_lock
from .jobs import Jobs

# The pages, in the order of the navigation bar: path and label.
NAVIGATION = (
    ("/", "Tình hình năm"),
    ("/nhan-tep", "Nhận tệp"),
    ("/tong-hop", "Tổng hợp"),
    ("/mau-bieu", "Mẫu biểu và thư"),
    ("/so-theo-doi", "Sổ theo dõi"),
    ("/xet-duyet", "Xét duyệt"),
    ("/cau-hinh", "Cấu hình"),
)


@dataclass
class Site:
    root: Path
    jobs: Jobs = field(default_factory=lambda: Jobs())
    today: Callable[[], dt.date] = dt.date.today  # the day the pages count deadlines from
    environment: Environment = field(
        default_factory=lambda: Environment(
            loader=PackageLoader("pipeline.web", "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )

    @property
    def paths(self) -> WorkspacePaths:
        return WorkspacePaths(self.root)

    def config(self) -> Config:
        """The workspace's configuration, loaded afresh (the clerk may have edited a file)."""
        return load_config(self.root)

    @contextmanager
    def locked(self, action: str) -> Iterator[None]:
        """Hold the workspace lock for a web action, as a command does; refused at once when busy."""
        with writing_lock(self.root, f"{action} (trang web)"):
            yield

    def lock_message(self) -> str:
        """Who is writing in the workspace now, in Vietnamese, or "" when nobody is."""
        holder = lock_holder(self.root)
        if holder is None:
            return ""
        return busy_message(self.root / ".dvk" / "lock", holder, 0).split(" (khóa")[0] + "."

    def year_of(self, request: Request, config: Config | None) -> int:
        """The year asked for (``?nam=``), else the cycle under way, else the calendar's latest year."""
        asked = request.query_params.get("nam", "")
        years = sorted(config.calendar) if config else []
        if asked.isdigit() and (not years or int(asked) in years):
            return int(asked)
        if config is not None:
            under_way = cycle_year(config, self.today())
            if under_way is not None:
                return under_way
        return years[-1] if years else self.today().year

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """``template`` rendered with ``context`` and what every page shows."""
        config = context.get("config")
        shared = {
            "request": request,
            "csrf": getattr(request.state, "csrf", ""),
            "navigation": NAVIGATION,
            "active": request.url.path,
            "lock_message": self.lock_message(),
            "ward": config.organization.ward_name if config is not None else "",
            "years": sorted(config.calendar) if config is not None else [],
        }
        html = self.environment.get_template(template).render({**shared, **context})
        return HTMLResponse(html, status_code=status_code)

    def failure(self, request: Request, exc: BaseException, status_code: int = 409) -> HTMLResponse:
        """A page that says what went wrong (a broken config, a busy workspace, a full disk); any
        other error is raised again, for the application's error page (logged, no traceback shown)."""
        known = failure_message(exc)
        if known is None:
            raise exc
        return self.page(request, "error.html", status_code=status_code, message=known[0])


def config_or_error(site: Site) -> tuple[Config | None, str]:
    """The configuration, or None and the message of what is wrong in it."""
    try:
        return site.config(), ""
    except ConfigError as exc:
        return None, exc.user_message()
