"""Tidy org-chart layout, independent of any drawing library.

Boxes are placed with a Reingold-Tilford style algorithm: each subtree is laid out on
its own, then pushed against its left sibling as close as its contour allows, and the
parent is centred over its first and last child. Siblings that would be drawn alike share
one box with a count: identical seats ("Recruiter x 6"), a lead with a uniform team
("leads 6 Recruiters"), several such teams ("HR Supervisor, Recruiters x 8"), identical
branches, and branches folded below the last level shown. Seats of a business unit or
country hang under a caption box of their own. Leaf boxes under a manager can be stacked
in columns. Box heights follow their text, measured in inches by a ``measure`` function.

Given a canvas (``fit=(width, height)`` in inches), :func:`layout_chart` chooses the
levels, direction and stacking that show the most levels within it.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from orgplan.core.validation import suggest
from orgplan.core.words import count_of, money, natural_key, number, plural_of
from orgplan.errors import OptionError
from orgplan.knowledge.catalog import OUTSIDE_HR
from orgplan.model.plan import Plan, Position
from orgplan.outputs.charts.choices import DETAILS, DIRECTIONS
from orgplan.outputs.charts.text import NBSP, Measure, approx_measure, wrap

__all__ = [
    "Box",
    "Layout",
    "layout_chart",
    "seat_label",
    "BOX_WIDTH",
    "BOX_HEIGHT",
    "TITLE_PT",
    "BODY_PT",
    "UNIT",
    "DETAILS",
    "line_height",
]

BOX_WIDTH, BOX_HEIGHT = 1.7, 0.44  # box width; smallest box height
GAP = 0.18  # between boxes side by side
LEVEL_GAP = 0.36  # between levels, room for the elbow connectors
CHAIN_GAP = 0.22  # between levels of one box each
STACK_GAP = 0.1  # between boxes stacked in a column
STACK_INDENT = 0.2  # column trunk to box
PAD_X, PAD_Y = 0.08, 0.07  # text to box edge
BAND = 0.06  # the lead's band on a team box, the family strip on a folded box
TITLE_PT, BODY_PT, LINE_SPACING = 9.0, 8.0, 1.25
UNIT = "unit"  # family of the caption boxes of a business unit or country
REF_PLACEHOLDER = "see pages 888-888"  # room for a page reference, filled in when drawn
# (stack leaf boxes when a manager has at least this many, rows per column); None: never stack.
STACKINGS: tuple[tuple[int, int] | None, ...] = (None, (5, 8), (3, 5), (2, 4), (2, 8), (2, 3), (2, 2))
DEFAULT_STACKING = (5, 8)
MAX_UNFOLD = 24  # folded boxes tried for opening when fitting a canvas


def line_height(style: str) -> float:
    """Inches between lines of a box's text in this style ('title', 'body' or 'ref')."""
    return (TITLE_PT if style == "title" else BODY_PT) * LINE_SPACING / 72


