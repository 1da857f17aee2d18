"""The province level: ``dvk upward-key`` (keys for the wards) and ``dvk demo-rollup`` (a trial run).

A province consolidates the summaries its wards send up, each signed with a key the province
issued from its own secret; ``demo-rollup`` runs that whole exchange on sample data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import screen
from .errors import UserError
from .options import DIRECTORY, YEAR
from .workspace import Workspace

if TYPE_CHECKING:
    from ..config import Config


@click.command("upward-key")
@click.argument("codes", nargs=-1)
@click.pass_obj
def upward_key(ws: Workspace, codes: tuple[str, ...]) -> None:
    """Cấp khóa gửi báo cáo lên cho các phường, xã (CODES: mã trong config/units.yaml; bỏ trống: tất cả).

    Dùng ở cấp tỉnh: mỗi tệp outbox/khoa-gui-len/<MÃ>.key gửi riêng cho phường, xã đó; phường, xã
    chép tệp vào thư mục .dvk/ của mình với tên upward-key trước khi chạy dvk consolidate.
    """
    from ..core.paths import KEY_FOLDER
    from ..core.upward import issue_keys

    # Not ws.writing: the codes are checked against the configuration before waiting for the lock.
    with ws.reading() as config:
        chosen = _known_codes(config, codes)
        with ws.locked("upward-key"):
            paths = issue_keys(config.secret, chosen, ws.paths.outbox / KEY_FOLDER)
    click.echo(f"Đã cấp {len(paths)} khóa gửi báo cáo lên trong {ws.paths.outbox / KEY_FOLDER}:")
    for path in paths:
        click.echo(f"  {path.name}")
    click.echo(
        "Gửi riêng mỗi tệp cho đúng phường, xã (không gửi kèm báo cáo); phường, xã chép tệp vào thư mục "
        ".dvk/ của mình, đặt tên upward-key. Khóa được tạo lại y hệt từ khóa bí mật .dvk/secret của tỉnh."
    )


def _known_codes(config: Config, codes: tuple[str, ...]) -> tuple[str, ...]:
    """The codes asked for (all units when none is), each one of config/units.yaml."""
    unknown = [code for code in codes if config.units.get(code) is None]
    if unknown:
        raise UserError(f"Mã không có trong config/units.yaml: {', '.join(unknown)}.")
    return codes or tuple(unit.code for unit in config.units.units)


@click.command("demo-rollup")
@YEAR
@click.option(
    "--workspace",
    type=DIRECTORY,
    default=Path("build/demo-tinh"),
    show_default=True,
    help="Thư mục tạm cho dữ liệu chạy thử cấp tỉnh (được tạo lại mỗi lần).",
)
@click.option(
    "--ward-demo",
    type=DIRECTORY,
    default=None,
    help="Thư mục dvk demo đã tạo, dùng làm phường thứ nhất thay vì tạo lại.",
)
@click.pass_obj
def demo_rollup(ws: Workspace, year: int, workspace: Path, ward_demo: Path | None) -> None:
    """Chạy thử tổng hợp cấp tỉnh: ba phường tổng hợp, gửi bảng tổng hợp lên, tỉnh tổng hợp."""
    from ..run.cycle import run_consolidation
    from ..run.render import render_summary
    from ..tools.demo_council import consolidate_demo
    from ..tools.demo_rollup import build_rollup_demo

    def consolidate_ward(root: Path, config: Config) -> None:
        result = consolidate_demo(root, config, year, seed=config.organization.ward_name)
        click.echo(
            f"Phường, xã {config.organization.ward_name}: {len(result.outputs)} tệp kết quả trong {root}/outbox/{year}"
        )

    with ws.locked("demo-rollup"), ws.reading() as config:
        built = build_rollup_demo(config, year, workspace, consolidate_ward, ward_demo=ward_demo)
        deadline = built.province_config.year(year).upward_deadline
        result = run_consolidation(
            built.province_root, built.province_config, year, None, now=dt.datetime.combine(deadline, dt.time(17))
        )
    screen.echo(render_summary(result))
    click.echo(
        f"\nCấp tỉnh: {built.province_root}/inbox (bảng tổng hợp các phường gửi lên), "
        f"{built.province_root}/outbox/{year} (kết quả tổng hợp của tỉnh)."
    )


COMMANDS = (upward_key, demo_rollup)
