"""The gap between the HR team a company has and the one orgplan recommends.

Current seats are matched to recommended seats in four passes, each explained:
the same role; the current head of HR to the recommended head; the nearest level of the
same family; and titles the catalog does not know, by the words they share with a role.
What is left over is a seat to add (recommended, unmatched) or a seat in excess
(current, with no place in the recommended structure).
"""

from __future__ import annotations

import functools
import os
import threading
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgplan.core.words import with_article
from orgplan.knowledge.benchmarks import hr_per_100
from orgplan.knowledge.catalog import normalise_title
from orgplan.knowledge.templates import Templates
from orgplan.model.plan import Plan, Position, SeatTree

__all__ = ["Match", "Comparison", "compare", "guess_role", "load_current"]


@dataclass(frozen=True)
class Match:
    """A current seat and the recommended seat it becomes (either may be None).

    ``status`` is 'kept' (nothing to change), 'changed' (see ``changes``), 'new' (a seat to
    add) or 'excess' (a current seat with no place in the recommended structure).
    """

    current: Position | None
    recommended: Position | None
    status: str
    changes: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Comparison:
    """How far the current team is from the recommended plan."""

    current: SeatTree
    plan: Plan
    matches: tuple[Match, ...]
    spans_over: tuple[tuple[Position, int], ...]
    uncovered: tuple[str, ...]
    current_cost: float
    estimated_costs: int  # current seats without a salary, costed at their role's catalog pay
    advice: tuple[str, ...] = ()  # what a leader should weigh beyond the seat list: head of HR, unions, sites

    def with_status(self, status: str) -> tuple[Match, ...]:
        """The matches of one status: 'new', 'changed', 'kept' or 'excess'."""
        return tuple(m for m in self.matches if m.status == status)

    @property
    def to_add(self) -> tuple[Match, ...]:
        return self.with_status("new")

    @property
    def excess(self) -> tuple[Match, ...]:
        return self.with_status("excess")

    @property
    def changed(self) -> tuple[Match, ...]:
        return self.with_status("changed")

    @property
    def kept(self) -> tuple[Match, ...]:
        return self.with_status("kept")

    @property
    def reporting_changes(self) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if any(c.startswith("report") for c in m.changes))

    @property
    def cost_difference(self) -> float:
        """Recommended annual cost minus current annual cost: new seats + re-pricing - seats beyond the plan."""
        return self.plan.summary["annual_cost"] - self.current_cost

    def cost_split(self) -> dict[str, float]:
        """The cost difference in parts: seats to add, current seats re-priced, seats beyond the plan, and
        the fees of work bought in (the plan's less a current plan's).

        ``new_seats + repricing - excess + fees == cost_difference`` (to rounding).
        """
        costs = self.seat_costs
        new = sum(m.recommended.annual_cost for m in self.to_add if m.recommended is not None)
        repricing = sum(
            m.recommended.annual_cost - costs.get(m.current.id, m.current.annual_cost)
            for m in self.matches
            if m.status in ("kept", "changed") and m.current and m.recommended
        )
        excess = sum(costs.get(m.current.id, m.current.annual_cost) for m in self.excess if m.current is not None)
        fees = self.plan.fees - (self.current.fees if isinstance(self.current, Plan) else 0)
        return {"new_seats": round(new), "repricing": round(repricing), "excess": round(excess), "fees": fees}

    @functools.cached_property
    def seat_costs(self) -> dict[str, float]:
        """Each current seat's annual cost as compared (seats without a salary at their role's pay)."""
        return dict(self._seat_costs)

    _seat_costs: tuple[tuple[str, float], ...] = ()

    @property
    def filled_by(self) -> dict[str, str | None]:
        """Each recommended HR seat's id -> the current seat that fills it (matched as kept
        or changed), or None when it is open."""
        return {
            m.recommended.id: (m.current.id if m.current is not None else None)
            for m in self.matches
            if m.recommended is not None
        }

    @property
    def open_seats(self) -> tuple[Position, ...]:
        """The recommended seats no current seat fills: the seats to hire, in the plan's order."""
        filled = self.filled_by
        return tuple(s for s in self.plan.hr_seats if filled.get(s.id) is None)

    def open_totals(self) -> dict[str, Any]:
        """Seats, FTE and annual cost of the open seats: what hiring adds.

        >>> from orgplan import plan as make_plan, profile_from_dict
        >>> p = make_plan(profile_from_dict({"company": "A", "employees": 400}))
        >>> compare(p, p).open_totals()
        {'open_seats': 0, 'open_fte': 0.0, 'open_cost': 0}
        """
        seats = self.open_seats
        return {
            "open_seats": len(seats),
            "open_fte": round(float(sum(s.fte for s in seats)), 2),
            "open_cost": round(sum(s.annual_cost for s in seats)),
        }

    def to_dict(self) -> dict[str, Any]:
        """The recommended plan as :meth:`Plan.to_dict` gives it, each position with ``status``
        ('filled' or 'open'; None outside HR) and ``filled_by`` (the current seat's id), the
        summary with the open totals; and the current side's totals."""
        data = self.plan.to_dict()
        filled = self.filled_by
        for position in data["positions"]:
            hr = position["id"] in filled
            position["status"] = ("open" if filled[position["id"]] is None else "filled") if hr else None
            position["filled_by"] = filled.get(position["id"])
        data["summary"] |= self.open_totals()
        data["current"] = self.summaries()["current"]
        return data

    @property
    def json(self) -> str:
        """:meth:`to_dict` as JSON; the same inputs always give the same bytes."""
        import json

        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @property
    def marks(self) -> dict[str, str]:
        """Recommended seat id -> 'new', 'kept' or 'changed', for the marked org chart."""
        return {m.recommended.id: m.status for m in self.matches if m.recommended is not None}

    def summaries(self) -> dict[str, dict[str, Any]]:
        """Seats, FTE, cost, layers, widest span and HR per 100 of both sides."""
        employees = self.plan.profile.employees
        out = {}
        for name, tree, cost in (
            ("current", self.current, self.current_cost),
            ("recommended", self.plan, self.plan.summary["annual_cost"]),
        ):
            s = tree.structure()
            employees_here = tree.profile.employees if isinstance(tree, Plan) else employees
            out[name] = {
                "hr_headcount": s["hr_headcount"],
                "hr_fte": s["hr_fte"],
                "hr_per_100": hr_per_100(s["hr_fte"], employees_here),
                "annual_cost": round(cost),
                "layers": s["layers"],
                "widest_span": s["widest_span"],
            }
        return out


