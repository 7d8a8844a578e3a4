"""From a company profile to a recommended HR organisation.

The planner works out the company's HR workload (``workload``), chooses the operating
model, and runs the rule pack in four stages - specialists, the head of HR, generalists
and leaders - each seat taking its work off the workload ledger (``ledger``), so work is
counted once. Scoped rules run once per country, business unit or region. Then the
structure step draws the reporting lines, keeps spans within ``max_span`` and grows
leaders with their teams (``structure``), and every seat is priced (``pay``).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from orgplan.core.forking import Shared, workers_for
from orgplan.core.words import with_article
from orgplan.errors import PlanError, RuleError
from orgplan.knowledge.benchmarks import hr_per_100
from orgplan.knowledge.rules import OperatingModel, Rule
from orgplan.knowledge.templates import Templates, load_templates
from orgplan.model.ledger import Ledger
from orgplan.model.places import Place
from orgplan.model.plan import Outline, Plan, Reason, RuleResult
from orgplan.model.profile import Profile, large_units
from orgplan.model.seats import Seat
from orgplan.planning.assembly import GROWTH_RULE, note_growth, note_remote, to_outline, to_plan
from orgplan.planning.budget import fit_budget
from orgplan.planning.federation import (
    Part,
    corporate_profile,
    join,
    merge_beyond,
    merge_results,
    scaled_outsourced,
    settle_lines,
    unit_profile,
)
from orgplan.planning.placement import Placement
from orgplan.planning.scopes import regions, scope_values
from orgplan.planning.sourcing import Adjustments, Weighing, entries, weigh
from orgplan.planning.structure import (
    collapse,
    distinct_titles,
    drop_emptied,
    flatten_small,
    follow_scope,
    grow,
    in_order,
    limit_spans,
    link,
    retitle,
    step_aside,
    step_up,
    team_leaders,
)
from orgplan.planning.unit_leaders import add_unit_leaders
from orgplan.planning.workload import FEDERATED, choose_model, keep_in_house, planning_values

__all__ = ["plan", "plan_with", "outline_with", "planning_values"]

# A budget's trials of a plan of this many HR seats or more are weighed side by side in forked workers.
SIDE_BY_SIDE_SEATS = 5_000

COLLAPSE_RULE = "one-over-one"
LEAN_RULE = "lean-team"


def plan(
    profile: Profile,
    *,
    rules: str | os.PathLike[str] | None = None,
    templates: Templates | None = None,
) -> Plan:
    """Recommend the HR organisation for ``profile``.

    >>> from orgplan import profile_from_dict
    >>> p = plan(profile_from_dict({"company": "Acme", "employees": 60}))
    >>> [(s.title, s.reports_to) for s in p.hr_seats]
    [('HR Generalist', 'ceo')]
    """
    t = templates or load_templates(rules=rules)
    if profile.budget is None:
        return plan_with(profile, t, Adjustments())
    # Over its budget, the plan is planned whole only once fitted: its trials are outlines.
    base = _weighed(_trial(profile, t, Adjustments()), profile, t)
    if isinstance(base, Outline) and base.totals()["annual_cost"] <= profile.budget:
        base = plan_with(profile, t, Adjustments())  # within it as it is (a federated group's is whole already)
    large = isinstance(base, Outline) and len(base.roles) >= SIDE_BY_SIDE_SEATS
    shared = Shared(functools.partial(_trial, profile, t), workers_for(None) if large else 1)
    return fit_budget(
        profile,
        t,
        base,
        lambda adjust: plan_with(profile, t, adjust),
        lambda many: [_weighed(trial, profile, t) for trial in shared.map(many)],
        batch=shared.count,
    )


def _trial(profile: Profile, t: Templates, adjust: Adjustments) -> Plan | dict[str, Any]:
    """What a budget trial weighs: the figures of an outline without words, all but its templates and
    make-or-buy weighing, so they can travel from a worker (a federated group's trial is a plan)."""
    trial = outline_with(profile, t, adjust, words=False)
    if isinstance(trial, Plan):
        return trial
    return {f.name: getattr(trial, f.name) for f in dataclasses.fields(trial) if f.name not in _KEPT_HERE}


def _weighed(trial: Plan | dict[str, Any], profile: Profile, t: Templates) -> Plan | Outline:
    return trial if isinstance(trial, Plan) else Outline(profile, t, **trial)


_KEPT_HERE = ("profile", "templates", "weighing")


def plan_with(profile: Profile, t: Templates, adjust: Adjustments) -> Plan:
    """The plan with its make-or-buy decided, and a budget's ``adjust`` ments (work bought in or deferred) applied.

    Providers weighed against the work are chosen before the rules run; a provider weighed
    against seats (a fractional HR professional instead of a first HR hire) is bought when
    planning with it saves more in seats than its fee.
    """
    result = _decided(profile, t, adjust, outline=False)
    assert isinstance(result, Plan)
    return result


def outline_with(profile: Profile, t: Templates, adjust: Adjustments, *, words: bool = True) -> Plan | Outline:
    """The figures :func:`plan_with` gives, without the positions where they can be skipped
    (a federated group is planned whole): for sweeps over many sizes and budget trials.

    Without ``words`` no reason is written and no title finished (nor are make-or-buy
    lines explained): the seats, their levels, pay and lines are the same, and found sooner.

    >>> from orgplan import profile_from_dict
    >>> from orgplan.knowledge.templates import load_templates
    >>> p, t = profile_from_dict({"employees": 3000}), load_templates()
    >>> outline_with(p, t, Adjustments()).totals()["annual_cost"] == plan(p, templates=t).summary["annual_cost"]
    True
    """
    return _decided(profile, t, adjust, outline=True, words=words)


def _decided(
    profile: Profile, t: Templates, adjust: Adjustments, *, outline: bool, words: bool = True
) -> Plan | Outline:
    values = planning_values(profile, t)
    weighing = weigh(profile, t, values, adjust)
    result = _plan_once(profile, t, weighing, adjust, values, outline, words)
    for offer in weighing.pending():
        offer.bought = not offer.bought
        other = _plan_once(profile, t, weighing, adjust, values, outline, words)
        without, with_it = (result, other) if offer.bought else (other, result)
        offer.seats_saving = round(without.seats_cost - with_it.seats_cost)
        offer.bought = offer.forced or offer.seats_saving > offer.fee
        result = with_it if offer.bought else without
    return dataclasses.replace(
        result, sourcing=tuple(entries(profile, t, weighing, words=words)), adjustments=adjust, weighing=weighing
    )


def _plan_once(
    profile: Profile,
    t: Templates,
    weighing: Weighing,
    adjust: Adjustments,
    planning: dict[str, Any],
    outline: bool = False,
    words: bool = True,
) -> Plan | Outline:
    """One plan with the providers ``weighing`` buys; ``planning`` (the profile's planning values) is left
    as it is; with ``outline``, only its figures (a federated group is planned whole), and without
    ``words`` neither reasons nor finished titles."""
    outsourced = weighing.outsourced()
    build, model, chosen = _start(profile, t, outsourced, adjust.shares, planning)
    if model.name == FEDERATED:
        return _plan_federated(profile, t, build, outsourced, adjust.shares, model, chosen)
    if outline:
        build.words = words
        executive, head = build.tree()
        _price(build, executive, head)
        ordered = in_order(executive)
        return to_outline(
            ordered, profile=profile, t=t, values=build.values, beyond=build.beyond, ledger=build.ledger, words=words
        )
    result = _run(build, model, chosen)
    if profile.operating_model == FEDERATED and t.rules.federated is not None:  # named, but no unit large enough
        why = f"{t.rules.federated.no_large_unit.render(build.values)} {result.operating_model['why']}"
        result = dataclasses.replace(result, operating_model={**result.operating_model, "why": why})
    return result


def _start(
    profile: Profile,
    t: Templates,
    outsourced: Mapping[str, float],
    shares: Mapping[str, float],
    planning: dict[str, Any] | None = None,
) -> tuple[_Build, OperatingModel, bool]:
    """A build of ``profile`` with the work bought in and deferred taken off its ledger, and its
    operating model; ``planning`` the profile's planning values when they are worked out already."""
    values = dict(planning) if planning is not None else planning_values(profile, t)  # the build adds to its copy
    workload = {f: values[f"demand_{f}"] for f in profile.functions}
    deferred = keep_in_house(values, t, outsourced, shares)
    ledger = Ledger(
        workload,
        {f: t.functions[f].pillar for f in profile.functions},
        outsourced=outsourced,
        deferred=deferred,
    )
    model, chosen = choose_model(profile, t, values)
    values["model"] = model.name
    return _Build(profile, t, values, ledger), model, chosen


def _plan_federated(
    profile: Profile,
    t: Templates,
    build: _Build,
    outsourced: Mapping[str, float],
    shares: Mapping[str, float],
    model: OperatingModel,
    chosen: bool,
) -> Plan:
    """A federated group: each large unit planned as a company of its own under its HR head,
    the group's own HR for the rest, joined under one group head of HR."""
    policy = t.rules.federated
    units = large_units(profile.business_units, t)
    assert policy is not None and units  # choose_model names federated only then

    def part(sub: Profile, unit: Place, corporate: bool = False) -> Part:
        share = sub.employees / profile.employees
        b = _start(sub, t, scaled_outsourced(outsourced, share), shares)[0]
        executive, head = b.tree()
        home = sub.countries[0]
        elsewhere = None if home.assumed or home.name == profile.countries[0].name else home.name
        return Part(executive, head, b.ledger, b.results, b.beyond, unit, corporate, elsewhere)

    own = corporate_profile(profile, units, t)
    group = part(own, Place(policy.corporate_name, own.employees), True) if own is not None else None
    parts = [part(unit_profile(profile, u, t), u) for u in units]
    executive = group.executive if group is not None else _executive(profile, t)
    head = join(
        executive,
        group,
        parts,
        policy,
        t,
        pay_index=profile.countries[0].pay_index,
        sized=build.sized_head(),
        names=build.named,
        functions=profile.functions,
    )
    note_remote(head, profile, build.values, t)
    add_unit_leaders([p.head for p in parts], executive, profile, t, roles={policy.unit_head_role})
    to_unit = profile.unit_hr_reports_to == "unit"
    settle_lines(head, parts, policy, to_unit=to_unit, max_span=profile.max_span, why=model.why.render(build.values))
    whole = [*([group] if group else []), *parts]
    for p in whole[1:]:
        whole[0].ledger.absorb(p.ledger)
    result = _priced(build, executive, head, model, chosen, whole[0].ledger, merge_results(whole), merge_beyond(whole))
    return _federation_cost(result, profile, t, len(units))


def _federation_cost(result: Plan, profile: Profile, t: Templates, units: int) -> Plan:
    """A federated plan above the published range says what planning in parts costs: its
    FTE against one HR department for the whole group (the same company, units alike)."""
    band = t.band_for(profile.employees)
    policy = t.rules.federated
    fte = sum(s.fte for s in result.hr_seats)
    if band is None or policy is None or band.status(hr_per_100(fte, profile.employees)) != "above":
        return result
    alike = [{**u.to_dict(), "industry": None} for u in profile.business_units if not u.assumed]
    one = profile.with_values(templates=t, operating_model="auto", business_units=alike or len(profile.business_units))
    whole = sum(s.fte for s in plan_with(one, t, Adjustments()).hr_seats)
    if fte - whole < float(t.constants["range_reason_min_fte"].value or 0):
        return result
    text = policy.range_reason.render(units=units, extra=fte - whole, whole=whole)
    return dataclasses.replace(result, benchmark_reasons=(text, *result.benchmark_reasons[:3]))


class _Build:
    """One plan in the making: seats, the ledger, and the values the rules see."""

    def __init__(self, profile: Profile, t: Templates, values: dict[str, Any], ledger: Ledger):
        self.profile, self.t, self.values, self.ledger = profile, t, values, ledger
        self.seats: list[Seat] = []
        self.results: list[RuleResult] = []
        self.head: Seat | None = None
        self.counts: Counter[str] = Counter()
        self.placed: Counter[tuple[str, str]] = Counter()  # ("country"|"unit"|"region", name) -> seats
        self.beyond: dict[str, float] = {}  # capacity booked beyond the work, by the rule that booked it
        self.words = True  # reasons and finished titles; without, only the seats and their lines
        self.regions = regions(profile.countries, profile.max_span)
        self.home = profile.countries[0]  # the headquarters: central seats sit and are paid there
        named = [p.name for p in (*profile.countries, *profile.business_units) if not p.assumed]
        given = [c.region for c in profile.countries if c.region]
        self.named = {*named, *(r for r in given if r), *(r for r in self.regions.values() if r == "International")}
        self.families: Counter[str] = Counter()
        self.results_at: dict[str, int] = {}  # rule id -> its place in results
        for key in t.catalog.hr_seat_names:
            values[key] = 0
        floor = float(values.get("country_hr_min_employees", 0))
        abroad = sum(c.employees for c in profile.countries[1:] if c.employees >= floor)
        values["home_share"] = 1 - abroad / profile.employees  # served from home, not by HR staff in their own country

    # -- seats -----------------------------------------------------------------------
    def add(
        self,
        role_key: str,
        fte: float,
        reason: Reason,
        functions: tuple[str, ...] = (),
        count: int = 1,
        *,
        country: str | None = None,
        unit: str | None = None,
        region: str | None = None,
        pay_index: float | None = None,
    ) -> Seat:
        """Add ``count`` alike seats of a role (serving ``country``, ``unit`` or ``region``); return the last."""
        role = self.t.roles[role_key]
        rank = self.t.catalog.family_rank(role.family)
        start = len(self.seats)
        if pay_index is None:
            pay_index = self.home.pay_index  # a central seat is paid at the headquarters' rates
        scope = country or unit or region
        named = scope is None or scope in self.named  # no title names "Country 10"
        level = role.level
        self.seats += [  # by position: a plan of thousands of seats makes them in one go
            Seat(role, fte, functions, [reason], order, rank, level, None, country, unit, region, pay_index, named)
            for order in range(start + 1, start + count + 1)
        ]
        self.recount(self.seats[-1], count)
        for kind, value in (("country", country), ("unit", unit), ("region", region)):
            if value is not None:
                self.placed[(kind, value)] += count
        if country is not None or unit is not None:
            self.placed[("aligned", role_key)] += count
        return self.seats[-1]

    def recount(self, seat: Seat, change: int) -> None:
        """Count ``change`` more (or fewer) seats of ``seat``'s role and family."""
        self.counts[seat.role.key] += change
        self.families[seat.role.family] += change
        self.values[f"seats_{seat.role.key}"] = self.counts[seat.role.key]

    def refresh(self) -> None:
        """Put the seats so far and the work left in the values the rules see."""
        v = self.values
        v["hr_seats"] = len(self.seats)
        v["specialist_seats"] = self.families["specialist"]
        v["staff_seats"] = len(self.seats) - self.families["leadership"]
        v["unaligned_generalists"] = self.counts["hr_generalist"] - self.placed[("aligned", "hr_generalist")]
        v.update(self.ledger.pools())
        v["head_level"] = self.head.level if self.head else 0
        v["head_hands_on"] = self.head.role.hands_on if self.head else 0.0

    # -- rules -----------------------------------------------------------------------
    def tree(self) -> tuple[Seat, Seat]:
        """The seats the rules recommend, in their structure: the executive and the head of HR."""
        self.seat_up()
        return _structure(self)

    def sized_head(self) -> Seat | None:
        """The head of HR the rules give this company (the specialist and head stages only)."""
        self.stage("specialist")
        self.refresh()
        self.stage("head")
        return self.head

    def seat_up(self) -> None:
        """Run the rule pack's stages; every requested function covered."""
        self.stage("specialist")
        self.refresh()
        self.stage("head")
        self.stage("generalist")
        if self.head is None and len(self.seats) > 1:  # the team grew past one seat: name its head now
            self.refresh()
            self.stage("head")
        # payroll and labour relations where law and members need them, the rest in the service centre
        Placement(self.seats, self.profile, self.t, self.values, self.regions, self.named).place()
        self.stage("lead")
        _leftovers(self.seats, self.head, self.ledger, self.profile.functions)
        if not self.seats:
            raise PlanError(
                "the rule pack recommended no HR seat at all; it needs a rule that fires for every company",
                path=self.t.rules.path,
            )
        covered = {f for s in self.seats for f in s.functions}
        missing = [f for f in self.profile.functions if f not in covered]
        if missing:
            raise PlanError(
                f"no seat covers the requested function(s) {', '.join(missing)}; the rule pack needs a "
                "rule that covers them",
                path=self.t.rules.path,
            )

    def stage(self, name: str) -> None:
        for rule in self.t.rules.stage(name):
            if name == "head" and self.head is not None:
                self.record(RuleResult(rule.id, name, False, 0, f"not weighed: the {self.head.role.title} heads HR"))
                continue
            self.refresh()
            self.record(self.apply(rule))

    def record(self, result: RuleResult) -> None:
        """Keep one result per rule: a second look at the head replaces the first."""
        if result.rule in self.results_at:
            self.results[self.results_at[result.rule]] = result
        else:
            self.results_at[result.rule] = len(self.results)
            self.results.append(result)

    def apply(self, rule: Rule) -> RuleResult:
        fired, added, details = False, 0, []
        places = scope_values(rule.scope, self.profile, self.values, self.ledger, self.placed, self.seats, self.regions)
        for scope in places:
            values = self.values | scope if scope else self.values
            if not rule.when.truth(values):
                continue
            fired = True
            n, detail = self.act(rule, values, scope)
            added += n
            details.append(detail)
        if not fired:
            return RuleResult(rule.id, rule.stage, False, 0, f"condition not met: {rule.when.text}")
        return RuleResult(rule.id, rule.stage, True, added, " ".join(dict.fromkeys(details)))

    def act(self, rule: Rule, values: dict[str, Any], scope: dict[str, Any]) -> tuple[int, str]:
        action = rule.action
        count = _seat_count(rule, values, self.t)
        reason = Reason(rule.id, rule.reason.render(values, seats=count) if self.words else "")
        if action.kind == "promote":
            moved = [s for s in self.seats if s.role.key == action.from_role][:count]
            for seat in moved:
                self.recount(seat, -1)
                seat.role = self.t.roles[action.role]
                seat.level = seat.role.level
                self.recount(seat, 1)
                seat.reasons.append(reason)
                if rule.stage == "head":
                    self.head = seat
            return len(moved), reason.reason
        fte = _fte(rule, values, self.t)
        role = self.t.roles[action.role]
        if count == 0:
            return 0, reason.reason
        before = self.ledger.beyond_demand()
        took = self.ledger.take(action.covers, count * fte)
        if rule.stage == "head" and not action.covers and role.hands_on:
            took = self.ledger.take(("pool",), role.hands_on)
        extra = self.ledger.beyond_demand() - before
        if extra > 1e-6:
            cause = rule.description.rstrip(".")
            self.beyond[cause] = self.beyond.get(cause, 0.0) + extra
        own = took or tuple(f for f in self.profile.functions if f in role.functions)
        place: dict[str, Any] = {k: scope[k] for k in ("country", "unit", "region") if k in scope}
        if "country" in place:
            place["region"] = scope["_region"]
            place["pay_index"] = scope["country_pay_index"]
        seat = self.add(role.key, fte, reason, own, count=count, **place)
        if rule.stage == "head":
            self.head = seat
        elif self.head is not None and seat.level >= self.head.level:
            _outrank(self.head, seat, self.t, len(self.seats) - 1)
        return count, reason.reason

    # -- structure, pay, positions ---------------------------------------------------


def _structure(b: _Build) -> tuple[Seat, Seat]:
    """Reporting lines, spans, levels and (with ``b.words``) titles and the notes that say why;
    the executive and the head of HR."""
    t, profile = b.t, b.profile
    head = b.head or min(b.seats, key=Seat.rank_key)
    executive = _executive(profile, t)

    def add_lead(role_key: str, reason: Reason) -> Seat:
        return b.add(role_key, 1.0, reason)

    link(b.seats, head, executive)
    labels = {k: f.label for k, f in t.families.items()}
    named = limit_spans(head, profile.max_span, t.rules.span, t.roles, add_lead, labels if b.words else None)
    levels = {id(s): s.level for s in b.seats} if b.words else {}  # for the growth notes
    grow(head, t.roles)
    gone = collapse(head)
    for kept, removed in gone:
        kept.reasons.append(Reason(COLLAPSE_RULE, t.rules.collapse.reason.render(title=removed.name)))
    if gone:
        grow(head, t.roles)
    if b.words:
        note_growth(head, levels, t)
    folded = _scope_lean_and_titles(head, profile, t, add_lead, b.words)
    if b.words:
        retitle(b.seats, named, [*gone, *folded])  # after every title has its final words
        note_remote(head, profile, b.values, t)
    add_unit_leaders(b.seats, executive, profile, t)
    return executive, head


def _run(b: _Build, model: OperatingModel, chosen: bool) -> Plan:
    """The plan of one build: seats by the rules, the structure, pay."""
    executive, head = b.tree()
    return _priced(b, executive, head, model, chosen, b.ledger, b.results, b.beyond)


def _priced(
    b: _Build,
    executive: Seat,
    head: Seat,
    model: OperatingModel,
    chosen: bool,
    ledger: Ledger,
    results: list[RuleResult],
    beyond: dict[str, float],
) -> Plan:
    """The plan of the tree under ``executive``, every seat priced, for ``b``'s profile."""
    _price(b, executive, head)
    return to_plan(
        in_order(executive),
        head,
        profile=b.profile,
        t=b.t,
        values=b.values,
        ledger=ledger,
        results=results,
        beyond=beyond,
        model=model,
        chosen=chosen,
    )


def _price(b: _Build, executive: Seat, head: Seat) -> None:
    """Every seat under ``executive`` gets its pay."""
    from orgplan.planning.pay import price

    price(executive, head, b.t, b.profile.salary_multiplier, b.profile.employees)


def _scope_lean_and_titles(
    head: Seat, profile: Profile, t: Templates, add_lead: Callable[[str, Reason], Seat], words: bool = True
) -> list[tuple[Seat, Seat]]:
    """Levels that follow scope, lean small teams and (with ``words``) titles no two senior leaders
    share; the (kept, removed) leaders of the chains of one it folded."""
    abroad = {c.name: c.employees for c in profile.countries[1:]}
    led = team_leaders(head)
    follow_scope(head, t.rules.span, t.roles, profile.employees, profile.max_span, abroad, add_lead)
    drop_emptied(head, led)  # a leader whose whole team rose past it
    step_aside(head)
    folded = list(collapse(head))
    for kept, removed in folded:  # a leader whose report rose past its team keeps no chain of one
        kept.reasons.append(Reason(COLLAPSE_RULE, t.rules.collapse.reason.render(title=removed.name)))
    grow(head, t.roles)
    lean = t.rules.lean
    if lean is not None:
        flat = flatten_small(head, lean.max_seats, lean.max_team, lean.max_over)
        size = head.count_below() + 1
        for kept, removed, team in flat:
            text = lean.reason.render(
                count=team, title=with_article(removed.name), seats=size, max_seats=lean.max_seats
            )
            kept.reasons.append(Reason(LEAN_RULE, text))
    if words:
        named = {p.name for p in (*profile.countries, *profile.business_units) if not p.assumed}
        distinct_titles(head, t.rules.span, named | {c.region for c in profile.countries if c.region})
    return folded


def _seat_count(rule: Rule, values: dict[str, Any], t: Templates) -> int:
    """The rule's number of seats, a whole number of 0 or more (else a RuleError naming the rule)."""
    count = rule.action.seats.number(values)
    if count < 0 or count != int(count):
        raise RuleError(
            f"seats should be a whole number of 0 or more, gave {count:g}",
            path=rule.action.seats.expression.path,  # the file the rule comes from (a pack may extend another)
            where=f"rule '{rule.id}', {rule.action.kind}.seats",
        )
    return int(count)


def _fte(rule: Rule, values: dict[str, Any], t: Templates) -> float:
    """Each seat's FTE: 1, or the rule's part-time ``fte`` (more than 0, at most 1) rounded to the FTE step."""
    if rule.action.fte is None:
        return 1.0
    fte = rule.action.fte.number(values)
    if not 0 < fte <= 1:
        raise RuleError(
            f"fte should be more than 0 and at most 1, gave {fte:g}",
            path=rule.action.fte.path,
            where=f"rule '{rule.id}', add.fte",
        )
    return t.costing.round_fte(fte)


def _leftovers(seats: list[Seat], head: Seat | None, ledger: Ledger, functions: tuple[str, ...]) -> None:
    """Work too small for any seat of its own goes to the head of HR (else the most senior seat), in passing."""
    covered = {f for s in seats for f in s.functions}
    left = [f for f in functions if f not in covered]
    if not left or not seats:
        return
    owner = head or min(seats, key=Seat.rank_key)
    ledger.take(tuple(left), sum(ledger.remaining[f] for f in left))
    owner.functions = tuple(dict.fromkeys((*owner.functions, *left)))


def _outrank(head: Seat, seat: Seat, t: Templates, count: int) -> None:
    """The head of HR climbs its ladder at once when a new leader would be its peer, so
    later rules see its level; ``count`` is the seats it leads so far."""
    before = head.name
    while head.level <= seat.level and step_up(head, t.roles, head=True):
        pass
    if head.name != before:
        note = t.rules.growth.reason
        head.reasons.append(
            Reason(GROWTH_RULE, note.render(count=count, top=seat.level, title=head.name, level=head.level))
        )


def _executive(profile: Profile, t: Templates) -> Seat:
    """The executive HR reports to, outside HR, paid at the headquarters' rates."""
    rank = t.catalog.family_rank(t.executive.family)
    title = _executive_title(profile, t)
    return Seat(t.executive, 1.0, (), [], 0, rank, title=title, pay_index=profile.countries[0].pay_index)


def _executive_title(profile: Profile, t: Templates) -> str:
    titles = t.profile_fields.get("hr_reports_to", {}).get("titles", {})
    return str(titles.get(profile.hr_reports_to, profile.hr_reports_to))
