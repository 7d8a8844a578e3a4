"""From plan to hiring: a job description per role, in the plan's terms, as Word, Markdown, a sheet and a web page."""

from __future__ import annotations

import io
import re
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
from orgplan.outputs.jobs import brief_markdown, markdown
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


def posting_of(jd) -> str:
    return markdown(jd)


def test_every_job_of_the_plan_gets_a_posting_in_word_and_markdown_a_brief_and_a_line_in_the_index(lumen, folder):
    jds = job_descriptions(lumen)
    files = [jd.file for jd in jds]
    assert len(set(files)) == len(files)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*(f"{f}.md" for f in files), *(f"{f}.docx" for f in files), "index.md", "briefs"]
    )
    assert sorted(p.name for p in (folder / "briefs").iterdir()) == sorted(f"{f}.md" for f in files)
    index = (folder / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# Job descriptions: Lumen Labs")
    for jd in jds:
        assert f"| {jd.title} | {jd.seats} |" in index and f"[docx]({jd.file}.docx)" in index
        assert f"[md](briefs/{jd.file}.md)" in index
    assert not any(p.name.startswith(".") for p in folder.parent.rglob("*")), "no staging folder is left behind"


def test_files_are_named_after_the_titles_the_plan_gives(lumen, folder, templates):
    names = {p.name for p in folder.iterdir()}
    assert "hr-coordinator.md" in names and "hr-coordinator.docx" in names and "hr_assistant.md" not in names
    assert "hr-business-partner.docx" in names and "training-and-development-specialist.md" in names
    for jd in job_descriptions(lumen):
        assert jd.file == re.sub(r"[^a-z0-9]+", "-", jd.title.lower()).strip("-")
        assert docx.Document(str(folder / f"{jd.file}.docx")).paragraphs[0].text == jd.title
    from orgplan import load_profile, plan

    atlas = plan(load_profile(ROOT / "examples" / "atlas-global.yaml", templates=templates), templates=templates)
    files = {jd.title: jd.file for jd in job_descriptions(atlas)}
    assert files["Director of Total Rewards"] == "director-of-total-rewards" and "Total Rewards Manager" not in files
    assert files["HR Team Lead"] == "hr-team-lead" and files["Country HR Manager"] == "country-hr-manager"


def test_the_posting_says_nothing_of_the_planning(lumen, folder):
    """No level number, seat count, reason of the plan or the tool's name in what candidates read."""
    for jd in job_descriptions(lumen):
        for text in (word_text(folder / f"{jd.file}.docx"), (folder / f"{jd.file}.md").read_text("utf-8")):
            lowered = text.lower()
            assert "orgplan" not in lowered, jd.title
            credentials = re.sub(r"cipd level \d( or level \d)?", "cipd", lowered)  # a credential's own levels
            assert not re.search(r"\blevel \d", credentials), jd.title
            assert not re.search(r"\b\d+ seats?\b", lowered) and not re.search(r"\bfte\b", lowered), jd.title
            assert "why the plan" not in lowered and "the plan" not in lowered, jd.title
            for reason in jd.why:
                assert reason not in text
        properties = docx.Document(str(folder / f"{jd.file}.docx")).core_properties
        assert "orgplan" not in f"{properties.author} {properties.comments} {properties.title}".lower()


def test_the_brief_keeps_the_planning_notes_for_the_hiring_manager(lumen, folder):
    seats = seats_of(lumen, "hr_generalist")
    brief = (folder / "briefs" / "hr-generalist.md").read_text(encoding="utf-8")
    assert brief.startswith("# HR Generalist: hiring-manager brief\n")
    assert (
        f"Lumen Labs · Generalists and business partners · level 3 (professional) · {len(seats)} seats, "
        f"{len(seats)} FTE" in brief
    )
    assert "## Why the plan has this role" in brief
    for seat in seats:
        assert seat.rationale[0].reason in brief
    germany = {s.base_salary for s in seats if s.country == "Germany"}
    assert f"- **Planned base salary in Germany:** {money(germany.pop())} a year (2 seats)" in brief
    assert (
        "Times the company's salary multiplier of 1.1" in brief
        and "Times the pay index of the country: Germany 0.9." in brief
    )
    assert "Years and credentials: orgplan estimate." in brief


def test_the_word_posting_has_its_sections_and_a_pay_range_per_country(lumen, folder, templates):
    seats = seats_of(lumen, "hr_generalist")
    doc = docx.Document(str(folder / "hr-generalist.docx"))
    assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text == "HR Generalist"
    assert doc.paragraphs[1].text == "Lumen Labs · United States (headquarters) or Germany · Full time"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "About Lumen Labs",
        "About the role",
        "Reporting line",
        "What you will do",
        "Your HR areas at Lumen Labs",
        "What you bring",
        "Qualifications",
        "Location",
        "Pay",
        "Where the role can lead",
        "Equal opportunity",
    ]
    text = word_text(folder / "hr-generalist.docx")
    assert f"Reports to: {lumen.seat(seats[0].reports_to).title}\n" in text
    for function in seats[0].functions:  # the company's own functions, with what the seats do with them
        assert f"{templates.function_label(function)}: {templates.functions[function].doing}" in text
    policy = templates.pay
    for country, label in (("Germany", "Germany"), ("United States", "the United States (headquarters)")):
        pays = [s.base_salary for s in seats if s.country == country]
        low, high = policy.pay_range(min(pays), 3)[0], policy.pay_range(max(pays), 3)[1]
        assert low < min(pays) <= max(pays) < high  # a range, minimum to maximum, around the planned pay
        assert f"Base salary in {label}: {money(low)} to {money(high)} a year" in text
    assert (
        "Source: market pay for this kind of role (U.S. BLS OEWS 13-1071" in text and "set to local pay levels" in text
    )
    assert "Location: United States (headquarters) or Germany" in text
    assert "Lumen Labs is a company of about 2,400 people" in text
    assert "We are an equal opportunity employer." in text
    bold = [r.text.strip() for p in doc.paragraphs if p.style.name == "List Bullet" for r in p.runs if r.bold]
    assert "Reports to:" in bold and "Education:" in bold and "Base salary in Germany:" in bold


