"""Who does what: each job of a plan and what its seats do with each HR function, read from the ledger.

The plan's workload ledger books each function's work on the seats that do it and names
one owner per function, who sets its direction, budget and policy. A leader whose team
does a function leads and oversees it rather than doing it: the hands-on share a small
team's leader takes from the pool is work its reports do, so a director with a payroll
specialist below it oversees payroll, it does not enter new hires into payroll.

A *job* is the seats that share a title: the seat's title without the unit, country or
team it names ("HR Team Lead, Recruiters" and "HR Team Lead, Payroll Specialists" are
one job, HR Team Lead). The workbook's "Who does what" sheet and the job descriptions
both read :func:`jobs`, so they agree.

>>> from orgplan import plan, profile_from_dict
>>> p = plan(profile_from_dict({"company": "Acme", "employees": 1200}))
>>> for job in jobs(p):
...     if job.mark("payroll"):
...         print(f"{job.title}: {job.mark('payroll')}")
HR Director: Oversees
HR Manager: Oversees
Payroll Specialist: Does + directs
HR Generalist: Does
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orgplan.knowledge.catalog import Role
    from orgplan.model.plan import Plan, Position

__all__ = ["Job", "jobs", "base_title", "MARKS"]

MARKS = ("Does + directs", "Directs", "Does", "Oversees")


@dataclass(frozen=True)
class Job:
    """The seats of a plan that share a title, and what they do with each HR function."""

    title: str
    role: str
    seats: tuple[Position, ...]
    does: frozenset[str]  # functions the seats carry out themselves
    directs: frozenset[str]  # functions a seat owns in the ledger: direction, budget and policy
    oversees: frozenset[str]  # functions the seats' teams do, which the seats lead
    done_by: dict[str, tuple[str, ...]]  # each overseen function: the titles of the direct reports whose teams do it

    def mark(self, function: str) -> str | None:
        """What the seats do with ``function``, in a word: one of :data:`MARKS`, or None."""
        if function in self.directs:
            return MARKS[0] if function in self.does else MARKS[1]
        if function in self.does:
            return MARKS[2]
        return MARKS[3] if function in self.oversees else None


def base_title(title: str, role: Role | None) -> str:
    """The title without the unit, country or team it names: the longest of the role's titles it starts with.

    >>> base_title("HR Team Lead, Recruiters", None)
    'HR Team Lead, Recruiters'
    """
    if role is None:
        return title
    known = sorted({role.title, *(g.title for g in role.grows if g.title)}, key=len, reverse=True)
    return next((k for k in known if title == k or title.startswith(k + ", ")), title)


def jobs(plan: Plan) -> tuple[Job, ...]:
    """Every job of the plan's HR seats in the plan's order (the head of HR first), with its duties."""
    roles = plan.templates.roles
    kids = plan.reports_index
    titled: dict[tuple[str, str], str] = {}  # a few titles among thousands of seats

    def base(seat: Position) -> str:
        key = (seat.title, seat.role)
        if key not in titled:
            titled[key] = base_title(seat.title, roles.get(seat.role))
        return titled[key]

    owned: dict[str, set[str]] = {}
    for f, row in plan.ledger.items():
        if row.get("owner"):
            owned.setdefault(row["owner"], set()).add(f)
    below: dict[str, dict[str, set[str]]] = {}  # seat id -> function -> titles below that do or own it
    for s in reversed(plan.seats):  # reports come after their managers
        mine: dict[str, set[str]] = {}
        for k in kids.get(s.id, ()):
            for f in (*k.functions, *owned.get(k.id, ())):
                mine.setdefault(f, set()).add(base(k))
            for f, titles in below.get(k.id, {}).items():
                mine.setdefault(f, set()).update(titles)
        below[s.id] = mine
    groups: dict[tuple[str, str], list[Position]] = {}
    for s in plan.hr_seats:
        groups.setdefault((base(s), s.role), []).append(s)
    out = []
    for (title, role), seats in groups.items():
        oversees = {f for s in seats for f in below[s.id]}
        done_by: dict[str, set[str]] = {}  # each function the team does: the direct reports' titles it goes through
        for s in seats:
            for k in kids.get(s.id, ()):
                for f in {*k.functions, *owned.get(k.id, ()), *below[k.id]}:
                    done_by.setdefault(f, set()).add(base(k))
        out.append(
            Job(
                title=title,
                role=role,
                seats=tuple(seats),
                does=frozenset(f for s in seats for f in s.functions if f not in below[s.id]),
                directs=frozenset(f for s in seats for f in owned.get(s.id, ())),
                oversees=frozenset(oversees),
                done_by={f: tuple(sorted(titles)) for f, titles in done_by.items()},
            )
        )
    return tuple(out)
