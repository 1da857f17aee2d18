"""The year at a glance (``/``): every unit's state, the counts, the days left, the charts.

The states are the ones ``dvk status`` prints, with the file history a clerk asks about: a unit
whose returned file was replaced by an accepted one is "Đã sửa"; a returned unit shows how many
errors its latest file had.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...config import Config
from ...core.findings import ERROR
from ...intake.validate import Submission
from ...outputs.docx.charts import CHART_KEYS, ChartData, chart_data
from ...run.cycle import year_overview
from ...run.render import count_lines
from ...year.consolidate import EXEMPT, LATE, MISSING, ON_TIME, REJECTED, Consolidation, UnitStatus
from ...year.standing import RETURNED, count, file_standings
from ..charts import svg_chart
from ..site import Site, config_or_error

FIXED = "fixed"


@dataclass(frozen=True)
class UnitRow:
    """One unit's line on the home page."""

    status: UnitStatus
    state: str  # one of the statuses, or FIXED
    label: str
    files: int

    @property
    def code(self) -> str:
        return self.status.unit.code


def unit_rows(data: Consolidation, submissions: Sequence[Submission]) -> list[UnitRow]:
    """Every expected unit with its state in the page's words."""
    standings = file_standings(submissions)
    by_unit: dict[str, list[Submission]] = {}
    for sub in submissions:
        by_unit.setdefault(sub.unit_code, []).append(sub)
    returned = {s.submission.unit_code: s.submission for s in standings if s.state == RETURNED}
    rows = []
    for status in data.units:
        subs = by_unit.get(status.unit.code, [])
        state, label = status.status, status.label
        if status.status == REJECTED and status.unit.code in returned:
            errors = sum(1 for f in returned[status.unit.code].findings if f.severity == ERROR)
            label = f"Bị trả lại với {errors} lỗi"
        elif status.status in (ON_TIME, LATE) and any(not s.accepted for s in subs):
            state, label = FIXED, f"Đã sửa ({status.label.lower()})"
        rows.append(UnitRow(status, state, label, len(subs)))
    return rows


def days_left(config: Config, year: int, today: dt.date) -> int:
    """Days from ``today`` to the units' deadline in force (negative once it has passed)."""
    return (config.year(year).deadline - today).days


def charts(stats_charts: Sequence[ChartData | None]) -> list[tuple[str, str]]:
    return [(chart.caption, svg_chart(chart)) for chart in stats_charts if chart is not None]


def routes(site: Site) -> list[Route]:
    async def home(request: Request) -> Response:
        config, problem = config_or_error(site)
        if config is None:
            return site.page(request, "error.html", message=problem, config_problem=True)
        year = site.year_of(request, config)
        try:
            submissions, data, stats = year_overview(site.root, config, year)
        except Exception as exc:
            return site.failure(request, exc)
        rows = unit_rows(data, submissions)
        counts = count(data.units, file_standings(submissions))
        expected = [r for r in rows if r.status.status != EXEMPT]
        sent = sum(1 for r in expected if r.status.status in (ON_TIME, LATE))
        return site.page(
            request,
            "home.html",
            config=config,
            year=year,
            rows=rows,
            groups=config.units.groups,
            origins=config.units.origins,
            count_lines=count_lines(counts),
            sent=sent,
            expected=len(expected),
            missing=sum(1 for r in expected if r.status.status == MISSING),
            deadline=config.year(year).deadline,
            days_left=days_left(config, year, site.today()),
            charts=charts([chart_data(key, stats) for key in CHART_KEYS]),
        )

    return [Route("/", home, name="home")]
