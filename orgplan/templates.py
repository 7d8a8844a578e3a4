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

from .catalog import HR_FAMILIES, Role, parse_catalog
from .errors import RuleError, TemplateError
from .expressions import BOOLEAN, NUMBER, TEXT, TEXT_SET, Expression
from .files import read_data_file
from .rules import MAX_SEATS_PER_RULE, RulePack, parse_rules
from .validation import check_keys, expect_list, expect_mapping, expect_text, suggest

__all__ = ["FunctionInfo", "Figure", "Band", "HiringPhase", "HiringPolicy", "Templates", "templates_dir", "load_templates", "PROFILE_NAMES"]

# Profile names every expression can use, with their types.
PROFILE_NAMES = {
    "company": TEXT, "employees": NUMBER, "functions": TEXT_SET, "countries": NUMBER, "sites": NUMBER,
    "business_units": NUMBER, "unionized_share": NUMBER, "annual_hires": NUMBER, "growth_rate": NUMBER,
    "turnover_rate": NUMBER, "industry": TEXT, "hr_reports_to": TEXT, "max_span": NUMBER,
    "salary_multiplier": NUMBER, "regulated": BOOLEAN, "unionized_employees": NUMBER,
}


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
class Templates:
    """All of orgplan's knowledge, validated and compiled."""

    directory: str
    functions: dict[str, FunctionInfo]
    profile_fields: dict[str, dict[str, Any]]
    default_functions: tuple[tuple[int, tuple[str, ...]], ...]
    default_functions_source: str
    implied_functions: tuple[tuple[str, Expression, str], ...]
    regulated_industries: tuple[str, ...]
    roles: dict[str, Role]
    constants: dict[str, Figure]
    derived: tuple[Figure, ...]
    workload: dict[str, Figure]
    bands: tuple[Band, ...]
    hiring: HiringPolicy
    rules: RulePack
    max_seats_per_rule: Figure = Figure("max_seats_per_rule", "orgplan default", value=MAX_SEATS_PER_RULE)

    def band_for(self, employees: int) -> Band | None:
        """The published HR-per-100 band for a company of this size."""
        for band in self.bands:
            if band.min_employees <= employees <= band.max_employees:
                return band
        return None

    @property
    def executive(self) -> Role:
        return next(r for r in self.roles.values() if r.family == "executive")


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
    fields = {k: dict(expect_mapping(v, error=TemplateError, path=prof_path, where=f"fields.{k}")) for k, v in expect_mapping(prof["fields"], error=TemplateError, path=prof_path, where="fields").items()}
    default_functions, df_source = _default_functions(prof["default_functions"], vocab, prof_path)
    implied = tuple(
        (
            _vocab_item(item.get("function"), vocab, prof_path, f"implied_functions[{i}].function"),
            Expression.compile(item.get("when"), PROFILE_NAMES, where=f"implied_functions[{i}].when", path=prof_path, expect=BOOLEAN),
            expect_text(item.get("reason"), error=TemplateError, path=prof_path, where=f"implied_functions[{i}].reason"),
        )
        for i, item in enumerate(expect_list(prof.get("implied_functions", []), error=TemplateError, path=prof_path, where="implied_functions"), start=1)
    )
    regulated = expect_mapping(prof.get("regulated_industries", {"names": []}), error=TemplateError, path=prof_path, where="regulated_industries")
    regulated_names = tuple(str(n).lower() for n in expect_list(regulated.get("names", []), error=TemplateError, path=prof_path, where="regulated_industries.names"))

    cat_path = folder / "catalog.yaml"
    roles = parse_catalog(read_data_file(cat_path, TemplateError), path=cat_path, functions=vocab)

    bench_path = folder / "benchmarks.yaml"
    bench = expect_mapping(read_data_file(bench_path, TemplateError), error=TemplateError, path=bench_path, where=None)
    sections = ("constants", "derived", "workload", "hr_per_100_bands", "hiring")
    check_keys(bench, sections + ("limits",), required=sections, error=TemplateError, path=bench_path)
    constants = _constants(bench["constants"], bench_path)
    names = dict(PROFILE_NAMES) | {k: NUMBER for k in constants}
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
    hiring = _hiring(bench["hiring"], bench_path)
    max_seats = _limits(bench.get("limits"), bench_path)

    stage_names = _stage_names(names, vocab, roles)
    rules_path = Path(rules_s)
    pack = parse_rules(read_data_file(rules_path, RuleError), path=rules_path, roles=roles, names_by_stage=stage_names, max_seats=max_seats.value or MAX_SEATS_PER_RULE)
    return Templates(
        directory=folder_s,
        functions=functions,
        profile_fields=fields,
        default_functions=default_functions,
        default_functions_source=df_source,
        implied_functions=implied,
        regulated_industries=regulated_names,
        roles=roles,
        constants=constants,
        derived=tuple(derived),
        workload=workload,
        bands=bands,
        hiring=hiring,
        rules=pack,
        max_seats_per_rule=max_seats,
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


def _hiring(raw: Any, path: Path) -> HiringPolicy:
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
            if family not in HR_FAMILIES or family in seen:
                problem = "is in an earlier phase too" if family in seen else f"is not an HR family; expected one of: {', '.join(HR_FAMILIES)}"
                raise TemplateError(f"{family!r} {problem}", path=path, where=f"{where}.families")
            seen.add(family)
        phases.append(HiringPhase(expect_text(item["name"], error=TemplateError, path=path, where=f"{where}.name"), families, expect_text(item["why"], error=TemplateError, path=path, where=f"{where}.why")))
    missing = [f for f in HR_FAMILIES if f not in seen]
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
    expr = Expression.compile(raw["expression"], names, where=f"{where}.expression", path=path, expect=NUMBER)
    return Figure(str(key), expect_text(raw["source"], error=TemplateError, path=path, where=f"{where}.source"), expression=expr)


def _limits(raw: Any, path: Path) -> Figure:
    """The safeguards of the benchmarks (optional): the most seats one rule may add."""
    if raw is None:
        return Figure("max_seats_per_rule", "orgplan default", value=MAX_SEATS_PER_RULE)
    raw = expect_mapping(raw, error=TemplateError, path=path, where="limits")
    check_keys(raw, ("max_seats_per_rule",), required=("max_seats_per_rule",), error=TemplateError, path=path, where="limits")
    return _constant("max_seats_per_rule", raw["max_seats_per_rule"], path, "limits.max_seats_per_rule", minimum=1)


def _bands(raw: Any, path: Path) -> tuple[Band, ...]:
    out = []
    for i, item in enumerate(expect_list(raw, error=TemplateError, path=path, where="hr_per_100_bands"), start=1):
        where = f"hr_per_100_bands[{i}]"
        item = expect_mapping(item, error=TemplateError, path=path, where=where)
        check_keys(item, ("min_employees", "max_employees", "low", "high", "source"), required=("min_employees", "max_employees", "low", "high", "source"), error=TemplateError, path=path, where=where)
        out.append(Band(int(item["min_employees"]), int(item["max_employees"]), float(item["low"]), float(item["high"]), str(item["source"])))
    return tuple(out)
