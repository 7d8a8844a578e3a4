"""The result of planning: seats (positions), their reporting lines as a graph, and totals."""

from __future__ import annotations

import functools
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orgplan.knowledge.benchmarks import hr_per_100
from orgplan.knowledge.catalog import OUTSIDE_HR
from orgplan.model.profile import Profile

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from orgplan.knowledge.templates import Templates

__all__ = ["Reason", "Position", "RuleResult", "SeatTree", "Plan", "Outline", "totals_of"]


@dataclass(frozen=True)
class Reason:
    """Why a seat is there: the rule that put it there and its reason in plain words."""

    rule: str
    reason: str


@dataclass(frozen=True)
class Position:
    """One seat of the plan (or, outside HR, the executive HR reports to and business unit leaders)."""

    id: str
    title: str
    role: str
    family: str
    level: int
    reports_to: str | None
    functions: tuple[str, ...]
    fte: float
    base_salary: float
    annual_cost: float
    rationale: tuple[Reason, ...] = ()
    benefits_load: float = 1.0
    unit: str | None = None  # the business unit the seat serves; None when central
    country: str | None = None  # the country the seat serves or, when central, the headquarters (None if unnamed)
    dotted_to: str | None = None  # a seat id this seat also answers to (a dotted line)
    central: bool = False  # serves the whole company from the headquarters (``country`` names it)
    pay_min: float | None = None  # the seat's pay range, for its job description (None when not planned)
    pay_max: float | None = None
    pay_source: str | None = None  # what decided the base pay and the range, with their sources

    @property
    def is_hr(self) -> bool:
        """True for every HR seat; False for the executive HR reports to and business leaders."""
        return self.family not in OUTSIDE_HR

    @classmethod
    def made(cls, fields: dict[str, Any]) -> Position:
        """A Position from a dict of every field by name, without the checks of ``__init__``.

        The planner makes tens of thousands of seats for the largest companies; filling
        the frozen instance's fields at once from one dict is several times faster than
        ``__init__`` setting them one by one (or than passing them as keywords). Every
        field must be given.
        """
        seat = object.__new__(cls)
        seat.__dict__.update(fields)
        return seat

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "role": self.role,
            "family": self.family,
            "level": self.level,
            "reports_to": self.reports_to,
            "functions": list(self.functions),
            "fte": self.fte,
            "base_salary": self.base_salary,
            "benefits_load": self.benefits_load,
            "annual_cost": self.annual_cost,
            "unit": self.unit,
            "country": self.country,
            "dotted_to": self.dotted_to,
            "pay_min": self.pay_min,
            "pay_max": self.pay_max,
            "pay_source": self.pay_source,
            "rationale": [{"rule": r.rule, "reason": r.reason} for r in self.rationale],
        }


@dataclass(frozen=True)
class RuleResult:
    """What one rule did for this profile: fired or not, and why."""

    rule: str
    stage: str
    fired: bool
    seats: int
    detail: str


