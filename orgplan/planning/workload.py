"""The HR workload of a company: the figures the rules see, and why a plan sits outside the published range.

:func:`planning_values` turns a profile into the names rule expressions use: the profile,
the constants and derived figures of ``templates/benchmarks.yaml``, each function's
workload in FTE (``demand_<function>``), the part of it specialists can take
(``specialist_work_<function>``) and the total (``hr_demand``).

>>> from orgplan import profile_from_dict
>>> from orgplan.knowledge.templates import load_templates
>>> v = planning_values(profile_from_dict({"employees": 900, "annual_hires": 180}), load_templates())
>>> round(v["demand_talent_acquisition"], 2), v["demand_dei"]
(2.27, 0.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orgplan.knowledge.rules import OperatingModel
from orgplan.knowledge.templates import Templates
from orgplan.model.profile import Profile, expression_values
from orgplan.planning.sourcing import called

FEDERATED = "federated"  # the operating model planned in parts (orgplan.planning.federation)

__all__ = ["planning_values", "keep_in_house", "choose_model", "benchmark_reasons", "ordinary_shape"]


def planning_values(profile: Profile, t: Templates) -> dict[str, Any]:
    """The names rule expressions see: profile, constants, derived figures and workloads."""
    values = expression_values(profile, t)
    for name, figure in t.constants.items():
        values[name] = figure.value
    for figure in t.derived:
        values[figure.name] = figure.expression.number(values)  # type: ignore[union-attr]
    demands = {  # a workload sees the profile, constants and derived figures, not other workloads
        function: max(0.0, figure.expression.number(values)) if function in profile.functions else 0.0  # type: ignore[union-attr]
        for function, figure in t.workload.items()
    }
    _set_work(values, t, demands)
    return values


def keep_in_house(
    values: dict[str, Any], t: Templates, outsourced: Mapping[str, float], deferred: Mapping[str, float]
) -> dict[str, float]:
    """Take the work bought in (FTE by function) and the work deferred (a share of what is left, by
    function) out of the values the rules see, so seats are planned for the rest; return the deferred FTE.

    ``workload_<function>`` keeps each function's whole workload for the outputs.

    >>> from orgplan import profile_from_dict
    >>> from orgplan.knowledge.templates import load_templates
    >>> t = load_templates()
    >>> v = planning_values(profile_from_dict({"employees": 900}), t)
    >>> whole = v["demand_payroll"]
    >>> gone = keep_in_house(v, t, {"payroll": 0.5}, {"benefits": 1.0})
    >>> round(whole - v["demand_payroll"], 2), v["demand_benefits"], round(gone["benefits"], 2)
    (0.5, 0.0, 0.45)
    """
    gone, kept = {}, {}
    for function in t.functions:
        whole = float(values.get(f"demand_{function}", 0.0))
        values[f"workload_{function}"] = whole
        left = max(0.0, whole - float(outsourced.get(function, 0.0)))
        gone[function] = left * float(deferred.get(function, 0.0))
        kept[function] = left - gone[function]
    _set_work(values, t, kept)
    return gone


def _set_work(values: dict[str, Any], t: Templates, demands: Mapping[str, float]) -> None:
    """Put each function's work (FTE, in ``demands``' order) in the values the rules see, with the
    part its specialists take, the total and the advice no specialist can take (which grows
    smoothly with the company)."""
    total = advisory = 0.0
    for function, demand in demands.items():
        info = t.functions[function]
        values[f"demand_{function}"] = demand
        values[f"specialist_work_{function}"] = demand * info.specialist_share
        total += demand
        if info.pillar == "advisory":
            advisory += demand * (1 - info.specialist_share)
    values["hr_demand"] = total
    values["advisory_work"] = advisory


def choose_model(profile: Profile, t: Templates, values: dict[str, Any]) -> tuple[OperatingModel, bool]:
    """The operating model: the one the profile names, or the first whose condition holds;
    and whether orgplan chose it. Federated HR named for a company with no unit large enough
    for it (or by a pack without its ``federated`` section) gives way to orgplan's choice."""
    models = t.rules.models
    if profile.operating_model != "auto":
        named = [m for m in models if m.name == profile.operating_model]
        if named and (named[0].name != FEDERATED or (values.get("federated_units") and t.rules.federated)):
            return named[0], False
    for model in models:
        if model.when.truth(values):
            return model, True
    return models[-1], True


