"""Federated HR: each large business unit plans as a company of its own, under a small group HR.

A holding of unlike businesses runs HR inside each business (the ``federated`` operating
model). Each business unit of ``federated_unit_min_employees`` or more is planned as a
company of its own - its employees, its industry, the group's countries, rates and hiring in
proportion - and its HR head reports to the group head of HR, one level below what a
company of the unit's size would have. The group keeps the team a company of the smaller
units' employees would have, plus the corporate seats of the rule pack (reward policy, HR
technology). This module holds the pieces; the planner plans each part and joins them.

>>> from orgplan import plan, profile_from_dict
>>> p = plan(profile_from_dict({"employees": 20000, "business_units": [
...     {"name": "Build", "employees": 9000, "industry": "construction"},
...     {"name": "Stay", "employees": 8000, "industry": "hotels"},
...     {"name": "Group", "employees": 2000}, {"name": "Labs", "employees": 1000}]}))
>>> p.summary["operating_model"]["name"], sorted(s.title for s in p.hr_seats if s.title.startswith("HR Director"))
('federated', ['HR Director, Build', 'HR Director, Corporate', 'HR Director, Stay'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from orgplan.knowledge.catalog import ladder_top
from orgplan.knowledge.rules import Federated
from orgplan.knowledge.templates import Templates
from orgplan.model.ledger import Ledger
from orgplan.model.places import Place, apportion
from orgplan.model.plan import Reason, RuleResult
from orgplan.model.profile import Profile
from orgplan.model.seats import Seat
from orgplan.planning.structure import collapse, distinct_titles, drop_emptied, step_up, team_leaders
from orgplan.planning.workload import FEDERATED

__all__ = [
    "FEDERATED",
    "FEDERATED_RULE",
    "Part",
    "corporate_profile",
    "join",
    "merge_beyond",
    "merge_results",
    "scaled_outsourced",
    "settle_lines",
    "unit_profile",
]

FEDERATED_RULE = "federated-group"
COLLAPSE_RULE = "one-over-one"


@dataclass
class Part:
    """One planned part of a federated group: its tree of seats and its bookkeeping."""

    executive: Seat
    head: Seat
    ledger: Ledger
    results: list[RuleResult]
    beyond: dict[str, float]
    unit: Place  # the large unit, or for the group's own HR a place named by the pack (corporate_team.name)
    corporate: bool = False  # the group's own staff and smaller units
    home: str | None = None  # where the part's central seats sit, when not at the group's headquarters


def unit_profile(profile: Profile, unit: Place, t: Templates) -> Profile:
    """The company ``unit`` would be on its own: its employees and industry, the group's
    countries, sites, hiring and agreements in proportion, one business unit.

    >>> from orgplan import profile_from_dict
    >>> from orgplan.knowledge.templates import load_templates
    >>> t = load_templates()
    >>> group = profile_from_dict({"employees": 10000, "sites": 40, "countries": [
    ...     {"name": "US", "employees": 8000}, {"name": "MX", "employees": 2000, "pay_index": 0.4}],
    ...     "business_units": [{"name": "A", "employees": 6000, "industry": "hotels"},
    ...                        {"name": "B", "employees": 4000}]})
    >>> u = unit_profile(group, group.business_units[0], t)
    >>> u.employees, u.industry, u.sites, [(c.name, c.employees) for c in u.countries], len(u.business_units)
    (6000, 'hotels', 24, [('US', 4800), ('MX', 1200)], 1)
    """
    return _part(profile, unit.employees, t, industry=unit.industry, company=unit.name, countries=unit.countries)


def corporate_profile(profile: Profile, units: Iterable[Place], t: Templates) -> Profile | None:
    """The company the group HR serves itself: the employees outside the large ``units``,
    with the smaller named units; None when too few for an HR seat of their own."""
    large = {u.name for u in units}
    rest = [u for u in profile.business_units if u.name not in large and not u.assumed]
    employees = profile.employees - sum(u.employees for u in profile.business_units if u.name in large)
    if employees < float(t.constants["first_hire_employees"].value or 0):
        return None
    units_given: Any = [u.to_dict() for u in rest] if len(rest) > 1 else 1
    if isinstance(units_given, list) and abs(sum(u.employees for u in rest) - employees) > employees * 0.01:
        units_given = len(rest)  # the named units do not add up to the rest: count them
    return _part(profile, employees, t, business_units=units_given)


def _part(profile: Profile, employees: int, t: Templates, **changes: Any) -> Profile:
    """``profile`` for a part of the group of ``employees``: named countries, sites, hiring and
    agreements in proportion; an industry of its own replaces the group's (and its frontline share)."""
    given = profile.given
    share = employees / profile.employees
    out: dict[str, Any] = {
        "employees": employees,
        "business_units": changes.pop("business_units", 1),
        "operating_model": "auto",
        "budget": None,
        "about": None,
    }
    company = changes.pop("company", None)
    if company:
        out["company"] = company
    industry = changes.pop("industry", None)
    if industry:
        out["industry"] = industry
        out["frontline_share"] = None  # the unit's industry has its own share of frontline hires
    if "annual_hires" in given:
        out["annual_hires"] = round(float(given["annual_hires"]) * share, 1)
    if profile.sites > 1:
        out["sites"] = max(1, round(profile.sites * share))
    if profile.bargaining_agreements:
        out["bargaining_agreements"] = max(1, round(profile.bargaining_agreements * share))
    countries = _countries(profile, employees, share, changes.pop("countries", ()))
    if countries is not None:
        out["countries"] = countries
        named = {c["name"] for c in countries}
        if profile.service_centre not in ("auto", "headquarters") and profile.service_centre not in named:
            out["service_centre"] = "auto"
    return profile.with_values(templates=t, **out)


