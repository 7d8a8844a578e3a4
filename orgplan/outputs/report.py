"""Plain-text views of a plan for the terminal."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from orgplan.core.figures import COMPARED, SummaryFigure, figures
from orgplan.core.words import money
from orgplan.model.plan import Plan, SeatTree

__all__ = ["plan_table", "team_table", "roadmap_text", "gap_text", "explain_text", "rules_text", "seat_lines"]


def seat_lines(p: SeatTree) -> list[str]:
    """Seats grouped by title and reporting line: count, FTE, title, manager, cost."""
    titles = {s.id: s.title for s in p.seats}
    rows: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
    for seat in p.hr_seats:
        key = (seat.title, titles.get(seat.reports_to or "", "-"))
        count, fte, cost = rows.get(key, [0, 0.0, 0.0])
        rows[key] = [count + 1, fte + seat.fte, cost + seat.annual_cost]
    head = ("Seats", "FTE", "Role", "Reports to", "Annual cost")
    body = [(str(int(c)), f"{f:g}", title, boss, money(cost)) for (title, boss), (c, f, cost) in rows.items()]
    return _grid(head, body, left={2, 3})


def plan_table(p: Plan) -> str:
    """Seats grouped by role and reporting line, then the totals."""
    s = p.summary
    out = [f"HR organisation for {p.profile.company} ({p.profile.employees:,} employees)", "", *seat_lines(p)]
    families = ", ".join(f"{p.templates.families[f].label} {n:,}" for f, n in s["seats_by_family"].items() if n)
    seats, fte, per_100, layers, span = figures("hr_headcount", "hr_fte", "hr_per_100", "layers", "widest_span")
    out += [
        "",
        f"{_said(seats, s)} ({families})",
        f"{_said(fte, s)}   {_said(per_100, s)}",
        *benchmark_lines(s),
        _cost_line(s),
        f"{_said(layers, s)}   {_said(span, s)}   Head of HR reports to: {p.root.title}",
    ]
    model = s.get("operating_model")
    if model:
        out.append(f"Operating model: {model['label']} - {model['why']}")
    out += sourcing_lines(p)
    out += budget_lines(s)
    return "\n".join(out)


def _said(f: SummaryFigure, s: dict[str, Any], note: str = "") -> str:
    """A summary figure as a line of the plan says it: label, ``note`` and value.

    >>> per_100, layers = figures("hr_per_100", "layers")
    >>> _said(per_100, {"hr_per_100": 1.5}), _said(layers, {"layers": 4}, " (below the CEO)")
    ('HR staff per 100 employees: 1.50', 'Layers (below the CEO): 4')
    """
    return f"{f.label}{note}: {f.text(s[f.key])}"


def _cost_line(s: dict[str, Any]) -> str:
    """The annual cost, and when work is bought in, its parts: the seats and the fees.

    >>> _cost_line({"annual_cost": 90000, "fees": 0})
    'Annual cost (salary x benefits load): $90,000'
    >>> _cost_line({"annual_cost": 100000, "seats_cost": 90000, "fees": 10000})
    'Annual cost: $100,000 (seats $90,000 at salary x benefits load, fees $10,000 for work bought in)'
    """
    cost, seats, fees = figures("annual_cost", "seats_cost", "fees")
    if not s.get("fees"):
        return _said(cost, s, " (salary x benefits load)")
    return (
        f"{_said(cost, s)} (seats {seats.text(s['seats_cost'])} at salary x benefits load, "
        f"fees {fees.text(s['fees'])} for work bought in)"
    )


def sourcing_lines(p: Plan) -> list[str]:
    """Make or buy in words: what is bought in, what it costs and why; then what was weighed and kept in house."""
    from orgplan.planning.sourcing import offer_lines

    lines = offer_lines(p)
    bought = [f"  {x['what']}: {x['reason']}" for x in lines if x["recommended"] == "outsourced"]
    kept = [f"  {x['what']}: {x['reason']}" for x in lines if x["recommended"] == "in_house"]
    out: list[str] = []
    if bought:
        out += ["", f"Bought in ({money(p.fees)} a year in fees, in the annual cost):", *bought]
    if kept:
        out += ["", "Weighed and kept in house:", *kept]
    return out


def budget_lines(s: dict[str, Any]) -> list[str]:
    """The budget, whether the plan fits it, and each change with its risk."""
    b = s.get("budget")
    if not b:
        return []
    out = ["", f"Budget: {money(b['limit'])} a year - {b['status']}. {b['note']}"]
    for change in b["changes"]:
        out.append(f"  - {change['reason']} Risk: {change['risk']}")
    return out


def benchmark_lines(summary: dict[str, Any]) -> list[str]:
    """The published range for the company's size in words, and why the plan sits outside it."""
    band = summary.get("benchmark_hr_per_100")
    if not band:
        return []
    where = {"within": "within", "above": "above", "below": "below"}[band["status"]]
    (per_100,) = figures("hr_per_100")
    lines = [
        f"Published range for this size: {band['low']:g}-{band['high']:g} {per_100.label}; this plan is {where} it."
    ]
    if band["status"] != "within" and band.get("reasons"):
        lines.append(
            f"{'Above' if band['status'] == 'above' else 'Below'} the range because: "
            + "; ".join(band["reasons"])
            + "."
        )
    return lines


