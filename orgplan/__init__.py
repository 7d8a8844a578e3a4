"""orgplan: recommend the HR department a company should have.

>>> import orgplan
>>> p = orgplan.plan(orgplan.profile_from_dict({"company": "Acme", "employees": 400}))
>>> p.summary["hr_headcount"] > 1
True

Every command of the ``orgplan`` command line has a function of the same name here
(``orgplan.chart``, ``orgplan.batch``, ...; ``orgplan import`` is ``orgplan.read_team``)
that takes the command's options as arguments.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Plan",
    "Position",
    "Profile",
    "OrgplanError",
    "ProfileError",
    "RuleError",
    "TemplateError",
    "TeamFileError",
    "OptionError",
    "PlanError",
    "load_profile",
    "profile_from_dict",
    "load_templates",
    "plan",
    "explain",
    "render_chart",
    "draw_chart",
    "export_excel",
    "read_team",
    "compare",
    "roadmap",
    "plan_many",
    "read_companies",
    "plan_portfolio",
    "job_descriptions",
    "write_jobs",
    # the twins of the commands that have no function above (orgplan.api)
    "validate",
    "rules",
    "chart",
    "export",
    "jobs",
    "batch",
    "sensitivity",
    "serve",
]

__version__ = "0.1.0"

_LAZY = {
    "Plan": "model.plan",
    "Position": "model.plan",
    "Profile": "model.profile",
    "load_profile": "model.profile",
    "profile_from_dict": "model.profile",
    "load_templates": "knowledge.templates",
    "plan": "planning.planner",
    "explain": "planning.explanation",
    "render_chart": "outputs.charts.org_chart",
    "draw_chart": "outputs.charts.org_chart",
    "export_excel": "outputs.workbook.staffing",
    "read_team": "reading.team",
    "compare": "planning.gap",
    "roadmap": "planning.growth",
    "plan_many": "portfolio.batch",
    "read_companies": "reading.companies",
    "plan_portfolio": "portfolio.portfolio",
    "job_descriptions": "outputs.jobs",
    "write_jobs": "outputs.jobs",
    **dict.fromkeys(("validate", "rules", "chart", "export", "jobs", "batch", "sensitivity", "serve"), "api"),
}

from orgplan.errors import OptionError, OrgplanError, PlanError, ProfileError, RuleError, TeamFileError, TemplateError  # noqa: E402


def __getattr__(name: str) -> Any:
    """Import the heavier modules only when their names are first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'orgplan' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
