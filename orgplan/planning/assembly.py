"""From the finished tree of seats to the frozen :class:`orgplan.model.Plan`.

Seats get their ids (``recruiter-3``), their costs from the templates' cost formula and
their reporting lines as ids; the plan gets the benchmark status in words, each
function's seats and owner, and the operating model. Also the notes the structure step
adds to seats: why a leader grew, which countries are served from elsewhere.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from orgplan.knowledge.benchmarks import hr_per_100
from orgplan.knowledge.rules import OperatingModel
from orgplan.knowledge.templates import Templates
from orgplan.model.ledger import Ledger
from orgplan.model.plan import Outline, Plan, Position, Reason, RuleResult
from orgplan.model.profile import Profile
from orgplan.model.seats import Seat
from orgplan.planning.workload import benchmark_reasons

__all__ = ["to_plan", "to_outline", "note_growth", "note_remote", "GROWTH_RULE"]

GROWTH_RULE = "leader-growth"


def note_growth(head: Seat, levels: dict[int, int], t: Templates) -> None:
    """Say why a leader grew (its level differs from ``levels``, by seat id): the growth note of the rule pack."""
    note = t.rules.growth.reason
    for seat in [head, *head.below()]:
        if seat.is_leader and seat.level != levels.get(id(seat), seat.level):
            top = max((c.level for c in seat.children), default=0)
            seat.reasons.append(
                Reason(GROWTH_RULE, note.render(count=seat.below_count, top=top, title=seat.name, level=seat.level))
            )


def note_remote(head: Seat, profile: Profile, values: dict[str, Any], t: Templates) -> None:
    """Say on the head of HR's seat which countries are served without HR staff of their own."""
    floor = float(values.get("country_hr_min_employees", 0))
    small = [c for c in profile.countries[1:] if c.employees < floor]
    if small:
        names = ", ".join(c.name for c in small[:6]) + (f" and {len(small) - 6:,} more" if len(small) > 6 else "")
        text = t.rules.served_remotely.reason.render(
            values, count=len(small), countries=names, employees=sum(c.employees for c in small)
        )
        head.reasons.append(Reason("served-remotely", text))


def to_plan(
    ordered: list[Seat],
    head: Seat,
    *,
    profile: Profile,
    t: Templates,
    values: dict[str, Any],
    ledger: Ledger,
    results: list[RuleResult],
    beyond: dict[str, float],
    model: OperatingModel,
    chosen: bool,
) -> Plan:
    """The plan of ``ordered`` (the executive first, then every seat in chart order); the seats
    are done with once their positions are made, and their links are cut."""
    executive = ordered[0]
    costing = t.costing
    ids: dict[int, str] = {id(executive): profile.hr_reports_to.lower()}
    numbers: Counter[str] = Counter()
    for seat in ordered[1:]:
        key = seat.role.key
        numbers[key] += 1
        ids[id(seat)] = f"{key.replace('_', '-')}-{numbers[key]}"
    home = None if profile.countries[0].assumed else profile.countries[0].name  # where central seats sit
    loads = {paid_as: costing.load_for(paid_as) for paid_as in ("salary", "fee")}
    ranges: dict[tuple[float, int, str], dict[str, Any]] = {}  # alike seats share a pay range: worked out once
    positions = []
    for seat in ordered:
        role = seat.role
        pay = (seat.base_salary, seat.level, seat.pay_basis)
        if pay not in ranges:
            ranges[pay] = _pay_range(seat, t)
        hr = role.is_hr
        load = loads[role.paid_as] if hr else 1.0
        positions.append(
            Position.made(
                {
                    "id": ids[id(seat)],
                    "title": seat.name,
                    "role": role.key,
                    "family": role.family,
                    "level": seat.level,
                    "reports_to": ids[id(seat.parent)] if seat.parent is not None else None,
                    "functions": seat.functions,
                    "fte": seat.fte,
                    "base_salary": seat.base_salary,
                    "annual_cost": costing.annual_cost(seat.base_salary, seat.fte, load) if hr else 0.0,
                    "rationale": tuple(seat.reasons),
                    "benefits_load": load,
                    "unit": seat.unit,
                    "country": seat.country or home,
                    "central": seat.country is None and home is not None,
                    **ranges[pay],
                    "dotted_to": ids[id(seat.dotted_to)] if seat.dotted_to is not None else None,
                }
            )
        )
    staff = [s for s in ordered if s.role.is_hr]
    hr_fte = sum(s.fte for s in staff)
    band = t.band_for(profile.employees)
    status = band.status(hr_per_100(hr_fte, profile.employees)) if band is not None else "within"
    rows: dict[str, dict[str, Any]] = ledger.rows()  # with each function's seats and owner added below
    doing = Counter(f for s in staff for f in s.functions)
    owners = _owners(staff, head, t, tuple(rows))
    for f, row in rows.items():
        row["seats"] = doing[f]
        row["owner"] = ids[id(owners[f])] if owners.get(f) is not None else None
    _release(ordered)
    return Plan(
        profile=profile,
        seats=tuple(positions),
        templates=t,
        rule_results=tuple(results),
        values=values,
        benchmark_reasons=benchmark_reasons(profile, t, values, beyond, hr_fte, status),
        ledger=rows,
        operating_model={
            "name": model.name,
            "label": model.label,
            "chosen_by": "orgplan" if chosen else "profile",
            "why": model.why.render(values),
        },
    )


