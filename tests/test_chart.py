"""Org chart: slide-shaped pictures, boxes that say what they hold, PDF pages, and clean errors."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest
from click.testing import CliRunner

from orgplan import OptionError, load_profile, plan
from orgplan.cli import cli
from orgplan.outputs.charts.layout import layout_chart, seat_label
from orgplan.outputs.charts.org_chart import FAMILY_STYLE, SLIDE, chart_pages, draw_chart, measure, render_chart

from .conftest import EXAMPLES

PROFILES = [
    {"employees": 8},
    {"employees": 40},
    {"employees": 120},
    {"employees": 400},
    {"employees": 900, "unionized_share": 0.5},
    {"employees": 2500, "countries": 3},
    {"employees": 6000, "max_span": 5},
    {"employees": 12000, "business_units": 6},
    {"employees": 30000, "max_span": 12},
    {"employees": 60000, "countries": 20, "unionized_share": 0.3},
    {"employees": 150000},
    {"employees": 300000, "max_span": 15, "functions": ["talent_acquisition", "payroll", "dei", "hris"]},
]
# Every example, and large companies up to 2,000,000 employees: the default chart of each.
BIG = [
    {"employees": 30000, "max_span": 12},
    {"employees": 300000, "countries": 12},
    {"employees": 2000000, "countries": 40},
]
CHARTS = [e.stem for e in EXAMPLES] + [f"{p['employees']}" for p in BIG]


@pytest.fixture(scope="module")
def plans(make_plan, templates):
    made = {e.stem: plan(load_profile(e, templates=templates), templates=templates) for e in EXAMPLES}
    made.update({f"{p['employees']}": make_plan(**p) for p in BIG})
    return made


@pytest.fixture(scope="module")
def drawn(plans):
    """The default chart of each plan, drawn once: name -> Figure."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = draw_chart(plans[name]).figure
        return cache[name]

    return get


def texts_of(fig):
    """Every piece of text drawn on the figure."""
    return [t for t in [*fig.texts, *(t for ax in fig.axes for t in ax.texts)] if t.get_text()]


def boxes_of(fig):
    """(patch extent, face colour, line style, texts inside) for each box drawn, in display units."""
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    coll = next(c for c in ax.collections if c.get_gid() == "boxes")
    extents = [p.get_extents(ax.transData) for p in coll.get_paths()]
    inside = [[] for _ in extents]
    for text in ax.texts:
        ext = text.get_window_extent(renderer)
        cx, cy = (ext.x0 + ext.x1) / 2, (ext.y0 + ext.y1) / 2
        home = next(i for i, b in enumerate(extents) if b.x0 <= cx <= b.x1 and b.y0 <= cy <= b.y1)
        inside[home].append((text, ext))
    faces, styles = coll.get_facecolors(), coll.get_linestyles()
    return [(extents[i], tuple(faces[i]), styles[i % len(styles)], inside[i]) for i in range(len(extents))]


def box_texts(fig):
    return [" ".join(t.get_text() for t, _ in inside) for _, _, _, inside in boxes_of(fig)]


def overlaps(boxes):
    """Pairs of boxes whose rectangles intersect (sweep over x)."""
    found = []
    ordered = sorted(boxes, key=lambda b: b.bounds[0])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.bounds[0] >= a.bounds[2] - 1e-9:
                break
            if b.bounds[1] < a.bounds[3] - 1e-9 and a.bounds[1] < b.bounds[3] - 1e-9:
                found.append((a.id, b.id))
    return found


def aligned(p, units=("Retail", "Wealth", "Corporate"), field="unit"):
    """The plan with each team (a lead of a leaf team under another leader) serving a unit in turn."""
    kids = {}
    for s in p.seats:
        kids.setdefault(s.reports_to, []).append(s)
    given, i = {}, 0
    for s in p.seats:
        team = kids.get(s.id, [])
        if (
            team
            and all(k.id not in kids for k in team)
            and s.reports_to
            and p.seat(s.reports_to).family == "leadership"
        ):
            for member in (s, *team):
                given[member.id] = units[i % len(units)]
            i += 1
    seats = tuple(dataclasses.replace(s, **{field: given.get(s.id)}) for s in p.seats)
    return dataclasses.replace(p, seats=seats)


