"""The staffing plan as an Excel workbook that finance can edit.

Every total is a formula over the Positions sheet, stored with the value it computes:
changing a salary or an FTE on Positions, or a figure on the Assumptions sheet (the
benefits load, the fee load and the other constants are named cells the formulas use),
moves the Summary, Budget, Org structure, Hiring plan and Gap sheets with it, while
readers that do not calculate (pandas, previews) still see every figure. Formulas use only
functions Excel 2010 knows. Sheets speak in titles and labels; seat ids appear beside
titles where formulas need them. Text from profiles and catalogs is always stored as text.

>>> import tempfile, pathlib, openpyxl
>>> from orgplan import plan, profile_from_dict
>>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx"
>>> _ = export_excel(plan(profile_from_dict({"company": "Acme", "employees": 400})), path, chart=False)
>>> openpyxl.load_workbook(path).sheetnames[:3]
['Summary', 'Positions', 'Org structure']
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgplan.core.figures import COMPARED, SummaryFigure, figures
from orgplan.core.figures import figure as summary_figure
from orgplan.core.files import atomic_path
from orgplan.core.forking import Background
from orgplan.core.words import natural_key
from orgplan.errors import OptionError
from orgplan.knowledge.catalog import EXECUTIVE, OUTSIDE_HR
from orgplan.model.duties import Job, jobs
from orgplan.model.plan import Plan, Position
from orgplan.outputs.workbook.sheets import (
    COUNT,
    FTE,
    MONEY,
    PERCENT,
    QUARTER,
    SECTION_FILL,
    Book,
    Formula,
    Sheet,
    literal,
)
from orgplan.outputs.workbook.sourcing_sheet import FEES_NAME, sourcing_sheet
from orgplan.outputs.workbook.tables import FIRST_ROW, Table, add_table_sheet
from orgplan.planning.hiring import Hire, hiring_plan
from orgplan.reading.columns import POSITION_COLUMNS, PRINTED, letter

if TYPE_CHECKING:
    from orgplan.knowledge.templates import Templates
    from orgplan.planning.gap import Comparison

__all__ = ["export_excel", "gap_tables", "SHEETS"]

SHEETS = (
    "Summary",
    "Positions",
    "Org structure",
    "Responsibilities",
    "Budget",
    "Sourcing",
    "Hiring plan",
    "Job descriptions",
    "Assumptions",
    "Org chart",
)
LAST_ROW = 1048576  # whole columns below the header, so rows finance adds are counted too
RATIO = "0.00"
# The number format of each kind of summary figure on the Summary sheet: counts without commas.
_FORMATS = {"count": COUNT, "fte": FTE, "ratio": RATIO, "money": MONEY}
# A total the Summary sheet works out that is no figure of the plan's summary.
_PER_EMPLOYEE = SummaryFigure("cost_per_employee", "Annual HR cost per employee", "money")
# Above this many seats a workbook is written in row order (see Book): held whole until it is
# saved, the cells of 70,000 seats took some 300 MB. Every bundled example is far below it.
ROW_ORDER_SEATS = 20_000
# The org chart of a plan of more seats than this is drawn in a forked process while the sheets are written.
DRAW_ALONGSIDE_SEATS = 1_000
_MARK_FILLS = {"Directs": "#FCE4D6", "Does": "#DDEBF7", "Does + directs": "#E2EFDA", "Oversees": "#EDEDED"}
_INPUT_FILL = "#FFF2CC"  # the named figures on Assumptions that finance may change
_ACRONYMS = {"hr": "HR", "hrbp": "HR business partner", "fte": "FTE", "dei": "DEI", "hris": "HRIS"}


def export_excel(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    chart: bool | str | os.PathLike[str] = True,
    comparison: Comparison | None = None,
) -> Path:
    """Write the staffing plan workbook to ``path`` (.xlsx) and return the path.

    ``chart`` embeds the org chart on its own sheet: True renders it, a path embeds an
    existing PNG, False leaves the sheet out. ``comparison`` (from :func:`orgplan.planning.gap.compare`)
    adds the Gap and Gap summary sheets. The file appears only once complete.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise OptionError(f"expected a .xlsx file name, got {target.suffix or 'no extension'}", path=target)
    filled = (
        {}
        if comparison is None
        else {
            m.recommended.id: f"{m.current.title} ({m.current.id})"
            for m in comparison.matches
            if m.recommended and m.current
        }
    )
    hires = hiring_plan(plan) if comparison is None else hiring_plan(plan, only={s.id for s in comparison.open_seats})
    words = _Words(plan, hires, filled, comparison is not None)
    with (
        tempfile.TemporaryDirectory() as scratch,
        atomic_path(target) as tmp,
        Background(
            functools.partial(_chart_image, plan, chart, Path(scratch)),
            fork=chart is True and len(plan.seats) > DRAW_ALONGSIDE_SEATS,
        ) as drawing,
    ):
        book = Book(tmp, in_row_order=len(plan.seats) > ROW_ORDER_SEATS)
        sheets = {name: book.sheet(name) for name in SHEETS[:-1]}
        fees = sourcing_sheet(sheets["Sourcing"], plan)
        totals = summary_sheet(sheets["Summary"], words, fees)
        positions_sheet(sheets["Positions"], words)
        structure_sheet(sheets["Org structure"], words)
        responsibilities_sheet(sheets["Responsibilities"], words)
        budget_sheet(sheets["Budget"], words)
        hiring_sheet(sheets["Hiring plan"], words)
        jobs_sheet(sheets["Job descriptions"], words)
        assumptions_sheet(sheets["Assumptions"], words)
        if comparison is not None:
            for table in gap_tables(comparison, totals):
                add_table_sheet(book, table)
        image = drawing.result()
        if image is not None:
            chart_sheet(book.sheet("Org chart"), words, image)
        book.close()
    return target


@functools.cache
def ref(key: str) -> str:
    """An absolute reference to a whole Positions column below its header."""
    col = letter(key)
    return f"Positions!${col}$2:${col}${LAST_ROW}"


def _wildcard(text: str) -> str:
    """Text matched literally inside a COUNTIF/SUMIF criterion."""
    return text.replace("~", "~~").replace("*", "~*").replace("?", "~?")


