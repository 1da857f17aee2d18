"""Benchmark data: a province-sized workspace of filled unit workbooks, generated fast and cached.

Contract: ``bench_workspace(cache, size, seed)`` returns a folder with ``config/`` (the repository's
config with a units list of ``size`` units: 135 wards × 40 units at province size), ``.dvk/secret``
and ``inbox/`` holding one filled workbook per unit, each a real signed submission of its unit that
the pipeline accepts. Deterministic from the seed; cached under a key of size, seed and the source
of everything that shapes the files, so a second ``make bench`` does not regenerate.

Writing thousands of workbooks with openpyxl takes minutes, so only ``BASES`` distinct workbooks are
filled through the real template (``template.template_bytes`` and ``demo.fill_workbook``, 5–40
model rows, 0–10 exemplary rows, every sheet). Every other unit's file is one of them with its
identity swapped: the unit's code, name, place and ``_meta`` signature are replaced in the shared
cell text of the sheets (the only part that differs between two units' files), and the package is
zipped again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..config import Config, Unit, load_config
from ..core.identity import sign
from ..core.ooxml import deterministic_zip
from ..core.paths import INBOX, SECRET_FILE

BENCH_YEAR = 2026
WARDS = 135
UNITS_PER_WARD = 40
BASES = 160
SHARED_STRINGS = "xl/sharedStrings.xml"
WORKSHEETS = "xl/worksheets/sheet"
COMPLETE_MARKER = ".complete"
# Everything whose change changes the generated files.
# The modules that shape the generated files, relative to the package.
SOURCES = (
    "tools/benchdata.py",
    "tools/demo.py",
    "outputs/xlsx/template/__init__.py",
    "outputs/xlsx/template/build.py",
    "outputs/xlsx/template/forms.py",
    "outputs/xlsx/template/instructions.py",
    "outputs/xlsx/template/looks.py",
    "outputs/xlsx/template/prefill.py",
    "outputs/xlsx/template/tables.py",
    "outputs/xlsx/template/validation.py",
    "outputs/xlsx/workbook.py",
    "core/layout.py",
    "core/identity.py",
)

_SYLLABLES = ("An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Phước", "Nhơn", "Hưng", "Mỹ", "Long", "Thuận", "Lộc")
_HAMLETS = ("thôn", "khu phố", "tổ dân phố", "xóm")


@dataclass(frozen=True)
class BenchUnit:
    code: str
    name: str
    place: str
    ward: str
    folder: str


def ward_names(count: int) -> list[str]:
    """``count`` distinct Vietnamese ward names ("Bình An", "Bình Hòa", ...)."""
    names = [f"{a} {b}" for a in _SYLLABLES for b in _SYLLABLES if a != b]
    return [_nfc(n) for n in names[:count]]


def bench_units(size: int) -> list[BenchUnit]:
    """The first ``size`` units of the province: ward after ward, 40 units each."""
    wards = ward_names(WARDS)
    units = []
    for index in range(size):
        ward_index, number = divmod(index, UNITS_PER_WARD)
        ward = wards[ward_index % WARDS]
        hamlet = _HAMLETS[number % len(_HAMLETS)]
        place = _nfc(f"{hamlet} {_SYLLABLES[number % len(_SYLLABLES)]} {number + 1}, phường {ward}")
        code = f"P{ward_index + 1:03d}-{number + 1:02d}"
        units.append(BenchUnit(code, _nfc(f"Chi bộ {place}"), place, ward, f"phuong-{ward_index + 1:03d}"))
    return units


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def cache_key(config_dir: Path, size: int, seed: int) -> str:
    """A short digest of the size, the seed and the source of everything that shapes the files."""
    digest = hashlib.sha256(f"{size}:{seed}".encode())
    package = Path(__file__).parents[1]
    for name in SOURCES:
        digest.update((package / name).read_bytes())
    for path in sorted(config_dir.glob("*.yaml")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def bench_workspace(cache: Path, config_dir: Path, size: int, seed: int) -> Path:
    """The cached workspace of ``size`` units, generated first when missing or incomplete."""
    folder = cache / f"data-{size}-s{seed}-{cache_key(config_dir, size, seed)}"
    if (folder / COMPLETE_MARKER).exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    units = bench_units(size)
    write_config(config_dir, folder, units, seed)
    config = load_config(folder)
    generator = Generator(config, units, seed)
    for index, unit in enumerate(units):
        path = folder / INBOX / unit.folder / f"{unit.code}.xlsx"
        generator.write(path, index, unit, changed=False)
    changed = units[len(units) // 2]
    generator.write(folder / "changed" / f"{changed.code}.xlsx", len(units) // 2, changed, changed=True)
    (folder / COMPLETE_MARKER).write_text("generated\n", encoding="utf-8")
    return folder


def write_config(config_dir: Path, folder: Path, units: list[BenchUnit], seed: int) -> None:
    """The repository's config with the bench units (their wards as origins), a made-up signer
    where the ward leaves the name to fill (the reports refuse to be built without one), and a
    fixed secret."""
    from .demo import name_unnamed_signers

    target = folder / "config"
    target.mkdir(parents=True)
    for path in sorted(config_dir.glob("*.yaml")):
        if path.name != "units.yaml":
            shutil.copyfile(path, target / path.name)
    name_unnamed_signers(target)
    source = yaml.safe_load((config_dir / "units.yaml").read_text(encoding="utf-8"))
    wards = sorted({u.ward for u in units}, key=ward_names(WARDS).index)
    document = {
        "groups": source["groups"],
        "origins": wards,
        "default_min_models": source.get("default_min_models", 1),
        "units": [{"code": u.code, "name": u.name, "group": "khu-dan-cu", "origin": u.ward} for u in units],
    }
    text = "# Generated by pipeline.tools.benchdata for `make bench`.\n" + yaml.safe_dump(document, allow_unicode=True)
    (target / "units.yaml").write_text(text, encoding="utf-8")
    secret = folder / SECRET_FILE
    secret.parent.mkdir(parents=True)
    secret.write_text(hashlib.sha256(f"dvk-bench-{seed}".encode()).hexdigest() + "\n", encoding="ascii")


class Generator:
    """Filled workbooks of the bench units: ``BASES`` filled for real, the rest by identity swap."""

    def __init__(self, config: Config, units: list[BenchUnit], seed: int) -> None:
        self.config = config
        self.units = units
        self.seed = seed
        self.bases: dict[int, tuple[BenchUnit, dict[str, bytes]]] = {}

    def write(self, path: Path, index: int, unit: BenchUnit, changed: bool) -> None:
        """Write ``unit``'s filled workbook (another filling of it when ``changed``) with its received time."""
        rng = random.Random(f"{self.seed}-{unit.code}-{changed}")
        base_index = (index + 1) % min(BASES, len(self.units)) if changed else index % BASES
        base_unit, members = self._base(base_index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_swap_identity(members, self._swaps(base_unit, unit)))
        deadline = self.config.year(BENCH_YEAR).units_deadline
        days = 1 if changed else -rng.randint(1, 12) if rng.random() > 0.03 else rng.randint(1, 4)
        moment = dt.datetime.combine(deadline + dt.timedelta(days=days), dt.time(8 + rng.randint(0, 9), 0)).timestamp()
        os.utime(path, (moment, moment))

    def _base(self, index: int) -> tuple[BenchUnit, dict[str, bytes]]:
        if index not in self.bases:
            self.bases[index] = (self.units[index], self._fill(self.units[index]))
        return self.bases[index]

    def _fill(self, bench_unit: BenchUnit) -> dict[str, bytes]:
        """One unit's template filled through openpyxl, as its zip members."""
        from ..outputs.xlsx.template import template_bytes
        from .demo import fill_workbook, sized_answers

        unit = self._config_unit(bench_unit.code)
        rng = random.Random(f"{self.seed}-base-{unit.code}")
        answers = sized_answers(self.config, unit, BENCH_YEAR, rng, rng.randint(5, 40), rng.randint(0, 10))
        filled = fill_workbook(template_bytes(self.config, unit, BENCH_YEAR), answers, self.config)
        data = deterministic_zip(filled, dt.datetime(BENCH_YEAR, 11, 1))  # openpyxl stamps the time of saving
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return {info.filename: package.read(info) for info in package.infolist()}

    def _config_unit(self, code: str) -> Unit:
        unit = self.config.units.get(code)
        assert unit is not None
        return unit

    def _swaps(self, base: BenchUnit, unit: BenchUnit) -> list[tuple[bytes, bytes]]:
        if base == unit:
            return []
        version = self.config.template.version
        old = sign(self.config.secret, "dvk-unit-template", base.code, BENCH_YEAR, version)
        new = sign(self.config.secret, "dvk-unit-template", unit.code, BENCH_YEAR, version)
        pairs = ((old, new), (base.code, unit.code), (base.place, unit.place))
        # openpyxl writes text inline with every non-ASCII character as a reference (&#7888;).
        return [
            (a.encode(e, r), b.encode(e, r))
            for a, b in pairs
            for e, r in (("utf-8", "strict"), ("ascii", "xmlcharrefreplace"))
        ]


def _swap_identity(members: dict[str, bytes], swaps: list[tuple[bytes, bytes]]) -> bytes:
    """The package with the identity strings replaced in its cell text, zipped again."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        for name, content in members.items():
            if name == SHARED_STRINGS or name.startswith(WORKSHEETS):
                for old, new in swaps:
                    content = content.replace(old, new)
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(entry, content)
    return out.getvalue()
