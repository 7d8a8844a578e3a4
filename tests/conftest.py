"""Shared fixtures: the bundled templates and a quick way to plan a profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgplan import plan, profile_from_dict
from orgplan.templates import load_templates

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture(scope="session")
def templates():
    return load_templates()


@pytest.fixture(scope="session")
def make_plan(templates):
    """Plan a profile given as keyword arguments: make_plan(employees=500, countries=3)."""

    def _make(**values):
        return plan(profile_from_dict(values, templates=templates), templates=templates)

    return _make


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
