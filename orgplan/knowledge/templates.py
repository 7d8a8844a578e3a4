"""The editable knowledge: functions, profile fields, role catalog, benchmarks and rules.

Everything lives as YAML in the ``templates/`` folder. :func:`load_templates` reads and
validates it once and caches the result, so sweeps over many sizes compile rules once.
Another folder (``directory``) or rule pack (``rules``) replaces the bundled files; its
``catalog.yaml``, ``benchmarks.yaml`` and rule pack may start with ``extends: bundled`` and
hold only their changes (see :mod:`orgplan.knowledge.extending`).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgplan.core.files import read_data_file
from orgplan.core.limits import limit, templates_dir
from orgplan.core.validation import check_keys, expect_list, expect_mapping, expect_records, expect_text, suggest
from orgplan.errors import RuleError, TemplateError
from orgplan.knowledge.benchmarks import Band, Benchmarks, Costing, Figure, HiringPolicy, PayPolicy, parse_benchmarks
from orgplan.knowledge.catalog import EXECUTIVE, Catalog, Family, Role, TitleMatching, parse_catalog
from orgplan.knowledge.expressions.language import BOOLEAN, NUMBER, TEXT, TEXT_SET, Expression
from orgplan.knowledge.extending import bundled_file, extends_bundled, read_knowledge_file
from orgplan.knowledge.rules import RulePack, parse_rules, planning_names
from orgplan.knowledge.sourcing import Sourcing, parse_sourcing

__all__ = [
    "FunctionInfo",
    "Figure",
    "Band",
    "HiringPolicy",
    "Costing",
    "PayPolicy",
    "Templates",
    "templates_dir",
    "load_templates",
    "profile_names",
]

# Expression types of the profile field types declared in templates/profile.yaml.
_FIELD_TYPES = {
    "text": TEXT,
    "integer": NUMBER,
    "number": NUMBER,
    "choice": TEXT,
    "functions": TEXT_SET,
    "places": NUMBER,
}
# Names the profile module works out from the fields (see orgplan.model.profile.expression_values).
_WORKED_OUT = {
    "regulated": BOOLEAN,
    "onsite_industry": BOOLEAN,
    "unionized_employees": NUMBER,
    "federated_units": NUMBER,
    "federated_industries": NUMBER,
}


def profile_names(fields: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The names and types rule expressions see of a profile, from its declared fields."""
    return {key: _FIELD_TYPES[spec["type"]] for key, spec in fields.items()} | _WORKED_OUT


PILLARS = ("advisory", "service", "expertise")


@dataclass(frozen=True)
class FunctionInfo:
    """An HR function of the vocabulary: who does and who directs its work, and how it is staffed.

    ``pillar`` is where its work goes when no specialist takes it (advisory, service or
    expertise), ``specialist_share`` the part of it specialists can take, and
    ``owner_min_level`` the lowest level of a seat that may own it.
    """

    key: str
    label: str
    description: str
    doing: str
    directing: str
    pillar: str = "advisory"
    specialist_share: float = 1.0
    owner_min_level: int = 3


