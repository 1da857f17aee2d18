"""The configuration page (``/cau-hinh``): every file shown escaped and read-only, the validation
error beside the file it names, the page alive when the configuration is broken, no secret shown."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.web.pages.configuration import CONFIG_FILES
from tests.support.builder import copy_config, edit_config
from tests.support.web import PageClient, app_over, page_client


def section(html: str, name: str) -> str:
    found = re.search(
        rf'<section class="card config-file" id="[^"]+" data-file="{re.escape(name)}">(.*?)</section>', html, re.S
    )
    assert found, name
    return found.group(1)


def test_every_config_file_is_shown_escaped(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    units = root / "config" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "\n# <script>alert(1)</script> & co\n", encoding="utf-8")
    html = page_client(root).get("/cau-hinh").text
    assert 'id="config-ok"' in html and "config-error" not in html
    for name, _, _ in CONFIG_FILES:
        assert f"config/{name}" in section(html, name)
    assert "# &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in section(html, "units.yaml")
    assert "<script>alert" not in html
    assert "dùng các giá trị mặc định" in section(html, "web.yaml")  # optional, absent


def test_a_broken_config_shows_its_error_beside_the_file_and_the_other_pages_link_here(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    edit_config(root, "units.yaml", "default_min_models: 1", "default_min_models: nhiều")
    client = PageClient(app_over(root))
    home = client.get("/")
    assert "Cấu hình có lỗi" in home.text and 'href="/cau-hinh"' in home.text
    for path in ("/mau-bieu", "/so-theo-doi"):
        assert 'href="/cau-hinh"' in client.get(path).text
    response = client.get("/cau-hinh")
    assert response.status_code == 200 and 'id="config-broken"' in response.text
    units = section(response.text, "units.yaml")
    assert 'class="message error config-error">Lỗi cấu hình: config/units.yaml' in units
    assert "default_min_models" in units.split("config-error")[1].split("</p>")[0]
    assert "config-error" not in section(response.text, "criteria.yaml")


def test_an_empty_workspace_renders_with_the_missing_files_named(tmp_path: Path) -> None:
    html = PageClient(app_over(tmp_path)).get("/cau-hinh").text
    assert 'id="config-broken"' in html
    assert "Thiếu tệp config/criteria.yaml." in section(html, "criteria.yaml")


def test_the_secret_and_the_upward_key_are_never_shown(tmp_path: Path) -> None:
    root = copy_config(tmp_path)
    client = page_client(root)  # the home page made the workspace's secret
    secret = (root / ".dvk" / "secret").read_text(encoding="utf-8").strip()
    (root / ".dvk" / "upward-key").write_text("unit: BD\nkey: 0123456789abcdef0123456789abcdef\n", encoding="utf-8")
    html = client.get("/cau-hinh").text
    assert secret and secret not in html
    assert "0123456789abcdef" not in html


def test_the_password_hash_is_not_shown(tmp_path: Path) -> None:
    from pipeline.web.security import hash_password
    from tests.support.builder import copy_config
    from tests.support.web import page_client

    root = copy_config(tmp_path)
    stored = hash_password("mật khẩu")
    (root / "config" / "web.yaml").write_text(f"upload_limit_mb: 5\npassword_hash: '{stored}'\n", encoding="utf-8")
    html = page_client(root).get("/cau-hinh").text
    assert stored.split("$")[-1] not in html
    assert "password_hash: (đã ẩn)" in html and "upload_limit_mb: 5" in html