class SeatTree:
    """What a plan and a team read from a file share: seats in a tree rooted at one seat.

    Subclasses are frozen dataclasses with ``seats`` (root first) and ``graph``
    (a networkx DiGraph, manager -> report).
    """

    seats: tuple[Position, ...]
    graph: nx.DiGraph
    templates: Templates

    @property
    def root(self) -> Position:
        """The top seat: the executive HR reports to, when the tree has one."""
        return next(p for p in self.seats if p.reports_to is None)

    @functools.cached_property
    def hr_seats(self) -> tuple[Position, ...]:
        """The HR seats, in the tree's order (worked out once; the seats of a tree never change)."""
        return tuple(p for p in self.seats if p.is_hr)

    def seat(self, seat_id: str) -> Position:
        """The seat with this id; KeyError when there is none."""
        return self._by_id[seat_id]

    @functools.cached_property
    def _by_id(self) -> dict[str, Position]:
        return {p.id: p for p in self.seats}

    def reports(self, seat_id: str) -> tuple[Position, ...]:
        """The seats reporting directly to ``seat_id``, in the plan's order (none for a seat that leads none)."""
        return self.reports_index.get(seat_id, ())

    @functools.cached_property
    def reports_index(self) -> dict[str, tuple[Position, ...]]:
        """Each manager's id and its direct reports, in the plan's order: the one manager-to-reports
        index every output reads (worked out once; the seats of a tree never change)."""
        index: dict[str, list[Position]] = {}
        for p in self.seats:
            if p.reports_to is not None:
                index.setdefault(p.reports_to, []).append(p)
        return {k: tuple(v) for k, v in index.items()}

    def depths(self) -> dict[str, int]:
        """Each seat's distance from the root (the root is 0); seats come managers first."""
        depth = {self.root.id: 0}
        for p in self.seats:
            if p.reports_to is not None:
                depth[p.id] = depth[p.reports_to] + 1
        return depth

    def structure(self) -> dict[str, Any]:
        """Seats, FTE, cost, layers below the root, widest span and seats per family of the HR seats."""
        figures = self._structure  # worked out once: the seats of a tree never change
        return figures | {"seats_by_family": dict(figures["seats_by_family"])}

    @functools.cached_property
    def _structure(self) -> dict[str, Any]:
        hr = self.hr_seats
        depth = self.depths()
        spans = Counter(p.reports_to for p in self.seats if p.reports_to is not None)
        families = Counter(p.family for p in hr)
        offset = 1 if self.root.is_hr else 0  # an HR head at the top is a layer itself
        return {
            "hr_headcount": len(hr),
            "hr_fte": round(sum(p.fte for p in hr), 2),
            "annual_cost": round(sum(p.annual_cost for p in hr)),
            "layers": max((depth[p.id] + offset for p in hr), default=0),
            "widest_span": max((spans[p.id] for p in hr), default=0),
            "seats_by_family": {f: families.get(f, 0) for f in self.templates.hr_families},
        }

    @property
    def positions(self) -> pd.DataFrame:
        """The seats as a pandas DataFrame, one row per position (the executive included)."""
        import pandas as pd

        rows = []
        for p in self.seats:
            row = p.to_dict()
            row["functions"] = ", ".join(p.functions)
            row["rationale"] = " ".join(r.reason for r in p.rationale)
            rows.append(row)
        return pd.DataFrame(rows).set_index("id")


@dataclass(frozen=True)
class Plan(SeatTree):
    """A recommended HR organisation.

    ``graph`` is a networkx DiGraph (manager -> report) rooted at the executive; every
    other node is an HR seat with the :class:`Position` fields as attributes.
    ``ledger`` holds each function's workload, the FTE that covers it, its seats and its
    owner; ``operating_model`` the way HR is organised and why.
    """

    profile: Profile
    seats: tuple[Position, ...]
    templates: Templates = field(repr=False, compare=False)
    rule_results: tuple[RuleResult, ...] = field(repr=False, default=())
    values: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    benchmark_reasons: tuple[str, ...] = field(repr=False, default=())  # why a plan sits outside the published range
    ledger: dict[str, dict[str, Any]] = field(repr=False, compare=False, default_factory=dict)
    operating_model: dict[str, str] = field(repr=False, compare=False, default_factory=dict)
    sourcing: tuple[dict[str, Any], ...] = field(repr=False, compare=False, default=())  # make or buy, by function
    budget: dict[str, Any] | None = field(repr=False, compare=False, default=None)  # how the plan fits a budget
    adjustments: Any = field(repr=False, compare=False, default=None)  # what a budget bought in or deferred
    weighing: Any = field(repr=False, compare=False, default=None)  # every provider priced (planning.sourcing)

    @property
    def fees(self) -> int:
        """The yearly fees of the work bought in from providers (not seats)."""
        return fees_of(self.sourcing)

    @property
    def bought(self) -> tuple[dict[str, Any], ...]:
        """The functions (and countries) bought in, as ``summary.sourcing`` lists them."""
        return tuple(e for e in self.sourcing if e["recommended"] == "outsourced")

    @functools.cached_property
    def graph(self) -> nx.DiGraph:
        """The reporting lines as a networkx DiGraph, manager -> report, built on first use."""
        import networkx as nx

        graph = nx.DiGraph()
        for p in self.seats:
            graph.add_node(p.id, **{k: v for k, v in p.__dict__.items() if k != "id"})
            if p.reports_to is not None:
                graph.add_edge(p.reports_to, p.id)
        return graph

    @property
    def summary(self) -> dict[str, Any]:
        """Totals (see :meth:`totals`), then the operating model, each function's work, make or buy and the budget."""
        summary = self.totals()
        if self.operating_model:
            summary["operating_model"] = dict(self.operating_model)
        if self.ledger:
            summary["functions"] = {f: dict(row) for f, row in self.ledger.items()}
        summary["sourcing"] = [dict(e) for e in self.sourcing]
        if self.budget is not None:
            summary["budget"] = {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in self.budget.items()}
        return summary

    @property
    def seats_cost(self) -> float:
        """The yearly cost of the HR seats (the fees of work bought in not included)."""
        return float(self._structure["annual_cost"])

    def totals(self) -> dict[str, Any]:
        """Seats, FTE, HR per 100 employees, cost, layers, widest span, seats per family and the
        published band: the summary's figures, without copying its lists (a roadmap reads them for every size)."""
        structure = self.structure()
        return totals_of(self.profile.employees, structure, self.fees, self.benchmark_reasons, self.templates)

    def figures(self) -> dict[str, float]:
        """The figures worked out for this company that the rules compared: derived ones and workloads.

        Exactly the values the rules saw, so what ``explain`` prints is what was compared.
        """
        t = self.templates
        names = [f.name for f in t.derived] + [f"demand_{f}" for f in self.profile.functions]
        return {name: float(self.values[name]) for name in names if name in self.values}

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the normalised profile, the summary and every position."""
        return {
            "profile": self.profile.to_dict(),
            "summary": self.summary,
            "positions": [p.to_dict() for p in self.seats],
        }

    @property
    def json(self) -> str:
        """The plan as JSON; the same input always gives the same bytes."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def fees_of(sourcing: tuple[dict[str, Any], ...]) -> int:
    """The yearly fees of the make-or-buy lines bought in."""
    return sum(int(e["outsourced_cost"]) for e in sourcing if e["recommended"] == "outsourced")


