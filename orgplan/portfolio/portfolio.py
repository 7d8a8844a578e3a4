"""A whole portfolio at once: every company planned, compared side by side, and totalled.

:func:`plan_portfolio` plans the companies :func:`~orgplan.reading.companies.read_companies` read
(through :func:`~orgplan.portfolio.batch.plan_many`, on any executor); :func:`write_portfolio`
writes ``portfolio.xlsx`` - a row per company, a Summary by company size with a chart,
and the rows that could not be planned with the reason - and ``portfolio.json``.

>>> import tempfile, pathlib
>>> from orgplan.reading.companies import read_companies
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "c.csv").write_text("company,employees\\nAcme,400\\nBolt,-3\\n", encoding="utf-8")
>>> p = plan_portfolio(read_companies(folder / "c.csv"))
>>> [c.plan.company for c in p.companies], [str(e) for e in p.errors]
(['Acme'], ['row 3: employees: expected a whole number from 1 to 5,000,000, got -3'])
"""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgplan.core.figures import figures
from orgplan.core.files import atomic_write_text
from orgplan.knowledge.benchmarks import hr_per_100
from orgplan.knowledge.templates import Templates, load_templates
from orgplan.outputs.workbook.tables import Table
from orgplan.portfolio.batch import CompanyPlan, company_folders, plan_many
from orgplan.reading.companies import Companies, RowError

__all__ = ["PlannedCompany", "Portfolio", "plan_portfolio", "portfolio_tables", "write_portfolio", "portfolio_text"]

STATUS_WORDS = {"within": "within", "above": "above", "below": "below"}


@dataclass(frozen=True)
class PlannedCompany:
    """A company of the portfolio that was planned: where it came from, and its plan."""

    row: int | None
    file: str | None
    plan: CompanyPlan
    folder: str | None = None  # the folder of its own plan files, under the output folder

    def to_dict(self) -> dict[str, Any]:
        place = {"row": self.row} if self.row is not None else {"file": self.file}
        return {**place, **({"folder": self.folder} if self.folder else {}), **self.plan.to_dict()}


