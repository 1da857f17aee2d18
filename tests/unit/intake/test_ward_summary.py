"""Roll-up: three wards consolidate, send their signed summaries up, and the province consolidates."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.main import main
from pipeline.config import Config, ConfigError, load_config
from pipeline.core import layout
from pipeline.core.paths import KEY_FILE, SUMMARY_FILE
from pipeline.core.textnorm import unaccented
from pipeline.core.upward import derive_key, parse_key
from pipeline.outputs.xlsx.template import template_bytes
from pipeline.run.cycle import RunResult, run_consolidation
from pipeline.run.receipt import check_file
from pipeline.tools.demo import build_demo
from pipeline.tools.demo_council import COUNCIL_COPY, consolidate_demo
from pipeline.tools.demo_rollup import DemoWard, build_rollup_demo
from pipeline.year.consolidate import ITEM_SHEETS
from pipeline.year.item_index import RESOURCE_KEYS
from pipeline.year.stats import statistics
from tests.support.builder import (
    PROVINCE_CONFIG,
    REPO,
    copy_secret,
    drop_file,
    morning_of,
    received_at,
    rollup_config,
    rollup_workspace,
    ward_with_reports,
)

YEAR = 2026
# Each ward of the test: its code at the province and the units of the ward that report.
WARDS = {
    "PH-BINHDINH": ("KP-BD01", "HLHPN", "DTN"),
    "PH-ANNHON": ("TH-NK01", "HND"),
    "PH-ANNHONDONG": ("TH-NP01", "MTTQ", "CD"),
}
ADDITIVE = ("models_total", "models_new", "models_continuing", "collectives_total", "individuals_total")


@dataclass(frozen=True)
class Rollup:
    province: Path
    config: Config
    result: RunResult
    wards: dict[str, RunResult]
    ward_configs: dict[str, Config]

    def summary_of(self, ward: str) -> Path:
        return self.province / "inbox" / f"{ward}.xlsx"


def _run_ward(
    root: Path, ward: str, units: tuple[str, ...], key: bytes | None, year: int = YEAR
) -> tuple[Config, RunResult]:
    """A ward workspace whose units filled their templates with the demo's realistic answers, consolidated."""
    config = ward_with_reports(root, ward, units, key, year)
    return config, run_consolidation(root, config, year, dt.date(year, 12, 5))


def _run_province(root: Path, config: Config) -> RunResult:
    return run_consolidation(root, config, YEAR, dt.date(YEAR, 12, 15), now=dt.datetime(YEAR, 12, 10, 17))


def _send(summary: Path, root: Path, name: str, day: dt.date = dt.date(YEAR, 12, 1)) -> Path:
    """``summary`` received in ``root``'s inbox as ``name`` on ``day``."""
    return drop_file(root, name, summary.read_bytes(), morning_of(day))


@pytest.fixture(scope="module")
def rollup(tmp_path_factory: pytest.TempPathFactory) -> Rollup:
    base = tmp_path_factory.mktemp("rollup")
    province = base / "tinh"
    config = rollup_workspace(province, PROVINCE_CONFIG)
    wards, ward_configs = {}, {}
    for ward, units in WARDS.items():
        root = base / ward
        ward_configs[ward], wards[ward] = _run_ward(root, ward, units, derive_key(config.secret, ward).key)
        _send(root / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR), province, f"{ward}.xlsx")
    return Rollup(province, config, _run_province(province, config), wards, ward_configs)


def _values(path: Path, title: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb[title].iter_rows(values_only=True))
    finally:
        wb.close()


def _rows(path: Path, title: str) -> list[dict[str, Any]]:
    """A sheet of a summary as dicts by header (openpyxl, independent of the pipeline's reader)."""
    rows = _values(path, title)
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:] if any(v is not None for v in row)]


def _province_copy(rollup: Rollup, root: Path) -> Path:
    """Another workspace of the same province (its secret, so its wards' keys verify), inbox empty."""
    copy_secret(rollup.province, root)
    return rollup_config(root, PROVINCE_CONFIG)


def _province_summary(rollup: Rollup) -> Path:
    return rollup.province / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR)


# --------------------------------------------------------------------------- figures


