"""What a sheet's content needs: column widths and row heights, fitted to what was written.

:class:`Layout` keeps, while a sheet is written, the widest content of each column, the
most a column may take, the rows that need more height and the width of drawings; when
the sheet is finished it gives each column its width (headers wrap at word breaks, on
two lines at most, never clipped) and each wrapped row its height.

>>> layout = Layout()
>>> layout.measure(3, 0, "HR Manager")
>>> layout.measure(3, 1, "Plans the hiring of every seat and the onboarding of each new hire", wrap=True)
>>> widths = layout.fit_columns([(2, 0, "Job title"), (2, 1, "What the seat does")])
>>> widths
{0: 13.6, 1: 50}
>>> layout.fit_wrapped(widths)
>>> layout.heights
{3: 25.5}
"""

from __future__ import annotations

from typing import Any

from orgplan.outputs.workbook.metrics import INDENT, LINE_POINTS, NARROWEST, lines, pixels, text_width, two_line_width

__all__ = ["Layout", "WRAP_AT"]

WRAP_AT = 50  # a text column wider than this wraps, unless the sheet says otherwise


class Layout:
    """Column widths and row heights a sheet needs, in characters and points."""

    def __init__(self) -> None:
        self.widths: dict[int, float] = {}  # column -> widest content, in characters
        self.caps: dict[int, int] = {}  # column -> the most it may take; longer text wraps
        self.heights: dict[int, float] = {}  # row -> points it needs at least
        self.last_col = 0
        self.last_row = 0
        self.drawings_px = 0  # the width of charts and pictures beyond the written columns
        self._wrapped: list[tuple[int, int, str]] = []  # row, column, text

    def measure(self, row: int, col: int, text: str, *, bold: Any = False, indent: int = 0, wrap: Any = False) -> None:
        """Count ``text`` written at (``row``, ``col``): its column is at least as wide, up to the column's cap."""
        if col > self.last_col:
            self.last_col = col
        if row > self.last_row:
            self.last_row = row
        most = self.caps.get(col, WRAP_AT) if wrap else self.caps.get(col)
        width: float
        if most is not None and len(text) * NARROWEST >= most:  # wider than the column may be, surely
            width = most
        else:
            width = text_width(text, bold) + 1.5 + INDENT * (1 + indent)
            if most is not None:
                width = min(width, most)
        if wrap:
            self._wrapped.append((row, col, text))
        if width > self.widths.get(col, 0):
            self.widths[col] = width

    def cap(self, col: int, width: int) -> None:
        """Let column ``col`` take at most ``width`` characters; longer wrapped text breaks into lines."""
        self.caps[col] = width

    def widen(self, col: int, width: float) -> None:
        """Make column ``col`` at least ``width`` characters wide (room for text spanning into it)."""
        self.widths[col] = max(self.widths.get(col, 0), width)
        self.last_col = max(self.last_col, col)

    def reserve(self, col: int, px: int) -> None:
        """Count a drawing ``px`` wide from column ``col`` in the printed width, beyond the written columns."""
        written = sum(pixels(self.widths.get(c, 8.43)) for c in range(col, self.last_col + 1))
        self.drawings_px = max(self.drawings_px, px - written)

    def fit_columns(self, headers: list[tuple[int, int, str]]) -> dict[int, float]:
        """The width of every column: its content, and room for its header (row, column, title) on two lines."""
        words: dict[int, float] = {}
        for _row, col, title in headers:  # a header takes at most two lines, broken between words
            longest = max((text_width(w, bold=True) for w in title.split()), default=0)
            words[col] = max(words.get(col, 0), max(longest, two_line_width(title)) + 1.5 + INDENT)
        return {col: round(max(self.widths.get(col, 0), words.get(col, 0), 4), 1) for col in range(self.last_col + 1)}

    def fit_text(
        self,
        row: int,
        text: str,
        width: float,
        *,
        bold: Any = False,
        points: float = LINE_POINTS,
        least: float = LINE_POINTS,
    ) -> None:
        """Make ``row`` (at least ``least`` points) tall enough for ``text`` wrapped in ``width`` characters."""
        self.heights[row] = max(self.heights.get(row, least), points * lines(text, width, bold))

    def fit_wrapped(self, widths: dict[int, float]) -> None:
        """Make each row with wrapped text tall enough for it, in the fitted ``widths``."""
        for row, col, text in self._wrapped:
            self.fit_text(row, text, widths.get(col, 8.43))
