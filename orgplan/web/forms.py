"""Between the web form and the profile: the fields to show, and the profile a form describes.

The form is built from the profile schema (``templates/profile.yaml``): every key becomes
an input named after it, with the key's ``label``, its ``description`` as help and its
default. Query strings use the same names, so every result page is a link that carries
the profile::

    /plan?company=Acme&employees=900&functions=payroll&functions=benefits

A key whose schema lists ``items`` takes named rows as well as a number: row *i* is sent
as ``key.i.field`` (``countries.0.name=Germany&countries.0.employees=1200``) and becomes
the list form of the profile (``countries: [{name: Germany, employees: 1200}]``). Blank
inputs are left out, so the profile's defaults apply; blank rows are dropped.

Checking goes through :func:`orgplan.profile_from_dict` only, so a field's error is the
CLI's message for the same value.

>>> from orgplan import load_templates
>>> t = load_templates()
>>> form = read_form(
...     [("company", "Acme"), ("employees", "1,200"), ("sites", ""), ("functions", "payroll")], profile_fields(t)
... )
>>> profile_data(form)
{'company': 'Acme', 'employees': '1,200', 'functions': ['payroll']}
>>> check(read_form([("employees", "-4")], profile_fields(t)), t).errors
{'employees': 'expected a whole number from 1 to 5,000,000, got -4'}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from orgplan.knowledge.templates import Templates
    from orgplan.model.profile import Profile

__all__ = [
    "Choice",
    "Field",
    "Form",
    "profile_fields",
    "sections",
    "read_form",
    "form_from_data",
    "profile_data",
    "check",
    "query_pairs",
    "query_string",
    "GENERAL",
    "percent",
    "choice_label",
    "shown",
]

GENERAL = ""  # the errors key for problems that belong to no single field (an unknown key)
_NUMERIC = ("integer", "number")
# Where each known key sits on the form; keys the schema gains later go to the last section.
_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("The company", ("company", "employees", "industry", "frontline_share")),
    ("Growth and hiring", ("growth_rate", "turnover_rate", "annual_hires")),
    ("Where people work", ("countries", "sites", "business_units", "unionized_share")),
    ("HR functions", ("functions",)),
    ("How HR is set up", ("hr_reports_to", "operating_model", "max_span", "salary_multiplier")),
    ("Budget", ("budget",)),
)
_MORE = "More settings"
_ROW = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)\.(?P<index>\d{1,4})\.(?P<field>[A-Za-z_][A-Za-z0-9_]*)$")
_MAX_ROWS = 500


@dataclass(frozen=True)
class Choice:
    """One option of a choice or a checkbox: the value sent, its label and help."""

    value: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Field:
    """A profile key as the form shows it."""

    key: str
    kind: str  # text, integer, number, choice or functions
    label: str
    help: str
    required: bool = False
    default: str = ""  # the default as text; empty when the profile works it out
    low: float | None = None
    high: float | None = None
    choices: tuple[Choice, ...] = ()
    items: tuple[Field, ...] = ()  # the fields of a named row, when the key takes rows too
    percent: bool = False  # a rate: shown as a percentage (60%), typed either way

    @property
    def numeric(self) -> bool:
        return self.kind in _NUMERIC

    @property
    def input_mode(self) -> str | None:
        """The keyboard a phone should show: whole numbers, decimals, or text."""
        return {"integer": "numeric", "number": "decimal"}.get(self.kind)


@dataclass
class Form:
    """What a form or query string said, as text, and the errors found in it.

    ``values`` maps a key to its text, ``functions`` to a list of function keys;
    ``rows`` maps a key that takes named rows to its rows (field -> text);
    ``errors`` maps a key (or ``key.i.field`` for a row cell, or :data:`GENERAL`) to a message.
    """

    values: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, key: str) -> Any:
        return self.values.get(key, [] if key == "functions" else "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):  # names in a row (a unit's countries): as a reader types them
        return ", ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value)) if not math.isinf(value) else str(value)
    return str(value)


def percent(value: Any) -> str:
    """A rate as a reader types it: ``0.55`` reads "55%"; anything but a number stays as it is.

    >>> percent(0.55), percent(0.035), percent(1.2), percent("0.5"), percent("lots")
    ('55%', '3.5%', '120%', '50%', 'lots')
    """
    number = _number(value) if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        return _text(value)
    return f"{round(number * 100, 4):g}%"


def choice_label(value: str, titles: Mapping[str, Any]) -> str:
    """A choice in words: its title, with the short form when that is a reader's abbreviation ("CEO").

    >>> choice_label("three_pillar", {"three_pillar": "Three pillars"}), choice_label("CEO", {"CEO": "Chief Executive"})
    ('Three pillars', 'Chief Executive (CEO)')
    """
    if value in titles:
        return f"{titles[value]} ({value})" if value.isupper() else str(titles[value])
    return value.replace("_", " ").capitalize()


def _field(key: str, spec: Mapping[str, Any], templates: Templates | None) -> Field:
    kind = str(spec.get("type", "text"))
    label = str(spec.get("label") or key.replace("_", " ").capitalize())
    help_text = str(spec.get("help") or spec.get("description", "")).strip()
    is_percent = spec.get("format") == "percent"
    choices: tuple[Choice, ...] = ()
    if kind == "choice":
        titles = spec.get("titles") or {}
        choices = tuple(Choice(str(c), choice_label(str(c), titles)) for c in spec.get("choices", ()))
    elif kind == "functions" and templates is not None:
        choices = tuple(Choice(k, f.label, f.description) for k, f in templates.functions.items())
        help_text = (
            "Tick the functions the company needs HR to cover. Leave them all unticked for the core set for "
            "the company's size."
        )
    items_spec = spec.get("items")
    items = (
        tuple(_field(str(k), v, None) for k, v in items_spec.items() if isinstance(v, Mapping))
        if isinstance(items_spec, Mapping)
        else ()
    )
    return Field(
        key=key,
        kind=kind,
        label=label,
        help=help_text,
        required=bool(spec.get("required")),
        default=(percent(spec["default"]) if is_percent else _text(spec["default"])) if "default" in spec else "",
        low=spec.get("min"),
        high=spec.get("max"),
        choices=choices,
        items=items,
        percent=is_percent,
    )


def shown(field: Field | None, value: Any) -> str:
    """A profile value as the form's reader knows it: rates as percentages, choices by their titles.

    >>> rate = Field("unionized_share", "number", "Share in a union", "", percent=True)
    >>> shown(rate, 0.55), shown(None, 3)
    ('55%', '3')
    """
    if field is not None and field.percent:
        return percent(value)
    if field is not None and field.choices:
        return next((c.label for c in field.choices if c.value == _text(value)), _text(value))
    return _text(value)


def profile_fields(templates: Templates) -> tuple[Field, ...]:
    """Every profile key of the schema as a form field, in the schema's order.

    >>> from orgplan import load_templates
    >>> employees = next(f for f in profile_fields(load_templates()) if f.key == "employees")
    >>> employees.label, employees.required, employees.input_mode
    ('Employees', True, 'numeric')
    """
    return tuple(_field(str(key), spec, templates) for key, spec in templates.profile_fields.items())


def sections(fields: Iterable[Field]) -> list[tuple[str, list[Field]]]:
    """The fields grouped under the form's headings; keys the form does not place go last.

    >>> from orgplan import load_templates
    >>> [title for title, _ in sections(profile_fields(load_templates()))][:2]
    ['The company', 'Growth and hiring']
    """
    by_key = {f.key: f for f in fields}
    out = [(title, [by_key[k] for k in keys if k in by_key]) for title, keys in _SECTIONS]
    placed = {k for _, keys in _SECTIONS for k in keys}
    more = [f for k, f in by_key.items() if k not in placed]
    if more:
        out.append((_MORE, more))
    return [(title, group) for title, group in out if group]


def read_form(
    pairs: Iterable[tuple[str, str]], fields: Iterable[Field], *, prefix: str = "", skip: Iterable[str] = ()
) -> Form:
    """Read the (name, value) pairs of a form or query string.

    Only names starting with ``prefix`` are read (it is stripped). Names in ``skip`` -
    and names ending in '.' for whole families, like ``a.`` - belong to the page, not the
    profile. Any other unknown name is kept, so the profile check refuses it by name.
    """
    by_key = {f.key: f for f in fields}
    skipped = tuple(skip)
    form = Form()
    rows: dict[str, dict[int, dict[str, str]]] = {}
    for raw_name, raw_value in pairs:
        if not raw_name.startswith(prefix):
            continue
        name, value = raw_name[len(prefix) :], raw_value if isinstance(raw_value, str) else ""
        if not name or name in skipped or any(s.endswith(".") and name.startswith(s) for s in skipped):
            continue
        row = _ROW.match(name)
        if row and row["key"] in by_key and by_key[row["key"]].items:
            cells = rows.setdefault(row["key"], {}).setdefault(int(row["index"]), {})
            cells[row["field"]] = value.strip()
        elif name == "functions":
            form.values.setdefault("functions", []).extend(v for v in re.split(r"[,\s]+", value) if v)
        elif "." in name and name.split(".", 1)[0] not in by_key:
            continue  # another page's family of names (a scenario's 'b.employees')
        else:
            form.values[name] = value.strip()
    for key, numbered in rows.items():
        kept = [cells for _, cells in sorted(numbered.items()) if any(cells.values())]
        form.rows[key] = kept[:_MAX_ROWS]
    return form


def form_from_data(data: Mapping[str, Any], fields: Iterable[Field]) -> Form:
    """A form filled from profile data (an uploaded YAML or JSON profile).

    >>> from orgplan import load_templates
    >>> data = {"employees": 900, "growth_rate": 0.04, "functions": ["payroll"]}
    >>> form = form_from_data(data, profile_fields(load_templates()))
    >>> form.values
    {'employees': '900', 'growth_rate': '0.04', 'functions': ['payroll']}
    """
    by_key = {f.key: f for f in fields}
    form = Form()
    for raw_key, value in data.items():
        key = str(raw_key)
        spec = by_key.get(key)
        if key == "functions" and isinstance(value, (list, tuple)):
            form.values["functions"] = [_text(v) for v in value]
        elif (
            spec is not None
            and spec.items
            and isinstance(value, (list, tuple))
            and all(isinstance(v, Mapping) for v in value)
        ):
            form.rows[key] = [{str(k): _text(v) for k, v in row.items()} for row in value]
        else:
            form.values[key] = _text(value)
    return form


def _number(text: str) -> Any:
    """A number typed in a form as the number itself, so errors read as the CLI's; other text stays text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def profile_data(form: Form, fields: Iterable[Field] | None = None) -> dict[str, Any]:
    """The profile mapping the form describes: blanks left out, numbers as numbers, rows as lists.

    A key given both as a number and as named rows is an error of that key, unless they agree.
    """
    by_key = {f.key: f for f in fields or ()}
    data: dict[str, Any] = {}
    for key, value in form.values.items():
        spec = by_key.get(key)
        if key == "functions":
            if value:
                data[key] = list(dict.fromkeys(value))
        elif value != "":
            data[key] = _number(value) if spec is None or spec.numeric else value
    for key, rows in form.rows.items():
        if not rows:
            continue
        items = {f.key: f for f in by_key[key].items} if key in by_key else {}
        listed = [
            {k: (_number(v) if k in items and items[k].numeric else v) for k, v in row.items() if v != ""}
            for row in rows
        ]
        given = data.get(key)
        if given is not None and given != len(listed):
            form.errors[key] = (
                f"give either the number or the named rows, not both ({_text(given)} given, {len(listed)} rows named)"
            )
        data[key] = listed
    return data


