"""Make or buy, and a plan within a budget.

What a COO checks: payroll bought at 60 employees and run in house at 5,000, with one
crossover in between; small countries priced as employer-of-record fees; an RPO priced
against a volume hirer's recruiters; seats + fees == annual cost to the dollar with nothing
counted twice; a budget fitted by buying in first and deferring work in the rule pack's order,
never the legal minimums, and a budget below any workable plan reported, not a traceback.
"""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgplan import plan, profile_from_dict
from orgplan.cli import cli
from orgplan.errors import ProfileError, RuleError, TemplateError
from orgplan.knowledge.templates import load_templates, templates_dir
from orgplan.outputs.report import plan_table
from orgplan.outputs.workbook.staffing import export_excel
from orgplan.planning.growth import roadmap

from .conftest import bundled_yaml, examples, forks_counted, in_a_process_of_its_own, write, yaml_text
from .test_excel import SOFFICE, convert

SIZES = [15, 60, 300, 900, 3000, 20000]
SWEEP = [15, 20, 30, 45, 60, 80, 120, 180, 250, 350, 450, 550, 650, 800, 1000, 1500, 2500, 5000, 10000, 20000]
SHAPES = [
    {},
    {"industry": "healthcare"},
    {"unionized_share": 0.4, "sites": 12},
    {"salary_multiplier": 1.3, "growth_rate": 0.2},
    {"industry": "retail", "turnover_rate": 0.6},
]


def line(p, function, country=None):
    return next(e for e in p.summary["sourcing"] if e["function"] == function and e["country"] == country)


def bought(p):
    return [e for e in p.summary["sourcing"] if e["recommended"] == "outsourced"]


def price(provider, key, employees=0):
    """The price sourcing.yaml gives ``provider`` (``'payroll_provider'``) for ``key``, at a company's size."""
    return load_templates().sourcing.providers[provider].prices[key].used_for(employees)


def payroll_fee(employees):
    """A year of the payroll provider's fee as sourcing.yaml prices it: a price per employee a month and a base fee."""
    per_head, base = (price("payroll_provider", key, employees) for key in ("per_employee", "base_fee"))
    return (per_head * employees + base) * 12


# -- make or buy per function ----------------------------------------------------------------
def test_every_function_has_a_make_or_buy_line_with_its_reason_and_source(make_plan):
    for n in SIZES:
        p = make_plan(employees=n)
        lines = [e for e in p.summary["sourcing"] if e["country"] is None]
        assert [e["function"] for e in lines] == list(p.profile.functions)
        for e in p.summary["sourcing"]:
            assert {
                "function",
                "recommended",
                "provider",
                "in_house_cost",
                "outsourced_cost",
                "reason",
                "source",
            } <= set(e)
            assert e["recommended"] in ("in_house", "outsourced") and e["reason"] and e["source"]
            assert isinstance(e["in_house_cost"], int) and e["in_house_cost"] >= 0
            if e["provider"] is not None:
                assert isinstance(e["outsourced_cost"], int) and e["outsourced_cost"] > 0
            else:
                assert e["recommended"] == "in_house" and e["outsourced_cost"] is None


def test_a_60_person_company_buys_payroll_and_a_5000_person_one_runs_it(make_plan):
    small, large = line(make_plan(employees=60), "payroll"), line(make_plan(employees=5000), "payroll")
    assert (small["recommended"], small["provider"]) == ("outsourced", "payroll_provider")
    assert small["outsourced_cost"] == payroll_fee(60) < small["in_house_cost"]
    assert (large["recommended"], large["provider"]) == ("in_house", "payroll_provider")
    assert large["in_house_cost"] < large["outsourced_cost"] == payroll_fee(5000)
    assert "payroll provider" in small["reason"] and "In house" in large["reason"]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: ",".join(s) or "plain")
