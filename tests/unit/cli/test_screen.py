"""What the clerk reads on the terminal: every finding whole, wrapped to the terminal's width."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.cli.screen import wrap
from tests.support.builder import one_returned


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return one_returned(tmp_path / "ws", returned="cuu chien binh.xlsx")


def _run(root: Path, columns: int, *args: str) -> str:
    result = CliRunner().invoke(main, ["--root", str(root), *args], env={"COLUMNS": str(columns)})
    assert result.exit_code in (0, 1), result.output
    return result.output


def _findings(root: Path) -> list[dict[str, str]]:
    summary = json.loads(_run(root, 80, "consolidate", "--year", "2026", "--json"))
    return [f for r in summary["rejected"] for f in r["findings"]]


def _assert_fits(output: str, columns: int) -> None:
    """No line wider than ``columns`` but a single word (a path) the terminal folds, and nothing cut."""
    wide = [line for line in output.splitlines() if len(line) > columns and len(line.split()) > 1]
    assert not wide
    assert "…" not in output


@pytest.mark.parametrize("columns", [60, 200])
@pytest.mark.parametrize("command", ["consolidate", "check"])
def test_every_error_and_warning_is_shown_whole(root: Path, columns: int, command: str) -> None:
    findings = [f for f in _findings(root) if f["severity"] != "info"]
    assert any(len(f["message"] + f["hint"]) > 100 for f in findings)  # longer than any old cut
    args = ("check", "--year", "2026", str(root / "inbox" / "cuu chien binh.xlsx"))
    output = _run(root, columns, *(args if command == "check" else ("consolidate", "--year", "2026")))
    _assert_fits(output, columns)
    joined = " ".join(output.split())
    for f in findings:
        assert f"{f['message']} {f['hint']}" in joined, f["code"]
        assert f["code"] not in joined  # codes stay in --json
    assert "(và " not in joined


@pytest.mark.parametrize("columns", [60, 200])
def test_status_fits_the_terminal(root: Path, columns: int) -> None:
    _run(root, 80, "consolidate", "--year", "2026")
    _assert_fits(_run(root, columns, "status", "--year", "2026"), columns)


def test_the_mail_table_keeps_its_rule_within_the_terminal(root: Path) -> None:
    _run(root, 80, "consolidate", "--year", "2026")
    output = _run(root, 60, "mail", "feedback", "--year", "2026")
    rule = next(line for line in output.splitlines() if line.startswith("----"))
    assert len(rule) <= 60 and "Đã viết thư nháp" in output
    table = output.split(rule, 1)[1].split("\n\n", 1)[0].strip("\n").splitlines()
    # Each row starts with its unit's code; a row continued below is indented, never at column 0.
    assert table and all(re.match(r"[A-Z][A-Z0-9-]* ", line) or line.startswith("    ") for line in table), table
    _assert_fits(output, 60)


def test_wrap_keeps_every_word_and_the_item_indent() -> None:
    line = "  - Lỗi: " + " ".join(f"từ{n}" for n in range(40))
    wrapped = wrap(line + "\n\nngắn", 30).split("\n")
    assert max(map(len, wrapped)) <= 30
    assert wrapped[-2:] == ["", "ngắn"]
    assert all(w.startswith("    ") for w in wrapped[1:-2])  # continued under the item's text
    assert " ".join(" ".join(wrapped[:-2]).split()) == " ".join(line.split())
    assert wrap("  - /a/very/long/path/of/a/file.xlsx end", 10).split("\n") == [
        "  - /a/very/long/path/of/a/file.xlsx",
        "    end",
    ]


def test_a_wide_table_keeps_its_columns_and_wraps_its_last_under_itself() -> None:
    from pipeline.run.render import table

    label = "Trả lại, đã thay bằng “Bao cao DVK khu pho Kim Chau (da sua lan 2).xlsx”"
    text = table(("Tệp", "Đơn vị", "Kết quả"), [("kim-chau.xlsx", "KP-BD02", label), ("a.xlsx", "HND", "Được dùng")])
    lines = wrap(text, 60).splitlines()

    start = text.splitlines()[1].rindex("  -") + 2  # where the last column starts
    assert lines[1] == text.splitlines()[1][:60].rstrip() and set(lines[1]) <= {"-", " "}
    assert all(len(line) <= 60 for line in lines)
    assert lines[2].startswith("kim-chau.xlsx  KP-BD02") and lines[2][start:].startswith("Trả lại")
    continued = lines[3 : lines.index(next(li for li in lines if li.startswith("a.xlsx")))]
    assert continued and all(li[:start].strip() == "" and li[start:].strip() for li in continued)
    assert " ".join([lines[2][start:], *(li[start:] for li in continued)]) == label
    assert wrap(text, 200) == text  # wide enough: untouched
