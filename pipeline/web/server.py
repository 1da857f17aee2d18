"""``dvk serve``: the browser workspace served by uvicorn on this computer.

Contract: :func:`serve` listens on ``host``:``port`` (127.0.0.1:8765 by default) until stopped
(Ctrl+C). On a loopback address any browser of this computer may use it, and only a Host header
naming that address is answered; on any other address a password is required first
(:func:`password_hash_for`: config/web.yaml's ``password_hash``, else the environment's
``DVK_WEB_PASSWORD_HASH``, else a hash of ``DVK_WEB_PASSWORD``), and :class:`PasswordRequired`
refuses to start without one. Its scratch files go into the workspace (:func:`keep_writes_inside`).
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
import threading
import webbrowser
from collections.abc import MutableMapping
from pathlib import Path

from ..config import Config
from ..core.errors import DvkError
from ..core.paths import STATE
from .security import hash_password

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
HASH_VARIABLE = "DVK_WEB_PASSWORD_HASH"
PASSWORD_VARIABLE = "DVK_WEB_PASSWORD"


class PasswordRequired(DvkError):
    """The server is asked to listen beyond this computer without a password."""

    def __init__(self, host: str) -> None:
        super().__init__(
            f"Muốn mở trang cho các máy khác (địa chỉ {host}) thì phải đặt mật khẩu trước: chạy "
            "“dvk serve --password-hash”, chép dòng nó in ra vào config/web.yaml (khóa password_hash), "
            f"hoặc đặt biến môi trường {PASSWORD_VARIABLE}. Để chỉ dùng trên máy này, bỏ --host."
        )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def password_hash_for(config: Config, environ: dict[str, str] | None = None) -> str:
    """The password's hash from config/web.yaml, else from the environment; "" when none is set."""
    environ = dict(os.environ) if environ is None else environ
    if config.web.password_hash:
        return config.web.password_hash
    if environ.get(HASH_VARIABLE):
        return environ[HASH_VARIABLE]
    password = environ.get(PASSWORD_VARIABLE, "")
    return hash_password(password) if password else ""


def allowed_hosts(host: str, port: int) -> frozenset[str] | None:
    """The Host headers answered: on loopback the server's own names (DNS rebinding), else any."""
    if not is_loopback(host):
        return None
    names = {host, "localhost", "127.0.0.1", "[::1]"}
    return frozenset(f"{name}:{port}" for name in names) | frozenset(names if port == 80 else ())


def address(host: str, port: int) -> str:
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


def keep_writes_inside(root: Path, environ: MutableMapping[str, str] | None = None) -> Path:
    """Point this process's scratch files into the workspace (``.dvk/tmp``): Python's temporary
    files (the streamed sheets of the summary, the scratch register of a council check) and
    matplotlib's font cache, which would otherwise go to the system's temporary folder and the
    user's home. The server then writes nowhere but the workspace."""
    environ = os.environ if environ is None else environ
    scratch = (root / STATE / "tmp").resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    tempfile.tempdir = str(scratch)
    environ["TMPDIR"] = str(scratch)  # the run's child processes
    environ["MPLCONFIGDIR"] = str(scratch / "matplotlib")
    return scratch


def serve(root: Path, config: Config, host: str, port: int, open_browser: bool) -> None:
    """Serve the workspace at ``root`` until stopped."""
    import uvicorn

    from .app import create_app

    password = password_hash_for(config)
    if not is_loopback(host) and not password:
        raise PasswordRequired(host)
    keep_writes_inside(root)
    app = create_app(root, password_hash=password, allowed_hosts=allowed_hosts(host, port))
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(address(host, port),)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, date_header=False)
