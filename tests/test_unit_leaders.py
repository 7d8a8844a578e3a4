"""Business unit leaders: outside HR, the target of their units' business partners' dotted lines."""

from __future__ import annotations

import networkx as nx
import openpyxl
import pytest

from orgplan import compare, read_team
from orgplan.outputs.charts.layout import layout_chart
from orgplan.outputs.charts.org_chart import draw_chart
from orgplan.outputs.workbook.staffing import export_excel

UNITS = [{"name": "Devices", "employees": 1500}, {"name": "Services", "employees": 900}]


@pytest.fixture(scope="module")
def lumen(make_plan):
    """2,400 employees in two named business units, each with a business partner of its own."""
    return make_plan(company="Lumen Labs", employees=2400, business_units=UNITS)


def test_each_named_unit_with_partners_gets_a_leader_its_partners_answer_to_on_a_dotted_line(lumen):
    leaders = [s for s in lumen.seats if s.family == "business"]
    assert [(s.title, s.unit, s.reports_to) for s in leaders] == [
        ("Head of Devices", "Devices", lumen.root.id),
        ("Head of Services", "Services", lumen.root.id),
    ]
    partners = [s for s in lumen.hr_seats if s.role == "hr_business_partner"]
    assert partners and all(lumen.seat(s.dotted_to).title == f"Head of {s.unit}" for s in partners)
    assert all(s.dotted_to is None for s in lumen.hr_seats if s.unit is None)
    assert nx.is_arborescence(lumen.graph)


def test_unit_leaders_are_outside_hr_not_counted_and_not_costed(lumen):
    leaders = [s for s in lumen.seats if s.family == "business"]
    assert not any(s.is_hr for s in leaders) and not set(leaders) & set(lumen.hr_seats)
    assert all(s.annual_cost == 0 for s in leaders)
    s = lumen.summary
    assert s["hr_headcount"] == len(lumen.seats) - 1 - len(leaders) == sum(s["seats_by_family"].values())
    assert s["annual_cost"] == round(sum(x.annual_cost for x in lumen.hr_seats))
    assert "business" not in s["seats_by_family"]
    head = next(x for x in lumen.hr_seats if x.reports_to == lumen.root.id)
    assert s["layers"] == max(nx.shortest_path_length(lumen.graph, head.id).values()) + 1


def test_units_given_only_as_a_count_get_no_leader_and_no_dotted_line(make_plan):
    p = make_plan(employees=2400, business_units=2)
    assert not [s for s in p.seats if s.family == "business"] and not any(s.dotted_to for s in p.seats)


def test_the_chart_draws_the_leaders_outside_hr_and_a_dashed_connector_to_each(lumen):
    lay = layout_chart(lumen, expand=True)
    boxes = {b.id: b for b in lay.boxes}
    leader_boxes = {b.id for b in lay.boxes if b.family == "business"}
    assert len(leader_boxes) == 2 and all(b.unit is None for b in lay.boxes if b.family == "business"), (
        "leaders hang beside HR, not under a unit caption"
    )
    assert {boxes[target].title for _, target in lay.dotted} == {"Head of Devices", "Head of Services"}
    fig = draw_chart(lumen, expand=True).figure
    texts = [t.get_text() for t in fig.texts]
    assert {"Dotted line", "Business unit leaders (outside HR)"} <= set(texts)
    line = next(c for c in fig.axes[0].collections if c.get_gid() == "dotted")
    assert len(line.get_segments()) == len(lay.dotted) and line.get_linestyle()[0][1] is not None
    assert any(t.startswith(f"{lumen.summary['hr_headcount']} HR seats") for t in texts), (
        "the footer counts HR seats only"
    )
    boxes_drawn = next(c for c in fig.axes[0].collections if c.get_gid() == "boxes")
    assert sum(style[1] is not None for style in boxes_drawn.get_linestyles()) == 2, (
        "the two leaders' boxes have a dashed outline"
    )


def test_the_positions_sheet_shows_the_dotted_line_by_title_and_the_totals_count_hr_only(lumen, tmp_path):
    path = export_excel(lumen, tmp_path / "plan.xlsx", chart=False)
    values = openpyxl.load_workbook(path, data_only=True)
    ws = values["Positions"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    for seat in lumen.hr_seats:
        assert rows[seat.id]["Dotted line to"] == (lumen.seat(seat.dotted_to).title if seat.dotted_to else None)
    leader = next(s for s in lumen.seats if s.family == "business")
    assert (
        rows[leader.id]["Family"] == "Business unit leaders (outside HR)" and rows[leader.id]["Annual cost (USD)"] == 0
    )
    summary = {r[0]: r[1] for r in values["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["HR seats"] == lumen.summary["hr_headcount"] and summary["HR FTE"] == lumen.summary["hr_fte"]
    formulas = {r[0].value: r[1].value for r in openpyxl.load_workbook(path)["Summary"].iter_rows() if r[0].value}
    assert '"<>Business unit leaders (outside HR)"' in formulas["HR seats"]
    team = read_team(path, templates=lumen.templates)  # the workbook reads back with the leaders outside HR
    assert team.structure()["hr_headcount"] == lumen.summary["hr_headcount"]
    assert not team.seat(leader.id).is_hr and team.seat(leader.id).role == "business_unit_leader"


def test_compare_matches_hr_seats_only(lumen):
    gap = compare(lumen, lumen)
    assert len(gap.kept) == lumen.summary["hr_headcount"] and not gap.to_add and not gap.excess
    assert set(gap.filled_by) == {s.id for s in lumen.hr_seats}
