"""Who reports to whom: reporting lines, spans, leaders who grow with their teams.

Four steps, each a mechanism whose policy is data (the catalog's ``reports_to``,
``grows`` and ``scoped``; the rule pack's ``span``):

1. **link** - each seat reports to the first role of its catalog ``reports_to`` the plan
   has, above its level and serving its country, unit or region; else to the head of HR.
2. **limit spans** - a leader with more than ``max_span`` reports gets team leads, one
   level above the team they lead; a leader a few reports over passes lone seats up to
   its own manager when that one has room; a leader with no level to spare grows first,
   and one that cannot grow shares its team with a second seat like it.
3. **grow** - a leader's title and level follow the size of what it leads, and always
   outrank every report.
4. **collapse** - a leader whose only report is another leader takes over that leader's
   team: no one-over-one chains.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from orgplan.knowledge.catalog import OUTSIDE_HR, Growth, Role, ladder_top
from orgplan.knowledge.reasons import ReasonTemplate
from orgplan.knowledge.rules import SpanPolicy
from orgplan.model.plan import Reason
from orgplan.model.seats import Seat

__all__ = [
    "link",
    "limit_spans",
    "retitle",
    "grow",
    "step_up",
    "collapse",
    "follow_scope",
    "distinct_titles",
    "flatten_small",
    "step_aside",
    "in_order",
    "SPAN_RULE",
    "SPAN_KEPT",
    "SPAN_SHARED",
    "SPAN_LIFTED",
    "SPAN_LOWERED",
]

SPAN_RULE = "span-limit"
SPAN_KEPT = "span-kept"
SPAN_SHARED = "span-shared"
SPAN_LIFTED = "span-lifted"
SPAN_LOWERED = "span-lowered"
SCOPE_LEVEL = "scope-level"
SCOPE_SPLIT = "scope-split"
AddLead = Callable[[str, Reason], Seat]
Named = tuple[Reason, Seat, str]  # a reason, the seat it names and the name it gave


def link(seats: list[Seat], head: Seat, executive: Seat) -> None:
    """Attach the head to the executive and every other seat to its manager."""
    head.attach(executive)
    bosses: dict[tuple[str, str | None, str | None, str | None], list[Seat]] = {}
    wanted = {key for s in seats for key in s.role.reports_to}
    for seat in seats:
        if seat.role.key in wanted:
            bosses.setdefault((seat.role.key, seat.country, seat.unit, seat.region), []).append(seat)
    teams: dict[tuple[str, str | None, str | None, str | None], list[list[Seat]]] = {}  # by role and place
    for seat in sorted(seats, key=Seat.rank_key):
        if seat is not head:
            where = (seat.role.key, seat.country, seat.unit, seat.region)
            if where not in teams:  # alike seats look among the same bosses: worked out once
                teams[where] = _candidates(seat, bosses)
            seat.attach(_manager(seat, teams[where]) or head)


def _candidates(
    seat: Seat, bosses: dict[tuple[str, str | None, str | None, str | None], list[Seat]]
) -> list[list[Seat]]:
    """The bosses who may lead ``seat``, in the order they are tried: by the roles of its ``reports_to``,
    each preferring one of the seat's own place (the least loaded of the first group that has one above it).

    A boss who serves one country, unit or region leads only that one's seats; a role the
    catalog marks ``own_place`` leads the seat only when it serves the seat's own place, and
    one marked ``home_only`` leads no seat serving a country abroad.
    """
    own_only = seat.role.own_place_only
    out = []
    for key in seat.role.reports_to:
        for place in _places(seat.country, seat.unit, seat.region):
            if key in own_only and place == (None, None, None):  # this manager leads the seat only in its own place
                continue
            if key in seat.role.home_only and seat.country is not None and place[0] is None:
                continue  # this manager leads the seat only at the headquarters, not in a country abroad
            group = bosses.get((key, *place))
            if group:
                out.append(group)
    return out


def _manager(seat: Seat, candidates: list[list[Seat]]) -> Seat | None:
    """The least-loaded boss above ``seat`` of the first group of ``candidates`` that has one."""
    for bosses in candidates:
        found = _least_loaded(seat, bosses)
        if found is not None:
            return found
    return None


def _least_loaded(seat: Seat, bosses: list[Seat]) -> Seat | None:
    """Of ``bosses`` above ``seat``, the one with the fewest reports (the first planned among equals)."""
    best, least = None, (0, 0)
    for boss in bosses:
        if boss is not seat and boss.level > seat.level:
            load = (len(boss.children), boss.order)
            if best is None or load < least:
                best, least = boss, load
    return best


@functools.lru_cache(maxsize=4096)
def _places(
    country: str | None, unit: str | None, region: str | None
) -> list[tuple[str | None, str | None, str | None]]:
    """The places a boss may serve to lead a seat of this place: the seat's own first, then wider ones."""
    places = [
        (c, u, r)
        for c in dict.fromkeys((country, None))
        for u in dict.fromkeys((unit, None))
        for r in dict.fromkeys((region, None))
    ]
    places.sort(key=lambda p: sum(x is None for x in p))
    return places


