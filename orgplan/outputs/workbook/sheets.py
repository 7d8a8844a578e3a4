"""Workbook sheets written with XlsxWriter, all with one look: the writing mechanics.

:class:`Book` wraps an XlsxWriter workbook (formats, defined names, charts, pictures) and
:class:`Sheet` writes cells while remembering what it wrote, so that :meth:`Sheet.finish`
can fit each column to its content (headers wrap at word breaks, never clipped), make
wrapped rows tall enough, align each header like its column and set up printing:
landscape, header rows repeated, page numbers in the footer, and a scale that keeps the
text at about 8 pt or more on paper. The measures live beside it: ``sheet_metrics`` (how
wide text is in the workbook's font), ``sheet_layout`` (column widths and row heights
fitted to what was written) and ``sheet_printing`` (how a sheet prints).

Text is always stored as text (a company called ``=1+1`` stays a name), and a formula is
stored with the value it computes (:class:`Formula`), so readers that do not calculate -
pandas, openpyxl's ``data_only``, mail and drive previews - still see every figure.

>>> import tempfile, pathlib, openpyxl
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
>>> book = Book(path)
>>> sheet = book.sheet("Costs")
>>> sheet.title("Costs", "A small example.")
>>> sheet.header(2, ["Item", "Cost (USD)"])
>>> sheet.put(3, 0, "=not a formula")
>>> sheet.put(3, 1, 1200, MONEY)
>>> sheet.put(4, 1, Formula("=SUM(B4:B4)", 1200), MONEY)
>>> sheet.finish(repeat_rows=2)
>>> book.close()
>>> ws = openpyxl.load_workbook(path, data_only=True)["Costs"]
>>> ws["A4"].value, ws["B5"].value
('=not a formula', 1200)
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any, NamedTuple

from orgplan.core.files import output_time
from orgplan.outputs.workbook.layout import Layout
from orgplan.outputs.workbook.metrics import FONT, FONT_SIZE, LINE_POINTS
from orgplan.outputs.workbook.metrics import text_width as text_width
from orgplan.outputs.workbook.printing import FOOTER, PAGE_PX, Printing

__all__ = [
    "Formula",
    "Book",
    "Sheet",
    "Printing",
    "native_chart",
    "literal",
    "MONEY",
    "FTE",
    "COUNT",
    "PERCENT",
    "QUARTER",
]

MONEY = "#,##0"
FTE = "0.00"
COUNT = "0"
PERCENT = "0%"
QUARTER = '"Q"0'

HEADER_FILL = "#1F4E78"
SECTION_FILL = "#DDEBF7"
NOTE_COLOUR = "#595959"
RULE_COLOUR = "#A6A6A6"
_TEXT_START = ("=", "+", "-", "@")  # text starting with these would read as a formula


class Formula(NamedTuple):
    """A formula and the value it computes, stored together in the cell (a tuple: a workbook makes a million)."""

    text: str
    value: float | int | str


def literal(text: str) -> str:
    """``text`` as a formula string literal (Excel allows 255 characters a literal).

    >>> literal('say "hi" twice')
    '"say ""hi"" twice"'
    >>> literal("x" * 300).count("&")
    1
    """
    pieces = [text[i : i + 255] for i in range(0, len(text), 255)] or [""]
    return "&".join('"' + p.replace('"', '""') + '"' for p in pieces)


def shown(value: Any, number_format: str | None) -> str:
    """Roughly how a value looks in a cell with this number format (for fitting widths).

    >>> shown(1234567.4, "#,##0"), shown(0.5, "0%"), shown(3, '"Q"0'), shown(1.5, "0.00")
    ('1,234,567', '50%', 'Q3', '1.50')
    """
    if isinstance(value, Formula):
        value = value.value
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return "" if value is None else str(value)
    if not number_format:
        return f"{value:g}"
    decimals = len(number_format.split(".")[1].rstrip("%")) if "." in number_format else 0
    number = value * 100 if "%" in number_format else value
    text = f"{number:,.{decimals}f}" if "," in number_format else f"{number:.{decimals}f}"
    prefix = number_format.split('"')[1] if number_format.startswith('"') else ""
    return prefix + text + ("%" if "%" in number_format else "")


@functools.lru_cache(maxsize=65536)
def _shown_nonzero(number: float, number_format: str | None) -> str:
    """:func:`shown` for a number other than zero (the cache would take -0.0 for 0): a large workbook repeats a
    few hundred numbers."""
    return shown(number, number_format)


def is_number(value: Any) -> bool:
    """True for a number, or a formula whose value is a number."""
    if isinstance(value, Formula):
        value = value.value
    kind = type(value)  # int and float first: most cells of a large workbook
    return kind is int or kind is float or (kind is not bool and isinstance(value, (int, float)))


@functools.cache
def _worksheet_class() -> type:
    """XlsxWriter's worksheet, taking formulas as they are written.

    orgplan's formulas use Excel 2007 functions only (a test checks), so the dozens of
    rewrites XlsxWriter tries on each formula for newer functions are skipped: a
    2,000-seat workbook has some 20,000 formulas.
    """
    from xlsxwriter.worksheet import Worksheet

    class PlainFormulas(Worksheet):
        def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
            return formula[1:] if formula.startswith("=") else formula

    return PlainFormulas


class Book:
    """An XlsxWriter workbook with orgplan's formats, written to ``path`` on :meth:`close`.

    ``in_row_order`` keeps memory flat for a very large workbook: each sheet holds its cells
    until :meth:`Sheet.finish`, then writes them row by row and lets them go (XlsxWriter's
    ``constant_memory`` mode: text is stored in its cells instead of a shared table, and a
    sheet gets filter buttons instead of an Excel table).
    """

    def __init__(self, path: str | os.PathLike[str], *, in_row_order: bool = False):
        import xlsxwriter

        self.in_row_order = in_row_order
        self.wb = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": in_row_order,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE, "font_scheme": "none"},
                "default_row_height": 17,
            },
        )
        # The same input gives the same bytes: the time in the file is SOURCE_DATE_EPOCH or a fixed one.
        self.wb.set_properties({"creator": "orgplan", "created": output_time().replace(tzinfo=None)})
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}
        self._styles: dict[tuple[Any, ...], Any] = {}
        self._plain: dict[tuple[str | None, bool, bool], Any] = {}
        self.names: dict[str, str] = {}  # defined name -> the cell it names

    def sheet(self, name: str) -> Sheet:
        """Add a worksheet; sheets appear in the order they are added."""
        return Sheet(self, self.wb.add_worksheet(name, worksheet_class=_worksheet_class()), name)

    def format(self, **props: Any) -> Any:
        """The workbook format with these XlsxWriter properties (one per distinct look)."""
        key = tuple(sorted(props.items()))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self.wb.add_format(dict(props))
        return fmt

    def style(
        self,
        number_format: str | None = None,
        *,
        numeric: bool = False,
        bold: bool = False,
        italic: bool = False,
        note: bool = False,
        wrap: bool = False,
        fill: str | None = None,
        center: bool = False,
        indent: int = 0,
        top_line: bool = False,
        bottom_line: bool = False,
        quote: bool = False,
        size: int | None = None,
    ) -> Any:
        """A cell format: numbers right-aligned and text left-aligned, both one step in from
        the edge, at the top of the cell."""
        key = (
            number_format,
            numeric,
            bold,
            italic,
            note,
            wrap,
            fill,
            center,
            indent,
            top_line,
            bottom_line,
            quote,
            size,
        )
        cached = self._styles.get(key)
        if cached is not None:
            return cached
        props: dict[str, Any] = {"valign": "top"}
        if numeric:
            props |= {"align": "right", "indent": 1}
            if number_format:
                props["num_format"] = number_format
        else:
            props["align"] = "center" if center else "left"
            if not center:
                props["indent"] = 1 + indent
        for name, on in (("bold", bold), ("italic", italic or note), ("text_wrap", wrap), ("quote_prefix", quote)):
            if on:
                props[name] = True
        if note:
            props["font_color"] = NOTE_COLOUR
        if fill:
            props |= {"pattern": 1, "bg_color": fill}
        if top_line:
            props |= {"top": 1, "top_color": RULE_COLOUR}
        if bottom_line:
            props |= {"bottom": 1, "bottom_color": RULE_COLOUR}
        if size:
            props["font_size"] = size
        self._styles[key] = self.format(**props)
        return self._styles[key]

    def plain(self, number_format: str | None, numeric: bool, quote: bool) -> Any:
        """:meth:`style` with no other choice, looked up by these three alone."""
        key = (number_format, numeric, quote)
        fmt = self._plain.get(key)
        if fmt is None:
            fmt = self._plain[key] = self.style(number_format, numeric=numeric, quote=quote)
        return fmt

    def define(self, name: str, sheet: str, row: int, col: int) -> str | None:
        """Give the cell a workbook-wide name formulas can use; None when Excel would refuse the name."""
        from xlsxwriter.utility import xl_rowcol_to_cell

        if (
            not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]{0,254}", name)
            or re.fullmatch(r"[A-Za-z]{1,3}\d+|[RrCc]\d*|true|false", name, re.I)
            or name in self.names
        ):
            return None
        cell = f"'{sheet}'!{xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)}"
        self.wb.define_name(name, "=" + cell)
        self.names[name] = cell
        return name

    def close(self) -> None:
        self.wb.close()


class Sheet:
    """One worksheet being written: cells now; widths, heights, headers and printing on :meth:`finish`."""

    def __init__(self, book: Book, ws: Any, name: str):
        self.book, self.ws, self.name = book, ws, name
        self.layout = Layout()
        self.levels: dict[int, int] = {}  # row -> outline level
        self._headers: list[tuple[int, int, str]] = []
        self._numeric_header: dict[tuple[int, int], bool] = {}  # (row, col) of a header -> is the value below a number?
        self._waiting: dict[int, int] = {}  # column -> row of its latest header, until a value is written below it
        self._spans: list[tuple[int, int, int | None, Any, dict[str, Any], float]] = []
        self._title: str | None = None
        self._rows: dict[int, list[tuple[Any, ...]]] | None = {} if book.in_row_order else None
        # the worksheet's writing methods, looked up once: a row-order sheet holds one with each cell
        self._formula, self._number, self._string, self._blank = (
            ws.write_formula,
            ws.write_number,
            ws.write_string,
            ws.write_blank,
        )

    # -- cells ---------------------------------------------------------------------
    def put(self, row: int, col: int, value: Any, number_format: str | None = None, **style: Any) -> None:
        """Write a value: a number, text (always as text), a :class:`Formula`, or None (blank)."""
        if value is None and not any(style.values()):  # nothing to show
            return
        formula = isinstance(value, Formula)
        number = value.value if formula else value
        kind = type(number)  # is_number, inline: a large workbook has millions of cells
        numeric = kind is int or kind is float or (kind is not bool and isinstance(number, (int, float)))
        if col in self._waiting and value is not None:
            self._numeric_header[self._waiting.pop(col), col] = numeric
        text = not formula and isinstance(value, str)
        quote = text and value.startswith(_TEXT_START)
        if style:
            fmt = self.book.style(number_format if numeric else None, numeric=numeric, quote=quote, **style)
            self.layout.measure(
                row,
                col,
                shown(value, number_format),
                bold=style.get("bold", False),
                indent=style.get("indent", 0),
                wrap=style.get("wrap"),
            )
        else:  # most cells: the quick way to the same format and measure
            fmt = self.book.plain(number_format if numeric else None, numeric, quote)
            looks = _shown_nonzero if numeric and number != 0 else shown
            self.layout.measure(row, col, value if text else looks(number, number_format))
        if formula:
            self._cell((self._formula, row, col, value.text, fmt, number))
        elif numeric:
            self._cell((self._number, row, col, value, fmt))
        elif text:
            self._cell((self._string, row, col, value, fmt))
        else:
            self._cell((self._blank, row, col, None, fmt))

    def _cell(self, cell: tuple[Any, ...]) -> None:
        """Write a cell, given as (the worksheet's writing method, row, column, its arguments...): now, or on
        :meth:`finish` when the book is written in row order."""
        rows = self._rows
        if rows is None:
            cell[0](*cell[1:])
            return
        cells = rows.get(cell[1])
        if cells is None:
            cells = rows[cell[1]] = []
        cells.append(cell)

    def filter_table(self, last_row: int, headers: list[str], name: str, style: str) -> None:
        """Make rows 0..``last_row`` an Excel table with filter buttons; in row order, filter buttons alone."""
        if self._rows is not None:
            self.ws.autofilter(0, 0, last_row, len(headers) - 1)
            return
        columns = [{"header": h} for h in headers]
        self.ws.add_table(0, 0, last_row, len(headers) - 1, {"name": name, "style": style, "columns": columns})
        # XlsxWriter indexes every cell of a table to refuse a later table or merge over it; no sheet
        # gets either, and at 100,000 seats the index of two million cells takes some 200 MB.
        index = getattr(self.ws, "table_cells", None)  # XlsxWriter's own attribute: left alone if a release drops it
        if isinstance(index, dict):
            index.clear()

    def header(self, row: int, titles: list[str] | tuple[str, ...], col: int = 0) -> None:
        """Column headers at ``row``; each is aligned like the first value written below it."""
        for i, title in enumerate(titles):
            self._headers.append((row, col + i, title))
            self._waiting[col + i] = row
            self.layout.last_col = max(self.layout.last_col, col + i)

    def span(
        self, row: int, col: int, value: Any, last_col: int | None = None, *, height: float = LINE_POINTS, **style: Any
    ) -> None:
        """A value across columns ``col``..``last_col``, wrapped; it widens no column.

        By default it reaches the sheet's last column, or as far as one printed page allows.
        """
        self._spans.append((row, col, last_col, value, style, height))

    def title(self, text: str, note: str | None = None) -> None:
        """The sheet's title in row 1 and an optional note under it."""
        self._title = text
        self.span(0, 0, text, bold=True, size=14, height=18)
        if note:
            self.span(1, 0, note, note=True)

    def section(self, row: int, text: str, last_col: int | None = None) -> None:
        """A shaded band naming the part of the sheet below it."""
        self.span(row, 0, text, last_col, bold=True, fill=SECTION_FILL)

    def cap(self, col: int, width: int) -> None:
        """Let column ``col`` take at most ``width`` characters; longer wrapped text breaks into lines."""
        self.layout.cap(col, width)

    def widen(self, col: int, width: float) -> None:
        """Make column ``col`` at least ``width`` characters wide (room for text spanning into it)."""
        self.layout.widen(col, width)

    def outline(self, row: int, level: int) -> None:
        self.levels[row] = level

    # -- pictures and charts -------------------------------------------------------
    def chart(
        self,
        kind: str,
        title: str,
        categories: tuple[int, int, int],
        series: list[tuple[str, int, int, int]],
        *,
        at: tuple[int, int] | None = None,
        size: tuple[int, int] = (560, 320),
        **options: Any,
    ) -> None:
        """A native chart of this sheet's cells: ``categories`` and each series as (first row, last row, column).

        The chart sits at the cell ``at`` (row, column), or on a chart sheet of its own,
        named after this sheet, that prints on one page. ``options`` go to :func:`native_chart`.
        """
        chart = native_chart(self.book, self.name, kind, title, categories, series, **options)
        if at is None:
            page = self.book.wb.add_chartsheet(f"{self.name} chart"[:31])
            page.set_chart(chart)
            page.set_landscape()
            page.set_footer(FOOTER)
            return
        chart.set_size({"width": size[0], "height": size[1]})
        self.ws.insert_chart(at[0], at[1], chart, {"x_offset": 8, "y_offset": 4, "object_position": 1})
        self.layout.reserve(at[1], size[0] + 16)

    def image(self, row: int, col: int, path: str | os.PathLike[str], description: str, max_width: int = 1800) -> None:
        """A picture at (``row``, ``col``), scaled down to ``max_width`` pixels, with alt text."""
        from xlsxwriter.image import Image

        picture = Image(str(path))
        scale = min(1.0, max_width / picture.width) if picture.width else 1.0
        self.ws.insert_image(
            row, col, str(path), {"x_scale": scale, "y_scale": scale, "description": description, "object_position": 1}
        )
        if self.layout.last_col <= col and not self.layout.widths:  # a picture alone: one column as wide as it
            self.widen(col, min(picture.width * scale, PAGE_PX) / 7)
        self.layout.reserve(col, int(picture.width * scale))

    # -- finishing -----------------------------------------------------------------
    def finish(
        self,
        *,
        repeat_rows: int | None = None,
        repeat_cols: int | None = None,
        freeze: tuple[int, int] | None = None,
        one_page: bool = False,
        print_cols: int | None = None,
    ) -> None:
        """Fit widths and heights, write headers and spans, and set up printing.

        ``repeat_rows``: the header row printed on every page; ``repeat_cols``: the columns
        0..n printed on every page when the sheet needs several pages across;
        ``print_cols``: print only the columns 0..n; ``one_page``: the whole sheet on one page.
        """
        layout = self.layout
        widths = layout.fit_columns(self._headers)
        for col, width in widths.items():
            self.ws.set_column(col, col, width)
        printing = Printing(
            widths,
            layout.last_col if print_cols is None else print_cols,
            layout.drawings_px if print_cols is None else 0,
            repeat_cols,
            one_page,
        )
        _write_headers(self, widths)
        _write_spans(self, widths, printing)
        layout.fit_wrapped(widths)
        _write_rows(self)
        if freeze is not None:
            self.ws.freeze_panes(*freeze)
        printing.apply(self.ws, repeat_rows, self._title, layout.last_row, cut=print_cols is not None)


def _write_rows(sheet: Sheet) -> None:
    """Give rows their heights and outline levels; in row order, write each row's cells after them.

    Rows of plain cells go to the sheet as XML in one go (:class:`RowWriter`); the sheet's last row
    stays with XlsxWriter, which writes it, and numbers any format first seen there, when the book
    closes: the file is byte for byte the one XlsxWriter's own methods would write.
    """
    layout, cells, ws = sheet.layout, sheet._rows, sheet.ws
    last, rows = (max(cells) if cells else -1), None
    if cells:
        from orgplan.outputs.workbook.row_xml import RowWriter

        rows = RowWriter(ws, (sheet._number, sheet._string, sheet._formula, sheet._blank))
    for row in sorted(set(layout.heights) | set(sheet.levels) | set(cells or ())):
        height = layout.heights.get(row)
        if row in layout.heights or row in sheet.levels:
            options = {"level": sheet.levels[row]} if sheet.levels.get(row) else None
            ws.set_row(row, height if height and height > LINE_POINTS else None, None, options)
        written = cells.pop(row, ()) if cells is not None else ()
        if written and (row == last or rows is None or not rows.write(row, written)):
            for cell in written:
                cell[0](*cell[1:])


def _write_headers(sheet: Sheet, widths: dict[int, float]) -> None:
    """Write the sheet's header cells, and fit their rows to them."""
    for row, col, title in sheet._headers:
        numeric = sheet._numeric_header.get((row, col), False)
        props = {
            "bold": True,
            "font_color": "#FFFFFF",
            "pattern": 1,
            "bg_color": HEADER_FILL,
            "text_wrap": True,
            "valign": "bottom",
            "align": "right" if numeric else "left",
            "indent": 1,
        }
        sheet._cell((sheet._string, row, col, title, sheet.book.format(**props)))
        sheet.layout.fit_text(row, title, widths[col], bold=True)


def _write_spans(sheet: Sheet, widths: dict[int, float], printing: Printing) -> None:
    """Write the cells that span columns (to ``last``, or the printed width), and fit their rows."""
    for row, col, last, value, style, points in sheet._spans:
        last = printing.span_end(col, sheet.layout.last_col) if last is None else last
        fmt = sheet.book.style(
            numeric=False, wrap=True, quote=isinstance(value, str) and value.startswith(_TEXT_START), **style
        )
        if last > col:
            sheet._cell((sheet.ws.merge_range, row, col, row, last, "", fmt))
        if isinstance(value, Formula):
            sheet._cell((sheet._formula, row, col, value.text, fmt, value.value))
        else:
            sheet._cell((sheet._string, row, col, "" if value is None else str(value), fmt))
        width = sum(widths.get(c, 8.43) for c in range(col, last + 1))
        sheet.layout.fit_text(
            row,
            shown(value, None),
            width * FONT_SIZE / style.get("size", FONT_SIZE),
            bold=style.get("bold", False),
            points=points,
            least=points,
        )


_UPRIGHT_LABELS = 12  # more categories than this along the bottom: their labels stand upright


def native_chart(
    book: Book,
    sheet: str,
    kind: str,
    title: str,
    categories: tuple[int, int, int],
    series: list[tuple[str, int, int, int]],
    *,
    number_format: str | None = None,
    y_title: str | None = None,
    x_title: str | None = None,
    dashed: tuple[int, ...] = (),
    category_format: str | None = None,
) -> Any:
    """An XlsxWriter chart (column, bar or line) over cells of ``sheet``, in orgplan's colours.

    ``categories`` and each series are (first row, last row, column); ``dashed`` are the
    positions of series drawn as dashed lines. Every category is labelled; a bar chart
    lists the first row at the top, as the table does.
    """
    chart = book.wb.add_chart({"type": kind})
    first, last, cat_col = categories
    palette = ("#1F4E78", "#C55A11", "#548235", "#7F6000", "#7030A0")
    for i, (name, s_first, s_last, s_col) in enumerate(series):
        colour = palette[i % len(palette)]
        options: dict[str, Any] = {
            "name": name,
            "categories": [sheet, first, cat_col, last, cat_col],
            "values": [sheet, s_first, s_col, s_last, s_col],
        }
        if kind == "line":
            options |= {
                "line": {"color": colour, "width": 2.25, **({"dash_type": "dash"} if i in dashed else {})},
                "marker": {"type": "none"},
            }
        else:
            options["fill"] = {"color": colour}
        chart.add_series(options)
    chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
    value_axis, category_axis = (
        (chart.set_x_axis, chart.set_y_axis) if kind == "bar" else (chart.set_y_axis, chart.set_x_axis)
    )
    value_axis(
        {
            **({"num_format": number_format} if number_format else {}),
            **({"name": y_title} if y_title else {}),
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
    )
    many = kind != "bar" and last - first + 1 > _UPRIGHT_LABELS
    category_axis(
        {
            # Upright labels side by side when there are many, so a spreadsheet skips none of them.
            "num_font": {"size": 7, "rotation": -90} if many else {"size": 8},
            "interval_unit": 1,
            **({"num_format": category_format} if category_format else {}),
            **({"reverse": True} if kind == "bar" else {}),
            **({"name": x_title} if x_title else {}),
        }
    )
    chart.set_legend({"position": "bottom"} if len(series) > 1 else {"none": True})
    return chart