def team_table(team: SeatTree, name: str) -> str:
    """A team read from a file: its seats and totals, named as the plan names them.

    Counts are bare and FTE without padded decimals, as a team file gives them.
    """
    s = team.structure()
    seats, fte, cost, layers, span = figures("hr_headcount", "hr_fte", "annual_cost", "layers", "widest_span")
    families = ", ".join(f"{n} {f}" for f, n in s["seats_by_family"].items() if n)
    unknown = sum(1 for x in team.hr_seats if not x.role)
    return "\n".join(
        [
            f"HR team from {name}",
            "",
            *seat_lines(team),
            "",
            f"{seats.label}: {s['hr_headcount']} "
            f"({families or 'no catalog roles'}){f'; {unknown} without a catalog role' if unknown else ''}",
            f"{fte.label}: {s['hr_fte']:g}   {_said(cost, s)}",
            f"{layers.label}: {s['layers']}   {span.label}: {s['widest_span']}   Top seat: {team.root.title}",
        ]
    )


def roadmap_text(r: Any) -> str:
    """The roadmap for the terminal: where seats appear, then the table of sizes."""
    out = [
        f"HR roadmap for {r.profile.company}: {r.steps[0].employees:,} to {r.steps[-1].employees:,} "
        f"employees ({r.plans_made:,} plans made)",
        "",
    ]
    if getattr(r.profile, "budget", None) is not None:
        out.append(f"  (The profile's budget of {money(r.profile.budget)} is for today: each size is planned in full.)")
    out += [f"  {m}" for m in r.milestones]
    employees, seats, fte, per_100, layers, cost = figures(
        "employees", "hr_headcount", "hr_fte", "hr_per_100", "layers", "annual_cost"
    )
    totals = (employees, seats, fte, per_100)
    head = (*(f.narrow for f in totals), "Published range", "Against it", layers.narrow, cost.narrow)
    body = [
        (
            employees.text(s.employees),
            seats.text(s.hr_headcount),
            fte.text(s.hr_fte),
            per_100.text(s.hr_per_100),
            f"{s.band[0]:g}-{s.band[1]:g}" if s.band else "-",
            s.status,
            layers.text(s.layers),
            cost.text(s.annual_cost),
        )
        for s in r.steps
    ]
    out += ["", *_grid(head, body)]
    runs: list[list[Any]] = []  # consecutive sizes outside the range on the same side
    for s in r.steps:
        if s.status == "within":
            runs.append([])
        elif runs and runs[-1] and runs[-1][-1].status == s.status:
            runs[-1].append(s)
        else:
            runs.append([s])
    runs = [run for run in runs if run]
    if runs:
        out += ["", "Outside the published range:"]
        for run in runs:
            first, last = run[0], run[-1]
            sizes = (
                f"at {first.employees:,} employees"
                if first is last
                else f"from {first.employees:,} to {last.employees:,} employees"
            )
            why = (
                (
                    f": {'; '.join(last.reasons)}"
                    if first is last
                    else f"; at {last.employees:,}: {'; '.join(last.reasons)}"
                )
                if last.reasons
                else ""
            )
            out.append(f"  {sizes} the plan is {last.status} it{why}")
    return "\n".join(out)


def explain_text(e: Any) -> str:
    """The figures the rules compared, the workload ledger, then every rule: fired or quiet, and why."""
    p = e.plan
    model = p.operating_model
    out = [f"Figures for {e.profile.company} ({e.profile.employees:,} employees):"]
    out += [f"  {name} = {value:.6g}" for name, value in e.figures.items()]
    out += [
        "",
        f"Operating model: {model['label']} "
        f"({'chosen by orgplan' if model['chosen_by'] == 'orgplan' else 'named in the profile'}) - "
        f"{model['why']}",
        "",
    ]
    out.append(
        "Workload ledger: each function's work, the part bought in or deferred to fit a budget, the FTE the plan "
        "puts on the rest, and who owns it"
    )
    titles = {s.id: s.title for s in p.seats}
    rows: list[tuple[str, ...]] = [
        (
            p.templates.function_label(f),
            f"{r['demand_fte']:.2f}",
            f"{r['outsourced_fte']:.2f}",
            f"{r['deferred_fte']:.2f}",
            f"{r['covered_fte']:.2f}",
            str(r["seats"]),
            titles.get(r["owner"] or "", "nobody at the level it needs"),
        )
        for f, r in p.ledger.items()
    ]
    total = tuple(
        f"{sum(r[k] for r in p.ledger.values()):.2f}"
        for k in ("demand_fte", "outsourced_fte", "deferred_fte", "covered_fte")
    )
    rows.append(("All functions", *total, "", ""))
    head = ("Function", "Work (FTE)", "Bought in", "Deferred", "Covered (FTE)", "Seats", "Owner")
    out += ["  " + line for line in _grid(head, rows, left={0, 6})]
    out.append("")
    for r in e.results:
        seats = f" (+{r.seats} seat{'s' if r.seats != 1 else ''})" if r.fired else ""
        out.append(f"[{'FIRED' if r.fired else 'quiet'}] {r.rule} ({r.stage}){seats}: {r.detail}")
    return "\n".join(out)


