"""The one builder of test data: workspaces, filled workbooks in their inboxes, hand-made consolidations.

Each function builds one thing and they compose:

- a workspace from the repository's config (``copy_config``, ``new_workspace``, with the year's
  templates issued or not), another workspace's secret (``copy_secret``) or its inputs
  (``copy_workspace``), and what must never change in an inbox (``inbox_state``);
- a unit's workbook: its template as issued (``issued_template``), filled from Python answers
  (``filled_template``) or from the demo's realistic answers (``sample_workbook``), with text
  openpyxl refuses to write put in afterwards (``with_raw_text``), models with
  chosen scores (``scored_models``), answers of the "Hoạt động" sheet of each field's type
  (``activity_answers``), a template of an earlier version (``earlier_config``);
- a file at a path or in ``inbox/`` with a given received time, which is its modification time
  (``received_at``, ``write_file``, ``drop_file``, ``drop_workbook``, ``morning_of``), and a
  workspace of sample units (``sample_workspace``);
- a workspace of many numbered units for the fault tests (``numbered_workspace``, ``unit_code``):
  a few workbooks filled for real, every other unit's derived by rewriting its identity;
- ward and province workspaces for the province roll-up (``rollup_config``, ``rollup_workspace``,
  ``ward_with_reports``);
- in memory, the hand-made consolidation of the report, statistics and golden tests
  (``report_consolidation``, ``unit_status``, ``item``) and the golden scenario's previous year
  and council decisions (``previous_figures``, ``GOLDEN_DECISIONS``).

The builders that fill an inbox give every file a fixed received time (a file keeps the moment it
was written only where a caller gives none), so two workspaces built alike give the same ledger.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import os
import random
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import Config, Unit, load_config
from pipeline.core.identity import sign
from pipeline.core.layout import META_KIND_UNIT_TEMPLATE
from pipeline.core.upward import KEY_FILE
from pipeline.outputs.xlsx.template import template_bytes
from pipeline.run.cycle import issue_templates
from pipeline.tools.demo import DEMO_SIGNER, fill_workbook, name_unnamed_signers, sample_answers
from pipeline.tools.demo_rollup import SHARED_SCHEMA
from pipeline.year.consolidate import EXEMPT, LATE, MISSING, ON_TIME, REJECTED, Consolidation, Item, UnitStatus
from pipeline.year.stats import statistics

REPO = Path(__file__).parents[2]
CONFIG = REPO / "config"
PROVINCE_CONFIG = CONFIG / "examples" / "tinh-gia-lai"
YEAR = 2026
# When the numbered units' files arrive (one a minute from then), before the deadline.
RECEIVED = dt.datetime(YEAR, 11, 20, 9, 0)
# Points per criterion that make a model "Tốt" under config/criteria.yaml.
GOOD_SCORES = {"cu_the": 9, "lanh_dao": 9, "luc_luong": 18, "ket_qua": 25, "dong_thuan": 13, "ben_vung": 13}
# Workbooks of the numbered units filled for real; the others are copies with another identity.
PROTOTYPES = 4


# --------------------------------------------------------------------------- workspaces


def copy_config(root: Path, source: Path = CONFIG) -> Path:
    """``root`` with a copy of ``source`` (the repository's config) as its ``config/``, every
    report's signer named as the demo names them (the ward's config leaves one name to the ward)."""
    shutil.copytree(source, root / "config")
    name_unnamed_signers(root / "config")
    return root


def edit_config(root: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in ``<root>/config/<name>`` (which must be there) by ``new``."""
    path = root / "config" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def named_signers(config: Config) -> Config:
    """``config`` (loaded from the repository) with every report's signer named, as copy_config does."""
    reports = {
        key: dataclasses.replace(spec, signature=dataclasses.replace(spec.signature, name=DEMO_SIGNER, missing=None))
        if spec.signature.missing
        else spec
        for key, spec in config.organization.reports.items()
    }
    return dataclasses.replace(config, organization=dataclasses.replace(config.organization, reports=reports))


def new_workspace(root: Path, templates: int | None = None) -> Config:
    """A workspace at ``root`` with the repository's config, loaded; with the templates of the year
    ``templates`` issued to ``outbox/`` when given."""
    config = load_config(copy_config(root))
    if templates is not None:
        issue_templates(root, config, templates)
    return config


