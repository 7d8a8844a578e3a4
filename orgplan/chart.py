"""Draw a plan's org chart with matplotlib, to PNG, SVG or PDF.

matplotlib is imported here only, with the non-interactive Agg backend, so charts
render on machines without a display and ``import orgplan`` stays light.
"""

from __future__ import annotations

import math
import os
import textwrap
from pathlib import Path
from typing import Any

from .chart_layout import Box, Layout, layout_chart
from .errors import OptionError
from .files import atomic_path
from .model import Plan
from .report import money
from .validation import suggest

__all__ = ["FAMILY_STYLE", "draw_chart", "render_chart", "CHART_FORMATS"]

CHART_FORMATS = (".png", ".svg", ".pdf")
# Fill, text colour and legend label by family; the executive is drawn as outside HR.
FAMILY_STYLE = {
    "executive": ("#FFFFFF", "#3A3A3A", "Executive (outside HR)"),
    "leadership": ("#1F3A5F", "#FFFFFF", "HR leadership"),
    "generalist": ("#2E7D5B", "#FFFFFF", "Generalists and business partners"),
    "specialist": ("#F0B441", "#1A1A1A", "Specialists"),
    "support": ("#C9D6DF", "#1A1A1A", "Support"),
}
_OPTIONS = {"direction", "levels", "root", "expand", "detail", "marks", "note"}
_STYLE_OPTIONS = ("detail", "marks", "note")
# Tags for charts compared with a current team: seat status -> (tag colour, legend label).
MARK_STYLE = {
    "new": ("#C0392B", "New seat to fill"),
    "changed": ("#6C3483", "Current seat, changed"),
    "kept": ("#566573", "Current seat, kept"),
}
_DETAILS = ("functions", "cost", "none")
TITLE_PT, BODY_PT, MARGIN = 8.5, 7.0, 0.4
HEADER, FOOTER = 1.0, 0.75  # inches above and below the boxes
MAX_PNG_PIXELS = 32000  # per side


