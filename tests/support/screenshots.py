"""``make screenshots``: every page of the browser workspace shot full-page at 1366x900.

``python -m tests.support.screenshots [--year 2026] [--workspace build/screenshots-ws]
[--out build/screenshots]`` builds a demo workspace with ``dvk demo`` (the ward's units, their
files, a consolidation and the council's decisions), serves it, and with Debian's chromium:
uploads two more units' workbooks through the receive page (one with typical mistakes), runs the
consolidation from its page, then shoots the home page, a unit's page, the templates and mail, the
register, the council and the configuration pages, and the login page of a server with a password.
A page that does not answer 200 stops it with an error.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline.config import load_config
from tests.support import builder
from tests.support.browser import (
    SCREENSHOTS,
    ConsoleWatch,
    Shooter,
    chromium,
    consolidate_through_page,
    live_server,
    shoot_login,
    shoot_other_pages,
    upload_through_page,
)

WAIT_MS = 120_000


def demo_workspace(workspace: Path, year: int) -> None:
    """``dvk demo`` into ``workspace`` (exit code 1 only says some files were returned)."""
    command = [sys.executable, "-m", "pipeline", "demo", "--year", str(year), "--workspace", str(workspace)]
    done = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"dvk demo failed ({done.returncode})")


def shoot_all(workspace: Path, out: Path, year: int) -> Shooter:
    config = load_config(workspace)
    missing_units = [u.code for u in config.units.units if not any(workspace.glob(f"inbox/*{u.code}*"))]
    chosen = (missing_units or [u.code for u in config.units.units])[:2]
    shooter = Shooter(out)
    console = ConsoleWatch()
    with tempfile.TemporaryDirectory(prefix="dvk-shots-") as scratch:
        files = Path(scratch) / "tu-thu"
        files.mkdir()
        uploads = []
        for index, code in enumerate(chosen):
            path = files / f"{code}.xlsx"
            path.write_bytes(builder.sample_workbook(config, code, year, with_errors=index == 1))
            uploads.append(path)
        with live_server(workspace) as base, chromium(Path(scratch) / "profile") as context:
            page = context.new_page()
            console.watch(page)
            upload_through_page(page, base, year, uploads, WAIT_MS)
            shooter.shoot(page, "nhan-tep")
            consolidate_through_page(page, base, year, WAIT_MS)
            shooter.shoot(page, "tong-hop")
            page.goto(f"{base}?nam={year}")
            shooter.shoot(page, "trang-chinh")
            shoot_other_pages(shooter, page, base, chosen[-1], year)
        shoot_login(shooter, workspace, Path(scratch) / "profile-login")
    for error in console.errors:
        print(f"lỗi trên trang: {error}")
    return shooter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=builder.YEAR)
    parser.add_argument("--workspace", type=Path, default=Path("build/screenshots-ws"))
    parser.add_argument("--out", type=Path, default=SCREENSHOTS)
    args = parser.parse_args(argv)
    demo_workspace(args.workspace, args.year)
    for old in args.out.glob("*.png"):
        old.unlink()
    shooter = shoot_all(args.workspace.resolve(), args.out, args.year)
    for path in shooter.taken:
        print(f"Đã chụp: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