def _words_for(name: str) -> str:
    """A template name in words: ``'hires_per_recruiter'`` -> ``'Hires per recruiter'``."""
    text = " ".join(_ACRONYMS.get(w, w) for w in name.split("_"))
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class _Words:
    """The plan and how its sheets name things: titles and labels, never codes."""

    plan: Plan
    hires: tuple[Hire, ...]  # the seats to hire: every HR seat, or the open ones when compared with a current team
    filled: dict[str, str] = dataclasses.field(
        default_factory=dict
    )  # recommended seat id -> the current seat that fills it
    compared: bool = False

    @property
    def t(self) -> Templates:
        return self.plan.templates

    def role(self, seat: Position) -> str:
        """The role's title; the executive's own title (the catalog's is generic)."""
        role = self.t.roles.get(seat.role)
        return role.title if role is not None and seat.family != EXECUTIVE else seat.title

    def family(self, key: str) -> str:
        family = self.t.families.get(key)
        return family.label if family is not None else key

    def functions(self, seat: Position) -> str:
        words = self._functions.get(seat.functions)
        if words is None:  # a few distinct sets of functions among thousands of seats
            words = self._functions[seat.functions] = "; ".join(self.t.function_label(f) for f in seat.functions)
        return words

    @functools.cached_property
    def _functions(self) -> dict[tuple[str, ...], str]:
        return {}

    @functools.cached_property
    def jobs(self) -> tuple[Job, ...]:
        """The plan's jobs with their duties, worked out once for the Responsibilities and Job descriptions sheets."""
        return jobs(self.plan)

    @functools.cached_property
    def hr_seats(self) -> tuple[Position, ...]:
        """The plan's HR seats, picked out once."""
        return self.plan.hr_seats

    @functools.cached_property
    def titles(self) -> dict[str, str]:
        return {s.id: s.title for s in self.plan.seats}

    @functools.cached_property
    def outside_hr(self) -> tuple[str, ...]:
        """The labels of the families outside HR (the executive, business unit leaders) the catalog has."""
        return tuple(self.family(k) for k in self.t.families if k in OUTSIDE_HR)

    @property
    def hr_only(self) -> str:
        """COUNTIFS/SUMIFS criteria that keep the HR seats: the family column is none of the families outside HR."""
        return ",".join(f"{ref('family')},{literal('<>' + _wildcard(label))}" for label in self.outside_hr)

    @property
    def is_hr_row(self) -> str:
        """An array expression over Positions: 1 for an HR seat's row, 0 outside HR (for SUMPRODUCT)."""
        return "*".join(f"({ref('family')}<>{literal(label)})" for label in self.outside_hr)

    @functools.cached_property
    def hr_cost(self) -> float:
        return float(sum(s.annual_cost for s in self.hr_seats))


# -- Summary ----------------------------------------------------------------------------
def summary_sheet(sheet: Sheet, w: _Words, fees: float = 0) -> dict[str, Formula]:
    """The company's inputs, the totals as formulas, where the plan sits against the published range, seats by family.

    Returns each total as a formula that refers to it (key -> formula), for sheets that repeat them.
    """
    sheet.title(
        f"HR staffing plan: {w.plan.profile.company}",
        "Recommended by orgplan. Totals are formulas over the Positions sheet: "
        "edit a salary or an FTE there, or a figure on the Assumptions sheet, and they follow.",
    )
    sheet.widen(4, 24)
    sheet.widen(5, 24)  # room for the texts that span from column B
    row = _inputs(sheet, w, 3)
    totals, per_100 = _totals(sheet, w, row + 2, fees)
    row = per_100 + 6  # below the totals: seats, fees and the annual cost among them
    bench = w.plan.summary.get("benchmark_hr_per_100")
    if bench is not None:
        row = _against_range(sheet, bench, row + 2, f"B{per_100 + 1}")
    budget = w.plan.budget
    if budget is not None:
        row += 2
        sheet.section(row, "Against the budget")
        sheet.put(row + 1, 0, "Budget a year (USD)")
        sheet.put(row + 1, 1, budget["limit"], MONEY)
        sheet.put(row + 2, 0, "Where the plan stands")
        sheet.span(row + 2, 1, budget["note"], bold=True)
        row += 2
        for change in budget["changes"]:
            row += 1
            sheet.put(row, 0, "Bought in" if change["kind"] == "buy" else "Deferred", note=True)
            sheet.span(row, 1, f"{change['reason']} Risk: {change['risk']}")
    sheet.section(row + 2, "Seats by family")
    sheet.header(row + 3, ("Family", "Seats", "FTE", "Annual cost (USD)"))
    _family_rows(sheet, w, row + 4)
    sheet.finish(one_page=True)
    return totals


def _inputs(sheet: Sheet, w: _Words, row: int) -> int:
    """The company profile from (0-based) ``row``, in words; the headcount is the named cell
    ``employees``. Returns the last row."""
    p, t = w.plan.profile, w.t
    sheet.section(row, "Company")
    for key, spec in t.profile_fields.items():
        value = getattr(p, key)
        if value is None:  # an optional text the profile leaves out (the postings write their own)
            continue
        if spec.get("model") not in (None, w.plan.operating_model.get("name")):  # it matters to another model
            continue
        row += 1
        sheet.put(row, 0, spec["label"])
        if spec["type"] == "functions":
            sheet.span(row, 1, "; ".join(t.function_label(f) for f in value))
        elif spec["type"] == "places" and not value[0].assumed:  # named countries or units, with their employees
            sheet.span(row, 1, "; ".join(f"{x.name} ({x.employees:,})" for x in value))
        elif spec["type"] == "places":
            sheet.put(row, 1, len(value), "#,##0")
            if len(value) > 1:  # numbered places: say how they are called, and invite names
                names = f"{value[0].name}, {value[1].name}" + (f" … {value[-1].name}" if len(value) > 2 else "")
                sheet.span(row, 2, f"Numbered {names}: name them in the profile to see each by name.", note=True)
        elif isinstance(value, str):
            sheet.span(row, 1, spec.get("titles", {}).get(value, value))
        else:
            worked_out = spec.get("worked_out")
            if worked_out is not None and value == spec.get("default") and worked_out in w.plan.values:
                used = w.plan.values[worked_out]  # the figure the plan used, said to be orgplan's
                sheet.span(row, 1, f"{used:,.0f} (worked out by orgplan: see Assumptions)")
                continue
            sheet.put(
                row,
                1,
                value,
                PERCENT
                if spec.get("format") == "percent"
                else ("#,##0" if spec["type"] == "integer" or spec.get("format") == "money" else None),
            )
            if key == "employees":
                sheet.book.define("employees", sheet.name, row, 1)
    return row


