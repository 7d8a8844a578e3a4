"""Why the plan is what it is: every rule, whether it fired and why, and the figures behind it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from orgplan.errors import OrgplanError, RuleError
from orgplan.knowledge.templates import Templates, load_templates
from orgplan.model.plan import Plan, RuleResult
from orgplan.model.profile import Profile, profile_from_dict
from orgplan.planning.planner import plan

__all__ = ["Explanation", "explain", "check_rule_examples"]


@dataclass(frozen=True)
class Explanation:
    """The workload figures, the workload ledger and every rule's outcome for one profile."""

    profile: Profile
    figures: dict[str, float]
    results: tuple[RuleResult, ...]
    plan: Plan

    @property
    def ledger(self) -> dict[str, dict[str, Any]]:
        """Each function's workload, the FTE covering it, its seats and owner (see :attr:`Plan.ledger`)."""
        return self.plan.ledger


def explain(
    profile: Profile, *, rules: str | os.PathLike[str] | None = None, templates: Templates | None = None
) -> Explanation:
    """Plan ``profile`` and report every rule, fired or not, with the figures it saw.

    >>> e = explain(profile_from_dict({"employees": 12}))
    >>> [r.rule for r in e.results if r.fired]
    ['part-time-hr']
    """
    t = templates or load_templates(rules=rules)
    result = plan(profile, templates=t)
    return Explanation(profile=profile, figures=result.figures(), results=result.rule_results, plan=result)


def check_rule_examples(
    *, rules: str | os.PathLike[str] | None = None, templates: Templates | None = None, rule_id: str | None = None
) -> list[str]:
    """Run every rule's examples (or only those of ``rule_id``); return one line per example that does not hold."""
    t = templates or load_templates(rules=rules)
    failures = []
    for rule in t.rules.rules:
        if rule_id is not None and rule.id != rule_id:
            continue
        for expected, examples in ((True, rule.fires_for), (False, rule.quiet_for)):
            for example in examples:
                try:
                    profile = profile_from_dict(example, templates=t, source=f"rule '{rule.id}' example")
                    fired = _fired(plan(profile, templates=t).rule_results, rule.id)
                except RuleError:
                    raise
                except OrgplanError as exc:  # an example that cannot be planned is a failed example
                    failures.append(f"rule '{rule.id}': example {example} cannot be planned: {exc}")
                    continue
                if fired != expected:
                    word = "fire" if expected else "stay quiet"
                    failures.append(
                        f"rule '{rule.id}': should {word} for {example}, but it {'fired' if fired else 'did not fire'}"
                    )
    return failures


def _fired(results: Any, rule_id: str) -> bool:
    return any(r.rule == rule_id and r.fired for r in results)
