"""The company profile: what a business leader tells orgplan about the company.

Only ``employees`` is required; every other key has a default from
``templates/profile.yaml``. Unknown keys and unknown functions are refused by name.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from orgplan.core.files import key_lines, load_yaml_text, read_data_file
from orgplan.core.validation import one_line_text, place, shown, suggest
from orgplan.errors import OptionError, ProfileError, ProfileMistakes, TemplateError
from orgplan.knowledge.templates import Templates, load_templates
from orgplan.model.places import Place, check_unit_countries, number_value, parse_places, places_data

__all__ = ["Profile", "load_profile", "profile_from_dict", "apply_overrides"]


@dataclass(frozen=True)
class Profile:
    """A normalised company profile, every default filled in.

    >>> p = profile_from_dict({"company": "Acme", "employees": 120})
    >>> p.employees, p.hr_reports_to, p.max_span
    (120, 'CEO', 8)
    >>> "payroll" in p.functions
    True
    """

    company: str
    employees: int
    functions: tuple[str, ...]
    countries: tuple[Place, ...]
    sites: int
    business_units: tuple[Place, ...]
    unionized_share: float
    annual_hires: float
    frontline_share: float
    bargaining_agreements: int
    growth_rate: float
    turnover_rate: float
    frontline_turnover_rate: float
    professional_turnover_rate: float
    industry: str
    hr_reports_to: str
    max_span: int
    operating_model: str
    salary_multiplier: float
    budget: float | None  # the most HR may cost a year (seats + fees); None for no limit
    service_centre: str = "auto"  # auto | headquarters | the name of one of the countries
    unit_hr_reports_to: str = "group"  # group | unit: a federated unit HR head's solid line
    about: str | None = None  # a paragraph for job postings; None: the postings write one from the profile
    equal_opportunity: str | None = None
    source: str | None = field(default=None, compare=False)
    notes: tuple[str, ...] = field(default=(), compare=False)
    given: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The profile as plain data, in a stable key order (no source or notes)."""
        data = asdict(self)
        for private in ("source", "notes", "given"):
            data.pop(private)
        data["functions"] = list(self.functions)
        data["countries"] = places_data(self.countries)
        data["business_units"] = places_data(self.business_units)
        return data

    def with_values(self, templates: Templates | None = None, **changes: Any) -> Profile:
        """A copy with some keys changed, validated and re-normalised like a loaded profile.

        Derived defaults (``annual_hires``, ``functions``) are worked out again unless given.
        """
        raw = dict(self.given)
        raw.update(changes)
        return profile_from_dict(raw, templates=templates, source=self.source)


# The fields a profile file may set: what templates/profile.yaml must declare, no more and no less.
_FIELDS = {f.name: None for f in fields(Profile) if f.init and f.name not in ("source", "notes", "given")}.keys()


def apply_overrides(profile: Profile, items: Iterable[str], templates: Templates | None = None) -> Profile:
    """``profile`` with ``KEY=VALUE`` overrides applied, each value read as YAML (``functions`` may be comma-separated).

    Errors name the override: ``--set employees: expected a whole number ...``.

    >>> p = apply_overrides(profile_from_dict({"employees": 100}), ["employees=2,500", "functions=payroll, benefits"])
    >>> p.employees, p.functions
    (2500, ('benefits', 'payroll'))
    """
    changes: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise OptionError(f"expected KEY=VALUE, got {shown(item)}", where="--set")
        value = (
            load_yaml_text(text, OptionError, where=f"--set {place((key,))}", syntax_errors_as_text=True)
            if text.strip()
            else None
        )
        if key == "functions" and isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        changes[key] = value
    try:
        return profile.with_values(templates=templates, **changes)
    except ProfileError as exc:
        raise OptionError(exc.message, where=f"--set {exc.where}" if exc.where else "--set") from None


def load_profile(path: str | os.PathLike[str], templates: Templates | None = None) -> Profile:
    """Read a YAML or JSON profile and normalise it.

    Raises :class:`ProfileError` naming the file and field for anything wrong.
    """
    data = read_data_file(path, ProfileError)
    if data is None:
        raise ProfileError("the profile is empty; it needs at least 'employees'", path=path)
    try:
        return profile_from_dict(data, templates=templates, source=str(path))
    except ProfileMistakes as several:  # each mistake on a line of its own, with its line in the file
        raise ProfileMistakes(list(several.mistakes), path=path, lines=key_lines(path)) from None


