"""The staffing-plan workbook: what finance sees, the numbers it holds, and that its formulas live."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from orgplan.cli import cli
from orgplan.columns import POSITION_COLUMNS, letter
from orgplan.errors import OptionError
from orgplan.excel import SHEETS, export_excel
from orgplan.hiring import hiring_plan

HEADERS = [c.header for c in POSITION_COLUMNS]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed; formula results are checked by hand elsewhere")


@pytest.fixture(scope="module")
def keystone(make_plan):
    """A unionised 900-person manufacturer, like examples/keystone-manufacturing.yaml."""
    return make_plan(company="Keystone", employees=900, sites=3, business_units=2, unionized_share=0.55, hr_reports_to="COO", industry="manufacturing")


@pytest.fixture(scope="module")
def book(keystone, tmp_path_factory):
    path = export_excel(keystone, tmp_path_factory.mktemp("xl") / "plan.xlsx", chart=False)
    return path, openpyxl.load_workbook(path)


def recalculated(path: Path, tmp: Path) -> openpyxl.Workbook:
    """Let LibreOffice compute every formula, then read the results."""
    out = tmp / "recalc"
    subprocess.run([SOFFICE, "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    return openpyxl.load_workbook(out / path.name, data_only=True)


def labelled(ws, label: str, column: int = 2):
    for row in ws.iter_rows():
        if row[0].value == label:
            return row[column - 1].value
    raise KeyError(label)


def test_the_workbook_has_every_sheet_in_order(keystone, tmp_path):
    wb = openpyxl.load_workbook(export_excel(keystone, tmp_path / "p.xlsx"))
    assert tuple(wb.sheetnames) == SHEETS
    assert len(wb["Org chart"]._images) == 1


def test_chart_false_leaves_the_chart_sheet_out(book):
    assert "Org chart" not in book[1].sheetnames


def test_positions_has_one_row_per_seat_with_the_plans_values(keystone, book):
    path, _ = book
    df = pd.read_excel(path, sheet_name="Positions")
    assert list(df.columns) == HEADERS
    assert list(df["ID"]) == [s.id for s in keystone.seats]
    hr = df[df["Family"] != "executive"].set_index("ID")
    for seat in keystone.hr_seats:
        row = hr.loc[seat.id]
        assert (row["Title"], row["Role"], row["FTE"], row["Base salary (USD)"]) == (seat.title, seat.role, seat.fte, seat.base_salary)
        assert row["Reports to (ID)"] == seat.reports_to


def test_positions_is_a_filterable_table_with_frozen_header_and_money_formats(keystone, book):
    ws = book[1]["Positions"]
    table = ws.tables["Positions"]
    assert table.ref == f"A1:{letter('rationale')}{len(keystone.seats) + 1}"
    assert ws.freeze_panes == "C2"
    assert ws[f"{letter('base_salary')}3"].number_format == "#,##0"
    assert ws[f"{letter('annual_cost')}3"].number_format == "#,##0"
    assert ws.column_dimensions[letter("rationale")].width >= 60


def test_annual_cost_is_a_formula_that_gives_the_plans_cost(keystone, book):
    ws = book[1]["Positions"]
    for r, seat in enumerate(keystone.seats, start=2):
        text = ws[f"{letter('annual_cost')}{r}"].value
        cells = re.fullmatch(r"=ROUND\(([A-Z]+\d+)\*([A-Z]+\d+)\*([A-Z]+\d+),0\)", text).groups()
        salary, fte, load = (ws[c].value or 0 for c in cells)
        assert round(salary * fte * load) == seat.annual_cost


def test_summary_totals_are_formulas_over_positions(book):
    ws = book[1]["Summary"]
    assert labelled(ws, "HR seats").startswith("=COUNTIFS(Positions!")
    assert labelled(ws, "Annual cost (USD)") == f"=SUM(Positions!${letter('annual_cost')}$2:${letter('annual_cost')}$1048576)"


def test_org_structure_is_an_outline_that_folds_by_level(keystone, book):
    ws = book[1]["Org structure"]
    ids = [ws.cell(row=r, column=2).value for r in range(4, 4 + len(keystone.seats))]
    assert sorted(ids) == sorted(s.id for s in keystone.seats)
    depth = {keystone.root.id: 0}
    for s in keystone.seats[1:]:
        depth[s.id] = depth[s.reports_to] + 1
    for r, seat_id in enumerate(ids, start=4):
        assert ws.row_dimensions[r].outline_level == min(depth[seat_id], 7)
        manager = keystone.seat(seat_id).reports_to
        if manager:  # a seat comes after its manager, inside the manager's block
            assert ids.index(manager) < ids.index(seat_id)


def test_responsibilities_name_one_director_and_the_doers_of_each_function(keystone, book):
    ws = book[1]["Responsibilities"]
    roles = [ws.cell(row=3, column=c).value for c in range(2, 2 + len({s.role for s in keystone.hr_seats}))]
    rows = {ws.cell(row=r, column=1).value: [ws.cell(row=r, column=c).value for c in range(2, 2 + len(roles))] for r in range(4, 4 + len(keystone.profile.functions))}
    for marks in rows.values():
        assert sum(1 for m in marks if m and "irect" in m) == 1
    ta = dict(zip(roles, rows["Talent acquisition"]))
    assert ta["Recruiter"] == "Does" and "irects" in ta["HR Manager"]
    assert dict(zip(roles, rows["Labour relations"]))["Labour Relations Specialist"] == "Does"
    assert "irects" in dict(zip(roles, rows["Payroll"]))["HR Manager"]


def test_hiring_plan_fills_leaders_first_and_managers_before_their_reports(keystone):
    hires = hiring_plan(keystone)
    assert sorted(h.seat.id for h in hires) == sorted(s.id for s in keystone.hr_seats)
    assert hires[0].seat.reports_to == keystone.root.id
    order = {h.seat.id: h.order for h in hires}
    for h in hires:
        if h.seat.reports_to in order:
            assert order[h.seat.reports_to] < h.order
    quarters = [h.quarter for h in hires]
    assert quarters == sorted(quarters) and quarters[0] == 1
    phases = [h.phase for h in hires]
    assert phases.index("Specialists by need") > max(i for i, h in enumerate(hires) if h.seat.family == "generalist")


def test_assumptions_list_every_salary_and_rule_with_a_source(keystone, book, templates):
    ws = book[1]["Assumptions"]
    text = {row[0].value: row for row in ws.iter_rows() if row[0].value}
    assert text["hr_generalist"][3].value == templates.roles["hr_generalist"].salary.base
    assert "BLS" in text["hr_generalist"][5].value
    for result in keystone.rule_results:
        assert text[result.rule][5].value
    assert "benefits_load" in text


def test_text_that_looks_like_a_formula_stays_text(make_plan, tmp_path):
    p = make_plan(company="=HYPERLINK(\"http://x\",\"y\")", employees=60)
    wb = openpyxl.load_workbook(export_excel(p, tmp_path / "p.xlsx", chart=False))
    cell = wb["Summary"]["B5"]
    assert cell.value == "=HYPERLINK(\"http://x\",\"y\")" and cell.data_type == "s"
    assert wb["Summary"]["A1"].data_type == "s"


def test_export_refuses_other_extensions_and_leaves_nothing_behind(keystone, tmp_path, monkeypatch):
    with pytest.raises(OptionError, match="expected a .xlsx"):
        export_excel(keystone, tmp_path / "plan.xls")
    import openpyxl.workbook.workbook as wbmod

    def broken_save(self, filename):
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(wbmod.Workbook, "save", broken_save)
    with pytest.raises(OSError):
        export_excel(keystone, tmp_path / "plan.xlsx", chart=False)
    assert list(tmp_path.iterdir()) == []


def test_cli_export_and_plan_out_write_the_workbook(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "examples/tiny-studio.yaml", "-o", str(tmp_path / "a.xlsx"), "--no-chart"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(tmp_path / "a.xlsx")["Positions"].max_row == 3
    result = runner.invoke(cli, ["plan", "examples/tiny-studio.yaml", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Org chart" in openpyxl.load_workbook(tmp_path / "out" / "staffing-plan.xlsx").sheetnames
    bad = runner.invoke(cli, ["export", "examples/tiny-studio.yaml", "-o", str(tmp_path / "a.csv")])
    assert bad.exit_code == 2 and "expected a .xlsx" in bad.output


@needs_office
def test_formula_results_match_the_plan_when_recalculated(keystone, book, tmp_path):
    path, _ = book
    wb = recalculated(path, tmp_path)
    s = keystone.summary
    summary = wb["Summary"]
    assert labelled(summary, "HR seats") == s["hr_headcount"]
    assert labelled(summary, "HR FTE") == pytest.approx(s["hr_fte"])
    assert labelled(summary, "HR staff (FTE) per 100 employees") == pytest.approx(s["hr_per_100"], abs=1e-3)
    assert labelled(summary, "Annual cost (USD)") == s["annual_cost"]
    assert labelled(summary, "Layers below the executive") == s["layers"]
    assert labelled(summary, "Widest span (direct reports)") == s["widest_span"]
    budget = wb["Budget"]
    totals = [row[3].value for row in budget.iter_rows() if row[0].value == "Total"]
    assert totals == [s["annual_cost"], s["annual_cost"]]
    for family, count in s["seats_by_family"].items():
        assert labelled(budget, family) == count
    structure = wb["Org structure"]
    assert structure["H4"].value == s["annual_cost"] and structure["D4"].value == s["hr_headcount"]
    hiring = wb["Hiring plan"]
    run_rates = [hiring.cell(row=r, column=14).value for r in range(4, 40) if hiring.cell(row=r, column=14).value is not None]
    assert run_rates[-1] == s["annual_cost"]


@needs_office
def test_changing_a_salary_in_positions_changes_every_total(keystone, book, tmp_path):
    path, wb = book
    ws = wb["Positions"]
    row = next(r for r in range(2, ws.max_row + 1) if ws[f"A{r}"].value == "payroll-specialist-1")
    ws[f"{letter('base_salary')}{row}"].value += 10000
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    result = recalculated(edited, tmp_path)
    load = keystone.seat("payroll-specialist-1").benefits_load
    expected = keystone.summary["annual_cost"] + round(10000 * load)
    assert abs(labelled(result["Summary"], "Annual cost (USD)") - expected) <= 1
    # the Budget splits a seat's cost evenly over the functions it covers
    payroll = sum(s.annual_cost / len(s.functions) for s in keystone.hr_seats if "payroll" in s.functions)
    assert abs(labelled(result["Budget"], "Payroll", 4) - (payroll + round(10000 * load))) <= 1
