"""The summary figures of a plan: their keys, labels and formats, in one registry.

The text of ``orgplan compare``, the workbook's comparison sheet, the web page's
comparison and scenarios, the portfolio and the sensitivity outputs all name and format
a plan's totals from here, so a figure reads the same wherever it appears.

>>> per_100 = figure("hr_per_100")
>>> per_100.label, per_100.short, per_100.text(1.5), figure("annual_cost").text(1250000)
('HR staff per 100 employees', 'HR staff per 100', '1.50', '$1,250,000')
>>> figure("annual_cost").heading(), figure("hr_per_100").heading(short=True)
('Annual cost (USD)', 'HR staff per 100')
"""

from __future__ import annotations

from dataclasses import dataclass

from orgplan.core.words import money

__all__ = ["KINDS", "SummaryFigure", "SUMMARY_FIGURES", "COMPARED", "figure", "figures"]

# How a value of each kind reads in text, and its number format in a spreadsheet.
KINDS = {
    "count": ("{:,.0f}", "#,##0"),
    "fte": ("{:,.2f}", "0.00"),
    "ratio": ("{:.2f}", "0.00"),
    "money": ("${:,.0f}", "#,##0"),
}


@dataclass(frozen=True)
class SummaryFigure:
    """A figure of a plan's summary (``Plan.summary[key]``): how outputs name it and show its value.

    ``short`` is the label where room is short (a terminal table, a chart axis); ``kind``
    is one of :data:`KINDS`.
    """

    key: str
    label: str
    kind: str
    short: str = ""

    def text(self, value: float) -> str:
        """The value as text shows it: ``'1.50'``, ``'$1,250,000'``."""
        return money(value) if self.kind == "money" else KINDS[self.kind][0].format(value)

    @property
    def brief(self) -> str:
        """The label where room is short: ``short``, or the label when it has none."""
        return self.short or self.label

    def heading(self, *, short: bool = False) -> str:
        """The label over a column of bare numbers: money says its currency (``'Annual cost (USD)'``)."""
        label = self.brief if short else self.label
        return f"{label} (USD)" if self.kind == "money" else label

    @property
    def number_format(self) -> str:
        """The figure's number format in a spreadsheet."""
        return KINDS[self.kind][1]


SUMMARY_FIGURES = (
    SummaryFigure("employees", "Employees", "count"),
    SummaryFigure("hr_headcount", "HR seats", "count"),
    SummaryFigure("hr_fte", "HR FTE", "fte"),
    SummaryFigure("hr_per_100", "HR staff per 100 employees", "ratio", short="HR staff per 100"),
    SummaryFigure("annual_cost", "Annual cost", "money"),
    SummaryFigure("layers", "Layers", "count"),
    SummaryFigure("widest_span", "Widest span", "count"),
)
_BY_KEY = {f.key: f for f in SUMMARY_FIGURES}

# The figures two plans are compared by (orgplan compare, the web page's comparison and scenarios).
COMPARED = ("hr_headcount", "hr_fte", "hr_per_100", "annual_cost", "layers", "widest_span")


def figure(key: str) -> SummaryFigure:
    """The summary figure called ``key``."""
    return _BY_KEY[key]


def figures(*keys: str) -> tuple[SummaryFigure, ...]:
    """The summary figures called ``keys``, in that order (none given: every one)."""
    return tuple(_BY_KEY[k] for k in keys) if keys else SUMMARY_FIGURES
