"""From a company profile to a recommended HR organisation.

The planner runs the rule pack in three stages - specialists, generalists, leadership -
then draws the reporting lines from the role catalog, keeps every leader within
``max_span`` by adding team leads, prices every seat, and checks the result is a
proper org chart (one root, one manager per seat, no cycles).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .catalog import Role
from .errors import PlanError, RuleError
from .model import Plan, Position, Reason, RuleResult
from .profile import Profile, expression_values
from .rules import Rule
from .templates import Templates, load_templates

__all__ = ["plan", "planning_values", "FAMILY_ORDER"]

FAMILY_ORDER = {"executive": 0, "leadership": 1, "generalist": 2, "specialist": 3, "support": 4}
SPAN_RULE = "span-limit"


@dataclass(eq=False)
class _Seat:
    role: Role
    fte: float
    functions: tuple[str, ...]
    reasons: list[Reason]
    order: int
    title: str | None = None
    team_of: Role | None = None
    parent: _Seat | None = None
    children: list[_Seat] = field(default_factory=list)

    def sort_key(self) -> tuple[int, int, str, int]:
        return (FAMILY_ORDER[self.role.family], -self.role.level, self.role.key, self.order)


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
    seats: list[_Seat] = []
    results: list[RuleResult] = []
    counter = [0]

    def add(role_key: str, fte: float, reason: Reason, functions: tuple[str, ...]) -> _Seat:
        counter[0] += 1
        seat = _Seat(t.roles[role_key], fte, functions, [reason], counter[0])
        seats.append(seat)
        return seat

    requested = profile.functions
    for rule in t.rules.stage("specialist"):
        results.append(_apply(rule, values, seats, add, t, requested))
    specialist_cover = {f for s in seats for f in s.functions}
    uncovered = tuple(f for f in requested if f not in specialist_cover)
    values["generalist_demand"] = sum(values[f"demand_{f}"] for f in uncovered)
    values["specialist_seats"] = len(seats)
    _count_seats(values, seats, t)
    for rule in t.rules.stage("generalist"):
        results.append(_apply(rule, values, seats, add, t, requested, uncovered=uncovered))
        _count_seats(values, seats, t)
    values["staff_seats"] = len(seats)
    for rule in t.rules.stage("lead"):
        results.append(_apply(rule, values, seats, add, t, requested))
        _count_seats(values, seats, t)
    if not seats:
        raise PlanError("the rule pack recommended no HR seat at all; it needs a rule that fires for every company", path=t.rules.path)
    missing = [f for f in requested if not any(f in s.functions for s in seats)]
    if missing:
        raise PlanError(f"no seat covers the requested function(s) {', '.join(missing)}; the rule pack needs a rule that covers them", path=t.rules.path)

    executive = _Seat(t.executive, 1.0, (), [], 0, title=_executive_title(profile, t))
    _link(executive, seats)
    _limit_spans(executive, profile.max_span, t, values, add)
    return _build(profile, executive, t, values, tuple(results))


def planning_values(profile: Profile, t: Templates) -> dict[str, Any]:
    """The names rule expressions see: profile, constants, derived figures and workloads."""
    values = expression_values(profile, t)
    for name, figure in t.constants.items():
        values[name] = figure.value
    for figure in t.derived:
        values[figure.name] = figure.expression.number(values)
    for function, figure in t.workload.items():
        values[f"demand_{function}"] = max(0.0, figure.expression.number(values)) if function in profile.functions else 0.0
    return values


def _apply(rule: Rule, values: dict[str, Any], seats: list[_Seat], add: Any, t: Templates, requested: tuple[str, ...], uncovered: tuple[str, ...] = ()) -> RuleResult:
    if not rule.when.truth(values):
        return RuleResult(rule.id, rule.stage, False, 0, f"condition not met: {rule.when.text}")
    action = rule.action
    count = action.seats.number(values)
    if count < 0 or count != int(count):
        raise RuleError(f"seats should be a whole number of 0 or more, gave {count:g}", path=t.rules.path, where=f"rule '{rule.id}', {action.kind}.seats")
    count = int(count)
    reason = Reason(rule.id, rule.reason.render(values, seats=count))
    if action.kind == "promote":
        candidates = [s for s in seats if s.role.key == action.from_role][:count]
        for seat in candidates:
            seat.role = t.roles[action.role]
            seat.reasons.append(reason)
        return RuleResult(rule.id, rule.stage, True, len(candidates), reason.reason)
    fte = 1.0
    if action.fte is not None:
        fte = action.fte.number(values)
        if not 0 < fte <= 1:
            raise RuleError(f"fte should be more than 0 and at most 1, gave {fte:g}", path=t.rules.path, where=f"rule '{rule.id}', add.fte")
        fte = round(fte * 20) / 20 or 0.05
    role = t.roles[action.role]
    own = tuple(f for f in requested if f in role.functions)
    if role.family in ("generalist", "support") and uncovered and set(uncovered) <= set(own):
        own = uncovered
    for _ in range(count):
        add(role.key, fte, reason, own)
    return RuleResult(rule.id, rule.stage, True, count, reason.reason)


def _count_seats(values: dict[str, Any], seats: list[_Seat], t: Templates) -> None:
    counts = Counter(s.role.key for s in seats)
    for key, role in t.roles.items():
        if role.is_hr:
            values[f"seats_{key}"] = counts.get(key, 0)


def _executive_title(profile: Profile, t: Templates) -> str:
    titles = t.profile_fields.get("hr_reports_to", {}).get("titles", {})
    return str(titles.get(profile.hr_reports_to, profile.hr_reports_to))


def _link(executive: _Seat, seats: list[_Seat]) -> None:
    """Attach each seat to the first role of its catalog ``reports_to`` the plan has."""
    ranked = sorted(seats, key=lambda s: (-s.role.level, FAMILY_ORDER[s.role.family], s.order))
    head = ranked[0]
    by_role: dict[str, list[_Seat]] = {}
    for seat in ranked:
        by_role.setdefault(seat.role.key, []).append(seat)
    _attach(head, executive)
    for seat in ranked[1:]:
        parent = head
        for key in seat.role.reports_to:
            bosses = [b for b in by_role.get(key, []) if b.role.level > seat.role.level]
            if bosses:
                parent = min(bosses, key=lambda b: (len(b.children), b.order))
                break
        _attach(seat, parent)


def _attach(seat: _Seat, parent: _Seat) -> None:
    if seat.parent is not None:
        seat.parent.children.remove(seat)
    seat.parent = parent
    parent.children.append(seat)


def _limit_spans(executive: _Seat, max_span: int, t: Templates, values: dict[str, Any], add: Any) -> None:
    """Give every leader at most ``max_span`` reports by adding team leads under them."""
    policy = t.rules.span
    queue = [executive]
    while queue:
        manager = queue.pop(0)
        original = len(manager.children)
        while len(manager.children) > max_span:
            reason = Reason(SPAN_RULE, policy.reason.render(manager=manager.title or manager.role.title, count=original, max_span=max_span))
            groups: dict[tuple[str, str], list[_Seat]] = {}
            for child in sorted(manager.children, key=_Seat.sort_key):  # leads of different teams stay apart
                groups.setdefault((child.role.key, child.team_of.key if child.team_of else ""), []).append(child)
            largest = max(groups.values(), key=lambda g: (len(g), -g[0].role.level))
            if len(largest) >= 2:
                members = largest
            else:  # all different roles: move the lowest-ranked ones under one lead
                ranked = sorted(manager.children, key=lambda s: (-s.role.level, FAMILY_ORDER[s.role.family], s.order))
                members = ranked[-min(max_span, len(manager.children) - max_span + 1):]
            leaders = members[0].role.family == "leadership"
            lead_role = policy.lead_of_leads_role if leaders else policy.team_lead_role
            teams = math.ceil(len(members) / max_span)
            for chunk in _split(members, teams):
                lead = add(lead_role, 1.0, reason, ())
                lead.team_of = chunk[0].team_of or chunk[0].role
                lead.title = _team_title(t.roles[lead_role], lead.team_of)
                _attach(lead, manager)
                for member in chunk:
                    _attach(member, lead)
        queue.extend(sorted(manager.children, key=_Seat.sort_key))


def _split(members: list[_Seat], parts: int) -> list[list[_Seat]]:
    size, extra = divmod(len(members), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(members[start:end])
        start = end
    return out


def _team_title(lead: Role, members: Role) -> str:
    plural = members.title if members.title.endswith("s") else members.title + "s"
    return f"{lead.title}, {plural}"


def _build(profile: Profile, executive: _Seat, t: Templates, values: dict[str, Any], results: tuple[RuleResult, ...]) -> Plan:
    import networkx as nx

    load = float(values.get("benefits_load", 1.0))
    ordered: list[_Seat] = []
    queue = [executive]
    while queue:
        seat = queue.pop(0)
        ordered.append(seat)
        seat.children.sort(key=_Seat.sort_key)
        queue.extend(seat.children)
    ids: dict[int, str] = {}
    numbers: Counter[str] = Counter()
    for seat in ordered:
        if seat is executive:
            ids[id(seat)] = profile.hr_reports_to.lower()
            continue
        numbers[seat.role.key] += 1
        ids[id(seat)] = f"{seat.role.key.replace('_', '-')}-{numbers[seat.role.key]}"
    graph = nx.DiGraph()
    positions = []
    for seat in ordered:
        hr = seat is not executive
        base = round(seat.role.salary.base * profile.salary_multiplier)
        position = Position(
            id=ids[id(seat)],
            title=seat.title or seat.role.title,
            role=seat.role.key,
            family=seat.role.family,
            level=seat.role.level,
            reports_to=ids[id(seat.parent)] if seat.parent is not None else None,
            functions=seat.functions,
            fte=seat.fte,
            base_salary=float(base),
            annual_cost=float(round(base * seat.fte * load)) if hr else 0.0,
            rationale=tuple(seat.reasons),
        )
        positions.append(position)
        graph.add_node(position.id, **{k: v for k, v in position.__dict__.items() if k != "id"})
        if position.reports_to is not None:
            graph.add_edge(position.reports_to, position.id)
    if not nx.is_arborescence(graph):
        raise PlanError("the reporting lines do not form a single tree; check the reports_to lists of the role catalog", path=t.directory)
    return Plan(profile=profile, seats=tuple(positions), graph=graph, rule_results=results, templates=t)