def test_the_word_posting_is_styled_not_left_at_the_defaults(folder):
    doc = docx.Document(str(folder / "hr-generalist.docx"))
    styles = doc.styles
    for name in ("Normal", "Title", "Heading 1", "List Bullet", "Subtitle"):
        style = styles[name]
        assert style.font.name == "Arial" and style.font.size is not None and style.font.color.rgb is not None, name
        assert style.paragraph_format.space_after is not None and style.paragraph_format.line_spacing, name
    assert styles["Heading 1"].font.size.pt == 13 and styles["Heading 1"].paragraph_format.space_before.pt == 14
    assert styles["Normal"].font.size.pt == 10.5 and styles["Title"].font.size.pt == 24
    section = doc.sections[0]
    assert round(section.left_margin.cm, 1) == 2.2 and round(section.page_width.cm, 1) == 21.0


def test_about_and_the_equal_opportunity_statement_come_from_the_profile(make_plan):
    own = make_plan(
        company="Acme",
        employees=400,
        about="Acme makes anvils for the discerning coyote.",
        equal_opportunity="Acme hires on merit alone.",
    )
    text = markdown(job_descriptions(own)[0])
    assert "## About Acme\n\nAcme makes anvils for the discerning coyote.\n" in text
    assert "## Equal opportunity\n\nAcme hires on merit alone.\n" in text


def test_a_posting_lists_the_seats_duties_a_leader_oversees_what_its_team_does(lumen, folder, templates):
    head = next(s for s in lumen.hr_seats if s.reports_to == lumen.root.id)
    jd = next(j for j in job_descriptions(lumen) if j.title == head.title)
    text = word_text(folder / f"{jd.file}.docx")
    reports = list(dict.fromkeys(s.title for s in lumen.hr_seats if s.reports_to == head.id))
    assert "Leads: " + ", ".join(reports[:-1]) + " and " + reports[-1] in text
    payroll = templates.functions["payroll"]
    assert payroll.doing not in text  # a payroll specialist below does it
    assert "Lead the Total Rewards Manager: Compensation, benefits and payroll." in text  # its team does payroll
    owned = [f for f, row in lumen.ledger.items() if row["owner"] == head.id]
    assert owned
    for f in owned:
        assert f"{templates.function_label(f)}: {templates.functions[f].directing}" in text
    assert f"Reports to: {lumen.root.title}" in text
    low, high = templates.pay.pay_range(head.base_salary, head.level)
    assert f"Base salary: {money(low)} to {money(high)} a year" in text
    brief = (folder / "briefs" / f"{jd.file}.md").read_text("utf-8")
    assert f"Market pay: {money(templates.roles[head.role].salary.base)} a year" in brief
    assert "- **Payroll:** Oversees" in brief


