"""orgplan serve, in process: every page, every download, every error a leader can meet."""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

import openpyxl
import pytest
import yaml

from orgplan import plan, profile_from_dict
from orgplan.web import create_app
from orgplan.web.forms import form_from_data, profile_data, profile_fields, query_string, read_form

from .conftest import ROOT

starlette_testclient = pytest.importorskip("starlette.testclient")

KEYSTONE = {
    "company": "Keystone Precision Manufacturing",
    "employees": "900",
    "growth_rate": "0.04",
    "turnover_rate": "0.16",
    "sites": "3",
    "business_units": "2",
    "unionized_share": "0.55",
    "industry": "manufacturing",
    "hr_reports_to": "COO",
}
TEAM = ROOT / "examples" / "current-team.xlsx"


@pytest.fixture(scope="module")
def client():
    with starlette_testclient.TestClient(create_app(warm=False)) as c:
        yield c


@pytest.fixture(scope="module")
def keystone(templates):
    return plan(
        profile_from_dict({k: yaml.safe_load(v) for k, v in KEYSTONE.items()}, templates=templates), templates=templates
    )


def error_next_to(html: str, key: str) -> str:
    """The error message shown beside the input named ``key``."""
    found = re.search(
        rf'id="f-{re.escape(key.replace(".", "-"))}-error"><span class="sr">Error:</span> ([^<]*)</p>', html
    )
    assert found, f"no error shown next to {key}"
    import html as h

    return h.unescape(found.group(1))


# -- the form ---------------------------------------------------------------------------


def test_the_form_has_an_input_named_after_every_profile_key_with_label_help_and_default(client, templates):
    page = client.get("/").text
    for key, spec in templates.profile_fields.items():
        if spec["type"] == "functions":
            continue
        assert f'name="{key}"' in page, key
        assert f'<label for="f-{key}">{spec["label"]}' in page, key
        help_text = spec.get("help") or spec["description"]
        assert help_text.split(" (")[0] in page.replace("&#39;", "'"), key
        if "default" in spec and spec.get("format") == "percent":
            assert f"Default: {spec['default'] * 100:g}%" in page, key
        elif "default" in spec:
            assert f"Default: {spec['default']}" in page or f"Default: {spec['default']:g}" in page, key


def visible_text(html: str) -> str:
    """What a reader sees of a page: the text outside tags, attributes and scripts."""
    import html as h

    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return h.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_form_speaks_a_readers_words_not_field_keys(client, templates):
    text = visible_text(client.get("/").text)
    keys = [k for k in templates.profile_fields if "_" in k]
    choices = [str(c) for spec in templates.profile_fields.values() for c in spec.get("choices", ()) if "_" in str(c)]
    assert keys and choices
    for word in [*keys, *choices, "templates/", "Default -", "industries below", "industry, below"]:
        assert word not in text, word  # no keys, no files, no lists the page does not show


def test_rates_and_choices_read_as_a_leader_typed_them(client):
    page = visible_text(client.get("/plan", params=KEYSTONE).text)
    assert "Share of employees in a union 55%" in " ".join(page.split())
    assert "Yearly headcount growth 4%" in " ".join(page.split())
    assert "Chief Operating Officer (COO)" in page
    scenarios = " ".join(visible_text(client.get("/scenarios", params=KEYSTONE).text).split())
    assert "Share of employees in a union 55%" in scenarios


def test_functions_are_checkboxes_with_their_labels(client, templates):
    page = client.get("/").text
    for key, info in templates.functions.items():
        assert f'type="checkbox" id="f-functions-{key}" name="functions" value="{key}"' in page
        assert info.label in page


def test_the_form_refills_from_a_link(client):
    page = client.get("/", params={"employees": "900", "company": "Acme", "functions": ["payroll", "benefits"]}).text
    assert 'name="employees" type="text" value="900"' in page and 'value="Acme"' in page
    assert 'value="payroll" checked' in page and 'value="hris"' in page and 'value="hris" checked' not in page


def test_the_form_works_without_javascript_it_is_a_plain_get_to_the_plan(client):
    page = client.get("/").text
    assert '<form method="get" action="/plan"' in page


# -- the recommendation -----------------------------------------------------------------


def test_the_plan_page_shows_the_figures_the_benchmark_in_words_the_chart_and_every_seat(client, keystone, templates):
    response = client.get("/plan", params=KEYSTONE)
    assert response.status_code == 200
    page = response.text
    s = keystone.summary
    assert f'data-figure="hr_headcount">{s["hr_headcount"]}<' in page
    assert f'data-figure="hr_per_100">{s["hr_per_100"]:.2f}<' in page
    assert f'data-figure="annual_cost">${s["annual_cost"]:,.0f}<' in page
    band = templates.band_for(keystone.profile.employees)  # benchmarks.yaml's range for the company's size
    assert (
        "Within the published range" in page and f"against a published range of {band.low:g} to {band.high:g}" in page
    )
    assert (
        '<svg role="img" aria-label="Org chart of the recommended HR team for Keystone Precision Manufacturing"' in page
    )
    for seat in keystone.hr_seats:
        assert seat.title in page
        for reason in seat.rationale:
            assert reason.reason.replace("'", "&#39;") in page
    assert "Chief Operating Officer" in page  # the reporting line of the head of HR


