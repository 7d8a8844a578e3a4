"""Draw a plan's org chart with matplotlib, to PNG, SVG or PDF.

A PNG or SVG is shaped for a 16:9 slide: the levels drawn, the direction and the
stacking of teams are chosen so that the chart fits 13.33 x 7.5 inches with no text
under 8 pt, and what is folded away is said on the boxes and under the chart. A PDF
goes on Letter (or A4) pages: an overview, then a page for every folded branch and,
when seats serve business units or countries, a page for each.

Drawing uses ``matplotlib.figure.Figure`` objects only, never pyplot's global state, so
charts can be drawn in several threads at once; matplotlib is imported only here, inside
the functions, so ``import orgplan`` stays light. Text from users (company names, titles)
is drawn as it is, never read as mathtext, and an SVG keeps its text as text.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from orgplan.core.files import atomic_path, output_time
from orgplan.errors import OptionError
from orgplan.knowledge.catalog import OUTSIDE_HR
from orgplan.model.plan import Plan
from orgplan.outputs.charts.layout import BAND, BODY_PT, PAD_Y, TITLE_PT, UNIT, Box, layout_chart, line_height
from orgplan.outputs.charts.pages import (
    CAPTION_PT,
    FOOT_FONT,
    LEGEND_FONT,
    MARGIN,
    MIN_SLIDE_WIDTH,
    PAPER,
    SLIDE,
    SUB_FONT,
    TITLE_FONT,
    ChartOptions,
    Page,
    chart_options,
    chart_pages,
    chart_title,
    company_totals,
    fit_layout,
    fold_notes,
    frame_for,
    slide_page,
)
from orgplan.outputs.charts.style import (
    DOTTED,
    FAMILY_STYLE,
    LINE,
    MARK_STYLE,
    family_colours,
    legend_for,
    mark_style,
    outside_style,
)
from orgplan.outputs.charts.text import drawable, families, measure

__all__ = [
    "FAMILY_STYLE",
    "MARK_STYLE",
    "CHART_FORMATS",
    "PAPER",
    "SLIDE",
    "draw_chart",
    "render_chart",
    "chart_pages",
    "measure",
    "save_figure",
    "Page",
]

CHART_FORMATS = (".png", ".svg", ".pdf", ".pptx")
MAX_PNG_PIXELS = 32000  # per side, for charts drawn at their natural size (fit=False)
_FILE_LOCK = threading.Lock()  # SVG and PDF text settings are global matplotlib settings


def _new_figure(width: float, height: float, dpi: float = 100) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _text(target: Any, x: float, y: float, s: str, **kw: Any) -> Any:
    """Text as it is: never mathtext (a company called '$5M Widgets $' stays as typed); see :func:`drawable`."""
    return target.text(x, y, drawable(s), parse_math=False, fontfamily=families(), **kw)


def _sheet(plan: Plan, page: Page, opts: ChartOptions, size: tuple[float, float] | None) -> Any:
    """A Figure holding one page: header, legend, boxes, footer. ``size`` None: shaped for a slide."""
    layout = page.layout
    legend = legend_for(plan, layout, opts.marks)
    if size is None:
        width = max(MIN_SLIDE_WIDTH, min(SLIDE[0], layout.width + 2 * MARGIN))
        if layout.width + 2 * MARGIN > SLIDE[0]:  # only when nothing fitted: the picture grows, text stays legible
            width = layout.width + 2 * MARGIN
        frame = frame_for(page, legend, width)
        height = frame.header_h + layout.height + frame.footer_h
        if width / height > 2.19:  # within 2.2:1 once rounded to whole pixels
            height = width / 2.19
        if width / height < 1.34:  # a slide's shape, never a square: room on the sides instead
            width = height * 1.34
            frame = frame_for(page, legend, width)
        scale = 1.0
    else:
        width, height = size
        frame = frame_for(page, legend, width)
        room_w, room_h = width - 2 * MARGIN, height - frame.header_h - frame.footer_h
        scale = min(1.0, room_w / max(layout.width, 1e-9), room_h / max(layout.height, 1e-9))
    fig = _new_figure(width, height)
    inches = fig.dpi_scale_trans
    top = height - MARGIN
    for line in frame.title:
        top -= TITLE_FONT * 1.25 / 72
        _text(
            fig,
            MARGIN,
            top,
            line,
            transform=inches,
            fontsize=TITLE_FONT,
            fontweight="bold",
            color="#1A1A1A",
            va="baseline",
        )
    if frame.number:
        _text(
            fig,
            width - MARGIN,
            height - MARGIN - TITLE_FONT * 1.25 / 72,
            frame.number,
            transform=inches,
            fontsize=SUB_FONT,
            color="#333333",
            ha="right",
            va="baseline",
        )
    if frame.heading:
        top -= 0.25
        _text(
            fig,
            MARGIN,
            top,
            frame.heading,
            transform=inches,
            fontsize=SUB_FONT + 1,
            fontweight="bold",
            color="#1F3A5F",
            va="baseline",
        )
    top -= 0.1
    for row in frame.legend:
        top -= 0.22
        for x, label, swatch in row:
            _swatch(fig, MARGIN + x, top + 0.02, swatch)
            _text(
                fig,
                MARGIN + x + 0.34,
                top + 0.08,
                label,
                transform=inches,
                fontsize=LEGEND_FONT,
                color="#1A1A1A",
                va="center",
            )
    y = frame.footer_h - 0.12
    for line in frame.footer:
        y -= FOOT_FONT * 1.4 / 72
        _text(fig, MARGIN, y, line, transform=inches, fontsize=FOOT_FONT, color="#333333", va="baseline")
    room_h = height - frame.header_h - frame.footer_h
    ax = fig.add_axes((MARGIN / width, frame.footer_h / height, (width - 2 * MARGIN) / width, room_h / height))
    ax.axis("off")
    span_w, span_h = (width - 2 * MARGIN) / scale, room_h / scale
    ax.set_xlim((layout.width - span_w) / 2, (layout.width + span_w) / 2)
    ax.set_ylim((layout.height + span_h) / 2, (layout.height - span_h) / 2)
    _boxes(ax, plan, page, scale)
    return fig


def _swatch(fig: Any, x: float, y: float, swatch: dict[str, Any]) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    inches = fig.dpi_scale_trans
    if swatch.get("line"):
        fig.add_artist(
            Line2D(
                [x, x + 0.26],
                [y + 0.06, y + 0.06],
                transform=inches,
                color=DOTTED,
                linestyle=(0, (3, 2)),
                linewidth=1.3,
            )
        )
        return
    fig.add_artist(
        Rectangle(
            (x, y),
            0.26,
            0.13,
            transform=inches,
            facecolor=swatch["face"],
            edgecolor=swatch.get("edge", "none"),
            linestyle=swatch.get("ls", "-"),
            linewidth=swatch.get("lw", 0.8),
        )
    )
    if swatch.get("band"):
        fig.add_artist(
            Rectangle(
                (x, y + 0.09), 0.26, 0.04, transform=inches, facecolor=FAMILY_STYLE["leadership"][0], edgecolor="none"
            )
        )
    if swatch.get("strip"):
        for i, family in enumerate(("generalist", "specialist", "support")):
            fig.add_artist(
                Rectangle(
                    (x + i * 0.0867, y),
                    0.0867,
                    0.04,
                    transform=inches,
                    facecolor=FAMILY_STYLE[family][0],
                    edgecolor="none",
                )
            )


def _boxes(ax: Any, plan: Plan, page: Page, scale: float) -> None:
    """Connectors, dotted lines, boxes, bands and text, in inches (y down)."""
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import FancyBboxPatch, Rectangle

    layout = page.layout
    ax.add_collection(
        LineCollection([pts for _, _, pts in layout.connectors], colors=LINE, linewidths=1.0, zorder=1, clip_on=False)
    )
    by_id = {b.id: b for b in layout.boxes}
    if layout.dotted:
        lines = [_between(by_id[a], by_id[b]) for a, b in layout.dotted]
        ax.add_collection(
            LineCollection(
                lines, colors=DOTTED, linewidths=1.3, linestyles=[(0, (3, 2))], zorder=1.5, clip_on=False, gid="dotted"
            )
        )
    patches, faces, edges, styles, widths, extras = [], [], [], [], [], []
    for box in layout.boxes:
        left, top, right, bottom = box.bounds
        family = box.team_family or box.family
        fill, _ = family_colours(family)
        if box.family in OUTSIDE_HR:
            outline = outside_style(box.family)
            face, edge, ls, lw = fill, outline["edge"], outline["ls"], outline["lw"]
        elif box.kind == UNIT:
            face, edge, ls, lw = fill, LINE, "-", 1.0
        else:
            face, edge, ls, lw = mark_style(box.mark, fill)
        patches.append(FancyBboxPatch((left, top), box.width, box.height, boxstyle="round,pad=0,rounding_size=0.05"))
        faces.append(face)
        edges.append(edge)
        styles.append(ls)
        widths.append(lw)
        if box.team_ids:
            extras.append((Rectangle((left + 0.05, top), box.width - 0.1, BAND), FAMILY_STYLE["leadership"][0]))
        if box.below:
            total = sum(n for _, n in box.below)
            extras.append((Rectangle((left + 0.04, bottom - BAND - 0.015), box.width - 0.08, BAND + 0.015), "#FFFFFF"))
            x = left + 0.05
            for fam, n in box.below:
                w = (box.width - 0.1) * n / total
                extras.append((Rectangle((x, bottom - BAND), w, BAND), family_colours(fam)[0]))
                x += w
    ax.add_collection(
        PatchCollection(
            patches,
            facecolors=faces,
            edgecolors=edges,
            linestyles=styles,
            linewidths=widths,
            zorder=2,
            clip_on=False,
            gid="boxes",
        )
    )
    if extras:
        ax.add_collection(
            PatchCollection(
                [r for r, _ in extras], facecolors=[c for _, c in extras], edgecolors="none", zorder=2.5, clip_on=False
            )
        )
    for box in layout.boxes:
        _label(ax, box, page.refs.get(box.id), scale)
    for left, top, caption in layout.captions:  # the heading of each branch sharing the page
        for i, line in enumerate(caption):
            _text(
                ax,
                left,
                top + (i + 0.5) * CAPTION_PT * 1.3 / 72,
                line,
                ha="left",
                va="center",
                fontsize=CAPTION_PT * scale,
                fontweight="bold",
                color="#1F3A5F",
                zorder=3,
                clip_on=False,
            )


def _between(a: Box, b: Box) -> list[tuple[float, float]]:
    """The straight line from box ``a`` to box ``b``, from edge to edge."""

    def edge(box: Box, dx: float, dy: float) -> tuple[float, float]:
        t = min(box.width / 2 / abs(dx) if dx else float("inf"), box.height / 2 / abs(dy) if dy else float("inf"))
        return (box.x + dx * t, box.y + dy * t)

    dx, dy = b.x - a.x, b.y - a.y
    return [edge(a, dx, dy), edge(b, -dx, -dy)]


def _label(ax: Any, box: Box, ref: str | None, scale: float) -> None:
    family = box.team_family or box.family
    colour = "#1A1A1A" if box.mark == "new" else family_colours(family)[1]
    lines = [(style, ref if style == "ref" and ref else text) for style, text in box.lines if style != "ref" or ref]
    used = sum(line_height(style) for style, _ in lines)
    top = box.bounds[1] + (BAND if box.team_ids else 0.0)
    room = box.height - (BAND if box.team_ids else 0.0) - (BAND if box.hidden else 0.0)
    y = top + max(PAD_Y, (room - used) / 2)
    for style, text in lines:
        h = line_height(style)
        weight = "bold" if style == "title" else "normal"
        size = (TITLE_PT if style == "title" else BODY_PT) * scale
        _text(
            ax,
            box.x,
            y + h / 2,
            text,
            ha="center",
            va="center",
            fontsize=size,
            fontweight=weight,
            color=colour,
            zorder=3,
            fontstyle="italic" if style == "ref" else "normal",
            clip_on=False,
        )
        y += h


def draw_chart(plan: Plan, ax: Any = None, **options: Any) -> Any:
    """Draw the org chart of ``plan`` onto a matplotlib Axes (a new Figure when ``ax`` is None) and return the Axes.

    Options: ``direction`` ('tb', 'lr' or 'auto'), ``levels`` (the first N levels, or
    'auto': as many as fit), ``root`` (a seat id: that seat and everything below it),
    ``unit`` (the seats of one business unit or country), ``expand`` (every seat in its
    own box), ``detail`` ('functions', 'cost' or 'none'), ``marks`` (seat id -> 'new',
    'changed' or 'kept', as when comparing with a current team) or ``gap`` (a
    comparison: marks, title and cost difference from it), ``note`` (extra lines under
    the chart) and ``fit`` (False: draw at natural size instead of fitting a slide).

    >>> from orgplan import plan, profile_from_dict
    >>> ax = draw_chart(plan(profile_from_dict({"company": "Acme", "employees": 300})))
    >>> ax.figure.texts[0].get_text()
    'Acme - recommended HR organisation'
    """
    opts = chart_options(options)
    if ax is None:
        return _sheet(plan, slide_page(plan, opts), opts, None).axes[0]
    fig = ax.figure
    box = ax.get_position()
    canvas = (box.width * fig.get_figwidth(), box.height * fig.get_figheight() - 1.2)
    layout = fit_layout(plan, opts, canvas) if opts.fit else layout_chart(plan, **opts.layout, measure=measure)
    page = Page(layout, chart_title(plan, opts), footer=company_totals(plan, opts) + fold_notes(layout, opts, "slide"))
    ax.axis("off")
    ax.set_xlim(0, layout.width)
    ax.set_ylim(layout.height, 0)
    ax.set_aspect("equal", adjustable="box")
    _boxes(ax, plan, page, 1.0)
    handles = _handles(legend_for(plan, layout, opts.marks))
    columns = max(1, min(len(handles), 3))
    rows = -(-len(handles) // columns)
    ax.set_title(
        drawable(page.title),
        loc="left",
        fontsize=12,
        fontweight="bold",
        parse_math=False,
        fontfamily=families(),
        pad=8 + 13 * rows,
    )
    legend = ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1),
        fontsize=8,
        frameon=False,
        ncol=columns,
        borderaxespad=0.2,
        prop={"family": families(), "size": 8},
    )
    for t in legend.get_texts():
        t.set_parse_math(False)
    _text(
        ax, 0, -0.03, "\n".join(page.footer), transform=ax.transAxes, fontsize=8, color="#333333", ha="left", va="top"
    )
    return ax


def _handles(legend: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    return [
        Line2D([], [], color=DOTTED, linestyle="--", label=drawable(label))
        if s.get("line")
        else Patch(
            facecolor=s["face"], edgecolor=s.get("edge", "none"), linestyle=s.get("ls", "-"), label=drawable(label)
        )
        for label, s in legend
    ]


def render_chart(plan: Plan, path: str | os.PathLike[str], *, dpi: int = 150, **options: Any) -> Path:
    """Write the org chart to ``path``; the format follows the extension (.png, .svg, .pdf, .pptx).

    A PNG or SVG fits a 16:9 slide; a PDF has Letter pages (``paper='a4'`` for A4): an
    overview, then every folded branch and every business unit or country on pages of
    their own, each with the title, what it shows, 'page X of N' and its own totals. A
    PowerPoint deck has 16:9 slides of shapes and connectors a leader can edit: the
    overview folded as the PNG is, then the folded branches and units as in the PDF, and
    each seat's reason in the speaker notes. The file appears only when complete.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CHART_FORMATS:
        raise OptionError(
            f"cannot write a chart as {suffix or 'a file without extension'!r}; use .png, .svg, .pdf or .pptx",
            path=target,
        )
    opts = chart_options(options)
    if suffix == ".pptx":
        from orgplan.outputs.charts.slides import render_pptx

        return render_pptx(plan, target, opts)
    if suffix == ".pdf":
        pages = chart_pages(plan, **options)
        figures = [_sheet(plan, page, opts, PAPER[opts.paper]) for page in pages]
        import matplotlib
        from matplotlib.backends.backend_pdf import PdfPages

        with (
            atomic_path(target) as tmp,
            _FILE_LOCK,
            matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}),
            PdfPages(tmp, metadata={**_metadata("pdf"), "Title": pages[0].title}) as pdf,
        ):
            for fig in figures:
                pdf.savefig(drawable_texts(fig))
        return target
    fig = _sheet(plan, slide_page(plan, opts), opts, None)
    if not opts.fit:
        largest = max(fig.get_figwidth(), fig.get_figheight())
        dpi = min(dpi, int(MAX_PNG_PIXELS / largest))
        if suffix == ".png" and dpi < 72:
            raise OptionError(
                "the chart is too large for a sharp PNG; write .svg or .pdf, or leave fitting on", path=target
            )
    with atomic_path(target) as tmp:
        save_figure(fig, tmp, suffix[1:], dpi)
    return target


