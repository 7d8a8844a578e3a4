"""Org chart: layout geometry, readable text, real image files, and clean errors."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from orgplan import OptionError
from orgplan.chart import draw_chart, pdf_branches, render_chart
from orgplan.chart_layout import layout_chart
from orgplan.cli import cli

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


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: str(p["employees"]))
@pytest.mark.parametrize("options", [{}, {"expand": True}, {"direction": "lr"}])
def test_layout_geometry(make_plan, profile, options):
    p = make_plan(**profile)
    lay = layout_chart(p, **options)
    assert overlaps(lay.boxes) == []
    seats = sorted(s.id for s in p.seats)
    assert sorted(i for b in lay.boxes for i in b.seat_ids) == seats
    if options.get("expand"):
        assert len(lay.boxes) == len(p.seats)
    by_id = {b.id: b for b in lay.boxes}
    for b in lay.boxes:
        if b.children and not b.children[0].stacked:
            first, last = b.children[0], b.children[-1]
            axis = (lambda x: x.x) if lay.direction == "tb" else (lambda x: x.y)
            assert axis(b) == pytest.approx((axis(first) + axis(last)) / 2)
    for parent, child, points in lay.connectors:
        pb, cb = by_id[parent].bounds, by_id[child].bounds
        (x0, y0), (x1, y1) = points[0], points[-1]
        assert pb[0] - 1e-9 <= x0 <= pb[2] + 1e-9 and pb[1] - 1e-9 <= y0 <= pb[3] + 1e-9
        assert cb[0] - 1e-9 <= x1 <= cb[2] + 1e-9 and cb[1] - 1e-9 <= y1 <= cb[3] + 1e-9
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(points, points[1:])), "connectors are orthogonal"
    assert len(lay.connectors) == len(lay.boxes) - 1


def test_identical_leaf_seats_collapse_with_a_count(make_plan):
    p = make_plan(employees=5000)
    lay = layout_chart(p)
    role = {s.id: s.role for s in p.seats}
    shown = [b for b in lay.boxes if any(role[i] == "recruiter" for i in b.seat_ids)]
    assert sum(sum(role[i] == "recruiter" for i in b.seat_ids) for b in shown) == sum(1 for s in p.seats if s.role == "recruiter")
    assert any(b.count > 1 or (b.team and b.team[1] > 1) for b in shown)


def test_a_lead_and_its_uniform_team_read_as_one_box(make_plan):
    lay = layout_chart(make_plan(employees=60000))
    teams = [b for b in lay.boxes if b.team]
    assert teams and all(not b.children and b.family == "leadership" for b in teams)
    assert all(len(b.seat_ids) == 1 + b.team[1] for b in teams)


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


def test_text_stays_inside_its_box(make_plan):
    import matplotlib.pyplot as plt

    ax = draw_chart(make_plan(employees=9000, countries=4))
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    patches = ax.collections[1].get_paths()
    boxes = [p.get_extents(ax.transData) for p in patches]
    texts = [t for t in ax.texts if t.get_text()]
    assert texts
    for text in texts:
        ext = text.get_window_extent(renderer)
        assert any(b.x0 - 1 <= ext.x0 and ext.x1 <= b.x1 + 1 and b.y0 - 1 <= ext.y0 and ext.y1 <= b.y1 + 1 for b in boxes), text.get_text()
        assert text.get_fontsize() >= 7
    plt.close(fig)


def test_draw_chart_onto_a_given_axes_returns_it(make_plan):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert draw_chart(make_plan(employees=300), ax=ax) is ax
    plt.close(fig)


def test_png_svg_and_pdf_files_are_real(make_plan, tmp_path):
    from PIL import Image

    p = make_plan(employees=60000, countries=10)
    png = render_chart(p, tmp_path / "c.png")
    with Image.open(png) as img:
        assert img.format == "PNG" and img.width > 2000 and img.height > 500
    svg = render_chart(p, tmp_path / "c.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    pdf = render_chart(p, tmp_path / "c.pdf")
    pages = int(re.search(rb"/Count\s+(\d+)", pdf.read_bytes()).group(1))
    assert pages == 1 + len(pdf_branches(p)) >= 3
    assert sorted(x.name for x in tmp_path.iterdir()) == ["c.pdf", "c.png", "c.svg"]


@pytest.mark.parametrize(
    "options, words",
    [({"colour": "red"}, "unknown chart option 'colour'"), ({"root": "hr-manger-1"}, "no seat with id 'hr-manger-1'"), ({"direction": "up"}, "unknown direction"), ({"levels": 0}, "levels")],
)
def test_bad_options_are_refused_and_no_file_is_written(make_plan, tmp_path, options, words):
    with pytest.raises(OptionError, match=words):
        render_chart(make_plan(employees=500), tmp_path / "c.png", **options)
    assert list(tmp_path.iterdir()) == []


def test_unsupported_extension(make_plan, tmp_path):
    with pytest.raises(OptionError, match="use .png, .svg or .pdf"):
        render_chart(make_plan(employees=500), tmp_path / "c.jpg")
    assert list(tmp_path.iterdir()) == []


def test_cli_pdf_has_a_page_per_branch(tmp_path):
    from orgplan import load_profile, plan

    atlas = next(e for e in EXAMPLES if e.stem == "atlas-global")
    out = tmp_path / "atlas.pdf"
    result = CliRunner().invoke(cli, ["chart", str(atlas), "-o", str(out)])
    assert result.exit_code == 0, result.output
    pages = int(re.search(rb"/Count\s+(\d+)", out.read_bytes()).group(1))
    assert pages == 1 + len(pdf_branches(plan(load_profile(atlas)))) >= 3


def test_cli_chart_and_plan_out_write_the_chart(tmp_path):
    runner = CliRunner()
    out = tmp_path / "chart.svg"
    result = runner.invoke(cli, ["chart", str(EXAMPLES[0]), "-o", str(out), "--direction", "lr", "--levels", "3"])
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith("<?xml")
    result = runner.invoke(cli, ["plan", str(EXAMPLES[0]), "--out", str(tmp_path / "o")])
    assert (tmp_path / "o" / "orgchart.png").stat().st_size > 10_000
    bad = runner.invoke(cli, ["chart", str(EXAMPLES[0]), "-o", str(tmp_path / "x.png"), "--root", "nobody"])
    assert bad.exit_code == 2 and "no seat with id 'nobody'" in bad.output and not (tmp_path / "x.png").exists()
