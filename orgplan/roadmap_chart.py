"""The roadmap as a picture: HR FTE and cost against company size, the benchmark band, the thresholds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import OptionError
from .files import atomic_path
from .growth import Roadmap

__all__ = ["draw_roadmap", "render_roadmap"]

_MAX_LABELS = 24  # thresholds numbered on the chart and listed beside it


def draw_roadmap(r: Roadmap, ax: Any = None) -> Any:
    """Draw HR FTE (with the published band shaded) and annual cost against employees; return the FTE Axes.

    >>> from orgplan import profile_from_dict
    >>> from orgplan.growth import roadmap
    >>> ax = draw_roadmap(roadmap(profile_from_dict({"company": "Acme", "employees": 50}), [50, 500]))
    >>> ax.get_xlabel()
    'Employees'
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    own = ax is None
    if own:
        fig = plt.figure(figsize=(13, 6.8))
        ax = fig.add_axes((0.06, 0.1, 0.58, 0.8))
    curve = r.curve
    xs = [s.employees for s in curve]
    ax.step(xs, [s.hr_fte for s in curve], where="post", color="#1F3A5F", linewidth=2, label="Recommended HR FTE")
    banded = [s for s in curve if s.band]
    if banded:
        bx = [s.employees for s in banded]
        ax.fill_between(bx, [s.band[0] * s.employees / 100 for s in banded], [s.band[1] * s.employees / 100 for s in banded], color="#2E7D5B", alpha=0.15, step="post", label="Published range (HR staff per 100 employees)")
    if xs[-1] / max(xs[0], 1) > 20:
        ax.set_xscale("log")
    ax.set_xlabel("Employees")
    ax.set_ylabel("HR staff (FTE)")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(True, which="major", color="#DDDDDD", linewidth=0.6)
    cost_ax = ax.twinx()
    cost_ax.step(xs, [s.annual_cost / 1e6 for s in curve], where="post", color="#C0504D", linewidth=1.4, linestyle="--", label="Annual cost ($M)")
    cost_ax.set_ylabel("Annual HR cost ($ millions)")
    cost_ax.set_ylim(bottom=0)
    ax.set_ylim(bottom=0)
    firsts = [m for m in r.milestones if m.event in ("first", "again")]
    listed, numbers = [], {}
    for i, m in enumerate(firsts[:_MAX_LABELS], start=1):
        numbers.setdefault(m.employees, []).append(i)
        listed.append(f"{i:>2}. ~{m.employees:,}: {m.title}{' (again)' if m.event == 'again' else ''}")
    for employees, marks in numbers.items():  # one marker per threshold, naming every seat that starts there
        fte = next((s.hr_fte for s in reversed(curve) if s.employees <= employees), 0.0)
        label = str(marks[0]) if len(marks) == 1 else f"{marks[0]}-{marks[-1]}"
        ax.annotate(label, (employees, fte), xytext=(-8, 8), textcoords="offset points", fontsize=6.5, color="white", ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.25", "facecolor": "#C0504D", "edgecolor": "none"}, zorder=5)
    if len(firsts) > _MAX_LABELS:
        listed.append(f"... and {len(firsts) - _MAX_LABELS} more in the table")
    lines = ax.get_legend_handles_labels()
    more = cost_ax.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left", fontsize=8, frameon=False)
    ax.set_title(f"{r.profile.company}: the HR team as the company grows", loc="left", fontsize=12, fontweight="bold")
    if own and listed:
        fig = ax.figure
        fig.text(0.72, 0.9, "Where seats first appear", fontsize=10, fontweight="bold", va="top")
        fig.text(0.72, 0.86, "\n".join(listed), fontsize=8, va="top", family="monospace", linespacing=1.45)
    return ax


def render_roadmap(r: Roadmap, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
    """Write the roadmap chart as .png, .svg or .pdf, atomically."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        raise OptionError(f"cannot write a chart as {suffix or 'a file without extension'!r}; use .png, .svg or .pdf", path=target)
    import matplotlib.pyplot as plt

    ax = draw_roadmap(r)
    try:
        with atomic_path(target) as tmp:
            ax.figure.savefig(tmp, format=suffix[1:], dpi=dpi, facecolor="white")
    finally:
        plt.close(ax.figure)
    return target
