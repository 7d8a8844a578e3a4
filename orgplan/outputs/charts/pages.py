"""Which pages a chart has and what each says around its boxes.

A slide-shaped chart is one page whose boxes fit 13.33 x 7.5 inches with the header and
footer; a PDF is an overview and a page for each folded branch and each business unit or
country, on Letter or A4. Each page has its title, what it shows, 'page X of N' and its
own totals; folded boxes name the pages they continue on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orgplan.core.validation import suggest
from orgplan.core.words import count_of, money, number, some_of, with_article
from orgplan.errors import OptionError
from orgplan.model.plan import Plan
from orgplan.outputs.charts.layout import UNIT, Box, Layout, layout_chart, seat_label
from orgplan.outputs.charts.style import MARK_STYLE, legend_all, legend_for
from orgplan.outputs.charts.text import NBSP, measure, page_ranges, wrap

if TYPE_CHECKING:
    from orgplan.planning.gap import Comparison

__all__ = [
    "unplaced_seats",
    "FOOTER_LINES",
    "SLIDE",
    "PAPER",
    "Page",
    "ChartOptions",
    "chart_options",
    "chart_pages",
    "slide_page",
    "frame_for",
    "Frame",
    "paginate",
]

SLIDE = (13.333, 7.5)  # a 16:9 slide, inches
PAPER = {"letter": (11.0, 8.5), "a4": (11.69, 8.27)}  # landscape, inches
OPTIONS = {"direction", "levels", "root", "unit", "expand", "detail", "marks", "note", "gap", "paper", "fit"}
MARGIN = 0.3  # inches around a slide or page
TITLE_FONT, SUB_FONT, LEGEND_FONT, FOOT_FONT = 14.0, 9.5, 8.5, 8.5
MIN_SLIDE_WIDTH = 7.5
FOOTER_LINES = 3  # each sentence under a chart takes at most this many lines, so a page keeps its shape


@dataclass
class ChartOptions:
    """Checked chart options: those the layout takes, and the note, comparison, paper and fitting."""

    layout: dict[str, Any]
    note: str | None = None
    gap: Comparison | None = None
    paper: str = "letter"
    fit: bool = True

    @property
    def marks(self) -> dict[str, str]:
        return self.layout.get("marks") or {}


def chart_options(options: dict[str, Any]) -> ChartOptions:
    """Check chart options; split them into layout options and the rest."""
    for key in options:
        if key not in OPTIONS:
            raise OptionError(
                f"unknown chart option {key!r}{suggest(key, OPTIONS)}; expected any of: {', '.join(sorted(OPTIONS))}"
            )
    gap = options.get("gap")
    marks = options.get("marks")
    if marks is None and gap is not None:
        marks = gap.marks
    marks = dict(marks or {})
    bad = sorted({v for v in marks.values() if v not in MARK_STYLE})
    if bad:
        raise OptionError(
            f"unknown seat mark(s) {', '.join(map(repr, bad))}; expected {', '.join(MARK_STYLE)}", where="marks"
        )
    paper = str(options.get("paper") or "letter").lower()
    if paper not in PAPER:
        raise OptionError(f"unknown paper {paper!r}; expected {' or '.join(PAPER)}", where="paper")
    layout = {
        k: options[k] for k in ("direction", "levels", "root", "unit", "expand", "detail") if options.get(k) is not None
    }
    layout.setdefault("levels", "auto")
    layout.setdefault("direction", "auto")
    layout["marks"] = marks
    fit = bool(options.get("fit", True))
    if not fit:
        layout["levels"] = None if layout["levels"] == "auto" else layout["levels"]
        layout["direction"] = "tb" if layout["direction"] == "auto" else layout["direction"]
    return ChartOptions(layout, options.get("note"), gap, paper, fit)


@dataclass
class Page:
    """One chart page: the layout, its headings and footer lines, and page references of folded boxes."""

    layout: Layout
    title: str
    heading: str | None = None  # the branch or unit this page shows
    footer: list[str] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # box id -> 'see page 4'
    refs_to: dict[str, list[int]] = field(default_factory=dict)  # box id -> the pages it continues on
    number: str | None = None  # 'page 2 of 9'


def chart_title(plan: Plan, opts: ChartOptions) -> str:
    """The title: the recommended organisation, or the gap when seats are marked against a current team."""
    if opts.gap is not None or opts.marks:
        return f"{plan.profile.company} - HR gap: current team vs recommended organisation"
    return f"{plan.profile.company} - recommended HR organisation"


def company_totals(plan: Plan, opts: ChartOptions) -> list[str]:
    """The company-wide footer: totals, where the plan sits against the published range, the gap."""
    s = plan.summary
    band = s.get("benchmark_hr_per_100")
    bench = f" (published range {band['low']:g}-{band['high']:g})" if band else ""
    lines = [
        f"{count_of(s['hr_headcount'], 'HR seat')} · {number(s['hr_fte'])} FTE · {count_of(s['employees'], 'employee')}"
        f" · {s['hr_per_100']:.2f} HR staff per 100 employees{bench} · {money(s['annual_cost'])}{NBSP}a{NBSP}year"
    ]
    if s.get("fees"):
        lines.append(bought_in_line(plan))
    if band and band.get("status") in ("above", "below"):
        why = "; ".join(band.get("reasons") or [])
        lines.append(
            f"{band['status'].capitalize()} the published range of {band['low']:g}-{band['high']:g} HR "
            "staff per 100 employees for this size" + (f": {why}" if why else ".")
        )
    marks = opts.marks
    if marks:
        open_seats = sum(1 for m in marks.values() if m == "new")
        lines.append(f"{count_of(open_seats, 'open seat')} to hire, drawn with a dashed outline.")
    if opts.gap is not None:
        gap = opts.gap
        now = gap.summaries()["current"]
        diff = gap.cost_difference
        lines.append(
            f"Current team: {count_of(now['hr_headcount'], 'seat')}, {money(gap.current_cost)} a year. Recommended: "
            f"{count_of(s['hr_headcount'], 'seat')}, {money(s['annual_cost'])} a year. Cost difference: "
            f"{'+' if diff >= 0 else '-'}{money(abs(diff))} a year."
        )
        lines.append(unplaced_seats(gap) + ".")
    return lines


UNPLACED_NAMED = 6  # a chart's footer names at most this many current seats with no place


def unplaced_seats(gap: Comparison) -> str:
    """The sentence naming the current seats with no place in the recommended structure.

    It names at most :data:`UNPLACED_NAMED` of them and counts the rest, so a team of
    any size keeps a footer of a line or two (the workbook's gap sheets list every seat).
    """
    lost = [f"{m.current.title} ({m.current.id})" for m in gap.excess if m.current is not None]
    if len(lost) <= UNPLACED_NAMED:
        return "Current seats with no place in this structure: " + (", ".join(lost) if lost else "none")
    return f"Current seats with no place in this structure ({len(lost):,}): {some_of(lost, UNPLACED_NAMED)}"


def bought_in_line(plan: Plan) -> str:
    """What the annual cost holds besides the seats: the work bought in, by provider, and its fees."""
    t, s = plan.templates, plan.summary
    groups: dict[str, list[dict]] = {}
    for e in plan.bought:
        groups.setdefault(e["provider"], []).append(e)
    said = []
    for provider, lines in groups.items():
        name = t.sourcing.providers[provider].name
        countries = list(dict.fromkeys(e["country"] for e in lines if e["country"]))
        functions = list(dict.fromkeys(t.function_label(e["function"]) for e in lines))
        what = (
            f"{name} in {', '.join(countries)}"
            if countries
            else f"{', '.join(functions)} from a {name[:1].lower()}{name[1:]}"
        )
        said.append(f"{what} ({money(sum(e['outsourced_cost'] for e in lines))})")
    return (
        f"Besides the seats' {money(s['seats_cost'])}: {money(s['fees'])} of fees for work bought in - "
        + "; ".join(said)
        + "."
    )


def branch_totals(plan: Plan, layout: Layout, heading: str | None) -> str:
    """The totals of the seats a page shows: a branch's or a unit's own, not the company's."""
    ids = {i for b in layout.boxes for i in (*b.seat_ids, *b.hidden)}
    seats = [s for s in plan.hr_seats if s.id in ids]
    what = "This branch" if (heading or "").startswith("Branch:") else "These seats"
    return (
        f"{what}: {count_of(len(seats), 'HR seat')} · {number(sum(s.fte for s in seats))} FTE · Annual cost: "
        f"{money(sum(s.annual_cost for s in seats))}"
    )


def fold_notes(layout: Layout, opts: ChartOptions, mode: str, pdf_pages: int | None = None) -> list[str]:
    """Lines under the chart: what is folded and where it is drawn ('slide', 'pages', 'slides' or
    'narrowed' mode; ``pdf_pages``: how many pages the PDF that draws every seat has), costs, the note."""
    lines = []
    if layout.folded:
        in_pdf = f" ({count_of(pdf_pages, 'page')})" if pdf_pages else ", page by page"
        where = {
            "pages": " (continued on the pages named).",
            "slides": " (continued on the slides named).",
            "narrowed": "; a PDF of the whole chart draws them all.",
            "slide": f"; every seat is drawn in the PDF{in_pdf}.",
        }[mode]
        shown = (
            f"Showing {layout.levels} of {layout.total_levels} levels; " if layout.levels < layout.total_levels else ""
        )
        lines.append(f"{shown}{count_of(layout.folded, 'seat')} folded into the '+N below' boxes{where}")
    if opts.layout.get("detail") == "cost":
        lines.append(
            "Costs are yearly, salary and benefits: each seat's and in all for a box; the amounts in all "
            "add up to the annual cost."
        )
    if opts.note:
        lines.append(opts.note)
    return lines


@dataclass
class Frame:
    """A page's header and footer wrapped to its width, and the heights they take."""

    width: float
    title: list[str]
    heading: str | None
    number: str | None
    legend: list[list[tuple[float, str, dict[str, Any]]]]  # rows of (x, label, swatch)
    footer: list[str]
    header_h: float
    footer_h: float


def frame_for(page: Page, legend: list[tuple[str, dict[str, Any]]], width: float) -> Frame:
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
    footer = [line for text in page.footer for line in wrap(text, inner, measure, FOOT_FONT, most=FOOTER_LINES)]
    header_h = (
        MARGIN
        + len(title) * TITLE_FONT * 1.25 / 72
        + (0.25 if page.heading else 0.0)
        + 0.1
        + len([r for r in rows if r]) * 0.22
        + 0.1
    )
    footer_h = 0.12 + len(footer) * FOOT_FONT * 1.4 / 72 + MARGIN * 0.8
    return Frame(width, title, page.heading, page.number, [r for r in rows if r], footer, header_h, footer_h)


def canvas(page: Page, legend: list[tuple[str, dict[str, Any]]], size: tuple[float, float]) -> tuple[float, float]:
    """The room for boxes on a sheet of ``size`` inches with this page's header and footer."""
    frame = frame_for(page, legend, size[0])
    return (size[0] - 2 * MARGIN, size[1] - frame.header_h - frame.footer_h)


def fit_layout(plan: Plan, opts: ChartOptions, room: tuple[float, float], **extra: Any) -> Layout:
    """The layout that fits ``room`` inches, measured with the font charts are drawn in."""
    return layout_chart(plan, **dict(opts.layout, **extra), fit=room, measure=measure)


def reserve(
    plan: Plan,
    opts: ChartOptions,
    size: tuple[float, float],
    *,
    pdf: bool,
    legend: list[tuple[str, dict[str, Any]]] | None = None,
) -> tuple[float, float]:
    """The room for boxes on a sheet of ``size`` when header, legend (all it could hold) and footer are there."""
    probe = Layout([], [], 0.0, 0.0, "tb", levels=1, total_levels=1, folded=1)
    footer = company_totals(plan, opts) + fold_notes(probe, opts, "pages" if pdf else "slide")
    page = Page(
        probe, chart_title(plan, opts), "Branch" if pdf else None, footer, number="page 1 of 1" if pdf else None
    )
    return canvas(page, legend_all(plan, opts.marks) if legend is None else legend, size)


PAGES_COUNTED = 3000  # a picture says how many pages the PDF has for plans up to this many seats


def slide_page(plan: Plan, opts: ChartOptions, count_pages: bool = True) -> Page:
    """The chart shaped for a slide (or at its natural size with ``fit=False``).

    When seats are folded, the footer says where every seat is drawn: in the PDF, and how
    many pages it has (``count_pages``; for plans of up to :data:`PAGES_COUNTED` seats).
    """
    if opts.fit:
        layout = fit_layout(plan, opts, reserve(plan, opts, SLIDE, pdf=False))
        room = reserve(plan, opts, SLIDE, pdf=False, legend=legend_for(plan, layout, opts.marks))
        again = fit_layout(plan, opts, room)  # with the room a shorter legend leaves, more may fit
        if (
            again.levels > layout.levels
            and again.height <= reserve(plan, opts, SLIDE, pdf=False, legend=legend_for(plan, again, opts.marks))[1]
        ):
            layout = again
    else:
        layout = layout_chart(plan, **opts.layout, measure=measure)
    single = isinstance(opts.layout.get("levels"), int)
    pdf_pages = None
    if count_pages and layout.folded and not single and len(plan.seats) <= PAGES_COUNTED:
        pdf_pages = len(paginate(plan, opts, PAPER[opts.paper]))
    notes = fold_notes(layout, opts, "narrowed" if single else "slide", pdf_pages)
    heading = part_heading(plan, opts)
    totals = [branch_totals(plan, layout, heading)] if heading else company_totals(plan, opts)
    return Page(layout, chart_title(plan, opts), heading, footer=totals + notes)


def part_heading(plan: Plan, opts: ChartOptions) -> str | None:
    """'Branch: ...' or 'Unit: ...' when the chart draws a part of the plan (``root``, ``unit``); else None."""
    root, unit = opts.layout.get("root"), opts.layout.get("unit")
    if unit:
        return unit_heading(plan, unit) + (f", under {plan.seat(root).title}" if root else "")
    return f"Branch: {plan.seat(root).title}" if root else None


def chart_pages(plan: Plan, *, paper: str = "letter", **options: Any) -> list[Page]:
    """The pages of the chart's PDF: an overview, a page for each folded branch, and one per unit or country.

    Identical branches share a page. A chart narrowed with ``levels`` is one page.

    >>> from orgplan import plan, profile_from_dict
    >>> pages = chart_pages(plan(profile_from_dict({"company": "Acme", "employees": 900})))
    >>> len(pages), pages[0].number
    (1, 'page 1 of 1')
    """
    opts = chart_options(dict(options, paper=paper))
    return paginate(plan, opts, PAPER[opts.paper])


def paginate(
    plan: Plan, opts: ChartOptions, size: tuple[float, float], overview: Layout | None = None, word: str = "page"
) -> list[Page]:
    """Pages of ``size`` inches: an overview (``overview``, or fitted to the page), then every folded branch
    and every business unit or country not already drawn whole; ``word`` names them ('page' or 'slide').

    Small branches share a page, side by side and row under row, so no page is wasted on a
    seat or two; folded boxes name the page they continue on.
    """
    room = reserve(plan, opts, size, pdf=True)
    title = chart_title(plan, opts)
    pages: list[Page] = []
    links: list[dict[str, list[int]]] = []  # per page: box id -> the pages it continues on
    seen: dict[Any, int] = {}
    single = isinstance(opts.layout.get("levels"), int)

    def visit(extra: dict[str, Any], heading: str | None) -> int:
        if overview is not None and not pages:
            layout = overview
        else:
            layout = fit_layout(plan, opts, room, page_refs=not single, **extra)
        index = len(pages)
        pages.append(Page(layout, title, heading))
        links.append({})
        for box in layout.boxes if not single else ():
            numbers = []
            for key, target, head in targets(plan, box):
                if key not in seen:
                    seen[key] = visit(target, head)
                numbers.append(seen[key])
            if numbers:
                links[index][box.id] = numbers
        return index

    visit({}, None)  # checks the options
    root, unit = opts.layout.get("root"), opts.layout.get("unit")
    part = part_heading(plan, opts)
    pages[0].heading = part or "The whole HR department"
    if not single and unit is None and root is None:
        drawn = [{i for b in page.layout.boxes for i in b.seat_ids} for page in pages]
        for label in sorted({lab for s in plan.seats if (lab := seat_label(s))}):
            key = ("unit", None, label)
            serving = {s.id for s in plan.seats if seat_label(s) == label}
            if key not in seen and not any(serving <= ids for ids in drawn):  # a page would repeat one
                seen[key] = visit({"unit": label, "root": None}, unit_heading(plan, label))
    sheets = _share(pages, links, room)
    mode = "narrowed" if single else "pages" if word == "page" else "slides"
    for i, page in enumerate(sheets):
        page.number = f"{word} {i + 1:,} of {len(sheets):,}"
        page.footer = (
            company_totals(plan, opts) if i == 0 and not part else [branch_totals(plan, page.layout, page.heading)]
        ) + fold_notes(page.layout, opts, mode)
        page.refs = {
            box: ("on this " + word if set(numbers) == {i + 1} else "see " + page_ranges(numbers, word))
            for box, numbers in page.refs_to.items()
        }
    return sheets


SHARE_GAP = (0.45, 0.35)  # inches between branches sharing a page: across, down


CAPTION_PT = 8.5  # the heading over each branch on a shared page


def caption_height(lines: list[str]) -> float:
    """Inches a branch's heading takes on a shared page, with the room under it."""
    return len(lines) * CAPTION_PT * 1.3 / 72 + 0.08 if lines else 0.0


def _caption(heading: str | None, width: float) -> list[str]:
    return wrap(heading or "", max(width, 1.7), measure, CAPTION_PT, True)


def _share(pages: list[Page], links: list[dict[str, list[int]]], room: tuple[float, float]) -> list[Page]:
    """The pages after the first, those that fit together put on one page, each branch under its heading;
    page references renumbered."""
    captions = [_caption(page.heading, page.layout.width) for page in pages]
    sizes = [(p.layout.width, p.layout.height + caption_height(c)) for p, c in zip(pages, captions, strict=True)]
    groups: list[list[int]] = [[0]]
    for index in range(1, len(pages)):
        if len(groups) > 1 and _rows([sizes[i] for i in (*groups[-1], index)], room[0])[1] <= room[1]:
            groups[-1].append(index)
        else:
            groups.append([index])
    sheet_of = {index: n for n, group in enumerate(groups, start=1) for index in group}
    sheets = []
    for group in groups:
        layout, renamed = _together([pages[i].layout for i in group], [captions[i] for i in group], room[0])
        page = Page(layout, pages[group[0]].title, _heading([pages[i].heading for i in group]))
        page.refs_to = {
            renamed[k].get(box, box): sorted({sheet_of[t] for t in targets})
            for k, i in enumerate(group)
            for box, targets in links[i].items()
        }
        sheets.append(page)
    return sheets


def _rows(sizes: list[tuple[float, float]], width: float) -> tuple[list[tuple[float, float]], float]:
    """Where each (width, height) goes when laid side by side and row under row within ``width``:
    (offsets, height)."""
    offsets, x, y, row_h = [], 0.0, 0.0, 0.0
    for w, h in sizes:
        if x > 0 and x + w > width:
            x, y, row_h = 0.0, y + row_h + SHARE_GAP[1], 0.0
        offsets.append((x, y))
        x += w + SHARE_GAP[0]
        row_h = max(row_h, h)
    return offsets, y + row_h


def _together(layouts: list[Layout], captions: list[list[str]], width: float) -> tuple[Layout, list[dict[str, str]]]:
    """One layout holding ``layouts`` side by side, each under its caption; box ids drawn twice get a
    suffix (the renames per layout)."""
    if len(layouts) == 1:
        return layouts[0], [{}]
    from copy import copy

    sizes = [(lay.width, lay.height + caption_height(c)) for lay, c in zip(layouts, captions, strict=True)]
    offsets, height = _rows(sizes, width)
    boxes: list[Box] = []
    connectors: list[tuple[str, str, list[tuple[float, float]]]] = []
    dotted: list[tuple[str, str]] = []
    placed: list[tuple[float, float, list[str]]] = []
    renames: list[dict[str, str]] = []
    used: set[str] = set()
    for lay, lines, (dx, top) in zip(layouts, captions, offsets, strict=True):
        k = len(renames)
        placed.append((dx, top, lines))
        dy = top + caption_height(lines)
        rename = {b.id: f"{b.id}#{k}" for b in lay.boxes if b.id in used}
        for b in lay.boxes:
            moved = copy(b)
            moved.id = rename.get(b.id, b.id)
            moved.x, moved.y = b.x + dx, b.y + dy
            moved.children = []
            boxes.append(moved)
            used.add(moved.id)
        connectors += [
            (rename.get(a, a), rename.get(c, c), [(x + dx, y + dy) for x, y in pts]) for a, c, pts in lay.connectors
        ]
        dotted += [(rename.get(a, a), rename.get(c, c)) for a, c in lay.dotted]
        renames.append(rename)
    return (
        Layout(
            boxes,
            connectors,
            max(max(b.bounds[2] for b in boxes), max(x + w for (x, _), (w, _) in zip(offsets, sizes, strict=True))),
            height,
            layouts[0].direction,
            max(lay.levels for lay in layouts),
            max(lay.total_levels for lay in layouts),
            sum(lay.folded for lay in layouts),
            layouts[0].stacking,
            dotted,
            placed,
        ),
        renames,
    )


def _heading(headings: list[str | None]) -> str | None:
    """The heading of a page: its branch's or unit's, or those of the branches sharing it."""
    if len(headings) == 1:
        return headings[0]
    names = [h.split(": ", 1)[-1] for h in headings if h]
    kinds = {(h or "").split(":", 1)[0] for h in headings}
    what = "Branches" if kinds == {"Branch"} else "Branches and units" if "Branch" in kinds else "Units and countries"
    text = f"{what}: " + "; ".join(names)
    for keep in range(len(names) - 1, 0, -1):
        if measure(text, SUB_FONT + 1, True) <= 10.0:
            break
        text = f"{what}: " + "; ".join(names[:keep]) + f" and {len(names) - keep:,} more"
    return text


def unit_heading(plan: Plan, label: str) -> str:
    """'Unit: Retail', 'Country: Germany' or 'Unit and country: Retail, Germany'."""
    seat = next(s for s in plan.seats if seat_label(s) == label)
    kind = "Unit and country" if seat.unit and seat.country and not seat.central else "Unit" if seat.unit else "Country"
    return f"{kind}: {label}"


def targets(plan: Plan, box: Box) -> list[tuple[Any, dict[str, Any], str]]:
    """The pages a folded box continues on: (dedupe key, layout options, heading)."""
    if not box.hidden:
        return []
    if box.kind == UNIT:
        parent = box.id[: -len(box.unit or "") - 1] or None
        under = f", under {plan.seat(parent).title}" if parent else ""
        return [
            (("unit", parent, box.unit), {"root": parent, "unit": box.unit}, unit_heading(plan, box.unit or "") + under)
        ]
    keys: dict[Any, list[str]] = {}
    for sid, key in zip(box.seat_ids[: box.count], box.branch_keys, strict=False):
        keys.setdefault(key, []).append(sid)
    out = []
    for n, (key, ids) in enumerate(keys.items(), start=1):
        for i, sid in enumerate(ids, start=1):  # alike branches each get a page: every seat is drawn
            seat = plan.seat(sid)
            serving = f" ({seat_label(seat)})" if seat_label(seat) else ""
            head = (
                f"Branch: {with_article(seat.title)}{serving} - {i} of {len(ids):,} alike"
                if len(ids) > 1
                else f"Branch: {seat.title}{serving}"
            )
            if len(keys) > 1:
                head += f" ({n} of {len(keys)} kinds)" if len(ids) > 1 else f" ({n} of {len(keys)})"
            out.append((("branch", key, sid), {"root": sid, "unit": None}, head))
    return out
