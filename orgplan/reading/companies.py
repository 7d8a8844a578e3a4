"""Reading a portfolio: one company a row of a CSV or workbook, or one profile a file of a folder.

A companies file has a header row of profile keys (``employees``, ``growth_rate``...;
case does not matter and spaces stand for underscores) and one company a row. An empty
cell takes the default, ``functions`` are separated by ``;`` and ``countries`` or
``business_units`` are counts. Each row is checked as ``orgplan plan`` checks a profile:
a broken row becomes a :class:`RowError` with the same words, and the others are read
all the same. The file is read by :mod:`orgplan.reading.table`, as team files are, within
the ``company_lists`` limits of ``templates/limits.yaml``. A file that cannot be read at
all - missing, not a regular file, past a limit, not UTF-8, an unknown column - raises
:class:`~orgplan.errors.ProfileError`.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "companies.csv"
>>> _ = path.write_text("Company,Employees,functions\\nAcme,400,payroll;benefits\\nBolt,lots,\\n", encoding="utf-8")
>>> companies = read_companies(path)
>>> [(e.row, e.profile.company if e.profile else None) for e in companies.entries]
[(2, 'Acme'), (3, None)]
>>> print(companies.errors[0])
row 3: employees: expected a whole number from 1 to 5,000,000, got 'lots'
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgplan.core.files import reason
from orgplan.core.limits import limit
from orgplan.core.validation import suggest
from orgplan.errors import OrgplanError, ProfileError
from orgplan.knowledge.templates import Templates, load_templates
from orgplan.model.profile import Profile, load_profile, profile_from_dict
from orgplan.reading.table import WORKBOOK_SUFFIXES, read_table

__all__ = ["RowError", "Entry", "Companies", "read_companies", "profile_key", "PROFILE_SUFFIXES"]

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")
_LIST_SEPARATOR = re.compile(r"[;,]")


@dataclass(frozen=True)
class RowError:
    """Why one company of a portfolio was not planned: where it is, the column, and the reason in the CLI's words."""

    row: int | None  # the row as a spreadsheet shows it (the header is row 1); None for a folder
    file: str | None  # the profile's file name, for a folder
    column: str | None  # the profile key at fault, when there is one
    company: str
    message: str  # as ``orgplan plan`` prints it, without the file in front

    @property
    def place(self) -> str:
        """``row 4`` or the profile's file name."""
        return f"row {self.row}" if self.row is not None else str(self.file)

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"

    def located(self, source: str) -> str:
        """The error as the CLI prints it: ``companies.csv: row 4: ...``, or the profile's path in a folder."""
        return f"{source}: {self}" if self.row is not None else f"{Path(source) / str(self.file)}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "file": self.file,
            "column": self.column,
            "company": self.company,
            "message": self.message,
        }


@dataclass(frozen=True)
class Entry:
    """One company as read: where it is, and its profile or why there is none."""

    row: int | None
    file: str | None
    profile: Profile | None
    error: RowError | None = None

    @property
    def place(self) -> str:
        return f"row {self.row}" if self.row is not None else str(self.file)


@dataclass(frozen=True)
class Companies:
    """The companies of a file or folder, in its order; ``kind`` is ``rows`` or ``folder``."""

    source: str
    kind: str
    entries: tuple[Entry, ...]

    @property
    def profiles(self) -> list[Profile]:
        """The profiles that could be read, in order."""
        return [e.profile for e in self.entries if e.profile is not None]

    @property
    def errors(self) -> list[RowError]:
        return [e.error for e in self.entries if e.error is not None]


def read_companies(path: str | os.PathLike[str], templates: Templates | None = None) -> Companies:
    """Read a companies CSV (UTF-8, with or without BOM), the first sheet of an .xlsx, or a folder of profiles.

    A file is read as a team file is, within the same limits (``team_files`` in
    templates/limits.yaml): a regular file only, its size, rows, columns and cells bounded,
    and a workbook checked for zip bombs and XML entities before it is parsed.
    Raises :class:`ProfileError` naming the file when it cannot be read as a portfolio.
    """
    t = templates or load_templates()
    p = Path(path)
    if p.is_dir():
        return Companies(str(path), "folder", tuple(_folder(p, t)))
    suffix = p.suffix.lower()
    if suffix == ".xls":
        raise ProfileError("an Excel 97-2003 workbook; save it as .xlsx (or .csv) and try again", path=path)
    if suffix != ".csv" and suffix not in WORKBOOK_SUFFIXES:
        raise ProfileError(
            "expected a .csv or .xlsx file of companies, or a folder of profiles (.yaml, .yml, .json)", path=path
        )
    table = read_table(p, ProfileError, "company_lists", sniff=True)
    return Companies(str(path), "rows", tuple(_entries(iter(table.rows), t, path)))


