"""The editable knowledge: functions, profile fields, role catalog, benchmarks and rules.

Everything lives as YAML in the ``templates/`` folder. :func:`load_templates` reads and
validates it once and caches the result, so sweeps over many sizes compile rules once.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import Catalog, Family, Role, TitleMatching, parse_catalog
from .errors import RuleError, TemplateError
from .expressions import BOOLEAN, NUMBER, TEXT, TEXT_SET, Expression
from .files import read_data_file
from .rules import RulePack, parse_rules
from .validation import check_keys, expect_list, expect_mapping, expect_text, suggest

__all__ = ["FunctionInfo", "Figure", "Band", "HiringPhase", "HiringPolicy", "Costing", "Templates", "templates_dir", "load_templates", "profile_names"]

# Expression types of the profile field types declared in templates/profile.yaml.
_FIELD_TYPES = {"text": TEXT, "integer": NUMBER, "number": NUMBER, "choice": TEXT, "functions": TEXT_SET}
# Names the profile module works out from the fields (see orgplan.profile.expression_values).
_WORKED_OUT = {"regulated": BOOLEAN, "unionized_employees": NUMBER}


def profile_names(fields: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The names and types rule expressions see of a profile, from its declared fields."""
    return {key: _FIELD_TYPES[spec["type"]] for key, spec in fields.items()} | _WORKED_OUT


@dataclass(frozen=True)
class FunctionInfo:
    """An HR function of the vocabulary, with who does and who directs its work."""

    key: str
    label: str
    description: str
    doing: str
    directing: str


@dataclass(frozen=True)
class Figure:
    """A named number or expression from the benchmarks, with its source."""

    name: str
    source: str
    value: float | None = None
    expression: Expression | None = None


@dataclass(frozen=True)
class Band:
    """Published range of HR staff per 100 employees for a size band."""

    min_employees: int
    max_employees: int
    low: float
    high: float
    source: str


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
    constants: dict[str, Figure]
    costing: Costing
    derived: tuple[Figure, ...]
    workload: dict[str, Figure]
    bands: tuple[Band, ...]
    hiring: HiringPolicy
    rules: RulePack

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
        return next(r for r in self.roles.values() if not r.is_hr)

    @property
    def profile_names(self) -> dict[str, str]:
        """The names and types rule expressions see of a profile."""
        return profile_names(self.profile_fields)

    def function_label(self, key: str) -> str:
        """How outputs name an HR function: ``'hr_operations'`` -> ``'HR operations'``."""
        info = self.functions.get(key)
        return info.label if info is not None else key