def test_the_plan_page_links_every_download_with_the_profile(client):
    page = client.get("/plan", params=KEYSTONE).text
    qs = query_string(read_form(KEYSTONE.items(), ()))
    for path in ("/plan.xlsx", "/chart.png", "/chart.svg", "/chart.pdf", "/chart.pptx", "/plan.json"):
        assert f'href="{path}?{qs}"'.replace("&", "&amp;") in page, path


def test_every_result_page_is_a_link_that_carries_the_profile(client):
    page = client.get("/plan", params=KEYSTONE).text
    for path in ("/roadmap", "/compare", "/scenarios", "/"):
        assert f'href="{path}?company=Keystone+Precision+Manufacturing&amp;employees=900' in page, path


def test_plan_json_is_the_library_plan(client, keystone):
    response = client.get("/plan.json", params=KEYSTONE)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.text == keystone.json


def test_the_workbook_download_is_the_staffing_plan_with_its_chart(client, keystone):
    response = client.get("/plan.xlsx", params=KEYSTONE)
    disposition = response.headers["content-disposition"]
    assert response.status_code == 200
    assert disposition == 'attachment; filename="keystone-precision-manufacturing-staffing-plan.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["Summary", "Positions"] and "Org chart" in book.sheetnames
    cells = {c for row in book["Positions"].iter_rows(values_only=True) for c in row}
    assert {s.id for s in keystone.hr_seats} <= cells


@pytest.mark.parametrize(
    "suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF"), (".pptx", b"PK\x03\x04")]
)
def test_the_chart_downloads_in_each_format(client, suffix, magic):
    response = client.get(f"/chart{suffix}", params=KEYSTONE)
    assert response.status_code == 200 and response.content.startswith(magic)


def test_blank_fields_are_left_out_so_the_defaults_apply(client):
    data = client.get(
        "/plan.json", params={"employees": "300", "sites": "", "company": " ", "hr_reports_to": ""}
    ).json()
    assert (
        data["profile"]["sites"] == 1
        and data["profile"]["company"] == "Example company"
        and data["profile"]["hr_reports_to"] == "CEO"
    )


def test_numbers_are_read_as_a_leader_types_them(client):
    data = client.get("/plan.json", params={"employees": "1,200", "unionized_share": "30%"}).json()
    assert data["profile"]["employees"] == 1200 and data["profile"]["unionized_share"] == 0.3


def test_functions_ticked_are_the_functions_planned(client):
    data = client.get("/plan.json", params={"employees": "300", "functions": ["payroll", "benefits"]}).json()
    assert data["profile"]["functions"] == ["benefits", "payroll"]


# -- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, key, message",
    [
        ({"employees": "-4"}, "employees", "expected a whole number from 1 to 5,000,000, got -4"),
        ({"employees": "lots"}, "employees", "expected a whole number from 1 to 5,000,000, got 'lots'"),
        ({"employees": ""}, "employees", "is required: Current headcount."),
        (
            {"employees": "40", "functions": "payrol"},
            "functions",
            "unknown function 'payrol' (did you mean 'payroll'?)",
        ),
        (
            {"employees": "40", "unionized_share": "2"},
            "unionized_share",
            "expected a fraction from 0 to 1, got 2 (write 2% for 2 percent)",
        ),
        ({"employees": "40", "hr_reports_to": "CTO"}, "hr_reports_to", "expected one of CEO, COO, CFO, got 'CTO'"),
    ],
)
def test_a_bad_field_gets_the_clis_words_next_to_it_400_and_the_form_refilled(client, tmp_path, params, key, message):
    response = client.get("/plan", params=params)
    assert response.status_code == 400
    assert message in error_next_to(response.text, key)
    assert "Traceback" not in response.text
    for name, value in params.items():
        if value and name != "functions":
            assert f'value="{value}"' in response.text
    cli_file = tmp_path / "p.yaml"
    cli_file.write_text(
        yaml.safe_dump({k: yaml.safe_load(v) if k != "functions" else [v] for k, v in params.items() if v})
    )
    from click.testing import CliRunner

    from orgplan.cli import cli

    assert message in CliRunner().invoke(cli, ["validate", str(cli_file)]).output  # the same words as the CLI


def test_every_bad_field_is_shown_at_once(client, templates):
    page = client.get("/plan", params={"employees": "-4", "growth_rate": "lots", "sites": "0"}).text
    assert "There are 3 problems" in page
    assert (
        error_next_to(page, "growth_rate")
        == "expected a fraction from -0.9 to 1 (or a percentage up to 500%), got 'lots'"
    )
    most = templates.profile_fields["sites"]["max"]  # profile.yaml's
    assert error_next_to(page, "sites") == f"expected a whole number from 1 to {most:,}, got 0"


def test_an_unknown_key_in_a_link_is_refused_by_name(client):
    response = client.get("/plan", params={"employees": "40", "headcount": "9"})
    assert response.status_code == 400 and "unknown key &#39;headcount&#39;" in response.text