def test_the_recommendation_changes_once_as_the_company_grows(make_plan, shape):
    """Payroll: bought, then in house, once. Every function from 50 employees (past the first HR hire): at most once."""
    history: dict[tuple[str, str | None], list[str]] = {}
    for n in SWEEP:
        for e in make_plan(employees=n, **shape).summary["sourcing"]:
            history.setdefault((e["function"], e["country"]), []).append(e["recommended"])
    payroll = history[("payroll", None)]
    changes = [i for i in range(1, len(payroll)) if payroll[i] != payroll[i - 1]]
    assert payroll[0] == "outsourced" and payroll[-1] == "in_house" and len(changes) == 1, (shape, payroll)
    from_50 = SWEEP.index(60)
    for key, seen in history.items():
        tail = seen[-(len(SWEEP) - from_50) :]
        assert sum(tail[i] != tail[i - 1] for i in range(1, len(tail))) <= 1, (shape, key, seen)


def test_dearer_seats_make_buying_payroll_pay_at_a_larger_size(make_plan):
    def crossover(**extra):
        return next(n for n in SWEEP if line(make_plan(employees=n, **extra), "payroll")["recommended"] == "in_house")

    assert crossover(salary_multiplier=1.6) > crossover()


def test_outsourced_work_leaves_the_ledger_and_no_seat_is_planned_for_it(make_plan):
    p = make_plan(employees=300)
    row = p.summary["functions"]["payroll"]
    payroll = line(p, "payroll")
    assert payroll["recommended"] == "outsourced"
    assert row["outsourced_fte"] == pytest.approx(payroll["fte"], abs=0.01) and row["outsourced_fte"] > 0
    assert row["covered_fte"] <= row["demand_fte"] - row["outsourced_fte"] + 0.01  # only the part kept in house
    assert not any(s.role == "payroll_specialist" for s in p.hr_seats)
    # the same company told to keep payroll in house (a price no one would pay) has more work for its seats
    assert p.values["demand_payroll"] == pytest.approx(row["demand_fte"] - row["outsourced_fte"], abs=0.01)


def test_fractional_hr_below_the_first_full_time_hire(make_plan):
    p = make_plan(employees=40)
    fractional = [e for e in bought(p) if e["provider"] == "fractional_hr"]
    assert {e["function"] for e in fractional} >= {"employee_relations", "hr_operations"}
    assert [s.role for s in p.hr_seats] == ["hr_outsourced"]  # part-time help for what stays in house
    assert all(
        e["recommended"] == "in_house"
        for e in make_plan(employees=60).summary["sourcing"]
        if e["function"] != "payroll"
    )


def test_small_countries_are_priced_as_employer_of_record_fees(make_plan):
    p = make_plan(
        employees=500,
        countries=[
            {"name": "United States", "employees": 420},
            {"name": "Germany", "employees": 70},
            {"name": "Kenya", "employees": 6},
            {"name": "Chile", "employees": 4},
        ],
    )
    eor = {
        e["country"]: e
        for e in p.summary["sourcing"]
        if e["provider"] == "employer_of_record" and e["function"] == "payroll"
    }
    assert set(eor) == {"Germany", "Kenya", "Chile"}  # every country under 150 employees is priced
    assert eor["Kenya"]["recommended"] == eor["Chile"]["recommended"] == "outsourced"
    assert eor["Germany"]["recommended"] == "in_house"  # an entity of its own costs less for 70 people
    fees = sum(
        e["outsourced_cost"]
        for e in p.summary["sourcing"]
        if e["provider"] == "employer_of_record" and e["recommended"] == "outsourced"
    )
    assert fees == price("employer_of_record", "per_employee") * 12 * (6 + 4)  # Kenya's and Chile's employees
    assert "employer of record" in eor["Kenya"]["reason"]