@dataclass
class Box:
    """One box of the chart: a seat, or seats drawn alike (``count`` > 1), or a unit caption.

    ``seat_ids`` are the seats drawn in the box (a team's lead first, then its members,
    listed in ``team_ids``); ``hidden`` the seats folded below it and not drawn.
    """

    id: str
    seat_ids: tuple[str, ...]
    title: str
    family: str
    role: str
    fte: float
    cost: float  # yearly cost of the seats in the box, the folded seats not included
    functions: tuple[str, ...]
    depth: int
    x: float = 0.0  # centre
    y: float = 0.0  # centre; grows downwards
    width: float = BOX_WIDTH
    height: float = BOX_HEIGHT
    team: tuple[str, int] | None = None  # (title, seats) of the team drawn in a lead's box
    stacked: bool = False
    children: list[Box] = field(default_factory=list, repr=False)
    kind: str = "seat"  # 'seat' or 'unit' (the caption over a business unit's or country's seats)
    unit: str | None = None  # business unit and/or country the seats serve
    serves: str | None = None  # the unit or country said on a seat drawn without a caption over it
    mark: str | None = None  # 'new', 'changed' or 'kept' when compared with a current team
    team_ids: tuple[str, ...] = ()
    team_family: str | None = None
    team_sizes: tuple[int, ...] = ()  # team size of each lead
    hidden: tuple[str, ...] = ()
    hidden_sizes: tuple[int, ...] = ()  # seats folded below each seat of the box
    alike: bool = False  # the box stands for identical branches, folded
    branch_keys: tuple[int, ...] = ()  # for each folded seat: equal keys, identical branches
    below: tuple[tuple[str, int], ...] = ()  # families of the folded seats, with counts
    lines: list[tuple[str, str]] = field(default_factory=list, repr=False)  # (style, text)
    paragraphs: list[tuple[str, str]] = field(default_factory=list, repr=False)  # the lines before wrapping

    @property
    def count(self) -> int:
        """Seats this box stands for at its own title (a team is counted in ``team``)."""
        return len(self.seat_ids) - len(self.team_ids)

    @property
    def hidden_below(self) -> int:
        """Seats folded below this box."""
        return len(self.hidden)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom)."""
        return (self.x - self.width / 2, self.y - self.height / 2, self.x + self.width / 2, self.y + self.height / 2)


@dataclass
class Layout:
    """Boxes, connectors (polylines) and the drawing's extent, in inches.

    ``levels`` is how many levels are drawn of the ``total_levels`` there are; ``folded``
    how many seats are folded into boxes; ``dotted`` the pairs of box ids joined by a
    dotted reporting line.
    """

    boxes: list[Box]
    connectors: list[tuple[str, str, list[tuple[float, float]]]]
    width: float
    height: float
    direction: str
    levels: int = 0
    total_levels: int = 0
    folded: int = 0
    stacking: tuple[int, int] | None = None
    dotted: list[tuple[str, str]] = field(default_factory=list)
    # (left, top, lines) of the heading over each branch when several share a page
    captions: list[tuple[float, float, list[str]]] = field(default_factory=list)

    def box_of(self, seat_id: str) -> Box | None:
        """The box drawing this seat, or None when it is folded away or not on this chart."""
        for b in self.boxes:
            if seat_id in b.seat_ids:
                return b
        return None


def seat_label(seat: Position) -> str | None:
    """The business unit and country an HR seat serves, as a caption; None for a central seat or one outside HR."""
    if not seat.is_hr:
        return None
    parts = [p for p in (seat.unit, None if seat.central else seat.country) if p]
    return ", ".join(parts) if parts else None


class _Seats:
    """The plan's seats as the layout reads them, worked out once per plan and options."""

    def __init__(self, plan: Plan, marks: dict[str, str], expand: bool):
        self.seats = {s.id: s for s in plan.seats}
        self.marks = marks
        self.expand = expand
        self.kids: dict[str, list[Position]] = {k: list(v) for k, v in plan.reports_index.items()}
        rank = plan.templates.catalog.family_rank
        for kids in self.kids.values():  # by family, most senior first, then by title
            kids.sort(key=lambda s: (rank(s.family), -s.level, natural_key(s.title), natural_key(s.id)))
        order = self._post_order(plan.root.id)
        self.below: dict[str, tuple[str, ...]] = {}
        self.sig: dict[str, int] = {}
        interned: dict[tuple[Any, ...], int] = {}
        self.teamlike: set[str] = set()
        for sid in order:
            kids = self.kids.get(sid, [])
            self.below[sid] = tuple(x for k in kids for x in (k.id, *self.below[k.id]))
            key = (*self._leaf_key(self.seats[sid]), tuple(sorted(self.sig[k.id] for k in kids)))
            self.sig[sid] = interned.setdefault(key, len(interned))
            lead = self.seats[sid]
            if (
                kids
                and lead.is_hr
                and all(k.id not in self.kids for k in kids)
                and len({self._leaf_key(k) for k in kids}) == 1
                and self.marks.get(kids[0].id) == self.marks.get(sid)
                and seat_label(kids[0]) == seat_label(lead)
            ):
                self.teamlike.add(sid)

    def _post_order(self, root: str) -> list[str]:
        out, stack = [], [root]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(k.id for k in self.kids.get(node, []))
        return out[::-1]

    def _leaf_key(self, s: Position) -> tuple[Any, ...]:
        return (
            s.role,
            s.title,
            s.family,
            s.fte,
            self.marks.get(s.id),
            seat_label(s),
        )  # seats of a role are alike whatever share of the work each took