# -- a folder of profiles ----------------------------------------------------------------
def _folder(folder: Path, t: Templates) -> Iterator[Entry]:
    most = limit("company_lists.rows")
    files = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if Path(entry.name).suffix.lower() in PROFILE_SUFFIXES and entry.is_file():
                    files.append(folder / entry.name)
                    if len(files) > most.value:
                        raise ProfileError(f"more profiles than orgplan reads: {most.describe()}", path=folder)
    except OSError as exc:
        raise ProfileError(f"cannot read the folder: {reason(exc)}", path=folder) from None
    files.sort()
    if not files:
        raise ProfileError(
            f"no profiles in the folder; expected files ending {', '.join(PROFILE_SUFFIXES)}", path=folder
        )
    for f in files:
        try:
            yield Entry(None, f.name, load_profile(f, templates=t))
        except ProfileError as exc:
            yield Entry(None, f.name, None, RowError(None, f.name, _column(exc), "", _reason(exc)))


# -- rows ----------------------------------------------------------------------------------
def _entries(rows: Iterator[tuple[int, Sequence[Any]]], t: Templates, path: str | os.PathLike[str]) -> Iterator[Entry]:
    header: list[str | None] | None = None
    count = 0
    most = limit("team_files.rows")
    for number, cells in rows:
        values = [_clean(c) for c in cells]
        if all(v is None for v in values):
            continue
        if header is None:
            header = _header(values, t, path, number)
            continue
        count += 1
        if count > most.value:  # the limit counts companies, not the header
            raise ProfileError(
                f"row {number:,} holds company {count:,}, more than orgplan reads: {most.describe()}", path=path
            )
        yield _entry(number, header, values, t)
    if header is None:
        raise ProfileError(
            "the file is empty; it needs a header row of profile keys (company, employees, ...) and a row per company",
            path=path,
        )
    if not count:
        raise ProfileError("the file has a header row but no companies under it", path=path)


def profile_key(name: str, t: Templates) -> str | None:
    """The profile key a column header or option names - its key or its label, in any case, spaces for underscores.

    >>> t = load_templates()
    >>> profile_key("Growth Rate", t), profile_key("Yearly turnover", t), profile_key("headcount", t)
    ('growth_rate', 'turnover_rate', None)
    """
    wanted = _name(name)
    for key, spec in t.profile_fields.items():
        if wanted in (key, _name(str(spec.get("label", key)))):
            return key
    return None


def _header(values: list[Any], t: Templates, path: str | os.PathLike[str], number: int) -> list[str | None]:
    keys = list(t.profile_fields)
    header: list[str | None] = []
    for col, value in enumerate(values, start=1):
        if value is None:
            header.append(None)
            continue
        key = profile_key(str(value), t)
        if key is None:
            raise ProfileError(
                f"unknown column {str(value)[:40]!r}{suggest(_name(str(value)), keys)}; columns are "
                f"profile keys: {', '.join(keys)}",
                path=path,
                where=f"row {number}",
            )
        if key in header:
            raise ProfileError(
                f"the column {key!r} appears twice (columns {_letter(header.index(key) + 1)} and {_letter(col)})",
                path=path,
                where=f"row {number}",
            )
        header.append(key)
    if "employees" not in header:
        raise ProfileError(
            "no 'employees' column; every company needs its number of employees", path=path, where=f"row {number}"
        )
    return header


def _entry(number: int, header: list[str | None], values: list[Any], t: Templates) -> Entry:
    data: dict[str, Any] = {}
    named = [v for k, v in zip(header, values, strict=False) if k == "company" and v is not None]
    company = str(named[0]) if named else ""
    for col, value in enumerate(values):
        key = header[col] if col < len(header) else None
        if value is None:
            continue
        if key is None:
            error = RowError(
                number,
                None,
                None,
                company,
                f"a value in column {_letter(col + 1)}, which has no header: {str(value)[:40]!r}",
            )
            return Entry(number, None, None, error)
        data[key] = _typed(value, t.profile_fields[key].get("type"))
    try:
        return Entry(number, None, profile_from_dict(data, templates=t))
    except ProfileError as exc:
        return Entry(number, None, None, RowError(number, None, _column(exc), company, _reason(exc)))


# -- small helpers -------------------------------------------------------------------------
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)  # digits 0-9 only


def _typed(value: Any, kind: str | None) -> Any:
    """A cell as a profile file would hold it: a number for a numeric key, a list of functions."""
    if not isinstance(value, str):
        return value
    if kind == "functions":
        return [v.strip() for v in _LIST_SEPARATOR.split(value) if v.strip()]
    if kind in ("integer", "number", "places") and _NUMBER.fullmatch(value):
        number = float(value)
        return int(number) if number.is_integer() and not any(c in value for c in ".eE") else number
    return value


def _clean(value: Any) -> Any:
    """A cell's value; blank text is None (use the default)."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _name(text: str) -> str:
    return re.sub(r"[\s_-]+", "_", text.strip().casefold())


def _letter(col: int) -> str:
    """The spreadsheet letter of a 1-based column: 1 -> A, 28 -> AB."""
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _column(exc: OrgplanError) -> str | None:
    """The profile key an error names (``countries[2].employees`` -> ``countries``)."""
    return re.split(r"[\[.]", exc.where, maxsplit=1)[0] if exc.where else None


def _reason(exc: OrgplanError) -> str:
    """The error as ``orgplan plan`` prints it, without the file in front."""
    return f"{exc.where}: {exc.message}" if exc.where else exc.message