def rules_text(pack: Any) -> str:
    """A rule pack as a list: each rule's id, stage, description, condition and action."""
    out = [f"{pack.path}: {len(pack.rules)} rules"]
    for rule in pack.rules:
        action = rule.action
        what = (
            f"add {action.seats.text} x {action.role}"
            if action.kind == "add"
            else f"promote {action.seats.text} {action.from_role} -> {action.role}"
        )
        out.append(f"- {rule.id} [{rule.stage}] {rule.description}\n    when {rule.when.text}\n    {what}")
    return "\n".join(out)


def _signed(amount: float) -> str:
    return f"{'+' if amount >= 0 else '-'}{money(abs(amount))}"


def _grid(head: tuple[str, ...], body: Sequence[tuple[str, ...]], left: set[int] | None = None) -> list[str]:
    """Right-aligned columns (except ``left``) under a dashed rule."""
    left = left or set()
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(head), line(tuple("-" * w for w in widths)), *(line(r) for r in body)]


def gap_text(gap: Any, current_name: str) -> str:
    """The comparison for the terminal: both sides' totals, then what to add, change and drop."""
    sides = gap.summaries()
    plan = gap.plan
    head = ("", "Current", "Recommended", "Difference")
    rows = []
    for figure in figures(*COMPARED):
        a, b = sides["current"][figure.key], sides["recommended"][figure.key]
        diff = figure.text(abs(b - a))
        rows.append((figure.brief, figure.text(a), figure.text(b), ("+" if b >= a else "-") + diff))
    out = [
        f"{current_name} compared with the recommended plan for {plan.profile.company} "
        f"({plan.profile.employees:,} employees)",
        "",
        *_grid(head, rows, left={0}),
    ]
    if gap.estimated_costs:
        out.append(f"({gap.estimated_costs} current seat(s) had no salary; costed at their role's catalog pay)")

    def section(title: str, lines: list[str]) -> None:
        out.extend(["", f"{title} ({len(lines)})" if lines else f"{title}: none"])
        out.extend(f"  - {line}" for line in lines)

    opened = gap.open_totals()
    out.append(
        f"Open seats to hire: {opened['open_seats']:,} ({opened['open_fte']:g} FTE, "
        f"{money(opened['open_cost'])} a year); the other recommended seats are filled by current seats."
    )
    section(
        "Seats to add",
        [
            f"{m.recommended.title} ({m.recommended.id}), reports to "
            f"{plan.seat(m.recommended.reports_to).title}: {m.why}"
            for m in gap.to_add
        ],
    )
    section(
        "Seats to change",
        [
            f"{m.current.title} ({m.current.id}) -> {m.recommended.title} ({m.recommended.id}): "
            f"{'; '.join(m.changes)} [matched: {m.why}]"
            for m in gap.changed
        ],
    )
    section(
        "Seats kept as they are",
        [f"{m.current.title} ({m.current.id}) -> {m.recommended.id} [matched: {m.why}]" for m in gap.kept],
    )
    section("Seats beyond the recommendation", [f"{m.current.title} ({m.current.id}): {m.why}" for m in gap.excess])
    section(
        "Spans over the limit",
        [f"{s.title} ({s.id}) has {n} direct reports; the limit is {plan.profile.max_span}" for s, n in gap.spans_over],
    )
    section("Functions the current team leaves uncovered", [plan.templates.function_label(f) for f in gap.uncovered])
    section("What to weigh", list(gap.advice))
    diff = gap.cost_difference
    split = gap.cost_split()
    out += [
        "",
        f"Cost difference: {'+' if diff >= 0 else '-'}{money(abs(diff))} a year (recommended "
        f"{money(plan.summary['annual_cost'])}, current {money(gap.current_cost)})",
        f"  seats to add {_signed(split['new_seats'])}, current seats re-priced "
        f"{_signed(split['repricing'])}, seats beyond the plan {_signed(-split['excess'])}"
        + (f", fees for work bought in {_signed(split['fees'])}" if split.get("fees") else ""),
    ]
    return "\n".join(out)