def profile_from_dict(data: Any, templates: Templates | None = None, source: str | None = None) -> Profile:
    """Validate a mapping of profile keys and fill in the defaults."""
    t = templates or load_templates()
    if not isinstance(data, Mapping):
        raise ProfileError(f"expected a mapping of profile keys to values, got {shown(data)}", path=source)
    spec = t.profile_fields
    _check_declared(spec, t)
    mistakes: list[ProfileError] = []  # every mistake is reported, not only the first
    meant: set[str] = set()  # keys an unknown key is likely a misspelling of
    for key in data:
        if key not in spec:
            hint = suggest(str(key), spec)
            meant.update(k for k in spec if f"'{k}'?" in hint)
            mistakes.append(
                ProfileError(
                    f"unknown key {shown(key)}{hint}; expected one of: {', '.join(spec)}",
                    path=source,
                    where=place((key,)),
                )
            )
    values: dict[str, Any] = {}
    for key, rules in spec.items():
        try:
            if rules.get("required") and data.get(key) is None:
                if key not in data and key in meant:  # 'employee: 10' - the misspelling says it all
                    continue
                state = "is required" if key not in data else "is empty, but is required"
                raise ProfileError(f"{state}: {rules.get('description', '')}".rstrip(": "), path=source, where=key)
            if rules.get("type") == "places" and "employees" not in values:
                continue  # checked against the employees, which have a mistake of their own
            if key in data and data[key] is not None:
                values[key] = _coerce(key, data[key], rules, t, source, values)
            elif "default" in rules:
                values[key] = _coerce(key, rules["default"], rules, t, source, values)
        except ProfileError as exc:
            mistakes.append(exc)
    if len(mistakes) == 1:
        raise mistakes[0]
    if mistakes:
        raise ProfileMistakes(mistakes, path=source)
    notes: list[str] = []
    countries = values["countries"]
    if "sites" not in data and all(c.sites for c in countries) and not countries[0].assumed:
        values["sites"] = sum(c.sites or 0 for c in countries)
        notes.append("sites: the countries' sites added up")
    if "unionized_share" not in data and any(c.unionized_share is not None for c in countries):
        members = sum(c.employees * (c.unionized_share or 0.0) for c in countries)
        values["unionized_share"] = round(members / values["employees"], 4)
        notes.append("unionized_share: the countries' union members over all employees")
    if "frontline_share" not in values:
        values["frontline_share"] = industry_share(values["industry"], t.frontline_shares, t.frontline_default)
        notes.append(f"frontline_share: the usual share for the industry '{values['industry']}'")
    if "functions" not in values:
        values["functions"] = _default_functions(values["employees"], t)
        notes.append("functions: the core set for a company of this size")
    if values.get("frontline_turnover_rate") is None:
        values["frontline_turnover_rate"] = values["turnover_rate"]
        notes.append("frontline_turnover_rate: the profile's turnover_rate")
    if values.get("professional_turnover_rate") is None:
        usual = float(spec["professional_turnover_rate"].get("usual", values["turnover_rate"]))
        values["professional_turnover_rate"] = min(usual, values["turnover_rate"])
        notes.append(f"professional_turnover_rate: {usual:.0%}, or the profile's turnover_rate if lower")
    if "annual_hires" not in values:
        growth, frontline = max(values["growth_rate"], 0.0), values["frontline_share"]
        rate = frontline * (growth + values["frontline_turnover_rate"]) + (1 - frontline) * (
            growth + values["professional_turnover_rate"]
        )
        hires = round(values["employees"] * rate, 1)
        most = spec["annual_hires"].get("max")
        values["annual_hires"] = min(hires, most) if most is not None else hires
        notes.append(
            "annual_hires: frontline and professional employees x (growth_rate + their turnover)"
            + (f", at most {most:,}" if values["annual_hires"] != hires else "")
        )
    values["service_centre"] = _service_centre(values.get("service_centre"), countries, source)
    check_unit_countries(values["business_units"], countries, source)
    context = _context_names(values, t)
    functions = list(values["functions"])
    for function, when, reason in t.implied_functions:
        if function not in functions and when.truth(context):
            functions.append(function)
            notes.append(f"functions: added {function} - {reason}")
    order = list(t.functions)
    values["functions"] = tuple(sorted(set(functions), key=order.index))
    for key in spec:  # a key left out without a default (a budget) is None
        values.setdefault(key, None)
    return Profile(**values, source=source, notes=tuple(notes), given=dict(data))


def _service_centre(value: Any, countries: tuple[Place, ...], source: str | None) -> str:
    """``auto``, ``headquarters`` or the name of one of the profile's named countries, as the profile spells it."""
    text = str(value if value is not None else "auto").strip()
    if text.lower() in ("auto", "headquarters"):
        return text.lower()
    names = {c.name: None for c in countries if not c.assumed}
    for name in names:
        if name.lower() == text.lower():
            return name
    choices = {"auto": None, "headquarters": None, **names}
    raise ProfileError(
        f"{shown(text)} is not one of the profile's countries{suggest(text, choices)}; expected auto, "
        f"headquarters{''.join(', ' + n for n in names)}",
        path=source,
        where="service_centre",
    )


