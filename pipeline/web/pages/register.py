"""The register (``/so-theo-doi``): models and exemplary items across the years, searched and
filtered on the server, each with its life-cycle events, and the filtered list as a workbook.

Contract: the GET parameters ``q`` (text), ``field``, ``unit``, ``state``, ``kind`` and ``year``
select items (:class:`pipeline.register.listing.ItemQuery`), ``page`` pages them (:data:`PER_PAGE`
a page); ``/so-theo-doi/xuat.xlsx`` with the same parameters is the same list as ``.xlsx``
(:func:`pipeline.run.register_view.register_workbook`); ``/so-theo-doi/<code>`` is one item with its
events. Reading only: no lock is taken, nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...config import Config
from ...core.lifecycle import EVENT_LABELS, STATE_LABELS
from ...register.listing import ITEM_KIND_LABELS, ItemQuery, ItemRecord, select
from ...run.register_view import register_items, register_workbook
from ..site import Site
from .downloads import MEDIA_TYPES
from .templates_mail import loaded

PER_PAGE = 100
FILTERS = ("q", "field", "unit", "state", "kind", "year")
EXPORT_NAME = "so-theo-doi.xlsx"


def query_of(params: Mapping[str, str]) -> ItemQuery:
    """The query the GET parameters ask for (a year that is not a number does not filter)."""
    year = params.get("year", "").strip()
    return ItemQuery(
        text=params.get("q", "").strip(),
        field=params.get("field", ""),
        unit=params.get("unit", ""),
        state=params.get("state", ""),
        kind=params.get("kind", ""),
        year=int(year) if year.isdigit() else None,
    )


def page_number(params: Mapping[str, str], pages: int) -> int:
    text = params.get("page", "1")
    number = int(text) if text.isdigit() else 1
    return min(max(number, 1), max(pages, 1))


def _choices(config: Config, records: list[ItemRecord]) -> dict[str, list[tuple[str, str]]]:
    fields = sorted({r.field for r in records if r.field})
    years = sorted({*config.calendar, *(y for r in records for y in r.all_years)})
    return {
        "field": [(f, f) for f in fields],
        "unit": [(u.code, f"{u.code} - {u.name}") for u in config.units.units],
        "state": list(STATE_LABELS.items()),
        "kind": list(ITEM_KIND_LABELS.items()),
        "year": [(str(y), str(y)) for y in years],
    }


async def _listing(site: Site, request: Request) -> Response:
    config = loaded(site, request)
    if isinstance(config, Response):
        return config
    params = dict(request.query_params)
    try:
        records = register_items(site.root)
    except Exception as exc:
        return site.failure(request, exc)
    chosen = select(records, query_of(params))
    pages = max(1, -(-len(chosen) // PER_PAGE))
    number = page_number(params, pages)
    kept = {k: params[k] for k in FILTERS if params.get(k)}
    return site.page(
        request,
        "register.html",
        config=config,
        year=site.year_of(request, config),
        records=chosen[(number - 1) * PER_PAGE : number * PER_PAGE],
        total=len(records),
        found=len(chosen),
        page=number,
        pages=pages,
        params=kept,
        query=urlencode(kept),
        choices=_choices(config, records),
        **_labels(config),
    )


async def _export(site: Site, request: Request) -> Response:
    config = loaded(site, request)
    if isinstance(config, Response):
        return config
    try:
        data = register_workbook(site.root, config, query_of(dict(request.query_params)), site.year_of(request, config))
    except Exception as exc:
        return site.failure(request, exc)
    return Response(
        data, media_type=MEDIA_TYPES[".xlsx"], headers={"content-disposition": f'attachment; filename="{EXPORT_NAME}"'}
    )


async def _one(site: Site, request: Request) -> Response:
    config = loaded(site, request)
    if isinstance(config, Response):
        return config
    code = request.path_params["code"]
    try:
        found = [r for r in register_items(site.root) if r.code == code]
    except Exception as exc:
        return site.failure(request, exc)
    if not found:
        raise HTTPException(404)
    return site.page(
        request,
        "register_item.html",
        config=config,
        year=site.year_of(request, config),
        item=found[0],
        **_labels(config),
    )


def _labels(config: Config) -> dict[str, Any]:
    return {
        "unit_names": {u.code: u.name for u in config.units.units},
        "kind_labels": ITEM_KIND_LABELS,
        "state_labels": STATE_LABELS,
        "event_labels": EVENT_LABELS,
    }


def routes(site: Site) -> list[Route]:
    return [
        Route("/so-theo-doi", partial(_listing, site), methods=["GET"]),
        Route("/so-theo-doi/xuat.xlsx", partial(_export, site), methods=["GET"]),
        Route("/so-theo-doi/{code}", partial(_one, site), methods=["GET"]),
    ]