@dataclass(frozen=True)
class Templates:
    """All of orgplan's knowledge, validated and compiled."""

    directory: str
    functions: dict[str, FunctionInfo]
    profile_fields: dict[str, dict[str, Any]]
    default_functions: tuple[tuple[int, tuple[str, ...]], ...]
    default_functions_source: str
    implied_functions: tuple[tuple[str, Expression, str], ...]
    regulated_industries: tuple[str, ...]
    catalog: Catalog
    benchmarks: Benchmarks
    rules: RulePack
    frontline_shares: dict[str, float]
    frontline_default: float
    function_sources: dict[str, str]
    sourcing: Sourcing
    onsite_industries: tuple[str, ...] = ()  # industries that keep HR on site where sites are large

    @property
    def constants(self) -> dict[str, Figure]:
        return self.benchmarks.constants

    @property
    def costing(self) -> Costing:
        return self.benchmarks.costing

    @property
    def pay(self) -> PayPolicy:
        return self.benchmarks.pay

    @property
    def derived(self) -> tuple[Figure, ...]:
        return self.benchmarks.derived

    @property
    def workload(self) -> dict[str, Figure]:
        return self.benchmarks.workload

    @property
    def bands(self) -> tuple[Band, ...]:
        return self.benchmarks.bands

    @property
    def hiring(self) -> HiringPolicy:
        return self.benchmarks.hiring

    def band_for(self, employees: int) -> Band | None:
        """The published HR-per-100 band for a company of this size."""
        for band in self.bands:
            if band.min_employees <= employees <= band.max_employees:
                return band
        return None

    @property
    def roles(self) -> dict[str, Role]:
        return self.catalog.roles

    @property
    def families(self) -> dict[str, Family]:
        return self.catalog.families

    @property
    def hr_families(self) -> tuple[str, ...]:
        return self.catalog.hr_families

    @property
    def title_matching(self) -> TitleMatching:
        return self.catalog.title_matching

    @property
    def executive(self) -> Role:
        """The executive HR reports to (the catalog's one role of the executive family)."""
        return next(r for r in self.roles.values() if r.family == EXECUTIVE)

    @property
    def profile_names(self) -> dict[str, str]:
        """The names and types rule expressions see of a profile."""
        return profile_names(self.profile_fields)

    def function_label(self, key: str) -> str:
        """How outputs name an HR function: ``'hr_operations'`` -> ``'HR operations'``."""
        info = self.functions.get(key)
        return info.label if info is not None else key


def load_templates(
    directory: str | os.PathLike[str] | None = None, rules: str | os.PathLike[str] | None = None
) -> Templates:
    """Read and validate the templates (cached per folder, rule pack and file times).

    >>> t = load_templates()
    >>> t.roles["hr_generalist"].title
    'HR Generalist'
    """
    folder = Path(directory) if directory is not None else templates_dir()
    rules_path = Path(rules) if rules is not None else folder / "rules.yaml"
    files = [folder / n for n in _FILES] + [rules_path]
    files += [templates_dir() / n for n in (*_FILES, "rules.yaml")]  # what a file with extends: bundled reads
    stamp = tuple(_mtime(p) for p in dict.fromkeys(files))
    return _load(str(folder.resolve()), str(rules_path), stamp)


_FILES = ("functions.yaml", "profile.yaml", "catalog.yaml", "benchmarks.yaml", "sourcing.yaml")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


