"""Make or buy: the providers that can take HR work off the plan, their public prices and when they apply.

Everything here is read from ``templates/sourcing.yaml``, each price with its range, the
figure orgplan uses, why, and its sources with their years. A templates folder of your own
with its own ``sourcing.yaml`` plans with your own quotes.

>>> from orgplan.knowledge.templates import load_templates
>>> s = load_templates().sourcing
>>> p = s.providers["payroll_provider"]
>>> p.takes, p.prices["per_employee"].used, p.prices["per_employee"].per
(('payroll',), 8.0, 'employee_month')
>>> s.thresholds["payroll_buy_from_employees"].used
5.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orgplan.core.validation import check_keys, expect_choice, expect_list, expect_mapping, expect_text, suggest
from orgplan.errors import TemplateError
from orgplan.knowledge.catalog import Role
from orgplan.knowledge.expressions.language import BOOLEAN, NUMBER, TEXT, Expression

__all__ = ["Source", "Tier", "Price", "Provider", "Threshold", "Assumption", "Sourcing", "parse_sourcing", "UNITS"]

# What a price is per, in words for outputs.
UNITS = {
    "employee_month": "an employee a month",
    "month": "a month",
    "year": "a year",
    "hour": "an hour",
    "hire_salary_percent": "% of a hire's first-year pay",
    "premium_percent": "% of the health premium",
    "payroll_percent": "% of payroll",
}
FEE_UNITS = ("employee_month", "month", "year", "hire_salary_percent")  # what a fee can be made of
COMPARES = ("work", "entity", "seats")
SCOPES = ("company", "country")
# The names a country-scoped provider's `applies` sees besides the company's.
COUNTRY_NAMES = {
    "country": TEXT,
    "country_employees": NUMBER,
    "country_share": NUMBER,
    "country_pay_index": NUMBER,
    "headquarters": BOOLEAN,
}
_PROVIDER_KEYS = (
    "name",
    "takes",
    "helps",
    "not_covered",
    "keeps",
    "applies",
    "scope",
    "compare",
    "fee",
    "in_house_also",
    "prices",
    "minimum_fee",
    "savings",
    "risk",
    "note",
    "cross_check",
    "pricing_model",
)
_WEIGHED_KEYS = ("keeps", "applies", "compare", "fee", "risk")  # required of a provider that takes work


@dataclass(frozen=True)
class Source:
    """Where a figure comes from: publisher, title and year ('undated' when the page shows none)."""

    publisher: str
    title: str
    year: str

    def __str__(self) -> str:
        return f"{self.publisher}, {self.title} ({self.year})"


def sources_text(sources: tuple[Source, ...]) -> str:
    """Sources as one line: ``'Deel, Pricing (2026); KFF, Survey (2024)'``."""
    return "; ".join(str(s) for s in sources)


@dataclass(frozen=True)
class Tier:
    """The figure used for companies of up to ``max_employees``."""

    max_employees: int
    used: float
    hours: float | None = None


@dataclass(frozen=True)
class Price:
    """A published price: its range, the figure orgplan uses and why, its unit and sources."""

    key: str
    per: str
    why: str
    sources: tuple[Source, ...]
    used: float | None = None
    low: float | None = None
    high: float | None = None
    tiers: tuple[Tier, ...] = ()

    def used_for(self, employees: int) -> float:
        """The figure for a company of ``employees``: its size's tier, else ``used``."""
        for tier in self.tiers:
            if employees <= tier.max_employees:
                return tier.used
        return float(self.used or 0.0)

    def tier_for(self, employees: int) -> Tier | None:
        return next((t for t in self.tiers if employees <= t.max_employees), None)

    @property
    def source(self) -> str:
        return sources_text(self.sources)

    @property
    def range_text(self) -> str:
        """The published range in words: ``'$4-20 an employee a month'``."""
        unit = UNITS.get(self.per, self.per)
        percent = self.per.endswith("percent")
        fmt = (lambda x: f"{x:g}") if percent else (lambda x: f"${x:,.0f}")
        if self.low is None or self.high is None:
            return ""
        span = fmt(self.low) if self.low == self.high else f"{fmt(self.low)}-{fmt(self.high)}"
        return f"{span}{unit}" if percent else f"{span} {unit}"