class _Builder:
    """Builds the tree of boxes down to ``levels`` levels (all when None)."""

    def __init__(self, seats: _Seats, levels: int | None, unfolded: frozenset[str] = frozenset()):
        self.s = seats
        self.levels = levels
        self.unfolded = unfolded  # boxes (seat or caption ids) that show what is below them at any depth

    def cut(self, depth: int, owner: str) -> bool:
        """True when the boxes under ``owner`` (at ``depth``) are folded into it."""
        return self.levels is not None and depth >= self.levels and owner not in self.unfolded

    def seat_box(self, seat: Position, depth: int) -> Box:
        return Box(
            seat.id,
            (seat.id,),
            seat.title,
            seat.family,
            seat.role,
            seat.fte,
            seat.annual_cost,
            seat.functions,
            depth,
            unit=seat_label(seat),
            mark=self.s.marks.get(seat.id),
        )

    def fold(self, box: Box, ids: tuple[str, ...]) -> None:
        box.hidden = tuple(x for i in ids for x in self.s.below[i])
        box.hidden_sizes = tuple(len(self.s.below[i]) for i in ids)
        box.branch_keys = tuple(self.s.sig[i] for i in ids)

    def build(self, seat: Position, depth: int) -> Box:
        box = self.seat_box(seat, depth)
        kids = self.s.kids.get(seat.id, [])
        if not kids:
            return box
        if not self.s.expand and seat.id in self.s.teamlike:  # a lead and a uniform team read as one box
            box.team_ids = tuple(k.id for k in kids)
            box.seat_ids += box.team_ids
            box.cost += sum(k.annual_cost for k in kids)
            box.team, box.team_family, box.team_sizes = (kids[0].title, len(kids)), kids[0].family, (len(kids),)
            return box
        if self.cut(depth + 1, seat.id):
            self.fold(box, (seat.id,))
            return box
        box.children = self.under(seat, kids, depth + 1)
        return box

    def under(self, parent: Position, kids: list[Position], depth: int) -> list[Box]:
        """The boxes under ``parent``: its central seats, then a caption box per unit or country.

        A unit or country served by one seat (with its team or branch) has no caption: the
        seat's box says what it serves, and is drawn in place instead of folded on a page of its own.
        """
        own = seat_label(parent)
        central: list[Position] = []
        units: dict[str, list[Position]] = {}
        for kid in kids:
            label = seat_label(kid)
            if label is None or label == own:
                central.append(kid)
            else:
                units.setdefault(label, []).append(kid)
        boxes = self.siblings(central, depth)
        for label in sorted(units, key=natural_key):
            members = units[label]
            if len(members) == 1:
                box = self.build(members[0], depth)
                box.serves = label
                boxes.append(box)
                continue
            tag = Box(f"{parent.id}@{label}", (), label, UNIT, UNIT, 0.0, 0.0, (), depth, kind="unit", unit=label)
            if self.cut(depth + 1, tag.id):
                tag.hidden = tuple(x for m in members for x in (m.id, *self.s.below[m.id]))
                tag.hidden_sizes = (len(tag.hidden),)
            else:
                tag.children = self.siblings(members, depth + 1)
            boxes.append(tag)
        return boxes

    def siblings(self, kids: list[Position], depth: int) -> list[Box]:
        if self.s.expand:
            return [self.build(k, depth) for k in kids]
        branches = Counter(self.s.sig[k.id] for k in kids if self._branch(k, depth))
        groups: dict[Any, list[Box]] = {}
        for kid in kids:
            if branches.get(self.s.sig[kid.id], 0) > 1 and self._branch(kid, depth):  # identical branches, folded
                key: Any = ("alike", self.s.sig[kid.id])
                box = self.seat_box(kid, depth)
                self.fold(box, (kid.id,))
                box.alike = True
            else:
                box = self.build(kid, depth)
                key = _group_key(box) or ("own", kid.id)
            groups.setdefault(key, []).append(box)
        return [_merge(members) for members in groups.values()]

    def _branch(self, kid: Position, depth: int) -> bool:
        return kid.id in self.s.kids and kid.id not in self.s.teamlike and not self.cut(depth + 1, kid.id)


def _group_key(box: Box) -> tuple[Any, ...] | None:
    """Boxes with the same key are drawn as one box with a count; None: never grouped."""
    if box.children:
        return None
    base = (box.role, box.title, box.family, box.fte, box.mark, box.unit)
    if box.team_ids:
        return ("team", *base, box.team[0] if box.team else None, box.team_family)
    return ("folded" if box.hidden else "leaf", *base)


