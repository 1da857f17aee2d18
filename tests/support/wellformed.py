"""Checking that generated packages open and are well-formed XML, for the hostile-input tests (not
a test module).

``package_problems`` lists what is wrong with one .xlsx or .docx: an XML part that does not parse
(defusedxml, which also refuses a DTD), or the file refused by openpyxl or python-docx;
``output_problems`` does it for every package under a folder (an ``outbox/<year>/``).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import docx
import openpyxl
from defusedxml import ElementTree

PACKAGES = (".xlsx", ".docx")
XML_PARTS = (".xml", ".rels")


def package_problems(name: str, data: bytes) -> list[str]:
    """What is wrong with the package ``data`` (called ``name`` in the messages); [] when nothing."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for part in package.namelist():
            if part.endswith(XML_PARTS):
                try:
                    ElementTree.fromstring(package.read(part))
                except Exception as exc:  # any failure is the finding
                    problems.append(f"{name}: {part}: {exc}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (openpyxl.load_workbook if name.endswith(".xlsx") else docx.Document)(io.BytesIO(data))
    except Exception as exc:
        problems.append(f"{name}: does not open: {exc!r}")
    return problems


def output_problems(folder: Path) -> tuple[list[Path], list[str]]:
    """Every .xlsx and .docx under ``folder`` (sorted) and what is wrong with any of them."""
    paths = sorted(p for p in folder.rglob("*") if p.suffix in PACKAGES and p.is_file())
    return paths, [problem for p in paths for problem in package_problems(p.name, p.read_bytes())]
