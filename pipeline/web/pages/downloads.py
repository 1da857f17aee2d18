"""Downloads (``/tai/<năm>/<tệp>``): the year's outputs, one by one or all in one zip.

Only files the tool writes are served: a regular file (not a link) of an allowed kind inside
``outbox/<year>/``, named by a path without ``..``, hidden or absolute parts; a folder is never
listed. The zip of all holds the year's results (not the templates nor the mail drafts); it is written inside the workspace (``.dvk/web/``) and removed once sent.
"""

from __future__ import annotations

import secrets
import zipfile
from pathlib import Path, PurePosixPath

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ...core.paths import MAIL_FOLDER, STATE, TEMPLATES_FOLDER
from ..site import Site

ALLOWED_SUFFIXES = frozenset({".xlsx", ".docx", ".eml", ".pdf"})
ZIP_NAME = "tat-ca-{year}.zip"
WEB_TEMP = STATE / "web"
MEDIA_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".eml": "message/rfc822",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
}


def downloadable(root: Path, year: int, name: str) -> Path | None:
    """The file ``name`` (posix, relative to ``outbox/<year>/``) if it may be served, else None."""
    relative = PurePosixPath(name)
    if not name or "\\" in name or "\x00" in name or relative.is_absolute():
        return None
    if any(part in ("", ".", "..") or part.startswith(".") for part in relative.parts):
        return None
    folder = (root / "outbox" / str(year)).resolve()
    path = folder.joinpath(*relative.parts)
    if path.suffix.lower() not in ALLOWED_SUFFIXES or path.is_symlink() or not path.is_file():
        return None
    try:
        path.resolve().relative_to(folder)
    except ValueError:
        return None
    return path


def year_files(root: Path, year: int) -> list[str]:
    """Every downloadable file of the year, relative to ``outbox/<year>/``, sorted."""
    folder = root / "outbox" / str(year)
    if not folder.is_dir():
        return []
    found = (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return sorted(name for name in found if downloadable(root, year, name) is not None)


def result_files(root: Path, year: int) -> list[str]:
    """The year's results (reports, workbooks, feedback): its files but the templates and mail drafts."""
    left_out = (f"{TEMPLATES_FOLDER}/", f"{MAIL_FOLDER}/")
    return [name for name in year_files(root, year) if not name.startswith(left_out)]


def _attachment(path: Path, name: str) -> FileResponse:
    return FileResponse(
        path, media_type=MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream"), filename=name
    )


def routes(site: Site) -> list[Route]:
    async def one(request: Request) -> Response:
        year, name = request.path_params["year"], request.path_params["name"]
        if name == ZIP_NAME.format(year=year):
            return _zip_of_all(site.root, year)
        path = downloadable(site.root, year, name)
        if path is None:
            raise HTTPException(404)
        return _attachment(path, path.name)

    return [Route("/tai/{year:int}/{name:path}", one, methods=["GET"])]


def _zip_of_all(root: Path, year: int) -> Response:
    names = result_files(root, year)
    if not names:
        raise HTTPException(404)
    temp = root / WEB_TEMP
    temp.mkdir(parents=True, exist_ok=True)
    path = temp / f"{secrets.token_hex(8)}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(root / "outbox" / str(year) / name, name)
    response = _attachment(path, ZIP_NAME.format(year=year))
    response.background = BackgroundTask(path.unlink, missing_ok=True)
    return response