def copy_secret(source: Path, target: Path) -> None:
    """``source``'s installation secret in ``target``: the same installation, whose signatures verify."""
    (target / ".dvk").mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / ".dvk" / "secret", target / ".dvk" / "secret")


def copy_workspace(source: Path, target: Path) -> None:
    """The config, the secret and the inbox (with file times) of ``source``, nothing it produced."""
    shutil.copytree(source / "config", target / "config")
    copy_secret(source, target)
    shutil.copytree(source / "inbox", target / "inbox", copy_function=shutil.copy2)


def inbox_state(root: Path) -> dict[str, tuple[str, int, int]]:
    """Each inbox file's hash, size and modification time (ns): what must never change."""
    state = {}
    for path in sorted((root / "inbox").rglob("*")):
        if path.is_file():
            stat = path.stat()
            state[path.relative_to(root).as_posix()] = (
                hashlib.sha256(path.read_bytes()).hexdigest(),
                stat.st_size,
                stat.st_mtime_ns,
            )
    return state


# --------------------------------------------------------------------------- workbooks


def unit_of(config: Config, code: str) -> Unit:
    """The unit ``code`` of ``config`` (which must have it)."""
    unit = config.units.get(code)
    assert unit is not None, code
    return unit


def issued_template(config: Config, code: str, year: int = YEAR) -> bytes:
    """``code``'s template of ``year`` as ``config``'s installation issues it."""
    return template_bytes(config, unit_of(config, code), year)


def filled_template(config: Config, code: str, answers: Mapping[str, Any], year: int = YEAR) -> bytes:
    """``code``'s template of ``year`` with ``answers`` typed in (``{sheet: {field: value} or [rows]}``)."""
    return fill_workbook(issued_template(config, code, year), answers, config)


def sample_workbook(
    config: Config, code: str, year: int = YEAR, seed: int | str | None = None, with_errors: bool = False
) -> bytes:
    """``code``'s template filled with the demo's realistic answers drawn from ``seed`` (the unit code
    unless given); ``with_errors`` plants typical mistakes."""
    rng = random.Random(code if seed is None else seed)
    answers = sample_answers(config, unit_of(config, code), year, rng, with_errors=with_errors)
    return filled_template(config, code, answers, year)


def with_raw_text(data: bytes, texts: Mapping[str, str]) -> bytes:
    """``data`` (an .xlsx) with each marker of ``texts`` in its XML parts replaced by its text, as a
    hand-edited or third-party-written file carries it: ``&``, ``<``, ``>`` escaped, control
    characters and lone surrogates as Excel's ``_xHHHH_``, anything else (U+FFFE, U+FFFF
    included, which openpyxl refuses to write) as UTF-8."""
    encoded = {marker.encode(): _as_sheet_text(text) for marker, text in texts.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info)
            if info.filename.endswith(".xml"):
                for marker, text in encoded.items():
                    content = content.replace(marker, text)
            zout.writestr(info, content)
    return out.getvalue()


def _as_sheet_text(text: str) -> bytes:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(
        f"_x{ord(c):04X}_" if (c < " " and c not in "\t\n\r") or "\ud800" <= c <= "\udfff" else c for c in escaped
    ).encode("utf-8")


def scored_models(year: int, *names: str, scores: Mapping[str, int] = GOOD_SCORES) -> list[dict[str, Any]]:
    """New economic models named ``names``, proposed for recognition, with ``scores``."""
    points = {f"score_{key}": value for key, value in scores.items()}
    return [
        {
            "name": name,
            "field": "Kinh tế",
            "status": "Mới đăng ký",
            "start_year": year,
            "proposal": "Công nhận",
            **points,
        }
        for name in names
    ]


def activity_answers(config: Config, value: int = 1, step: int = 0) -> dict[str, Any]:
    """An answer for every field of the "Hoạt động" sheet, each of its type: the n-th number field
    ``value + n * step``, yes/no "Có" (so the plan's number and date are given too)."""
    answers: dict[str, Any] = {}
    for index, spec in enumerate(config.template.sheet("activities").fields):
        if spec.type == "boolean":
            answers[spec.key] = True
        elif spec.type == "date":
            answers[spec.key] = dt.date(YEAR, 1, 15)
        elif spec.type == "text":
            answers[spec.key] = "05-KH/CB"
        else:
            answers[spec.key] = value + index * step
    return answers