def _place(where: str | None, fields: Mapping[str, Field]) -> tuple[str, str]:
    """The form key an error belongs to, and what to say before its message."""
    if not where:
        return GENERAL, ""
    head = re.match(r"[A-Za-z_][A-Za-z0-9_]*", where)
    key = head.group(0) if head else where
    if key not in fields:
        return GENERAL, f"{where}: "
    rest = where[len(key) :].lstrip(".")
    return key, f"{rest}: " if rest else ""


@dataclass
class Checked:
    """The result of checking a form: the profile, or the errors by form key."""

    profile: Profile | None
    errors: dict[str, str]
    data: dict[str, Any]


def check(form: Form, templates: Templates, fields: Iterable[Field] | None = None) -> Checked:
    """Check the form with :func:`orgplan.profile_from_dict`; on failure, find every field's own error.

    Each given key is checked alone beside a valid headcount, so a leader sees every
    problem at once rather than one per submit. Errors are also stored on ``form.errors``.
    """
    from orgplan.errors import ProfileError
    from orgplan.model.profile import profile_from_dict

    by_key = {f.key: f for f in (fields if fields is not None else profile_fields(templates))}
    scratch = Form(form.values, form.rows)  # errors the page found before (an upload's) do not stop the profile
    data = profile_data(scratch, by_key.values())
    errors = scratch.errors
    first: ProfileError | None = None
    if not errors:
        try:
            return Checked(profile_from_dict(data, templates=templates), errors, data)
        except ProfileError as exc:
            first = exc
    base: dict[str, Any] = {"employees": 100}
    try:
        if "employees" in data:
            profile_from_dict({"employees": data["employees"]}, templates=templates)
            base = {"employees": data["employees"]}
    except ProfileError:
        pass
    for key, value in data.items():
        try:
            profile_from_dict({**base, key: value}, templates=templates)
        except ProfileError as exc:
            _add(errors, exc, by_key)
    if first is not None and not errors:
        _add(errors, first, by_key)
    if not errors:  # cannot happen unless the profile refuses only a combination of keys; say so plainly
        errors[GENERAL] = "the profile was refused"
    for key, message in errors.items():
        form.errors.setdefault(key, message)
    return Checked(None, errors, data)


