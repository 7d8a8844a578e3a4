"""How sure is the plan: samples drawn from a seed, quantiles in order, and which seats are certain."""

from __future__ import annotations

import time

import openpyxl
import pytest
from click.testing import CliRunner

from orgplan import plan, profile_from_dict
from orgplan.cli import cli
from orgplan.core.limits import limit
from orgplan.errors import OptionError
from orgplan.portfolio.sensitivity import draw_samples, parse_vary, sensitivity
from orgplan.portfolio.sensitivity_chart import draw_sensitivity

from .conftest import write

MOST_SAMPLES = int(limit("sensitivity.samples").value)  # templates/limits.yaml


@pytest.fixture(scope="module")
def profile(templates):
    return profile_from_dict({"company": "Acme", "employees": 900, "growth_rate": 0.05}, templates=templates)


@pytest.fixture(scope="module")
def varies(templates):
    return [
        parse_vary("growth_rate=0.0:0.4", templates),
        parse_vary("employees=500:1500", templates),
        parse_vary("countries=1:3", templates),
    ]


@pytest.fixture(scope="module")
def result(profile, varies, templates):
    return sensitivity(profile, varies, 60, seed=7, templates=templates)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_same_seed_gives_the_same_samples_and_another_seed_others(varies):
    assert draw_samples(varies, 50, seed=1) == draw_samples(varies, 50, seed=1)
    assert draw_samples(varies, 50, seed=1) != draw_samples(varies, 50, seed=2)
    for sample in draw_samples(varies, 200, seed=3):
        assert 0.0 <= sample["growth_rate"] <= 0.4
        assert 500 <= sample["employees"] <= 1500 and isinstance(sample["employees"], int)
        assert sample["countries"] in (1, 2, 3)


def test_each_sample_is_the_plan_of_the_profile_with_the_drawn_values(result, profile, templates):
    for values, planned in list(zip(result.samples, result.results, strict=True))[:5]:
        expected = plan(profile.with_values(templates=templates, **values), templates=templates).summary
        assert planned.summary == expected
    assert result.given.summary == plan(profile, templates=templates).summary


def test_quantiles_are_in_order_within_the_samples(result):
    spread = result.spread()
    assert [r.measure for r in spread] == ["HR seats", "HR FTE", "HR staff per 100", "Annual cost (USD)"]
    for r in spread:
        values = sorted(x.summary[r.key] for x in result.results)
        assert values[0] == r.low <= r.p10 <= r.p50 <= r.p90 <= r.high == values[-1]
    seats = next(r for r in spread if r.key == "hr_headcount")
    assert seats.p10 < seats.p90  # a company from 500 to 1,500 employees does not have one HR team size


def test_role_shares_say_which_seats_are_certain(result):
    roles = result.roles()
    assert roles and all(0 < r.share <= 1 for r in roles)
    assert [r.share for r in roles] == sorted((r.share for r in roles), reverse=True)
    for r in roles:
        having = sum(1 for x in result.results if x.roles.get(r.role, 0) > 0)
        assert r.share == having / len(result.results)
        assert r.low <= r.median <= r.high
    assert any(r.certain for r in roles) and any(not r.certain for r in roles)


