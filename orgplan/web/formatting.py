"""How values read on a page: figures, money and labels (the page templates' filters).

>>> fmt(1234567.0), money(1250000), label("hr_per_100"), dec2(1.5)
('1,234,567', '$1,250,000', 'Hr per 100', '1.50')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orgplan.web.forms import shown

__all__ = ["fmt", "dec2", "label", "money", "slug", "company_file", "FILTERS"]


def fmt(value: Any) -> str:
    """A figure for a reader: thousands separated, no needless decimals.

    >>> fmt(1234567.0), fmt(0.055), fmt(109.5), fmt(14.0), fmt({"a_b": 2})
    ('1,234,567', '0.055', '109.5', '14', 'A b: 2')
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        digits = 4 if abs(value) < 10 else 2
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    if isinstance(value, Mapping):
        return "; ".join(f"{label(k)}: {fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value)
    return "" if value is None else str(value)


def dec2(value: Any) -> str:
    """A ratio with two decimals (HR staff per 100 employees)."""
    return f"{value:.2f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else fmt(value)


def label(key: Any) -> str:
    """A key as a heading: ``seats_by_family`` reads "Seats by family"."""
    return str(key).replace("_", " ").capitalize()


def money(amount: Any) -> str:
    """An amount as the report writes money; anything else as :func:`fmt` does."""
    from orgplan.core.words import money as report_money

    return report_money(float(amount)) if isinstance(amount, (int, float)) else fmt(amount)


def slug(text: Any) -> str:
    """A name for a file: lower case, words joined by hyphens, nothing a file system or a header minds.

    >>> slug("Larkspur Foods"), slug("  Ünïcode & Co., Ltd. "), slug("***")
    ('larkspur-foods', 'unicode-co-ltd', '')
    """
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-")


def company_file(company: Any, name: str) -> str:
    """A download's file name led by the company's: ``larkspur-foods-staffing-plan.xlsx``.

    >>> company_file("Larkspur Foods", "staffing-plan.xlsx"), company_file("", "orgchart.png")
    ('larkspur-foods-staffing-plan.xlsx', 'orgchart.png')
    """
    lead = slug(company)
    return f"{lead}-{name}" if lead else name


FILTERS = {"fmt": fmt, "money": money, "label": label, "dec2": dec2, "shown": shown}
