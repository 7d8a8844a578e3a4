"""Plain tables as workbook sheets: a title, a header row, rows, and optionally a native chart.

Used for the roadmap, the gap report and scenario comparisons; the staffing plan has its
richer sheets in :mod:`orgplan.excel`. Both write through :mod:`orgplan.sheets`, so they
look and print alike. A cell may hold a :class:`~orgplan.outputs.workbook.sheets.Formula` (with its value);
a row holding a single text is a note written across the table.

>>> import tempfile, pathlib, openpyxl
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
>>> chart = TableChart("line", "Seats by size", categories=0, series=(1,))
>>> sizes = [[100, 2], [200, 3]]
>>> table = Table("Sizes", "Seats at each size", ["Employees", "Seats"], sizes, {0: "#,##0"}, chart=chart)
>>> _ = write_tables(path, [table])
>>> ws = openpyxl.load_workbook(path)["Sizes"]
>>> ws.cell(row=FIRST_ROW, column=2).value
2
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgplan.core.files import atomic_path

if TYPE_CHECKING:
    from orgplan.outputs.workbook.sheets import Book, Sheet

__all__ = ["Table", "TableChart", "FIRST_ROW", "add_table_sheet", "write_tables"]

HEADER_ROW = 3  # the sheet row (1-based) of a table's headers: title in row 1
FIRST_ROW = HEADER_ROW + 1  # the sheet row of a table's first data row, for formulas over it


@dataclass(frozen=True)
class TableChart:
    """A native chart over some columns of a :class:`Table` (0-based column indexes).

    ``kind`` is column, bar or line; ``dashed`` lists the series (by position in
    ``series``) drawn dashed, such as the edges of a band. The chart gets a chart sheet of
    its own after the table's sheet, named "<table name> chart".
    """

    kind: str
    title: str
    categories: int
    series: tuple[int, ...]
    y_title: str | None = None
    x_title: str | None = None
    dashed: tuple[int, ...] = ()


@dataclass(frozen=True)
class Table:
    """A sheet: a title line, headers, rows, per-column number formats and widths, an optional chart and filter.

    ``widths`` are the most a column may take (0-based column -> characters): longer
    text wraps. Other columns fit their content. ``row_formats`` give a row of mixed
    figures (a count, a cost) its own number format.
    """

    name: str
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    formats: dict[int, str] = field(default_factory=dict)  # column index (0-based) -> number format
    widths: dict[int, int] = field(default_factory=dict)
    chart: TableChart | None = None
    row_formats: dict[int, str] = field(default_factory=dict)  # row index (0-based) -> number format, over the column's
    filter: bool = False  # filter buttons on the header row


def add_table_sheet(book: Book, table: Table) -> Sheet:
    """Write ``table`` as a new sheet of ``book`` and finish it; text never becomes a formula."""
    sheet = book.sheet(table.name)
    sheet.title(table.title)
    for col, width in table.widths.items():
        sheet.cap(col, width)
    sheet.header(HEADER_ROW - 1, list(table.headers))
    for i, values in enumerate(table.rows):
        row = HEADER_ROW + i
        if len(values) == 1 and isinstance(values[0], str):
            sheet.span(row, 0, values[0])
            continue
        for col, value in enumerate(values):
            sheet.put(row, col, value, table.row_formats.get(i, table.formats.get(col)), wrap=col in table.widths)
    if table.filter and table.rows:
        sheet.ws.autofilter(HEADER_ROW - 1, 0, HEADER_ROW + len(table.rows) - 1, len(table.headers) - 1)
    if table.chart is not None and table.rows:
        c = table.chart
        first, last = HEADER_ROW, HEADER_ROW + len(table.rows) - 1
        sheet.chart(
            c.kind,
            c.title,
            (first, last, c.categories),
            [(str(table.headers[s]), first, last, s) for s in c.series],
            number_format=table.formats.get(c.series[0]),
            category_format=table.formats.get(c.categories),
            y_title=c.y_title,
            x_title=c.x_title,
            dashed=c.dashed,
        )
    sheet.finish(repeat_rows=HEADER_ROW - 1, repeat_cols=0, freeze=(HEADER_ROW, 1))
    return sheet


def write_tables(path: str | os.PathLike[str], tables: Sequence[Table]) -> Path:
    """Write ``tables`` as the sheets of a new workbook at ``path``, atomically."""
    from orgplan.outputs.workbook.sheets import Book

    with atomic_path(path) as tmp:
        book = Book(tmp)
        for table in tables:
            add_table_sheet(book, table)
        book.close()
    return Path(path)
