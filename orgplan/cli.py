"""The ``orgplan`` command: a thin layer over the Python API.

Each command parses its options, calls one library function of its own name with them
(``orgplan chart`` calls :func:`orgplan.chart`, see :mod:`orgplan.api`) and prints the result.
orgplan's own errors and file-system failures become one line on stderr and exit code 2;
Ctrl-C ends a command quietly with exit code 130.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from orgplan.api import Progress

from orgplan.errors import OrgplanError, OutputError
from orgplan.outputs.charts.choices import DETAILS, DIRECTIONS, PAPERS

RULES_OPTION = click.option(
    "--rules", "rules", type=click.Path(), help="Use this rule pack instead of the bundled templates/rules.yaml."
)


def _friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn orgplan's errors and file-system failures into one clear line and exit code 2; Ctrl-C into 130."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                value = func(*args, **kwargs)
            except SystemExit:  # batch ends with exit code 1 when a row failed, its files written all the same
                _say_replaced_letters()
                raise
            _say_replaced_letters()
            return value
        except OSError as exc:
            from orgplan.core.files import reason

            if exc.errno == errno.EPIPE:  # the reader of our output went away (orgplan plan | head)
                raise
            error: OrgplanError = OutputError(reason(exc), path=exc.filename)
        except OrgplanError as exc:
            error = exc
        except KeyboardInterrupt:
            sys.exit(130)
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)

    return wrapper


def _say_replaced_letters(texts: tuple[str, ...] = ()) -> None:
    """Say once, on stderr, which letters of the names the charts drew as something else (no chart font has them)."""
    charts = sys.modules.get("orgplan.outputs.charts.text")
    if charts is None and not texts:
        return
    from orgplan.outputs.charts.text import replaced_letters, replaced_warning

    letters = replaced_letters(texts)
    if letters and not _said:
        _said.append(True)
        click.echo(replaced_warning(letters), err=True)


_said: list[bool] = []  # the warning about replaced letters was given in this run


def _place_names(profile: dict[str, Any]) -> str:
    """The company's, industry's, countries' and units' names of a profile, as one text."""
    names = [str(profile.get("company", "")), str(profile.get("industry", ""))]
    for key in ("countries", "business_units"):
        if isinstance(profile.get(key), list):
            names += [str(item.get("name", "")) for item in profile[key] if isinstance(item, dict)]
    return " ".join(names)


SET_OPTION = click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a profile value, e.g. --set employees=2500 (repeatable).",
)


BUDGET_OPTION = click.option(
    "--budget",
    "budget",
    metavar="AMOUNT",
    help=(
        "The most HR may cost a year in U.S. dollars, seats and bought-in services together (1200000, $1.2M or "
        "850k); overrides the profile's budget. Over it, orgplan buys in what is cheaper to buy, then defers work "
        "in the rule pack's order, never the legal minimums."
    ),
)


def _profile(path: str | None, rules: str | None, sets: tuple[str, ...] = (), budget: str | None = None) -> Any:
    """Load the profile (default: the bundled starter) with any --set overrides and a --budget applied."""
    from orgplan.api import profile_and_templates

    return profile_and_templates(path, rules, sets, budget)


def _bar(label: str) -> Progress:
    """Progress for a long command (see :data:`orgplan.api.Progress`): a bar on stderr."""

    @contextlib.contextmanager
    def bar(length: int) -> Iterator[Callable[[int], None]]:
        with click.progressbar(length=length, label=label, file=sys.stderr) as shown:
            yield shown.update

    return bar


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="orgplan", prog_name="orgplan")
def cli() -> None:
    """Recommend the HR team a company should have: generalists, specialists,
    leaders, reporting lines, costs, and the reason for every seat."""


@cli.command("plan")
@click.argument("profile", required=False, type=click.Path())
@click.option("--out", "out", type=click.Path(), help="Write plan.json (and the other outputs) into this folder.")
@click.option("--json", "as_json", is_flag=True, help="Print only the plan as JSON.")
@BUDGET_OPTION
@SET_OPTION
@RULES_OPTION
@_friendly
def plan_command(
    profile: str | None, out: str | None, as_json: bool, budget: str | None, sets: tuple[str, ...], rules: str | None
) -> None:
    """Plan the HR organisation for PROFILE (YAML or JSON).

    Without PROFILE, plans the bundled starter company.
    """
    from orgplan.outputs.folder import write_outputs
    from orgplan.outputs.report import plan_table
    from orgplan.planning.planner import plan

    prof, templates = _profile(profile, rules, sets, budget)
    result = plan(prof, templates=templates)
    written = write_outputs(result, out) if out is not None else []
    if as_json:
        click.echo(result.json, nl=False)
        return
    click.echo(plan_table(result))
    for path in written:
        click.echo(f"wrote {path}")


@cli.command("validate")
@click.argument("profile", type=click.Path())
@RULES_OPTION
@_friendly
def validate_command(profile: str, rules: str | None) -> None:
    """Check PROFILE and print it with every default filled in."""
    import yaml

    from orgplan.api import validate

    prof = validate(profile, rules=rules)
    click.echo(f"# {profile}: valid")
    for note in prof.notes:
        click.echo(f"# default: {note}")
    click.echo(yaml.safe_dump(prof.to_dict(), sort_keys=False, allow_unicode=True), nl=False)


@cli.command("explain")
@click.argument("profile", type=click.Path())
@RULES_OPTION
@_friendly
def explain_command(profile: str, rules: str | None) -> None:
    """Show every rule for PROFILE: whether it fired, and why."""
    from orgplan.outputs.report import explain_text
    from orgplan.planning.explanation import explain

    prof, templates = _profile(profile, rules)
    click.echo(explain_text(explain(prof, templates=templates)))


@cli.command("rules")
@RULES_OPTION
@_friendly
def rules_command(rules: str | None) -> None:
    """List the rule pack, validated, and check every rule's examples."""
    from orgplan.api import rules as check_rules
    from orgplan.outputs.report import rules_text

    checked = check_rules(rules=rules)
    click.echo(rules_text(checked.pack))
    if checked.failures:
        for line in checked.failures:
            click.echo(f"Error: {line}", err=True)
        sys.exit(2)
    click.echo(f"all {checked.examples} rule examples hold")


