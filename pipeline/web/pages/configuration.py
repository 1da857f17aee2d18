"""The configuration (``/cau-hinh``): each file of ``config/`` shown as it is, read-only, with what
is wrong in it in Vietnamese.

Contract: the page renders whatever state the configuration is in (it is where the other pages
send the clerk when loading fails). It loads the configuration as every command does
(:func:`pipeline.config.load_config`); a :class:`~pipeline.config.ConfigError` is shown next to the
file its message names (or above the files when it names none of them). Only the files of
:data:`CONFIG_FILES` are read, as text, escaped by the template; the workspace's secret
(``.dvk/secret``) and the upward key are never read here, and their contents never shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...config import Config, ConfigError, load_config
from ..site import Site

# The configuration's files in the order a clerk meets them, each with what it holds; the last two
# may be absent (their defaults apply).
CONFIG_FILES = (
    ("criteria.yaml", "Tiêu chí và thang điểm", True),
    ("template.yaml", "Mẫu biểu của đơn vị", True),
    ("units.yaml", "Các đơn vị báo cáo", True),
    ("organization.yaml", "Tổ chức, người ký, báo cáo", True),
    ("calendar.yaml", "Lịch: hạn gửi, ngày nghỉ", True),
    ("mail.yaml", "Thư: máy chủ, nội dung thư", False),
    ("web.yaml", "Trang web: giới hạn tệp, mật khẩu", False),
)
_PASSWORD_HASH = re.compile(r"^(\s*password_hash\s*:\s*).+$", re.MULTILINE)
MAX_SHOWN = 400_000  # characters of one file shown; a longer file is cut, with a note


@dataclass(frozen=True)
class ConfigFile:
    """One file of config/ as the page shows it."""

    name: str
    label: str
    text: str
    present: bool
    required: bool
    error: str = ""
    cut: bool = False


def config_files(site: Site) -> tuple[list[ConfigFile], str, Config | None]:
    """Each file of the configuration with its error, an error that names none of them, and the
    configuration when it loads."""
    config: Config | None = None
    try:
        config = load_config(site.root)
        problem = ""
    except ConfigError as exc:
        problem = exc.user_message()
    folder = site.root / "config"
    named = next((name for name, _, _ in CONFIG_FILES if f"config/{name}" in problem), "")
    files = []
    for name, label, required in CONFIG_FILES:
        path = folder / name
        present = path.is_file() and not path.is_symlink()
        text = _shown_text(path) if present else ""
        error = problem if name == named else ""
        files.append(ConfigFile(name, label, text[:MAX_SHOWN], present, required, error, len(text) > MAX_SHOWN))
    return files, problem if problem and not named else "", config


def _shown_text(path: Path) -> str:
    """The start of the file as shown (at most one character past :data:`MAX_SHOWN`: a file of any
    size costs no more memory), the password's hash hidden: it is no one's to read, even hashed."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read(MAX_SHOWN + 1)
    return _PASSWORD_HASH.sub(r"\1(đã ẩn)", text)


def routes(site: Site) -> list[Route]:
    async def page(request: Request) -> Response:
        try:
            files, general, config = config_files(site)
        except OSError as exc:
            return site.failure(request, exc)
        return site.page(
            request,
            "configuration.html",
            config=config,
            files=files,
            general=general,
            broken=any(f.error for f in files) or bool(general),
        )

    return [Route("/cau-hinh", page, methods=["GET"])]
