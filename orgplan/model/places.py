"""Countries and business units: where a company's employees are, named or assumed.

A profile gives ``countries`` and ``business_units`` as a number or as a list of named
items with their employees. A number stands for that many places of assumed size:
countries fall off like a Zipf curve from the headquarters country (most multinationals
have most of their people at home), business units share the workforce evenly.

>>> places = assumed_places("countries", 3, 1100)
>>> [(p.name, p.employees) for p in places]
[('Headquarters country', 600), ('Country 2', 300), ('Country 3', 200)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from orgplan.core.limits import limit
from orgplan.core.validation import one_line_text, shown, suggest
from orgplan.core.words import count_of
from orgplan.errors import ProfileError

__all__ = [
    "scaled_places",
    "places_for_size",
    "Place",
    "apportion",
    "assumed_places",
    "parse_places",
    "places_data",
    "number_value",
    "check_unit_countries",
]


@dataclass(frozen=True)
class Place:
    """A country or business unit: its name, employees and, for countries, local facts (for units, an industry)."""

    name: str
    employees: int
    pay_index: float = 1.0
    sites: int | None = None
    unionized_share: float | None = None
    region: str | None = None
    industry: str | None = None  # a business unit's own industry, when it differs from the company's
    countries: tuple[str, ...] = ()  # the countries a business unit works in (none named: all the company's)
    assumed: bool = False  # made up from a count, not named in the profile

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "employees": self.employees}
        for key in ("pay_index", "sites", "unionized_share", "region", "industry"):
            value = getattr(self, key)
            if value is not None and not (key == "pay_index" and value == 1.0):
                data[key] = value
        if self.countries:
            data["countries"] = list(self.countries)
        return data


def assumed_places(key: str, count: int, employees: int) -> tuple[Place, ...]:
    """``count`` places sharing ``employees``: Zipf-shaped for countries, even for units."""
    weights = [1 / i for i in range(1, count + 1)] if key == "countries" else [1.0] * count
    sizes = apportion(employees, weights)
    if key == "countries":
        names = ["Headquarters country", *(f"Country {i}" for i in range(2, count + 1))]
    else:
        names = [f"Business unit {i}" for i in range(1, count + 1)]
    return tuple(Place(name, size, assumed=True) for name, size in zip(names, sizes, strict=True))


def scaled_places(items: Any, employees: int) -> Any:
    """A profile's named ``countries`` or ``business_units`` (as written) for a company of ``employees``:
    each keeps its share, in whole employees that add up to the new total; a count is kept as it is.

    >>> scaled_places([{"name": "A", "employees": 300}, {"name": "B", "employees": 100}], 1000)
    [{'name': 'A', 'employees': 750}, {'name': 'B', 'employees': 250}]
    """
    if not isinstance(items, list) or not items or not all(isinstance(i, Mapping) for i in items):
        return items
    try:
        weights = [float(str(i.get("employees")).replace(",", "").replace("_", "")) for i in items]
    except ValueError:
        return items  # the profile's own check names the bad figure
    if not all(math.isfinite(w) and w > 0 for w in weights) or employees < len(items):
        return items
    sizes = apportion(employees, weights)
    return [{**item, "employees": size} for item, size in zip(items, sizes, strict=True)]


def places_for_size(given: Mapping[str, Any], employees: int) -> dict[str, Any]:
    """The named ``countries`` and ``business_units`` of a profile as written (``given``), for ``employees``."""
    return {
        key: scaled_places(given[key], employees)
        for key in ("countries", "business_units")
        if isinstance(given.get(key), list)
    }


def apportion(total: int, weights: list[float]) -> list[int]:
    """Whole shares of ``total`` in proportion to ``weights`` (largest remainders), each at least 1.

    >>> apportion(10, [2, 1, 1])
    [5, 3, 2]
    """
    raw = [w * total / sum(weights) for w in weights]
    sizes = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - sizes[i], reverse=True)
    for i in order[: total - sum(sizes)]:
        sizes[i] += 1
    for i, size in enumerate(sizes):  # every place keeps at least one employee, taken from the largest
        if size == 0:
            sizes[sizes.index(max(sizes))] -= 1
            sizes[i] = 1
    return sizes


def parse_places(
    key: str, value: Any, spec: Mapping[str, Any], employees: int, source: str | None
) -> tuple[Place, ...]:
    """Validate a profile's ``countries`` or ``business_units``: a count, or a list of named items."""
    if isinstance(value, list):
        return _named(key, value, spec, employees, source)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ProfileError(
            f"expected a whole number or a list of items with name and employees, got {_kind(value)}",
            path=source,
            where=key,
        )
    try:
        count = float(str(value).replace(",", "").strip())
    except ValueError:
        raise ProfileError(
            f"expected a whole number or a list of items with name and employees, got {shown(value)}",
            path=source,
            where=key,
        ) from None
    low, high = spec.get("min", 1), spec.get("max", 1000)
    if not math.isfinite(count) or count != int(count) or not low <= count <= high:
        raise ProfileError(
            f"expected a whole number from {low:,} to {high:,}, got {shown(value)}", path=source, where=key
        )
    if count > employees:
        raise ProfileError(
            f"{int(count):,} is more than the {count_of(employees, 'employee')}; every one needs at least one employee",
            path=source,
            where=key,
        )
    return assumed_places(key, int(count), employees)


