"""How chart boxes look: colours by family, the styles of open, changed and kept seats, the legend.

Plain data and small functions, no drawing library: the drawing and the page planning share them.
"""

from __future__ import annotations

from typing import Any

from orgplan.knowledge.catalog import BUSINESS, OUTSIDE_HR
from orgplan.model.plan import Plan
from orgplan.outputs.charts.layout import UNIT, Layout, seat_label

__all__ = [
    "FAMILY_STYLE",
    "MARK_STYLE",
    "LINE",
    "DOTTED",
    "family_colours",
    "outside_style",
    "tint",
    "mark_style",
    "legend_for",
    "legend_all",
]

# Fill and text colour by family; the executive and business unit leaders are drawn as outside HR.
FAMILY_STYLE = {
    "executive": ("#FFFFFF", "#4A4A4A"),
    "business": ("#FFFFFF", "#4A4A4A"),
    "leadership": ("#1F3A5F", "#FFFFFF"),
    "generalist": ("#2E7D5B", "#FFFFFF"),
    "specialist": ("#F0B441", "#1A1A1A"),
    "support": ("#C9D6DF", "#1A1A1A"),
    UNIT: ("#EEF1F5", "#1A1A1A"),
}
SPARE_FILLS = ("#8E6C8A", "#5B8DB8", "#B86F52", "#7F8C4D")  # families a custom catalog adds
# Seats compared with a current team: mark -> legend label. New seats are open: a pale
# fill with a dashed outline; changed seats get a thick purple outline; kept seats are plain.
MARK_STYLE = {
    "new": "Open seat to hire (new)",
    "changed": "Current seat, changed",
    "kept": "Current seat, kept",
}
CHANGED = "#7D3C98"
LINE = "#7A869A"  # connectors, and the outline of the executive, business unit leaders and unit captions
DOTTED = "#34495E"


def legend_for(plan: Plan, layout: Layout, marks: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """(label, swatch) for what this chart shows."""
    teams = [b.team_family for b in layout.boxes if b.team_family]
    return legend_entries(
        plan,
        {b.family for b in layout.boxes} | set(teams),
        teams[0] if teams else None,
        any(b.hidden for b in layout.boxes),
        any(b.kind == UNIT for b in layout.boxes),
        bool(layout.dotted),
        set(marks.values()) & {m for b in layout.boxes if (m := b.mark)},
    )


def legend_all(plan: Plan, marks: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Every legend entry this plan's chart could need: room is kept for them when fitting."""
    kids: dict[str, list[Any]] = {}
    for s in plan.seats:
        kids.setdefault(s.reports_to or "", []).append(s)
    teams = [
        k[0].family
        for sid, k in kids.items()
        if sid and len({(x.title, x.id in kids) for x in k}) == 1 and k[0].id not in kids
    ]
    ids = {s.id for s in plan.seats}
    return legend_entries(
        plan,
        {s.family for s in plan.seats},
        teams[0] if teams else None,
        True,
        any(seat_label(s) for s in plan.seats),
        any(s.dotted_to in ids for s in plan.seats),
        set(marks.values()),
    )


def legend_entries(
    plan: Plan, families: set[str], team: str | None, folded: bool, units: bool, dotted: bool, marks: set[str]
) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for key, fam in plan.templates.families.items():
        if key in families:
            outline = (
                {"edge": LINE, **({"ls": "--"} if key == BUSINESS else {})}
                if key in OUTSIDE_HR
                else {"edge": "#3A3A3A"}
            )
            out.append((fam.label, {"face": family_colours(key)[0], **outline}))
    if team:
        out.append(
            ("A lead and their team (the stripe on top is the lead)", {"face": family_colours(team)[0], "band": True})
        )
    if folded:
        out.append(
            (
                "Seats below a box, not drawn (stripe: their families)",
                {"face": "#FFFFFF", "edge": "#BBBBBB", "strip": True},
            )
        )
    if units:
        out.append(("Business unit or country", {"face": FAMILY_STYLE[UNIT][0], "edge": LINE}))
    if dotted:
        out.append(("Dotted line", {"line": True}))
    for mark, label in MARK_STYLE.items():
        if mark in marks:
            face, edge, ls, lw = mark_style(mark, FAMILY_STYLE["support"][0])
            out.append((label, {"face": face, "edge": edge, "ls": ls, "lw": lw}))
    return out


def outside_style(family: str) -> dict[str, Any]:
    """The outline of a seat outside HR: grey, dashed for a business unit leader (beside HR, not above it)."""
    return {"edge": LINE, "ls": "--" if family == BUSINESS else "-", "lw": 1.2}


def family_colours(family: str) -> tuple[str, str]:
    if family in FAMILY_STYLE:
        return FAMILY_STYLE[family]
    return (SPARE_FILLS[sum(map(ord, family)) % len(SPARE_FILLS)], "#FFFFFF")


def tint(colour: str, share: float = 0.35) -> str:
    """``colour`` mixed with white, keeping ``share`` of it."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * share):02X}" for c in (r, g, b))


def mark_style(mark: str | None, fill: str) -> tuple[str, str, str, float]:
    """(face, edge colour, line style, line width) of a box by its mark."""
    if mark == "new":
        return (tint(fill), "#1A1A1A", "--", 1.5)
    if mark == "changed":
        return (fill, CHANGED, "-", 2.8)
    return (fill, "#FFFFFF", "-", 1.2)
