"""Make or buy: which HR work to buy from a provider rather than staff, and what each costs.

Every provider of ``templates/sourcing.yaml`` that applies to the company (or to one of its
countries) is priced against doing the same work in house. The work a provider takes is
priced at what an FTE of that work costs in house - an HR generalist's loaded pay, or the
function's specialist's once the work fills a specialist seat - so the comparison moves
smoothly with the company's size and the recommendation changes once, not back and forth.
A provider weighed against seats (a fractional HR professional instead of a first HR hire)
is decided by planning with and without it. Among the providers weighed against work, the
set that takes no function twice and saves the most is bought.

Bought work leaves the workload ledger; its fee joins the plan's annual cost.

>>> from orgplan import plan, profile_from_dict
>>> p = plan(profile_from_dict({"employees": 60}))
>>> [(s["function"], s["provider"], s["outsourced_cost"]) for s in p.bought]
[('payroll', 'payroll_provider', 6360)]
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orgplan.core.words import money, with_article
from orgplan.knowledge.sourcing import Provider
from orgplan.knowledge.templates import Templates
from orgplan.model.profile import Profile

__all__ = [
    "Adjustments",
    "Offer",
    "Weighing",
    "weigh",
    "in_house_rates",
    "entries",
    "offer_key",
    "offer_reason",
    "called",
]


@dataclass(frozen=True)
class Adjustments:
    """What a budget changes: providers bought whatever their price (by offer key), and deferred work.

    ``deferred`` maps a function to the share of its in-house work put off.
    """

    forced: frozenset[str] = frozenset()
    deferred: tuple[tuple[str, float], ...] = ()

    def buying(self, key: str) -> Adjustments:
        return Adjustments(self.forced | {key}, self.deferred)

    def deferring(self, function: str, share: float) -> Adjustments:
        kept = tuple((f, s) for f, s in self.deferred if f != function)
        return Adjustments(self.forced, (*kept, (function, share)))

    @property
    def shares(self) -> dict[str, float]:
        return dict(self.deferred)


def offer_key(provider: str, country: str | None) -> str:
    """How an offer is named in a budget's changes: ``'payroll_provider'``, ``'employer_of_record:Brazil'``."""
    return provider if country is None else f"{provider}:{country}"


@dataclass
class Offer:
    """A provider priced for the company, or for one country's employees."""

    provider: Provider
    country: str | None
    employees: int  # employees it serves
    hires: float  # hires it is paid for (frontline hires counted at their share of the fee)
    takes: dict[str, float]  # function -> FTE of work it takes
    rates: dict[str, float]  # function -> what an FTE of that work costs in house
    fee: int  # a year
    work_cost: int  # the taken work in house, a year
    extra: int = 0  # what else in-house costs (an entity of your own), a year
    bought: bool = False
    forced: bool = False  # bought to fit a budget
    seats_saving: int | None = None  # for providers weighed against seats: what the seats cost less with it

    @property
    def key(self) -> str:
        return offer_key(self.provider.key, self.country)

    @property
    def in_house(self) -> int:
        """What the work costs in house: the seats it saves, or the work (and an entity) priced per FTE."""
        if self.provider.compare == "seats":
            return self.seats_saving if self.seats_saving is not None else self.work_cost
        return self.work_cost + self.extra

    @property
    def net(self) -> int:
        """The fee less what it saves in house: below 0 when buying is cheaper."""
        return self.fee - self.in_house

    @property
    def fte(self) -> float:
        return sum(self.takes.values())


@dataclass
class Weighing:
    """The providers priced for a company: the ones bought, and every one that applies."""

    offers: list[Offer]
    rates: dict[str, tuple[float, str]]  # function -> (cost of an FTE in house, the role it is priced at)
    remaining: dict[str, float] = field(default_factory=dict)  # work left for company providers, by function

    @property
    def bought(self) -> list[Offer]:
        return [o for o in self.offers if o.bought]

    def outsourced(self) -> dict[str, float]:
        """The FTE of each function's work bought in."""
        out: dict[str, float] = {}
        for o in self.bought:
            for f, fte in o.takes.items():
                out[f] = out.get(f, 0.0) + fte
        return out

    @property
    def fees(self) -> int:
        return sum(o.fee for o in self.bought)

    def pending(self) -> list[Offer]:
        """Providers weighed against seats that apply: the planner decides them by planning with and without."""
        return [o for o in self.offers if o.provider.compare == "seats"]