@functools.lru_cache(maxsize=16)
def _load(folder_s: str, rules_s: str, _stamp: tuple[float, ...]) -> Templates:
    folder = Path(folder_s)
    functions, function_sources = _functions(folder / "functions.yaml")
    vocab = tuple(functions)
    prof_path = folder / "profile.yaml"
    prof = expect_mapping(read_data_file(prof_path, TemplateError), error=TemplateError, path=prof_path, where=None)
    sections = (
        "fields",
        "default_functions",
        "implied_functions",
        "frontline_share",
        "regulated_industries",
        "onsite_hr_industries",
    )
    check_keys(
        prof, sections, required=("fields", "default_functions", "frontline_share"), error=TemplateError, path=prof_path
    )
    fields = _profile_fields(prof["fields"], prof_path)
    names_of_profile = profile_names(fields)
    default_functions, df_source = _default_functions(prof["default_functions"], vocab, prof_path)
    implied = tuple(
        (
            _vocab_item(item.get("function"), vocab, prof_path, f"implied_functions[{i}].function"),
            Expression.compile(
                item.get("when"), names_of_profile, where=f"implied_functions[{i}].when", path=prof_path, expect=BOOLEAN
            ),
            expect_text(
                item.get("reason"), error=TemplateError, path=prof_path, where=f"implied_functions[{i}].reason"
            ),
        )
        for i, item in enumerate(
            expect_list(
                prof.get("implied_functions", []), error=TemplateError, path=prof_path, where="implied_functions"
            ),
            start=1,
        )
    )
    regulated = expect_mapping(
        prof.get("regulated_industries", {"names": []}),
        error=TemplateError,
        path=prof_path,
        where="regulated_industries",
    )
    regulated_names = tuple(
        str(n).lower()
        for n in expect_list(
            regulated.get("names", []), error=TemplateError, path=prof_path, where="regulated_industries.names"
        )
    )
    onsite = expect_mapping(
        prof.get("onsite_hr_industries", {"names": []}),
        error=TemplateError,
        path=prof_path,
        where="onsite_hr_industries",
    )
    onsite_names = tuple(
        str(n).lower()
        for n in expect_list(
            onsite.get("names", []), error=TemplateError, path=prof_path, where="onsite_hr_industries.names"
        )
    )
    shares, share_default = _frontline(prof["frontline_share"], prof_path)

    cat_path = folder / "catalog.yaml"
    catalog = parse_catalog(read_knowledge_file(cat_path, TemplateError), path=cat_path, functions=vocab)
    _check_owner_levels(functions, catalog.top_level, folder / "functions.yaml")

    bench_path = folder / "benchmarks.yaml"
    benchmarks, names = parse_benchmarks(
        read_knowledge_file(bench_path, TemplateError),
        path=bench_path,
        names=names_of_profile,
        functions=vocab,
        hr_families=catalog.hr_families,
    )

    rules_path = Path(rules_s)
    rules_data = read_data_file(rules_path, RuleError)
    bundled = None
    if extends_bundled(rules_data, error=RuleError, path=rules_path):
        bundled_path = bundled_file("rules.yaml", rules_path, RuleError)
        bundled = (read_data_file(bundled_path, RuleError), bundled_path)
    stages = planning_names(names, vocab, catalog.roles)
    pack = parse_rules(
        rules_data,
        path=rules_path,
        roles=catalog.roles,
        names=stages,
        max_seats=float(limit("rules.seats_per_rule").value),
        bundled=bundled,
    )
    sourcing_path = folder / "sourcing.yaml"
    sourcing = parse_sourcing(
        read_data_file(sourcing_path, TemplateError),
        path=sourcing_path,
        names=stages["models"],
        functions=vocab,
        roles=catalog.roles,
    )
    return Templates(
        directory=folder_s,
        functions=functions,
        profile_fields=fields,
        default_functions=default_functions,
        default_functions_source=df_source,
        implied_functions=implied,
        regulated_industries=regulated_names,
        catalog=catalog,
        benchmarks=benchmarks,
        rules=pack,
        frontline_shares=shares,
        frontline_default=share_default,
        function_sources=function_sources,
        sourcing=sourcing,
        onsite_industries=onsite_names,
    )


def _frontline(raw: Any, path: Path) -> tuple[dict[str, float], float]:
    raw = expect_mapping(raw, error=TemplateError, path=path, where="frontline_share")
    check_keys(
        raw,
        ("default", "industries", "source"),
        required=("default", "industries", "source"),
        error=TemplateError,
        path=path,
        where="frontline_share",
    )
    expect_text(raw["source"], error=TemplateError, path=path, where="frontline_share.source")
    shares = {}
    for word, share in {
        "default": raw["default"],
        **expect_mapping(raw["industries"], error=TemplateError, path=path, where="frontline_share.industries"),
    }.items():
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise TemplateError(
                f"expected a share from 0 to 1, got {str(share)[:40]}", path=path, where=f"frontline_share.{word}"
            )
        shares[str(word).lower()] = float(share)
    return shares, shares.pop("default")


_FUNCTION_KEYS = ("label", "description", "doing", "directing", "pillar", "specialist_share", "owner_min_level")


