"""Write a plan's output files into a folder, each through a temporary file and a rename."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import OptionError
from .files import atomic_write_text
from .model import Plan

__all__ = ["write_outputs"]


def write_outputs(plan: Plan, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``plan.json``, ``orgchart.png`` and ``staffing-plan.xlsx`` into ``out_dir``.

    Returns the paths written. The workbook embeds the PNG chart when there is one.
    """
    from .chart import render_chart
    from .excel import export_excel

    folder = Path(out_dir)
    written = [atomic_write_text(folder / "plan.json", plan.json)]
    try:
        chart = render_chart(plan, folder / "orgchart.png")
    except OptionError:  # too large for a sharp PNG: a PDF keeps every box legible
        chart = render_chart(plan, folder / "orgchart.pdf")
    written.append(chart)
    written.append(export_excel(plan, folder / "staffing-plan.xlsx", chart=chart if chart.suffix == ".png" else True))
    return written
