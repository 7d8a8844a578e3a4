"""Federated groups: each large business unit its own HR team and HR head, under a small group HR.

Properties over generated holdings (units of many sizes and industries, countries or none,
narrow and wide spans), not over the examples.
"""

from __future__ import annotations

import random

import pytest

from orgplan import plan, profile_from_dict
from orgplan.knowledge.templates import load_templates

T = load_templates()
LARGE = int(T.constants["federated_unit_min_employees"].value or 0)
POLICY = T.rules.federated
INDUSTRIES = ["construction", "hotels", "software", "retail", "hospital", "manufacturing", "banking", "logistics"]


def holding(seed: int, *, model: str = "federated", spans: tuple[int, ...] = (6, 8, 12)) -> dict:
    """A holding of 2-5 large units (and perhaps a small one), in unlike industries, in one or more countries."""
    r = random.Random(seed)
    sizes = [r.choice([LARGE + 100, 4000, 9000, 25000, 60000]) for _ in range(r.randint(2, 5))]
    units = [
        {"name": f"Unit {chr(65 + i)}", "employees": n, "industry": INDUSTRIES[(seed + i) % len(INDUSTRIES)]}
        for i, n in enumerate(sizes)
    ]
    small = r.choice([0, 300, 1500])
    if small:
        units.append({"name": "Corporate", "employees": small})
    total = sum(u["employees"] for u in units)
    profile = {
        "company": f"Holding {seed}",
        "employees": total,
        "business_units": units,
        "max_span": r.choice(spans),
        "unionized_share": r.choice([0, 0.2, 0.6]),
        "operating_model": model,
    }
    if r.random() < 0.6:
        shares = [r.random() + 0.1 for _ in range(r.randint(1, 4))]
        counts = [max(1, int(total * s / sum(shares))) for s in shares]
        counts[0] += total - sum(counts)
        profile["countries"] = [
            {"name": f"Land {i}" if i else "Home", "employees": n, "pay_index": r.choice([0.3, 0.6, 1.0, 1.2])}
            for i, n in enumerate(counts)
        ]
    return profile


def tree(p):
    by_id = {s.id: s for s in p.seats}
    kids: dict[str, list] = {}
    for s in p.seats:
        kids.setdefault(s.reports_to, []).append(s)
    return by_id, kids


def under(seat_id: str, kids) -> list:
    out, todo = [], list(kids.get(seat_id, []))
    while todo:
        s = todo.pop()
        out.append(s)
        todo.extend(kids.get(s.id, []))
    return out


GROUPS = [holding(seed) for seed in range(12)]


@pytest.mark.parametrize("data", GROUPS, ids=[g["company"] for g in GROUPS])
def test_each_large_unit_has_its_own_hr_head_under_the_group_head(data):
    p = plan(profile_from_dict(data))
    by_id, kids = tree(p)
    head = next(s for s in p.hr_seats if by_id[s.reports_to].family == "executive")
    large = [u for u in data["business_units"] if u["employees"] >= LARGE]
    unit_heads = {
        s.unit: s for s in p.hr_seats if s.reports_to == head.id and s.unit and s.role == POLICY.unit_head_role
    }
    assert set(unit_heads) == {u["name"] for u in large}
    for name, seat in unit_heads.items():
        assert name in seat.title
        assert POLICY.unit_head_min_level <= seat.level < head.level
        team = under(seat.id, kids)
        assert team, f"{name} has no HR team of its own"
        assert {s.unit for s in team} == {name}, "every seat of a unit's team serves that unit"
    assert p.summary["operating_model"]["name"] == "federated"


@pytest.mark.parametrize("data", GROUPS, ids=[g["company"] for g in GROUPS])
def test_the_group_head_leads_the_corporate_seats_and_the_groups_own_team(data):
    p = plan(profile_from_dict(data))
    by_id, kids = tree(p)
    head = next(s for s in p.hr_seats if by_id[s.reports_to].family == "executive")
    reports = {s.title: s for s in kids[head.id]}
    for seat in POLICY.corporate:
        assert reports[seat.title].level == seat.level < head.level
    own = sum(u["employees"] for u in data["business_units"] if u["employees"] < LARGE)
    corporate = [s for s in kids[head.id] if s.title.endswith(f", {POLICY.corporate_name}")]
    assert len(corporate) == (1 if own >= T.constants["first_hire_employees"].value else 0)
    assert head.rationale[-1].reason == p.summary["operating_model"]["why"]