@cli.command("chart")
@click.argument("profile", type=click.Path())
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(),
    help="Chart file: .png or .svg (shaped for a slide), .pdf (every seat, page by page) or .pptx "
    "(editable PowerPoint slides).",
)
@click.option(
    "--levels",
    type=click.IntRange(1),
    help="Show only the first N levels (the executive is level 1). Default: as many as fit.",
)
@click.option("--root", "root", help="Draw only this seat (an id from plan --json) and everything below it.")
@click.option(
    "--direction",
    type=click.Choice(list(DIRECTIONS)),
    default="auto",
    show_default=True,
    help="Top-down, left-right, or whichever fits.",
)
@click.option("--expand", is_flag=True, help="Draw every seat instead of grouping identical ones.")
@click.option(
    "--detail",
    type=click.Choice(list(DETAILS)),
    default="functions",
    show_default=True,
    help="What boxes say under the title; cost gives each seat's and each box's yearly cost.",
)
@click.option(
    "--paper",
    type=click.Choice(list(PAPERS)),
    default="letter",
    show_default=True,
    help="Page size of a PDF.",
)
@BUDGET_OPTION
@SET_OPTION
@RULES_OPTION
@_friendly
def chart_command(
    profile: str,
    output: str,
    levels: int | None,
    root: str | None,
    direction: str,
    expand: bool,
    detail: str,
    paper: str,
    budget: str | None,
    sets: tuple[str, ...],
    rules: str | None,
) -> None:
    """Draw the recommended org chart for PROFILE as PNG, SVG, PDF or an editable PowerPoint deck."""
    from orgplan.api import chart

    path = chart(
        profile,
        output,
        levels=levels,
        root=root,
        direction=direction,
        expand=expand,
        detail=detail,
        paper=paper,
        budget=budget,
        sets=sets,
        rules=rules,
    )
    click.echo(f"wrote {path}")


@cli.command("export")
@click.argument("profile", type=click.Path())
@click.option("-o", "--output", "output", required=True, type=click.Path(), help="Workbook file (.xlsx).")
@click.option("--no-chart", is_flag=True, help="Leave out the org chart sheet (faster for very large plans).")
@BUDGET_OPTION
@SET_OPTION
@RULES_OPTION
@_friendly
def export_command(
    profile: str, output: str, no_chart: bool, budget: str | None, sets: tuple[str, ...], rules: str | None
) -> None:
    """Write the staffing plan for PROFILE as an Excel workbook finance can edit."""
    from orgplan.api import export

    click.echo(f"wrote {export(profile, output, no_chart=no_chart, budget=budget, sets=sets, rules=rules)}")


