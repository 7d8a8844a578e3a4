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

from typing import TYPE_CHECKING, Any

from orgplan.web.formatting import money

if TYPE_CHECKING:
    from orgplan.knowledge.templates import Templates

__all__ = ["gap_table", "PAGE_SEATS"]

PAGE_SEATS = 200  # each list on the page names at most this many seats and counts the rest (the workbook has all)

_FIGURES = (
    ("hr_headcount", "HR seats", "int"),
    ("hr_fte", "HR FTE", "fte"),
    ("hr_per_100", "HR staff per 100 employees", "ratio"),
    ("annual_cost", "Annual cost", "money"),
    ("layers", "Layers", "int"),
    ("widest_span", "Widest span", "int"),
)
_SHOW = {
    "int": lambda x: f"{x:,.0f}",
    "fte": lambda x: f"{x:,.2f}",
    "ratio": lambda x: f"{x:.2f}",
    "money": money,
}


def gap_table(knowledge: Templates, gap: Any) -> dict[str, Any]:
    """What ``_gap.html`` and the figures table show of ``gap`` (an :class:`orgplan.planning.gap.Comparison`)."""
    sides = gap.summaries()
    plan = gap.plan
    rows = []
    for key, label, kind in _FIGURES:
        a, b = sides["current"][key], sides["recommended"][key]
        show = _SHOW[kind]
        rows.append(
            {
                "label": label,
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

    labels = {k: f.label for k, f in knowledge.functions.items()}
    diff = gap.cost_difference
    return {
        "rows": rows,
        "add": [
            {
                "title": m.recommended.title,
                "id": m.recommended.id,
                "reports_to": title(m.recommended.reports_to),
                "why": m.why,
            }
            for m in gap.to_add[:PAGE_SEATS]
        ],
        "change": [
            {
                "current": f"{m.current.title} ({m.current.id})",
                "recommended": f"{m.recommended.title} ({m.recommended.id})",
                "changes": list(m.changes),
                "why": m.why,
            }
            for m in gap.changed[:PAGE_SEATS]
        ],
        "kept": [
            {"current": f"{m.current.title} ({m.current.id})", "recommended": m.recommended.id, "why": m.why}
            for m in gap.kept[:PAGE_SEATS]
        ],
        "excess": [{"current": f"{m.current.title} ({m.current.id})", "why": m.why} for m in gap.excess[:PAGE_SEATS]],
        "counts": {
            "add": len(gap.to_add),
            "change": len(gap.changed),
            "kept": len(gap.kept),
            "excess": len(gap.excess),
        },
        "spans": [
            f"{s.title} ({s.id}) has {n} direct reports; the limit is {plan.profile.max_span}"
            for s, n in gap.spans_over
        ],
        "uncovered": [labels.get(f, f) for f in gap.uncovered],
        "cost_difference": ("+" if diff >= 0 else "-") + money(abs(diff)),
        "estimated": gap.estimated_costs,
    }
