"""The role catalog: every role orgplan can recommend, read from templates/catalog.yaml."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from orgplan.core.validation import check_keys, expect_choice, expect_list, expect_mapping, expect_text, suggest
from orgplan.errors import TemplateError

__all__ = [
    "EXECUTIVE",
    "BUSINESS",
    "OUTSIDE_HR",
    "Family",
    "TitleMatching",
    "Salary",
    "Growth",
    "Qualifications",
    "Role",
    "Catalog",
    "parse_catalog",
    "ladder_top",
    "normalise_title",
    "role_for_title",
]

EXECUTIVE = "executive"  # the family of the executive HR reports to
BUSINESS = "business"  # the family of business leaders an HR seat has a dotted line to
OUTSIDE_HR = frozenset({EXECUTIVE, BUSINESS})  # families outside HR: not counted, not costed
PAY_BASES = ("salary", "fee")


@dataclass(frozen=True)
class Family:
    """A family of roles (leadership, generalist, ...), in the catalog's order."""

    key: str
    label: str
    absorbs_uncovered_work: bool = False

    @property
    def is_hr(self) -> bool:
        return self.key not in OUTSIDE_HR


@dataclass(frozen=True)
class TitleMatching:
    """How titles the catalog does not list are matched to roles by their words."""

    filler: frozenset[str]
    rank_words: frozenset[str]
    min_score: float
    source: str


@dataclass(frozen=True)
class Salary:
    """Base salary of a role with where the figure comes from."""

    base: float
    source: str
    year: int


@dataclass(frozen=True)
class Growth:
    """A step a leader's seat takes as it grows: from ``below`` seats under it (or to outrank a report).

    The step gives a new ``level`` and ``title``, or turns the seat into another ``role``.
    """

    below: int | None = None
    level: int | None = None
    title: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Qualifications:
    """What a seat asks of the person in it: education, experience and certifications, with their source.

    A level's block gives all three and the level in words (``stage``: "director"); a
    role's own block gives only what differs from its level's (the others are None).
    """

    education: str | None = None
    experience: str | None = None
    certifications: str | None = None
    source: str = ""
    stage: str | None = None

    def over(self, base: Qualifications) -> Qualifications:
        """These qualifications where given, ``base``'s elsewhere; both sources when both are used."""
        fields = QUALIFICATION_FIELDS
        own = [f for f in fields if getattr(self, f) is not None]
        if not own:
            return base
        if len(own) == len(fields):
            source = self.source
        else:
            named = " and ".join(own).capitalize()
            source = f"{named} for this role: {self.source.rstrip('.')}. The rest, for the level: {base.source}"
        return replace(base, source=source, **{f: getattr(self, f) for f in own})


QUALIFICATION_FIELDS = ("education", "experience", "certifications")


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
    # for each responsibility: the HR functions it is part of (none: every seat of the role has it)
    duty_functions: tuple[tuple[str, ...], ...] = ()
    skills: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    reports_to: tuple[str, ...] = ()
    # of reports_to: roles that lead these seats only in their own unit or country
    own_place_only: frozenset[str] = frozenset()
    # of reports_to: roles that lead only the seats of the headquarters, not in-country seats abroad
    home_only: frozenset[str] = frozenset()
    leads: tuple[str, ...] = ()
    salary_note: str | None = None
    also_called: tuple[str, ...] = ()
    paid_as: str = "salary"
    grows: tuple[Growth, ...] = ()
    hands_on: float = 0.0
    scoped: bool = False
    led_by: str | None = None
    qualifications: Qualifications | None = None  # what differs from the level's qualifications
    dotted_lines_from: tuple[
        str, ...
    ] = ()  # for a business unit leader: the HR roles of its unit with a dotted line to it

    @property
    def is_hr(self) -> bool:
        """True for every HR role; False for the executive and business leaders outside HR."""
        return self.family not in OUTSIDE_HR