def _totals(sheet: Sheet, w: _Words, row: int, fees: float = 0) -> tuple[dict[str, Formula], int]:
    """The totals as formulas over Positions (and the Sourcing sheet's fees) from (0-based) ``row``;
    returns them as references, and the HR-per-100 row."""
    sheet.section(row, "Totals (formulas over Positions and Sourcing)")
    hr, employees = w.hr_seats, w.plan.profile.employees
    seats, s = sum(x.annual_cost for x in w.plan.seats), w.plan.summary
    fte, cost = sum(x.fte for x in hr), seats + fees
    first = row + 2  # the sheet row of the first total
    others = w.is_hr_row
    totals = [
        ("hr_headcount", f'=COUNTIFS({w.hr_only},{ref("id")},"<>")', len(hr)),
        ("hr_fte", f"=SUMIFS({ref('fte')},{w.hr_only})", fte),
        ("hr_per_100", f"=IF(employees>0,B{first + 1}/employees*100,0)", fte / employees * 100),
        ("seats_cost", f"=SUM({ref('annual_cost')})", seats),
        ("fees", f"={FEES_NAME}", fees),
        ("annual_cost", f"=B{first + 3}+B{first + 4}", cost),
        (_PER_EMPLOYEE.key, f"=IF(employees>0,B{first + 5}/employees,0)", cost / employees),
        ("layers", f"=MAX({ref('layer')})", s["layers"]),
        ("widest_span", f"=SUMPRODUCT(MAX({others}*{ref('direct_reports')}))", s["widest_span"]),
    ]
    where = {}
    for line, (key, text, value) in enumerate(totals, start=row + 1):
        said = _PER_EMPLOYEE if key == _PER_EMPLOYEE.key else summary_figure(key)
        sheet.put(line, 0, said.heading(exact=True))
        sheet.put(line, 1, Formula(text, value), _FORMATS[said.kind], bold=True)
        where[key] = Formula(f"=Summary!$B${line + 1}", value)
    return where, first + 1


def _against_range(sheet: Sheet, bench: dict[str, Any], row: int, per_100: str) -> int:
    """The published range (the named cells ``band_low`` and ``band_high``) and where the
    plan sits; returns the last row."""
    sheet.section(row, "Against the published range")
    for name, label, value in (
        ("band_low", f"Published low, {summary_figure('hr_per_100').brief}", bench["low"]),
        ("band_high", f"Published high, {summary_figure('hr_per_100').brief}", bench["high"]),
    ):
        row += 1
        sheet.put(row, 0, label)
        sheet.put(row, 1, value, RATIO)
        sheet.book.define(name, sheet.name, row, 1)
    sheet.put(row + 1, 0, "Source")
    sheet.span(row + 1, 1, bench["source"], note=True)
    sheet.put(row + 2, 0, "Where the plan sits")
    sheet.span(row + 2, 1, _standing(per_100, bench), bold=True)
    return row + 2


def _standing(per_100: str, bench: dict[str, Any]) -> Formula:
    """Where the live HR-per-100 figure sits against the band, in words; the plan's reasons when outside it."""
    reasons = "; ".join(bench.get("reasons") or [])
    said = {
        side: f"{side.capitalize()} the published range"
        + (f": {reasons}" if bench["status"] == side and reasons else "")
        for side in ("above", "below")
    }
    said["within"] = "Within the published range"
    text = (
        f"=IF({per_100}>band_high,{literal(said['above'])},"
        f"IF({per_100}<band_low,{literal(said['below'])},{literal(said['within'])}))"
    )
    return Formula(text, said[bench["status"]])


Line = tuple[float | None, float | None, float]  # seats, FTE and cost of one line of a breakdown


def _family_rows(sheet: Sheet, w: _Words, first: int) -> list[Line]:
    """Seats, FTE and cost per HR family as formulas from (0-based) row ``first``; returns their values."""
    return [
        _line(sheet, row, w.family(key), ref("family"), [s for s in w.plan.seats if s.family == key])
        for row, key in enumerate(w.t.hr_families, start=first)
    ]


def _line(sheet: Sheet, row: int, label: str, column: str, seats: list[Position]) -> Line:
    """A label and the seats, FTE and cost of the Positions rows whose ``column`` holds it."""
    r = row + 1
    values = (len(seats), sum(s.fte for s in seats), sum(s.annual_cost for s in seats))
    sheet.put(row, 0, label)
    sheet.put(row, 1, Formula(f"=COUNTIF({column},A{r})", values[0]), COUNT)
    sheet.put(row, 2, Formula(f"=SUMIF({column},A{r},{ref('fte')})", values[1]), FTE)
    sheet.put(row, 3, Formula(f"=SUMIF({column},A{r},{ref('annual_cost')})", values[2]), MONEY)
    return values