def test_a_volume_hirer_sees_an_rpo_priced_against_its_recruiters(make_plan):
    p = make_plan(employees=3000, industry="retail", annual_hires=2000, sites=40)
    ta = line(p, "talent_acquisition")
    assert ta["provider"] == "rpo" and ta["outsourced_cost"] > 0
    recruiters = sum(s.annual_cost for s in p.hr_seats if s.role == "recruiter")
    assert 0.7 * recruiters <= ta["in_house_cost"] <= 1.1 * recruiters
    assert "RPO" in ta["reason"] and "hires" in ta["reason"]


# -- seats + fees == annual cost, nothing counted twice --------------------------------------
def check_totals(p):
    s = p.summary
    assert s["seats_cost"] == round(sum(x.annual_cost for x in p.hr_seats))
    assert s["fees"] == sum(e["outsourced_cost"] for e in s["sourcing"] if e["recommended"] == "outsourced")
    assert s["annual_cost"] == s["seats_cost"] + s["fees"]
    for f, row in s["functions"].items():  # each function's work bought, deferred or staffed, never twice
        assert row["outsourced_fte"] + row["deferred_fte"] <= row["demand_fte"] + 0.011, f
    owners = [(e["function"], e["country"]) for e in s["sourcing"] if e["recommended"] == "outsourced"]
    assert len(owners) == len(set(owners))  # no function bought from two providers
    if p.budget is not None:
        assert p.budget["planned_cost"] == s["annual_cost"]


@pytest.mark.parametrize("n", SIZES)
def test_fees_and_seats_add_up_to_the_annual_cost(make_plan, n):
    for shape in SHAPES:
        check_totals(make_plan(employees=n, **shape))


@settings(max_examples=examples(0.3), suppress_health_check=[HealthCheck.too_slow])
@given(
    employees=st.integers(5, 30000),
    countries=st.integers(1, 8),
    multiplier=st.sampled_from([0.6, 1.0, 1.5, 2.2]),
    hires_per_employee=st.one_of(st.none(), st.floats(0, 2)),
    budget_share=st.one_of(st.none(), st.floats(0.3, 1.2)),
)
def test_generated_profiles_add_up_and_fit_their_budget_or_say_so(
    employees, countries, multiplier, hires_per_employee, budget_share
):
    templates = load_templates()
    values = {"employees": employees, "countries": min(countries, employees), "salary_multiplier": multiplier}
    if hires_per_employee is not None:
        values["annual_hires"] = round(employees * hires_per_employee)
    full = plan(profile_from_dict(values, templates=templates), templates=templates)
    check_totals(full)
    if budget_share is None:
        return
    limit = round(full.summary["annual_cost"] * budget_share)
    fitted = plan(profile_from_dict({**values, "budget": limit}, templates=templates), templates=templates)
    check_totals(fitted)
    b = fitted.summary["budget"]
    assert b["limit"] == limit and b["planned_cost"] <= full.summary["annual_cost"]
    assert (b["status"] == "within") == (b["planned_cost"] <= limit)
    if budget_share >= 1:
        assert b["changes"] == [] and fitted.summary["annual_cost"] == full.summary["annual_cost"]


# -- a plan within a budget --------------------------------------------------------------------
def test_a_budget_buys_in_first_then_defers_in_the_rule_packs_order_with_risks(make_plan, templates):
    full = make_plan(employees=3000)
    p = make_plan(employees=3000, budget=3_500_000)
    b = p.summary["budget"]
    assert b["status"] == "within" and b["planned_cost"] <= 3_500_000 < full.summary["annual_cost"] == b["full_cost"]
    kinds = [c["kind"] for c in b["changes"]]
    assert kinds == sorted(kinds, key=["buy", "defer"].index) and "defer" in kinds  # buying comes first
    order = [d.function for d in templates.rules.budget.deferrals]
    deferred = [order.index(c["function"]) for c in b["changes"] if c["kind"] == "defer"]
    assert deferred == sorted(deferred)
    assert all(c["risk"] and c["saving"] > 0 and c["reason"] for c in b["changes"])
    assert p.summary["annual_cost"] == b["planned_cost"]