def in_house_rates(profile: Profile, t: Templates, values: Mapping[str, Any]) -> dict[str, tuple[float, str]]:
    """What an FTE of each function's work costs in house, and the role it is priced at.

    The generalist's loaded pay; the specialist's, when the function's work fills a
    specialist seat (``specialist_work`` at least ``seat_fill``) and the specialist costs less.
    """
    generalist = t.sourcing.generalist
    fill = float(values.get("seat_fill", 1.0))
    specialists = specialist_roles(t)
    out = {}
    for f in profile.functions:
        rate, role = cost_per_fte(generalist, profile, t), generalist
        own = specialists.get(f)
        if own is not None and float(values.get(f"specialist_work_{f}", 0.0)) >= fill:
            cost = cost_per_fte(own, profile, t)
            if cost <= rate:
                rate, role = cost, own
        out[f] = (rate, role)
    return out


def specialist_roles(t: Templates) -> dict[str, str]:
    """Each function's specialist: the role of the first specialist rule whose seats cover that function alone."""
    out: dict[str, str] = {}
    for rule in t.rules.stage("specialist"):
        covers = rule.action.covers
        if rule.action.kind == "add" and len(covers) == 1 and covers[0] in t.functions:
            out.setdefault(covers[0], rule.action.role)
    return out


def cost_per_fte(role_key: str, profile: Profile, t: Templates) -> float:
    """A full-time seat of the role at headquarters, priced as the Positions sheet prices it."""
    role = t.roles[role_key]
    base = t.costing.base_salary(role, profile.salary_multiplier)
    return t.costing.annual_cost(base, 1.0, t.costing.load_for(role.paid_as))


def weigh(profile: Profile, t: Templates, values: Mapping[str, Any], adjust: Adjustments | None = None) -> Weighing:
    """Price every provider that applies and choose what to buy (providers weighed against seats stay pending)."""
    adjust = adjust or Adjustments()
    book = t.sourcing
    rates = in_house_rates(profile, t, values)
    names = dict(values) | book.values()
    demand = {f: float(values[f"demand_{f}"]) for f in profile.functions}
    offers: list[Offer] = []
    # Countries first: an employer of record takes its country's share of the work.
    served = profile.employees
    remaining = dict(demand)
    for provider in book.weighed():
        if provider.scope != "country":
            continue
        for i, country in enumerate(profile.countries):
            share = country.employees / profile.employees
            here = names | {
                "country": country.name,
                "country_employees": country.employees,
                "country_share": share,
                "country_pay_index": country.pay_index,
                "headquarters": i == 0,
            }
            if not provider.applies.truth(here):  # type: ignore[union-attr]
                continue
            offer = _offer(
                provider,
                profile,
                t,
                values,
                rates,
                {f: demand[f] * share for f in demand},
                country.employees,
                country.name,
            )
            offer.forced = offer.key in adjust.forced
            offer.bought = offer.forced or offer.net < 0
            offers.append(offer)
            if offer.bought:
                served -= country.employees
                for f, fte in offer.takes.items():
                    remaining[f] -= fte
    # Then the company's providers, on the work and the employees left.
    company = []
    for provider in book.weighed():
        if provider.scope != "company" or not provider.applies.truth(names):  # type: ignore[union-attr]
            continue
        offer = _offer(provider, profile, t, values, rates, remaining, served, None)
        if not offer.takes:
            continue
        offer.forced = offer.key in adjust.forced
        company.append(offer)
    _choose([o for o in company if o.provider.compare != "seats"])
    taken = {f for o in company if o.bought for f in o.takes}
    for o in company:
        if o.provider.compare == "seats":  # it takes only what no bought provider took
            o.takes = {f: v for f, v in o.takes.items() if f not in taken}
            o.work_cost = round(sum(v * o.rates[f] for f, v in o.takes.items()))
            o.bought = o.forced
    offers += [o for o in company if o.takes]
    return Weighing(offers, rates, remaining)


