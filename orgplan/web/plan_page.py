"""The recommendation page, ``GET /plan``: the summary, the org chart (one branch at a time when large),
the seats and the profile it used.

The chart's options (``levels``, ``root``, ``direction``, ``detail``, ``expand``) ride in the
query beside the profile, so every view of the chart is a link.

>>> from orgplan.web.work import ChartRequest
>>> chart_params(ChartRequest(levels=2, root="hr_head", direction="lr"), root=False)
{'levels': 2, 'direction': 'lr'}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from orgplan.planning.sourcing import offer_lines
from orgplan.web import work
from orgplan.web.forms import Form, query_string
from orgplan.web.plan_tables import inputs, reader_notes, seat_rows, summary

if TYPE_CHECKING:
    from orgplan.model.plan import Plan
    from orgplan.web.site import Site

__all__ = ["show", "plan_view", "chart_params"]


async def show(site: Site, request: Request) -> Response:
    """``GET /plan``: the page, or the form with its errors."""
    form = site.read(request.query_params.multi_items(), skip=work.CHART_PARAMS)
    chart, chart_errors = work.chart_request(request.query_params)
    view = await site.run_light([form], plan_view, site, form, chart)
    if view is None:
        return site.form_page(request, form)
    if chart_errors:
        view["chart_errors"] = chart_errors
    return site.page(request, "plan.html", form=form, tab="plan", **view)


def plan_view(site: Site, form: Form, chart: work.ChartRequest) -> dict[str, Any] | None:
    """What ``plan.html`` shows of the form's plan, or None with ``form.errors`` filled."""
    result = site.plan_for(form)
    if result is None:
        return None
    folded, note = work.fit_chart(result, chart, work.PAGE_CHART_SEATS, work.PAGE_CHART_WIDEST)
    qs = query_string(form)
    svg = site.remember(("chart", qs, folded, ".svg"), lambda: work.chart_bytes(result, ".svg", folded))
    data = result.to_dict()
    figures = summary(site.knowledge, data["summary"], data["positions"])
    weighed = offer_lines(result)
    figures["bought"] = [x for x in weighed if x["recommended"] == "outsourced"]
    figures["kept"] = [x for x in weighed if x["recommended"] == "in_house"]
    return {
        "plan": result,
        "summary": figures,
        "chart_svg": Markup(work.inline_svg(svg, f"Org chart of the recommended HR team for {result.profile.company}")),
        "chart_note": note,
        "chart_qs": query_string(form, **chart_params(chart)),
        "branches": [
            {"title": t, "seats": n, "qs": query_string(form, **chart_params(chart, root=False), root=i)}
            for i, t, n in work.branches(result, chart.root)
        ]
        if note or chart.root
        else [],
        "branch": _branch_title(result, chart.root),
        "whole_qs": query_string(form, **chart_params(chart, root=False)),
        "seats": seat_rows(site.knowledge, data["positions"]),
        "inputs": inputs(site.knowledge, site.by_key, result, data["profile"]),
        "notes": reader_notes(site.knowledge, site.by_key, getattr(result.profile, "notes", ())),
    }


def _branch_title(result: Plan, root: str | None) -> str | None:
    """The title of the seat a chart is drawn from, when it is not the top."""
    if not root:
        return None
    try:
        return result.seat(root).title
    except KeyError:
        return root


def chart_params(chart: work.ChartRequest, root: bool = True) -> dict[str, Any]:
    """The query parameters that ask for ``chart`` (those that differ from the defaults)."""
    out: dict[str, Any] = {}
    if chart.levels is not None:
        out["levels"] = chart.levels
    if chart.root and root:
        out["root"] = chart.root
    if chart.direction != "tb":
        out["direction"] = chart.direction
    if chart.detail != "functions":
        out["detail"] = chart.detail
    if chart.expand:
        out["expand"] = 1
    return out
