"""Code health: small units. No class in orgplan/ runs over 200 lines, counted from ``class`` to its
last line as ``ruff format`` writes it; a longer one is split by concern (see orgplan/web/ or the
expression_* and sheet_* modules for how)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

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
    assert "orgplan/web/site.py:Site" in lengths and "orgplan/sheets.py:Sheet" in lengths  # subpackages too
    too_long = {name: n for name, n in lengths.items() if n > LONGEST_CLASS}
    assert not too_long, f"classes over {LONGEST_CLASS} lines; split them by concern: {too_long}"


def test_a_class_is_measured_from_class_to_its_last_line_nested_ones_too():
    body = "\n".join(f"    x{i} = {i}" for i in range(LONGEST_CLASS))
    source = f"@decorated\nclass Long:\n{body}\n    class Inner:\n        pass\n\n\ndef after():\n    pass\n"
    assert dict(class_lengths(source, "m.py")) == {"m.py:Long": LONGEST_CLASS + 3, "m.py:Inner": 2}
