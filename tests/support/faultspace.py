"""A ward (or province-sized) workspace with many filled unit workbooks, for the fault tests.

``build_workspace(root, units)`` copies the project's config, replaces the unit list by ``units``
generated units (codes ``DV-0001`` ...), fills a few of their real templates through
``demo.fill_workbook`` and derives every other unit's file from one of those by rewriting its
identity (unit code and ``_meta`` signature, signed with the workspace's own secret) inside the
zip: a thousand files take seconds instead of minutes, and each one is a workbook the pipeline
accepts as that unit's. File times are fixed before the deadline, so two workspaces built alike
give the same ledger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import shutil
import zipfile
from pathlib import Path

import yaml

from pipeline.config import Config, load_config
from pipeline.core.identity import sign
from pipeline.core.layout import META_KIND_UNIT_TEMPLATE
from pipeline.outputs.xlsx.template import template_bytes
from pipeline.tools.demo import fill_workbook, sample_answers

REPO = Path(__file__).parents[2]
YEAR = 2026
PROTOTYPES = 4
RECEIVED = dt.datetime(YEAR, 11, 20, 9, 0)


def unit_code(number: int) -> str:
    return f"DV-{number:04d}"


def build_workspace(root: Path, units: int) -> Config:
    """A workspace at ``root`` with ``units`` units, each with one accepted file in ``inbox/``."""
    _write_config(root, units)
    config = load_config(root)
    prototypes = [_filled(config, number) for number in range(1, min(PROTOTYPES, units) + 1)]
    inbox = root / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for number in range(1, units + 1):
        source_number = (number - 1) % len(prototypes) + 1
        data = _as_unit(config, prototypes[source_number - 1], unit_code(source_number), unit_code(number))
        path = inbox / f"{number:04d} bao cao {unit_code(number)}.xlsx"
        path.write_bytes(data)
        moment = (RECEIVED + dt.timedelta(minutes=number)).timestamp()
        os.utime(path, (moment, moment))
    return config


def copy_workspace(source: Path, target: Path) -> None:
    """The config, the secret and the inbox (with file times) of ``source``, nothing it produced."""
    shutil.copytree(source / "config", target / "config")
    (target / ".dvk").mkdir(parents=True)
    shutil.copy2(source / ".dvk" / "secret", target / ".dvk" / "secret")
    shutil.copytree(source / "inbox", target / "inbox", copy_function=shutil.copy2)


def inbox_state(root: Path) -> dict[str, tuple[str, int, int]]:
    """Each inbox file's hash, size and modification time (ns): what must never change."""
    state = {}
    for path in sorted((root / "inbox").rglob("*")):
        if path.is_file():
            stat = path.stat()
            state[path.relative_to(root).as_posix()] = (
                hashlib.sha256(path.read_bytes()).hexdigest(),
                stat.st_size,
                stat.st_mtime_ns,
            )
    return state


def _write_config(root: Path, units: int) -> None:
    shutil.copytree(REPO / "config", root / "config")
    path = root / "config" / "units.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    origins = data["origins"]
    data["units"] = [
        {
            "code": unit_code(number),
            "name": f"Chi bộ khu dân cư số {number}",
            "group": "khu-dan-cu",
            "origin": origins[number % len(origins)],
        }
        for number in range(1, units + 1)
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _filled(config: Config, number: int) -> bytes:
    unit = config.units.get(unit_code(number))
    assert unit is not None
    answers = sample_answers(config, unit, YEAR, random.Random(number), with_errors=False)
    return fill_workbook(template_bytes(config, unit, YEAR), answers, config)


def _as_unit(config: Config, data: bytes, source: str, target: str) -> bytes:
    """``data`` (a filled workbook of unit ``source``) as if unit ``target`` had filled it."""
    if source == target:
        return data
    version = config.template.version
    replacements = [
        (source.encode(), target.encode()),
        (
            sign(config.secret, META_KIND_UNIT_TEMPLATE, source, YEAR, version).encode(),
            sign(config.secret, META_KIND_UNIT_TEMPLATE, target, YEAR, version).encode(),
        ),
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info)
            for old, new in replacements:
                content = content.replace(old, new)
            zout.writestr(info, content)
    return out.getvalue()
