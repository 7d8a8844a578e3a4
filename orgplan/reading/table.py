"""The one reader of tabular input: a CSV, or a worksheet of an .xlsx, within orgplan's limits.

Team files (:mod:`orgplan.reading.team`) and company lists (:mod:`orgplan.reading.companies`)
are both read here, each with its own section of ``templates/limits.yaml``. Only a regular
file is read (a named pipe, a device or a folder is refused before a byte is read), never
more than its ``file_bytes``; a CSV must be UTF-8 text without NUL characters and with
closed quotes; a workbook is checked as :mod:`orgplan.reading.xlsx` checks it (sizes, zip
bombs, DTDs and entities). Rows, columns and cells are checked as they are read, so a long
file is refused at the first row past a limit. The ``rows`` limit counts rows with values
below a header row: the header does not count, nor do empty rows (of which a file may hold
as many again).

>>> import tempfile, pathlib
>>> from orgplan.errors import OrgplanError
>>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = f.write_text("id;title\\n\\nceo;Chief\\n")
>>> read_table(f, OrgplanError, "team_files", sniff=True)
Table(sheet=None, rows=[(1, ['id', 'title']), (3, ['ceo', 'Chief'])])
>>> _ = f.write_bytes(b"id,title\\nceo,\\x00\\x00\\n")
>>> read_table(f, OrgplanError, "team_files")
Traceback (most recent call last):
...
orgplan.errors.OrgplanError: ...t.csv: line 2: a NUL character, which text never holds (a binary file saved as .csv?)
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgplan.core.files import read_bytes
from orgplan.core.limits import limit
from orgplan.errors import OrgplanError
from orgplan.reading.xlsx import column_letters, read_rows

__all__ = ["Table", "read_table", "WORKBOOK_SUFFIXES"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
Row = tuple[int, list[Any]]


@dataclass(frozen=True)
class Table:
    """The rows of a table that have values, numbered as the file shows them; ``sheet`` is None for a CSV."""

    sheet: str | None
    rows: list[Row]


def read_table(
    path: str | os.PathLike[str],
    error: type[OrgplanError],
    section: str,
    *,
    prefer: tuple[str, ...] = (),
    sniff: bool = False,
) -> Table:
    """Read the CSV or workbook at ``path`` (by its suffix) within the limits of ``section``.

    A workbook's worksheet is the first named in ``prefer``, else the first. With ``sniff``,
    a CSV's separator is the one of ``,``, ``;`` and tab its first line holds most of.
    Raises ``error`` naming the file, and the row and column where there is one.
    """
    p = Path(path)
    data = read_bytes(p, error, limit(f"{section}.file_bytes"))
    check = _Limits(p, error, section)
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        sheet, rows = read_rows(
            data,
            p,
            prefer,
            check.row,
            error=error,
            rows=check.rows,
            columns=check.columns,
            sheet_bytes=limit(f"{section}.sheet_bytes"),
        )
        return Table(sheet, rows)
    return Table(None, _csv_rows(data, p, error, check, sniff))


class _Limits:
    """The limits of one section, checked on every row as it is read."""

    def __init__(self, path: Path, error: type[OrgplanError], section: str):
        self.rows, self.columns, self.cell = (limit(f"{section}.{n}") for n in ("rows", "columns", "cell_chars"))
        self.path, self.error = path, error
        self.filled = self.empty = 0

    def row(self, sheet: str | None, n: int, cells: list[Any]) -> None:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            self.empty += 1
            if self.empty > self.rows.value:
                raise self._error(n, sheet, f"more empty rows than orgplan reads: {self.rows.describe()}")
            return
        self.filled += 1
        if self.filled > self.rows.value + 1:
            raise self._error(n, sheet, f"more rows than orgplan reads: a header and {self.rows.describe()}")
        if len(cells) > self.columns.value:
            raise self._error(n, sheet, f"{len(cells):,} columns, more than orgplan reads: {self.columns.describe()}")
        for i, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > self.cell.value:
                column = column_letters(i + 1) if sheet else str(i + 1)
                raise self._error(
                    n,
                    sheet,
                    f"column {column}: a cell of {len(cell):,} characters, more than orgplan reads: "
                    f"{self.cell.describe()}",
                )

    def _error(self, n: int, sheet: str | None, message: str) -> OrgplanError:
        where = f"sheet '{sheet}', row {n:,}" if sheet else f"row {n:,}"
        return self.error(message, path=self.path, where=where)


def _csv_rows(data: bytes, path: Path, error: type[OrgplanError], check: _Limits, sniff: bool) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error("not UTF-8 text; save the CSV as UTF-8 (in Excel: CSV UTF-8)", path=path) from None
    nul = text.find("\0")
    if nul >= 0:
        raise error(
            "a NUL character, which text never holds (a binary file saved as .csv?)",
            path=path,
            where=f"line {text.count(chr(10), 0, nul) + 1:,}",
        )
    delimiter = ","
    if sniff:  # a header of keys holds no separators, so its most frequent one is the file's
        first = text[: text.find("\n")] if "\n" in text else text
        delimiter = max(",;\t", key=first.count)
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    n = 0
    try:
        for n, row in enumerate(reader, start=1):
            check.row(None, n, row)
            if row:
                rows.append((n, row))
    except csv.Error as exc:
        raise error(
            f"CSV syntax error: {_csv_problem(str(exc), check)}",
            path=path,
            where=f"row {n + 1:,} (line {reader.line_num:,})",
        ) from None
    return rows


def _csv_problem(detail: str, check: _Limits) -> str:
    if "unexpected end of data" in detail:
        return 'a quote (") opens a cell that never closes; close it, or write "" for a quote inside a quoted cell'
    if "field larger than field limit" in detail:
        return f"a cell longer than orgplan reads: {check.cell.describe()} (is a quote left open?)"
    if "expected after" in detail:
        return f'text follows a closing quote ({detail}); quote the whole cell, and write "" for a quote inside it'
    return detail
