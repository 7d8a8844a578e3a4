"""How wide text is in the workbook's font, and how many lines it wraps to: the measures for fitting cells.

Widths are in characters of a column width (7 px each), as Excel and LibreOffice size
columns; heights in points. The font is Arial, whose metrics LibreOffice's Liberation
Sans shares, so a fitted width holds in both.

>>> lines("Recruitment and onboarding of frontline staff", 20), pixels(10)
(3, 75)
"""

from __future__ import annotations

import functools
import itertools

__all__ = ["FONT", "FONT_SIZE", "LINE_POINTS", "INDENT", "text_width", "lines", "two_line_width", "pixels"]

FONT = "Arial"  # metrics the same in Excel (Arial) and LibreOffice (Liberation Sans), so fitted widths hold in both
FONT_SIZE = 10
LINE_POINTS = 12.75  # height of a line of 10 pt Arial

# Advance widths of printable ASCII (space to ~) in Arial, the workbook's font, per 1,000 em;
# LibreOffice's Liberation Sans has the same metrics.
# fmt: off
_ARIAL = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)
_ARIAL_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)
# fmt: on


_EM = {chr(32 + i): w for i, w in enumerate(_ARIAL)}
_EM_BOLD = {chr(32 + i): w for i, w in enumerate(_ARIAL_BOLD)}
_PER_EM = FONT_SIZE * 96 / 72 / 7 / 1000  # a 1,000-em width at 10 pt, in 7-px characters


@functools.lru_cache(maxsize=65536)
def text_width(text: str, bold: bool = False) -> float:
    """How wide ``text`` is in 10 pt Arial, in characters of a column width (7 px each).

    >>> round(text_width("HR Manager"), 1), round(text_width("0000"), 1)
    (10.8, 4.2)
    """
    table = _EM_BOLD if bold else _EM
    return sum(map(table.get, text, itertools.repeat(556, len(text)))) * _PER_EM


INDENT = 1.3  # the width of one step of indent, in characters
NARROWEST = min(_ARIAL) * _PER_EM  # the narrowest character, in characters: a text is at least this wide a letter


def lines(text: str, width: float, bold: bool = False, indent: int = 1) -> int:
    """How many lines ``text`` takes wrapped at word breaks in a column ``width`` characters wide."""
    room = max(1.0, width - 0.7 - INDENT * indent)  # less the cell's padding and the text's indent
    if text_width(text, bold) <= room and "\n" not in text:
        return 1
    space = text_width(" ", bold)
    count = 0
    for part in str(text).split("\n"):
        count += 1
        used = 0.0
        for word in part.split():
            size = text_width(word, bold)
            if used and used + space + size > room:
                count += 1
                used = 0.0
            while size > room:  # a word longer than the line breaks inside
                count += 1
                size -= room
            used += (space if used else 0) + size
    return max(1, count)


def two_line_width(title: str) -> float:
    """The width of the longer line when ``title`` is broken in two between words."""
    words = title.split()
    return min(
        (
            max(text_width(" ".join(words[:i]), True), text_width(" ".join(words[i:]), True))
            for i in range(1, len(words))
        ),
        default=text_width(title, True),
    )


def pixels(width: float) -> int:
    """A column width in characters as screen pixels (7 px a character, 5 px padding)."""
    return int(width * 7 + 0.5) + 5
