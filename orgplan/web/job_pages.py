"""The job description of one role of the plan: ``GET /job?...&role=KEY`` and the Word document ``/job.docx``.

A role the plan does not have is a 404 page that lists the roles it has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from orgplan.web import work
from orgplan.web.downloads import attachment
from orgplan.web.forms import Form, query_string

if TYPE_CHECKING:
    from orgplan.model.plan import Plan
    from orgplan.web.site import Site

__all__ = ["job"]


async def job(site: Site, suffix: str, request: Request) -> Response:
    """The job description of the query's ``role``: the page (``suffix`` '') or the Word document ('.docx')."""
    from orgplan.outputs.jobs import docx_bytes

    form = site.read(request.query_params.multi_items(), skip=("role",))
    key = request.query_params.get("role", "")
    made = await site.run_light([form], _job, site, form, key)
    if made is None:
        return site.form_page(request, form)
    result, jd = made
    if jd is None:
        return _no_such_role(site, request, form, result, key)
    if not suffix:
        return site.page(
            request, "job.html", form=form, tab="plan", plan=result, jd=jd, role_qs=query_string(form, role=key)
        )
    data = await site.run_heavy(site.remember, ("job", query_string(form), key), lambda: docx_bytes(jd))
    return Response(data, media_type=work.MEDIA_TYPES[suffix], headers=attachment(f"{jd.file}{suffix}"))


def _job(site: Site, form: Form, key: str) -> tuple[Plan, Any] | None:
    """The plan and the job description of its role or job ``key`` (a role key, or the job's
    file name: None when the plan has neither)."""
    from orgplan.outputs.jobs import job_descriptions

    result = site.plan_for(form)
    if result is None:
        return None
    found = job_descriptions(result)
    return result, next((jd for jd in found if jd.file == key), next((jd for jd in found if jd.role == key), None))


def _no_such_role(site: Site, request: Request, form: Form, result: Plan, key: str) -> Response:
    from orgplan.outputs.jobs import job_descriptions

    roles = ", ".join(jd.title for jd in job_descriptions(result))
    message = f"The plan for {result.profile.company} has no role {key!r}" if key else "Name a role with role=KEY"
    return site.page(
        request,
        "problem.html",
        status=404,
        form=form,
        tab="plan",
        title="No such role in this plan",
        message=f"{message}; its roles are: {roles}.",
    )
