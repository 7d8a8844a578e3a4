"""orgplan's commands as Python functions: ``orgplan.chart(...)`` does what ``orgplan chart`` does.

Each function takes the command's arguments and options as arguments of the same names
(``sets`` for the ``--set`` values, ``rules`` for ``--rules``, ``output`` for ``-o``) and
returns what it wrote or computed; the command line only prints it. A ``profile`` is a
path to a YAML or JSON profile, a mapping of profile keys, or a :class:`~orgplan.model.profile.Profile`
(None: the bundled starter company). ``orgplan plan``, ``explain``, ``compare``,
``roadmap`` and ``import`` have their twins elsewhere: :func:`orgplan.plan`,
:func:`orgplan.explain`, :func:`orgplan.compare`, :func:`orgplan.roadmap` and
:func:`orgplan.read_team`.

>>> import orgplan, tempfile
>>> orgplan.validate({"employees": 300}).max_span
8
>>> orgplan.jobs({"company": "Acme", "employees": 60}, tempfile.mkdtemp(), formats="md")[0].name
'hr-generalist.md'
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Union

if TYPE_CHECKING:
    from orgplan.knowledge.rules import RulePack
    from orgplan.knowledge.templates import Templates
    from orgplan.model.profile import Profile
    from orgplan.portfolio.portfolio import Portfolio
    from orgplan.portfolio.sensitivity import Sensitivity

__all__ = [
    "Outcome",
    "RuleCheck",
    "Progress",
    "profile_and_templates",
    "validate",
    "rules",
    "chart",
    "export",
    "jobs",
    "batch",
    "sensitivity",
    "serve",
]

PathLike = str | os.PathLike[str]
ProfileSource = Union[str, os.PathLike[str], Mapping[str, Any], "Profile", None]
Progress = Callable[[int], contextlib.AbstractContextManager[Callable[[int], None]]]
"""Progress of a long command: called with the number of steps, it gives a context in which
each call of the function it yields says that so many more steps are done (the command line
passes a progress bar)."""

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a command computed (``result``) and the files it wrote, in order."""

    result: T
    files: tuple[Path, ...]


@dataclass(frozen=True)
class RuleCheck:
    """A rule pack, validated, and every rule example that does not hold (none: the pack is sound)."""

    pack: RulePack
    failures: tuple[str, ...]

    @property
    def examples(self) -> int:
        """How many examples the pack's rules give."""
        return sum(len(r.fires_for) + len(r.quiet_for) for r in self.pack.rules)


def profile_and_templates(
    profile: ProfileSource, rules: PathLike | None = None, sets: Sequence[str] = (), budget: str | float | None = None
) -> tuple[Profile, Templates]:
    """The profile (default: the bundled starter company) with any ``KEY=VALUE`` overrides and a ``budget``
    (``1200000``, ``"$1.2M"``, ``"850k"``; it replaces the profile's own), and the knowledge."""
    from orgplan.knowledge.templates import load_templates, templates_dir
    from orgplan.model.profile import Profile, apply_overrides, load_profile, profile_from_dict

    templates = load_templates(rules=rules)
    if isinstance(profile, Profile):
        loaded = profile
    elif isinstance(profile, Mapping):
        loaded = profile_from_dict(profile, templates=templates)
    else:
        loaded = load_profile(profile if profile is not None else templates_dir() / "starter-profile.yaml", templates)
    loaded = apply_overrides(loaded, sets, templates)
    if budget is not None:
        from orgplan.errors import OptionError, ProfileError

        try:
            loaded = loaded.with_values(templates=templates, budget=str(budget).strip() or None)
        except ProfileError as exc:
            raise OptionError(exc.message, where="--budget") from None
    return loaded, templates


def validate(profile: ProfileSource, *, rules: PathLike | None = None) -> Profile:
    """The profile, checked, with every default filled in (``orgplan validate``)."""
    return profile_and_templates(profile, rules)[0]


def rules(*, rules: PathLike | None = None) -> RuleCheck:
    """The rule pack (default: the bundled one), validated, with its examples run (``orgplan rules``)."""
    from orgplan.knowledge.templates import load_templates
    from orgplan.planning.explanation import check_rule_examples

    templates = load_templates(rules=rules)
    return RuleCheck(templates.rules, tuple(check_rule_examples(templates=templates)))


def chart(
    profile: ProfileSource,
    output: PathLike,
    *,
    levels: int | None = None,
    root: str | None = None,
    direction: str = "auto",
    expand: bool = False,
    detail: str = "functions",
    paper: str = "letter",
    budget: str | float | None = None,
    sets: Sequence[str] = (),
    rules: PathLike | None = None,
) -> Path:
    """Draw the org chart of the profile's plan into ``output`` (.png, .svg, .pdf or .pptx); return its path
    (``orgplan chart``)."""
    from orgplan.outputs.charts.org_chart import render_chart
    from orgplan.planning.planner import plan

    prof, templates = profile_and_templates(profile, rules, sets, budget)
    return render_chart(
        plan(prof, templates=templates),
        output,
        levels=levels or "auto",
        root=root,
        direction=direction,
        expand=expand,
        detail=detail,
        paper=paper,
    )