def load_current(path: str | os.PathLike[str], templates: Templates) -> tuple[SeatTree, str]:
    """What to compare a plan with, and its name: a team file (.xlsx, .csv) or another
    profile (.yaml, .json), planned."""
    from orgplan.model.profile import load_profile
    from orgplan.planning.planner import plan
    from orgplan.reading.team import read_team

    if Path(path).suffix.lower() in (".yaml", ".yml", ".json"):
        other = load_profile(path, templates=templates)
        return plan(other, templates=templates), f"Scenario {path} ({other.employees:,} employees)"
    return read_team(path, templates=templates), f"Current team {path}"


_Names = tuple[list[tuple[str, Any, str, frozenset[str]]], dict[str, list[int]]]
_WORDS: dict[int, tuple[Templates, _Names]] = {}
_WORDS_LOCK = threading.Lock()


def _catalog_words(templates: Templates) -> _Names:
    """Each HR role's names with their telling words, and for each telling word the names that
    have it; worked out once per knowledge (a team of 50,000 seats asks 50,000 times). The last
    few knowledges are kept, held so their ids stay theirs."""
    with _WORDS_LOCK:
        held = _WORDS.get(id(templates))
        if held is not None and held[0] is templates:
            return held[1]
    filler = templates.title_matching.filler
    names = [
        (key, role, name, frozenset(normalise_title(name).split()) - filler)
        for key, role in templates.roles.items()
        if role.is_hr
        for name in (role.title, *role.also_called)
    ]
    having: dict[str, list[int]] = {}
    for i, (_, _, _, theirs) in enumerate(names):
        for word in theirs:
            having.setdefault(word, []).append(i)
    with _WORDS_LOCK:
        _WORDS[id(templates)] = (templates, (names, having))
        while len(_WORDS) > 8:
            del _WORDS[next(iter(_WORDS))]
    return names, having


def guess_role(title: str, templates: Templates) -> tuple[str, str] | None:
    """The catalog role a title most likely means, and why; None when no role shares a telling word.

    Titles are compared as sets of words, ignoring filler ('HR', 'of'); the words shared
    must include one that says what the seat does (not only its rank, like 'manager').
    The word lists and the lowest score come from the catalog's ``title_matching``.
    Only the catalog's names that share such a word are scored, in the catalog's order.

    >>> from orgplan.knowledge.templates import load_templates
    >>> guess_role("Payroll Team Lead", load_templates())[0]
    'payroll_specialist'
    """
    matching = templates.title_matching
    words = set(normalise_title(title).split()) - matching.filler
    if not words:
        return None
    names, having = _catalog_words(templates)
    telling = words - matching.rank_words
    best: tuple[float, int, str, str] | None = None
    for i in sorted({i for word in telling for i in having.get(word, ())}):
        key, role, name, theirs = names[i]
        common = words & theirs
        if not common - matching.rank_words:
            continue
        score = len(common) / len(words | theirs)
        candidate = (score, -role.level, key, f"'{title}' shares '{' '.join(sorted(common))}' with {name}")
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None or best[0] < matching.min_score:
        return None
    return best[2], best[3]