@dataclass(frozen=True)
class Provider:
    """Someone who can take HR work off the plan for a fee."""

    key: str
    name: str
    takes: tuple[str, ...]
    helps: tuple[str, ...]
    prices: dict[str, Price]
    keeps: float = 0.0
    keeps_why: str = ""
    applies: Expression | None = None
    scope: str = "company"
    compare: str = "work"
    fee: tuple[str, ...] = ()
    in_house_also: tuple[str, ...] = ()
    minimum_month: float = 0.0  # the fee is at least this x 12
    risk: str = ""
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def weighed(self) -> bool:
        """True when it takes work a seat would otherwise do, so orgplan weighs it against seats."""
        return bool(self.takes) and self.applies is not None

    @property
    def source(self) -> str:
        """The sources of the prices its fee is made of."""
        seen: dict[str, None] = {}
        for key in (*self.fee, *self.in_house_also):
            for s in self.prices[key].sources:
                seen[str(s)] = None
        return "; ".join(seen)


@dataclass(frozen=True)
class Threshold:
    """A number the providers' conditions use, with its published range, why and sources."""

    key: str
    used: float
    why: str
    sources: tuple[Source, ...]
    low: float | None = None
    high: float | None = None

    @property
    def source(self) -> str:
        return sources_text(self.sources)


@dataclass(frozen=True)
class Assumption:
    """A figure the prices need (a hire's salary, the share a frontline hire is priced at)."""

    key: str
    value: float
    why: str
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Sourcing:
    """Every provider, threshold and figure of ``sourcing.yaml``."""

    path: str
    providers: dict[str, Provider]
    thresholds: dict[str, Threshold]
    figures: dict[str, Assumption]
    generalist: str
    in_house_why: str

    def values(self) -> dict[str, float]:
        """The thresholds as the names ``applies`` conditions see."""
        return {k: t.used for k, t in self.thresholds.items()}

    def weighed(self) -> tuple[Provider, ...]:
        return tuple(p for p in self.providers.values() if p.weighed)


def parse_sourcing(
    data: Any, *, path: object, names: Mapping[str, str], functions: tuple[str, ...], roles: Mapping[str, Role]
) -> Sourcing:
    """Validate ``sourcing.yaml``; every error names the file and the key.

    ``names`` are those rule expressions see before the rules run (profile, constants,
    derived figures and workloads); ``applies`` conditions see them and the thresholds.
    """
    data = expect_mapping(data, error=TemplateError, path=path, where=None)
    sections = ("in_house", "figures", "providers", "thresholds")
    check_keys(data, sections, required=sections, error=TemplateError, path=path)
    house = expect_mapping(data["in_house"], error=TemplateError, path=path, where="in_house")
    check_keys(house, ("generalist", "why"), required=("generalist", "why"), error=TemplateError, path=path)
    hr_roles = [k for k, r in roles.items() if r.is_hr]
    generalist = house["generalist"]
    if generalist not in hr_roles:
        raise TemplateError(
            f"unknown role {str(generalist)[:40]!r}{suggest(str(generalist), hr_roles)}",
            path=path,
            where="in_house.generalist",
        )
    thresholds = {
        str(k): _threshold(str(k), v, path)
        for k, v in expect_mapping(data["thresholds"], error=TemplateError, path=path, where="thresholds").items()
    }
    clash = [k for k in thresholds if k in names]
    if clash:
        raise TemplateError(
            f"the threshold {clash[0]!r} has the name of a profile key or benchmark figure; rename it",
            path=path,
            where=f"thresholds.{clash[0]}",
        )
    figures = {
        str(k): _assumption(str(k), v, path)
        for k, v in expect_mapping(data["figures"], error=TemplateError, path=path, where="figures").items()
    }
    for needed in ("hire_salary", "frontline_fee_share"):
        if needed not in figures:
            raise TemplateError(f"the figure {needed!r} is missing", path=path, where="figures")
    seen = dict(names) | dict.fromkeys(thresholds, NUMBER)
    providers = {
        str(k): _provider(str(k), v, path, seen, functions)
        for k, v in expect_mapping(data["providers"], error=TemplateError, path=path, where="providers").items()
    }
    return Sourcing(
        path=str(path),
        providers=providers,
        thresholds=thresholds,
        figures=figures,
        generalist=str(generalist),
        in_house_why=expect_text(house["why"], error=TemplateError, path=path, where="in_house.why"),
    )