def _named(
    key: str, items: list[Any], spec: Mapping[str, Any], employees: int, source: str | None
) -> tuple[Place, ...]:
    fields: Mapping[str, Mapping[str, Any]] = spec.get("items", {})
    high = spec.get("max", 1000)
    if not items:
        raise ProfileError(
            "the list is empty; give at least one item with name and employees, or a number", path=source, where=key
        )
    if len(items) > high:
        raise ProfileError(f"expected at most {high:,} items, got {len(items):,}", path=source, where=key)
    out: list[Place] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items, start=1):
        where = f"{key}[{i}]"
        if not isinstance(item, Mapping):
            raise ProfileError(f"expected an item with name and employees, got {_kind(item)}", path=source, where=where)
        for name in item:
            if name not in fields:
                raise ProfileError(
                    f"unknown key {shown(name)}{suggest(str(name), fields)}; expected any of: {', '.join(fields)}",
                    path=source,
                    where=where,
                )
        values = {}
        for name, rules in fields.items():
            if item.get(name) is None:
                if rules.get("required"):
                    raise ProfileError(
                        f"{name} is required ({rules.get('description', '')})".rstrip(" ()"), path=source, where=where
                    )
                continue
            values[name] = _value(item[name], rules, source, f"{where}.{name}")
        lowered = values["name"].casefold()
        if lowered in seen:
            raise ProfileError(
                f"the name {values['name']!r} is used twice (items {seen[lowered]} and {i})", path=source, where=where
            )
        seen[lowered] = i
        out.append(Place(**values))
    total = sum(p.employees for p in out)
    if abs(total - employees) > employees * 0.01:
        raise ProfileError(
            f"the employees of the {key.replace('_', ' ')} add up to {total:,}, but the profile has "
            f"{employees:,} employees; they must agree within 1%",
            path=source,
            where=key,
        )
    return tuple(out)


def _value(value: Any, rules: Mapping[str, Any], source: str | None, where: str) -> Any:
    kind = rules.get("type")
    if kind == "names":
        return _names(value, rules, source, where)
    if kind == "text":
        return one_line_text(value, error=ProfileError, path=source, where=where, most=int(rules.get("max", 200)))
    return number_value(where, value, rules, source, whole=kind == "integer")


def _names(value: Any, rules: Mapping[str, Any], source: str | None, where: str) -> tuple[str, ...]:
    """Names given as a list, or as one text with commas between them: ``India, United Kingdom``."""
    items = value if isinstance(value, list) else str(value).split(",") if isinstance(value, str) else [value]
    most = int(rules.get("max", 200))
    names = [one_line_text(item, error=ProfileError, path=source, where=where, most=most) for item in items]
    if not names:
        raise ProfileError("expected one or more names, got an empty list", path=source, where=where)
    return tuple(dict.fromkeys(names))


def check_unit_countries(units: tuple[Place, ...], countries: tuple[Place, ...], source: str | None) -> None:
    """Every country a business unit names is one of the profile's named countries."""
    known = {c.name.casefold(): c.name for c in countries if not c.assumed}
    for i, unit in enumerate(units, start=1):
        for name in unit.countries:
            if name.casefold() not in known:
                expected = ", ".join(known.values()) or "none: name the countries first"
                raise ProfileError(
                    f"unknown country {name!r}; expected one of the profile's countries ({expected})",
                    path=source,
                    where=f"business_units[{i}].countries",
                )


