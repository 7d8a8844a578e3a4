"""Transactional seats sit where the workforce is or in a service centre; payroll and labour
relations sit in the countries whose law and union members need them (issue 21, items 2 and 8)."""

from __future__ import annotations

import itertools

import pytest

from orgplan import plan, profile_from_dict
from orgplan.errors import ProfileError
from orgplan.knowledge.templates import load_templates

T = load_templates()
CENTRE_ROLES = T.rules.placement.centre_roles if T.rules.placement else ()


def constant(name: str) -> float:
    from orgplan.planning.workload import planning_values

    return float(planning_values(profile_from_dict({"employees": 100}), T)[name])


def contact_centre(employees: int, home: int, centres: dict[str, tuple[int, float]], **more):
    """A contact-centre company headquartered in the United States with most staff abroad."""
    countries = [{"name": "United States", "employees": home, "pay_index": 1.0}]
    countries += [{"name": n, "employees": e, "pay_index": i} for n, (e, i) in centres.items()]
    return profile_from_dict(
        {"company": "Contact centre", "employees": employees, "countries": countries, "turnover_rate": 0.5, **more}
    )


SIZES = [(15000, 2000, {"Philippines": (8000, 0.3), "India": (5000, 0.25)})]
SIZES += [
    (e, round(e * home), {"Philippines": (round(e * ph), 0.3), "India": (e - round(e * home) - round(e * ph), 0.25)})
    for e, home, ph in itertools.product((4000, 12000, 60000), (0.1, 0.3), (0.4, 0.5))
]


@pytest.mark.parametrize(("employees", "home", "centres"), SIZES)
def test_transactional_seats_sit_in_the_service_centre_not_at_headquarters_pay(employees, home, centres):
    p = contact_centre(employees, home, centres)
    result = plan(p)
    least = constant("service_centre_min_employees")
    fits = {n: e for n, (e, i) in centres.items() if e >= least and i < 1.0}
    centre = max(fits, key=lambda n: fits[n])
    moved = [s for s in result.hr_seats if s.role in CENTRE_ROLES and s.role != "payroll_specialist"]
    assert moved, "a company of this size has recruiters or coordinators"
    for seat in moved:
        assert seat.country == centre, (seat.title, seat.country)
        why = [r for r in seat.rationale if r.rule == "service-centre"]
        assert why and centre in why[0].reason and "saves about $" in why[0].reason
        assert "service-centre rule" in why[0].reason
    hq = [s for s in result.hr_seats if s.role == "recruiter" and s.country == "United States"]
    assert not hq, "no recruiter at U.S. pay when most staff are in lower-cost countries"
    recruiter = next(s for s in result.hr_seats if s.role == "recruiter")
    us = plan(p.with_values(service_centre="headquarters"))
    us_recruiter = next(s for s in us.hr_seats if s.role == "recruiter")
    assert recruiter.base_salary < 0.5 * us_recruiter.base_salary


def test_the_profile_names_the_centre_or_keeps_it_at_headquarters():
    p = contact_centre(15000, 2000, {"Philippines": (8000, 0.3), "India": (5000, 0.25)})
    india = plan(p.with_values(service_centre="india"))
    assert {s.country for s in india.hr_seats if s.role == "recruiter"} == {"India"}
    reasons = [r.reason for s in india.hr_seats if s.role == "recruiter" for r in s.rationale]
    assert any("the profile's choice" in r and "saves about $" in r for r in reasons)
    germany = contact_centre(9000, 5000, {"Germany": (4000, 1.1)}, service_centre="Germany")
    reasons = [r.reason for s in plan(germany).hr_seats if s.role == "recruiter" for r in s.rationale]
    assert any("costs about $" in r and "more" in r for r in reasons)
    assert not any("$-" in r for r in reasons)
    home = plan(p.with_values(service_centre="headquarters"))
    assert {s.country for s in home.hr_seats if s.role == "recruiter"} == {"United States"}
    assert p.service_centre == "auto"


def test_a_centre_that_is_not_one_of_the_countries_is_refused_by_name():
    p = contact_centre(15000, 2000, {"Philippines": (8000, 0.3), "India": (5000, 0.25)})
    with pytest.raises(ProfileError) as caught:
        p.with_values(service_centre="Phillipines")
    assert "Phillipines" in caught.value.message and "did you mean 'Philippines'" in caught.value.message


