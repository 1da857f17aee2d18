"""``dvk mail templates|reminders|feedback``: the letters to the units, as drafts or sent.

The three subcommands share their options and one runner: the configuration is loaded (and the
year checked), the workspace lock is held unless ``--dry-run`` writes nothing, and
:func:`pipeline.run.mail_run.run_mail` drafts or sends; the table of outcomes is printed and the
command exits with 1 when a letter could not be sent.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import click

from . import screen
from .options import YEAR
from .workspace import Workspace

Command = TypeVar("Command", bound=Callable[..., None])


@click.group()
def mail() -> None:
    """Thư cho các đơn vị: mẫu biểu, nhắc gửi báo cáo, phản hồi kết quả kiểm tra.

    Mặc định viết thư nháp .eml vào outbox/<năm>/thu/ để mở bằng Outlook, Thunderbird; thêm
    --send để gửi qua máy chủ thư trong config/mail.yaml. Thư đơn vị gửi về: lưu thành tệp .eml
    hoặc .mbox vào inbox/ rồi chạy `dvk consolidate`.
    """


def _mail_options(command: Command) -> Command:
    for option in reversed(
        (
            YEAR,
            click.option("--send", is_flag=True, help="Gửi thật qua máy chủ thư (mặc định: chỉ viết thư nháp .eml)."),
            click.option(
                "--dry-run", is_flag=True, help="Chỉ liệt kê các thư sẽ gửi hoặc sẽ viết; không ghi, không gửi gì."
            ),
            click.option("--force", is_flag=True, help="Gửi lại cả thư đã gửi trước đây (theo sổ theo dõi)."),
            click.option(
                "--unit",
                "units",
                multiple=True,
                metavar="MÃ",
                help="Chỉ thư của đơn vị này (lặp lại để chọn nhiều đơn vị).",
            ),
        )
    ):
        command = option(command)
    return command


def _run_mail(
    ws: Workspace, kind: str, year: int, send: bool, dry_run: bool, force: bool, units: tuple[str, ...]
) -> None:
    from ..run.mail_run import run_mail
    from ..run.render import render_mail

    with ws.reading(year) if dry_run else ws.writing(f"mail {kind}", year) as config:
        outcomes = run_mail(ws.root, config, year, kind, units, send=send, dry_run=dry_run, force=force)
    screen.echo(render_mail(outcomes, kind, year))
    sys.exit(1 if any(o.failed for o in outcomes) else 0)


@mail.command("templates")
@_mail_options
@click.pass_obj
def mail_templates(ws: Workspace, year: int, send: bool, dry_run: bool, force: bool, units: tuple[str, ...]) -> None:
    """Gửi mỗi đơn vị mẫu biểu của mình (outbox/<năm>/mau-bieu/; chạy `dvk templates` trước)."""
    _run_mail(ws, "templates", year, send, dry_run, force, units)


@mail.command("reminders")
@_mail_options
@click.pass_obj
def mail_reminders(ws: Workspace, year: int, send: bool, dry_run: bool, force: bool, units: tuple[str, ...]) -> None:
    """Nhắc các đơn vị chưa gửi, bị trả lại hoặc chưa đủ số mô hình, kèm những gì đơn vị còn phải gửi."""
    _run_mail(ws, "reminders", year, send, dry_run, force, units)


@mail.command("feedback")
@_mail_options
@click.pass_obj
def mail_feedback(ws: Workspace, year: int, send: bool, dry_run: bool, force: bool, units: tuple[str, ...]) -> None:
    """Gửi các đơn vị có lỗi, cảnh báo tệp phản hồi của mình (outbox/<năm>/phan-hoi/; chạy `dvk consolidate` trước)."""
    _run_mail(ws, "feedback", year, send, dry_run, force, units)


COMMANDS = (mail,)
