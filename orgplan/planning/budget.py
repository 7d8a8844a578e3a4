"""The best plan within a budget: buy in what is cheaper to buy, then defer work in the rule pack's order.

When the plan's annual cost (seats and fees) is above the profile's ``budget``, orgplan
first buys in, one provider at a time, whatever lowers the plan's cost the most (any
provider of ``sourcing.yaml`` that applies at the company's size, planned with it to see
what it saves). Then it defers work in the order the rule pack's ``budget.deferrals``
declares, each step with its risk, keeping a step only when it lowers the cost, until the
plan fits. The legal minimums (payroll, compliance, labour relations) are never deferred. A
budget below the cheapest plan these steps reach is reported as ``over``, with that plan and
its cost.

>>> from orgplan import plan, profile_from_dict
>>> b = plan(profile_from_dict({"employees": 3000, "budget": "3.5M"})).summary["budget"]
>>> b["status"], b["planned_cost"] <= 3_500_000, [c["kind"] for c in b["changes"]][:1]
('within', True, ['buy'])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from orgplan.core.words import money, with_article
from orgplan.knowledge.templates import Templates
from orgplan.model.plan import Outline, Plan
from orgplan.model.profile import Profile
from orgplan.planning.sourcing import Adjustments, called, offer_key

__all__ = ["fit_budget"]


Trial = Plan | Outline  # what a trial of some adjustments gives: its figures are all a step weighs


def fit_budget(
    profile: Profile,
    t: Templates,
    base: Trial,
    plan_with: Callable[[Adjustments], Plan],
    trials: Callable[[list[Adjustments]], list[Trial]] | None = None,
    *,
    batch: int = 1,
) -> Plan:
    """``base`` (planned without a budget, whole or as an outline) changed as little as it takes to fit
    ``profile.budget``.

    ``plan_with`` plans the company again with a budget's adjustments (work bought in or
    deferred); ``trials`` (by default ``plan_with`` of each) gives the figures of several trials
    at once, an outline being enough: the plan chosen is planned whole once, at the end. The
    deferral steps do not depend on each other's results, so ``batch`` of them are weighed at
    once (when trials run side by side), as far as the first that makes the plan fit.
    """
    trials = trials or (lambda many: [plan_with(adjust) for adjust in many])
    limit = float(profile.budget or 0.0)
    full = base.totals()["annual_cost"]
    current: Trial = base
    adjust: Adjustments = base.adjustments or Adjustments()
    changes: list[dict[str, Any]] = []

    def cost(p: Trial) -> int:
        return int(p.totals()["annual_cost"])

    while cost(current) > limit:  # 1. buy in whatever lowers the cost most, one provider at a time
        best: tuple[int, str, Trial] | None = None
        keys = _candidates(current)
        for key, trial in zip(keys, trials([adjust.buying(key) for key in keys]), strict=True):
            saving = cost(current) - cost(trial)
            if saving > 0 and (best is None or saving > best[0]):
                best = (saving, key, trial)
        if best is None:
            break
        saving, key, trial = best
        changes.append(_bought(current, trial, key, saving, t))
        current, adjust = trial, adjust.buying(key)
    # 2. Defer work in the rule pack's order. A step that saves nothing alone waits for the next:
    # together they may free a seat; steps still waiting at the end are not taken.
    steps: list[tuple[str, float, str, Adjustments]] = []  # each step with all deferred up to it
    trying = adjust
    for step in t.rules.budget.deferrals:
        if step.function in profile.functions and trying.shares.get(step.function, 0.0) < step.share:
            trying = trying.deferring(step.function, step.share)
            steps.append((step.function, step.share, step.risk, trying))
    weighed: list[Trial] = []
    waiting: list[tuple[str, float, str]] = []
    for i, (function, share, risk, trying) in enumerate(steps):
        if cost(current) <= limit:
            break
        waiting.append((function, share, risk))
        if i == len(weighed):
            weighed += trials([s[3] for s in steps[i : i + batch]])
        trial = weighed[i]
        saving = cost(current) - cost(trial)
        if saving > 0:
            changes.append(_deferred(current, trial, waiting, saving, t))
            current, adjust, waiting = trial, trying, []
    planned = cost(current)
    within = planned <= limit
    shown = int(limit) if float(limit).is_integer() else limit
    if within and not changes:
        note = f"The plan costs {money(planned)} a year, within the budget of {money(limit)}."
    elif within:
        note = (
            f"The full plan costs {money(full)} a year; with {len(changes)} change{'s' if len(changes) != 1 else ''} "
            f"it costs {money(planned)}, within the budget of {money(limit)}."
        )
    else:
        kept = ", ".join(called(t.function_label(f)) for f in t.rules.budget.legal_minimums if f in profile.functions)
        note = (
            f"Over the budget of {money(limit)}: the cheapest workable plan costs {money(planned)} a year"
            + (f" after {len(changes)} change{'s' if len(changes) != 1 else ''}" if changes else "")
            + (f", keeping the legal minimums ({kept}) and the seats that lead the work" if kept else "")
            + "."
        )
    budget = {
        "limit": shown,
        "planned_cost": planned,
        "status": "within" if within else "over",
        "full_cost": full,
        "changes": changes,
        "note": note,
    }
    chosen = current if isinstance(current, Plan) else plan_with(adjust)  # the trial chosen, planned whole
    return dataclasses.replace(chosen, budget=budget)


def _candidates(p: Trial) -> list[str]:
    """The providers weighed for the plan and not bought, by offer key, in the order the plan lists them."""
    keys = [
        offer_key(e["provider"], e["country"])
        for e in p.sourcing
        if e["provider"] is not None and e["recommended"] == "in_house"
    ]
    bought = {offer_key(e["provider"], e["country"]) for e in p.sourcing if e["recommended"] == "outsourced"}
    return [k for k in dict.fromkeys(keys) if k not in bought]


def _bought(before: Trial, after: Trial, key: str, saving: int, t: Templates) -> dict[str, Any]:
    provider, _, country = key.partition(":")
    lines = [e for e in after.sourcing if e["provider"] == provider and (e["country"] or "") == country]
    functions = [e["function"] for e in lines]
    fee = sum(int(e["outsourced_cost"]) for e in lines)
    p = t.sourcing.providers[provider]
    seats = after.totals()["hr_headcount"] - before.totals()["hr_headcount"]
    labels = ", ".join(called(t.function_label(f)) for f in functions)
    where = f" in {country}" if country else ""
    return {
        "kind": "buy",
        "function": functions[0] if functions else None,
        "functions": functions,
        "country": country or None,
        "provider": provider,
        "share": None,
        "fte": round(sum(float(e["fte"]) for e in lines), 2),
        "saving": saving,
        "seats": seats,
        "risk": p.risk,
        "reason": f"Buy {labels} work{where} from {with_article(called(p.name))} at {money(fee)} a year: "
        f"the plan costs {money(saving)} less ({_seats(seats)}).",
    }


def _deferred(
    before: Trial, after: Trial, steps: list[tuple[str, float, str]], saving: int, t: Templates
) -> dict[str, Any]:
    """Steps of the rule pack's deferrals taken together (those that saved nothing alone and the one that saved)."""
    functions = list(dict.fromkeys(f for f, _, _ in steps))
    fte = sum(after.ledger[f]["deferred_fte"] - before.ledger[f]["deferred_fte"] for f in functions)
    seats = after.totals()["hr_headcount"] - before.totals()["hr_headcount"]
    shares = {f: share for f, share, _ in steps}  # a later step of a function goes further
    said = ", ".join(f"{share:.0%} of {called(t.function_label(f))}" for f, share in shares.items())
    return {
        "kind": "defer",
        "function": steps[-1][0],
        "functions": functions,
        "country": None,
        "provider": None,
        "share": steps[-1][1],
        "fte": round(fte, 2),
        "saving": saving,
        "seats": seats,
        "risk": " ".join(risk for _, _, risk in steps),
        "reason": f"Defer {said} work ({fte:.2f} FTE in all): the plan costs {money(saving)} less ({_seats(seats)}).",
    }


def _seats(change: int) -> str:
    if change == 0:
        return "the same seats"
    word = "seat" if abs(change) == 1 else "seats"
    return f"{abs(change)} {word} {'fewer' if change < 0 else 'more'}"
