"""From a company profile to a recommended HR organisation.

The planner works out the company's HR workload (``workload``), chooses the operating
model, and runs the rule pack in four stages - specialists, the head of HR, generalists
and leaders - each seat taking its work off the workload ledger (``ledger``), so work is
counted once. Scoped rules run once per country, business unit or region. Then the
structure step draws the reporting lines, keeps spans within ``max_span`` and grows
leaders with their teams (``structure``), and every seat is priced (``pay``).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

from .errors import PlanError, RuleError
from .ledger import Ledger
from .model import Plan, Position, Reason, RuleResult
from .places import Place
from .profile import Profile
from .rules import Rule
from .seats import Seat
from .structure import collapse, grow, in_order, limit_spans, link, step_up
from .templates import Templates, load_templates
from .unit_leaders import add_unit_leaders
from .workload import benchmark_reasons, choose_model, planning_values

__all__ = ["plan", "planning_values"]

GROWTH_RULE, COLLAPSE_RULE = "leader-growth", "one-over-one"


def plan(
    profile: Profile,
    *,
    rules: str | os.PathLike[str] | None = None,
    templates: Templates | None = None,
) -> Plan:
    """Recommend the HR organisation for ``profile``.

    >>> from orgplan import profile_from_dict
    >>> p = plan(profile_from_dict({"company": "Acme", "employees": 30}))
    >>> [(s.title, s.reports_to) for s in p.hr_seats]
    [('HR Generalist', 'ceo')]
    """
    t = templates or load_templates(rules=rules)
    values = planning_values(profile, t)
    model, chosen = choose_model(profile, t, values)
    values["model"] = model.name
    return _Build(profile, t, values).run(model, chosen)


class _Build:
    """One plan in the making: seats, the ledger, and the values the rules see."""

    def __init__(self, profile: Profile, t: Templates, values: dict[str, Any]):
        self.profile, self.t, self.values = profile, t, values
        self.ledger = Ledger(
            {f: values[f"demand_{f}"] for f in profile.functions},
            {f: t.functions[f].pillar for f in profile.functions},
        )
        self.seats: list[Seat] = []
        self.results: list[RuleResult] = []
        self.head: Seat | None = None
        self.counts: Counter[str] = Counter()
        self.placed: Counter[tuple[str, str]] = Counter()  # ("country"|"unit"|"region", name) -> seats
        self.beyond: dict[str, float] = {}  # capacity booked beyond the work, by the rule that booked it
        self.regions = regions(profile.countries, profile.max_span)
        self.families: Counter[str] = Counter()
        self.results_at: dict[str, int] = {}  # rule id -> its place in results
        for key in t.catalog.hr_seat_names:
            values[key] = 0
        floor = float(values.get("country_hr_min_employees", 0))
        abroad = sum(c.employees for c in profile.countries[1:] if c.employees >= floor)
        values["home_share"] = 1 - abroad / profile.employees  # served from home, not by HR staff in their own country

    # -- seats -----------------------------------------------------------------------
    def add(
        self, role_key: str, fte: float, reason: Reason, functions: tuple[str, ...] = (), count: int = 1, **place: Any
    ) -> Seat:
        """Add ``count`` alike seats of a role; return the last."""
        role = self.t.roles[role_key]
        rank = self.t.catalog.family_rank(role.family)
        start = len(self.seats)
        self.seats.extend(Seat(role, fte, functions, [reason], start + i + 1, rank, **place) for i in range(count))
        self.counts[role_key] += count
        self.families[role.family] += count
        self.values[f"seats_{role_key}"] = self.counts[role_key]
        for kind in ("country", "unit", "region"):
            if place.get(kind) is not None:
                self.placed[(kind, place[kind])] += count
        if place.get("country") is not None or place.get("unit") is not None:
            self.placed[("aligned", role_key)] += count
        return self.seats[-1]

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
    def run(self, model: Any, chosen: bool) -> Plan:
        self.stage("specialist")
        self.refresh()
        self.stage("head")
        self.stage("generalist")
        if self.head is None and len(self.seats) > 1:  # the team grew past one seat: name its head now
            self.refresh()
            self.stage("head")
        self.stage("lead")
        self.leftovers()
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
        return self.finish(model, chosen)

    def leftovers(self) -> None:
        """Work too small for any seat of its own goes to the head of HR (else the most senior seat), in passing."""
        covered = {f for s in self.seats for f in s.functions}
        left = [f for f in self.profile.functions if f not in covered]
        if not left or not self.seats:
            return
        owner = self.head or min(self.seats, key=Seat.rank_key)
        self.ledger.take(tuple(left), sum(self.ledger.remaining[f] for f in left))
        owner.functions = tuple(dict.fromkeys((*owner.functions, *left)))

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
        for scope_values in self.scopes(rule.scope):
            values = self.values | scope_values if scope_values else self.values
            if not rule.when.truth(values):
                continue
            fired = True
            n, detail = self.act(rule, values, scope_values)
            added += n
            details.append(detail)
        if not fired:
            return RuleResult(rule.id, rule.stage, False, 0, f"condition not met: {rule.when.text}")
        return RuleResult(rule.id, rule.stage, True, added, " ".join(dict.fromkeys(details)))

    def act(self, rule: Rule, values: dict[str, Any], scope: dict[str, Any]) -> tuple[int, str]:
        action = rule.action
        count = action.seats.number(values)
        if count < 0 or count != int(count):
            raise RuleError(
                f"seats should be a whole number of 0 or more, gave {count:g}",
                path=self.t.rules.path,
                where=f"rule '{rule.id}', {action.kind}.seats",
            )
        count = int(count)
        reason = Reason(rule.id, rule.reason.render(values, seats=count))
        if action.kind == "promote":
            moved = [s for s in self.seats if s.role.key == action.from_role][:count]
            for seat in moved:
                self.counts[seat.role.key] -= 1
                self.families[seat.role.family] -= 1
                self.values[f"seats_{seat.role.key}"] = self.counts[seat.role.key]
                seat.role = self.t.roles[action.role]
                seat.level = seat.role.level
                self.counts[seat.role.key] += 1
                self.families[seat.role.family] += 1
                self.values[f"seats_{seat.role.key}"] = self.counts[seat.role.key]
                seat.reasons.append(reason)
                if rule.stage == "head":
                    self.head = seat
            return len(moved), reason.reason
        fte = 1.0
        if action.fte is not None:  # part-time seats
            fte = action.fte.number(values)
            if not 0 < fte <= 1:
                raise RuleError(
                    f"fte should be more than 0 and at most 1, gave {fte:g}",
                    path=self.t.rules.path,
                    where=f"rule '{rule.id}', add.fte",
                )
            fte = self.t.costing.round_fte(fte)
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
            self.outrank(seat)
        return count, reason.reason

    def outrank(self, seat: Seat) -> None:
        """The head of HR climbs its ladder at once when a new leader would be its peer, so
        later rules see its level."""
        head = self.head
        assert head is not None
        before = head.name
        while head.level <= seat.level and step_up(head, self.t.roles, 9, head=True):
            pass
        if head.name != before:
            note = self.t.rules.growth.reason
            head.reasons.append(
                Reason(
                    GROWTH_RULE,
                    note.render(count=len(self.seats) - 1, top=seat.level, title=head.name, level=head.level),
                )
            )

    def scopes(self, scope: str) -> Iterator[dict[str, Any]]:
        """The values of each country, unit or region a scoped rule is weighed for ({} for the company)."""
        if scope == "company":
            yield {}
            return
        employees = self.profile.employees
        pool, advisory = self.ledger.pool(), self.ledger.pool("advisory")
        if scope == "unit":
            for unit in self.profile.business_units:
                share = unit.employees / employees
                yield {
                    "unit": unit.name,
                    "unit_employees": unit.employees,
                    "unit_share": share,
                    "unit_pool": pool * share,
                    "unit_pool_advisory": advisory * share,
                    "unit_advisory_work": self.values["advisory_work"] * share,
                    "unit_seats": self.placed[("unit", unit.name)],
                }
            return
        countries = self.profile.countries
        if scope == "country":
            for i, country in enumerate(countries):
                share = country.employees / employees
                yield {
                    "country": country.name,
                    "country_employees": country.employees,
                    "country_share": share,
                    "country_pay_index": country.pay_index,
                    "country_sites": country.sites or max(1, round(self.profile.sites * share)),
                    "country_unionized_share": self.profile.unionized_share
                    if country.unionized_share is None
                    else country.unionized_share,
                    "headquarters": i == 0,
                    "country_pool": pool * share,
                    "country_seats": self.placed[("country", country.name)],
                    "_region": self.regions.get(country.name),
                }
            return
        managers = Counter(s.country for s in self.seats if s.role.key == "country_hr_manager")
        members_of: dict[str, list[Place]] = {}
        for country in countries[1:]:
            members_of.setdefault(self.regions[country.name], []).append(country)
        for name, members in members_of.items():
            yield {
                "region": name,
                "region_countries": len(members),
                "region_employees": sum(c.employees for c in members),
                "region_country_managers": sum(managers[c.name] for c in members),
            }

    # -- structure, pay, positions ---------------------------------------------------
    def finish(self, model: Any, chosen: bool) -> Plan:
        t, profile = self.t, self.profile
        head = self.head or min(self.seats, key=Seat.rank_key)
        executive = Seat(
            t.executive, 1.0, (), [], 0, t.catalog.family_rank(t.executive.family), title=_executive_title(profile, t)
        )

        def add_lead(role_key: str, reason: Reason) -> Seat:
            return self.add(role_key, 1.0, reason)

        link(self.seats, head, executive)
        labels = {k: f.label for k, f in t.families.items()}
        limit_spans(head, profile.max_span, t.rules.span, t.roles, add_lead, labels)
        levels = {id(s): s.level for s in self.seats}
        grow(head, t.roles)
        gone = collapse(head)
        for kept, removed in gone:
            kept.reasons.append(Reason(COLLAPSE_RULE, t.rules.collapse.reason.render(title=removed.name)))
        if gone:
            grow(head, t.roles)
        self.note_changes(head, levels)
        self.note_remote(head)
        add_unit_leaders(self.seats, executive, profile, t)
        from .pay import price

        price(executive, head, t, profile.salary_multiplier, profile.employees)
        ordered = in_order(executive)
        return self.positions(ordered, executive, head, model, chosen)

    def note_changes(self, head: Seat, levels: dict[int, int]) -> None:
        """Say why a leader grew: the growth note of the rule pack."""
        note = self.t.rules.growth.reason
        for seat in [head, *head.below()]:
            if seat.is_leader and seat.level != levels.get(id(seat), seat.level):
                top = max((c.level for c in seat.children), default=0)
                seat.reasons.append(
                    Reason(GROWTH_RULE, note.render(count=seat.below_count, top=top, title=seat.name, level=seat.level))
                )

    def note_remote(self, head: Seat) -> None:
        """Say on the head of HR's seat which countries are served without HR staff of their own."""
        floor = float(self.values.get("country_hr_min_employees", 0))
        small = [c for c in self.profile.countries[1:] if c.employees < floor]
        if small:
            names = ", ".join(c.name for c in small[:6]) + (f" and {len(small) - 6:,} more" if len(small) > 6 else "")
            text = self.t.rules.served_remotely.reason.render(
                self.values, count=len(small), countries=names, employees=sum(c.employees for c in small)
            )
            head.reasons.append(Reason("served-remotely", text))

    def positions(self, ordered: list[Seat], executive: Seat, head: Seat, model: Any, chosen: bool) -> Plan:
        t, profile = self.t, self.profile
        costing = t.costing
        ids: dict[int, str] = {id(executive): profile.hr_reports_to.lower()}
        numbers: Counter[str] = Counter()
        for seat in ordered[1:]:
            numbers[seat.role.key] += 1
            ids[id(seat)] = f"{seat.role.key.replace('_', '-')}-{numbers[seat.role.key]}"
        positions = []
        loads = {paid_as: costing.load_for(paid_as) for paid_as in ("salary", "fee")}
        annual_cost = costing.annual_cost
        for seat in ordered:
            hr = seat.role.is_hr
            load = loads[seat.role.paid_as] if hr else 1.0
            positions.append(
                Position.made(
                    id=ids[id(seat)],
                    title=seat.name,
                    role=seat.role.key,
                    family=seat.role.family,
                    level=seat.level,
                    reports_to=ids[id(seat.parent)] if seat.parent is not None else None,
                    functions=seat.functions,
                    fte=seat.fte,
                    base_salary=seat.base_salary,
                    annual_cost=annual_cost(seat.base_salary, seat.fte, load) if hr else 0.0,
                    rationale=tuple(seat.reasons),
                    benefits_load=load,
                    unit=seat.unit,
                    country=seat.country,
                    dotted_to=ids[id(seat.dotted_to)] if seat.dotted_to is not None else None,
                )
            )
        staff = [s for s in ordered if s.role.is_hr]
        hr_fte = sum(s.fte for s in staff)
        band = t.band_for(profile.employees)
        per_100 = round(hr_fte / profile.employees * 100, 3)
        status = (
            "within"
            if band is None or band.low <= per_100 <= band.high
            else ("above" if per_100 > band.high else "below")
        )
        reasons = benchmark_reasons(profile, t, self.values, self.beyond, hr_fte, status)
        rows: dict[str, dict[str, Any]] = self.ledger.rows()  # with each function's seats and owner added below
        doing = Counter(f for s in staff for f in s.functions)
        owners = _owners(staff, head, t, tuple(rows))
        for f, row in rows.items():
            row["seats"] = doing[f]
            row["owner"] = ids[id(owners[f])] if owners.get(f) is not None else None
        why = model.why.render(self.values)
        operating = {
            "name": model.name,
            "label": model.label,
            "chosen_by": "orgplan" if chosen else "profile",
            "why": why,
        }
        return Plan(
            profile=profile,
            seats=tuple(positions),
            templates=t,
            rule_results=tuple(self.results),
            values=self.values,
            benchmark_reasons=reasons,
            ledger=rows,
            operating_model=operating,
        )


