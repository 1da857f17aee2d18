"""Command line ``dvk``: parses, calls one function of the pipeline, renders, exits.

Exit codes: 0 everything accepted, 1 some file was rejected (or has errors), 2 usage or
configuration error. Heavy libraries are imported inside the commands that need them, so that
``dvk --help`` answers at once.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import click

from ..config import Config, ConfigError, load_config
from . import texts as clitext

clitext.install()

CONTEXT = {"help_option_names": ["-h", "--help"]}


class UserError(click.ClickException):
    """A usage, configuration or file-system problem: exit code 2."""

    exit_code = 2


class Workspace:
    def __init__(self, root: Path, lock_wait: float = 30.0) -> None:
        self.root = root
        self.lock_wait = lock_wait

    def config(self) -> Config:
        return load_config(self.root)

    @contextmanager
    def writing(self, command: str) -> Iterator[None]:
        """Hold the workspace lock while a command writes; sweep what a killed run left first."""
        from ..core.ooxml import remove_temporaries
        from ..run.lock import workspace_lock

        with workspace_lock(self.root, command, self.lock_wait):
            # Holding the lock, no other run is writing: any temporary file is a dead run's.
            remove_temporaries(self.root / "outbox")
            remove_temporaries(self.root / ".dvk")
            yield


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn configuration and file-system errors into Vietnamese messages with exit code 2."""
    from ..run.lock import WorkspaceBusy

    try:
        yield
    except ConfigError as exc:
        raise UserError(f"Lỗi cấu hình: {exc}") from None
    except WorkspaceBusy as exc:
        raise UserError(str(exc)) from None
    except sqlite3.Error as exc:
        raise UserError(_register_failure(exc)) from None
    except OSError as exc:
        raise UserError(_file_failure(exc)) from None


_FULL_DISK = (
    "Ổ đĩa đã đầy, không ghi được “{path}”. Hãy giải phóng dung lượng (xóa bớt tệp không cần, dọn "
    "thùng rác) rồi chạy lại lệnh; các tệp kết quả lần trước và sổ theo dõi vẫn giữ nguyên."
)
_READ_ONLY = (
    "Không ghi được “{path}”: thư mục chỉ cho đọc hoặc không có quyền ghi. Hãy bỏ chế độ chỉ đọc "
    "(Properties > bỏ chọn Read-only), cấp quyền ghi hoặc chép thư mục làm việc sang ổ đĩa ghi được "
    "rồi chạy lại; các tệp kết quả lần trước và sổ theo dõi vẫn giữ nguyên."
)
_DISK_PROBLEMS = {errno.ENOSPC: _FULL_DISK, errno.EDQUOT: _FULL_DISK, errno.EROFS: _READ_ONLY}


def _file_failure(exc: OSError) -> str:
    """A Vietnamese message for a file-system error that names the file and what to do."""
    path = exc.filename or ""
    if exc.errno in _DISK_PROBLEMS:
        return _DISK_PROBLEMS[exc.errno].format(path=path)
    if isinstance(exc, PermissionError):
        return _READ_ONLY.format(path=path)
    return f"Lỗi đọc/ghi tệp “{path}”: {exc.strerror or exc}."


def _register_failure(exc: sqlite3.Error) -> str:
    """SQLite names no file: the register is the only database the tool opens."""
    from ..register import REGISTER_FILE

    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return _FULL_DISK.format(path=REGISTER_FILE)
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return _READ_ONLY.format(path=REGISTER_FILE)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return f"Sổ theo dõi “{REGISTER_FILE}” đang được một lệnh khác ghi; hãy đợi lệnh đó chạy xong rồi chạy lại."
    return (
        f"Lỗi sổ theo dõi “{REGISTER_FILE}”: {exc}. Sổ chưa bị thay đổi; nếu lỗi lặp lại, "
        "hãy chạy `dvk rebuild` để dựng lại sổ từ kho lưu trữ."
    )


