"""Command line ``dvk``: the group, its options, and the commands gathered from their modules.

Each command parses, calls one function of the pipeline, renders, exits. Exit codes: 0 everything
accepted, 1 some file was rejected (or has errors), 2 usage or configuration error. Heavy libraries
are imported inside the commands that need them, so that ``dvk --help`` answers at once.

The commands live by what they work on: :mod:`.cycle_commands` (the yearly cycle of a ward),
:mod:`.register_commands` (corrections to the register), :mod:`.province_commands` (the province
level), :mod:`.mail_commands` (``dvk mail``). Errors become messages in one place,
:mod:`.errors`; configuration and lock come from :mod:`.workspace`.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import cycle_commands, mail_commands, province_commands, register_commands, serve_command
from .options import DIRECTORY
from .workspace import Workspace

# Passed down to every command and subcommand: `dvk templates -h` works as `dvk -h` does.
CONTEXT = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=CONTEXT)
@click.option(
    "--root",
    type=DIRECTORY,
    default=Path("."),
    show_default=True,
    envvar="DVK_ROOT",
    help="Thư mục làm việc chứa config/, inbox/ và outbox/ (hoặc biến môi trường DVK_ROOT).",
)
@click.option(
    "--lock-wait",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    envvar="DVK_LOCK_WAIT",
    help="Số giây chờ khi một lệnh khác đang ghi vào cùng thư mục làm việc, trước khi từ chối.",
)
@click.version_option(package_name="dvk", message="dvk %(version)s")
@click.pass_context
def main(ctx: click.Context, root: Path, lock_wait: float) -> None:
    """Tổng hợp báo cáo Phong trào thi đua “Dân vận khéo” của phường.

    Quy trình hằng năm: `dvk templates` tạo mẫu biểu gửi các đơn vị; các đơn vị điền và gửi
    lại; đặt các tệp nhận được vào thư mục inbox/; `dvk consolidate` kiểm tra, tổng hợp và
    viết báo cáo vào outbox/<năm>/; `dvk council` lập bảng xét duyệt cho Ban chỉ đạo, bảng đã
    ghi quyết định chép vào inbox/ và chạy lại `dvk consolidate`.
    """
    ctx.obj = Workspace(root, lock_wait)


def _add_commands(group: click.Group) -> None:
    for module in (cycle_commands, register_commands, province_commands, mail_commands, serve_command):
        for command in module.COMMANDS:
            group.add_command(command)


_add_commands(main)