def to_outline(
    ordered: list[Seat],
    *,
    profile: Profile,
    t: Templates,
    values: dict[str, Any],
    beyond: dict[str, float],
    ledger: Ledger,
    words: bool = True,
) -> Outline:
    """The outline of ``ordered`` (the executive first, then every seat in chart order): the
    figures :func:`to_plan` would give, without making a position of each seat; with ``words``,
    why each role's first seat is there.

    A sweep over many sizes reads only these. The seats are done with, and their links are cut.
    """
    costing = t.costing
    loads = {paid_as: costing.load_for(paid_as) for paid_as in ("salary", "fee")}
    hr = [seat for seat in ordered if seat.role.is_hr]
    roles, first, fte, cost = [], {}, 0.0, 0.0
    for seat in hr:
        role = seat.role
        roles.append(role.key)
        if words and role.key not in first:
            first[role.key] = seat.reasons[-1].reason if seat.reasons else "in the plan"
        fte += seat.fte
        cost += costing.annual_cost(seat.base_salary, seat.fte, loads[role.paid_as])
    layers = 0  # chart order is level by level: the last HR seat is among the farthest from the top
    above = hr[-1].parent if hr else None
    while above is not None:
        layers, above = layers + 1, above.parent
    if ordered[0].role.is_hr:
        layers += 1  # an HR head at the top is a layer itself
    band = t.band_for(profile.employees)
    status = band.status(hr_per_100(fte, profile.employees)) if band is not None else "within"
    _release(ordered)
    return Outline(
        profile=profile,
        templates=t,
        roles=tuple(roles),
        first_reasons=tuple(first.items()),
        hr_fte=fte,
        seats_cost=float(round(cost)),
        layers=layers,
        benchmark_reasons=benchmark_reasons(profile, t, values, beyond, fte, status),
        ledger=ledger.rows(),
    )


def _release(seats: list[Seat]) -> None:
    """Cut the links between seats whose positions are made (the plan keeps positions, not seats),
    so they are freed at once instead of lingering as cycles until the garbage collector finds them."""
    for seat in seats:
        seat.parent = seat.dotted_to = None
        seat.children = []


def _pay_range(seat: Seat, t: Templates) -> dict[str, Any]:
    """The seat's pay range and what decided it: the base pay as the midpoint of its level's spread."""
    low, high = t.pay.pay_range(seat.base_salary, seat.level)
    source = seat.pay_basis + (f"; range: {t.pay.range_source}" if seat.level in t.pay.range_spread else "")
    return {"pay_min": low, "pay_max": high, "pay_source": source or None}


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
