"""What the recommendation must get right, one test per promise to the user."""

from __future__ import annotations

import numpy as np
import pytest

from orgplan import plan, profile_from_dict


def families(p):
    return p.summary["seats_by_family"]


def roles(p):
    return [s.role for s in p.hr_seats]


# 1. Small companies: generalists only, part-time HR when very small.
@pytest.mark.parametrize("employees", [25, 40, 80, 150, 240])
def test_small_companies_get_generalists_and_no_specialists(make_plan, employees):
    p = make_plan(employees=employees, growth_rate=0.3)
    assert families(p)["specialist"] == 0
    assert families(p)["generalist"] >= 1
    generalist_cover = {f for s in p.hr_seats if s.family == "generalist" for f in s.functions}
    assert generalist_cover == set(p.profile.functions)


def test_very_small_company_gets_part_time_or_outsourced_hr(make_plan):
    p = make_plan(employees=12)
    (seat,) = p.hr_seats
    assert seat.role == "hr_outsourced" and 0 < seat.fte < 1
    assert "first full-time HR hire" in seat.rationale[0].reason


# 2. Large companies: generalists or business partners and specialists.
def test_large_companies_get_both_generalists_and_specialists(make_plan):
    p = make_plan(employees=8000, functions=["talent_acquisition", "payroll", "benefits", "compensation", "learning_development", "employee_relations"])
    assert families(p)["generalist"] >= 2 and families(p)["specialist"] >= 5
    assert {"recruiter", "payroll_specialist", "benefits_specialist", "compensation_specialist", "learning_specialist"} <= set(roles(p))
    assert "hr_business_partner" in roles(p)


# 3. Leadership grows along the seeds' ladder; the head reports to hr_reports_to.
def test_lone_generalist_reports_straight_to_the_executive(make_plan):
    p = make_plan(employees=40)
    (seat,) = p.hr_seats
    assert seat.role == "hr_generalist" and seat.reports_to == "ceo"


def test_manager_oversees_several_generalists(make_plan):
    p = make_plan(employees=249)
    manager = next(s for s in p.hr_seats if s.role == "hr_manager")
    assert manager.reports_to == "ceo"
    assert all(s.reports_to == manager.id for s in p.hr_seats if s.role == "hr_generalist")


@pytest.mark.parametrize(
    "employees, top",
    [(30, "hr_generalist"), (150, "senior_hr_generalist"), (400, "hr_manager"), (1500, "hr_director"), (4000, "vp_hr"), (20000, "chro")],
)
def test_top_hr_leader_follows_the_ladder(make_plan, employees, top):
    p = make_plan(employees=employees, hr_reports_to="CFO")
    heads = [s for s in p.hr_seats if s.reports_to == "cfo"]
    assert [h.role for h in heads] == [top]
    assert p.root.title == "Chief Financial Officer" and p.root.family == "executive"


def test_layers_grow_with_the_department(make_plan):
    layers = [make_plan(employees=n).summary["layers"] for n in (30, 400, 4000, 60000)]
    assert layers == sorted(layers) and layers[0] == 1 and layers[-1] >= 5


# 4. Span limit: no leader has more than max_span reports; a team lead says why.
@pytest.mark.parametrize("max_span", [3, 5, 8, 12])
def test_no_leader_exceeds_max_span(make_plan, max_span):
    p = make_plan(employees=20000, max_span=max_span)
    hr_spans = [p.graph.out_degree(s.id) for s in p.hr_seats]
    assert max(hr_spans) <= max_span
    leads = [s for s in p.hr_seats if any(r.rule == "span-limit" for r in s.rationale)]
    assert leads and all("more than the limit" in s.rationale[0].reason for s in leads)


# 5. Unions, immigration, hiring volume, spread.
def test_unionised_workforce_gets_labour_relations(make_plan):
    small = make_plan(employees=120, unionized_share=0.5)
    assert any("labor_relations" in s.functions for s in small.hr_seats)
    large = make_plan(employees=5000, unionized_share=0.5)
    assert "labor_relations_specialist" in roles(large) and "labor_relations_manager" in roles(large)


def test_immigration_gets_visa_coverage(make_plan):
    p = make_plan(employees=5000, countries=12, functions=["immigration", "payroll"])
    assert "immigration_specialist" in roles(p)
    small = make_plan(employees=60, functions=["immigration"])
    assert small.hr_seats[0].functions == ("immigration",)


