"""A sheet's printing set-up (:class:`Printing`): page orientation, scale, repeated rows and columns, footer.

A landscape Letter page with 0.4 in side margins is 10.2 in, :data:`PAGE_PX` pixels at
96 dpi; printed at :data:`MIN_SCALE` or more, 10 pt text stays at 8 pt or more. A sheet
wider than that prints on pages side by side, breaking between columns, with the first
columns and the header rows repeated on every page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from orgplan.outputs.workbook.metrics import pixels

__all__ = ["Printing", "PAGE_PX", "MIN_SCALE", "FOOTER"]

PAGE_PX = 979
MIN_SCALE = 0.8
FOOTER = "&L&8&A&R&8Page &P of &N"  # the sheet's name, and page n of all


@dataclass(frozen=True)
class Printing:
    """How a sheet prints: landscape, one page wide when 10 pt text stays at 8 pt or more, else pages side by side.

    >>> Printing({0: 20, 1: 100}, last_col=1).pages
    1
    >>> Printing({0: 20, 1: 100, 2: 100}, last_col=2, repeat_cols=0).pages
    2
    """

    widths: dict[int, float]
    last_col: int  # the last column printed
    drawings_px: int = 0  # charts and pictures beyond the columns
    repeat_cols: int | None = None  # columns 0..n repeated on every page across
    one_page: bool = False

    @property
    def total_px(self) -> int:
        return sum(pixels(self.widths[c]) for c in range(self.last_col + 1)) + self.drawings_px

    @property
    def repeated_px(self) -> int:
        return sum(pixels(self.widths[c]) for c in range(self.repeat_cols + 1)) if self.repeat_cols is not None else 0

    @property
    def pages(self) -> int:
        """Pages side by side so that the text prints at 8 pt or more."""
        room = PAGE_PX / MIN_SCALE
        if self.one_page or self.total_px <= room:
            return 1
        return math.ceil(
            (self.total_px - self.repeated_px) / (room * 0.9 - self.repeated_px)
        )  # breaks fall between columns: a tenth spare

    @property
    def page_px(self) -> float:
        """How many pixels of columns one printed page holds, at the scale that fits the pages."""
        if self.pages == 1:
            return math.inf
        return 0.9 * (self.total_px + (self.pages - 1) * self.repeated_px) / self.pages

    def apply(self, ws: Any, repeat_rows: int | None, title: str | None, last_row: int, cut: bool = False) -> None:
        """Set up printing of ``ws``; ``cut``: print only the columns up to ``last_col``."""
        ws.set_landscape()
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer(FOOTER)
        if repeat_rows is not None:
            ws.repeat_rows(repeat_rows)
        if self.one_page:
            ws.fit_to_pages(1, 1)
            return
        ws.fit_to_pages(self.pages, 0)
        first_row = 0
        if self.pages > 1 and self.repeat_cols is not None:
            ws.repeat_columns(0, self.repeat_cols)
            if (
                title and repeat_rows
            ):  # the repeated columns would cut the title on later pages: print it in the page header
                # size before bold: "&12" then a title starting with a digit ("3M ...") would read as size 123
                ws.set_header("&L&12&B" + title.replace("&", "&&")[:200])
                first_row = repeat_rows
        if cut or first_row:
            ws.print_area(first_row, 0, max(last_row, first_row), self.last_col)

    def span_end(self, col: int, last_col: int) -> int:
        """The last column a span from ``col`` reaches: ``last_col``, or the last that prints on the first page."""
        end, room = col, self.page_px
        used = sum(pixels(self.widths.get(c, 8.43)) for c in range(col + 1))
        while end < last_col and used + pixels(self.widths.get(end + 1, 8.43)) <= room:
            end += 1
            used += pixels(self.widths.get(end, 8.43))
        return end
