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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .chart_layout import BAND, BODY_PT, PAD_Y, TITLE_PT, UNIT, Box, Layout, layout_chart, line_height
from .chart_text import NBSP, count_of, number, page_ranges, with_article, wrap
from .errors import OptionError
from .files import atomic_path
from .model import Plan
from .report import money
from .validation import suggest

if TYPE_CHECKING:
    from .gap import Comparison

__all__ = ["FAMILY_STYLE", "MARK_STYLE", "CHART_FORMATS", "PAPER", "SLIDE", "draw_chart", "render_chart", "chart_pages", "measure", "save_figure", "Page"]

CHART_FORMATS = (".png", ".svg", ".pdf")
SLIDE = (13.333, 7.5)  # a 16:9 slide, inches
PAPER = {"letter": (11.0, 8.5), "a4": (11.69, 8.27)}  # landscape, inches
FONT = "DejaVu Sans"  # ships with matplotlib, so text is measured with the font it is drawn in
# Fill and text colour by family; the executive is drawn as outside HR.
FAMILY_STYLE = {
    "executive": ("#FFFFFF", "#4A4A4A"),
    "leadership": ("#1F3A5F", "#FFFFFF"),
    "generalist": ("#2E7D5B", "#FFFFFF"),
    "specialist": ("#F0B441", "#1A1A1A"),
    "support": ("#C9D6DF", "#1A1A1A"),
    UNIT: ("#EEF1F5", "#1A1A1A"),
}
_SPARE_FILLS = ("#8E6C8A", "#5B8DB8", "#B86F52", "#7F8C4D")  # families a custom catalog adds
# Seats compared with a current team: mark -> legend label. New seats are open: a pale
# fill with a dashed outline; changed seats get a thick purple outline; kept seats are plain.
MARK_STYLE = {
    "new": "Open seat to fill (new)",
    "changed": "Current seat, changed",
    "kept": "Current seat, kept",
}
_CHANGED = "#7D3C98"
_LINE = "#7A869A"
_DOTTED = "#34495E"
_OPTIONS = {"direction", "levels", "root", "unit", "expand", "detail", "marks", "note", "gap", "paper", "fit"}
MARGIN = 0.3  # inches around a slide or page
TITLE_FONT, SUB_FONT, LEGEND_FONT, FOOT_FONT = 14.0, 9.5, 8.5, 8.5
MIN_SLIDE_WIDTH = 7.5
MAX_PNG_PIXELS = 32000  # per side, for charts drawn at their natural size (fit=False)
_FILE_LOCK = threading.Lock()  # SVG and PDF text settings are global matplotlib settings


# Measuring text with the font it is drawn in --------------------------------------------

_ADVANCES: dict[tuple[str, bool], float] = {}
_FONTS: dict[bool, Any] = {}
_FONT_LOCK = threading.Lock()


def measure(text: str, points: float, bold: bool = False) -> float:
    """The width in inches of ``text`` drawn in DejaVu Sans at ``points``, with room for hinting at 100 dpi and more."""
    total = 0.0
    for ch in text:
        adv = _ADVANCES.get((ch, bold))
        if adv is None:
            adv = _advance(ch, bold)
        total += adv
    return total * points / 72 * 1.05


def _advance(ch: str, bold: bool) -> float:
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    with _FONT_LOCK:
        if bold not in _FONTS:
            _FONTS[bold] = FT2Font(findfont(FontProperties(family=FONT, weight="bold" if bold else "normal")))
            _FONTS[bold].set_size(100, 72)
        glyph = _FONTS[bold].load_char(ord(ch))
        adv = glyph.linearHoriAdvance / 65536 / 100  # em per point
        _ADVANCES[(ch, bold)] = adv
    return adv


# Options ---------------------------------------------------------------------------------