@dataclass(frozen=True)
class _Spans:
    """What every step of keeping spans within the limit works with."""

    head: Seat
    max_span: int
    policy: SpanPolicy
    roles: dict[str, Role]
    add_lead: AddLead
    family_labels: dict[str, str] | None  # None: no team is named and no reason written (an outline's plan)
    named: list[Named]  # each reason that names a manager: the manager, and its name then
    capacities: dict[int, float] = field(default_factory=dict)  # _capacity by level, worked out once a plan

    def why(self, rule: str, text: ReasonTemplate, manager: Seat, count: int) -> Reason:
        if self.family_labels is None:
            return Reason(rule, "")
        reason = Reason(rule, text.render(manager=manager.name, count=count, max_span=self.max_span))
        self.named.append((reason, manager, manager.name))
        return reason


def limit_spans(
    head: Seat,
    max_span: int,
    policy: SpanPolicy,
    roles: dict[str, Role],
    add_lead: AddLead,
    family_labels: dict[str, str] | None,
) -> list[Named]:
    """Give every leader at most ``max_span`` reports by adding team leads under them.

    ``family_labels`` name the teams of mixed families ("HR Generalists"); None leaves new
    leads' teams unnamed and their reasons unwritten, for a plan only counted and priced.

    A leader a few reports over first passes lone seats up to its own manager (see
    :func:`_lift`); one with no level to spare between it and its team shares the team with
    a second seat like it (see :func:`_share_or_keep`). Returns each reason given that names
    a manager, with the manager, for :func:`retitle` once the leaders have grown.
    """
    spans = _Spans(head, max_span, policy, roles, add_lead, family_labels, [])
    top = max(r.level for r in roles.values() if r.family not in OUTSIDE_HR)  # the ladder's top: the catalog's CHRO
    queue = deque([(head, top)])  # each leader with the highest level it may grow to: one below its manager's room
    overfull: dict[int, Seat] = {}  # managers whose team went over the limit when a report was shared
    while queue:
        manager, cap = queue.popleft()
        if len(manager.children) > max_span:  # most leaders are within it: nothing to do
            if manager is not head:
                _lift(manager, spans)

            def room(members: list[Seat], lead_key: str, manager: Seat = manager, cap: int = cap) -> bool:
                return _room(manager, _lead_level(members, lead_key, roles), roles, cap)

            if not _lead_teams(manager, spans, room):  # no level left to lead a team under this manager
                queue.extend((twin, cap) for twin in _share_or_keep(manager, spans))
                if manager.parent is not None and len(manager.parent.children) > max_span:
                    overfull[id(manager.parent)] = manager.parent
        leading = [child for child in manager.children if child.children]  # a seat leading no one has no span
        if leading:
            queue.extend((child, cap - 1) for child in sorted(leading, key=Seat.sort_key))
    _share_overfull(list(overfull.values()), spans)
    return spans.named


def retitle(seats: list[Seat], named: list[Named], gone: Sequence[tuple[Seat, Seat]] = ()) -> None:
    """Name each manager in the reasons by its title in the finished plan: a leader that grew
    after the reason was given ("Total Rewards Manager would have 42 direct reports" of a seat
    now titled Director of Total Rewards), or the leader that took over its team (``gone``:
    kept and removed seats from :func:`collapse`)."""
    took_over = {id(removed): kept for kept, removed in gone}
    renamed: dict[int, Reason] = {}
    for reason, manager, then in named:
        while id(manager) in took_over:
            manager = took_over[id(manager)]
        if manager.name != then and then in reason.reason:
            renamed[id(reason)] = Reason(reason.rule, reason.reason.replace(then, manager.name, 1))
    if renamed:
        for seat in seats:
            seat.reasons = [renamed.get(id(r), r) for r in seat.reasons]