def unaligned(p):
    """The plan with no seat serving a unit or a country."""
    return dataclasses.replace(p, seats=tuple(dataclasses.replace(s, unit=None, country=None) for s in p.seats))


# The layout ------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: str(p["employees"]))
@pytest.mark.parametrize(
    "options",
    [{}, {"expand": True}, {"direction": "lr"}, {"levels": "auto", "direction": "auto", "fit": (12.7, 5.5)}],
    ids=["tb", "expand", "lr", "fit"],
)
def test_layout_geometry(make_plan, profile, options):
    p = make_plan(**profile)
    lay = layout_chart(p, **options)
    assert overlaps(lay.boxes) == []
    shown = sorted(i for b in lay.boxes for i in (*b.seat_ids, *b.hidden))
    assert shown == sorted(s.id for s in p.seats), "every seat is drawn or folded into a box, once"
    if "fit" in options:
        assert lay.width <= 12.7 + 1e-9 and lay.height <= 5.5 + 1e-9
    else:  # all levels: only identical branches are folded, into one box that counts them
        assert all(b.alike and b.count > 1 for b in lay.boxes if b.hidden)
    if options.get("expand"):  # one box per seat, and a caption box per country or unit group
        assert len([b for b in lay.boxes if b.seat_ids]) == len(p.seats)
    by_id = {b.id: b for b in lay.boxes}
    for b in lay.boxes:
        placed = [c for c in b.children if not c.stacked]
        if placed and not any(c.stacked for c in b.children):
            axis = (lambda x: x.x) if lay.direction == "tb" else (lambda x: x.y)
            assert axis(b) == pytest.approx((axis(placed[0]) + axis(placed[-1])) / 2)
    for parent, child, points in lay.connectors:
        pb, cb = by_id[parent].bounds, by_id[child].bounds
        (x0, y0), (x1, y1) = points[0], points[-1]
        assert pb[0] - 1e-9 <= x0 <= pb[2] + 1e-9 and pb[1] - 1e-9 <= y0 <= pb[3] + 1e-9
        assert cb[0] - 1e-9 <= x1 <= cb[2] + 1e-9 and cb[1] - 1e-9 <= y1 <= cb[3] + 1e-9
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in pairwise(points)), "connectors are orthogonal"
    assert len(lay.connectors) == len(lay.boxes) - 1


def test_identical_leaf_seats_collapse_with_a_count(make_plan):
    p = make_plan(employees=5000)
    lay = layout_chart(p)
    role = {s.id: s.role for s in p.seats}
    shown = [b for b in lay.boxes if any(role[i] == "recruiter" for i in b.seat_ids)]
    assert sum(sum(role[i] == "recruiter" for i in b.seat_ids) for b in shown) == sum(
        1 for s in p.seats if s.role == "recruiter"
    )
    assert any(b.count > 1 or (b.team and b.team[1] > 1) for b in shown)


def test_a_lead_and_its_uniform_team_read_as_one_box(make_plan):
    lay = layout_chart(make_plan(employees=60000))
    teams = [b for b in lay.boxes if b.team]
    # a lead (a leader, or a senior generalist leading generalists) with a team of non-leaders
    assert teams and all(
        not b.children and b.family in ("leadership", "generalist") and b.team_family != "leadership" for b in teams
    )
    assert all(len(b.seat_ids) == b.count + b.team[1] for b in teams)


