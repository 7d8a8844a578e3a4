"""The growth roadmap: exact thresholds, no unexplained back-and-forth, and reports that match the plans."""

from __future__ import annotations

import os
import signal
import zipfile
from collections import Counter
from itertools import pairwise
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from orgplan import plan, profile_from_dict
from orgplan.cli import cli
from orgplan.errors import OptionError
from orgplan.planning.growth import default_sizes, default_target, roadmap, roadmap_sizes, roadmap_target
from orgplan.planning.planner import outline_with
from orgplan.planning.sourcing import Adjustments
from orgplan.planning.sweep import scaled

from .conftest import forks_counted, in_a_process_of_its_own


@pytest.fixture(scope="module")
def startup(templates):
    return profile_from_dict({"company": "Acme", "employees": 15, "growth_rate": 0.5}, templates=templates)


@pytest.fixture(scope="module")
def sweep(startup, templates):
    return roadmap(startup, default_sizes(15, 20000, 60), templates=templates)


def roles_at(profile, n, templates):
    return Counter(
        s.role for s in plan(profile.with_values(templates=templates, employees=n), templates=templates).hr_seats
    )


def test_default_sizes_run_from_today_to_the_target_on_a_log_scale():
    sizes = default_sizes(40, 4000, 5)
    assert sizes == [40, 130, 400, 1300, 4000]
    assert default_sizes(900, 1000, 12)[-1] == 1000 and default_sizes(500, 500) == [500]


def test_default_target_is_three_years_of_growth(startup):
    assert default_target(startup) == round(15 * 1.5**3)


def test_the_default_horizon_reaches_the_next_size_band_for_a_slow_grower(templates):
    slow = profile_from_dict({"employees": 900, "growth_rate": 0.04}, templates=templates)
    assert default_target(slow) == 1012  # three years at 4%: hardly a seat changes
    sizes = roadmap_sizes(slow)
    assert sizes[0] == 900 and sizes[-1] == roadmap_target(slow) == 1800
    assert templates.band_for(sizes[-1]) != templates.band_for(900)  # past 1,000, the next published band
    fast = profile_from_dict({"employees": 15, "growth_rate": 0.5}, templates=templates)
    assert roadmap_target(fast) == default_target(fast) == 51
    shrinking = profile_from_dict({"employees": 900, "growth_rate": -0.1}, templates=templates)
    assert roadmap_sizes(shrinking)[-1] == 1800


def test_each_threshold_is_the_exact_headcount_where_the_seat_first_appears(sweep, startup, templates):
    firsts = [m for m in sweep.milestones if m.event == "first"]
    assert {m.role for m in firsts} >= {"hr_generalist", "hr_manager", "recruiter", "hr_director", "chro"}
    for m in firsts:
        assert roles_at(startup, m.employees, templates)[m.role] > 0
        assert roles_at(startup, m.employees - 1, templates)[m.role] == 0


def test_the_first_generalist_comes_before_the_manager_and_the_first_recruiter(sweep):
    first = {m.role: m.employees for m in sweep.milestones if m.event in ("first", "today")}
    assert first["hr_generalist"] < first["hr_manager"] < first["hr_director"] < first["chro"]
    assert first["hr_generalist"] < first["recruiter"]


def test_roles_only_come_back_for_a_reason_in_the_rules(sweep, templates):
    flips = Counter(m.role for m in sweep.milestones if m.event != "today")
    for m in sweep.milestones:
        assert m.reason
        if m.event == "last":  # a role goes only when others take over its work
            assert m.reason.startswith("the work moves to ")
    for role, count in flips.items():
        # a role may come back once (a generalist whose seat a specialist took, back when the team grows);
        # only span-limit team leads may come and go more often
        if count > 3:
            assert role in {t.role for t in templates.rules.span.team_leads}, (role, count)
    for step_a, step_b in pairwise(sweep.steps):
        assert step_b.employees > step_a.employees
        assert step_b.hr_headcount >= step_a.hr_headcount  # the team never shrinks as the company grows


@pytest.mark.parametrize(
    "shape",
    [
        {},
        {"growth_rate": 0.3},
        {"industry": "retail", "turnover_rate": 0.6, "sites": 50},
        {"countries": 3},
        {"industry": "healthcare", "unionized_share": 0.3},
        {"industry": "manufacturing", "unionized_share": 0.6, "sites": 5},
        {"max_span": 5},
    ],
    ids=["ordinary", "fast-growing", "retailer", "three-countries", "unionised-hospital", "union-plant", "span-5"],
)
def test_a_role_appears_at_most_twice_from_20_to_50000_employees(templates, shape):
    appearances = appearances_from_20_to_50000(shape, templates)
    assert max(appearances.values()) <= 2, appearances


