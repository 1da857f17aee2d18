"""Shared builders of test workbooks: a unit's filled template dropped into an inbox, a workspace of
sample units, scored model rows."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.config import Config, load_config
from pipeline.outputs.xlsx.template import template_bytes
from pipeline.tools.demo import fill_workbook, sample_answers

# Points per criterion that make a model "Tốt" under config/criteria.yaml.
GOOD_SCORES = {"cu_the": 9, "lanh_dao": 9, "luc_luong": 18, "ket_qua": 25, "dong_thuan": 13, "ben_vung": 13}


def drop_workbook(
    root: Path, config: Config, code: str, answers: Mapping[str, Any], name: str, moment: dt.datetime, year: int
) -> Path:
    """``code``'s template of ``year`` filled with ``answers``, at ``root/inbox/name``, modified at ``moment``."""
    unit = config.units.get(code)
    assert unit is not None
    path = root / "inbox" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(fill_workbook(template_bytes(config, unit, year), answers, config))
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def sample_workspace(
    root: Path, repo: Path, codes: Sequence[str], year: int, arrived: dt.datetime, with_errors: int | None = None
) -> tuple[Path, Config]:
    """A workspace at ``root`` with ``repo``'s configuration and each unit of ``codes``' sample answers
    in its inbox (``<code>.xlsx``, modified at ``arrived``); the file at index ``with_errors`` has
    typical mistakes."""
    shutil.copytree(repo / "config", root / "config")
    config = load_config(root)
    for index, code in enumerate(codes):
        unit = config.units.get(code)
        assert unit is not None
        answers = sample_answers(config, unit, year, random.Random(code), with_errors=index == with_errors)
        drop_workbook(root, config, code, answers, f"{code}.xlsx", arrived, year)
    return root, config


def scored_models(year: int, *names: str, scores: Mapping[str, int] = GOOD_SCORES) -> list[dict[str, Any]]:
    """New economic models named ``names``, proposed for recognition, with ``scores``."""
    points = {f"score_{key}": value for key, value in scores.items()}
    return [
        {
            "name": name,
            "field": "Kinh tế",
            "status": "Mới đăng ký",
            "start_year": year,
            "proposal": "Công nhận",
            **points,
        }
        for name in names
    ]
