"""/nhan-tep: files dropped on the page saved into inbox/ under safe unique names and checked at once."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from pipeline.config import Config
from pipeline.outputs.xlsx.feedback import FEEDBACK_SHEET
from pipeline.run.lock import workspace_lock
from tests.support.builder import YEAR, new_workspace, sample_workbook
from tests.support.web import ORIGIN, PageClient, page_client

HCCB = "HCCB"


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Config]:
    return tmp_path, new_workspace(tmp_path)


def send(client: PageClient, files: list[tuple[str, bytes]], token: str | None = None, origin: str = ORIGIN):  # type: ignore[no-untyped-def]
    token = client.token if token is None else token
    query = f"?nam={YEAR}" + (f"&csrf={token}" if token else "")
    return client.post(
        "/nhan-tep" + query,
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        headers={"origin": origin},
    )


def inbox(root: Path) -> dict[str, bytes]:
    folder = root / "inbox"
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


def rows(html: str) -> list[str]:
    return html.split('<tr class="checked-file"')[1:]


def test_the_page_has_the_drop_zone_form(workspace: tuple[Path, Config]) -> None:
    client = page_client(workspace[0])
    html = client.get(f"/nhan-tep?nam={YEAR}").text
    assert f'action="/nhan-tep?nam={YEAR}&amp;csrf={client.token}"' in html
    assert 'id="upload-form"' in html and 'enctype="multipart/form-data"' in html
    assert "data-dropzone" in html and 'type="file" name="files" multiple' in html


def test_several_files_are_saved_and_checked_at_once(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    good = sample_workbook(config, HCCB)
    bad = sample_workbook(config, "HND", with_errors=True)
    client = page_client(root)
    response = send(client, [("Hội CCB.xlsx", good), ("HND.xlsx", bad)])
    assert response.status_code == 200
    assert inbox(root) == {"Hội CCB.xlsx": good, "HND.xlsx": bad}
    good_row, bad_row = rows(response.text)
    assert 'data-accepted="true"' in good_row and "Chấp nhận" in good_row and str(YEAR) in good_row
    assert 'data-accepted="false"' in bad_row and "Bị trả lại" in bad_row
    assert 'class="finding severity-error"' in bad_row and "Cách sửa" in bad_row
    assert "mẫu biểu của đơn vị HND" in bad_row
    # the annotated copy for the unit downloads as a workbook whose first sheet is the feedback sheet
    assert "/nhan-tep/ban-danh-dau?tep=HND.xlsx" in bad_row
    copy = client.get("/nhan-tep/ban-danh-dau?tep=HND.xlsx")
    assert copy.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(copy.content))
    assert workbook.sheetnames[0] == FEEDBACK_SHEET
    assert inbox(root)["HND.xlsx"] == bad  # the inbox is never modified
    # the files now listed as received
    assert "Hội CCB.xlsx" in client.get("/nhan-tep").text.split('id="inbox"')[1]


@pytest.mark.parametrize(
    ("name", "saved"),
    [
        ("../../evil.xlsx", "evil.xlsx"),
        ("..\\..\\evil.xlsx", "evil.xlsx"),
        ("a\x00b.xlsx", "a00b.xlsx"),  # the client sends the NUL as "%00"; a raw one: test_uploads
        ("CON.xlsx", "tep-CON.xlsx"),
        (".hidden.xlsx", "hidden.xlsx"),
        ("Chi bộ khu phố Liêm Định.xlsx", "Chi bộ khu phố Liêm Định.xlsx"),
    ],
)
def test_names_are_made_safe_and_stay_inside_the_inbox(workspace: tuple[Path, Config], name: str, saved: str) -> None:
    root, config = workspace
    data = sample_workbook(config, HCCB)
    response = send(page_client(root), [(name, data)])
    assert response.status_code == 200
    assert inbox(root) == {saved: data}
    assert not (root.parent / "evil.xlsx").exists()


def test_a_path_name_without_an_allowed_extension_is_refused(workspace: tuple[Path, Config]) -> None:
    root, _ = workspace
    response = send(page_client(root), [("/etc/passwd", b"root:x:0:0\n")])
    assert response.status_code == 200 and "đuôi tệp không đúng" in response.text
    assert inbox(root) == {}


def test_the_same_name_twice_gets_a_second_name(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    first, second = sample_workbook(config, HCCB), sample_workbook(config, HCCB, seed=2)
    client = page_client(root)
    send(client, [("ten.xlsx", first)])
    response = send(client, [("ten.xlsx", second)])
    assert "ten (2).xlsx" in response.text
    assert inbox(root) == {"ten.xlsx": first, "ten (2).xlsx": second}


def test_text_renamed_xlsx_is_refused_by_its_content(workspace: tuple[Path, Config]) -> None:
    root, _ = workspace
    response = send(page_client(root), [("bao-cao.xlsx", b"day khong phai bang tinh\n")])
    assert "không phải bảng tính Excel (.xlsx)" in response.text
    assert inbox(root) == {}


def test_an_oversize_file_is_refused_with_a_message(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    (root / "config" / "web.yaml").write_text("upload_limit_mb: 1\n", encoding="utf-8")
    big = b"PK\x03\x04" + b"\0" * (1536 * 1024)
    response = send(page_client(root), [("lon.xlsx", big), ("HCCB.xlsx", sample_workbook(config, HCCB))])
    assert response.status_code == 200
    assert "“lon.xlsx” lớn hơn 1 MB" in response.text
    assert list(inbox(root)) == ["HCCB.xlsx"]
    assert list((root / ".dvk" / "web").iterdir()) == []


def test_too_many_files_are_refused(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    (root / "config" / "web.yaml").write_text("upload_files: 2\n", encoding="utf-8")
    data = sample_workbook(config, HCCB)
    response = send(page_client(root), [(f"{n}.xlsx", data) for n in range(3)])
    assert "tối đa 2 tệp" in response.text
    assert sorted(inbox(root)) == ["0.xlsx", "1.xlsx"]


def test_without_the_token_or_from_another_origin_nothing_is_written(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    client = page_client(root)
    data = sample_workbook(config, HCCB)
    assert send(client, [("a.xlsx", data)], token="").status_code == 403
    assert send(client, [("a.xlsx", data)], origin="http://evil.example").status_code == 403
    assert inbox(root) == {}
    assert not (root / ".dvk" / "web").exists() or list((root / ".dvk" / "web").iterdir()) == []


def test_a_busy_workspace_says_who_holds_it_and_writes_nothing(workspace: tuple[Path, Config]) -> None:
    root, config = workspace
    client = page_client(root)
    with workspace_lock(root, "consolidate --year 2026"):
        response = send(client, [("a.xlsx", sample_workbook(config, HCCB))])
    assert response.status_code == 409
    assert "consolidate --year 2026" in response.text
    assert inbox(root) == {}


@pytest.mark.parametrize("name", ["../config/units.yaml", "..%2Fconfig%2Funits.yaml", "", ".hidden.xlsx", "sub/a.xlsx"])
def test_the_annotated_copy_is_only_of_files_directly_in_the_inbox(workspace: tuple[Path, Config], name: str) -> None:
    root, config = workspace
    (root / "inbox" / "sub").mkdir(parents=True)
    (root / "inbox" / ".hidden.xlsx").write_bytes(sample_workbook(config, HCCB, with_errors=True))
    (root / "inbox" / "sub" / "a.xlsx").write_bytes(sample_workbook(config, HCCB, with_errors=True))
    (root / "inbox" / "b.xlsx").write_bytes(sample_workbook(config, HCCB, with_errors=True))
    client = page_client(root)
    response = client.get(f"/nhan-tep/ban-danh-dau?tep={name}")
    assert response.status_code == 404 and "units:" not in response.text
    assert client.get("/nhan-tep/ban-danh-dau?tep=b.xlsx").status_code == 200


def test_the_referrer_policy_lets_the_browser_send_the_pages_own_origin(workspace: tuple[Path, Config]) -> None:
    """Under "no-referrer" Chromium posts the page's own forms with "Origin: null", which the origin
    check refuses: the upload form would never work in a browser."""
    root, config = workspace
    client = page_client(root)
    assert client.get("/nhan-tep").headers["referrer-policy"] == "same-origin"
    assert send(client, [("a.xlsx", sample_workbook(config, HCCB))], origin="null").status_code == 403