# -- Positions --------------------------------------------------------------------------
def positions_sheet(sheet: Sheet, w: _Words) -> None:
    """One row per seat, an Excel table with filters; cost and the looked-up columns are formulas.

    Rows stay one line high, so a long plan prints in few pages; the printed columns are
    the seat, its manager, family and cost (and its unit, country and dotted line when
    seats have them).
    """
    cols = POSITION_COLUMNS
    L = {c.key: letter(c.key) for c in cols}
    for i, c in enumerate(cols):
        if c.max_width:
            sheet.cap(i, c.max_width)
    sheet.header(0, [c.header for c in cols])
    layout = [(c.key, c.number_format) for c in cols]
    plan = w.plan
    depth = plan.depths()
    hires = {h.seat.id: h for h in w.hires}
    for row, seat in enumerate(plan.seats, start=1):
        r, hr, hire = row + 1, seat.is_hr, hires.get(seat.id)
        functions = w.functions(seat)
        values: dict[str, Any] = {
            "id": seat.id,
            "title": seat.title,
            "role": w.role(seat),
            "family": w.family(seat.family),
            "level": seat.level,
            "reports_to": seat.reports_to,
            "reports_to_title": Formula(
                f'=IFERROR(INDEX($B:$B,MATCH({L["reports_to"]}{r},$A:$A,0)),"")',
                w.titles.get(seat.reports_to or "", ""),
            ),
            "dotted_to_title": w.titles.get(seat.dotted_to) if seat.dotted_to else None,
            "unit": seat.unit,
            "country": seat.country,
            "layer": depth[seat.id],
            "direct_reports": Formula(
                f"=COUNTIF(${L['reports_to']}:${L['reports_to']},{L['id']}{r})", len(plan.reports(seat.id))
            ),
            "functions": functions,
            "fte": seat.fte if hr else None,  # outside HR: not HR FTE, so the column adds up to the plan's
            "base_salary": seat.base_salary if hr else None,
            "benefits_load": _load(seat, w) if hr else None,
            "annual_cost": Formula(
                f"=ROUND({L['base_salary']}{r}*{L['fte']}{r}*{L['benefits_load']}{r},0)", seat.annual_cost if hr else 0
            ),
            "hiring_phase": hire.phase
            if hire
            else f"Filled by {w.filled[seat.id]}"
            if seat.id in w.filled
            else "Outside HR",
            "quarter": hire.quarter if hire else None,
            "cost_per_function": Formula(
                f'=IF({L["functions"]}{r}="",0,{L["annual_cost"]}{r}/(LEN({L["functions"]}{r})-LEN(SUBSTITUTE({L["functions"]}{r},";",""))+1))',
                seat.annual_cost / len(seat.functions) if hr and seat.functions else 0,
            ),
            "rationale": " ".join(x.reason for x in seat.rationale),
        }
        for col, (key, number_format) in enumerate(layout):
            sheet.put(row, col, values[key], number_format)
    sheet.filter_table(len(plan.seats), [c.header for c in cols], "Positions", "Table Style Light 9")
    aligned = any(s.unit or s.country or s.dotted_to for s in plan.seats)
    sheet.finish(repeat_rows=0, repeat_cols=1, freeze=(1, 2), print_cols=[c.key for c in cols].index(PRINTED[aligned]))


def _load(seat: Position, w: _Words) -> Any:
    """The seat's load: the named figure from Assumptions when it is the catalog's, else its own number."""
    costing = w.t.costing
    role = w.t.roles.get(seat.role)
    figure = costing.fee_load if role is not None and role.paid_as == "fee" else costing.benefits_load
    return Formula(f"={figure.name}", seat.benefits_load) if seat.benefits_load == figure.value else seat.benefits_load


# -- Org structure ----------------------------------------------------------------------
def structure_sheet(sheet: Sheet, w: _Words) -> None:
    """The hierarchy as an outline; each leader's row adds up the seat and everyone below it."""
    plan = w.plan
    sheet.title(
        "Org structure",
        "Each row's team columns add up the seat and everyone below it. Use the outline buttons on the "
        "left to fold levels.",
    )
    sheet.header(2, ("Seat", "ID", "Seats below", "FTE", "Annual cost (USD)", "Team FTE", "Team cost (USD)"))
    sheet.ws.outline_settings(True, False, False, False)  # the +/- buttons sit above each folded block
    children: dict[str | None, list[Position]] = {}
    for seat in plan.seats:
        children.setdefault(seat.reports_to, []).append(seat)
    order: list[tuple[Position, int]] = []
    stack = [(plan.root, 0)]
    while stack:
        seat, d = stack.pop()
        order.append((seat, d))
        stack.extend((c, d + 1) for c in reversed(children.get(seat.id, [])))
    first = 3  # 0-based row of the first seat
    end_of: dict[str, int] = {}  # seat id -> 0-based row of the last seat of its team
    team: dict[str, tuple[float, float]] = {}
    for i in range(len(order) - 1, -1, -1):  # a team is the rows up to the next seat at its depth or above
        seat, d = order[i]
        j = i + 1
        fte, cost = (seat.fte, seat.annual_cost) if seat.is_hr else (0.0, 0.0)
        while j < len(order) and order[j][1] > d:
            below = order[j][0].id
            fte, cost = fte + team[below][0], cost + team[below][1]
            j = end_of[below] - first + 1
        end_of[seat.id], team[seat.id] = first + j - 1, (fte, cost)
    id_col = ref("id")
    for i, (seat, d) in enumerate(order):
        row = first + i
        r, end = row + 1, end_of[seat.id] + 1
        lead = end > r
        own = (seat.fte, seat.annual_cost) if seat.is_hr else (0.0, 0.0)
        sheet.put(row, 0, seat.title, indent=min(d, 15), bold=lead)
        sheet.put(row, 1, seat.id)
        sheet.put(row, 2, Formula(f"=COUNTA(B{r + 1}:B{end})", end - r) if lead else 0, COUNT)
        sheet.put(
            row, 3, Formula(f"=IFERROR(INDEX({ref('fte')},MATCH(B{r},{id_col},0)),0)", own[0]) if seat.is_hr else 0, FTE
        )
        sheet.put(row, 4, Formula(f"=IFERROR(INDEX({ref('annual_cost')},MATCH(B{r},{id_col},0)),0)", own[1]), MONEY)
        sheet.put(row, 5, Formula(f"=SUM(D{r}:D{end})", team[seat.id][0]), FTE, bold=lead)
        sheet.put(row, 6, Formula(f"=SUM(E{r}:E{end})", team[seat.id][1]), MONEY, bold=lead)
        if d:
            sheet.outline(row, min(d, 7))
    sheet.finish(repeat_rows=2, repeat_cols=0, freeze=(3, 0))