def _check_declared(spec: Mapping[str, Any], t: Templates) -> None:
    """Every field the templates declare is a field of :class:`Profile`, and every field is declared."""
    if spec.keys() == _FIELDS:
        return
    path = Path(t.directory) / "profile.yaml"
    for key in spec:
        if key not in _FIELDS:
            raise TemplateError(
                f"orgplan's profile has no field {key!r}{suggest(str(key), _FIELDS)}", path=path, where=f"fields.{key}"
            )
    missing = [k for k in _FIELDS if k not in spec]
    raise TemplateError(f"no declaration for the profile field(s) {', '.join(missing)}", path=path, where="fields")


def _coerce(
    key: str, value: Any, rules: Mapping[str, Any], t: Templates, source: str | None, values: Mapping[str, Any]
) -> Any:
    kind = rules.get("type")
    if kind == "text":
        return one_line_text(value, error=ProfileError, path=source, where=key, most=int(rules.get("max", 200)))
    if kind == "choice":
        choices = [str(c) for c in rules["choices"]]
        by_case = {c.casefold(): c for c in choices}
        chosen = by_case.get(str(value).strip().casefold()) if isinstance(value, str) else None
        if chosen is None:
            hint = suggest(str(value), choices) if isinstance(value, str) and len(value) <= 40 else ""
            raise ProfileError(
                f"expected one of {', '.join(choices)}, got {shown(value)}{hint}", path=source, where=key
            )
        return chosen
    if kind == "places":
        return parse_places(key, value, rules, values["employees"], source)
    if kind == "functions":
        return _functions(value, t, source)
    if kind in ("integer", "number"):
        return number_value(key, value, rules, source, whole=kind == "integer")
    raise ProfileError(f"templates/profile.yaml gives an unknown type {shown(kind)}", path=source, where=key)


def _functions(value: Any, t: Templates, source: str | None) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, (list, tuple)):
        raise ProfileError(f"expected a list of HR functions, got {shown(value)}", path=source, where="functions")
    vocab = list(t.functions)
    out = []
    for item in value:
        if not isinstance(item, str) or item not in vocab:
            raise ProfileError(
                "unknown function "
                f"{shown(item)}{suggest(str(item), vocab) if isinstance(item, str) and len(item) <= 40 else ''}; "
                f"expected any of: {', '.join(vocab)}",
                path=source,
                where="functions",
            )
        if item not in out:
            out.append(item)
    if not out:
        raise ProfileError(
            "name at least one HR function, or leave the key out for the default set", path=source, where="functions"
        )
    return tuple(out)


def _default_functions(employees: int, t: Templates) -> tuple[str, ...]:
    chosen: list[str] = []
    for min_employees, added in t.default_functions:
        if employees >= min_employees:
            chosen.extend(f for f in added if f not in chosen)
    return tuple(chosen)


@functools.lru_cache(maxsize=256)
def _words(industry: str) -> str:
    """The industry's words in lower case, each between spaces (worked out once per text: every plan asks)."""
    return f" {re.sub(r'[^a-z]+', ' ', industry.lower())} "


def is_regulated(industry: str, t: Templates) -> bool:
    """True when the industry text names one of the regulated industries."""
    text = _words(industry)
    return any(f" {name} " in text for name in t.regulated_industries)


def industry_share(industry: str, shares: Mapping[str, float], default: float) -> float:
    """The frontline share of the first industry word listed in ``shares``, else ``default``.

    >>> industry_share("Retail grocery", {"grocery": 0.85, "retail": 0.8}, 0.55)
    0.8
    """
    for word in _words(industry).split():
        if word in shares:
            return float(shares[word])
    return default


def _context_names(values: Mapping[str, Any], t: Templates) -> dict[str, Any]:
    data = dict(values)
    data["functions"] = set(values["functions"])
    data["countries"] = len(values["countries"])
    data["business_units"] = len(values["business_units"])
    data["regulated"] = is_regulated(values["industry"], t)
    words = _words(values["industry"])
    data["onsite_industry"] = any(f" {name} " in words for name in t.onsite_industries)
    data["unionized_employees"] = values["employees"] * values["unionized_share"]
    large = large_units(values["business_units"], t)
    data["federated_units"] = len(large)
    data["federated_industries"] = len({(u.industry or values["industry"]).casefold() for u in large})
    return data


def large_units(units: tuple[Place, ...], t: Templates) -> tuple[Place, ...]:
    """The named business units large enough for an HR team of their own in a federated group
    (``federated_unit_min_employees`` or more; none when the pack sets no such figure)."""
    figure = t.constants.get("federated_unit_min_employees")
    if figure is None or figure.value is None:
        return ()
    return tuple(u for u in units if not u.assumed and u.employees >= float(figure.value))


def expression_values(profile: Profile, t: Templates) -> dict[str, Any]:
    """The profile as the names rule expressions see."""
    return _context_names({key: getattr(profile, key) for key in t.profile_fields}, t)