def earlier_config(config: Config, version: str) -> Config:
    """``config`` as the installation was when it issued templates of the earlier ``version``: the
    same secret, the schema without the fields added since."""
    return dataclasses.replace(config, template=config.template.for_version(version))


# --------------------------------------------------------------------------- files received


def morning_of(day: dt.date) -> dt.datetime:
    """9:00 on ``day``: when a file received that day arrives."""
    return dt.datetime.combine(day, dt.time(9, 0))


def received_at(path: Path, moment: dt.datetime) -> Path:
    """``path`` modified at ``moment``: the pipeline takes a file's modification time as its received time."""
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def write_file(path: Path, data: bytes, moment: dt.datetime | None = None) -> Path:
    """``data`` at ``path`` (folders made), received at ``moment`` when given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path if moment is None else received_at(path, moment)


def drop_file(root: Path, name: str, data: bytes, moment: dt.datetime | None = None) -> Path:
    """``data`` at ``root/inbox/name``, received at ``moment`` when given."""
    return write_file(root / "inbox" / name, data, moment)


def drop_workbook(
    root: Path, config: Config, code: str, answers: Mapping[str, Any], name: str, moment: dt.datetime, year: int
) -> Path:
    """``code``'s template of ``year`` filled with ``answers``, at ``root/inbox/name``, modified at ``moment``."""
    return drop_file(root, name, filled_template(config, code, answers, year), moment)


def sample_workspace(
    root: Path, codes: Sequence[str], year: int, arrived: dt.datetime, with_errors: int | None = None
) -> tuple[Path, Config]:
    """A workspace at ``root`` with the repository's config and each unit of ``codes``' sample answers
    in its inbox (``<code>.xlsx``, modified at ``arrived``); the file at index ``with_errors`` has
    typical mistakes."""
    config = new_workspace(root)
    for index, code in enumerate(codes):
        drop_file(root, f"{code}.xlsx", sample_workbook(config, code, year, with_errors=index == with_errors), arrived)
    return root, config


def one_returned(root: Path, returned: str = "b.xlsx") -> Path:
    """A workspace at ``root`` whose inbox holds MTTQ's accepted ``a.xlsx`` and CD's ``returned``
    file with typical mistakes (year 2026)."""
    config = new_workspace(root)
    drop_file(root, "a.xlsx", sample_workbook(config, "MTTQ", YEAR))
    drop_file(root, returned, sample_workbook(config, "CD", YEAR, with_errors=True))
    return root


# --------------------------------------------------------------------------- many numbered units


def unit_code(number: int) -> str:
    """The code of the numbered unit ``number`` (``DV-0001`` ...)."""
    return f"DV-{number:04d}"


def numbered_workspace(root: Path, units: int) -> Config:
    """A workspace at ``root`` whose unit list is ``units`` numbered units, each with one accepted file
    in ``inbox/`` received a minute after the previous one's.

    Only ``PROTOTYPES`` workbooks are filled through their real templates; every other unit's file is
    one of them with its identity (unit code and ``_meta`` signature, signed with the workspace's own
    secret) rewritten inside the zip: a thousand files take seconds instead of minutes, and each one
    is a workbook the pipeline accepts as that unit's."""
    _write_numbered_config(root, units)
    config = load_config(root)
    prototypes = [sample_workbook(config, unit_code(n), YEAR, seed=n) for n in range(1, min(PROTOTYPES, units) + 1)]
    for number in range(1, units + 1):
        source_number = (number - 1) % len(prototypes) + 1
        data = _as_unit(config, prototypes[source_number - 1], unit_code(source_number), unit_code(number))
        name = f"{number:04d} bao cao {unit_code(number)}.xlsx"
        drop_file(root, name, data, RECEIVED + dt.timedelta(minutes=number))
    return config