def _lead_teams(manager: Seat, spans: _Spans, allowed: Callable[[list[Seat], str], bool]) -> bool:
    """Put groups of ``manager``'s reports under new team leads until it is within the limit,
    each group as ``allowed`` lets it; False when no group is left to try."""
    count, tried = len(manager.children), set[int]()
    while len(manager.children) > spans.max_span:
        members = _group(manager, spans.max_span, tried, spans.policy.min_team)
        if members is None:
            return False
        lead_key, per_lead = _scoped_lead(members, spans)
        if lead_key is None or not allowed(members, lead_key):
            tried.add(id(members[0]))
            continue
        reason = spans.why(SPAN_RULE, spans.policy.reason, manager, count)
        leaving = {id(m) for m in members}
        manager.children = [c for c in manager.children if id(c) not in leaving]
        for chunk in _split(members, math.ceil(len(members) / per_lead)):
            lead = spans.add_lead(lead_key, reason)
            lead.team_of = chunk[0].team_of or chunk[0].role
            if spans.family_labels is not None and lead_key != (chunk[0].role.led_by or ""):
                lead.team_label = _team_label(chunk, spans.family_labels)  # a team's own lead role says it already
            places = {(m.country, m.unit, m.region) for m in chunk}
            if len(places) == 1:  # the whole team in one place (as most are): the lead serves it
                lead.country, lead.unit, lead.region = places.pop()
            else:
                for place in ("country", "unit", "region"):
                    shared = {getattr(m, place) for m in chunk}
                    if len(shared) == 1:
                        setattr(lead, place, shared.pop())
            lead.pay_index = max(m.pay_index for m in chunk)
            lead.named_scope = all(m.named_scope for m in chunk)
            if lead.role.family != "leadership":  # a working lead (a senior generalist) does its team's work too
                lead.functions = tuple(dict.fromkeys(f for m in chunk for f in m.functions))
            lead.attach(manager)
            top = max(m.level for m in chunk)
            while lead.level <= top and step_up(lead, spans.roles, manager.level - 1):
                pass  # a lead that grows above its team (catalog ``grows``) takes that level at once
            for member in chunk:
                member.parent = lead
            lead.children.extend(chunk)
    return True


def _regroup_head(spans: _Spans) -> None:
    """The head of HR, over the limit once its reports were shared, puts some of them under
    new leads, as the first pass would have: only reports whose whole branch still fits the
    ladder one level further down (a leader may already sit at the level it was to grow past).
    Reports no lead can take go under a senior leader beside them (:func:`_lower`); what is
    left the head keeps, and says so."""
    head = spans.head

    def below_head(members: list[Seat], lead_key: str) -> bool:
        return _lead_level(members, lead_key, spans.roles) < head.level and all(
            _fits(m, 2, ladder_top(spans.roles)) for m in members
        )

    if not _lead_teams(head, spans, below_head) and not _lower(spans):
        _share_or_keep(head, spans)


def _lower(spans: _Spans) -> bool:
    """The head's most junior reports join the senior leader beside them with the fewest
    reports (a director of inclusion under a VP), while the head is over the limit; True
    when that brings it within."""
    head, lowered = spans.head, spans.policy.lowered
    count = len(head.children)
    while len(head.children) > spans.max_span:
        seat = max(head.children, key=Seat.rank_key)  # the most junior
        hosts = [c for c in head.children if c.level > seat.level and len(c.children) < spans.max_span]
        if lowered is None or not hosts or not _fits(seat, 2, ladder_top(spans.roles)):
            return False
        seat.attach(min(hosts, key=lambda c: (len(c.children), c.rank_key())))
        seat.reasons.append(spans.why(SPAN_LOWERED, lowered, head, count))
    return True


def _fits(seat: Seat, depth: int, top: int) -> bool:
    """Whether ``seat`` and everything under it stay within the ladder (up to ``top``) with
    ``seat`` at ``depth`` below the head."""
    stack = [(seat, depth)]
    while stack:
        here, d = stack.pop()
        if here.level > top - d:
            return False
        stack.extend((c, d + 1) for c in here.children)
    return True