def test_a_bad_profile_gives_json_errors_from_plan_json(client):
    response = client.get("/plan.json", params={"employees": "0"})
    assert response.status_code == 400 and response.json() == {
        "errors": {"employees": "expected a whole number from 1 to 5,000,000, got 0"}
    }


@pytest.mark.parametrize("path", ["/plan.xlsx", "/chart.svg", "/roadmap", "/compare", "/scenarios"])
def test_every_route_answers_a_bad_profile_with_the_form_not_a_stack_trace(client, path):
    response = client.get(path, params={"employees": "-4"})
    assert (
        response.status_code == 400 and "expected a whole number" in response.text and "Traceback" not in response.text
    )


@pytest.mark.parametrize(
    "params, message",
    [
        ({"levels": "two"}, "expected a whole number of 1 or more"),
        ({"root": "nobody"}, "no seat with id 'nobody'"),
        ({"direction": "up"}, "unknown direction"),
    ],
)
def test_bad_chart_options_are_explained(client, params, message):
    response = client.get("/chart.svg", params={"employees": "900", **params})
    assert response.status_code == 400 and message in response.text.replace("&#39;", "'")


def test_an_unknown_page_is_a_plain_404(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and "Page not found" in response.text


def test_an_unexpected_failure_shows_a_page_not_a_stack_trace(monkeypatch):
    app = create_app(warm=False)
    monkeypatch.setattr(app.state.site, "plan_for", lambda *a: 1 / 0)
    with starlette_testclient.TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/plan", params={"employees": "40"})
    assert response.status_code == 500 and "Something went wrong" in response.text
    assert "ZeroDivisionError" not in response.text and "Traceback" not in response.text


# -- uploads ----------------------------------------------------------------------------


def test_a_profile_file_uploads_into_the_plan_link(client):
    text = (ROOT / "examples" / "keystone-manufacturing.yaml").read_bytes()
    response = client.post(
        "/upload", files={"profile": ("keystone.yaml", text, "application/yaml")}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"].startswith(
        "/plan?company=Keystone+Precision+Manufacturing&employees=900"
    )
    assert "Keystone Precision Manufacturing: the HR team we recommend" in client.get(response.headers["location"]).text


def test_a_json_profile_uploads_too(client):
    response = client.post(
        "/upload",
        files={
            "profile": ("p.json", json.dumps({"employees": 250, "functions": ["payroll"]}).encode(), "application/json")
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and "functions=payroll" in response.headers["location"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("bad.yaml", b"employees: [1\n", "bad.yaml: line 2, column 1: YAML syntax error"),
        ("bad.json", b"{employees: 1}", "bad.json: line 1, column 2: JSON syntax error"),
        ("notes.txt", b"employees: 40\n", "notes.txt: expected a .yaml or .json profile, got .txt"),
        ("list.yaml", b"- 1\n- 2\n", "list.yaml: the profile is a list; it needs at least 'employees'"),
        ("binary.yaml", b"\xff\xfe\x00", "binary.yaml: not a text file"),
    ],
)
def test_a_broken_profile_file_gets_one_line_and_400(client, name, content, message):
    response = client.post("/upload", files={"profile": (name, content, "application/octet-stream")})
    assert response.status_code == 400
    assert error_next_to(response.text, "profile_file").startswith(message)


def test_a_profile_file_with_bad_fields_refills_the_form_with_errors_beside_them(client):
    response = client.post("/upload", files={"profile": ("p.yaml", b"employees: -4\nsites: 3\n", "application/yaml")})
    assert response.status_code == 400
    assert error_next_to(response.text, "employees") == "expected a whole number from 1 to 5,000,000, got -4"
    assert 'name="sites" type="text" value="3"' in response.text


def test_the_current_team_uploads_into_a_comparison_link(client, keystone):
    with TEAM.open("rb") as f:
        response = client.post(
            "/compare",
            data=KEYSTONE,
            files={"team": ("current-team.xlsx", f, "application/octet-stream")},
            follow_redirects=False,
        )
    assert response.status_code == 303 and "&team=" in response.headers["location"]
    page = client.get(response.headers["location"]).text
    assert "Current team from current-team.xlsx" in page
    from orgplan import compare, read_team

    difference = compare(read_team(TEAM, templates=keystone.templates), keystone).cost_difference
    assert "Seats to add" in page and f'data-figure="cost_difference">+${difference:,.0f}<' in page
    assert '<svg role="img" aria-label="Recommended org chart with each seat tagged new, changed or kept"' in page


def test_the_comparison_downloads_the_workbook_with_the_gap_sheets_and_the_gap_chart(client):
    with TEAM.open("rb") as f:
        location = client.post(
            "/compare", data=KEYSTONE, files={"team": ("current-team.xlsx", f)}, follow_redirects=False
        ).headers["location"]
    query = location.split("?", 1)[1]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/compare.xlsx?{query}").content))
    assert {"Gap", "Gap summary", "Positions"} <= set(book.sheetnames)
    assert client.get(f"/gap-chart.png?{query}").content.startswith(b"\x89PNG")


def test_a_csv_team_compares_too(client):
    csv = b"id,title,reports to,salary\nceo,Chief Executive Officer,,\nhr1,HR Generalist,ceo,60000\n"
    page = client.post("/compare", data={"employees": "300"}, files={"team": ("team.csv", csv)}).text
    assert "Current team from team.csv" in page and "Seats kept as they are" in page


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("team.txt", b"id,title\n", "team.txt: expected a .xlsx or .csv team file, got .txt"),
        ("team.yaml", b"employees: 3\n", "team.yaml: expected a .xlsx or .csv team file, got .yaml"),
        ("team.xlsx", b"not a workbook at all", "team.xlsx: "),
        ("team.csv", b"id,title\nhr1,HR Generalist\n", "team.csv: "),
        ("team.csv", b"id,title,reports to\nceo,CEO,\nhr1,HR Generalist,boss\n", "team.csv: row 3"),
    ],
)
def test_a_broken_team_file_gets_the_clis_one_line_reason(client, tmp_path, name, content, message):
    response = client.post("/compare", data={"employees": "300"}, files={"team": (name, content)})
    assert response.status_code == 400
    shown = error_next_to(response.text, "team")
    assert shown.startswith(message) and "\n" not in shown and "Traceback" not in response.text
    if Path(name).suffix in (".xlsx", ".csv"):  # the CLI says the same after its own file name
        (tmp_path / name).write_bytes(content)
        from click.testing import CliRunner

        from orgplan.cli import cli

        assert shown.split(": ", 1)[1] in CliRunner().invoke(cli, ["import", str(tmp_path / name)]).output