def _choose(offers: list[Offer]) -> None:
    """Buy the set of offers that takes no function twice and costs least (forced ones always);
    ties go to fewer providers, then to the ones listed first."""
    forced = [o for o in offers if o.forced]
    free = [o for o in offers if not o.forced]
    best: tuple[int, int, tuple[int, ...]] | None = None
    chosen: tuple[Offer, ...] = ()
    for n in range(len(free) + 1):
        for combo in itertools.combinations(range(len(free)), n):
            picked = [*forced, *(free[i] for i in combo)]
            functions = [f for o in picked for f in o.takes]
            if len(functions) != len(set(functions)):
                continue
            score = (sum(o.net for o in picked), n, combo)
            if best is None or score < best:
                best, chosen = score, tuple(picked)
    for o in offers:
        o.bought = o in chosen


def _offer(
    provider: Provider,
    profile: Profile,
    t: Templates,
    values: Mapping[str, Any],
    rates: dict[str, tuple[float, str]],
    work: Mapping[str, float],
    employees: int,
    country: str | None,
) -> Offer:
    """A provider priced for ``employees`` and the ``work`` it could take (function -> FTE)."""
    takes = {
        f: work[f] * (1 - provider.keeps) for f in provider.takes if f in work and work[f] * (1 - provider.keeps) > 1e-9
    }
    book = t.sourcing
    share = employees / profile.employees
    hires = (
        float(values.get("professional_hires", profile.annual_hires))
        + float(values.get("frontline_hires", 0.0)) * book.figures["frontline_fee_share"].value
    ) * share
    fee = 0.0
    for key in provider.fee:
        price = provider.prices[key]
        used = price.used_for(profile.employees)
        if price.per == "employee_month":
            fee += used * employees * 12
        elif price.per == "month":
            fee += used * 12
        elif price.per == "year":
            fee += used
        else:  # hire_salary_percent
            fee += used / 100 * book.figures["hire_salary"].value * profile.salary_multiplier * hires
    fee = max(fee, provider.minimum_month * 12)
    extra = 0.0
    for key in provider.in_house_also:
        price = provider.prices[key]
        extra += price.used_for(profile.employees) * (12 if price.per == "month" else 1)
    own = {f: rates[f][0] for f in takes}
    return Offer(
        provider=provider,
        country=country,
        employees=employees,
        hires=hires,
        takes=takes,
        rates=own,
        fee=round(fee),
        work_cost=round(sum(v * own[f] for f, v in takes.items())),
        extra=round(extra),
    )


# -- what the plan says ----------------------------------------------------------------
def entries(profile: Profile, t: Templates, weighing: Weighing, *, words: bool = True) -> list[dict[str, Any]]:
    """``summary.sourcing``: make or buy for every function (and every country an employer of record is weighed
    for); without ``words`` each line's reason is left empty."""
    out: list[dict[str, Any]] = []
    bought = [o for o in weighing.offers if o.bought and o.country is None]
    for f in profile.functions:
        owner = next((o for o in bought if f in o.takes), None)
        if owner is not None:
            out.append(_entry(f, owner, t, weighing, words))
            continue
        weighed = [o for o in weighing.offers if o.country is None and f in o.takes]
        if weighed:
            out.append(_entry(f, min(weighed, key=lambda o: (o.net, o.key)), t, weighing, words))
            continue
        rate, role = weighing.rates[f]
        fte = weighing.remaining.get(f, 0.0)
        why = _in_house_why(f, profile, t, fte, rate, role) if words else ""
        out.append(
            _line(f, None, "in_house", None, round(fte * rate), None, round(fte, 2), why, t.sourcing.in_house_why)
        )
    for o in weighing.offers:
        if o.country is not None:
            out += [_entry(f, o, t, weighing, words) for f in profile.functions if f in o.takes]
    return out


def _in_house_why(f: str, profile: Profile, t: Templates, fte: float, rate: float, role: str) -> str:
    """Why a function no provider takes is kept in house, with what its work costs there."""
    helpers = [with_article(called(p.name)) for p in t.sourcing.providers.values() if not p.takes and f in p.helps]
    joined = " and ".join(helpers)
    helped = (
        f" {joined[:1].upper()}{joined[1:]} help{'s' if len(helpers) == 1 else ''} without taking the work."
        if helpers
        else ""
    )
    return (
        f"In house: no provider in the price list takes {called(t.function_label(f))} work at "
        f"{profile.employees:,} employees; its {fte:.2f} FTE cost about {money(fte * rate)} at "
        f"{with_article(t.roles[role].title)}'s {money(rate)} an FTE.{helped}"
    )