def _lift(manager: Seat, spans: _Spans) -> None:
    """A leader a few reports over the limit, whose manager has room, passes those reports
    up: seats with no team of their own and too few alike to form one, all of a role's seats
    together so no function's specialists are split between two managers.
    A team lead for a one-off excess would come and go as the company grows."""
    above, lifted = manager.parent, spans.policy.lifted
    over = len(manager.children) - spans.max_span
    if lifted is None or above is None or spans.max_span - len(above.children) < over:
        return
    alike = Counter(c.role.key for c in manager.children)
    loose: dict[str, list[Seat]] = {}  # seats of a role too few to form a team, by role: they move together
    for c in sorted(manager.children, key=Seat.rank_key):
        if not c.children and alike[c.role.key] < spans.policy.min_team:
            loose.setdefault(c.role.key, []).append(c)
    moving: list[Seat] = []
    for group in sorted(loose.values(), key=len):  # the fewest seats that bring it within, whole functions only
        if len(moving) >= over:
            break
        moving.extend(group)
    if len(moving) < over or spans.max_span - len(above.children) < len(moving):
        return
    why = spans.why(SPAN_LIFTED, lifted, manager, len(manager.children))
    for seat in moving:
        seat.attach(above)
        seat.reasons.append(why)


def _share_overfull(managers: list[Seat], spans: _Spans) -> None:
    """Managers already laid out whose teams grew past the limit as reports were shared:
    each shares its own team in turn, the deepest first, once its whole team is known;
    the head of HR puts some of its reports under new leads instead."""
    head = spans.head
    order = itertools.count()  # ties in depth: first come, first shared
    waiting = [(-_depth(m, head), next(order), m) for m in managers]
    heapq.heapify(waiting)
    done: set[int] = set()  # the deepest first: a manager's team no longer changes once it is taken
    while waiting:
        d, _, manager = heapq.heappop(waiting)
        if id(manager) in done or len(manager.children) <= spans.max_span:
            continue
        done.add(id(manager))
        if manager is head:
            if not any(r.rule == SPAN_KEPT for r in head.reasons):  # not when it already said it keeps them
                _regroup_head(spans)
            continue
        _share_or_keep(manager, spans)
        above = manager.parent
        if above is not None and len(above.children) > spans.max_span:
            heapq.heappush(waiting, (d + 1, next(order), above))


def _depth(seat: Seat, head: Seat) -> int:
    """How many levels of reporting ``seat`` is below ``head``."""
    depth = 0
    while seat is not head and seat.parent is not None:
        seat, depth = seat.parent, depth + 1
    return depth


def _share_or_keep(manager: Seat, spans: _Spans) -> list[Seat]:
    """A leader with no level left for a team lead under it shares its team with new seats
    like it (returned); the head of HR keeps the extra reports, and says so."""
    policy, count = spans.policy, len(manager.children)
    if manager is spans.head or manager.parent is None or policy.shared is None:
        if policy.kept is not None:
            manager.reasons.append(spans.why(SPAN_KEPT, policy.kept, manager, count))
        return []
    return _share(manager, spans.max_span, spans.why(SPAN_SHARED, policy.shared, manager, count), spans.add_lead)


def _share(manager: Seat, max_span: int, reason: Reason, add_lead: AddLead) -> list[Seat]:
    """Split ``manager``'s team between it and new seats like it (returned), each within ``max_span``."""
    parts = _by_place(manager.children, max_span)
    manager.children = parts[0]
    manager.reasons.append(reason)
    assert manager.parent is not None
    twins = []
    for part in parts[1:]:
        twin = _twin(manager, reason, add_lead)
        twin.reasons = list(manager.reasons)
        twin.attach(manager.parent)
        for member in part:
            member.parent = twin
        twin.children.extend(part)
        twins.append(twin)
    return twins


def _by_place(team: list[Seat], max_span: int) -> list[list[Seat]]:
    """``team`` in parts of at most ``max_span``, alike seats together and each country's or
    unit's seats in one part where they fit."""
    places: dict[tuple[str | None, ...], list[Seat]] = {}
    for seat in sorted(team, key=Seat.sort_key):
        places.setdefault((seat.unit, seat.country, seat.region), []).append(seat)
    parts: list[list[Seat]] = [[]]
    for seats in places.values():
        for chunk in _split(seats, math.ceil(len(seats) / max_span)):
            if len(parts[-1]) + len(chunk) > max_span:
                parts.append([])
            parts[-1].extend(chunk)
    return parts


def _move(members: list[Seat], old: Seat, new: Seat) -> None:
    """Move ``members`` from ``old``'s reports to ``new``'s at once (a team can be thousands strong)."""
    leaving = {id(m) for m in members}
    old.children = [c for c in old.children if id(c) not in leaving]
    for member in members:
        member.parent = new
    new.children.extend(members)


