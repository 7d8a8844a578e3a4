"""Read an HR team from a workbook or CSV file: the team a company has, or a plan read back.

A team file has one row per seat with at least the columns ID, Title and Reports to
(the manager's ID, empty for the top seat); Role, Family, Level, Functions, FTE, Base
salary, Benefits load and Annual cost are optional (see :mod:`orgplan.columns`). A
workbook orgplan wrote reads back with the same seats, reporting lines and costs.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgplan.core.limits import Limit, limit
from orgplan.core.validation import shown, suggest
from orgplan.errors import TeamFileError
from orgplan.knowledge.catalog import OUTSIDE_HR, Role, normalise_title
from orgplan.model.plan import Position, SeatTree
from orgplan.reading.columns import POSITION_COLUMNS, REQUIRED, column_for
from orgplan.reading.table import WORKBOOK_SUFFIXES, read_table
from orgplan.reading.xlsx import column_letters

if TYPE_CHECKING:
    import networkx as nx

    from orgplan.knowledge.templates import Templates

__all__ = ["Team", "read_team"]

_HEADERS = {c.key: c.header for c in POSITION_COLUMNS}


@dataclass(frozen=True)
class Team(SeatTree):
    """An HR team read from a file: its seats (top seat first) and reporting graph."""

    source: str
    seats: tuple[Position, ...]
    graph: nx.DiGraph = field(repr=False)
    templates: Templates = field(repr=False, compare=False)

    @property
    def summary(self) -> dict[str, Any]:
        """Seats, FTE, cost, layers, widest span and seats by family of the HR seats."""
        return self.structure()

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "summary": self.summary, "positions": [p.to_dict() for p in self.seats]}

    @property
    def json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]


class _Where:
    """Names a place in the file: sheet, row and column, for error messages."""

    def __init__(self, path: Path, sheet: str | None, letters: dict[str, str]):
        self.path, self.sheet, self.letters = path, sheet, letters

    def place(self, row: int | None = None, key: str | None = None) -> str | None:
        parts = [f"sheet '{self.sheet}'"] if self.sheet else []
        if row is not None:
            parts.append(f"row {row}")
        if key is not None:
            parts.append(
                f"column {self.letters[key]} ({_HEADERS[key]})" if key in self.letters else f"column {_HEADERS[key]}"
            )
        return ", ".join(parts) or None

    def error(self, message: str, row: int | None = None, key: str | None = None) -> TeamFileError:
        return TeamFileError(message, path=self.path, where=self.place(row, key))


def read_team(path: str | os.PathLike[str], *, templates: Templates | None = None) -> Team:
    """Read a team from ``path`` (.xlsx or .csv) and check it is one proper tree.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "team.csv"
    >>> _ = f.write_text("id,title,reports to\\nceo,Chief Executive Officer,\\nhr1,HR Generalist,ceo\\n")
    >>> team = read_team(f)
    >>> [(s.id, s.role, s.reports_to) for s in team.seats]
    [('ceo', 'executive', None), ('hr1', 'hr_generalist', 'ceo')]
    """
    from orgplan.knowledge.templates import load_templates

    t = templates or load_templates()
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix != ".csv" and suffix not in WORKBOOK_SUFFIXES:
        raise TeamFileError(
            f"expected a .xlsx or .csv team file, got {shown(suffix) if suffix else 'no extension'}", path=p
        )
    table = read_table(p, TeamFileError, "team_files", prefer=("positions", "team"))
    rows, where = _table(table.rows, p, table.sheet)
    return _build(_seats(rows, where, t), where, t, str(p))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(raw: list[tuple[int, list[Any]]], path: Path, sheet: str | None) -> tuple[list[_Row], _Where]:
    """Find the header row, map its columns, and return the data rows."""
    rows = [(n, cells) for n, cells in raw if not all(_blank(c) for c in cells)]
    if not rows:
        raise _Where(path, sheet, {}).error(
            "the sheet is empty; expected a header row with ID, Title and Reports to, then one row per seat"
        )
    header_n, header = next(
        ((n, c) for n, c in rows[:10] if any(column_for(x) == "id" for x in c if not _blank(x))), rows[0]
    )
    index: dict[str, int] = {}
    for i, text in enumerate(header):
        key = column_for(text) if not _blank(text) else None
        if key is not None and key not in index:
            index[key] = i
    letters = {k: column_letters(i + 1) if sheet else str(i + 1) for k, i in index.items()}
    where = _Where(path, sheet, letters)
    missing = [k for k in REQUIRED if k not in index]
    if missing:
        found = ", ".join(str(x) for x in header if not _blank(x)) or "none"
        names = ", ".join(_HEADERS[k] for k in missing)
        raise where.error(
            f"missing column(s) {names} in the header (row {header_n}); found: {found}. A team file needs "
            "ID, Title and Reports to (ID); Role, FTE and Base salary are optional"
        )
    data = [
        _Row(n, {k: (cells[i] if i < len(cells) else None) for k, i in index.items()})
        for n, cells in rows
        if n > header_n
    ]
    if not data:
        raise where.error(f"no seats below the header (row {header_n}); add one row per seat")
    most = limit("team_files.rows")
    if len(data) > most.value:  # the limit counts the rows of seats, not the header or the lines above it
        raise where.error(f"{len(data):,} rows of seats below the header, more than orgplan reads: {most.describe()}")
    return data, where


# Columns orgplan works out again from the others when they hold a formula.
_WORKED_OUT = ("annual_cost",)


def _number(
    value: Any, row: int, key: str, where: _Where, low: float, high: float | Limit | None = None
) -> float | None:
    """A finite number from ``low`` to ``high`` (a number or a limit), or None for an empty cell."""
    if _blank(value):
        return None
    top = high.value if isinstance(high, Limit) else high
    span = f"from {low:g} to {top:,}" if top is not None else f"of {low:g} or more"
    if isinstance(value, str) and value.strip().startswith("="):
        if key in _WORKED_OUT:
            return None
        raise where.error(
            f"expected a number {span}, got the formula {shown(value.strip())} with no stored result; type "
            "the number, or save the file from a spreadsheet program that works formulas out",
            row,
            key,
        )
    number: float | None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, (int, float)):
        number = float(value) if not isinstance(value, int) or value.bit_length() < 1000 else None
    else:
        try:
            text = str(value).replace(",", "").replace("$", "").strip()
            number = float(text) if len(text) <= 40 and text.isascii() else None  # digits 0-9 only
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or number < low or (top is not None and number > top):
        raise where.error(f"expected a number {span}, got {shown(value)}", row, key)
    return number


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _seats(rows: list[_Row], where: _Where, t: Templates) -> list[tuple[int, Position]]:
    roles = t.roles
    functions = {k: k for k in t.functions} | {f.label.lower(): k for k, f in t.functions.items()}
    families = {f.label.lower(): k for k, f in t.families.items()}  # a workbook shows family labels
    costing = t.costing
    money = limit("team_files.money")
    by_title = _title_index(roles)
    out = []
    for row in rows:
        c, n = row.cells, row.number
        seat_id = _text(c.get("id"))
        if not seat_id:
            raise where.error("every seat needs an ID", n, "id")
        title = _text(c.get("title"))
        if not title:
            raise where.error(f"seat {shown(seat_id)} has no title", n, "title")
        role = _text(c.get("role"))
        if role:
            key = role if role in roles else by_title.get(normalise_title(role))
            if key is None:
                raise where.error(
                    f"unknown role {shown(role)}{suggest(role, tuple(roles)) if len(role) <= 40 else ''}; "
                    "use a role key or title from the role catalog, or leave the cell empty",
                    n,
                    "role",
                )
            role = key
        else:
            role = by_title.get(normalise_title(title), "")
        known = roles.get(role)
        family = _text(c.get("family"))
        family = families.get(family.lower(), family) or (known.family if known else "")
        level = _number(c.get("level"), n, "level", where, 0, 10)
        listed = _functions(
            _text(c.get("functions")),
            functions,
            partial(_unknown_function, where, functions, n),
        )
        seat_functions = listed or (known.functions if known else ())
        fte = _number(c.get("fte"), n, "fte", where, 0, 1)
        fte = 1.0 if fte is None else fte
        salary = _number(c.get("base_salary"), n, "base_salary", where, 0, money)
        hr = family not in OUTSIDE_HR
        if salary is None:
            salary = known.salary.base if known and hr else 0.0
        load = _number(c.get("benefits_load"), n, "benefits_load", where, 0, 5)
        if load is None:
            load = costing.load_for(known.paid_as if known else "salary") if hr else 1.0
        cost = _number(c.get("annual_cost"), n, "annual_cost", where, 0, money)
        if cost is None:
            cost = costing.annual_cost(salary, fte, load) if hr else 0.0
        reports_to = _text(c.get("reports_to")) or None
        out.append(
            (
                n,
                Position(
                    id=seat_id,
                    title=title,
                    role=role,
                    family=family,
                    level=int(level) if level is not None else (known.level if known else 0),
                    reports_to=reports_to,
                    functions=seat_functions,
                    fte=fte,
                    base_salary=salary,
                    annual_cost=cost,
                    benefits_load=load,
                ),
            )
        )
    return out


def _title_index(roles: dict[str, Role]) -> dict[str, str]:
    """Each role's title and other names, normalised, to its key (the first role wins, as in the catalog's order)."""
    index: dict[str, str] = {}
    for key, role in roles.items():
        for name in (role.title, *role.also_called):
            index.setdefault(normalise_title(name), key)
    return index


def _unknown_function(where: _Where, functions: dict[str, str], row: int, name: str) -> TeamFileError:
    return where.error(f"unknown HR function {shown(name)}{suggest(name, tuple(functions))}", row, "functions")


def _functions(text: str, vocabulary: dict[str, str], error: Callable[[str], Exception]) -> tuple[str, ...]:
    """Function keys or labels separated by semicolons (or commas, where labels have none)."""
    out: list[str] = []
    for piece in (x.strip() for x in text.split(";")):
        if not piece:
            continue
        parts = (
            [piece]
            if piece.lower() in vocabulary or piece in vocabulary
            else [x.strip() for x in piece.split(",") if x.strip()]
        )
        for part in parts:
            key = vocabulary.get(part) or vocabulary.get(part.lower())
            if key is None:
                raise error(part if len(parts) > 1 else piece)
            out.append(key)
    return tuple(dict.fromkeys(out))


# Closest-ID suggestions compare with every ID; past this many seats that takes too long.
_SUGGEST_AMONG = 10000


def _build(seats: list[tuple[int, Position]], where: _Where, t: Templates, source: str) -> Team:
    import networkx as nx

    row_of: dict[str, int] = {}
    for n, seat in seats:
        if seat.id in row_of:
            raise where.error(
                f"seat ID {shown(seat.id)} is used twice (rows {row_of[seat.id]} and {n}); every seat needs its own ID",
                n,
                "id",
            )
        row_of[seat.id] = n
    for n, seat in seats:
        if seat.reports_to is not None and seat.reports_to not in row_of:
            hint = suggest(seat.reports_to, tuple(row_of)) if len(row_of) <= _SUGGEST_AMONG else ""
            raise where.error(f"reports to {shown(seat.reports_to)}, which is no seat's ID{hint}", n, "reports_to")
    roots = [(n, s) for n, s in seats if s.reports_to is None]
    if len(roots) > 1:
        listed = ", ".join(f"{s.id} (row {n})" for n, s in roots[:6])
        raise where.error(
            f"{len(roots)} seats report to no one: {listed}; exactly one seat (the top of the team) may "
            "have an empty Reports to",
            key="reports_to",
        )
    loop = _loop({s.id: s.reports_to for _, s in seats})
    if loop:
        path = " -> ".join([*loop, loop[0]])
        rows = ", ".join(str(row_of[s]) for s in loop)
        raise where.error(
            f"reporting lines go round in a loop: {path} (rows {rows}); every chain of managers must end "
            "at the top seat",
            row_of[loop[0]],
            "reports_to",
        )
    graph = nx.DiGraph()
    for _, seat in seats:
        graph.add_node(seat.id, **{k: v for k, v in seat.__dict__.items() if k != "id"})
    for _, seat in seats:
        if seat.reports_to is not None:
            graph.add_edge(seat.reports_to, seat.id)
    order = [roots[0][1].id, *(v for _, v in nx.bfs_edges(graph, roots[0][1].id))]
    by_id = {s.id: s for _, s in seats}
    return Team(source=source, seats=tuple(by_id[i] for i in order), graph=graph, templates=t)


def _loop(manager_of: dict[str, str | None]) -> list[str]:
    """The first reporting loop (each seat followed by its manager), or [] when every chain ends at a top seat."""
    done: set[str] = set()
    for start in manager_of:
        chain: dict[str, None] = {}
        seat: str | None = start
        while seat is not None and seat not in done and seat not in chain:
            chain[seat] = None
            seat = manager_of.get(seat)
        if seat is not None and seat in chain:
            walk = list(chain)
            return walk[walk.index(seat) :]
        done.update(chain)
    return []