@click.group(context_settings=CONTEXT)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Thư mục làm việc chứa config/, inbox/ và outbox/.",
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


class YearType(click.IntRange):
    name = "năm"


YEAR = click.option("--year", type=YearType(2000, 2100), required=True, help="Năm báo cáo, ví dụ 2026.")


@main.command(context_settings=CONTEXT)
@YEAR
@click.pass_obj
def templates(ws: Workspace, year: int) -> None:
    """Tạo mẫu biểu Excel cho từng đơn vị (outbox/<năm>/mau-bieu/)."""
    from ..run.cycle import issue_templates

    with _user_errors():
        config = ws.config()
        with ws.writing("templates"):
            paths = issue_templates(ws.root, config, year)
    click.echo(f"Đã tạo {len(paths)} mẫu biểu năm {year} trong {paths[0].parent if paths else ''}")


@main.command(context_settings=CONTEXT)
@YEAR
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON ra stdout.")
@click.option(
    "--date",
    "report_date",
    type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
    default=None,
    help="Ngày ghi trên báo cáo (YYYY-MM-DD hoặc dd/mm/yyyy); bỏ trống để cán bộ tự điền.",
)
@click.pass_obj
def consolidate(ws: Workspace, year: int, as_json: bool, report_date: dt.datetime | None) -> None:
    """Kiểm tra, tổng hợp các tệp trong inbox/ và viết báo cáo vào outbox/<năm>/."""
    from ..run.replay import consolidate_year

    with _user_errors():
        config = ws.config()
        config.year(year)
        with ws.writing("consolidate"), _progress(ws.root / "inbox", quiet=as_json) as advance:
            answer = consolidate_year(ws.root, config, year, report_date.date() if report_date else None, advance)
    if answer.replayed and not as_json:
        click.echo(
            "Không có tệp, cấu hình hay sổ theo dõi nào thay đổi từ lần chạy trước: "
            "kết quả dưới đây là của lần chạy đó, các tệp trong outbox/ vẫn đúng.",
            err=True,
        )
    click.echo(json.dumps(answer.summary, ensure_ascii=False, indent=2) if as_json else answer.text)
    sys.exit(1 if answer.failed else 0)


@main.command(context_settings=CONTEXT)
@YEAR
@click.pass_obj
def council(ws: Workspace, year: int) -> None:
    """Lập bảng xét duyệt cho Ban chỉ đạo (outbox/<năm>/xet-duyet-<năm>.xlsx); không ghi gì vào sổ theo dõi."""
    from ..run.cycle import issue_council

    with _user_errors():
        config = ws.config()
        with ws.writing("council"):
            path, count = issue_council(ws.root, config, year)
    click.echo(f"Đã lập bảng xét duyệt năm {year} ({count} mục): {path}")
    if not count:
        click.echo(f"Sổ theo dõi chưa có mục nào của năm {year}: hãy chạy `dvk consolidate --year {year}` trước.")
    click.echo(
        "Ban chỉ đạo ghi quyết định, số và ngày quyết định vào các cột màu trắng; sau đó chép tệp vào "
        f"inbox/ và chạy `dvk consolidate --year {year}` để ghi các quyết định vào sổ theo dõi."
    )


@main.command(context_settings=CONTEXT)
@YEAR
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON ra stdout.")
@click.pass_obj
def check(ws: Workspace, year: int, files: tuple[Path, ...], as_json: bool) -> None:
    """Kiểm tra các tệp FILES (không tổng hợp) và in các phát hiện."""
    from ..run.cycle import check_file
    from ..run.render import render_check

    with _user_errors():
        config = ws.config()
        config.year(year)
        submissions = [check_file(path, path.name, config, year) for path in files]
    if as_json:
        files_json = [
            {
                "file": s.source.name,
                "unit": s.unit_code,
                "accepted": s.accepted,
                "findings": [f.as_dict() for f in s.findings],
            }
            for s in submissions
        ]
        click.echo(json.dumps({"year": year, "files": files_json}, ensure_ascii=False, indent=2))
    else:
        click.echo(render_check(submissions))
    sys.exit(0 if all(s.accepted for s in submissions) else 1)