def test_every_ward_summary_is_accepted_and_the_wards_are_the_units(rollup: Rollup) -> None:
    result = rollup.result
    assert sorted(s.unit_code for s in result.submissions if s.accepted) == sorted(WARDS)
    assert result.pending_rejections() == []
    statuses = {u.unit.code: u.status for u in result.consolidation.units}
    assert statuses == {
        "PH-BINHDINH": "on-time",
        "PH-ANNHON": "on-time",
        "PH-ANNHONDONG": "on-time",
        "PH-QUYNHON": "missing",
        "PH-PLEIKU": "missing",
        "XA-TUYPHUOC": "missing",
    }


def test_province_figures_are_the_sums_of_the_wards(rollup: Rollup) -> None:
    province = statistics(rollup.result.consolidation, rollup.config).figures
    wards = [statistics(r.consolidation, rollup.ward_configs[w]).figures for w, r in rollup.wards.items()]
    counted = [k for k in province if k.startswith("activity_") and not k.startswith("activity_reported_")]
    keys = [*ADDITIVE, *RESOURCE_KEYS, *counted]
    assert province["models_total"] > 0
    for key in keys:
        assert province[key] == pytest.approx(sum(w[key] for w in wards)), key
    # "Có" answers of the wards' units add up; what reports carry a field counts the wards' summaries.
    assert province["activity_own_plan"] == sum(w["activity_own_plan"] for w in wards) > 0
    assert province["activity_reported_own_plan"] == len(WARDS)


def test_province_models_by_ward_field_and_kind_match_the_ward_summaries(rollup: Rollup) -> None:
    """Counted from the workbooks themselves: the wards' summaries against the province's."""
    province_file = _province_summary(rollup)
    for kind in ITEM_SHEETS:
        title = rollup.config.template.sheet(kind).title
        province_rows = _rows(province_file, title)
        ward_rows = {w: _rows(rollup.summary_of(w), title) for w in WARDS}
        assert Counter(r["Mã đơn vị"] for r in province_rows) == Counter(
            {w: len(rows) for w, rows in ward_rows.items() if rows}
        )
        by_field = Counter(r["Lĩnh vực"] for rows in ward_rows.values() for r in rows)
        assert Counter(r["Lĩnh vực"] for r in province_rows) == by_field
    models = _rows(province_file, rollup.config.template.sheet("models").title)
    assert sum(1 for _ in models) == sum(len(r.consolidation.models) for r in rollup.wards.values())


def test_items_keep_their_fields_and_point_to_the_ward_file_and_row(rollup: Rollup) -> None:
    title = rollup.config.template.sheet("models").title
    province_rows = _rows(_province_summary(rollup), title)
    assert province_rows
    for row in province_rows:
        assert row["Tệp nguồn"] == f"{row['Mã đơn vị']}.xlsx" and row["Sheet nguồn"] == title
        values = _values(rollup.summary_of(row["Mã đơn vị"]), title)
        source = dict(zip(values[0], values[row["Dòng nguồn"] - 1], strict=False))
        for header in ("Tên mô hình", "Lĩnh vực", "Tình trạng", "Kinh phí (đồng)", "Ngày công", "Đề xuất"):
            assert source[header] == row[header], header
        # The province issues its own codes: the ward's code stays with the ward's register.
        assert row["Mã mô hình"].startswith("MH-")


def test_province_summary_is_itself_a_valid_summary_for_the_next_level(rollup: Rollup, tmp_path: Path) -> None:
    """A national installation, whose units are provinces, consolidates the province's summary."""
    national = tmp_path / "quoc-gia"
    config = rollup_workspace(national, PROVINCE_CONFIG)
    units = (national / "config" / "units.yaml").read_text(encoding="utf-8")
    (national / "config" / "units.yaml").write_text(
        units.replace("PH-PLEIKU, name: Đảng bộ phường Pleiku", "TINH-GL, name: Đảng bộ tỉnh Gia Lai"), encoding="utf-8"
    )
    config = load_config(national)
    province = _province_copy(rollup, tmp_path / "tinh")
    shutil.copytree(rollup.province / "inbox", province / "inbox", copy_function=shutil.copy2)
    (province / KEY_FILE).write_text(derive_key(config.secret, "TINH-GL").file_text(), encoding="utf-8")
    _run_province(province, load_config(province))
    _send(province / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR), national, "gia-lai.xlsx")
    result = run_consolidation(national, config, YEAR, None, now=dt.datetime(YEAR, 12, 10, 17))
    assert [s.unit_code for s in result.submissions if s.accepted] == ["TINH-GL"]
    assert len(result.consolidation.models) == len(rollup.result.consolidation.models)
    # The province's column of a yes/no field holds each ward's count: added up as it is.
    national_figures = statistics(result.consolidation, config).figures
    province_figures = statistics(rollup.result.consolidation, rollup.config).figures
    assert national_figures["activity_own_plan"] == province_figures["activity_own_plan"] > 0


