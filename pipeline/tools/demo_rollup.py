"""Roll-up demo: three demo wards consolidate, send their summaries up, and the province consolidates.

``build_rollup_demo`` makes a throw-away folder with a province workspace (``tinh/``, config from
``config/examples/tinh-gia-lai``) and three ward workspaces (``phuong/<code>/``): the ward demo of
:mod:`.demo` as it is (phường Bình Định), and two more wards with their own names, a share of the
units each and other seeds. The province issues each ward its upward key, each ward runs
``dvk consolidate``, its ``tong-hop-<year>.xlsx`` is copied into the province's inbox as the ward
would send it (received before the province's deadline, one ward two days late), and the province
runs ``dvk consolidate``: the same code path, with the wards as units.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config, load_config
from ..core import layout
from ..core.ooxml import atomic_write
from ..core.paths import KEY_FILE, SUMMARY_FILE, WorkspacePaths
from ..core.upward import derive_key, summary_signature
from .demo import MARKER, DemoError, _reset, _set_received, build_demo, edit_yaml, name_unnamed_signers

PROVINCE_EXAMPLE = Path("config") / "examples" / "tinh-gia-lai"
# The schema is the wards' own: a province reads their summaries by the same template and criteria.
SHARED_SCHEMA = ("template.yaml", "criteria.yaml")


@dataclass(frozen=True)
class DemoWard:
    """One demo ward: its code at the province, its names, which of the units it keeps, its seed."""

    code: str
    issuing_body: str
    ward_name: str
    place: str
    units_every: int = 1  # keep every n-th unit of the demo's list
    units_offset: int = 0
    seed: str = ""
    days_late: int = 0


DEMO_WARDS = (
    DemoWard("PH-BINHDINH", "ĐẢNG ỦY PHƯỜNG BÌNH ĐỊNH", "phường Bình Định", "Bình Định"),
    DemoWard("PH-ANNHON", "ĐẢNG ỦY PHƯỜNG AN NHƠN", "phường An Nhơn", "An Nhơn", 3, 0, "an-nhon/"),
    DemoWard("PH-ANNHONDONG", "ĐẢNG ỦY PHƯỜNG AN NHƠN ĐÔNG", "phường An Nhơn Đông", "An Nhơn Đông", 3, 1, "dong/", 2),
)


@dataclass(frozen=True)
class RollupDemo:
    province_root: Path
    province_config: Config
    ward_roots: tuple[Path, ...]


def build_rollup_demo(
    config: Config,
    year: int,
    workspace: Path,
    consolidate: Callable[[Path, Config], Any],
    wards: tuple[DemoWard, ...] = DEMO_WARDS,
    ward_demo: Path | None = None,
) -> RollupDemo:
    """Create the province and the three wards under ``workspace``; each ward is consolidated with
    ``consolidate(root, config)`` and its summary dropped into the province's inbox.

    ``ward_demo``, a workspace ``dvk demo`` made, is copied as the first ward instead of being
    built again (what ``make demo`` does: the ward demo is that ward)."""
    _reset(workspace)
    province_root = workspace / "tinh"
    province = province_workspace(config.root, province_root)
    deadline = province.year(year).units_deadline
    roots = []
    for ward in wards:
        root = workspace / "phuong" / ward.code.lower()
        if ward_demo is not None and ward is wards[0]:
            ward_config = _copy_ward(ward_demo, root, _adapter(ward, province.secret))
        else:
            ward_config = build_demo(config, year, root, ward.seed, _adapter(ward, province.secret))
        consolidate(root, ward_config)
        summary = WorkspacePaths(root).year_folder(year) / SUMMARY_FILE.format(year=year)
        sent = WorkspacePaths(province_root).inbox / f"{ward.code}_{SUMMARY_FILE.format(year=year)}"
        atomic_write(sent, summary.read_bytes())
        _set_received(sent, deadline + dt.timedelta(days=ward.days_late or -2))
        roots.append(root)
    return RollupDemo(province_root, province, tuple(roots))


def province_workspace(repo: Path, root: Path) -> Config:
    """A province workspace at ``root``: the example province config with the wards' schema."""
    shutil.copytree(repo / PROVINCE_EXAMPLE, root / "config")
    for name in SHARED_SCHEMA:
        shutil.copyfile(repo / "config" / name, root / "config" / name)
    name_unnamed_signers(root / "config")
    return load_config(root)


def _copy_ward(source: Path, root: Path, adapt: Callable[[Path], None]) -> Config:
    """A copy of an existing demo ward workspace, adapted (its upward key installed)."""
    if not (source / MARKER).exists():
        raise DemoError(f"“{source}” không phải thư mục chạy thử của dvk demo; hãy chạy dvk demo trước.")
    shutil.copytree(source, root)
    adapt(root)
    return load_config(root)


def _adapter(ward: DemoWard, province_secret: bytes) -> Callable[[Path], None]:
    """What turns a copy of the demo config into this ward's: names, units, the upward key."""

    def adapt(root: Path) -> None:
        folder = root / "config"
        edit_yaml(folder / "organization.yaml", lambda org: _rename(org, ward))
        if ward.units_every > 1:
            edit_yaml(folder / "units.yaml", lambda units: _keep_units(units, ward))
        atomic_write(root / KEY_FILE, derive_key(province_secret, ward.code).file_text().encode("utf-8"))

    return adapt


def _rename(org: dict[str, Any], ward: DemoWard) -> None:
    """The demo ward's names in a copy of the ward's organization.yaml."""
    old = org["ward_name"]
    org.update(ward_name=ward.ward_name, place=ward.place)
    reports = org["reports"]
    reports["province"]["issuer"]["body"] = ward.issuing_body
    reports["standing"]["issuer"]["upper"] = ward.issuing_body
    for spec in reports.values():
        spec["closing"] = spec["closing"].replace(old, ward.ward_name)


def _keep_units(units: dict[str, Any], ward: DemoWard) -> None:
    units["units"] = units["units"][ward.units_offset :: ward.units_every]


def signed_as(summary: bytes, code: str, secret: bytes, year: int) -> bytes:
    """A ward's summary with its ``_meta`` naming ward ``code``, signed with that ward's upward key
    (derived from the province's ``secret``): the same content sent by another ward, for benchmarks
    and tests of a province of many wards."""
    import openpyxl  # only the benchmark and the tests re-sign summaries

    wb = openpyxl.load_workbook(io.BytesIO(summary))
    values = {row[0].value: row[1] for row in wb[layout.META_SHEET].iter_rows(max_col=2)}
    values["unit_code"].value = code
    digest, version = values["digest"].value, values["template_version"].value
    values["signature"].value = summary_signature(derive_key(secret, code), year, version, digest)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
