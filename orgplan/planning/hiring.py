"""The order in which to fill a plan's seats, and the quarter each hire lands in.

The phases and the pace come from ``templates/benchmarks.yaml`` (``hiring``): leaders and
generalist coverage first, then specialists with the busiest function first, then support.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from orgplan.model.plan import Plan, Position

__all__ = ["Hire", "hiring_plan"]


@dataclass(frozen=True)
class Hire:
    """One step of the hiring plan.

    ``order`` counts from 1; ``quarter`` is the quarter after the plan's start (1 = first).
    """

    order: int
    quarter: int
    phase: str
    seat: Position
    why: str


def hiring_plan(plan: Plan, only: Collection[str] | None = None) -> tuple[Hire, ...]:
    """Every HR seat of ``plan`` (or the seats whose ids are in ``only``: the open ones) in
    hiring order, each with its phase and quarter.

    >>> from orgplan import plan, profile_from_dict
    >>> hires = hiring_plan(plan(profile_from_dict({"company": "Acme", "employees": 400})))
    >>> hires[0].seat.family, hires[0].quarter
    ('leadership', 1)
    """
    policy = plan.templates.hiring
    values = plan.values
    depth = plan.depths()
    phase_of = {family: (i, phase) for i, phase in enumerate(policy.phases) for family in phase.families}

    def need(seat: Position) -> float:
        return max((values.get(f"demand_{f}", 0.0) for f in seat.functions), default=0.0)

    seats = sorted(
        (s for s in plan.hr_seats if only is None or s.id in only),
        key=lambda s: (phase_of[s.family][0], depth[s.id], -need(s), -s.level),
    )
    pace = max(
        int(policy.min_hires_per_quarter.value or 1), math.ceil(len(seats) / (policy.horizon_quarters.value or 1))
    )
    return tuple(
        Hire(
            order=i + 1, quarter=i // pace + 1, phase=phase_of[s.family][1].name, seat=s, why=phase_of[s.family][1].why
        )
        for i, s in enumerate(seats)
    )
