"""Plain tables as workbook sheets: a styled header, widths, number formats, frozen header.

Used for the roadmap, the gap report and scenario comparisons; the staffing plan has its
own richer writer in :mod:`orgplan.excel`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .files import atomic_path

__all__ = ["Table", "add_table_sheet", "write_tables", "put_value"]


@dataclass(frozen=True)
class Table:
    """A sheet: a title line, headers, rows, and per-column number formats and widths."""

    name: str
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    formats: dict[int, str] = field(default_factory=dict)  # column index (0-based) -> number format
    widths: dict[int, int] = field(default_factory=dict)


def add_table_sheet(wb: Any, table: Table) -> Any:
    """Add ``table`` as a new sheet of the openpyxl workbook ``wb``; text never becomes a formula."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(table.name)
    put_value(ws.cell(row=1, column=1), table.title).font = Font(bold=True, size=13)
    fill, font = PatternFill("solid", fgColor="1F4E78"), Font(bold=True, color="FFFFFF")
    for c, header in enumerate(table.headers, start=1):
        cell = put_value(ws.cell(row=3, column=c), header)
        cell.fill, cell.font = fill, font
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        longest = max([len(str(header)) // 2 + 2, *(len(str(r[c - 1])) + 2 for r in table.rows[:200] if c - 1 < len(r) and r[c - 1] is not None)])
        ws.column_dimensions[get_column_letter(c)].width = table.widths.get(c - 1, min(60, max(8, longest)))
    ws.row_dimensions[3].height = 30
    wrap = Alignment(wrap_text=True, vertical="top")
    wide = {c: w for c, w in table.widths.items() if w >= 40}  # long text wraps in its set width
    for r, row in enumerate(table.rows, start=4):
        lines = 1
        for c, value in enumerate(row, start=1):
            cell = put_value(ws.cell(row=r, column=c), value)
            if c - 1 in table.formats:
                cell.number_format = table.formats[c - 1]
            if c - 1 in wide and isinstance(value, str):
                cell.alignment = wrap
                lines = max(lines, -(-len(value) * 11 // (10 * wide[c - 1])))
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines
    ws.freeze_panes = "B4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def put_value(cell: Any, value: Any) -> Any:
    """Set a cell's value; text that looks like a formula is kept as text."""
    cell.value = value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_tables(path: str | os.PathLike[str], tables: Sequence[Table]) -> Path:
    """Write ``tables`` as the sheets of a new workbook at ``path``, atomically."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        add_table_sheet(wb, table)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
