"""How sure is the plan: the profile planned again under many draws of its uncertain figures.

Each ``--vary KEY=LOW:HIGH`` is drawn uniformly between LOW and HIGH (whole numbers for
whole-number keys) with ``random.Random(seed)``, so the same seed gives the same samples.
Every sample is planned through the batch engine (:func:`~orgplan.portfolio.batch.plan_many`); the
result gives the P10, P50 and P90 of the totals and, for each role, the share of samples
in which the plan has it: 100% for the seats that are certain, less for those that depend
on the assumptions.

>>> from orgplan import profile_from_dict
>>> acme = profile_from_dict({"company": "Acme", "employees": 400})
>>> s = sensitivity(acme, [parse_vary("growth_rate=0.0:0.5")], samples=20, seed=3)
>>> spread = {row.measure: row for row in s.spread()}
>>> spread["HR FTE"].p10 <= spread["HR FTE"].p50 <= spread["HR FTE"].p90
True
>>> all(0 < r.share <= 1 for r in s.roles()) and s.roles()[0].share == 1.0
True
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from orgplan.core.figures import figures
from orgplan.core.limits import limit
from orgplan.core.validation import shown, suggest
from orgplan.errors import OptionError, ProfileError
from orgplan.knowledge.templates import Templates, load_templates
from orgplan.model.places import places_for_size
from orgplan.model.profile import Profile
from orgplan.portfolio.batch import CompanyPlan, plan_many
from orgplan.reading.companies import profile_key

__all__ = [
    "Vary",
    "parse_vary",
    "draw_samples",
    "quantile",
    "Sensitivity",
    "SpreadRow",
    "RolePresence",
    "sensitivity",
    "share_text",
    "check_work",
]

NUMERIC = ("integer", "number", "places")  # profile types that can be varied (places: their count)
# What each plan is measured by: (label, summary key, spreadsheet format).
MEASURES = tuple(
    (f.heading(short=True), f.key, f.number_format)
    for f in figures("hr_headcount", "hr_fte", "hr_per_100", "annual_cost")
)


@dataclass(frozen=True)
class Vary:
    """A profile key drawn uniformly between ``low`` and ``high`` (whole numbers when ``whole``)."""

    key: str
    low: float
    high: float
    whole: bool = False

    def describe(self, fields: dict[str, dict[str, Any]]) -> str:
        """In words, with the key's label: ``yearly headcount growth 2% to 20%``."""
        field = fields.get(self.key, {})
        percent = field.get("format") == "percent"
        low, high = (f"{x:.0%}" if percent else f"{x:,.0f}" if self.whole else f"{x:g}" for x in (self.low, self.high))
        return f"{str(field.get('label', self.key)).lower()} {low} to {high}"


def parse_vary(text: str, templates: Templates | None = None) -> Vary:
    """Read ``KEY=LOW:HIGH``; the key must be a numeric profile key (named as in a companies file).

    >>> parse_vary("Turnover rate=10%:25%")
    Vary(key='turnover_rate', low=0.1, high=0.25, whole=False)
    >>> parse_vary("countries=1:4").whole
    True
    """
    t = templates or load_templates()
    fields = t.profile_fields
    name, sep, span = text.partition("=")
    low_text, colon, high_text = span.partition(":")
    if not sep or not colon:
        raise OptionError(f"expected KEY=LOW:HIGH, such as growth_rate=0.02:0.2, got {text!r}", where="--vary")
    key = profile_key(name, t)
    numeric = [k for k, f in fields.items() if f.get("type") in NUMERIC]
    if key is None:
        hint = suggest(name.strip(), numeric)  # a likely key is enough; otherwise every key that can vary
        raise OptionError(
            f"unknown key {name.strip()!r}{hint or '; keys that can vary: ' + _listed(numeric)}", where="--vary"
        )
    if key not in numeric:
        raise OptionError(
            f"{key} is not a number and cannot vary; keys that can vary: {_listed(numeric)}", where="--vary"
        )
    low, high = (_number(part, key) for part in (low_text, high_text))
    whole = fields[key].get("type") != "number"
    if whole and (low != int(low) or high != int(high)):
        raise OptionError(f"{key} takes whole numbers, got {low_text.strip()}:{high_text.strip()}", where="--vary")
    if low > high:
        raise OptionError(f"{key}: the low end {_show(low)} is above the high end {_show(high)}", where="--vary")
    least, most = _bounds(fields[key])
    if (least is not None and low < least) or (most is not None and high > most):
        percent = fields[key].get("format") == "percent"
        span = " to ".join("any" if x is None else f"{x:.0%}" if percent else _show(x) for x in (least, most))
        raise OptionError(
            f"{key} may be from {span} in a profile, got {shown(low_text.strip() + ':' + high_text.strip())}",
            where="--vary",
        )
    return Vary(key, low, high, whole)


