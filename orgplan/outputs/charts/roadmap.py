"""The roadmap as a picture: HR FTE against the published band, and annual cost, as the company grows.

Two panels share the employees axis (ticks at 1, 2 and 5 times powers of ten): FTE with
the band shaded and the thresholds numbered, then the annual cost. The numbered seats are
listed beside them. Drawn on ``matplotlib.figure.Figure`` objects, never pyplot, so
roadmaps can be drawn in several threads at once.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from orgplan.core.words import number
from orgplan.outputs.charts.text import drawable, families
from orgplan.planning.growth import Roadmap

__all__ = ["draw_roadmap", "render_roadmap", "nice_ticks"]

SIZE = (13.333, 7.5)  # a 16:9 slide, inches
_FTE, _COST, _BAND, _MARK = "#1F3A5F", "#A23B36", "#2E7D5B", "#C0504D"


def nice_ticks(low: float, high: float, log: bool) -> list[float]:
    """Ticks at 1, 2 and 5 times powers of ten between ``low`` and ``high`` (fewer when there are many decades).

    >>> nice_ticks(40, 5000, log=True)
    [50, 100, 200, 500, 1000, 2000, 5000]
    >>> nice_ticks(0, 37, log=False)
    [0, 5, 10, 15, 20, 25, 30, 35]
    """
    if log:
        decades = math.log10(high / max(low, 1e-9))
        steps = (1, 2, 5) if decades <= 4 else (1, 3) if decades <= 6 else (1,)
        out = [
            m * 10**e
            for e in range(math.floor(math.log10(max(low, 1e-9))), math.ceil(math.log10(high)) + 1)
            for m in steps
        ]
        return [int(t) if t >= 1 else t for t in out if low <= t <= high]
    span = max(high - low, 1e-9)
    step = min(
        (
            m * 10**e
            for e in range(math.floor(math.log10(span)) - 2, math.floor(math.log10(span)) + 2)
            for m in (1, 2, 5)
            if span / (m * 10**e) <= 8
        ),
        default=span,
    )
    first = math.ceil(low / step) * step
    count = int((high - first) / step + 1e-9) + 1
    return [round(first + i * step, 10) if step < 1 else int(round(first + i * step)) for i in range(count)]


def _money_tick(value: float, _: Any = None) -> str:
    if value >= 1e6:
        return f"${value / 1e6:,.1f}M".replace(".0M", "M")
    if value >= 1e3:
        return f"${value / 1e3:,.0f}k"
    return f"${value:,.0f}"


def blended_band(
    bands: list[tuple[int, int, float, float]], n: float, reach: float = 1.25
) -> tuple[float, float] | None:
    """The published range of HR staff per 100 employees at ``n``, blended where two size bands meet.

    ``bands`` are (min employees, max employees, low, high). Each band's published figures
    hold through most of it; within ``reach`` (a factor, at most a third of either band's
    span on a log scale) of the size where two bands meet, the range moves from one to the
    next in a straight line on a log scale, so the shaded band has no cliff at 1,000
    employees where companies of 999 and 1,000 differ by one person.

    >>> bands = [(250, 999, 0.8, 2.5), (1000, 2499, 0.6, 1.6)]
    >>> blended_band(bands, 500), blended_band(bands, 2000)
    ((0.8, 2.5), (0.6, 1.6))
    >>> low, high = blended_band(bands, 999.5)
    >>> round(low, 2), round(high, 2)
    (0.7, 2.05)
    >>> blended_band(bands, 100) is None
    True
    """
    ordered = sorted(bands)
    for i, (first, last, low, high) in enumerate(ordered):
        if not first <= n < last + 1:
            continue
        for j in (i - 1, i + 1):  # the neighbour on the side n is nearer to, when it is within reach
            if not 0 <= j < len(ordered):
                continue
            other = ordered[j]
            lower, upper = (other, ordered[i]) if j < i else (ordered[i], other)
            meet = math.sqrt(lower[1] * upper[0])
            span = min(math.log(max(b[1], b[0] + 1) / b[0]) / 3 for b in (lower, upper))
            width = min(math.log(reach), span)
            at = math.log(n / meet)
            if abs(at) < width:
                share = (at + width) / (2 * width)  # 0 at the lower band's side, 1 at the upper's
                return (
                    lower[2] + (upper[2] - lower[2]) * share,
                    lower[3] + (upper[3] - lower[3]) * share,
                )
        return low, high
    return None


def _sizes(low: float, high: float, log: bool, count: int = 400) -> list[float]:
    """``count`` sizes from ``low`` to ``high``, evenly spaced on the axis's scale."""
    if high <= low:
        return [low]
    if log:
        return [low * (high / low) ** (i / (count - 1)) for i in range(count)]
    return [low + (high - low) * i / (count - 1) for i in range(count)]