def export(
    profile: ProfileSource,
    output: PathLike,
    *,
    no_chart: bool = False,
    budget: str | float | None = None,
    sets: Sequence[str] = (),
    rules: PathLike | None = None,
) -> Path:
    """Write the staffing-plan workbook (.xlsx) of the profile's plan; return its path (``orgplan export``)."""
    from orgplan.outputs.workbook.staffing import export_excel
    from orgplan.planning.planner import plan

    prof, templates = profile_and_templates(profile, rules, sets, budget)
    return export_excel(plan(prof, templates=templates), output, chart=not no_chart)


def jobs(
    profile: ProfileSource,
    out: PathLike,
    *,
    formats: str | Sequence[str] = "md,docx",
    sets: Sequence[str] = (),
    rules: PathLike | None = None,
) -> list[Path]:
    """Write a job description per role of the profile's plan into ``out/jobs/``; return the files (``orgplan jobs``).

    ``formats`` is ``md``, ``docx`` or both, as a list or separated by commas.
    """
    from orgplan.outputs.jobs import write_jobs
    from orgplan.planning.planner import plan

    prof, templates = profile_and_templates(profile, rules, sets)
    chosen = formats.split(",") if isinstance(formats, str) else list(formats)
    return write_jobs(plan(prof, templates=templates), out, chosen)


def batch(
    companies: PathLike,
    out: PathLike,
    *,
    workers: int | None = None,
    dask: str | None = None,
    each: bool = False,
    rules: PathLike | None = None,
    progress: Progress | None = None,
) -> Outcome[Portfolio]:
    """Plan every company of a .csv, .xlsx or folder of profiles and write portfolio.xlsx and
    portfolio.json into ``out`` (``orgplan batch``).

    ``workers`` processes on this machine (1: this process), or the Dask cluster at ``dask``
    ('local' starts one); ``each`` also writes each company's own plan files into a folder
    named after it. Rows that cannot be planned are the result's ``errors``.
    """
    from orgplan.knowledge.templates import load_templates
    from orgplan.portfolio.batch import dask_address, open_executor
    from orgplan.portfolio.portfolio import plan_portfolio, write_portfolio
    from orgplan.reading.companies import read_companies

    dask = dask_address(dask)  # a wrong option is said before any file is read
    templates = load_templates(rules=rules)
    read = read_companies(companies, templates=templates)
    with open_executor(workers, dask) as executor, (progress or _quiet)(len(read.profiles)) as done:
        result = plan_portfolio(read, executor, templates=templates, each_dir=out if each else None, progress=done)
    return Outcome(result, tuple(write_portfolio(result, out)))


def sensitivity(
    profile: ProfileSource,
    *,
    varies: Sequence[str],
    out: PathLike,
    samples: int = 1000,
    seed: int = 0,
    workers: int | None = None,
    dask: str | None = None,
    sets: Sequence[str] = (),
    rules: PathLike | None = None,
    progress: Progress | None = None,
) -> Outcome[Sensitivity]:
    """Plan the profile for ``samples`` draws of the ``varies`` keys (``KEY=LOW:HIGH``) and write
    sensitivity.xlsx and sensitivity.png into ``out`` (``orgplan sensitivity``).

    The same ``seed`` gives the same samples and the same files; ``workers`` and ``dask`` as for :func:`batch`.
    """
    from orgplan.portfolio.batch import dask_address, open_executor
    from orgplan.portfolio.sensitivity import check_work, parse_vary
    from orgplan.portfolio.sensitivity import sensitivity as draw_and_plan
    from orgplan.portfolio.sensitivity_report import write_sensitivity

    dask = dask_address(dask)
    prof, templates = profile_and_templates(profile, rules, sets)
    parsed = [parse_vary(v, templates) for v in varies]
    check_work(prof, parsed, samples)  # before any worker starts
    with open_executor(workers, dask) as executor, (progress or _quiet)(samples + 1) as done:
        result = draw_and_plan(prof, parsed, samples, seed, executor, templates=templates, progress=done)
    return Outcome(result, tuple(write_sensitivity(result, out)))


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    rules: PathLike | None = None,
    say: Callable[[str], object] | None = None,
) -> None:
    """Serve the web page until interrupted (``orgplan serve``); ``say`` tells its address (default: print it).

    A broken rule pack fails here, in one line, before anything listens.
    """
    from orgplan.errors import OptionError
    from orgplan.knowledge.templates import load_templates

    try:
        import uvicorn  # noqa: F401

        from orgplan.web.server import serve as serve_page
    except ImportError as exc:  # pragma: no cover - installed with orgplan
        raise OptionError(
            f"the web page needs the {exc.name} package; reinstall orgplan with: python3 -m pip install -e ."
        ) from None
    load_templates(rules=rules)
    serve_page(host=host, port=port, open_browser=open_browser, rules=None if rules is None else str(rules), say=say)


@contextlib.contextmanager
def _quiet(_steps: int) -> Iterator[Callable[[int], None]]:
    yield lambda _done: None