def _split(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """``total`` dollars shared by ``weights``, in whole dollars that add up to it exactly."""
    keys = list(weights)
    whole = sum(weights.values())
    if whole <= 0:
        weights, whole = dict.fromkeys(keys, 1.0), float(len(keys))
    raw = {k: total * weights[k] / whole for k in keys}
    out = {k: int(raw[k] // 1) for k in keys}
    for k in sorted(keys, key=lambda k: (-(raw[k] - out[k]), keys.index(k)))[: total - sum(out.values())]:
        out[k] += 1
    return out


def offer_reason(f: str, o: Offer, t: Templates, weighing: Weighing) -> str:
    """Why ``o`` is bought or not, said for function ``f``."""
    rate, role = weighing.rates[f]
    return _reason(f, o, t, rate, t.roles[role].title)


def _entry(f: str, o: Offer, t: Templates, weighing: Weighing, words: bool = True) -> dict[str, Any]:
    """One function's line for one offer: its share of the fee and of the in-house cost, and (with ``words``) why."""
    weights = {g: o.takes[g] * o.rates[g] for g in o.takes}
    fee = _split(o.fee, weights)[f]
    in_house = _split(o.in_house, weights)[f]
    rate, role = weighing.rates[f]
    why = _reason(f, o, t, rate, t.roles[role].title) if words else ""
    recommended = "outsourced" if o.bought else "in_house"
    return _line(f, o.country, recommended, o.provider.key, in_house, fee, round(o.takes[f], 2), why, o.provider.source)


def _line(
    f: str,
    country: str | None,
    recommended: str,
    provider: str | None,
    in_house: float,
    fee: int | None,
    fte: float,
    reason: str,
    source: str | None,
) -> dict[str, Any]:
    """One make-or-buy line, as ``summary.sourcing`` lists it."""
    return {
        "function": f,
        "country": country,
        "recommended": recommended,
        "provider": provider,
        "in_house_cost": in_house,
        "outsourced_cost": fee,
        "fte": fte,
        "reason": reason,
        "source": source,
    }


def price_text(o: Offer, t: Templates) -> str:
    """How the fee is made: ``'$8 an employee a month for 60 employees and $50 a month'``."""
    parts = []
    for key in o.provider.fee:
        price = o.provider.prices[key]
        used = price.used_for(o.employees)
        if price.per == "employee_month":
            parts.append(f"{money(used)} an employee a month for {count(o.employees, 'employee')}")
        elif price.per == "month":
            tier = price.tier_for(o.employees)
            hours = f", about {tier.hours:g} hours" if tier is not None and tier.hours else ""
            parts.append(f"{money(used)} a month{hours}")
        elif price.per == "year":
            parts.append(f"{money(used)} a year")
        else:
            parts.append(
                f"{used:g}% of a hire's first-year pay of {money(t.sourcing.figures['hire_salary'].value)} on "
                f"{o.hires:,.0f} hires counted at full fee"
            )
    return " and ".join(parts)


def count(n: float, word: str) -> str:
    return f"{n:,.0f} {word}{'' if round(n) == 1 else 's'}"


def called(text: str) -> str:
    """A name inside a sentence: ``'Payroll provider'`` -> ``'payroll provider'``; ``'HR operations'`` stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _reason(f: str, o: Offer, t: Templates, rate: float, role: str) -> str:
    p = o.provider
    name = called(p.name)
    label = called(t.function_label(f))
    others = [called(t.function_label(g)) for g in o.takes if g != f]
    budget = "Bought in to fit the budget. " if o.forced and o.net >= 0 else ""
    price = price_text(o, t)
    work = (
        f"{o.takes[f]:.2f} FTE of {label} work, about {money(o.takes[f] * rate)} at {with_article(role)}'s "
        f"{money(rate)} an FTE"
    )
    if budget and p.compare != "seats":
        with_it = f" with {', '.join(others)} work" if others else ""
        return (
            f"Bought in to fit the budget: {with_article(name)} at {money(o.fee)} a year ({price}) takes "
            f"{work}{with_it}; planned with it the whole plan costs less, though the work alone costs less in house."
        )
    if p.compare == "seats":
        with_it = f" with {', '.join(others)}" if others else ""
        if o.bought:
            return (
                f"{budget}Bought in{with_it} from {with_article(name)} at {money(o.fee)} a year ({price}) instead of "
                f"HR seats: the plan's seats cost {money(o.in_house)} less with it."
            )
        saved = (
            f"the plan's seats would cost only {money(o.in_house)} less with it"
            if o.in_house > 0
            else "the plan would need as many seats with it"
        )
        return (
            f"In house: {with_article(name)} at {money(o.fee)} a year ({price}) would take this work{with_it}, "
            f"but {saved}."
        )
    if p.compare == "entity":
        where = f"{count(o.employees, 'employee')} in {o.country}"
        alternative = f"an entity of your own (about {money(o.extra)} a year) and {money(o.work_cost)} of HR work there"
        if o.bought:
            return (
                f"{budget}{where}: {with_article(name)} at {money(o.fee)} a year ({price}) costs less than "
                f"{alternative}."
            )
        return (
            f"In house: for {where}, {alternative} cost {money(o.in_house)}, less than {with_article(name)} at "
            f"{money(o.fee)} a year."
        )
    if others:
        bundle = (
            f"{with_article(name)} would take it with {', '.join(others)} work for {money(o.fee)} a year ({price}), "
            f"against {money(o.in_house)} for that work in house (here {work})"
        )
        if o.bought:
            return f"{budget}Bought in: {bundle}."
        if o.net < 0:
            return f"In house: {bundle}; the providers bought instead save more."
        return f"In house: {bundle}."
    if o.bought:
        lead = with_article(name)
        return f"{budget}{lead[:1].upper()}{lead[1:]} at {money(o.fee)} a year ({price}) costs less than {work}."
    return f"In house: {work}, less than {with_article(name)} at {money(o.fee)} a year ({price})."


def offer_lines(plan: Any) -> list[dict[str, Any]]:
    """Every provider weighed for ``plan``, as a reader sees it: what it takes, bought or not, its fee, and why.

    Bought ones first. Each is ``{what, recommended, provider, country, fee, in_house, reason}``.
    """
    weighing = plan.weighing
    if weighing is None:
        return []
    t = plan.templates
    out = []
    for o in sorted(weighing.offers, key=lambda o: not o.bought):
        labels = [t.function_label(f) for f in o.takes]
        what = labels[0] + "".join(f", {called(x)}" for x in labels[1:-1])
        what += f" and {called(labels[-1])}" if len(labels) > 1 else ""
        out.append(
            {
                "what": what + (f" in {o.country}" if o.country else ""),
                "recommended": "outsourced" if o.bought else "in_house",
                "provider": o.provider.key,
                "country": o.country,
                "fee": o.fee,
                "in_house": o.in_house,
                "reason": offer_summary(o, t, weighing),
            }
        )
    return out


def offer_summary(o: Offer, t: Templates, weighing: Weighing) -> str:
    """Why a provider is bought or not, for all the work it takes (a function's own line says it per function)."""
    first = next(iter(o.takes))
    name, price = called(o.provider.name), price_text(o, t)
    if o.provider.compare == "seats":
        budget = "Bought in to fit the budget. " if o.forced and o.net >= 0 else ""
        if o.bought:
            return (
                f"{budget}{with_article(name)[:1].upper()}{with_article(name)[1:]} at {money(o.fee)} a year ({price}) "
                f"instead of HR seats: the plan's seats cost {money(o.in_house)} less with it."
            )
        saved = (
            f"the plan's seats would cost only {money(o.in_house)} less with it"
            if o.in_house > 0
            else "the plan would need as many seats with it"
        )
        return f"In house: {with_article(name)} at {money(o.fee)} a year ({price}) would take this work, but {saved}."
    if len(o.takes) == 1 or o.provider.compare != "work":
        return offer_reason(first, o, t, weighing)
    work = f"{o.fte:.2f} FTE of this work, about {money(o.in_house)} in house"
    if o.forced and o.net >= 0:
        return f"Bought in to fit the budget: {with_article(name)} at {money(o.fee)} a year ({price}) takes {work}."
    if o.bought:
        lead = with_article(name)
        return f"{lead[:1].upper()}{lead[1:]} at {money(o.fee)} a year ({price}) costs less than {work}."
    instead = "; the providers bought instead save more" if o.net < 0 else ""
    return f"In house: {work}, less than {with_article(name)} at {money(o.fee)} a year ({price}){instead}."