def totals_of(
    employees: int, structure: dict[str, Any], fees: int, reasons: tuple[str, ...], t: Templates
) -> dict[str, Any]:
    """A plan's totals from its ``structure`` figures (:meth:`SeatTree.structure`), the fees of the
    work it buys in and why it sits outside the published range (``reasons``)."""
    summary: dict[str, Any] = {
        "employees": employees,
        "hr_headcount": structure["hr_headcount"],
        "hr_fte": structure["hr_fte"],
    }
    summary["hr_per_100"] = hr_per_100(structure["hr_fte"], employees)
    summary["annual_cost"] = structure["annual_cost"] + fees  # seats and the fees of the work bought in
    summary["seats_cost"] = structure["annual_cost"]
    summary["fees"] = fees
    summary |= {k: structure[k] for k in ("layers", "widest_span", "seats_by_family") if k in structure}
    band = t.band_for(employees)
    if band is not None:
        status = band.status(summary["hr_per_100"])
        summary["benchmark_hr_per_100"] = {
            "low": band.low,
            "high": band.high,
            "source": band.source,
            "status": status,
            "reasons": list(reasons) if status != "within" else [],
        }
    return summary


@dataclass(frozen=True)
class Outline:
    """A plan's figures without its positions: what a sweep over many sizes reads of each.

    ``roles`` holds each HR seat's role in chart order, ``first_reasons`` why each role's
    first seat is there; ``ledger`` (each function's work), ``sourcing``, ``adjustments`` and
    ``weighing`` as for :class:`Plan`.
    """

    profile: Profile
    templates: Templates = field(repr=False, compare=False)
    roles: tuple[str, ...] = ()
    first_reasons: tuple[tuple[str, str], ...] = ()
    hr_fte: float = 0.0
    seats_cost: float = 0.0
    layers: int = 0
    benchmark_reasons: tuple[str, ...] = ()
    ledger: dict[str, dict[str, Any]] = field(repr=False, compare=False, default_factory=dict)  # as Plan's
    sourcing: tuple[dict[str, Any], ...] = field(repr=False, compare=False, default=())
    adjustments: Any = field(repr=False, compare=False, default=None)
    weighing: Any = field(repr=False, compare=False, default=None)

    def totals(self) -> dict[str, Any]:
        """The totals :meth:`Plan.totals` gives, but the widest span and the seats per family."""
        fees = fees_of(self.sourcing)
        structure = {
            "hr_headcount": len(self.roles),
            "hr_fte": round(self.hr_fte, 2),
            "annual_cost": round(self.seats_cost),
            "layers": self.layers,
        }
        return totals_of(self.profile.employees, structure, fees, self.benchmark_reasons, self.templates)