# -- Responsibilities -------------------------------------------------------------------
def responsibilities_sheet(sheet: Sheet, w: _Words) -> None:
    """Who does, directs and oversees each HR function, one column per job title; under each
    function, what doing and directing it mean.

    The marks come from the plan's workload ledger through :func:`orgplan.model.duties.jobs`,
    as the job descriptions' do: the owner directs, a seat does the work it took unless its
    team does it, and a leader oversees what its team does.
    """
    plan, t = w.plan, w.t
    sheet.title(
        "Who does what",
        "Does: the seat carries out the work. Directs: the seat sets its direction, budget and policy. "
        "Oversees: the seat leads the team that does it. Under each function: what doing and directing it mean.",
    )
    columns = w.jobs
    sheet.header(2, ("HR function", *(j.title for j in columns)))
    sheet.widen(len(columns), 90 - 17 * (len(columns) - 1))  # with few jobs, room for the texts under each function
    row = 3
    for f in plan.profile.functions:
        sheet.put(row, 0, t.function_label(f), bold=True, top_line=True)
        for c, job in enumerate(columns, start=1):
            mark = job.mark(f)
            sheet.put(row, c, mark, center=True, top_line=True, **({"fill": _MARK_FILLS[mark]} if mark else {}))
        info = t.functions.get(f)
        if info is not None:
            for label, text in (("Doing means", info.doing), ("Directing means", info.directing)):
                row += 1
                sheet.put(row, 0, label, note=True, indent=1)
                sheet.span(row, 1, text)
        row += 1
    sheet.finish(repeat_rows=2, repeat_cols=0, freeze=(3, 1))


# -- Budget -----------------------------------------------------------------------------
def budget_sheet(sheet: Sheet, w: _Words) -> None:
    """Cost by family, by HR function, and by business unit and country when seats are aligned; two charts."""
    sheet.title(
        "Budget",
        "Formulas over the Positions sheet. A seat covering several functions splits its cost evenly between them.",
    )
    row = 2
    sheet.section(row, "By family", 4)
    sheet.header(row + 1, ("Family", "Seats", "FTE", "Annual cost (USD)", "Share of cost"))
    top = row + 2
    lines = _family_rows(sheet, w, top)
    bottom = top + len(lines) - 1
    _total(sheet, bottom + 1, top, lines)
    sheet.chart(
        "column",
        "Annual cost by family",
        (top, bottom, 0),
        [("Annual cost (USD)", top, bottom, 3)],
        at=(row, 6),
        number_format=MONEY,
        size=(520, 300),
    )
    family_chart_end = row + 16

    row = bottom + 3
    sheet.section(row, "By HR function", 4)
    sheet.header(row + 1, ("Function", "Seats covering it", "", "Annual cost (USD)", "Share of cost"))
    top = row + 2
    seats = w.hr_seats
    doing = [(s, w.functions(s).lower()) for s in seats]  # each seat's functions in words, worked out once
    lines = []
    for row, f in enumerate(w.plan.profile.functions, start=top):
        label = w.t.function_label(f)
        covering = [s for s, words in doing if label.lower() in words]
        criterion = literal("*" + _wildcard(label) + "*")
        count, cost = len(covering), sum(s.annual_cost / len(s.functions) for s in covering)
        lines.append((count, None, cost))
        sheet.put(row, 0, label)
        sheet.put(row, 1, Formula(f"=COUNTIF({ref('functions')},{criterion})", count), COUNT)
        sheet.put(row, 3, Formula(f"=SUMIF({ref('functions')},{criterion},{ref('cost_per_function')})", cost), MONEY)
    row = top + len(lines)
    lines.append((None, None, w.hr_cost - sum(line[2] for line in lines)))
    sheet.put(row, 0, "Leadership and team leads (no single function)")
    sheet.put(row, 3, Formula(f"=SUM({ref('annual_cost')})-SUM(D{top + 1}:D{row})", lines[-1][2]), MONEY)
    _total(sheet, row + 1, top, lines, seats=False)
    sheet.chart(
        "bar",
        "Annual cost by HR function",
        (top, row, 0),
        [("Annual cost (USD)", top, row, 3)],
        at=(max(top - 2, family_chart_end), 6),
        number_format=MONEY,
        size=(520, 80 + 36 * (row - top + 1)),  # room for every label, two lines each, so none is skipped
    )
    row += 3
    for key, title in (("unit", "By business unit"), ("country", "By country")):
        row = _aligned(sheet, w, row, key, title)
    sheet.finish(repeat_cols=0)


def _aligned(sheet: Sheet, w: _Words, row: int, key: str, title: str) -> int:
    """Cost by the seats' ``unit`` or ``country`` from (0-based) ``row``; nothing when no
    seat has one. Returns the next free row."""
    hr = w.hr_seats
    places = {"unit": "business_units", "country": "countries"}[key]
    listed: dict[str, int] = {}  # the profile's order: the headquarters first
    for i, place in enumerate(getattr(w.plan.profile, places, ())):
        listed.setdefault(place.name, i)
    served: dict[str, list[Position]] = {}  # each place's seats, in the plan's order, in one pass over the seats
    for s in hr:
        if getattr(s, key):
            served.setdefault(getattr(s, key), []).append(s)
    names = sorted(served, key=lambda name: (listed.get(name, len(listed)), natural_key(name)))
    if not names:
        return row
    sheet.section(row, title, 4)
    sheet.header(
        row + 1, (title.removeprefix("By ").capitalize(), "Seats", "FTE", "Annual cost (USD)", "Share of cost")
    )
    top = row + 2
    lines = [_line(sheet, row, name, ref(key), served[name]) for row, name in enumerate(names, start=top)]
    central = [s for s in hr if not getattr(s, key)]
    count, fte, cost = len(central), sum(s.fte for s in central), sum(s.annual_cost for s in central)
    lines.append((count, fte, cost))
    row = top + len(names)
    above = f"{top + 1}:{{c}}{row}"
    # Seats that serve the whole company: with countries named, every seat sits in one (the
    # headquarters at least), so for countries this line is empty unless none were named.
    sheet.put(row, 0, "Company-wide (no single unit)" if key == "unit" else "Not placed in a named country")
    sheet.put(row, 1, Formula(f'=COUNTIFS({w.hr_only},{ref("id")},"<>")-SUM(B{above.format(c="B")})', count), COUNT)
    sheet.put(row, 2, Formula(f"=SUMIFS({ref('fte')},{w.hr_only})-SUM(C{above.format(c='C')})", fte), FTE)
    sheet.put(row, 3, Formula(f"=SUM({ref('annual_cost')})-SUM(D{above.format(c='D')})", cost), MONEY)
    _total(sheet, row + 1, top, lines)
    return row + 4