def _countries(
    profile: Profile, employees: int, share: float, only: tuple[str, ...] = ()
) -> list[dict[str, Any]] | None:
    """The named countries (or those of ``only``, the unit's own, its first as its headquarters)
    with the part's share of each one's employees and sites; the first of them alone when the
    part is smaller than the list."""
    named = [c for c in profile.countries if not c.assumed]
    if only:  # in the unit's order: its first country is where its HR head sits
        by_name = {c.name.casefold(): c for c in named}
        named = [by_name[n.casefold()] for n in only if n.casefold() in by_name]
        share = employees / sum(c.employees for c in named)  # the unit's employees over its countries
    if not named:
        return None
    if employees < len(named):
        return [{**named[0].to_dict(), "employees": employees, "sites": None}]
    sizes = apportion(employees, [float(c.employees) for c in named])
    out = []
    for country, size in zip(named, sizes, strict=True):
        item = {**country.to_dict(), "employees": size}
        if country.sites:
            item["sites"] = max(1, round(country.sites * share))
        out.append(item)
    return out


def join(
    executive: Seat,
    group: Part | None,
    units: list[Part],
    policy: Federated,
    t: Templates,
    *,
    pay_index: float,
    sized: Seat | None,
    names: set[str],
    functions: tuple[str, ...],
) -> Seat:
    """Put the parts together under one group head of HR reporting to ``executive``; return it.

    Each part's head becomes its HR head (one level below its own plan's head, from the
    policy's lowest level up; the group's own team keeps a lower head), everyone in a part
    sits below its head and every leader of a team carries the part's name. The group head
    - ``sized``'s role, the head the rules give a company of the group's size - leads the
    part heads and the pack's corporate seats, outranking them all. ``names`` are the profile's named places, by which
    senior leaders who would share a title are told apart; ``functions`` the HR functions the
    company asks for (a corporate seat for none of them is left out).
    """
    top = ladder_top(t.roles)  # the catalog's CHRO
    role = sized.role if sized is not None else t.roles[policy.unit_head_role]
    head = Seat(role, 1.0, (), [], 0, t.catalog.family_rank(role.family), pay_index=pay_index)
    head.attach(executive)
    parts = [*units, *([group] if group is not None else [])]
    for part in parts:
        _part_head(part, policy, t, top - 1)
        _fit_below(part.head, policy, t)
        _name_by_unit(part, policy)
        part.head.attach(head)
    corporate = _corporate_seats(head, policy, t, pay_index, functions)
    needed = max([p.head.level for p in parts] + [s.level for s in corporate]) + 1
    while head.level < max(needed, sized.level if sized else 0) and step_up(head, t.roles, top, head=True):
        pass
    distinct_titles(head, t.rules.span, names)
    return head