def test_postings_and_the_who_does_what_sheet_agree(lumen, tmp_path, templates):
    wb = openpyxl.load_workbook(export_excel(lumen, tmp_path / "plan.xlsx", chart=False))
    ws = wb["Responsibilities"]
    header = [c.value for c in ws[3]]
    jds = {jd.title: jd for jd in job_descriptions(lumen)}
    assert header[1:] == list(jds)
    for row in ws.iter_rows(min_row=4):
        label = row[0].value
        if label not in {templates.function_label(f) for f in lumen.profile.functions}:
            continue
        for title, cell in zip(header[1:], row[1:], strict=False):
            marks = {lbl: mark for lbl, mark, _ in jds[title].duties}
            assert marks.get(label) == cell.value, (title, label)


def test_a_grown_seat_is_described_by_its_own_title_and_level(templates):
    from orgplan import load_profile, plan

    atlas = plan(load_profile(ROOT / "examples" / "atlas-global.yaml", templates=templates), templates=templates)
    seat = next(s for s in atlas.hr_seats if s.role == "talent_acquisition_manager")
    assert seat.title == "Director of Talent Acquisition" and seat.level == 7
    jd = next(j for j in job_descriptions(atlas) if j.role == "talent_acquisition_manager")
    led = len(nx.descendants(atlas.graph, seat.id))
    assert jd.title == "Director of Talent Acquisition" and jd.levels == (7,)
    assert (
        jd.brief_parts[0].paragraphs[-1] == f"Leads {led} seats: the Talent Acquisition Manager role at director level."
    )
    assert "Atlas Global Industries · HR leadership · level 7 (director) · 1 seat, 1 FTE" in brief_markdown(jd)
    assert (
        "- **Education:** A bachelor's degree; a master's degree in human resources or business "
        "administration is often preferred." in markdown(jd)
    )


def test_qualifications_career_steps_and_skills_come_from_the_catalog(lumen, folder, templates):
    text = word_text(folder / "payroll-specialist.docx")
    assert (
        "Certifications: PayrollOrg's Fundamental Payroll Certification (FPC) or Certified Payroll "
        "Professional (CPP) preferred." in text
    )
    brief = (folder / "briefs" / "payroll-specialist.md").read_text("utf-8")
    assert "Education and certifications for this role: orgplan estimate." in brief
    assert "Total Rewards Manager\n" in text
    for skill in templates.roles["payroll_specialist"].skills:
        assert skill[:1].upper() + skill[1:] in text
    generalist = word_text(folder / "hr-generalist.docx")
    assert "Senior HR Generalist\n" in generalist and "HR Manager\n" in generalist


def test_the_workbook_has_a_job_descriptions_sheet_with_one_block_per_role(lumen, tmp_path):
    wb = openpyxl.load_workbook(export_excel(lumen, tmp_path / "plan.xlsx", chart=False))
    ws = wb["Job descriptions"]
    bands = [c.value for c in ws["A"] if c.fill.fgColor.rgb in ("FFDDEBF7", "00DDEBF7")]
    assert bands == [jd.title for jd in job_descriptions(lumen)]
    labels = [c.value for c in ws["A"] if c.value]
    assert labels.count("Reporting line") == labels.count("Pay") == labels.count("Pay in the plan") == len(bands)
    texts = [c.value for c in ws["B"] if isinstance(c.value, str)]
    assert "\u2022 Dotted line to: Head of Devices; Head of Services" in texts
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage


def test_the_web_page_links_every_role_to_its_description_with_word_and_zip_downloads(lumen):
    from starlette.testclient import TestClient

    from orgplan.web import create_app

    params = {"company": "Acme Tools", "employees": "900"}
    with TestClient(create_app(warm=False)) as client:
        page = client.get("/plan", params=params).text
        for job in ("hr-manager", "hr-generalist", "payroll-specialist"):
            assert f'&amp;role={job}"' in page
        job = client.get("/job", params={**params, "role": "payroll-specialist"})
        assert job.status_code == 200 and "<h1>Payroll Specialist</h1>" in job.text
        assert "Your HR areas at Acme Tools" in job.text and "<strong>Base salary:</strong>" in job.text
        assert "For the hiring manager" in job.text and "Why the plan has this role" in job.text  # the brief, apart
        by_key = client.get("/job", params={**params, "role": "payroll_specialist"})  # a role key finds it too
        assert by_key.status_code == 200 and "<h1>Payroll Specialist</h1>" in by_key.text
        word = client.get("/job.docx", params={**params, "role": "payroll-specialist"})
        assert word.headers["content-disposition"] == 'attachment; filename="payroll-specialist.docx"'
        assert docx.Document(io.BytesIO(word.content)).paragraphs[0].text == "Payroll Specialist"
        archive = zipfile.ZipFile(io.BytesIO(client.get("/jobs.zip", params=params).content))
        assert {
            "jobs/index.md",
            "jobs/payroll-specialist.docx",
            "jobs/payroll-specialist.md",
            "jobs/briefs/payroll-specialist.md",
        } <= set(archive.namelist())
        missing = client.get("/job", params={**params, "role": "chief_vibes_officer"})
        assert (
            missing.status_code == 404
            and "has no role &#39;chief_vibes_officer&#39;" in missing.text
            and "its roles are: " in missing.text
        )


