"""How the team grows: ``GET /roadmap?...&to=N`` and its files ``/roadmap.xlsx|svg|png``.

The target is at most ``web.roadmap_employees`` (see ``templates/limits.yaml``); the command
line draws larger ones. Without ``to`` the target is the size the company's growth rate reaches
in three years, and at least double today's size, so the roadmap shows the next size band.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from orgplan.core.figures import figures
from orgplan.core.limits import limit
from orgplan.web import work
from orgplan.web.downloads import attachment
from orgplan.web.formatting import company_file
from orgplan.web.forms import Form, check, query_string

if TYPE_CHECKING:
    from orgplan.model.profile import Profile
    from orgplan.planning.growth import Roadmap
    from orgplan.web.site import Site

__all__ = ["show", "roadmap_file", "target"]

# The totals the table of sizes shows, headed by the registry's labels for narrow columns.
_SHOWN = ("employees", "hr_headcount", "hr_fte", "hr_per_100", "layers", "annual_cost")
_COLUMNS = {f.key: f.narrow for f in figures(*_SHOWN)}
_EVENTS = {
    "today": "There at the start",
    "first": "First seat",
    "again": "Back again",
    "last": "Last seat goes",
    "bought": "Bought in at the start",
    "buy": "Buy in",
    "bring_in": "Bring in house",
}


def target(site: Site, form: Form, request: Request) -> tuple[Any, int | None]:
    """The plan's profile and the target size; the target's error goes on ``form.errors['to']``."""
    from orgplan.planning.growth import roadmap_target

    checked = check(form, site.knowledge, site.fields)
    if checked.profile is None:
        return None, None
    profile = checked.profile
    text = (request.query_params.get("to") or "").strip().replace(",", "").replace("_", "")
    top = site.by_key["employees"].high if "employees" in site.by_key else None
    size: int | None
    if not text:
        size = min(roadmap_target(profile), max(int(limit("web.roadmap_employees").value), profile.employees + 1))
    else:
        try:
            size = int(float(text)) if float(text).is_integer() else None
        except ValueError:
            size = None
        if size is None:
            form.errors["to"] = f"expected a whole number of employees, got {request.query_params.get('to')!r}"
            return profile, None
    if size <= profile.employees:
        form.errors["to"] = (
            f"{size:,} is not larger than the company's {profile.employees:,} employees; enter a larger target"
        )
        return profile, None
    if top is not None and size > top:
        form.errors["to"] = f"expected a whole number up to {top:,}, got {size:,}"
        return profile, None
    most = limit("web.roadmap_employees")
    if size > most.value:
        form.errors["to"] = (
            f"the page draws roadmaps up to {most.describe()}, got {size:,}; "
            f"for a larger target use the command line: orgplan roadmap PROFILE --to {size}"
        )
        return profile, None
    return profile, size


def _roadmap(site: Site, profile: Profile, size: int) -> Roadmap:
    from orgplan.planning.growth import default_sizes, roadmap

    return roadmap(profile, default_sizes(profile.employees, size), templates=site.knowledge)


async def show(site: Site, request: Request) -> Response:
    """``GET /roadmap``: the milestones and the chart of HR staff and cost against company size."""
    form = site.read(request.query_params.multi_items(), skip=("to",))

    def make() -> dict[str, Any] | None:
        profile, size = target(site, form, request)
        if profile is None:
            return None
        view: dict[str, Any] = {
            "company": profile.company,
            "employees": profile.employees,
            "to": request.query_params.get("to", ""),
            "growth": profile.growth_rate,
        }
        if size is None:
            return view
        r = _roadmap(site, profile, size)
        qs = query_string(form, to=size)
        svg = site.remember(("roadmap", qs, ".svg"), lambda: work.roadmap_chart_bytes(r, ".svg"))
        view.update(
            to=size,
            qs_to=qs,
            r=r,
            columns=_COLUMNS,
            chart_svg=Markup(work.inline_svg(svg, f"HR staff and cost against company size for {profile.company}")),
            milestones=[
                {
                    "employees": m.employees,
                    "event": _EVENTS.get(m.event, m.event),
                    "title": m.title,
                    "reason": m.reason,
                }
                for m in r.milestones
            ],
        )
        return view

    view = await site.run_heavy(make)
    if view is None:
        return site.form_page(request, form)
    return site.page(
        request, "roadmap.html", status=400 if "to" in form.errors else 200, form=form, tab="roadmap", **view
    )


async def roadmap_file(site: Site, suffix: str, request: Request) -> Response:
    """``GET /roadmap.xlsx|svg|png``: the roadmap's workbook or chart."""
    form = site.read(request.query_params.multi_items(), skip=("to",))

    def make() -> bytes | None:
        profile, size = target(site, form, request)
        if size is None:
            return None
        qs = query_string(form, to=size)
        r = _roadmap(site, profile, size)
        if suffix == ".xlsx":
            return site.remember(("roadmap", qs, suffix), lambda: work.roadmap_workbook_bytes(r))
        return site.remember(("roadmap", qs, suffix), lambda: work.roadmap_chart_bytes(r, suffix))

    data = await site.run_heavy(make)
    if data is None:
        return site.form_page(request, form)
    return Response(
        data,
        media_type=work.MEDIA_TYPES[suffix],
        headers=attachment(company_file(form.value("company"), f"roadmap{suffix}"), inline=suffix == ".svg"),
    )
