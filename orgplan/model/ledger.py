"""The workload ledger: each HR function's work (FTE), assigned exactly once.

Specialists take work of their own function; generalists, business partners, shared
services, HR staff in each country and the head of HR's hands-on share take from the
pool - the work no specialist took, split by pillar (advisory, service, expertise). A
seat's capacity beyond the work left (a seat of presence in a small country, an owner
of regulated work) is recorded as coverage beyond demand, never hidden.

>>> ledger = Ledger({"payroll": 2.3, "benefits": 0.4}, {"payroll": "service", "benefits": "service"})
>>> ledger.take(("payroll",), 2.0)
('payroll',)
>>> round(ledger.pool(), 2)
0.7
>>> ledger.take(("pool",), 1.0)
('payroll', 'benefits')
>>> {f: round(v, 2) for f, v in ledger.covered.items()}, round(ledger.beyond_demand(), 2)
({'payroll': 2.56, 'benefits': 0.44}, 0.3)

Work bought from a provider or deferred to fit a budget leaves the ledger before any seat
takes its share, so no seat is planned for it:

>>> pillars = {"payroll": "service", "benefits": "service"}
>>> bought = Ledger({"payroll": 0.3, "benefits": 0.1}, pillars, outsourced={"payroll": 0.24})
>>> round(bought.pool(), 2), bought.rows()["payroll"]
(0.16, {'demand_fte': 0.3, 'outsourced_fte': 0.24, 'deferred_fte': 0.0, 'covered_fte': 0.0})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["Ledger"]

_POOL_PILLAR = {"pool": None, "pool_advisory": "advisory", "pool_service": "service"}


class Ledger:
    """Demand, coverage and what is left of every function's work."""

    def __init__(
        self,
        demand: Mapping[str, float],
        pillars: Mapping[str, str],
        *,
        outsourced: Mapping[str, float] | None = None,
        deferred: Mapping[str, float] | None = None,
    ):
        self.demand = dict(demand)  # each function's whole workload
        self.pillars = dict(pillars)
        self.outsourced = {f: min(float((outsourced or {}).get(f, 0.0)), v) for f, v in self.demand.items()}
        self.deferred = {
            f: min(float((deferred or {}).get(f, 0.0)), v - self.outsourced[f]) for f, v in self.demand.items()
        }
        self.remaining = {f: v - self.outsourced[f] - self.deferred[f] for f, v in self.demand.items()}
        self.in_house = dict(self.remaining)  # the work seats are planned for
        self.covered = dict.fromkeys(demand, 0.0)
        self._pools: dict[str, float] | None = None  # pools() until the next take()

    def pool(self, pillar: str | None = None) -> float:
        """Work no seat has taken yet (of one pillar, or all)."""
        return sum(v for f, v in self.remaining.items() if pillar is None or self.pillars[f] == pillar)

    def pools(self) -> Mapping[str, float]:
        """The names rules see of the work left: pool, pool_advisory, pool_service and pool_expertise
        (read only: worked out again after the next take())."""
        if self._pools is None:  # the rules look before each rule; the work left changes only on take()
            out = {"pool": 0.0, "pool_advisory": 0.0, "pool_service": 0.0, "pool_expertise": 0.0}
            for f, v in self.remaining.items():
                out["pool"] += v
                out["pool_" + self.pillars[f]] += v
            self._pools = out
        return self._pools

    def take(self, covers: Iterable[str], amount: float) -> tuple[str, ...]:
        """Book ``amount`` FTE of capacity against ``covers`` (functions, or one pool);
        return the functions it took work of."""
        covers = tuple(covers)
        if not covers or amount <= 0:
            return ()
        if covers[0] in _POOL_PILLAR:
            pillar = _POOL_PILLAR[covers[0]]
            functions = [
                f for f, v in self.remaining.items() if v > 1e-9 and (pillar is None or self.pillars[f] == pillar)
            ]
        else:
            functions = [f for f in covers if f in self.demand]
        if not functions:
            return ()
        self._pools = None
        left = sum(self.remaining[f] for f in functions)
        part = min(1.0, amount / left) if left > 1e-9 else 0.0
        for f in functions:  # the work there is, in proportion
            booked = self.remaining[f] * part
            self.covered[f] += booked
            self.remaining[f] -= booked
        excess = amount - left * part
        if excess > 1e-9:  # capacity beyond the work: spread by each function's size
            weight = sum(self.in_house[f] for f in functions) or float(len(functions))
            for f in functions:
                self.covered[f] += excess * ((self.in_house[f] / weight) if weight else 1 / len(functions))
        return tuple(functions)

    def absorb(self, other: Ledger) -> None:
        """Add ``other``'s work and coverage to this ledger's (the parts of a federated group make one)."""
        for name in ("demand", "outsourced", "deferred", "remaining", "in_house", "covered"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for f, v in theirs.items():
                mine[f] = mine.get(f, 0.0) + v
        self.pillars.update(other.pillars)
        self._pools = None

    def beyond_demand(self) -> float:
        """Capacity booked beyond the work kept in house, in FTE (the planner asks before and after each seat)."""
        covered, in_house, total = self.covered, self.in_house, 0.0
        for f in self.demand:
            over = covered[f] - in_house[f]
            if over > 0.0:
                total += over
        return total

    def rows(self) -> dict[str, dict[str, float]]:
        """Each function's workload, the part bought in, the part deferred and the FTE of seats covering it, rounded."""
        return {
            f: {
                "demand_fte": round(self.demand[f], 2),
                "outsourced_fte": round(self.outsourced[f], 2),
                "deferred_fte": round(self.deferred[f], 2),
                "covered_fte": round(self.covered[f], 2),
            }
            for f in self.demand
        }
