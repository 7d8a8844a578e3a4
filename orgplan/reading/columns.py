"""The columns of the Positions sheet: what orgplan writes, and what it reads back.

One list serves both directions, so a workbook orgplan writes always reads back in.
``aliases`` are other headers a user's own team file may use for the same column;
headers are compared without case, spaces, underscores or punctuation.

>>> column_for("Reports to (ID)"), column_for("manager_id"), column_for("Job title")
('reports_to', 'reports_to', 'title')
>>> letter("annual_cost")
'H'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Column", "POSITION_COLUMNS", "PRINTED", "REQUIRED", "letter", "column_for", "normalise_header"]


@dataclass(frozen=True)
class Column:
    """A column of the Positions sheet; ``max_width`` caps its width (longer text runs on into the next cell)."""

    key: str
    header: str
    number_format: str | None = None
    aliases: tuple[str, ...] = ()
    max_width: int | None = None


MONEY = "#,##0"

# What a printed Positions sheet needs comes first (see PRINTED); the working columns follow.
POSITION_COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", aliases=("seat id", "position id", "employee id", "emp id")),
    Column("title", "Title", aliases=("job title", "position title", "position", "job")),
    Column("reports_to_title", "Reports to (title)"),
    Column("family", "Family"),
    Column("fte", "FTE", "0.00"),
    Column("base_salary", "Base salary (USD)", MONEY, aliases=("base salary", "salary", "annual salary", "base pay")),
    Column("benefits_load", "Benefits load", "0.00", aliases=("load",)),
    Column("annual_cost", "Annual cost (USD)", MONEY, aliases=("annual cost", "cost", "total cost")),
    Column("unit", "Business unit", aliases=("unit", "division")),
    Column("country", "Country"),
    Column("dotted_to_title", "Dotted line to"),
    Column(
        "reports_to",
        "Reports to (ID)",
        aliases=("reports to", "manager id", "manager", "supervisor id", "supervisor", "parent"),
    ),
    Column("role", "Role", aliases=("role key",)),
    Column("level", "Level", "0"),
    Column("layer", "Layer", "0"),
    Column("direct_reports", "Direct reports", "0"),
    Column("functions", "Functions"),
    Column("hiring_phase", "Hiring phase"),
    Column("quarter", "Hire in quarter", '"Q"0'),
    Column("cost_per_function", "Cost per function area (USD)", MONEY),
    Column("rationale", "Rationale", max_width=80),
)
PRINTED = (
    "annual_cost",
    "dotted_to_title",
)  # the last printed column: without, and with seats aligned to units, countries or dotted lines

REQUIRED = ("id", "title", "reports_to")

_BY_KEY = {c.key: i for i, c in enumerate(POSITION_COLUMNS)}


def normalise_header(text: object) -> str:
    """``'Reports to (ID)'`` -> ``'reportstoid'``: what header matching compares."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


_HEADERS = {normalise_header(name): c.key for c in POSITION_COLUMNS for name in (c.header, c.key, *c.aliases)}


def letter(key: str) -> str:
    """The spreadsheet column letter of a Positions column."""
    n, out = _BY_KEY[key] + 1, ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def column_for(header: object) -> str | None:
    """The column key a header names, or None for a column orgplan does not use."""
    return _HEADERS.get(normalise_header(header))