@dataclass
class _Options:
    layout: dict[str, Any]
    note: str | None = None
    gap: Comparison | None = None
    paper: str = "letter"
    fit: bool = True

    @property
    def marks(self) -> dict[str, str]:
        return self.layout.get("marks") or {}


def _options(options: dict[str, Any]) -> _Options:
    """Check chart options; split them into layout options and the rest."""
    for key in options:
        if key not in _OPTIONS:
            raise OptionError(f"unknown chart option {key!r}{suggest(key, _OPTIONS)}; expected any of: {', '.join(sorted(_OPTIONS))}")
    gap = options.get("gap")
    marks = options.get("marks")
    if marks is None and gap is not None:
        marks = gap.marks
    marks = dict(marks or {})
    bad = sorted({v for v in marks.values() if v not in MARK_STYLE})
    if bad:
        raise OptionError(f"unknown seat mark(s) {', '.join(map(repr, bad))}; expected {', '.join(MARK_STYLE)}", where="marks")
    paper = str(options.get("paper") or "letter").lower()
    if paper not in PAPER:
        raise OptionError(f"unknown paper {paper!r}; expected {' or '.join(PAPER)}", where="paper")
    layout = {k: options[k] for k in ("direction", "levels", "root", "unit", "expand", "detail") if options.get(k) is not None}
    layout.setdefault("levels", "auto")
    layout.setdefault("direction", "auto")
    layout["marks"] = marks
    fit = bool(options.get("fit", True))
    if not fit:
        layout["levels"] = None if layout["levels"] == "auto" else layout["levels"]
        layout["direction"] = "tb" if layout["direction"] == "auto" else layout["direction"]
    return _Options(layout, options.get("note"), gap, paper, fit)


# What goes around the boxes --------------------------------------------------------------


@dataclass
class Page:
    """One chart page: the layout, its headings and footer lines, and page references of folded boxes."""

    layout: Layout
    title: str
    heading: str | None = None  # the branch or unit this page shows
    footer: list[str] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # box id -> 'see page 4'
    number: str | None = None  # 'page 2 of 9'


def _title(plan: Plan, opts: _Options) -> str:
    if opts.gap is not None or opts.marks:
        return f"{plan.profile.company} - HR gap: current team vs recommended organisation"
    return f"{plan.profile.company} - recommended HR organisation"


def _totals(plan: Plan, opts: _Options) -> list[str]:
    """The company-wide footer: totals, where the plan sits against the published range, the gap."""
    s = plan.summary
    band = s.get("benchmark_hr_per_100")
    bench = f" (published range {band['low']:g}-{band['high']:g})" if band else ""
    lines = [
        f"{count_of(s['hr_headcount'], 'HR seat')} · {number(s['hr_fte'])} FTE · {count_of(s['employees'], 'employee')}"
        f" · {s['hr_per_100']:.2f} HR staff per 100 employees{bench} · {money(s['annual_cost'])}{NBSP}a{NBSP}year"
    ]
    if band and band.get("status") in ("above", "below"):
        why = "; ".join(band.get("reasons") or [])
        lines.append(f"{band['status'].capitalize()} the published range of {band['low']:g}-{band['high']:g} HR staff per 100 employees for this size" + (f": {why}" if why else "."))
    marks = opts.marks
    if marks:
        open_seats = sum(1 for m in marks.values() if m == "new")
        lines.append(f"{count_of(open_seats, 'open seat')} to fill, drawn with a dashed outline.")
    if opts.gap is not None:
        gap = opts.gap
        now = gap.summaries()["current"]
        diff = gap.cost_difference
        lines.append(
            f"Current team: {count_of(now['hr_headcount'], 'seat')}, {money(gap.current_cost)} a year. Recommended: "
            f"{count_of(s['hr_headcount'], 'seat')}, {money(s['annual_cost'])} a year. Cost difference: {'+' if diff >= 0 else '-'}{money(abs(diff))} a year."
        )
        lost = [f"{m.current.title} ({m.current.id})" for m in gap.excess if m.current is not None]
        lines.append("Current seats with no place in this structure: " + (", ".join(lost) if lost else "none") + ".")
    return lines