@dataclass(frozen=True)
class Catalog:
    """The role catalog: families in order, roles by key, and how unknown titles are matched."""

    families: dict[str, Family]
    roles: dict[str, Role]
    title_matching: TitleMatching
    levels: dict[int, Qualifications] = field(default_factory=dict)  # level -> what a seat at that level asks for

    @functools.cached_property
    def hr_seat_names(self) -> tuple[str, ...]:
        """``seats_<role>`` for every HR role: the names rules count seats by."""
        return tuple(f"seats_{k}" for k, r in self.roles.items() if r.is_hr)

    @property
    def top_level(self) -> int:
        """The top of the HR career ladder (:func:`ladder_top`)."""
        return ladder_top(self.roles)

    @property
    def hr_families(self) -> tuple[str, ...]:
        """The HR families in catalog order (the executive family left out)."""
        return tuple(k for k, f in self.families.items() if f.is_hr)

    def family_rank(self, family: str) -> int:
        """The position of ``family`` in the catalog's order, for sorting seats."""
        return self._family_ranks[family]

    @functools.cached_property
    def _family_ranks(self) -> dict[str, int]:
        """Each family's position in the catalog's order (the planner asks once per seat)."""
        return {f: i for i, f in enumerate(self.families)}

    def qualifications(self, role: str, level: int | None = None) -> Qualifications:
        """What a seat of ``role`` at ``level`` (default: the role's own) asks for: the
        level's block with the role's own over it.

        >>> from orgplan.knowledge.templates import load_templates
        >>> q = load_templates().catalog.qualifications("talent_acquisition_manager", 7)
        >>> q.stage
        'director'
        """
        r = self.roles[role]
        base = self.levels.get(level or r.level) or self.levels.get(r.level) or Qualifications()
        return r.qualifications.over(base) if r.qualifications is not None else base


_ROLE_KEYS = (
    "title",
    "also_called",
    "family",
    "level",
    "functions",
    "summary",
    "responsibilities",
    "skills",
    "next_steps",
    "salary",
    "salary_note",
    "reports_to",
    "leads",
    "paid_as",
    "grows",
    "hands_on",
    "scoped",
    "led_by",
    "qualifications",
    "dotted_lines_from",
)