def test_year_on_year_comes_from_the_province_register(rollup: Rollup, tmp_path: Path) -> None:
    """Last year's wards' summaries, received in last year's cycle, are the comparison of this year."""
    root = _province_copy(rollup, tmp_path / "tinh")
    last_year = 0
    for ward, units in (("PH-BINHDINH", ("KP-BD01", "HLHPN")), ("PH-ANNHON", ("HND",))):
        ward_root = tmp_path / ward
        _, result = _run_ward(ward_root, ward, units, derive_key(rollup.config.secret, ward).key, year=YEAR - 1)
        last_year += len(result.consolidation.models)
        summary = ward_root / "outbox" / str(YEAR - 1) / SUMMARY_FILE.format(year=YEAR - 1)
        _send(summary, root, f"{ward}-{YEAR - 1}.xlsx", dt.date(YEAR - 1, 12, 1))
    config = load_config(root)
    run_consolidation(root, config, YEAR - 1, None, now=dt.datetime(YEAR - 1, 12, 10, 17))
    shutil.rmtree(root / "inbox")  # the archive keeps last year's files
    for ward in WARDS:
        _send(rollup.summary_of(ward), root, f"{ward}.xlsx")
    _run_province(root, config)
    rows = _values(root / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR), "Thống kê")
    start = next(i for i, row in enumerate(rows) if row[0] == f"So sánh với năm {YEAR - 1}")
    compared = next(row for row in rows[start:] if row[0] == "Tổng số mô hình")
    this_year = len(rollup.result.consolidation.models)
    assert last_year > 0 and compared[1:4] == (last_year, this_year, this_year - last_year)


def test_summaries_of_an_earlier_template_are_read_by_a_province_on_a_newer_one(rollup: Rollup, tmp_path: Path) -> None:
    """The province's template gained a field since the wards' summaries were made: they are read
    without it (no missing column), and its figure is 0 with no report carrying it."""
    root = _province_copy(rollup, tmp_path / "tinh")
    schema = root / "config" / "template.yaml"
    text = schema.read_text(encoding="utf-8").replace('version: "2026.2"\nearlier_versions: ["2026.1"]', "")
    newer = 'version: "2026.3"\nearlier_versions: ["2026.1", "2026.2"]\n' + text
    added = "      - {key: forums, label: Số diễn đàn với Nhân dân, type: integer, required: true, since: '2026.3'}\n"
    schema.write_text(newer + added, encoding="utf-8")
    config = load_config(root)
    assert config.template.version == "2026.3"
    for ward in WARDS:
        _send(rollup.summary_of(ward), root, f"{ward}.xlsx")
    result = _run_province(root, config)
    assert sorted(s.unit_code for s in result.submissions if s.accepted) == sorted(WARDS)
    figures = statistics(result.consolidation, config).figures
    before = statistics(rollup.result.consolidation, rollup.config).figures
    assert (figures["activity_forums"], figures["activity_reported_forums"]) == (0, 0)
    assert figures["activity_own_plan"] == before["activity_own_plan"] > 0


# --------------------------------------------------------------------------- refusals


def _check(rollup: Rollup, path: Path, year: int = YEAR) -> list[str]:
    submission = check_file(path, path.name, rollup.config, year)
    return [f.code for f in submission.findings if f.severity == "error"]


def _edited(source: Path, target: Path, sheet: str, cell: str, value: Any) -> Path:
    wb = openpyxl.load_workbook(source)
    wb[sheet][cell] = value
    wb.save(target)
    return target


def test_a_resaved_unchanged_summary_is_still_accepted(rollup: Rollup, tmp_path: Path) -> None:
    """The digest is over the values a reader sees, not the bytes: Excel's re-save is harmless."""
    wb = openpyxl.load_workbook(rollup.summary_of("PH-ANNHON"))
    wb.save(tmp_path / "resaved.xlsx")
    assert _check(rollup, tmp_path / "resaved.xlsx") == []


