"""The import layers of the product: dependencies point down, never up, never in a circle.

    entry scripts (pipelines/<name>.py)
      -> runner (the run driver)
        -> sources (notion, hubspot, google_people) and contract, side by side
          -> core and registry

Function-local imports count: hiding an import inside a function does not change who
depends on whom. Run alone with `script/test tests/test_layers.py`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipelines.core.paths import PROJECT_ROOT

LAYER = {
    "core": 0,
    "registry": 0,
    "notion": 1,
    "hubspot": 1,
    "google_people": 1,
    "contract": 1,
    "runner": 2,
}
ENTRY_LAYER = 3  # pipelines/<name>.py
OUTSIDE_THE_PRODUCT = ("sandbox", "migrations", "demo", "tests", "dags")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(p): p for p in sorted((PROJECT_ROOT / package).rglob("*.py"))}


def imported_names(path: Path, name: str) -> set[str]:
    """Every module name an `import` anywhere in the file may refer to."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_graph(package: str) -> dict[str, set[str]]:
    """module -> the modules of the same package it imports (its own parents left out)."""
    known = modules(package)
    graph = {}
    for name, path in known.items():
        targets = set()
        for imported in imported_names(path, name):
            for candidate in known:
                refers = imported == candidate or imported.startswith(candidate + ".")
                if refers and candidate != name and not name.startswith(candidate + "."):
                    targets.add(candidate)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def layer_of(module: str) -> tuple[str, int] | None:
    """(part, layer) of a pipelines module; None for the package itself."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    part = parts[1]
    return part, LAYER.get(part, ENTRY_LAYER)


@pytest.mark.parametrize("package", ["pipelines", "sandbox"])
def test_no_import_cycle(package: str) -> None:
    assert cycles(import_graph(package)) == []


def test_the_product_never_imports_what_sits_outside_it() -> None:
    wrong = [
        f"{name} imports {imported}"
        for name, path in modules("pipelines").items()
        for imported in imported_names(path, name)
        if imported.split(".")[0] in OUTSIDE_THE_PRODUCT
    ]
    assert wrong == []


def test_pipelines_import_only_downwards() -> None:
    upward = []
    for name, targets in import_graph("pipelines").items():
        source = layer_of(name)
        for target in targets:
            into = layer_of(target)
            if source is None or into is None or source[0] == into[0]:
                continue
            if into[1] >= source[1]:
                upward.append(f"{name} (layer {source[1]}) imports {target} (layer {into[1]})")
    assert upward == []


def test_every_part_of_pipelines_has_a_layer() -> None:
    parts = {p.name for p in (PROJECT_ROOT / "pipelines").iterdir() if p.is_dir()}
    assert parts - {"__pycache__"} <= set(LAYER), "add the new part to LAYER"


def test_the_checker_sees_a_cycle_and_an_upward_import() -> None:
    """The walk itself: a hidden cycle and a wrong-way import are caught."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert layer_of("pipelines.core.retry") == ("core", 0)
    assert layer_of("pipelines.notion_habits") == ("notion_habits", ENTRY_LAYER)
