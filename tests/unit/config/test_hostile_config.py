"""A config that explodes or breaks the code: each is refused through the command line with exit 2
and a short message naming the file and the key, in bounded memory (issue 17, class 3)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli.main import main
from tests.support.builder import edit_config
from tests.support.procs import run_measured

REPO = Path(__file__).parents[3]
SHORT = 500  # characters: what a config error may print at most
KIM_CHAU = "name: Chi bộ khu phố Kim Châu,"  # units[1] of the shipped units.yaml


def _dvk(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), *args])


def _refused(outcome: Result, name: str, key: str) -> str:
    """The message of a config error: exit 2, short, naming ``config/<name>`` and the key path
    (its beginning; "" for the file's top level)."""
    assert outcome.exit_code == 2, outcome.output[:SHORT]
    assert len(outcome.output) < SHORT, outcome.output[:SHORT]
    where = f"khóa “{key}" if key else "nội dung tệp: "
    assert f"Lỗi cấu hình: config/{name}: {where}" in outcome.output
    return outcome.output


def _alias_bomb(levels: int) -> str:
    """A value of nine “lol”s, then ``levels - 1`` lists of nine aliases of the one before: 9**levels strings."""
    parts = ["&a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    parts += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "[" + ", ".join(parts) + "]"


# --------------------------------------------------------------------------- values that explode


def test_an_alias_bomb_is_refused_before_it_expands_in_bounded_memory(root: Path) -> None:
    """Eight levels: 43 million strings once expanded (7 GB of memory and 800 MB of message before)."""
    edit_config(root, "units.yaml", "default_min_models: 1", f"default_min_models: {_alias_bomb(8)}")
    command = [sys.executable, "-m", "pipeline", "--root", str(root), "status", "--year", "2026"]
    run = run_measured(command, cwd=REPO, memory_limit=1 << 30)
    assert run.returncode == 2, run.stderr[:SHORT]
    assert len(run.stdout + run.stderr) < SHORT
    assert "config/units.yaml: khóa “default_min_models[" in run.stderr
    assert "quá 500.000 giá trị khi trải các tham chiếu" in run.stderr
    assert run.peak_mb < 150, f"peak RSS {run.peak_mb:.0f} MB"


def test_the_peak_measured_is_the_commands_own_not_the_test_process_s(root: Path) -> None:
    """CI measured 157 MB for the bomb above: a child forked from a big pytest process starts with the
    parent's resident pages, and Linux keeps that peak across ``exec``."""
    ballast = b"x" * (300 << 20)  # written, so resident
    command = [sys.executable, "-m", "pipeline", "--root", str(root), "status", "--year", "2026"]
    run = run_measured(command, cwd=REPO, memory_limit=1 << 30)
    assert run.returncode in (0, 1), run.stderr[:SHORT]
    assert 10 < run.peak_mb < 150, f"peak RSS {run.peak_mb:.0f} MB beside {len(ballast) >> 20} MB held here"


def test_a_value_expanded_within_the_budget_is_quoted_short(root: Path) -> None:
    """59,000 strings through aliases are read (a clerk may share a block with ``&name`` and ``*name``),
    but the message that refuses them as a number quotes only a few."""
    edit_config(root, "units.yaml", "default_min_models: 1", f"default_min_models: {_alias_bomb(5)}")
    message = _refused(_dvk(root, "status", "--year", "2026"), "units.yaml", "default_min_models”")
    assert "phải là một số nguyên (đang là “[['lol'," in message


@pytest.mark.parametrize(
    "nesting",
    [
        pytest.param("[" * 5000 + "]" * 5000, id="flow"),
        pytest.param("".join(f"\n{' ' * i}- " for i in range(1, 1000)) + "x", id="block"),
    ],
)
def test_a_file_nested_a_thousand_deep_is_refused(root: Path, nesting: str) -> None:
    edit_config(root, "units.yaml", "default_min_models: 1", f"default_min_models: {nesting}")
    message = _refused(_dvk(root, "status", "--year", "2026"), "units.yaml", "default_min_models[0]")
    assert "các giá trị lồng nhau quá 50 cấp" in message


def test_a_runaway_key_is_refused_and_not_printed(root: Path) -> None:
    edit_config(root, "units.yaml", "default_min_models: 1", f"default_min_models: 1\n{'k' * 1000}: 1")
    message = _refused(_dvk(root, "status", "--year", "2026"), "units.yaml", "")
    assert "có một khóa dài quá 200 ký tự" in message


def test_a_file_too_large_for_a_config_is_refused(root: Path) -> None:
    with (root / "config" / "calendar.yaml").open("a", encoding="utf-8") as file:
        file.write(("# " + "x" * 1022 + "\n") * 16 * 1024)
    outcome = _dvk(root, "status", "--year", "2026")
    assert outcome.exit_code == 2 and len(outcome.output) < SHORT
    assert "config/calendar.yaml: tệp lớn quá 16 MB" in outcome.output


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("2026-02-30", "2026-02-30", id="no-such-day"),
        pytest.param("9" * 5000, "99999", id="5000-digits"),
    ],
)
def test_a_value_python_cannot_build_is_a_config_error_at_its_line(root: Path, value: str, shown: str) -> None:
    edit_config(root, "calendar.yaml", "units_deadline: 2026-11-25", f"units_deadline: {value}")
    lines = (root / "config" / "calendar.yaml").read_text(encoding="utf-8").splitlines()
    number = next(i for i, text in enumerate(lines, 1) if value in text)
    outcome = _dvk(root, "status", "--year", "2026")
    assert outcome.exit_code == 2 and len(outcome.output) < SHORT, outcome.output[:SHORT]
    assert f"config/calendar.yaml: lỗi cú pháp YAML (dòng {number}," in outcome.output
    assert f"giá trị “{shown}" in outcome.output and "không đọc được" in outcome.output