def test_an_edited_figure_is_refused(rollup: Rollup, tmp_path: Path) -> None:
    title = rollup.config.template.sheet("models").title
    rows = _rows(rollup.summary_of("PH-ANNHON"), title)
    column = list(rows[0]).index("Ngày công") + 1
    path = _edited(rollup.summary_of("PH-ANNHON"), tmp_path / "sua.xlsx", title, f"{chr(64 + column)}2", 99_999)
    assert _check(rollup, path) == ["summary-edited"]


def test_an_edited_identity_is_refused(rollup: Rollup, tmp_path: Path) -> None:
    """Claiming to be another ward (the digest still matches) breaks the signature."""
    path = _edited(rollup.summary_of("PH-ANNHON"), tmp_path / "gia.xlsx", layout.META_SHEET, "B3", "PH-BINHDINH")
    assert _check(rollup, path) == ["summary-signature-invalid"]


def test_a_tampered_summary_in_the_inbox_is_refused_and_the_others_still_count(rollup: Rollup, tmp_path: Path) -> None:
    root = _province_copy(rollup, tmp_path / "tinh")
    config = load_config(root)
    _send(rollup.summary_of("PH-BINHDINH"), root, "binh-dinh.xlsx")
    title = config.template.sheet("models").title
    _edited(rollup.summary_of("PH-ANNHON"), root / "inbox" / "an-nhon.xlsx", title, "A2", "PH-BINHDINH")
    received_at(root / "inbox" / "an-nhon.xlsx", morning_of(dt.date(YEAR, 12, 1)))
    result = _run_province(root, config)
    rejected = result.pending_rejections()
    assert [s.source.name for s in rejected] == ["an-nhon.xlsx"]
    assert [f.code for f in rejected[0].findings] == ["summary-edited"]
    assert len(result.consolidation.models) == len(rollup.wards["PH-BINHDINH"].consolidation.models)


def test_a_summary_signed_with_a_foreign_key_is_refused(rollup: Rollup, tmp_path: Path) -> None:
    """A ward whose key another province issued (or that made its own) is not this province's ward."""
    root = tmp_path / "ward"
    _, result = _run_ward(root, "PH-ANNHON", ("HND",), derive_key(b"another province", "PH-ANNHON").key)
    summary = root / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR)
    assert result.outputs and _check(rollup, summary) == ["summary-signature-invalid"]


def test_a_ward_missing_from_the_units_is_refused(rollup: Rollup, tmp_path: Path) -> None:
    root = tmp_path / "ward"
    _run_ward(root, "PH-NHONHUNG", ("HND",), derive_key(rollup.config.secret, "PH-NHONHUNG").key)
    assert _check(rollup, root / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR)) == ["summary-unknown-ward"]


def test_a_summary_without_upward_key_is_refused(rollup: Rollup, tmp_path: Path) -> None:
    root = tmp_path / "ward"
    _run_ward(root, "PH-ANNHON", ("HND",), None)
    assert _check(rollup, root / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR)) == ["summary-unsigned"]


def test_another_years_summary_is_refused(rollup: Rollup) -> None:
    assert _check(rollup, rollup.summary_of("PH-ANNHON"), year=2025) == ["summary-wrong-year"]


def test_a_unit_template_in_the_province_inbox_is_refused(rollup: Rollup, tmp_path: Path) -> None:
    ward_config = rollup.ward_configs["PH-ANNHON"]
    unit = ward_config.units.get("HND")
    assert unit is not None
    path = tmp_path / "HND.xlsx"
    path.write_bytes(template_bytes(ward_config, unit, YEAR))
    submission = check_file(path, path.name, rollup.config, YEAR)
    assert [f.code for f in submission.findings] == ["not-a-ward-summary"]
    assert "mẫu biểu của một đơn vị" in submission.findings[0].message


# --------------------------------------------------------------------------- determinism, keys, demo


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_rerun_gives_byte_identical_province_outputs(rollup: Rollup) -> None:
    outbox, inbox = rollup.province / "outbox" / str(YEAR), rollup.province / "inbox"
    before, inbox_before = _hashes(outbox), _hashes(inbox)
    _run_province(rollup.province, rollup.config)
    assert _hashes(outbox) == before and _hashes(inbox) == inbox_before