def draw_roadmap(r: Roadmap, ax: Any = None, cost_ax: Any = None) -> Any:
    """Draw HR FTE (with the published band shaded) and annual cost against employees; return the FTE Axes.

    With ``ax`` None a new slide-sized Figure gets both panels and the list of
    thresholds; given ``ax`` (and optionally ``cost_ax``), the panels are drawn there.

    >>> from orgplan import profile_from_dict
    >>> from orgplan.planning.growth import roadmap
    >>> ax = draw_roadmap(roadmap(profile_from_dict({"company": "Acme", "employees": 50}), [50, 500]))
    >>> ax.get_ylabel(), len(ax.figure.axes)
    ('HR staff (FTE)', 2)
    """
    fig = None
    if ax is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=SIZE, facecolor="white")
        FigureCanvasAgg(fig)
        left, right = 0.07, 0.69
        ax = fig.add_axes((left, 0.40, right - left, 0.50))
        cost_ax = fig.add_axes((left, 0.09, right - left, 0.25), sharex=ax)
    curve = r.curve
    xs = [s.employees for s in curve]
    log = xs[-1] / max(xs[0], 1) > 20
    ftes = [s.hr_fte for s in curve]
    ax.step(xs, ftes, where="post", color=_FTE, linewidth=2, label="Recommended HR FTE")
    top = max(ftes)
    bands = [(b.min_employees, b.max_employees, b.low, b.high) for b in r.templates.bands]
    if bands and any(s.band is not None for s in curve):
        dense = _sizes(xs[0], xs[-1], log)
        rates = [blended_band(bands, n) for n in dense]
        shown = [(n, rate) for n, rate in zip(dense, rates, strict=True) if rate is not None]
        lows = [low * n / 100 for n, (low, _) in shown]
        highs = [high * n / 100 for n, (_, high) in shown]
        ax.fill_between(
            [n for n, _ in shown],
            lows,
            highs,
            color=_BAND,
            alpha=0.18,
            linewidth=0,
            label="Published range (HR staff per 100 employees)",
        )
        top = max(top, max(highs))
    for axis in (ax, cost_ax):
        if axis is None:
            continue
        if log:
            axis.set_xscale("log")
        axis.set_xlim(xs[0], xs[-1])
        axis.grid(True, which="major", color="#DDDDDD", linewidth=0.6)
        axis.spines[["top", "right"]].set_visible(False)
    ticks = nice_ticks(xs[0], xs[-1], log)
    _fixed_ticks(ax.xaxis, ticks, lambda v: f"{v:,.0f}")
    ax.set_ylim(0, top * 1.12)
    _fixed_ticks(ax.yaxis, nice_ticks(0, top * 1.12, log=False), number)
    ax.set_ylabel("HR staff (FTE)", fontfamily=families())
    ax.legend(loc="upper left", fontsize=8.5, frameon=False, prop={"family": families(), "size": 8.5})
    if cost_ax is not None:
        costs = [s.annual_cost for s in curve]
        cost_ax.step(xs, costs, where="post", color=_COST, linewidth=1.8)
        cost_ax.set_ylim(0, max(costs) * 1.15 or 1)
        _fixed_ticks(cost_ax.yaxis, nice_ticks(0, max(costs) * 1.15 or 1, log=False)[::1], _money_tick)
        _fixed_ticks(cost_ax.xaxis, ticks, lambda v: f"{v:,.0f}")
        cost_ax.set_ylabel("Annual HR cost", fontfamily=families())
        cost_ax.set_xlabel("Employees", fontfamily=families())
        ax.tick_params(labelbottom=False)
    else:
        ax.set_xlabel("Employees", fontfamily=families())
    listed = _markers(ax, r)
    title = f"{r.profile.company}: the HR team as the company grows"
    if fig is not None:
        fig.text(
            0.07,
            0.955,
            drawable(title),
            fontsize=14,
            fontweight="bold",
            va="center",
            parse_math=False,
            fontfamily=families(),
        )
        _listing(fig, r, listed, 0.72, 0.90)
    else:
        ax.set_title(
            drawable(title), loc="left", fontsize=12, fontweight="bold", parse_math=False, fontfamily=families()
        )
    return ax


def _fixed_ticks(axis: Any, ticks: list[float], label: Any) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    axis.set_major_locator(FixedLocator(ticks))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(lambda v, _: label(v)))


