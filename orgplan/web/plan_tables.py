"""What the recommendation page lists: the summary, the seats table and the profile it used, as plain rows.

Each function turns part of ``Plan.to_dict()`` into what ``plan.html`` shows; summary keys
and seat columns the page does not know yet are still shown, under their own names.

>>> from orgplan import load_templates
>>> t = load_templates()
>>> shown = summary(t, {"hr_per_100": 3.1, "hr_fte": 4.5, "benchmark_hr_per_100": {"low": 0.8, "high": 2.5}})
>>> shown["benchmark"]["headline"], shown["labels"]["hr_fte"], shown["shown"]["hr_per_100"], shown["shown"]["hr_fte"]
('Above the published range', 'HR full-time equivalents', '3.10', '4.5')
>>> seats = [{"id": "ceo", "title": "CEO", "reports_to": None},
...          {"id": "r1", "title": "Recruiter", "reports_to": "ceo", "fte": 1, "annual_cost": 90000},
...          {"id": "r2", "title": "Recruiter", "reports_to": "ceo", "fte": 0.5, "annual_cost": 45000}]
>>> [(r["title"], r["reports_to"], r["count"], r["fte"]) for r in seat_rows(t, seats)["rows"]]
[('Recruiter', 'CEO', 2, 1.5)]
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from orgplan.core.figures import SummaryFigure, figures
from orgplan.knowledge.catalog import OUTSIDE_HR
from orgplan.web.formatting import fmt, label

if TYPE_CHECKING:
    from orgplan.knowledge.templates import Templates
    from orgplan.model.plan import Plan
    from orgplan.web.forms import Field

__all__ = ["summary", "seat_rows", "inputs", "reader_notes"]

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
# The figures the page's summary shows, by the registry's labels spelled out.
_FIGURES = figures("hr_headcount", "hr_per_100", "annual_cost", "hr_fte", "layers", "widest_span")
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
        "labels": {f.key: f.full for f in _FIGURES},
        "shown": {f.key: _shown(f, s.get(f.key)) for f in _FIGURES},
        "families": families,
        "benchmark": benchmark,
        "extra": extra,
        "model": model,
        "ledger": ledger,
        "bought": [],
        "kept": [],
        "budget": budget,
    }


def _shown(f: SummaryFigure, value: Any) -> str:
    """A summary figure's value as the page shows it: as the registry formats it, but FTE
    without needless decimals (as the page shows every FTE), and anything not a number as is.

    >>> hr_fte, cost = figures("hr_fte", "annual_cost")
    >>> _shown(hr_fte, 14.5), _shown(hr_fte, 14.0), _shown(cost, 1250000), _shown(cost, None)
    ('14.5', '14', '$1,250,000', '')
    """
    if f.kind == "fte" or not isinstance(value, (int, float)) or isinstance(value, bool):
        return fmt(value)
    return f.text(value)


def _benchmark(bench: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """HR staff per 100 employees against the published range: headline, sentence, reasons, source."""
    low, high = bench.get("low"), bench.get("high")
    status = bench.get("status")
    sentence = ""
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and isinstance(value, (int, float)):
        if status is None:
            status = "below" if value < low else "above" if value > high else "within"
        (per_100,) = figures("hr_per_100")
        sentence = (
            f"{per_100.text(value)} {per_100.label} against a published range of {low:g} to {high:g} "
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


def _job_file(knowledge: Templates, seat: Mapping[str, Any]) -> str:
    """The name of the seat's job description (the job page's ``role=``), '' for a seat with no role."""
    from orgplan.model.duties import base_title
    from orgplan.outputs.jobs import slug

    role = seat.get("role") or ""
    return slug(base_title(str(seat["title"]), knowledge.roles.get(role))) if role else ""


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
                "role": _job_file(knowledge, p),
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
    # A column with one value on every row says it once, under the table, rather than on every row.
    same = [i for i in range(len(extras)) if len(rows) > 1 and len({r["extra"][i] for r in rows}) == 1]
    said = [f"{label(extras[i])}: {rows[0]['extra'][i]} for every seat" for i in same if rows[0]["extra"][i]]
    for row in rows:
        row["extra"] = [x for i, x in enumerate(row["extra"]) if i not in same]
        row["lead"], row["folded"] = _lead(row["reasons"])
    return {
        "rows": rows[:_SEAT_ROWS],
        "hidden": max(0, len(rows) - _SEAT_ROWS),
        "extra_headers": [label(k) for i, k in enumerate(extras) if i not in same],
        "same": said,
        "fte": any(abs(r["fte"] - r["count"]) > 1e-9 for r in rows),  # the FTE column, only when a seat is part-time
    }


def _lead(reasons: list[str], most: int = 160) -> tuple[str, bool]:
    """The start of a seat's reasons, shown before the rest unfolds; and whether there is more to unfold.

    >>> _lead(["Short."])
    ('Short.', False)
    >>> _lead(["One.", "Two."])
    ('One.', True)
    >>> lead, folded = _lead(["A long reason " * 20])
    >>> lead.endswith("…"), folded, len(lead) <= 161
    (True, True, True)
    """
    if not reasons:
        return "", False
    first = reasons[0]
    if len(first) <= most:
        return first, len(reasons) > 1
    cut = first[:most].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…", True


def inputs(
    knowledge: Templates, fields: Mapping[str, Field], result: Plan, profile: Mapping[str, Any]
) -> list[dict[str, str | bool]]:
    """The profile the plan used, key by key, saying which values the leader gave; long lists last.

    Rates read as percentages and choices by their titles, as the form shows them.
    Countries or units given as a number carry a ``hint``: how they are numbered, and
    that naming them on the form shows each by name.
    """
    from orgplan.web.forms import shown

    given = set(getattr(result.profile, "given", {}) or {})
    labels = {k: f.label for k, f in knowledge.functions.items()}
    out: list[dict[str, str | bool]] = []
    for key, value in profile.items():
        field = fields.get(key)
        hint = ""
        if key == "functions":
            text = ", ".join(labels.get(f, f) for f in value)
        elif isinstance(value, list):
            text = "; ".join(
                fmt(v) if not isinstance(v, Mapping) else (str(v.get("name")) if "name" in v else fmt(v)) for v in value
            )
        else:
            text = shown(field, value) if field is not None else fmt(value)
            hint = _numbered(result, key, value) if field is not None and field.items else ""
        wide = key == "functions" or isinstance(value, list)
        out.append(
            {
                "label": field.label if field else label(key),
                "value": text,
                "given": "yes" if key in given else "",
                "wide": wide,
                "hint": hint,
                "key": key,
            }
        )
    return sorted(out, key=lambda i: i["wide"])


def _numbered(result: Plan, key: str, count: Any) -> str:
    """How places given as a number are called ("" for a single place or named places); the page invites naming them."""
    places = getattr(result.profile, key, ())
    if not isinstance(count, int) or count < 2 or not places or not all(getattr(p, "assumed", False) for p in places):
        return ""
    names = [p.name for p in places]
    shown_names = ", ".join(names[:2]) + (f" … {names[-1]}" if len(names) > 2 else "")
    return f"Numbered {shown_names}."


def reader_notes(knowledge: Templates, fields: Mapping[str, Field], notes: Iterable[str]) -> list[str]:
    """The profile's notes in the form's words: labels for profile keys, names for HR functions.

    >>> from orgplan import load_templates
    >>> from orgplan.web.forms import profile_fields
    >>> t = load_templates()
    >>> fields = {f.key: f for f in profile_fields(t)}
    >>> notes = ["annual_hires: employees x (growth_rate + turnover_rate)", "functions: added hris - why"]
    >>> for note in reader_notes(t, fields, notes):
    ...     print(note)
    Hires a year: employees x (yearly headcount growth + yearly turnover)
    HR functions to cover: added HR information systems - why
    """
    import re

    labels = {k: f.label for k, f in fields.items()}
    functions = {k: f.label for k, f in knowledge.functions.items()}
    out = []
    for note in notes:
        key, colon, rest = str(note).partition(": ")
        head = f"{labels[key]}: " if colon and key in labels else f"{key}{colon}"
        body = re.sub(r"^added ([a-z_]+)", lambda m: f"added {functions.get(m.group(1), m.group(1))}", rest)
        body = re.sub(
            r"\b[a-z]+(?:_[a-z0-9]+)+\b",
            lambda m: labels[m.group(0)].lower() if m.group(0) in labels else m.group(0),
            body,
        )
        out.append(head + body)
    return out
