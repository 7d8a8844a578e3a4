"""Two scenarios side by side: ``GET /scenarios?...&a.KEY=...&b.KEY=...``.

Each side is the profile with its own overrides (``a.employees=500``); the page compares
the two plans figure by figure and seat by seat. A first visit sets B to the company after
three years of its growth and at least twice its size, as the roadmap does, so there is something to compare.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from orgplan.core.figures import COMPARED, figures
from orgplan.web.forms import GENERAL, Form, check, query_string
from orgplan.web.gap_tables import gap_table

if TYPE_CHECKING:
    from orgplan.model.plan import Plan
    from orgplan.web.site import Site

__all__ = ["show", "scenarios_view"]

_FIGURES = figures("employees", *COMPARED)


async def show(site: Site, request: Request) -> Response:
    """``GET /scenarios``: the page; an override's error is shown beside it (400)."""
    pairs = request.query_params.multi_items()
    base = site.read(pairs, skip=("a.", "b."))
    sides = {p: site.read(pairs, prefix=f"{p}.") for p in ("a", "b")}
    view = await site.run_light([base, *sides.values()], scenarios_view, site, base, sides)
    if view is None:
        return site.form_page(request, base)
    status = 400 if any(k.startswith(("a.", "b.")) for k in base.errors) else 200
    return site.page(request, "scenarios.html", status=status, form=base, tab="scenarios", **view)


def scenarios_view(site: Site, base: Form, sides: dict[str, Form]) -> dict[str, Any] | None:
    """What ``scenarios.html`` shows, or None when the base profile has errors (on ``base.errors``)."""
    from orgplan.planning.gap import compare
    from orgplan.planning.growth import roadmap_target

    checked = check(base, site.knowledge, site.fields)
    if checked.profile is None:
        return None
    if not any(s.values or s.rows for s in sides.values()):  # a first visit: today against the roadmap's horizon
        sides["b"].values["employees"] = str(roadmap_target(checked.profile))
    plans: dict[str, Plan | None] = {}
    merged: dict[str, Form] = {}
    for name, side in sides.items():
        combined = Form(
            values={**base.values, **{k: v for k, v in side.values.items() if v not in ("", [])}},
            rows={**base.rows, **{k: v for k, v in side.rows.items() if v}},
        )
        merged[name] = combined
        result = site.plan_for(combined)
        if result is None:
            for key, message in combined.errors.items():
                base.errors[f"{name}.{key}" if key != GENERAL else f"{name}."] = message
        plans[name] = result
    view: dict[str, Any] = {
        "sides": sides,
        "base_profile": checked.profile,
        "scalar_fields": [f for f in site.fields if f.kind != "functions"],
    }
    view["qs_sides"] = (
        query_string(base)
        + "&"
        + "&".join(query_string(sides[p], prefix=f"{p}.") for p in sides if query_string(sides[p]))
    )
    a, b = plans["a"], plans["b"]
    if a is None or b is None:
        return view
    view.update(
        plans=plans,
        rows=_figures(a, b),
        gap=gap_table(site.knowledge, compare(a, b)),
        links={p: query_string(merged[p]) for p in merged},
    )
    return view


def _figures(a: Plan, b: Plan) -> list[dict[str, str]]:
    """The summary figures of the two plans side by side, with B's difference from A."""
    rows = []
    for figure in _FIGURES:
        x, y = a.summary.get(figure.key), b.summary.get(figure.key)
        if isinstance(x, (int, float)) and isinstance(y, (int, float)):
            show = figure.text
            rows.append(
                {
                    "label": figure.label,
                    "a": show(x),
                    "b": show(y),
                    "difference": ("+" if y >= x else "-") + show(abs(y - x)),
                }
            )
    return rows
