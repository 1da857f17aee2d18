"""The command line: Vietnamese help, exit codes, JSON summary, demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.config import load_config
from tests.support.builder import copy_config, sample_workbook


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_config(tmp_path)


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand of ``group``, as the words that call it."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
    return paths


COMMAND_PATHS = _command_paths(main)


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def test_every_subcommand_is_walked() -> None:
    assert ("mail", "templates") in COMMAND_PATHS and ("consolidate",) in COMMAND_PATHS


@pytest.mark.parametrize("path", [(), *COMMAND_PATHS], ids=lambda path: " ".join(path) or "dvk")
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_vietnamese_help(path: tuple[str, ...], flag: str) -> None:
    """The group's context settings reach every subcommand: -h works everywhere, in Vietnamese."""
    code, output = _invoke(*path, flag)
    assert code == 0, output
    assert output.startswith("Cách dùng: ")
    assert "Tùy chọn:" in output and "Hiện hướng dẫn này và thoát." in output
    command = _command(path)
    assert command.help and not command.help.isascii()
    options = [p for p in command.params if isinstance(p, click.Option)]
    assert all(option.help and not option.help.isascii() for option in options)


def test_usage_errors_are_vietnamese_and_exit_2() -> None:
    code, output = _invoke("consolidate")
    assert code == 2
    assert "Thiếu tùy chọn '--year'" in output


def test_templates_writes_one_workbook_per_unit(root: Path) -> None:
    code, output = _invoke("--root", str(root), "templates", "--year", "2026")
    assert code == 0, output
    written = sorted(p.stem for p in (root / "outbox" / "2026" / "mau-bieu").glob("*.xlsx"))
    assert written == sorted(u.code for u in load_config(root).units.units)
    assert "Đã tạo 39 mẫu biểu" in output


def test_config_error_names_file_and_exits_2(root: Path) -> None:
    path = root / "config" / "units.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("group: dang-bo", "group: khong-co"), encoding="utf-8")
    code, output = _invoke("--root", str(root), "consolidate", "--year", "2026")
    assert code == 2
    assert "Lỗi cấu hình: config/units.yaml" in output and "khong-co" in output


def test_year_without_calendar_exits_2(root: Path) -> None:
    code, output = _invoke("--root", str(root), "templates", "--year", "2040")
    assert code == 2
    assert "config/calendar.yaml" in output and "2040" in output


def test_outside_a_workspace_the_message_says_where_to_run(tmp_path: Path) -> None:
    """Not "config/criteria.yaml not found": the folder is named, with the three ways to give the right one."""
    code, output = _invoke("--root", str(tmp_path), "status", "--year", "2026")
    assert code == 2
    assert f"Thư mục “{tmp_path.resolve()}” không phải thư mục làm việc" in output
    assert "--root" in output and "DVK_ROOT" in output and "criteria.yaml" not in output


def test_the_workspace_can_come_from_dvk_root(root: Path) -> None:
    result = CliRunner(env={"DVK_ROOT": str(root)}).invoke(main, ["templates", "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert (root / "outbox" / "2026" / "mau-bieu").is_dir()


def _filled(root: Path, code: str, with_errors: bool) -> bytes:
    """``code``'s sample workbook of 2026, issued by ``root``'s installation."""
    return sample_workbook(load_config(root), code, 2026, with_errors=with_errors)


def test_consolidate_json_matches_the_run(root: Path) -> None:
    (root / "inbox").mkdir()
    (root / "inbox" / "a.xlsx").write_bytes(_filled(root, "MTTQ", with_errors=False))
    (root / "inbox" / "b.xlsx").write_bytes(_filled(root, "CD", with_errors=True))
    result = CliRunner().invoke(main, ["--root", str(root), "consolidate", "--year", "2026", "--json"])
    assert result.exit_code == 1  # a file was rejected
    summary = json.loads(result.stdout)
    assert summary["accepted"] == ["MTTQ"]
    assert [(r["file"], r["unit"]) for r in summary["rejected"]] == [("b.xlsx", "CD")]
    codes = {f["code"] for f in summary["rejected"][0]["findings"] if f["severity"] == "error"}
    assert codes == {"missing-value", "not-in-list", "wrong-type", "proposal-not-allowed-for-state"}
    assert len(summary["missing"]) == 37
    assert all((root / p).is_file() for p in summary["outputs"])


def test_consolidate_prints_a_vietnamese_summary(root: Path) -> None:
    (root / "inbox").mkdir()
    (root / "inbox" / "a.xlsx").write_bytes(_filled(root, "MTTQ", with_errors=False))
    code, output = _invoke("--root", str(root), "consolidate", "--year", "2026")
    assert code == 0, output
    assert "Kết quả tổng hợp năm 2026" in output
    assert "Được dùng" in output and "Chưa gửi" in output
    assert "tong-hop-2026.xlsx" in output


def test_check_exit_codes_and_findings(root: Path, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(_filled(root, "HCCB", with_errors=False))
    bad.write_bytes(_filled(root, "HCCB", with_errors=True))
    assert _invoke("--root", str(root), "check", "--year", "2026", str(good))[0] == 0
    code, output = _invoke("--root", str(root), "check", "--year", "2026", str(good), str(bad))
    assert code == 1
    assert "bad.xlsx: bị trả lại" in output and "Sheet “Mô hình”, ô L4" in " ".join(output.split())
    assert "wrong-type" not in output  # codes are for scripts (--json), not for the clerk's screen


def test_demo_runs_the_cycle_and_refuses_foreign_folders(root: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "demo"
    code, output = _invoke("--root", str(root), "demo", "--year", "2026", "--workspace", str(workspace))
    assert code == 0, output
    assert (workspace / "outbox" / "2026" / "bao-cao-tinh-2026.docx").is_file()
    assert "Trả lại" in output and "Trễ hạn" in output and "Chưa gửi" in output
    assert _invoke("--root", str(root), "demo", "--year", "2026", "--workspace", str(workspace))[0] == 0
    foreign = tmp_path / "du-lieu-that"
    foreign.mkdir()
    code, output = _invoke("--root", str(root), "demo", "--year", "2026", "--workspace", str(foreign))
    assert code == 2 and "không phải thư mục chạy thử" in output


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Cách dùng" in done.stdout


def test_check_and_consolidate_report_the_same_findings(root: Path) -> None:
    (root / "inbox").mkdir()
    bad = root / "inbox" / "b.xlsx"
    bad.write_bytes(_filled(root, "CD", with_errors=True))
    (root / "inbox" / "c.txt").write_text("không phải bảng tính", encoding="utf-8")
    consolidated = json.loads(
        CliRunner().invoke(main, ["--root", str(root), "consolidate", "--year", "2026", "--json"]).stdout
    )
    from_json = {(r["file"], f["code"], f["sheet"], f["cell"]) for r in consolidated["rejected"] for f in r["findings"]}
    checked = CliRunner().invoke(
        main, ["--root", str(root), "check", "--year", "2026", "--json", str(bad), str(root / "inbox" / "c.txt")]
    )
    assert checked.exit_code == 1
    from_check = {
        (r["file"], f["code"], f["sheet"], f["cell"])
        for r in json.loads(checked.stdout)["files"]
        for f in r["findings"]
    }
    assert from_check == from_json
    assert {r["file"] for r in json.loads(checked.stdout)["files"]} == {"b.xlsx", "c.txt"}