def compare(current: SeatTree, plan: Plan) -> Comparison:
    """Match ``current`` (a team read from a file, or another plan) against ``plan``.

    >>> from orgplan import plan as make_plan, profile_from_dict
    >>> small = make_plan(profile_from_dict({"company": "A", "employees": 60}))
    >>> big = make_plan(profile_from_dict({"company": "A", "employees": 400}))
    >>> gap = compare(small, big)
    >>> len(gap.to_add) == big.summary["hr_headcount"] - len(gap.kept) - len(gap.changed)
    True
    """
    t = plan.templates
    roles = t.roles
    cur = list(current.hr_seats)
    rec = list(plan.hr_seats)
    role_of: dict[str, str] = {}
    guessed: dict[str, str] = {}
    for seat in cur:
        if seat.role in roles:
            role_of[seat.id] = seat.role
        else:
            guess = guess_role(seat.title, t)
            if guess is not None:
                role_of[seat.id], guessed[seat.id] = guess
    pairs: dict[str, tuple[str, str]] = {}  # current id -> (recommended id, why)
    taken: set[str] = set()

    def pair(c: Position, r: Position, why: str) -> None:
        pairs[c.id] = (r.id, why)
        taken.add(r.id)

    by_role: dict[str, deque[Position]] = {}  # each role's recommended seats, in plan order
    for r in rec:
        by_role.setdefault(r.role, deque()).append(r)

    def first_open(key: str | None) -> Position | None:
        queue = by_role.get(key or "")
        while queue and queue[0].id in taken:
            queue.popleft()
        return queue[0] if queue else None

    for sure in (True, False):  # 1. the same role: known roles first, then roles guessed from titles
        for c in cur:
            key = role_of.get(c.id)
            if (c.id in guessed) == sure or c.id in pairs:
                continue
            found = first_open(key)
            if found is not None and key is not None:
                pair(
                    c,
                    found,
                    f"same role ({roles[key].title}); {guessed[c.id]}"
                    if c.id in guessed
                    else f"same role ({roles[key].title})",
                )
    head = next((s for s in rec if s.reports_to == plan.root.id), None)
    current_head = next((s for s in cur if s.reports_to is None or s.reports_to == current.root.id), None)
    if (
        head is not None and current_head is not None and head.id not in taken and current_head.id not in pairs
    ):  # 2. heads of HR
        pair(current_head, head, "the current head of HR takes the recommended head-of-HR seat")
    for c in cur:  # 3. the same family, nearest level
        key = role_of.get(c.id)
        if c.id in pairs or key is None:
            continue
        family, level = roles[key].family, roles[key].level
        options = [r for r in rec if r.id not in taken and r.family == family]
        if options:
            r = min(options, key=lambda r: (abs(r.level - level), -len(set(r.functions) & set(roles[key].functions))))
            pair(c, r, f"closest open {family} seat to a {roles[key].title} (level {level} to {r.level})")

    rec_of = {cid: rid for cid, (rid, _) in pairs.items()}
    matches = []
    for c in cur:
        if c.id not in pairs:
            why = (
                f"no open seat for a {roles[role_of[c.id]].title} in the recommended structure"
                if c.id in role_of
                else f"the title '{c.title}' names no catalog role"
            )
            matches.append(Match(c, None, "excess", (), why))
            continue
        r = plan.seat(pairs[c.id][0])
        changes = _changes(c, r, role_of.get(c.id), current, plan, rec_of, roles)
        matches.append(Match(c, r, "changed" if changes else "kept", changes, pairs[c.id][1]))
    for r in rec:
        if r.id not in taken:
            reason = r.rationale[-1].reason if r.rationale else "in the recommended structure"
            matches.append(Match(None, r, "new", (), reason))
    spans = tuple(
        (s, current.graph.out_degree(s.id)) for s in cur if current.graph.out_degree(s.id) > plan.profile.max_span
    )
    covered = {f for c in cur for f in (c.functions or (roles[role_of[c.id]].functions if c.id in role_of else ()))}
    uncovered = tuple(f for f in plan.profile.functions if f not in covered)
    estimated = 0
    costing = t.costing
    seat_costs = {}
    for c in cur:
        if c.annual_cost or c.base_salary or c.id not in role_of:
            seat_costs[c.id] = c.annual_cost
        else:  # no salary in the file: cost the seat at its role's pay
            estimated += 1
            role = roles[role_of[c.id]]
            seat_costs[c.id] = costing.annual_cost(
                costing.base_salary(role, plan.profile.salary_multiplier), c.fte, costing.load_for(role.paid_as)
            )
    advice = _advice(current, cur, plan, role_of, uncovered)
    return Comparison(
        current=current,
        plan=plan,
        matches=tuple(matches),
        spans_over=spans,
        uncovered=uncovered,
        current_cost=sum(seat_costs.values()) + (current.fees if isinstance(current, Plan) else 0),
        estimated_costs=estimated,
        advice=advice,
        _seat_costs=tuple(seat_costs.items()),
    )