def settle_lines(head: Seat, units: list[Part], policy: Federated, *, to_unit: bool, max_span: int, why: str) -> None:
    """The unit HR heads' lines, once the units' leaders are in the plan (each unit head's
    ``dotted_to``): kept under the group head, or (``to_unit``) under their unit's leader with
    a dotted line to the group head; then the group head's span and, last, why the group is federated."""
    for part in units if to_unit else ():
        leader = part.head.dotted_to
        if leader is not None:
            part.head.attach(leader)
            part.head.dotted_to = head
            part.head.reasons.append(Reason(FEDERATED_RULE, policy.unit_line.render(unit=part.unit.name)))
    reports = len(head.children)
    if reports > max_span:
        led = sum(1 for p in units if p.head.parent is head)
        head.reasons.append(
            Reason(FEDERATED_RULE, policy.group_span.render(units=led, count=reports, max_span=max_span))
        )
    head.reasons.append(Reason(FEDERATED_RULE, why))  # last, as the seat's summing-up: it heads the group's HR


def _part_head(part: Part, policy: Federated, t: Templates, cap: int) -> None:
    """A part's plan's head becomes its HR head, with the reason: one level below its own
    plan's head, but above every report it keeps (so its team keeps its levels), at most
    ``cap``; a unit's head at the policy's lowest level or above, titled by level; the group's
    own team's head keeps its title when it sits lower."""
    seat, unit = part.head, part.unit
    team = max((max(c.level, _scope_level(c, t)) for c in seat.children), default=0)  # its reports' levels
    least = policy.unit_head_min_level if not part.corporate else min(seat.level, policy.unit_head_min_level)
    level = min(cap, max(least, seat.level - 1, team + 1))
    if part.corporate:
        text = policy.corporate_reason.render(employees=unit.employees)
    else:
        industry = unit.industry or "the group's industry"
        text = policy.unit_head_reason.render(unit=unit.name, employees=unit.employees, industry=industry)
    if level in policy.unit_head_titles and (level >= policy.unit_head_min_level or seat.level > level):
        seat.role, seat.title = t.roles[policy.unit_head_role], policy.unit_head_titles[level]
    seat.level, seat.team_label = level, None
    seat.title = policy.unit_title.render(title=seat.name, unit=unit.name)
    seat.reasons.append(Reason(FEDERATED_RULE, text))


def _fit_below(head: Seat, policy: Federated, t: Templates) -> None:
    """Everyone in a unit sits below its HR head: a leader at its manager's level or above
    takes the level below, with the title its role has there - unless that level is too low
    for the seats it leads (the pack's scope levels), when it reports one level higher up
    instead; a leader below the level its scope asks rises to it. A leader whose whole team
    moved up leaves the plan, leaders left with one leader under them take that leader's
    team, and the levels are settled again."""
    led = team_leaders(head)
    for _ in range(4):
        _fit_levels(head, policy, t)
        drop_emptied(head, led)  # a leader whose whole team moved up
        folded = collapse(head)
        for kept, removed in folded:  # a leader left with one leader under it takes that team
            kept.reasons.append(Reason(COLLAPSE_RULE, t.rules.collapse.reason.render(title=removed.name)))
        if not folded:
            return


def _fit_levels(head: Seat, policy: Federated, t: Templates) -> None:
    queue = list(head.children)
    while queue:
        seat = queue.pop(0)
        assert seat.parent is not None
        need = _scope_level(seat, t)
        while seat.parent.level - 1 < min(seat.level, need) and seat.parent is not head:
            assert seat.parent.parent is not None
            seat.attach(seat.parent.parent)
        cap = seat.parent.level - 1
        if seat.level > cap:
            before = seat.level
            seat.level, seat.title = cap, _title_at(seat, cap, t)
            text = policy.below_head.render(title=seat.name, level=cap, was=before)
            seat.reasons.append(Reason(FEDERATED_RULE, text))
        elif seat.level < need <= cap and t.rules.span.scope_reason is not None:
            seat.level, seat.title = need, _title_at(seat, need, t)
            led = sum(1 for _ in seat.below())
            least = next(n for n, level in t.rules.span.scope_levels if level == need)
            text = t.rules.span.scope_reason.render(count=led, seats=least, level=need, title=seat.name)
            seat.reasons.append(Reason(FEDERATED_RULE, text))
        queue.extend(seat.children)


