"""Business unit leaders, outside HR, and the dotted lines of the HR seats aligned to them.

When a profile names its business units, each unit with HR seats of its own gets its
leader ("Head of Retail Banking") under the executive, beside the head of HR: outside HR,
so neither counted in the HR totals nor costed. The unit's HR seats whose roles the
leader's catalog entry lists in ``dotted_lines_from`` (its business partners, lead
partner and generalists) answer to that leader on a dotted line.
"""

from __future__ import annotations

from collections.abc import Collection

from orgplan.knowledge.catalog import BUSINESS
from orgplan.knowledge.templates import Templates
from orgplan.model.plan import Reason
from orgplan.model.profile import Profile
from orgplan.model.seats import Seat

__all__ = ["add_unit_leaders", "UNIT_LEADER_RULE"]

UNIT_LEADER_RULE = "unit-leader"


def add_unit_leaders(
    seats: list[Seat], executive: Seat, profile: Profile, t: Templates, roles: Collection[str] | None = None
) -> list[Seat]:
    """Attach a leader for each named unit with aligned HR seats to ``executive``; point
    those seats' dotted lines at it: the seats of the roles the leader's catalog entry lists,
    or of ``roles`` (a federated unit's HR head alone answers to the unit's leader).

    Returns the leaders added (none when the units were only counted, or the catalog has
    no business unit leader role).
    """
    role = next((r for r in t.roles.values() if r.family == BUSINESS and r.dotted_lines_from), None)
    if role is None:
        return []
    dotted = role.dotted_lines_from if roles is None else roles
    leaders: list[Seat] = []
    by_unit: dict[str, list[Seat]] = {}  # one pass over the seats, not one per unit
    for seat in seats:
        if seat.unit is not None and seat.role.key in dotted:
            by_unit.setdefault(seat.unit, []).append(seat)
    for unit in profile.business_units:
        aligned = by_unit.get(unit.name, [])
        if unit.assumed or not aligned:
            continue
        why = Reason(
            UNIT_LEADER_RULE,
            f"{unit.name} ({unit.employees:,} employees) has HR seats of its own; they answer to its "
            "leader on a dotted line. Outside HR: not counted in the HR totals, not costed.",
        )
        leader = Seat(
            role,
            1.0,
            (),
            [why],
            len(seats) + len(leaders) + 1,
            t.catalog.family_rank(role.family),
            title=f"Head of {unit.name}",
            unit=unit.name,
        )
        leader.attach(executive)
        for seat in aligned:
            seat.dotted_to = leader
        leaders.append(leader)
    return leaders
