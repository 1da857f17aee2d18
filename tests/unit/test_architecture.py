"""The package's layout holds: stages import only to their left, no cycles, no private names across
stages, no module too long to read; and the report tests' recount takes nothing from the stages.

Every import is read with ``ast``, function-level imports included (they are imports too, only
later). The order of the stages is the one the README's developer part shows.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "pipeline"
# Left to right: a module imports from its own stage or from stages to its left.
STAGES = ("core", "config", "register", "intake", "year", "outputs", "mail", "run", "tools", "web", "cli")
MAX_LINES = 500


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name, "pipeline." left out
    line: int
    module: str  # the imported module, dotted, "pipeline." left out
    name: str  # the name taken from it ("" for a whole module)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    """Every import of a ``pipeline`` module by the module at ``path``, wherever it is in the file."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            elif node.module and node.module.startswith("pipeline"):
                target = node.module.removeprefix("pipeline").lstrip(".")
            else:
                continue
            for alias in node.names:
                whole = f"{target}.{alias.name}".lstrip(".")
                if whole in modules:
                    yield Import(name, node.lineno, whole, "")
                else:
                    yield Import(name, node.lineno, target, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pipeline."):
                    yield Import(name, node.lineno, alias.name.removeprefix("pipeline."), "")


def stage_of(module: str) -> str:
    return module.split(".")[0]


def every_import() -> list[Import]:
    modules = all_modules()
    return [found for name, path in modules.items() for found in imports_of(name, path, modules)]


def test_every_module_is_in_a_stage() -> None:
    loose = [m for m in all_modules() if m not in ("", "__main__") and stage_of(m) not in STAGES]
    assert loose == []


def test_stages_import_only_to_their_left() -> None:
    wrong = [
        f"{i.importer}:{i.line} imports {i.module}"
        for i in every_import()
        if i.importer not in ("", "__main__")
        and stage_of(i.importer) in STAGES
        and STAGES.index(stage_of(i.module)) > STAGES.index(stage_of(i.importer))
    ]
    assert wrong == []


def test_no_private_name_is_imported_across_stages() -> None:
    private = [
        f"{i.importer}:{i.line} takes {i.module}.{i.name or i.module.rsplit('.', 1)[-1]}"
        for i in every_import()
        if stage_of(i.importer) != stage_of(i.module)
        and (i.name.startswith("_") or (not i.name and i.module.rsplit(".", 1)[-1].startswith("_")))
    ]
    assert private == []


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {name: set() for name in all_modules()}
    for i in every_import():
        if i.module in graph and i.module != i.importer:
            graph[i.importer].add(i.module)
    cycle = _find_cycle(graph)
    assert cycle == [], " -> ".join(cycle)


def _find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph, as the modules along it; [] when there is none."""
    done: set[str] = set()
    for start in sorted(graph):
        path: list[str] = []
        on_path: set[str] = set()
        stack = [(start, iter(sorted(graph[start])))]
        if start in done:
            continue
        path.append(start)
        on_path.add(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
            elif child in on_path:
                return [*path[path.index(child) :], child]
            elif child not in done:
                stack.append((child, iter(sorted(graph[child]))))
                path.append(child)
                on_path.add(child)
    return []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


@pytest.mark.parametrize("name", sorted(all_modules()))
def test_no_module_is_too_long(name: str) -> None:
    lines = len(all_modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines"


def test_relative_imports_are_resolved_as_python_does() -> None:
    """The walker itself: a module taken from a package and a name taken from a module two levels up,
    and an import inside a function."""
    modules = all_modules()
    writer = list(imports_of("outputs.xlsx.council", PACKAGE / "outputs" / "xlsx" / "council.py", modules))
    assert any(i.module == "core.layout" and i.name == "" for i in writer)
    assert any(i.module == "intake.council" and i.name == "COLUMNS" for i in writer)
    cli = list(imports_of("cli.cycle_commands", PACKAGE / "cli" / "cycle_commands.py", modules))
    assert any(i.module == "run.cycle" and i.name == "issue_council" for i in cli)  # inside a command


def test_the_reports_recount_takes_nothing_from_the_code_it_checks() -> None:
    """``tests/support/recount.py``, the report tests' oracle, imports only the configuration from the
    package: a figure it took from the statistics (or the report writer) would agree with their bugs."""
    recount = PACKAGE.parent / "tests" / "support" / "recount.py"
    tree = ast.parse(recount.read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert {m for m in modules if m.split(".")[0] == "pipeline"} == {"pipeline.config"}