@main.command(context_settings=CONTEXT)
@YEAR
@click.pass_obj
def status(ws: Workspace, year: int) -> None:
    """Tình hình gửi báo cáo của các đơn vị trong năm (theo sổ theo dõi, không ghi gì)."""
    from ..run.cycle import year_status
    from ..run.render import render_status
    from ..year.consolidate import MISSING, REJECTED

    with _user_errors():
        config = ws.config()
        submissions, data = year_status(ws.root, config, year)
    click.echo(render_status(data, submissions))
    pending = [u for u in data.units if u.status in (MISSING, REJECTED)]
    sys.exit(1 if pending else 0)


@main.command(context_settings=CONTEXT)
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

    with _user_errors():
        ws.config()
        try:
            with ws.writing("received"):
                entry = override_received(ws.root, file, moment, reason)
        except LookupError as exc:
            raise UserError(str(exc)) from None
    click.echo(
        f"Đã ghi ngày nhận {moment:%d/%m/%Y %H:%M} cho tệp “{entry}”. Chạy lại `dvk consolidate` để cập nhật báo cáo."
    )


@main.command(context_settings=CONTEXT)
@click.argument("file")
@click.option("--reason", required=True, help="Lý do, ví dụ “Chép nhầm tệp của năm trước”.")
@click.pass_obj
def withdraw(ws: Workspace, file: str, reason: str) -> None:
    """Bỏ một tệp đã nhận khỏi kỳ báo cáo (FILE: tên tệp trong inbox/ hoặc đầu mã SHA-256); tệp vẫn được lưu."""
    from ..run.cycle import withdraw_file

    with _user_errors():
        ws.config()
        try:
            with ws.writing("withdraw"):
                name = withdraw_file(ws.root, file, reason)
        except LookupError as exc:
            raise UserError(str(exc)) from None
    click.echo(f"Đã bỏ tệp “{name}” khỏi kỳ báo cáo. Hãy xóa tệp khỏi inbox/ rồi chạy lại `dvk consolidate`.")


@main.command(context_settings=CONTEXT)
@click.pass_obj
def rebuild(ws: Workspace) -> None:
    """Dựng lại sổ theo dõi từ kho lưu trữ outbox/luu-tru/ (sổ cũ được sao lưu trước)."""
    from ..run.cycle import rebuild as rebuild_register

    with _user_errors():
        config = ws.config()
        with ws.writing("rebuild"):
            years = rebuild_register(ws.root, config)
    shown = ", ".join(str(y) for y in years) or "không có"
    click.echo(f"Đã dựng lại sổ theo dõi từ kho lưu trữ; các năm: {shown}.")