def test_sibling_boxes_are_never_drawn_alike(plans):
    """Identical seats, identical teams and their leads share one box: 'HR Supervisor, ... x 2, teams of 5'."""
    for name in ("meridian-bank", "atlas-global"):
        for b in layout_chart(plans[name]).boxes:
            looks = [(c.title, c.team[0] if c.team else None, c.mark, c.unit) for c in b.children if not c.children]
            assert len(looks) == len(set(looks)), (name, b.title)
    texts = box_texts(draw_chart(plans["atlas-global"], levels=5).figure)
    assert any(re.match(r"HR (Supervisor|Team Lead), .* x \d+ teams of ~?\d+", t) for t in texts), texts


def test_wide_teams_are_stacked_in_columns(make_plan):
    lay = layout_chart(make_plan(employees=30000, max_span=20), expand=True)
    stacked = [b for b in lay.boxes if b.stacked]
    assert stacked
    assert lay.width < 0.5 * len(lay.boxes) * 2.0, "far narrower than one row of boxes"


def test_levels_and_root_options(make_plan):
    p = make_plan(employees=12000)
    top = layout_chart(p, levels=2)
    assert {b.depth for b in top.boxes} == {0, 1} and top.boxes[1].hidden_below > 0
    branch = next(s for s in p.seats if s.role == "talent_acquisition_manager")
    sub = layout_chart(p, root=branch.id)
    assert sub.boxes[0].id == branch.id and all(b.family != "executive" for b in sub.boxes)


# The default picture: shaped for a slide ---------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
def test_default_chart_fits_a_slide_with_legible_text(drawn, name):
    fig = drawn(name)
    width, height = fig.get_figwidth(), fig.get_figheight()
    assert 1 / 1.6 <= width / height <= 2.2
    assert width <= SLIDE[0] + 1e-6
    smallest = min(t.get_fontsize() for t in texts_of(fig))
    assert smallest * SLIDE[0] / width >= 8, "no text under 8 pt when the image fills a 13.33-inch slide"


@pytest.mark.parametrize("name", CHARTS)
def test_no_box_text_leaves_its_box_and_folds_are_counted(drawn, plans, name):
    fig = drawn(name)
    for extent, _, _, inside in boxes_of(fig):
        for text, ext in inside:
            assert (
                extent.x0 - 1 <= ext.x0
                and ext.x1 <= extent.x1 + 1
                and extent.y0 - 1 <= ext.y0
                and ext.y1 <= extent.y1 + 1
            ), text.get_text()
    folded = sum(int(n.replace(",", "")) for t in box_texts(fig) for n in re.findall(r"\+([\d,]+) seats? below", t))
    footer = " ".join(t.get_text() for t in fig.texts)
    if folded:
        assert f"{folded:,} seat{'s' if folded > 1 else ''} folded into the '+N below' boxes" in footer
        assert re.search(r"every seat is drawn in the PDF( \([\d,]+ pages?\)|, page by page)\.", footer), footer
    assert "orgplan" not in " ".join(t.get_text() for t in texts_of(fig)), "no command syntax in a picture"
    words = " ".join(t.get_text() for t in texts_of(fig))
    assert not re.search(r"\b1 seats\b|\ba HR\b|(?<![\d,.])\d{4,}", words), (
        "plurals, articles and thousands separators agree"
    )


def test_png_of_a_2_000_000_employee_plan_is_a_slide_overview(plans, tmp_path):
    from PIL import Image

    png = render_chart(plans["2000000"], tmp_path / "c.png")
    with Image.open(png) as img:
        assert img.width <= SLIDE[0] * 150 + 1 and 1 / 1.6 <= img.width / img.height <= 2.2


def test_team_boxes_take_their_teams_colour(drawn):
    from matplotlib.colors import to_rgba

    checked = 0
    for _, face, _, inside in boxes_of(drawn("atlas-global")):
        text = " ".join(t.get_text() for t, _ in inside)
        if re.match(
            r"HR (Supervisor|Team Lead), [\w ]+ Specialists x \d+ teams of", text
        ):  # a team of specialists: the specialists' colour
            assert face == to_rgba(FAMILY_STYLE["specialist"][0]), text
            checked += 1
    assert checked, "no team box of specialists"