def test_ward_summary_carries_a_signed_meta(rollup: Rollup) -> None:
    wb = openpyxl.load_workbook(rollup.summary_of("PH-BINHDINH"))
    meta = wb[layout.META_SHEET]
    assert meta.sheet_state == "hidden"
    values = {row[0]: row[1] for row in meta.iter_rows(values_only=True)}
    assert list(values) == list(layout.SUMMARY_META_KEYS)
    assert values["kind"] == layout.META_KIND_WARD_SUMMARY and values["unit_code"] == "PH-BINHDINH"
    assert values["year"] == str(YEAR) and len(values["digest"]) == 64 and len(values["signature"]) == 32


def test_upward_key_command_writes_one_key_per_ward(rollup: Rollup, tmp_path: Path) -> None:
    root = tmp_path / "tinh"
    config = rollup_workspace(root, PROVINCE_CONFIG)
    result = CliRunner().invoke(main, ["--root", str(root), "upward-key", "PH-ANNHON", "PH-PLEIKU"])
    assert result.exit_code == 0, result.output
    folder = root / "outbox" / "khoa-gui-len"
    assert sorted(p.name for p in folder.iterdir()) == ["PH-ANNHON.key", "PH-PLEIKU.key"]
    key = parse_key((folder / "PH-ANNHON.key").read_text(encoding="utf-8"), folder)
    assert key == derive_key(config.secret, "PH-ANNHON")
    unknown = CliRunner().invoke(main, ["--root", str(root), "upward-key", "PH-KHONGCO"])
    assert unknown.exit_code == 2 and "PH-KHONGCO" in unknown.output


def test_templates_are_not_issued_at_province_level(rollup: Rollup) -> None:
    result = CliRunner().invoke(main, ["--root", str(rollup.province), "templates", "--year", str(YEAR)])
    assert result.exit_code == 2 and "cấp tỉnh không tạo mẫu biểu" in result.output
    assert not (rollup.province / "outbox" / str(YEAR) / "mau-bieu").exists()


def test_rollup_demo_sends_three_wards_up(config: Config, tmp_path: Path) -> None:
    """The demo's machinery on three small wards (every 13th unit each) instead of the full ones; the
    first ward is a copy of a ward demo made before, as ``make demo`` does."""
    wards = tuple(
        DemoWard(code, f"ĐẢNG ỦY {name.upper()}", name, name, 13, offset, f"{code}/", late)
        for offset, (code, name, late) in enumerate(
            [
                ("PH-BINHDINH", "phường Bình Định", 0),
                ("PH-ANNHON", "phường An Nhơn", 0),
                ("PH-ANNHONDONG", "phường An Nhơn Đông", 2),
            ]
        )
    )
    seen: list[str] = []

    def consolidate(root: Path, ward_config: Config) -> None:
        """As ``dvk demo-rollup`` does: consolidate, record the council's decisions, consolidate again."""
        seen.append(ward_config.organization.ward_name)
        consolidate_demo(root, ward_config, YEAR)

    ward_demo = tmp_path / "ward-demo"
    build_demo(config, YEAR, ward_demo, adapt=lambda root: _keep_every(root / "config" / "units.yaml", 13))
    built = build_rollup_demo(config, YEAR, tmp_path / "demo", consolidate, wards, ward_demo)
    assert seen == ["phường Bình Định", "phường An Nhơn", "phường An Nhơn Đông"]
    council = COUNCIL_COPY.format(year=YEAR)  # the decisions the demo's council recorded at the ward
    assert sorted(p.name for p in (built.ward_roots[0] / "inbox").iterdir() if p.name != council) == sorted(
        p.name for p in (ward_demo / "inbox").iterdir()
    )
    result = _run_province(built.province_root, built.province_config)
    statuses = {u.unit.code: u.label for u in result.consolidation.units if u.status != "missing"}
    assert statuses == {"PH-BINHDINH": "Đúng hạn", "PH-ANNHON": "Đúng hạn", "PH-ANNHONDONG": "Trễ hạn 2 ngày"}
    total = sum(
        len(_rows(root / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR), "Mô hình")) for root in built.ward_roots
    )
    assert len(result.consolidation.models) == total > 0
    # What each ward's steering committee recognised and commended, from its summary's decisions
    # column (read here with openpyxl), is the province's by-ward count.
    stats = statistics(result.consolidation, built.province_config)
    by_ward = {row[0]: row[5:7] for row in stats.table("by_ward").rows}
    expected = {}
    for root, ward in zip(built.ward_roots, wards, strict=True):
        said = [
            set(str(row.get(layout.DECISION_HEADER) or "").split("; "))
            for title in ("Mô hình", "Điển hình tập thể", "Điển hình cá nhân")
            for row in _rows(root / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR), title)
        ]
        name = built.province_config.units.get(ward.code).name
        expected[name] = (
            sum(bool(d & {"Công nhận", "Công nhận lại"}) for d in said),
            sum(bool(d & {"Biểu dương", "Khen thưởng"}) for d in said),
        )
    assert {name: by_ward[name] for name in expected} == expected
    assert sum(recognised for recognised, _ in expected.values()) > 0  # the councils recognised some items


