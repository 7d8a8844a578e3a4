"""The web page for business leaders, served by ``orgplan serve``.

A thin layer over the Python API, like the CLI: each page reads the profile from its
query string (form inputs are named after the profile keys), calls the library in a
worker thread and shows the result. Every result page is a GET link that carries the
profile, so a leader can send it to a colleague.

Routes:

- ``GET /`` - the profile form (prefilled from the query); ``POST /upload`` - a profile file
- ``GET /plan`` - the recommendation; ``/plan.json``, ``/plan.xlsx``, ``/chart.svg|png|pdf|pptx``
- ``GET /job?...&role=KEY`` - the job description of one role; ``/job.docx?...&role=KEY``, ``/jobs.zip`` (every role)
- ``GET /roadmap?...&to=N`` - how the team grows; ``/roadmap.xlsx``, ``/roadmap.svg|png``
- ``GET|POST /compare`` - the current team against the plan; ``/compare.xlsx``, ``/gap-chart.svg|png``
- ``GET /scenarios?...&a.KEY=...&b.KEY=...`` - two sets of overrides side by side

Each page is a function of the :class:`~orgplan.web.site.Site` (the knowledge, the form
fields, the page templates, the caches) and the request, in a module of its own:
``profile_page``, ``plan_page`` (its tables in ``plan_tables``), ``downloads``, ``job_pages``,
``roadmap_pages``, ``compare_pages`` (the comparison in ``gap_tables``) and
``scenarios_page``. ``uploads`` reads uploaded files within the limit, ``problems`` holds
the error pages and ``security`` the headers on every response and the refusal of requests
another website starts (a form it posts here, a chart in its image tags).

>>> from starlette.testclient import TestClient
>>> client = TestClient(create_app(warm=False))
>>> client.get("/plan.json", params={"employees": 400}).json()["summary"]["employees"]
400
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from orgplan.web import (
    compare_pages,
    downloads,
    job_pages,
    plan_page,
    profile_page,
    roadmap_pages,
    scenarios_page,
    work,
)
from orgplan.web.forms import Form
from orgplan.web.problems import exception_handlers
from orgplan.web.security import CrossSiteGuard, SecurityHeaders
from orgplan.web.site import HERE, Site
from orgplan.web.uploads import UPLOAD_LIMIT

__all__ = ["create_app", "UPLOAD_LIMIT"]


def create_app(
    *,
    rules: str | None = None,
    templates_dir: str | None = None,
    allowed_hosts: list[str] | None = None,
    warm: bool = True,
) -> Starlette:
    """The Starlette app of ``orgplan serve``.

    ``rules`` and ``templates_dir`` plan with another rule pack or knowledge folder, as
    ``--rules`` does on the command line. ``allowed_hosts`` limits the Host header (the
    CLI passes the loopback names when it binds 127.0.0.1). ``warm`` loads the knowledge
    and the chart library in the background at start-up, so the first page is quick.
    """
    from orgplan.knowledge.templates import load_templates

    knowledge = load_templates(templates_dir, rules=rules)
    site = Site(knowledge)
    middleware = [Middleware(SecurityHeaders), Middleware(CrossSiteGuard, refuse=partial(_cross_site, site))]
    if allowed_hosts:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))

    lifespan = None
    if warm:
        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def lifespan(app: Starlette) -> Any:
            threading.Thread(target=_warm, args=(site,), daemon=True, name="orgplan-warm").start()
            yield

    app = Starlette(
        routes=_routes(site),
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers=exception_handlers(site),
    )
    app.state.site = site
    return app


def _routes(site: Site) -> list[BaseRoute]:
    """Every page and download, each a function of the site and the request."""
    return [
        Route("/", partial(profile_page.home, site)),
        Route("/upload", partial(profile_page.upload, site), methods=["POST"]),
        Route("/plan", partial(plan_page.show, site)),
        Route("/plan.json", partial(downloads.plan_json, site)),
        Route("/plan.xlsx", partial(downloads.plan_file, site, "staffing-plan.xlsx", work.workbook_bytes)),
        *(Route(f"/chart{s}", partial(downloads.chart_file, site, s)) for s in (".svg", ".png", ".pdf", ".pptx")),
        Route("/job", partial(job_pages.job, site, "")),
        Route("/job.docx", partial(job_pages.job, site, ".docx")),
        Route("/jobs.zip", partial(downloads.plan_file, site, "job-descriptions.zip", work.jobs_zip_bytes)),
        Route("/roadmap", partial(roadmap_pages.show, site)),
        *(Route(f"/roadmap{s}", partial(roadmap_pages.roadmap_file, site, s)) for s in (".xlsx", ".svg", ".png")),
        Route("/compare", partial(compare_pages.show, site), methods=["GET"]),
        Route("/compare", partial(compare_pages.post, site), methods=["POST"]),
        Route("/compare.xlsx", partial(compare_pages.gap_file, site, ".xlsx")),
        *(Route(f"/gap-chart{s}", partial(compare_pages.gap_file, site, s)) for s in (".svg", ".png")),
        Route("/scenarios", partial(scenarios_page.show, site)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


def _cross_site(site: Site, request: Request, why: str) -> Response:
    """The page for a request another website started (403)."""
    return site.page(
        request,
        "problem.html",
        status=403,
        title="Refused: a request from another website",
        message=(
            f"This request came from {why}. orgplan takes files and draws charts only for its own page, so "
            "another website cannot upload or draw in your name. Open orgplan's page and use it there."
        ),
    )


def _warm(site: Site) -> None:
    """Plan and draw a small company once, so imports and caches are ready for the first leader."""
    try:
        result = site.plan_for(Form(values={"employees": "300"}))
        if result is not None:
            work.chart_bytes(result, ".svg", work.ChartRequest(levels=2))
    except Exception:  # warming is a courtesy; a real request reports any problem
        pass
