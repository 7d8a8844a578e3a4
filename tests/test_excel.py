"""The staffing-plan workbook: what finance sees, the numbers it holds, that its formulas live, and how it prints."""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from orgplan import compare, read_team
from orgplan.cli import cli
from orgplan.errors import OptionError, OutputError
from orgplan.outputs.workbook.sheets import HEADER_FILL, LINE_POINTS, text_width
from orgplan.outputs.workbook.staffing import SHEETS, export_excel
from orgplan.planning.hiring import hiring_plan
from orgplan.reading.columns import POSITION_COLUMNS, letter

from .conftest import ROOT, forks_counted, in_a_process_of_its_own

HEADERS = [c.header for c in POSITION_COLUMNS]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
needs_office = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed; formula results are checked by hand elsewhere"
)
# The tests that start LibreOffice run on one test worker, which starts it once for all the recalculated workbooks.
on_the_office_worker = pytest.mark.xdist_group("libreoffice")
# Functions of Excel 2007 that orgplan's formulas may use; newer ones (MAXIFS, IFS, XLOOKUP, ...)
# show #NAME? in Excel 2016 and older.
EXCEL_2007 = {
    "SUM",
    "SUMIF",
    "SUMIFS",
    "COUNTIF",
    "COUNTIFS",
    "COUNTA",
    "SUMPRODUCT",
    "MAX",
    "MIN",
    "IF",
    "IFERROR",
    "AND",
    "OR",
    "NOT",
    "INDEX",
    "MATCH",
    "ROUND",
    "LEN",
    "SUBSTITUTE",
    "AVERAGE",
}
FORMULA_FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")


@pytest.fixture(scope="module")
def keystone(make_plan):
    """A unionised 900-person manufacturer, like examples/keystone-manufacturing.yaml."""
    return make_plan(
        company="Keystone",
        employees=900,
        sites=3,
        business_units=2,
        unionized_share=0.55,
        hr_reports_to="COO",
        industry="manufacturing",
    )


@pytest.fixture(scope="module")
def gap(keystone, templates):
    return compare(read_team(ROOT / "examples" / "current-team.xlsx", templates=templates), keystone)


@pytest.fixture(scope="module")
def book(keystone, gap, tmp_path_factory):
    """The Keystone workbook with the gap sheets, as written (formulas) and as a reader that
    does not calculate sees it (values)."""
    path = export_excel(keystone, tmp_path_factory.mktemp("xl") / "plan.xlsx", chart=False, comparison=gap)
    return path, openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)


def convert(office: Path, paths: list[Path], out: Path, to: str) -> list[Path]:
    """Convert the workbooks with one start of LibreOffice (which takes seconds); the files it wrote."""
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={office.as_uri()}",
            "--headless",
            "--calc",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return [out / f"{path.stem}.{to}" for path in paths]


def labelled(ws, label: str, column: int = 2, nth: int = 0):
    """The value beside the ``nth`` cell of column A that reads ``label``."""
    found = [row[column - 1].value for row in ws.iter_rows() if row[0].value == label]
    if len(found) <= nth:
        raise KeyError(label)
    return found[nth]


def hiring_run_rate(wb) -> float:
    """The Hiring plan's annual run-rate once every seat it lists is hired."""
    hiring = wb["Hiring plan"]
    return [
        r[3].value
        for r in hiring.iter_rows(min_row=5)
        if isinstance(r[0].value, (int, float)) and isinstance(r[3].value, (int, float))
    ][-1]


def totals(wb) -> dict[str, float]:
    """Every total of the recommended plan a reader of the workbook sees, by where it is."""
    budget = wb["Budget"]
    structure = wb["Org structure"]
    out = {
        "Summary annual cost": labelled(wb["Summary"], "Annual cost (USD)"),
        "Budget total by family": labelled(budget, "Total", 4),
        "Budget total by function": labelled(budget, "Total", 4, nth=1),
        "Org structure team cost": structure["G4"].value,
    }
    if "Gap summary" in wb.sheetnames:
        out["Gap summary recommended cost"] = labelled(wb["Gap summary"], "Annual cost (USD)", 3)
    else:  # compared with a current team, the Hiring plan lists only the open seats
        out["Hiring plan run-rate"] = hiring_run_rate(wb)
    return out


def header_cells(ws):
    return [c for row in ws.iter_rows() for c in row if c.value and c.fill.fgColor.rgb == "FF" + HEADER_FILL[1:]]


# -- what the workbook holds -------------------------------------------------------------
def test_the_workbook_has_every_sheet_in_order(keystone, tmp_path):
    wb = openpyxl.load_workbook(export_excel(keystone, tmp_path / "p.xlsx"))
    assert tuple(wb.sheetnames) == SHEETS
    assert len(wb["Org chart"]._images) == 1