@pytest.mark.parametrize("employees", [3000, 15000, 60000])
def test_no_service_centre_without_a_lower_cost_country_with_enough_employees(employees):
    least = int(constant("service_centre_min_employees"))
    small = min(least - 1, employees // 10)
    p = contact_centre(
        employees, employees - small - employees // 3, {"Germany": (employees // 3, 1.1), "Portugal": (small, 0.6)}
    )
    result = plan(p)
    assert not [s for s in result.hr_seats if any(r.rule == "service-centre" for r in s.rationale)]
    assert {s.country for s in result.hr_seats if s.role == "recruiter"} <= {"United States"}


@pytest.mark.parametrize(("employees", "home", "centres"), SIZES)
def test_payroll_follows_country_law(employees, home, centres):
    result = plan(contact_centre(employees, home, centres, functions=["payroll", "talent_acquisition"]))
    least = constant("payroll_country_min_employees")
    payroll = [s for s in result.hr_seats if s.role == "payroll_specialist"]
    countries = {"United States": home, **{n: e for n, (e, _) in centres.items()}}
    big = [n for n, e in countries.items() if e >= least]
    if len(payroll) >= len(big):
        assert set(big) <= {s.country for s in payroll}
    for seat in payroll:
        if seat.country in big:
            rules = {r.rule for r in seat.rationale if seat.country in r.reason}
            assert rules & {"in-country-payroll", "service-centre"}, "payroll abroad says why it sits there"


MEMBERS = [(e, u) for e in (5000, 12000, 40000) for u in (0.05, 0.15, 0.4)]


@pytest.mark.parametrize(("employees", "union"), MEMBERS)
def test_labour_relations_sit_where_the_members_are(employees, union):
    germany, brazil = employees // 2, employees // 4
    countries = [
        {"name": "United States", "employees": employees - germany - brazil, "pay_index": 1.0, "unionized_share": 0.0},
        {"name": "Germany", "employees": germany, "pay_index": 1.05, "unionized_share": union},
        {"name": "Brazil", "employees": brazil, "pay_index": 0.4, "unionized_share": union},
    ]
    result = plan(profile_from_dict({"employees": employees, "countries": countries, "industry": "manufacturing"}))
    least = constant("labour_relations_country_min_members")
    specialists = [s for s in result.hr_seats if s.role == "labor_relations_specialist"]
    for name, staff in (("Germany", germany), ("Brazil", brazil)):
        members = staff * union
        here = [s for s in specialists if s.country == name]
        if members >= least:
            assert here, f"{members:,.0f} members in {name} and no labour relations there"
            assert any(r.rule == "in-country-labour-relations" for r in here[0].rationale)
        else:
            assert not here
    if min(germany, brazil) * union >= least:
        assert not [s for s in specialists if s.country == "United States"], "no members at headquarters"


@pytest.mark.parametrize("agreements", [1, 2, 4, 5, 8, 12])
@pytest.mark.parametrize("employees", [800, 3000, 20000])
def test_many_agreements_are_led_by_a_negotiator(agreements, employees):
    p = profile_from_dict({"employees": employees, "unionized_share": 0.5, "bargaining_agreements": agreements})
    result = plan(p)
    leads = [s for s in result.hr_seats if s.role == "labor_relations_manager"]
    if agreements >= constant("labour_relations_lead_min_agreements"):
        assert len(leads) == 1
    specialists = [s for s in result.hr_seats if s.role == "labor_relations_specialist"]
    if len(specialists) >= 3:
        assert leads, "many labour relations specialists are never left without their manager"


@pytest.mark.parametrize(("employees", "home", "centres"), SIZES)
def test_no_seat_abroad_reports_into_another_countrys_team_lead(employees, home, centres):
    result = plan(contact_centre(employees, home, centres, unionized_share=0.2))
    by_id = {s.id: s for s in result.hr_seats}
    service = ("Team Lead", "Supervisor", "Operations", "Shared")
    for seat in result.hr_seats:
        boss = by_id.get(seat.reports_to)
        if boss is None or boss.country == seat.country:
            continue
        assert boss.level >= 6 and not any(w in boss.title for w in service), (seat.title, seat.country, boss.title)


def test_a_named_centre_survives_the_ordinary_shape_the_benchmark_reasons_compare_with():
    from orgplan.planning.workload import ordinary_shape

    p = contact_centre(15000, 2000, {"Philippines": (8000, 0.3), "India": (5000, 0.25)}, service_centre="India")
    assert ordinary_shape(p, T).service_centre == "auto"