@pytest.mark.parametrize("data", GROUPS, ids=[g["company"] for g in GROUPS])
def test_federated_plans_keep_the_ladder_clean(data):
    """No one at or above their manager's level, no one paid above their manager, no chain of
    one, leaders of 40 seats at director level, no two senior leaders with one title, every
    seat placed in a country when countries are named."""
    p = plan(profile_from_dict(data))
    by_id, kids = tree(p)
    for s in p.hr_seats:
        boss = by_id[s.reports_to]
        if boss.family == "executive":
            continue
        assert boss.level > s.level, f"{s.title} at level {s.level} under {boss.title} at {boss.level}"
        assert boss.base_salary + 1 >= s.base_salary, f"{s.title} paid above {boss.title}"
        team = kids.get(s.id, [])
        assert not (s.family == "leadership" and len(team) == 1 and team[0].family == "leadership"), s.title
        if len(under(s.id, kids)) >= 40:
            assert s.level >= 7, f"{s.title} leads {len(under(s.id, kids))} seats at level {s.level}"
        if "countries" in data:
            assert s.country, f"{s.title} sits in no country"
    senior = [s.title for s in p.hr_seats if kids.get(s.id) and s.level >= 7]
    assert len(senior) == len(set(senior)), sorted(t for t in senior if senior.count(t) > 1)


def test_auto_chooses_federated_for_large_unlike_units_only():
    units = [
        {"name": "Build", "employees": 9000, "industry": "construction"},
        {"name": "Stay", "employees": 8000, "industry": "hotels"},
        {"name": "Office", "employees": 1000},
    ]
    unlike = plan(profile_from_dict({"employees": 18000, "business_units": units}))
    alike = plan(profile_from_dict({"employees": 18000, "business_units": [{**u, "industry": None} for u in units]}))
    one_large = plan(
        profile_from_dict(
            {
                "employees": 18000,
                "business_units": [
                    units[0],
                    {**units[1], "employees": 2000},
                    {**units[2], "employees": 7000, "industry": "construction"},
                ],
            }
        )
    )
    assert unlike.summary["operating_model"]["name"] == "federated"
    assert unlike.summary["operating_model"]["chosen_by"] == "orgplan"
    assert alike.summary["operating_model"]["name"] != "federated"
    assert one_large.summary["operating_model"]["name"] != "federated"


def test_a_unit_is_planned_in_its_own_industry():
    """A hospital unit gets the regulated work a hospital has; the software unit beside it does not."""
    units = [
        {"name": "Care", "employees": 9000, "industry": "hospital"},
        {"name": "Code", "employees": 9000, "industry": "software"},
    ]
    p = plan(profile_from_dict({"employees": 18000, "business_units": units}))
    compliance = {
        u["name"]: sum(s.fte for s in p.hr_seats if s.unit == u["name"] and "compliance" in s.functions) for u in units
    }
    assert compliance["Care"] > compliance["Code"]


def test_federated_named_without_a_large_unit_is_planned_in_one_piece_and_says_why():
    units = [{"name": "A", "employees": 1000}, {"name": "B", "employees": 1000}]
    p = plan(profile_from_dict({"employees": 2000, "operating_model": "federated", "business_units": units}))
    model = p.summary["operating_model"]
    assert model["name"] != "federated" and model["chosen_by"] == "orgplan"
    assert f"{LARGE:,}" in model["why"] and "federated" in model["why"]
    assert not any(s.role == POLICY.unit_head_role and s.unit for s in p.hr_seats)


def test_a_federated_groups_roadmap_runs_from_small_to_large():
    """Named units shrink with the company: the roadmap plans every size, and a unit HR head
    first appears where the units are large enough."""
    from orgplan.planning.growth import roadmap

    data = holding(1)
    sweep = roadmap(profile_from_dict(data), [200, 2000, data["employees"]], templates=T)
    sizes = {s.employees: s for s in sweep.curve}
    assert {200, 2000, data["employees"]} <= set(sizes)
    assert sizes[200].hr_headcount < sizes[data["employees"]].hr_headcount
    assert any(m.role == POLICY.unit_head_role and m.event == "first" for m in sweep.milestones)


def test_a_federated_plan_is_drawn_and_exported(tmp_path):
    import orgplan

    data = holding(3)
    orgplan.export(data, tmp_path / "plan.xlsx", no_chart=True)
    orgplan.chart(data, tmp_path / "plan.png")
    assert (tmp_path / "plan.xlsx").stat().st_size > 0 and (tmp_path / "plan.png").stat().st_size > 0


def test_a_federated_plan_above_the_range_says_what_planning_in_parts_costs():
    units = [
        {"name": "Soft", "employees": LARGE + 100, "industry": "software"},
        {"name": "Care", "employees": LARGE + 100, "industry": "hospital"},
        {"name": "Office", "employees": 1500},
    ]
    data = {"employees": sum(u["employees"] for u in units), "business_units": units, "unionized_share": 0.6}
    p = plan(profile_from_dict(data))
    band = p.summary["benchmark_hr_per_100"]
    assert p.summary["operating_model"]["name"] == "federated" and band["status"] == "above"
    first = band["reasons"][0]
    assert first.startswith("Federated HR: 2 large business units")
    one = plan(profile_from_dict({**data, "business_units": [{**u, "industry": None} for u in units]}))
    assert f"({one.summary['hr_fte']:,.1f} FTE)" in first


