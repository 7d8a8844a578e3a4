"""A whole portfolio at once: every good row planned, every broken row named, the same results however it runs."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from orgplan import plan, plan_many, plan_portfolio, profile_from_dict, read_companies
from orgplan.cli import cli
from orgplan.errors import OptionError, ProfileError
from orgplan.portfolio.batch import company_folders, open_executor
from orgplan.portfolio.portfolio import write_portfolio

from .conftest import write

HEADER = "Company,Employees,growth_rate,functions,countries,Unionized share,hr_reports_to\n"
GOOD = [
    "Acme Tools,400,0.1,,,,\n",
    'Bolt Logistics,"2,500",,payroll;benefits;talent_acquisition,3,0.3,COO\n',
    '"=HYPERLINK(""http://example.com"",""click"")",120,,,,,\n',
]
BAD = {  # row -> (the row, its column, the value as a profile would give it)
    5: ("Broken functions,300,,payrol;benefits,,,\n", "functions", "employees: 300\nfunctions: [payrol, benefits]\n"),
    6: ("Bad employees,abc,,,,,\n", "employees", "employees: abc\n"),
    7: ("Negative,-5,,,,,\n", "employees", "employees: -5\n"),
    8: ("No employees,,0.1,,,,\n", "employees", "growth_rate: 0.1\n"),
    9: ("Too many countries,5,,,9,,\n", "countries", "employees: 5\ncountries: 9\n"),
    10: ("Wrong boss,50,,,,,CTO\n", "hr_reports_to", "employees: 50\nhr_reports_to: CTO\n"),
}


@pytest.fixture
def companies_csv(tmp_path):
    rows = GOOD + [BAD[n][0] for n in sorted(BAD)] + ["\n", ",,,,,,\n", "Last One,80,,,,,\n"]
    return write(tmp_path / "companies.csv", "\ufeff" + HEADER + "".join(rows))  # with the BOM Excel writes


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def read_sheet(path, name, data_only=True):
    ws = openpyxl.load_workbook(path, data_only=data_only)[name]
    return [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]


def test_batch_plans_the_good_rows_and_names_every_broken_one(companies_csv, tmp_path, templates):
    out = tmp_path / "out"
    result = run("batch", companies_csv, "--out", out, "--workers", 1)
    assert result.exit_code == 1, result.output
    assert "Portfolio from" in result.output and "4 companies planned, 6 not planned" in result.output
    companies = read_sheet(out / "portfolio.xlsx", "Companies")
    assert [r[0] for r in companies[1:]] == [
        "Acme Tools",
        "Bolt Logistics",
        '=HYPERLINK("http://example.com","click")',
        "Last One",
    ]
    assert [r[1] for r in companies[1:]] == [
        2,
        3,
        4,
        13,
    ]  # the rows as the spreadsheet numbers them; blank rows counted, not planned
    bolt = plan(
        profile_from_dict(
            {
                "company": "Bolt Logistics",
                "employees": 2500,
                "functions": ["payroll", "benefits", "talent_acquisition"],
                "countries": 3,
                "unionized_share": 0.3,
                "hr_reports_to": "COO",
            },
            templates=templates,
        ),
        templates=templates,
    )
    row = dict(zip(companies[0], companies[2], strict=True))
    s = bolt.summary
    assert (row["Employees"], row["HR seats"], row["HR FTE"], row["Annual cost (USD)"]) == (
        2500,
        s["hr_headcount"],
        s["hr_fte"],
        s["annual_cost"],
    )
    assert (
        row["Against the range"] == s["benchmark_hr_per_100"]["status"] and row["Head of HR"] == bolt.hr_seats[0].title
    )
    assert sum(row[f"{templates.families[f].label} (seats)"] for f in templates.hr_families) == s["hr_headcount"]
    errors = read_sheet(out / "portfolio.xlsx", "Errors")
    assert errors[0] == ["Row", "Column", "Company", "Reason"]
    assert [(r[0], r[1], r[2]) for r in errors[1:]] == [(n, BAD[n][1], BAD[n][0].split(",")[0]) for n in sorted(BAD)]
    for line in (f"Error: {companies_csv}: row {r[0]}: {r[3]}" for r in errors[1:]):
        assert line in result.output


@pytest.mark.parametrize("row", sorted(BAD))
def test_each_reason_is_what_orgplan_plan_says_for_the_same_value(companies_csv, tmp_path, row):
    profile = write(tmp_path / "same.yaml", BAD[row][2])
    said = run("plan", profile).output.strip()
    assert said.startswith(f"Error: {profile}: ")
    reasons = {e.row: e.message for e in read_companies(companies_csv).errors}
    assert reasons[row] == said.removeprefix(f"Error: {profile}: ")


def test_formula_looking_text_stays_text(companies_csv, tmp_path):
    out = tmp_path / "out"
    run("batch", companies_csv, "--out", out, "--workers", 1)
    ws = openpyxl.load_workbook(out / "portfolio.xlsx")["Companies"]
    cell = ws.cell(row=6, column=1)
    assert cell.value == '=HYPERLINK("http://example.com","click")' and cell.data_type == "s"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_summary_adds_up_the_companies(companies_csv, tmp_path):
    out = tmp_path / "out"
    run("batch", companies_csv, "--out", out, "--workers", 1)
    book = openpyxl.load_workbook(out / "portfolio.xlsx", data_only=True)
    assert book.sheetnames == ["Companies", "Summary", "Summary chart", "Errors"]
    companies = read_sheet(out / "portfolio.xlsx", "Companies")
    cols = {h: i for i, h in enumerate(companies[0])}
    summary = read_sheet(out / "portfolio.xlsx", "Summary")
    total = dict(zip(summary[0], summary[-1], strict=True))
    assert total["Company size (employees)"] == "All companies" and total["Companies"] == 4
    for header, column in (
        ("Employees", "Employees"),
        ("HR seats", "HR seats"),
        ("Annual cost (USD)", "Annual cost (USD)"),
    ):
        assert total[header] == sum(r[cols[column]] for r in companies[1:])
        assert sum(r[summary[0].index(header)] for r in summary[1:-1]) == total[header]
    assert total["Within the range"] + total["Above the range"] + total["Below the range"] == 4
    data = json.loads((out / "portfolio.json").read_text())
    assert data["totals"]["companies"] == 4 and data["totals"]["rows_with_errors"] == 6
    assert [c["row"] for c in data["companies"]] == [2, 3, 4, 13] and [e["row"] for e in data["errors"]] == sorted(BAD)


def test_a_clean_file_exits_0_and_an_unreadable_one_2(tmp_path):
    good = write(
        tmp_path / "good.csv", "company;employees;functions\nA;40;payroll\nB;900;\n"
    )  # semicolons, as European Excel writes
    assert run("batch", good, "--out", tmp_path / "a", "--workers", 1).exit_code == 0
    cases = {
        "unknown.csv": ("company,employes\nA,40\n", "row 1: unknown column 'employes' (did you mean 'employees'?)"),
        "twice.csv": ("employees,Employees\n4,5\n", "row 1: the column 'employees' appears twice (columns A and B)"),
        "no-employees.csv": ("company\nA\n", "no 'employees' column"),
        "empty.csv": ("", "the file is empty"),
        "header.csv": ("company,employees\n", "the file has a header row but no companies under it"),
        "latin1.csv": ("company,employees\nM\xfcller,40\n".encode("latin-1"), "not UTF-8 text"),
        "notes.txt": ("employees\n4\n", "expected a .csv or .xlsx file of companies"),
        "fake.xlsx": ("not a zip", "not an Excel workbook (.xlsx)"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        result = run("batch", path, "--out", tmp_path / "never")
        assert result.exit_code == 2, name
        assert result.output.strip() == f"Error: {path}: {message}" or message in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert run("batch", tmp_path / "missing.csv", "--out", tmp_path / "never").exit_code == 2
    assert not (tmp_path / "never").exists()


def test_a_workbook_reads_like_the_csv(companies_csv, tmp_path, templates):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["company", "employees", "growth rate", "functions", "countries"])
    ws.append(["Acme Tools", 400.0, 0.1, None, None])  # Excel keeps whole numbers as floats
    ws.append(["Bolt", 2500, None, "payroll; benefits", 3])
    ws.append(["Broken", "abc", None, None, None])
    book.create_sheet("Notes").append(["not", "companies"])  # only the first sheet is read
    book.save(tmp_path / "companies.xlsx")
    read = read_companies(tmp_path / "companies.xlsx", templates=templates)
    assert [p.company for p in read.profiles] == ["Acme Tools", "Bolt"] and read.profiles[1].functions == (
        "benefits",
        "payroll",
    )
    assert [str(e) for e in read.errors] == ["row 4: employees: expected a whole number from 1 to 5,000,000, got 'abc'"]
    from_csv = read_companies(companies_csv, templates=templates).profiles[0]
    assert read.profiles[0] == from_csv


def test_a_folder_of_profiles_names_the_broken_file(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    write(folder / "a.yaml", "company: Acme\nemployees: 300\n")
    write(folder / "b.json", '{"company": "Bolt", "employees": 1200}')
    write(folder / "c.yml", "employees: [1\n")
    write(folder / "notes.txt", "not a profile")
    result = run("batch", folder, "--out", tmp_path / "out", "--workers", 1)
    assert result.exit_code == 1
    said = run("plan", folder / "c.yml").output.strip()
    assert said.startswith(f"Error: {folder / 'c.yml'}: line 2, column 1: YAML syntax error") and said in result.output
    errors = read_sheet(tmp_path / "out" / "portfolio.xlsx", "Errors")
    assert errors[0][0] == "File" and errors[1][0] == "c.yml"
    assert [c["file"] for c in json.loads((tmp_path / "out" / "portfolio.json").read_text())["companies"]] == [
        "a.yaml",
        "b.json",
    ]
    (tmp_path / "empty").mkdir()
    assert run("batch", tmp_path / "empty", "--out", tmp_path / "x").exit_code == 2


def test_results_are_identical_serial_with_workers_and_on_dask(tmp_path, templates, dask_executor):
    rows = "".join(
        f"Company {i},{[12, 90, 400, 1500, 7000][i % 5] + i},{i % 7 / 20},,{1 + i % 3},{i % 4 / 10}\n"
        for i in range(30)
    )
    path = write(
        tmp_path / "many.csv",
        "company,employees,growth_rate,functions,countries,unionized_share\n" + rows + "Bad,zero,,,,\n",
    )
    companies = read_companies(path, templates=templates)
    serial = plan_portfolio(companies, templates=templates)
    with open_executor(workers=2) as pool:
        pooled = plan_portfolio(companies, pool, templates=templates, batch_size=4)
    on_dask = plan_portfolio(companies, dask_executor, templates=templates, batch_size=7)
    assert serial.json == pooled.json == on_dask.json
    assert serial.companies == pooled.companies == on_dask.companies and len(serial.errors) == 1
    for folder, p in (("serial", serial), ("pooled", pooled)):
        write_portfolio(p, tmp_path / folder)
    assert (tmp_path / "serial" / "portfolio.json").read_bytes() == (
        tmp_path / "pooled" / "portfolio.json"
    ).read_bytes()
    cli_run = run("batch", path, "--out", tmp_path / "cli", "--workers", 2)
    assert cli_run.exit_code == 1
    assert (tmp_path / "cli" / "portfolio.json").read_bytes() == (tmp_path / "serial" / "portfolio.json").read_bytes()


def test_plan_many_keeps_the_order_and_reports_progress(templates, dask_executor):
    profiles = [
        profile_from_dict({"company": f"C{n}", "employees": n}, templates=templates) for n in (5000, 30, 800, 12, 2500)
    ]
    seen = []
    results = plan_many(profiles, dask_executor, batch_size=2, templates=templates, progress=seen.append)
    assert [r.company for r in results] == ["C5000", "C30", "C800", "C12", "C2500"]
    assert sorted(seen) == [1, 2, 2] and [r.summary for r in results] == [
        r.summary for r in plan_many(profiles, templates=templates)
    ]
    assert plan_many([{"company": "Dict", "employees": 40}], templates=templates)[0].summary["hr_headcount"] >= 1
    with pytest.raises(ProfileError, match="employees"):
        plan_many([{"company": "Broken"}], templates=templates)


def test_each_company_gets_its_own_plan_folder(tmp_path, templates):
    path = write(tmp_path / "c.csv", "company,employees\nAcme,60\nacme,45\n../../etc,30\n.hidden,20\n")
    out = tmp_path / "out"
    result = run("batch", path, "--out", out, "--each", "--workers", 1)
    assert result.exit_code == 0, result.output
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == ["acme", "acme-2", "etc", "hidden"]
    for name in folders:
        assert sorted(p.name for p in (out / name).iterdir()) == ["orgchart.png", "plan.json", "staffing-plan.xlsx"]
    made = json.loads((out / "acme-2" / "plan.json").read_text())
    assert made == json.loads(
        plan(profile_from_dict({"company": "acme", "employees": 45}, templates=templates), templates=templates).json
    )
    data = json.loads((out / "portfolio.json").read_text())
    assert [c["folder"] for c in data["companies"]] == ["acme", "acme-2", "etc", "hidden"]
    assert read_sheet(out / "portfolio.xlsx", "Companies")[0][-2] == "Plan folder"


def test_folder_names_are_safe_and_unique(tmp_path):
    names = ["A/B", "a b", "", "...", "CON", "Ünïcode", "x" * 300, "日本"]
    folders = company_folders(names, tmp_path)
    assert len({f.name for f in folders}) == len(names)
    for f in folders:
        assert f.parent == tmp_path and not f.name.startswith(".") and "/" not in f.name and len(f.name) <= 64


def test_dask_missing_says_how_to_get_it(tmp_path, monkeypatch, companies_csv):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    result = run("batch", companies_csv, "--out", tmp_path / "out", "--dask", "local")
    assert result.exit_code == 2
    assert (
        result.output.strip()
        == "Error: --dask: Dask is not installed: pip install 'orgplan[dask]' (from a checkout: pip install "
        "-e '.[dask]')"
    )
    with pytest.raises(OptionError, match="Dask is not installed"), open_executor(dask="tcp://127.0.0.1:8786"):
        pass


@pytest.mark.parametrize("address", ["not a url", "tcp://scheduler", "scheduler:99999", "http://x:1/path", "x" * 5000])
def test_a_dask_address_that_is_no_address_is_refused_in_one_line(tmp_path, companies_csv, address):
    result = run("batch", companies_csv, "--out", tmp_path / "out", "--dask", address)
    assert result.exit_code == 2 and "Traceback" not in result.output
    said = result.output.strip()
    assert said.startswith(
        "Error: --dask: expected 'local' or a scheduler's address with its port, such as tcp://10.0.0.5:8786, got '"
    )
    assert len(said.splitlines()) == 1 and len(said) < 200 and not (tmp_path / "out").exists()


def test_help_loads_neither_dask_nor_the_batch_engine():
    code = (
        "import sys; from orgplan.cli import cli\n"
        "print(sorted(m for m in ('dask', 'distributed', 'orgplan.portfolio.batch', 'orgplan.portfolio.portfolio', "
        "'orgplan.portfolio.sensitivity', 'concurrent.futures.process') if m in sys.modules))"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    )


def test_progress_goes_to_stderr(tmp_path):
    path = write(tmp_path / "c.csv", "company,employees\n" + "".join(f"C{i},{50 + i * 37}\n" for i in range(20)))
    proc = subprocess.run(
        [sys.executable, "-m", "orgplan", "batch", str(path), "--out", str(tmp_path / "out"), "--workers", "1"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and "Planning companies" in proc.stderr and "Planning" not in proc.stdout
    assert proc.stdout.splitlines()[0] == f"Portfolio from {path}: 20 companies planned, 0 not planned"


def test_a_printed_title_starting_with_a_number_keeps_its_size(companies_csv, tmp_path):
    import zipfile

    out = tmp_path / "out"
    run("batch", companies_csv, "--out", out, "--workers", 1)
    with zipfile.ZipFile(out / "portfolio.xlsx") as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert (
        "<oddHeader>&amp;L&amp;12&amp;B4 companies planned" in sheet
    )  # "&12" then "4 companies" would print at 124 pt


def test_workers_plan_with_the_rule_pack_given(tmp_path, templates):
    from orgplan.knowledge.templates import load_templates, templates_dir

    text = (templates_dir() / "rules.yaml").read_text(encoding="utf-8")
    extra = text.replace(
        'seats: "floor(specialist_work_talent_acquisition + 1 - seat_fill)"',
        'seats: "floor(specialist_work_talent_acquisition + 1 - seat_fill) + 3"',
    )
    assert extra != text
    custom = load_templates(rules=write(tmp_path / "rules.yaml", extra))
    profiles = [profile_from_dict({"company": f"C{n}", "employees": n}, templates=custom) for n in (600, 3000)]
    with open_executor(workers=2) as pool:
        pooled = plan_many(profiles, pool, batch_size=1, templates=custom)
    bundled = plan_many(profiles, templates=templates)
    assert [r.roles["recruiter"] for r in pooled] == [r.roles["recruiter"] + 3 for r in bundled]


def test_a_batchs_workers_share_the_cores_and_fork_no_workers_of_their_own():
    """A large plan in a batch worker weighs its budget and draws its chart in that worker: the batch's
    workers have the cores between them already."""
    from orgplan.core.forking import may_fork

    with open_executor(workers=2) as pool:
        assert pool is not None
        assert not any(pool.submit(may_fork).result() for _ in range(4))


def test_the_example_portfolio_plans_cleanly(tmp_path):
    from .conftest import ROOT

    result = run("batch", ROOT / "examples" / "portfolio.csv", "--out", tmp_path / "out", "--workers", 1)
    assert result.exit_code == 0, result.output
    assert "8 companies planned, 0 not planned" in result.output


def test_a_company_folder_holding_other_files_is_that_companys_error_and_the_others_are_planned(tmp_path):
    path = write(tmp_path / "c.csv", "company,employees\nAcme,60\nBolt,45\n")
    out = tmp_path / "out"
    (out / "acme").mkdir(parents=True)
    (out / "acme" / "notes.txt").write_text("my notes")
    result = run("batch", path, "--out", out, "--each", "--workers", 1)
    assert result.exit_code == 1, result.output
    assert (
        f"Error: {path}: row 2: {out / 'acme'}: holds files orgplan did not write ('notes.txt'); "
        "orgplan replaces its output folder as a whole, so give it a folder of its own"
    ) in result.output.splitlines()
    assert (out / "acme" / "notes.txt").read_text() == "my notes"
    assert sorted(p.name for p in (out / "bolt").iterdir()) == ["orgchart.png", "plan.json", "staffing-plan.xlsx"]
    assert [r[0] for r in read_sheet(out / "portfolio.xlsx", "Companies")[1:]] == ["Bolt"]