def _merge(boxes: list[Box]) -> Box:
    first = boxes[0]
    if len(boxes) == 1:
        return first
    first.seat_ids = tuple(b.seat_ids[0] for b in boxes) + tuple(i for b in boxes for i in b.team_ids)
    first.team_ids = tuple(i for b in boxes for i in b.team_ids)
    first.team_sizes = tuple(n for b in boxes for n in b.team_sizes)
    if first.team:
        first.team = (first.team[0], len(first.team_ids))
    first.cost = sum(b.cost for b in boxes)
    first.functions = tuple(dict.fromkeys(f for b in boxes for f in b.functions))
    first.hidden = tuple(i for b in boxes for i in b.hidden)
    first.hidden_sizes = tuple(n for b in boxes for n in b.hidden_sizes)
    first.branch_keys = tuple(k for b in boxes for k in b.branch_keys)
    return first


# What the boxes say -------------------------------------------------------------------


class _Texts:
    """Composes and wraps each box's lines, and sizes the box to hold them."""

    def __init__(self, plan: Plan, seats: _Seats, detail: str, measure: Measure, page_refs: bool):
        self.plan, self.s, self.detail, self.measure, self.page_refs = plan, seats, detail, measure, page_refs
        self.wrapped: dict[tuple[str, tuple[str, ...]], list[str]] = {}

    def size(self, box: Box) -> None:
        inner = BOX_WIDTH - 2 * PAD_X
        box.lines = []
        box.paragraphs = []
        for style, tokens in self.paragraphs(box):
            box.paragraphs.append((style, " ".join(tokens).replace(NBSP, " ")))
            key = (style, tuple(tokens))
            if key not in self.wrapped:
                bold = style == "title"
                self.wrapped[key] = wrap(tokens, inner, self.measure, TITLE_PT if bold else BODY_PT, bold)
            box.lines += [(style, line) for line in self.wrapped[key]]
        bands = (BAND if box.team_ids else 0.0) + (BAND if box.hidden else 0.0)
        box.width = BOX_WIDTH
        box.height = max(BOX_HEIGHT, 2 * PAD_Y + bands + sum(line_height(style) for style, _ in box.lines))
        if box.hidden:
            families = Counter(self.s.seats[i].family for i in box.hidden)
            order = self.plan.templates.families
            box.below = tuple((f, families[f]) for f in order if families.get(f))

    def paragraphs(self, box: Box) -> list[tuple[str, list[str]]]:
        title = box.title.split()
        if box.count > 1:
            title.append(f"x {box.count:,}")
        out: list[tuple[str, list[str]]] = [("title", title)]  # words, or phrases kept whole
        body: list[str] = []
        if box.serves and box.serves not in box.title:
            body.append(box.serves)
        if box.kind == "unit" and not box.hidden:
            body.append(count_of(_seats_under(box), "seat"))
        if box.team_ids:
            body.append(_team_text(box))
        elif self.detail == "functions" and box.functions and box.kind == "seat" and box.family not in OUTSIDE_HR:
            labels = [self.plan.templates.function_label(f) for f in box.functions]
            body.append(
                labels[0]
                if len(labels) == 1
                else count_of(len(labels), "HR function")
                if len(labels) > 3
                else ", ".join(labels)
            )
        if box.fte != 1 and box.kind == "seat" and box.family not in OUTSIDE_HR:
            body.append(f"{number(box.fte)} FTE" + (" each" if box.count > 1 else ""))
        costs = (
            self.cost_texts(box)
            if self.detail == "cost" and box.family not in OUTSIDE_HR and box.kind == "seat"
            else []
        )
        body += costs[:-1] if box.hidden and costs else costs
        if box.hidden:
            sizes = set(box.hidden_sizes)
            each = f", {next(iter(sizes)):,} each" if len(box.hidden_sizes) > 1 and len(sizes) == 1 else ""
            body.append(f"+{count_of(len(box.hidden), 'seat')} below{each}")
            body += costs[-1:]
        out += [("body", text.split(" ")) for text in body]
        if self.page_refs and box.hidden:
            out.append(("ref", [REF_PLACEHOLDER]))
        return out

    def cost_texts(self, box: Box) -> list[str]:
        """Yearly cost per seat and in all: the amounts in all add up to the plan's cost."""
        cost = {i: self.s.seats[i].annual_cost for i in box.seat_ids}
        leads = [cost[i] for i in box.seat_ids[: box.count]]
        team = [cost[i] for i in box.team_ids]
        own = sum(cost.values())
        if box.team_ids:
            head = (
                f"lead{NBSP}{money(leads[0])};"
                if len(leads) == 1
                else f"{box.count:,}{NBSP}leads{NBSP}x{NBSP}{_each(leads)};"
            )
            texts = [f"{head} {len(team):,}{NBSP}x{NBSP}{_each(team)}", f"{money(own)} in all"]
        elif len(leads) > 1:
            texts = [f"{_each(leads)} each", f"{money(own)} in all"]
        else:
            texts = [f"{money(own)} a year"]
        if box.hidden:
            below = sum(self.s.seats[i].annual_cost for i in box.hidden)
            texts.append(f"{money(own + below)}{NBSP}in{NBSP}all with{NBSP}them")
        return texts