def _group(manager: Seat, max_span: int, tried: set[int], min_team: int) -> list[Seat] | None:
    """The reports to put under new team leads: the largest group of alike seats, else the most junior.

    A group of alike seats smaller than ``min_team`` is passed over for the most junior
    ``min_team`` reports, so no new lead leads a pair.
    """
    groups: dict[tuple[object, ...], list[Seat]] = {}
    ordered = sorted(manager.children, key=Seat.sort_key)
    for child in ordered:
        key = (child.role.key, child.team_of.key if child.team_of else "", child.level, child.country or "")
        groups.setdefault(key, []).append(child)
    alike = [g for g in groups.values() if len(g) >= min(min_team, max_span) and id(g[0]) not in tried]
    if alike:
        return max(alike, key=lambda g: (len(g), -g[0].level))
    led: dict[str, list[Seat]] = {}  # seats of different roles one catalog role leads (regions and countries)
    for child in ordered:
        if child.role.led_by is not None:
            led.setdefault(child.role.led_by, []).append(child)
    shared = [g for g in led.values() if len(g) >= 2 and len({m.role.key for m in g}) > 1 and id(g[0]) not in tried]
    if shared:
        return max(shared, key=len)
    ranked = sorted(manager.children, key=Seat.rank_key)
    members = ranked[-min(max_span, max(min_team, len(ranked) - max_span + 1)) :]
    if len(members) < 2 or id(members[0]) in tried:
        return None
    return members


