"""A province of 135 wards, some not reporting: its reports are about wards and stay readable.

One demo ward is consolidated for real; its signed summary is re-signed for 135 ward codes (as
``bench/rollup_province.py`` does), all but a few are dropped into the province's inbox, and the
province consolidates. The reports must stay within a table-row budget (and, rendered where
LibreOffice exists, a page budget), name the wards that did not report, and never show them, or a
former district none of whose wards reported, with a zero figure.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pipeline.config import Config, load_config
from pipeline.core.paths import SUMMARY_FILE
from pipeline.run.cycle import run_consolidation
from pipeline.tools.demo import build_demo
from pipeline.tools.demo_rollup import signed_as
from tests.support.builder import PROVINCE_CONFIG, REPO, drop_file, morning_of, rollup_workspace

pytestmark = pytest.mark.slow

YEAR = 2026
WARDS = 135
# Former districts: wards are spread over the first three; none of the last one's wards reports.
REPORTING_ORIGINS = ("An Nhơn", "Pleiku", "Tuy Phước")
SILENT_ORIGIN = "Quy Nhơn"
SILENT = {f"PX-{i:03d}" for i in (7, 50, 101)}  # wards of reporting districts that did not report
SILENT_DISTRICT_WARDS = ("PX-134", "PX-135")  # the only wards of SILENT_ORIGIN
MAX_TABLE_ROWS = 800
MAX_PAGES = 40


@dataclass(frozen=True)
class Province:
    root: Path
    config: Config

    def report(self, kind: str) -> Path:
        name = self.config.organization.reports[kind].file.format(year=YEAR)
        return self.root / "outbox" / str(YEAR) / name


def _ward_name(code: str) -> str:
    number_ = int(code.split("-")[1])
    return f"Đảng bộ {'xã' if number_ % 3 == 0 else 'phường'} Số {number_}"


def _units(codes: list[str]) -> list[dict[str, str]]:
    units = []
    for i, code in enumerate(codes):
        origin = SILENT_ORIGIN if code in SILENT_DISTRICT_WARDS else REPORTING_ORIGINS[i % 3]
        group = "xa" if int(code.split("-")[1]) % 3 == 0 else "phuong"
        units.append({"code": code, "name": _ward_name(code), "group": group, "origin": origin})
    return units


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    base = tmp_path_factory.mktemp("province135")
    ward = base / "phuong"
    ward_config = build_demo(load_config(REPO), YEAR, ward)
    run_consolidation(ward, ward_config, YEAR, dt.date(YEAR, 12, 5))
    summary = (ward / "outbox" / str(YEAR) / SUMMARY_FILE.format(year=YEAR)).read_bytes()

    root = base / "tinh"
    rollup_workspace(root, PROVINCE_CONFIG)
    codes = [f"PX-{i:03d}" for i in range(1, WARDS + 1)]
    units_file = root / "config" / "units.yaml"
    units = yaml.safe_load(units_file.read_text(encoding="utf-8"))
    units["units"] = _units(codes)
    units_file.write_text(yaml.safe_dump(units, allow_unicode=True), encoding="utf-8")
    config = load_config(root)
    for code in codes:
        if code not in SILENT and code not in SILENT_DISTRICT_WARDS:
            drop_file(
                root, f"{code}.xlsx", signed_as(summary, code, config.secret, YEAR), morning_of(dt.date(YEAR, 12, 1))
            )
    run_consolidation(root, config, YEAR, dt.date(YEAR, 12, 15), now=dt.datetime(YEAR, 12, 10, 17))
    return Province(root, config)


def _document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode("utf-8")


def _paragraphs(xml: str) -> list[str]:
    """Every paragraph's text (table cells included), in document order."""
    texts = []
    for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
        texts.append("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph)))
    return texts


def _rows(xml: str) -> list[list[str]]:
    """Every table row as its cells' texts."""
    rows = []
    for row in re.findall(r"<w:tr[ >].*?</w:tr>", xml, flags=re.S):
        cells = re.findall(r"<w:tc>.*?</w:tc>", row, flags=re.S)
        rows.append(["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", cell)) for cell in cells])
    return rows


SILENT_NAMES = [_ward_name(c) for c in sorted(SILENT | set(SILENT_DISTRICT_WARDS))]


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_report_stays_within_the_row_budget(province: Province, kind: str) -> None:
    rows = _rows(_document_xml(province.report(kind)))
    assert len(rows) <= MAX_TABLE_ROWS


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_non_reporting_wards_are_named(province: Province, kind: str) -> None:
    text = "\n".join(_paragraphs(_document_xml(province.report(kind))))
    for name in SILENT_NAMES:
        assert name in text, name


@pytest.mark.parametrize("kind", ["province", "standing"])
def test_no_silent_ward_or_district_shows_a_zero(province: Province, kind: str) -> None:
    xml = _document_xml(province.report(kind))
    for row in _rows(xml):
        if any(cell in SILENT_NAMES or cell == SILENT_ORIGIN for cell in row):
            assert "0" not in row, row
    for paragraph in _paragraphs(xml):
        for name in (*SILENT_NAMES, SILENT_ORIGIN):
            # "Quy Nhơn 0 mô hình", "Đảng bộ phường Số 7: 0 ..." would state a figure nobody reported
            assert not re.search(re.escape(name) + r"[:\s]+0\b", paragraph), paragraph


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None, reason="LibreOffice")
def test_province_report_fits_in_forty_pages(province: Province, tmp_path: Path) -> None:
    path = province.report("province")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / path.with_suffix(".pdf").name)], check=True, capture_output=True, text=True
    ).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages <= MAX_PAGES
