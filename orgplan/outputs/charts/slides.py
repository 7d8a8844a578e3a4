"""The org chart as an editable PowerPoint deck (.pptx), made with python-pptx.

16:9 slides of native shapes a leader can edit: a rounded rectangle per box, saying what
the picture's box says, and elbow connectors glued to the boxes (dashed for dotted
lines), so moving a box in PowerPoint or LibreOffice keeps its reporting lines. The
first slide folds the chart exactly as the slide-shaped PNG does; every folded branch and
every business unit or country follows on a slide of its own, as in the PDF, and a folded
box names the slide it continues on and links to it. Each slide's speaker notes say why
each seat on it is there.

The boxes are placed by the same layout as the pictures (:mod:`.layout`, :mod:`.pages`);
python-pptx is imported only inside :func:`render_pptx`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime, timezone
from itertools import product
from pathlib import Path
from typing import Any

from orgplan.core.files import atomic_path
from orgplan.core.words import count_of
from orgplan.knowledge.catalog import OUTSIDE_HR
from orgplan.model.plan import Plan
from orgplan.outputs.charts.layout import BODY_PT, PAD_X, TITLE_PT, UNIT, Box, Layout, line_height
from orgplan.outputs.charts.pages import (
    CAPTION_PT,
    FOOT_FONT,
    LEGEND_FONT,
    MARGIN,
    SLIDE,
    SUB_FONT,
    TITLE_FONT,
    ChartOptions,
    Page,
    frame_for,
    paginate,
    slide_page,
)
from orgplan.outputs.charts.style import DOTTED, LINE, family_colours, legend_for, mark_style, outside_style
from orgplan.outputs.charts.text import measure

__all__ = ["render_pptx", "FONT_NAME"]

FONT_NAME = "Arial"  # on every PowerPoint; LibreOffice draws it in the metric-compatible Liberation Sans
EMU = 914400  # per inch
SLIDE_EMU = (12192000, 6858000)  # PowerPoint's own 16:9 slide, 13.333 x 7.5 inches
ROUNDING = 0.05  # inches, as the pictures' boxes


def render_pptx(plan: Plan, path: str | os.PathLike[str], opts: ChartOptions) -> Path:
    """Write the chart as a deck: the overview as the PNG folds it, then a slide per folded branch and unit."""
    from pptx import Presentation

    target = Path(path)
    pages = slide_pages(plan, opts)
    deck = Presentation()
    _widen(deck)
    made = _made_at()
    props = deck.core_properties
    props.title, props.author, props.last_modified_by = pages[0].title, plan.profile.company, "orgplan"
    props.comments, props.created, props.modified, props.revision = "Made with orgplan", made, made, 1
    layout = deck.slide_layouts[5]  # 'Title Only': the slide's title is its title, for outlines and screen readers
    slides = [deck.slides.add_slide(layout) for _ in pages]
    for page, slide in zip(pages, slides, strict=True):
        _Slide(plan, page, slide, slides, opts).draw()
    with atomic_path(target) as tmp:
        deck.save(str(tmp))
    return target


def _widen(deck: Any) -> None:
    """Make the deck 16:9, its master's and layouts' placeholders widened with it, so a slide a leader adds
    is laid out for the new width."""
    from pptx.util import Emu

    factor = SLIDE_EMU[0] / deck.slide_width
    deck.slide_width, deck.slide_height = Emu(SLIDE_EMU[0]), Emu(SLIDE_EMU[1])
    for holder in (deck.slide_master, *deck.slide_layouts):
        for shape in holder.placeholders:
            if shape._element.xfrm is not None:  # its own place, not the master's
                shape.left, shape.width = Emu(round(shape.left * factor)), Emu(round(shape.width * factor))


def _made_at() -> datetime:
    """Now, in UTC; or the time SOURCE_DATE_EPOCH gives, so a build can make the same file twice."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return moment.replace(tzinfo=None, microsecond=0)


