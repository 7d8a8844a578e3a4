"""Tidy org-chart layout, independent of any drawing library.

Boxes are placed with a Reingold-Tilford style algorithm: each subtree is laid out on
its own, then pushed against its left sibling as close as its contour allows, and the
parent is centred over its first and last child. Identical leaf siblings collapse into
one box with a count, and long runs of leaf reports are stacked in columns under their
manager so a wide level never becomes an endless row. Units are inches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .errors import OptionError
from .model import Plan, Position
from .validation import suggest

__all__ = ["Box", "Layout", "layout_chart", "BOX_WIDTH", "BOX_HEIGHT"]

BOX_WIDTH, BOX_HEIGHT = 2.0, 0.72
GAP = 0.25  # between boxes side by side
LEVEL_GAP = 0.5  # between levels, room for the elbow connectors
STACK_GAP = 0.14  # between boxes stacked in a column
STACK_INDENT = 0.25  # column trunk to box
STACK_AT = 4  # a manager with more leaf boxes than this gets them stacked
STACK_ROWS = 8  # boxes per stacked column


@dataclass
class Box:
    """One box of the chart: a seat, or a group of identical seats (``count`` > 1)."""

    id: str
    seat_ids: tuple[str, ...]
    title: str
    family: str
    role: str
    fte: float
    cost: float
    functions: tuple[str, ...]
    depth: int
    x: float = 0.0  # centre
    y: float = 0.0  # centre; grows downwards
    width: float = BOX_WIDTH
    height: float = BOX_HEIGHT
    hidden_below: int = 0
    team: tuple[str, int] | None = None  # (title, count) of the team merged into a lead's box
    stacked: bool = False
    children: list[Box] = field(default_factory=list, repr=False)

    @property
    def count(self) -> int:
        """Seats this box stands for at its own title (a merged team is counted in ``team``)."""
        return len(self.seat_ids) - (self.team[1] if self.team else 0)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom)."""
        return (self.x - self.width / 2, self.y - self.height / 2, self.x + self.width / 2, self.y + self.height / 2)


@dataclass
class Layout:
    """Boxes, connectors (polylines) and the drawing's extent, in inches."""

    boxes: list[Box]
    connectors: list[tuple[str, str, list[tuple[float, float]]]]
    width: float
    height: float
    direction: str


def layout_chart(plan: Plan, *, direction: str = "tb", levels: int | None = None, root: str | None = None, expand: bool = False) -> Layout:
    """Lay out ``plan`` as an org chart.

    >>> from orgplan import plan, profile_from_dict
    >>> lay = layout_chart(plan(profile_from_dict({"employees": 400})))
    >>> lay.boxes[0].title
    'Chief Executive Officer'
    """
    if direction not in ("tb", "lr"):
        raise OptionError(f"unknown direction {direction!r}; expected 'tb' (top-down) or 'lr' (left-right)", where="direction")
    if levels is not None and (isinstance(levels, bool) or not isinstance(levels, int) or levels < 1):
        raise OptionError(f"expected a whole number of 1 or more, got {levels!r}", where="levels")
    seats = {s.id: s for s in plan.seats}
    start = root or plan.root.id
    if start not in seats:
        raise OptionError(f"no seat with id {start!r}{suggest(start, seats)}; `orgplan plan --json` lists the ids", where="root")
    children: dict[str, list[Position]] = {}
    for s in plan.seats:
        if s.reports_to is not None:
            children.setdefault(s.reports_to, []).append(s)
    rank = plan.templates.catalog.family_rank
    for kids in children.values():  # by family, most senior first, then by title
        kids.sort(key=lambda s: (rank(s.family), -s.level, s.title, s.id))
    top = _build(seats[start], children, 0, levels, expand)
    tb = direction == "tb"
    dims = _Dims(BOX_WIDTH, BOX_HEIGHT) if tb else _Dims(BOX_HEIGHT, BOX_WIDTH)
    contour = _place(top, dims, stack=tb)
    boxes = _flatten(top)
    left = min(lo for lo, _ in contour.values())
    for b in boxes:
        b.x -= left
    connectors = _connect(top, dims)
    if not tb:  # laid out with x as the breadth axis: turn it a quarter
        for b in boxes:
            b.x, b.y = b.y, b.x
        connectors = [(a, c, [(y, x) for x, y in pts]) for a, c, pts in connectors]
    width = max(b.bounds[2] for b in boxes)
    height = max(b.bounds[3] for b in boxes)
    return Layout(boxes=boxes, connectors=connectors, width=width, height=height, direction=direction)


@dataclass(frozen=True)
class _Dims:
    breadth: float  # box size across the levels
    depth: float  # box size along the levels

    @property
    def level(self) -> float:
        return self.depth + LEVEL_GAP