def _branch_totals(plan: Plan, layout: Layout, heading: str | None) -> str:
    ids = {i for b in layout.boxes for i in (*b.seat_ids, *b.hidden)}
    seats = [s for s in plan.hr_seats if s.id in ids]
    what = "This branch" if (heading or "").startswith("Branch") else "These seats"
    return f"{what}: {count_of(len(seats), 'HR seat')} · {number(sum(s.fte for s in seats))} FTE · Annual cost: {money(sum(s.annual_cost for s in seats))}"


def _notes(layout: Layout, opts: _Options, mode: str) -> list[str]:
    """Lines under the chart: what is folded and where it is drawn ('slide', 'pages' or 'narrowed' mode), costs, the note."""
    lines = []
    if layout.folded:
        where = {"pages": "continued on the pages named", "narrowed": "a PDF without --levels draws them all",
                 "slide": "all drawn in a PDF: orgplan chart PROFILE -o chart.pdf"}[mode]
        shown = f"Showing {layout.levels} of {layout.total_levels} levels; " if layout.levels < layout.total_levels else ""
        lines.append(f"{shown}{count_of(layout.folded, 'seat')} folded into the '+N below' boxes ({where}).")
    if opts.layout.get("detail") == "cost":
        lines.append("Costs are yearly, salary and benefits: each seat's and in all for a box; the amounts in all add up to the annual cost.")
    if opts.note:
        lines.append(opts.note)
    return lines