@main.command("import-legacy", context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--origin", required=True, help="Xã, phường cũ của danh sách, ví dụ “Nhơn Khánh”.")
@click.pass_obj
def import_legacy_command(ws: Workspace, file: Path, origin: str) -> None:
    """Đưa danh sách mô hình của xã, phường cũ (FILE: Excel hoặc CSV) vào sổ theo dõi để rà soát năm 2025."""
    from ..run.cycle import import_legacy_list
    from ..run.render import render_findings
    from ..year.legacy_lists import UnknownOrigin

    with _user_errors():
        config = ws.config()
        try:
            with ws.writing("import-legacy"):
                result = import_legacy_list(ws.root, config, file, origin)
        except UnknownOrigin as exc:
            raise UserError(str(exc)) from None
    if result.findings:
        click.echo(render_findings(list(result.findings)))
    if result.refused:
        click.echo("Danh sách có lỗi nên chưa đưa vào sổ theo dõi; hãy sửa các lỗi trên rồi chạy lại.")
        sys.exit(1)
    click.echo(f"Đã đưa {result.added} mục vào sổ theo dõi để rà soát ({result.already_present} mục đã có từ trước).")


@main.command(context_settings=CONTEXT)
@YEAR
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/demo"),
    show_default=True,
    help="Thư mục tạm cho dữ liệu chạy thử (được tạo lại mỗi lần).",
)
@click.pass_obj
def demo(ws: Workspace, year: int, workspace: Path) -> None:
    """Chạy thử toàn bộ quy trình trên dữ liệu mẫu trong một thư mục tạm."""
    from ..run.cycle import run_consolidation
    from ..run.render import render_summary
    from ..tools.demo import DemoError, build_demo

    with _user_errors():
        config = ws.config()
        # The demo rewrites its own folder (lock files included): the launching workspace's lock
        # keeps two demos started from it apart.
        with ws.writing("demo"):
            try:
                demo_config = build_demo(config, year, workspace)
            except DemoError as exc:
                raise UserError(str(exc)) from None
            result = run_consolidation(workspace, demo_config, year, demo_config.year(year).upward_deadline)
    click.echo(render_summary(result))
    click.echo(f"\nDữ liệu chạy thử: {workspace}/inbox (tệp đơn vị gửi), {workspace}/outbox/{year} (kết quả).")


@main.command("upward-key", context_settings=CONTEXT)
@click.argument("codes", nargs=-1)
@click.pass_obj
def upward_key(ws: Workspace, codes: tuple[str, ...]) -> None:
    """Cấp khóa gửi báo cáo lên cho các phường, xã (CODES: mã trong config/units.yaml; bỏ trống: tất cả).

    Dùng ở cấp tỉnh: mỗi tệp outbox/khoa-gui-len/<MÃ>.key gửi riêng cho phường, xã đó; phường, xã
    chép tệp vào thư mục .dvk/ của mình với tên upward-key trước khi chạy dvk consolidate.
    """
    from ..core.upward import KEY_FOLDER, issue_keys

    with _user_errors():
        config = ws.config()
        unknown = [code for code in codes if config.units.get(code) is None]
        if unknown:
            raise UserError(f"Mã không có trong config/units.yaml: {', '.join(unknown)}.")
        chosen = codes or tuple(unit.code for unit in config.units.units)
        with ws.writing("upward-key"):
            paths = issue_keys(config.secret, chosen, ws.root / "outbox" / KEY_FOLDER)
    click.echo(f"Đã cấp {len(paths)} khóa gửi báo cáo lên trong {ws.root / 'outbox' / KEY_FOLDER}:")
    for path in paths:
        click.echo(f"  {path.name}")
    click.echo(
        "Gửi riêng mỗi tệp cho đúng phường, xã (không gửi kèm báo cáo); phường, xã chép tệp vào thư mục "
        ".dvk/ của mình, đặt tên upward-key. Khóa được tạo lại y hệt từ khóa bí mật .dvk/secret của tỉnh."
    )


@main.command("demo-rollup", context_settings=CONTEXT)
@YEAR
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/demo-tinh"),
    show_default=True,
    help="Thư mục tạm cho dữ liệu chạy thử cấp tỉnh (được tạo lại mỗi lần).",
)
@click.option(
    "--ward-demo",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Thư mục dvk demo đã tạo, dùng làm phường thứ nhất thay vì tạo lại.",
)
@click.pass_obj
def demo_rollup(ws: Workspace, year: int, workspace: Path, ward_demo: Path | None) -> None:
    """Chạy thử tổng hợp cấp tỉnh: ba phường tổng hợp, gửi bảng tổng hợp lên, tỉnh tổng hợp."""
    from ..run.cycle import run_consolidation
    from ..run.render import render_summary
    from ..tools.demo import DemoError
    from ..tools.demo_rollup import build_rollup_demo

    def consolidate_ward(root: Path, config: Config) -> None:
        result = run_consolidation(root, config, year, config.year(year).upward_deadline)
        click.echo(
            f"Phường, xã {config.organization.ward_name}: {len(result.outputs)} tệp kết quả trong {root}/outbox/{year}"
        )

    with _user_errors(), ws.writing("demo-rollup"):
        try:
            built = build_rollup_demo(ws.config(), year, workspace, consolidate_ward, ward_demo=ward_demo)
        except DemoError as exc:
            raise UserError(str(exc)) from None
        deadline = built.province_config.year(year).upward_deadline
        result = run_consolidation(
            built.province_root, built.province_config, year, deadline, now=dt.datetime.combine(deadline, dt.time(17))
        )
    click.echo(render_summary(result))
    click.echo(
        f"\nCấp tỉnh: {built.province_root}/inbox (bảng tổng hợp các phường gửi lên), "
        f"{built.province_root}/outbox/{year} (kết quả tổng hợp của tỉnh)."
    )


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