def _bounds(spec: dict[str, Any]) -> tuple[float | None, float | None]:
    """The least and most a profile key may be as a plain number (a rate above its
    ``fraction_max`` must be written with %, which a drawn sample never is)."""
    least, most = spec.get("min"), spec.get("max")
    if spec.get("format") == "percent" and most is not None:
        most = min(most, spec.get("fraction_max", 1))
    return least, most


def check_work(profile: Profile, varies: Sequence[Vary], samples: int) -> None:
    """Refuse, before any sample is drawn, a run orgplan cannot finish in reasonable time and memory.

    The samples must be within ``sensitivity.samples``, and the samples times the most
    employees a sample can have within ``sensitivity.employee_samples``; a count of
    countries or business units must leave every one an employee in every sample.
    """
    if not varies:
        raise OptionError("name at least one key to vary, such as --vary growth_rate=0.02:0.2", where="--vary")
    most_samples = limit("sensitivity.samples")
    if not 2 <= samples <= most_samples.value:
        raise OptionError(f"expected 2 to {most_samples.describe()}, got {samples:,}", where="--samples")
    by_key = {v.key: v for v in varies}
    employees = by_key.get("employees")
    fewest = int(employees.low) if employees else profile.employees
    most = int(employees.high) if employees else profile.employees
    for key in ("countries", "business_units"):
        places = by_key.get(key)
        if places is not None and places.high > fewest:
            raise OptionError(
                f"{key} up to {_show(places.high)}, but a sample may have {fewest:,} employees; each of the "
                f"{key.replace('_', ' ')} needs one",
                where="--vary",
            )
    work = limit("sensitivity.employee_samples")
    if samples * most > work.value:
        raise OptionError(
            f"{samples:,} samples x {most:,} employees is past {work.shown} (limit {work.name}); use at most "
            f"{max(int(work.value // most), 2):,} samples",
            where="--samples",
        )


def _number(text: str, key: str) -> float:
    cleaned = text.strip().replace(",", "").replace("_", "")
    try:
        if len(cleaned) > limit("data_files.number_chars").value:
            raise ValueError
        value = float(cleaned.rstrip("%")) / (100 if cleaned.endswith("%") else 1)
    except ValueError:
        raise OptionError(f"{key}: expected a number, got {shown(text.strip())}", where="--vary") from None
    if not math.isfinite(value):
        raise OptionError(f"{key}: expected a number, got {shown(text.strip())}", where="--vary")
    return value


def _show(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) and abs(x) >= 1 else f"{x:g}"


