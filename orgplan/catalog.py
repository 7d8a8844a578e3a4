"""The role catalog: every role orgplan can recommend, read from templates/catalog.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import TemplateError
from .validation import check_keys, expect_list, expect_mapping, expect_text, suggest

__all__ = ["FAMILIES", "HR_FAMILIES", "Salary", "Role", "parse_catalog", "normalise_title", "role_for_title"]

FAMILIES = ("executive", "leadership", "generalist", "specialist", "support")
HR_FAMILIES = FAMILIES[1:]


@dataclass(frozen=True)
class Salary:
    """Base salary of a role with where the figure comes from."""

    base: float
    source: str
    year: int


@dataclass(frozen=True)
class Role:
    """One role of the catalog.

    >>> r = Role(key="hr_generalist", title="HR Generalist", family="generalist", level=3,
    ...          functions=("payroll",), salary=Salary(72910, "BLS", 2024))
    >>> r.is_hr
    True
    """

    key: str
    title: str
    family: str
    level: int
    functions: tuple[str, ...]
    salary: Salary
    summary: str = ""
    responsibilities: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    reports_to: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    salary_note: str | None = None
    also_called: tuple[str, ...] = ()

    @property
    def is_hr(self) -> bool:
        """True for every HR role; False for the executive HR reports to."""
        return self.family != "executive"


_ROLE_KEYS = (
    "title", "also_called", "family", "level", "functions", "summary", "responsibilities", "skills",
    "next_steps", "salary", "salary_note", "reports_to", "leads",
)


def parse_catalog(data: Any, *, path: object, functions: tuple[str, ...]) -> dict[str, Role]:
    """Build the catalog from loaded YAML, refusing unknown keys, families and functions."""
    data = expect_mapping(data, error=TemplateError, path=path, where=None)
    check_keys(data, ("sources", "roles"), required=("roles",), error=TemplateError, path=path)
    raw_roles = expect_mapping(data["roles"], error=TemplateError, path=path, where="roles")
    roles: dict[str, Role] = {}
    for key, raw in raw_roles.items():
        where = f"roles.{key}"
        raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
        check_keys(raw, _ROLE_KEYS, required=("title", "family", "level", "salary"), error=TemplateError, path=path, where=where)
        family = raw["family"]
        if family not in FAMILIES:
            raise TemplateError(f"unknown family {family!r}; expected one of: {', '.join(FAMILIES)}", path=path, where=f"{where}.family")
        level = raw["level"]
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 10:
            raise TemplateError(f"expected a whole number from 1 to 10, got {level!r}", path=path, where=f"{where}.level")
        covered = raw.get("functions", [])
        if covered == "all":
            covered = list(functions)
        covered = tuple(_known(expect_list(covered, error=TemplateError, path=path, where=f"{where}.functions"), functions, path, f"{where}.functions", "function"))
        leads = tuple(_known(raw.get("leads", []), functions, path, f"{where}.leads", "function"))
        roles[str(key)] = Role(
            key=str(key),
            title=expect_text(raw["title"], error=TemplateError, path=path, where=f"{where}.title"),
            family=family,
            level=level,
            functions=covered,
            salary=_salary(raw["salary"], path, f"{where}.salary"),
            summary=str(raw.get("summary", "")),
            responsibilities=tuple(str(x) for x in raw.get("responsibilities", [])),
            skills=tuple(str(x) for x in raw.get("skills", [])),
            next_steps=tuple(str(x) for x in raw.get("next_steps", [])),
            reports_to=tuple(str(x) for x in raw.get("reports_to", [])),
            leads=leads,
            salary_note=raw.get("salary_note"),
            also_called=tuple(str(x) for x in expect_list(raw.get("also_called", []), error=TemplateError, path=path, where=f"{where}.also_called")),
        )
    for role in roles.values():
        for field_name in ("next_steps", "reports_to"):
            for other in getattr(role, field_name):
                if other not in roles:
                    _known([other], tuple(roles), path, f"roles.{role.key}.{field_name}", "role")
    if sum(r.family == "executive" for r in roles.values()) != 1:
        raise TemplateError("the catalog needs exactly one role with family 'executive'", path=path, where="roles")
    return roles


def _salary(raw: Any, path: object, where: str) -> Salary:
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    check_keys(raw, ("base", "source", "year"), required=("base", "source", "year"), error=TemplateError, path=path, where=where)
    base, year = raw["base"], raw["year"]
    if isinstance(base, bool) or not isinstance(base, (int, float)) or base <= 0:
        raise TemplateError(f"expected a positive amount, got {base!r}", path=path, where=f"{where}.base")
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise TemplateError(f"expected a year, got {year!r}", path=path, where=f"{where}.year")
    return Salary(float(base), expect_text(raw["source"], error=TemplateError, path=path, where=f"{where}.source"), year)


def _known(values: Any, vocabulary: tuple[str, ...], path: object, where: str, kind: str) -> list[str]:
    out = []
    for value in expect_list(values, error=TemplateError, path=path, where=where):
        if value not in vocabulary:
            raise TemplateError(f"unknown {kind} {value!r}{suggest(str(value), vocabulary)}", path=path, where=where)
        out.append(value)
    return out



def normalise_title(title: str) -> str:
    """Lower case, '&' as 'and', punctuation as spaces: ``'L&D  Manager'`` -> ``'l and d manager'``."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.lower().replace("&", " and ")).split())


def role_for_title(title: str, roles: dict[str, Role]) -> str | None:
    """The role whose title or other name is exactly ``title`` (ignoring case and punctuation).

    >>> from orgplan.templates import load_templates
    >>> role_for_title("People Partner", load_templates().roles)
    'hr_business_partner'
    """
    wanted = normalise_title(title)
    for key, role in roles.items():
        if wanted in (normalise_title(t) for t in (role.title, *role.also_called)):
            return key
    return None
