"""How sure is the plan, for a reader: the spread as tables, a workbook and a picture, and as text."""

from __future__ import annotations

import os
from pathlib import Path

from orgplan.outputs.workbook.tables import Table
from orgplan.portfolio.sensitivity import MEASURES, Sensitivity, share_text

__all__ = ["sensitivity_tables", "write_sensitivity", "sensitivity_text"]


def sensitivity_tables(s: Sensitivity) -> list[Table]:
    """The workbook's sheets: Spread (P10/P50/P90), Roles (how often each appears) and Samples."""
    about = f"{s.profile.company}: {s.about()}"
    spread_rows = [[r.measure, r.given, r.p10, r.p50, r.p90, r.low, r.high] for r in s.spread()]
    formats = {i: fmt for i, (_, _, fmt) in enumerate(MEASURES)}
    spread = Table(
        "Spread",
        f"How much the plan moves - {about}",
        ["Measure", "As given", "P10", "P50", "P90", "Smallest", "Largest"],
        spread_rows,
        {},
        row_formats=formats,
    )
    families = s.templates.families
    role_rows = [
        [
            r.title,
            families[r.family].label if r.family in families else r.family,
            r.share,
            r.given,
            r.low,
            r.median,
            r.high,
        ]
        for r in s.roles()
    ]
    roles = Table(
        "Roles",
        f"Which seats are certain and which depend on the assumptions - {about}",
        [
            "Role",
            "Family",
            "Share of samples with the role",
            "Seats as given",
            "Fewest seats",
            "Median seats",
            "Most seats",
        ],
        role_rows,
        {2: "0.0%", 3: "0", 4: "0", 6: "0"},
    )
    fields = s.templates.profile_fields
    keys = [v.key for v in s.varies]
    labels = [fields[k].get("label", k) for k in keys]
    sample_rows = [
        [i, *(values[k] for k in keys), *(r.summary[m] for _, m, _ in MEASURES)]
        for i, (values, r) in enumerate(zip(s.samples, s.results, strict=True), start=1)
    ]
    sample_formats = {
        i + 1: "0.0%" if fields[v.key].get("format") == "percent" else "#,##0" if v.whole else "#,##0.00##"
        for i, v in enumerate(s.varies)
    }
    sample_formats |= {len(keys) + 1 + i: fmt for i, (_, _, fmt) in enumerate(MEASURES)}
    samples = Table(
        "Samples",
        f"Every sample: the values drawn and the plan's totals - {about}",
        ["Sample", *labels, *(m for m, _, _ in MEASURES)],
        sample_rows,
        sample_formats,
        filter=True,
    )
    return [spread, roles, samples]


def write_sensitivity(s: Sensitivity, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``sensitivity.xlsx`` and ``sensitivity.png`` into ``out_dir``; return the paths."""
    from orgplan.outputs.workbook.tables import write_tables
    from orgplan.portfolio.sensitivity_chart import render_sensitivity

    folder = Path(out_dir)
    return [
        write_tables(folder / "sensitivity.xlsx", sensitivity_tables(s)),
        render_sensitivity(s, folder / "sensitivity.png"),
    ]


def sensitivity_text(s: Sensitivity) -> str:
    """The spread and the roles that depend on the assumptions, for the terminal."""
    lines = [f"How sure is the plan for {s.profile.company}: {s.about()}", ""]
    lines.append(f"{'':18}  {'as given':>12}  {'P10':>12}  {'P50':>12}  {'P90':>12}")
    shown = {"hr_headcount": "{:,.0f}", "annual_cost": "${:,.0f}"}
    for r in s.spread():
        cells = [shown.get(r.key, "{:,.2f}").format(x) for x in (r.given, r.p10, r.p50, r.p90)]
        lines.append(f"{r.measure:18}  " + "  ".join(f"{c:>12}" for c in cells))
    certain = [r.title for r in s.roles() if r.certain]
    depends = [f"{r.title} ({share_text(r.share)})" for r in s.roles() if not r.certain]
    lines += [
        "",
        f"In every sample: {', '.join(certain) or 'no role'}",
        f"Depends on the assumptions: {', '.join(depends) or 'nothing'}",
    ]
    return "\n".join(lines)