def _add(errors: dict[str, str], exc: Any, fields: Mapping[str, Field]) -> None:
    key, lead = _place(exc.where, fields)
    errors.setdefault(key, lead + exc.message)


def query_pairs(form: Form, prefix: str = "") -> list[tuple[str, str]]:
    """The form as (name, value) pairs for a link: blanks left out, rows numbered from 0.

    >>> query_pairs(Form(values={"employees": "900", "sites": "", "functions": ["payroll", "benefits"]}))
    [('employees', '900'), ('functions', 'payroll'), ('functions', 'benefits')]
    """
    pairs: list[tuple[str, str]] = []
    for key, value in form.values.items():
        if key == "functions":
            pairs += [(f"{prefix}functions", v) for v in value]
        elif value != "":
            pairs.append((f"{prefix}{key}", value))
    for key, rows in form.rows.items():
        for i, row in enumerate(rows):
            pairs += [(f"{prefix}{key}.{i}.{k}", v) for k, v in row.items() if v != ""]
    return pairs


def query_string(form: Form, prefix: str = "", **extra: Any) -> str:
    """The form as a query string, with ``extra`` page parameters (None left out).

    >>> query_string(Form(values={"company": "A & B", "employees": "40"}), to=200)
    'company=A+%26+B&employees=40&to=200'
    """
    pairs = query_pairs(form, prefix) + [(k, _text(v)) for k, v in extra.items() if v is not None and v != ""]
    return urlencode(pairs)