def _each(costs: list[float]) -> str:
    return money(costs[0]) if max(costs) - min(costs) < 0.5 else "~" + money(sum(costs) / len(costs))


def _team_text(box: Box) -> str:
    """'leads 6 Recruiters', or 'team of 6' when the lead's title names the team already."""
    title = box.team[0] if box.team else ""
    sizes = box.team_sizes
    named = plural_of(title).lower() in box.title.lower()
    if len(sizes) == 1:
        return f"team of {sizes[0]:,}" if named else f"leads {count_of(sizes[0], title)}"
    if len(set(sizes)) == 1:
        return f"teams of {sizes[0]:,}" if named else f"lead {count_of(sizes[0], title)} each"
    average = f"~{sum(sizes) / len(sizes):.0f} each"
    return (
        f"teams of {average[:-5]}, {sum(sizes):,} in all" if named else f"lead {count_of(sum(sizes), title)}, {average}"
    )


def _seats_under(box: Box) -> int:
    return sum(len(b.seat_ids) + len(b.hidden) for b in _flatten(box)) - len(box.seat_ids)


# Where the boxes go ---------------------------------------------------------------------

Contour = dict[int, tuple[float, float]]


class _Placer:
    """Places boxes along a breadth axis (across a level) and a depth axis (down the levels)."""

    def __init__(self, top: Box, direction: str, stacking: tuple[int, int] | None):
        self.tb = direction == "tb"
        self.stacking = stacking
        self.boxes = _flatten(top)
        for b in self.boxes:
            b.stacked = False
        if self.stacking:
            for b in self.boxes:
                leaves = [c for c in b.children if not c.children]
                for c in leaves:
                    c.stacked = len(leaves) >= self.stacking[0]
        sizes: dict[int, float] = {}
        counts: Counter[int] = Counter()
        for b in self.boxes:
            if not b.stacked:
                sizes[b.depth] = max(sizes.get(b.depth, 0.0), self.dsize(b))
                counts[b.depth] += 1
        self.sizes = sizes
        # a single line of command at the top (one box a level) needs no room for a bar
        self.gaps = {d: CHAIN_GAP for d in counts if counts[d] == 1 and counts.get(d + 1) == 1}
        self.starts = [0.0]

    def bsize(self, b: Box) -> float:
        return b.width if self.tb else b.height

    def dsize(self, b: Box) -> float:
        return b.height if self.tb else b.width

    def start(self, depth: int) -> float:
        while len(self.starts) <= depth:
            d = len(self.starts) - 1
            self.starts.append(self.starts[-1] + self.sizes.get(d, BOX_HEIGHT) + self.gap(d))
        return self.starts[depth]

    def gap(self, depth: int) -> float:
        """The room between level ``depth`` and the next."""
        return self.gaps.get(depth, LEVEL_GAP)

    def place(self, box: Box) -> Contour:
        """Lay out the subtree of ``box`` with ``box`` at u=0; return its contour by level (u = x, v = y for 'tb')."""
        half = self.bsize(box) / 2
        box.x, box.y = 0.0, self.start(box.depth) + self.dsize(box) / 2
        contour: Contour = {box.depth: (-half, half)}
        if not box.children:
            return contour
        items: list[tuple[list[Box], Contour, float]] = [
            ([c], self.place(c), 0.0) for c in box.children if not c.stacked
        ]
        stacked = [c for c in box.children if c.stacked]
        if stacked:
            items.append((stacked, self.block(stacked, box.depth + 1), 0.0))
        merged: Contour = {}
        anchors: list[float] = []
        for members, sub, anchor in items:
            shift = max((merged[d][1] + GAP - sub[d][0] for d in sub if d in merged), default=0.0) if merged else 0.0
            for m in members:
                _shift(m, shift)
            anchors.append(anchor + shift)
            for d, (lo, hi) in sub.items():
                lo, hi = lo + shift, hi + shift
                merged[d] = (min(merged[d][0], lo), max(merged[d][1], hi)) if d in merged else (lo, hi)
        centre = (anchors[0] + anchors[-1]) / 2
        for members, _, _ in items:
            for m in members:
                _shift(m, -centre)
        for d, (lo, hi) in merged.items():
            contour[d] = (lo - centre, hi - centre)
        return contour

    def block(self, stacked: list[Box], depth: int) -> Contour:
        """Leaf boxes stacked in columns, centred at u=0, each column with its trunk on the left
        (left to right, rows of boxes, each row under its trunk)."""
        assert self.stacking is not None
        columns = math.ceil(len(stacked) / self.stacking[1])
        rows = math.ceil(len(stacked) / columns)
        groups = [stacked[col * rows : (col + 1) * rows] for col in range(columns)]
        breadths = [STACK_INDENT + max(self.bsize(c) for c in group) for group in groups]
        total = sum(breadths) + GAP * (columns - 1)
        left = -total / 2
        step = STACK_GAP if self.tb else GAP
        bottom = top = self.start(depth)
        start = left
        for group, breadth in zip(groups, breadths, strict=True):
            v = top
            for child in group:
                child.x = start + STACK_INDENT + self.bsize(child) / 2
                child.y = v + self.dsize(child) / 2
                v += self.dsize(child) + step
            bottom = max(bottom, v - step)
            start += breadth + GAP
        contour: Contour = {}
        d = depth
        while d == depth or self.start(d) < bottom:
            contour[d] = (left, left + total)
            d += 1
        return contour

    def connectors(self, box: Box) -> list[tuple[str, str, list[tuple[float, float]]]]:
        """Elbow connectors: manager end -> half-way -> across -> report; trunks for stacked columns."""
        lines = []
        end = box.y + self.dsize(box) / 2
        mid = self.start(box.depth + 1) - self.gap(box.depth) / 2
        for child in box.children:
            if child.stacked:
                trunk = child.x - self.bsize(child) / 2 - STACK_INDENT / 2
                lines.append(
                    (
                        box.id,
                        child.id,
                        [
                            (box.x, end),
                            (box.x, mid),
                            (trunk, mid),
                            (trunk, child.y),
                            (child.x - self.bsize(child) / 2, child.y),
                        ],
                    )
                )
            else:
                lines.append(
                    (
                        box.id,
                        child.id,
                        [(box.x, end), (box.x, mid), (child.x, mid), (child.x, child.y - self.dsize(child) / 2)],
                    )
                )
                lines.extend(self.connectors(child))
        return lines