def _legend(plan: Plan, layout: Layout, marks: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """(label, swatch) for what this chart shows."""
    teams = [b.team_family for b in layout.boxes if b.team_family]
    return _legend_entries(
        plan, {b.family for b in layout.boxes} | set(teams), teams[0] if teams else None, any(b.hidden for b in layout.boxes),
        any(b.kind == UNIT for b in layout.boxes), bool(layout.dotted), set(marks.values()) & {m for b in layout.boxes if (m := b.mark)},
    )


def _legend_all(plan: Plan, opts: _Options) -> list[tuple[str, dict[str, Any]]]:
    """Every legend entry this plan's chart could need: room is kept for them when fitting."""
    kids: dict[str, list[Any]] = {}
    for s in plan.seats:
        kids.setdefault(s.reports_to or "", []).append(s)
    teams = [k[0].family for sid, k in kids.items() if sid and len({(x.title, x.id in kids) for x in k}) == 1 and k[0].id not in kids]
    ids = {s.id for s in plan.seats}
    return _legend_entries(plan, {s.family for s in plan.seats}, teams[0] if teams else None, True, any(_label_of(s) for s in plan.seats),
                           any(s.dotted_to in ids for s in plan.seats), set(opts.marks.values()))


def _legend_entries(plan: Plan, families: set[str], team: str | None, folded: bool, units: bool, dotted: bool, marks: set[str]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for key, fam in plan.templates.families.items():
        if key in families:
            out.append((fam.label, {"face": _family_colours(key)[0], "edge": _LINE if key == "executive" else "#3A3A3A"}))
    if team:
        out.append(("Lead and team (band: the lead)", {"face": _family_colours(team)[0], "band": True}))
    if folded:
        out.append(("Seats folded below, by family", {"face": "#FFFFFF", "edge": "#BBBBBB", "strip": True}))
    if units:
        out.append(("Business unit or country", {"face": FAMILY_STYLE[UNIT][0], "edge": _LINE}))
    if dotted:
        out.append(("Dotted line", {"line": True}))
    for mark, label in MARK_STYLE.items():
        if mark in marks:
            face, edge, ls, lw = _mark_style(mark, FAMILY_STYLE["support"][0])
            out.append((label, {"face": face, "edge": edge, "ls": ls, "lw": lw}))
    return out


def _family_colours(family: str) -> tuple[str, str]:
    if family in FAMILY_STYLE:
        return FAMILY_STYLE[family]
    return (_SPARE_FILLS[sum(map(ord, family)) % len(_SPARE_FILLS)], "#FFFFFF")


def _tint(colour: str, share: float = 0.35) -> str:
    """``colour`` mixed with white, keeping ``share`` of it."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * share):02X}" for c in (r, g, b))


def _mark_style(mark: str | None, fill: str) -> tuple[str, str, str, float]:
    """(face, edge colour, line style, line width) of a box by its mark."""
    if mark == "new":
        return (_tint(fill), "#1A1A1A", "--", 1.5)
    if mark == "changed":
        return (fill, _CHANGED, "-", 2.8)
    return (fill, "#FFFFFF", "-", 1.2)


# Sheet geometry: the header and footer around the boxes -----------------------------------


@dataclass
class _Frame:
    width: float
    height: float
    title: list[str]
    heading: str | None
    number: str | None
    legend: list[list[tuple[float, str, dict[str, Any]]]]  # rows of (x, label, swatch)
    footer: list[str]
    header_h: float
    footer_h: float


def _frame(page: Page, legend: list[tuple[str, dict[str, Any]]], width: float) -> _Frame:
    """Wrap the title, legend and footer to ``width`` inches and work out their heights."""
    inner = width - 2 * MARGIN
    title = wrap(page.title, inner - (1.3 if page.number else 0), measure, TITLE_FONT, True)
    rows: list[list[tuple[float, str, dict[str, Any]]]] = [[]]
    x = 0.0
    for label, swatch in legend:
        w = 0.34 + measure(label, LEGEND_FONT) + 0.3
        if x + w > inner and rows[-1]:
            rows.append([])
            x = 0.0
        rows[-1].append((x, label, swatch))
        x += w
    footer = [line for text in page.footer for line in wrap(text, inner, measure, FOOT_FONT)]
    header_h = MARGIN + len(title) * TITLE_FONT * 1.25 / 72 + (0.25 if page.heading else 0.0) + 0.1 + len([r for r in rows if r]) * 0.22 + 0.1
    footer_h = 0.12 + len(footer) * FOOT_FONT * 1.4 / 72 + MARGIN * 0.8
    return _Frame(width, 0.0, title, page.heading, page.number, [r for r in rows if r], footer, header_h, footer_h)


def _canvas(page: Page, legend: list[tuple[str, dict[str, Any]]], size: tuple[float, float]) -> tuple[float, float]:
    """The room for boxes on a sheet of ``size`` inches with this page's header and footer."""
    frame = _frame(page, legend, size[0])
    return (size[0] - 2 * MARGIN, size[1] - frame.header_h - frame.footer_h)


# Drawing ---------------------------------------------------------------------------------


def _new_figure(width: float, height: float, dpi: float = 100) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _text(target: Any, x: float, y: float, s: str, **kw: Any) -> Any:
    """Text as it is: never mathtext (a company called '$5M Widgets $' stays as typed)."""
    return target.text(x, y, s, parse_math=False, fontfamily=FONT, **kw)


def _sheet(plan: Plan, page: Page, opts: _Options, size: tuple[float, float] | None) -> Any:
    """A Figure holding one page: header, legend, boxes, footer. ``size`` None: shaped for a slide."""
    layout = page.layout
    legend = _legend(plan, layout, opts.marks)
    if size is None:
        width = max(MIN_SLIDE_WIDTH, min(SLIDE[0], layout.width + 2 * MARGIN))
        if layout.width + 2 * MARGIN > SLIDE[0]:  # only when nothing fitted: the picture grows, text stays legible
            width = layout.width + 2 * MARGIN
        frame = _frame(page, legend, width)
        height = frame.header_h + layout.height + frame.footer_h
        if width / height > 2.2:
            height = width / 2.2
        if height / width > 1.6:
            width = height / 1.6
            frame = _frame(page, legend, width)
        scale = 1.0
    else:
        width, height = size
        frame = _frame(page, legend, width)
        room_w, room_h = width - 2 * MARGIN, height - frame.header_h - frame.footer_h
        scale = min(1.0, room_w / max(layout.width, 1e-9), room_h / max(layout.height, 1e-9))
    fig = _new_figure(width, height)
    inches = fig.dpi_scale_trans
    top = height - MARGIN
    for line in frame.title:
        top -= TITLE_FONT * 1.25 / 72
        _text(fig, MARGIN, top, line, transform=inches, fontsize=TITLE_FONT, fontweight="bold", color="#1A1A1A", va="baseline")
    if frame.number:
        _text(fig, width - MARGIN, height - MARGIN - TITLE_FONT * 1.25 / 72, frame.number, transform=inches, fontsize=SUB_FONT, color="#333333", ha="right", va="baseline")
    if frame.heading:
        top -= 0.25
        _text(fig, MARGIN, top, frame.heading, transform=inches, fontsize=SUB_FONT + 1, fontweight="bold", color="#1F3A5F", va="baseline")
    top -= 0.1
    for row in frame.legend:
        top -= 0.22
        for x, label, swatch in row:
            _swatch(fig, MARGIN + x, top + 0.02, swatch)
            _text(fig, MARGIN + x + 0.34, top + 0.08, label, transform=inches, fontsize=LEGEND_FONT, color="#1A1A1A", va="center")
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
        fig.add_artist(Line2D([x, x + 0.26], [y + 0.06, y + 0.06], transform=inches, color=_DOTTED, linestyle=(0, (3, 2)), linewidth=1.3))
        return
    fig.add_artist(Rectangle((x, y), 0.26, 0.13, transform=inches, facecolor=swatch["face"], edgecolor=swatch.get("edge", "none"),
                             linestyle=swatch.get("ls", "-"), linewidth=swatch.get("lw", 0.8)))
    if swatch.get("band"):
        fig.add_artist(Rectangle((x, y + 0.09), 0.26, 0.04, transform=inches, facecolor=FAMILY_STYLE["leadership"][0], edgecolor="none"))
    if swatch.get("strip"):
        for i, family in enumerate(("generalist", "specialist", "support")):
            fig.add_artist(Rectangle((x + i * 0.0867, y), 0.0867, 0.04, transform=inches, facecolor=FAMILY_STYLE[family][0], edgecolor="none"))


def _boxes(ax: Any, plan: Plan, page: Page, scale: float) -> None:
    """Connectors, dotted lines, boxes, bands and text, in inches (y down)."""
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import FancyBboxPatch, Rectangle

    layout = page.layout
    ax.add_collection(LineCollection([pts for _, _, pts in layout.connectors], colors=_LINE, linewidths=1.0, zorder=1, clip_on=False))
    by_id = {b.id: b for b in layout.boxes}
    if layout.dotted:
        lines = [_between(by_id[a], by_id[b]) for a, b in layout.dotted]
        ax.add_collection(LineCollection(lines, colors=_DOTTED, linewidths=1.3, linestyles=[(0, (3, 2))], zorder=1.5, clip_on=False, gid="dotted"))
    patches, faces, edges, styles, widths, extras = [], [], [], [], [], []
    for box in layout.boxes:
        left, top, right, bottom = box.bounds
        family = box.team_family or box.family
        fill, _ = _family_colours(family)
        if box.family == "executive":
            face, edge, ls, lw = fill, _LINE, "-", 1.2
        elif box.kind == UNIT:
            face, edge, ls, lw = fill, _LINE, "-", 1.0
        else:
            face, edge, ls, lw = _mark_style(box.mark, fill)
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
                extras.append((Rectangle((x, bottom - BAND), w, BAND), _family_colours(fam)[0]))
                x += w
    ax.add_collection(PatchCollection(patches, facecolors=faces, edgecolors=edges, linestyles=styles, linewidths=widths, zorder=2, clip_on=False, gid="boxes"))
    if extras:
        ax.add_collection(PatchCollection([r for r, _ in extras], facecolors=[c for _, c in extras], edgecolors="none", zorder=2.5, clip_on=False))
    for box in layout.boxes:
        _label(ax, box, page.refs.get(box.id), scale)


def _between(a: Box, b: Box) -> list[tuple[float, float]]:
    """The straight line from box ``a`` to box ``b``, from edge to edge."""

    def edge(box: Box, dx: float, dy: float) -> tuple[float, float]:
        t = min(box.width / 2 / abs(dx) if dx else float("inf"), box.height / 2 / abs(dy) if dy else float("inf"))
        return (box.x + dx * t, box.y + dy * t)

    dx, dy = b.x - a.x, b.y - a.y
    return [edge(a, dx, dy), edge(b, -dx, -dy)]


def _label(ax: Any, box: Box, ref: str | None, scale: float) -> None:
    family = box.team_family or box.family
    colour = "#1A1A1A" if box.mark == "new" else _family_colours(family)[1]
    lines = [(style, ref if style == "ref" and ref else text) for style, text in box.lines if style != "ref" or ref]
    used = sum(line_height(style) for style, _ in lines)
    top = box.bounds[1] + (BAND if box.team_ids else 0.0)
    room = box.height - (BAND if box.team_ids else 0.0) - (BAND if box.hidden else 0.0)
    y = top + max(PAD_Y, (room - used) / 2)
    for style, text in lines:
        h = line_height(style)
        weight = "bold" if style == "title" else "normal"
        size = (TITLE_PT if style == "title" else BODY_PT) * scale
        _text(ax, box.x, y + h / 2, text, ha="center", va="center", fontsize=size, fontweight=weight, color=colour, zorder=3,
              fontstyle="italic" if style == "ref" else "normal", clip_on=False)
        y += h


# Pages -----------------------------------------------------------------------------------


def _fit_layout(plan: Plan, opts: _Options, canvas: tuple[float, float], **extra: Any) -> Layout:
    return layout_chart(plan, **dict(opts.layout, **extra), fit=canvas, measure=measure)


def _reserve(plan: Plan, opts: _Options, size: tuple[float, float], *, pdf: bool, legend: list[tuple[str, dict[str, Any]]] | None = None) -> tuple[float, float]:
    """The room for boxes on a sheet of ``size`` when header, legend (all it could hold) and footer are there."""
    probe = Layout([], [], 0.0, 0.0, "tb", levels=1, total_levels=1, folded=1)
    footer = _totals(plan, opts) + _notes(probe, opts, "pages" if pdf else "slide")
    page = Page(probe, _title(plan, opts), "Branch" if pdf else None, footer, number="page 1 of 1" if pdf else None)
    return _canvas(page, _legend_all(plan, opts) if legend is None else legend, size)


def _slide_page(plan: Plan, opts: _Options) -> Page:
    """The chart shaped for a slide (or at its natural size with ``fit=False``)."""
    if opts.fit:
        layout = _fit_layout(plan, opts, _reserve(plan, opts, SLIDE, pdf=False))
        room = _reserve(plan, opts, SLIDE, pdf=False, legend=_legend(plan, layout, opts.marks))
        again = _fit_layout(plan, opts, room)  # with the room a shorter legend leaves, more may fit
        if again.levels > layout.levels and again.height <= _reserve(plan, opts, SLIDE, pdf=False, legend=_legend(plan, again, opts.marks))[1]:
            layout = again
    else:
        layout = layout_chart(plan, **opts.layout, measure=measure)
    return Page(layout, _title(plan, opts), footer=_totals(plan, opts) + _notes(layout, opts, "slide"))


def chart_pages(plan: Plan, *, paper: str = "letter", **options: Any) -> list[Page]:
    """The pages of the chart's PDF: an overview, a page for each folded branch, and one per unit or country.

    Identical branches share a page. A chart narrowed with ``levels`` is one page.

    >>> from orgplan import plan, profile_from_dict
    >>> pages = chart_pages(plan(profile_from_dict({"company": "Acme", "employees": 900})))
    >>> len(pages), pages[0].number
    (1, 'page 1 of 1')
    """
    opts = _options(dict(options, paper=paper))
    canvas = _reserve(plan, opts, PAPER[opts.paper], pdf=True)
    title = _title(plan, opts)
    pages: list[Page] = []
    seen: dict[Any, int] = {}
    single = isinstance(opts.layout.get("levels"), int)

    def visit(extra: dict[str, Any], heading: str | None) -> int:
        layout = _fit_layout(plan, opts, canvas, page_refs=not single, **extra)
        index = len(pages)
        pages.append(Page(layout, title, heading))
        for box in layout.boxes if not single else ():
            numbers = []
            for key, target, head in _targets(plan, box):
                if key not in seen:
                    seen[key] = visit(target, head)
                numbers.append(seen[key] + 1)
            if numbers:
                pages[index].refs[box.id] = "see " + page_ranges(numbers)
        return index

    visit({}, None)  # checks the options
    root, unit = opts.layout.get("root"), opts.layout.get("unit")
    pages[0].heading = _unit_heading(plan, unit) if unit else f"Branch: {plan.seat(root).title}" if root else "The whole HR department"
    if not single and unit is None and root is None:
        for label in sorted({lab for s in plan.seats if (lab := _label_of(s))}):
            key = ("unit", None, label)
            if key not in seen:
                seen[key] = visit({"unit": label, "root": None}, _unit_heading(plan, label))
    for i, page in enumerate(pages):
        page.number = f"page {i + 1:,} of {len(pages):,}"
        page.footer = (_totals(plan, opts) if i == 0 else [_branch_totals(plan, page.layout, page.heading)]) + _notes(page.layout, opts, "narrowed" if single else "pages")
    return pages


def _unit_heading(plan: Plan, label: str) -> str:
    """'Unit: Retail', 'Country: Germany' or 'Unit and country: Retail, Germany'."""
    seat = next(s for s in plan.seats if _label_of(s) == label)
    kind = "Unit and country" if seat.unit and seat.country else "Unit" if seat.unit else "Country"
    return f"{kind}: {label}"


def _label_of(seat: Any) -> str | None:
    parts = [p for p in (seat.unit, seat.country) if p]
    return ", ".join(parts) if parts else None


def _targets(plan: Plan, box: Box) -> list[tuple[Any, dict[str, Any], str]]:
    """The pages a folded box continues on: (dedupe key, layout options, heading)."""
    if not box.hidden:
        return []
    if box.kind == UNIT:
        parent = box.id[: -len(box.unit or "") - 1] or None
        under = f", under {plan.seat(parent).title}" if parent else ""
        return [(("unit", parent, box.unit), {"root": parent, "unit": box.unit}, _unit_heading(plan, box.unit or "") + under)]
    keys: dict[Any, list[str]] = {}
    for sid, key in zip(box.seat_ids[: box.count], box.branch_keys):
        keys.setdefault(key, []).append(sid)
    out = []
    for n, (key, ids) in enumerate(keys.items(), start=1):
        seat = plan.seat(ids[0])
        serving = f" ({_label_of(seat)})" if _label_of(seat) else ""
        head = f"Branch: {with_article(seat.title)}{serving} - one of {len(ids):,} alike" if len(ids) > 1 else f"Branch: {seat.title}{serving}"
        if len(keys) > 1:
            head += f" ({n} of {len(keys)} kinds)" if len(ids) > 1 else f" ({n} of {len(keys)})"
        out.append((("branch", key), {"root": ids[0], "unit": None}, head))
    return out


# The public calls ------------------------------------------------------------------------


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
    opts = _options(options)
    if ax is None:
        return _sheet(plan, _slide_page(plan, opts), opts, None).axes[0]
    fig = ax.figure
    box = ax.get_position()
    canvas = (box.width * fig.get_figwidth(), box.height * fig.get_figheight() - 1.2)
    layout = _fit_layout(plan, opts, canvas) if opts.fit else layout_chart(plan, **opts.layout, measure=measure)
    page = Page(layout, _title(plan, opts), footer=_totals(plan, opts) + _notes(layout, opts, "slide"))
    ax.axis("off")
    ax.set_xlim(0, layout.width)
    ax.set_ylim(layout.height, 0)
    ax.set_aspect("equal", adjustable="box")
    _boxes(ax, plan, page, 1.0)
    ax.set_title(page.title, loc="left", fontsize=12, fontweight="bold", parse_math=False, fontfamily=FONT)
    handles = _handles(_legend(plan, layout, opts.marks))
    legend = ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False, ncol=max(1, min(len(handles), 3)))
    for t in legend.get_texts():
        t.set_parse_math(False)
    _text(ax, 0, 0, "\n".join(page.footer), transform=ax.transAxes, fontsize=8, color="#333333", ha="left", va="top")
    return ax


def _handles(legend: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    return [Line2D([], [], color=_DOTTED, linestyle="--", label=label) if s.get("line") else
            Patch(facecolor=s["face"], edgecolor=s.get("edge", "none"), linestyle=s.get("ls", "-"), label=label) for label, s in legend]


def render_chart(plan: Plan, path: str | os.PathLike[str], *, dpi: int = 150, **options: Any) -> Path:
    """Write the org chart to ``path``; the format follows the extension (.png, .svg, .pdf).

    A PNG or SVG fits a 16:9 slide; a PDF has Letter pages (``paper='a4'`` for A4): an
    overview, then every folded branch and every business unit or country on pages of
    their own, each with the title, what it shows, 'page X of N' and its own totals.
    The file appears only when complete.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CHART_FORMATS:
        raise OptionError(f"cannot write a chart as {suffix or 'a file without extension'!r}; use .png, .svg or .pdf", path=target)
    opts = _options(options)
    if suffix == ".pdf":
        pages = chart_pages(plan, **options)
        figures = [_sheet(plan, page, opts, PAPER[opts.paper]) for page in pages]
        import matplotlib
        from matplotlib.backends.backend_pdf import PdfPages

        with atomic_path(target) as tmp, _FILE_LOCK, matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
            with PdfPages(tmp, metadata={"Title": pages[0].title, "Creator": "orgplan"}) as pdf:
                for fig in figures:
                    pdf.savefig(fig)
        return target
    fig = _sheet(plan, _slide_page(plan, opts), opts, None)
    if not opts.fit:
        largest = max(fig.get_figwidth(), fig.get_figheight())
        dpi = min(dpi, int(MAX_PNG_PIXELS / largest))
        if suffix == ".png" and dpi < 72:
            raise OptionError("the chart is too large for a sharp PNG; write .svg or .pdf, or leave fitting on", path=target)
    with atomic_path(target) as tmp:
        save_figure(fig, tmp, suffix[1:], dpi)
    return target


def save_figure(fig: Any, path: str | os.PathLike[str], fmt: str, dpi: float = 150) -> None:
    """Save a Figure as 'png', 'svg' (text kept as text) or 'pdf' (fonts embedded as TrueType, text searchable)."""
    if fmt == "png":
        fig.savefig(path, format="png", dpi=dpi, facecolor="white")
        return
    import matplotlib

    with _FILE_LOCK, matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        fig.savefig(path, format=fmt, facecolor="white")