# --------------------------------------------------------------------------- dvk mail


@main.group(context_settings=CONTEXT)
def mail() -> None:
    """Thư cho các đơn vị: mẫu biểu, nhắc gửi báo cáo, phản hồi kết quả kiểm tra.

    Mặc định viết thư nháp .eml vào outbox/<năm>/thu/ để mở bằng Outlook, Thunderbird; thêm
    --send để gửi qua máy chủ thư trong config/mail.yaml. Thư đơn vị gửi về: lưu thành tệp .eml
    hoặc .mbox vào inbox/ rồi chạy `dvk consolidate`.
    """


def _mail_options(command: Any) -> Any:
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
    from ..run.mail_run import MailPasswordMissing, UnknownUnits, run_mail
    from ..run.render import render_mail

    with _user_errors():
        config = ws.config()
        config.year(year)
        try:
            with nullcontext() if dry_run else ws.writing(f"mail {kind}"):
                outcomes = run_mail(ws.root, config, year, kind, units, send=send, dry_run=dry_run, force=force)
        except UnknownUnits as exc:
            raise UserError(str(exc)) from None
        except MailPasswordMissing as exc:
            raise UserError(
                f"Chưa có mật khẩu thư: hãy đặt biến môi trường {exc.variable} trước khi gửi "
                f"(Windows: set \"{exc.variable}=mật khẩu ứng dụng\"; Linux: export {exc.variable}='mật khẩu ứng dụng')."
            ) from None
    click.echo(render_mail(outcomes, kind, year))
    sys.exit(1 if any(o.failed for o in outcomes) else 0)


@mail.command("templates", context_settings=CONTEXT)
@_mail_options
@click.pass_obj
def mail_templates(ws: Workspace, year: int, send: bool, dry_run: bool, force: bool, units: tuple[str, ...]) -> None:
    """Gửi mỗi đơn vị mẫu biểu của mình (outbox/<năm>/mau-bieu/; chạy `dvk templates` trước)."""
    _run_mail(ws, "templates", year, send, dry_run, force, units)


@mail.command("reminders", context_settings=CONTEXT)
@_mail_options
@click.pass_obj
def mail_reminders(ws: Workspace, year: int, send: bool, dry_run: bool, force: bool, units: tuple[str, ...]) -> None:
    """Nhắc các đơn vị chưa gửi, bị trả lại hoặc chưa đủ số mô hình, kèm những gì đơn vị còn phải gửi."""
    _run_mail(ws, "reminders", year, send, dry_run, force, units)


@mail.command("feedback", context_settings=CONTEXT)
@_mail_options
@click.pass_obj
def mail_feedback(ws: Workspace, year: int, send: bool, dry_run: bool, force: bool, units: tuple[str, ...]) -> None:
    """Gửi các đơn vị có lỗi, cảnh báo tệp phản hồi của mình (outbox/<năm>/phan-hoi/; chạy `dvk consolidate` trước)."""
    _run_mail(ws, "feedback", year, send, dry_run, force, units)