def templates_dir() -> Path:
    """The bundled templates folder (beside the package in a checkout, inside it when installed)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "bundled_templates", here.parent / "templates"):
        if (candidate / "rules.yaml").is_file():
            return candidate
    raise TemplateError("the bundled templates folder is missing; reinstall orgplan", path=here)


def load_templates(directory: str | os.PathLike[str] | None = None, rules: str | os.PathLike[str] | None = None) -> Templates:
    """Read and validate the templates (cached per folder, rule pack and file times).

    >>> t = load_templates()
    >>> t.roles["hr_generalist"].title
    'HR Generalist'
    """
    folder = Path(directory) if directory is not None else templates_dir()
    rules_path = Path(rules) if rules is not None else folder / "rules.yaml"
    stamp = tuple(_mtime(p) for p in (folder / n for n in _FILES)) + (_mtime(rules_path),)
    return _load(str(folder.resolve()), str(rules_path), stamp)


_FILES = ("functions.yaml", "profile.yaml", "catalog.yaml", "benchmarks.yaml")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


@functools.lru_cache(maxsize=16)
def _load(folder_s: str, rules_s: str, _stamp: tuple[float, ...]) -> Templates:
    folder = Path(folder_s)
    functions = _functions(folder / "functions.yaml")
    vocab = tuple(functions)
    prof_path = folder / "profile.yaml"
    prof = expect_mapping(read_data_file(prof_path, TemplateError), error=TemplateError, path=prof_path, where=None)
    check_keys(prof, ("fields", "default_functions", "implied_functions", "regulated_industries"), required=("fields", "default_functions"), error=TemplateError, path=prof_path)
    fields = _profile_fields(prof["fields"], prof_path)
    names_of_profile = profile_names(fields)
    default_functions, df_source = _default_functions(prof["default_functions"], vocab, prof_path)
    implied = tuple(
        (
            _vocab_item(item.get("function"), vocab, prof_path, f"implied_functions[{i}].function"),
            Expression.compile(item.get("when"), names_of_profile, where=f"implied_functions[{i}].when", path=prof_path),
            expect_text(item.get("reason"), error=TemplateError, path=prof_path, where=f"implied_functions[{i}].reason"),
        )
        for i, item in enumerate(expect_list(prof.get("implied_functions", []), error=TemplateError, path=prof_path, where="implied_functions"), start=1)
    )
    regulated = expect_mapping(prof.get("regulated_industries", {"names": []}), error=TemplateError, path=prof_path, where="regulated_industries")
    regulated_names = tuple(str(n).lower() for n in expect_list(regulated.get("names", []), error=TemplateError, path=prof_path, where="regulated_industries.names"))

    cat_path = folder / "catalog.yaml"
    catalog = parse_catalog(read_data_file(cat_path, TemplateError), path=cat_path, functions=vocab)
    roles = catalog.roles

    bench_path = folder / "benchmarks.yaml"
    bench = expect_mapping(read_data_file(bench_path, TemplateError), error=TemplateError, path=bench_path, where=None)
    sections = ("constants", "costing", "derived", "workload", "hr_per_100_bands", "hiring")
    check_keys(bench, sections, required=sections, error=TemplateError, path=bench_path)
    constants = _constants(bench["constants"], bench_path)
    costing = _costing(bench["costing"], bench_path)
    names = dict(names_of_profile) | {k: NUMBER for k in constants}
    derived = []
    for key, raw in expect_mapping(bench["derived"], error=TemplateError, path=bench_path, where="derived").items():
        derived.append(_figure(key, raw, names, bench_path, f"derived.{key}"))
        names[key] = NUMBER
    workload = {}
    raw_workload = expect_mapping(bench["workload"], error=TemplateError, path=bench_path, where="workload")
    for key, raw in raw_workload.items():
        _vocab_item(key, vocab, bench_path, f"workload.{key}")
        workload[key] = _figure(key, raw, names, bench_path, f"workload.{key}")
    missing = [f for f in vocab if f not in workload]
    if missing:
        raise TemplateError(f"no workload for function(s): {', '.join(missing)}", path=bench_path, where="workload")
    bands = _bands(bench["hr_per_100_bands"], bench_path)
    hiring = _hiring(bench["hiring"], bench_path, catalog.hr_families)

    stage_names = _stage_names(names, vocab, roles)
    rules_path = Path(rules_s)
    pack = parse_rules(read_data_file(rules_path, RuleError), path=rules_path, roles=roles, names_by_stage=stage_names)
    return Templates(
        directory=folder_s,
        functions=functions,
        profile_fields=fields,
        default_functions=default_functions,
        default_functions_source=df_source,
        implied_functions=implied,
        regulated_industries=regulated_names,
        catalog=catalog,
        constants=constants,
        costing=costing,
        derived=tuple(derived),
        workload=workload,
        bands=bands,
        hiring=hiring,
        rules=pack,
    )


def _stage_names(base: dict[str, str], vocab: tuple[str, ...], roles: dict[str, Role]) -> dict[str, dict[str, str]]:
    specialist = dict(base) | {f"demand_{f}": NUMBER for f in vocab}
    seat_names = {f"seats_{k}": NUMBER for k, r in roles.items() if r.is_hr}
    generalist = specialist | seat_names | {"generalist_demand": NUMBER, "specialist_seats": NUMBER}
    lead = generalist | {"staff_seats": NUMBER}
    return {"specialist": specialist, "generalist": generalist, "lead": lead}


def _functions(path: Path) -> dict[str, FunctionInfo]:
    data = expect_mapping(read_data_file(path, TemplateError), error=TemplateError, path=path, where=None)
    check_keys(data, ("functions",), required=("functions",), error=TemplateError, path=path)
    out = {}
    for key, raw in expect_mapping(data["functions"], error=TemplateError, path=path, where="functions").items():
        where = f"functions.{key}"
        raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
        check_keys(raw, ("label", "description", "doing", "directing"), required=("label", "description", "doing", "directing"), error=TemplateError, path=path, where=where)
        out[str(key)] = FunctionInfo(str(key), *(expect_text(raw[k], error=TemplateError, path=path, where=f"{where}.{k}") for k in ("label", "description", "doing", "directing")))
    return out


def _vocab_item(value: Any, vocab: tuple[str, ...], path: Path, where: str) -> str:
    if value not in vocab:
        raise TemplateError(f"unknown function {value!r}{suggest(str(value), vocab)}", path=path, where=where)
    return value


def _default_functions(raw: Any, vocab: tuple[str, ...], path: Path) -> tuple[tuple[tuple[int, tuple[str, ...]], ...], str]:
    raw = expect_mapping(raw, error=TemplateError, path=path, where="default_functions")
    check_keys(raw, ("bands", "source"), required=("bands", "source"), error=TemplateError, path=path, where="default_functions")
    bands = []
    for i, item in enumerate(expect_list(raw["bands"], error=TemplateError, path=path, where="default_functions.bands"), start=1):
        where = f"default_functions.bands[{i}]"
        item = expect_mapping(item, error=TemplateError, path=path, where=where)
        check_keys(item, ("min_employees", "add"), required=("min_employees", "add"), error=TemplateError, path=path, where=where)
        added = tuple(_vocab_item(f, vocab, path, f"{where}.add") for f in expect_list(item["add"], error=TemplateError, path=path, where=f"{where}.add"))
        bands.append((int(item["min_employees"]), added))
    return tuple(sorted(bands)), expect_text(raw["source"], error=TemplateError, path=path, where="default_functions.source")


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
        raise TemplateError(f"expected a number of at least {minimum:g}, got {value!r}", path=path, where=f"{where}.value")
    return Figure(key, expect_text(item["source"], error=TemplateError, path=path, where=f"{where}.source"), value=float(value))


def _profile_fields(raw: Any, path: Path) -> dict[str, dict[str, Any]]:
    """The declared profile fields; each must be a field of orgplan's Profile, with a known type."""
    from dataclasses import fields as dataclass_fields

    from .profile import Profile

    known = [f.name for f in dataclass_fields(Profile) if f.init and f.name not in ("source", "notes", "given")]
    out = {}
    for key, spec in expect_mapping(raw, error=TemplateError, path=path, where="fields").items():
        where = f"fields.{key}"
        spec = dict(expect_mapping(spec, error=TemplateError, path=path, where=where))
        if key not in known:
            raise TemplateError(f"orgplan's profile has no field {key!r}{suggest(str(key), known)}", path=path, where=where)
        check_keys(spec, ("type", "label", "format", "required", "default", "min", "max", "choices", "titles", "description", "source"), required=("type", "label", "description"), error=TemplateError, path=path, where=where)
        if spec["type"] not in _FIELD_TYPES:
            raise TemplateError(f"unknown type {spec['type']!r}; expected one of: {', '.join(_FIELD_TYPES)}", path=path, where=f"{where}.type")
        out[str(key)] = spec
    missing = [k for k in known if k not in out]
    if missing:
        raise TemplateError(f"no declaration for the profile field(s) {', '.join(missing)}", path=path, where="fields")
    return out