def test_chart_false_leaves_the_chart_sheet_out_and_a_comparison_adds_the_gap_sheets(book):
    assert book[1].sheetnames == [*SHEETS[:-1], "Gap", "Gap summary"]


def test_positions_has_one_row_per_seat_in_words(keystone, book, templates):
    path = book[0]
    df = pd.read_excel(path, sheet_name="Positions")
    assert list(df.columns) == HEADERS
    assert list(df["ID"]) == [s.id for s in keystone.seats]
    assert df.loc[0, "Role"] == "Chief Operating Officer" and df.loc[0, "Family"] == "Executive (outside HR)"
    hr = df[df["Family"] != "Executive (outside HR)"].set_index("ID")
    for seat in keystone.hr_seats:
        row = hr.loc[seat.id]
        assert (row["Title"], row["Role"], row["Family"]) == (
            seat.title,
            templates.roles[seat.role].title,
            templates.families[seat.family].label,
        )
        assert (row["FTE"], row["Base salary (USD)"], row["Annual cost (USD)"]) == (
            seat.fte,
            seat.base_salary,
            seat.annual_cost,
        )
        assert (row["Reports to (ID)"], row["Reports to (title)"]) == (
            seat.reports_to,
            keystone.seat(seat.reports_to).title,
        )


def test_positions_is_a_filterable_table_with_frozen_ids_and_money_formats(keystone, book):
    ws = book[1]["Positions"]
    assert ws.tables["Positions"].ref == f"A1:{letter('rationale')}{len(keystone.seats) + 1}"
    assert ws.freeze_panes == "C2"
    assert ws[f"{letter('base_salary')}3"].number_format == "#,##0"
    assert ws[f"{letter('annual_cost')}3"].number_format == "#,##0"


def test_annual_cost_is_a_formula_over_salary_fte_and_the_named_load(keystone, book, templates):
    ws, values = book[1]["Positions"], book[2]["Positions"]
    for r, seat in enumerate(keystone.hr_seats, start=3):
        assert (
            ws[f"{letter('annual_cost')}{r}"].value
            == f"=ROUND({letter('base_salary')}{r}*{letter('fte')}{r}*{letter('benefits_load')}{r},0)"
        )
        assert ws[f"{letter('benefits_load')}{r}"].value == "=benefits_load"
        assert values[f"{letter('annual_cost')}{r}"].value == seat.annual_cost
    assert values[f"{letter('benefits_load')}3"].value == templates.costing.benefits_load.value


def test_assumptions_are_named_cells_that_the_formulas_use(book, templates):
    wb, values = book[1], book[2]
    names = wb.defined_names
    for figure in (*templates.costing.figures, *templates.constants.values()):
        sheet, cell = next(names[figure.name].destinations)
        assert sheet == "Assumptions" and values[sheet][cell].value == figure.value
    sheet, cell = next(names["employees"].destinations)
    assert values[sheet][cell].value == 900
    assert "employees" in labelled(wb["Summary"], "HR staff (FTE) per 100 employees")


def test_readers_that_do_not_calculate_see_every_total(keystone, gap, book):
    path, _, values = book
    s = keystone.summary
    summary = pd.read_excel(path, sheet_name="Summary", header=None).set_index(0)[1]
    assert summary["Annual cost (USD)"] == s["annual_cost"] and summary["HR seats"] == s["hr_headcount"]
    assert summary["HR staff (FTE) per 100 employees"] == pytest.approx(s["hr_per_100"], abs=1e-3)
    assert (summary["Layers below the executive"], summary["Widest span (direct reports)"]) == (
        s["layers"],
        s["widest_span"],
    )
    assert set(totals(values).values()) == {s["annual_cost"]}
    assert hiring_run_rate(values) == gap.open_totals()["open_cost"]
    assert labelled(values["Gap summary"], "Annual cost (USD)", 4) == s["annual_cost"] - round(gap.current_cost)
    assert labelled(values["Gap summary"], "Seats to add", 3) == len(gap.to_add)
    for family, count in s["seats_by_family"].items():
        assert labelled(values["Budget"], keystone.templates.families[family].label) == count


def test_formulas_use_only_functions_excel_2010_knows(book):
    used = {
        name.upper()
        for ws in book[1].worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.data_type == "f"
        for name in FORMULA_FUNCTION.findall(c.value)
    }
    assert used and not any(name.startswith("_XL") for name in used)
    assert used <= EXCEL_2007, used - EXCEL_2007


def test_summary_totals_are_formulas_over_positions(book):
    ws = book[1]["Summary"]
    assert labelled(ws, "HR seats").startswith("=COUNTIFS(Positions!")
    assert (
        labelled(ws, "Annual cost of the seats (USD)")
        == f"=SUM(Positions!${letter('annual_cost')}$2:${letter('annual_cost')}$1048576)"
    )
    assert labelled(ws, "Fees for work bought in (USD)") == "=bought_in_fees"  # the Sourcing sheet's fees
    seats, fees = (
        1 + next(i for i, r in enumerate(ws.iter_rows()) if r[0].value == x)
        for x in (
            "Annual cost of the seats (USD)",
            "Fees for work bought in (USD)",
        )
    )
    assert labelled(ws, "Annual cost (USD)") == f"=B{seats}+B{fees}"