def _shift(box: Box, dx: float) -> None:
    box.x += dx
    for child in box.children:
        _shift(child, dx)


def _flatten(box: Box) -> list[Box]:
    out, stack = [], [box]
    while stack:
        b = stack.pop()
        out.append(b)
        stack.extend(reversed(b.children))
    return out


def _arrange(top: Box, direction: str, stacking: tuple[int, int] | None) -> Layout:
    """Place an already built and sized tree of boxes."""
    placer = _Placer(top, direction, stacking)
    placer.place(top)
    boxes = placer.boxes
    connectors = placer.connectors(top)
    left = min(b.x - placer.bsize(b) / 2 for b in boxes)
    for b in boxes:
        b.x -= left
    connectors = [(a, c, [(x - left, y) for x, y in pts]) for a, c, pts in connectors]
    if direction == "lr":  # laid out with x as the breadth axis: turn it a quarter
        for b in boxes:
            b.x, b.y = b.y, b.x
        connectors = [(a, c, [(y, x) for x, y in pts]) for a, c, pts in connectors]
    width = max(b.bounds[2] for b in boxes)
    height = max(b.bounds[3] for b in boxes)
    return Layout(
        boxes=boxes,
        connectors=connectors,
        width=width,
        height=height,
        direction=direction,
        levels=max(b.depth for b in boxes) + 1,
        folded=sum(len(b.hidden) for b in boxes),
        stacking=placer.stacking,
    )


# The public call ---------------------------------------------------------------------------


