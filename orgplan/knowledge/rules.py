"""The rule pack: declarative rules, one per decision, read from templates/rules.yaml.

A rule says when it applies (a condition), what it does to the plan (add seats of a
role that take some work off the workload ledger, or promote seats already planned), why
(a reason a business leader can read), and where the reasoning comes from. Conditions and
counts are safe expressions. The pack also declares how HR is organised (the operating
models, the first whose condition holds) and how team leads keep spans within the limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from orgplan.core.validation import (
    check_keys,
    expect_choice,
    expect_list,
    expect_mapping,
    expect_records,
    expect_text,
    shown,
    suggest,
)
from orgplan.errors import RuleError
from orgplan.knowledge.catalog import Role, ladder_top
from orgplan.knowledge.expressions.language import BOOLEAN, NUMBER, TEXT, Expression
from orgplan.knowledge.extending import EXTENDS, extends_bundled, merged
from orgplan.knowledge.reasons import ReasonTemplate

__all__ = [
    "STAGES",
    "SCOPES",
    "POOLS",
    "SeatCount",
    "SeatAction",
    "Rule",
    "OperatingModel",
    "TeamLead",
    "SpanPolicy",
    "Note",
    "Deferral",
    "BudgetPolicy",
    "RulePack",
    "parse_rules",
    "planning_names",
]

STAGES = ("specialist", "head", "generalist", "lead")
SCOPES = ("company", "country", "unit", "region")
POOLS = ("pool", "pool_advisory", "pool_service")  # what `covers` may name besides a function
MAX_SEATS_PER_RULE = 100_000  # when the caller gives none (templates pass limits.yaml rules.seats_per_rule)
SPAN_NAMES = {"manager": TEXT, "count": NUMBER, "max_span": NUMBER}  # what the span policy's reason can show
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_RULE_KEYS = ("id", "description", "stage", "scope", "when", "add", "promote", "reason", "source", "examples")

# Names each scope adds for its rules, with their types.
SCOPE_NAMES: dict[str, dict[str, str]] = {
    "company": {},
    "country": {
        "country": TEXT,
        "country_employees": NUMBER,
        "country_share": NUMBER,
        "country_pay_index": NUMBER,
        "country_sites": NUMBER,
        "country_unionized_share": NUMBER,
        "headquarters": BOOLEAN,
        "country_pool": NUMBER,
        "country_seats": NUMBER,
    },
    "unit": {
        "unit": TEXT,
        "unit_employees": NUMBER,
        "unit_share": NUMBER,
        "unit_pool": NUMBER,
        "unit_pool_advisory": NUMBER,
        "unit_advisory_work": NUMBER,
        "unit_seats": NUMBER,
    },
    "region": {
        "region": TEXT,
        "region_countries": NUMBER,
        "region_country_managers": NUMBER,
        "region_employees": NUMBER,
    },
}


def planning_names(
    base: dict[str, str], functions: tuple[str, ...], roles: dict[str, Role]
) -> dict[str, dict[str, str]]:
    """The names a rule of each stage can use (before its scope's own names), with their types.

    ``base`` holds the profile, the constants and the derived figures.
    """
    work = {f"demand_{f}": NUMBER for f in functions} | {f"specialist_work_{f}": NUMBER for f in functions}
    specialist = dict(base) | work | {"hr_demand": NUMBER, "advisory_work": NUMBER, "model": TEXT}
    seats = {f"seats_{k}": NUMBER for k, r in roles.items() if r.is_hr}
    pools = {"pool": NUMBER, "pool_advisory": NUMBER, "pool_service": NUMBER, "pool_expertise": NUMBER}
    head = specialist | seats | pools | {"specialist_seats": NUMBER, "hr_seats": NUMBER, "home_share": NUMBER}
    generalist = head | {"head_level": NUMBER, "head_hands_on": NUMBER}
    lead = generalist | {"staff_seats": NUMBER, "unaligned_generalists": NUMBER}
    return {
        "models": dict(base) | work | {"hr_demand": NUMBER, "advisory_work": NUMBER},
        "specialist": specialist,
        "head": head,
        "generalist": generalist,
        "lead": lead,
    }


@dataclass(frozen=True)
class SeatCount:
    """A rule's seat count: an expression whose value may not exceed the company's
    employees, nor ``cap`` seats from one rule.

    >>> count = Expression.compile("employees * 2", {"employees": NUMBER}, where="rule 'x', add.seats")
    >>> seats = SeatCount(count, cap=100_000)
    >>> seats.number({"employees": 40})
    Traceback (most recent call last):
    ...
    orgplan.errors.RuleError: rule 'x', add.seats: 'employees * 2' gives 80 seats, more than the company's 40 employees
    """

    expression: Expression
    cap: float = MAX_SEATS_PER_RULE

    @property
    def text(self) -> str:
        return self.expression.text

    @property
    def names(self) -> frozenset[str]:
        return self.expression.names

    def number(self, values: Mapping[str, Any]) -> float:
        """The count, or RuleError naming the rule when it is more than the company or the cap allows."""
        count = self.expression.number(values)
        employees = values.get("employees")
        if count > self.cap:
            limit = f"the limit of {self.cap:,.0f} seats from one rule (limit rules.seats_per_rule)"
        elif isinstance(employees, (int, float)) and count > employees:
            limit = f"the company's {employees:,.0f} employees"
        else:
            return count
        e = self.expression
        raise RuleError(f"{e.text!r} gives {count:,.0f} seats, more than {limit}", path=e.path, where=e.where)


@dataclass(frozen=True)
class SeatAction:
    """What a rule does: ``add`` seats of ``role``, or ``promote`` seats from ``from_role`` to ``role``.

    ``covers`` is the work the added seats take off the ledger: a function, or a pool.
    """

    kind: str
    role: str
    seats: SeatCount
    fte: Expression | None = None
    from_role: str | None = None
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One decision of the rule pack."""

    id: str
    description: str
    stage: str
    when: Expression
    action: SeatAction
    reason: ReasonTemplate
    source: str
    scope: str = "company"
    fires_for: tuple[dict[str, Any], ...] = ()
    quiet_for: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class OperatingModel:
    """A way of organising HR, chosen when its condition holds."""

    name: str
    label: str
    when: Expression
    why: ReasonTemplate
    source: str


@dataclass(frozen=True)
class TeamLead:
    """The role that leads a team whose members are at ``above_level`` or below."""

    above_level: int
    role: str


@dataclass(frozen=True)
class DistinctTitles:
    """Leaders from ``from_level`` up never share a title: named by the place each leads, else numbered."""

    from_level: int
    place: ReasonTemplate
    number: ReasonTemplate
    source: str


@dataclass(frozen=True)
class SpanPolicy:
    """How orgplan keeps every leader within the span limit."""

    team_leads: tuple[TeamLead, ...]
    reason: ReasonTemplate
    source: str
    kept: ReasonTemplate | None = None  # said when the head of HR must keep more reports than the limit
    shared: ReasonTemplate | None = None  # said when a second seat like a leader takes part of its team
    lifted: ReasonTemplate | None = None  # said by a seat that reports one level up, its manager being full
    lowered: ReasonTemplate | None = None  # said by a head's report placed under a leader beside it
    min_team: int = 3  # the fewest reports a new team lead takes
    scope_levels: tuple[tuple[int, int], ...] = ()  # (seats led, the least level of their leader), most first
    head_reports: tuple[int, int] | None = None  # (employees, level): from that size, head's team leaders' level
    scope_reason: ReasonTemplate | None = None  # said by a leader raised to the level its scope asks
    head_reason: ReasonTemplate | None = None  # said by a head's report raised for the company's size
    country_leads: tuple[tuple[int, int], ...] = ()  # (a country's employees, the least level of its HR lead)
    country_reason: ReasonTemplate | None = None  # said by a country's HR lead raised for the country's size
    split_reason: ReasonTemplate | None = None  # said by leads sharing a team too large for the level they can reach
    distinct: DistinctTitles | None = None  # how leaders who would share a title are told apart

    def lead_for(self, level: int) -> str | None:
        """The team-lead role for members at ``level``, or None when no listed role is above it."""
        return next((t.role for t in self.team_leads if level <= t.above_level), None)

    def level_for(self, seats: int) -> int:
        """The least level of a leader of ``seats`` seats (0 when the scope asks for none)."""
        return max((level for least, level in self.scope_levels if seats >= least), default=0)

    def most_led(self, level: int) -> float:
        """The most seats a leader at ``level`` may lead before its scope asks for a higher level."""
        return min((least - 1 for least, above in self.scope_levels if above > level), default=math.inf)


@dataclass(frozen=True)
class Note:
    """A reason the structure step gives a seat, with its source (growth of a leader, a collapsed chain)."""

    reason: ReasonTemplate
    source: str


@dataclass(frozen=True)
class Deferral:
    """A step of fitting a plan into a budget: put off ``share`` of a function's work (in all, with earlier steps)."""

    function: str
    share: float
    risk: str


@dataclass(frozen=True)
class BudgetPolicy:
    """How a plan is fitted into a budget: the work never deferred, and the order in which other work waits."""

    legal_minimums: tuple[str, ...] = ()
    why: str = ""
    deferrals: tuple[Deferral, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Lean:
    """Small departments stay flat: in a department of at most ``max_seats`` seats, a leader of
    ``max_team`` seats or fewer under a leader of ``max_over`` or fewer is no layer of its own."""

    max_seats: int
    max_team: int
    max_over: int
    reason: ReasonTemplate
    source: str


@dataclass(frozen=True)
class Placement:
    """Where transactional and labour-relations seats sit: a service centre for ``centre_roles``,
    in-country payroll and labour relations where a country's law and members need them."""

    centre_roles: tuple[str, ...]
    centre: ReasonTemplate
    centre_costlier: ReasonTemplate  # said when the profile names a centre paid more than the headquarters
    payroll: ReasonTemplate
    labour: ReasonTemplate
    source: str


@dataclass(frozen=True)
class CorporateSeat:
    """A seat of a federated group's HR, over all its units: its role, level and title."""

    role: str
    level: int
    title: str
    functions: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Federated:
    """How a federated plan is put together: each large unit's HR head (``unit_head_role`` at
    ``unit_head_min_level`` or above, titled by level from ``unit_head_titles``), how the
    unit's senior leaders are named, the corporate seats of the group HR, and what the group
    head says when the unit heads take its span past the limit."""

    unit_head_role: str
    unit_head_min_level: int
    unit_head_titles: Mapping[int, str]
    unit_head_reason: ReasonTemplate
    unit_title: ReasonTemplate
    unit_title_placed: ReasonTemplate
    below_head: ReasonTemplate
    corporate: tuple[CorporateSeat, ...]
    corporate_name: str
    corporate_reason: ReasonTemplate
    no_large_unit: ReasonTemplate
    unit_line: ReasonTemplate
    range_reason: ReasonTemplate
    group_span: ReasonTemplate
    source: str


@dataclass(frozen=True)
class RulePack:
    """All rules of a pack, in the order they run, the operating models and the structure policies."""

    path: str
    rules: tuple[Rule, ...]
    span: SpanPolicy
    models: tuple[OperatingModel, ...]
    growth: Note
    collapse: Note
    served_remotely: Note
    budget: BudgetPolicy = BudgetPolicy()
    lean: Lean | None = None
    placement: Placement | None = None
    federated: Federated | None = None

    def stage(self, name: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.stage == name)

    def model(self, name: str) -> OperatingModel:
        return next(m for m in self.models if m.name == name)


def parse_rules(
    data: Any,
    *,
    path: object,
    roles: dict[str, Role],
    names: dict[str, dict[str, str]],
    max_seats: float = MAX_SEATS_PER_RULE,
    bundled: tuple[Any, object] | None = None,
) -> RulePack:
    """Validate and compile a rule pack; every error names the file, the rule id and the field.

    ``max_seats`` caps the seats one rule may add or promote. A pack that starts with
    ``extends: bundled`` holds only its changes to ``bundled`` (the bundled pack's data and
    path), as :mod:`orgplan.knowledge.extending` describes: a rule with a bundled id
    replaces that rule in its place, a rule with a new id runs after the bundled rules of
    its stage, ``remove: [id, ...]`` drops bundled rules, and any other section it names
    merges into the bundled one. Each rule's errors name the file it comes from.
    """
    data = expect_mapping(data, error=RuleError, path=path, where=None)
    if extends_bundled(data, error=RuleError, path=path):
        if bundled is None:
            raise RuleError("there is no bundled rule pack to extend", path=path, where=EXTENDS)
        data, paths, entries = _extended(data, path, *bundled)
    else:
        check_keys(data, (*_SECTIONS, *_OPTIONAL), required=_SECTIONS, error=RuleError, path=path)
        paths = dict.fromkeys((*_SECTIONS, *_OPTIONAL), path)
        raw_rules = expect_list(data["rules"], error=RuleError, path=path, where="rules")
        entries = [(path, index, raw) for index, raw in enumerate(raw_rules, start=1)]
    models = _models(data["operating_models"], names["models"], paths["operating_models"])
    if not entries:
        raise RuleError("the pack has no rules", path=path, where="rules")
    rules: list[Rule] = []
    seen: set[str] = set()
    for rule_path, index, raw in entries:
        rules.append(_rule(raw, rule_path, index, roles, names, max_seats, seen))
    rules.sort(key=lambda r: STAGES.index(r.stage))
    growth = _note(
        data["growth"], {"title": TEXT, "level": NUMBER, "count": NUMBER, "top": NUMBER}, paths["growth"], "growth"
    )
    collapse = _note(data["collapse"], {"title": TEXT}, paths["collapse"], "collapse")
    remote = _note(
        data["served_remotely"],
        names["models"] | {"count": NUMBER, "countries": TEXT, "employees": NUMBER},
        paths["served_remotely"],
        "served_remotely",
    )
    return RulePack(
        path=str(path),
        rules=tuple(rules),
        span=_span(data["span"], roles, paths["span"]),
        models=models,
        growth=growth,
        collapse=collapse,
        served_remotely=remote,
        budget=_budget(data.get("budget"), names["models"], paths.get("budget", path)),
        lean=_lean(data.get("lean"), paths.get("lean", path)),
        placement=_placement(data.get("placement"), roles, paths.get("placement", path)),
        federated=_federated(data.get("federated"), roles, names["models"], paths.get("federated", path)),
    )


def _budget(raw: Any, names: dict[str, str], path: object) -> BudgetPolicy:
    """The budget section: legal minimums (never deferred) and the deferrals, in order, each with its risk."""
    if raw is None:
        return BudgetPolicy()
    raw = expect_mapping(raw, error=RuleError, path=path, where="budget")
    check_keys(
        raw,
        ("legal_minimums", "deferrals", "source"),
        required=("legal_minimums", "deferrals", "source"),
        error=RuleError,
        path=path,
        where="budget",
    )
    functions = [n[len("demand_") :] for n in names if n.startswith("demand_")]

    def function(value: Any, where: str) -> str:
        return expect_choice(value, functions, what="function", error=RuleError, path=path, where=where)

    legal = expect_mapping(raw["legal_minimums"], error=RuleError, path=path, where="budget.legal_minimums")
    check_keys(
        legal,
        ("functions", "why"),
        required=("functions", "why"),
        error=RuleError,
        path=path,
        where="budget.legal_minimums",
    )
    minimums = tuple(
        function(f, "budget.legal_minimums.functions")
        for f in expect_list(legal["functions"], error=RuleError, path=path, where="budget.legal_minimums.functions")
    )
    deferrals: list[Deferral] = []
    reached: dict[str, float] = {}
    for where, item in expect_records(
        raw["deferrals"], ("function", "share", "risk"), error=RuleError, path=path, where="budget.deferrals"
    ):
        name = function(item["function"], f"{where}.function")
        if name in minimums:
            raise RuleError(
                f"{name} is a legal minimum (budget.legal_minimums): its work is never deferred",
                path=path,
                where=f"{where}.function",
            )
        share = item["share"]
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
            raise RuleError(
                f"expected a share above 0 and at most 1, got {str(share)[:40]}", path=path, where=f"{where}.share"
            )
        if share <= reached.get(name, 0.0):
            raise RuleError(
                f"the share is the part of {name}'s work deferred in all; it should grow past the "
                f"{reached[name]:g} of an earlier step",
                path=path,
                where=f"{where}.share",
            )
        reached[name] = float(share)
        deferrals.append(
            Deferral(name, float(share), expect_text(item["risk"], error=RuleError, path=path, where=f"{where}.risk"))
        )
    return BudgetPolicy(
        legal_minimums=minimums,
        why=expect_text(legal["why"], error=RuleError, path=path, where="budget.legal_minimums.why"),
        deferrals=tuple(deferrals),
        source=expect_text(raw["source"], error=RuleError, path=path, where="budget.source"),
    )


def _lean(raw: Any, path: object) -> Lean | None:
    if raw is None:
        return None
    raw = expect_mapping(raw, error=RuleError, path=path, where="lean")
    keys = ("max_seats", "max_team", "max_over", "reason", "source")
    check_keys(raw, keys, required=keys, error=RuleError, path=path, where="lean")
    names = {"title": TEXT, "count": NUMBER, "seats": NUMBER, "max_seats": NUMBER}
    return Lean(
        max_seats=_whole(raw["max_seats"], 1, 10**6, path, "lean.max_seats"),
        max_team=_whole(raw["max_team"], 1, 100, path, "lean.max_team"),
        max_over=_whole(raw["max_over"], 1, 100, path, "lean.max_over"),
        reason=ReasonTemplate.compile(raw["reason"], names, where="lean.reason", path=path),
        source=expect_text(raw["source"], error=RuleError, path=path, where="lean.source"),
    )


def _placement(raw: Any, roles: Mapping[str, Role], path: object) -> Placement | None:
    if raw is None:
        return None
    raw = expect_mapping(raw, error=RuleError, path=path, where="placement")
    keys = ("centre_roles", "centre", "centre_costlier", "payroll", "labour", "source")
    check_keys(raw, keys, required=keys, error=RuleError, path=path, where="placement")
    listed = raw["centre_roles"]
    if not isinstance(listed, list) or not all(isinstance(r, str) and r in roles for r in listed):
        raise RuleError(
            f"expected a list of the catalog's roles, got {listed!r}", path=path, where="placement.centre_roles"
        )
    centre = {"country": TEXT, "rule": TEXT, "index": NUMBER, "home_index": NUMBER, "saving": NUMBER}
    payroll = {"country": TEXT, "employees": NUMBER, "least": NUMBER}
    labour = {"country": TEXT, "members": NUMBER, "least": NUMBER}
    return Placement(
        centre_roles=tuple(listed),
        centre=ReasonTemplate.compile(raw["centre"], centre, where="placement.centre", path=path),
        centre_costlier=ReasonTemplate.compile(
            raw["centre_costlier"], centre, where="placement.centre_costlier", path=path
        ),
        payroll=ReasonTemplate.compile(raw["payroll"], payroll, where="placement.payroll", path=path),
        labour=ReasonTemplate.compile(raw["labour"], labour, where="placement.labour", path=path),
        source=expect_text(raw["source"], error=RuleError, path=path, where="placement.source"),
    )


def _federated(raw: Any, roles: Mapping[str, Role], names: dict[str, str], path: object) -> Federated | None:
    if raw is None:
        return None
    raw = expect_mapping(raw, error=RuleError, path=path, where="federated")
    functions = [n[len("demand_") :] for n in names if n.startswith("demand_")]
    keys = (
        "unit_head",
        "unit_title",
        "unit_title_placed",
        "below_head",
        "corporate_team",
        "corporate",
        "no_large_unit",
        "unit_line",
        "range_reason",
        "group_span",
        "source",
    )
    check_keys(raw, keys, required=keys, error=RuleError, path=path, where="federated")
    head = expect_mapping(raw["unit_head"], error=RuleError, path=path, where="federated.unit_head")
    head_keys = ("role", "min_level", "titles", "reason")
    check_keys(head, head_keys, required=head_keys, error=RuleError, path=path, where="federated.unit_head")
    role = _catalog_role(head["role"], roles, path, "federated.unit_head.role")
    titles = expect_mapping(head["titles"], error=RuleError, path=path, where="federated.unit_head.titles")
    by_level = {
        _whole(level, 1, 100, path, "federated.unit_head.titles"): expect_text(
            title, error=RuleError, path=path, where=f"federated.unit_head.titles.{level}"
        )
        for level, title in titles.items()
    }
    corporate = []
    for where, item in expect_records(
        raw["corporate"],
        ("role", "level", "title", "functions", "reason"),
        error=RuleError,
        path=path,
        where="federated.corporate",
    ):
        corporate.append(
            CorporateSeat(
                _catalog_role(item["role"], roles, path, f"{where}.role"),
                _whole(item["level"], 1, 100, path, f"{where}.level"),
                expect_text(item["title"], error=RuleError, path=path, where=f"{where}.title"),
                _function_keys(item["functions"], functions, path, f"{where}.functions"),
                expect_text(item["reason"], error=RuleError, path=path, where=f"{where}.reason"),
            )
        )
    team = expect_mapping(raw["corporate_team"], error=RuleError, path=path, where="federated.corporate_team")
    check_keys(
        team,
        ("name", "reason"),
        required=("name", "reason"),
        error=RuleError,
        path=path,
        where="federated.corporate_team",
    )
    unit = {"unit": TEXT, "employees": NUMBER, "industry": TEXT, "title": TEXT}
    return Federated(
        unit_head_role=role,
        unit_head_min_level=_whole(head["min_level"], 1, 100, path, "federated.unit_head.min_level"),
        unit_head_titles=by_level,
        unit_head_reason=ReasonTemplate.compile(head["reason"], unit, where="federated.unit_head.reason", path=path),
        unit_title=ReasonTemplate.compile(raw["unit_title"], unit, where="federated.unit_title", path=path),
        unit_title_placed=ReasonTemplate.compile(
            raw["unit_title_placed"], unit, where="federated.unit_title_placed", path=path
        ),
        below_head=ReasonTemplate.compile(
            raw["below_head"], {"title": TEXT, "level": NUMBER, "was": NUMBER}, where="federated.below_head", path=path
        ),
        corporate=tuple(corporate),
        corporate_name=expect_text(team["name"], error=RuleError, path=path, where="federated.corporate_team.name"),
        corporate_reason=ReasonTemplate.compile(
            team["reason"], {"employees": NUMBER}, where="federated.corporate_team.reason", path=path
        ),
        no_large_unit=ReasonTemplate.compile(raw["no_large_unit"], names, where="federated.no_large_unit", path=path),
        unit_line=ReasonTemplate.compile(raw["unit_line"], {"unit": TEXT}, where="federated.unit_line", path=path),
        range_reason=ReasonTemplate.compile(
            raw["range_reason"],
            {"units": NUMBER, "extra": NUMBER, "whole": NUMBER},
            where="federated.range_reason",
            path=path,
        ),
        group_span=ReasonTemplate.compile(
            raw["group_span"],
            {"units": NUMBER, "count": NUMBER, "max_span": NUMBER},
            where="federated.group_span",
            path=path,
        ),
        source=expect_text(raw["source"], error=RuleError, path=path, where="federated.source"),
    )


def _function_keys(value: Any, functions: Collection[str], path: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(f, str) and f in functions for f in value):
        raise RuleError(
            f"expected a list of HR functions ({', '.join(functions)}), got {value!r}", path=path, where=where
        )
    return tuple(value)


def _catalog_role(value: Any, roles: Mapping[str, Role], path: object, where: str) -> str:
    if not isinstance(value, str) or value not in roles:
        raise RuleError(f"expected a role of the catalog, got {value!r}", path=path, where=where)
    return value


_SECTIONS = ("operating_models", "span", "growth", "collapse", "served_remotely", "rules")
# A pack without budget fits no plan into a budget; without lean keeps layers; without
# placement keeps transactional seats at the headquarters; without federated plans a
# federated company in one piece.
_OPTIONAL = ("budget", "lean", "placement", "federated")


def _extended(
    data: Mapping[str, Any], path: object, base: Any, base_path: object
) -> tuple[dict[str, Any], dict[str, object], list[tuple[object, int, Any]]]:
    """The sections of a pack that extends ``base``, the file each comes from, and its rules
    as (file, position in that file, raw rule)."""
    every = (*_SECTIONS, *_OPTIONAL)
    check_keys(data, (EXTENDS, "remove", *every), error=RuleError, path=path)
    base = expect_mapping(base, error=RuleError, path=base_path, where=None)
    check_keys(base, every, required=_SECTIONS, error=RuleError, path=base_path)
    sections = {
        s: merged(base[s], data[s]) if s in data and s in base else data[s] if s in data else base[s]
        for s in every
        if s != "rules" and (s in data or s in base)
    }
    paths: dict[str, object] = {s: path if s in data else base_path for s in every}
    bundled = expect_list(base["rules"], error=RuleError, path=base_path, where="rules")
    ids = [raw.get("id") for raw in bundled if isinstance(raw, Mapping)]
    removed = set()
    for index, rule_id in enumerate(expect_list(data.get("remove", []), error=RuleError, path=path, where="remove"), 1):
        if rule_id not in ids:
            raise RuleError(
                f"unknown rule {shown(rule_id)}{suggest(str(rule_id), [str(i) for i in ids])}; remove names "
                "rules of the bundled pack (orgplan rules lists them)",
                path=path,
                where=f"remove[{index}]",
            )
        removed.add(rule_id)
    replacing: dict[Any, tuple[int, Any]] = {}
    added: list[tuple[object, int, Any]] = []
    changes = expect_list(data.get("rules", []), error=RuleError, path=path, where="rules")
    for index, raw in enumerate(changes, start=1):
        rule_id = raw.get("id") if isinstance(raw, Mapping) else None
        if rule_id in removed:
            raise RuleError(
                "the rule is both removed and listed; keep one of the two", path=path, where=f"rule '{rule_id}'"
            )
        if rule_id in ids and rule_id not in replacing:
            replacing[rule_id] = (index, raw)
        else:
            added.append((path, index, raw))
    entries: list[tuple[object, int, Any]] = []
    for index, raw in enumerate(bundled, start=1):
        rule_id = raw.get("id") if isinstance(raw, Mapping) else None
        if rule_id in replacing:
            entries.append((path, *replacing[rule_id]))
        elif rule_id not in removed:
            entries.append((base_path, index, raw))
    return sections | {"rules": changes}, paths, entries + added


def _rule(
    raw: Any,
    path: object,
    index: int,
    roles: dict[str, Role],
    names: dict[str, dict[str, str]],
    max_seats: float,
    seen: set[str],
) -> Rule:
    """One rule, validated and compiled; ``index`` is its place in the file ``path``, ``seen``
    the ids before it (its own is added)."""
    raw = expect_mapping(raw, error=RuleError, path=path, where=f"rules[{index}]")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise RuleError(
            f"expected an id of lower-case letters, digits and dashes, got {str(rule_id)[:40]!r}",
            path=path,
            where=f"rules[{index}].id",
        )
    where = f"rule '{rule_id}'"
    if rule_id in seen:
        raise RuleError("the id is used twice", path=path, where=where)
    seen.add(rule_id)
    check_keys(
        raw,
        _RULE_KEYS,
        required=("id", "description", "stage", "when", "reason", "source"),
        error=RuleError,
        path=path,
        where=where,
    )
    stage = expect_choice(raw["stage"], STAGES, what="stage", error=RuleError, path=path, where=f"{where}.stage")
    scope = expect_choice(
        raw.get("scope", "company"), SCOPES, what="scope", error=RuleError, path=path, where=f"{where}.scope"
    )
    if scope != "company" and stage in ("specialist", "head"):
        raise RuleError(
            f"a {stage} rule is weighed for the whole company; scope '{scope}' needs the generalist or lead stage",
            path=path,
            where=f"{where}.scope",
        )
    rule_names = names[stage] | SCOPE_NAMES[scope]
    when = Expression.compile(raw["when"], rule_names, where=f"{where}, when", path=path, expect=BOOLEAN)
    if ("add" in raw) == ("promote" in raw):
        raise RuleError("needs exactly one of 'add' or 'promote'", path=path, where=where)
    action = _action(raw, roles, rule_names, path, where, max_seats)
    reason = ReasonTemplate.compile(raw["reason"], rule_names | {"seats": NUMBER}, where=f"{where}.reason", path=path)
    examples = expect_mapping(raw.get("examples", {}), error=RuleError, path=path, where=f"{where}.examples")
    check_keys(examples, ("fires", "quiet"), error=RuleError, path=path, where=f"{where}.examples")
    fires = tuple(
        expect_mapping(x, error=RuleError, path=path, where=f"{where}.examples.fires")
        for x in expect_list(examples.get("fires", []), error=RuleError, path=path, where=f"{where}.examples.fires")
    )
    quiet = tuple(
        expect_mapping(x, error=RuleError, path=path, where=f"{where}.examples.quiet")
        for x in expect_list(examples.get("quiet", []), error=RuleError, path=path, where=f"{where}.examples.quiet")
    )
    return Rule(
        id=rule_id,
        description=expect_text(raw["description"], error=RuleError, path=path, where=f"{where}.description"),
        stage=stage,
        when=when,
        action=action,
        reason=reason,
        source=expect_text(raw["source"], error=RuleError, path=path, where=f"{where}.source"),
        scope=scope,
        fires_for=tuple(dict(x) for x in fires),
        quiet_for=tuple(dict(x) for x in quiet),
    )


def _note(raw: Any, names: dict[str, str], path: object, where: str) -> Note:
    raw = expect_mapping(raw, error=RuleError, path=path, where=where)
    check_keys(raw, ("reason", "source"), required=("reason", "source"), error=RuleError, path=path, where=where)
    reason = ReasonTemplate.compile(raw["reason"], names, where=f"{where}.reason", path=path)
    return Note(reason, expect_text(raw["source"], error=RuleError, path=path, where=f"{where}.source"))


def _action(
    raw: Mapping[str, Any], roles: dict[str, Role], names: dict[str, str], path: object, where: str, max_seats: float
) -> SeatAction:
    kind = "add" if "add" in raw else "promote"
    spec = expect_mapping(raw[kind], error=RuleError, path=path, where=f"{where}.{kind}")
    if kind == "add":
        check_keys(
            spec,
            ("role", "seats", "fte", "covers"),
            required=("role", "seats"),
            error=RuleError,
            path=path,
            where=f"{where}.add",
        )
    else:
        check_keys(
            spec,
            ("from", "to", "seats"),
            required=("from", "to", "seats"),
            error=RuleError,
            path=path,
            where=f"{where}.promote",
        )
    role_field = "role" if kind == "add" else "to"
    for field_name in (role_field,) + (("from",) if kind == "promote" else ()):
        _role(spec[field_name], roles, path, f"{where}.{kind}.{field_name}")
    seats = SeatCount(
        Expression.compile(spec["seats"], names, where=f"{where}, {kind}.seats", path=path, expect=NUMBER),
        cap=max_seats,
    )
    fte = (
        Expression.compile(spec["fte"], names, where=f"{where}, add.fte", path=path, expect=NUMBER)
        if "fte" in spec
        else None
    )
    covers = _covers(spec.get("covers"), roles[spec[role_field]], names, path, f"{where}.add.covers")
    return SeatAction(kind=kind, role=spec[role_field], seats=seats, fte=fte, from_role=spec.get("from"), covers=covers)


def _covers(raw: Any, role: Role, names: dict[str, str], path: object, where: str) -> tuple[str, ...]:
    """What the seats take off the ledger: a pool, a function or a list of functions (default: the role's functions)."""
    if raw is None:
        return role.functions
    items = [raw] if isinstance(raw, str) else expect_list(raw, error=RuleError, path=path, where=where)
    functions = [n[len("demand_") :] for n in names if n.startswith("demand_")]
    for item in items:
        if item not in POOLS and item not in functions:
            choices = [*POOLS, *functions]
            raise RuleError(
                f"cannot cover {str(item)[:40]!r}{suggest(str(item), choices)}; expected a function or one "
                f"of: {', '.join(POOLS)}",
                path=path,
                where=where,
            )
    if any(i in POOLS for i in items) and len(items) > 1:
        raise RuleError("a pool is covered on its own, not together with functions", path=path, where=where)
    return tuple(items)


def _role(key: Any, roles: dict[str, Role], path: object, where: str) -> Role:
    hr_roles = [k for k, r in roles.items() if r.is_hr]
    if key not in hr_roles:
        raise RuleError(
            f"unknown role {str(key)[:40]!r}{suggest(str(key), hr_roles)}; see the role catalog", path=path, where=where
        )
    return roles[key]


def _models(raw: Any, names: dict[str, str], path: object) -> tuple[OperatingModel, ...]:
    out = []
    keys = ("name", "label", "when", "why", "source")
    for where, item in expect_records(raw, keys, error=RuleError, path=path, where="operating_models"):
        name = expect_text(item["name"], error=RuleError, path=path, where=f"{where}.name")
        out.append(
            OperatingModel(
                name=name,
                label=expect_text(item["label"], error=RuleError, path=path, where=f"{where}.label"),
                when=Expression.compile(item["when"], names, where=f"{where}.when", path=path, expect=BOOLEAN),
                why=ReasonTemplate.compile(item["why"], names, where=f"{where}.why", path=path),
                source=expect_text(item["source"], error=RuleError, path=path, where=f"{where}.source"),
            )
        )
    if not out:
        raise RuleError("no operating model is declared", path=path, where="operating_models")
    return tuple(out)


def _span(raw: Any, roles: dict[str, Role], path: object) -> SpanPolicy:
    raw = expect_mapping(raw, error=RuleError, path=path, where="span")
    top = ladder_top(roles)  # no level the span policy names is above the ladder's top
    check_keys(
        raw,
        (
            "team_leads",
            "min_team",
            "reason",
            "kept",
            "shared",
            "lifted",
            "lowered",
            "scope_levels",
            "distinct_titles",
            "source",
        ),
        required=("team_leads", "reason", "kept", "source"),
        error=RuleError,
        path=path,
        where="span",
    )
    min_team = raw.get("min_team", 3)
    if isinstance(min_team, bool) or not isinstance(min_team, int) or not 2 <= min_team <= 10:
        raise RuleError(
            f"expected a whole number from 2 to 10, got {str(min_team)[:40]}", path=path, where="span.min_team"
        )
    leads = []
    for where, item in expect_records(
        raw["team_leads"], ("above_level", "role"), error=RuleError, path=path, where="span.team_leads"
    ):
        role = _role(item["role"], roles, path, f"{where}.role")
        level = item["above_level"]
        if isinstance(level, bool) or not isinstance(level, int) or role.level <= level:
            raise RuleError(
                f"expected a level below the role's own level {role.level}, got {str(level)[:40]}",
                path=path,
                where=f"{where}.above_level",
            )
        leads.append(TeamLead(level, role.key))
    return SpanPolicy(
        team_leads=tuple(sorted(leads, key=lambda t: t.above_level)),
        reason=ReasonTemplate.compile(raw["reason"], SPAN_NAMES, where="span.reason", path=path),
        kept=ReasonTemplate.compile(raw["kept"], SPAN_NAMES, where="span.kept", path=path),
        shared=(
            ReasonTemplate.compile(raw["shared"], SPAN_NAMES, where="span.shared", path=path)
            if "shared" in raw
            else None
        ),
        lifted=(
            ReasonTemplate.compile(raw["lifted"], SPAN_NAMES, where="span.lifted", path=path)
            if "lifted" in raw
            else None
        ),
        lowered=(
            ReasonTemplate.compile(raw["lowered"], SPAN_NAMES, where="span.lowered", path=path)
            if "lowered" in raw
            else None
        ),
        source=expect_text(raw["source"], error=RuleError, path=path, where="span.source"),
        min_team=min_team,
        distinct=_distinct(raw.get("distinct_titles"), top, path),
        **_scope_levels(raw.get("scope_levels"), top, path),
    )


def _distinct(raw: Any, top: int, path: object) -> DistinctTitles | None:
    """``span.distinct_titles``: from which level (up to the ladder's ``top``) leaders never share a title,
    and how they are told apart."""
    if raw is None:
        return None
    where = "span.distinct_titles"
    raw = expect_mapping(raw, error=RuleError, path=path, where=where)
    keys = ("from_level", "place", "number", "source")
    check_keys(raw, keys, required=keys, error=RuleError, path=path, where=where)
    names = {"title": TEXT, "place": TEXT, "n": NUMBER, "count": NUMBER}
    return DistinctTitles(
        from_level=_whole(raw["from_level"], 1, top, path, f"{where}.from_level"),
        place=ReasonTemplate.compile(raw["place"], names, where=f"{where}.place", path=path),
        number=ReasonTemplate.compile(raw["number"], names, where=f"{where}.number", path=path),
        source=expect_text(raw["source"], error=RuleError, path=path, where=f"{where}.source"),
    )


def _scope_levels(raw: Any, top: int, path: object) -> dict[str, Any]:
    """``span.scope_levels``: the least level of a leader by the seats it leads, and of the head's team leaders;
    no level above the ladder's ``top``."""
    if raw is None:
        return {}
    where = "span.scope_levels"
    raw = expect_mapping(raw, error=RuleError, path=path, where=where)
    check_keys(
        raw,
        ("levels", "head_reports", "reason", "head_reason", "countries", "country_reason", "split_reason", "source"),
        required=("levels", "reason", "source"),
        error=RuleError,
        path=path,
        where=where,
    )
    expect_text(raw["source"], error=RuleError, path=path, where=f"{where}.source")
    levels = []
    for at, item in expect_records(
        raw["levels"], ("seats", "level"), error=RuleError, path=path, where=f"{where}.levels"
    ):
        levels.append(
            (_whole(item["seats"], 1, 10**9, path, f"{at}.seats"), _whole(item["level"], 1, top, path, f"{at}.level"))
        )
    head = None
    if raw.get("head_reports") is not None:
        item = expect_mapping(raw["head_reports"], error=RuleError, path=path, where=f"{where}.head_reports")
        check_keys(
            item,
            ("min_employees", "level"),
            required=("min_employees", "level"),
            error=RuleError,
            path=path,
            where=f"{where}.head_reports",
        )
        head = (
            _whole(item["min_employees"], 1, 10**9, path, f"{where}.head_reports.min_employees"),
            _whole(item["level"], 1, top, path, f"{where}.head_reports.level"),
        )
    countries = []
    for at, item in expect_records(
        raw.get("countries", []), ("employees", "level"), error=RuleError, path=path, where=f"{where}.countries"
    ):
        countries.append(
            (
                _whole(item["employees"], 1, 10**9, path, f"{at}.employees"),
                _whole(item["level"], 1, top, path, f"{at}.level"),
            )
        )
    if countries and "country_reason" not in raw:
        raise RuleError("country_reason is required with countries", path=path, where=where)
    country_names = {"country": TEXT, "employees": NUMBER, "least": NUMBER, "level": NUMBER, "title": TEXT}
    names = {"count": NUMBER, "seats": NUMBER, "level": NUMBER, "title": TEXT}
    head_names = {"employees": NUMBER, "min_employees": NUMBER, "level": NUMBER, "title": TEXT}
    if head is not None and "head_reason" not in raw:
        raise RuleError("head_reason is required with head_reports", path=path, where=where)
    split_names = {"title": TEXT, "count": NUMBER, "level": NUMBER, "most": NUMBER}
    return {
        "split_reason": (
            ReasonTemplate.compile(raw["split_reason"], split_names, where=f"{where}.split_reason", path=path)
            if "split_reason" in raw
            else None
        ),
        "country_leads": tuple(sorted(countries, reverse=True)),
        "country_reason": (
            ReasonTemplate.compile(raw["country_reason"], country_names, where=f"{where}.country_reason", path=path)
            if "country_reason" in raw
            else None
        ),
        "head_reason": (
            ReasonTemplate.compile(raw["head_reason"], head_names, where=f"{where}.head_reason", path=path)
            if "head_reason" in raw
            else None
        ),
        "scope_levels": tuple(sorted(levels, reverse=True)),
        "head_reports": head,
        "scope_reason": ReasonTemplate.compile(raw["reason"], names, where=f"{where}.reason", path=path),
    }


def _whole(value: Any, low: int, high: int, path: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RuleError(
            f"expected a whole number from {low:,} to {high:,}, got {str(value)[:40]}", path=path, where=where
        )
    return value