@pytest.mark.parametrize(
    "industry, expected",
    [(["x"], "expected text"), ("x" * 101, "1 to 100 characters"), ("a\nb", "on one line")],
    ids=["a list", "too long", "two lines"],
)
def test_a_units_industry_is_checked_like_any_text(industry, expected):
    from orgplan.errors import ProfileError

    units = [{"name": "A", "employees": 6000, "industry": industry}, {"name": "B", "employees": 6000}]
    with pytest.raises(ProfileError) as caught:
        profile_from_dict({"employees": 12000, "business_units": units})
    assert "business_units[1].industry" in str(caught.value) and expected in str(caught.value)


def test_the_group_keeps_corporate_seats_only_for_the_functions_asked_for():
    data = {**holding(5), "functions": ["talent_acquisition", "payroll", "hr_operations", "compensation"]}
    p = plan(profile_from_dict(data))
    group = {s.title for s in p.hr_seats if any(s.title == c.title for c in POLICY.corporate)}
    expected = {c.title for c in POLICY.corporate if set(c.functions) & set(data["functions"])}
    assert group == expected and group, group
    for seat in p.hr_seats:
        assert set(seat.functions) <= set(data["functions"]), seat.title


COUNTRIES = [
    {"name": "United States", "employees": 24000},
    {"name": "Mexico", "employees": 9000, "pay_index": 0.35},
    {"name": "Germany", "employees": 5000, "pay_index": 1.05},
    {"name": "Poland", "employees": 2000, "pay_index": 0.5},
]


def test_a_units_hr_serves_only_the_countries_it_names():
    units = [
        {
            "name": "Foods",
            "employees": 18000,
            "industry": "food manufacturing",
            "countries": ["Mexico", "United States"],
        },
        {"name": "Freight", "employees": 14000, "industry": "logistics", "countries": "Germany, Poland"},
        {"name": "Code", "employees": 8000, "industry": "software"},
    ]
    p = plan(profile_from_dict({"employees": 40000, "countries": COUNTRIES, "business_units": units}))
    served = {u["name"]: {s.country for s in p.hr_seats if s.unit == u["name"]} for u in units}
    assert served["Foods"] <= {"Mexico", "United States"} and "Mexico" in served["Foods"]
    assert served["Freight"] <= {"Germany", "Poland"}
    head = next(s for s in p.hr_seats if s.unit == "Foods" and s.role == POLICY.unit_head_role)
    assert head.country == "Mexico"  # the unit's first country is where its HR head sits
    assert "Poland" in served["Code"] or "Germany" in served["Code"] or len(served["Code"]) > 1  # all, by default


@pytest.mark.parametrize(
    "countries, expected",
    [(["Brazil"], "unknown country 'Brazil'"), ([], "expected one or more names"), ([["x"]], "expected text")],
    ids=["unknown", "empty", "a list in the list"],
)
def test_a_units_countries_must_be_the_profiles(countries, expected):
    from orgplan.errors import ProfileError

    units = [{"name": "A", "employees": 20000, "countries": countries}, {"name": "B", "employees": 20000}]
    with pytest.raises(ProfileError) as caught:
        profile_from_dict({"employees": 40000, "countries": COUNTRIES, "business_units": units})
    assert "business_units[1].countries" in str(caught.value) and expected in str(caught.value)


def test_unit_hr_heads_may_report_to_their_units_leader_with_a_dotted_line_to_the_group():
    data = {**holding(2), "unit_hr_reports_to": "unit"}
    p = plan(profile_from_dict(data))
    by_id, kids = tree(p)
    group = next(s for s in p.hr_seats if by_id[s.reports_to].family == "executive")
    heads = [s for s in p.hr_seats if s.role == POLICY.unit_head_role and s.unit and s.reports_to != group.id]
    assert {s.unit for s in heads} == {u["name"] for u in data["business_units"] if u["employees"] >= LARGE}
    for seat in heads:
        leader = by_id[seat.reports_to]
        assert leader.family == "business" and seat.unit in leader.title and not leader.annual_cost
        assert seat.dotted_to == group.id
        assert leader.base_salary > seat.base_salary  # shown, not costed, and above the HR head it leads
    same = plan(profile_from_dict({**data, "unit_hr_reports_to": "group"}))
    assert p.summary["hr_headcount"] == same.summary["hr_headcount"]  # the lines move, the seats stay
