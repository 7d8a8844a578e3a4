"""The web page for business leaders, served by ``orgplan serve``.

A thin layer over the Python API, like the CLI: each page reads the profile from its
query string (form inputs are named after the profile keys), calls the library in a
worker thread and shows the result. Every result page is a GET link that carries the
profile, so a leader can send it to a colleague.

Routes:

- ``GET /`` - the profile form (prefilled from the query); ``POST /upload`` - a profile file
- ``GET /plan`` - the recommendation; ``/plan.json``, ``/plan.xlsx``, ``/chart.svg|png|pdf``
- ``GET /job?...&role=KEY`` - the job description of one role; ``/job.docx?...&role=KEY``, ``/jobs.zip`` (every role)
- ``GET /roadmap?...&to=N`` - how the team grows; ``/roadmap.xlsx``, ``/roadmap.svg|png``
- ``GET|POST /compare`` - the current team against the plan; ``/compare.xlsx``, ``/gap-chart.svg|png``
- ``GET /scenarios?...&a.KEY=...&b.KEY=...`` - two sets of overrides side by side

>>> from starlette.testclient import TestClient
>>> client = TestClient(create_app(warm=False))
>>> client.get("/plan.json", params={"employees": 400}).json()["summary"]["employees"]
400
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive

from orgplan.catalog import OUTSIDE_HR
from orgplan.errors import OrgplanError, ProfileError, TeamFileError

from . import work
from .forms import GENERAL, Field, Form, check, form_from_data, profile_fields, query_string, read_form, sections

if TYPE_CHECKING:
    from orgplan import Plan
    from orgplan.templates import Templates

__all__ = ["create_app", "UPLOAD_LIMIT"]

UPLOAD_LIMIT = 5_000_000  # bytes in one uploaded file; more is answered 413
_BODY_LIMIT = UPLOAD_LIMIT + 256_000  # the file plus the profile fields beside it
HERE = Path(__file__).resolve().parent
TEAM_TYPES = (".xlsx", ".csv")
PROFILE_TYPES = (".yaml", ".yml", ".json")
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
}
_STATUS_WORDS = {
    "within": "Within the published range",
    "above": "Above the published range",
    "below": "Below the published range",
}
_STATUS_SHORT = {"within": "Within range", "above": "Above range", "below": "Below range"}
_EVENTS = {"today": "There at the start", "first": "First seat", "again": "Back again", "last": "Last seat goes"}
_SEAT_ROWS = 400  # grouped rows of the seats table on the page; the workbook has every seat


class TooLarge(Exception):
    """A request body over the upload limit."""


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that raises :class:`TooLarge` once more than ``limit`` body bytes arrive."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge
        return message

    return wrapped


def _fmt(value: Any) -> str:
    """A figure for a reader: thousands separated, no needless decimals.

    >>> _fmt(1234567.0), _fmt(0.055), _fmt(109.5), _fmt(14.0), _fmt({"a_b": 2})
    ('1,234,567', '0.055', '109.5', '14', 'A b: 2')
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        digits = 4 if abs(value) < 10 else 2
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    if isinstance(value, Mapping):
        return "; ".join(f"{_label(k)}: {_fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value)
    return "" if value is None else str(value)


def _dec2(value: Any) -> str:
    """A ratio with two decimals (HR staff per 100 employees)."""
    return f"{value:.2f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else _fmt(value)


def _label(key: Any) -> str:
    return str(key).replace("_", " ").capitalize()


def _money(amount: Any) -> str:
    from orgplan.report import money

    return money(float(amount)) if isinstance(amount, (int, float)) else _fmt(amount)


class _Site:
    """The pages: one instance per app, holding the knowledge, the form fields and small caches."""

    def __init__(self, knowledge: Templates):
        self.knowledge = knowledge
        self.fields: tuple[Field, ...] = profile_fields(knowledge)
        self.by_key = {f.key: f for f in self.fields}
        self.teams = work.TeamStore()
        self._plans: OrderedDict[str, Plan] = OrderedDict()
        self._bytes: OrderedDict[Any, bytes] = OrderedDict()
        self._lock = threading.Lock()
        from orgplan import __version__

        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(fmt=_fmt, money=_money, label=_label, dec2=_dec2)
        labels = {f.key: f.label for f in self.fields} | {
            "profile_file": "Profile file",
            "team": "Team file",
            "to": "Target size",
        }
        self.env.globals.update(
            version=__version__, GENERAL=GENERAL, sections=sections(self.fields), fields=self.fields, labels=labels
        )

    # -- helpers ---------------------------------------------------------------------------

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("form", Form())
        form = context["form"]
        context.setdefault("qs", query_string(form))
        context.setdefault("tab", None)
        return HTMLResponse(self.env.get_template(name).render(request=request, **context), status_code=status)

    def read(self, pairs: Iterable[tuple[str, str]], skip: Iterable[str] = (), prefix: str = "") -> Form:
        return read_form(pairs, self.fields, skip=skip, prefix=prefix)

    def plan_for(self, form: Form) -> Plan | None:
        """The plan the form describes (cached by its profile), or None with ``form.errors`` filled."""
        from orgplan import plan

        checked = check(form, self.knowledge, self.fields)
        if checked.profile is None:
            return None
        key = json.dumps(checked.data, sort_keys=True, default=str)
        with self._lock:
            if key in self._plans:
                self._plans.move_to_end(key)
                return self._plans[key]
        result = plan(checked.profile, templates=self.knowledge)
        with self._lock:
            self._plans[key] = result
            while len(self._plans) > 16:
                self._plans.popitem(last=False)
        return result

    def remember(self, key: Any, make: Callable[[], bytes]) -> bytes:
        return work.cached(self._bytes, self._lock, key, make)

    def form_page(self, request: Request, form: Form, status: int = 400, **context: Any) -> HTMLResponse:
        return self.page(request, "form.html", status=status, form=form, **context)

    # -- the form --------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        form = self.read(request.query_params.multi_items())
        return self.page(request, "form.html", form=form)

    async def upload(self, request: Request) -> Response:
        return await self._with_upload(request, self._upload)

    async def _upload(self, request: Request, data: Any) -> Response:
        upload = data.get("profile")
        form = Form()
        name = getattr(upload, "filename", None) or ""
        if not name:
            form.errors["profile_file"] = "choose a profile file (.yaml or .json) to upload"
            return self.form_page(request, form)
        content = await upload.read()
        if len(content) > UPLOAD_LIMIT:
            return self._too_large(request)
        try:
            raw = await run_in_threadpool(_read_profile_file, name, content)
        except ProfileError as exc:
            form.errors["profile_file"] = str(exc)
            return self.form_page(request, form)
        if not isinstance(raw, Mapping):
            what = "empty" if raw is None else f"a {type(raw).__name__}"
            form.errors["profile_file"] = f"{_safe_name(name)}: the profile is {what}; it needs at least 'employees'"
            return self.form_page(request, form)
        form = form_from_data(raw, self.fields)
        checked = await run_in_threadpool(check, form, self.knowledge, self.fields)
        if checked.profile is None:
            form.errors.setdefault("profile_file", f"{_safe_name(name)} was read; fix the fields marked below")
            return self.form_page(request, form)
        return RedirectResponse(f"/plan?{query_string(form)}", status_code=303)

    # -- the recommendation ----------------------------------------------------------------

    async def plan_page(self, request: Request) -> Response:
        form = self.read(request.query_params.multi_items(), skip=work.CHART_PARAMS)
        chart, chart_errors = work.chart_request(request.query_params)
        view = await run_in_threadpool(self._plan_view, form, chart)
        if view is None:
            return self.form_page(request, form)
        if chart_errors:
            view["chart_errors"] = chart_errors
        return self.page(request, "plan.html", form=form, tab="plan", **view)

    def _plan_view(self, form: Form, chart: work.ChartRequest) -> dict[str, Any] | None:
        result = self.plan_for(form)
        if result is None:
            return None
        folded, note = work.fit_chart(result, chart, work.PAGE_CHART_SEATS, work.PAGE_CHART_WIDEST)
        qs = query_string(form)
        svg = self.remember(("chart", qs, folded, ".svg"), lambda: work.chart_bytes(result, ".svg", folded))
        data = result.to_dict()
        return {
            "plan": result,
            "summary": self._summary(data["summary"], data["positions"]),
            "chart_svg": Markup(
                work.inline_svg(svg, f"Org chart of the recommended HR team for {result.profile.company}")
            ),
            "chart_note": note,
            "chart_qs": query_string(form, **_chart_params(chart)),
            "branches": [
                {"title": t, "seats": n, "qs": query_string(form, **_chart_params(chart, root=False), root=i)}
                for i, t, n in work.branches(result, chart.root)
            ]
            if note or chart.root
            else [],
            "branch": _branch_title(result, chart.root),
            "whole_qs": query_string(form, **_chart_params(chart, root=False)),
            "seats": self._seat_rows(data["positions"]),
            "inputs": self._inputs(result, data["profile"]),
            "notes": list(getattr(result.profile, "notes", ())),
        }

    def _summary(self, s: Mapping[str, Any], positions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        labels = {k: f.label for k, f in self.knowledge.families.items()}
        families = ", ".join(f"{labels.get(f, f)} {n:,}" for f, n in (s.get("seats_by_family") or {}).items() if n)
        model = s.get("operating_model")
        if isinstance(model, str):
            model = {"label": model, "why": ""}
        titles = {p["id"]: p["title"] for p in positions or ()}
        ledger = [
            {
                "function": self.knowledge.function_label(f),
                "demand": r.get("demand_fte"),
                "covered": r.get("covered_fte"),
                "seats": r.get("seats"),
                "owner": titles.get(r.get("owner") or "", "-"),
            }
            for f, r in (s.get("functions") or {}).items()
            if isinstance(r, Mapping)
        ]
        bench = s.get("benchmark_hr_per_100")
        benchmark = None
        value = s.get("hr_per_100")
        if isinstance(bench, Mapping):
            low, high = bench.get("low"), bench.get("high")
            status = bench.get("status")
            sentence = ""
            if isinstance(low, (int, float)) and isinstance(high, (int, float)) and isinstance(value, (int, float)):
                if status is None:
                    status = "below" if value < low else "above" if value > high else "within"
                sentence = (
                    f"{value:.2f} HR staff per 100 employees against a published range of {low:g} to {high:g} "
                    "for companies of this size."
                )
            reasons = [
                r
                if isinstance(r, str)
                else (r.get("reason") or r.get("text") or _fmt(r))
                if isinstance(r, Mapping)
                else _fmt(r)
                for r in bench.get("reasons") or ()
            ]
            headline = _STATUS_WORDS.get(str(status), _label(status) if status else "Published range")
            benchmark = {
                "status": str(status or ""),
                "headline": headline,
                "short": _STATUS_SHORT.get(str(status), headline),
                "sentence": sentence,
                "reasons": reasons,
                "source": bench.get("source", ""),
            }
        extra = [(_label(k), v) for k, v in s.items() if k not in _SUMMARY_KEYS]
        return {"s": s, "families": families, "benchmark": benchmark, "extra": extra, "model": model, "ledger": ledger}

    def _seat_rows(self, positions: list[dict[str, Any]]) -> dict[str, Any]:
        titles = {p["id"]: p["title"] for p in positions}
        labels = {k: f.label for k, f in self.knowledge.functions.items()}
        hr = [p for p in positions if p.get("family") not in OUTSIDE_HR and p.get("reports_to") is not None]
        extras = [
            k
            for k in dict.fromkeys(k for p in positions for k in p)
            if k not in _SEAT_KEYS
            and all(not isinstance(p.get(k), (dict, list)) for p in positions)
            and any(p.get(k) not in (None, "") for p in hr)
        ]  # columns no HR seat fills stay off the page
        groups: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        for p in positions:
            if p.get("family") in OUTSIDE_HR or p.get("reports_to") is None:
                continue
            shown = {
                k: titles.get(p[k], p[k]) if k == "dotted_to" and p.get(k) else p.get(k) for k in extras
            }  # a dotted line by the title it points to
            key = (p["title"], p.get("reports_to") and titles.get(p["reports_to"], p["reports_to"]), *shown.values())
            row = groups.get(key)
            if row is None:
                row = groups[key] = {
                    "title": p["title"],
                    "role": p.get("role", ""),
                    "family": p.get("family", ""),
                    "reports_to": key[1] or "-",
                    "extra": [_fmt(v) for v in shown.values()],
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
        return {
            "rows": rows[:_SEAT_ROWS],
            "hidden": max(0, len(rows) - _SEAT_ROWS),
            "extra_headers": [_label(k) for k in extras],
        }

    def _inputs(self, result: Plan, profile: Mapping[str, Any]) -> list[dict[str, str | bool]]:
        given = set(getattr(result.profile, "given", {}) or {})
        labels = {k: f.label for k, f in self.knowledge.functions.items()}
        out: list[dict[str, str | bool]] = []
        for key, value in profile.items():
            field = self.by_key.get(key)
            if key == "functions":
                text = ", ".join(labels.get(f, f) for f in value)
            elif isinstance(value, list):
                text = "; ".join(
                    _fmt(v) if not isinstance(v, Mapping) else (str(v.get("name")) if "name" in v else _fmt(v))
                    for v in value
                )
            else:
                text = _fmt(value)
            wide = key == "functions" or isinstance(value, list)
            out.append(
                {
                    "label": field.label if field else _label(key),
                    "value": text,
                    "given": "yes" if key in given else "",
                    "wide": wide,
                }
            )
        return sorted(out, key=lambda i: i["wide"])

    async def plan_json(self, request: Request) -> Response:
        form = self.read(request.query_params.multi_items())
        result = await run_in_threadpool(self.plan_for, form)
        if result is None:
            return JSONResponse({"errors": form.errors}, status_code=400)
        return Response(result.json, media_type="application/json", headers=_download("plan.json"))

    def plan_file(self, name: str, make: Callable[[Plan], bytes]) -> Callable[[Request], Awaitable[Response]]:
        """An endpoint answering with the file ``name``, made by ``make`` from the query's
        plan (kept for the same profile)."""

        async def endpoint(request: Request) -> Response:
            form = self.read(request.query_params.multi_items())

            def build() -> bytes | None:
                result = self.plan_for(form)
                if result is None:
                    return None
                return self.remember((name, query_string(form)), lambda: make(result))

            data = await run_in_threadpool(build)
            if data is None:
                return self.form_page(request, form)
            return Response(data, media_type=work.MEDIA_TYPES[Path(name).suffix], headers=_download(name))

        return endpoint

    def chart_file(self, suffix: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            form = self.read(request.query_params.multi_items(), skip=work.CHART_PARAMS)
            chart, errors = work.chart_request(request.query_params)
            if errors:
                form.errors.update(errors)
                return self.form_page(request, form)

            def make() -> tuple[bytes, str | None] | None:
                result = self.plan_for(form)
                if result is None:
                    return None
                folded, note = work.fit_chart(result, chart, work.FULL_CHART_SEATS, work.FULL_CHART_WIDEST)
                extra = {"note": note} if note else {}
                return self.remember(
                    ("chart", query_string(form), folded, suffix),
                    lambda: work.chart_bytes(result, suffix, folded, **extra),
                ), note

            made = await run_in_threadpool(make)
            if made is None:
                return self.form_page(request, form)
            data, note = made
            headers = _download(f"orgchart{suffix}", inline=suffix == ".svg")
            if note:
                headers["X-Orgplan-Folded"] = note
            return Response(data, media_type=work.MEDIA_TYPES[suffix], headers=headers)

        return endpoint

    # -- job descriptions ------------------------------------------------------------------

    def _job(self, form: Form, key: str) -> tuple[Plan, Any] | None:
        """The plan and the job description of its role ``key`` (None when the plan has no such role)."""
        from orgplan.jobs import job_descriptions

        result = self.plan_for(form)
        if result is None:
            return None
        return result, next((jd for jd in job_descriptions(result) if jd.role == key), None)

    def _no_such_role(self, request: Request, form: Form, result: Plan, key: str) -> Response:
        from orgplan.jobs import job_descriptions

        roles = ", ".join(f"{jd.title} ({jd.role})" for jd in job_descriptions(result))
        message = f"The plan for {result.profile.company} has no role {key!r}" if key else "Name a role with role=KEY"
        return self.page(
            request,
            "problem.html",
            status=404,
            form=form,
            tab="plan",
            title="No such role in this plan",
            message=f"{message}; its roles are: {roles}.",
        )

    def job_file(self, suffix: str) -> Callable[[Request], Awaitable[Response]]:
        """The job description of the query's ``role``: the page (``suffix`` '') or the Word document ('.docx')."""
        from orgplan.jobs import docx_bytes

        async def endpoint(request: Request) -> Response:
            form = self.read(request.query_params.multi_items(), skip=("role",))
            key = request.query_params.get("role", "")
            made = await run_in_threadpool(self._job, form, key)
            if made is None:
                return self.form_page(request, form)
            result, jd = made
            if jd is None:
                return self._no_such_role(request, form, result, key)
            if not suffix:
                return self.page(
                    request, "job.html", form=form, tab="plan", plan=result, jd=jd, role_qs=query_string(form, role=key)
                )
            data = await run_in_threadpool(self.remember, ("job", query_string(form), key), lambda: docx_bytes(jd))
            return Response(data, media_type=work.MEDIA_TYPES[suffix], headers=_download(f"{key}{suffix}"))

        return endpoint

    # -- the roadmap -----------------------------------------------------------------------

    def _target(self, form: Form, request: Request) -> tuple[Any, int | None]:
        """The plan's profile and the target size; the target's error goes on ``form.errors['to']``."""
        from orgplan.growth import default_target

        checked = check(form, self.knowledge, self.fields)
        if checked.profile is None:
            return None, None
        profile = checked.profile
        text = (request.query_params.get("to") or "").strip().replace(",", "").replace("_", "")
        top = self.by_key["employees"].high if "employees" in self.by_key else None
        target: int | None
        if not text:
            target = default_target(profile)
            if target <= profile.employees:  # no growth to speak of: show a doubling
                target = profile.employees * 2
        else:
            try:
                target = int(float(text)) if float(text).is_integer() else None
            except ValueError:
                target = None
            if target is None:
                form.errors["to"] = f"expected a whole number of employees, got {request.query_params.get('to')!r}"
                return profile, None
        if target <= profile.employees:
            form.errors["to"] = (
                f"{target:,} is not larger than the company's {profile.employees:,} employees; enter a larger target"
            )
            return profile, None
        if top is not None and target > top:
            form.errors["to"] = f"expected a whole number up to {top:,}, got {target:,}"
            return profile, None
        return profile, target

    def _roadmap(self, profile: Any, target: int) -> Any:
        from orgplan.growth import default_sizes, roadmap

        return roadmap(profile, default_sizes(profile.employees, target), templates=self.knowledge)

    async def roadmap_page(self, request: Request) -> Response:
        form = self.read(request.query_params.multi_items(), skip=("to",))

        def make() -> dict[str, Any] | None:
            profile, target = self._target(form, request)
            if profile is None:
                return None
            view: dict[str, Any] = {
                "company": profile.company,
                "employees": profile.employees,
                "to": request.query_params.get("to", ""),
                "growth": profile.growth_rate,
            }
            if target is None:
                return view
            r = self._roadmap(profile, target)
            qs = query_string(form, to=target)
            svg = self.remember(("roadmap", qs, ".svg"), lambda: work.roadmap_chart_bytes(r, ".svg"))
            view.update(
                to=target,
                qs_to=qs,
                r=r,
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

        view = await run_in_threadpool(make)
        if view is None:
            return self.form_page(request, form)
        return self.page(
            request, "roadmap.html", status=400 if "to" in form.errors else 200, form=form, tab="roadmap", **view
        )

    def roadmap_file(self, suffix: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            form = self.read(request.query_params.multi_items(), skip=("to",))

            def make() -> bytes | None:
                profile, target = self._target(form, request)
                if target is None:
                    return None
                qs = query_string(form, to=target)
                r = self._roadmap(profile, target)
                if suffix == ".xlsx":
                    return self.remember(("roadmap", qs, suffix), lambda: work.roadmap_workbook_bytes(r))
                return self.remember(("roadmap", qs, suffix), lambda: work.roadmap_chart_bytes(r, suffix))

            data = await run_in_threadpool(make)
            if data is None:
                return self.form_page(request, form)
            return Response(
                data,
                media_type=work.MEDIA_TYPES[suffix],
                headers=_download(f"roadmap{suffix}", inline=suffix == ".svg"),
            )

        return endpoint

    # -- compare with the current team -----------------------------------------------------

    async def compare_page(self, request: Request) -> Response:
        form = self.read(request.query_params.multi_items(), skip=("team",))
        key = request.query_params.get("team", "")
        held = self.teams.get(key) if key else None
        if key and held is None:
            form.errors["team"] = (
                "this server no longer holds that team file (it keeps recent uploads while it runs); upload it again"
            )
        view = await run_in_threadpool(self._compare_view, form, held, key)
        if view is None:
            return self.form_page(request, form)
        status = 410 if key and held is None else 400 if "team" in form.errors else 200
        return self.page(request, "compare.html", status=status, form=form, tab="compare", **view)

    def _compare_view(self, form: Form, held: tuple[str, bytes] | None, key: str) -> dict[str, Any] | None:
        from orgplan.gap import compare

        result = self.plan_for(form)
        if result is None:
            return None
        view: dict[str, Any] = {"plan": result, "team_key": key}
        if held is None:
            return view
        name, content = held
        try:
            team = work.read_uploaded_team(name, content, self.knowledge)
        except TeamFileError as exc:
            form.errors["team"] = str(exc)
            return view
        gap = compare(team, result)
        qs = query_string(form, team=key)
        lost = [f"{m.current.title} ({m.current.id})" for m in gap.excess if m.current is not None]
        note = "Current seats with no place in this structure: " + (", ".join(lost) if lost else "none")
        folded, fold_note = work.fit_chart(result, work.ChartRequest(), work.PAGE_CHART_SEATS, work.PAGE_CHART_WIDEST)
        svg = self.remember(
            ("gap", qs, folded, ".svg"), lambda: work.chart_bytes(result, ".svg", folded, marks=gap.marks, note=note)
        )
        view.update(
            gap=self._gap_view(gap),
            team_name=name,
            qs_team=qs,
            chart_note=fold_note,
            chart_svg=Markup(work.inline_svg(svg, "Recommended org chart with each seat tagged new, changed or kept")),
        )
        return view

    def _gap_view(self, gap: Any) -> dict[str, Any]:
        sides = gap.summaries()
        plan = gap.plan
        rows = []
        for key, label, kind in (
            ("hr_headcount", "HR seats", "int"),
            ("hr_fte", "HR FTE", "fte"),
            ("hr_per_100", "HR staff per 100 employees", "ratio"),
            ("annual_cost", "Annual cost", "money"),
            ("layers", "Layers", "int"),
            ("widest_span", "Widest span", "int"),
        ):
            a, b = sides["current"][key], sides["recommended"][key]
            show = {
                "int": lambda x: f"{x:,.0f}",
                "fte": lambda x: f"{x:,.2f}",
                "ratio": lambda x: f"{x:.2f}",
                "money": _money,
            }[kind]
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

        labels = {k: f.label for k, f in self.knowledge.functions.items()}
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
                for m in gap.to_add
            ],
            "change": [
                {
                    "current": f"{m.current.title} ({m.current.id})",
                    "recommended": f"{m.recommended.title} ({m.recommended.id})",
                    "changes": list(m.changes),
                    "why": m.why,
                }
                for m in gap.changed
            ],
            "kept": [
                {"current": f"{m.current.title} ({m.current.id})", "recommended": m.recommended.id, "why": m.why}
                for m in gap.kept
            ],
            "excess": [{"current": f"{m.current.title} ({m.current.id})", "why": m.why} for m in gap.excess],
            "spans": [
                f"{s.title} ({s.id}) has {n} direct reports; the limit is {plan.profile.max_span}"
                for s, n in gap.spans_over
            ],
            "uncovered": [labels.get(f, f) for f in gap.uncovered],
            "cost_difference": ("+" if diff >= 0 else "-") + _money(abs(diff)),
            "estimated": gap.estimated_costs,
        }

    async def compare_post(self, request: Request) -> Response:
        return await self._with_upload(request, self._compare_post)

    async def _compare_post(self, request: Request, data: Any) -> Response:
        pairs = [(k, v) for k, v in data.multi_items() if isinstance(v, str)]
        form = self.read(pairs, skip=("team",))
        upload = data.get("team")
        name = _safe_name(getattr(upload, "filename", None) or "")
        if not name:
            form.errors["team"] = "choose your current team's file (.xlsx or .csv) to upload"
        elif Path(name).suffix.lower() not in TEAM_TYPES:
            form.errors["team"] = (
                f"{name}: expected a .xlsx or .csv team file, got {Path(name).suffix or 'no extension'}"
            )
        content = await upload.read() if name and "team" not in form.errors else b""
        if len(content) > UPLOAD_LIMIT:
            return self._too_large(request)
        if "team" not in form.errors:
            try:
                await run_in_threadpool(work.read_uploaded_team, name, content, self.knowledge)
            except TeamFileError as exc:
                form.errors["team"] = str(exc)
        if form.errors:
            view = await run_in_threadpool(self._compare_view, form, None, "")
            if view is None:
                return self.form_page(request, form)
            return self.page(request, "compare.html", status=400, form=form, tab="compare", **view)
        key = self.teams.put(name, content)
        return RedirectResponse(f"/compare?{query_string(form, team=key)}", status_code=303)

    def gap_file(self, suffix: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            from orgplan.gap import compare

            form = self.read(request.query_params.multi_items(), skip=("team",))
            key = request.query_params.get("team", "")
            held = self.teams.get(key)
            if held is None:
                form.errors["team"] = (
                    "this server no longer holds that team file (it keeps recent uploads while it runs); "
                    "upload it again"
                )

            def make() -> bytes | None:
                result = self.plan_for(form)
                if result is None or held is None:
                    return None
                team = work.read_uploaded_team(held[0], held[1], self.knowledge)
                gap = compare(team, result)
                qs = query_string(form, team=key)
                if suffix == ".xlsx":
                    return self.remember(
                        ("gap", qs, suffix), lambda: work.workbook_bytes(result, comparison=gap, marks=gap.marks)
                    )
                folded, _ = work.fit_chart(result, work.ChartRequest(), work.FULL_CHART_SEATS, work.FULL_CHART_WIDEST)
                return self.remember(
                    ("gap", qs, folded, suffix), lambda: work.chart_bytes(result, suffix, folded, marks=gap.marks)
                )

            data = await run_in_threadpool(make)
            if data is None:
                if held is None and "team" in form.errors and not set(form.errors) - {"team"}:
                    view = await run_in_threadpool(self._compare_view, form, None, "")
                    return self.page(request, "compare.html", status=410, form=form, tab="compare", **(view or {}))
                return self.form_page(request, form)
            name = "staffing-plan.xlsx" if suffix == ".xlsx" else f"orgchart-gap{suffix}"
            return Response(data, media_type=work.MEDIA_TYPES[suffix], headers=_download(name, inline=suffix == ".svg"))

        return endpoint

    # -- two scenarios ---------------------------------------------------------------------

    async def scenarios_page(self, request: Request) -> Response:
        pairs = request.query_params.multi_items()
        base = self.read(pairs, skip=("a.", "b."))
        sides = {p: self.read(pairs, prefix=f"{p}.") for p in ("a", "b")}
        view = await run_in_threadpool(self._scenarios_view, base, sides)
        if view is None:
            return self.form_page(request, base)
        status = 400 if any(k.startswith(("a.", "b.")) for k in base.errors) else 200
        return self.page(request, "scenarios.html", status=status, form=base, tab="scenarios", **view)

    def _scenarios_view(self, base: Form, sides: dict[str, Form]) -> dict[str, Any] | None:
        from orgplan.gap import compare
        from orgplan.growth import default_target

        checked = check(base, self.knowledge, self.fields)
        if checked.profile is None:
            return None
        if not any(s.values or s.rows for s in sides.values()):  # a first visit: today against three years of growth
            target = default_target(checked.profile)
            sides["b"].values["employees"] = str(
                target if target > checked.profile.employees else checked.profile.employees * 2
            )
        plans: dict[str, Any] = {}
        merged: dict[str, Form] = {}
        for name, side in sides.items():
            combined = Form(
                values={**base.values, **{k: v for k, v in side.values.items() if v not in ("", [])}},
                rows={**base.rows, **{k: v for k, v in side.rows.items() if v}},
            )
            merged[name] = combined
            result = self.plan_for(combined)
            if result is None:
                for key, message in combined.errors.items():
                    base.errors[f"{name}.{key}" if key != GENERAL else f"{name}."] = message
            plans[name] = result
        view: dict[str, Any] = {
            "sides": sides,
            "base_profile": checked.profile,
            "scalar_fields": [f for f in self.fields if f.kind != "functions"],
        }
        view["qs_sides"] = (
            query_string(base)
            + "&"
            + "&".join(query_string(sides[p], prefix=f"{p}.") for p in sides if query_string(sides[p]))
        )
        if plans["a"] is None or plans["b"] is None:
            return view
        gap = compare(plans["a"], plans["b"])
        rows = []
        for key, label, show in (
            ("employees", "Employees", lambda x: f"{x:,}"),
            ("hr_headcount", "HR seats", lambda x: f"{x:,}"),
            ("hr_fte", "HR FTE", lambda x: f"{x:,.2f}"),
            ("hr_per_100", "HR staff per 100 employees", lambda x: f"{x:.2f}"),
            ("annual_cost", "Annual cost", _money),
            ("layers", "Layers", lambda x: f"{x:,}"),
            ("widest_span", "Widest span", lambda x: f"{x:,}"),
        ):
            a, b = plans["a"].summary.get(key), plans["b"].summary.get(key)
            if isinstance(a, (int, float)) and isinstance(b, (int, float)):
                rows.append(
                    {
                        "label": label,
                        "a": show(a),
                        "b": show(b),
                        "difference": ("+" if b >= a else "-") + show(abs(b - a)),
                    }
                )
        view.update(plans=plans, rows=rows, gap=self._gap_view(gap), links={p: query_string(merged[p]) for p in merged})
        return view

    # -- shared ----------------------------------------------------------------------------

    async def _with_upload(self, request: Request, handle: Callable[[Request, Any], Awaitable[Response]]) -> Response:
        """Read the multipart body within the upload limit (413 beyond it), handle it, then close its files."""
        try:
            data = await self._multipart(request)
        except TooLarge:
            return self._too_large(request)
        try:
            return await handle(request, data)
        finally:
            await data.close()

    async def _multipart(self, request: Request) -> Any:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > _BODY_LIMIT:
            raise TooLarge
        limited = Request(request.scope, _limited(request.receive, _BODY_LIMIT))
        return await limited.form(max_files=2, max_fields=2000, max_part_size=_BODY_LIMIT)

    def _too_large(self, request: Request) -> Response:
        return self.page(
            request,
            "problem.html",
            status=413,
            title="That file is too large",
            message=(
                f"Uploads are limited to {UPLOAD_LIMIT / 1e6:g} MB. A team list or a profile is far smaller; "
                "check you picked the right file."
            ),
        )


def _read_profile_file(name: str, content: bytes) -> Any:
    """Parse an uploaded profile the way the CLI reads one; errors name the upload."""
    import tempfile

    from orgplan.files import read_data_file

    safe = _safe_name(name)
    suffix = Path(safe).suffix.lower()
    if suffix not in PROFILE_TYPES:
        raise ProfileError(f"expected a .yaml or .json profile, got {suffix or 'no extension'}", path=safe)
    with tempfile.TemporaryDirectory(prefix="orgplan-web-") as tmp:
        path = Path(tmp) / f"profile{suffix}"
        path.write_bytes(content)
        try:
            return read_data_file(path, ProfileError)
        except ProfileError as exc:
            raise ProfileError(exc.message, path=safe, where=exc.where) from None


def _safe_name(name: str) -> str:
    """The file name part of an upload's name, for messages (browsers may send a path)."""
    return Path(name.replace("\\", "/")).name[:200]


def _download(name: str, inline: bool = False) -> dict[str, str]:
    return {"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"'}


def _branch_title(result: Plan, root: str | None) -> str | None:
    """The title of the seat a chart is drawn from, when it is not the top."""
    if not root:
        return None
    try:
        return result.seat(root).title
    except KeyError:
        return root


def _chart_params(chart: work.ChartRequest, root: bool = True) -> dict[str, Any]:
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


class _Headers:
    """Security headers on every response: the page loads nothing from elsewhere."""

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in (
                    (b"content-security-policy", self.POLICY),
                    (b"x-content-type-options", "nosniff"),
                    (b"referrer-policy", "no-referrer"),
                    (b"x-frame-options", "DENY"),
                ):
                    if k not in names:
                        headers.append((k, v.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


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
    from orgplan import load_templates

    knowledge = load_templates(templates_dir, rules=rules)
    site = _Site(knowledge)

    async def not_found(request: Request, exc: Exception) -> Response:
        code = getattr(exc, "status_code", 404)
        title = "Page not found" if code == 404 else "That did not work"
        message = (
            "There is no page at this address."
            if code == 404
            else str(getattr(exc, "detail", "")) or "The request could not be handled."
        )
        return site.page(request, "problem.html", status=code, title=title, message=message)

    async def orgplan_error(request: Request, exc: Exception) -> Response:
        return site.page(
            request, "problem.html", status=400, title="orgplan could not use that input", message=str(exc)
        )

    async def server_error(request: Request, exc: Exception) -> Response:
        return site.page(
            request,
            "problem.html",
            status=500,
            title="Something went wrong",
            message="orgplan hit a problem it did not expect. The details are in the terminal that runs orgplan serve.",
        )

    routes = [
        Route("/", site.home),
        Route("/upload", site.upload, methods=["POST"]),
        Route("/plan", site.plan_page),
        Route("/plan.json", site.plan_json),
        Route("/plan.xlsx", site.plan_file("staffing-plan.xlsx", work.workbook_bytes)),
        *(Route(f"/chart{s}", site.chart_file(s)) for s in (".svg", ".png", ".pdf")),
        Route("/job", site.job_file("")),
        Route("/job.docx", site.job_file(".docx")),
        Route("/jobs.zip", site.plan_file("job-descriptions.zip", work.jobs_zip_bytes)),
        Route("/roadmap", site.roadmap_page),
        *(Route(f"/roadmap{s}", site.roadmap_file(s)) for s in (".xlsx", ".svg", ".png")),
        Route("/compare", site.compare_page, methods=["GET"]),
        Route("/compare", site.compare_post, methods=["POST"]),
        Route("/compare.xlsx", site.gap_file(".xlsx")),
        *(Route(f"/gap-chart{s}", site.gap_file(s)) for s in (".svg", ".png")),
        Route("/scenarios", site.scenarios_page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(_Headers)]
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
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: not_found, OrgplanError: orgplan_error, 500: server_error},
    )
    app.state.site = site
    return app


def _warm(site: _Site) -> None:
    """Plan and draw a small company once, so imports and caches are ready for the first leader."""
    try:
        result = site.plan_for(Form(values={"employees": "300"}))
        if result is not None:
            work.chart_bytes(result, ".svg", work.ChartRequest(levels=2))
    except Exception:  # warming is a courtesy; a real request reports any problem
        pass