def _write_numbered_config(root: Path, units: int) -> None:
    copy_config(root)
    path = root / "config" / "units.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    origins = data["origins"]
    data["units"] = [
        {
            "code": unit_code(number),
            "name": f"Chi bộ khu dân cư số {number}",
            "group": "khu-dan-cu",
            "origin": origins[number % len(origins)],
        }
        for number in range(1, units + 1)
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _as_unit(config: Config, data: bytes, source: str, target: str) -> bytes:
    """``data`` (a filled workbook of unit ``source``) as if unit ``target`` had filled it."""
    if source == target:
        return data
    version = config.template.version
    replacements = [
        (source.encode(), target.encode()),
        (
            sign(config.secret, META_KIND_UNIT_TEMPLATE, source, YEAR, version).encode(),
            sign(config.secret, META_KIND_UNIT_TEMPLATE, target, YEAR, version).encode(),
        ),
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info)
            for old, new in replacements:
                content = content.replace(old, new)
            zout.writestr(info, content)
    return out.getvalue()


# --------------------------------------------------------------------------- province roll-up


def rollup_config(root: Path, source: Path) -> Path:
    """``root`` with ``source`` (a ward's or a province's config, without its examples) as its
    ``config/`` and the wards' schema, which a province shares with them."""
    shutil.copytree(source, root / "config", ignore=shutil.ignore_patterns("examples"))
    for name in SHARED_SCHEMA:
        shutil.copyfile(CONFIG / name, root / "config" / name)
    name_unnamed_signers(root / "config")
    return root


def rollup_workspace(root: Path, source: Path, key: bytes | None = None, ward: str = "") -> Config:
    """A workspace of the roll-up at ``root`` with ``source``'s config, loaded; a ward's holds the
    upward ``key`` the province issued to ``ward`` when given."""
    rollup_config(root, source)
    if key is not None:
        (root / KEY_FILE).parent.mkdir(parents=True, exist_ok=True)
        (root / KEY_FILE).write_text(f"unit: {ward}\nkey: {key.hex()}\n", encoding="utf-8")
    return load_config(root)


def ward_with_reports(root: Path, ward: str, units: Sequence[str], key: bytes | None, year: int = YEAR) -> Config:
    """The workspace of ``ward`` (the repository's config, upward ``key``) whose ``units`` filled their
    templates of ``year`` with the demo's realistic answers, received on 20 November."""
    config = rollup_workspace(root, CONFIG, key, ward)
    for code in units:
        data = sample_workbook(config, code, year, seed=f"{ward}-{code}")
        drop_file(root, f"{code}.xlsx", data, morning_of(dt.date(year, 11, 20)))
    return config


# --------------------------------------------------------------------------- consolidations in memory

# Council decisions of the golden scenario: (outcome, kind) -> how many.
GOLDEN_DECISIONS = {("recognise", "models"): 1, ("commend", "collectives"): 1, ("strengthen", "models"): 2}


def unit_status(unit: Unit, status: str, days_late: int = 0, models: int = 0, **answers: str) -> UnitStatus:
    """Where ``unit`` stands in 2026: a unit that sent (on time or late) sent ``<code>.xlsx``."""
    sent = status in (ON_TIME, LATE)
    received = dt.date(YEAR, 11, 25) + dt.timedelta(days=days_late) if sent else None
    return UnitStatus(unit, status, days_late, f"{unit.code}.xlsx" if sent else "", received, models, answers)


def item(config: Config, kind: str, unit: Unit, name: str, score: float, **values: Any) -> Item:
    """A consolidated economic row of ``kind`` named ``name``, not proposed unless ``values`` say so."""
    values = {"name": name, "field": "Kinh tế", "proposal": "Không đề nghị", **values}
    return Item(kind, unit, values, score, config.criteria.classify(score), f"{unit.code}.xlsx", kind, 5)


def report_consolidation(config: Config) -> Consolidation:
    """The hand-made 2026 consolidation of the report tests: eight units (on time, late, rejected,
    missing, below target, and one exempt, which is listed but not asked to report), models,
    collective and individual exemplary items with proposals, activities of three units."""
    codes = ("KP-BD01", "KP-BD02", "MTTQ", "HLHPN", "TH-NK01", "DB-CA", "DTN", "CQ-UBND")
    u = {code: unit_of(config, code) for code in codes}
    units = (
        unit_status(u["KP-BD01"], ON_TIME, models=2, strengths="Chi ủy sâu sát,\n  Nhân dân đồng tình.", requests=""),
        unit_status(u["KP-BD02"], LATE, days_late=3, models=1, shortcomings="Kinh phí còn hạn chế."),
        unit_status(u["MTTQ"], ON_TIME, models=2, requests="Đề nghị hỗ trợ kinh phí."),
        unit_status(u["HLHPN"], LATE, days_late=1, models=1),
        unit_status(u["TH-NK01"], ON_TIME, models=0),
        unit_status(u["DB-CA"], REJECTED),
        unit_status(u["DTN"], MISSING),
        dataclasses.replace(unit_status(u["CQ-UBND"], EXEMPT), reason="Đang kiện toàn tổ chức"),
    )
    items = {
        "models": _report_models(config, u),
        "collectives": (
            item(config, "collectives", u["MTTQ"], "Ban công tác Mặt trận khu phố Kim Châu", 95, proposal="Biểu dương"),
        ),
        "individuals": (
            item(
                config,
                "individuals",
                u["HLHPN"],
                "Nguyễn Thị Hoa",
                78,
                field="Văn hóa - xã hội",
                proposal="Khen thưởng",
            ),
            item(config, "individuals", u["KP-BD01"], "Trần Văn An", 55),
        ),
    }
    activities = {code: activity_answers(config, 1, 1) for code in ("KP-BD01", "MTTQ", "HLHPN")}
    return Consolidation(YEAR, units, items, activities, ())


def _report_models(config: Config, u: Mapping[str, Unit]) -> tuple[Item, ...]:
    new, continuing = config.template.lists["model_status"][:2]
    return (
        item(
            config,
            "models",
            u["KP-BD01"],
            "Tuyến đường hoa nông thôn mới",
            92,
            status=new,
            proposal="Công nhận",
            results="Trồng 2 km hoa,\n  Nhân dân đồng thuận.",
            budget_vnd=15_000_000,
            contributions_vnd=2_500_000,
            labour_days=120,
            land_m2=0,
            people_reached=350,
        ),
        item(
            config,
            "models",
            u["KP-BD01"],
            "Camera an ninh khu phố",
            80,
            status=continuing,
            field="Quốc phòng - an ninh",
            budget_vnd=40_000_000,
            people_reached=1200,
        ),
        item(
            config,
            "models",
            u["KP-BD02"],
            "Vườn cây dinh dưỡng",
            60,
            status=new,
            field="Văn hóa - xã hội",
            land_m2=250.5,
            proposal="Nhân rộng",
        ),
        item(config, "models", u["MTTQ"], "Mái ấm tình thương", 85, status=continuing, people_reached=12),
        item(config, "models", u["MTTQ"], "Ngày Chủ nhật xanh", 85, status=new, field="Văn hóa - xã hội"),
        item(config, "models", u["HLHPN"], "Phụ nữ giúp nhau phát triển kinh tế", 40, status=continuing),
    )


def previous_figures(config: Config) -> dict[str, float]:
    """The golden scenario's last year: the same units with only the first two models and no activities."""
    data = report_consolidation(config)
    items = {**data.items, "models": data.models[:2], "individuals": ()}
    smaller = dataclasses.replace(data, year=2025, items=items, activities={})
    return dict(statistics(smaller, config).figures)


def council_decided(path: Path, decisions: Mapping[str, tuple[Any, ...]]) -> bytes:
    """The issued council workbook at ``path`` with ``decisions`` (item name -> decision, number,
    date) typed in, every other row left undecided: the workbook the steering committee returns."""
    import openpyxl

    from pipeline.core import layout
    from pipeline.intake.council import COUNCIL_SHEET, NO_DECISION

    workbook = openpyxl.load_workbook(path)
    sheet = workbook[COUNCIL_SHEET]
    headers = {cell.value: cell.column for cell in sheet[layout.HEADER_ROW]}
    for row in range(layout.FIRST_DATA_ROW, sheet.max_row + 1):
        values = decisions.get(sheet.cell(row, headers["Tên"]).value, (NO_DECISION,))
        for header, value in zip(
            ("Quyết định của Ban chỉ đạo", "Số quyết định", "Ngày quyết định"), values, strict=False
        ):
            sheet.cell(row, headers[header]).value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
