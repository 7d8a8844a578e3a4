"""The Plan: its graph, its JSON and its DataFrame."""

from __future__ import annotations

import json

import networkx as nx

from orgplan import load_profile, plan

from .conftest import EXAMPLES

POSITION_KEYS = {
    "id",
    "title",
    "role",
    "family",
    "level",
    "reports_to",
    "functions",
    "fte",
    "base_salary",
    "benefits_load",
    "annual_cost",
    "unit",
    "country",
    "dotted_to",
    "pay_min",
    "pay_max",
    "pay_source",
    "rationale",
}


def test_graph_is_an_arborescence_rooted_at_the_executive(make_plan):
    p = make_plan(employees=12000, countries=4)
    assert nx.is_arborescence(p.graph)
    root = [n for n, d in p.graph.in_degree() if d == 0]
    assert root == [p.root.id] and p.graph.nodes[p.root.id]["family"] == "executive"
    assert p.graph.number_of_nodes() == len(p.seats) == p.summary["hr_headcount"] + 1
    for seat in p.hr_seats:
        assert list(p.graph.predecessors(seat.id)) == [seat.reports_to]


def test_json_has_profile_summary_and_positions(make_plan):
    data = json.loads(make_plan(employees=700, company="Acme").json)
    assert data["profile"]["company"] == "Acme" and data["profile"]["max_span"] == 8
    assert {
        "employees",
        "hr_headcount",
        "hr_fte",
        "hr_per_100",
        "annual_cost",
        "layers",
        "widest_span",
        "seats_by_family",
    } <= set(data["summary"])
    for position in data["positions"]:
        assert set(position) == POSITION_KEYS
    executive = [p for p in data["positions"] if p["reports_to"] is None]
    assert len(executive) == 1 and executive[0]["family"] == "executive" and executive[0]["annual_cost"] == 0
    assert all(r.keys() == {"rule", "reason"} for p in data["positions"] for r in p["rationale"])


def test_same_input_gives_byte_identical_json(templates):
    for path in EXAMPLES:
        first = plan(load_profile(path, templates=templates), templates=templates).json
        second = plan(load_profile(path, templates=templates), templates=templates).json
        assert first == second


def test_summary_totals_match_positions(make_plan):
    p = make_plan(employees=3000, salary_multiplier=0.8)
    s = p.summary
    assert s["hr_headcount"] == sum(s["seats_by_family"].values())
    assert s["hr_fte"] == round(sum(x.fte for x in p.hr_seats), 2)
    assert s["hr_per_100"] == round(s["hr_fte"] / 3000 * 100, 3)
    assert s["widest_span"] == max(p.graph.out_degree(x.id) for x in p.hr_seats)


def test_positions_dataframe(make_plan):
    p = make_plan(employees=900)
    df = p.positions
    assert len(df) == len(p.seats)
    assert df.loc["ceo", "family"] == "executive"
    assert df["annual_cost"].sum() == p.summary["annual_cost"]


def test_output_files_honour_the_umask(tmp_path):
    import os
    import stat

    from orgplan.outputs.folder import write_outputs

    p = plan(load_profile(next(e for e in EXAMPLES if e.stem == "tiny-studio")))
    for mask, mode in ((0o022, 0o644), (0o077, 0o600)):
        old = os.umask(mask)
        try:
            written = write_outputs(p, tmp_path / f"out{mask:o}")
        finally:
            os.umask(old)
        assert {stat.S_IMODE(path.stat().st_mode) for path in written} == {mode}
        assert stat.S_IMODE(written[0].parent.stat().st_mode) == mode | (mode & 0o444) >> 2


def test_every_summary_figure_names_a_figure_of_the_plan_summary(make_plan):
    from orgplan.core.figures import SUMMARY_FIGURES

    summary = make_plan(employees=900).summary
    for f in SUMMARY_FIGURES:
        assert isinstance(summary[f.key], (int, float)), f.key
        assert f.text(summary[f.key]) and f.heading() and f.number_format, f.key