def test_the_level_is_ward_or_province(tmp_path: Path) -> None:
    config = rollup_workspace(tmp_path / "tinh", PROVINCE_CONFIG)
    assert config.organization.is_province and not load_config(REPO).organization.is_province
    organization = tmp_path / "tinh" / "config" / "organization.yaml"
    organization.write_text(
        organization.read_text(encoding="utf-8").replace("level: province", "level: huyen"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"config/organization.yaml: khóa “level”.*ward, province"):
        load_config(tmp_path / "tinh")


def test_a_damaged_key_file_is_a_config_error(tmp_path: Path) -> None:
    rollup_workspace(tmp_path, PROVINCE_CONFIG)
    (tmp_path / KEY_FILE).write_text("unit: PH-ANNHON\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"upward-key.*không đúng dạng"):
        load_config(tmp_path)


def _keep_every(path: Path, step: int) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["units"] = data["units"][::step]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("Tổ tự quản\r\nsố 1", id="line-break"),
        pytest.param(" khoảng trắng ", id="spaces"),
        pytest.param(0.1 + 0.2, id="float-digits"),
        pytest.param(45.5, id="decimal"),
        pytest.param(12_000_000, id="integer"),
        pytest.param(12_000_000.0, id="whole-float"),
        pytest.param(dt.date(2026, 11, 20), id="date"),
        pytest.param(dt.datetime(2026, 11, 20, 9, 30), id="datetime"),
        pytest.param(None, id="blank"),
    ],
)
def test_the_writer_and_the_reader_agree_on_the_digest(value: Any, tmp_path: Path) -> None:
    """The ward digests openpyxl's cells in memory; the province digests what its reader gets from the file."""
    from pipeline.core.upward import content_digest
    from pipeline.intake.receive import receive

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Tên", "Giá trị", "Sau"])
    ws.append(["a", value, "b"])
    ws.append(["c", value])
    written = content_digest((sheet.title, sheet.iter_rows(values_only=True)) for sheet in wb.worksheets)
    wb.save(tmp_path / "t.xlsx")
    received = receive(tmp_path / "t.xlsx", "t.xlsx")
    assert received.workbook is not None
    assert content_digest((s.name, s.rows) for s in received.workbook.sheets) == written
    ws["B2"] = "sửa"
    assert content_digest((sheet.title, sheet.iter_rows(values_only=True)) for sheet in wb.worksheets) != written


def test_key_files_are_read_back_exactly() -> None:
    key = derive_key(b"secret", "PH-ANNHON")
    assert parse_key(key.file_text(), Path("k")) == key
    with pytest.raises(ValueError, match="không đúng dạng"):
        parse_key("unit: PH-ANNHON\nkey: 12ab\n", Path("k"))


def test_province_report_speaks_as_the_province(rollup: Rollup) -> None:
    """The report's voice and the former-area table come from the province's config, not the ward's words."""
    import docx

    report = rollup.province / "outbox" / str(YEAR) / f"bao-cao-tinh-{YEAR}.docx"
    doc = docx.Document(str(report))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy báo cáo kết quả" in text
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy báo cáo Ban Tuyên giáo và Dân vận Trung ương./." in text
    assert "Đảng ủy tỉnh" not in text
    # Units that issued their own plan are counted over the wards that reported, never "units/wards".
    assert re.search(r"Tại \d+ phường, xã đã báo cáo, có \d+ chi bộ, đảng bộ, cơ quan, tổ chức cơ sở ban hành", text)
    assert not re.search(r"Có [\d.]+/\d+ ", text)
    # The drafted written parts speak of wards too (the units' own statements are quoted as written).
    drafted = [line for line in text.splitlines() if not line.startswith("- ")]
    assert not [line for line in drafted if "cơ quan, đơn vị, địa phương" in line]
    origin = next(t for t in doc.tables if t.rows[0].cells[0].text == "Địa bàn")
    labels = [row.cells[0].text for row in origin.rows[1:]]
    assert labels == [*rollup.config.units.origins, "Tổng cộng"]
    assert "huyện, thị xã, thành phố cũ" in text
    # Tables are titled and headed in the province's words too, in both reports and in tong-hop.
    standing = docx.Document(str(report.with_name(f"bao-cao-thuong-truc-{YEAR}.docx")))
    headers = {c.text for d in (doc, standing) for t in d.tables for r in t.rows[:2] for c in r.cells}
    headers |= {str(v) for row in _values(_province_summary(rollup), "Thống kê") for v in row if isinstance(v, str)}
    assert "Số phường, xã" in headers
    assert [h for h in headers if h.endswith("Phường, xã đề xuất")]
    assert not [h for h in headers if h in ("Đơn vị", "Số đơn vị") or "Đơn vị đề xuất" in h or "các đơn vị" in h]