def slide_pages(plan: Plan, opts: ChartOptions) -> list[Page]:
    """The deck's pages: the slide-shaped overview (folded as the PNG is), then what it folds, slide by slide."""
    overview = slide_page(plan, opts, count_pages=False).layout
    return paginate(plan, opts, SLIDE, overview=overview, word="slide")


def _emu(inches: float) -> int:
    return round(inches * EMU)


def _rgb(colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


class _Slide:
    """Draws one page on one slide."""

    def __init__(self, plan: Plan, page: Page, slide: Any, slides: list[Any], opts: ChartOptions):
        self.plan, self.page, self.slide, self.slides, self.opts = plan, page, slide, slides, opts
        self.legend = [(label, s) for label, s in legend_for(plan, page.layout, opts.marks) if not _decoration(s)]
        self.frame = frame_for(page, self.legend, SLIDE[0])

    def draw(self) -> None:
        self.header()
        shapes = self.boxes()
        self.connectors(shapes)
        self.captions()
        self.footer()
        self.slide.notes_slide.notes_text_frame.text = _notes(self.plan, self.page)

    # around the chart ------------------------------------------------------------

    def header(self) -> None:
        from pptx.util import Emu

        frame = self.frame
        title = self.slide.shapes.title
        title.left, title.top = Emu(_emu(MARGIN)), Emu(_emu(MARGIN - 0.05))
        title.width = Emu(_emu(SLIDE[0] - 2 * MARGIN - (1.4 if frame.number else 0)))
        title.height = Emu(_emu(len(frame.title) * TITLE_FONT * 1.25 / 72 + 0.1))
        tf = title.text_frame
        tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
        tf.word_wrap = True
        tf.vertical_anchor = _anchor("top")
        tf.text = self.page.title
        para = tf.paragraphs[0]
        para.alignment = _align("left")
        _font(para.runs[0], TITLE_FONT, "#1A1A1A", bold=True)
        top = MARGIN + len(frame.title) * TITLE_FONT * 1.25 / 72
        if frame.number:
            box = _text_box(
                self.slide, SLIDE[0] - MARGIN - 1.4, MARGIN, 1.4, 0.25, [(frame.number, SUB_FONT, "#333333", False)]
            )
            box.text_frame.paragraphs[0].alignment = _align("right")
        if frame.heading:
            _text_box(
                self.slide,
                MARGIN,
                top + 0.02,
                SLIDE[0] - 2 * MARGIN,
                0.25,
                [(frame.heading, SUB_FONT + 1, "#1F3A5F", True)],
            )
            top += 0.25
        top += 0.1
        for row in frame.legend:
            for x, label, swatch in row:
                _swatch(self.slide, MARGIN + x, top + 0.05, swatch)
                text = _text_box(
                    self.slide,
                    MARGIN + x + 0.34,
                    top + 0.005,
                    measure(label, LEGEND_FONT) + 0.2,
                    0.22,
                    [(label, LEGEND_FONT, "#1A1A1A", False)],
                )
                text.text_frame.vertical_anchor = _anchor("middle")
            top += 0.22

    def footer(self) -> None:
        frame = self.frame
        if not frame.footer:
            return
        top = SLIDE[1] - frame.footer_h + 0.06
        _text_box(
            self.slide,
            MARGIN,
            top,
            SLIDE[0] - 2 * MARGIN,
            frame.footer_h - 0.1,
            [(line, FOOT_FONT, "#333333", False) for line in self.page.footer],
            wrap=True,
        )

    # the chart ----------------------------------------------------------------------

    def placement(self) -> tuple[float, float, float]:
        """(scale, left, top): the layout's inches on the slide, fitted to the room between header and footer."""
        layout = self.page.layout
        room_w = SLIDE[0] - 2 * MARGIN
        room_h = SLIDE[1] - self.frame.header_h - self.frame.footer_h
        scale = min(1.0, room_w / max(layout.width, 1e-9), room_h / max(layout.height, 1e-9))
        left = MARGIN + (room_w - layout.width * scale) / 2
        top = self.frame.header_h + (room_h - layout.height * scale) / 2
        return scale, left, top

    def boxes(self) -> dict[str, Any]:
        """A rounded rectangle per box, saying what the picture's box says; box id -> shape."""
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.util import Emu

        scale, ox, oy = self.placement()
        layout = self.page.layout
        shapes: dict[str, Any] = {}
        for box in layout.boxes:
            left, top, _, _ = box.bounds
            paragraphs = list(box.paragraphs)
            ref = self.page.refs.get(box.id)
            height = box.height
            if ref:
                if any(style == "ref" for style, _ in paragraphs):
                    paragraphs = [(style, ref if style == "ref" else text) for style, text in paragraphs]
                else:  # the overview has no room kept for a reference: on the last line, or a line more
                    paragraphs, height = _with_ref(paragraphs, ref, box, layout)
            else:
                paragraphs = [(style, text) for style, text in paragraphs if style != "ref"]
            shape = self.slide.shapes.add_shape(
                MSO_SHAPE.ROUNDED_RECTANGLE,
                Emu(_emu(ox + left * scale)),
                Emu(_emu(oy + top * scale)),
                Emu(_emu(box.width * scale)),
                Emu(_emu(height * scale)),
            )
            _plain(shape)
            shape.name = f"{box.title} ({box.id})"
            shape.adjustments[0] = min(0.5, ROUNDING / min(box.width, height))
            face, edge, ls, lw = _look(box)
            _fill(shape, face)
            _outline(shape, edge, lw, ls)
            _label(shape, box, paragraphs, scale)
            targets = [int(n) for n in _numbers(ref)] if ref else []
            if targets and 0 < targets[0] <= len(self.slides):
                shape.click_action.target_slide = self.slides[targets[0] - 1]
            shapes[box.id] = shape
        return shapes

    def captions(self) -> None:
        """The heading of each branch sharing the slide, over its boxes."""
        scale, ox, oy = self.placement()
        for left, top, lines in self.page.layout.captions:
            width = max(measure(line, CAPTION_PT, True) for line in lines) + 0.1
            _text_box(
                self.slide,
                ox + left * scale,
                oy + top * scale,
                width * scale,
                len(lines) * CAPTION_PT * 1.3 / 72 * scale,
                [(line, CAPTION_PT * scale, "#1F3A5F", True) for line in lines],
            )

    def connectors(self, shapes: dict[str, Any]) -> None:
        """Elbow connectors glued to the boxes they join, beneath them; dashed, straight ones for dotted lines."""
        from pptx.enum.shapes import MSO_CONNECTOR
        from pptx.util import Emu

        scale, ox, oy = self.placement()
        layout = self.page.layout
        by_id = {b.id: b for b in layout.boxes}
        first = next(iter(shapes.values()))._element if shapes else None

        def place(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
            return [(ox + x * scale, oy + y * scale) for x, y in points]

        for parent, child, points in layout.connectors:
            pts = place(points)
            line = self.slide.shapes.add_connector(MSO_CONNECTOR.ELBOW, 0, 0, Emu(1), Emu(1))
            _plain(line)
            vertical = abs(pts[1][0] - pts[0][0]) < 1e-6 and abs(pts[1][1] - pts[0][1]) > 1e-6
            _route(line, pts, vertical)
            _outline(line, LINE, 1.0, "-")
            box = by_id[child]
            if layout.direction == "lr":
                start, end = (3, 0) if box.stacked else (3, 1)
            elif box.stacked:
                start, end = 2, 1
            else:
                start, end = 2, 0
            _glue(line, shapes[parent], start, shapes[child], end)
            if first is not None:
                first.addprevious(line._element)
        for a, b in layout.dotted:
            (sa, ea), (pa, pb) = _nearest_sites(by_id[a], by_id[b])
            pa, pb = place([pa, pb])
            line = self.slide.shapes.add_connector(
                MSO_CONNECTOR.STRAIGHT, Emu(_emu(pa[0])), Emu(_emu(pa[1])), Emu(_emu(pb[0])), Emu(_emu(pb[1]))
            )
            _plain(line)
            line.name = "Dotted line"
            _outline(line, DOTTED, 1.3, "--")
            _glue(line, shapes[a], sa, shapes[b], ea)


def _notes(plan: Plan, page: Page) -> str:
    """Why each seat on the slide is there, box by box; what a folded box holds and where it continues."""
    seats = {s.id: s for s in plan.seats}
    lines = ["Why each seat on this slide is there:"]
    for box in sorted(page.layout.boxes, key=lambda b: (b.depth, b.x, b.y)):
        if box.kind == UNIT:
            continue
        titles: dict[str, list[str]] = {}
        for sid in box.seat_ids:
            seat = seats[sid]
            titles.setdefault(seat.title, [])
            for reason in seat.rationale:
                if reason.reason not in titles[seat.title]:
                    titles[seat.title].append(reason.reason)
        counts: dict[str, int] = {}
        for sid in box.seat_ids:
            counts[seats[sid].title] = counts.get(seats[sid].title, 0) + 1
        for title, reasons in titles.items():
            n = counts[title]
            head = f"{title} (x {n:,})" if n > 1 else title
            if not reasons:
                outside = box.family in OUTSIDE_HR
                reasons = ["Outside HR: drawn to show where HR reports."] if outside else []
            lines.append(f"- {head}: {' '.join(reasons)}" if reasons else f"- {head}")
        if box.hidden:
            families = ", ".join(f"{n:,} {_lower(plan.templates.families[f].label)}" for f, n in box.below)
            ref = page.refs.get(box.id)
            where = f"; {ref}" if ref else ""
            lines.append(f"  {count_of(len(box.hidden), 'seat')} folded below ({families}){where}.")
    return "\n".join(lines)


def _swatch(slide: Any, x: float, y: float, swatch: dict[str, Any]) -> None:
    """A legend entry's sample: a small box, or a dashed line."""
    from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
    from pptx.util import Emu

    shapes = slide.shapes
    if swatch.get("line"):
        line = shapes.add_connector(
            MSO_CONNECTOR.STRAIGHT, Emu(_emu(x)), Emu(_emu(y + 0.065)), Emu(_emu(x + 0.26)), Emu(_emu(y + 0.065))
        )
        _plain(line)
        line.name = "Legend: dotted line"
        _outline(line, DOTTED, 1.3, "--")
        return
    rect = shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(_emu(x)), Emu(_emu(y)), Emu(_emu(0.26)), Emu(_emu(0.13)))
    _plain(rect)
    _fill(rect, swatch["face"])
    if swatch.get("edge"):
        _outline(rect, swatch["edge"], swatch.get("lw", 0.8), swatch.get("ls", "-"))
    else:
        rect.line.fill.background()


def _lower(label: str) -> str:
    """A family's label inside a sentence: 'Specialists' -> 'specialists', 'HR leadership' kept."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _text_box(
    slide: Any,
    x: float,
    y: float,
    w: float,
    h: float,
    paragraphs: list[tuple[str, float, str, bool]],
    wrap: bool = False,
) -> Any:
    """A text box of paragraphs (text, points, colour, bold), no margins."""
    from pptx.util import Emu

    box = slide.shapes.add_textbox(Emu(_emu(x)), Emu(_emu(y)), Emu(_emu(w)), Emu(_emu(h)))
    tf = box.text_frame
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
    tf.word_wrap = wrap
    tf.auto_size = _no_autofit()
    for i, (text, size, colour, bold) in enumerate(paragraphs):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = para.add_run()
        run.text = text
        _font(run, size, colour, bold=bold)
    return box


def _label(shape: Any, box: Box, paragraphs: list[tuple[str, str]], scale: float) -> None:
    """The box's text: its title in bold, then what the picture's box says, centred."""
    from pptx.util import Emu, Pt

    family = box.team_family or box.family
    colour = "#1A1A1A" if box.mark == "new" else family_colours(family)[1]
    tf = shape.text_frame
    tf.margin_left = tf.margin_right = Emu(_emu(PAD_X * scale))
    tf.margin_top = tf.margin_bottom = Emu(_emu(0.02 * scale))
    tf.word_wrap = True
    tf.auto_size = _no_autofit()
    tf.vertical_anchor = _anchor("middle")
    for i, (style, text) in enumerate(paragraphs):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        para.alignment = _align("center")
        size = (TITLE_PT if style == "title" else BODY_PT) * scale
        para.line_spacing = Pt(line_height(style) * 72 * scale)
        run = para.add_run()
        run.text = text
        _font(run, size, colour, bold=style == "title", italic=style == "ref")


def _decoration(swatch: dict[str, Any]) -> bool:
    """Legend entries for the pictures' bands and strips, which the slides' boxes say in words instead."""
    return bool(swatch.get("band") or swatch.get("strip"))


def _look(box: Box) -> tuple[str, str, str, float]:
    """(fill, outline colour, line style, width) as the pictures draw the box."""
    fill, _ = family_colours(box.team_family or box.family)
    if box.family in OUTSIDE_HR:
        outline = outside_style(box.family)
        return fill, outline["edge"], outline["ls"], outline["lw"]
    if box.kind == UNIT:
        return fill, LINE, "-", 1.0
    return mark_style(box.mark, fill)


def _with_ref(
    paragraphs: list[tuple[str, str]], ref: str, box: Box, layout: Layout
) -> tuple[list[tuple[str, str]], float]:
    """The box's text with its slide reference, and its height: on the last line when it fits, else a line more
    when nothing is drawn just below the box, else (the link and the notes still say it) without it."""
    inner = box.width - 2 * PAD_X
    style, last = paragraphs[-1]
    joined = f"{last} \u2192 {ref.removeprefix('see ')}"
    if style == "body" and measure(joined, BODY_PT) <= inner:
        return [*paragraphs[:-1], (style, joined)], box.height
    grown = box.height + line_height("ref")
    left, top, right, _ = box.bounds
    bottom = top + grown + 0.04
    clash = any(
        b is not box and b.bounds[0] < right and b.bounds[2] > left and b.bounds[1] < bottom and b.bounds[3] > top
        for b in layout.boxes
    )
    if clash:
        return paragraphs, box.height
    return [*paragraphs, ("ref", ref)], grown


def _numbers(ref: str) -> list[str]:
    """The first number of each range in 'see slides 4-6, 9'."""
    words = ref.split(" ", 2)[-1]
    return [part.split("-")[0] for part in words.replace(" ", "").split(",") if part.split("-")[0].isdigit()]


def _sites(box: Box) -> list[tuple[float, float]]:
    """A rounded rectangle's connection sites: top, left, bottom, right."""
    left, top, right, bottom = box.bounds
    return [(box.x, top), (left, box.y), (box.x, bottom), (right, box.y)]


def _nearest_sites(a: Box, b: Box) -> tuple[tuple[int, int], tuple[tuple[float, float], tuple[float, float]]]:
    best = min(
        product(enumerate(_sites(a)), enumerate(_sites(b))),
        key=lambda pair: (pair[0][1][0] - pair[1][1][0]) ** 2 + (pair[0][1][1] - pair[1][1][1]) ** 2,
    )
    (i, p), (j, q) = best
    return (i, j), (p, q)


def _route(line: Any, pts: list[tuple[float, float]], vertical: bool) -> None:
    """Shape an elbow connector to the layout's polyline ``pts`` (inches): its preset, frame, turn, flips and bends.

    A bent connector's path runs across first; one whose first leg runs down is the same
    path turned a quarter, with flips choosing which corner it starts from.
    """
    from lxml import etree
    from pptx.oxml.ns import qn

    (sx, sy), (ex, ey) = pts[0], pts[-1]
    cx, cy = (sx + ex) / 2, (sy + ey) / 2
    w, h = (abs(ey - sy), abs(ex - sx)) if vertical else (abs(ex - sx), abs(ey - sy))
    w, h = max(w, 1e-6), max(h, 1e-6)

    def final(u: float, v: float, turn: int, flip_h: bool, flip_v: bool) -> tuple[float, float]:
        u, v = (w - u if flip_h else u) - w / 2, (h - v if flip_v else v) - h / 2
        return {0: (cx + u, cy + v), 90: (cx - v, cy + u), 270: (cx + v, cy - u)}[turn]

    def local(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - cx, y - cy
        u, v = {0: (dx, dy), 90: (dy, -dx), 270: (-dy, dx)}[turn]
        u, v = u + w / 2, v + h / 2
        return (w - u if flip_h else u, h - v if flip_v else v)

    # the forms PowerPoint itself writes first: a quarter turn, then a three-quarter turn flipped
    forms = [(90, False, False), (270, True, False), (90, False, True), (270, False, False)] if vertical else []
    forms += [(0, False, False), (0, True, False), (0, False, True), (0, True, True)]
    turn, flip_h, flip_v = min(
        forms,
        key=lambda f: round(sum(abs(a - b) for a, b in zip(final(0, 0, *f), (sx, sy), strict=True)), 6),
    )
    bends = len(pts) - 2
    preset = {1: "bentConnector2", 2: "bentConnector3", 3: "bentConnector4"}.get(bends, "bentConnector3")
    adjust: list[float] = []
    if bends == 2:
        adjust = [local(*pts[1])[0] / w]
    elif bends == 3:
        adjust = [local(*pts[1])[0] / w, local(*pts[2])[1] / h]
    sp_pr = line._element.spPr
    xfrm = sp_pr.find(qn("a:xfrm"))
    for key in ("flipH", "flipV", "rot"):
        xfrm.attrib.pop(key, None)
    if turn:
        xfrm.set("rot", str(turn * 60000))
    if flip_h:
        xfrm.set("flipH", "1")
    if flip_v:
        xfrm.set("flipV", "1")
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    off.set("x", str(_emu(cx - w / 2)))
    off.set("y", str(_emu(cy - h / 2)))
    ext.set("cx", str(max(1, _emu(w))))
    ext.set("cy", str(max(1, _emu(h))))
    geom = sp_pr.find(qn("a:prstGeom"))
    geom.set("prst", preset)
    av = geom.find(qn("a:avLst"))
    for gd in list(av):
        av.remove(gd)
    for i, value in enumerate(adjust, start=1):
        etree.SubElement(av, qn("a:gd"), name=f"adj{i}", fmla=f"val {round(value * 100000)}")


def _glue(line: Any, begin: Any, begin_site: int, end: Any, end_site: int) -> None:
    """Join a connector's ends to two shapes' connection sites, so it follows them when they move."""
    line._connect_begin_to(begin, begin_site)
    line._connect_end_to(end, end_site)


def _plain(shape: Any) -> None:
    """No theme style (shadows, theme colours): what is drawn is set on the shape itself."""
    from pptx.oxml.ns import qn

    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)


def _fill(shape: Any, colour: str) -> None:
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)


def _outline(shape: Any, colour: str, width: float, style: str) -> None:
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Pt

    shape.line.color.rgb = _rgb(colour)
    shape.line.width = Pt(width)
    if style in ("--", "dashed"):
        shape.line.dash_style = MSO_LINE_DASH_STYLE.DASH


def _font(run: Any, size: float, colour: str, bold: bool = False, italic: bool = False) -> None:
    from pptx.util import Pt

    font = run.font
    font.name = FONT_NAME
    font.size = Pt(round(size * 2) / 2)
    font.bold = bold
    font.italic = italic
    font.color.rgb = _rgb(colour)


def _align(where: str) -> Any:
    from pptx.enum.text import PP_ALIGN

    return {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}[where]


def _anchor(where: str) -> Any:
    from pptx.enum.text import MSO_ANCHOR

    return {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE}[where]


def _no_autofit() -> Any:
    from pptx.enum.text import MSO_AUTO_SIZE

    return MSO_AUTO_SIZE.NONE
