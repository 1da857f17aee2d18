"""Demo workspace: the real templates, filled the way units fill them, in a throw-away folder.

``build_demo`` copies ``config/`` into the workspace, writes the year's templates, fills most of
them with realistic answers (deterministic: seeded by the unit code) and drops them into the
workspace's inbox: most units on time, one late, one with errors, a few missing, plus one file
that is not a workbook. ``fill_workbook`` is also what the tests use to play a unit.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..config import Config, Unit, load_config
from ..core import layout
from ..core.errors import DvkError
from ..core.ooxml import atomic_write
from ..core.paths import WorkspacePaths
from .demo_kinds import KINDS, RESIDENTIAL, Kind, unit_kind
from .demo_words import GOALS, METHODS, RESULTS, People, statements

MARKER = ".dvk-demo"
Answers = Mapping[str, Any]


class DemoError(DvkError):
    """The demo workspace cannot be (re)created safely."""


# A made-up signer for the reports whose signer's name the ward's config leaves for the ward to
# give (the real reports stop with a configuration error until it is given; the demo must run).
DEMO_SIGNER = "Nguyễn Thị Thanh Hương"


def name_unnamed_signers(config_folder: Path, name: str = DEMO_SIGNER) -> None:
    """Give every report of ``config_folder/organization.yaml`` whose signer has no name ``name``,
    in the text itself (its comments and layout kept: the clerk may read the demo's config)."""
    path = config_folder / "organization.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    signature_indent = None
    for index, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        if line.strip() == "signature:":
            signature_indent = indent
        elif signature_indent is not None and line.strip() and indent <= signature_indent:
            signature_indent = None
        elif signature_indent is not None and line.strip() in ("name:", 'name: ""', "name: ''"):
            lines[index] = f"{line[:indent]}name: {name}\n"
    atomic_write(path, "".join(lines).encode("utf-8"))


def edit_yaml(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Rewrite a YAML file of a demo's config after ``change`` (its comments are not kept)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    atomic_write(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120).encode("utf-8"))


def build_demo(
    config: Config, year: int, workspace: Path, seed: str = "", adapt: Callable[[Path], None] | None = None
) -> Config:
    """Create a fresh demo workspace for ``year`` and return its loaded config.

    ``seed`` varies the answers (another ward of the roll-up demo); ``adapt`` may change the
    copied workspace (its config, its upward key) before the config is loaded."""
    from ..outputs.xlsx.template import write_templates

    _reset(workspace)
    shutil.copytree(config.root / "config", workspace / "config", ignore=shutil.ignore_patterns("examples"))
    name_unnamed_signers(workspace / "config")
    if adapt is not None:
        adapt(workspace)
    demo_config = load_config(workspace)
    calendar = demo_config.year(year)
    units = demo_config.units.units
    plan = _plan(units)
    templates = {path.stem: path for path in write_templates(demo_config, year, WorkspacePaths(workspace).outbox)}
    # The ward's people, each in one unit only (drawn apart from the units' answers).
    people = People(random.Random(f"{seed}{year}-people"), (DEMO_SIGNER,))
    for index, unit in enumerate(units):
        role = plan.get(unit.code, "on-time")
        if role == "missing":
            continue
        names = unit_people(KINDS[unit_kind(unit)], people)
        rng = random.Random(f"{seed}{year}-{unit.code}")
        answers = sample_answers(demo_config, unit, year, rng, with_errors=role == "errors", people=names)
        data = fill_workbook(templates[unit.code].read_bytes(), answers, demo_config)
        path = WorkspacePaths(workspace).inbox / f"{index + 1:02d}_{_file_name(unit, rng)}"
        atomic_write(path, data)
        received = calendar.units_deadline + dt.timedelta(days=3 if role == "late" else -rng.randint(0, 6))
        _set_received(path, received)
    _drop_foreign_file(WorkspacePaths(workspace).inbox / "thu-moi-hop.pdf", calendar.units_deadline)
    return demo_config


def _reset(workspace: Path) -> None:
    """Remove a previous demo workspace; refuse to touch a folder the demo did not create."""
    if workspace.exists():
        if not (workspace / MARKER).exists():
            raise DemoError(f"Thư mục “{workspace}” đã có và không phải thư mục chạy thử; hãy chọn thư mục khác.")
        shutil.rmtree(workspace)
    workspace.mkdir(parents=True)
    (workspace / MARKER).write_text("demo workspace of dvk; safe to delete\n", encoding="utf-8")


def _plan(units: Sequence[Unit]) -> dict[str, str]:
    """Which units play which part: three missing, one late, one with errors; the rest on time."""
    codes = [u.code for u in units]
    roles = ((4, "missing"), (12, "missing"), (-2, "missing"), (7, "late"), (20, "errors"))
    return {codes[index % len(codes)]: role for index, role in roles}


def _file_name(unit: Unit, rng: random.Random) -> str:
    return rng.choice(["Bao cao DVK {c}.xlsx", "{c}_dan_van_kheo.xlsx", "mau bieu {c} (1).xlsx"]).format(c=unit.code)


def _set_received(path: Path, day: dt.date) -> None:
    moment = dt.datetime.combine(day, dt.time(9, 30)).timestamp()
    os.utime(path, (moment, moment))


def _drop_foreign_file(path: Path, day: dt.date) -> None:
    atomic_write(path, b"%PDF-1.4\n% thu moi hop (khong phai mau bieu)\n")
    _set_received(path, day)


# --------------------------------------------------------------------------- answers


def sample_answers(
    config: Config,
    unit: Unit,
    year: int,
    rng: random.Random,
    with_errors: bool = False,
    people: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Realistic answers of ``unit`` for every sheet, fitting its kind (:mod:`.demo_kinds`);
    ``people`` are the names it may use (drawn for it when not given); ``with_errors`` plants
    typical mistakes."""
    kind = KINDS[unit_kind(unit)]
    names = list(people) if people is not None else unit_people(kind, People(rng, (DEMO_SIGNER,)))
    places = _places(config, unit)
    chosen = _model_names(config, unit, kind, places, rng)
    answers: dict[str, Any] = {
        "unit": _unit_answers(kind, year, rng, names[0]),
        "models": [
            _model(config, unit, kind, year, rng, model, names[3 + index % 3]) for index, model in enumerate(chosen)
        ],
        "collectives": [
            _exemplar(config, "collectives", kind, rng, rng.choice(kind.collectives).format(place=rng.choice(places)))
            for _ in range(rng.randint(0, 1))
        ],
        "individuals": [_exemplar(config, "individuals", kind, rng, p) for p in names[1 : 1 + rng.randint(0, 2)]],
        "activities": _activities(unit, year, rng),
    }
    if with_errors:
        _plant_errors(answers)
    return answers


# Names a unit's answers use: its preparer, up to two exemplary individuals, up to three models' leads.
PEOPLE_PER_UNIT = 6


def unit_people(kind: Kind, people: People) -> list[str]:
    """The names of one unit of ``kind``: women only in the Women's Union, mostly men in the armed forces."""
    women = 1.0 if kind.female else 0.15 if kind.family == "armed" else 0.5
    return people.draw(PEOPLE_PER_UNIT, women)


def _unit_answers(kind: Kind, year: int, rng: random.Random, preparer: str) -> dict[str, Any]:
    return {
        "preparer": preparer,
        "position": rng.choice(kind.positions[:2]),
        "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
        "report_date": dt.date(year, 11, rng.randint(10, 20)),
        **statements(rng, kind.family),
    }


def _place(unit: Unit) -> str:
    """The unit's name without its kind: "Chi bộ thôn Khánh Mỹ" -> "thôn Khánh Mỹ"."""
    return unit.name.replace("Chi bộ ", "").replace("Đảng bộ ", "")


def _places(config: Config, unit: Unit) -> list[str]:
    """Where a unit's models may be: its own area, or for a ward-level unit any residential area."""
    if unit.group == RESIDENTIAL:
        return [_place(unit)]
    areas = [_place(u) for u in config.units.units if u.group == RESIDENTIAL]
    return areas or [config.organization.ward_name]


Chosen = tuple[str, str, str]  # a model's name, field and area


def _model_names(config: Config, unit: Unit, kind: Kind, places: list[str], rng: random.Random) -> list[Chosen]:
    """One to three distinct models of the unit's kind, named with their place where it fits."""
    fields = config.template.lists["fields"]
    pool = [(name, field) for name, field in kind.models if field in fields]
    pool = pool or [(f"Mô hình “Dân vận khéo” lĩnh vực {field.lower()}", field) for field in fields]
    own = _place(unit) if unit.group in (RESIDENTIAL, "co-quan") else config.organization.ward_name
    chosen = []
    for name, field in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
        if "{place}" in name:
            place = rng.choice(places)
            chosen.append((name.format(place=place), field, place))
        elif unit.group == RESIDENTIAL:
            chosen.append((f"{name} – {own}", field, own))
        else:
            chosen.append((name, field, own))
    return chosen


def _model(
    config: Config, unit: Unit, kind: Kind, year: int, rng: random.Random, model: Chosen, lead: str
) -> dict[str, Any]:
    statuses = config.template.lists["model_status"]
    continuing = rng.random() < 0.4
    name, field, area = model
    values: dict[str, Any] = {
        "name": name,
        "field": field,
        "status": statuses[1] if continuing else statuses[0],
        "start_year": rng.randint(2019, year - 1) if continuing else year,
        "area": area,
        "target_group": kind.target,
        "goals": rng.choice(GOALS),
        "method": rng.choice(METHODS),
        "lead_force": unit.name,
        "partners": "Mặt trận, các đoàn thể, Nhân dân",
        "budget_vnd": rng.randint(0, 50) * 1_000_000,
        "contributions_vnd": rng.randint(0, 200) * 500_000,
        "labour_days": rng.randint(0, 400),
        "land_m2": rng.choice([0, 0, 0, 45.5, 120, 300]),
        "people_reached": rng.randint(20, 1500),
        "results": rng.choice(RESULTS),
        "person_in_charge": lead,
    }
    values.update(_scores(config, "models", rng))
    # A model registered this year can only be recognised; re-recognition and replication are for
    # one recognised before (the life-cycle table; validation refuses anything else).
    wishes = ("Công nhận", "Công nhận lại", "Nhân rộng") if continuing else ("Công nhận",)
    values["proposal"] = _consistent_proposal(config, values, wishes, rng)
    return values


def _exemplar(config: Config, sheet: str, kind: Kind, rng: random.Random, name: str) -> dict[str, Any]:
    fields = config.template.lists["fields"]
    own = [field for _, field in kind.models if field in fields] or list(fields)
    values: dict[str, Any] = {"name": name, "field": rng.choice(own), "achievements": rng.choice(kind.achievements)}
    if sheet == "individuals":
        values.update(birth_year=rng.randint(1960, 1998), position=rng.choice(kind.positions))
    values.update(_scores(config, sheet, rng))
    values["proposal"] = _consistent_proposal(config, values, ("Biểu dương", "Khen thưởng"), rng)
    return values


def _consistent_proposal(config: Config, values: dict[str, Any], wishes: tuple[str, ...], rng: random.Random) -> str:
    """A proposal the self-assessed scores support, as a careful unit would make (or none)."""
    total = sum(v for k, v in values.items() if k.startswith("score_"))
    reached = config.criteria.rank(config.criteria.classify(total))
    minimum = config.criteria.proposal_minimum
    supported = [w for w in wishes if w in minimum and config.criteria.rank(minimum[w]) >= reached]
    none = config.template.lists["proposals"][0]
    return rng.choice([none, *supported]) if supported else none


def _scores(config: Config, kind: str, rng: random.Random) -> dict[str, float]:
    sheet = config.template.sheet(kind)
    return {f.key: float(round((f.max or 0) * rng.uniform(0.55, 1.0))) for f in sheet.score_fields()}


def _activities(unit: Unit, year: int, rng: random.Random) -> dict[str, Any]:
    received = rng.randint(0, 25)
    arising = rng.randint(0, 2)
    answers: dict[str, Any] = {
        "dialogues": rng.randint(1, 4),
        "petitions_received": received,
        "petitions_resolved": rng.randint(0, received),
        "staff_trained": rng.randint(1, 12),
        "propaganda_items": rng.randint(2, 30),
        "hotspots_arising": arising,
        "hotspots_resolved": arising,
    }
    answers.update(_plan_activities(unit, year, rng, answers))
    return answers


# The kinds of hot spot, weighted as wards report them (site clearance and land most often).
HOTSPOT_KINDS = {
    "hotspots_compensation": 4,
    "hotspots_land_disputes": 4,
    "hotspots_resettlement": 1,
    "hotspots_ethnic_religious": 1,
    "hotspots_other": 2,
}
FRONT_GROUP = "mttq-doan-the"


def _plan_activities(unit: Unit, year: int, rng: random.Random, answers: Answers) -> dict[str, Any]:
    """The fields of template 2026.2, consistent with the older ones: the training split adds up to
    the staff trained, the hot spots by kind to those resolved; the Front and the mass organisations
    supervise and criticise; the People's Committee's party cell runs the dedicated pages."""
    higher = rng.randint(0, int(answers["staff_trained"]))
    kinds = rng.choices(list(HOTSPOT_KINDS), list(HOTSPOT_KINDS.values()), k=int(answers["hotspots_resolved"]))
    front = unit.group == FRONT_GROUP
    committee = "Ủy ban nhân dân" in unit.name
    values: dict[str, Any] = {
        "training_higher_staff": higher,
        "training_own_courses": 1 if answers["staff_trained"] > higher else 0,
        "training_own_staff": int(answers["staff_trained"]) - higher,
        "dedicated_pages": rng.randint(1, 2) if committee else 0,
        "dedicated_columns": rng.randint(2, 5) if committee else rng.choice([0, 0, 0, 1]),
        **{kind: kinds.count(kind) for kind in HOTSPOT_KINDS},
        "supervisions": rng.randint(1, 6) if front else 0,
        "social_criticisms": rng.randint(0, 3) if front else 0,
        "own_plan": rng.random() < 0.85,
    }
    if values["own_plan"]:
        values["own_plan_number"] = f"{rng.randint(1, 30):02d}-KH/{_issuer(unit)}"
        values["own_plan_date"] = dt.date(year, rng.randint(1, 3), rng.randint(1, 28))
    return values


def _issuer(unit: Unit) -> str:
    """The issuer's abbreviation in a plan's number: ĐU (party committee), CB (party cell) or the unit's code."""
    if unit.group == FRONT_GROUP:
        return unit.code
    return "ĐU" if unit.name.startswith("Đảng bộ") else "CB"


def _plant_errors(answers: dict[str, Any]) -> None:
    """The mistakes units make: a missing required value, money in words, a typed-over list, a new
    model proposed for re-recognition."""
    model = answers["models"][0]
    answers["models"].append(
        {**model, "name": f"{model['name']} (mở rộng)", "status": "Mới đăng ký", "proposal": "Công nhận lại"}
    )
    model["name"] = None
    model["budget_vnd"] = "1,5 triệu"
    model["field"] = "Kinh tế - xã hội"


# --------------------------------------------------------------------------- filling


def fill_workbook(template: bytes, answers: Answers, config: Config) -> bytes:
    """``template`` with ``answers`` typed into it: {sheet key: {field: value} or [rows]}."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template))
    for sheet in config.template.sheets:
        given = answers.get(sheet.key)
        if given is None:
            continue
        ws = workbook[sheet.title]
        keys = [f.key for f in sheet.fields]
        if sheet.kind == "form":
            for key, value in given.items():
                ws.cell(layout.FIRST_DATA_ROW + keys.index(key), layout.FORM_VALUE_COLUMN, value)
        else:
            for offset, row in enumerate(given):
                for key, value in row.items():
                    ws.cell(layout.FIRST_DATA_ROW + offset, keys.index(key) + 1, value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- sized answers (benchmarks)

COLLECTIVE_KINDS = (
    "Tổ tự quản",
    "Chi hội Phụ nữ",
    "Chi đoàn Thanh niên",
    "Tổ hòa giải",
    "Chi hội Cựu chiến binh",
    "Chi hội Nông dân",
    "Tổ an ninh trật tự",
    "Câu lạc bộ dưỡng sinh",
    "Tổ phụ nữ tiết kiệm",
    "Đội xung kích",
)


def sized_answers(
    config: Config, unit: Unit, year: int, rng: random.Random, models: int, exemplars: int
) -> dict[str, Any]:
    """Answers with exactly ``models`` model rows and ``exemplars`` exemplary rows (collectives and
    individuals together), all names distinct within the unit: the large units of a benchmark."""
    answers = sample_answers(config, unit, year, rng)
    kind = KINDS[unit_kind(unit)]
    people = People(rng, (DEMO_SIGNER,))
    answers["models"] = [
        _model(config, unit, kind, year, rng, model, people.draw(1)[0])
        for model in _numbered_model_names(config, unit, kind, rng, models)
    ]
    collectives = rng.randint(0, exemplars)
    answers["collectives"] = [
        _exemplar(config, "collectives", kind, rng, f"{name} {_place(unit)}")
        for name in rng.sample(COLLECTIVE_KINDS, min(collectives, len(COLLECTIVE_KINDS)))
    ]
    individuals = people.draw(exemplars - len(answers["collectives"]))
    answers["individuals"] = [_exemplar(config, "individuals", kind, rng, person) for person in individuals]
    return answers


def _numbered_model_names(config: Config, unit: Unit, kind: Kind, rng: random.Random, count: int) -> list[Chosen]:
    """``count`` distinct models of a unit: those of its kind, numbered by residential group."""
    place = _place(unit)
    chosen = [_model_names(config, unit, kind, [place], rng)[0] for _ in range(count)]
    return [(f"{name} – tổ {index + 1}, {place}", field, area) for index, (name, field, area) in enumerate(chosen)]
