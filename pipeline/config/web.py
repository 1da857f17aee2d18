"""config/web.yaml: the browser workspace's limits and its password -> :class:`WebSettings`.

Contract: the file is optional (without it the defaults below hold and ``dvk serve`` listens on
127.0.0.1 only). ``upload_limit_mb`` bounds one uploaded file, ``upload_files`` the files of one
upload; ``password_hash`` is the scrypt hash ``dvk serve --password-hash`` prints, required (here or
in the environment) before the server listens on any other address. :func:`parse_web` raises
:class:`~pipeline.config.node.ConfigError` (file and key path) on the first fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .node import Node

# scrypt$<log2 n>$<r>$<p>$<salt, hex>$<hash, hex>: what pipeline.web.security.hash_password writes.
PASSWORD_HASH = re.compile(r"scrypt\$\d{1,2}\$\d{1,2}\$\d{1,2}\$[0-9a-f]{32}\$[0-9a-f]{64}")


@dataclass(frozen=True)
class WebSettings:
    upload_limit_mb: int = 20
    upload_files: int = 60
    password_hash: str = ""

    @property
    def upload_limit(self) -> int:
        """The largest file accepted, in bytes."""
        return self.upload_limit_mb * 1024 * 1024


def parse_web(node: Node) -> WebSettings:
    """The settings of config/web.yaml (an empty file: the defaults)."""
    if node.value is None:
        return WebSettings()
    fields = node.mapping((), ("upload_limit_mb", "upload_files", "password_hash"))
    defaults = WebSettings()
    password = fields["password_hash"].line() if "password_hash" in fields else ""
    if password and not PASSWORD_HASH.fullmatch(password):
        raise fields["password_hash"].fail(
            "không phải mã băm mật khẩu do lệnh “dvk serve --password-hash” in ra; hãy chạy lệnh đó và chép nguyên dòng"
        )
    return WebSettings(
        upload_limit_mb=fields["upload_limit_mb"].integer(1, 500)
        if "upload_limit_mb" in fields
        else defaults.upload_limit_mb,
        upload_files=fields["upload_files"].integer(1, 1000) if "upload_files" in fields else defaults.upload_files,
        password_hash=password,
    )
