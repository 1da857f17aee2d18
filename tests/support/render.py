"""Rendering generated files to PDF with LibreOffice and reading the PDF back with poppler, for the
rendering tests (not a test module).

LibreOffice runs with its own profile in the given folder, so that it neither touches the user's
profile nor waits on another LibreOffice running on the same machine. ``needs_renderer`` skips a
test module where ``soffice`` or poppler's ``pdfinfo``/``pdftotext`` is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pytest

TOOLS = ("soffice", "pdfinfo", "pdftotext")
CONVERT_TIMEOUT_S = 180

needs_renderer = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS), reason="LibreOffice or poppler-utils is not installed"
)


def to_pdf(sources: Mapping[str, Path], folder: Path) -> dict[str, Path]:
    """Each source file converted to PDF in ``folder``, in one LibreOffice call; by the same keys."""
    profile = (folder / "profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    command += ["--outdir", str(folder), *map(str, sources.values())]
    subprocess.run(command, check=True, capture_output=True, timeout=CONVERT_TIMEOUT_S)
    return {key: folder / path.with_suffix(".pdf").name for key, path in sources.items()}


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    """The text of pages ``first`` to ``last`` (all by default), NFC; pages end in a form feed."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    command = ["pdftotext", *pages, *(["-layout"] if layout else []), str(pdf), "-"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", out)