def _number(value: Any, path: object, where: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TemplateError(f"expected a number, got {str(value)[:40]!r}", path=path, where=where)
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"from {low:g}" + (f" to {high:g}" if high is not None else "")
        raise TemplateError(f"expected a number {span}, got {value:g}", path=path, where=where)
    return float(value)


def _sources(raw: Any, path: object, where: str) -> tuple[Source, ...]:
    out = []
    items = expect_list(raw, error=TemplateError, path=path, where=where)
    if not items:
        raise TemplateError("expected at least one source", path=path, where=where)
    for i, item in enumerate(items, start=1):
        here = f"{where}[{i}]"
        item = expect_mapping(item, error=TemplateError, path=path, where=here)
        check_keys(
            item,
            ("publisher", "title", "year"),
            required=("publisher", "title", "year"),
            error=TemplateError,
            path=path,
            where=here,
        )
        year = item["year"]
        if isinstance(year, bool) or not isinstance(year, (int, str)) or not str(year).strip():
            raise TemplateError(
                f"expected a year or 'undated', got {str(year)[:40]!r}", path=path, where=f"{here}.year"
            )
        out.append(
            Source(
                expect_text(item["publisher"], error=TemplateError, path=path, where=f"{here}.publisher"),
                expect_text(item["title"], error=TemplateError, path=path, where=f"{here}.title"),
                str(year),
            )
        )
    return tuple(out)


def _range(raw: Mapping[str, Any], path: object, where: str) -> tuple[float | None, float | None]:
    low = _number(raw["low"], path, f"{where}.low", 0) if raw.get("low") is not None else None
    high = _number(raw["high"], path, f"{where}.high", 0) if raw.get("high") is not None else None
    if low is not None and high is not None and low > high:
        raise TemplateError(f"low ({low:g}) is above high ({high:g})", path=path, where=where)
    return low, high


def _threshold(key: str, raw: Any, path: object) -> Threshold:
    where = f"thresholds.{key}"
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    check_keys(
        raw,
        ("low", "high", "used", "why", "source"),
        required=("used", "why", "source"),
        error=TemplateError,
        path=path,
        where=where,
    )
    low, high = _range(raw, path, where)
    used = _number(raw["used"], path, f"{where}.used", 0)
    if (low is not None and used < low) or (high is not None and used > high):
        raise TemplateError(f"used ({used:g}) is outside the range {low:g}-{high:g}", path=path, where=f"{where}.used")
    return Threshold(
        key,
        used,
        expect_text(raw["why"], error=TemplateError, path=path, where=f"{where}.why"),
        _sources(raw["source"], path, f"{where}.source"),
        low,
        high,
    )


def _assumption(key: str, raw: Any, path: object) -> Assumption:
    where = f"figures.{key}"
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    check_keys(
        raw, ("value", "per", "why", "source"), required=("value", "why"), error=TemplateError, path=path, where=where
    )
    return Assumption(
        key,
        _number(raw["value"], path, f"{where}.value", 0),
        expect_text(raw["why"], error=TemplateError, path=path, where=f"{where}.why"),
        _sources(raw["source"], path, f"{where}.source") if "source" in raw else (),
    )


def _price(key: str, raw: Any, path: object, where: str) -> Price:
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    check_keys(
        raw,
        ("low", "high", "used", "per", "why", "source", "tiers"),
        required=("per", "why", "source"),
        error=TemplateError,
        path=path,
        where=where,
    )
    per = expect_choice(raw["per"], tuple(UNITS), what="unit", error=TemplateError, path=path, where=f"{where}.per")
    low, high = _range(raw, path, where)
    used = _number(raw["used"], path, f"{where}.used", 0) if raw.get("used") is not None else None
    if used is not None and ((low is not None and used < low) or (high is not None and used > high)):
        raise TemplateError(f"used ({used:g}) is outside the range {low:g}-{high:g}", path=path, where=f"{where}.used")
    tiers: list[Tier] = []
    for i, item in enumerate(
        expect_list(raw.get("tiers", []), error=TemplateError, path=path, where=f"{where}.tiers"), 1
    ):
        here = f"{where}.tiers[{i}]"
        item = expect_mapping(item, error=TemplateError, path=path, where=here)
        check_keys(
            item,
            ("max_employees", "used", "hours"),
            required=("max_employees", "used"),
            error=TemplateError,
            path=path,
            where=here,
        )
        top = _number(item["max_employees"], path, f"{here}.max_employees", 1)
        if tiers and top <= tiers[-1].max_employees:
            raise TemplateError("tiers go from the smallest companies up", path=path, where=f"{here}.max_employees")
        tiers.append(
            Tier(
                int(top),
                _number(item["used"], path, f"{here}.used", 0),
                _number(item["hours"], path, f"{here}.hours", 0) if "hours" in item else None,
            )
        )
    return Price(
        key,
        per,
        expect_text(raw["why"], error=TemplateError, path=path, where=f"{where}.why"),
        _sources(raw["source"], path, f"{where}.source"),
        used,
        low,
        high,
        tuple(tiers),
    )


def _functions(raw: Any, functions: tuple[str, ...], path: object, where: str) -> tuple[str, ...]:
    out = []
    for item in expect_list(raw, error=TemplateError, path=path, where=where):
        if item not in functions:
            raise TemplateError(
                f"unknown function {str(item)[:40]!r}{suggest(str(item), functions)}", path=path, where=where
            )
        out.append(str(item))
    return tuple(dict.fromkeys(out))


def _provider(key: str, raw: Any, path: object, names: dict[str, str], functions: tuple[str, ...]) -> Provider:
    where = f"providers.{key}"
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    check_keys(raw, _PROVIDER_KEYS, required=("name", "takes", "prices"), error=TemplateError, path=path, where=where)
    takes = _functions(raw["takes"], functions, path, f"{where}.takes")
    if takes:
        check_keys(raw, _PROVIDER_KEYS, required=_WEIGHED_KEYS, error=TemplateError, path=path, where=where)
    prices = {
        str(k): _price(str(k), v, path, f"{where}.prices.{k}")
        for k, v in expect_mapping(raw["prices"], error=TemplateError, path=path, where=f"{where}.prices").items()
    }
    scope = expect_choice(
        raw.get("scope", "company"), SCOPES, what="scope", error=TemplateError, path=path, where=f"{where}.scope"
    )
    compare = expect_choice(
        raw.get("compare", "work"),
        COMPARES,
        what="comparison",
        error=TemplateError,
        path=path,
        where=f"{where}.compare",
    )
    fee = tuple(str(x) for x in expect_list(raw.get("fee", []), error=TemplateError, path=path, where=f"{where}.fee"))
    also = tuple(
        str(x)
        for x in expect_list(
            raw.get("in_house_also", []), error=TemplateError, path=path, where=f"{where}.in_house_also"
        )
    )
    for part, allowed, name in ((fee, FEE_UNITS, "fee"), (also, ("month", "year"), "in_house_also")):
        for item in part:
            if item not in prices:
                raise TemplateError(
                    f"no price {item!r}{suggest(item, prices)} among the provider's prices",
                    path=path,
                    where=f"{where}.{name}",
                )
            price = prices[item]
            if price.per not in allowed:
                raise TemplateError(
                    f"the price {item!r} is per {price.per}; {name} takes prices per {', '.join(allowed)}",
                    path=path,
                    where=f"{where}.{name}",
                )
            if price.used is None and not price.tiers:
                raise TemplateError(
                    f"the price {item!r} needs a used figure", path=path, where=f"{where}.prices.{item}"
                )
    if takes and not fee:
        raise TemplateError("a provider that takes work needs a fee", path=path, where=f"{where}.fee")
    if also and compare != "entity":
        raise TemplateError(
            "in_house_also is only weighed with compare: entity", path=path, where=f"{where}.in_house_also"
        )
    keeps, keeps_why = 0.0, ""
    if "keeps" in raw:
        spec = expect_mapping(raw["keeps"], error=TemplateError, path=path, where=f"{where}.keeps")
        check_keys(
            spec, ("value", "why"), required=("value", "why"), error=TemplateError, path=path, where=f"{where}.keeps"
        )
        keeps = _number(spec["value"], path, f"{where}.keeps.value", 0, 0.95)
        keeps_why = expect_text(spec["why"], error=TemplateError, path=path, where=f"{where}.keeps.why")
    minimum = 0.0
    if "minimum_fee" in raw:
        spec = expect_mapping(raw["minimum_fee"], error=TemplateError, path=path, where=f"{where}.minimum_fee")
        expect_text(spec.get("why"), error=TemplateError, path=path, where=f"{where}.minimum_fee.why")
        if spec.get("per") == "month" and spec.get("value") is not None:
            minimum = _number(spec["value"], path, f"{where}.minimum_fee.value", 0)
    applies = None
    if "applies" in raw:
        seen = names | (COUNTRY_NAMES if scope == "country" else {})
        applies = Expression.compile(raw["applies"], seen, where=f"{where}.applies", path=path, expect=BOOLEAN)
    _functions(raw.get("not_covered", []), functions, path, f"{where}.not_covered")
    notes = {
        k: expect_text(raw[k], error=TemplateError, path=path, where=f"{where}.{k}")
        for k in ("note", "cross_check", "pricing_model")
        if k in raw
    }
    return Provider(
        key=key,
        name=expect_text(raw["name"], error=TemplateError, path=path, where=f"{where}.name"),
        takes=takes,
        helps=_functions(raw.get("helps", []), functions, path, f"{where}.helps"),
        prices=prices,
        keeps=keeps,
        keeps_why=keeps_why,
        applies=applies,
        scope=scope,
        compare=compare,
        fee=fee,
        in_house_also=also,
        minimum_month=minimum,
        risk=expect_text(raw["risk"], error=TemplateError, path=path, where=f"{where}.risk") if "risk" in raw else "",
        notes=notes,
    )
