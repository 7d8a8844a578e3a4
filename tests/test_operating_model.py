"""HR aligned to the business: operating models, named units and countries, leaders who grow with their teams."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgplan import ProfileError, plan, profile_from_dict
from orgplan.cli import cli

from .conftest import examples, write

UNITS = [
    {"name": "Retail Banking", "employees": 9000},
    {"name": "Wealth", "employees": 2500},
    {"name": "Insurance", "employees": 6000},
    {"name": "Payments", "employees": 3000},
    {"name": "Group Functions", "employees": 2000},
    {"name": "Ventures", "employees": 400},
    {"name": "Leasing", "employees": 1100},
]
COUNTRIES = [
    {"name": "United States", "employees": 15000, "sites": 40},
    {"name": "Germany", "employees": 4000, "pay_index": 1.05, "sites": 12, "unionized_share": 0.6, "region": "Europe"},
    {"name": "United Kingdom", "employees": 2500, "region": "Europe"},
    {"name": "France", "employees": 1400, "region": "Europe", "unionized_share": 0.5},
    {"name": "Singapore", "employees": 600, "pay_index": 1.1, "region": "Asia Pacific"},
    {"name": "India", "employees": 400, "pay_index": 0.35, "region": "Asia Pacific"},
    {"name": "Australia", "employees": 100, "pay_index": 1.15, "region": "Asia Pacific"},
]


@pytest.fixture(scope="module")
def holding(make_plan):
    return make_plan(
        company="Northbridge", employees=24000, business_units=UNITS, countries=COUNTRIES, industry="banking"
    )


# 1. Operating models by size and shape, or as the profile names them.
@pytest.mark.parametrize(
    "profile, model",
    [
        ({"employees": 12}, "outsourced"),
        ({"employees": 500}, "integrated"),
        ({"employees": 3000}, "functional"),
        ({"employees": 3000, "business_units": 4}, "three_pillar"),
        ({"employees": 30000}, "three_pillar"),
        ({"employees": 30000, "operating_model": "functional"}, "functional"),
    ],
)
def test_the_operating_model_follows_size_and_shape_or_the_profile(make_plan, profile, model):
    chosen = make_plan(**profile).summary["operating_model"]
    assert chosen["name"] == model and chosen["why"] and chosen["label"]
    assert chosen["chosen_by"] == ("profile" if "operating_model" in profile else "orgplan")


def test_three_pillars_have_partners_centres_and_shared_services(make_plan):
    roles = {s.role for s in make_plan(employees=30000, business_units=5).hr_seats}
    assert {
        "hr_business_partner",
        "hrbp_head",
        "hr_assistant",
        "hr_operations_manager",
        "talent_acquisition_manager",
        "total_rewards_manager",
    } <= roles


# 2. Named units and countries.
def test_named_lists_are_validated_and_shown_normalised(tmp_path):
    path = write(
        tmp_path / "holding.yaml",
        "employees: 24000\nbusiness_units:\n"
        + "".join(f"  - {{name: {u['name']}, employees: {u['employees']}}}\n" for u in UNITS),
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0 and "- name: Retail Banking\n  employees: 9000" in result.output


@pytest.mark.parametrize(
    "units, words",
    [
        (
            [{"name": "A", "employees": 500}, {"name": "B", "employees": 400}],
            "add up to 900, but the profile has 1,000 employees",
        ),
        ([{"employees": 1000}], "business_units[1]: name is required"),
        (
            [{"name": "A", "employees": 500}, {"name": "a", "employees": 500}],
            "business_units[2]: the name 'a' is used twice (items 1 and 2)",
        ),
        ([{"name": "A", "employees": 1000, "staff": 3}], "business_units[1]: unknown key 'staff'"),
        ([{"name": "A"}], "business_units[1]: employees is required"),
    ],
)
def test_a_bad_unit_names_the_list_item(templates, units, words):
    with pytest.raises(ProfileError) as info:
        profile_from_dict({"employees": 1000, "business_units": units}, templates=templates)
    assert words in str(info.value)


@pytest.mark.parametrize("pay_index", [0, -1, "high"])
def test_a_bad_pay_index_names_the_country(tmp_path, pay_index):
    path = write(
        tmp_path / "p.yaml",
        f"employees: 1000\ncountries:\n  - {{name: Home, employees: 800}}\n  - {{name: Away, employees: "
        f"200, pay_index: {pay_index}}}\n",
    )
    result = CliRunner().invoke(cli, ["plan", str(path)])
    assert (
        result.exit_code == 2
        and "countries[2].pay_index: expected a number from 0.05 to 10" in result.output
        and "Traceback" not in result.output
    )


def test_a_count_stands_for_assumed_places(make_plan):
    p = make_plan(employees=20000, countries=6)
    countries = [c.employees for c in p.profile.countries]
    assert (
        sum(countries) == 20000
        and countries == sorted(countries, reverse=True)
        and p.profile.to_dict()["countries"] == 6
    )


# 3. Alignment: partners to units, HR staff in countries, costed at the country's pay.
def test_every_large_unit_has_a_partner_of_its_own(holding, templates):
    large = templates.constants["unit_partner_min_employees"].value  # benchmarks.yaml's threshold
    assert {u["employees"] >= large for u in UNITS} == {True, False}  # units on both sides of it
    for unit in UNITS:
        aligned = [s for s in holding.hr_seats if s.unit == unit["name"]]
        if unit["employees"] >= large:
            assert any(s.role in ("hr_business_partner", "unit_hr_lead") for s in aligned), unit
        else:
            assert not aligned, unit


def test_every_sizeable_country_has_hr_staff_there_and_small_ones_are_served_from_a_hub(holding, templates):
    sizeable = templates.constants["country_hr_min_employees"].value  # benchmarks.yaml's threshold
    assert {c["employees"] >= sizeable for c in COUNTRIES[1:]} == {True, False}  # countries on both sides of it
    for country in COUNTRIES[1:]:
        local = [s for s in holding.hr_seats if s.country == country["name"]]
        assert bool(local) == (country["employees"] >= sizeable), country
    head = next(s for s in holding.hr_seats if s.reports_to == holding.root.id)
    assert any("Australia" in r.reason and "employer of record" in r.reason for r in head.rationale)


def test_country_seats_are_paid_at_the_countrys_pay_index(holding, templates):
    market = templates.catalog.roles["hr_generalist"].salary.base  # the catalog's U.S. figure
    generalist = next(s for s in holding.hr_seats if s.country == "India" and s.role == "hr_generalist")
    assert generalist.base_salary == round(market * 0.35)
    german = next(s for s in holding.hr_seats if s.country == "Germany" and s.role == "hr_generalist")
    assert german.base_salary == round(market * 1.05)


def test_countries_of_a_region_share_a_regional_director(holding):
    (director,) = [s for s in holding.hr_seats if s.role == "regional_hr_director"]
    assert director.title == "Regional VP of HR, Europe"  # over Country HR Directors of 2,500+ employees each
    managers = [s for s in holding.hr_seats if s.role == "country_hr_manager"]
    assert {m.country for m in managers} == {"Germany", "United Kingdom", "France"}
    assert all(m.reports_to == director.id for m in managers)


def test_alignment_is_in_the_json_and_the_dataframe(holding):
    data = holding.to_dict()
    assert {"Germany", "India"} <= {p["country"] for p in data["positions"]}
    assert "Retail Banking" in set(holding.positions["unit"].dropna())


# 4. Leaders who grow with their teams, and invariants of every structure.
def test_a_head_of_recruiting_over_many_recruiters_is_a_director_or_vp(make_plan):
    p = make_plan(employees=300000, countries=12)
    ta = next(s for s in p.hr_seats if s.role == "talent_acquisition_manager")
    assert ta.level >= 7 and ta.title.startswith(("Director", "VP"))


def _check_structure(p):
    seats = {s.id: s for s in p.seats}
    kids = {}
    for s in p.hr_seats:
        kids.setdefault(s.reports_to, []).append(s)
    for s in p.hr_seats:
        boss = seats[s.reports_to]
        assert boss.level > s.level, (s.title, boss.title)  # a manager outranks every report
        assert boss.base_salary >= s.base_salary or not boss.is_hr, (s.title, boss.title)  # and is paid more
    for leader_id, team in kids.items():
        leader = seats[leader_id]
        if leader.is_hr:  # within the span, or the leader says why not (a small max_span in a large department)
            kept = any(r.rule == "span-kept" for r in leader.rationale)
            assert len(team) <= p.profile.max_span or (kept and p.profile.max_span < 8), leader.title
            assert not (
                len(team) == 1
                and team[0].family == "leadership"
                and leader.family == "leadership"
                and team[0].id in kids
            ), leader.title
    hr = len(p.hr_seats)
    assert p.summary["layers"] <= 2 + math.log(max(hr, 2), p.profile.max_span) * 2


@settings(max_examples=examples(0.4), suppress_health_check=[HealthCheck.too_slow])
@given(
    employees=st.integers(25, 200000),
    countries=st.integers(1, 30),
    units=st.integers(1, 12),
    span=st.integers(4, 14),
    union=st.sampled_from([0.0, 0.4]),
)
def test_every_structure_keeps_the_invariants(templates, employees, countries, units, span, union):
    countries, units = min(countries, employees), min(units, employees)
    p = plan(
        profile_from_dict(
            {
                "employees": employees,
                "countries": countries,
                "business_units": units,
                "max_span": span,
                "unionized_share": union,
            },
            templates=templates,
        ),
        templates=templates,
    )
    _check_structure(p)


def test_a_leader_with_no_level_left_for_a_team_lead_shares_its_team(make_plan):
    # 9 partners per unit under a level-6 lead partner: no level between 5 and 6 for a team lead
    p = make_plan(employees=105561, business_units=10, max_span=8)
    leads = [s for s in p.hr_seats if s.role == "unit_hr_lead" and s.unit == "Business unit 1"]
    assert len(leads) == 2 and all(any(r.rule == "span-shared" for r in s.rationale) for s in leads)
    teams = [[s for s in p.hr_seats if s.reports_to == lead.id] for lead in leads]
    partners = [s for s in p.hr_seats if s.role == "hr_business_partner" and s.unit == "Business unit 1"]
    assert sorted(len(t) for t in teams) == [4, 5] and sorted(s.id for t in teams for s in t) == sorted(
        s.id for s in partners
    )
    # their manager, over the limit in turn, is shared too; each unit's leads stay under one of them
    assert len({s.reports_to for s in p.hr_seats if s.role == "unit_hr_lead"}) > 1
    for unit in {s.unit for s in p.hr_seats if s.role == "unit_hr_lead"}:
        assert len({s.reports_to for s in p.hr_seats if s.role == "unit_hr_lead" and s.unit == unit}) == 1
    _check_structure(p)


def test_a_head_pushed_over_the_limit_by_shared_leaders_puts_reports_under_a_new_lead(make_plan):
    # a retailer whose two partner pillars are shared: the CHRO would have nine reports
    p = make_plan(employees=574395, industry="retail", turnover_rate=0.3, sites=500, countries=2, business_units=12)
    head = next(s for s in p.hr_seats if s.reports_to == p.root.id)
    assert len([s for s in p.hr_seats if s.reports_to == head.id]) <= 8
    assert not any(r.rule == "span-kept" for r in head.rationale)
    _check_structure(p)


def test_a_head_with_no_level_left_for_a_lead_places_a_director_under_a_vp_beside_it(make_plan):
    # 1.5 million civil servants hiring fast: eight VPs and a director would report to the CHRO
    p = make_plan(
        employees=1563633,
        industry="government",
        growth_rate="120%",
        turnover_rate=0.3,
        unionized_share=0.8,
        sites=3,
        business_units=3,
    )
    head = next(s for s in p.hr_seats if s.reports_to == p.root.id)
    assert len([s for s in p.hr_seats if s.reports_to == head.id]) <= 8
    (lowered,) = [s for s in p.hr_seats if any(r.rule == "span-lowered" for r in s.rationale)]
    assert p.seat(lowered.reports_to).level == 8 and lowered.level == 7
    _check_structure(p)


def test_a_lone_seat_over_the_limit_reports_one_level_up_instead_of_getting_a_team_lead(make_plan):
    # a 1,683-person company in 3 countries: its HR manager would have 9 reports, one a lone specialist
    p = make_plan(employees=1683, countries=3)
    assert not [s for s in p.hr_seats if s.role == "hr_team_lead"]
    (lifted,) = [s for s in p.hr_seats if any(r.rule == "span-lifted" for r in s.rationale)]
    assert p.seat(lifted.reports_to).role == "hr_director" and lifted.family == "specialist"
    _check_structure(p)


@pytest.mark.parametrize("employees", [3000, 30000, 300000])
def test_a_ceo_never_has_a_head_of_hr_whose_only_report_is_a_vp(make_plan, employees):
    p = make_plan(employees=employees)
    head = next(s for s in p.hr_seats if s.reports_to == p.root.id)
    assert len([s for s in p.hr_seats if s.reports_to == head.id]) >= 3


def test_the_named_holding_company_keeps_the_invariants(holding):
    _check_structure(holding)
    assert holding.summary["benchmark_hr_per_100"]["status"] == "within"


def test_a_units_lead_partner_leads_that_units_generalists_and_no_others(make_plan):
    units = [{"name": "Plant", "employees": 600}, {"name": "Office", "employees": 300}]
    p = make_plan(employees=900, business_units=units)
    lead = next(s for s in p.seats if s.role == "unit_hr_lead")
    assert lead.unit == "Plant"
    below = [s for s in p.seats if s.reports_to == lead.id]
    assert len(below) >= 3 and all(s.role == "hr_generalist" and s.unit == "Plant" for s in below)
    # a company-wide lead partner (functional HR) leads partners; the generalists keep their HR manager
    hospital = make_plan(employees=3200, industry="healthcare", unionized_share=0.45, sites=4, turnover_rate=0.2)
    by_id = {s.id: s for s in hospital.seats}
    assert {by_id[s.reports_to].role for s in hospital.seats if s.role == "hr_generalist"} == {"hr_manager"}
