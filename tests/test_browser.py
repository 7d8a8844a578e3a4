"""orgplan serve in a real browser: headless Chromium, driven by Playwright, as a leader uses it.

The browser is the system Chromium (Debian's ``chromium`` package; .ci/run installs it),
or the one ``ORGPLAN_CHROMIUM`` names. Without one these tests are skipped, saying why.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from .conftest import ROOT

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed: pip install -e '.[test]'"
)


def _chromium() -> str | None:
    named = os.environ.get("ORGPLAN_CHROMIUM")
    if named:
        return named
    for candidate in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM = _chromium()
NO_CHROMIUM = "no Chromium found: install Debian's chromium package (apt-get install chromium) or set ORGPLAN_CHROMIUM"
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM),
    pytest.mark.xdist_group("server"),  # run in parallel, one test worker drives one browser and one server
]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}  # an iPhone 14's CSS pixels
NO_AXE = "axe-playwright-python is not installed: pip install -e '.[test]'"
TEAM = ROOT / "examples" / "current-team.xlsx"
KEYSTONE = (
    "company=Keystone+Precision+Manufacturing&employees=900&sites=3&business_units=2"
    "&unionized_share=0.55&industry=manufacturing&hr_reports_to=COO"
)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path, request):
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    pg = context.new_page()
    yield pg
    failed = getattr(request.node, "report_call", None)
    if failed is None or failed.failed:  # what the page showed when the test failed
        pg.screenshot(path=str(tmp_path / "last-page.png"), full_page=False)
    context.close()


def fits_the_laptop_screen(pg) -> bool:
    """Nothing sticks out sideways at 1366 pixels: wide charts scroll inside their own box."""
    return pg.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


def test_a_leader_fills_the_form_and_sees_the_chart_and_the_numbers(page, server, make_plan):
    page.goto(server)
    page.fill("#f-company", "Keystone")
    page.fill("#f-employees", "900")
    page.fill("#f-unionized_share", "0.55")
    page.fill("#f-sites", "3")
    page.select_option("#f-hr_reports_to", "COO")
    page.click("text=Recommend the HR team")
    page.wait_for_url("**/plan?**")
    assert "business_units" not in page.url  # blank inputs stay out of the link
    expected = make_plan(company="Keystone", employees=900, unionized_share=0.55, sites=3, hr_reports_to="COO").summary
    assert page.inner_text("h1") == "Keystone: the HR team we recommend"
    assert page.inner_text('[data-figure="hr_headcount"]') == str(expected["hr_headcount"])
    assert page.inner_text('[data-figure="annual_cost"]') == f"${expected['annual_cost']:,.0f}"
    assert page.inner_text(".figure .badge") == "Within range"
    chart = page.locator(".chart svg[role=img]")
    assert chart.is_visible() and chart.bounding_box()["height"] > 300
    assert page.locator("table.seats tbody tr").count() >= 5
    assert fits_the_laptop_screen(page)


def test_the_workbook_downloads_and_opens(page, server, tmp_path):
    page.goto(f"{server}plan?{KEYSTONE}")
    with page.expect_download() as download:
        page.click("text=Staffing plan (Excel)")
    assert download.value.suggested_filename == "keystone-precision-manufacturing-staffing-plan.xlsx"
    path = tmp_path / "staffing-plan.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["Summary", "Positions"] and "Org chart" in book.sheetnames


def test_a_role_in_the_seats_table_opens_its_job_description_and_downloads_it_for_word(page, server, tmp_path):
    import docx

    page.goto(f"{server}plan?{KEYSTONE}")
    page.click("table.seats a:text-is('Payroll Specialist')")
    page.wait_for_url("**/job?**role=payroll-specialist")
    assert page.inner_text("h1") == "Payroll Specialist"
    assert "Your HR areas at Keystone Precision Manufacturing" in page.inner_text("main")
    assert fits_the_laptop_screen(page)
    with page.expect_download() as download:
        page.click("text=This job description (Word)")
    assert download.value.suggested_filename == "payroll-specialist.docx"
    download.value.save_as(tmp_path / "job.docx")
    assert docx.Document(str(tmp_path / "job.docx")).paragraphs[0].text == "Payroll Specialist"


def test_a_team_file_uploads_for_the_comparison(page, server, tmp_path):
    page.goto(f"{server}compare?{KEYSTONE}")
    page.set_input_files("#f-team", str(TEAM))
    page.click("text=Compare with the recommendation")
    page.wait_for_url("**/compare?**team=**")
    assert page.inner_text('[data-figure="cost_difference"]').startswith("+$")
    assert "Seats to add" in page.inner_text("main") and page.locator(".chart svg").is_visible()
    with page.expect_download() as download:
        page.click("text=Staffing plan with the gap (Excel)")
    download.value.save_as(tmp_path / "gap.xlsx")
    assert "Gap" in openpyxl.load_workbook(tmp_path / "gap.xlsx").sheetnames
    assert fits_the_laptop_screen(page)


def test_a_mistake_is_shown_next_to_the_field_with_the_input_kept(page, server):
    page.goto(server)
    page.fill("#f-employees", "-4")
    page.fill("#f-growth_rate", "lots")
    page.click("text=Recommend the HR team")
    assert page.text_content("#f-employees-error") == "Error: expected a whole number from 1 to 5,000,000, got -4"
    assert (
        page.text_content("#f-growth_rate-error")
        == "Error: expected a fraction from -0.9 to 1 (or a percentage up to 500%), got 'lots'"
    )
    assert page.input_value("#f-employees") == "-4" and page.input_value("#f-growth_rate") == "lots"
    assert page.evaluate("document.activeElement.id") == "errors"  # the summary is read out first
    page.click("#errors a >> text=Employees")
    assert page.url.endswith("#f-employees")


def test_the_core_flow_works_without_javascript(browser, server):
    context = browser.new_context(viewport=LAPTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server)
        page.fill("#f-employees", "2500")
        page.check("#f-functions-payroll")
        page.check("#f-functions-benefits")
        page.click("text=Recommend the HR team")
        page.wait_for_url("**/plan?**")
        assert "functions=payroll" in page.url and page.locator(".chart svg").is_visible()
        page.click("text=Growth roadmap")
        page.fill("#f-to", "10000")
        page.click("text=Show the roadmap")
        assert "10,000" in page.inner_text("table.steps")
    finally:
        context.close()


def test_the_roadmap_and_the_scenarios_read_at_laptop_size(page, server):
    page.goto(f"{server}roadmap?{KEYSTONE}&to=5000")
    assert page.locator(".chart svg").is_visible() and page.locator("table.milestones tbody tr").count() > 5
    assert fits_the_laptop_screen(page)
    page.goto(f"{server}scenarios?{KEYSTONE}")
    page.fill("#f-a-unionized_share", "0")
    page.click("text=Compare the scenarios")
    assert "a.unionized_share=0" in page.url and page.locator(".charts img").count() == 2
    page.wait_for_load_state("networkidle")
    assert page.evaluate("[...document.querySelectorAll('.charts img')].every(i => i.complete && i.naturalWidth > 0)")
    assert fits_the_laptop_screen(page)


def test_a_huge_company_gets_an_overview_it_can_open_branch_by_branch(page, server):
    page.goto(f"{server}plan?employees=60000&countries=28&business_units=9&sites=140")
    assert re.match(r"The top \d levels of [\d,]+ HR seats", page.inner_text(".chart-card .note"))
    page.click(".branches a >> nth=0")
    assert "The branch below" in page.inner_text(".chart-card") and page.locator(".chart svg").is_visible()


def test_the_chart_toggles_between_fit_and_actual_size(page, server):
    page.goto(f"{server}plan?employees=6500&countries=3&business_units=5")
    fitted = page.locator(".chart svg").bounding_box()["width"]
    page.click("text=Actual size")
    assert page.inner_text(".fit-toggle") == "Fit to page"
    assert page.locator(".chart svg").bounding_box()["width"] > fitted


def test_every_input_has_a_label(page, server):
    for path in ("", f"compare?{KEYSTONE}", f"roadmap?{KEYSTONE}", f"scenarios?{KEYSTONE}"):
        page.goto(server + path)
        unlabelled = page.evaluate("""[...document.querySelectorAll('input:not([type=hidden]), select')]
            .filter(i => !(i.labels && i.labels.length) && !i.getAttribute('aria-label')).map(i => i.name)""")
        assert unlabelled == [], path


# -- a phone, an audit, a sharp screen ---------------------------------------------------------


def every_page(page, server) -> list[tuple[str, str]]:
    """(name, URL) of every page a leader meets, with a team uploaded so the comparison shows in full."""
    page.goto(f"{server}compare?{KEYSTONE}")
    page.set_input_files("#f-team", str(TEAM))
    page.click("text=Compare with the recommendation")
    page.wait_for_url("**/compare?**team=**")
    rows = "&countries.0.name=Germany&countries.0.employees=500&countries.1.name=France&countries.1.employees=400"
    return [
        ("form", server),
        ("form with named countries", f"{server}?{KEYSTONE}{rows}"),
        ("form with errors", f"{server}plan?employees=-4&growth_rate=lots"),
        ("plan", f"{server}plan?{KEYSTONE}&countries=12"),
        ("large plan", f"{server}plan?employees=60000&countries=28&business_units=9&sites=140"),
        ("job", f"{server}job?{KEYSTONE}&role=payroll_specialist"),
        ("roadmap", f"{server}roadmap?{KEYSTONE}"),
        ("compare", page.url),
        ("scenarios", f"{server}scenarios?{KEYSTONE}"),
    ]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_no_page_scrolls_sideways_on_a_phone(phone, server):
    wide = {}
    for name, url in every_page(phone, server):
        phone.goto(url)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[name] = width
    assert wide == {}


def test_the_country_rows_stack_on_a_phone_with_each_input_named(phone, server):
    phone.goto(f"{server}?employees=900&countries.0.name=Germany&countries.0.employees=500")
    cell = phone.locator('input[name="countries.0.employees"]')
    country = phone.locator('input[name="countries.0.name"]')
    assert cell.is_visible() and cell.bounding_box()["x"] + cell.bounding_box()["width"] <= PHONE["width"]
    assert cell.bounding_box()["y"] == country.bounding_box()["y"]  # two to a line
    assert (
        phone.locator('td[data-label="Employees"]').first.evaluate("td => getComputedStyle(td, '::before').content")
        == '"Employees"'
    )


def test_the_seats_read_as_cards_on_a_phone(phone, server):
    phone.goto(f"{server}plan?{KEYSTONE}")
    table = phone.locator("table.seats")
    assert table.bounding_box()["width"] <= PHONE["width"]
    assert phone.locator("table.seats thead").bounding_box()["height"] <= 1  # column names sit beside each value
    phone.locator("table.seats details summary").first.click()
    assert phone.locator("table.seats details[open] p").first.is_visible()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_every_page_passes_an_axe_audit(browser, server, viewport):
    # axe-core ships inside the package: nothing is downloaded while the tests run
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason=NO_AXE).Axe()
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        found = {}
        for name, url in every_page(page, server):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            violations = axe.run(page).response["violations"]
            if violations:
                found[name] = [(v["id"], v["help"], len(v["nodes"])) for v in violations]
        assert found == {}
    finally:
        context.close()


def test_charts_are_sharp_on_a_high_density_screen(browser, server):
    """Every chart on a page is vector (inline SVG or an SVG image), so a 3x phone screen draws it sharp."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=3)
    try:
        page = context.new_page()
        for name, url in every_page(page, server):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            raster = page.evaluate("""[...document.images]
                .filter(i => !/\\.svg(\\?|$)/.test(new URL(i.currentSrc || i.src).pathname))
                .filter(i => !(i.srcset && /\\s2x|\\s3x/.test(i.srcset))).map(i => i.src)""")
            assert raster == [], name
        page.goto(f"{server}plan?{KEYSTONE}")
        assert page.locator(".chart svg[role=img]").count() == 1
    finally:
        context.close()