def test_no_file_chosen_is_said_plainly(client):
    response = client.post("/compare", data={"employees": "300"}, files={"team": ("", b"")})
    assert response.status_code == 400 and "choose your current team" in error_next_to(response.text, "team")


def test_a_comparison_link_after_the_server_forgot_the_file_asks_for_it_again(client):
    response = client.get("/compare", params={"employees": "300", "team": "0" * 24})
    assert response.status_code == 410 and "upload it again" in error_next_to(response.text, "team")


@pytest.mark.parametrize("path, field", [("/compare", "team"), ("/upload", "profile")])
def test_an_upload_over_5_mb_is_answered_413(client, path, field):
    big = b"x" * 5_000_001
    response = client.post(
        path, data={"employees": "300"}, files={field: ("big.csv" if field == "team" else "big.yaml", big)}
    )
    assert response.status_code == 413 and "too large" in response.text


def test_a_team_of_5000_seats_gets_a_slide_shaped_gap_chart_quickly(client):
    """The note listing current seats with no place names a few and counts the rest: the
    chart keeps a slide's shape, drawn in seconds, and the drawing lock is free meanwhile."""
    from PIL import Image

    rows = "".join(f"S{i},Widget Wrangler {i},S0\n" for i in range(1, 5000))
    team = f"id,title,reports to\nS0,Chief People Officer,\n{rows}".encode()
    start = time.monotonic()
    response = client.post("/compare", data={"employees": "900"}, files={"team": ("big.csv", team)})
    assert response.status_code == 200 and "no place in this structure (4,999)" in response.text
    assert '<span class="count">4,999</span>' in response.text and len(response.content) < 1_000_000
    assert "and 4,799 more: the workbook lists every seat" in response.text
    query = str(response.url).split("?", 1)[1]
    png = client.get(f"/gap-chart.png?{query}")
    assert time.monotonic() - start < 30
    width, height = Image.open(io.BytesIO(png.content)).size
    assert width * height < 4_000_000 and 1.5 < width / height < 2.0, (width, height)


# -- the roadmap ------------------------------------------------------------------------


def test_the_roadmap_shows_the_chart_the_milestones_and_the_sizes(client):
    response = client.get("/roadmap", params={**KEYSTONE, "to": "5000"})
    assert response.status_code == 200
    page = response.text
    assert '<svg role="img" aria-label="HR staff and cost against company size' in page
    assert "First seat" in page and "HR Director" in page and ">5,000<" in page
    assert 'href="/roadmap.xlsx?company=' in page


def test_the_roadmap_target_defaults_to_three_years_of_growth_and_at_least_double(client):
    page = client.get("/roadmap", params={"employees": "1000", "growth_rate": "0.5"}).text
    assert 'name="to" type="text" inputmode="numeric" value="3,375"' in page
    page = client.get("/roadmap", params={"employees": "900", "growth_rate": "0.04"}).text
    assert 'name="to" type="text" inputmode="numeric" value="1,800"' in page  # not 1,012


@pytest.mark.parametrize(
    "to, message",
    [
        ("500", "500 is not larger than the company's 900 employees"),
        ("many", "expected a whole number of employees, got 'many'"),
        ("9000000", "expected a whole number up to 5,000,000"),
        ("5000000", "the page draws roadmaps up to 1,000,000 employees (limit web.roadmap_employees), got 5,000,000"),
    ],
)
def test_a_bad_roadmap_target_is_explained_next_to_it(client, to, message):
    response = client.get("/roadmap", params={"employees": "900", "to": to})
    assert response.status_code == 400 and error_next_to(response.text, "to").startswith(message)


def test_the_roadmap_downloads_its_workbook_and_chart(client):
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/roadmap.xlsx", params={"employees": "40", "to": "600"}).content)
    )
    assert book.sheetnames == ["Roadmap", "Roadmap chart", "Milestones"]
    assert client.get("/roadmap.png", params={"employees": "40", "to": "600"}).content.startswith(b"\x89PNG")


