"""Code health: small units in layers you can see.

No class in orgplan/ runs over 200 lines, counted from ``class`` to its last line as ``ruff format``
writes it; a longer one is split by concern (see orgplan/web/ or orgplan/outputs/workbook/ for how).
The subpackages are layers: each module imports only from its own layer or the ones below it (lazy
imports inside functions count too), so the import graph has no circles.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from .conftest import ROOT

LONGEST_CLASS = 200


def class_lengths(source: str, where: str) -> Iterator[tuple[str, int]]:
    """Every class of ``source``, nested ones too, as ``where:Name`` and its length in lines."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            yield f"{where}:{node.name}", (node.end_lineno or node.lineno) - node.lineno + 1


def package_classes() -> dict[str, int]:
    lengths: dict[str, int] = {}
    for path in sorted((ROOT / "orgplan").rglob("*.py")):
        lengths.update(class_lengths(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()))
    return lengths


def test_no_class_in_orgplan_is_longer_than_200_lines():
    lengths = package_classes()
    assert "orgplan/web/site.py:Site" in lengths  # subpackages too
    assert "orgplan/outputs/workbook/sheets.py:Sheet" in lengths
    too_long = {name: n for name, n in lengths.items() if n > LONGEST_CLASS}
    assert not too_long, f"classes over {LONGEST_CLASS} lines; split them by concern: {too_long}"


def test_a_class_is_measured_from_class_to_its_last_line_nested_ones_too():
    body = "\n".join(f"    x{i} = {i}" for i in range(LONGEST_CLASS))
    source = f"@decorated\nclass Long:\n{body}\n    class Inner:\n        pass\n\n\ndef after():\n    pass\n"
    assert dict(class_lengths(source, "m.py")) == {"m.py:Long": LONGEST_CLASS + 3, "m.py:Inner": 2}


# From the bottom up; the modules at the top of the package (cli, console) stand above them all.
LAYERS = ("errors", "core", "knowledge", "model", "reading", "planning", "outputs", "portfolio", "web")
TOP = len(LAYERS)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> Iterator[str]:
    """Every orgplan module ``path`` imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("orgplan"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            if base.startswith("orgplan"):
                for alias in node.names:  # ``from orgplan.web import site`` imports the module site
                    module = f"{base}.{alias.name}"
                    is_module = ROOT.joinpath(*module.split(".")).with_suffix(".py").is_file()
                    yield module if is_module else base


def layer_of(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else TOP


def import_graph() -> dict[str, set[str]]:
    return {
        module_name(p): set(imports_of(p)) - {module_name(p)}
        for p in sorted((ROOT / "orgplan").rglob("*.py"))
        if p.name != "__main__.py"
    }


def test_no_module_imports_from_a_layer_above_its_own():
    graph = import_graph()
    assert "orgplan.planning.planner" in graph and "orgplan.knowledge.rules" in graph["orgplan.planning.planner"]
    upward = sorted(
        f"{a} -> {b}" for a, bs in graph.items() for b in bs if b != "orgplan" and layer_of(b) > layer_of(a)
    )
    assert not upward, f"imports that climb a layer: {upward}"


def test_the_import_graph_has_no_circles():
    import networkx as nx

    graph = nx.DiGraph([(a, b) for a, bs in import_graph().items() for b in bs if b != "orgplan"])
    assert not list(nx.simple_cycles(graph)), "import circles"


def test_at_most_twelve_modules_sit_flat_in_the_package():
    flat = sorted(p.name for p in (ROOT / "orgplan").glob("*.py"))
    assert len(flat) <= 12, flat