def write_figure(fig: Any, path: str | os.PathLike[str], dpi: float = 150) -> Path:
    """Write a one-page Figure as .png, .svg or .pdf (by the extension), atomically."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CHART_FORMATS:
        raise OptionError(
            f"cannot write a chart as {suffix or 'a file without extension'!r}; use .png, .svg or .pdf", path=target
        )
    with atomic_path(target) as tmp:
        save_figure(fig, tmp, suffix[1:], dpi)
    return target


def drawable_texts(fig: Any) -> Any:
    """``fig`` with every text as the chart fonts can draw it (see :func:`drawable`): never a crash, never a box."""
    from matplotlib.text import Text

    for item in fig.findobj(Text):
        text = item.get_text()
        if not text.isascii():
            item.set_text(drawable(text))
    return fig


def save_figure(fig: Any, path: str | os.PathLike[str], fmt: str, dpi: float = 150) -> None:
    """Save a Figure as 'png', 'svg' (text kept as text) or 'pdf' (fonts embedded as TrueType, text searchable)."""
    drawable_texts(fig)
    if fmt == "png":
        fig.savefig(path, format="png", dpi=dpi, facecolor="white")
        return
    import matplotlib

    with _FILE_LOCK, matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        fig.savefig(path, format=fmt, facecolor="white", metadata=_metadata(fmt))


def _metadata(fmt: str) -> dict[str, Any]:
    """What an SVG or PDF says about itself: made by orgplan, at :func:`output_time` (never the time of the run)."""
    stamp = output_time()
    if fmt == "pdf":
        return {"Creator": "orgplan", "CreationDate": stamp}
    return {"Creator": "orgplan", "Date": stamp.strftime("%Y-%m-%dT%H:%M:%S")}