def _owners(seats: list[Seat], head: Seat, t: Templates, functions: tuple[str, ...]) -> dict[str, Seat | None]:
    """Who owns each function: its specialist leader, else its most senior specialist, else
    the most senior seat allowed to."""
    leaders: dict[str, list[Seat]] = {}
    specialists: dict[str, list[Seat]] = {}
    for s in seats:
        for f in s.role.leads:
            leaders.setdefault(f, []).append(s)
        if s.role.family == "specialist" and len(s.role.functions) == 1:
            specialists.setdefault(s.role.functions[0], []).append(s)
    out: dict[str, Seat | None] = {}
    for f in functions:
        pick = leaders.get(f) or specialists.get(f)
        if not pick:
            level = t.functions[f].owner_min_level
            pick = [head] if head.level >= level else [s for s in seats if s.level >= level and f in s.functions]
        out[f] = min(pick, key=Seat.rank_key) if pick else None
    return out


def regions(countries: tuple[Place, ...], size: int) -> dict[str, str]:
    """The region of each country outside the headquarters: its own, or a group of neighbours in the list.

    Countries without a region are dealt in turn, largest first, into groups of at most
    ``size`` - so each group has large countries and small ones - named "International"
    when there is one group and "Region 1", "Region 2"... otherwise.
    """
    out = {c.name: c.region for c in countries[1:] if c.region}
    rest = [c.name for c in sorted((c for c in countries[1:] if not c.region), key=lambda c: -c.employees)]
    groups = max(1, -(-len(rest) // size))
    for i, name in enumerate(rest):
        out[name] = "International" if groups == 1 else f"Region {i % groups + 1}"
    return out


def _executive_title(profile: Profile, t: Templates) -> str:
    titles = t.profile_fields.get("hr_reports_to", {}).get("titles", {})
    return str(titles.get(profile.hr_reports_to, profile.hr_reports_to))
