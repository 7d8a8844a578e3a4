"""The current team against the plan: ``GET|POST /compare`` and its files ``/compare.xlsx``, ``/gap-chart.svg|png``.

An uploaded team file is kept in memory (:class:`orgplan.web.work.TeamStore`) and named in
the link by a hash of its content, so a comparison is a link too while the server runs; a
link to a team the server no longer holds is answered 410 with the upload form.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from orgplan.errors import TeamFileError
from orgplan.outputs.charts.pages import unplaced_seats
from orgplan.web import work
from orgplan.web.downloads import attachment
from orgplan.web.formatting import company_file
from orgplan.web.forms import Form, query_string
from orgplan.web.gap_tables import gap_table
from orgplan.web.uploads import UPLOAD_LIMIT, keep_visitor, safe_name, too_large, visitor_of, with_upload

if TYPE_CHECKING:
    from orgplan.web.site import Site

__all__ = ["show", "post", "gap_file", "TEAM_TYPES"]

TEAM_TYPES = (".xlsx", ".csv")
_GONE = "this server no longer holds that team file (it keeps recent uploads while it runs); upload it again"


async def show(site: Site, request: Request) -> Response:
    """``GET /compare``: the upload form, or the comparison with the team the link names."""
    form = site.read(request.query_params.multi_items(), skip=("team",))
    key = request.query_params.get("team", "")
    held = site.teams.get(key) if key else None
    if key and held is None:
        form.errors["team"] = _GONE
    run = partial(site.run_heavy) if held is not None else partial(site.run_light, [form])
    view = await run(compare_view, site, form, held, key)
    if view is None:
        return site.form_page(request, form)
    status = 410 if key and held is None else 400 if "team" in form.errors else 200
    return site.page(request, "compare.html", status=status, form=form, tab="compare", **view)


def compare_view(site: Site, form: Form, held: tuple[str, bytes] | None, key: str) -> dict[str, Any] | None:
    """What ``compare.html`` shows: the plan, and with a team file the comparison and its chart."""
    from orgplan.planning.gap import compare

    result = site.plan_for(form)
    if result is None:
        return None
    view: dict[str, Any] = {"plan": result, "team_key": key}
    if held is None:
        return view
    name, content = held
    try:
        team = site.team(key, held)
    except TeamFileError as exc:
        form.errors["team"] = str(exc)
        return view
    gap = compare(team, result)
    qs = query_string(form, team=key)
    note = unplaced_seats(gap)
    folded, fold_note = work.fit_chart(result, work.ChartRequest(), work.PAGE_CHART_SEATS, work.PAGE_CHART_WIDEST)
    svg = site.remember(
        ("gap", qs, folded, ".svg"), lambda: work.chart_bytes(result, ".svg", folded, marks=gap.marks, note=note)
    )
    view.update(
        gap=gap_table(site.knowledge, gap),
        team_name=name,
        qs_team=qs,
        chart_note=fold_note,
        chart_svg=Markup(work.inline_svg(svg, "Recommended org chart with each seat tagged new, changed or kept")),
    )
    return view


async def post(site: Site, request: Request) -> Response:
    """``POST /compare``: a team file; on to the comparison's link, or the form with what to fix."""
    return await with_upload(site, request, _post)


async def _post(site: Site, request: Request, data: Any) -> Response:
    pairs = [(k, v) for k, v in data.multi_items() if isinstance(v, str)]
    form = site.read(pairs, skip=("team",))
    upload = data.get("team")
    name = safe_name(getattr(upload, "filename", None) or "")
    if not name:
        form.errors["team"] = "choose your current team's file (.xlsx or .csv) to upload"
    elif Path(name).suffix.lower() not in TEAM_TYPES:
        form.errors["team"] = f"{name}: expected a .xlsx or .csv team file, got {Path(name).suffix or 'no extension'}"
    content = await upload.read() if name and "team" not in form.errors else b""
    if len(content) > UPLOAD_LIMIT:
        return too_large(site, request)
    if "team" not in form.errors:
        try:
            await site.run_heavy(site.team, work.TeamStore.key_of(name, content), (name, content))
        except TeamFileError as exc:
            form.errors["team"] = str(exc)
    if form.errors:
        view = await site.run_light([form], compare_view, site, form, None, "")
        if view is None:
            return site.form_page(request, form)
        return site.page(request, "compare.html", status=400, form=form, tab="compare", **view)
    visitor, new = visitor_of(request)
    key = site.teams.put(name, content, visitor=visitor)
    response = RedirectResponse(f"/compare?{query_string(form, team=key)}", status_code=303)
    return keep_visitor(response, visitor) if new else response


async def gap_file(site: Site, suffix: str, request: Request) -> Response:
    """``GET /compare.xlsx`` (the staffing plan with the comparison) or ``/gap-chart.svg|png``."""
    from orgplan.planning.gap import compare

    form = site.read(request.query_params.multi_items(), skip=("team",))
    key = request.query_params.get("team", "")
    held = site.teams.get(key)
    if held is None:
        form.errors["team"] = _GONE

    def make() -> bytes | None:
        result = site.plan_for(form)
        if result is None or held is None:
            return None
        gap = compare(site.team(key, held), result)
        qs = query_string(form, team=key)
        if suffix == ".xlsx":
            return site.remember(
                ("gap", qs, suffix), lambda: work.workbook_bytes(result, comparison=gap, marks=gap.marks)
            )
        folded, _ = work.fit_chart(result, work.ChartRequest(), work.FULL_CHART_SEATS, work.FULL_CHART_WIDEST)
        return site.remember(
            ("gap", qs, folded, suffix), lambda: work.chart_bytes(result, suffix, folded, marks=gap.marks)
        )

    data = await site.run_heavy(make)
    if data is None:
        if held is None and "team" in form.errors and not set(form.errors) - {"team"}:
            view = await site.run_light([form], compare_view, site, form, None, "")
            return site.page(request, "compare.html", status=410, form=form, tab="compare", **(view or {}))
        return site.form_page(request, form)
    name = company_file(form.value("company"), "staffing-plan.xlsx" if suffix == ".xlsx" else f"orgchart-gap{suffix}")
    return Response(data, media_type=work.MEDIA_TYPES[suffix], headers=attachment(name, inline=suffix == ".svg"))