@cli.command("import")
@click.argument("team", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the team as JSON.")
@RULES_OPTION
@_friendly
def import_command(team: str, as_json: bool, rules: str | None) -> None:
    """Read an HR team from TEAM (.xlsx or .csv) and check its reporting lines.

    TEAM needs the columns ID, Title and Reports to (ID); Role, FTE and Base
    salary are optional. A workbook written by orgplan reads back as it was.
    """
    from orgplan.knowledge.templates import load_templates
    from orgplan.outputs.report import team_table
    from orgplan.reading.team import read_team

    result = read_team(team, templates=load_templates(rules=rules))
    click.echo(result.json if as_json else team_table(result, team), nl=not as_json)


@cli.command("roadmap")
@click.argument("profile", type=click.Path())
@click.option(
    "--to",
    "to",
    type=int,
    help="Largest headcount to plan. Default: three years of growth_rate, and at least twice today's size.",
)
@click.option(
    "--steps",
    type=click.IntRange(2, 1000),
    default=12,
    show_default=True,
    help="Sizes to plan from today to --to, evenly spaced on a log scale; thresholds between them are found exactly.",
)
@click.option("--out", "out", type=click.Path(), help="Write roadmap.xlsx and roadmap.png into this folder.")
@click.option(
    "--workers",
    type=click.IntRange(1, 512),
    help="Processes that plan a long sweep (48 sizes or more; 1: this process). Default: one per core, up to 4.",
)
@SET_OPTION
@RULES_OPTION
@_friendly
def roadmap_command(
    profile: str,
    to: int | None,
    steps: int,
    out: str | None,
    workers: int | None,
    sets: tuple[str, ...],
    rules: str | None,
) -> None:
    """Show how PROFILE's HR team should grow: where each seat first appears, and the totals by size."""
    from orgplan.outputs.folder import write_roadmap_outputs
    from orgplan.outputs.report import roadmap_text
    from orgplan.planning.growth import roadmap, roadmap_sizes

    prof, templates = _profile(profile, rules, sets)
    sizes = roadmap_sizes(prof, to=to, steps=steps)
    with click.progressbar(length=len(sizes), label="Planning sizes", file=sys.stderr) as bar:
        result = roadmap(prof, sizes, templates=templates, progress=bar.update, workers=workers)
    written = write_roadmap_outputs(result, out) if out is not None else []
    click.echo(roadmap_text(result))
    for path in written:
        click.echo(f"wrote {path}")


@cli.command("compare")
@click.argument("current", type=click.Path())
@click.argument("profile", type=click.Path())
@click.option(
    "--out",
    "out",
    type=click.Path(),
    help="Write staffing-plan.xlsx (with Gap sheets) and orgchart-gap.png into this folder.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help=(
        "Print only the recommended plan as JSON, each seat filled (by which current seat) or open, with the "
        "open totals."
    ),
)
@SET_OPTION
@RULES_OPTION
@_friendly
def compare_command(
    current: str, profile: str, out: str | None, as_json: bool, sets: tuple[str, ...], rules: str | None
) -> None:
    """Compare CURRENT with the plan for PROFILE: what to add, change and drop.

    CURRENT is the HR team a company has (.xlsx or .csv, as for `orgplan import`) or
    another profile (.yaml or .json), to put two scenarios side by side. --set changes
    PROFILE only. Each recommended seat is filled by a current seat or open, to be hired.
    """
    from orgplan.outputs.folder import write_gap_outputs
    from orgplan.outputs.report import gap_text
    from orgplan.planning.gap import compare, load_current
    from orgplan.planning.planner import plan

    prof, templates = _profile(profile, rules, sets)
    now, name = load_current(current, templates)
    gap = compare(now, plan(prof, templates=templates))
    written = write_gap_outputs(gap, out) if out is not None else []
    if as_json:
        click.echo(gap.json, nl=False)
        return
    click.echo(gap_text(gap, name))
    for path in written:
        click.echo(f"wrote {path}")


WORKERS_OPTION = click.option(
    "--workers",
    type=click.IntRange(1, 512),
    help="Worker processes on this machine (default: one per core; 1 plans in this process).",
)
DASK_OPTION = click.option(
    "--dask",
    "dask",
    metavar="ADDRESS|local",
    help=(
        "Plan on the Dask cluster whose scheduler is at ADDRESS, or start one on this machine with 'local' "
        "(pip install 'orgplan[dask]')."
    ),
)


@cli.command("batch")
@click.argument("companies", type=click.Path())
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Write portfolio.xlsx and portfolio.json into this folder.",
)
@WORKERS_OPTION
@DASK_OPTION
@click.option(
    "--each",
    is_flag=True,
    help="Also write each company's own plan (plan.json, org chart, staffing plan) into a folder named after it.",
)
@RULES_OPTION
@_friendly
def batch_command(
    companies: str, out: str, workers: int | None, dask: str | None, each: bool, rules: str | None
) -> None:
    """Plan every company of COMPANIES at once and compare them side by side.

    COMPANIES is a .csv or .xlsx with a header row of profile keys and a row per company
    (functions separated by ';'), or a folder of profiles (.yaml, .yml, .json). Rows that
    cannot be planned are listed on the Errors sheet and here; the others are planned all
    the same. Exit code 1 when any row failed, 2 when the file itself cannot be read.
    """
    from orgplan.api import batch
    from orgplan.portfolio.portfolio import portfolio_text

    outcome = batch(
        companies, out, workers=workers, dask=dask, each=each, rules=rules, progress=_bar("Planning companies")
    )
    result, written = outcome.result, outcome.files
    if each:  # the charts were drawn in worker processes: the names tell which letters they replaced
        _say_replaced_letters(tuple(_place_names(c.plan.profile) for c in result.companies))
    for error in result.errors:
        click.echo(f"Error: {error.located(companies)}", err=True)
    click.echo(portfolio_text(result))
    for path in written:
        click.echo(f"wrote {path}")
    if each and result.companies:
        click.echo(f"wrote {len(result.companies):,} plan folders in {out}")
    if result.errors:
        sys.exit(1)


