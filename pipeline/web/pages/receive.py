"""Receiving files (``/nhan-tep``): files dropped on the page saved into ``inbox/`` and checked at once.

Contract: GET shows the drop zone and the files already in ``inbox/`` with their received times.
POST streams the upload (:mod:`..uploads`) under the workspace lock (a busy workspace: the page
says who holds it and nothing is written), then checks each saved file as ``dvk check`` does
(:func:`pipeline.run.check.check_paths`) and shows, per file, the verdict, what it is, the year, its
findings (sheet, cell, message, how to fix) and a link to the annotated copy for the unit, served by
``/nhan-tep/ban-danh-dau?tep=<name>`` (:func:`pipeline.run.check.annotated_copy`) for a file directly
in ``inbox/`` only. Nothing in ``inbox/`` is ever modified; the council page reuses :func:`upload_and_check`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...config import Config
from ...core.errors import DvkError
from ...core.paths import INBOX
from ...intake.receive import HIDDEN_PREFIXES, discover
from ...run.check import CheckedFile, annotated_copy, check_paths
from ..site import Site, config_or_error
from ..uploads import NotMultipart, Refused, Saved, read_upload, store
from .downloads import MEDIA_TYPES

ANNOTATED_PATH = "/nhan-tep/ban-danh-dau"


@dataclass(frozen=True)
class CheckedUpload:
    """A saved file and what the check found in it (several entries for a saved message), or the
    message of why it could not be checked."""

    saved: Saved
    checked: tuple[CheckedFile, ...]
    problem: str = ""


@dataclass(frozen=True)
class InboxFile:
    name: str
    received: dt.datetime


def inbox_files(root: Path) -> list[InboxFile]:
    """The files in ``inbox/`` as the run finds them, newest first."""
    inbox = root / INBOX
    found = [
        InboxFile(p.relative_to(inbox).as_posix(), dt.datetime.fromtimestamp(p.stat().st_mtime).replace(microsecond=0))
        for p in discover(inbox)
    ]
    return sorted(found, key=lambda f: (f.received, f.name), reverse=True)


def inbox_file(root: Path, name: str) -> Path | None:
    """The file ``name`` directly in ``inbox/`` (no folder, not hidden, not a link), else None."""
    if not name or "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
        return None
    if name.startswith(HIDDEN_PREFIXES):
        return None
    inbox = (root / INBOX).resolve()
    path = inbox / name
    if path.is_symlink() or not path.is_file() or path.resolve().parent != inbox:
        return None
    return path


def _check(root: Path, config: Config, saved: Saved) -> CheckedUpload:
    try:
        return CheckedUpload(saved, tuple(check_paths(root, config, None, [saved.path])))
    except DvkError as exc:  # a file stating no year when no cycle is under way, for one
        return CheckedUpload(saved, (), exc.user_message())


async def upload_and_check(
    site: Site, request: Request, config: Config
) -> tuple[list[CheckedUpload], list[Refused]] | Response:
    """The request's files saved into ``inbox/`` under the lock, then each checked; a page saying
    what went wrong when nothing could be saved (a busy workspace, a request without files)."""
    settings = config.web
    try:
        with site.locked("receive"):
            upload = await read_upload(
                site.root,
                request.headers.get("content-type", ""),
                request.stream(),
                settings.upload_limit,
                settings.upload_files,
            )
            stored = await run_in_threadpool(store, site.root, upload)
    except NotMultipart:
        return site.page(
            request,
            "error.html",
            status_code=400,
            config=config,
            message="Yêu cầu không mang tệp nào. Hãy chọn hoặc kéo thả tệp vào ô nhận tệp trên trang.",
        )
    except Exception as exc:
        return site.failure(request, exc)
    checked = [await run_in_threadpool(_check, site.root, config, saved) for saved in stored.saved]
    return checked, stored.refused


def routes(site: Site) -> list[Route]:
    async def page(request: Request) -> Response:
        config, problem = config_or_error(site)
        if config is None:
            return site.page(request, "error.html", message=problem, config_problem=True)
        return _render(site, request, config, [], [], posted=False)

    async def receive(request: Request) -> Response:
        config, problem = config_or_error(site)
        if config is None:
            return site.page(request, "error.html", status_code=409, message=problem, config_problem=True)
        outcome = await upload_and_check(site, request, config)
        if isinstance(outcome, Response):
            return outcome
        return _render(site, request, config, *outcome, posted=True)

    async def annotated(request: Request) -> Response:
        config, problem = config_or_error(site)
        if config is None:
            return site.page(request, "error.html", message=problem, config_problem=True)
        path = inbox_file(site.root, request.query_params.get("tep", ""))
        if path is None:
            raise HTTPException(404)
        copy = await run_in_threadpool(annotated_copy, site.root, config, path)
        if copy is None:
            raise HTTPException(404)
        name, content = copy
        stem = Path(path.name).stem
        filename = f"{stem} - ket-qua-kiem-tra.xlsx" if stem else name
        headers = {"content-disposition": _disposition(filename)}
        return Response(content, media_type=MEDIA_TYPES[".xlsx"], headers=headers)

    return [
        Route("/nhan-tep", page, methods=["GET"]),
        Route("/nhan-tep", receive, methods=["POST"]),
        Route(ANNOTATED_PATH, annotated, methods=["GET"]),
    ]


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=utf-8''{quote(filename)}"


def _render(
    site: Site,
    request: Request,
    config: Config,
    checked: list[CheckedUpload],
    refused: list[Refused],
    posted: bool,
) -> Response:
    year = site.year_of(request, config)
    return site.page(
        request,
        "receive.html",
        config=config,
        year=year,
        checked=checked,
        refused=refused,
        posted=posted,
        inbox=inbox_files(site.root),
        limit_mb=config.web.upload_limit_mb,
        max_files=config.web.upload_files,
        annotated_path=ANNOTATED_PATH,
    )