# -- two scenarios ----------------------------------------------------------------------


def test_two_scenarios_side_by_side(client):
    page = client.get("/scenarios", params={**KEYSTONE, "a.unionized_share": "0", "b.employees": "2500"}).text
    assert "The two recommendations" in page and "Going from scenario A to scenario B" in page
    assert ">2,500<" in page and 'src="/chart.svg?' in page
    a = client.get("/plan.json", params={**KEYSTONE, "unionized_share": "0"}).json()["summary"]
    assert f">{a['hr_headcount']}<" in page


def test_the_first_visit_compares_today_with_three_years_of_growth_and_at_least_double(client):
    page = client.get("/scenarios", params={"employees": "1000", "growth_rate": "0.5"}).text
    assert 'name="b.employees" type="text" value="3375"' in page
    page = client.get("/scenarios", params={"employees": "900", "growth_rate": "0.04"}).text
    assert 'name="b.employees" type="text" value="1800"' in page


def test_a_bad_override_is_shown_next_to_its_scenario_input(client):
    response = client.get("/scenarios", params={"employees": "900", "b.employees": "-1"})
    assert response.status_code == 400
    assert error_next_to(response.text, "b.employees") == "expected a whole number from 1 to 5,000,000, got -1"


# -- large plans and concurrency --------------------------------------------------------


def test_a_huge_chart_answers_within_seconds_with_an_overview(client):
    params = {"employees": "5000000", "countries": "250"}
    start = time.perf_counter()
    page = client.get("/plan", params=params)
    chart = client.get("/chart.png", params=params)
    assert time.perf_counter() - start < 20  # a few seconds each on a laptop; shared CI cores are slower
    assert (
        page.status_code == 200
        and re.search(r"levels of [\d,]+ HR seats", page.text)
        and "Open one branch at a time" in page.text
    )
    assert chart.status_code == 200 and chart.headers["x-orgplan-folded"].startswith("The top ")


def test_a_branch_link_draws_one_branch(client):
    from orgplan import plan, profile_from_dict

    p = plan(profile_from_dict({"employees": 60000, "countries": 28, "business_units": 9}))
    branch = next(s for s in p.hr_seats if s.reports_to == p.hr_seats[0].id and s.family == "leadership")
    page = client.get(
        "/plan", params={"employees": "60000", "countries": "28", "business_units": "9", "root": branch.id}
    ).text
    assert f"The branch below <strong>{branch.title}</strong>" in page and "Back to the whole department" in page


def test_concurrent_charts_draw_the_same_pictures_as_one_at_a_time(client):
    from concurrent.futures import ThreadPoolExecutor

    sizes = [str(n) for n in (30, 120, 400, 900, 2500, 7000)] * 2
    alone = {n: client.get("/chart.png", params={"employees": n, "company": f"C{n}"}).content for n in set(sizes)}
    from orgplan.web.work import HeavyWork

    app = create_app(warm=False)
    app.state.site.heavy = HeavyWork(workers=4, queue=8)  # all 8 at once are drawn, none refused as busy
    with starlette_testclient.TestClient(app) as fresh, ThreadPoolExecutor(8) as pool:
        together = list(
            pool.map(lambda n: fresh.get("/chart.png", params={"employees": n, "company": f"C{n}"}).content, sizes)
        )
    assert all(t == alone[n] for n, t in zip(sizes, together, strict=True))