def _total(sheet: Sheet, row: int, top: int, lines: list[Line], seats: bool = True) -> None:
    """A total line at (0-based) ``row`` under the ``lines`` written from row ``top``, and
    each line's share of the cost."""
    bottom = top + len(lines) - 1
    cost = sum(line[2] for line in lines)
    sheet.put(row, 0, "Total", bold=True, top_line=True)
    for col, fmt in ((1, COUNT), (2, FTE), (3, MONEY)):
        letter_ = "ABCD"[col]
        total = sum(line[col - 1] or 0 for line in lines)
        shown = col == 3 or (seats and any(line[col - 1] is not None for line in lines))
        sheet.put(
            row,
            col,
            Formula(f"=SUM({letter_}{top + 1}:{letter_}{bottom + 1})", total) if shown else None,
            fmt,
            bold=True,
            top_line=True,
        )
    for r, line in enumerate(lines, start=top):
        sheet.put(r, 4, Formula(f"=IF($D${row + 1}=0,0,D{r + 1}/$D${row + 1})", line[2] / cost if cost else 0), PERCENT)
    sheet.put(row, 4, Formula(f"=IF($D${row + 1}=0,0,1)", 1 if cost else 0), PERCENT, bold=True, top_line=True)


# -- Hiring plan ------------------------------------------------------------------------
def hiring_sheet(sheet: Sheet, w: _Words) -> None:
    """Hires and run-rate cost by quarter, then the seats in hiring order, each phase's reason said once."""
    policy = w.t.hiring
    pace = (
        f"at least {policy.min_hires_per_quarter.value:g} hires a quarter, all seats within "
        f"{policy.horizon_quarters.value:g} quarters"
    )
    hires = w.hires
    note = f"The order in which to fill the seats, by quarter from the start of the plan ({pace})."
    if w.compared:
        note = (
            f"Only the open seats, to hire: {len(hires)} of the {len(w.hr_seats)} recommended seats; "
            "the current team fills the other "
            f"{len(w.filled)} (see the Gap sheet). " + note
        )
    sheet.title("Hiring plan", note)
    quarters = sorted({h.quarter for h in hires})
    sheet.section(2, "By quarter", 3)
    sheet.header(3, ("Quarter", "Hires", "Cost added (USD)", "Annual run-rate (USD)"))
    q_top = 4
    seats_header = q_top + len(quarters) + 2
    first = seats_header + 1  # 0-based row where the seat list starts (phase bands included)
    last = first + len(hires) + 2 * len({h.phase for h in hires}) - 1
    B, F = f"$B${first + 1}:$B${last + 1}", f"$F${first + 1}:$F${last + 1}"
    run_rate = 0.0
    for row, q in enumerate(quarters, start=q_top):
        in_q = [h for h in hires if h.quarter == q]
        added = sum(h.seat.annual_cost for h in in_q)
        run_rate += added
        r = row + 1
        sheet.put(row, 0, q, QUARTER)
        sheet.put(row, 1, Formula(f"=COUNTIF({B},A{r})", len(in_q)), COUNT)
        sheet.put(row, 2, Formula(f"=SUMIF({B},A{r},{F})", added), MONEY)
        sheet.put(row, 3, Formula(f"=SUM($C${q_top + 1}:C{r})", run_rate), MONEY)
    sheet.section(seats_header - 1, "Seats in hiring order")
    sheet.header(seats_header, ("Order", "Quarter", "ID", "Title", "Reports to", "Annual cost (USD)"))
    row, phase = first - 1, None
    if not hires:
        sheet.span(
            first,
            0,
            "No seat to hire: the current team fills every recommended seat." if w.compared else "No HR seat to hire.",
        )
    for hire in hires:
        if hire.phase != phase:
            phase = hire.phase
            why = next((p.why for p in w.t.hiring.phases if p.name == phase), "")
            sheet.span(row + 1, 0, phase, bold=True, fill=SECTION_FILL)
            sheet.span(row + 2, 0, why, note=True)
            row += 2
        row += 1
        s = hire.seat
        sheet.put(row, 0, hire.order, COUNT)
        sheet.put(row, 1, hire.quarter, QUARTER)
        sheet.put(row, 2, s.id)
        sheet.put(row, 3, s.title)
        sheet.put(row, 4, w.titles.get(s.reports_to or "", ""))
        sheet.put(
            row,
            5,
            Formula(f"=IFERROR(INDEX({ref('annual_cost')},MATCH(C{row + 1},{ref('id')},0)),0)", s.annual_cost),
            MONEY,
        )
    sheet.finish(repeat_rows=seats_header, freeze=(seats_header + 1, 0))


# -- Job descriptions -------------------------------------------------------------------
def jobs_sheet(sheet: Sheet, w: _Words) -> None:
    """A job description per job title of the plan: a title band, the posting's parts, then the
    hiring-manager brief's, each part's heading beside its lines."""
    from orgplan.outputs.jobs import job_descriptions

    sheet.title(
        "Job descriptions",
        f"One per job title of the plan, in {w.plan.profile.company}'s terms: the posting, then the brief for "
        "the hiring manager. `orgplan jobs PROFILE --out DIR` writes each posting as a Word document and as "
        "Markdown, and each brief as Markdown.",
    )
    sheet.cap(0, 26)
    sheet.cap(1, 110)
    row = 2
    for jd in job_descriptions(w.plan, w.jobs):
        row += 1
        sheet.section(row, jd.title)
        for headline, parts in ((jd.headline, jd.parts), (jd.brief_headline, jd.brief_parts)):
            row += 1
            sheet.put(row, 0, "Posting" if parts is jd.parts else "Brief", note=True)
            sheet.put(row, 1, headline, note=True, wrap=True)
            for part in parts:
                lines = [*part.paragraphs, *(f"\u2022 {b}" for b in part.bullets)]
                for i, text in enumerate(lines):
                    row += 1
                    if i == 0:
                        sheet.put(row, 0, part.heading, bold=True, wrap=True, top_line=True)
                    sheet.put(row, 1, text, wrap=True, top_line=i == 0)
                if part.note:
                    row += 1
                    sheet.put(row, 1, part.note, note=True, wrap=True)
        row += 1
    sheet.finish(repeat_cols=0)


