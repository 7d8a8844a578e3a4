"""What the recommendation page lists: the summary, the seats table and the profile it used, as plain rows.

Each function turns part of ``Plan.to_dict()`` into what ``plan.html`` shows; summary keys
and seat columns the page does not know yet are still shown, under their own names.

>>> from orgplan import load_templates
>>> t = load_templates()
>>> summary(t, {"hr_per_100": 3.1, "benchmark_hr_per_100": {"low": 0.8, "high": 2.5}})["benchmark"]["headline"]
'Above the published range'
>>> seats = [{"id": "ceo", "title": "CEO", "reports_to": None},
...          {"id": "r1", "title": "Recruiter", "reports_to": "ceo", "fte": 1, "annual_cost": 90000},
...          {"id": "r2", "title": "Recruiter", "reports_to": "ceo", "fte": 0.5, "annual_cost": 45000}]
>>> [(r["title"], r["reports_to"], r["count"], r["fte"]) for r in seat_rows(t, seats)["rows"]]
[('Recruiter', 'CEO', 2, 1.5)]
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from orgplan.knowledge.catalog import OUTSIDE_HR
from orgplan.web.formatting import fmt, label

if TYPE_CHECKING:
    from orgplan.knowledge.templates import Templates
    from orgplan.model.plan import Plan
    from orgplan.web.forms import Field

__all__ = ["summary", "seat_rows", "inputs"]

_SEAT_KEYS = {
    "id",
    "title",
    "role",
    "family",
    "level",
    "reports_to",
    "functions",
    "fte",
    "base_salary",
    "annual_cost",
    "rationale",
}
_SUMMARY_KEYS = {
    "employees",
    "hr_headcount",
    "hr_fte",
    "hr_per_100",
    "annual_cost",
    "layers",
    "widest_span",
    "seats_by_family",
    "benchmark_hr_per_100",
    "operating_model",
    "functions",
    "seats_cost",
    "fees",
    "sourcing",
    "budget",
}
_STATUS_WORDS = {
    "within": "Within the published range",
    "above": "Above the published range",
    "below": "Below the published range",
}
_STATUS_SHORT = {"within": "Within range", "above": "Above range", "below": "Below range"}
_SEAT_ROWS = 400  # grouped rows of the seats table on the page; the workbook has every seat


def summary(
    knowledge: Templates, s: Mapping[str, Any], positions: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The summary figures: seats by family, the benchmark, the operating model and the function ledger."""
    labels = {k: f.label for k, f in knowledge.families.items()}
    families = ", ".join(f"{labels.get(f, f)} {n:,}" for f, n in (s.get("seats_by_family") or {}).items() if n)
    model = s.get("operating_model")
    if isinstance(model, str):
        model = {"label": model, "why": ""}
    titles = {p["id"]: p["title"] for p in positions or ()}
    ledger = [
        {
            "function": knowledge.function_label(f),
            "demand": r.get("demand_fte"),
            "elsewhere": (r.get("outsourced_fte") or 0) + (r.get("deferred_fte") or 0),
            "covered": r.get("covered_fte"),
            "seats": r.get("seats"),
            "owner": titles.get(r.get("owner") or "", "-"),
        }
        for f, r in (s.get("functions") or {}).items()
        if isinstance(r, Mapping)
    ]
    bench = s.get("benchmark_hr_per_100")
    benchmark = _benchmark(bench, s.get("hr_per_100")) if isinstance(bench, Mapping) else None
    extra = [(label(k), v) for k, v in s.items() if k not in _SUMMARY_KEYS]
    budget = s.get("budget") if isinstance(s.get("budget"), Mapping) else None
    return {
        "s": s,
        "families": families,
        "benchmark": benchmark,
        "extra": extra,
        "model": model,
        "ledger": ledger,
        "bought": [],
        "kept": [],
        "budget": budget,
    }


