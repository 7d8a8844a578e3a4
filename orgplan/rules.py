"""The rule pack: declarative rules, one per decision, read from templates/rules.yaml.

A rule says when it applies (a condition), what it does to the plan (add seats of a
role, or promote seats already planned), why (a reason a business leader can read),
and where the reasoning comes from. Conditions and counts are safe expressions
(:mod:`orgplan.expressions`), reasons safe templates (:mod:`orgplan.reasons`); both
are compiled once, when the pack loads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .catalog import Role
from .errors import RuleError
from .expressions import BOOLEAN, NUMBER, TEXT, Expression
from .reasons import ReasonTemplate
from .validation import check_keys, expect_list, expect_mapping, expect_text, suggest

__all__ = ["STAGES", "SPAN_NAMES", "MAX_SEATS_PER_RULE", "SeatCount", "SeatAction", "Rule", "SpanPolicy", "RulePack", "parse_rules"]

STAGES = ("specialist", "generalist", "lead")
SPAN_NAMES = {"manager": TEXT, "count": NUMBER, "max_span": NUMBER}  # what the span policy's reason can show
MAX_SEATS_PER_RULE = 100_000  # when the benchmarks declare no limits.max_seats_per_rule
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_RULE_KEYS = ("id", "description", "stage", "when", "add", "promote", "reason", "source", "examples")


@dataclass(frozen=True)
class SeatCount:
    """A rule's seat count: an expression whose value may not exceed the company's
    employees, nor ``cap`` seats from one rule.

    >>> seats = SeatCount(Expression.compile("employees * 2", {"employees": NUMBER}, where="rule 'x', add.seats"), cap=100_000)
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
            limit = f"the limit of {self.cap:,.0f} seats from one rule (limits.max_seats_per_rule in the benchmarks)"
        elif isinstance(employees, (int, float)) and count > employees:
            limit = f"the company's {employees:,.0f} employees"
        else:
            return count
        e = self.expression
        raise RuleError(f"{e.text!r} gives {count:,.0f} seats, more than {limit}", path=e.path, where=e.where)


@dataclass(frozen=True)
class SeatAction:
    """What a rule does: ``add`` seats of ``role``, or ``promote`` seats from ``from_role`` to ``role``."""

    kind: str
    role: str
    seats: SeatCount
    fte: Expression | None = None
    from_role: str | None = None


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
    fires_for: tuple[dict[str, Any], ...] = ()
    quiet_for: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class SpanPolicy:
    """How orgplan keeps every leader within the span limit."""

    team_lead_role: str
    lead_of_leads_role: str
    reason: ReasonTemplate
    source: str


@dataclass(frozen=True)
class RulePack:
    """All rules of a pack, in the order they run, and the span policy."""

    path: str
    rules: tuple[Rule, ...]
    span: SpanPolicy

    def stage(self, name: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.stage == name)


