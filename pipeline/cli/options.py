"""Parameter types and options shared by the commands, created once click speaks Vietnamese.

click translates a few words when a parameter is created, not when it is shown (a path's kind,
"file" or "directory", becomes the metavar ``THƯ MỤC`` of ``--root``). Every module that defines
parameters imports this one first, so :func:`texts.install` has run before any of them exists.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import texts

texts.install()

DIRECTORY = click.Path(file_okay=False, path_type=Path)
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
EXISTING_PATH = click.Path(exists=True, path_type=Path)


class YearType(click.IntRange):
    name = "năm"


YEAR = click.option("--year", type=YearType(2000, 2100), required=True, help="Năm báo cáo, ví dụ 2026.")
OPTIONAL_YEAR = click.option(
    "--year", type=YearType(2000, 2100), default=None, help="Năm báo cáo, ví dụ 2026; bỏ trống: năm ghi trong tệp."
)
AS_JSON = click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON ra stdout.")
