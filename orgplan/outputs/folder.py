"""Write a run's output files into a folder, as one set.

The files are written into a new folder beside the output folder, which then takes the
output folder's place in one step: the folder always holds every file of one run, never
some files of a run beside older ones (see :func:`orgplan.core.files.atomic_folder`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgplan.core.figures import figures
from orgplan.core.files import atomic_folder, atomic_write_text
from orgplan.model.plan import Plan
from orgplan.outputs.workbook.tables import Table
from orgplan.planning.growth import Roadmap

if TYPE_CHECKING:
    from orgplan.planning.gap import Comparison

__all__ = ["OUTPUT_FILES", "write_outputs", "write_gap_outputs", "roadmap_tables", "write_roadmap_outputs"]

# Every file a command writes into an output folder. A folder holding anything else is not
# replaced, so files orgplan did not write are never lost.
# ``jobs`` (from ``orgplan jobs``) is carried over into each new set as it was.
OUTPUT_FILES = frozenset(
    {
        "plan.json",
        "orgchart.png",
        "orgchart.pdf",
        "staffing-plan.xlsx",
        "orgchart-gap.png",
        "orgchart-gap.pdf",
        "roadmap.xlsx",
        "roadmap.png",
        "jobs",
    }
)
CARRIED = ("jobs",)


def write_outputs(plan: Plan, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``plan.json``, ``orgchart.png`` and ``staffing-plan.xlsx`` into ``out_dir``.

    Returns the paths written. The workbook embeds the PNG chart when there is one.
    """
    with atomic_folder(out_dir, OUTPUT_FILES) as staging:
        written = [atomic_write_text(staging / "plan.json", plan.json), *_chart_and_workbook(plan, staging, "orgchart")]
        _carry(out_dir, staging)
    return _placed(written, out_dir)


def _placed(written: list[Path], out_dir: str | os.PathLike[str]) -> list[Path]:
    """The paths of files written into a staging folder, as they are now in ``out_dir``."""
    return [Path(out_dir) / p.name for p in written]


def _carry(out_dir: str | os.PathLike[str], staging: Path) -> None:
    """Copy the folders another command wrote into ``out_dir`` (job descriptions) into the new set."""
    for name in CARRIED:
        old = Path(out_dir) / name
        if old.is_dir() and not old.is_symlink():
            shutil.copytree(old, staging / name)


def write_gap_outputs(gap: Comparison, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``staffing-plan.xlsx`` with the Gap sheets and ``orgchart-gap.png`` (open,
    changed and kept seats drawn apart)."""
    with atomic_folder(out_dir, OUTPUT_FILES) as staging:
        written = _chart_and_workbook(gap.plan, staging, "orgchart-gap", comparison=gap, gap=gap)
        _carry(out_dir, staging)
    return _placed(written, out_dir)


def _chart_and_workbook(
    plan: Plan, folder: Path, chart_name: str, comparison: Comparison | None = None, **chart_options: Any
) -> list[Path]:
    """The chart as a slide-shaped PNG (always possible: large plans are folded), then the workbook embedding it."""
    from orgplan.outputs.charts.org_chart import render_chart
    from orgplan.outputs.workbook.staffing import export_excel

    chart = render_chart(plan, folder / f"{chart_name}.png", **chart_options)
    book = export_excel(plan, folder / "staffing-plan.xlsx", chart=chart, comparison=comparison)
    return [chart, book]


def roadmap_tables(r: Roadmap) -> list[Table]:
    """The roadmap as two sheets: the sizes with their totals and seats per role (with a chart of
    HR FTE against the published band), and the milestones."""
    from orgplan.outputs.workbook.sheets import Formula
    from orgplan.outputs.workbook.tables import FIRST_ROW, TableChart

    roles = r.templates.roles
    titles = {key for step in r.steps for key, _ in step.roles}
    keys = [k for k in roles if k in titles]
    employees, seats, fte, per_100, layers, cost = figures(
        "employees", "hr_headcount", "hr_fte", "hr_per_100", "layers", "annual_cost"
    )
    headers = [
        *(f.heading(short=True) for f in (employees, seats, fte, per_100)),
        "Published low, per 100",
        "Published high, per 100",
        "Published low, FTE",
        "Published high, FTE",
        *(f.heading(short=True) for f in (layers, cost)),
        *(roles[k].title for k in keys),
    ]
    rows = []
    for row, s in enumerate(r.steps, start=FIRST_ROW):
        band = (
            [
                Formula(f"={col}{row}*A{row}/100", edge * s.employees / 100)
                for col, edge in zip("EF", s.band, strict=True)
            ]
            if s.band
            else [None, None]
        )
        rows.append(
            [
                s.employees,
                s.hr_headcount,
                s.hr_fte,
                s.hr_per_100,
                s.band[0] if s.band else None,
                s.band[1] if s.band else None,
                *band,
                s.layers,
                s.annual_cost,
                *(dict(s.roles).get(k, 0) for k in keys),
            ]
        )
    chart = TableChart(
        "line",
        "HR FTE against the published range",
        categories=0,
        series=(2, 6, 7),
        y_title="HR FTE",
        x_title="Employees",
        dashed=(1, 2),
    )
    ratio, fte_format = per_100.number_format, fte.number_format  # seats and layers as they come
    formats = {0: employees.number_format, 2: fte_format, 3: ratio, 4: ratio, 5: ratio, 6: fte_format, 7: fte_format}
    formats[9] = cost.number_format
    steps = Table(
        "Roadmap", f"{r.profile.company}: the recommended HR team at each size", headers, rows, formats, chart=chart
    )
    events = {
        "today": "there at the start",
        "first": "first seat",
        "again": "back again",
        "last": "last seat goes",
        "bought": "bought in at the start",
        "buy": "buy in",
        "bring_in": "bring in house",
    }
    milestones = Table(
        "Milestones",
        f"{r.profile.company}: where seats appear and go",
        ["Employees", "Change", "Role or work", "Why"],
        [[m.employees, events[m.event], m.title, m.reason] for m in r.milestones],
        {0: "#,##0"},
        {3: 100},
    )
    return [steps, milestones]


def write_roadmap_outputs(r: Roadmap, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``roadmap.xlsx`` and ``roadmap.png`` into ``out_dir``; return the paths."""
    from orgplan.outputs.charts.roadmap import render_roadmap
    from orgplan.outputs.workbook.tables import write_tables

    with atomic_folder(out_dir, OUTPUT_FILES) as staging:
        written = [
            write_tables(staging / "roadmap.xlsx", roadmap_tables(r)),
            render_roadmap(r, staging / "roadmap.png"),
        ]
        _carry(out_dir, staging)
    return _placed(written, out_dir)
