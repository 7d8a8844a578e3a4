"""The benchmark figures: constants, the cost formula, pay, derived figures, workloads, bands, hiring.

Everything here is read from ``templates/benchmarks.yaml``, each figure with its source.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgplan.core.validation import check_keys, expect_list, expect_mapping, expect_records, expect_text, suggest
from orgplan.errors import TemplateError
from orgplan.knowledge.catalog import Role
from orgplan.knowledge.expressions.language import NUMBER, Expression

__all__ = [
    "hr_per_100",
    "Figure",
    "Band",
    "HiringPhase",
    "HiringPolicy",
    "Costing",
    "PayPolicy",
    "Benchmarks",
    "parse_benchmarks",
]


@dataclass(frozen=True)
class Figure:
    """A named number or expression from the benchmarks, with its source."""

    name: str
    source: str
    value: float | None = None
    expression: Expression | None = None


def hr_per_100(hr_fte: float, employees: int) -> float:
    """HR staff per 100 employees, as every output shows and compares it: from the HR FTE
    in hundredths (as the plan's totals give it), to three decimals.

    >>> hr_per_100(2.004, 300), hr_per_100(1.0, 3)
    (0.667, 33.333)
    """
    return round(round(hr_fte, 2) / employees * 100, 3)


@dataclass(frozen=True)
class Band:
    """Published range of HR staff per 100 employees for a size band."""

    min_employees: int
    max_employees: int
    low: float
    high: float
    source: str

    def status(self, per_100: float) -> str:
        """Where ``per_100`` (from :func:`hr_per_100`) sits against the range: below, within or above.

        >>> Band(1, 99, 1.0, 5.0, "survey").status(5.0), Band(1, 99, 1.0, 5.0, "survey").status(0.999)
        ('within', 'below')
        """
        return "below" if per_100 < self.low else "above" if per_100 > self.high else "within"


@dataclass(frozen=True)
class HiringPhase:
    """A step of the hiring order: the families of seats it fills, and why they come then."""

    name: str
    families: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class HiringPolicy:
    """In which order and how fast the seats of a plan are filled."""

    phases: tuple[HiringPhase, ...]
    min_hires_per_quarter: Figure
    horizon_quarters: Figure


@dataclass(frozen=True)
class Costing:
    """How every seat is costed: the one cost formula and its figures.

    annual cost = base salary x FTE x load, rounded to the dollar; base salary = catalog
    salary x salary multiplier (x a country's pay index); load is the benefits load for
    employees and the fee load for roles paid as a fee.

    >>> from orgplan.knowledge.templates import load_templates
    >>> c = load_templates().costing
    >>> c.annual_cost(100000, 0.5, c.load_for("salary"))
    71000.0
    """

    benefits_load: Figure
    fee_load: Figure
    fte_step: Figure

    def load_for(self, paid_as: str) -> float:
        """The load on base pay for a role paid as 'salary' or 'fee'."""
        figure = self.fee_load if paid_as == "fee" else self.benefits_load
        return float(figure.value or 0.0)

    @staticmethod
    def base_salary(role: Role, multiplier: float, pay_index: float = 1.0) -> float:
        """A seat's base pay: the catalog salary scaled by the profile and the country, to the dollar."""
        return float(round(role.salary.base * multiplier * pay_index))

    @staticmethod
    def annual_cost(base_salary: float, fte: float, load: float) -> float:
        """Base salary x FTE x load, to the dollar (the workbook's Positions formula is the same)."""
        return float(round(base_salary * fte * load))

    def round_fte(self, fte: float) -> float:
        """``fte`` to the nearest step (never below one step)."""
        step = float(self.fte_step.value or 0.05)
        return max(step, round(round(fte / step) * step, 4))

    @property
    def figures(self) -> tuple[Figure, ...]:
        return (self.benefits_load, self.fee_load, self.fte_step)


@dataclass(frozen=True)
class PayPolicy:
    """How base pay follows the ladder: floors by level, the head of HR by company size, a leader's premium."""

    level_floors: Mapping[int, Figure]
    head_of_hr: tuple[tuple[int, Figure], ...]  # (from employees, base pay), ascending
    supervisor_premium: Figure
    head_team_share: Figure  # a leader reporting to the head of HR earns at least this share of the head's floor
    range_spread: Mapping[int, float]  # by level: how wide a posted pay range is (maximum over minimum, less 1)
    range_source: str

    def floor(self, level: int) -> float:
        """The least base pay of a seat at ``level`` (before the profile's multiplier)."""
        figure = self.level_floors.get(level)
        return float(figure.value or 0.0) if figure is not None else 0.0

    def head_floor(self, employees: int) -> float:
        """The base pay of the head of HR of a company of ``employees``: between two points of
        ``head_of_hr`` it rises evenly with the logarithm of the size, beyond the last it stays
        there; below the first it is 0 (the head is paid as its role)."""
        points = self.head_sources(employees)
        if not points:
            return 0.0
        if len(points) == 1:
            return float(points[0][1].value or 0.0)
        (low, a), (high, b) = points
        share = math.log(employees / low) / math.log(high / low)
        return float(a.value or 0.0) + share * (float(b.value or 0.0) - float(a.value or 0.0))

    def head_sources(self, employees: int) -> tuple[tuple[int, Figure], ...]:
        """The points of ``head_of_hr`` the head's pay for ``employees`` comes from: the one
        at or below the size and the next above it (one beyond the last point, none below the first)."""
        below = [i for i, (n, _) in enumerate(self.head_of_hr) if employees >= n]
        if not below:
            return ()
        i = below[-1]
        return self.head_of_hr[i : i + 2] if employees > self.head_of_hr[i][0] else self.head_of_hr[i : i + 1]

    def pay_range(self, pay: float, level: int) -> tuple[float, float]:
        """The pay range a posting shows for a seat paid ``pay`` at ``level``: ``pay`` is its
        midpoint, its width the level's spread, both ends rounded to the hundred.

        >>> PayPolicy({}, (), Figure("p", ""), Figure("s", ""), {3: 0.5}, "").pay_range(100000, 3)
        (80000.0, 120000.0)
        """
        spread = self.range_spread.get(level, 0.0)
        low = pay * 2 / (2 + spread)
        return float(round(low, -2)), float(round(low * (1 + spread), -2))

    @property
    def figures(self) -> tuple[Figure, ...]:
        return (
            *self.level_floors.values(),
            *(f for _, f in self.head_of_hr),
            self.supervisor_premium,
            self.head_team_share,
        )


@dataclass(frozen=True)
class Benchmarks:
    """Every section of benchmarks.yaml, validated and compiled."""

    constants: dict[str, Figure]
    costing: Costing
    pay: PayPolicy
    derived: tuple[Figure, ...]
    workload: dict[str, Figure]
    bands: tuple[Band, ...]
    hiring: HiringPolicy


SECTIONS = ("constants", "costing", "derived", "workload", "pay", "hr_per_100_bands", "hiring")


def parse_benchmarks(
    data: Any, *, path: Path, names: dict[str, str], functions: tuple[str, ...], hr_families: tuple[str, ...]
) -> tuple[Benchmarks, dict[str, str]]:
    """Validate and compile benchmarks.yaml; return it and the names it adds for rule expressions."""
    bench = expect_mapping(data, error=TemplateError, path=path, where=None)
    check_keys(bench, SECTIONS, required=SECTIONS, error=TemplateError, path=path)
    constants = _constants(bench["constants"], path)
    names = dict(names) | dict.fromkeys(constants, NUMBER)
    derived = []
    for key, raw in expect_mapping(bench["derived"], error=TemplateError, path=path, where="derived").items():
        derived.append(_figure(key, raw, names, path, f"derived.{key}"))
        names[key] = NUMBER
    workload = {}
    for key, raw in expect_mapping(bench["workload"], error=TemplateError, path=path, where="workload").items():
        if key not in functions:
            raise TemplateError(
                f"unknown function {key!r}{suggest(str(key), functions)}", path=path, where=f"workload.{key}"
            )
        workload[key] = _figure(key, raw, names, path, f"workload.{key}")
    missing = [f for f in functions if f not in workload]
    if missing:
        raise TemplateError(f"no workload for function(s): {', '.join(missing)}", path=path, where="workload")
    benchmarks = Benchmarks(
        constants=constants,
        costing=_costing(bench["costing"], path),
        pay=_pay(bench["pay"], path),
        derived=tuple(derived),
        workload=workload,
        bands=_bands(bench["hr_per_100_bands"], path),
        hiring=_hiring(bench["hiring"], path, hr_families),
    )
    return benchmarks, names


def _constants(raw: Any, path: Path) -> dict[str, Figure]:
    items = expect_mapping(raw, error=TemplateError, path=path, where="constants").items()
    return {str(key): _constant(str(key), item, path, f"constants.{key}") for key, item in items}


def _constant(key: str, item: Any, path: Path, where: str, minimum: float | None = None) -> Figure:
    item = expect_mapping(item, error=TemplateError, path=path, where=where)
    check_keys(item, ("value", "source"), required=("value", "source"), error=TemplateError, path=path, where=where)
    value = item["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TemplateError(f"expected a number, got {value!r}", path=path, where=f"{where}.value")
    if minimum is not None and value < minimum:
        raise TemplateError(
            f"expected a number of at least {minimum:g}, got {value!r}", path=path, where=f"{where}.value"
        )
    return Figure(
        key, expect_text(item["source"], error=TemplateError, path=path, where=f"{where}.source"), value=float(value)
    )


def _costing(raw: Any, path: Path) -> Costing:
    raw = expect_mapping(raw, error=TemplateError, path=path, where="costing")
    keys = ("benefits_load", "fee_load", "fte_step")
    check_keys(raw, keys, required=keys, error=TemplateError, path=path, where="costing")
    return Costing(*(_constant(k, raw[k], path, f"costing.{k}", minimum=0.01) for k in keys))


def _pay(raw: Any, path: Path) -> PayPolicy:
    raw = expect_mapping(raw, error=TemplateError, path=path, where="pay")
    keys = ("level_floors", "head_of_hr", "supervisor_premium", "head_team_share", "range_spread")
    check_keys(raw, keys, required=keys, error=TemplateError, path=path, where="pay")
    floors: dict[int, Figure] = {}
    for level, item in expect_mapping(
        raw["level_floors"], error=TemplateError, path=path, where="pay.level_floors"
    ).items():
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 10:
            raise TemplateError(f"expected a level from 1 to 10, got {level!r}", path=path, where="pay.level_floors")
        floors[level] = _amount(f"level_{level}", item, path, f"pay.level_floors.{level}")
    bands = []
    for where, item in expect_records(
        raw["head_of_hr"], ("min_employees", "base", "source"), error=TemplateError, path=path, where="pay.head_of_hr"
    ):
        bands.append(
            (int(item["min_employees"]), _amount(f"head_of_hr_from_{item['min_employees']}", item, path, where))
        )
    premium = _constant("supervisor_premium", raw["supervisor_premium"], path, "pay.supervisor_premium", minimum=0)
    share = _constant("head_team_share", raw["head_team_share"], path, "pay.head_team_share", minimum=0)
    if float(share.value or 0.0) >= 1:
        raise TemplateError(
            "expected a share below 1: the head of HR outranks its team", path=path, where="pay.head_team_share"
        )
    spreads, source = _spreads(raw["range_spread"], path)
    return PayPolicy(floors, tuple(sorted(bands, key=lambda b: b[0])), premium, share, spreads, source)


def _spreads(raw: Any, path: Path) -> tuple[dict[int, float], str]:
    """The pay range spread of each level (a fraction from 0 to 3) and its source."""
    where = "pay.range_spread"
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    check_keys(raw, ("levels", "source"), required=("levels", "source"), error=TemplateError, path=path, where=where)
    spreads: dict[int, float] = {}
    for level, value in expect_mapping(raw["levels"], error=TemplateError, path=path, where=f"{where}.levels").items():
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 10:
            raise TemplateError(f"expected a level from 1 to 10, got {level!r}", path=path, where=f"{where}.levels")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 3:
            raise TemplateError(
                f"expected a spread from 0 to 3, got {str(value)[:40]}", path=path, where=f"{where}.levels.{level}"
            )
        spreads[level] = float(value)
    return spreads, expect_text(raw["source"], error=TemplateError, path=path, where=f"{where}.source")


def _amount(name: str, item: Any, path: Path, where: str) -> Figure:
    """A sum of money with its source, written as {base, source}."""
    item = expect_mapping(item, error=TemplateError, path=path, where=where)
    base = item.get("base")
    if isinstance(base, bool) or not isinstance(base, (int, float)) or base < 0:
        raise TemplateError(f"expected an amount of 0 or more, got {str(base)[:40]}", path=path, where=f"{where}.base")
    return Figure(
        name,
        expect_text(item.get("source"), error=TemplateError, path=path, where=f"{where}.source"),
        value=float(base),
    )


def _hiring(raw: Any, path: Path, hr_families: tuple[str, ...]) -> HiringPolicy:
    raw = expect_mapping(raw, error=TemplateError, path=path, where="hiring")
    keys = ("phases", "min_hires_per_quarter", "horizon_quarters")
    check_keys(raw, keys, required=keys, error=TemplateError, path=path, where="hiring")
    phases, seen = [], set()
    for where, item in expect_records(
        raw["phases"], ("name", "families", "why"), error=TemplateError, path=path, where="hiring.phases"
    ):
        families = tuple(
            str(f) for f in expect_list(item["families"], error=TemplateError, path=path, where=f"{where}.families")
        )
        for family in families:
            if family not in hr_families or family in seen:
                problem = (
                    "is in an earlier phase too"
                    if family in seen
                    else f"is not an HR family; expected one of: {', '.join(hr_families)}"
                )
                raise TemplateError(f"{family!r} {problem}", path=path, where=f"{where}.families")
            seen.add(family)
        phases.append(
            HiringPhase(
                expect_text(item["name"], error=TemplateError, path=path, where=f"{where}.name"),
                families,
                expect_text(item["why"], error=TemplateError, path=path, where=f"{where}.why"),
            )
        )
    missing = [f for f in hr_families if f not in seen]
    if missing:
        raise TemplateError(
            f"no phase hires the famil{'y' if len(missing) == 1 else 'ies'} {', '.join(missing)}",
            path=path,
            where="hiring.phases",
        )
    return HiringPolicy(
        tuple(phases),
        _constant(
            "min_hires_per_quarter", raw["min_hires_per_quarter"], path, "hiring.min_hires_per_quarter", minimum=1
        ),
        _constant("horizon_quarters", raw["horizon_quarters"], path, "hiring.horizon_quarters", minimum=1),
    )


def _figure(key: str, raw: Any, names: dict[str, str], path: Path, where: str) -> Figure:
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    check_keys(
        raw, ("expression", "source"), required=("expression", "source"), error=TemplateError, path=path, where=where
    )
    expr = Expression.compile(raw["expression"], names, where=f"{where}.expression", path=path, expect=NUMBER)
    return Figure(
        str(key), expect_text(raw["source"], error=TemplateError, path=path, where=f"{where}.source"), expression=expr
    )


def _bands(raw: Any, path: Path) -> tuple[Band, ...]:
    out = []
    keys = ("min_employees", "max_employees", "low", "high", "source")
    for _, item in expect_records(raw, keys, error=TemplateError, path=path, where="hr_per_100_bands"):
        out.append(
            Band(
                int(item["min_employees"]),
                int(item["max_employees"]),
                float(item["low"]),
                float(item["high"]),
                str(item["source"]),
            )
        )
    return tuple(out)