def appearances_from_20_to_50000(shape, templates) -> Counter[str]:
    """How often each role's seats appear (first, or again) on the roadmap of a company of ``shape``."""
    r = roadmap(
        profile_from_dict({"employees": 20, **shape}, templates=templates),
        default_sizes(20, 50000, 120),
        templates=templates,
    )
    return Counter(m.role for m in r.milestones if m.event in ("first", "again"))


def test_steps_hold_the_plans_numbers(sweep, startup, templates):
    for step in sweep.steps[:: max(1, len(sweep.steps) // 6)]:
        p = plan(startup.with_values(templates=templates, employees=step.employees), templates=templates)
        s = p.summary
        assert (step.hr_headcount, step.hr_fte, step.annual_cost, step.layers) == (
            s["hr_headcount"],
            s["hr_fte"],
            s["annual_cost"],
            s["layers"],
        )


def test_given_hiring_volume_grows_with_the_company(templates):
    p = profile_from_dict({"company": "Hirer", "employees": 1000, "annual_hires": 400}, templates=templates)
    r = roadmap(p, [1000, 2000], templates=templates)
    recruiters = dict(r.steps[-1].roles)["recruiter"]
    assert recruiters > dict(r.steps[0].roles)["recruiter"]


def test_named_countries_and_units_grow_with_the_company_each_keeping_its_share(templates):
    p = profile_from_dict(
        {
            "company": "Placed",
            "employees": 1000,
            "countries": [{"name": "Home", "employees": 700, "sites": 3}, {"name": "Away", "employees": 300}],
            "business_units": [{"name": "A", "employees": 500}, {"name": "B", "employees": 499}],
        },
        templates=templates,
    )
    r = roadmap(p, [1000, 2000, 7777], templates=templates)
    assert [s.employees for s in r.steps][-1] == 7777
    grown = scaled(p, 7777, templates)
    assert [(c.name, c.employees, c.sites) for c in grown.countries] == [("Home", 5444, 3), ("Away", 2333, None)]
    assert [u.employees for u in grown.business_units] == [3892, 3885]
    with pytest.raises(OptionError, match="sizes should be 2 employees or more: the profile has 2 countries"):
        roadmap(p, [1, 1000], templates=templates)


def test_cli_roadmap_of_a_company_with_named_countries_and_units():
    result = CliRunner().invoke(cli, ["roadmap", "examples/northbridge-holdings.yaml"])
    assert result.exit_code == 0, result.output
    assert "24,000" in result.output and "Employees  HR seats" in result.output


def test_cli_roadmap_prints_milestones_and_writes_workbook_and_chart(tmp_path):
    result = CliRunner().invoke(
        cli, ["roadmap", "examples/brightpath-startup.yaml", "--to", "3000", "--steps", "8", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "first HR Manager" in result.output and "Employees  HR seats" in result.output
    wb = openpyxl.load_workbook(tmp_path / "roadmap.xlsx")
    assert wb.sheetnames == ["Roadmap", "Roadmap chart", "Milestones"]
    ws = wb["Roadmap"]
    assert ws["A4"].value == 40 and ws.cell(row=ws.max_row, column=1).value == 3000
    headers = [c.value for c in ws[3]]
    assert headers[2] == "HR FTE" and headers[6:8] == ["Published low, FTE", "Published high, FTE"]
    with zipfile.ZipFile(tmp_path / "roadmap.xlsx") as z:  # a native line chart of HR FTE and the band, in FTE
        chart = z.read("xl/charts/chart1.xml").decode()
    last = ws.max_row
    assert "<c:lineChart>" in chart
    assert all(f"Roadmap!${col}$4:${col}${last}" in chart for col in "CGH")
    assert (tmp_path / "roadmap.png").stat().st_size > 20000


@pytest.mark.parametrize(
    "args, message",
    [
        (["--to", "10"], "--to 10 is not larger than the company's 40 employees"),
        (["--steps", "1"], "Invalid value for '--steps'"),
        (["--to", "many"], "Invalid value for '--to'"),
    ],
)
def test_cli_roadmap_refuses_bad_options(args, message):
    result = CliRunner().invoke(cli, ["roadmap", "examples/brightpath-startup.yaml", *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_roadmap_chart_has_an_fte_panel_over_a_cost_panel_with_labels_apart(sweep):
    from orgplan.outputs.charts.roadmap import draw_roadmap

    fte = draw_roadmap(sweep)
    fig = fte.figure
    cost = next(a for a in fig.axes if a is not fte)
    assert fte.get_position().y0 > cost.get_position().y1, "cost has its own panel below the FTE panel"
    assert (fte.get_ylabel(), cost.get_ylabel(), cost.get_xlabel()) == ("HR staff (FTE)", "Annual HR cost", "Employees")
    for axis in (fte.xaxis, cost.xaxis):  # employees on a log scale: ticks at 1, 2 and 5 times a power of ten
        ticks = axis.get_majorticklocs()
        assert len(ticks) >= 3 and all(f"{t:e}"[0] in "125" for t in ticks)
    for axis in (fte.yaxis, cost.yaxis):  # FTE and cost: evenly spaced by 1, 2 or 5 times a power of ten
        ticks = axis.get_majorticklocs()
        steps = {round(b - a, 6) for a, b in pairwise(ticks)}
        assert len(ticks) >= 3 and len(steps) == 1 and f"{steps.pop():e}"[0] in "125"
    assert (
        list(cost.xaxis.get_majorticklocs()[:3]) == [20, 50, 100]
        and cost.xaxis.get_major_formatter()(2000, 0) == "2,000"
    )
    fig.canvas.draw()
    labels = [t.get_bbox_patch().get_window_extent() for t in fte.texts]  # each number's rounded label
    assert len(labels) >= 10
    assert not [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if a.overlaps(b)], (
        "threshold numbers never overlap"
    )
    assert all(
        fte.bbox.x0 <= b.x0 and b.x1 <= fte.bbox.x1 and fte.bbox.y0 <= b.y0 and b.y1 <= fte.bbox.y1 for b in labels
    )
    assert all(not t.get_parse_math() for t in [*fig.texts, *fte.texts])


def test_roadmap_picture_wastes_no_band_of_the_slide(sweep, tmp_path):
    import numpy as np
    from PIL import Image

    from orgplan.outputs.charts.roadmap import render_roadmap

    with Image.open(render_roadmap(sweep, tmp_path / "r.png", dpi=60)) as img:
        ink = np.asarray(img.convert("L")) < 245
    for axis, share in ((0, 0.08), (1, 0.12)):  # blank columns, then blank rows
        blank = ~ink.any(axis=axis)
        longest = max((len(run) for run in "".join("1" if b else "0" for b in blank).split("0")), default=0)
        assert longest < share * blank.size, (axis, longest, blank.size)


def test_the_published_band_is_drawn_without_a_cliff_where_size_bands_meet(templates):
    from matplotlib.collections import PolyCollection

    from orgplan.outputs.charts.roadmap import draw_roadmap

    company = profile_from_dict({"employees": 500, "growth_rate": 0.04}, templates=templates)
    fte = draw_roadmap(roadmap(company, [500, 1800], templates=templates))
    band = next(c for c in fte.collections if isinstance(c, PolyCollection))
    edge = band.get_paths()[0].vertices
    xs, ys = edge[:, 0], edge[:, 1]
    top = [(x, y * 100 / x) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    rates = sorted({(round(x, 6), round(r, 6)) for x, r in top})
    highs = {}
    for x, r in rates:  # the upper edge: the higher rate at each size
        highs[x] = max(highs.get(x, 0), r)
    steps = [b / a for (_, a), (_, b) in pairwise(sorted(highs.items()))]
    # the published highs at each end (benchmarks.yaml): far enough apart that a step at the bands' edge is a cliff
    first, last = (templates.band_for(round(x)).high for x in (min(highs), max(highs)))
    assert abs(last / first - 1) > 0.1 and min(steps) > 0.97 and max(steps) < 1.03
    assert highs[min(highs)] == pytest.approx(first) and highs[max(highs)] == pytest.approx(last)


def test_the_roadmap_workbook_chart_labels_every_size(sweep, tmp_path):
    from orgplan.outputs.folder import roadmap_tables
    from orgplan.outputs.workbook.tables import write_tables

    path = write_tables(tmp_path / "roadmap.xlsx", roadmap_tables(sweep))
    with zipfile.ZipFile(path) as z:
        chart = next(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert len(sweep.steps) > 12
    assert '<c:tickLblSkip val="1"/>' in chart  # every size labelled,
    assert 'rot="-5400000"' in chart  # standing upright so a spreadsheet has room for each
    assert 'formatCode="#,##0"' in chart  # 1,000 as the table writes it


def test_a_long_roadmap_is_the_same_planned_in_one_process_or_several():
    in_a_process_of_its_own("tests.test_roadmap", "_planned_alone_and_side_by_side")


def test_a_roadmap_whose_forked_workers_are_killed_plans_their_sizes_here_the_same():
    """A worker stopped or killed for lack of memory does not leave the roadmap waiting: what it
    did not plan is planned in the command's own process."""
    in_a_process_of_its_own("tests.test_roadmap", "_workers_killed")


def _long_sweep() -> tuple[Any, list[int], Any]:
    from orgplan.knowledge.templates import load_templates

    t = load_templates()
    p = profile_from_dict(
        {"employees": 300, "countries": [{"name": "France", "employees": 200}, {"name": "Spain", "employees": 100}]},
        templates=t,
    )
    return p, default_sizes(300, 30_000, 60), t


def _planned_alone_and_side_by_side() -> None:
    p, sizes, t = _long_sweep()
    counted: dict[int, list[int]] = {1: [], 2: []}
    alone = roadmap(p, sizes, templates=t, workers=1, progress=counted[1].append)
    children = forks_counted()
    shared = roadmap(p, sizes, templates=t, workers=2, progress=counted[2].append)
    assert children  # planned side by side indeed
    assert shared == alone  # every step, milestone and point of the curve
    assert alone.milestones and len(alone.curve) > len(sizes)  # thresholds bisected between the sizes
    assert len(counted[1]) == len(counted[2]) == len(sizes)  # the progress of the sweep's sizes, in either


def _workers_killed() -> None:
    from orgplan.planning.sweep import Sweep

    p, sizes, t = _long_sweep()
    alone = roadmap(p, sizes, templates=t, workers=1)
    here, sketch = os.getpid(), Sweep._sketch

    def killed_in_a_worker(self: Sweep, job: tuple[int, bool]) -> Any:
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        return sketch(self, job)

    Sweep._sketch = killed_in_a_worker  # type: ignore[method-assign]
    children = forks_counted()
    assert roadmap(p, sizes, templates=t, workers=2) == alone
    assert children


def test_a_size_that_fails_in_a_worker_raises_its_own_error_the_smallest_first(tmp_path):
    from orgplan import RuleError
    from orgplan.knowledge.templates import load_templates

    from .test_rules import _pack_with, _rule

    path = _pack_with(tmp_path, lambda d: _rule(d, "hr-manager")["add"].__setitem__("seats", "employees * 2"))
    t = load_templates(rules=path)
    p = profile_from_dict({"employees": 500}, templates=t)
    with pytest.raises(RuleError) as info:
        roadmap(p, default_sizes(500, 50_000, 60), templates=t, workers=2)
    assert str(info.value).endswith("gives 1,000 seats, more than the company's 500 employees")


OUTLINED = {
    "startup": {"employees": 45},
    "plant": {"employees": 2600, "unionized_share": 0.7, "industry": "manufacturing", "max_span": 5},
    "multinational": {
        "employees": 24000,
        "countries": [
            {"name": "United States", "employees": 14000},
            {"name": "Germany", "employees": 6000},
            {"name": "India", "employees": 4000},
        ],
    },
    "federated": {
        "employees": 30000,
        "operating_model": "federated",
        "business_units": [
            {"name": "Builders", "employees": 12000, "industry": "construction"},
            {"name": "Hotels", "employees": 11000, "industry": "hospitality"},
            {"name": "Freight", "employees": 7000, "industry": "logistics"},
        ],
    },
    "narrow spans": {"employees": 60000, "max_span": 4},
}


@pytest.mark.parametrize("shape", OUTLINED.values(), ids=OUTLINED.keys())
def test_a_plan_outlined_without_words_has_the_plans_seats_cost_and_layers(templates, shape):
    p = profile_from_dict(shape, templates=templates)
    whole = plan(p, templates=templates)
    outline = outline_with(p, templates, Adjustments(), words=False)
    keys = ("hr_headcount", "hr_fte", "annual_cost", "seats_cost", "fees", "layers", "hr_per_100")
    assert {k: outline.totals()[k] for k in keys} == {k: whole.summary[k] for k in keys}
    assert outline.totals()["benchmark_hr_per_100"] == whole.summary["benchmark_hr_per_100"]
    if hasattr(outline, "roles"):  # a federated group is planned whole
        assert list(outline.roles) == [s.role for s in whole.hr_seats]
        assert outline.ledger == {f: {k: row[k] for k in outline.ledger[f]} for f, row in whole.ledger.items()}
    bought = [(e["function"], e["country"], e["recommended"], e["provider"]) for e in outline.sourcing]
    assert bought == [(e["function"], e["country"], e["recommended"], e["provider"]) for e in whole.sourcing]
