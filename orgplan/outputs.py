"""Write a plan's output files into a folder, each through a temporary file and a rename."""

from __future__ import annotations

import os
from pathlib import Path

from .files import atomic_write_text
from .model import Plan

__all__ = ["write_outputs"]


def write_outputs(plan: Plan, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``plan.json`` into ``out_dir`` and return the paths written."""
    folder = Path(out_dir)
    return [atomic_write_text(folder / "plan.json", plan.json)]
