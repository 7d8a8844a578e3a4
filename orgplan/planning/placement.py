"""Where transactional seats sit: payroll and labour relations in the countries whose law and
union members need them, the rest of the transactional work in a service centre.

The rule pack's ``placement`` section names the roles a service centre takes and the reasons;
the thresholds (``payroll_country_min_employees``, ``labour_relations_country_min_members``,
``service_centre_min_employees``) are figures of ``benchmarks.yaml`` with their sources.
"""

from __future__ import annotations

from typing import Any

from orgplan.knowledge.templates import Templates
from orgplan.model.places import Place
from orgplan.model.plan import Reason
from orgplan.model.profile import Profile
from orgplan.model.seats import Seat

__all__ = ["Placement", "CENTRE_RULE", "PAYROLL_RULE", "LABOUR_RULE"]

CENTRE_RULE = "service-centre"
PAYROLL_RULE = "in-country-payroll"
LABOUR_RULE = "in-country-labour-relations"


class Placement:
    """The seats of a plan in the making, moved to the countries they serve."""

    def __init__(
        self,
        seats: list[Seat],
        profile: Profile,
        t: Templates,
        values: dict[str, Any],
        regions: dict[str, str],
        named: set[str],
    ):
        self.seats, self.profile, self.t, self.values = seats, profile, t, values
        self.regions, self.named = regions, named
        self.home = profile.countries[0]  # the headquarters

    def place(self) -> None:
        """Payroll and labour relations in the countries whose law and members need them; the
        rest of the transactional work in the service centre (the rule pack's ``placement``)."""
        rule = self.t.rules.placement
        countries = [c for c in self.profile.countries if not c.assumed]
        if rule is None or len(countries) < 2:
            return
        v, fields = self.values, self.profile
        kept: set[int] = set()  # seats that stay at the headquarters by country law
        if "payroll" in fields.functions:
            least = float(v.get("payroll_country_min_employees", 0))
            chosen = [(c, float(c.employees)) for c in countries if c.employees >= least]
            kept |= self.in_country("payroll_specialist", chosen, float(fields.employees), PAYROLL_RULE, least)
        if "labor_relations" in fields.functions:
            least = float(v.get("labour_relations_country_min_members", 0))
            share = fields.unionized_share
            members = [
                (c, c.employees * (share if c.unionized_share is None else c.unionized_share)) for c in countries
            ]
            chosen = [(c, m) for c, m in members if m >= least and m > 0]
            kept |= self.in_country(
                "labor_relations_specialist", chosen, sum(m for _, m in members), LABOUR_RULE, least
            )
        centre, why = self.centre(countries)
        if centre is None:
            return
        home = self.home.pay_index
        for seat in self.seats:
            if seat.role.key in rule.centre_roles and seat.country is None and id(seat) not in kept:
                saving = seat.role.salary.base * fields.salary_multiplier * (home - centre.pay_index)
                template = rule.centre if saving >= 0 else rule.centre_costlier
                text = template.render(
                    country=centre.name,
                    rule=why,
                    index=centre.pay_index,
                    home_index=home,
                    saving=abs(round(saving, -2)),
                )
                self.move(seat, centre, Reason(CENTRE_RULE, text))

    def centre(self, countries: list[Place]) -> tuple[Place | None, str]:
        """The service centre (None: the headquarters) and the rule that chose it."""
        choice = self.profile.service_centre
        if choice == "headquarters":
            return None, ""
        if choice != "auto":
            named = next(c for c in countries if c.name == choice)
            return (None if named is countries[0] else named), "the profile's choice"
        least = float(self.values.get("service_centre_min_employees", 0))
        fits = [c for c in countries[1:] if c.pay_index < self.home.pay_index and c.employees >= least]
        if not fits:
            return None, ""
        best = max(fits, key=lambda c: (c.employees, -c.pay_index))
        return best, (
            f"the service-centre rule: of the countries paid below the headquarters with at least {least:,.0f} "
            f"employees, the one with the most, {best.employees:,}"
        )

    def in_country(
        self, role_key: str, chosen: list[tuple[Place, float]], total: float, rule_id: str, least: float
    ) -> set[int]:
        """Each chosen country's share of the central seats of ``role_key``, by its share of
        ``total`` (at least one seat); the ids of the seats that stay at the headquarters."""
        rule = self.t.rules.placement
        assert rule is not None
        central = [s for s in self.seats if s.role.key == role_key and s.country is None]
        if not central or total <= 0:
            return set()
        every, kept = len(central), set()
        template = rule.payroll if rule_id == PAYROLL_RULE else rule.labour
        order = sorted(chosen, key=lambda pair: -pair[1])
        whole = sum(amount for _, amount in chosen) >= total - 1e-6  # the chosen countries are all the work
        for i, (country, amount) in enumerate(order):
            if not central:
                break
            count = max(1, round(every * amount / total))
            if whole and i == len(order) - 1:
                count = len(central)  # what rounding left goes to the last country, not the headquarters
            if rule_id == PAYROLL_RULE:
                text = template.render(country=country.name, employees=amount, least=least)
            else:
                text = template.render(country=country.name, members=round(amount), least=least)
            for seat in central[:count]:
                if country is self.home:
                    seat.reasons.append(Reason(rule_id, text))
                    kept.add(id(seat))
                else:
                    self.move(seat, country, Reason(rule_id, text))
            central = central[count:]
        return kept

    def move(self, seat: Seat, country: Place, reason: Reason) -> None:
        """``seat`` sits in ``country``, paid at its rates, and says why. It counts for no country
        HR lead's rule (it serves more than the country's own HR), but a country HR lead leads
        it where the catalog says so."""
        seat.country = country.name
        seat.region = self.regions.get(country.name)
        seat.pay_index = country.pay_index
        seat.named_scope = country.name in self.named
        seat.reasons.append(reason)
