"""The yearly cycle of a ward: ``dvk templates``, ``consolidate``, ``council``, ``check``, ``status``, ``demo``.

Each command loads the configuration through its :class:`~.workspace.Workspace` (writing ones
under the workspace lock), calls one function of :mod:`pipeline.run`, prints what it returned and
exits with 0 when nothing is left to do, else 1 (2: a usage or configuration error). Left to do:
for ``consolidate``, a returned file its unit has not replaced by a later accepted one, a council
sheet's error, a refused report text; for ``status``, also a unit that has not sent a valid report
(missing, or returned and not sent again); for ``check``, a file that would be returned.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import screen
from .options import AS_JSON, DIRECTORY, EXISTING_PATH, OPTIONAL_YEAR, YEAR
from .workspace import Workspace


@click.command()
@YEAR
@click.pass_obj
def templates(ws: Workspace, year: int) -> None:
    """Tạo mẫu biểu Excel cho từng đơn vị (outbox/<năm>/mau-bieu/)."""
    from ..run.cycle import issue_templates

    with ws.writing("templates") as config:
        paths = issue_templates(ws.root, config, year)
    screen.echo(f"Đã tạo {len(paths)} mẫu biểu năm {year} trong {paths[0].parent if paths else ''}")


@click.command()
@YEAR
@AS_JSON
@click.option(
    "--date",
    "report_date",
    type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
    default=None,
    help="Ngày ghi trên báo cáo (YYYY-MM-DD hoặc dd/mm/yyyy); bỏ trống để cán bộ tự điền.",
)
@click.pass_obj
def consolidate(ws: Workspace, year: int, as_json: bool, report_date: dt.datetime | None) -> None:
    """Kiểm tra, tổng hợp các tệp trong inbox/ và viết báo cáo vào outbox/<năm>/.

    Mã thoát 1 khi còn việc phải làm: tệp bị trả lại chưa được đơn vị thay bằng tệp hợp lệ gửi sau,
    bảng xét duyệt có lỗi, tệp nội dung báo cáo bị trả lại; tệp đã được thay không tính.
    """
    from ..run.replay import consolidate_year

    with ws.writing("consolidate", year) as config, _progress(ws.paths.inbox, quiet=as_json) as advance:
        answer = consolidate_year(ws.root, config, year, report_date.date() if report_date else None, advance)
    if answer.replayed and not as_json:
        screen.echo(
            "Không có tệp, cấu hình hay sổ theo dõi nào thay đổi từ lần chạy trước: "
            "kết quả dưới đây là của lần chạy đó, các tệp trong outbox/ vẫn đúng.",
            err=True,
        )
    if as_json:
        click.echo(json.dumps(answer.summary, ensure_ascii=False, indent=2))
    else:
        screen.echo(answer.text)
    sys.exit(1 if answer.failed else 0)


@contextmanager
def _progress(inbox: Path, quiet: bool) -> Iterator[Any]:
    """A progress bar on stderr over the files of the inbox, or nothing when ``quiet``."""
    from ..intake.receive import discover

    if quiet:
        yield None
        return
    total = len(discover(inbox))
    with click.progressbar(length=total, label="Đang đọc các tệp", file=sys.stderr) as bar:
        yield lambda _name: bar.update(1)


@click.command()
@YEAR
@click.pass_obj
def council(ws: Workspace, year: int) -> None:
    """Lập bảng xét duyệt cho Ban chỉ đạo (outbox/<năm>/xet-duyet-<năm>.xlsx); không ghi gì vào sổ theo dõi."""
    from ..run.cycle import issue_council

    with ws.writing("council") as config:
        path, count = issue_council(ws.root, config, year)
    screen.echo(f"Đã lập bảng xét duyệt năm {year} ({count} mục): {path}")
    if not count:
        screen.echo(f"Sổ theo dõi chưa có mục nào của năm {year}: hãy chạy `dvk consolidate --year {year}` trước.")
    screen.echo(
        "Ban chỉ đạo ghi quyết định, số và ngày quyết định vào các cột màu trắng; sau đó chép tệp vào "
        f"inbox/ và chạy `dvk consolidate --year {year}` để ghi các quyết định vào sổ theo dõi."
    )


@click.command()
@OPTIONAL_YEAR
@click.argument("paths", nargs=-1, required=True, type=EXISTING_PATH, metavar="TỆP_HOẶC_THƯ_MỤC...")
@AS_JSON
@click.pass_obj
def check(ws: Workspace, year: int | None, paths: tuple[Path, ...], as_json: bool) -> None:
    """Kiểm tra các tệp, thư mục như khi tổng hợp (không tổng hợp, không ghi gì) và in các phát hiện.

    Mỗi đường dẫn là một tệp hoặc một thư mục (mọi tệp trong thư mục được kiểm tra như khi đọc
    inbox/, bỏ qua tệp ẩn và tệp tạm “~$…”). Nhận mẫu biểu của đơn vị, bảng xét duyệt của Ban chỉ
    đạo (quyết định chỉ được thử trên bản sao của sổ theo dõi, sổ không thay đổi), tệp nội dung báo
    cáo (.docx) và thư lưu (.eml, .mbox). Không ghi --year thì mỗi tệp được kiểm tra theo năm ghi
    trong tệp. Ví dụ: dvk check inbox/ hoặc dvk check --year 2026 tep-a.xlsx tep-b.xlsx.
    Mã thoát: 0 mọi tệp đạt, 1 có tệp bị trả lại hoặc có lỗi, 2 lỗi cách dùng.
    """
    from ..run.check import check_paths
    from ..run.render import render_check

    with ws.reading(year) as config:
        checked = check_paths(ws.root, config, year, paths)
    if as_json:
        files = [c.as_dict() for c in checked]
        click.echo(json.dumps({"year": year, "files": files}, ensure_ascii=False, indent=2))
    else:
        screen.echo(render_check(checked))
    sys.exit(0 if all(c.accepted for c in checked) else 1)


@click.command()
@YEAR
@click.pass_obj
def status(ws: Workspace, year: int) -> None:
    """Tình hình gửi báo cáo của các đơn vị trong năm (theo sổ theo dõi, không ghi gì).

    Mã thoát 1 khi còn đơn vị chưa gửi báo cáo hợp lệ (chưa gửi, hoặc bị trả lại chưa gửi lại) hoặc
    còn tệp bị trả lại chưa được thay bằng tệp hợp lệ gửi sau.
    """
    from ..run.cycle import year_status
    from ..run.render import render_status
    from ..year.standing import count, file_standings

    with ws.reading() as config:
        submissions, data = year_status(ws.root, config, year)
    screen.echo(render_status(data, submissions))
    counts = count(data.units, file_standings(submissions))
    sys.exit(1 if counts.units_to_chase or counts.files_returned else 0)


@click.command()
@YEAR
@click.option(
    "--workspace",
    type=DIRECTORY,
    default=Path("build/demo"),
    show_default=True,
    help="Thư mục tạm cho dữ liệu chạy thử (được tạo lại mỗi lần).",
)
@click.pass_obj
def demo(ws: Workspace, year: int, workspace: Path) -> None:
    """Chạy thử toàn bộ quy trình trên dữ liệu mẫu trong một thư mục tạm."""
    from ..run.render import render_summary
    from ..tools.demo import build_demo
    from ..tools.demo_council import consolidate_demo

    # The demo rewrites its own folder (lock files included): the launching workspace's lock
    # keeps two demos started from it apart.
    with ws.writing("demo") as config:
        demo_config = build_demo(config, year, workspace)
        # Consolidated, decided by the steering committee, consolidated again (the date is the clerk's).
        result = consolidate_demo(workspace, demo_config, year)
    screen.echo(render_summary(result))
    screen.echo(f"\nDữ liệu chạy thử: {workspace}/inbox (tệp đơn vị gửi), {workspace}/outbox/{year} (kết quả).")


COMMANDS = (templates, consolidate, council, check, status, demo)