def parse_catalog(data: Any, *, path: object, functions: tuple[str, ...]) -> Catalog:
    """Build the catalog from loaded YAML, refusing unknown keys, families and functions."""
    data = expect_mapping(data, error=TemplateError, path=path, where=None)
    check_keys(
        data,
        ("families", "title_matching", "qualifications", "sources", "roles"),
        required=("families", "title_matching", "roles"),
        error=TemplateError,
        path=path,
    )
    families = _families(data["families"], path)
    levels = _levels(data.get("qualifications", {}), path)
    raw_roles = expect_mapping(data["roles"], error=TemplateError, path=path, where="roles")
    roles: dict[str, Role] = {}
    for key, raw in raw_roles.items():
        where = f"roles.{key}"
        raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
        check_keys(
            raw,
            _ROLE_KEYS,
            required=("title", "family", "level", "salary"),
            error=TemplateError,
            path=path,
            where=where,
        )
        family = expect_choice(
            raw["family"], tuple(families), what="family", error=TemplateError, path=path, where=f"{where}.family"
        )
        paid_as = raw.get("paid_as", "salary")
        if paid_as not in PAY_BASES:
            raise TemplateError(
                f"expected one of {', '.join(PAY_BASES)}, got {paid_as!r}", path=path, where=f"{where}.paid_as"
            )
        level = raw["level"]
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 10:
            raise TemplateError(
                f"expected a whole number from 1 to 10, got {level!r}", path=path, where=f"{where}.level"
            )
        covered = raw.get("functions", [])
        if covered == "all":
            covered = list(functions)
        covered = tuple(
            _known(
                expect_list(covered, error=TemplateError, path=path, where=f"{where}.functions"),
                functions,
                path,
                f"{where}.functions",
                "function",
            )
        )
        leads = tuple(_known(raw.get("leads", []), functions, path, f"{where}.leads", "function"))
        managers = _managers(raw.get("reports_to", []), path, f"{where}.reports_to")
        duties = _duties(raw.get("responsibilities", []), functions, path, f"{where}.responsibilities")
        roles[str(key)] = Role(
            key=str(key),
            title=expect_text(raw["title"], error=TemplateError, path=path, where=f"{where}.title"),
            family=family,
            level=level,
            functions=covered,
            salary=_salary(raw["salary"], path, f"{where}.salary"),
            summary=str(raw.get("summary", "")),
            responsibilities=tuple(text for text, _ in duties),
            duty_functions=tuple(tagged for _, tagged in duties),
            skills=tuple(str(x) for x in raw.get("skills", [])),
            next_steps=tuple(str(x) for x in raw.get("next_steps", [])),
            reports_to=tuple(key for key, _, _ in managers),
            own_place_only=frozenset(key for key, own, _ in managers if own),
            home_only=frozenset(key for key, _, home in managers if home),
            leads=leads,
            salary_note=raw.get("salary_note"),
            also_called=tuple(
                str(x)
                for x in expect_list(
                    raw.get("also_called", []), error=TemplateError, path=path, where=f"{where}.also_called"
                )
            ),
            paid_as=paid_as,
            grows=_grows(raw.get("grows", []), level, path, f"{where}.grows"),
            hands_on=_share(raw.get("hands_on", 0.0), path, f"{where}.hands_on"),
            scoped=_flag(raw.get("scoped", False), path, f"{where}.scoped"),
            led_by=raw.get("led_by"),
            qualifications=_qualifications(raw["qualifications"], path, f"{where}.qualifications", whole=False)
            if "qualifications" in raw
            else None,
            dotted_lines_from=tuple(
                str(x)
                for x in expect_list(
                    raw.get("dotted_lines_from", []), error=TemplateError, path=path, where=f"{where}.dotted_lines_from"
                )
            ),
        )
    top = ladder_top(roles)
    for role in roles.values():
        if role.led_by is not None:
            _known([role.led_by], tuple(roles), path, f"roles.{role.key}.led_by", "role")
        _check_steps(role, top, path)
        if role.is_hr:
            _check_texts(role, raw_roles[role.key], levels, path)
        for field_name in ("next_steps", "reports_to", "dotted_lines_from"):
            for other in getattr(role, field_name):
                if other not in roles:
                    _known([other], tuple(roles), path, f"roles.{role.key}.{field_name}", "role")
        for i, step in enumerate(role.grows, start=1):
            if step.role is not None:
                _known([step.role], tuple(roles), path, f"roles.{role.key}.grows[{i}].role", "role")
                if roles[step.role].level <= role.level:
                    raise TemplateError(
                        f"grows into {step.role!r}, which is not above level {role.level}",
                        path=path,
                        where=f"roles.{role.key}.grows[{i}]",
                    )
    if sum(r.family == EXECUTIVE for r in roles.values()) != 1:
        raise TemplateError(f"the catalog needs exactly one role with family '{EXECUTIVE}'", path=path, where="roles")
    return Catalog(
        families=families, roles=roles, title_matching=_title_matching(data["title_matching"], path), levels=levels
    )


def ladder_top(roles: Mapping[str, Role]) -> int:
    """The top of the HR career ladder: the highest level of an HR role (the catalog's chief HR officer).

    A leader's seat grows at most to it, and the levels the functions and the rule pack
    name are bounded by it, as the planner's growth is.

    >>> from orgplan import load_templates
    >>> roles = load_templates().roles
    >>> ladder_top(roles), roles["chro"].level
    (9, 9)
    """
    return max((r.level for r in roles.values() if r.is_hr), default=1)


def _check_steps(role: Role, top: int, path: object) -> None:
    """Refuse a step of ``role``'s growth above the top of the ladder ``top``."""
    last = role.level
    for i, step in enumerate(role.grows, start=1):
        if step.level is None:
            continue
        if step.level > top:
            raise TemplateError(
                f"expected a level above {last} and at most {top} (the catalog's top HR level), got {step.level}",
                path=path,
                where=f"roles.{role.key}.grows[{i}].level",
            )
        last = step.level