def test_legal_minimums_are_never_deferred(make_plan, templates):
    minimums = set(templates.rules.budget.legal_minimums)
    assert minimums == {"payroll", "compliance", "labor_relations"}
    p = make_plan(employees=4000, unionized_share=0.5, industry="healthcare", budget=1)
    b = p.summary["budget"]
    assert b["status"] == "over" and b["planned_cost"] == p.summary["annual_cost"] > 1
    assert "cheapest workable plan" in b["note"]
    for f in minimums:
        assert p.summary["functions"][f]["deferred_fte"] == 0
        assert not any(f in c["functions"] for c in b["changes"] if c["kind"] == "defer")
    assert any(s.role == "labor_relations_specialist" for s in p.hr_seats)  # union work keeps its seats
    assert p.summary["functions"]["payroll"]["covered_fte"] + p.summary["functions"]["payroll"]["outsourced_fte"] > 0


def test_a_large_plans_budget_trials_weighed_side_by_side_give_the_plan_of_one_process():
    """A large plan's budget trials run in forked children, the deferral steps a batch at a time ahead of
    the results; the plan chosen, its changes and its seats are those of trials weighed one by one."""
    in_a_process_of_its_own("tests.test_sourcing", "_weighed_side_by_side")


def _weighed_side_by_side() -> None:
    from orgplan.planning import planner

    t = load_templates()
    shapes = ({"employees": 3000, "budget": 3_500_000}, {"employees": 4000, "unionized_share": 0.5, "budget": 1})
    alone = [plan(profile_from_dict(shape, templates=t), templates=t) for shape in shapes]
    planner.SIDE_BY_SIDE_SEATS, planner.workers_for = 0, lambda asked: 2
    children = forks_counted()
    for one, shape in zip(alone, shapes, strict=True):
        together = plan(profile_from_dict(shape, templates=t), templates=t)
        assert together.summary == one.summary and together.seats == one.seats
    assert children  # the trials were weighed in forked children


def test_a_budget_below_any_workable_plan_reports_the_smallest_cost(make_plan):
    smallest = make_plan(employees=900, budget=0).summary["budget"]
    again = make_plan(employees=900, budget=100_000).summary["budget"]
    assert smallest["status"] == again["status"] == "over"
    assert smallest["planned_cost"] == again["planned_cost"] < smallest["full_cost"]
    within = make_plan(employees=900, budget=smallest["planned_cost"]).summary["budget"]
    assert within["status"] == "within" and within["planned_cost"] == smallest["planned_cost"]


def test_a_generous_budget_changes_nothing(make_plan):
    full, roomy = make_plan(employees=900), make_plan(employees=900, budget="5M")
    assert roomy.summary["budget"] == {
        "limit": 5_000_000,
        "planned_cost": full.summary["annual_cost"],
        "status": "within",
        "full_cost": full.summary["annual_cost"],
        "changes": [],
        "note": roomy.summary["budget"]["note"],
    }
    assert [s.id for s in roomy.seats] == [s.id for s in full.seats]


def test_budget_amounts_are_read_in_dollars_and_bad_ones_refused(templates):
    for amount, expected in (("1.2M", 1_200_000), ("$850,000", 850_000), ("850k", 850_000), (900000, 900_000)):
        assert profile_from_dict({"employees": 50, "budget": amount}, templates=templates).budget == expected
    for bad in ("lots", "-5", True, "1.2 billion"):
        with pytest.raises(ProfileError, match="budget: expected an amount of U.S. dollars"):
            profile_from_dict({"employees": 50, "budget": bad}, templates=templates)
    assert profile_from_dict({"employees": 50}, templates=templates).budget is None