def test_cost_detail_on_every_box_adds_up(plans):
    p = plans["meridian-bank"]
    fig = draw_chart(p, detail="cost").figure
    totals = []
    for text in box_texts(fig):
        if text.startswith("Chief Executive"):
            continue
        amounts = re.findall(r"\$([\d,]+) (?:a year|in all)", text)
        assert amounts, text
        totals.append(int(amounts[-1].replace(",", "")))
        if re.search(r" x \d", text):
            assert re.search(r"\$[\d,]+ each| x ~?\$", text), "grouped seats say what each costs: " + text
    assert abs(sum(totals) - p.summary["seats_cost"]) <= len(totals)  # the boxes are seats; fees are said below
    assert any("each seat's and in all for a box" in t.get_text() for t in fig.texts)


@pytest.mark.parametrize("company", ["$\\foo$ Holdings", "$5M Widgets $", "Tab\\alpha & Co ^_^"])
def test_company_names_are_drawn_as_typed(make_plan, tmp_path, company):
    p = make_plan(company=company, employees=300)
    fig = draw_chart(p).figure
    assert fig.texts[0].get_text() == f"{company} - recommended HR organisation"
    assert all(not t.get_parse_math() for t in texts_of(fig))
    for ext in ("png", "svg", "pdf"):
        assert render_chart(p, tmp_path / f"c.{ext}").stat().st_size > 1000
    svg_text = " ".join(ET.parse(tmp_path / "c.svg").getroot().itertext())
    assert company in svg_text