def test_heavy_work_past_its_queue_is_answered_503_while_the_plan_keeps_answering(monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from orgplan.web import work

    app = create_app(warm=False)
    site = app.state.site
    site.heavy = work.HeavyWork(workers=1, queue=1)
    gate = threading.Event()
    drawn = work.chart_bytes

    def slow(*args, **kwargs):
        gate.wait(30)
        return drawn(*args, **kwargs)

    monkeypatch.setattr(work, "chart_bytes", slow)
    with starlette_testclient.TestClient(app) as c, ThreadPoolExecutor(2) as pool:
        running = [pool.submit(c.get, "/chart.png", params={"employees": n}) for n in (300, 400)]
        deadline = time.monotonic() + 20
        while site.heavy.admitted < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        refused = c.get("/roadmap.png", params={"employees": "900", "to": "2000"})
        assert refused.status_code == 503 and refused.headers["retry-after"] == "5"
        assert "orgplan is busy" in refused.text
        big = c.get("/plan.json", params={"employees": "5000000"})  # planning 5,000,000 employees is heavy too
        assert big.status_code == 503
        start = time.monotonic()
        assert c.get("/plan.json", params={"employees": "900"}).status_code == 200
        assert c.get("/").status_code == 200
        assert time.monotonic() - start < 2
        gate.set()
        assert [f.result().status_code for f in running] == [200, 200]
    assert site.heavy.admitted == 0


def test_every_size_a_request_asks_for_is_a_declared_limit():
    from orgplan.core.limits import all_limits
    from orgplan.web.uploads import UPLOAD_LIMIT

    names = set(all_limits())
    assert {"web.upload_bytes", "web.roadmap_employees", "web.heavy_workers", "web.heavy_queue"} <= names
    assert all_limits()["web.upload_bytes"].value == UPLOAD_LIMIT


# -- what the server leaves behind ------------------------------------------------------


def test_nothing_is_written_outside_a_temporary_folder_that_is_cleaned(client, tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.chdir(tmp_path)
    for path in ("/plan.xlsx", "/chart.pdf", "/roadmap.png?to=900"):
        assert client.get(path, params={"employees": "700", "company": "Left behind?"}).status_code == 200
    with TEAM.open("rb") as f:
        client.post("/compare", data={"employees": "700"}, files={"team": ("t.xlsx", f)})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"] and not list(scratch.iterdir())


def test_the_page_sends_security_headers_and_loads_nothing_from_elsewhere(client):
    response = client.get("/")
    assert (
        "default-src 'self'" in response.headers["content-security-policy"]
        and response.headers["x-content-type-options"] == "nosniff"
    )
    package = Path(create_app.__code__.co_filename).parent
    for path in [*package.glob("templates/*.html"), *package.glob("static/*")]:
        text = path.read_text()
        assert not re.search(r"(src|href)=\"(https?:)?//", text), path  # no CDN
        for asset in re.findall(r'"/static/([\w.-]+)', text):
            assert (package / "static" / asset).is_file(), asset
    assert client.get("/static/orgplan.css").status_code == 200


def test_a_loopback_server_refuses_other_host_names():
    with starlette_testclient.TestClient(
        create_app(warm=False, allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1"
    ) as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"host": "attacker.example"}).status_code == 400


# -- requests another website starts --------------------------------------------------


CSV_TEAM = b"id,title,reports to\nceo,Chief Executive Officer,\nhr1,HR Generalist,ceo\n"


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://attacker.example"},
        {"origin": "null"},
        {"origin": "http://testserver.attacker.example"},
        {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document"},
        {"sec-fetch-site": "same-site", "origin": "http://testserver"},
    ],
)
@pytest.mark.parametrize("path", ["/compare", "/upload"])
def test_a_form_another_website_posts_is_refused_403(client, headers, path):
    field, name = ("team", "team.csv") if path == "/compare" else ("profile", "p.yaml")
    content = CSV_TEAM if path == "/compare" else b"employees: 300\n"
    response = client.post(
        path, data={"employees": "300"}, files={field: (name, content)}, headers=headers, follow_redirects=False
    )
    assert response.status_code == 403 and "Refused: a request from another website" in response.text
    assert "orgplan takes files and draws charts only for its own page" in response.text