def _split_options(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check chart options; return the layout options and the drawing options."""
    for key in options:
        if key not in _OPTIONS:
            raise OptionError(f"unknown chart option {key!r}{suggest(key, _OPTIONS)}; expected any of: {', '.join(sorted(_OPTIONS))}")
    detail = options.get("detail", "functions")
    if detail not in _DETAILS:
        raise OptionError(f"expected one of {', '.join(_DETAILS)}, got {detail!r}", where="detail")
    marks = options.get("marks") or {}
    bad = sorted({v for v in marks.values() if v not in MARK_STYLE})
    if bad:
        raise OptionError(f"unknown seat mark(s) {', '.join(map(repr, bad))}; expected {', '.join(MARK_STYLE)}", where="marks")
    look = {"detail": detail, "marks": marks, "note": options.get("note")}
    return {k: v for k, v in options.items() if k not in _STYLE_OPTIONS}, look


def draw_chart(plan: Plan, ax: Any = None, **options: Any) -> Any:
    """Draw the org chart of ``plan`` onto a matplotlib Axes (a new figure when ``ax`` is None) and return the Axes.

    Options: ``direction`` ('tb' or 'lr'), ``levels`` (show only the first N levels),
    ``root`` (a seat id: draw that seat and everything below it), ``expand`` (draw every
    seat instead of grouping identical ones), ``detail`` ('functions', 'cost' or 'none'),
    ``marks`` (seat id -> 'new', 'changed' or 'kept': tags each box, as when comparing
    with a current team) and ``note`` (extra lines under the chart).

    >>> from orgplan import plan, profile_from_dict
    >>> ax = draw_chart(plan(profile_from_dict({"company": "Acme", "employees": 300})))
    >>> ax.figure.texts[0].get_text()
    'Acme - recommended HR organisation'
    """
    layout_options, look = _split_options(options)
    return _draw(plan, layout_chart(plan, **layout_options), ax, **look)


def _draw(plan: Plan, layout: Layout, ax: Any, detail: str = "functions", marks: dict[str, str] | None = None, note: str | None = None) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import FancyBboxPatch, Patch

    s = plan.summary
    title = f"{plan.profile.company} - recommended HR organisation"
    footer = (
        f"HR seats: {s['hr_headcount']:,}   FTE: {s['hr_fte']:,.2f}   HR staff per 100 employees: {s['hr_per_100']:.2f}\n"
        f"Annual cost: {money(s['annual_cost'])}   Employees: {s['employees']:,}"
    )
    handles = [Patch(facecolor=FAMILY_STYLE[f][0], edgecolor="#3A3A3A", linestyle="--" if f == "executive" else "-", label=FAMILY_STYLE[f][2]) for f in FAMILY_STYLE if any(b.family == f for b in layout.boxes)]
    if marks:
        handles += [Patch(facecolor=colour, edgecolor="none", label=label) for m, (colour, label) in MARK_STYLE.items() if m in marks.values()]
    if note:
        footer += "\n" + note
    ncol = len(handles)
    own = ax is None
    if own:  # one data unit is one inch, so text sizes hold at 100% zoom
        fig_w, fig_h = _figsize(layout)
        fig_w = max(fig_w, 0.12 * len(title) + 0.6)  # room for the title
        ncol = max(1, min(len(handles), int((fig_w - 0.5) / 2.3)))
        legend_extra = 0.22 * (math.ceil(len(handles) / ncol) - 1)
        note_extra = 0.19 * (note.count("\n") + 1) if note else 0.0
        fig_h += legend_extra + note_extra
        fig = plt.figure(figsize=(fig_w, fig_h))
        ax = fig.add_axes((0, (FOOTER + note_extra) / fig_h, 1, (layout.height + MARGIN) / fig_h))
        spare = (fig_w - layout.width) / 2
        ax.set_xlim(-spare, layout.width + spare)
    else:
        ax.set_xlim(-MARGIN, layout.width + MARGIN)
        ax.set_aspect("equal")
    fig = ax.figure
    ax.set_ylim(layout.height + MARGIN / 2, -MARGIN / 2)
    ax.axis("off")
    ax.add_collection(LineCollection([pts for _, _, pts in layout.connectors], colors="#7A869A", linewidths=1.0, zorder=1))
    patches, faces, edges, styles = [], [], [], []
    for box in layout.boxes:
        left, top, _, _ = box.bounds
        patches.append(FancyBboxPatch((left, top), box.width, box.height, boxstyle="round,pad=0,rounding_size=0.06"))
        fill, _, _ = FAMILY_STYLE[box.family]
        faces.append(fill)
        edges.append("#3A3A3A" if box.family == "executive" else "#FFFFFF")
        styles.append("--" if box.family == "executive" else "-")
    ax.add_collection(PatchCollection(patches, facecolors=faces, edgecolors=edges, linestyles=styles, linewidths=1.2, zorder=2))
    for box in layout.boxes:
        _label(ax, box, detail, plan)
        if marks:
            _tag(ax, box, marks)
    legend = {"handles": handles, "ncol": ncol, "fontsize": 7.5, "frameon": False, "handlelength": 1.6, "columnspacing": 1.2}
    if own:
        w, h = fig.get_figwidth(), fig.get_figheight()
        fig.text(0.3 / w, 1 - 0.25 / h, title, fontsize=13, fontweight="bold", color="#1A1A1A", ha="left", va="top")
        fig.legend(loc="upper left", bbox_to_anchor=(0.25 / w, 1 - 0.55 / h), borderaxespad=0, **legend)
        fig.text(0.3 / w, 0.15 / h, footer, fontsize=8.5, color="#333333", ha="left", va="bottom", linespacing=1.5)
    else:
        ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
        ax.legend(loc="upper left", **legend)
        ax.text(0, 0, footer, transform=ax.transAxes, fontsize=8, color="#333333", ha="left", va="top")
    return ax


def _label(ax: Any, box: Box, detail: str, plan: Plan) -> None:
    _, colour, _ = FAMILY_STYLE[box.family]
    # Conservative average glyph widths (DejaVu Sans) keep wrapped text inside the box.
    chars = int((box.width * 72 - 10) / (TITLE_PT * 0.68))
    title = box.title + (f" x {box.count}" if box.count > 1 else "")
    title_lines = textwrap.wrap(title, chars, max_lines=3, placeholder="...")
    body_chars = int((box.width * 72 - 10) / (BODY_PT * 0.6))
    body = _detail(box, detail, plan)
    body_lines = textwrap.wrap(body, body_chars, max_lines=4 - len(title_lines), placeholder="...") if body else []
    line_h = 0.15
    total = len(title_lines) * line_h + len(body_lines) * (line_h - 0.02)
    y = box.y - total / 2 + line_h / 2
    for line in title_lines:
        ax.text(box.x, y, line, ha="center", va="center", fontsize=TITLE_PT, fontweight="bold", color=colour, zorder=3)
        y += line_h
    for line in body_lines:
        ax.text(box.x, y, line, ha="center", va="center", fontsize=BODY_PT, color=colour, zorder=3)
        y += line_h - 0.02


def _tag(ax: Any, box: Box, marks: dict[str, str]) -> None:
    """A small label on the box's top edge: NEW / CHANGED / KEPT, or counts for a mixed group."""
    counts: dict[str, int] = {}
    for seat_id in box.seat_ids:
        if seat_id in marks:
            counts[marks[seat_id]] = counts.get(marks[seat_id], 0) + 1
    if not counts:
        return
    main = max(counts, key=lambda m: (counts[m], m == "new"))
    text = main.upper() if len(counts) == 1 else ", ".join(f"{n} {m}" for m, n in sorted(counts.items()))
    left, top, _, _ = box.bounds
    ax.text(left + box.width - 0.06, top, text, ha="right", va="center", fontsize=6, fontweight="bold", color="white", zorder=4,
            bbox={"boxstyle": "round,pad=0.18", "facecolor": MARK_STYLE[main][0], "edgecolor": "none"})


def _detail(box: Box, detail: str, plan: Plan) -> str:
    parts = []
    if box.team:
        parts.append(f"leads {box.team[0]} x {box.team[1]}")
    elif box.family == "executive":
        parts.append("outside HR")
    elif detail == "functions" and box.functions:
        labels = [plan.templates.functions[f].label if plan.templates else f for f in box.functions]
        parts.append(labels[0] if len(labels) == 1 else f"{len(labels)} HR functions" if len(labels) > 3 else ", ".join(labels))
    elif detail == "cost":
        parts.append(money(box.cost) + " a year")
    if box.fte != 1 and box.family != "executive":
        parts.append(f"{box.fte:g} FTE")
    if box.hidden_below:
        parts.append(f"+{box.hidden_below} below")
    return " | ".join(parts)


def _figsize(layout: Layout) -> tuple[float, float]:
    return (max(layout.width + 2 * MARGIN, 6.5), layout.height + MARGIN + HEADER + FOOTER)


def render_chart(plan: Plan, path: str | os.PathLike[str], *, dpi: int = 150, **options: Any) -> Path:
    """Write the org chart to ``path``; the format follows the extension (.png, .svg, .pdf).

    A PDF of a plan with several top-level branches gets an overview page and then one
    page per branch, so nothing is ever cropped. The file appears only when complete.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CHART_FORMATS:
        raise OptionError(f"cannot write a chart as {suffix or 'a file without extension'!r}; use .png, .svg or .pdf", path=target)
    layout_options, look = _split_options(options)
    pages = _pdf_pages(plan, layout_options) if suffix == ".pdf" else [layout_chart(plan, **layout_options)]
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if suffix == ".png":
        width, height = _figsize(pages[0])
        dpi = min(dpi, int(MAX_PNG_PIXELS / max(width, height)))
        if dpi < 72:
            raise OptionError("the chart is too large for a sharp PNG; write .svg or .pdf, or use --levels or --root", path=target)
    with atomic_path(target) as tmp:
        if suffix == ".pdf":
            from matplotlib.backends.backend_pdf import PdfPages

            with PdfPages(tmp) as pdf:
                for page in pages:
                    ax = _draw(plan, page, None, **look)
                    pdf.savefig(ax.figure)
                    plt.close(ax.figure)
        else:
            ax = _draw(plan, pages[0], None, **look)
            ax.figure.savefig(tmp, format=suffix[1:], dpi=dpi, facecolor="white")
            plt.close(ax.figure)
    return target


def pdf_branches(plan: Plan) -> list[str]:
    """Seat ids that get a PDF page each: the teams below the first seat that has several."""
    graph = plan.graph
    node = plan.root.id
    while graph.out_degree(node) == 1:
        node = next(iter(graph.successors(node)))
    return [c for c in graph.successors(node) if graph.out_degree(c) > 0]


def _pdf_pages(plan: Plan, options: dict[str, Any]) -> list[Layout]:
    """One page for the whole chart, or an overview and a page per branch when there are several."""
    narrowed = options.get("root") is not None or options.get("levels") is not None
    branches = [] if narrowed else pdf_branches(plan)
    if len(branches) < 2:
        return [layout_chart(plan, **options)]
    return [layout_chart(plan, **dict(options, levels=3))] + [layout_chart(plan, **dict(options, root=b)) for b in branches]