def _scoped_lead(members: list[Seat], spans: _Spans) -> tuple[str | None, int]:
    """The role of the leads of ``members`` and how many members each leads: the team's own
    lead, or the span policy's; a level higher when the seats each would lead are more than
    the role may lead at the highest level it grows to (``scope_levels``) - unless fewer
    members a lead (at least a team) keep it within."""
    policy, roles = spans.policy, spans.roles
    key = _lead_role(members, policy, roles)
    largest = 1 + max((m.count_below() for m in members if m.children), default=0)  # each member and its team
    least = min(policy.min_team, len(members))
    while key is not None:
        most = _capacity(_reach(roles[key]), spans)  # a lead grows with its team (catalog ``grows``)
        per = spans.max_span if math.isinf(most) else min(spans.max_span, int(most // largest))
        if per >= least:
            return key, per
        key = policy.lead_for(roles[key].level)
    return _lead_role(members, policy, roles), spans.max_span


def _capacity(level: int, spans: _Spans) -> float:
    """The most seats a leader at ``level`` may lead: what its level allows (``scope_levels``),
    and what ``max_span`` reports, each leading as many one level down, can hold."""
    if level not in spans.capacities:
        most = 0.0
        for at in range(1, level + 1):
            most = min(spans.policy.most_led(at), spans.max_span * (1 + most))
        spans.capacities[level] = most
    return spans.capacities[level]


def _lead_role(members: list[Seat], policy: SpanPolicy, roles: dict[str, Role]) -> str | None:
    """The team's own lead role from the catalog (``led_by``, one that is or grows above the
    team), else the span policy's for its level."""
    level, own = 0, set()
    for m in members:
        level = max(level, m.level)
        own.add(m.role.led_by)
    if len(own) == 1:
        key = own.pop()
        if key is not None and _reach(roles[key]) > level:
            return key
    return policy.lead_for(level)


def _reach(role: Role) -> int:
    """The highest level a seat of ``role`` grows to as it leads more (its own growth steps)."""
    return max([role.level, *(g.level or 0 for g in role.grows if g.role is None)])


def _lead_level(members: list[Seat], lead_key: str, roles: dict[str, Role]) -> int:
    """The level a new lead of ``members`` takes: its role's, or above the most senior member."""
    return max(roles[lead_key].level, max(m.level for m in members) + 1)


def _room(manager: Seat, lead_level: int, roles: dict[str, Role], cap: int) -> bool:
    """True when ``manager`` is above ``lead_level``, growing it if its catalog role allows."""
    while manager.level <= lead_level:
        if not step_up(manager, roles, cap):
            return False
    return True


def _split(members: list[Seat], parts: int) -> list[list[Seat]]:
    size, extra = divmod(len(members), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(members[start:end])
        start = end
    return out


def _team_label(members: list[Seat], family_labels: dict[str, str]) -> str:
    """What a new lead's team is: "Recruiters", "HR Analysts and HR Generalists", "Centres of
    Expertise", or (more than three kinds) the largest two and others."""
    kinds: dict[str, Role] = {}  # by key: a role's key names it, and hashes much faster than the role
    count: Counter[str] = Counter()
    for m in members:
        team = m.team_of or m.role
        kinds.setdefault(team.key, team)
        count[team.key] += 1
    teams = list(kinds.values())
    if len(teams) > 1 and all(m.role.leads for m in members):
        return "Centres of Expertise"
    teams.sort(key=lambda r: -count[r.key])
    named = [r.title if r.title.endswith("s") else r.title + "s" for r in teams]
    if len(named) <= 3:  # what the team is, by name: "HR Analysts and HR Generalists"
        return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    family = {m.role.family for m in members}
    if len(family) == 1 and members[0].role.family == "generalist":  # the family says what the team is
        return family_labels[members[0].role.family]
    return f"{named[0]}, {named[1]} and other HR staff"


def grow(seat: Seat, roles: dict[str, Role], cap: int | None = None) -> int:
    """Grow every leader under ``seat`` (reports first) with its team, and to outrank its
    reports; return the seats below.

    No seat grows past ``cap`` (by default the top of the catalog's ladder), one level below
    its manager's room, so a manager always keeps a level above every report.
    """
    if cap is None:
        cap = ladder_top(roles)
    below = top = 0  # the seats below, and the highest level of a report once it has grown
    for child in seat.children:
        if child.children or child.is_leader:
            below += 1 + grow(child, roles, cap - 1)
        else:  # a seat that leads no one has nothing to grow with: counted here, without a call
            child.below_count = 0
            below += 1
        if child.level > top:
            top = child.level
    seat.below_count = below
    if not seat.is_leader:
        return below
    for step in _steps(seat):
        if step.below is not None and below >= step.below and _higher(step, seat, roles) and _level(step, roles) <= cap:
            _apply(seat, step, roles)
    while seat.level <= top and step_up(seat, roles, cap):
        pass
    return below


def _steps(seat: Seat, head: bool | None = None) -> tuple[Growth, ...]:
    """The seat's growth steps: the head of HR climbs the ladder of roles, other leaders grow in title and level."""
    if head is None:
        head = seat.parent is not None and not seat.parent.role.is_hr
    return tuple(s for s in seat.role.grows if (s.role is not None) == head)


def _level(step: Growth, roles: dict[str, Role]) -> int:
    return roles[step.role].level if step.role else (step.level or 0)


def _higher(step: Growth, seat: Seat, roles: dict[str, Role]) -> bool:
    return _level(step, roles) > seat.level


def step_up(seat: Seat, roles: dict[str, Role], cap: int | None = None, head: bool | None = None) -> bool:
    """Take the seat's next growth step; False when its role has none left below ``cap`` (by
    default the top of the catalog's ladder).

    ``head`` says whether the seat is the head of HR (by default: it reports outside HR).
    """
    step = next((s for s in _steps(seat, head) if _higher(s, seat, roles)), None)
    if step is None or _level(step, roles) > (ladder_top(roles) if cap is None else cap):
        return False
    _apply(seat, step, roles)
    return True


def _apply(seat: Seat, step: Growth, roles: dict[str, Role]) -> None:
    if step.role is not None:
        seat.role = roles[step.role]
        seat.level = seat.role.level
        seat.title = None
    else:
        seat.level = step.level or seat.level
        seat.title = step.title


def follow_scope(
    head: Seat,
    policy: SpanPolicy,
    roles: dict[str, Role],
    employees: int,
    max_span: int,
    countries: dict[str, int] | None = None,
    add_lead: AddLead | None = None,
) -> list[Seat]:
    """Raise every leader to the level the seats it leads ask (``scope_levels``), and from
    ``head_reports``' size every report of the head of HR who leads a team; its manager
    rises first where it must to stay above, and where it cannot the seat reports one level
    up when that leader has room. Return the seats raised.

    What each leader leads is its ``below_count``: run :func:`grow` on the tree first.
    """
    raised = []
    ordered = _leaders_by_depth_then_team(head)
    led = {id(seat): seat.below_count for seat in ordered}  # what each leads at the start, as grow counted it
    for seat in ordered:  # managers first, larger teams first
        if not seat.children or seat.parent is None:
            continue
        # What a seat leads when its turn comes is what it led at the start: a seat raised
        # before it moves with its whole team, and only between the seats above it.
        count = led[id(seat)]
        want = policy.level_for(count)
        least = next((s for s, lv in policy.scope_levels if lv == want), 0)
        text = policy.scope_reason
        size, level = policy.head_reports or (0, 0)
        if policy.head_reports and employees >= size and seat.parent is head and level > want:
            want, text = level, policy.head_reason
        people = (countries or {}).get(seat.country or "", 0) if seat.role.scoped and seat.country else 0
        least_country, country_level = next(((n, lv) for n, lv in policy.country_leads if people >= n), (0, 0))
        if country_level > want:
            want, text = country_level, policy.country_reason
        if seat.level >= want:
            continue
        if not _raise(seat, want, head, policy, roles, max_span):
            if add_lead is not None and policy.level_for(count) > seat.level:
                _share_scope(seat, policy, add_lead, max_span)
            continue
        if text is not None and text is policy.country_reason:
            values = {"country": seat.country, "employees": people, "least": least_country, "level": want}
            seat.reasons.append(Reason(SCOPE_LEVEL, text.render(values, title=seat.name)))
        elif text is not None:
            values = {"count": count, "seats": least, "employees": employees, "title": seat.name, "level": want}
            if policy.head_reports:
                values["min_employees"] = policy.head_reports[0]
            seat.reasons.append(Reason(SCOPE_LEVEL, text.render(values)))
        raised.append(seat)
    return raised


def _leaders_by_depth_then_team(head: Seat) -> list[Seat]:
    """Every leader under ``head``, the nearer ones first and, at one depth, those leading more
    seats first (``below_count``, as :func:`grow` left it), ties in the chart's order."""
    leaders: list[tuple[int, int, int, Seat]] = []  # (depth, -seats led, place at its depth, leader)
    level, depth = head.children, 1
    while level:  # one depth at a time, each in the chart's order
        below: list[Seat] = []
        for seat in level:
            if seat.is_leader:
                leaders.append((depth, -seat.below_count, len(leaders), seat))
            if seat.children:
                below += seat.children
        level, depth = below, depth + 1
    leaders.sort()
    return [seat for *_, seat in leaders]


_TWINNED = ("level", "title", "country", "unit", "region", "pay_index", "team_of", "team_label", "named_scope")


def _twin(seat: Seat, reason: Reason, add_lead: AddLead) -> Seat:
    """A second seat like ``seat`` (its role, level, title, place, pay, team and work), added for ``reason``;
    it reports to no one yet."""
    twin = add_lead(seat.role.key, reason)
    for name in _TWINNED:
        setattr(twin, name, getattr(seat, name))
    twin.fte, twin.functions = seat.fte, seat.functions
    return twin


def _share_scope(seat: Seat, policy: SpanPolicy, add_lead: AddLead, max_span: int) -> None:
    """A leader whose team is too large for the level it can reach shares it with a second
    seat like it beside it, each part within what that level leads (when its manager has room)."""
    above, most = seat.parent, policy.most_led(seat.level)
    if above is None or policy.split_reason is None or len(above.children) >= max_span or len(seat.children) < 2:
        return
    count = seat.count_below()
    sizes = {id(c): 1 + c.count_below() for c in seat.children}
    if count > 2 * most or max(sizes.values()) > most:
        return
    reason = Reason(SCOPE_SPLIT, policy.split_reason.render(title=seat.name, count=count, level=seat.level, most=most))
    twin = _twin(seat, reason, add_lead)
    twin.attach(above)
    seat.reasons.append(reason)
    half, moved = count / 2, list[Seat]()
    for child in sorted(seat.children, key=lambda c: -sizes[id(c)]):  # the larger parts first, to balance
        if sum(sizes[id(m)] for m in moved) + sizes[id(child)] <= half:
            moved.append(child)
    _move(moved, seat, twin)


def _raise(seat: Seat, want: int, head: Seat, policy: SpanPolicy, roles: dict[str, Role], max_span: int) -> bool:
    """Bring ``seat`` to level ``want`` or above - by its growth steps, else as the span
    policy's lead at that level - raising its managers first where they would not outrank it."""
    parent = seat.parent
    if parent is None:
        return False
    if parent.level <= want:
        if parent is head:
            while parent.level <= want and step_up(parent, roles, head=True):
                pass
        elif parent.is_leader:
            _raise(parent, want + 1, head, policy, roles, max_span)
    if parent.level <= want:
        above = parent.parent
        if above is None or not above.role.is_hr or above.level <= want or len(above.children) >= max_span:
            return False
        seat.attach(above)  # its manager has no level left above it: the seat reports one level up
        parent = above
    while seat.level < want and step_up(seat, roles, parent.level - 1):
        pass
    if seat.level < want:
        key = policy.lead_for(want - 1)
        if key is None or roles[key].level >= parent.level:
            return False
        seat.role, seat.level, seat.title = roles[key], roles[key].level, None
    return True


def distinct_titles(head: Seat, policy: SpanPolicy, named: set[str]) -> None:
    """Leaders from ``policy.distinct.from_level`` up who would share a title are told apart:
    by the one country, unit or region each leads, when it is a name from the profile
    (``named``), else by number."""
    rule = policy.distinct
    if rule is None:
        return
    alike: dict[str, list[Seat]] = {}
    for seat in head.below():
        if seat.is_leader and seat.children and seat.level >= rule.from_level:
            alike.setdefault(seat.name, []).append(seat)
    for name, seats in alike.items():
        if len(seats) < 2:
            continue
        places = [_one_place(s) for s in seats]
        by_place = all(p in named for p in places) and len(set(places)) == len(places)
        for n, (seat, place) in enumerate(zip(seats, places, strict=True), start=1):
            text = rule.place if by_place else rule.number
            seat.title, seat.team_label = text.render(title=name, place=place or "", n=n, count=len(seats)), None


def _one_place(seat: Seat) -> str | None:
    """The one country, business unit or region every seat under ``seat`` serves, if there is one."""
    below = seat.below()
    for kind in ("country", "unit", "region"):
        found = {getattr(s, kind) for s in below}
        if len(found) == 1 and None not in found:
            return str(found.pop())
    return None


def flatten_small(head: Seat, max_seats: int, max_team: int, max_over: int) -> list[tuple[Seat, Seat, int]]:
    """In a department of at most ``max_seats`` seats, a leader of ``max_team`` or fewer under
    a leader of ``max_over`` or fewer hands its team to that leader and leaves the plan;
    return each (leader kept, leader taken out, the team it handed over)."""
    seats = head.count_below() + 1
    if seats > max_seats:
        return []
    removed = []
    for seat in [head, *head.below()]:
        if seat.parent is None and seat is not head:
            continue  # taken out already
        if not seat.is_leader or len(seat.children) > max_over:
            continue
        for child in list(seat.children):
            if child.is_leader and child.children and len(child.children) <= max_team:
                team = list(child.children)
                seat.children.remove(child)
                child.parent = None
                _move(team, child, seat)
                removed.append((seat, child, len(team)))
    return removed


def step_aside(head: Seat) -> list[Seat]:
    """A regional leader left with one report who leads a country steps aside: the country's
    lead reports to the regional leader's manager instead. Return the leaders taken out."""
    removed = []
    for seat in list(head.below()):
        if seat.parent is None or not (seat.is_leader and seat.region and seat.country is None):
            continue
        if len(seat.children) == 1 and seat.children[0].is_leader and seat.children[0].country is not None:
            child, above = seat.children[0], seat.parent
            above.children.remove(seat)
            seat.parent, seat.children = None, []
            child.parent = None
            child.attach(above)
            removed.append(seat)
    return removed


def collapse(head: Seat) -> list[tuple[Seat, Seat]]:
    """Fold one-over-one chains of leaders; return each (leader kept, leader taken out)."""
    removed = []
    stack = [head]
    while stack:
        seat = stack.pop()
        while len(seat.children) == 1 and seat.children[0].is_leader and seat.children[0].children:
            child = seat.children[0]
            seat.children = []
            _move(list(child.children), child, seat)
            child.parent = None
            removed.append((seat, child))
        stack.extend(seat.children)
    return removed


def team_leaders(head: Seat) -> list[Seat]:
    """The leaders under ``head`` who lead a team, for :func:`drop_emptied`."""
    return [s for s in head.below() if s.is_leader and s.children]


def drop_emptied(head: Seat, led: list[Seat]) -> list[Seat]:
    """Take out the leaders of ``led`` (from :func:`team_leaders`) still in the tree under ``head``
    whose whole team has moved elsewhere: a leader of no one left over from a team is no seat.
    Return them. (Seats move, or leave the tree whole: one with a manager is still under ``head``.)"""
    gone = [s for s in led if s.parent is not None and not s.children]
    for seat in gone:
        assert seat.parent is not None
        seat.parent.children.remove(seat)
        seat.parent = None
    return gone


def in_order(top: Seat) -> list[Seat]:
    """Every seat under and including ``top``, level by level, each team in sort order."""
    ordered, i = [top], 0
    while i < len(ordered):
        seat = ordered[i]
        if seat.children:
            seat.children.sort(key=Seat.sort_key)
            ordered.extend(seat.children)
        i += 1
    return ordered