@pytest.mark.parametrize("command", ["plan", "export", "chart"])
def test_budget_option_on_plan_export_and_chart(tmp_path, command):
    profile = write(tmp_path / "p.yaml", "employees: 3000\n")
    out = {
        "plan": ["--json"],
        "export": ["-o", str(tmp_path / "p.xlsx"), "--no-chart"],
        "chart": ["-o", str(tmp_path / "p.svg")],
    }
    bad = CliRunner().invoke(cli, [command, str(profile), "--budget", "plenty", *out[command]])
    assert bad.exit_code == 2 and bad.output.count("\n") == 1 and "--budget: expected an amount" in bad.output
    assert "Traceback" not in bad.output
    good = CliRunner().invoke(cli, [command, str(profile), "--budget", "3.5M", *out[command]])
    assert good.exit_code == 0, good.output
    if command == "plan":
        assert json.loads(good.output)["summary"]["budget"]["status"] == "within"
    if command == "export":
        summary = openpyxl.load_workbook(tmp_path / "p.xlsx", data_only=True)["Summary"]
        cost = next(r[1].value for r in summary.iter_rows() if r[0].value == "Annual cost (USD)")
        assert cost <= 3_500_000


def test_the_profile_key_budget_is_declared_and_read_by_the_web_form(templates):
    from orgplan.web.forms import check, profile_fields, read_form, sections

    field = next(f for f in profile_fields(templates) if f.key == "budget")
    assert field.numeric and not field.required and field.default == ""
    assert any(field in group for _, group in sections(profile_fields(templates)))
    checked = check(read_form([("employees", "3000"), ("budget", "3.5M")], profile_fields(templates)), templates)
    assert checked.profile is not None and checked.profile.budget == 3_500_000
    refused = check(read_form([("employees", "3000"), ("budget", "lots")], profile_fields(templates)), templates)
    assert "budget" in refused.errors


def test_a_rule_pack_may_not_defer_a_legal_minimum(tmp_path):
    pack = bundled_yaml("rules.yaml")
    pack["budget"]["deferrals"].append({"function": "payroll", "share": 0.5, "risk": "late pay"})
    path = write(tmp_path / "rules.yaml", yaml_text(pack))
    with pytest.raises(RuleError, match="payroll is a legal minimum"):
        load_templates(rules=path)


# -- the outputs say it ------------------------------------------------------------------------
def test_the_text_plan_says_what_is_bought_and_what_it_costs(make_plan):
    small = make_plan(employees=60)
    seats, fees = small.summary["seats_cost"], small.summary["fees"]
    text = plan_table(small)
    assert fees == payroll_fee(60) > 0  # payroll bought in: the only fee of a 60-person company
    assert f"Bought in (${fees:,.0f} a year in fees" in text
    assert f"Annual cost: ${seats + fees:,.0f} (seats ${seats:,.0f}" in text
    text = plan_table(make_plan(employees=3000, budget=3_500_000))
    assert "Budget: $3,500,000 a year - within." in text and "Risk:" in text


def test_the_roadmap_says_when_to_bring_payroll_in_house(templates):
    r = roadmap(profile_from_dict({"employees": 60}, templates=templates), [60, 300, 1000, 5000], templates=templates)
    said = [str(m) for m in r.milestones]
    bring = [m for m in r.milestones if m.event == "bring_in" and m.title == "payroll"]
    assert len(bring) == 1 and 300 < bring[0].employees < 1000
    assert any(s.startswith(f"at ~{bring[0].employees:,} employees: bring payroll in house - In house:") for s in said)
    assert any("payroll bought in" in s for s in said)
    at = plan(profile_from_dict({"employees": bring[0].employees}, templates=templates), templates=templates)
    before = plan(profile_from_dict({"employees": bring[0].employees - 1}, templates=templates), templates=templates)
    assert line(at, "payroll")["recommended"] == "in_house" and line(before, "payroll")["recommended"] == "outsourced"


