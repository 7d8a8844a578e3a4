"""The columns of the Positions sheet: what orgplan writes, and what it reads back.

One list serves both directions, so a workbook orgplan writes always reads back in.
``aliases`` are other headers a user's own team file may use for the same column;
headers are compared without case, spaces, underscores or punctuation.

>>> column_for("Reports to (ID)"), column_for("manager_id"), column_for("Job title")
('reports_to', 'reports_to', 'title')
>>> letter("annual_cost")
'N'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Column", "POSITION_COLUMNS", "REQUIRED", "letter", "column_for", "normalise_header"]


@dataclass(frozen=True)
class Column:
    """A column of the Positions sheet."""

    key: str
    header: str
    width: int
    number_format: str | None = None
    aliases: tuple[str, ...] = ()


MONEY = "#,##0"

POSITION_COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", 24, aliases=("seat id", "position id", "employee id", "emp id")),
    Column("title", "Title", 34, aliases=("job title", "position title", "position", "job")),
    Column("role", "Role", 24, aliases=("role key",)),
    Column("family", "Family", 12),
    Column("level", "Level", 7, "0"),
    Column("reports_to", "Reports to (ID)", 24, aliases=("reports to", "manager id", "manager", "supervisor id", "supervisor", "parent")),
    Column("reports_to_title", "Reports to (title)", 30),
    Column("layer", "Layer", 7, "0"),
    Column("direct_reports", "Direct reports", 9, "0"),
    Column("functions", "Functions", 40),
    Column("fte", "FTE", 7, "0.00"),
    Column("base_salary", "Base salary (USD)", 14, MONEY, aliases=("base salary", "salary", "annual salary", "base pay")),
    Column("benefits_load", "Benefits load", 9, "0.00", aliases=("load",)),
    Column("annual_cost", "Annual cost (USD)", 14, MONEY, aliases=("annual cost", "cost", "total cost")),
    Column("hiring_phase", "Hiring phase", 20),
    Column("quarter", "Hire in quarter", 9, '"Q"0'),
    Column("cost_per_function", "Cost per function area (USD)", 14, MONEY),
    Column("rationale", "Rationale", 70),
)

REQUIRED = ("id", "title", "reports_to")

_BY_KEY = {c.key: i for i, c in enumerate(POSITION_COLUMNS)}


def normalise_header(text: object) -> str:
    """``'Reports to (ID)'`` -> ``'reportstoid'``: what header matching compares."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


_HEADERS = {normalise_header(name): c.key for c in POSITION_COLUMNS for name in (c.header, c.key, *c.aliases)}


def letter(key: str) -> str:
    """The spreadsheet column letter of a Positions column."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(_BY_KEY[key] + 1)


def column_for(header: object) -> str | None:
    """The column key a header names, or None for a column orgplan does not use."""
    return _HEADERS.get(normalise_header(header))
