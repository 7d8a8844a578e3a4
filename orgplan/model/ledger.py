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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["Ledger"]

_POOL_PILLAR = {"pool": None, "pool_advisory": "advisory", "pool_service": "service"}


class Ledger:
    """Demand, coverage and what is left of every function's work."""

    def __init__(self, demand: Mapping[str, float], pillars: Mapping[str, str]):
        self.demand = dict(demand)
        self.pillars = dict(pillars)
        self.remaining = dict(demand)
        self.covered = dict.fromkeys(demand, 0.0)
        self._pools: dict[str, float] | None = None  # pools() until the next take()
        self._beyond: float | None = None  # beyond_demand() until the next take()

    def pool(self, pillar: str | None = None) -> float:
        """Work no seat has taken yet (of one pillar, or all)."""
        return sum(v for f, v in self.remaining.items() if pillar is None or self.pillars[f] == pillar)

    def pools(self) -> dict[str, float]:
        """The names rules see of the work left: pool, pool_advisory, pool_service and pool_expertise."""
        if self._pools is None:  # the rules look before each rule; the work left changes only on take()
            out = {"pool": 0.0, "pool_advisory": 0.0, "pool_service": 0.0, "pool_expertise": 0.0}
            for f, v in self.remaining.items():
                out["pool"] += v
                out["pool_" + self.pillars[f]] += v
            self._pools = out
        return dict(self._pools)

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
        self._pools = self._beyond = None
        left = sum(self.remaining[f] for f in functions)
        part = min(1.0, amount / left) if left > 1e-9 else 0.0
        for f in functions:  # the work there is, in proportion
            booked = self.remaining[f] * part
            self.covered[f] += booked
            self.remaining[f] -= booked
        excess = amount - left * part
        if excess > 1e-9:  # capacity beyond the work: spread by each function's size
            weight = sum(self.demand[f] for f in functions) or float(len(functions))
            for f in functions:
                self.covered[f] += excess * ((self.demand[f] / weight) if weight else 1 / len(functions))
        return tuple(functions)

    def beyond_demand(self) -> float:
        """Capacity booked beyond the work there is, in FTE."""
        if self._beyond is None:  # the planner asks before and after each rule's seats; it changes only on take()
            self._beyond = sum(max(0.0, self.covered[f] - self.demand[f]) for f in self.demand)
        return self._beyond

    def rows(self) -> dict[str, dict[str, float]]:
        """Each function's demand and covered FTE, rounded for people to read."""
        return {
            f: {"demand_fte": round(self.demand[f], 2), "covered_fte": round(self.covered[f], 2)} for f in self.demand
        }
