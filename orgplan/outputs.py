"""Write a plan's output files into a folder, each through a temporary file and a rename."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import OptionError
from .files import atomic_write_text
from .model import Plan

__all__ = ["write_outputs"]


def write_outputs(plan: Plan, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``plan.json`` and ``orgchart.png`` into ``out_dir``; return the paths written."""
    from .chart import render_chart

    folder = Path(out_dir)
    written = [atomic_write_text(folder / "plan.json", plan.json)]
    try:
        written.append(render_chart(plan, folder / "orgchart.png"))
    except OptionError:  # too large for a sharp PNG: a PDF keeps every box legible
        written.append(render_chart(plan, folder / "orgchart.pdf"))
    return written