def test_the_workbook_holds_the_spread_the_roles_and_every_sample(tmp_path, profile):
    path = write(tmp_path / "acme.yaml", "company: Acme\nemployees: 900\n")
    out = tmp_path / "out"
    result = run(
        "sensitivity",
        path,
        "--vary",
        "growth_rate=0:0.4",
        "--vary",
        "Employees=500:1500",
        "--samples",
        40,
        "--seed",
        5,
        "--out",
        out,
        "--workers",
        1,
    )
    assert result.exit_code == 0, result.output
    assert (
        "How sure is the plan for Acme: 40 samples of employees 500 to 1,500, yearly headcount growth 0% to 40% "
        "(seed 5)" in result.output  # the keys in the profile's order, whatever the order of the options
    )
    book = openpyxl.load_workbook(out / "sensitivity.xlsx", data_only=True)
    assert book.sheetnames == ["Spread", "Roles", "Samples"]
    spread = [list(r) for r in book["Spread"].iter_rows(min_row=3, values_only=True)]
    assert spread[0] == ["Measure", "As given", "P10", "P50", "P90", "Smallest", "Largest"]
    for row in spread[1:]:
        assert row[5] <= row[2] <= row[3] <= row[4] <= row[6]
    roles = [list(r) for r in book["Roles"].iter_rows(min_row=4, values_only=True)]
    assert all(0 < r[2] <= 1 for r in roles)
    samples = [list(r) for r in book["Samples"].iter_rows(min_row=3, values_only=True)]
    assert samples[0][:3] == ["Sample", "Employees", "Yearly headcount growth"] and len(samples) == 41
    assert all(500 <= r[1] <= 1500 and 0 <= r[2] <= 0.4 for r in samples[1:])
    assert (out / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = sensitivity(
        profile_from_dict({"company": "Acme", "employees": 900}),
        [parse_vary("growth_rate=0:0.4"), parse_vary("employees=500:1500")],
        40,
        seed=5,
    )
    assert [
        [i, v["employees"], v["growth_rate"], r.summary["hr_headcount"]]
        for i, (v, r) in enumerate(zip(again.samples, again.results, strict=True), start=1)
    ] == [row[:4] for row in samples[1:]]  # the same seed, the same samples and plans


def test_the_picture_shows_the_spread_and_a_bar_per_role(result):
    fig = draw_sensitivity(result)
    fte, cost, roles = fig.axes
    assert fte.get_title(loc="left").startswith("HR staff (FTE): P10") and cost.get_title(loc="left").startswith(
        "Annual HR cost: P10"
    )
    bars = [t.get_text() for t in roles.get_yticklabels()]
    assert bars == [r.title for r in result.roles()]
    certain = sum(1 for r in result.roles() if r.certain)
    assert f"Seats in every sample ({certain})" in roles.get_title(loc="right")


def test_results_are_the_same_on_dask(profile, varies, templates, result, dask_executor):
    again = sensitivity(profile, varies, 60, seed=7, executor=dask_executor, templates=templates)
    assert again.results == result.results and again.samples == result.samples


@pytest.mark.parametrize(
    "vary, message",
    [
        ("growth=0:1", "--vary: unknown key 'growth' (did you mean 'growth_rate'?)"),
        ("industry=1:2", "--vary: industry is not a number and cannot vary"),
        ("growth_rate=0.3:0.1", "--vary: growth_rate: the low end 0.3 is above the high end 0.1"),
        ("growth_rate=0.1", "--vary: expected KEY=LOW:HIGH"),
        ("employees=10.5:20", "--vary: employees takes whole numbers, got 10.5:20"),
        ("turnover_rate=a:b", "--vary: turnover_rate: expected a number, got 'a'"),
        ("countries=1:50", "--vary: countries up to 50, but a sample may have 20 employees; each of the countries"),
        ("employees=1:5000001", "--vary: employees may be from 1 to 5,000,000 in a profile, got '1:5000001'"),
        ("employees=-1:1", "--vary: employees may be from 1 to 5,000,000 in a profile, got '-1:1'"),
        ("growth_rate=0:4", "--vary: growth_rate may be from -90% to 300% in a profile, got '0:4'"),
        ("turnover_rate=" + "9" * 600 + ":1", "--vary: turnover_rate: expected a number, got '999"),
    ],
)
def test_bad_vary_gives_one_line_and_exit_2(tmp_path, vary, message):
    path = write(tmp_path / "p.yaml", "employees: 20\n")
    result = run("sensitivity", path, "--vary", vary, "--samples", 10, "--out", tmp_path / "out", "--workers", 1)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and len(result.output) < 300
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "options, message",
    [
        (
            ("--vary", "employees=1:5000000"),
            "Error: --samples: 1,000 samples x 5,000,000 employees is past 1,000,000,000 "
            "(limit sensitivity.employee_samples); use at most 200 samples",
        ),
        (
            ("--vary", "growth_rate=0:1", "--set", "employees=5000000", "--samples", "201"),
            "Error: --samples: 201 samples x 5,000,000 employees is past 1,000,000,000",
        ),
        (
            ("--vary", "growth_rate=0:1", "--samples", str(MOST_SAMPLES + 1)),
            f"Error: --samples: expected 2 to {MOST_SAMPLES:,} samples",
        ),
        (("--vary", "growth_rate=0:1", "--dask", "not a url"), "Error: --dask: expected 'local' or a scheduler's"),
    ],
)
def test_too_much_work_is_refused_before_any_sample_runs(tmp_path, options, message):
    path = write(tmp_path / "p.yaml", "employees: 20\n")
    started = time.process_time()
    result = run("sensitivity", path, *options, "--out", tmp_path / "out")
    assert result.exit_code == 2 and result.output.startswith(message), result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert time.process_time() - started < 2 and not (tmp_path / "out").exists()


def test_samples_must_be_between_2_and_the_limit(tmp_path, profile, varies, templates):
    path = write(tmp_path / "p.yaml", "employees: 20\n")
    assert run("sensitivity", path, "--vary", "growth_rate=0:1", "--samples", 1, "--out", tmp_path / "o").exit_code == 2
    with pytest.raises(OptionError, match=f"2 to {MOST_SAMPLES:,}"):
        sensitivity(profile, varies, MOST_SAMPLES + 1, templates=templates)
    with pytest.raises(OptionError, match="at least one key"):
        sensitivity(profile, [], 10, templates=templates)


def test_named_countries_and_units_grow_with_each_drawn_headcount(templates):
    northbridge = profile_from_dict(
        {
            "employees": 1000,
            "countries": [{"name": "Home", "employees": 700}, {"name": "Away", "employees": 300}],
            "business_units": [{"name": "A", "employees": 600}, {"name": "B", "employees": 400}],
        },
        templates=templates,
    )
    s = sensitivity(northbridge, [parse_vary("employees=2000:9000")], samples=3, templates=templates)
    for sample, result in zip(s.samples, s.results, strict=True):
        assert result.summary["employees"] == sample["employees"]


def test_a_key_varied_twice_is_refused(tmp_path):
    path = write(tmp_path / "p.yaml", "employees: 20\n")
    vary = ("--vary", "growth_rate=0:1", "--vary", "growth_rate=0.1:0.2")
    result = run("sensitivity", path, *vary, "--samples", 10, "--out", tmp_path / "out", "--workers", 1)
    assert result.exit_code == 2 and "--vary: growth_rate is varied twice; give each key once" in result.output


def test_growth_rates_above_100_percent_are_drawn_as_percentages(templates):
    s = sensitivity(profile_from_dict({"employees": 40}), [parse_vary("growth_rate=50%:250%")], samples=8)
    assert max(v["growth_rate"] for v in s.samples) > 1
    assert [r.profile["growth_rate"] for r in s.results] == pytest.approx([v["growth_rate"] for v in s.samples])
