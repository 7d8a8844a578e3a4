"""The plan's downloads: ``/plan.json``, ``/plan.xlsx``, ``/jobs.zip`` and the org chart ``/chart.svg|png|pdf|pptx``.

Each is made in a worker thread from the query's plan and kept for the next request
with the same query. A chart too large to draw whole is folded, and says so in the
``X-Orgplan-Folded`` header.

>>> attachment(company_file("Larkspur Foods", "plan.json"))
{'Content-Disposition': 'attachment; filename="larkspur-foods-plan.json"'}
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from orgplan.web import work
from orgplan.web.formatting import company_file
from orgplan.web.forms import query_string

if TYPE_CHECKING:
    from orgplan.model.plan import Plan
    from orgplan.web.site import Site

__all__ = ["plan_json", "plan_file", "chart_file", "attachment"]


def attachment(name: str, inline: bool = False) -> dict[str, str]:
    """The header that names a download (``inline``: shown in the browser, as an SVG is)."""
    return {"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"'}


async def plan_json(site: Site, request: Request) -> Response:
    """``GET /plan.json``: the plan as data; the form's errors as JSON (400) when it has some."""
    form = site.read(request.query_params.multi_items())
    result = await site.run_light([form], site.plan_for, form)
    if result is None:
        return JSONResponse({"errors": form.errors}, status_code=400)
    headers = attachment(company_file(form.value("company"), "plan.json"))
    return Response(result.json, media_type="application/json", headers=headers)


async def plan_file(site: Site, name: str, make: Callable[[Plan], bytes], request: Request) -> Response:
    """The file ``name``, made by ``make`` from the query's plan (kept for the same profile)."""
    form = site.read(request.query_params.multi_items())

    def build() -> bytes | None:
        result = site.plan_for(form)
        if result is None:
            return None
        return site.remember((name, query_string(form)), lambda: make(result))

    data = await site.run_heavy(build)
    if data is None:
        return site.form_page(request, form)
    headers = attachment(company_file(form.value("company"), name))
    return Response(data, media_type=work.MEDIA_TYPES[Path(name).suffix], headers=headers)


async def chart_file(site: Site, suffix: str, request: Request) -> Response:
    """``GET /chart.svg|png|pdf|pptx``: the org chart with the query's chart options."""
    form = site.read(request.query_params.multi_items(), skip=work.CHART_PARAMS)
    chart, errors = work.chart_request(request.query_params)
    if errors:
        form.errors.update(errors)
        return site.form_page(request, form)

    def make() -> tuple[bytes, str | None] | None:
        result = site.plan_for(form)
        if result is None:
            return None
        folded, note = work.fit_chart(result, chart, work.FULL_CHART_SEATS, work.FULL_CHART_WIDEST)
        extra = {"note": note} if note else {}
        return site.remember(
            ("chart", query_string(form), folded, suffix),
            lambda: work.chart_bytes(result, suffix, folded, **extra),
        ), note

    made = await site.run_heavy(make)
    if made is None:
        return site.form_page(request, form)
    data, note = made
    headers = attachment(company_file(form.value("company"), f"orgchart{suffix}"), inline=suffix == ".svg")
    if note:
        headers["X-Orgplan-Folded"] = note
    return Response(data, media_type=work.MEDIA_TYPES[suffix], headers=headers)