# --------------------------------------------------------------------------- characters no one types


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("templates", "--year", "2026"), id="templates"),
        pytest.param(("consolidate", "--year", "2026"), id="consolidate"),
        pytest.param(("mail", "templates", "--year", "2026"), id="mail"),
    ],
)
def test_a_control_character_in_a_units_name_stops_no_command_with_a_traceback(
    root: Path, command: tuple[str, ...]
) -> None:
    edit_config(root, "units.yaml", KIM_CHAU, 'name: "Chi bộ khu phố Kim\\aChâu",')
    message = _refused(_dvk(root, *command), "units.yaml", "units[1].name”")
    assert "có ký tự điều khiển, không in được (mã U+0007) ở vị trí thứ 19" in message


@pytest.mark.parametrize(
    ("escaped", "problem"),
    [
        pytest.param("\\x7f", "(mã U+007F)", id="delete"),
        pytest.param("\\x85", "(mã U+0085)", id="c1-next-line"),
        pytest.param("\\uFFFE", "(mã U+FFFE)", id="noncharacter"),
        pytest.param("\\x1b[31m", "(mã U+001B)", id="terminal-escape"),
        pytest.param("\\r\\nBcc: a@x.example", "phải nằm trên một dòng", id="header-injection"),
        pytest.param("\\t", "phải nằm trên một dòng", id="tab"),
    ],
)
def test_a_name_that_cannot_be_written_is_refused(root: Path, escaped: str, problem: str) -> None:
    edit_config(root, "units.yaml", KIM_CHAU, f'name: "Chi bộ khu phố Kim{escaped}Châu",')
    message = _refused(_dvk(root, "templates", "--year", "2026"), "units.yaml", "units[1].name”")
    assert problem in message
    assert "\x1b" not in message and "\r" not in message


# --------------------------------------------------------------------------- numbers out of range


@pytest.mark.parametrize(
    ("name", "old", "new", "key", "problem"),
    [
        pytest.param(
            "units.yaml",
            "default_min_models: 1",
            "default_min_models: -5",
            "default_min_models",
            "phải là một số nguyên không nhỏ hơn 0 (đang là -5)",
            id="default-min-models-negative",
        ),
        pytest.param(
            "units.yaml",
            KIM_CHAU,
            KIM_CHAU + " min_models: -1,",
            "units[1].min_models",
            "không nhỏ hơn 0",
            id="unit-min-models-negative",
        ),
        pytest.param(
            "template.yaml",
            "    rows: 30",
            "    rows: 100000000",
            "sheets[1].rows",
            "từ 0 đến 1.000",
            id="table-rows-huge",
        ),
        pytest.param(
            "template.yaml",
            "        max_length: 100",
            "        max_length: 0",
            "sheets[0].fields[2].max_length",
            "từ 1 đến 32.767",
            id="max-length-zero",
        ),
        pytest.param(
            "template.yaml",
            "        width: 80",
            "        width: -3",
            "sheets[0].fields",
            "từ 1 đến 255",
            id="width-negative",
        ),
        pytest.param(
            "template.yaml",
            "        min: 2000\n        max: 2031\n",
            "        min: 2031\n        max: 2000\n",
            "sheets[1].fields[4].max",
            "giá trị lớn nhất (2000) nhỏ hơn giá trị nhỏ nhất “min” (2031)",
            id="min-above-max",
        ),
        pytest.param(
            "criteria.yaml",
            "label: Bền vững, max: 20}",
            "label: Bền vững, max: .nan}",
            "sets.collectives.criteria[4].max",
            "phải là một số (đang là “nan”)",
            id="criterion-max-not-a-number",
        ),
        pytest.param(
            "criteria.yaml",
            "{label: Không đạt, min: 0}",
            "{label: Không đạt, min: -10}",
            "classification[3].min",
            "không nhỏ hơn 0",
            id="class-minimum-negative",
        ),
        pytest.param(
            "organization.yaml",
            "body_size: 14",
            "body_size: 0",
            "document.body_size",
            "từ 8 đến 20",
            id="font-size-zero",
        ),
        pytest.param(
            "organization.yaml",
            "left: 30,",
            "left: -30,",
            "document.margins_mm.left",
            "từ 0 đến 60",
            id="margin-negative",
        ),
        pytest.param(
            "calendar.yaml",
            "  2026:",
            "  0:",
            "years.0",
            "năm phải là một số từ 2000 đến 2100",
            id="year-zero",
        ),
        pytest.param(
            "mail.yaml",
            "  retries: 3",
            "  retries: 1000000",
            "sending.retries",
            "từ 0 đến 10",
            id="retries-huge",
        ),
        pytest.param(
            "mail.yaml",
            "  messages_per_minute: 20",
            "  messages_per_minute: .inf",
            "sending.messages_per_minute",
            "phải là một số (đang là “inf”)",
            id="rate-infinite",
        ),
    ],
)
def test_a_number_out_of_range_is_refused(root: Path, name: str, old: str, new: str, key: str, problem: str) -> None:
    edit_config(root, name, old, new)
    message = _refused(_dvk(root, "templates", "--year", "2026"), name, key)
    assert problem in message