def _build(seat: Position, children: dict[str, list[Position]], depth: int, levels: int | None, expand: bool) -> Box:
    box = Box(seat.id, (seat.id,), seat.title, seat.family, seat.role, seat.fte, seat.annual_cost, seat.functions, depth)
    kids = children.get(seat.id, [])
    if levels is not None and depth + 1 >= levels:
        box.hidden_below = _descendants(seat.id, children)
        return box
    groups: dict[tuple[Any, ...], list[Position]] = {}
    order: list[tuple[Any, ...]] = []
    for kid in kids:
        leaf = not children.get(kid.id)
        key = (kid.role, kid.title, kid.fte, tuple(kid.functions)) if leaf and not expand else (kid.id,)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(kid)
    for key in order:
        members = groups[key]
        if len(members) == 1:
            child = _build(members[0], children, depth + 1, levels, expand)
            if not expand and len(child.children) == 1 and not child.children[0].children and not child.children[0].hidden_below:
                _merge_team(child)
            box.children.append(child)
        else:
            first = members[0]
            box.children.append(Box(first.id, tuple(m.id for m in members), first.title, first.family, first.role, first.fte, sum(m.annual_cost for m in members), first.functions, depth + 1))
    return box


def _merge_team(lead: Box) -> None:
    """Fold a lead's single, uniform team into the lead's box, so it reads as one unit."""
    (team,) = lead.children
    lead.seat_ids += team.seat_ids
    lead.cost += team.cost
    lead.team = (team.title, team.count)
    lead.children = []


def _descendants(seat_id: str, children: dict[str, list[Position]]) -> int:
    return sum(1 + _descendants(k.id, children) for k in children.get(seat_id, []))


def _stacks(box: Box, stack: bool) -> bool:
    return stack and len(box.children) > STACK_AT and all(not c.children and not c.hidden_below for c in box.children)


Contour = dict[int, tuple[float, float]]


def _place(box: Box, dims: _Dims, *, stack: bool) -> Contour:
    """Lay out the subtree of ``box`` with ``box`` at x=0; return its contour by depth."""
    half = dims.breadth / 2
    box.x, box.y = 0.0, box.depth * dims.level + dims.depth / 2
    contour: Contour = {box.depth: (-half, half)}
    if not box.children:
        return contour
    if _stacks(box, stack):
        columns = math.ceil(len(box.children) / STACK_ROWS)
        rows = math.ceil(len(box.children) / columns)
        col_width = STACK_INDENT + dims.breadth + GAP
        total = columns * col_width - GAP
        left = -total / 2
        top = (box.depth + 1) * dims.level
        for i, child in enumerate(box.children):
            col, row = divmod(i, rows)
            child.stacked = True
            child.x = left + col * col_width + STACK_INDENT + half
            child.y = top + row * (dims.depth + STACK_GAP) + dims.depth / 2
        spanned = math.ceil(rows * (dims.depth + STACK_GAP) / dims.level)
        for depth in range(box.depth + 1, box.depth + 1 + max(1, spanned)):
            contour[depth] = (left, left + total)
        return contour
    merged: Contour = {}
    offsets: list[float] = []
    for child in box.children:
        sub = _place(child, dims, stack=stack)
        shift = 0.0
        if merged:
            shift = max(merged[d][1] + GAP - sub[d][0] for d in sub if d in merged)
        _shift(child, shift)
        offsets.append(shift)
        for d, (lo, hi) in sub.items():
            lo, hi = lo + shift, hi + shift
            merged[d] = (min(merged[d][0], lo), max(merged[d][1], hi)) if d in merged else (lo, hi)
    centre = (offsets[0] + offsets[-1]) / 2
    for child in box.children:
        _shift(child, -centre)
    for d, (lo, hi) in merged.items():
        contour[d] = (lo - centre, hi - centre)
    return contour


def _shift(box: Box, dx: float) -> None:
    box.x += dx
    for child in box.children:
        _shift(child, dx)


def _flatten(box: Box) -> list[Box]:
    out = [box]
    for child in box.children:
        out.extend(_flatten(child))
    return out


def _connect(box: Box, dims: _Dims) -> list[tuple[str, str, list[tuple[float, float]]]]:
    """Elbow connectors: manager end -> half-way -> across -> report; trunks for stacked columns."""
    lines = []
    end = box.y + dims.depth / 2
    mid = end + LEVEL_GAP / 2
    for child in box.children:
        if child.stacked:
            trunk = child.x - dims.breadth / 2 - STACK_INDENT / 2
            lines.append((box.id, child.id, [(box.x, end), (box.x, mid), (trunk, mid), (trunk, child.y), (child.x - dims.breadth / 2, child.y)]))
        else:
            lines.append((box.id, child.id, [(box.x, end), (box.x, mid), (child.x, mid), (child.x, child.y - dims.depth / 2)]))
            lines.extend(_connect(child, dims))
    return lines
