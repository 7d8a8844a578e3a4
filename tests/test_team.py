"""Reading a team back: a plan survives the round trip, users' own files read in, broken files say where."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgplan import TeamFileError, plan, profile_from_dict
from orgplan.cli import cli
from orgplan.outputs.workbook.staffing import export_excel
from orgplan.reading.team import read_team

from .conftest import EXAMPLES, examples, write


def seat_facts(tree):
    return [
        (s.id, s.title, s.role, s.family, s.level, s.reports_to, s.functions, s.fte, s.base_salary, s.annual_cost)
        for s in tree.hr_seats
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_an_exported_plan_reads_back_as_the_same_org(example, tmp_path, templates):
    from orgplan import load_profile

    p = plan(load_profile(example, templates=templates), templates=templates)
    team = read_team(export_excel(p, tmp_path / "plan.xlsx", chart=False), templates=templates)
    assert seat_facts(team) == seat_facts(p)
    assert set(team.graph.edges) == set(p.graph.edges)
    assert team.root.id == p.root.id and team.root.family == "executive"
    assert team.summary == p.structure()


@settings(max_examples=examples(0.2), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    employees=st.integers(12, 30000),
    countries=st.integers(1, 12),
    unionized=st.floats(0, 1),
    span=st.integers(4, 12),
    multiplier=st.floats(0.5, 2.0),
    boss=st.sampled_from(["CEO", "COO", "CFO"]),
)
def test_round_trip_holds_for_generated_plans(
    tmp_path_factory, templates, employees, countries, unionized, span, multiplier, boss
):
    profile = profile_from_dict(
        {
            "company": "Generated",
            "employees": employees,
            "countries": countries,
            "unionized_share": unionized,
            "max_span": span,
            "salary_multiplier": multiplier,
            "hr_reports_to": boss,
        },
        templates=templates,
    )
    p = plan(profile, templates=templates)
    team = read_team(export_excel(p, tmp_path_factory.mktemp("rt") / "p.xlsx", chart=False), templates=templates)
    assert seat_facts(team) == seat_facts(p)
    assert set(team.graph.edges) == set(p.graph.edges)


def test_a_users_csv_with_its_own_headers_reads_in(tmp_path, templates):
    path = write(
        tmp_path / "team.csv",
        (
            "Employee ID,Job title,Manager ID,Salary,FTE,Name\n"
            'e1,HR Manager,,"$120,000",1,Ana\n'
            "e2,HR Generalist,e1,70000,1,Ben\n"
            "e3,Payroll Specialist,e1,55000,0.5,Cy\n"
            "e4,Culture Champion,e1,,1,Di\n"
            "e5,People Partner,e1,,1,Ed\n"
        ),
    )
    team = read_team(path)
    assert [s.id for s in team.seats] == ["e1", "e2", "e3", "e4", "e5"]
    assert team.root.role == "hr_manager"
    assert team.seat("e3").role == "payroll_specialist" and team.seat("e3").fte == 0.5
    assert team.seat("e1").base_salary == 120000
    assert team.seat("e3").annual_cost == round(55000 * 0.5 * templates.costing.load_for("salary"))
    assert team.seat("e4").role == "" and team.seat("e4").base_salary == 0
    assert team.seat("e5").role == "hr_business_partner"  # another name the catalog knows
    assert team.summary["layers"] == 2 and team.summary["widest_span"] == 4


def test_a_users_workbook_without_a_positions_sheet_uses_its_first_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "HR staff"
    ws.append(["Our HR team"])
    ws.append(["ID", "Title", "Reports to", "Role"])
    ws.append(["ceo", "Chief Executive Officer", None, None])
    ws.append(["h1", "Head of People", "ceo", "hr_director"])
    ws.append(["h2", "Recruiter", "h1", None])
    wb.save(tmp_path / "team.xlsx")
    team = read_team(tmp_path / "team.xlsx")
    assert team.root.family == "executive"
    assert team.seat("h1").role == "hr_director" and team.seat("h1").title == "Head of People"
    assert team.summary["hr_headcount"] == 2


def xlsx(tmp_path, rows, sheet="Positions"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    path = tmp_path / "team.xlsx"
    wb.save(path)
    return path


HEAD = ["ID", "Title", "Reports to (ID)", "FTE"]
BROKEN = {
    "missing column": (
        [["ID", "Title", "FTE"], ["a", "HR Manager", 1]],
        "sheet 'Positions': missing column(s) Reports to (ID)",
    ),
    "duplicate id": (
        [HEAD, ["a", "HR Manager", None, 1], ["b", "HR Generalist", "a", 1], ["b", "Recruiter", "a", 1]],
        "row 4, column A (ID): seat ID 'b' is used twice (rows 3 and 4)",
    ),
    "unknown manager": (
        [HEAD, ["a", "HR Manager", None, 1], ["b", "HR Generalist", "aa", 1]],
        "row 3, column C (Reports to (ID)): reports to 'aa', which is no seat's ID",
    ),
    "loop": (
        [HEAD, ["a", "HR Manager", None, 1], ["b", "HR Generalist", "c", 1], ["c", "Recruiter", "b", 1]],
        "reporting lines go round in a loop: b -> c -> b (rows 3, 4)",
    ),
    "two roots": (
        [HEAD, ["a", "HR Manager", None, 1], ["b", "HR Generalist", None, 1]],
        "2 seats report to no one: a (row 2), b (row 3)",
    ),
    "wrong type": (
        [HEAD, ["a", "HR Manager", None, "full"]],
        "row 2, column D (FTE): expected a number from 0 to 1, got 'full'",
    ),
    "empty sheet": ([], "sheet 'Positions': the sheet is empty"),
    "header only": ([HEAD], "no seats below the header (row 1)"),
    "unknown role": (
        [["ID", "Title", "Reports to", "Role"], ["a", "HR Manager", None, "hr_managr"]],
        "unknown role 'hr_managr' (did you mean 'hr_manager'?)",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_team_files_name_the_sheet_row_and_column(case, tmp_path):
    rows, message = BROKEN[case]
    path = xlsx(tmp_path, rows)
    with pytest.raises(TeamFileError) as info:
        read_team(path)
    assert message in str(info.value)
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}:") and "Traceback" not in result.output


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    for name, data in (("team.xlsx", b"id,title\n"), ("team.xls", b"\xd0\xcf"), ("team.csv", b"\xff\xfe\x00bad")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(TeamFileError) as info:
            read_team(path)
        assert str(info.value).startswith(str(path))
    with pytest.raises(TeamFileError, match="file not found"):
        read_team(tmp_path / "missing.csv")


def test_csv_errors_name_row_and_column_number(tmp_path):
    path = write(tmp_path / "t.csv", "id,title,reports to,fte\na,HR Manager,,1\nb,HR Generalist,a,2\n")
    with pytest.raises(TeamFileError, match=r"row 3, column 4 \(FTE\): expected a number from 0 to 1, got '2'"):
        read_team(path)


def test_cli_import_prints_the_team_and_json(tmp_path):
    path = write(tmp_path / "t.csv", "id,title,reports to\nceo,Chief Executive Officer,\nh,HR Generalist,ceo\n")
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "HR Generalist" in result.output and "HR seats: 1 (1 generalist)" in result.output
    result = CliRunner().invoke(cli, ["import", str(path), "--json"])
    import json

    assert json.loads(result.output)["summary"]["hr_headcount"] == 1