def _costing(raw: Any, path: Path) -> Costing:
    raw = expect_mapping(raw, error=TemplateError, path=path, where="costing")
    keys = ("benefits_load", "fee_load", "fte_step")
    check_keys(raw, keys, required=keys, error=TemplateError, path=path, where="costing")
    return Costing(*(_constant(k, raw[k], path, f"costing.{k}", minimum=0.01) for k in keys))


def _hiring(raw: Any, path: Path, hr_families: tuple[str, ...]) -> HiringPolicy:
    raw = expect_mapping(raw, error=TemplateError, path=path, where="hiring")
    keys = ("phases", "min_hires_per_quarter", "horizon_quarters")
    check_keys(raw, keys, required=keys, error=TemplateError, path=path, where="hiring")
    phases, seen = [], set()
    for i, item in enumerate(expect_list(raw["phases"], error=TemplateError, path=path, where="hiring.phases"), start=1):
        where = f"hiring.phases[{i}]"
        item = expect_mapping(item, error=TemplateError, path=path, where=where)
        check_keys(item, ("name", "families", "why"), required=("name", "families", "why"), error=TemplateError, path=path, where=where)
        families = tuple(str(f) for f in expect_list(item["families"], error=TemplateError, path=path, where=f"{where}.families"))
        for family in families:
            if family not in hr_families or family in seen:
                problem = "is in an earlier phase too" if family in seen else f"is not an HR family; expected one of: {', '.join(hr_families)}"
                raise TemplateError(f"{family!r} {problem}", path=path, where=f"{where}.families")
            seen.add(family)
        phases.append(HiringPhase(expect_text(item["name"], error=TemplateError, path=path, where=f"{where}.name"), families, expect_text(item["why"], error=TemplateError, path=path, where=f"{where}.why")))
    missing = [f for f in hr_families if f not in seen]
    if missing:
        raise TemplateError(f"no phase hires the famil{'y' if len(missing) == 1 else 'ies'} {', '.join(missing)}", path=path, where="hiring.phases")
    return HiringPolicy(
        tuple(phases),
        _constant("min_hires_per_quarter", raw["min_hires_per_quarter"], path, "hiring.min_hires_per_quarter", minimum=1),
        _constant("horizon_quarters", raw["horizon_quarters"], path, "hiring.horizon_quarters", minimum=1),
    )


def _figure(key: str, raw: Any, names: dict[str, str], path: Path, where: str) -> Figure:
    raw = expect_mapping(raw, error=TemplateError, path=path, where=where)
    check_keys(raw, ("expression", "source"), required=("expression", "source"), error=TemplateError, path=path, where=where)
    expr = Expression.compile(raw["expression"], names, where=f"{where}.expression", path=path)
    return Figure(str(key), expect_text(raw["source"], error=TemplateError, path=path, where=f"{where}.source"), expression=expr)


def _bands(raw: Any, path: Path) -> tuple[Band, ...]:
    out = []
    for i, item in enumerate(expect_list(raw, error=TemplateError, path=path, where="hr_per_100_bands"), start=1):
        where = f"hr_per_100_bands[{i}]"
        item = expect_mapping(item, error=TemplateError, path=path, where=where)
        check_keys(item, ("min_employees", "max_employees", "low", "high", "source"), required=("min_employees", "max_employees", "low", "high", "source"), error=TemplateError, path=path, where=where)
        out.append(Band(int(item["min_employees"]), int(item["max_employees"]), float(item["low"]), float(item["high"]), str(item["source"])))
    return tuple(out)
