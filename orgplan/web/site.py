"""What every page of one app shares: the knowledge, the form fields, the page templates and small caches.

The pages (``profile_page``, ``plan_page``, ``downloads``, ``job_pages``, ``roadmap_pages``,
``compare_pages``, ``scenarios_page``) are functions that take the :class:`Site` first.

>>> from orgplan import load_templates
>>> from orgplan.web.forms import Form
>>> site = Site(load_templates())
>>> site.plan_for(Form(values={"employees": "300"})).profile.employees
300
>>> form = Form(values={"employees": "-4"})
>>> site.plan_for(form) is None, form.errors
(True, {'employees': 'expected a whole number from 1 to 5,000,000, got -4'})
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse

from orgplan.core.limits import limit
from orgplan.web import work
from orgplan.web.formatting import FILTERS
from orgplan.web.forms import GENERAL, Field, Form, check, profile_fields, query_string, read_form, sections

if TYPE_CHECKING:
    from orgplan.knowledge.templates import Templates
    from orgplan.model.plan import Plan
    from orgplan.reading.team import Team

__all__ = ["Site", "HERE"]

HERE = Path(__file__).resolve().parent
_PLANS = 16  # plans kept, the latest first
_TEAM_SEATS = 60_000  # seats of the uploaded teams kept read (a 50,000-seat team is about 60 MB read)
LIGHT_EMPLOYEES = 100_000  # a plan this large is made and shown in a fraction of a second; larger ones are heavy work


class Site:
    """One app's knowledge, form fields, page templates and caches of plans and made files."""

    def __init__(self, knowledge: Templates):
        self.knowledge = knowledge
        self.fields: tuple[Field, ...] = profile_fields(knowledge)
        self.by_key = {f.key: f for f in self.fields}
        self.teams = work.TeamStore(
            per_visitor=int(limit("web.uploads_per_visitor").value), total=int(limit("web.uploads_held_bytes").value)
        )
        self.heavy = work.HeavyWork(int(limit("web.heavy_workers").value), int(limit("web.heavy_queue").value))
        self._plans: OrderedDict[str, Plan] = OrderedDict()
        self._bytes: OrderedDict[Any, bytes] = OrderedDict()
        self._teams: OrderedDict[str, Team] = OrderedDict()
        self._lock = threading.Lock()
        self.env = _environment(self.fields)

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """The page template ``name`` rendered with ``context`` (an empty form unless given)."""
        context.setdefault("form", Form())
        form = context["form"]
        context.setdefault("qs", query_string(form))
        context.setdefault("tab", None)
        return HTMLResponse(self.env.get_template(name).render(request=request, **context), status_code=status)

    def form_page(self, request: Request, form: Form, status: int = 400, **context: Any) -> HTMLResponse:
        """The profile form again, with the errors of ``form`` beside its inputs."""
        return self.page(request, "form.html", status=status, form=form, **context)

    def read(self, pairs: Iterable[tuple[str, str]], skip: Iterable[str] = (), prefix: str = "") -> Form:
        """The form that query or form ``pairs`` describe (see :func:`orgplan.web.forms.read_form`)."""
        return read_form(pairs, self.fields, skip=skip, prefix=prefix)

    def plan_for(self, form: Form) -> Plan | None:
        """The plan the form describes (cached by its profile), or None with ``form.errors`` filled."""
        from orgplan.planning.planner import plan

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
            while len(self._plans) > _PLANS:
                self._plans.popitem(last=False)
        return result

    async def run_heavy(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in the bounded pool for heavy work (:class:`orgplan.web.work.Busy` when it is full)."""
        return await self.heavy.run(fn, *args)

    async def run_light(self, forms: Iterable[Form], fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` for a page that only plans: in Starlette's threads, unless one of ``forms``
        asks for a company above :data:`LIGHT_EMPLOYEES` (then in the heavy pool, as its plan and
        the page of its seats take seconds)."""
        if any(self._heavy_plan(form) for form in forms):
            return await self.heavy.run(fn, *args)
        return await run_in_threadpool(fn, *args)

    def _heavy_plan(self, form: Form) -> bool:
        text = str(form.values.get("employees") or "").replace(",", "").replace("_", "").strip()
        try:
            employees = float(text)
        except ValueError:
            return False
        return employees > LIGHT_EMPLOYEES

    def team(self, key: str, held: tuple[str, bytes]) -> Team:
        """The uploaded team ``key`` (``held``: its name and bytes) read, and kept for the next
        request about it; the teams kept hold at most :data:`_TEAM_SEATS` seats in all (the latest always)."""
        with self._lock:
            if key in self._teams:
                self._teams.move_to_end(key)
                return self._teams[key]
        team = work.read_uploaded_team(held[0], held[1], self.knowledge)
        with self._lock:
            self._teams[key] = team
            while len(self._teams) > 4 or (
                len(self._teams) > 1 and sum(len(t.seats) for t in self._teams.values()) > _TEAM_SEATS
            ):
                self._teams.popitem(last=False)
        return team

    def remember(self, key: Any, make: Callable[[], bytes]) -> bytes:
        """``make()``'s bytes, kept under ``key`` for the next request that asks the same."""
        return work.cached(self._bytes, self._lock, key, make)


def _environment(fields: tuple[Field, ...]) -> Environment:
    """The Jinja environment of the page templates, with the filters and the form's fields."""
    from orgplan import __version__

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    labels = {f.key: f.label for f in fields} | {
        "profile_file": "Profile file",
        "team": "Team file",
        "to": "Target size",
    }
    env.globals.update(version=__version__, GENERAL=GENERAL, sections=sections(fields), fields=fields, labels=labels)
    return env
