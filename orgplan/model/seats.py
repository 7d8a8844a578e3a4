"""Seats while a plan is being built: mutable, linked to their manager and reports.

The planner adds them, the structure step links and grows them, the pay step prices
them; then they become the frozen :class:`orgplan.model.Position` of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orgplan.knowledge.catalog import Role
from orgplan.model.plan import Reason

__all__ = ["Seat"]


@dataclass(eq=False, slots=True)
class Seat:
    """One seat of a plan in the making."""

    role: Role
    fte: float
    functions: tuple[str, ...]
    reasons: list[Reason]
    order: int
    family_rank: int
    level: int = 0
    title: str | None = None
    country: str | None = None
    unit: str | None = None
    region: str | None = None
    pay_index: float = 1.0
    named_scope: bool = True  # the place it serves has a name from the profile, not "Country 10"
    team_of: Role | None = None  # for a team lead: the role of the team it leads
    team_label: str | None = None  # for a team lead: what its team is ("Recruiters")
    base_salary: float = 0.0
    pay_basis: str = ""  # what decided the base pay, with its source
    below_count: int = 0  # seats under this one, as last counted by the structure step
    dotted_to: Seat | None = None  # a seat this one also answers to, on a dotted line
    parent: Seat | None = None
    children: list[Seat] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.level:
            self.level = self.role.level

    @property
    def name(self) -> str:
        """The seat's title as a person reads it: "HR Supervisor, Recruiters", "Country HR Manager, Germany"."""
        name = self.title or self.role.title
        if self.team_label:
            name += f", {self.team_label}"
        elif self.role.scoped and self.scope and self.named_scope and self.scope.casefold() not in name.casefold():
            name += f", {self.scope}"
        return name

    @property
    def is_leader(self) -> bool:
        return self.role.family == "leadership"

    @property
    def scope(self) -> str | None:
        """The country, unit or region the seat serves, if any."""
        return self.country or self.unit or self.region

    def sort_key(self) -> tuple[int, int, str, int]:
        return (self.family_rank, -self.level, self.role.key, self.order)

    def rank_key(self) -> tuple[int, int, int]:
        """Most senior first: level, then family order, then the order seats were planned."""
        return (-self.level, self.family_rank, self.order)

    def attach(self, parent: Seat) -> None:
        """Report to ``parent`` (leaving the manager before, if any)."""
        if self.parent is not None:
            self.parent.children.remove(self)
        self.parent = parent
        parent.children.append(self)

    def below(self) -> list[Seat]:
        """Every seat under this one (managers before their reports), as a list made at once."""
        out: list[Seat] = []
        stack = self.children[::-1]
        while stack:
            seat = stack.pop()
            out.append(seat)
            if seat.children:
                stack.extend(reversed(seat.children))
        return out

    def count_below(self) -> int:
        """How many seats are under this one."""
        if not self.children:  # most seats lead no one
            return 0
        count, stack = 0, list(self.children)
        while stack:
            seat = stack.pop()
            count += 1
            stack.extend(seat.children)
        return count