def _check_texts(role: Role, raw: Any, levels: dict[int, Qualifications], path: object) -> None:
    """Refuse an HR role whose job description would have a gap: no summary, duties, skills,
    career steps or qualifications."""
    where = f"roles.{role.key}"
    if not role.summary.strip():
        raise TemplateError(
            "a job description needs a summary of the role; write one in a sentence or two",
            path=path,
            where=f"{where}.summary",
        )
    for name in ("responsibilities", "skills", "next_steps"):
        items = expect_list(raw.get(name, []), error=TemplateError, path=path, where=f"{where}.{name}")
        if not items:
            what = {
                "responsibilities": "at least one responsibility",
                "skills": "at least one skill",
                "next_steps": "at least one career next step (a role key)",
            }[name]
            raise TemplateError(f"a job description needs {what}", path=path, where=f"{where}.{name}")
        for i, item in enumerate(items, start=1):
            if name != "responsibilities":  # _duties has read those
                expect_text(item, error=TemplateError, path=path, where=f"{where}.{name}[{i}]")
    if levels:
        used = [role.level, *(g.level for g in role.grows if g.level is not None)]
        missing = [lv for lv in used if lv not in levels]
        if missing:
            raise TemplateError(
                f"no qualifications for level {missing[0]}, which this role uses; add a block for it under "
                "qualifications",
                path=path,
                where=where,
            )


def _levels(raw: Any, path: object) -> dict[int, Qualifications]:
    """The qualifications block of each level, by level."""
    out: dict[int, Qualifications] = {}
    for level, item in expect_mapping(raw, error=TemplateError, path=path, where="qualifications").items():
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 10:
            raise TemplateError(
                f"expected a level from 1 to 10, got {str(level)[:40]!r}", path=path, where=f"qualifications.{level}"
            )
        out[level] = _qualifications(item, path, f"qualifications.{level}", whole=True)
    return out


def _qualifications(raw: Any, path: object, where: str, *, whole: bool) -> Qualifications:
    """A level's block (``whole``: every field and the stage) or a role's (the fields that differ, and a source)."""
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    keys = (*QUALIFICATION_FIELDS, "source", *(("stage",) if whole else ()))
    check_keys(raw, keys, required=keys if whole else ("source",), error=TemplateError, path=path, where=where)
    texts = {k: expect_text(raw[k], error=TemplateError, path=path, where=f"{where}.{k}") for k in keys if k in raw}
    if not whole and not set(texts) & set(QUALIFICATION_FIELDS):
        raise TemplateError(f"give at least one of {', '.join(QUALIFICATION_FIELDS)}", path=path, where=where)
    return Qualifications(**texts)


def _grows(raw: Any, level: int, path: object, where: str) -> tuple[Growth, ...]:
    steps = []
    last = level
    for i, item in enumerate(expect_list(raw, error=TemplateError, path=path, where=where), start=1):
        here = f"{where}[{i}]"
        item = expect_mapping(item, error=TemplateError, path=path, where=here)
        check_keys(item, ("below", "level", "title", "role"), error=TemplateError, path=path, where=here)
        if ("role" in item) == ("level" in item or "title" in item):
            raise TemplateError("a step gives either a role, or a level and a title", path=path, where=here)
        below = item.get("below")
        if below is not None and (isinstance(below, bool) or not isinstance(below, int) or below < 1):
            raise TemplateError(
                f"expected a number of seats of 1 or more, got {str(below)[:40]}", path=path, where=f"{here}.below"
            )
        step_level = item.get("level")
        if "role" not in item:
            if isinstance(step_level, bool) or not isinstance(step_level, int) or not last < step_level:
                raise TemplateError(
                    f"expected a level above {last}, got {str(step_level)[:40]}", path=path, where=f"{here}.level"
                )
            last = step_level
            expect_text(item.get("title"), error=TemplateError, path=path, where=f"{here}.title")
        steps.append(Growth(below=below, level=step_level, title=item.get("title"), role=item.get("role")))
    return tuple(steps)