def test_svg_keeps_text_as_text(plans, tmp_path):
    svg = render_chart(plans["keystone-manufacturing"], tmp_path / "c.svg")
    root = ET.parse(svg).getroot()
    texts = [" ".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Keystone Precision Manufacturing - recommended HR organisation" in texts
    assert "HR Manager" in texts


def test_benchmark_status_is_said_in_words(make_plan):
    p = make_plan(employees=120, annual_hires=250)
    assert p.summary["benchmark_hr_per_100"]["status"] == "above"
    footer = " ".join(t.get_text() for t in draw_chart(p).figure.texts).replace("\n", " ")
    assert (
        "Above the published range of 1-3.5 HR staff per 100 employees for this size: Talent acquisition is" in footer
    )


# Business units, countries and dotted lines -------------------------------------------------


def test_seats_are_grouped_by_unit_under_their_leader(plans):
    p = aligned(unaligned(plans["meridian-bank"]))
    lay = layout_chart(p)
    units = [b for b in lay.boxes if b.kind == "unit"]
    unit_of = {s.id: s.unit for s in p.seats}
    for caption in units:
        below = [i for c in caption.children for i in (*c.seat_ids, *c.hidden)]
        assert below and {unit_of[i] for i in below} == {caption.title}
    # a unit served by one seat (and its team) has no caption: the seat's box says the unit
    alone = [b for b in lay.boxes if b.serves]
    assert {b.serves for b in units + alone} >= {"Retail", "Wealth", "Corporate"}
    for box in alone:
        assert unit_of[box.seat_ids[0]] == box.serves and ("body", box.serves) in box.lines
    if units:
        fig = draw_chart(p).figure
        assert "Business unit or country" in [t.get_text() for t in fig.texts]


def test_pdf_has_a_page_per_unit_and_country(plans):
    p = aligned(aligned(unaligned(plans["meridian-bank"])), units=("Canada", "United States"), field="country")
    pages = chart_pages(p)
    drawn = [{i for b in page.layout.boxes for i in b.seat_ids} for page in pages]
    labels = {seat_label(s) for s in p.seats} - {None}
    assert {label.split(", ")[0] for label in labels} == {"Retail", "Wealth", "Corporate"}
    for label in labels:
        serving = {s.id for s in p.seats if seat_label(s) == label}
        assert any(serving <= ids for ids in drawn), f"one page draws every seat serving {label}"
    assert len(pages) <= max(1, len(p.seats) // 25), "no page is wasted on a seat or two"


def test_a_dotted_line_joins_the_two_seats(plans):
    p = plans["meridian-bank"]
    head = next(s for s in p.seats if s.reports_to == p.root.id)
    target = next(s for s in p.seats if s.role == "hr_analyst")
    p = dataclasses.replace(
        p, seats=tuple(dataclasses.replace(s, dotted_to=head.id) if s.id == target.id else s for s in p.seats)
    )
    lay = layout_chart(p)
    assert (lay.box_of(target.id).id, lay.box_of(head.id).id) in lay.dotted
    fig = draw_chart(p, levels=5).figure
    assert "Dotted line" in [t.get_text() for t in fig.texts]
    line = next(c for c in fig.axes[0].collections if c.get_gid() == "dotted")
    assert len(line.get_segments()) == 1 and line.get_linestyle()[0][1] is not None


# PDF pages ------------------------------------------------------------------------------------


def test_a_small_plan_is_one_letter_page(plans, tmp_path):
    pdf = render_chart(plans["keystone-manufacturing"], tmp_path / "c.pdf")
    data = pdf.read_bytes()
    assert int(re.search(rb"/Count\s+(\d+)", data).group(1)) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 792 612\s*\]", data), "US Letter, landscape"


def test_a_large_plan_pdf_has_every_seat_on_numbered_branch_pages(plans, tmp_path):
    p = plans["atlas-global"]
    pages = chart_pages(p)
    assert len(pages) > 1
    shown = {i for page in pages for b in page.layout.boxes for i in b.seat_ids}
    assert shown == {s.id for s in p.seats}, "every seat is drawn on some page"
    for n, page in enumerate(pages, start=1):
        assert page.title == "Atlas Global Industries - recommended HR organisation"
        assert page.number == f"page {n} of {len(pages)}"
        if n == 1:
            assert page.heading == "The whole HR department" and "60,000 employees" in page.footer[0]
        else:
            seats = {i for b in page.layout.boxes for i in (*b.seat_ids, *b.hidden)} - {p.root.id}
            assert page.heading.startswith(
                ("Branch: ", "Country: ", "Unit: ", "Branches: ", "Branches and units: ", "Units and countries: ")
            )
            assert page.footer[0].startswith(
                (f"This branch: {len(seats):,} HR seat", f"These seats: {len(seats):,} HR seat")
            )
            assert not any("60,000 employees" in line for line in page.footer), "branch pages carry their own totals"
        for box in page.layout.boxes:
            if box.hidden:
                assert re.fullmatch(r"see pages? [\d, -]+|on this page", page.refs[box.id])
    pdf = render_chart(p, tmp_path / "c.pdf", paper="a4")
    data = pdf.read_bytes()
    assert int(re.search(rb"/Count\s+(\d+)", data).group(1)) == len(pages)
    assert re.search(rb"/MediaBox\s*\[\s*0 0 841\.68 595\.44\s*\]", data), "A4, landscape"
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert f"page 2 of {len(pages)}" in text and "Branch: " in text and "This branch:" in text


# Drawing safely -------------------------------------------------------------------------------


def test_charts_drawn_in_threads_match_charts_drawn_one_by_one(plans, tmp_path):
    names = ["keystone-manufacturing", "harbor-clinics", "meridian-bank", "tiny-studio"]
    for name in names:
        render_chart(plans[name], tmp_path / f"{name}-alone.png", dpi=60)
    threads = [
        threading.Thread(target=render_chart, args=(plans[n], tmp_path / f"{n}-thread.png"), kwargs={"dpi": 60})
        for n in names
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in names:
        assert (tmp_path / f"{name}-thread.png").read_bytes() == (tmp_path / f"{name}-alone.png").read_bytes(), name


def test_draw_chart_onto_a_given_axes_returns_it(make_plan):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    assert draw_chart(make_plan(employees=300), ax=ax) is ax
    assert ax.get_title(loc="left") == "Example company - recommended HR organisation"


def test_measure_matches_the_drawn_text(make_plan):
    fig = draw_chart(make_plan(employees=300)).figure
    renderer = fig.canvas.get_renderer()
    for text in texts_of(fig):
        drawn_width = text.get_window_extent(renderer).width / fig.dpi
        bold = text.get_fontweight() == "bold"
        assert drawn_width <= measure(text.get_text(), text.get_fontsize(), bold), text.get_text()


@pytest.mark.parametrize(
    "options, words",
    [
        ({"colour": "red"}, "unknown chart option 'colour'"),
        ({"root": "hr-manger-1"}, "no seat with id 'hr-manger-1'"),
        ({"direction": "up"}, "unknown direction"),
        ({"levels": 0}, "levels"),
        ({"paper": "legal"}, "unknown paper 'legal'"),
        ({"unit": "Mars"}, "no seats serve 'Mars'"),
    ],
)
def test_bad_options_are_refused_and_no_file_is_written(make_plan, tmp_path, options, words):
    with pytest.raises(OptionError, match=words):
        render_chart(make_plan(employees=500), tmp_path / "c.pdf", **options)
    assert list(tmp_path.iterdir()) == []


def test_unsupported_extension(make_plan, tmp_path):
    with pytest.raises(OptionError, match=r"use .png, .svg, .pdf or .pptx"):
        render_chart(make_plan(employees=500), tmp_path / "c.jpg")
    assert list(tmp_path.iterdir()) == []


def test_cli_chart_and_plan_out_write_the_chart(tmp_path):
    runner = CliRunner()
    profile = next(str(p) for p in EXAMPLES if p.name == "keystone-manufacturing.yaml")  # a small plan: quick
    out = tmp_path / "chart.svg"
    result = runner.invoke(cli, ["chart", profile, "-o", str(out), "--direction", "lr", "--levels", "3"])
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith("<?xml")
    pdf = tmp_path / "chart.pdf"
    result = runner.invoke(cli, ["chart", profile, "-o", str(pdf), "--paper", "a4", "--detail", "cost"])
    assert result.exit_code == 0 and b"841.68" in pdf.read_bytes()
    result = runner.invoke(cli, ["plan", profile, "--out", str(tmp_path / "o")])
    assert (tmp_path / "o" / "orgchart.png").stat().st_size > 10_000
    bad = runner.invoke(cli, ["chart", profile, "-o", str(tmp_path / "x.png"), "--root", "nobody"])
    assert bad.exit_code == 2 and "no seat with id 'nobody'" in bad.output and not (tmp_path / "x.png").exists()


# A chart under every option ----------------------------------------------------------------


@pytest.mark.parametrize("employees", [6000, 60000])
@pytest.mark.parametrize(
    "options, fewest",
    [
        ({"detail": "cost"}, 10),
        ({"detail": "none"}, 10),
        ({"direction": "lr"}, 10),
        ({"direction": "lr", "detail": "cost"}, 10),
        ({"levels": 3}, 8),
    ],
    ids=["cost", "none", "lr", "lr-cost", "levels-3"],
)
def test_every_option_gives_a_slide_shaped_chart_that_keeps_the_top_of_the_tree(make_plan, employees, options, fewest):
    p = make_plan(employees=employees)
    fig = draw_chart(p, **options).figure
    assert 1.3 <= fig.get_figwidth() / fig.get_figheight() <= 2.4
    titled = [t for t in box_texts(fig) if t]
    assert len(titled) >= fewest, titled  # the first three levels of these plans hold 8 or more boxes


def test_a_branch_chart_gives_the_branch_its_own_totals(make_plan, tmp_path):
    p = make_plan(employees=60000)
    branch = next(s for s in p.seats if s.role == "talent_acquisition_manager")
    below = [s for s in p.hr_seats if s.id == branch.id or branch.id in _managers(p, s)]
    fig = draw_chart(p, root=branch.id).figure
    texts = [t.get_text() for t in fig.texts]
    assert f"Branch: {branch.title}" in texts
    assert any(t.startswith(f"This branch: {len(below):,} HR seats") for t in texts), texts
    assert not any("60,000 employees" in t for t in texts), "the company's totals are not the branch's"
    assert chart_pages(p, root=branch.id)[0].footer[0].startswith(f"This branch: {len(below):,} HR seats")


def _managers(p, seat):
    out, up = [], seat.reports_to
    while up is not None:
        out.append(up)
        up = p.seat(up).reports_to
    return out


def test_pictures_speak_to_the_reader(plans):
    fig = draw_chart(plans["atlas-global"]).figure
    words = " ".join(t.get_text() for t in texts_of(fig))
    assert "orgplan" not in words and "-o " not in words and "band:" not in words
    assert re.search(r"every seat is drawn in the PDF \(\d+ pages?\)", words)
    assert "A lead and their team (the stripe on top is the lead)" in words


def test_the_branch_opened_on_a_large_chart_is_the_largest_that_fits(make_plan):
    from orgplan.outputs.charts.pages import chart_options, slide_page

    p = make_plan(employees=60000)
    lay = slide_page(p, chart_options({}), count_pages=False).layout
    under_hr = [b for b in lay.boxes if b.depth == 2 and b.kind == "seat"]
    opened = [b for b in under_hr if b.children]
    assert opened, "a branch is opened"
    size = {s.id: 0 for s in p.seats}
    for s in p.seats:
        for m in _managers(p, s):
            size[m] += 1
    assert max(size[b.seat_ids[0]] for b in opened) == max(size[b.seat_ids[0]] for b in under_hr)


@pytest.mark.parametrize(
    "profile",
    [
        {"employees": 6000, "max_span": 5},
        {"employees": 12000, "business_units": 6},
        {"employees": 60000, "countries": 20},
    ],
    ids=lambda p: str(p["employees"]),
)
def test_pdf_pages_are_not_wasted(make_plan, profile):
    p = make_plan(**profile)
    pages = chart_pages(p)
    assert len(pages) <= max(1, -(-len(p.seats) // 25)), "at most one page per 25 seats"
    for page in pages:  # identical branches share a page, so a seat may be drawn as one of its alikes
        assert all(page.refs.get(b.id) for b in page.layout.boxes if b.hidden), "folded boxes say where they go on"
        ids = [b.id for b in page.layout.boxes]
        assert len(ids) == len(set(ids)), "branches sharing a page keep their boxes apart"
        assert not any(b.kind == "unit" and not b.children and len(b.hidden) == 1 for b in page.layout.boxes), (
            "a lone seat is drawn in place, not folded"
        )


def test_examples_pdfs_fit_one_page_per_25_seats(plans):
    for name in ("meridian-bank", "atlas-global", "northbridge-holdings"):
        p = plans[name]
        assert len(chart_pages(p)) <= -(-len(p.seats) // 25), name


def test_wrapping_is_linear_in_the_texts_length():
    """A note naming 20,000 seats wraps in well under a second, even on a very wide line."""
    from orgplan.outputs.charts.text import approx_measure, measure, wrap

    text = ", ".join(f"Widget Wrangler {i} (S{i})" for i in range(20000))
    start = time.monotonic()
    lines = wrap(text, 1000.0, measure, 8)
    assert time.monotonic() - start < 2
    assert " ".join(lines) == " ".join(text.split())
    assert wrap(text, 5.0, approx_measure, 8, most=3)[-1].endswith("…")


def test_the_chart_choices_are_declared_once_for_the_command_line_the_page_and_the_pdf():
    from orgplan.cli import cli
    from orgplan.outputs.charts.choices import DETAILS, DIRECTIONS, PAPERS
    from orgplan.outputs.charts.pages import PAPER

    options = {p.name: p for p in cli.commands["chart"].params}
    assert tuple(options["direction"].type.choices) == DIRECTIONS
    assert tuple(options["detail"].type.choices) == DETAILS
    assert tuple(options["paper"].type.choices) == PAPERS == tuple(PAPER)
