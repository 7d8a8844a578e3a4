"""A comparison as the page shows it: the figures side by side, and the seats to add, change, keep or let go.

Used by the compare page (the current team against the plan) and the scenarios page
(scenario A against scenario B).

>>> from orgplan import compare, load_templates, plan, profile_from_dict
>>> t = load_templates()
>>> small, large = (plan(profile_from_dict({"employees": n}, templates=t), templates=t) for n in (300, 900))
>>> table = gap_table(t, compare(small, large))
>>> [row["label"] for row in table["rows"]][:2], len(table["add"]) > 0
(['HR seats', 'HR FTE'], True)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from orgplan.core.figures import COMPARED, figures
from orgplan.web.formatting import money

if TYPE_CHECKING:
    from orgplan.knowledge.templates import Templates

__all__ = ["gap_table", "PAGE_SEATS"]

PAGE_SEATS = 200  # each list on the page names at most this many seats and counts the rest (the workbook has all)


def gap_table(knowledge: Templates, gap: Any) -> dict[str, Any]:
    """What ``_gap.html`` and the figures table show of ``gap`` (an :class:`orgplan.planning.gap.Comparison`)."""
    sides = gap.summaries()
    plan = gap.plan
    rows = []
    for figure in figures(*COMPARED):
        a, b = sides["current"][figure.key], sides["recommended"][figure.key]
        show = figure.text
        rows.append(
            {
                "label": figure.label,
                "current": show(a),
                "recommended": show(b),
                "difference": ("+" if b >= a else "-") + show(abs(b - a)),
            }
        )

    def title(seat_id: str | None) -> str:
        try:
            return plan.seat(seat_id).title if seat_id else "-"
        except KeyError:
            return seat_id or "-"

    ids = {m.current.id for m in gap.matches if m.current is not None} | {
        m.recommended.id for m in gap.matches if m.recommended is not None
    }
    labels = {k: f.label for k, f in knowledge.functions.items()}
    diff = gap.cost_difference
    return {
        "rows": rows,
        "add": _grouped(
            {"title": m.recommended.title, "reports_to": title(m.recommended.reports_to), "why": m.why}
            for m in gap.to_add[:PAGE_SEATS]
        ),
        "change": _grouped(
            {
                "current": m.current.title,
                "recommended": m.recommended.title,
                "changes": [_without_ids(c, ids) for c in m.changes],
                "why": m.why,
            }
            for m in gap.changed[:PAGE_SEATS]
        ),
        "kept": _grouped({"current": m.current.title, "why": m.why} for m in gap.kept[:PAGE_SEATS]),
        "excess": _grouped({"current": m.current.title, "why": m.why} for m in gap.excess[:PAGE_SEATS]),
        "counts": {
            "add": len(gap.to_add),
            "change": len(gap.changed),
            "kept": len(gap.kept),
            "excess": len(gap.excess),
        },
        "spans": [f"{s.title} has {n} direct reports; the limit is {plan.profile.max_span}" for s, n in gap.spans_over],
        "uncovered": [labels.get(f, f) for f in gap.uncovered],
        "cost_difference": ("+" if diff >= 0 else "-") + money(abs(diff)),
        "estimated": gap.estimated_costs,
    }


def _grouped(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items that read the same, said once with how many (``count``): four new HR Generalists are one bullet.

    >>> [(i["title"], i["count"]) for i in _grouped([{"title": "Recruiter"}, {"title": "Recruiter"}, {"title": "HR"}])]
    [('Recruiter', 2), ('HR', 1)]
    """
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        key = repr(sorted(item.items()))
        if key in out:
            out[key]["count"] += 1
        else:
            out[key] = {**item, "count": 1}
    return list(out.values())


def _without_ids(text: str, ids: set[str]) -> str:
    """A change in words, without the seat ids a reader does not know ("HR Director (hr-director-1)").

    >>> _without_ids("reporting: now to CEO, should be to HR Director (hr-director-1)", {"hr-director-1"})
    'reporting: now to CEO, should be to HR Director'
    """
    for seat_id in ids:
        text = text.replace(f" ({seat_id})", "")
    return text
