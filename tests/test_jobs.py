"""From plan to hiring: a job description per role, in the plan's terms, as Word, Markdown, a sheet and a web page."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import docx
import networkx as nx
import openpyxl
import pytest
from click.testing import CliRunner

from orgplan import job_descriptions, write_jobs
from orgplan.cli import cli
from orgplan.core.words import money
from orgplan.outputs.jobs import markdown
from orgplan.outputs.workbook.staffing import export_excel

from .conftest import ROOT, write

LUMEN = {
    "company": "Lumen Labs",
    "employees": 2400,
    "salary_multiplier": 1.1,
    "countries": [
        {"name": "United States", "employees": 1600},
        {"name": "Germany", "employees": 800, "pay_index": 0.9},
    ],
    "business_units": [{"name": "Devices", "employees": 1500}, {"name": "Services", "employees": 900}],
}


@pytest.fixture(scope="module")
def lumen(make_plan):
    """2,400 employees in two named countries (Germany paid at 0.9) and two named business units."""
    return make_plan(**LUMEN)


@pytest.fixture(scope="module")
def folder(lumen, tmp_path_factory):
    out = tmp_path_factory.mktemp("jobs")
    write_jobs(lumen, out)
    return out / "jobs"


def word_text(path) -> str:
    """Every paragraph of a .docx as python-docx reads it back, one per line."""
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def seats_of(plan, role):
    return [s for s in plan.hr_seats if s.role == role]


def test_every_role_of_the_plan_gets_a_word_file_a_markdown_file_and_a_line_in_the_index(lumen, folder):
    roles = list(dict.fromkeys(s.role for s in lumen.hr_seats))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*(f"{r}.md" for r in roles), *(f"{r}.docx" for r in roles), "index.md"]
    )
    index = (folder / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# Job descriptions: Lumen Labs")
    for role in roles:
        title = lumen.templates.roles[role].title
        assert f"| {title} | {len(seats_of(lumen, role))} |" in index and f"[docx]({role}.docx)" in index
    assert not any(p.name.startswith(".") for p in folder.parent.rglob("*")), "no staging folder is left behind"


def test_the_word_document_speaks_of_this_plans_seats(lumen, folder):
    seats = seats_of(lumen, "hr_generalist")
    doc = docx.Document(str(folder / "hr_generalist.docx"))
    assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text == "HR Generalist"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Summary",
        "Reporting line",
        "HR functions this role covers at Lumen Labs",
        "Responsibilities",
        "Skills",
        "Qualifications and experience",
        "Career next steps",
        "Pay range",
        "Seats and FTE",
        "Why the plan has this role",
    ]
    text = word_text(folder / "hr_generalist.docx")
    manager = lumen.seat(seats[0].reports_to).title
    assert (
        f"Lumen Labs · Generalists and business partners · level 3 (professional) · {len(seats)} seats, "
        f"{len(seats)} FTE" in text
    )
    assert f"Reports to: {manager} ({len(seats)} seats)" in text
    for function in seats[0].functions:  # the company's own functions, with what the seats do with them
        assert (
            f"{lumen.templates.function_label(function)} - does the work: {lumen.templates.functions[function].doing}"
            in text
        )
    germany = {s.base_salary for s in seats if s.country == "Germany"}
    central = {s.base_salary for s in seats if s.country == "United States"}  # the headquarters
    assert len(germany) == len(central) == 1
    assert f"Base salary in Germany: {money(germany.pop())} a year (2 seats)" in text
    assert f"Base salary in United States: {money(central.pop())} a year (2 seats)" in text
    assert (
        "Times the company's salary multiplier of 1.1" in text
        and "Times the pay index of the country: Germany 0.9." in text
    )
    for seat in seats:
        assert seat.rationale[0].reason in text
    bold = [r.text.strip() for p in doc.paragraphs if p.style.name == "List Bullet" for r in p.runs if r.bold]
    assert "Reports to:" in bold and "Education:" in bold


def test_the_markdown_says_the_same_in_markdown(lumen, folder):
    seats = seats_of(lumen, "hr_business_partner")
    text = (folder / "hr_business_partner.md").read_text(encoding="utf-8")
    assert text.startswith(
        "# HR Business Partner\n\nLumen Labs · Generalists and business partners · level 5 (lead) · 2 seats, 2 FTE\n"
    )
    assert "\n## Reporting line\n\n- **Reports to:** HR Director (2 seats)\n" in text
    assert "- **Dotted line to:** Head of Devices; Head of Services\n" in text
    assert f"- **Base salary:** {money(seats[0].base_salary)} a year\n" in text
    assert "Serving: Devices (1) and Services (1)." in text
    assert f"- {seats[0].rationale[0].reason}\n" in text
    assert text == markdown(next(jd for jd in job_descriptions(lumen) if jd.role == "hr_business_partner"))


def test_a_leaders_description_names_its_reports_the_functions_it_owns_and_its_pay_policy(lumen, folder):
    head = next(s for s in lumen.hr_seats if s.reports_to == lumen.root.id)
    text = word_text(folder / f"{head.role}.docx")
    reports = [s.title for s in lumen.hr_seats if s.reports_to == head.id]
    assert "Direct reports: " + "; ".join(f"{t} ({reports.count(t)})" for t in dict.fromkeys(reports)) in text
    owned = [f for f, row in lumen.ledger.items() if row["owner"] == head.id]
    assert owned
    for f in owned:
        what = "does the work and owns it" if f in head.functions else "owns it"
        assert f"{lumen.templates.function_label(f)} - {what}: {lumen.templates.functions[f].directing}" in text
    assert f"Reports to: {lumen.root.title}" in text
    assert f"Base salary: {money(head.base_salary)} a year" in text
    assert f"Market pay: {money(lumen.templates.roles[head.role].salary.base)} a year" in text


def test_a_grown_seat_is_described_by_its_own_title_and_level(templates):
    from orgplan import load_profile, plan

    atlas = plan(load_profile(ROOT / "examples" / "atlas-global.yaml", templates=templates), templates=templates)
    seat = next(s for s in atlas.hr_seats if s.role == "talent_acquisition_manager")
    assert seat.title == "Director of Talent Acquisition" and seat.level == 7
    jd = next(j for j in job_descriptions(atlas) if j.role == "talent_acquisition_manager")
    led = len(nx.descendants(atlas.graph, seat.id))
    assert jd.title == "Director of Talent Acquisition" and jd.levels == (7,)
    assert jd.parts[0].paragraphs[0] == f"Leads {led} seats: the Talent Acquisition Manager role at director level."
    text = markdown(jd)
    assert "Atlas Global Industries · HR leadership · level 7 (director) · 1 seat, 1 FTE" in text
    assert (
        "- **Education:** A bachelor's degree; a master's degree in human resources or business "
        "administration is often preferred." in text
    )


def test_qualifications_career_steps_and_skills_come_from_the_catalog_with_their_sources(lumen, folder, templates):
    text = word_text(folder / "payroll_specialist.docx")
    assert (
        "Certifications: PayrollOrg's Fundamental Payroll Certification (FPC) or Certified Payroll "
        "Professional (CPP) preferred." in text
    )
    assert "Education and certifications for this role: orgplan estimate." in text and "Source articles:" in text
    assert "Total Rewards Manager (a seat in this plan)" in text
    for skill in templates.roles["payroll_specialist"].skills:
        assert skill[:1].upper() + skill[1:] in text
    generalist = word_text(folder / "hr_generalist.docx")
    assert "Senior HR Generalist\n" in generalist and "HR Manager (a seat in this plan)" in generalist


def test_the_workbook_has_a_job_descriptions_sheet_with_one_block_per_role(lumen, tmp_path):
    wb = openpyxl.load_workbook(export_excel(lumen, tmp_path / "plan.xlsx", chart=False))
    ws = wb["Job descriptions"]
    bands = [c.value for c in ws["A"] if c.fill.fgColor.rgb in ("FFDDEBF7", "00DDEBF7")]
    assert bands == [jd.title for jd in job_descriptions(lumen)]
    labels = [c.value for c in ws["A"] if c.value]
    assert labels.count("Reporting line") == labels.count("Pay range") == len(bands)
    texts = [c.value for c in ws["B"] if isinstance(c.value, str)]
    assert "\u2022 Dotted line to: Head of Devices; Head of Services" in texts
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage


def test_the_web_page_links_every_role_to_its_description_with_word_and_zip_downloads(lumen):
    from starlette.testclient import TestClient

    from orgplan.web import create_app

    params = {"company": "Acme Tools", "employees": "900"}
    with TestClient(create_app(warm=False)) as client:
        page = client.get("/plan", params=params).text
        for role in ("hr_manager", "hr_generalist", "payroll_specialist"):
            assert f'&amp;role={role}"' in page
        job = client.get("/job", params={**params, "role": "payroll_specialist"})
        assert job.status_code == 200 and "<h1>Payroll Specialist</h1>" in job.text
        assert "HR functions this role covers at Acme Tools" in job.text and "<strong>Base salary:</strong>" in job.text
        word = client.get("/job.docx", params={**params, "role": "payroll_specialist"})
        assert word.headers["content-disposition"] == 'attachment; filename="payroll_specialist.docx"'
        assert docx.Document(io.BytesIO(word.content)).paragraphs[0].text == "Payroll Specialist"
        archive = zipfile.ZipFile(io.BytesIO(client.get("/jobs.zip", params=params).content))
        assert {"jobs/index.md", "jobs/payroll_specialist.docx", "jobs/payroll_specialist.md"} <= set(
            archive.namelist()
        )
        missing = client.get("/job", params={**params, "role": "chief_vibes_officer"})
        assert (
            missing.status_code == 404
            and "has no role &#39;chief_vibes_officer&#39;" in missing.text
            and "Payroll Specialist (payroll_specialist)" in missing.text
        )


def test_cli_jobs_writes_the_folder_and_names_each_file(tmp_path):
    result = CliRunner().invoke(
        cli, ["jobs", "examples/keystone-manufacturing.yaml", "--out", str(tmp_path), "--format", "md"]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / 'jobs' / 'hr_manager.md'}" in result.output
    assert not list((tmp_path / "jobs").glob("*.docx"))


@pytest.mark.parametrize(
    "args, message",
    [
        (["jobs", "examples/nowhere.yaml", "--out", "{tmp}"], "examples/nowhere.yaml: file not found"),
        (["jobs", "{tmp}/broken.yaml", "--out", "{tmp}"], "employees: expected a whole number"),
        (
            ["jobs", "examples/keystone-manufacturing.yaml", "--out", "{tmp}", "--format", "md,pdf"],
            "--format: unknown format 'pdf'; expected md or docx",
        ),
        (
            ["jobs", "examples/keystone-manufacturing.yaml", "--out", "{tmp}/taken/below"],
            "which is a file, not a folder; give --out a folder name",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, args, message):
    write(tmp_path / "broken.yaml", "employees: lots\n")
    write(tmp_path / "taken", "a file where the folder should be\n")
    before = sorted(tmp_path.rglob("*"))
    result = CliRunner().invoke(cli, [a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(tmp_path.rglob("*")) == before


def test_writing_again_for_a_smaller_plan_removes_the_roles_it_no_longer_has(lumen, make_plan, tmp_path):
    write_jobs(lumen, tmp_path)
    small = make_plan(company="Lumen Labs", employees=30)
    write_jobs(small, tmp_path)
    assert sorted(p.name for p in (tmp_path / "jobs").iterdir()) == [
        "hr_generalist.docx",
        "hr_generalist.md",
        "index.md",
    ]


def test_a_jobs_folder_holding_someone_elses_file_is_not_replaced(lumen, tmp_path):
    from orgplan.errors import OutputError

    write_jobs(lumen, tmp_path, ["md"])
    (tmp_path / "jobs" / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"holds files orgplan did not write \('notes.txt'\)"):
        write_jobs(lumen, tmp_path, ["md"])
    assert (tmp_path / "jobs" / "notes.txt").read_text() == "mine"


def test_plan_outputs_written_later_keep_the_job_descriptions(lumen, tmp_path):
    from orgplan.outputs.folder import write_outputs

    write_jobs(lumen, tmp_path / "out", ["md"])
    before = sorted(p.name for p in (tmp_path / "out" / "jobs").iterdir())
    write_outputs(lumen, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out" / "jobs").iterdir()) == before
    assert (tmp_path / "out" / "staffing-plan.xlsx").is_file()


def test_a_folder_that_cannot_be_written_leaves_the_earlier_descriptions_as_they_were(lumen, tmp_path, monkeypatch):
    write_jobs(lumen, tmp_path, ["md"])
    before = {p.name: p.read_bytes() for p in (tmp_path / "jobs").iterdir()}
    real = type(tmp_path).write_bytes
    calls = []

    def fail_on_the_third(self, data):
        calls.append(self)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(type(tmp_path), "write_bytes", fail_on_the_third)
    from orgplan.errors import OutputError

    with pytest.raises(OutputError, match="cannot write: no space left on device"):
        write_jobs(lumen, tmp_path, ["md"])
    assert {p.name: p.read_bytes() for p in (tmp_path / "jobs").iterdir()} == before


def test_descriptions_in_markdown_load_no_word_or_chart_library():
    code = (
        "import sys; from orgplan import plan, profile_from_dict, job_descriptions\n"
        "from orgplan.outputs.jobs import markdown\n"
        "p = plan(profile_from_dict({'employees': 900}))\n"
        "[markdown(j) for j in job_descriptions(p)]\n"
        "print(sorted(m for m in ('docx', 'matplotlib', 'pandas', 'openpyxl', 'xlsxwriter') if m in sys.modules))"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    )