def test_hiring_volume_sets_the_number_of_recruiters(make_plan):
    counts = [roles(make_plan(employees=2000, annual_hires=h)).count("recruiter") for h in (100, 400, 1600)]
    assert counts[0] < counts[1] < counts[2]


@pytest.mark.parametrize("key, values", [("countries", (1, 8)), ("sites", (1, 60)), ("business_units", (1, 8))])
def test_spread_raises_generalist_or_partner_coverage(make_plan, key, values):
    low, high = (make_plan(employees=3000, **{key: v}) for v in values)
    cover = lambda p: sum(1 for s in p.hr_seats if s.family == "generalist")  # noqa: E731
    assert cover(high) > cover(low)


# 6. Coverage: every requested function has a seat; no specialist nobody asked for.
@pytest.mark.parametrize("employees", [10, 60, 400, 3000, 50000])
@pytest.mark.parametrize("functions", [["payroll"], ["talent_acquisition", "dei"], ["hris", "immigration", "compensation", "benefits"]])
def test_every_requested_function_is_covered_and_nothing_else(make_plan, employees, functions):
    p = make_plan(employees=employees, functions=functions, countries=3)
    covered = {f for s in p.hr_seats for f in s.functions}
    assert covered == set(functions)
    specialist_functions = {f for s in p.hr_seats if s.family == "specialist" for f in s.functions}
    assert specialist_functions <= set(functions)


# 7. Benchmarks and monotonic growth.
SIZES = [10, 24, 25, 60, 99, 100, 180, 249, 250, 600, 999, 1000, 1800, 2499, 2500, 6000, 9999, 10000, 50000, 300000, 2000000]


@pytest.mark.parametrize("employees", SIZES)
def test_hr_per_100_stays_inside_published_band(make_plan, templates, employees):
    s = make_plan(employees=employees).summary
    band = templates.band_for(employees)
    assert band.low <= s["hr_per_100"] <= band.high


def test_seats_never_fall_when_only_employees_grow(templates):
    sizes = sorted(set(range(1, 1200, 7)) | {int(x) for x in np.geomspace(1200, 400_000, 120)})
    for extra in ({}, {"countries": 5, "sites": 12, "business_units": 3}, {"unionized_share": 0.4, "industry": "hospital"}):
        seats = [plan(profile_from_dict({"employees": n, **extra}, templates=templates), templates=templates).summary["hr_headcount"] for n in sizes]
        drops = [(sizes[i], seats[i], seats[i + 1]) for i in range(len(seats) - 1) if seats[i + 1] < seats[i]]
        assert drops == [], extra


# 8. Every seat says why it is there.
def test_every_seat_carries_a_rationale(make_plan, templates):
    rule_ids = {r.id for r in templates.rules.rules} | {"span-limit"}
    for employees in (12, 300, 60000):
        for seat in make_plan(employees=employees).hr_seats:
            assert seat.rationale, seat
            for reason in seat.rationale:
                assert reason.rule in rule_ids and len(reason.reason) > 20 and "{" not in reason.reason


def test_rationale_uses_the_profile_numbers(make_plan):
    p = make_plan(employees=2000, annual_hires=900)
    recruiter = next(s for s in p.hr_seats if s.role == "recruiter")
    assert "900 hires a year" in recruiter.rationale[0].reason


# 9. Costs.
def test_costs_follow_catalog_salary_multiplier_and_benefits_load(make_plan):
    p = make_plan(employees=500, salary_multiplier=1.2)
    generalist = next(s for s in p.hr_seats if s.role == "hr_generalist")
    # the BLS HR specialist median $72,910 x 1.2, then the 1.42 benefits load
    assert (generalist.base_salary, generalist.benefits_load, generalist.annual_cost) == (87492, 1.42, 124239)
    assert p.summary["annual_cost"] == round(sum(s.annual_cost for s in p.hr_seats))
    assert p.root.annual_cost == 0


def test_outsourced_hr_is_a_fee_without_the_benefits_load(make_plan):
    (seat,) = make_plan(employees=12).hr_seats
    assert seat.role == "hr_outsourced" and seat.benefits_load == 1.0
    assert seat.annual_cost == round(seat.base_salary * seat.fte)


def test_doubling_salary_multiplier_doubles_cost_not_seats(make_plan):
    a, b = make_plan(employees=900), make_plan(employees=900, salary_multiplier=2.0)
    assert a.summary["hr_headcount"] == b.summary["hr_headcount"]
    assert b.summary["annual_cost"] == pytest.approx(2 * a.summary["annual_cost"], rel=1e-4)