@cli.command("sensitivity")
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option(
    "--vary",
    "varies",
    multiple=True,
    required=True,
    metavar="KEY=LOW:HIGH",
    help="A profile key to draw evenly between LOW and HIGH, e.g. --vary growth_rate=0.02:0.2 (repeatable).",
)
@click.option(
    "--samples",
    type=click.IntRange(min=2),
    default=1000,
    show_default=True,
    help="How many draws to plan (within the limits of docs/limits.md).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="The random seed; the same seed gives the same samples and the same files.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Write sensitivity.xlsx and sensitivity.png into this folder.",
)
@WORKERS_OPTION
@DASK_OPTION
@SET_OPTION
@RULES_OPTION
@_friendly
def sensitivity_command(
    profile: str,
    varies: tuple[str, ...],
    samples: int,
    seed: int,
    out: str,
    workers: int | None,
    dask: str | None,
    sets: tuple[str, ...],
    rules: str | None,
) -> None:
    """How sure is the plan for PROFILE: plan it for many draws of uncertain figures.

    Gives the P10, P50 and P90 of HR seats, FTE and cost, and for each role the share of
    draws whose plan has it: certain seats, and seats that depend on the assumptions.
    """
    from orgplan.api import sensitivity
    from orgplan.portfolio.sensitivity_report import sensitivity_text

    outcome = sensitivity(
        profile,
        varies=varies,
        out=out,
        samples=samples,
        seed=seed,
        workers=workers,
        dask=dask,
        sets=sets,
        rules=rules,
        progress=_bar("Planning samples"),
    )
    click.echo(sensitivity_text(outcome.result))
    for path in outcome.files:
        click.echo(f"wrote {path}")


@cli.command("jobs")
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Write the job descriptions into DIR/jobs/: a posting per job title, briefs/ and index.md.",
)
@click.option(
    "--format",
    "formats",
    default="md,docx",
    show_default=True,
    metavar="md,docx",
    help="File formats, separated by commas: md (Markdown), docx (Word).",
)
@SET_OPTION
@RULES_OPTION
@_friendly
def jobs_command(profile: str, out: str, formats: str, sets: tuple[str, ...], rules: str | None) -> None:
    """Write a job posting and a hiring-manager brief for every job title in the plan for PROFILE.

    A posting (TITLE.md, TITLE.docx) is what candidates read: about the company
    (profile key 'about'), the role, its reporting line, what the person does in
    this company's HR team, skills, qualifications, location, the pay range per
    country with its source, career steps and an equal-opportunity statement
    (profile key 'equal_opportunity'). The brief (briefs/TITLE.md) keeps the
    planning notes: level, seats and FTE, who does what, planned pay and why the
    plan has the role.
    """
    from orgplan.api import jobs

    for path in jobs(profile, out, formats=formats, sets=sets, rules=rules):
        click.echo(f"wrote {path}")


@cli.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default keeps the page to this computer; 0.0.0.0 opens it to your network.",
)
@click.option(
    "--port",
    default=8000,
    type=click.IntRange(0, 65535),
    show_default=True,
    help="Port to listen on (0 picks a free one).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in your web browser.")
@RULES_OPTION
@_friendly
def serve_command(host: str, port: int, open_browser: bool, rules: str | None) -> None:
    """Serve orgplan as a web page: describe the company in a form, see the HR team, download the plan.

    Every result is a link that carries the company profile. Stop with Ctrl+C.
    """
    from orgplan.api import serve

    serve(host=host, port=port, open_browser=open_browser, rules=rules, say=click.echo)


# Command lists show each command's whole first paragraph, never one cut short with "...".
for _command in cli.commands.values():
    _command.short_help = " ".join((_command.help or "").split("\n\n")[0].split())


def main() -> None:
    """Run the command line (see :mod:`orgplan.console` for the console script)."""
    cli(prog_name="orgplan")


if __name__ == "__main__":  # pragma: no cover
    main()