@pytest.mark.parametrize(
    "headers",
    [{}, {"origin": "http://testserver"}, {"origin": "http://testserver", "sec-fetch-site": "same-origin"}],
)
def test_the_pages_own_forms_and_tools_without_browser_headers_still_post(client, headers):
    response = client.post(
        "/compare",
        data={"employees": "300"},
        files={"team": ("team.csv", CSV_TEAM)},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert client.get("/").headers["referrer-policy"] == "same-origin"  # so the page's forms name their origin


@pytest.mark.parametrize("path", ["/chart.png", "/roadmap.png", "/gap-chart.svg", "/plan.xlsx", "/plan"])
def test_charts_in_another_websites_image_tags_are_refused_but_links_from_elsewhere_open(client, path):
    image = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image"}
    response = client.get(path, params={"employees": "300"}, headers=image)
    assert response.status_code == 403 and "an image on another website" in response.text
    link = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document"}
    assert client.get("/plan", params={"employees": "300"}, headers=link).status_code == 200


def test_one_visitors_uploads_never_push_out_anothers():
    app = create_app(warm=False)
    with starlette_testclient.TestClient(app) as ana, starlette_testclient.TestClient(app) as bob:
        mine = ana.post("/compare", data={"employees": "300"}, files={"team": ("mine.csv", CSV_TEAM)})
        assert mine.status_code == 200 and "orgplan_visitor" in ana.cookies
        for n in range(40):
            other = CSV_TEAM + f"hr{n + 2},HR Generalist,ceo\n".encode()
            posted = bob.post(
                "/compare", data={"employees": "300"}, files={"team": ("b.csv", other)}, follow_redirects=False
            )
            assert posted.status_code == 303
        assert ana.get(str(mine.url)).status_code == 200  # still held
        first = bob.cookies["orgplan_visitor"]
        assert bob.get("/compare", params={"employees": "300", "team": "x"}).status_code == 410
        assert bob.cookies["orgplan_visitor"] == first


# -- named rows (countries and business units as lists) ---------------------------------


@pytest.fixture(scope="module")
def listing_templates(tmp_path_factory):
    """The bundled templates with countries described as rows, as the profile will soon allow."""
    from orgplan.knowledge.templates import load_templates, templates_dir

    folder = tmp_path_factory.mktemp("templates")
    for f in templates_dir().glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    spec = yaml.safe_load((folder / "profile.yaml").read_text())
    spec["fields"]["countries"]["items"] = {
        "name": {"type": "text", "required": True, "label": "Country", "description": "Country name."},
        "employees": {"type": "integer", "required": True, "min": 1, "description": "Employees there."},
        "pay_index": {"type": "number", "default": 1.0, "min": 0.05, "max": 20, "description": "Pay against the U.S."},
    }
    (folder / "profile.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return load_templates(folder)


def test_a_key_with_items_gets_rows_in_the_form(listing_templates):
    app = create_app(templates_dir=listing_templates.directory, warm=False)
    with starlette_testclient.TestClient(app) as c:
        page = c.get(
            "/", params={"employees": "3000", "countries.0.name": "Germany", "countries.0.employees": "1200"}
        ).text
    assert 'name="countries.0.name" value="Germany"' in page and 'name="countries.0.employees" value="1200"' in page
    assert 'name="countries.2.name" value=""' in page  # blank rows to fill without JavaScript
    assert "Or name them, one row each" in page and 'name="countries"' in page


def test_rows_in_a_link_become_the_list_form_of_the_profile(listing_templates):
    fields = profile_fields(listing_templates)
    form = read_form(
        [
            ("employees", "3000"),
            ("countries.1.name", "France"),
            ("countries.1.employees", "800"),
            ("countries.0.name", "Germany"),
            ("countries.0.employees", "1,200"),
            ("countries.0.pay_index", "1.1"),
            ("countries.2.name", ""),
        ],
        fields,
    )
    assert profile_data(form, fields)["countries"] == [
        {"name": "Germany", "employees": "1,200", "pay_index": 1.1},
        {"name": "France", "employees": 800},
    ]
    assert query_string(form).startswith("employees=3000&countries.0.name=Germany&countries.0.employees=1%2C200")
    again = form_from_data(profile_data(form, fields), fields)
    assert again.rows["countries"][1] == {"name": "France", "employees": "800"}


def test_a_number_and_rows_that_disagree_are_refused(listing_templates):
    fields = profile_fields(listing_templates)
    form = read_form(
        [("employees", "3000"), ("countries", "3"), ("countries.0.name", "Germany"), ("countries.0.employees", "10")],
        fields,
    )
    profile_data(form, fields)
    assert form.errors["countries"].startswith("give either the number or the named rows, not both")


def test_countries_and_units_take_a_number_or_named_rows(client):
    page = client.get("/").text
    assert 'name="countries"' in page and 'name="countries.0.name"' in page and 'name="countries.0.pay_index"' in page
    assert 'name="business_units"' in page and 'name="business_units.0.employees"' in page


# -- what the planner will add ----------------------------------------------------------


def test_new_summary_keys_and_seat_fields_show_when_the_planner_adds_them(monkeypatch):
    """The planner is gaining a benchmark status with reasons, an operating model and seat
    units; the page shows them as they land."""
    from orgplan.model.plan import Plan

    original = Plan.to_dict

    def richer(self):
        data = original(self)
        data["summary"]["benchmark_hr_per_100"] |= {
            "status": "above",
            "reasons": ["Three countries add local HR.", {"reason": "A union adds labour relations."}],
        }
        data["summary"]["operating_model"] = {
            "name": "three_pillar",
            "label": "Three pillars",
            "why": "Because the units are large.",
        }
        for i, p in enumerate(data["positions"]):
            p["unit"], p["country"] = ("Retail Banking", "Germany") if i % 2 else ("Wealth", "France")
            p["grade"] = "B"  # one value on every seat: said once under the table, not in a column
        return data

    monkeypatch.setattr(Plan, "to_dict", richer)
    with starlette_testclient.TestClient(create_app(warm=False)) as c:
        page = c.get("/plan", params={"employees": "900", "company": "Newer"}).text
    assert (
        "Above the published range" in page
        and "Three countries add local HR." in page
        and "A union adds labour relations." in page
    )
    assert "How HR is organised: Three pillars" in page and "Because the units are large." in page
    assert (
        '<th scope="col">Unit</th><th scope="col">Country</th>' in page
        and '<td data-label="Unit">Retail Banking</td><td data-label="Country">Germany</td>' in page
    )
    assert '<th scope="col">Grade</th>' not in page and "Grade: B for every seat." in page


# -- a leader's words and a leader's files -------------------------------------------------


def test_downloads_are_named_after_the_company(client):
    params = {**KEYSTONE, "company": "Larkspur Foods"}
    lead = 'attachment; filename="larkspur-foods-'
    for path, name in (
        ("/plan.xlsx", "staffing-plan.xlsx"),
        ("/chart.png", "orgchart.png"),
        ("/jobs.zip", "job-descriptions.zip"),
        ("/plan.json", "plan.json"),
        ("/roadmap.xlsx", "roadmap.xlsx"),
    ):
        assert client.get(path, params=params).headers["content-disposition"] == f'{lead}{name}"', path
    with TEAM.open("rb") as f:
        location = client.post(
            "/compare", data=params, files={"team": ("current-team.xlsx", f)}, follow_redirects=False
        ).headers["location"]
    response = client.get(location.replace("/compare?", "/compare.xlsx?"))
    assert response.headers["content-disposition"] == f'{lead}staffing-plan.xlsx"'
    assert (
        client.get("/plan.xlsx", params={"employees": 300})
        .headers["content-disposition"]
        .endswith('filename="staffing-plan.xlsx"')
    )  # no company named, no name made up


def test_a_blank_team_file_downloads_with_the_columns_orgplan_reads(client, tmp_path, templates):
    from orgplan import read_team
    from orgplan.reading.columns import REQUIRED, column_for

    page = client.get("/compare", params=KEYSTONE).text
    assert 'href="/static/team-template.csv" download="team-template.csv"' in page
    blank = client.get("/static/team-template.csv")
    assert blank.status_code == 200 and blank.headers["content-type"].startswith("text/csv")
    headers = blank.text.strip().split(",")
    assert set(REQUIRED) <= {column_for(h) for h in headers} and None not in {column_for(h) for h in headers}
    filled = tmp_path / "team.csv"
    filled.write_text(blank.text + "hr-1,HR Manager,,hr_manager,1,90000,\r\nhr-2,Recruiter,hr-1,,1,70000,\r\n")
    team = read_team(filled, templates=templates)
    assert [s.title for s in team.seats] == ["HR Manager", "Recruiter"]


def test_the_comparison_names_seats_by_title_once_each(client):
    with TEAM.open("rb") as f:
        location = client.post(
            "/compare", data=KEYSTONE, files={"team": ("current-team.xlsx", f)}, follow_redirects=False
        ).headers["location"]
    page = client.get(location).text
    lists = visible_text(page[page.index('id="gap-h"') : page.index('id="gchart-h"')])
    assert not re.search(r"\((hr|[a-z]+)-[\w-]*\d\)", lists)  # no seat ids such as (hr-04) or (hr-director-1)
    items = re.findall(r"<li>(.*?)</li>", page[page.index('id="gap-h"') : page.index('id="gchart-h"')], re.S)
    assert len(items) == len(set(items)), "a bullet repeated"
    assert re.search(r"<strong>HR Generalist</strong> × \d, reports to HR Manager", page)


def test_the_seats_table_folds_long_reasons_and_leaves_out_columns_that_say_nothing(client, keystone):
    page = client.get("/plan", params=KEYSTONE).text
    table = page[page.index('<table class="seats') : page.index("</table>", page.index('<table class="seats'))]
    assert "<details><summary>" in table  # a seat with several reasons opens them on demand
    assert '<th scope="col" class="num">FTE</th>' not in table  # every seat full-time: FTE is the seat count
    assert "Benefits load" not in table and "Benefits load: " in page  # one load for every seat, said once
    director = next(s for s in keystone.seats if s.title == "HR Director")
    for reason in director.rationale:
        text = reason.reason if hasattr(reason, "reason") else str(reason)
        assert text.replace("'", "&#39;") in table  # folded, never dropped


def test_countries_given_as_a_number_are_named_for_a_reader_and_the_page_invites_naming_them(client):
    page = client.get("/plan", params={**KEYSTONE, "countries": "12"}).text
    assert "Numbered Headquarters country, Country 2 … Country 12." in page
    assert 'href="/?company=Keystone' in page and '#f-countries-field">Name them</a> to see each by name.' in page
    named = client.get("/plan", params={**KEYSTONE, "countries.0.name": "US", "countries.0.employees": "900"}).text
    assert "Numbered Headquarters" not in named


def test_no_page_shows_a_profile_or_function_key(client, templates):
    params = {**KEYSTONE, "countries": "12"}
    with TEAM.open("rb") as f:
        compared = client.post(
            "/compare", data=params, files={"team": ("current-team.xlsx", f)}, follow_redirects=False
        ).headers["location"]
    keys = {k for k in [*templates.profile_fields, *templates.functions, *templates.roles] if "_" in k}
    for path, query in (
        ("/", params),
        ("/plan", params),
        ("/roadmap", params),
        (compared, None),
        ("/scenarios", params),
        ("/job", {**params, "role": "hr_generalist"}),
        ("/job", {**params, "role": "no_such_role"}),
    ):
        page = re.sub(r"<svg\b.*?</svg>", " ", client.get(path, params=query).text, flags=re.S)
        shown = set(re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", visible_text(page))) & keys
        assert shown == set(), path


def test_a_units_countries_come_back_to_the_form_as_typed_and_post_again(templates):
    from orgplan.web.forms import check, form_from_data, profile_fields, read_form

    data = {
        "employees": 40000,
        "countries": [{"name": "United States", "employees": 30000}, {"name": "Mexico", "employees": 10000}],
        "business_units": [
            {"name": "Foods", "employees": 20000, "countries": ["Mexico", "United States"]},
            {"name": "Code", "employees": 20000},
        ],
    }
    form = form_from_data(data, profile_fields(templates))  # an uploaded profile, shown in the form
    assert form.rows["business_units"][0]["countries"] == "Mexico, United States"
    pairs = [
        (f"business_units.{i}.{k}", v) for i, row in enumerate(form.rows["business_units"]) for k, v in row.items()
    ]
    pairs += [(f"countries.{i}.{k}", v) for i, row in enumerate(form.rows["countries"]) for k, v in row.items()]
    again = check(read_form([("employees", "40000"), *pairs], profile_fields(templates)), templates)
    assert not again.errors and again.profile.business_units[0].countries == ("Mexico", "United States")