def _scope_level(seat: Seat, t: Templates) -> int:
    """The least level the pack's scope levels ask of whoever leads ``seat``'s team (0: none)."""
    led = sum(1 for _ in seat.below())
    return next((level for seats, level in t.rules.span.scope_levels if led >= seats), 0)


def _title_at(seat: Seat, level: int, t: Templates) -> str | None:
    """The title ``seat``'s role has at ``level`` (None: the role's own), keeping the place it names."""
    role = seat.role
    title: str | None = None
    if role.level < level:
        for step in role.grows:
            if step.level == level and step.title:
                title = step.title
                break
            if step.role is not None and t.roles[step.role].level == level:
                title = t.roles[step.role].title
                break
    place = seat.title.partition(", ")[2] if seat.title else ""
    if place and (title or role.title).count(",") == 0:
        return f"{title or role.title}, {place}"
    return title


def _name_by_unit(part: Part, policy: Federated) -> None:
    """Every seat of a unit serves it, and every leader of a team carries the part's name: no
    two senior leaders of the group share a title, and a reader tells one unit's managers from
    another's (the group's own team keeps each seat's own unit)."""
    name = part.unit.name
    for seat in part.head.below():
        if not part.corporate:
            seat.unit = name
        if seat.is_leader and seat.children and name not in seat.name:
            form = policy.unit_title_placed if "," in seat.name else policy.unit_title
            seat.title, seat.team_label = form.render(title=seat.name, unit=name), None
    if not part.corporate:
        part.head.unit = name
    if part.home is not None:  # the unit's central seats sit at its own headquarters, their titles kept
        for seat in [part.head, *part.head.below()]:
            if seat.country is None:
                seat.title, seat.team_label, seat.country = seat.name, None, part.home


def _corporate_seats(
    head: Seat, policy: Federated, t: Templates, pay_index: float, functions: tuple[str, ...]
) -> list[Seat]:
    """The pack's corporate seats for the functions the company asks for, each at its level
    and title, reporting to the group head."""
    seats = []
    for item in policy.corporate:
        own = tuple(f for f in item.functions if f in functions)
        if not own:
            continue
        role = t.roles[item.role]
        reasons = [Reason(FEDERATED_RULE, item.reason)]
        seat = Seat(role, 1.0, own, reasons, 0, t.catalog.family_rank(role.family))
        seat.level, seat.title, seat.pay_index = item.level, item.title, pay_index
        seat.attach(head)
        seats.append(seat)
    return seats


def merge_results(parts: list[Part]) -> list[RuleResult]:
    """One result per rule over all parts: fired in any, the seats added in all, the group's
    own reason first (else the first unit's that fired)."""
    merged: dict[str, RuleResult] = {}
    for part in parts:
        for r in part.results:
            seen = merged.get(r.rule)
            if seen is None or (r.fired and not seen.fired):
                added = r.seats + (seen.seats if seen else 0)
                merged[r.rule] = RuleResult(r.rule, r.stage, r.fired, added, r.detail)
            elif r.fired:
                merged[r.rule] = RuleResult(r.rule, r.stage, True, seen.seats + r.seats, seen.detail)
    return list(merged.values())


def merge_beyond(parts: list[Part]) -> dict[str, float]:
    """Capacity booked beyond the work in all parts, by cause."""
    out: dict[str, float] = {}
    for part in parts:
        for cause, fte in part.beyond.items():
            out[cause] = out.get(cause, 0.0) + fte
    return out


def scaled_outsourced(outsourced: Mapping[str, float], share: float) -> dict[str, float]:
    """A part's share of the work the group buys in."""
    return {f: v * share for f, v in outsourced.items()}
