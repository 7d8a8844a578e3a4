"""Base pay that follows the ladder.

A seat is paid its role's market figure (from the catalog, with its source); a leader at
least the floor of its level, so a leader who grows into a director's or a VP's seat is
paid as one; all times the profile's salary multiplier and its country's pay index. The
head of HR is paid at least the figure for the company's size, the leaders reporting to it
at least ``head_team_share`` of that figure for each level they sit below it (so a VP over
thousands of recruiters is paid for a large company's scope), and every leader at least
``supervisor_premium`` above the best-paid seat they lead, so nobody earns more than their
manager (a business unit's leader, shown but not costed, included when a unit's HR head
reports to it).
"""

from __future__ import annotations

from orgplan.knowledge.catalog import BUSINESS
from orgplan.knowledge.templates import Templates
from orgplan.model.seats import Seat

__all__ = ["price"]


def price(top: Seat, head: Seat, t: Templates, multiplier: float, employees: int) -> None:
    """Set ``base_salary`` on ``top`` and every seat below it (reports before their leaders)."""
    policy = t.pay
    premium = 1 + float(policy.supervisor_premium.value or 0.0)
    head_floor = policy.head_floor(employees)
    share = float(policy.head_team_share.value or 0.0)
    market: dict[str, str] = {}  # each role's market pay with its source, in words: said once per role
    for seat in reversed(_level_order(top)):
        base = seat.role.salary.base
        if seat.role.key not in market:
            market[seat.role.key] = _market(seat)
        basis = market[seat.role.key]
        if seat is head and head_floor > 0:  # the head of HR is paid for the company's size, whatever its title
            base, basis = (
                head_floor,
                f"head of HR of {employees:,} employees: "
                + "; ".join(f.source for _, f in policy.head_sources(employees)),
            )
        elif seat.is_leader or seat.level > seat.role.level:  # a leader's pay follows its level
            if policy.floor(seat.level) > base:
                base, basis = policy.floor(seat.level), f"level {seat.level}: {policy.level_floors[seat.level].source}"
            team_share = head_floor * share ** (head.level - seat.level)  # the share, once per level below the head
            if seat.parent is head and seat.level < head.level and team_share > base:
                base, basis = team_share, f"a leader reporting to the head of HR: {policy.head_team_share.source}"
        base *= multiplier * seat.pay_index
        leads_pay = seat.role.is_hr or seat.role.family == BUSINESS  # a unit's leader over its HR head too
        if leads_pay and seat.children and premium * max(c.base_salary for c in seat.children) > base:
            base = premium * max(c.base_salary for c in seat.children)
            basis = f"above the best-paid seat it leads: {policy.supervisor_premium.source}"
        seat.base_salary = float(round(base))
        seat.pay_basis = basis


def _market(seat: Seat) -> str:
    """What the pay of a seat paid as its role rests on: the role's market figure and its source."""
    return f"market pay of the role: {seat.role.salary.source} ({seat.role.salary.year})"


def _level_order(top: Seat) -> list[Seat]:
    out, i = [top], 0
    while i < len(out):
        out.extend(out[i].children)
        i += 1
    return out