def test_cli_jobs_writes_the_folder_and_names_each_file(tmp_path):
    result = CliRunner().invoke(
        cli, ["jobs", "examples/keystone-manufacturing.yaml", "--out", str(tmp_path), "--format", "md"]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / 'jobs' / 'hr-manager.md'}" in result.output
    assert f"wrote {tmp_path / 'jobs' / 'briefs' / 'hr-manager.md'}" in result.output
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
    small = make_plan(company="Lumen Labs", employees=60)
    write_jobs(small, tmp_path)
    assert sorted(p.name for p in (tmp_path / "jobs").iterdir()) == [
        "briefs",
        "hr-generalist.docx",
        "hr-generalist.md",
        "index.md",
    ]
    assert [p.name for p in (tmp_path / "jobs" / "briefs").iterdir()] == ["hr-generalist.md"]


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
    before = {p.name: p.read_bytes() for p in (tmp_path / "jobs").rglob("*.md")}
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
    assert {p.name: p.read_bytes() for p in (tmp_path / "jobs").rglob("*.md")} == before


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


def test_no_seat_is_said_to_do_work_a_seat_below_it_does(make_plan):
    from orgplan.model.duties import jobs

    big = make_plan(company="Wide", employees=12000, countries=4, business_units=3)
    below: dict[str, set[str]] = {}
    for seat in reversed(big.seats):
        if seat.reports_to is not None:
            below.setdefault(seat.reports_to, set()).update({*seat.functions, *below.get(seat.id, ())})
    for job in jobs(big):
        for f in job.does:
            assert any(f in s.functions and f not in below.get(s.id, ()) for s in job.seats), (job.title, f)
        assert {f for s in job.seats for f in below.get(s.id, ())} <= job.oversees  # it leads what its team does


def test_a_part_time_posting_says_how_much_of_full_time_in_words(make_plan):
    tiny = make_plan(company="Tiny", employees=14)
    jd = job_descriptions(tiny)[0]
    assert jd.part_time and jd.pay_basis == "fee"
    text = markdown(jd)
    assert f"- **Hours:** part time, about {jd.fte:.0%} of full time" in text and "FTE" not in text
    assert text.startswith(f"# {jd.title}\n\nTiny · Headquarters · Part time\n")


def test_a_responsibility_of_a_function_stays_only_with_the_seats_that_do_or_direct_it(templates):
    from orgplan import load_profile, plan

    keystone = plan(load_profile(ROOT / "examples" / "keystone-manufacturing.yaml", templates=templates))
    manager = next(j for j in job_descriptions(keystone) if j.title == "HR Manager")
    owners = {keystone.seat(row["owner"]).title for row in keystone.ledger.values()}
    assert "HR Manager" not in owners  # the HR Director and the specialists own every function here
    assert manager.responsibilities == ("Hire, train and lead the HR team.",)
    assert "Set the hiring strategy" not in markdown(manager)
    assert "- **Leads:** HR Generalists and HR Coordinator\n" in markdown(manager)  # 5 generalists, 1 coordinator
    assert "- **Lead the HR Generalists:** Talent acquisition, HR operations," in markdown(manager)
    generalist = next(j for j in job_descriptions(keystone) if j.title == "HR Generalist")
    assert generalist.responsibilities == templates.roles["hr_generalist"].responsibilities
    assert templates.roles["hr_manager"].duty_functions[0] == ("talent_acquisition",)


def test_the_profile_texts_for_postings_are_paragraphs_of_bounded_length():
    from orgplan import profile_from_dict
    from orgplan.errors import ProfileError

    long = "Acme builds tools. " * 60  # about 1,100 characters: a paragraph, beyond the 200 of a name
    assert profile_from_dict({"employees": 40, "about": long}).about == long.strip()
    with pytest.raises(ProfileError, match="about: expected text of 1 to 1500 characters"):
        profile_from_dict({"employees": 40, "about": "x" * 1501})
    with pytest.raises(ProfileError, match="company: expected text of 1 to 200 characters"):
        profile_from_dict({"employees": 40, "company": "x" * 201})
    assert profile_from_dict({"employees": 40}).equal_opportunity.startswith("We are an equal opportunity employer.")
