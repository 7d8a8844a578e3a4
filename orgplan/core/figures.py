"""The summary figures of a plan: their keys, labels and formats, in one registry.

The plan's text, the web plan page's figures, the workbook's Summary sheet, the roadmap's
tables (terminal, web page and workbook), the text of ``orgplan compare``, the workbook's
comparison sheet, the web page's comparison and scenarios, the portfolio and the
sensitivity outputs all name and format a plan's totals from here, so a figure reads the
same wherever it appears.

A figure has one label and, where an output says it otherwise, a ``short`` form (a
terminal table, a chart axis), a ``column`` one (the narrow columns of the roadmap's
tables), a ``long`` one (the web plan page spells an abbreviation out) and an ``exact``
one (the workbook's Summary sheet says what is counted).

>>> per_100 = figure("hr_per_100")
>>> per_100.label, per_100.short, per_100.text(1.5), figure("annual_cost").text(1250000)
('HR staff per 100 employees', 'HR staff per 100', '1.50', '$1,250,000')
>>> figure("annual_cost").heading(), figure("hr_per_100").heading(short=True)
('Annual cost (USD)', 'HR staff per 100')
>>> figure("hr_fte").full, figure("layers").precise, figure("seats_cost").heading(exact=True)
('HR full-time equivalents', 'Layers below the executive', 'Annual cost of the seats (USD)')
>>> figure("hr_per_100").narrow, figure("layers").narrow
('Per 100', 'Layers')
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

    ``short`` is the label where room is short (a terminal table, a chart axis), ``column``
    where it is shorter still (a column among the other totals), ``long`` the label spelled
    out where a page has room (the web plan page), ``exact`` the label that says what is
    counted (the workbook's Summary sheet); each is the label when empty. ``kind`` is one
    of :data:`KINDS`.
    """

    key: str
    label: str
    kind: str
    short: str = ""
    column: str = ""
    long: str = ""
    exact: str = ""

    def text(self, value: float) -> str:
        """The value as text shows it: ``'1.50'``, ``'$1,250,000'``."""
        return money(value) if self.kind == "money" else KINDS[self.kind][0].format(value)

    @property
    def brief(self) -> str:
        """The label where room is short: ``short``, or the label when it has none."""
        return self.short or self.label

    @property
    def narrow(self) -> str:
        """The label over a narrow column among the other totals: ``column``, else :attr:`brief` (``'Per 100'``)."""
        return self.column or self.brief

    @property
    def full(self) -> str:
        """The label spelled out: ``long``, or the label when it has none (``'HR full-time equivalents'``)."""
        return self.long or self.label

    @property
    def precise(self) -> str:
        """The label that says what is counted: ``exact``, or the label (``'Layers below the executive'``)."""
        return self.exact or self.label

    def heading(self, *, short: bool = False, exact: bool = False) -> str:
        """The label (``short`` or ``exact`` form) over a bare number: money says its currency.

        >>> figure("annual_cost").heading(), figure("widest_span").heading(exact=True)
        ('Annual cost (USD)', 'Widest span (direct reports)')
        """
        label = self.brief if short else self.precise if exact else self.label
        return f"{label} (USD)" if self.kind == "money" else label

    @property
    def number_format(self) -> str:
        """The figure's number format in a spreadsheet."""
        return KINDS[self.kind][1]


SUMMARY_FIGURES = (
    SummaryFigure("employees", "Employees", "count"),
    SummaryFigure("hr_headcount", "HR seats", "count"),
    SummaryFigure("hr_fte", "HR FTE", "fte", long="HR full-time equivalents"),
    SummaryFigure(
        "hr_per_100",
        "HR staff per 100 employees",
        "ratio",
        short="HR staff per 100",
        column="Per 100",
        exact="HR staff (FTE) per 100 employees",
    ),
    SummaryFigure("seats_cost", "Annual cost of the seats", "money"),
    SummaryFigure("fees", "Fees for work bought in", "money"),
    SummaryFigure("annual_cost", "Annual cost", "money"),
    SummaryFigure("layers", "Layers", "count", exact="Layers below the executive"),
    SummaryFigure("widest_span", "Widest span", "count", exact="Widest span (direct reports)"),
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
