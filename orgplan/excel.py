"""The staffing plan as an Excel workbook that finance can edit.

Every total is a formula over the Positions sheet, so changing a salary, an FTE or a
benefits load there changes the Summary, Budget, Org structure and Hiring plan sheets.
Text from profiles and catalogs is always written as text, never as a formula.

>>> import tempfile, pathlib, openpyxl
>>> from orgplan import plan, profile_from_dict
>>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx"
>>> _ = export_excel(plan(profile_from_dict({"company": "Acme", "employees": 400})), path, chart=False)
>>> openpyxl.load_workbook(path).sheetnames[:3]
['Summary', 'Positions', 'Org structure']
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterable
from copy import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .columns import MONEY, POSITION_COLUMNS, letter
from .errors import OptionError
from .files import atomic_path
from .hiring import Hire, hiring_plan
from .model import Plan, Position
from .tables import Table, put_value

if TYPE_CHECKING:
    from .gap import Comparison

__all__ = ["export_excel", "gap_tables", "SHEETS"]

SHEETS = ("Summary", "Positions", "Org structure", "Responsibilities", "Budget", "Hiring plan", "Assumptions", "Org chart")
LAST_ROW = 1048576  # whole columns below the header, so rows finance adds are counted too
_HEADER_FILL = "1F4E78"
_SECTION_FILL = "DDEBF7"
_MARK_FILLS = {"Directs": "FCE4D6", "Does": "DDEBF7", "Does + directs": "E2EFDA"}


def export_excel(plan: Plan, path: str | os.PathLike[str], *, chart: bool | str | os.PathLike[str] = True, comparison: Comparison | None = None) -> Path:
    """Write the staffing plan workbook to ``path`` (.xlsx) and return the path.

    ``chart`` embeds the org chart on its own sheet: True renders it, a path embeds an
    existing PNG, False leaves the sheet out. ``comparison`` (from :func:`orgplan.gap.compare`)
    adds the Gap and Gap summary sheets. The file appears only once complete.
    """
    from openpyxl import Workbook

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise OptionError(f"expected a .xlsx file name, got {target.suffix or 'no extension'}", path=target)
    hires = hiring_plan(plan)
    wb = Workbook()
    book = _Book(plan, hires)
    book.summary(wb.active)
    book.positions(wb.create_sheet("Positions"))
    book.structure(wb.create_sheet("Org structure"))
    book.responsibilities(wb.create_sheet("Responsibilities"))
    book.budget(wb.create_sheet("Budget"))
    book.hiring(wb.create_sheet("Hiring plan"))
    book.assumptions(wb.create_sheet("Assumptions"))
    if comparison is not None:
        from .tables import add_table_sheet

        for table in gap_tables(comparison):
            add_table_sheet(wb, table)
    for ws in wb.worksheets:
        book.landscape(ws)
    with tempfile.TemporaryDirectory() as scratch:
        image = _chart_image(plan, chart, Path(scratch))
        if image is not None:
            book.chart(wb.create_sheet("Org chart"), image)
        with atomic_path(target) as tmp:
            wb.save(tmp)
    return target


def gap_tables(gap: Comparison) -> list[Table]:
    """The Gap sheet (every current and recommended seat, matched) and the Gap summary sheet."""
    order = {"new": 0, "changed": 1, "excess": 2, "kept": 3}
    rows = []
    for m in sorted(gap.matches, key=lambda m: order[m.status]):
        c, r = m.current, m.recommended
        rows.append([m.status, c.id if c else None, c.title if c else None, r.id if r else None, r.title if r else None,
                     "; ".join(m.changes), m.why, c.annual_cost if c else None, r.annual_cost if r else None])
    seats = Table("Gap", f"From the current team ({gap.current.root.title} and below) to the recommended plan",
                  ["Status", "Current ID", "Current title", "Recommended ID", "Recommended title", "Changes", "Why", "Current cost (USD)", "Recommended cost (USD)"],
                  rows, {7: MONEY, 8: MONEY}, {5: 50, 6: 60})
    sides = gap.summaries()
    labels = (("hr_headcount", "HR seats"), ("hr_fte", "HR FTE"), ("hr_per_100", "HR staff per 100 employees"), ("annual_cost", "Annual cost (USD)"), ("layers", "Layers"), ("widest_span", "Widest span"))
    summary_rows: list[list[Any]] = [[label, sides["current"][k], sides["recommended"][k], round(sides["recommended"][k] - sides["current"][k], 3)] for k, label in labels]
    summary_rows.append([])
    summary_rows += [[f"Seats {status}", len(gap.with_status(status))] for status in ("new", "changed", "kept", "excess")]
    if gap.estimated_costs:
        summary_rows.append([f"{gap.estimated_costs} current seat(s) had no salary; costed at their role's catalog pay"])
    summary_rows += [[], ["Functions no current seat covers", "; ".join(gap.plan.templates.function_label(f) for f in gap.uncovered) or "none"]]
    summary_rows += [["Spans over the limit", f"{s.title} ({s.id}): {n} direct reports, limit {gap.plan.profile.max_span}"] for s, n in gap.spans_over] or [["Spans over the limit", "none"]]
    summary = Table("Gap summary", "Current team and recommended plan side by side", ["", "Current", "Recommended", "Difference"], summary_rows, {1: "#,##0.##", 2: "#,##0.##", 3: "#,##0.##"}, {0: 40, 1: 16, 2: 16, 3: 14})
    return [seats, summary]


def _chart_image(plan: Plan, chart: bool | str | os.PathLike[str], scratch: Path) -> tuple[Path, str] | None:
    """The PNG to embed and a note on it, or None when no chart is wanted."""
    if chart is False:
        return None
    if chart is not True:
        return Path(chart), "The recommended org chart."
    from .chart import render_chart

    png = scratch / "orgchart.png"
    try:
        render_chart(plan, png, dpi=110)
        return png, "The recommended org chart; identical seats are grouped in one box."
    except OptionError:  # too large for one sharp picture: show the top of the chart
        render_chart(plan, png, dpi=110, levels=3)
        return png, "The top three levels of the recommended org chart; `orgplan chart PLAN -o chart.pdf` draws every branch."


def ref(key: str) -> str:
    """An absolute reference to a whole Positions column below its header."""
    col = letter(key)
    return f"Positions!${col}$2:${col}${LAST_ROW}"


def _quote(text: str) -> str:
    """Text as a formula string literal."""
    return '"' + text.replace('"', '""') + '"'


def _wildcard(text: str) -> str:
    """Text matched literally inside a COUNTIF/SUMIF criterion."""
    return text.replace("~", "~~").replace("*", "~*").replace("?", "~?")


class _Book:
    """Writes the sheets of one plan; remembers where things are for cross-sheet formulas."""

    def __init__(self, plan: Plan, hires: tuple[Hire, ...]):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.plan = plan
        self.t = plan.templates
        self.hires = {h.seat.id: h for h in hires}
        self.hire_list = hires
        self.Alignment, self.Font, self.PatternFill = Alignment, Font, PatternFill
        self.header_font = Font(bold=True, color="FFFFFF")
        self.header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
        self.section_fill = PatternFill("solid", fgColor=_SECTION_FILL)
        self.bold = Font(bold=True)
        self.top_line = Border(top=Side(style="thin"))
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.labels = {k: f.label for k, f in self.t.functions.items()}

    # -- cell helpers ---------------------------------------------------------------
    def put(self, ws: Any, row: int, col: int, value: Any, fmt: str | None = None, like: Any = None, **style: Any) -> Any:
        """Write a value; text that looks like a formula stays text.

        ``like`` is a cell whose style to copy, much faster than setting styles one by one.
        """
        return put_value(self._styled(ws, row, col, fmt, like, style), value)

    def formula(self, ws: Any, row: int, col: int, text: str, fmt: str | None = None, like: Any = None, **style: Any) -> Any:
        cell = self._styled(ws, row, col, fmt, like, style)
        cell.value = text
        return cell

    @staticmethod
    def _styled(ws: Any, row: int, col: int, fmt: str | None, like: Any, style: dict[str, Any]) -> Any:
        """The cell, styled like ``like`` or with ``fmt`` and ``style`` (before its value is set)."""
        cell = ws.cell(row=row, column=col)
        if like is not None:
            cell._style = copy(like._style)
            return cell
        if fmt:
            cell.number_format = fmt
        for name, v in style.items():
            setattr(cell, name, v)
        return cell

    def header(self, ws: Any, row: int, titles: Iterable[str], start: int = 1) -> None:
        for i, title in enumerate(titles):
            self.put(ws, row, start + i, title, font=self.header_font, fill=self.header_fill, alignment=self.Alignment(wrap_text=True, vertical="center"))
        self.fit_rows(ws, row, row)

    def fit_rows(self, ws: Any, first: int, last: int, columns: Iterable[int] | None = None) -> None:
        """Make rows tall enough for the wrapped text in ``columns`` (default: all).

        Spreadsheets do not always work row heights out when they open a file.
        """
        from openpyxl.utils import get_column_letter

        cols = list(columns) if columns is not None else list(range(1, ws.max_column + 1))
        widths = {c: ws.column_dimensions[get_column_letter(c)].width or 10 for c in cols}
        for r in range(first, last + 1):
            lines = 1
            for c in cols:
                cell = ws.cell(row=r, column=c)
                if isinstance(cell.value, str) and len(cell.value) * 1.1 > widths[c] and cell.alignment.wrap_text:
                    lines = max(lines, math.ceil(len(cell.value) * 1.1 / widths[c]))
            if lines > 1:
                ws.row_dimensions[r].height = 15 * lines

    def section(self, ws: Any, row: int, title: str, width: int) -> None:
        for col in range(1, width + 1):
            ws.cell(row=row, column=col).fill = self.section_fill
        self.put(ws, row, 1, title, font=self.bold)

    def title(self, ws: Any, text: str, note: str | None = None) -> None:
        self.put(ws, 1, 1, text, font=self.Font(bold=True, size=14))
        if note:
            self.put(ws, 2, 1, note, font=self.Font(italic=True, color="595959"))

    @staticmethod
    def widths(ws: Any, widths: Iterable[int]) -> None:
        from openpyxl.utils import get_column_letter

        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w

    @staticmethod
    def landscape(ws: Any) -> None:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    def function_text(self, seat: Position) -> str:
        return "; ".join(self.labels.get(f, f) for f in seat.functions)

    # -- sheets ---------------------------------------------------------------------
    def summary(self, ws: Any) -> None:
        p = self.plan.profile
        ws.title = "Summary"
        self.title(ws, f"HR staffing plan: {p.company}", "Recommended by orgplan. The totals are formulas over the Positions sheet: edit a salary, FTE or benefits load there and they follow.")
        self.widths(ws, (34, 18, 14, 18, 60))
        row = 4
        self.section(ws, row, "Company", 5)
        for key, spec in self.t.profile_fields.items():
            if spec["type"] == "functions":
                continue
            row += 1
            self.put(ws, row, 1, spec["label"])
            value = getattr(p, key)
            if spec["type"] == "places":
                value = len(value) if value[0].assumed else "; ".join(f"{x.name} ({x.employees:,})" for x in value)
            self.put(ws, row, 2, value, "0%" if spec.get("format") == "percent" else ("#,##0" if spec["type"] in ("integer", "places") else None))
            if key == "employees":
                employees = f"$B${row}"
        row += 1
        self.put(ws, row, 1, self.t.profile_fields["functions"]["label"])
        self.put(ws, row, 2, "; ".join(self.labels.get(f, f) for f in p.functions), alignment=self.wrap)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        ws.row_dimensions[row].height = 15 * math.ceil(len(ws.cell(row=row, column=2).value) * 1.1 / 110)

        row += 2
        self.section(ws, row, "Totals (formulas)", 5)
        not_exec = f'{ref("family")},"<>executive"'
        totals = [
            ("HR seats", f'=COUNTIFS({not_exec},{ref("id")},"<>")', "0"),
            ("HR FTE", f'=SUMIFS({ref("fte")},{not_exec})', "0.00"),
            ("HR staff (FTE) per 100 employees", f"=IF({employees}>0,B{row + 2}/{employees}*100,0)", "0.00"),
            ("Annual cost (USD)", f'=SUM({ref("annual_cost")})', MONEY),
            ("Annual HR cost per employee (USD)", f"=IF({employees}>0,B{row + 4}/{employees},0)", MONEY),
            ("Layers below the executive", f'=_xlfn.MAXIFS({ref("layer")},{not_exec})', "0"),
            ("Widest span (direct reports)", f'=_xlfn.MAXIFS({ref("direct_reports")},{not_exec})', "0"),
        ]
        for label, text, fmt in totals:
            row += 1
            self.put(ws, row, 1, label)
            self.formula(ws, row, 2, text, fmt, font=self.bold)
        per100 = f"B{row - 4}"
        band = self.t.band_for(p.employees) if self.t else None
        if band is not None:
            row += 1
            self.put(ws, row, 1, "Published range, HR staff per 100")
            self.put(ws, row, 2, band.low, "0.00")
            self.put(ws, row, 3, band.high, "0.00")
            self.put(ws, row, 5, band.source, font=self.Font(italic=True, color="595959"), alignment=self.wrap)
            self.fit_rows(ws, row, row)
            row += 1
            self.put(ws, row, 1, "Within the published range?")
            self.formula(ws, row, 2, f'=IF(AND({per100}>=B{row - 1},{per100}<=C{row - 1}),"yes","no")')

        row += 2
        self.section(ws, row, "Seats by family", 5)
        row += 1
        self.header(ws, row, ("Family", "Seats", "FTE", "Annual cost (USD)"))
        self.family_rows(ws, row + 1)

    def family_rows(self, ws: Any, first: int) -> int:
        """Seats, FTE and cost per HR family as formulas from row ``first``; returns the last row."""
        families = self.t.hr_families
        for row, family in enumerate(families, start=first):
            self.put(ws, row, 1, family)
            self.formula(ws, row, 2, f"=COUNTIF({ref('family')},A{row})", "0")
            self.formula(ws, row, 3, f"=SUMIF({ref('family')},A{row},{ref('fte')})", "0.00")
            self.formula(ws, row, 4, f"=SUMIF({ref('family')},A{row},{ref('annual_cost')})", MONEY)
        return first + len(families) - 1

    def positions(self, ws: Any) -> None:
        cols = POSITION_COLUMNS
        self.header(ws, 1, [c.header for c in cols])
        self.widths(ws, [c.width for c in cols])
        ws.freeze_panes = "C2"
        ws.row_dimensions[1].height = 32
        depth = self.plan.depths()
        L = {c.key: letter(c.key) for c in cols}
        for r, seat in enumerate(self.plan.seats, start=2):
            hr = seat.is_hr
            hire = self.hires.get(seat.id)
            values: dict[str, Any] = {
                "id": seat.id,
                "title": seat.title,
                "role": seat.role,
                "family": seat.family,
                "level": seat.level,
                "reports_to": seat.reports_to,
                "layer": depth[seat.id],
                "functions": self.function_text(seat),
                "fte": seat.fte,
                "base_salary": seat.base_salary if hr else None,
                "benefits_load": seat.benefits_load if hr else None,
                "hiring_phase": hire.phase if hire else "Outside HR",
                "quarter": hire.quarter if hire else None,
                "rationale": " ".join(x.reason for x in seat.rationale),
            }
            formulas = {
                "reports_to_title": f'=IFERROR(INDEX($B:$B,MATCH({L["reports_to"]}{r},$A:$A,0)),"")',
                "direct_reports": f'=COUNTIF(${L["reports_to"]}:${L["reports_to"]},{L["id"]}{r})',
                "annual_cost": f'=ROUND({L["base_salary"]}{r}*{L["fte"]}{r}*{L["benefits_load"]}{r},0)',
                "cost_per_function": f'=IF({L["functions"]}{r}="",0,{L["annual_cost"]}{r}/(LEN({L["functions"]}{r})-LEN(SUBSTITUTE({L["functions"]}{r},";",""))+1))',
            }
            for c_i, col in enumerate(cols, start=1):
                like = ws.cell(row=2, column=c_i) if r > 2 else None  # the first row's styles serve every row
                if col.key in formulas:
                    self.formula(ws, r, c_i, formulas[col.key], col.number_format, like=like, alignment=self.top)
                else:
                    self.put(ws, r, c_i, values[col.key], col.number_format, like=like, alignment=self.wrap if col.key in ("functions", "rationale") else self.top)
        from openpyxl.worksheet.table import Table, TableStyleInfo

        last = len(self.plan.seats) + 1
        table = Table(displayName="Positions", ref=f"A1:{letter(cols[-1].key)}{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
        ws.print_title_rows = "1:1"
        self.fit_rows(ws, 2, last, [i + 1 for i, c in enumerate(cols) if c.key in ("functions", "rationale")])

    def structure(self, ws: Any) -> None:
        """The hierarchy as an outline; each leader's row rolls up the team below it."""
        from openpyxl.worksheet.properties import Outline

        self.title(ws, "Org structure", "Each row's team columns add up the seat and everyone below it. Use the outline buttons on the left to fold levels.")
        self.header(ws, 3, ("Seat", "ID", "Role", "Seats below", "FTE", "Annual cost (USD)", "Team FTE", "Team cost (USD)"))
        self.widths(ws, (48, 24, 24, 10, 8, 14, 10, 16))
        ws.freeze_panes = "A4"
        ws.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=False)
        children: dict[str | None, list[Position]] = {}
        for seat in self.plan.seats:
            children.setdefault(seat.reports_to, []).append(seat)
        order: list[tuple[Position, int]] = []
        stack = [(self.plan.root, 0)]
        while stack:
            seat, d = stack.pop()
            order.append((seat, d))
            stack.extend((c, d + 1) for c in reversed(children.get(seat.id, [])))
        first = 4
        end_of: dict[str, int] = {}
        for i in range(len(order) - 1, -1, -1):  # a subtree is the rows up to the next seat at its depth or above
            seat, d = order[i]
            j = i + 1
            while j < len(order) and order[j][1] > d:
                j = end_of[order[j][0].id] - first + 1
            end_of[seat.id] = first + j - 1
        id_col, fte_col, cost_col = ref("id"), ref("fte"), ref("annual_cost")
        protos: dict[tuple[int, bool], int] = {}  # the first row of each look, whose styles later rows copy
        for i, (seat, d) in enumerate(order):
            r = first + i
            end = end_of[seat.id]
            lead = end > r
            first_like = protos.setdefault((min(d, 15), lead), r)

            def like(col: int) -> Any:
                return ws.cell(row=first_like, column=col) if first_like != r else None

            self.put(ws, r, 1, seat.title, like=like(1), alignment=self.Alignment(horizontal="left", indent=min(d, 15)), font=self.bold if lead else None)
            self.put(ws, r, 2, seat.id, like=like(2))
            self.put(ws, r, 3, seat.role, like=like(3))
            self.formula(ws, r, 4, f"=COUNTA(B{r + 1}:B{end})" if lead else "=0", "0", like=like(4))
            self.formula(ws, r, 5, f"=IFERROR(INDEX({fte_col},MATCH(B{r},{id_col},0)),0)" if seat.is_hr else "=0", "0.00", like=like(5))
            self.formula(ws, r, 6, f"=IFERROR(INDEX({cost_col},MATCH(B{r},{id_col},0)),0)", MONEY, like=like(6))
            self.formula(ws, r, 7, f"=SUM(E{r}:E{end})", "0.00", like=like(7), font=self.bold if lead else None)
            self.formula(ws, r, 8, f"=SUM(F{r}:F{end})", MONEY, like=like(8), font=self.bold if lead else None)
            if d:
                ws.row_dimensions[r].outline_level = min(d, 7)

    def responsibilities(self, ws: Any) -> None:
        """Who does and who directs each HR function, from the plan's seats and the catalog."""
        plan, t = self.plan, self.t
        self.title(ws, "Who does what", "Does: the seat carries out the work. Directs: the seat sets its direction, budget and policy.")
        roles: list[str] = []
        for seat in plan.hr_seats:
            if seat.role not in roles:
                roles.append(seat.role)
        catalog = t.roles if t else {}
        head = next(s for s in plan.seats if s.reports_to == plan.root.id)
        directors = {f: r for r in roles if r in catalog for f in catalog[r].leads}
        titles = [catalog[r].title if r in catalog else r for r in roles]
        self.header(ws, 3, ("HR function", *titles, "Doing means", "Directing means"))
        self.widths(ws, (30, *([14] * len(roles)), 60, 60))
        ws.row_dimensions[3].height = 48
        ws.freeze_panes = "B4"
        for i, f in enumerate(plan.profile.functions):
            r = 4 + i
            info = t.functions[f] if t else None
            self.put(ws, r, 1, self.labels.get(f, f), font=self.bold)
            doers = {s.role for s in plan.hr_seats if f in s.functions}
            director = directors.get(f, head.role)
            for c, role in enumerate(roles, start=2):
                does, directs = role in doers, role == director
                mark = "Does + directs" if does and directs else "Does" if does else "Directs" if directs else ""
                if mark:
                    self.put(ws, r, c, mark, fill=self.PatternFill("solid", fgColor=_MARK_FILLS.get(mark, "FFFFFF")), alignment=self.Alignment(horizontal="center"))
            if info is not None:
                self.put(ws, r, len(roles) + 2, info.doing, alignment=self.wrap)
                self.put(ws, r, len(roles) + 3, info.directing, alignment=self.wrap)
        self.fit_rows(ws, 4, 3 + len(plan.profile.functions))

    def budget(self, ws: Any) -> None:
        self.title(ws, "Budget", "Formulas over the Positions sheet. A seat covering several functions splits its cost evenly between them.")
        self.widths(ws, (46, 10, 10, 18, 12))
        row = 3
        self.section(ws, row, "By family", 5)
        row += 1
        self.header(ws, row, ("Family", "Seats", "FTE", "Annual cost (USD)", "Share of cost"))
        top = row + 1
        row = self.family_rows(ws, top)
        self._total(ws, row + 1, top, row)
        row += 3
        self.section(ws, row, "By HR function", 5)
        row += 1
        self.header(ws, row, ("Function", "Seats covering it", "", "Annual cost (USD)", "Share of cost"))
        top = row + 1
        for f in self.plan.profile.functions:
            row += 1
            criterion = _quote("*" + _wildcard(self.labels.get(f, f)) + "*")
            self.put(ws, row, 1, self.labels.get(f, f))
            self.formula(ws, row, 2, f"=COUNTIF({ref('functions')},{criterion})", "0")
            self.formula(ws, row, 4, f"=SUMIF({ref('functions')},{criterion},{ref('cost_per_function')})", MONEY)
        row += 1
        self.put(ws, row, 1, "Leadership and team leads (no single function)")
        self.formula(ws, row, 4, f"=SUM({ref('annual_cost')})-SUM(D{top}:D{row - 1})", MONEY)
        self._total(ws, row + 1, top, row, seats=False)

    def _total(self, ws: Any, row: int, top: int, bottom: int, seats: bool = True) -> None:
        self.put(ws, row, 1, "Total", font=self.bold, border=self.top_line)
        if seats:
            self.formula(ws, row, 2, f"=SUM(B{top}:B{bottom})", "0", font=self.bold, border=self.top_line)
            self.formula(ws, row, 3, f"=SUM(C{top}:C{bottom})", "0.00", font=self.bold, border=self.top_line)
        self.formula(ws, row, 4, f"=SUM(D{top}:D{bottom})", MONEY, font=self.bold, border=self.top_line)
        for r in range(top, bottom + 1):
            self.formula(ws, r, 5, f"=IF($D${row}=0,0,D{r}/$D${row})", "0%")

    def hiring(self, ws: Any) -> None:
        t = self.t
        pace = f"at least {t.hiring.min_hires_per_quarter.value:g} hires a quarter, all seats within {t.hiring.horizon_quarters.value:g} quarters" if t else ""
        self.title(ws, "Hiring plan", f"The order in which to fill the seats, by quarter from the start of the plan ({pace}).")
        self.header(ws, 3, ("Order", "Quarter", "Phase", "ID", "Title", "Family", "Reports to", "Annual cost (USD)", "Why in this phase"))
        self.widths(ws, (7, 9, 20, 24, 34, 12, 24, 14, 60, 3, 9, 8, 16, 18))
        ws.freeze_panes = "A4"
        id_col, cost_col = ref("id"), ref("annual_cost")
        for i, hire in enumerate(self.hire_list):
            r = 4 + i
            s = hire.seat
            for c, value in enumerate((hire.order, hire.quarter, hire.phase, s.id, s.title, s.family, s.reports_to), start=1):
                self.put(ws, r, c, value, '"Q"0' if c == 2 else None, like=ws.cell(row=4, column=c) if r > 4 else None)
            self.formula(ws, r, 8, f"=IFERROR(INDEX({cost_col},MATCH(D{r},{id_col},0)),0)", MONEY, like=ws["H4"] if r > 4 else None)
            self.put(ws, r, 9, hire.why, like=ws["I4"] if r > 4 else None, alignment=self.wrap)
        last = 3 + len(self.hire_list)
        self.fit_rows(ws, 4, last, [9])
        self.header(ws, 3, ("Quarter", "Hires", "Cost added (USD)", "Annual run-rate (USD)"), start=11)
        quarters = sorted({h.quarter for h in self.hire_list})
        for i, q in enumerate(quarters):
            r = 4 + i
            self.put(ws, r, 11, q, '"Q"0')
            self.formula(ws, r, 12, f"=COUNTIF($B$4:$B${last},K{r})", "0")
            self.formula(ws, r, 13, f"=SUMIF($B$4:$B${last},K{r},$H$4:$H${last})", MONEY)
            self.formula(ws, r, 14, f"=SUM($M$4:M{r})", MONEY)

    def assumptions(self, ws: Any) -> None:
        plan, t = self.plan, self.t
        self.title(ws, "Assumptions", "Every figure the plan uses, with its source. Change them in orgplan's templates folder to re-plan.")
        self.widths(ws, (30, 34, 14, 16, 40, 80))
        if t is None:
            return
        row = 4
        self.section(ws, row, "Salaries (base pay before the profile's salary multiplier)", 6)
        row += 1
        self.header(ws, row, ("Role", "Title", "Seats in plan", "Catalog salary (USD)", "Year", "Source"))
        for key, role in t.roles.items():
            if not role.is_hr:
                continue
            row += 1
            self.put(ws, row, 1, key)
            self.put(ws, row, 2, role.title)
            self.formula(ws, row, 3, f"=COUNTIF({ref('role')},A{row})", "0")
            self.put(ws, row, 4, role.salary.base, MONEY)
            self.put(ws, row, 5, role.salary.year)
            self.put(ws, row, 6, role.salary.source + (f" ({role.salary_note})" if role.salary_note else ""), alignment=self.wrap)
        row += 1
        self.put(ws, row, 1, "Salary multiplier (profile)")
        self.put(ws, row, 4, plan.profile.salary_multiplier, "0.00")

        row += 2
        self.section(ws, row, "Planning figures", 6)
        row += 1
        self.header(ws, row, ("Name", "Value", "", "", "", "Source"))
        policy = t.hiring
        for figure in (*t.constants.values(), *t.costing.figures, policy.min_hires_per_quarter, policy.horizon_quarters):
            row += 1
            self.put(ws, row, 1, figure.name)
            self.put(ws, row, 2, figure.value)
            self.put(ws, row, 6, figure.source, alignment=self.wrap)

        values = plan.values
        row += 2
        self.section(ws, row, f"Figures worked out for {plan.profile.company}", 6)
        row += 1
        self.header(ws, row, ("Name", "Expression", "Value", "", "", "Source"))
        for figure in (*t.derived, *(f for k, f in t.workload.items() if k in plan.profile.functions)):
            name = figure.name if figure in t.derived else f"demand_{figure.name}"
            row += 1
            self.put(ws, row, 1, name)
            self.put(ws, row, 2, figure.expression.text if figure.expression else "")
            self.put(ws, row, 3, round(float(values.get(name, 0.0)), 3), "0.000")
            self.put(ws, row, 6, figure.source, alignment=self.wrap)

        row += 2
        self.section(ws, row, "Published HR staff per 100 employees", 6)
        row += 1
        self.header(ws, row, ("Employees from", "Employees to", "Low", "High", "Applies", "Source"))
        for band in t.bands:
            row += 1
            applies = band.min_employees <= plan.profile.employees <= band.max_employees
            for c, value in enumerate((band.min_employees, band.max_employees, band.low, band.high, "this plan" if applies else "", band.source), start=1):
                self.put(ws, row, c, value, "#,##0" if c < 3 else ("0.00" if c < 5 else None), font=self.bold if applies else None, alignment=self.wrap)

        row += 2
        self.section(ws, row, "Rules", 6)
        row += 1
        self.header(ws, row, ("Rule", "Stage", "Fired", "Seats", "What it found", "Source"))
        sources = {r.id: r.source for r in t.rules.rules}
        for result in plan.rule_results:
            row += 1
            for c, value in enumerate((result.rule, result.stage, "yes" if result.fired else "no", result.seats, result.detail, sources.get(result.rule, "")), start=1):
                self.put(ws, row, c, value, alignment=self.wrap)
        row += 1
        self.put(ws, row, 1, "span-limit")
        self.put(ws, row, 2, "span")
        self.put(ws, row, 5, f"Team leads keep every leader within {plan.profile.max_span} direct reports.")
        self.put(ws, row, 6, t.rules.span.source, alignment=self.wrap)
        self.fit_rows(ws, 5, row)

    def chart(self, ws: Any, image: tuple[Path, str]) -> None:
        from openpyxl.drawing.image import Image

        path, note = image
        self.title(ws, "Org chart", note)
        picture = Image(str(path))
        widest = 1800
        if picture.width > widest:
            picture.height = round(picture.height * widest / picture.width)
            picture.width = widest
        ws.add_image(picture, "A4")
        self.landscape(ws)
        ws.page_setup.fitToHeight = 1  # the whole picture on one printed page
