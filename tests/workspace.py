"""Shared builders of test workbooks: a unit's filled template dropped into an inbox, scored model rows."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.demo import fill_workbook
from pipeline.template import template_bytes

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
