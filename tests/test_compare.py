"""Gap analysis and scenarios: the matcher on hand-built teams, the report's numbers, --set."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from orgplan.cli import cli
from orgplan.planning.gap import compare, guess_role
from orgplan.reading.team import read_team

from .conftest import write


@pytest.fixture(scope="module")
def recommended(make_plan):
    """900 employees, unionised, reporting to the COO."""
    return make_plan(
        company="Keystone",
        employees=900,
        sites=3,
        business_units=2,
        unionized_share=0.55,
        hr_reports_to="COO",
        annual_hires=180,
    )


SMALL_TEAM = (  # a manager, a generalist and a payroll administrator under the COO
    "coo,Chief Operating Officer,,,\n"
    "m,HR Manager,coo,118000,1\n"
    "g1,HR Generalist,m,68000,1\n"
    "p,Payroll Administrator,m,54000,1\n"
)


def team(tmp_path, text):
    return read_team(write(tmp_path / "team.csv", "id,title,reports to,salary,fte\n" + text))


def test_the_plan_compared_with_itself_keeps_every_seat(recommended):
    gap = compare(recommended, recommended)
    assert len(gap.kept) == recommended.summary["hr_headcount"]
    assert not gap.to_add and not gap.excess and not gap.changed and gap.cost_difference == 0


def test_an_understaffed_team_gets_seats_to_add_changes_and_the_cost_gap(tmp_path, recommended, templates):
    current = team(
        tmp_path,
        (
            "coo,Chief Operating Officer,,,\n"
            "m,HR Manager,coo,118000,1\n"
            "g1,HR Generalist,m,68000,1\n"
            "p,Payroll Administrator,m,54000,1\n"
            "a,HR Assistant,g1,41000,0.5\n"
        ),
    )
    gap = compare(current, recommended)
    by_current = {m.current.id: m for m in gap.matches if m.current}
    # the HR manager stays, under the HR director the plan adds for a team of more than max_span
    assert by_current["m"].recommended.id == "hr-manager-1"
    assert by_current["m"].changes == (
        "reporting: now to Chief Operating Officer, should be to HR Director (hr-director-1)",
    )
    assert by_current["p"].recommended.role == "payroll_specialist"
    assert "re-title: 'Payroll Administrator' -> 'Payroll Specialist'" in by_current["p"].changes
    assert set(by_current["a"].changes) >= {"raise FTE from 0.5 to 1"}
    assert any(c.startswith("reporting: now to HR Generalist") for c in by_current["a"].changes)
    assert len(gap.to_add) == recommended.summary["hr_headcount"] - 4
    load = templates.costing.load_for("salary")  # the benefits load in benchmarks.yaml
    assert gap.current_cost == round((118000 + 68000 + 54000 + 41000 * 0.5) * load)
    assert gap.summaries()["current"]["hr_headcount"] == 4
    split = gap.cost_split()
    assert split["excess"] == 0 and split["new_seats"] == sum(m.recommended.annual_cost for m in gap.to_add)
    assert split["new_seats"] + split["repricing"] - split["excess"] == pytest.approx(gap.cost_difference, abs=2)
    assert any(
        a.startswith("Unions: 55% of employees") and "to the Labour Relations Specialist" in a for a in gap.advice
    )


def test_seats_with_no_place_spans_over_the_limit_and_uncovered_functions(tmp_path, make_plan):
    small = make_plan(company="Small", employees=120, max_span=4)
    current = team(
        tmp_path,
        (
            "ceo,Chief Executive Officer,,,\n"
            "d,VP People,ceo,190000,1\n"
            "r1,Recruiter,d,70000,1\n"
            "r2,Recruiter,d,70000,1\n"
            "r3,Recruiter,d,70000,1\n"
            "r4,Recruiter,d,70000,1\n"
            "r5,Recruiter,d,70000,1\n"
            "x,Chief Vibes Wizard,d,50000,1\n"
        ),
    )
    gap = compare(current, small)
    assert [s.id for s, n in gap.spans_over] == ["d"]
    excess = {m.current.id for m in gap.excess}
    assert "x" in excess and len(excess & {"r1", "r2", "r3", "r4", "r5"}) >= 4
    assert "the title 'Chief Vibes Wizard' names no catalog role" in [m.why for m in gap.excess]
    head = next(m for m in gap.matches if m.current and m.current.id == "d")
    assert head.why == "the current head of HR takes the recommended head-of-HR seat"
    assert any(c.startswith("re-level: VP of Human Resources -> ") for c in head.changes)
    assert "payroll" in gap.uncovered  # recruiters cover hiring only


def test_titles_the_catalog_does_not_know_are_matched_by_shared_words(templates):
    assert guess_role("Senior Payroll Officer II", templates)[0] == "payroll_specialist"
    assert guess_role("Talent Acquisition Lead", templates)[0] in ("recruiter", "talent_acquisition_manager")
    assert guess_role("Chief Vibes Wizard", templates) is None


def test_cli_compare_writes_the_gap_workbook_and_marked_chart(tmp_path):
    result = CliRunner().invoke(
        cli, ["compare", "examples/current-team.xlsx", "examples/keystone-manufacturing.yaml", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "Seats to add (5)" in result.output and "Cost difference: +$" in result.output
    weigh = result.output.split("What to weigh")[1]
    assert "seats to add +$" in result.output and "today an HR Manager (level 6)" in weigh
    assert "calls for an HR Director (level 7) - 9 HR staff members are more than the 8 direct reports one" in weigh
    assert "Office & Culture Coordinator (hr-07)" in result.output.split("Seats beyond the recommendation")[1]
    wb = openpyxl.load_workbook(tmp_path / "staffing-plan.xlsx")
    assert {"Gap", "Gap summary", "Positions"} <= set(wb.sheetnames)
    statuses = [r[0] for r in wb["Gap"].iter_rows(min_row=4, values_only=True)]
    assert (
        statuses.count("new") == 5
        and statuses.count("kept") + statuses.count("changed") == 6
        and statuses.count("excess") == 1
    )
    assert (tmp_path / "orgchart-gap.png").stat().st_size > 20000


def test_two_profiles_compare_side_by_side():
    result = CliRunner().invoke(
        cli,
        [
            "compare",
            "examples/keystone-manufacturing.yaml",
            "examples/keystone-manufacturing.yaml",
            "--set",
            "employees=2500",
            "--set",
            "unionized_share=0.3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Scenario examples/keystone-manufacturing.yaml (900 employees)" in result.output
    assert "(2,500 employees)" in result.output and "Seats kept as they are" in result.output


def test_set_overrides_profile_values_on_plan():
    result = CliRunner().invoke(
        cli,
        [
            "plan",
            "examples/keystone-manufacturing.yaml",
            "--set",
            "employees=2500",
            "--set",
            "unionized_share=0.3",
            "--json",
        ],
    )
    import json

    data = json.loads(result.output)
    assert data["profile"]["employees"] == 2500 and data["profile"]["unionized_share"] == 0.3


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["plan", "examples/keystone-manufacturing.yaml", "--set", "employees=lots"],
            "--set employees: expected a whole number",
        ),
        (["plan", "examples/keystone-manufacturing.yaml", "--set", "employees"], "--set: expected KEY=VALUE"),
        (["plan", "examples/keystone-manufacturing.yaml", "--set", "employes=3"], "did you mean 'employees'"),
        (["compare", "examples/missing.xlsx", "examples/keystone-manufacturing.yaml"], "file not found"),
        (["compare", "examples/keystone-manufacturing.yaml", "examples/nowhere.yaml"], "file not found"),
    ],
)
def test_bad_scenarios_and_team_files_exit_2(args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_the_gap_chart_draws_open_changed_and_kept_seats_apart_with_the_cost_difference(tmp_path, recommended):
    from orgplan.outputs.charts.org_chart import draw_chart

    current = team(tmp_path, SMALL_TEAM)
    gap = compare(current, recommended)
    fig = draw_chart(gap.plan, gap=gap).figure
    texts = [t.get_text() for t in fig.texts]
    assert texts[0] == "Keystone - HR gap: current team vs recommended organisation"
    assert {"Open seat to hire (new)", "Current seat, changed", "Current seat, kept"} <= set(texts)
    footer = " ".join(texts)
    assert f"{len(gap.open_seats)} open seats to hire, drawn with a dashed outline." in footer
    assert f"Cost difference: +${gap.cost_difference:,.0f} a year." in footer
    boxes = next(c for c in fig.axes[0].collections if c.get_gid() == "boxes")
    dashed = [style for style in boxes.get_linestyles() if style[1] is not None]
    widths = set(boxes.get_linewidths())
    assert dashed and len(widths) >= 3, "open seats dashed, changed seats with a thick outline, kept seats plain"


# -- open seats: filled by a current seat, or to hire -----------------------------------------


def test_each_recommended_seat_is_filled_by_a_current_seat_or_open(tmp_path, recommended):
    current = team(tmp_path, SMALL_TEAM)
    gap = compare(current, recommended)
    assert (
        gap.filled_by["hr-manager-1"] == "m" and gap.filled_by["payroll-specialist-1"] == "p"
    )  # kept, and changed (re-titled)
    assert set(gap.filled_by) == {s.id for s in recommended.hr_seats}
    assert sorted(v for v in gap.filled_by.values() if v) == ["g1", "m", "p"]
    opened = [s for s in recommended.hr_seats if gap.filled_by[s.id] is None]
    assert list(gap.open_seats) == opened and [m.recommended for m in gap.to_add] == opened
    assert gap.open_totals() == {
        "open_seats": len(opened),
        "open_fte": sum(s.fte for s in opened),
        "open_cost": round(sum(s.annual_cost for s in opened)),
    }
    data = gap.to_dict()
    by_id = {p["id"]: p for p in data["positions"]}
    assert (by_id["payroll-specialist-1"]["status"], by_id["payroll-specialist-1"]["filled_by"]) == ("filled", "p")
    assert all(by_id[s.id]["status"] == "open" and by_id[s.id]["filled_by"] is None for s in opened)
    assert by_id[recommended.root.id]["status"] is None  # the executive is outside HR
    assert (
        data["summary"]["open_seats"] == len(opened)
        and data["summary"]["hr_headcount"] == recommended.summary["hr_headcount"]
    )


def test_cli_compare_json_prints_the_plan_with_open_and_filled_seats(tmp_path):
    import json

    result = CliRunner().invoke(
        cli, ["compare", "examples/current-team.xlsx", "examples/keystone-manufacturing.yaml", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    hr = [p for p in data["positions"] if p["family"] != "executive"]
    opened = [p for p in hr if p["status"] == "open"]
    assert {p["status"] for p in hr} == {"open", "filled"} and all(
        p["filled_by"] for p in hr if p["status"] == "filled"
    )
    assert data["summary"]["open_seats"] == len(opened) == 5
    assert data["summary"]["open_fte"] == sum(p["fte"] for p in opened)
    assert data["summary"]["open_cost"] == round(sum(p["annual_cost"] for p in opened))
    assert data["current"]["hr_headcount"] == 7
    scenarios = CliRunner().invoke(
        cli,
        [
            "compare",
            "examples/keystone-manufacturing.yaml",
            "examples/keystone-manufacturing.yaml",
            "--set",
            "employees=2500",
            "--json",
        ],
    )
    later = json.loads(scenarios.output)
    assert later["profile"]["employees"] == 2500 and later["current"]["hr_headcount"] == data["summary"]["hr_headcount"]
    assert later["summary"]["open_seats"] == sum(p["status"] == "open" for p in later["positions"]) > 0


def test_the_hiring_plan_sheet_lists_only_the_open_seats_and_says_so(tmp_path):
    result = CliRunner().invoke(
        cli, ["compare", "examples/current-team.xlsx", "examples/keystone-manufacturing.yaml", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "Open seats to hire: 5 (5 FTE, $" in result.output
    wb = openpyxl.load_workbook(tmp_path / "staffing-plan.xlsx")
    ws = wb["Hiring plan"]
    gap_rows = list(wb["Gap"].iter_rows(min_row=4, values_only=True))
    open_ids = {r[3] for r in gap_rows if r[0] == "new"}
    listed = [c.value for c in ws["C"] if isinstance(c.value, str) and c.value in {r[3] for r in gap_rows if r[3]}]
    assert sorted(listed) == sorted(open_ids) and len(listed) == 5
    assert ws["A2"].value.startswith(
        "Only the open seats, to hire: 5 of the 11 recommended seats; the current team fills the other 6"
    )
    positions = {r[0].value: r for r in wb["Positions"].iter_rows(min_row=2)}
    phase = [c.value for c in wb["Positions"][1]].index("Hiring phase")
    filled = next(r for r in gap_rows if r[0] == "kept")
    assert positions[filled[3]][phase].value == f"Filled by {filled[2]} ({filled[1]})"