def _markers(ax: Any, r: Roadmap) -> list[str]:
    """Number the sizes where seats first appear on the FTE line, nudging labels apart; return the list lines."""
    firsts = [m for m in r.milestones if m.event in ("first", "again")]
    listed: list[str] = []
    numbers: dict[int, list[int]] = {}
    for i, m in enumerate(firsts, start=1):
        numbers.setdefault(m.employees, []).append(i)
        listed.append(f"{i:>2}. ~{m.employees:,}: {m.title}{' (again)' if m.event == 'again' else ''}")
    fig = ax.figure
    to_display = ax.transData
    frame = ax.get_window_extent()
    points = fig.dpi / 72
    placed: list[tuple[float, float, float, float]] = []
    curve = r.curve
    for employees, marks in sorted(numbers.items()):
        fte = next((s.hr_fte for s in reversed(curve) if s.employees <= employees), 0.0)
        label = str(marks[0]) if len(marks) == 1 else f"{marks[0]}-{marks[-1]}"
        w, h = (len(label) * 5.2 + 8) * points, 13 * points
        x, y = to_display.transform((employees, fte))
        spot = None
        for dy in (14, -14, 28, -28, 42, -42, 56, -56, 70, 84, 98):
            box = (x - w / 2, y + dy * points - h / 2, x + w / 2, y + dy * points + h / 2)
            inside = frame.x0 <= box[0] and box[2] <= frame.x1 and frame.y0 <= box[1] and box[3] <= frame.y1
            if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                spot = (dy, box)
                break
        if spot is None:
            spot = (14, (x - w / 2, y + 14 * points - h / 2, x + w / 2, y + 14 * points + h / 2))
        dy, box = spot
        placed.append(box)
        arrow = (
            {"arrowstyle": "-", "color": _MARK, "linewidth": 0.7, "shrinkA": 0, "shrinkB": 2} if abs(dy) > 14 else None
        )
        ax.annotate(
            label,
            (employees, fte),
            xytext=(0, dy),
            textcoords="offset points",
            fontsize=7.5,
            color="white",
            ha="center",
            va="center",
            fontfamily=families(),
            parse_math=False,
            zorder=5,
            arrowprops=arrow,
            bbox={"boxstyle": "round,pad=0.25", "facecolor": _MARK, "edgecolor": "none"},
        )
    return listed


def _listing(fig: Any, r: Roadmap, lines: list[str], x: float, top: float) -> None:
    """Beside the panels: the numbered thresholds, then the team at a few sizes, filling the column."""
    per_line = 8.5 * 1.45 / 72 / fig.get_figheight()
    bottom = 0.09
    if lines:
        fig.text(
            x,
            top,
            "Where seats first appear",
            fontsize=10,
            fontweight="bold",
            va="top",
            fontfamily=families(),
            parse_math=False,
        )
        room = int((top - 0.05 - bottom - 0.25) / per_line)
        shown = (
            lines
            if len(lines) <= room
            else [*lines[: room - 1], f"... and {len(lines) - room + 1:,} more in roadmap.xlsx"]
        )
        fig.text(
            x,
            top - 0.045,
            drawable("\n".join(shown)),
            fontsize=8.5,
            va="top",
            family=families(mono=True),
            linespacing=1.45,
            parse_math=False,
        )
        top -= 0.045 + len(shown) * per_line + 0.05
    rows = int((top - bottom - 0.045) / per_line) - 1
    steps = r.steps
    if rows < 2 or not steps:
        return
    picked = sorted(
        {round(i * (len(steps) - 1) / max(1, min(rows, len(steps)) - 1)) for i in range(min(rows, len(steps)))}
    )
    table = [f"{'Employees':>9}  {'HR FTE':>7}  {'Annual cost':>12}"]
    table += [
        f"{steps[i].employees:>9,}  {steps[i].hr_fte:>7,.1f}  {'$' + format(round(steps[i].annual_cost), ','):>12}"
        for i in picked
    ]
    fig.text(
        x,
        top,
        "The team at each size",
        fontsize=10,
        fontweight="bold",
        va="top",
        fontfamily=families(),
        parse_math=False,
    )
    fig.text(
        x,
        top - 0.045,
        "\n".join(table),
        fontsize=8.5,
        va="top",
        family=families(mono=True),
        linespacing=1.45,
        parse_math=False,
    )


def render_roadmap(r: Roadmap, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
    """Write the roadmap chart as .png, .svg or .pdf, atomically."""
    from orgplan.outputs.charts.org_chart import write_figure

    return write_figure(draw_roadmap(r).figure, path, dpi)