def ordinary_shape(profile: Profile, t: Templates) -> Profile:
    """The same company with an ordinary shape: average growth and turnover, one country, site and unit, no union."""
    fields = t.profile_fields
    changes: dict[str, Any] = {}
    for key in ("growth_rate", "turnover_rate", "sites", "unionized_share", "bargaining_agreements", "industry"):
        changes[key] = fields[key].get("default")
    return profile.with_values(
        templates=t,
        **changes,
        countries=1,
        business_units=1,
        service_centre="auto",  # one country: no centre to name
        annual_hires=None,
        frontline_share=None,
        functions=list(profile.functions),
    )


def benchmark_reasons(
    profile: Profile, t: Templates, values: dict[str, Any], extra_fte: dict[str, float], total_fte: float, status: str
) -> tuple[str, ...]:
    """Why a plan sits above or below the published range, biggest cause first.

    Each function's workload is compared with the same company in an ordinary shape;
    ``extra_fte`` holds seats planned beyond the workload (presence in countries and sites,
    owners of regulated work) by cause.
    """
    if status == "within":
        return ()
    base = planning_values(ordinary_shape(profile, t), t)
    figure = {k: float(f.value or 0.0) for k, f in t.constants.items()}
    share = figure["range_reason_min_share"] * total_fte  # causes are named from this much of the team
    lines: list[tuple[float, str]] = []
    for function in profile.functions:
        here, usual = values.get(f"workload_{function}", values[f"demand_{function}"]), base[f"demand_{function}"]
        diff = here - usual
        least = max(figure["range_reason_min_fte"], share)
        if (status == "above" and diff > least) or (status == "below" and -diff > least):
            detail = _detail(function, profile, values)
            lines.append(
                (
                    abs(diff),
                    f"{t.function_label(function)} is {here:,.1f} FTE{detail}, against {usual:,.1f} for a "
                    "company of this size and ordinary shape",
                )
            )
    if status == "above":
        for cause, fte in extra_fte.items():
            if fte >= figure["range_reason_min_fte"]:
                lines.append((fte, f"{cause}: {fte:,.1f} FTE beyond the workload"))
        if values.get("onsite_hr"):
            lines.append(
                (
                    float(values["site_hr_seats"]),
                    f"HR on site: {profile.sites:,} sites of about {values['employees_per_site']:,.0f} employees "
                    f"each keep {values['site_hr_seats']:,.0f} HR professionals on site, with the leads over them",
                )
            )
        if total_fte <= figure["smallest_team_fte"] and not lines:
            lines.append(
                (
                    1.0,
                    f"a team of {total_fte:g} FTE is the smallest that covers the work of "
                    f"{profile.employees:,} employees",
                )
            )
    else:
        gone = {
            f: float(values.get(f"workload_{f}", values[f"demand_{f}"])) - float(values[f"demand_{f}"])
            for f in profile.functions
        }
        gone = {f: v for f, v in sorted(gone.items(), key=lambda x: -x[1]) if v >= 0.05}
        total = sum(gone.values())
        if total >= max(figure["range_reason_bought_min_fte"], share):
            labels = ", ".join(called(t.function_label(f)) for f in gone)
            lines.append(
                (total, f"{total:,.1f} FTE of HR work is bought in or deferred rather than staffed ({labels})")
            )
    if status == "below" and len(profile.functions) < len(t.default_functions[0][1]):
        count = len(profile.functions)
        lines.append((1.0, f"only {count} HR function{'s' if count != 1 else ''} asked for, fewer than the usual core"))
    lines.sort(key=lambda x: -x[0])
    return tuple(text for _, text in lines[:4])


def _detail(function: str, profile: Profile, values: dict[str, Any]) -> str:
    """A few words on what drives a function's workload, for the reasons above."""
    if function == "talent_acquisition":
        rate = profile.annual_hires / profile.employees
        return f" (about {profile.annual_hires:,.0f} hires a year, {rate:.0%} of the workforce)"
    if function == "labor_relations":
        return f" ({values['unionized_employees']:,.0f} union members)"
    if function == "compliance" and values.get("regulated"):
        return " (a regulated industry)"
    if function == "immigration":
        return f" (hiring across {len(profile.countries)} countries)"
    return ""