def places_data(places: tuple[Place, ...]) -> int | list[dict[str, Any]]:
    """How a profile shows its places: the count when they were assumed, else the list."""
    if all(p.assumed for p in places):
        return len(places)
    return [p.to_dict() for p in places]


_KINDS: dict[type, str] = {dict: "a mapping", list: "a list", str: "text"}


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return _KINDS.get(type(value), type(value).__name__)


def number_value(key: str, value: Any, rules: Mapping[str, Any], source: str | None, whole: bool) -> float | int:
    """A number within the field's range (``key`` names it in messages); a rate
    (``format: percent``) above its ``fraction_max`` (1) must say ``%``."""
    lo, hi = rules.get("min"), rules.get("max")
    rate = rules.get("format") == "percent"
    plain_top = rules.get("fraction_max", 1)  # above this, a rate's plain number is taken for a percentage
    wanted = "a whole number" if whole else "a fraction" if rate else "a number"
    if lo is not None and hi is not None:
        top = min(hi, 1) if rate else hi  # a plain rate above 1 is not taken as a fraction (see below)
        wanted += f" from {_fmt(lo)} to {_fmt(top)}"
        if rate and hi > 1:
            wanted += f" (or a percentage up to {_fmt(hi * 100)}%)"
    if rules.get("format") == "money" and lo is not None and hi is not None:
        wanted = f"an amount of U.S. dollars from {_fmt(lo)} to {_fmt(hi)} (such as 1200000, $1,200,000 or 1.2M)"
    percent = False
    if isinstance(value, bool):
        raise ProfileError(f"expected {wanted}, got {value}", path=source, where=key)
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("_", "")
        percent = cleaned.endswith("%")
        digits = cleaned.rstrip("%").strip()
        if not digits.isascii():  # Python reads full-width and Arabic-Indic digits as numbers; orgplan does not
            raise ProfileError(
                f"expected {wanted} written with the digits 0-9, got {shown(value)}", path=source, where=key
            )
        scale = 1
        if rules.get("format") == "money":  # $1,200,000, 850k or 1.2M
            digits = digits.removeprefix("$").strip()
            scale = {"k": 1_000, "m": 1_000_000}.get(digits[-1:].lower(), 1)
            digits = digits[:-1].strip() if scale > 1 else digits
        try:
            if len(digits) > limit("data_files.number_chars").value:
                raise ValueError
            number: float | int = float(digits) / (100 if percent else 1) * scale
        except ValueError:
            raise ProfileError(f"expected {wanted}, got {shown(value)}", path=source, where=key) from None
    elif isinstance(value, (int, float)):
        number = value
    else:
        raise ProfileError(f"expected {wanted}, got {shown(value)}", path=source, where=key)
    if isinstance(number, float) and not math.isfinite(number):
        raise ProfileError(f"expected {wanted}, got {shown(value)}", path=source, where=key)
    if whole and number != int(number):
        raise ProfileError(f"expected {wanted}, got {shown(value)}", path=source, where=key)
    # A whole 2 or 3 is as likely a percentage typed without % as 200% growth: the user says which.
    # A fraction such as 1.2 reads as 120%, as profiles have always written it.
    if rate and not percent and 1 < number <= plain_top and float(number).is_integer():
        raise ProfileError(
            f"{_fmt(number)} could be {_fmt(number)}% or {_fmt(number * 100)}%; write {_fmt(number)}% or "
            f"{_fmt(number * 100)}%",
            path=source,
            where=key,
        )
    if rate and not percent and number > plain_top:
        as_percent = (lo is None or number >= lo * 100) and (
            hi is None or number <= hi * 100
        )  # it was probably meant as one
        hint = f" (write {_fmt(number)}% for {_fmt(number)} percent)" if as_percent else ""
        raise ProfileError(f"expected {wanted}, got {shown(value)}{hint}", path=source, where=key)
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        raise ProfileError(f"expected {wanted}, got {shown(value)}", path=source, where=key)
    return int(number) if whole else float(number)


def _fmt(x: float) -> str:
    return f"{x:,}" if isinstance(x, int) else f"{x:g}"