def _check(
    plan: Plan, direction: str, levels: Any, root: str | None, unit: str | None, detail: str, marks: dict[str, str]
) -> None:
    if direction not in DIRECTIONS:
        raise OptionError(
            f"unknown direction {direction!r}; expected 'tb' (top-down), 'lr' (left-right) or 'auto'", where="direction"
        )
    if (
        levels != "auto"
        and levels is not None
        and (isinstance(levels, bool) or not isinstance(levels, int) or levels < 1)
    ):
        raise OptionError(f"expected a whole number of 1 or more, or 'auto', got {levels!r}", where="levels")
    if detail not in DETAILS:
        raise OptionError(f"expected one of {', '.join(DETAILS)}, got {detail!r}", where="detail")
    ids = {s.id for s in plan.seats}
    if root is not None and root not in ids:
        raise OptionError(
            f"no seat with id {root!r}{suggest(root, ids)}; `orgplan plan --json` lists the ids", where="root"
        )
    labels = {label for s in plan.seats if (label := seat_label(s))}
    if unit is not None and unit not in labels:
        known = ", ".join(sorted(labels)) or "none: no seat has a unit or country"
        raise OptionError(
            f"no seats serve {unit!r}{suggest(unit, labels)}; units and countries in this plan: {known}", where="unit"
        )
    unknown = sorted(set(marks) - ids)
    if unknown:
        raise OptionError(f"no seat with id {unknown[0]!r}", where="marks")


_last_seats: tuple[weakref.ref[Plan], tuple[Any, ...], _Seats] | None = None


def _seats_of(plan: Plan, marks: dict[str, str], expand: bool) -> _Seats:
    """:class:`_Seats` for this plan and options; the last plan's are kept, as a chart fitted to a
    page is laid out several times (a large plan's take a second to work out)."""
    global _last_seats
    key = (tuple(sorted(marks.items())), expand)
    last = _last_seats
    if last is not None and last[0]() is plan and last[1] == key:
        return last[2]
    seats = _Seats(plan, marks, expand)
    _last_seats = (weakref.ref(plan), key, seats)
    return seats


