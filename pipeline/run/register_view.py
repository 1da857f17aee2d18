"""The register as the "Sổ theo dõi" page reads it: every item with its life-cycle events, and the
filtered list as a workbook.

Contract: :func:`register_items` reads the workspace's register without writing or locking (an
empty list when there is no register yet); :func:`register_workbook` is the workbook of the items
``query`` selects (:mod:`pipeline.outputs.xlsx.register_list`), the same bytes for the same register.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..config import Config
from ..outputs.xlsx.register_list import register_list_bytes
from ..register import REGISTER_FILE, open_register
from ..register.listing import ItemQuery, ItemRecord, item_records, select


def register_items(root: Path, query: ItemQuery | None = None) -> list[ItemRecord]:
    """The register's items (those ``query`` selects, when given), in code order."""
    if not (root / REGISTER_FILE).is_file():
        return []
    with open_register(root, dt.datetime.now(), write=False) as register:
        records = item_records(register)
    return select(records, query) if query is not None else records


def register_workbook(root: Path, config: Config, query: ItemQuery, year: int) -> bytes:
    """The .xlsx of the items ``query`` selects, stamped with ``year``."""
    names = {u.code: u.name for u in config.units.units}
    return register_list_bytes(register_items(root, query), names, year)