def test_the_wards_statements_go_up_and_the_province_groups_them_by_question_naming_the_wards(rollup: Rollup) -> None:
    """Each ward's summary carries its units' statements; the province's standing report lists
    every one of them under its question with the wards that said it, and its own summary names them."""
    import docx

    said: dict[tuple[str, str], set[str]] = {}
    for ward, result in rollup.wards.items():
        summary = rollup.province / "inbox" / f"{ward}.xlsx"
        rows = _rows(summary, layout.OPINIONS_SHEET)
        assert rows, ward
        name = rollup.config.units.get(ward).name
        units = {u.unit.name for u in result.consolidation.units}
        for row in rows:
            assert row["Số đơn vị nêu"] == len(row["Đơn vị nêu"].split(", "))
            assert set(row["Đơn vị nêu"].split(", ")) <= units
            said.setdefault((row["Nội dung"], row["Ý kiến"]), set()).add(name)
    standing = rollup.province / "outbox" / str(YEAR) / f"bao-cao-thuong-truc-{YEAR}.docx"
    text = [p.text for p in docx.Document(str(standing)).paragraphs]
    part = text[text.index("3. Ý kiến, kiến nghị của các phường, xã") :]
    # Statements that say the same (equal once folded, or near-identical) are one, in the wording
    # most used (pipeline/year/statements.py), so each is looked for as the same statement.
    for (question, statement), wards in said.items():
        line = next(t for t in part if _same_statement(t.split(" (")[0], statement))
        assert all(ward in line for ward in wards), line
        assert part.index(line) > part.index(next(t for t in part if t.endswith(question))), (question, line)
    grouped = _rows(_province_summary(rollup), layout.OPINIONS_SHEET)
    for (question, statement), wards in said.items():
        row = next(r for r in grouped if r["Nội dung"] == question and _same_statement(r["Ý kiến"], statement))
        assert wards <= set(row["Đơn vị nêu"].split(", ")), (statement, row)
        assert row["Số đơn vị nêu"] == len(row["Đơn vị nêu"].split(", "))
    assert {name for names in said.values() for name in names} == {
        name for row in grouped for name in row["Đơn vị nêu"].split(", ")
    }
    assert "Các phường, xã không nêu ưu điểm" not in "\n".join(text)


def _same_statement(a: str, b: str) -> bool:
    """Whether two statements say the same as the grouping reads them: folded, near-identical."""
    import difflib

    from pipeline.year.statements import NEAR

    x, y = unaccented(a.lstrip("- ")), unaccented(b)
    return x == y or difflib.SequenceMatcher(None, x, y, autojunk=False).ratio() >= NEAR


GOLDEN = REPO / "tests" / "system" / "golden" / "province"


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_province_reports_text_equals_the_golden_files(rollup: Rollup, kind: str) -> None:
    """The whole text of both province reports of the three-ward roll-up, as reviewed. Regenerate
    with ``DVK_UPDATE_GOLDEN=1`` (see tests/system/test_golden.py) and read the diff."""
    import docx

    from pipeline.outputs.docx.report import report_file_name
    from tests.support.docxtext import document_text

    name = report_file_name(kind, rollup.config, YEAR)
    text = document_text(docx.Document(str(rollup.province / "outbox" / str(YEAR) / name)))
    golden = GOLDEN / name.replace(".docx", ".txt")
    if os.environ.get("DVK_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run with DVK_UPDATE_GOLDEN=1 to create it"
    assert text == golden.read_text(encoding="utf-8")