def parse_rules(
    data: Any,
    *,
    path: object,
    roles: dict[str, Role],
    names_by_stage: dict[str, dict[str, str]],
    max_seats: float = MAX_SEATS_PER_RULE,
) -> RulePack:
    """Validate and compile a rule pack; every error names the file, the rule id and the field.

    ``max_seats`` caps the seats one rule may add or promote.
    """
    data = expect_mapping(data, error=RuleError, path=path, where=None)
    check_keys(data, ("span", "rules"), required=("rules",), error=RuleError, path=path)
    raw_rules = expect_list(data["rules"], error=RuleError, path=path, where="rules")
    if not raw_rules:
        raise RuleError("the pack has no rules", path=path, where="rules")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules, start=1):
        raw = expect_mapping(raw, error=RuleError, path=path, where=f"rules[{index}]")
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not _ID.match(rule_id):
            raise RuleError(f"expected an id of lower-case letters, digits and dashes, got {rule_id!r}", path=path, where=f"rules[{index}].id")
        where = f"rule '{rule_id}'"
        if rule_id in seen:
            raise RuleError("the id is used twice", path=path, where=where)
        seen.add(rule_id)
        check_keys(raw, _RULE_KEYS, required=("id", "description", "stage", "when", "reason", "source"), error=RuleError, path=path, where=where)
        stage = raw["stage"]
        if stage not in STAGES:
            raise RuleError(f"unknown stage {stage!r}{suggest(str(stage), STAGES)}; expected one of: {', '.join(STAGES)}", path=path, where=f"{where}.stage")
        names = names_by_stage[stage]
        when = Expression.compile(raw["when"], names, where=f"{where}, when", path=path, expect=BOOLEAN)
        if ("add" in raw) == ("promote" in raw):
            raise RuleError("needs exactly one of 'add' or 'promote'", path=path, where=where)
        action = _action(raw, roles, names, path, where, max_seats)
        reason = ReasonTemplate.compile(raw["reason"], names | {"seats": NUMBER}, where=f"{where}.reason", path=path)
        examples = expect_mapping(raw.get("examples", {}), error=RuleError, path=path, where=f"{where}.examples")
        check_keys(examples, ("fires", "quiet"), error=RuleError, path=path, where=f"{where}.examples")
        fires = tuple(expect_mapping(x, error=RuleError, path=path, where=f"{where}.examples.fires") for x in expect_list(examples.get("fires", []), error=RuleError, path=path, where=f"{where}.examples.fires"))
        quiet = tuple(expect_mapping(x, error=RuleError, path=path, where=f"{where}.examples.quiet") for x in expect_list(examples.get("quiet", []), error=RuleError, path=path, where=f"{where}.examples.quiet"))
        rules.append(
            Rule(
                id=rule_id,
                description=expect_text(raw["description"], error=RuleError, path=path, where=f"{where}.description"),
                stage=stage,
                when=when,
                action=action,
                reason=reason,
                source=expect_text(raw["source"], error=RuleError, path=path, where=f"{where}.source"),
                fires_for=tuple(dict(x) for x in fires),
                quiet_for=tuple(dict(x) for x in quiet),
            )
        )
    rules.sort(key=lambda r: STAGES.index(r.stage))
    return RulePack(path=str(path), rules=tuple(rules), span=_span(data.get("span"), roles, path))


def _action(raw: dict[str, Any], roles: dict[str, Role], names: dict[str, str], path: object, where: str, max_seats: float) -> SeatAction:
    kind = "add" if "add" in raw else "promote"
    spec = expect_mapping(raw[kind], error=RuleError, path=path, where=f"{where}.{kind}")
    if kind == "add":
        check_keys(spec, ("role", "seats", "fte"), required=("role", "seats"), error=RuleError, path=path, where=f"{where}.add")
    else:
        check_keys(spec, ("from", "to", "seats"), required=("from", "to", "seats"), error=RuleError, path=path, where=f"{where}.promote")
    role_field = "role" if kind == "add" else "to"
    for field_name in (role_field,) + (("from",) if kind == "promote" else ()):
        _role(spec[field_name], roles, path, f"{where}.{kind}.{field_name}")
    seats = SeatCount(Expression.compile(spec["seats"], names, where=f"{where}, {kind}.seats", path=path, expect=NUMBER), cap=max_seats)
    fte = Expression.compile(spec["fte"], names, where=f"{where}, add.fte", path=path, expect=NUMBER) if "fte" in spec else None
    return SeatAction(kind=kind, role=spec[role_field], seats=seats, fte=fte, from_role=spec.get("from"))


def _role(key: Any, roles: dict[str, Role], path: object, where: str) -> Role:
    hr_roles = [k for k, r in roles.items() if r.is_hr]
    if key not in hr_roles:
        raise RuleError(f"unknown role {key!r}{suggest(str(key), hr_roles)}; see the role catalog", path=path, where=where)
    return roles[key]


def _span(raw: Any, roles: dict[str, Role], path: object) -> SpanPolicy:
    raw = expect_mapping(raw, error=RuleError, path=path, where="span")
    check_keys(raw, ("team_lead_role", "lead_of_leads_role", "reason", "source"), required=("team_lead_role", "lead_of_leads_role", "reason", "source"), error=RuleError, path=path, where="span")
    for field_name in ("team_lead_role", "lead_of_leads_role"):
        _role(raw[field_name], roles, path, f"span.{field_name}")
    return SpanPolicy(
        team_lead_role=raw["team_lead_role"],
        lead_of_leads_role=raw["lead_of_leads_role"],
        reason=ReasonTemplate.compile(raw["reason"], SPAN_NAMES, where="span.reason", path=path),
        source=expect_text(raw["source"], error=RuleError, path=path, where="span.source"),
    )