def _advice(
    current: SeatTree, cur: list[Position], plan: Plan, role_of: dict[str, str], uncovered: tuple[str, ...]
) -> tuple[str, ...]:
    """What a leader should weigh beyond the seat list: the head of HR's level, unions, sites and countries."""
    t, profile = plan.templates, plan.profile
    out = []
    head = next((s for s in plan.hr_seats if s.reports_to == plan.root.id), None)
    current_head = next((s for s in cur if s.reports_to is None or s.reports_to == current.root.id), None)
    if head is not None and current_head is not None:
        level = t.roles[role_of[current_head.id]].level if current_head.id in role_of else current_head.level
        if level < head.level:
            rules = {r.id for r in t.rules.rules}  # the latest rule's reason: a head promoted says why
            why = next((r.reason for r in reversed(head.rationale) if r.rule in rules), "")
            out.append(
                (
                    f"Head of HR: today {with_article(current_head.title)} (level {level}); a company of "
                    f"{profile.employees:,} employees calls for {with_article(head.title)} (level {head.level}) - "
                    f"{why}"
                ).rstrip(" -")
            )
    if profile.unionized_share > 0:
        owner_id = plan.ledger.get("labor_relations", {}).get("owner")
        owner = plan.seat(owner_id).title if owner_id else "the head of HR"
        doing = Counter(
            c.title
            for c in cur
            if "labor_relations" in (c.functions or (t.roles[role_of[c.id]].functions if c.id in role_of else ()))
        )
        now = (
            "today it sits with "
            + ", ".join(f"{title} ({n} seat{'s' if n != 1 else ''})" for title, n in doing.most_common(3))
            if doing
            else "no current seat covers it today"
        )
        out.append(
            f"Unions: {profile.unionized_share:.0%} of employees are under collective agreements; the plan "
            f"gives labour relations to the {owner} ({now})."
        )
    field = sum(1 for s in plan.hr_seats if s.role in ("hr_generalist", "hr_business_partner", "senior_hr_generalist"))
    if profile.sites > 1 or len(profile.countries) > 1:
        have = sum(
            1 for c in cur if role_of.get(c.id) in ("hr_generalist", "hr_business_partner", "senior_hr_generalist")
        )
        places = f"{profile.sites:,} sites" + (
            f" in {len(profile.countries)} countries" if len(profile.countries) > 1 else ""
        )
        if have < field:
            out.append(
                f"Sites: {places} are served by {have} generalist{'s' if have != 1 else ''} or "
                f"partner{'s' if have != 1 else ''} today; the plan has {field} near the employees."
            )
    if uncovered:
        out.append(
            "Uncovered: "
            + ", ".join(t.function_label(f) for f in uncovered)
            + " ha"
            + ("s" if len(uncovered) == 1 else "ve")
            + " no current seat."
        )
    return tuple(out)


def _changes(
    c: Position,
    r: Position,
    key: str | None,
    current: SeatTree,
    plan: Plan,
    rec_of: dict[str, str],
    roles: dict[str, Any],
) -> tuple[str, ...]:
    out = []
    if key != r.role:
        before = roles[key].title if key in roles else c.title
        verb = "re-level" if key in roles and roles[key].level != r.level else "re-title"
        out.append(f"{verb}: {before} -> {r.title}")
    elif normalise_title(c.title) != normalise_title(r.title):
        out.append(f"re-title: '{c.title}' -> '{r.title}'")
    manager = c.reports_to
    expected = r.reports_to or plan.root.id
    at_top = manager is None or manager == current.root.id and not current.root.is_hr
    if (expected == plan.root.id and not at_top) or (
        expected != plan.root.id and rec_of.get(manager or "") != expected
    ):
        now = current.seat(manager).title if manager else "no one"
        out.append(f"reporting: now to {now}, should be to {plan.seat(expected).title} ({expected})")
    if c.fte < r.fte:
        out.append(f"raise FTE from {c.fte:g} to {r.fte:g}")
    return tuple(out)