def _share(value: Any, path: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise TemplateError(f"expected a share from 0 to 1, got {str(value)[:40]}", path=path, where=where)
    return float(value)


def _managers(raw: Any, path: object, where: str) -> list[tuple[str, bool, bool]]:
    """``reports_to`` in order: each a role key, or ``{role: KEY, own_place: true}`` for a manager
    who leads these seats only where it serves their own business unit or country, or
    ``{role: KEY, home_only: true}`` for one who leads them only at the headquarters (in-country
    HR abroad reports to its country's, region's or unit's lead, else the head of HR)."""
    out = []
    for i, item in enumerate(expect_list(raw, error=TemplateError, path=path, where=where), start=1):
        if isinstance(item, dict):
            at = f"{where}[{i}]"
            check_keys(
                item, ("role", "own_place", "home_only"), required=("role",), error=TemplateError, path=path, where=at
            )
            own = _flag(item.get("own_place", False), path, f"{at}.own_place")
            out.append((str(item["role"]), own, _flag(item.get("home_only", False), path, f"{at}.home_only")))
        else:
            out.append((str(item), False, False))
    return out


def _flag(value: Any, path: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise TemplateError(f"expected true or false, got {str(value)[:40]}", path=path, where=where)
    return value


def _families(raw: Any, path: object) -> dict[str, Family]:
    raw = expect_mapping(raw, error=TemplateError, path=path, where="families")
    out = {}
    for key, item in raw.items():
        where = f"families.{key}"
        item = expect_mapping(item, error=TemplateError, path=path, where=where)
        check_keys(
            item, ("label", "absorbs_uncovered_work"), required=("label",), error=TemplateError, path=path, where=where
        )
        absorbs = item.get("absorbs_uncovered_work", False)
        if not isinstance(absorbs, bool):
            raise TemplateError(
                f"expected true or false, got {absorbs!r}", path=path, where=f"{where}.absorbs_uncovered_work"
            )
        out[str(key)] = Family(
            str(key), expect_text(item["label"], error=TemplateError, path=path, where=f"{where}.label"), absorbs
        )
    if EXECUTIVE not in out:
        raise TemplateError(
            f"the family '{EXECUTIVE}' (the executive HR reports to) is required", path=path, where="families"
        )
    return out


def _title_matching(raw: Any, path: object) -> TitleMatching:
    where = "title_matching"
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    keys = ("filler", "rank_words", "min_score", "source")
    check_keys(raw, keys, required=keys, error=TemplateError, path=path, where=where)
    score = raw["min_score"]
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 < score <= 1:
        raise TemplateError(
            f"expected a number above 0 and at most 1, got {score!r}", path=path, where=f"{where}.min_score"
        )

    def words(key: str) -> frozenset[str]:
        return frozenset(
            normalise_title(str(w))
            for w in expect_list(raw[key], error=TemplateError, path=path, where=f"{where}.{key}")
        )

    return TitleMatching(
        words("filler"),
        words("rank_words"),
        float(score),
        expect_text(raw["source"], error=TemplateError, path=path, where=f"{where}.source"),
    )


def _salary(raw: Any, path: object, where: str) -> Salary:
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    check_keys(
        raw,
        ("base", "source", "year"),
        required=("base", "source", "year"),
        error=TemplateError,
        path=path,
        where=where,
    )
    base, year = raw["base"], raw["year"]
    if isinstance(base, bool) or not isinstance(base, (int, float)) or base <= 0:
        raise TemplateError(f"expected a positive amount, got {base!r}", path=path, where=f"{where}.base")
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise TemplateError(f"expected a year, got {year!r}", path=path, where=f"{where}.year")
    return Salary(
        float(base), expect_text(raw["source"], error=TemplateError, path=path, where=f"{where}.source"), year
    )


def _duties(raw: Any, functions: tuple[str, ...], path: object, where: str) -> list[tuple[str, tuple[str, ...]]]:
    """A role's responsibilities: each a text, or ``{text, functions}`` for one that is part of
    those HR functions (a job description keeps it only for seats that do or direct one of them)."""
    out = []
    for i, item in enumerate(expect_list(raw, error=TemplateError, path=path, where=where), start=1):
        here = f"{where}[{i}]"
        if isinstance(item, Mapping):
            check_keys(
                item, ("text", "functions"), required=("text", "functions"), error=TemplateError, path=path, where=here
            )
            tagged = tuple(_known(item["functions"], functions, path, f"{here}.functions", "function"))
            out.append((expect_text(item["text"], error=TemplateError, path=path, where=f"{here}.text"), tagged))
        else:
            out.append((expect_text(item, error=TemplateError, path=path, where=here), ()))
    return out


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

    >>> from orgplan.knowledge.templates import load_templates
    >>> role_for_title("People Partner", load_templates().roles)
    'hr_business_partner'
    """
    wanted = normalise_title(title)
    for key, role in roles.items():
        if wanted in (normalise_title(t) for t in (role.title, *role.also_called)):
            return key
    return None