def test_summary_says_where_the_plan_sits_against_the_published_range(keystone, book, tmp_path):
    assert labelled(book[2]["Summary"], "Where the plan sits") == "Within the published range"
    profile = dataclasses.replace(keystone.profile, employees=300)  # the same team for a third of the company
    crowded = dataclasses.replace(
        keystone, profile=profile, benchmark_reasons=("three sites and a union need people on the ground",)
    )
    assert crowded.summary["benchmark_hr_per_100"]["status"] == "above"
    wb = openpyxl.load_workbook(export_excel(crowded, tmp_path / "c.xlsx", chart=False))
    formula = labelled(wb["Summary"], "Where the plan sits")
    assert formula.startswith("=IF(") and "band_high" in formula and "band_low" in formula
    seen = labelled(openpyxl.load_workbook(tmp_path / "c.xlsx", data_only=True)["Summary"], "Where the plan sits")
    assert seen == "Above the published range: three sites and a union need people on the ground"


def test_sheets_speak_in_words_not_codes(book, templates):
    codes = {*templates.roles, *templates.families, *templates.functions, "COO", "CEO", "CFO"}
    seen = {c.value for ws in book[2].worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert not seen & codes, seen & codes
    assert labelled(book[2]["Summary"], "Head of HR reports to") == "Chief Operating Officer"


def test_org_structure_is_an_outline_that_folds_by_level(keystone, book):
    ws = book[1]["Org structure"]
    ids = [ws.cell(row=r, column=2).value for r in range(4, 4 + len(keystone.seats))]
    assert sorted(ids) == sorted(s.id for s in keystone.seats)
    depth = keystone.depths()
    for r, seat_id in enumerate(ids, start=4):
        assert ws.row_dimensions[r].outline_level == min(depth[seat_id], 7)
        assert ws.cell(row=r, column=1).value == keystone.seat(seat_id).title
        manager = keystone.seat(seat_id).reports_to
        if manager:  # a seat comes after its manager, inside the manager's block
            assert ids.index(manager) < ids.index(seat_id)


def test_responsibilities_name_one_director_and_the_doers_and_say_what_each_means_on_rows_of_its_own(
    keystone, book, templates
):
    ws = book[1]["Responsibilities"]
    titles = list(dict.fromkeys(s.title for s in keystone.hr_seats))  # keystone's seats have one title per job
    width = len(titles)
    assert [ws.cell(row=3, column=c).value for c in range(2, 2 + width)] == titles
    column_a = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    rows = {}
    for f in keystone.profile.functions:
        label = templates.function_label(f)
        r = column_a.index(label) + 1
        rows[f] = dict(zip(titles, [ws.cell(row=r, column=c).value for c in range(2, 2 + width)], strict=True))
        assert (column_a[r], column_a[r + 1]) == ("Doing means", "Directing means")
        assert (ws.cell(row=r + 1, column=2).value, ws.cell(row=r + 2, column=2).value) == (
            templates.functions[f].doing,
            templates.functions[f].directing,
        )
        assert ws.cell(row=r, column=1).border.top.style == "thin"  # a line above each function's block
        owner = keystone.seat(keystone.ledger[f]["owner"]).title  # one director per function: the ledger's owner
        assert [t for t, m in rows[f].items() if m and "irects" in m] == [owner]
    head = next(s for s in keystone.hr_seats if s.reports_to == keystone.root.id)
    manager = next(s for s in keystone.hr_seats if s.role == "hr_manager")
    assert rows["talent_acquisition"]["Recruiter"] == "Does + directs"
    assert rows["labor_relations"]["Labour Relations Specialist"] == "Does + directs"
    # the head of HR oversees what its reports do instead of doing it; the HR Manager leads its generalists
    assert rows["payroll"][head.title] == "Oversees" and rows["payroll"]["Payroll Specialist"] == "Does + directs"
    assert all(rows[f][manager.title] == "Oversees" for f in keystone.profile.functions if f != "labor_relations")
    assert not any(m == "Does" or m == "Does + directs" for m in (rows[f][head.title] for f in rows))


def test_every_sheet_and_the_job_descriptions_use_the_titles_of_the_positions_sheet(make_plan, tmp_path):
    from orgplan import job_descriptions
    from orgplan.model.duties import base_title

    big = make_plan(company="Wide", employees=60000, countries=14, business_units=6, unionized_share=0.3)
    wb = openpyxl.load_workbook(export_excel(big, tmp_path / "wide.xlsx", chart=False))
    positions = wb["Positions"]
    column = {c.value: c.column for c in positions[1]}
    shown = {positions.cell(row=r, column=column["Title"]).value for r in range(2, positions.max_row + 1)}
    assert shown == {s.title for s in big.seats}
    jobs = {base_title(s.title, big.templates.roles.get(s.role)) for s in big.hr_seats}
    assert all(any(t == j or t.startswith(j + ", ") for j in jobs) for t in shown if t != big.root.title)
    ws = wb["Responsibilities"]
    header = [c.value for c in ws[3][1:] if c.value]
    assert header == [jd.title for jd in job_descriptions(big)] and set(header) == jobs
    rewards = next(s for s in big.hr_seats if s.role == "total_rewards_manager")
    assert rewards.title == "Director of Total Rewards" and "Total Rewards Manager" not in header
    reasons = " ".join(r.reason for s in big.hr_seats for r in s.rationale)
    assert "Total Rewards Manager would have" not in reasons and "Director of Total Rewards would have" in reasons
    for seat in big.hr_seats:  # every title a reason gives to a leader is a title of the plan
        for r in seat.rationale:
            if " would have " in r.reason:
                named = r.reason.split(" would have ")[0].split(": ")[-1]
                assert named in shown, r.reason
    bands = [c.value for c in wb["Job descriptions"]["A"] if c.fill.fgColor.rgb in ("FFDDEBF7", "00DDEBF7")]
    assert bands == header


def test_the_fte_column_adds_up_to_the_plans_hr_fte(keystone, book):
    positions = book[1]["Positions"]
    column = {c.value: c.column for c in positions[1]}
    ftes = [positions.cell(row=r, column=column["FTE"]).value for r in range(2, positions.max_row + 1)]
    assert positions.cell(row=2, column=column["Title"]).value == keystone.root.title and ftes[0] is None
    assert math.isclose(sum(f or 0 for f in ftes), keystone.summary["hr_fte"])
    summary = book[2]["Summary"]  # the values a reader that does not calculate sees
    hr_fte = next(r[1].value for r in summary.iter_rows() if r[0].value == "HR FTE")
    assert math.isclose(float(hr_fte), keystone.summary["hr_fte"])


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


def test_hiring_plan_says_each_phases_reason_once(keystone, templates, tmp_path):
    wb = openpyxl.load_workbook(export_excel(keystone, tmp_path / "plan.xlsx", chart=False))
    ws = wb["Hiring plan"]
    text = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    column_a = [c.value for c in ws["A"]]
    for phase in templates.hiring.phases:
        assert text.count(phase.why) == 1 and column_a.count(phase.name) == 1
        assert column_a.index(phase.why) == column_a.index(phase.name) + 1
    ids = [c.value for c in ws["C"] if c.value in {s.id for s in keystone.hr_seats}]
    assert ids == [h.seat.id for h in hiring_plan(keystone)]


def test_assumptions_list_every_salary_figure_and_rule_with_a_source(keystone, book, templates):
    ws = book[2]["Assumptions"]
    text = {row[0].value: row for row in ws.iter_rows() if row[0].value}
    generalist = templates.roles["hr_generalist"]
    assert text[generalist.title][2].value == generalist.salary.base
    assert text[generalist.title][1].value == sum(1 for s in keystone.seats if s.role == "hr_generalist")
    assert "BLS" in text[generalist.title][3].value
    rules = {r.id: r for r in templates.rules.rules}
    for result in keystone.rule_results:
        assert text[rules[result.rule].description][3].value
    assert text["Benefits load"][2].value == "benefits_load"
    # the width of the pay ranges job postings show, for each level the plan has, with its source
    assert text["Level 3 (professional)"][1].value == templates.pay.range_spread[3]
    assert "WorldatWork" in text["Level 2 (entry level)"][3].value


def test_budget_shows_cost_by_unit_and_country_only_when_seats_are_aligned(keystone, book, tmp_path):
    assert "By business unit" not in [c.value for c in book[2]["Budget"]["A"]]
    seats = list(keystone.seats)
    for i, seat in enumerate(seats):
        if seat.family == "generalist":
            seats[i] = dataclasses.replace(
                seat,
                unit="Castings" if i % 2 else "Machining",
                country="Mexico" if i % 2 else None,
                dotted_to=seats[1].id,
            )
    aligned = dataclasses.replace(keystone, seats=tuple(seats))
    path = export_excel(aligned, tmp_path / "aligned.xlsx", chart=False)
    budget = openpyxl.load_workbook(path, data_only=True)["Budget"]
    column_a = [c.value for c in budget["A"]]
    assert "By business unit" in column_a and "By country" in column_a
    for unit in ("Castings", "Machining"):
        assert labelled(budget, unit, 4) == sum(s.annual_cost for s in seats if s.unit == unit)
    assert labelled(budget, "Mexico", 2) == sum(1 for s in seats if s.country == "Mexico")
    assert labelled(budget, "Company-wide (no single unit)", 2) == sum(1 for s in seats if s.is_hr and not s.unit)
    assert labelled(budget, "Not placed in a named country", 2) == sum(1 for s in seats if s.is_hr and not s.country)
    df = pd.read_excel(path, sheet_name="Positions").set_index("ID")
    generalist = next(s for s in seats if s.unit)
    assert (df.loc[generalist.id, "Business unit"], df.loc[generalist.id, "Dotted line to"]) == (
        generalist.unit,
        seats[1].title,
    )


def test_budget_has_native_charts_and_the_org_chart_picture_has_alt_text(keystone, tmp_path):
    path = export_excel(keystone, tmp_path / "p.xlsx")
    with zipfile.ZipFile(path) as z:
        drawings = {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/drawing")}
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    assert any("Budget!$D$" in c and "<c:barChart>" in c for c in charts)
    picture = next(d for d in drawings.values() if "<xdr:pic>" in d)
    assert re.search(
        rf'descr="Org chart of the recommended HR team for Keystone: {keystone.summary["hr_headcount"]} seats', picture
    )


# -- how it looks and prints ---------------------------------------------------------------
def test_headers_are_never_clipped_and_align_like_their_columns(book):
    for ws in book[2].worksheets:
        for cell in header_cells(ws):
            width = ws.column_dimensions[cell.column_letter].width
            words = cell.value.split()
            assert max(text_width(w, bold=True) for w in words) + 1 < width, (ws.title, cell.value, width)
            two_lines = any(
                text_width(" ".join(words[:i]), True) < width and text_width(" ".join(words[i:]), True) < width
                for i in range(len(words))
            )
            assert two_lines or text_width(cell.value, True) < width, (ws.title, cell.value)
            assert (ws.row_dimensions[cell.row].height or LINE_POINTS) >= LINE_POINTS * (
                1 if text_width(cell.value, True) + 2 < width else 2
            )
            below = ws.cell(row=cell.row + 1, column=cell.column)
            if isinstance(below.value, (int, float)):
                assert cell.alignment.horizontal == "right", (ws.title, cell.value)


def test_numbers_and_text_keep_a_gap_between_them(book):
    for ws in book[2].worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    assert c.alignment.horizontal == "right" and c.alignment.indent >= 1, (ws.title, c.coordinate)
                elif isinstance(c.value, str) and c.alignment.horizontal == "left":
                    assert c.alignment.indent >= 1, (ws.title, c.coordinate)


def test_every_sheet_prints_landscape_with_page_numbers_and_repeated_headers(book):
    wb = book[1]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text, ws.title
    assert wb["Org structure"].print_title_rows == "$3:$3" and wb["Gap"].print_title_rows == "$3:$3"
    positions = wb["Positions"]  # the seat, its manager, family and cost: one page wide
    assert positions.print_title_rows == "$1:$1" and positions.sheet_properties.pageSetUpPr.fitToPage
    assert (positions.page_setup.fitToWidth or 1) == 1  # 1 is the file format's default, left out
    assert positions.print_area == f"'Positions'!$A$1:${letter('annual_cost')}${positions.max_row}"


def test_a_wide_sheet_prints_on_pages_side_by_side_with_the_ids_on_each(make_plan, tmp_path):
    big = make_plan(company="Wide", employees=60000, countries=14, business_units=6, unionized_share=0.3)
    wb = openpyxl.load_workbook(export_excel(big, tmp_path / "wide.xlsx", chart=False))
    positions, responsibilities = wb["Positions"], wb["Responsibilities"]
    assert positions.page_setup.fitToWidth >= 2 and positions.print_title_cols == "$A:$B"
    assert responsibilities.page_setup.fitToWidth >= 2 and responsibilities.print_title_cols == "$A:$A"
    assert "Who does what" in responsibilities.oddHeader.left.text  # the title, which the repeated column would cut


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None, reason="needs LibreOffice and poppler's pdftotext")
@on_the_office_worker
def test_printed_text_stays_at_8_pt_or_more(book, office, tmp_path):
    (pdf,) = convert(office, [book[0]], tmp_path, "pdf")
    text = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = text.split("<page ")[1:]
    assert len(pages) >= len(book[1].sheetnames)
    for i, page in enumerate(pages, start=1):
        heights = sorted(
            float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)
        )
        body = heights[len(heights) // 2]  # the median word: body text, not the footer
        assert body / 1.17 >= 7.8, (
            f"page {i}: body text at {body / 1.17:.1f} pt"
        )  # a word's box is 1.17 times its font size


# -- the file itself -------------------------------------------------------------------------
def test_text_that_looks_like_a_formula_stays_text(make_plan, tmp_path):
    p = make_plan(company='=HYPERLINK("http://x","y")', employees=60)
    wb = openpyxl.load_workbook(export_excel(p, tmp_path / "p.xlsx", chart=False))
    cell = wb["Summary"]["B5"]
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"
    assert wb["Summary"]["A1"].data_type == "s"


def test_export_refuses_other_extensions_and_leaves_nothing_behind(keystone, tmp_path, monkeypatch):
    with pytest.raises(OptionError, match="expected a .xlsx"):
        export_excel(keystone, tmp_path / "plan.xls")
    import xlsxwriter

    def broken_close(self):
        Path(self.filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    with pytest.raises(OutputError, match="plan.xlsx: cannot write: disk full"):
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


# -- the formulas live: LibreOffice computes them afresh ---------------------------------------
RAISED_SEAT = "payroll-specialist-1"
RAISE = 10000
NEW_LOAD = 1.5


def raise_salary(wb) -> None:
    """Finance raises one payroll specialist's base salary in Positions."""
    positions = wb["Positions"]
    row = next(r for r in range(2, positions.max_row + 1) if positions[f"A{r}"].value == RAISED_SEAT)
    positions[f"{letter('base_salary')}{row}"].value += RAISE


def raise_load(wb) -> None:
    """Finance changes the named benefits load on Assumptions."""
    sheet, cell = next(wb.defined_names["benefits_load"].destinations)
    wb[sheet][cell].value = NEW_LOAD


def edited(path: Path, to: Path, change) -> Path:
    """The workbook saved after ``change(workbook)``, as finance would edit it."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(to)
    return to


@pytest.fixture(scope="module")
def recalculated(book, office, tmp_path_factory) -> dict[str, openpyxl.Workbook]:
    """What a spreadsheet computes afresh (LibreOffice, every formula) for the workbook as written
    ('written') and after finance raised a salary ('salary') or the benefits load ('load')."""
    folder = tmp_path_factory.mktemp("edited")
    paths = [
        Path(shutil.copy(book[0], folder / "written.xlsx")),
        edited(book[0], folder / "salary.xlsx", raise_salary),
        edited(book[0], folder / "load.xlsx", raise_load),
    ]
    fresh = convert(office, paths, folder / "recalc", "xlsx")
    return {path.stem: openpyxl.load_workbook(path, data_only=True) for path in fresh}


@needs_office
@on_the_office_worker
def test_every_stored_value_is_what_a_spreadsheet_computes(book, recalculated):
    _, formulas, stored = book
    fresh = recalculated["written"]
    checked = 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    want, got = fresh[ws.title][c.coordinate].value, stored[ws.title][c.coordinate].value
                    if isinstance(want, (int, float)):
                        assert got == pytest.approx(want, abs=1e-6), (ws.title, c.coordinate, c.value)
                    else:  # text; LibreOffice reads an empty text result back as nothing
                        assert (got or None) == want, (ws.title, c.coordinate, c.value)
                    checked += 1
    assert checked > 250


@needs_office
@on_the_office_worker
def test_changing_a_salary_in_positions_moves_every_total(keystone, gap, book, recalculated):
    seat = keystone.seat(RAISED_SEAT)
    result = recalculated["salary"]
    new_cost = round((seat.base_salary + RAISE) * seat.fte * seat.benefits_load)
    expected = keystone.summary["annual_cost"] - seat.annual_cost + new_cost
    assert totals(result) == dict.fromkeys(totals(result), expected)
    assert hiring_run_rate(result) == hiring_run_rate(book[2]) + (
        new_cost - seat.annual_cost if seat in gap.open_seats else 0
    )
    # the Budget splits a seat's cost evenly over the functions it covers
    payroll = sum(s.annual_cost / len(s.functions) for s in keystone.hr_seats if "payroll" in s.functions)
    assert labelled(result["Budget"], "Payroll", 4) == pytest.approx(payroll - seat.annual_cost + new_cost, abs=1)
    assert (
        labelled(result["Gap summary"], "Annual cost (USD)", 4)
        == labelled(book[2]["Gap summary"], "Annual cost (USD)", 4) + new_cost - seat.annual_cost
    )


@needs_office
@on_the_office_worker
def test_changing_the_named_benefits_load_moves_every_total(keystone, gap, recalculated, templates):
    result = recalculated["load"]
    fee = {k for k, r in templates.roles.items() if r.paid_as == "fee"}
    cost = {
        s.id: s.annual_cost if s.role in fee else math.floor(s.base_salary * s.fte * NEW_LOAD + 0.5)
        for s in keystone.hr_seats
    }  # ROUND: halves up
    expected = sum(cost.values())
    assert expected > keystone.summary["annual_cost"]
    assert totals(result) == dict.fromkeys(totals(result), expected)
    assert hiring_run_rate(result) == sum(cost[s.id] for s in gap.open_seats)


def test_numbered_countries_sort_as_a_reader_counts_and_the_summary_invites_names(templates, tmp_path):
    from orgplan import plan, profile_from_dict

    company = plan(profile_from_dict({"employees": 6500, "countries": 12}, templates=templates), templates=templates)
    path = export_excel(company, tmp_path / "numbered.xlsx", chart=False)
    book = openpyxl.load_workbook(path)
    column_a = [c.value for c in book["Budget"]["A"]]
    countries = [v for v in column_a[column_a.index("By country") + 2 :] if v and v.startswith("Country ")]
    assert len(countries) > 5 and countries == sorted(countries, key=lambda c: int(c.split()[1]))  # 2, 3 ... 10
    summary = [str(c.value) for row in book["Summary"].iter_rows(max_row=30) for c in row if c.value]
    assert "Numbered Headquarters country, Country 2 … Country 12: name them in the profile to see each by name." in (
        summary
    )


def test_every_category_label_shows_on_the_budget_bar_chart(keystone, tmp_path):
    path = export_excel(keystone, tmp_path / "p.xlsx", chart=False)
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
        bar = next(c for c in charts if "<c:barChart>" in c)
        drawing = next(z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/drawing"))
    assert '<c:tickLblSkip val="1"/>' in bar
    functions = len(keystone.profile.functions) + 1  # and the leaders' row
    anchors = re.findall(r"<xdr:from>.*?<xdr:row>(\d+)</xdr:row>.*?<xdr:to>.*?<xdr:row>(\d+)</xdr:row>", drawing, re.S)
    tallest = max(int(last) - int(first) for first, last in anchors)  # the bar chart, in rows of 20 pixels
    assert tallest >= functions * 1.5  # about 36 pixels a label, room for two lines each: none is skipped


def test_a_workbook_written_in_row_order_holds_what_the_usual_one_holds(keystone, gap, tmp_path, monkeypatch):
    """A plan of more seats than ROW_ORDER_SEATS is written a row at a time to keep memory flat: the
    same values, formulas, formats, widths, heights and outline; filter buttons instead of an Excel table."""
    from orgplan.outputs.workbook import staffing

    usual = export_excel(keystone, tmp_path / "usual.xlsx", chart=False, comparison=gap)
    monkeypatch.setattr(staffing, "ROW_ORDER_SEATS", 0)
    in_order = export_excel(keystone, tmp_path / "in-order.xlsx", chart=False, comparison=gap)
    expected, got = openpyxl.load_workbook(usual), openpyxl.load_workbook(in_order)
    assert got.sheetnames == expected.sheetnames
    for a, b in zip(expected.worksheets, got.worksheets, strict=True):
        assert [[(c.value, c.number_format, c.font.b, c.alignment.horizontal) for c in r] for r in b.iter_rows()] == [
            [(c.value, c.number_format, c.font.b, c.alignment.horizontal) for c in r] for r in a.iter_rows()
        ], a.title
        assert {k: d.width for k, d in b.column_dimensions.items()} == {
            k: d.width for k, d in a.column_dimensions.items()
        }, a.title
        assert {k: (d.height, d.outline_level) for k, d in b.row_dimensions.items()} == {
            k: (d.height, d.outline_level) for k, d in a.row_dimensions.items()
        }, a.title
        assert b.merged_cells.ranges == a.merged_cells.ranges and b.freeze_panes == a.freeze_panes, a.title
    assert list(expected["Positions"].tables) == ["Positions"] and not got["Positions"].tables
    assert got["Positions"].auto_filter.ref == expected["Positions"].tables["Positions"].ref
    assert [s.id for s in read_team(in_order).seats] == [s.id for s in keystone.seats]


def test_the_org_chart_drawn_while_the_sheets_are_written_is_the_one_drawn_before():
    """A large plan's chart is drawn in a forked process while the sheets are written: the same workbook."""
    in_a_process_of_its_own("tests.test_excel", "_drawn_alongside")


def _drawn_alongside() -> None:
    import tempfile

    from orgplan import load_profile, plan
    from orgplan.outputs.workbook import staffing

    keystone = plan(load_profile(ROOT / "examples" / "keystone-manufacturing.yaml"))
    folder = Path(tempfile.mkdtemp())
    staffing.DRAW_ALONGSIDE_SEATS = 10**9
    before = export_excel(keystone, folder / "before.xlsx").read_bytes()
    staffing.DRAW_ALONGSIDE_SEATS = 0
    children = forks_counted()
    assert export_excel(keystone, folder / "alongside.xlsx").read_bytes() == before
    assert len(children) == 1 and "Org chart" in openpyxl.load_workbook(folder / "alongside.xlsx").sheetnames


def _row_order_book(path: Path, *, one_by_one: bool, monkeypatch) -> bytes:
    """A row-order workbook of awkward cells, its rows written whole or (``one_by_one``) by XlsxWriter's methods."""
    from orgplan.outputs.workbook.row_xml import RowWriter
    from orgplan.outputs.workbook.sheets import MONEY, Book, Formula

    with monkeypatch.context() as patch:
        if one_by_one:
            patch.setattr(RowWriter, "write", lambda self, row, cells: False)
        book = Book(path, in_row_order=True)
        sheet = book.sheet("Awkward")
        sheet.title("Awkward cells", "Every kind a large plan writes.")
        sheet.header(2, ["Text", "Number", "Formula", "More"])
        texts = ["a & b < c > d", " leading", "trailing ", "bell\x07 and _x0041_", "\ufffe", "<r>not rich</r>"]
        texts.append("x" * 40_000)
        for i, text in enumerate(texts):
            row = 3 + i
            sheet.put(row, 3, "written first")  # out of column order, and written twice
            sheet.put(row, 0, text)
            sheet.put(row, 1, [12, 1.5, 1e17, -0.0, 2**53 + 1, 1 / 3, 7][i], MONEY)
            value = [1200, "#N/A", "text & more", True, "", 0.25, 9][i]
            sheet.put(row, 2, Formula(f"=SUM(B{row + 1}:B{row + 1})", value), MONEY)
            sheet.put(row, 3, None, bold=True)
            sheet.outline(row, 1 + i % 2)
        sheet.section(12, "A band across the columns")  # a merged span between plain rows
        sheet.put(13, 0, "=looks like a formula", wrap=True)
        sheet.put(13, 1, 5)
        sheet.put(14, 2, Formula("=SORT(B4:B10)", 12), MONEY)  # a dynamic array formula: XlsxWriter's own way
        sheet.put(15, 2, Formula('=IF(A4="FILTER(",1,0)', 0), MONEY)  # the function's name inside text, too
        sheet.finish(repeat_rows=2, freeze=(3, 0))
        book.close()
    return path.read_bytes()


def test_a_row_order_workbook_is_byte_for_byte_what_xlsxwriter_writes_cell_by_cell(tmp_path, monkeypatch):
    """Rows of a very large workbook go to the sheet as XML in one go; the file is the one XlsxWriter's
    own cell methods make, whatever the cells hold (escapes, control characters, whitespace, long text,
    formula values of every type, cells written twice or out of order, merged bands, heights, outline)."""
    whole = _row_order_book(tmp_path / "whole.xlsx", one_by_one=False, monkeypatch=monkeypatch)
    one_by_one = _row_order_book(tmp_path / "one-by-one.xlsx", one_by_one=True, monkeypatch=monkeypatch)
    assert whole == one_by_one
    ws = openpyxl.load_workbook(tmp_path / "whole.xlsx")["Awkward"]
    assert [ws.cell(r, 1).value for r in (4, 5, 6)] == ["a & b < c > d", " leading", "trailing "]
    assert len(ws["A10"].value) == 32767  # cut at Excel's limit
    assert ws["D4"].value is None and ws["D4"].font.b  # the later of two writes to a cell stays


def test_a_row_written_whole_is_closed_to_later_writes_as_xlsxwriter_closes_its_own(tmp_path):
    """After a row goes to the file, writing to it or above it is refused, never a second row element."""
    import xlsxwriter
    from xlsxwriter.utility import xl_col_to_name

    from orgplan.outputs.workbook.row_xml import _COLUMNS, RowWriter

    book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"), {"constant_memory": True})
    ws = book.add_worksheet()
    methods = ws.write_number, ws.write_string, ws.write_formula, ws.write_blank
    writer, fmt = RowWriter(ws, methods), book.add_format({"bold": True})
    assert writer.write(5, [(methods[1], 5, 0, "five", fmt), (methods[0], 5, 16383, 5, fmt)])
    assert ws.write_string(5, 1, "again") == ws.write_string(4, 0, "above") == -1  # refused
    assert not writer.write(4, [(methods[1], 4, 0, "above", fmt)])
    assert ws.write_string(6, 0, "below") == 0
    book.close()
    rows = re.findall(r'<row r="(\d+)"', zipfile.ZipFile(tmp_path / "t.xlsx").read("xl/worksheets/sheet1.xml").decode())
    assert (
        rows == ["6", "7"]
        and '<c r="XFD6"' in zipfile.ZipFile(tmp_path / "t.xlsx").read("xl/worksheets/sheet1.xml").decode()
    )
    assert all(_COLUMNS[i] == xl_col_to_name(i) for i in range(16384))  # every column's letters, made once


def test_a_large_plans_workbook_is_the_same_whether_rows_are_written_whole_or_cell_by_cell(
    keystone, gap, tmp_path, monkeypatch
):
    from orgplan.outputs.workbook import staffing
    from orgplan.outputs.workbook.row_xml import RowWriter

    monkeypatch.setattr(staffing, "ROW_ORDER_SEATS", 0)
    whole = export_excel(keystone, tmp_path / "whole.xlsx", chart=False, comparison=gap).read_bytes()
    monkeypatch.setattr(RowWriter, "write", lambda self, row, cells: False)
    assert export_excel(keystone, tmp_path / "cells.xlsx", chart=False, comparison=gap).read_bytes() == whole