def draw_samples(varies: Sequence[Vary], count: int, seed: int = 0) -> list[dict[str, float | int]]:
    """``count`` draws of the varied keys, from ``random.Random(seed)`` alone (no global random state).

    >>> varies = [Vary("employees", 100, 200, True)]
    >>> draw_samples(varies, 3, seed=1) == draw_samples(varies, 3, seed=1)
    True
    """
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        sample: dict[str, float | int] = {}
        for v in varies:
            sample[v.key] = (
                rng.randint(int(v.low), int(v.high)) if v.whole else float(f"{rng.uniform(v.low, v.high):.6g}")
            )
        out.append(sample)
    return out


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile of ``values``, interpolated between the nearest ranks (as numpy's default).

    >>> quantile([1, 2, 3, 4, 5], 0.1), quantile([1, 2, 3, 4, 5], 0.5), quantile([10], 0.9)
    (1.4, 3, 10)
    """
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    if position == below:
        return ordered[below]
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass(frozen=True)
class SpreadRow:
    """A total of the plan over the samples: as given, P10, P50, P90, the smallest and the largest."""

    measure: str
    key: str
    given: float
    p10: float
    p50: float
    p90: float
    low: float
    high: float


@dataclass(frozen=True)
class RolePresence:
    """A role over the samples: the share of samples whose plan has it, and its seats (smallest, median, largest)."""

    role: str
    title: str
    family: str
    share: float
    given: int
    low: int
    median: float
    high: int

    @property
    def certain(self) -> bool:
        return self.share == 1.0


@dataclass(frozen=True)
class Sensitivity:
    """The profile's plan and the plans of every sample, with the values drawn for each."""

    profile: Profile
    varies: tuple[Vary, ...]
    seed: int
    samples: tuple[dict[str, float | int], ...]
    given: CompanyPlan
    results: tuple[CompanyPlan, ...]
    templates: Templates = field(repr=False, compare=False)

    def spread(self) -> list[SpreadRow]:
        """P10, P50 and P90 of HR seats, FTE, HR staff per 100 and annual cost."""
        out = []
        for label, key, _ in MEASURES:
            values = [r.summary[key] for r in self.results]
            p10, p50, p90 = (_round(quantile(values, q)) for q in (0.1, 0.5, 0.9))
            out.append(SpreadRow(label, key, self.given.summary[key], p10, p50, p90, min(values), max(values)))
        return out

    def roles(self) -> list[RolePresence]:
        """Every role some sample's plan has: the certain ones first, then by how often they appear."""
        roles = self.templates.roles
        seen = [k for k in roles if any(k in r.roles for r in self.results)]
        out = []
        for key in seen:
            seats = [r.roles.get(key, 0) for r in self.results]
            share = sum(1 for s in seats if s) / len(seats)
            out.append(
                RolePresence(
                    key,
                    roles[key].title,
                    roles[key].family,
                    share,
                    self.given.roles.get(key, 0),
                    min(seats),
                    quantile(seats, 0.5),
                    max(seats),
                )
            )
        order = list(roles)
        return sorted(out, key=lambda r: (-r.share, order.index(r.role)))

    def about(self) -> str:
        """What was drawn, in words: ``1,000 samples of yearly turnover 10% to 25% (seed 0)``."""
        varied = ", ".join(v.describe(self.templates.profile_fields) for v in self.varies)
        return f"{len(self.samples):,} samples of {varied} (seed {self.seed})"


def share_text(share: float) -> str:
    """A share of samples as a percentage that never rounds to 0% or 100% when it is not.

    >>> share_text(1.0), share_text(0.996), share_text(0.5), share_text(0.003)
    ('100%', '>99%', '50%', '<1%')
    """
    if 0 < share < 0.01:
        return "<1%"
    if 0.99 < share < 1:
        return ">99%"
    return f"{share:.0%}"


def _round(x: float) -> float:
    return round(x, 3)


def _as_given(values: dict[str, float | int], t: Templates) -> dict[str, Any]:
    """The drawn values as a profile takes them: a rate above 1 as a percentage (a plain 2 could be 2% or 200%)."""
    fields = t.profile_fields
    return {
        key: f"{value * 100:.15g}%" if fields.get(key, {}).get("format") == "percent" and value > 1 else value
        for key, value in values.items()
    }


def sensitivity(
    profile: Profile,
    varies: Sequence[Vary],
    samples: int,
    seed: int = 0,
    executor: Executor | None = None,
    *,
    templates: Templates | None = None,
    progress: Callable[[int], None] | None = None,
) -> Sensitivity:
    """Plan ``profile`` and ``samples`` draws of it with the ``varies`` keys changed (see
    :func:`~orgplan.portfolio.batch.plan_many` for ``executor``).

    Raises :class:`~orgplan.errors.OptionError` before any sample is planned when the run is
    past orgplan's limits (see :func:`check_work`), or when a draw makes a profile orgplan
    refuses, naming the sample.
    """
    check_work(profile, varies, samples)
    t = templates or load_templates()
    order = list(t.profile_fields)
    seen = [v.key for v in varies]
    twice = next((key for key in seen if seen.count(key) > 1), None)
    if twice is not None:
        raise OptionError(f"{twice} is varied twice; give each key once", where="--vary")
    # The keys in the profile's order, whatever the order of the options: the same draws, the same files.
    varies = sorted(varies, key=lambda v: order.index(v.key) if v.key in order else len(order))
    drawn = draw_samples(varies, samples, seed)
    profiles = [profile]
    for i, values in enumerate(drawn, start=1):
        try:
            sized = places_for_size(profile.given, int(values["employees"])) if "employees" in values else {}
            profiles.append(profile.with_values(templates=t, **{**sized, **_as_given(values, t)}))
        except ProfileError as exc:
            at_fault = re.split(r"[\[.]", exc.where or "", maxsplit=1)[0]
            named = {at_fault: values[at_fault]} if at_fault in values else values  # the value at fault, if one is
            shown = ", ".join(f"{k}={_show(v)}" for k, v in named.items())
            raise OptionError(
                f"sample {i} ({shown}): {exc.where + ': ' if exc.where else ''}{exc.message}", where="--vary"
            ) from None
    results = plan_many(profiles, executor, templates=t, progress=progress)
    failed = next((r for r in results if r.error), None)
    if failed is not None:
        raise OptionError(failed.error or "", where="--vary")
    return Sensitivity(profile, tuple(varies), seed, tuple(drawn), results[0], tuple(results[1:]), t)


def _listed(keys: list[str], most: int = 8) -> str:
    """Keys for a one-line message: all of them, or the first few and how many more docs/profile.md describes."""
    if len(keys) <= most:
        return ", ".join(keys)
    return f"{', '.join(keys[:most])} and {len(keys) - most} more (docs/profile.md)"
