"""``dvk serve``: the clerk's workspace in a browser (:mod:`pipeline.web`)."""

from __future__ import annotations

import click

from . import screen
from .workspace import Workspace


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe; địa chỉ khác máy này cần mật khẩu."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Cổng lắng nghe.")
@click.option("--open", "open_browser", is_flag=True, help="Mở trình duyệt vào trang ngay khi chạy.")
@click.option(
    "--password-hash",
    "make_hash",
    is_flag=True,
    help="Hỏi một mật khẩu và in mã băm của nó để chép vào config/web.yaml (khóa password_hash), rồi thoát.",
)
@click.pass_obj
def serve(ws: Workspace, host: str, port: int, open_browser: bool, make_hash: bool) -> None:
    """Mở trang làm việc trên trình duyệt (http://127.0.0.1:8765/); dừng bằng Ctrl+C."""
    from ..web.security import hash_password
    from ..web.server import address
    from ..web.server import serve as run_server

    if make_hash:
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")
        screen.echo(f"password_hash: {hash_password(password)}")
        return
    with ws.reading() as config:
        screen.echo(f"Trang làm việc: {address(host, port)} (dừng bằng Ctrl+C).")
        run_server(ws.root, config, host, port, open_browser)


COMMANDS = (serve,)
