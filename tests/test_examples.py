"""The bundled examples: their committed outputs are what orgplan makes today.

When a rule or a figure changes, `python3 examples/regenerate.py` rewrites them; this test
fails until it is run, so the examples a reader opens always match the code.
"""

from __future__ import annotations

import pytest

from orgplan import load_profile, plan, read_team

from .conftest import EXAMPLES, ROOT


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_committed_plan_json_matches_a_fresh_plan(path, templates):
    committed = ROOT / "examples" / "output" / path.stem / "plan.json"
    assert (
        committed.read_text(encoding="utf-8") == plan(load_profile(path, templates=templates), templates=templates).json
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_committed_workbook_holds_the_fresh_plans_seats(path, templates):
    fresh = plan(load_profile(path, templates=templates), templates=templates)
    book = read_team(ROOT / "examples" / "output" / path.stem / "staffing-plan.xlsx", templates=templates)
    assert [(s.id, s.title, s.reports_to, s.fte, s.annual_cost) for s in book.seats] == [
        (s.id, s.title, s.reports_to, s.fte, s.annual_cost) for s in fresh.seats
    ]