def layout_chart(
    plan: Plan,
    *,
    direction: str = "tb",
    levels: int | str | None = None,
    root: str | None = None,
    unit: str | None = None,
    expand: bool = False,
    detail: str = "functions",
    marks: dict[str, str] | None = None,
    fit: tuple[float, float] | None = None,
    measure: Measure | None = None,
    page_refs: bool = False,
) -> Layout:
    """Lay out ``plan`` as an org chart, in inches.

    ``levels`` draws the first N levels (None: all; 'auto': as many as fit), ``root`` a
    seat and everything below it, ``unit`` the seats of one business unit or country.
    With ``fit=(width, height)`` the levels (when 'auto'), the direction (when 'auto')
    and the stacking of leaf boxes are chosen to fit that canvas; when nothing fits,
    the smallest overflow wins.

    >>> from orgplan import plan, profile_from_dict
    >>> lay = layout_chart(plan(profile_from_dict({"employees": 400})))
    >>> lay.boxes[0].title
    'Chief Executive Officer'
    >>> big = plan(profile_from_dict({"employees": 60000}))
    >>> lay = layout_chart(big, levels="auto", direction="auto", fit=(12.7, 5.8))
    >>> lay.width <= 12.7 and lay.height <= 5.8 and lay.folded > 0
    True
    """
    marks = marks or {}
    _check(plan, direction, levels, root, unit, detail, marks)
    seats = _seats_of(plan, marks, expand)
    texts = _Texts(plan, seats, detail, measure or approx_measure, page_refs)
    start = plan.seat(root) if root is not None else plan.root

    def build(limit: int | None, unfolded: frozenset[str] = frozenset()) -> Box:
        builder = _Builder(seats, limit, unfolded)
        if unit is None:
            top = builder.build(start, 0)
        else:  # the seats of one unit (under ``root`` when given), each with what is below it
            pool = [start, *(seats.seats[i] for i in seats.below[start.id])]
            tops = [
                s
                for s in pool
                if seat_label(s) == unit and (s is start or seat_label(seats.seats[s.reports_to or ""]) != unit)
            ]
            top = Box(f"{root or ''}@{unit}", (), unit, UNIT, UNIT, 0.0, 0.0, (), 0, kind="unit", unit=unit)
            if builder.cut(1, top.id):
                top.hidden = tuple(x for t in tops for x in (t.id, *seats.below[t.id]))
                top.hidden_sizes = (len(top.hidden),)
            else:
                top.children = builder.siblings(tops, 1)
        for b in _flatten(top):
            texts.size(b)
        return top

    def arrange(top: Box, way: str, stacking: tuple[int, int] | None) -> Layout:
        lay = _arrange(top, way, stacking)
        lay.dotted = _dotted(lay, seats)
        return lay

    full = build(None)
    total = max(b.depth for b in _flatten(full)) + 1
    if fit is None:
        lay = arrange(
            build(levels if isinstance(levels, int) else None), "lr" if direction == "lr" else "tb", DEFAULT_STACKING
        )
        lay.total_levels = total
        return lay
    width, height = fit
    best: list[tuple[float, Layout]] = []

    def first_fit(top: Box, way: str) -> Layout | None:
        """The least stacked arrangement that fits the canvas, if any."""
        for stacking in STACKINGS:
            lay = _copy(arrange(top, way, stacking))
            lay.total_levels = total
            over = max(lay.width / width, lay.height / height)
            if over <= 1:
                return lay
            if not best or over < best[0][0]:
                best[:] = [(over, lay)]
        return None

    def unfold(lay: Layout, limit: int, way: str) -> Layout:
        """Open folded boxes one by one, shallow and large first, while the chart still fits: the branch
        opened is the largest that fits, not the first one met."""
        unfolded: frozenset[str] = frozenset()
        tried: set[str] = set()
        for _ in range(MAX_UNFOLD):
            frontier = sorted(
                (b for b in lay.boxes if b.hidden and not b.alike and b.id not in tried),
                key=lambda b: (b.depth, -len(b.hidden), b.x, b.y),
            )
            if not frontier:
                break
            box = frontier[0]
            tried.add(box.id)
            more = unfolded | ({box.id} if box.kind == UNIT else set(box.seat_ids[: box.count]))
            wider = first_fit(build(limit, more), way)
            if wider is not None:
                lay, unfolded = wider, more
        return lay

    def balance(lay: Layout) -> Layout:
        """The stacking of leaf boxes that uses the canvas best (a tall column of leaves makes a square picture)."""

        def use(candidate: Layout) -> float:
            return min(candidate.width / width, candidate.height / height)

        chosen, score = lay, use(lay)
        for stacking in STACKINGS:
            if stacking == lay.stacking:
                continue
            fresh = _copy(lay)
            candidate = _copy(arrange(fresh.boxes[0], lay.direction, stacking))
            candidate.total_levels = lay.total_levels
            if candidate.width <= width and candidate.height <= height and use(candidate) > score * 1.1:
                chosen, score = candidate, use(candidate)
        return chosen

    ways = ("tb", "lr") if direction == "auto" else (direction,)
    # never fewer than two levels: a chart of the top box alone says nothing
    fixed = levels if isinstance(levels, int) else total  # not 'auto': a number of levels, or None for all
    tries = range(total, min(2, total) - 1, -1) if levels == "auto" else [min(fixed, total)]
    for limit in tries:
        top = full if limit == total else build(limit)
        if levels == "auto" and limit > 2 and sum(b.width * b.height for b in _flatten(top)) > width * height:
            continue  # more box area than the canvas: cannot fit
        for way in ways:
            fitted = first_fit(top, way)
            if fitted is not None:
                return balance(unfold(fitted, limit, way) if levels == "auto" and fitted.folded else fitted)
    return best[0][1]


def _copy(lay: Layout) -> Layout:
    """The layout with its boxes' positions frozen (later tries move the same boxes)."""
    from copy import copy

    boxes = [copy(b) for b in lay.boxes]
    by_id = {id(old): new for old, new in zip(lay.boxes, boxes, strict=True)}
    for b in boxes:
        b.children = [by_id[id(c)] for c in b.children if id(c) in by_id]
    return Layout(
        boxes,
        lay.connectors,
        lay.width,
        lay.height,
        lay.direction,
        lay.levels,
        lay.total_levels,
        lay.folded,
        lay.stacking,
        lay.dotted,
    )


def _dotted(lay: Layout, seats: _Seats) -> list[tuple[str, str]]:
    """Pairs of boxes joined by a dotted reporting line, when both seats are drawn in different boxes."""
    where = {i: b.id for b in lay.boxes for i in b.seat_ids}
    pairs = []
    for sid, box_id in where.items():
        target = seats.seats[sid].dotted_to
        if target in where and where[target] != box_id and (box_id, where[target]) not in pairs:
            pairs.append((box_id, where[target]))
    return pairs