@dataclass(frozen=True)
class Portfolio:
    """Every company's plan, and the rows that could not be planned, in the order of the input."""

    source: str
    kind: str  # "rows" or "folder"
    companies: tuple[PlannedCompany, ...]
    errors: tuple[RowError, ...]
    templates: Templates = field(repr=False, compare=False)

    def totals(self) -> dict[str, Any]:
        """Companies, employees, HR seats, FTE, HR staff per 100, cost and benchmark counts over the portfolio."""
        return _totals([c.plan for c in self.companies]) | {"rows_with_errors": len(self.errors)}

    def by_size(self) -> list[dict[str, Any]]:
        """The totals for each published size band that has companies, smallest first."""
        groups: dict[tuple[int, int] | None, list[CompanyPlan]] = {}
        for c in self.companies:
            band = self.templates.band_for(c.plan.employees)
            groups.setdefault((band.min_employees, band.max_employees) if band else None, []).append(c.plan)
        out = []
        bands = {(b.min_employees, b.max_employees): b for b in self.templates.bands}
        last = max(bands, default=None)
        for key in sorted(groups, key=lambda k: (k is None, k or (0, 0))):
            band = bands.get(key) if key else None
            label = (
                "outside the published bands"
                if key is None
                else f"{key[0]:,} or more"
                if key == last
                else f"{key[0]:,}-{key[1]:,}"
            )
            out.append(
                {
                    "size": label,
                    "low": band.low if band else None,
                    "high": band.high if band else None,
                    **_totals(groups[key]),
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "totals": self.totals(),
            "by_size": self.by_size(),
            "companies": [c.to_dict() for c in self.companies],
            "errors": [e.to_dict() for e in self.errors],
        }

    @property
    def json(self) -> str:
        """The portfolio as JSON; the same input gives the same bytes, whichever executor planned it."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _totals(plans: list[CompanyPlan]) -> dict[str, Any]:
    employees = sum(p.employees for p in plans)
    fte = round(sum(p.summary["hr_fte"] for p in plans), 2)
    status = [p.summary.get("benchmark_hr_per_100", {}).get("status") for p in plans]
    return {
        "companies": len(plans),
        "employees": employees,
        "hr_headcount": sum(p.summary["hr_headcount"] for p in plans),
        "hr_fte": fte,
        "hr_per_100": hr_per_100(fte, employees) if employees else None,
        "median_hr_per_100": round(statistics.median(p.summary["hr_per_100"] for p in plans), 3) if plans else None,
        "annual_cost": sum(p.summary["annual_cost"] for p in plans),
        **{name: status.count(name) for name in STATUS_WORDS},
    }


def plan_portfolio(
    companies: Companies,
    executor: Executor | None = None,
    *,
    templates: Templates | None = None,
    each_dir: str | os.PathLike[str] | None = None,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Portfolio:
    """Plan every company that was read (:func:`~orgplan.portfolio.batch.plan_many` says what ``executor`` does).

    With ``each_dir``, each company's plan files go into a folder of its own there,
    named after the company. A company the rules cannot plan joins the errors.
    """
    t = templates or load_templates()
    good = [e for e in companies.entries if e.profile is not None]
    profiles = [e.profile for e in good if e.profile is not None]
    folders = company_folders([p.company for p in profiles], each_dir) if each_dir is not None else None
    results = iter(plan_many(profiles, executor, batch_size, templates=t, folders=folders, progress=progress))
    names = iter(f.name for f in folders) if folders is not None else None
    planned: list[PlannedCompany] = []
    errors: list[RowError] = []
    for entry in companies.entries:
        if entry.error is not None:
            errors.append(entry.error)
            continue
        result = next(results)
        folder = next(names) if names is not None else None
        if result.error is not None:
            errors.append(RowError(entry.row, entry.file, None, result.company, result.error))
        else:
            planned.append(PlannedCompany(entry.row, entry.file, result, folder))
    return Portfolio(companies.source, companies.kind, tuple(planned), tuple(errors), t)


def portfolio_tables(p: Portfolio) -> list[Table]:
    """The workbook's sheets: Companies (a row each), Summary (by size, with a chart) and Errors."""
    from orgplan.outputs.workbook.tables import TableChart

    t = p.templates
    families = list(t.hr_families)
    place = "Row" if p.kind == "rows" else "File"
    each = any(c.folder for c in p.companies)
    employees, seats, fte, per_100, cost = figures("employees", "hr_headcount", "hr_fte", "hr_per_100", "annual_cost")
    headers = [
        "Company",
        place,
        *(f.heading(short=True) for f in (employees, seats, fte, per_100)),
        "Published range per 100",
        "Against the range",
        cost.heading(),
        "Head of HR",
        "Operating model",
        *(f"{t.families[f].label} (seats)" for f in families),
        *(["Plan folder"] if each else []),
        "Why outside the range",
    ]
    rows = []
    for c in p.companies:
        s = c.plan.summary
        band = s.get("benchmark_hr_per_100") or {}
        rows.append(
            [
                c.plan.company,
                c.row if c.row is not None else c.file,
                c.plan.employees,
                s["hr_headcount"],
                s["hr_fte"],
                s["hr_per_100"],
                f"{band['low']:g}-{band['high']:g}" if band else None,
                band.get("status"),
                s["annual_cost"],
                c.plan.head_of_hr,
                (s.get("operating_model") or {}).get("label"),
                *(s["seats_by_family"].get(f, 0) for f in families),
                *([c.folder] if each else []),
                " ".join(band.get("reasons") or []) or None,
            ]
        )
    formats = {2: employees.number_format, 3: seats.number_format, 4: fte.number_format}
    formats |= {5: per_100.number_format, 8: cost.number_format}
    totals = p.totals()
    title = f"{totals['companies']:,} companies planned from {Path(p.source).name}"
    if p.errors:
        title += f"; {len(p.errors):,} could not be planned (see Errors)"
    sheets = [
        Table("Companies", title, headers, rows, formats, {0: 40, 9: 30, 10: 24, len(headers) - 1: 80}, filter=True)
    ]
    size_headers = [
        "Company size (employees)",
        "Companies",
        *(f.heading(short=True) for f in (employees, seats, fte)),
        f"{per_100.brief}, all together",
        f"{per_100.brief}, median company",
        "Published low, per 100",
        "Published high, per 100",
        "Within the range",
        "Above the range",
        "Below the range",
        cost.heading(),
    ]
    keys = [
        "companies",
        "employees",
        "hr_headcount",
        "hr_fte",
        "hr_per_100",
        "median_hr_per_100",
        "low",
        "high",
        *STATUS_WORDS,
        "annual_cost",
    ]
    size_rows = [[band["size"], *(band[k] for k in keys)] for band in p.by_size()]
    size_rows.append(["All companies", *({**totals, "low": None, "high": None}[k] for k in keys)])
    chart = TableChart(
        "column",
        "HR staff per 100 employees by company size, against the published range",
        categories=0,
        series=(6, 7, 8),
        y_title=per_100.label,
        x_title="Company size (employees)",
    )
    size_formats = {
        1: "#,##0",
        2: "#,##0",
        3: "#,##0",
        4: fte.number_format,
        **dict.fromkeys((5, 6, 7, 8), per_100.number_format),
        9: "#,##0",
        10: "#,##0",
        11: "#,##0",
        12: cost.number_format,
    }
    sheets.append(
        Table(
            "Summary",
            f"The portfolio by company size: {totals['companies']:,} companies, {totals['employees']:,} employees",
            size_headers,
            size_rows,
            size_formats,
            chart=chart,
        )
    )
    error_rows = [[e.row if e.row is not None else e.file, e.column, e.company or None, e.message] for e in p.errors]
    sheets.append(
        Table(
            "Errors",
            f"{len(p.errors):,} rows of {Path(p.source).name} could not be planned"
            if p.errors
            else "Every company was planned",
            [place, "Column", "Company", "Reason"],
            error_rows,
            {},
            {2: 40, 3: 100},
            filter=True,
        )
    )
    return sheets


def write_portfolio(p: Portfolio, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``portfolio.xlsx`` and ``portfolio.json`` into ``out_dir``; return the paths."""
    from orgplan.outputs.workbook.tables import write_tables

    folder = Path(out_dir)
    return [
        write_tables(folder / "portfolio.xlsx", portfolio_tables(p)),
        atomic_write_text(folder / "portfolio.json", p.json),
    ]


def portfolio_text(p: Portfolio) -> str:
    """A few lines for the terminal: the totals and where the plans sit against the published range."""
    s = p.totals()
    lines = [f"Portfolio from {p.source}: {s['companies']:,} companies planned, {len(p.errors):,} not planned"]
    if s["companies"]:
        shown = figures("employees", "hr_headcount", "hr_fte", "hr_per_100", "annual_cost")
        lines.append("   ".join(f"{f.brief}: {f.text(s[f.key])}" for f in shown))
        lines.append(f"Against the published range: {s['within']:,} within, {s['above']:,} above, {s['below']:,} below")
    return "\n".join(lines)