def _functions(path: Path) -> tuple[dict[str, FunctionInfo], dict[str, str]]:
    data = expect_mapping(read_data_file(path, TemplateError), error=TemplateError, path=path, where=None)
    check_keys(data, ("functions", "sources"), required=("functions", "sources"), error=TemplateError, path=path)
    sources = {
        str(k): expect_text(v, error=TemplateError, path=path, where=f"sources.{k}")
        for k, v in expect_mapping(data["sources"], error=TemplateError, path=path, where="sources").items()
    }
    check_keys(
        sources,
        ("pillar", "specialist_share", "owner_min_level"),
        required=("pillar", "specialist_share", "owner_min_level"),
        error=TemplateError,
        path=path,
        where="sources",
    )
    out = {}
    for key, raw in expect_mapping(data["functions"], error=TemplateError, path=path, where="functions").items():
        where = f"functions.{key}"
        raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
        check_keys(raw, _FUNCTION_KEYS, required=_FUNCTION_KEYS, error=TemplateError, path=path, where=where)
        pillar = raw["pillar"]
        if pillar not in PILLARS:
            raise TemplateError(
                f"unknown pillar {str(pillar)[:40]!r}{suggest(str(pillar), PILLARS)}; expected one of: "
                f"{', '.join(PILLARS)}",
                path=path,
                where=f"{where}.pillar",
            )
        share, level = raw["specialist_share"], raw["owner_min_level"]
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise TemplateError(
                f"expected a share from 0 to 1, got {str(share)[:40]}", path=path, where=f"{where}.specialist_share"
            )
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise TemplateError(
                f"expected a level of 1 or more, got {str(level)[:40]}", path=path, where=f"{where}.owner_min_level"
            )
        label, description, doing, directing = (
            expect_text(raw[k], error=TemplateError, path=path, where=f"{where}.{k}")
            for k in ("label", "description", "doing", "directing")
        )
        out[str(key)] = FunctionInfo(
            str(key),
            label,
            description,
            doing,
            directing,
            pillar=pillar,
            specialist_share=float(share),
            owner_min_level=level,
        )
    return out, sources


def _check_owner_levels(functions: dict[str, FunctionInfo], top: int, path: Path) -> None:
    """Refuse a function whose owner must stand above the top of the catalog's ladder: no seat could own it.

    >>> from orgplan import load_templates
    >>> t = load_templates()
    >>> _check_owner_levels(t.functions, t.catalog.top_level, Path("functions.yaml"))
    >>> _check_owner_levels(t.functions, 2, Path("functions.yaml"))
    Traceback (most recent call last):
    ...
    orgplan.errors.TemplateError: ...expected a level from 1 to 2 (the catalog's top HR level), got ...
    """
    for key, info in functions.items():
        if info.owner_min_level > top:
            raise TemplateError(
                f"expected a level from 1 to {top} (the catalog's top HR level), got {info.owner_min_level}",
                path=path,
                where=f"functions.{key}.owner_min_level",
            )


def _vocab_item(value: Any, vocab: tuple[str, ...], path: Path, where: str) -> str:
    if value not in vocab:
        raise TemplateError(f"unknown function {value!r}{suggest(str(value), vocab)}", path=path, where=where)
    return value


def _default_functions(
    raw: Any, vocab: tuple[str, ...], path: Path
) -> tuple[tuple[tuple[int, tuple[str, ...]], ...], str]:
    raw = expect_mapping(raw, error=TemplateError, path=path, where="default_functions")
    check_keys(
        raw,
        ("bands", "source"),
        required=("bands", "source"),
        error=TemplateError,
        path=path,
        where="default_functions",
    )
    bands = []
    for where, item in expect_records(
        raw["bands"], ("min_employees", "add"), error=TemplateError, path=path, where="default_functions.bands"
    ):
        added = tuple(
            _vocab_item(f, vocab, path, f"{where}.add")
            for f in expect_list(item["add"], error=TemplateError, path=path, where=f"{where}.add")
        )
        bands.append((int(item["min_employees"]), added))
    return tuple(sorted(bands)), expect_text(
        raw["source"], error=TemplateError, path=path, where="default_functions.source"
    )


def _profile_fields(raw: Any, path: Path) -> dict[str, dict[str, Any]]:
    """The declared profile fields, each with a known type (:mod:`orgplan.model.profile` checks the names)."""
    out = {}
    for key, spec in expect_mapping(raw, error=TemplateError, path=path, where="fields").items():
        where = f"fields.{key}"
        spec = dict(expect_mapping(spec, error=TemplateError, path=path, where=where))
        check_keys(
            spec,
            (
                "type",
                "label",
                "format",
                "fraction_max",
                "worked_out",
                "usual",
                "model",
                "required",
                "default",
                "min",
                "max",
                "choices",
                "titles",
                "items",
                "description",
                "help",
                "source",
            ),
            required=("type", "label", "description"),
            error=TemplateError,
            path=path,
            where=where,
        )
        if spec["type"] not in _FIELD_TYPES:
            raise TemplateError(
                f"unknown type {spec['type']!r}; expected one of: {', '.join(_FIELD_TYPES)}",
                path=path,
                where=f"{where}.type",
            )
        out[str(key)] = spec
    return out
