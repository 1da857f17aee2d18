"""Corrections to the register: ``dvk received``, ``withdraw``, ``rebuild``, ``import-legacy``.

Each writes under the workspace lock through :meth:`~.workspace.Workspace.writing`, calls one
function of :mod:`pipeline.run.cycle` and says what changed and what to run next.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import screen
from .options import EXISTING_FILE
from .workspace import Workspace


@click.command()
@click.argument("file")
@click.option(
    "--date",
    "moment",
    type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M"]),
    required=True,
    help="Ngày nhận thực tế (YYYY-MM-DD hoặc dd/mm/yyyy).",
)
@click.option("--reason", required=True, help="Lý do sửa, ví dụ “Nhận bản giấy ngày 24/11”.")
@click.pass_obj
def received(ws: Workspace, file: str, moment: dt.datetime, reason: str) -> None:
    """Sửa ngày nhận của một tệp (FILE: tên tệp trong inbox/ hoặc đầu mã SHA-256)."""
    from ..run.cycle import override_received

    with ws.writing("received"):
        entry = override_received(ws.root, file, moment, reason)
    screen.echo(
        f"Đã ghi ngày nhận {moment:%d/%m/%Y %H:%M} cho tệp “{entry.name}”. "
        f"Chạy lại `{entry.consolidate_again()}` để cập nhật báo cáo."
    )


@click.command()
@click.argument("file")
@click.option("--reason", required=True, help="Lý do, ví dụ “Chép nhầm tệp của năm trước”.")
@click.option("--latest", is_flag=True, help="Khi nhiều tệp cùng tên: chọn tệp nhận sau cùng.")
@click.pass_obj
def withdraw(ws: Workspace, file: str, reason: str, latest: bool) -> None:
    """Bỏ một tệp đã nhận khỏi kỳ báo cáo (FILE: tên tệp như trên màn hình, hoặc mã tệp); tệp vẫn được lưu."""
    from ..run.cycle import withdraw_file

    with ws.writing("withdraw"):
        gone = withdraw_file(ws.root, file, reason, latest)
    received = gone.received_at.strftime("%d/%m/%Y %H:%M")
    screen.echo(f"Đã bỏ tệp “{gone.name}” (mã {gone.code}, nhận lúc {received}) khỏi kỳ báo cáo.")
    if gone.in_inbox:
        screen.echo(f"Hãy xóa tệp này khỏi inbox/ rồi chạy lại `{gone.consolidate_again()}`.")
    else:
        screen.echo(
            "Tệp cùng tên đang có trong inbox/ (nếu có) là bản khác, vẫn được giữ. "
            f"Chạy lại `{gone.consolidate_again()}`."
        )


@click.command()
@click.pass_obj
def rebuild(ws: Workspace) -> None:
    """Dựng lại sổ theo dõi từ kho lưu trữ outbox/luu-tru/ (sổ cũ được sao lưu trước)."""
    from ..run.cycle import rebuild as rebuild_register

    with ws.writing("rebuild") as config:
        years = rebuild_register(ws.root, config)
    shown = ", ".join(str(y) for y in years) or "không có"
    screen.echo(f"Đã dựng lại sổ theo dõi từ kho lưu trữ; các năm: {shown}.")


@click.command("import-legacy")
@click.argument("file", type=EXISTING_FILE)
@click.option("--origin", required=True, help="Xã, phường cũ của danh sách, ví dụ “Nhơn Khánh”.")
@click.pass_obj
def import_legacy_command(ws: Workspace, file: Path, origin: str) -> None:
    """Đưa danh sách mô hình của xã, phường cũ (FILE: Excel hoặc CSV) vào sổ theo dõi để rà soát năm 2025."""
    from ..run.cycle import import_legacy_list
    from ..run.render import render_findings

    with ws.writing("import-legacy") as config:
        result = import_legacy_list(ws.root, config, file, origin)
    if result.findings:
        screen.echo(render_findings(list(result.findings)))
    if result.refused:
        screen.echo("Danh sách có lỗi nên chưa đưa vào sổ theo dõi; hãy sửa các lỗi trên rồi chạy lại.")
        sys.exit(1)
    screen.echo(f"Đã đưa {result.added} mục vào sổ theo dõi để rà soát ({result.already_present} mục đã có từ trước).")


COMMANDS = (received, withdraw, rebuild, import_legacy_command)