def test_the_workbook_compares_make_and_buy_and_the_summary_adds_the_fees(make_plan, tmp_path):
    p = make_plan(
        employees=400,
        countries=[
            {"name": "US", "employees": 390},
            {"name": "Kenya", "employees": 6},
            {"name": "Peru", "employees": 4},
        ],
    )
    path = export_excel(p, tmp_path / "p.xlsx", chart=False)
    formulas, values = openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
    summary = {r[0].value: r[1].value for r in values["Summary"].iter_rows() if r[0].value}
    assert summary["Fees for work bought in (USD)"] == p.summary["fees"] > 0
    assert (
        summary["Annual cost (USD)"]
        == p.summary["annual_cost"]
        == summary["Annual cost of the seats (USD)"] + p.summary["fees"]
    )
    ws, wv = formulas["Sourcing"], values["Sourcing"]
    providers = {
        r[0].value: r for r in ws.iter_rows() if r[0].value in ("Payroll provider", "Employer of record (EOR), Kenya")
    }
    payroll = providers["Payroll provider"]
    assert payroll[5].fill.fgColor.rgb.endswith("FFF2CC")  # the price is a cell to change
    assert payroll[10].value.startswith("=ROUND(MAX(") and payroll[13].value.startswith("=IF(")
    assert payroll[3].value.startswith("=SUMIF(")
    rates = [
        r[4].value
        for r in ws.iter_rows()
        if isinstance(r[4].value, str) and r[4].value.startswith("=IFERROR(SUMIFS(Positions!")
    ]
    assert rates  # the in-house cost of an FTE comes from the Positions sheet
    verdicts = {r[0].value: r[13].value for r in wv.iter_rows() if r[0].value in providers}
    assert verdicts == {"Payroll provider": "Outsourced", "Employer of record (EOR), Kenya": "Outsourced"}


# -- the prices are data, overridable ------------------------------------------------------------
def test_every_price_orgplan_uses_says_its_source_and_year(templates):
    for p in templates.sourcing.providers.values():
        for key in (*p.fee, *p.in_house_also):
            price = p.prices[key]
            assert price.used is not None or price.tiers
            assert price.sources and all(s.year for s in price.sources) and price.why
            if price.low is not None and price.used is not None:
                assert price.low <= price.used <= price.high
    for threshold in templates.sourcing.thresholds.values():
        assert threshold.sources and threshold.why


def test_a_templates_folder_of_your_own_plans_with_your_own_prices(tmp_path, templates):
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    data = yaml.safe_load((folder / "sourcing.yaml").read_text(encoding="utf-8"))
    data["providers"]["payroll_provider"]["prices"]["per_employee"]["used"] = 20
    (folder / "sourcing.yaml").write_text(yaml_text(data), encoding="utf-8")
    dear = load_templates(folder)
    mine = plan(profile_from_dict({"employees": 300}, templates=dear), templates=dear)
    usual = plan(profile_from_dict({"employees": 300}, templates=templates), templates=templates)
    assert line(usual, "payroll")["recommended"] == "outsourced"
    assert (
        line(mine, "payroll")["recommended"] == "in_house"
        and line(mine, "payroll")["outsourced_cost"] == 20 * 300 * 12 + 600
    )