# -- Assumptions ------------------------------------------------------------------------
def assumptions_sheet(sheet: Sheet, w: _Words) -> None:
    """Every figure the plan uses with its source; the costing and planning figures are named cells."""
    sheet.title(
        "Assumptions",
        "Every figure the plan uses, with its source. The shaded values are named cells the workbook's formulas use "
        "(the name is beside each): change one here and every total follows. To re-plan, change them in "
        "orgplan's templates folder.",
    )
    for col, width in ((0, 46), (2, 40), (3, 70)):
        sheet.cap(col, width)
    row = 3
    for part in (_named_figures, _salaries, _pay_ranges, _worked_out, _bands, _rules):
        row = part(sheet, w, row) + 2
    sheet.finish(repeat_cols=0)


def _listing(sheet: Sheet, row: int, title: str, headers: tuple[str, ...]) -> int:
    """A section band and its header row at (0-based) ``row``; returns the row before the first line."""
    sheet.section(row, title)
    sheet.header(row + 1, headers)
    return row + 1


def _named_figures(sheet: Sheet, w: _Words, row: int) -> int:
    """The costing and planning figures, each a named cell; returns the last row."""
    top = _listing(sheet, row, "Costing and planning figures", ("Figure", "Value", "Name in formulas", "Source"))
    t, policy = w.t, w.t.hiring
    figures = [
        (f.name, f.value, f.source)
        for f in (*t.costing.figures, *t.constants.values(), policy.min_hires_per_quarter, policy.horizon_quarters)
    ]
    figures.append(
        (
            "salary_multiplier",
            w.plan.profile.salary_multiplier,
            "The company profile: cost-of-labour factor on the catalog's U.S. median salaries.",
        )
    )
    for row, (name, value, source) in enumerate(figures, start=top + 1):
        sheet.put(row, 0, _words_for(name))
        sheet.put(row, 1, value, "General", fill=_INPUT_FILL)
        sheet.put(row, 2, sheet.book.define(name, sheet.name, row, 1) or "")
        sheet.put(row, 3, source, wrap=True)
    return top + len(figures)


def _salaries(sheet: Sheet, w: _Words, row: int) -> int:
    top = _listing(
        sheet,
        row,
        "Salaries (base pay before the profile's salary multiplier)",
        ("Role", "Seats in plan", "Catalog salary (USD)", "Source"),
    )
    roles = [r for r in w.t.roles.values() if r.is_hr]
    seats = Counter(s.role for s in w.hr_seats)
    for row, role in enumerate(roles, start=top + 1):
        sheet.put(row, 0, role.title)
        sheet.put(row, 1, Formula(f"=COUNTIF({ref('role')},A{row + 1})", seats[role.key]), COUNT)
        sheet.put(row, 2, role.salary.base, MONEY)
        sheet.put(
            row,
            3,
            f"{role.salary.source} ({role.salary.year})" + (f"; {role.salary_note}" if role.salary_note else ""),
            wrap=True,
        )
    return top + len(roles)


def _pay_ranges(sheet: Sheet, w: _Words, row: int) -> int:
    """How wide the pay range of a job posting is at each level the plan has; returns the last row."""
    top = _listing(
        sheet,
        row,
        "Pay ranges in job postings (the planned pay is the midpoint)",
        ("Level", "Range spread", "", "Source"),
    )
    policy = w.t.pay
    levels = sorted({s.level for s in w.hr_seats if s.level in policy.range_spread})
    for row, level in enumerate(levels, start=top + 1):
        stage = w.t.catalog.qualifications(w.hr_seats[0].role, level).stage
        sheet.put(row, 0, f"Level {level}" + (f" ({stage})" if stage else ""))
        sheet.put(row, 1, policy.range_spread[level], PERCENT)
        if row == top + 1:  # one source for every level
            sheet.put(row, 3, policy.range_source, wrap=True)
    return top + len(levels)


def _worked_out(sheet: Sheet, w: _Words, row: int) -> int:
    plan, t = w.plan, w.t
    top = _listing(
        sheet, row, f"Figures worked out for {plan.profile.company}", ("Figure", "Value", "Expression", "Source")
    )
    figures = [(f.name, _words_for(f.name), f) for f in t.derived]
    figures += [
        (f"demand_{f.name}", f"Workload: {t.function_label(f.name)} (FTE)", f)
        for k, f in t.workload.items()
        if k in plan.profile.functions
    ]
    for row, (name, label, figure) in enumerate(figures, start=top + 1):
        sheet.put(row, 0, label)
        sheet.put(row, 1, round(float(plan.values.get(name, 0.0)), 3), "#,##0.000")
        sheet.put(row, 2, figure.expression.text if figure.expression else "", wrap=True)
        sheet.put(row, 3, figure.source, wrap=True)
    return top + len(figures)


def _bands(sheet: Sheet, w: _Words, row: int) -> int:
    top = _listing(sheet, row, "Published HR staff per 100 employees", ("Employees", "Low", "High", "Source"))
    employees = w.plan.profile.employees
    for row, band in enumerate(w.t.bands, start=top + 1):
        applies = band.min_employees <= employees <= band.max_employees
        sheet.put(
            row,
            0,
            f"{band.min_employees:,} to {band.max_employees:,}" + (" (this plan)" if applies else ""),
            bold=applies,
        )
        sheet.put(row, 1, band.low, RATIO, bold=applies)
        sheet.put(row, 2, band.high, RATIO, bold=applies)
        sheet.put(row, 3, band.source, wrap=True)
    return top + len(w.t.bands)


