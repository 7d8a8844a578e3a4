"""The places a scoped rule is weighed for: each country, business unit or region.

A rule with ``scope: country`` runs once per country of the profile, seeing that
country's figures (``country_employees``, ``country_pool``, ...) beside the company's;
``scope: unit`` once per business unit; ``scope: region`` once per group of countries
outside the headquarters.

>>> from orgplan.model.places import Place
>>> regions((Place("US", 900), Place("DE", 60), Place("FR", 40)), size=8)
{'DE': 'International', 'FR': 'International'}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from orgplan.model.ledger import Ledger
from orgplan.model.places import Place
from orgplan.model.profile import Profile
from orgplan.model.seats import Seat

__all__ = ["scope_values", "regions"]


def scope_values(
    scope: str,
    profile: Profile,
    values: dict[str, Any],
    ledger: Ledger,
    placed: Counter[tuple[str, str]],
    seats: list[Seat],
    region_of: dict[str, str],
) -> Iterator[dict[str, Any]]:
    """The values of each country, unit or region a scoped rule is weighed for ({} for the company).

    ``placed`` counts the seats so far by ``(kind, name)``; ``region_of`` is :func:`regions`.
    """
    if scope == "company":
        yield {}
        return
    employees = profile.employees
    pool, advisory = ledger.pool(), ledger.pool("advisory")
    if scope == "unit":
        for unit in profile.business_units:
            share = unit.employees / employees
            yield {
                "unit": unit.name,
                "unit_employees": unit.employees,
                "unit_share": share,
                "unit_pool": pool * share,
                "unit_pool_advisory": advisory * share,
                "unit_advisory_work": values["advisory_work"] * share,
                "unit_seats": placed[("unit", unit.name)],
            }
        return
    countries = profile.countries
    if scope == "country":
        for i, country in enumerate(countries):
            share = country.employees / employees
            yield {
                "country": country.name,
                "country_employees": country.employees,
                "country_share": share,
                "country_pay_index": country.pay_index,
                "country_sites": country.sites or max(1, round(profile.sites * share)),
                "country_unionized_share": profile.unionized_share
                if country.unionized_share is None
                else country.unionized_share,
                "headquarters": i == 0,
                "country_pool": pool * share,
                "country_seats": placed[("country", country.name)],
                "_region": region_of.get(country.name),
            }
        return
    managers = Counter(s.country for s in seats if s.role.key == "country_hr_manager")
    members_of: dict[str, list[Place]] = {}
    for country in countries[1:]:
        members_of.setdefault(region_of[country.name], []).append(country)
    for name, members in members_of.items():
        yield {
            "region": name,
            "region_countries": len(members),
            "region_employees": sum(c.employees for c in members),
            "region_country_managers": sum(managers[c.name] for c in members),
        }


def regions(countries: tuple[Place, ...], size: int) -> dict[str, str]:
    """The region of each country outside the headquarters: its own, or a group of neighbours in the list.

    Countries without a region are dealt in turn, largest first, into groups of at most
    ``size`` - so each group has large countries and small ones - named "International"
    when there is one group and "Region 1", "Region 2"... otherwise.
    """
    out = {c.name: c.region for c in countries[1:] if c.region}
    rest = [c.name for c in sorted((c for c in countries[1:] if not c.region), key=lambda c: -c.employees)]
    groups = max(1, -(-len(rest) // size))
    for i, name in enumerate(rest):
        out[name] = "International" if groups == 1 else f"Region {i % groups + 1}"
    return out