def _benchmark(bench: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """HR staff per 100 employees against the published range: headline, sentence, reasons, source."""
    low, high = bench.get("low"), bench.get("high")
    status = bench.get("status")
    sentence = ""
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and isinstance(value, (int, float)):
        if status is None:
            status = "below" if value < low else "above" if value > high else "within"
        sentence = (
            f"{value:.2f} HR staff per 100 employees against a published range of {low:g} to {high:g} "
            "for companies of this size."
        )
    reasons = [
        r if isinstance(r, str) else (r.get("reason") or r.get("text") or fmt(r)) if isinstance(r, Mapping) else fmt(r)
        for r in bench.get("reasons") or ()
    ]
    headline = _STATUS_WORDS.get(str(status), label(status) if status else "Published range")
    return {
        "status": str(status or ""),
        "headline": headline,
        "short": _STATUS_SHORT.get(str(status), headline),
        "sentence": sentence,
        "reasons": reasons,
        "source": bench.get("source", ""),
    }


def seat_rows(knowledge: Templates, positions: list[dict[str, Any]]) -> dict[str, Any]:
    """The HR seats grouped by title, manager and extra columns, with counts, FTE, cost and reasons."""
    titles = {p["id"]: p["title"] for p in positions}
    labels = {k: f.label for k, f in knowledge.functions.items()}
    hr = [p for p in positions if p.get("family") not in OUTSIDE_HR and p.get("reports_to") is not None]
    extras = [
        k
        for k in dict.fromkeys(k for p in positions for k in p)
        if k not in _SEAT_KEYS
        and all(not isinstance(p.get(k), (dict, list)) for p in positions)
        and any(p.get(k) not in (None, "") for p in hr)
    ]  # columns no HR seat fills stay off the page
    groups: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
    for p in hr:
        shown = {
            k: titles.get(p[k], p[k]) if k == "dotted_to" and p.get(k) else p.get(k) for k in extras
        }  # a dotted line by the title it points to
        key = (p["title"], p.get("reports_to") and titles.get(p["reports_to"], p["reports_to"]), *shown.values())
        row = groups.get(key)
        if row is None:
            row = groups[key] = {
                "title": p["title"],
                "role": p.get("role", ""),
                "family": p.get("family", ""),
                "reports_to": key[1] or "-",
                "extra": [fmt(v) for v in shown.values()],
                "functions": [labels.get(f, f) for f in p.get("functions") or ()],
                "count": 0,
                "fte": 0.0,
                "cost": 0.0,
                "reasons": [],
                "ids": [],
            }
        row["count"] += 1
        row["fte"] += float(p.get("fte") or 0)
        row["cost"] += float(p.get("annual_cost") or 0)
        row["ids"].append(p["id"])
        for r in p.get("rationale") or ():
            text = r.get("reason") if isinstance(r, Mapping) else str(r)
            if text and text not in row["reasons"]:
                row["reasons"].append(text)
    rows = list(groups.values())
    return {
        "rows": rows[:_SEAT_ROWS],
        "hidden": max(0, len(rows) - _SEAT_ROWS),
        "extra_headers": [label(k) for k in extras],
    }


def inputs(
    knowledge: Templates, fields: Mapping[str, Field], result: Plan, profile: Mapping[str, Any]
) -> list[dict[str, str | bool]]:
    """The profile the plan used, key by key, saying which values the leader gave; long lists last."""
    given = set(getattr(result.profile, "given", {}) or {})
    labels = {k: f.label for k, f in knowledge.functions.items()}
    out: list[dict[str, str | bool]] = []
    for key, value in profile.items():
        field = fields.get(key)
        if key == "functions":
            text = ", ".join(labels.get(f, f) for f in value)
        elif isinstance(value, list):
            text = "; ".join(
                fmt(v) if not isinstance(v, Mapping) else (str(v.get("name")) if "name" in v else fmt(v)) for v in value
            )
        else:
            text = fmt(value)
        wide = key == "functions" or isinstance(value, list)
        out.append(
            {
                "label": field.label if field else label(key),
                "value": text,
                "given": "yes" if key in given else "",
                "wide": wide,
            }
        )
    return sorted(out, key=lambda i: i["wide"])