def _rules(sheet: Sheet, w: _Words, row: int) -> int:
    top = _listing(sheet, row, "Rules", ("Rule", "Seats added", "What it found", "Source"))
    rules = {r.id: r for r in w.t.rules.rules}
    for row, result in enumerate(w.plan.rule_results, start=top + 1):
        rule = rules.get(result.rule)
        sheet.put(row, 0, rule.description if rule else _words_for(result.rule.replace("-", "_")), wrap=True)
        sheet.put(row, 1, result.seats if result.fired else None, COUNT)
        sheet.put(row, 2, result.detail if result.fired else f"Did not apply ({result.detail})", wrap=True)
        sheet.put(row, 3, rule.source if rule else "", wrap=True)
    row = top + len(w.plan.rule_results) + 1
    sheet.put(row, 0, f"Team leads keep every leader within {w.plan.profile.max_span} direct reports.", wrap=True)
    sheet.put(row, 3, w.t.rules.span.source, wrap=True)
    return row


# -- Org chart --------------------------------------------------------------------------
def chart_sheet(sheet: Sheet, w: _Words, image: tuple[Path, str]) -> None:
    """The org chart picture with alt text, printed on one page."""
    path, note = image
    plan = w.plan
    sheet.title("Org chart", note)
    head = next((s for s in plan.hr_seats if s.reports_to == plan.root.id), None)
    s = plan.summary
    description = (
        f"Org chart of the recommended HR team for {plan.profile.company}: {s['hr_headcount']} seats in "
        f"{s['layers']} layers, "
        f"led by the {head.title if head else 'head of HR'} reporting to the {plan.root.title}. {note}"
    )
    sheet.image(3, 0, path, description)
    sheet.finish(one_page=True)


def _chart_image(plan: Plan, chart: bool | str | os.PathLike[str], scratch: Path) -> tuple[Path, str] | None:
    """The PNG to embed and a note on it, or None when no chart is wanted."""
    if chart is False:
        return None
    if chart is not True:
        return Path(chart), "The recommended org chart."
    from orgplan.outputs.charts.org_chart import render_chart

    png = scratch / "orgchart.png"
    try:
        render_chart(plan, png, dpi=110)
        return png, "The recommended org chart; identical seats are grouped in one box."
    except OptionError:  # too large for one sharp picture: show the top of the chart
        render_chart(plan, png, dpi=110, levels=3)
        return (
            png,
            "The top three levels of the recommended org chart; `orgplan chart PLAN -o chart.pdf` draws every branch.",
        )


# -- Gap --------------------------------------------------------------------------------
def gap_tables(gap: Comparison, totals: dict[str, Formula]) -> list[Table]:
    """The Gap sheet (every current and recommended seat, matched) and the Gap summary sheet.

    The recommended side is formulas: each seat's cost looked up on Positions, and the
    totals referring to the Summary's (``totals``: key -> formula, from :func:`summary_sheet`).
    """
    order = {"new": 0, "changed": 1, "excess": 2, "kept": 3}
    matches = sorted(gap.matches, key=lambda m: order[m.status])
    rows = []
    for r, m in enumerate(matches, start=FIRST_ROW):
        c, rec = m.current, m.recommended
        cost = (
            Formula(f"=IFERROR(INDEX({ref('annual_cost')},MATCH(D{r},{ref('id')},0)),0)", rec.annual_cost)
            if rec
            else None
        )
        rows.append(
            [
                m.status,
                c.id if c else None,
                c.title if c else None,
                rec.id if rec else None,
                rec.title if rec else None,
                c.annual_cost if c else None,
                cost,
                "; ".join(m.changes),
                m.why,
            ]
        )
    seats = Table(
        "Gap",
        f"From the current team ({gap.current.root.title} and below) to the recommended plan",
        [
            "Status",
            "Current ID",
            "Current title",
            "Recommended ID",
            "Recommended title",
            "Current cost (USD)",
            "Recommended cost (USD)",
            "Changes",
            "Why",
        ],
        rows,
        {5: MONEY, 6: MONEY},
        {7: 45, 8: 60},
    )
    sides = gap.summaries()
    kinds = {"count": COUNT, "fte": FTE, "ratio": RATIO, "money": MONEY}  # this sheet's own: counts without commas
    labels = tuple((f.key, f.heading(), kinds[f.kind]) for f in figures(*COMPARED))
    summary_rows: list[list[Any]] = []
    formats: dict[int, str] = {}
    for r, (key, label, fmt) in enumerate(labels, start=FIRST_ROW):
        current, recommended = sides["current"][key], totals[key]
        summary_rows.append([label, current, recommended, Formula(f"=C{r}-B{r}", recommended.value - current)])
        formats[len(summary_rows) - 1] = fmt
    summary_rows.append([])
    status_col = f"Gap!$A${FIRST_ROW}:$A${FIRST_ROW + len(rows) - 1}"
    for status, label in (
        ("new", "Seats to add"),
        ("changed", "Seats to change"),
        ("kept", "Seats kept as they are"),
        ("excess", "Seats beyond the recommendation"),
    ):
        summary_rows.append([label, None, Formula(f'=COUNTIF({status_col},"{status}")', len(gap.with_status(status)))])
        formats[len(summary_rows) - 1] = COUNT
    summary_rows.append([])
    if gap.estimated_costs:
        summary_rows.append(
            [f"{gap.estimated_costs} current seat(s) had no salary; they are costed at their role's catalog pay."]
        )
    summary_rows.append(
        [
            "Functions no current seat covers: "
            + ("; ".join(gap.plan.templates.function_label(f) for f in gap.uncovered) or "none")
        ]
    )
    spans = [f"{s.title} ({s.id}): {n} direct reports" for s, n in gap.spans_over]
    summary_rows.append([f"Spans over the limit of {gap.plan.profile.max_span}: " + ("; ".join(spans) or "none")])
    summary_rows.append(["The recommended side is the Summary sheet's: it follows edits on the Positions sheet."])
    summary = Table(
        "Gap summary",
        "Current team and recommended plan side by side",
        ["", "Current", "Recommended", "Difference"],
        summary_rows,
        row_formats=formats,
    )
    return [seats, summary]