def test_a_broken_price_list_is_refused_by_name(tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    data = yaml.safe_load((folder / "sourcing.yaml").read_text(encoding="utf-8"))
    data["providers"]["peo"]["takes"].append("payrol")
    (folder / "sourcing.yaml").write_text(yaml_text(data), encoding="utf-8")
    with pytest.raises(
        TemplateError, match=r"providers\.peo\.takes.*unknown function 'payrol' \(did you mean 'payroll'\?\)"
    ):
        load_templates(folder)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
@pytest.mark.xdist_group("libreoffice")
def test_a_spreadsheet_computes_what_the_sourcing_sheet_stores_and_follows_a_new_price(make_plan, office, tmp_path):
    p = make_plan(employees=400, countries=[{"name": "US", "employees": 394}, {"name": "Kenya", "employees": 6}])
    written = export_excel(p, tmp_path / "written.xlsx", chart=False)
    edited = openpyxl.load_workbook(written)
    for row in edited["Sourcing"].iter_rows():
        if row[0].value == "Payroll provider":
            row[5].value = 30  # $30 an employee a month: dearer than the seats
    edited.save(tmp_path / "dear.xlsx")
    fresh = {
        path.stem: openpyxl.load_workbook(path, data_only=True)
        for path in convert(office, [written, tmp_path / "dear.xlsx"], tmp_path / "recalc", "xlsx")
    }
    formulas, stored = openpyxl.load_workbook(written), openpyxl.load_workbook(written, data_only=True)
    for name in ("Sourcing", "Summary"):
        for row in formulas[name].iter_rows():
            for c in row:
                if c.data_type == "f":
                    want, got = fresh["written"][name][c.coordinate].value, stored[name][c.coordinate].value
                    if isinstance(want, (int, float)):
                        assert got == pytest.approx(want, abs=1e-6), (name, c.coordinate, c.value)
                    else:
                        assert (got or None) == want, (name, c.coordinate, c.value)

    def figures(wb):
        summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows() if r[0].value}
        verdict = next(r[13].value for r in wb["Sourcing"].iter_rows() if r[0].value == "Payroll provider")
        return summary["Fees for work bought in (USD)"], summary["Annual cost (USD)"], verdict

    fees, cost, verdict = figures(fresh["written"])
    assert (fees, cost, verdict) == (p.summary["fees"], p.summary["annual_cost"], "Outsourced")
    dear_fees, dear_cost, dear_verdict = figures(fresh["dear"])
    assert dear_verdict == "In house" and dear_fees == fees - line(p, "payroll")["outsourced_cost"]
    assert dear_cost == cost - line(p, "payroll")["outsourced_cost"]


def test_comparing_two_scenarios_counts_their_fees_once(make_plan):
    from orgplan.planning.gap import compare

    today, next_year = make_plan(employees=60), make_plan(employees=900)
    gap = compare(today, next_year)
    split = gap.cost_split()
    assert gap.current_cost == today.summary["annual_cost"] and split["fees"] == next_year.fees - today.fees
    assert split["new_seats"] + split["repricing"] - split["excess"] + split["fees"] == pytest.approx(
        gap.cost_difference, abs=2
    )


def test_explain_and_the_roadmap_say_what_is_bought_and_that_a_budget_is_todays(tmp_path):
    profile = write(tmp_path / "p.yaml", "employees: 300\nbudget: 400k\n")
    explained = CliRunner().invoke(cli, ["explain", str(profile)])
    assert explained.exit_code == 0 and "Bought in" in explained.output
    road = CliRunner().invoke(cli, ["roadmap", str(profile), "--to", "1000"])
    assert road.exit_code == 0, road.output
    assert "is for today: each size is planned in full" in road.output and "bring payroll in house" in road.output


def test_the_web_page_says_what_is_bought_and_how_the_plan_fits_the_budget():
    testclient = pytest.importorskip("starlette.testclient")
    from orgplan.web import create_app

    with testclient.TestClient(create_app(warm=False)) as c:
        page = c.get("/plan", params={"employees": "3000", "budget": "3.5M"}).text
        small = c.get("/plan", params={"employees": "60"}).text
        seats = plan(profile_from_dict({"employees": 60})).summary["seats_cost"]
        bad = c.get("/plan", params={"employees": "60", "budget": "lots"})
    assert "Budget of $3,500,000 a year: within it" in page and "Risk:" in page
    fees = f"${payroll_fee(60):,.0f}"
    assert "Make or buy" in small and "Bought in for" in small and fees in small
    assert f"seats ${seats:,.0f} + fees {fees}" in small
    assert bad.status_code == 400 and "an amount of U.S. dollars" in bad.text
