"""How sure is the plan, as a picture: the spread of HR FTE and cost, and which seats are certain.

On the left, two small panels count the samples at each HR FTE and each annual cost, with
P10, P50 and P90 marked and the plan as given beside them; on the right, a bar for each
role gives the share of samples whose plan has it - full bars are certain seats, shorter
ones depend on the assumptions. Drawn on a ``matplotlib.figure.Figure``, never pyplot.
"""

from __future__ import annotations

import os
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

from orgplan.core.words import number
from orgplan.outputs.charts.roadmap import SIZE, _fixed_ticks, _money_tick, nice_ticks
from orgplan.outputs.charts.text import drawable, families
from orgplan.portfolio.sensitivity import Sensitivity, quantile, share_text

__all__ = ["draw_sensitivity", "render_sensitivity"]

_SPREAD, _GIVEN, _CERTAIN, _DEPENDS = "#1F3A5F", "#C0504D", "#1F3A5F", "#F0B441"
_MAX_BARS = 30  # roles listed at most; the rest are counted under the bars


def draw_sensitivity(s: Sensitivity, fig: Any = None) -> Any:
    """Draw the two spread panels and the role bars on ``fig`` (a new slide-sized Figure when None); return the Figure.

    >>> from orgplan import profile_from_dict
    >>> from orgplan.portfolio.sensitivity import parse_vary, sensitivity
    >>> s = sensitivity(profile_from_dict({"employees": 300}), [parse_vary("employees=200:900")], samples=10)
    >>> fig = draw_sensitivity(s)
    >>> len(fig.axes)
    3
    """
    if fig is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=SIZE, facecolor="white")
        FigureCanvasAgg(fig)
    fig.text(
        0.05,
        0.955,
        drawable(f"How sure is the plan for {s.profile.company}?"),
        fontsize=15,
        fontweight="bold",
        va="center",
        parse_math=False,
        fontfamily=families(),
    )
    fig.text(
        0.05,
        0.91,
        drawable(f"{s.about()}, each drawn evenly between its low and high"),
        fontsize=10,
        va="center",
        color="#404040",
        parse_math=False,
        fontfamily=families(),
    )
    fte = fig.add_axes((0.06, 0.56, 0.36, 0.27))
    cost = fig.add_axes((0.06, 0.12, 0.36, 0.27))
    _spread(fte, [r.summary["hr_fte"] for r in s.results], s.given.summary["hr_fte"], "HR staff (FTE)", number)
    _spread(
        cost,
        [r.summary["annual_cost"] for r in s.results],
        s.given.summary["annual_cost"],
        "Annual HR cost",
        _money_tick,
    )
    _roles(fig.add_axes((0.66, 0.12, 0.31, 0.71)), s)
    return fig


def _spread(ax: Any, values: list[float], given: float, label: str, tick: Any) -> None:
    """How many samples give each value (or fall in each of 30 bins), with P10, P50 and P90 and the plan as given."""
    counts = Counter(values)
    low, high = min(values), max(values)
    if len(counts) <= 30:  # few distinct values: a bar for each
        width = min((b - a for a, b in pairwise(sorted(counts))), default=max(abs(low) * 0.05, 1.0)) * 0.8
        ax.bar(list(counts), list(counts.values()), width=width, color=_SPREAD, alpha=0.85, linewidth=0)
    else:
        ax.hist(values, bins=30, color=_SPREAD, alpha=0.85, linewidth=0)
    p10, p50, p90 = (quantile(values, q) for q in (0.1, 0.5, 0.9))
    top = ax.get_ylim()[1] * 1.18
    ax.set_ylim(0, top)
    for q, name in ((p10, "P10"), (p50, "P50"), (p90, "P90")):
        ax.axvline(q, color="#404040", linestyle="--", linewidth=1)
        ax.text(
            q,
            top * 0.97,
            name,
            ha="center",
            va="top",
            fontsize=8,
            fontfamily=families(),
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
    ax.axvline(given, color=_GIVEN, linewidth=2)
    ax.text(
        given,
        top * 0.84,
        "as given",
        ha="center",
        va="top",
        fontsize=8,
        color=_GIVEN,
        fontfamily=families(),
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
    )
    pad = (high - low) * 0.08 or max(abs(high) * 0.05, 1.0)
    left, right = min(low, given) - pad, max(high, given) + pad
    ax.set_xlim(left, right)
    _fixed_ticks(ax.xaxis, nice_ticks(left, right, log=False), tick)
    ax.set_title(
        f"{label}: P10 {tick(p10)}, P50 {tick(p50)}, P90 {tick(p90)}",
        loc="left",
        fontsize=10.5,
        fontweight="bold",
        fontfamily=families(),
        parse_math=False,
    )
    ax.set_ylabel("Samples", fontfamily=families())
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)


def _roles(ax: Any, s: Sensitivity) -> None:
    """A bar for each role: the share of samples whose plan has it, certain roles first."""
    roles = s.roles()
    shown, rest = roles[:_MAX_BARS], roles[_MAX_BARS:]
    ys = range(len(shown))
    colours = [_CERTAIN if r.certain else _DEPENDS for r in shown]
    ax.barh(list(ys), [r.share for r in shown], color=colours, height=0.7)
    for y, r in zip(ys, shown, strict=True):
        ax.text(min(r.share, 1.0) + 0.02, y, share_text(r.share), va="center", fontsize=8, fontfamily=families())
    ax.set_yticks(
        list(ys), [drawable(r.title) for r in shown], fontsize=8.5 if len(shown) <= 20 else 7.5, fontfamily=families()
    )
    ax.invert_yaxis()
    ax.set_xlim(0, 1.15)
    _fixed_ticks(ax.xaxis, [0, 0.25, 0.5, 0.75, 1.0], lambda v: f"{v:.0%}")
    ax.spines[["top", "right"]].set_visible(False)
    certain = sum(1 for r in roles if r.certain)
    ax.set_title(
        f"Seats in every sample ({certain}) and seats that depend on the assumptions ({len(roles) - certain})",
        loc="right",
        fontsize=10.5,
        fontweight="bold",
        fontfamily=families(),
        parse_math=False,
        wrap=True,
    )
    ax.set_xlabel(
        "Share of samples whose plan has the role"
        + (f"  (+{len(rest)} rarer roles in sensitivity.xlsx)" if rest else ""),
        fontfamily=families(),
    )
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(color=_CERTAIN, label="in every sample"),
            Patch(color=_DEPENDS, label="depends on the assumptions"),
        ],
        loc="lower right",
        fontsize=8,
        frameon=False,
    )


def render_sensitivity(s: Sensitivity, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
    """Write the picture as .png, .svg or .pdf, atomically."""
    from orgplan.outputs.charts.org_chart import write_figure

    return write_figure(draw_sensitivity(s), path, dpi)
