"""What chart boxes and footers say: lines that fit a width, and page numbers as ranges.

Widths come from a ``measure(text, points, bold)`` function giving inches, so the layout
can size boxes before anything is drawn: :func:`measure` reads the advance widths of the
font charts are drawn in (only matplotlib's font reader, loaded on first use);
:func:`approx_measure` needs nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "Measure",
    "FONT",
    "measure",
    "approx_measure",
    "wrap",
    "page_ranges",
    "NBSP",
]

Measure = Callable[[str, float, bool], float]

FONT = "DejaVu Sans"  # ships with matplotlib, so text is measured with the font it is drawn in
_ADVANCES: dict[tuple[str, bool], float] = {}
_FONTS: dict[bool, Any] = {}
_FONT_LOCK = threading.Lock()


def measure(text: str, points: float, bold: bool = False) -> float:
    """The width in inches of ``text`` drawn in DejaVu Sans at ``points``, with room for hinting at 100 dpi and more."""
    total = 0.0
    for ch in text:
        adv = _ADVANCES.get((ch, bold))
        if adv is None:
            adv = _advance(ch, bold)
        total += adv
    return total * points / 72 * 1.05


def _advance(ch: str, bold: bool) -> float:
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    with _FONT_LOCK:
        if bold not in _FONTS:
            _FONTS[bold] = FT2Font(findfont(FontProperties(family=FONT, weight="bold" if bold else "normal")))
            _FONTS[bold].set_size(100, 72)
        glyph = _FONTS[bold].load_char(ord(ch))
        adv = glyph.linearHoriAdvance / 65536 / 100  # em per point
        _ADVANCES[(ch, bold)] = adv
    return adv


_NARROW = set("iIjl.,:;'|!()[]{} ")
_WIDE = set("mwMW@%")


def approx_measure(text: str, points: float, bold: bool = False) -> float:
    """A generous width estimate in inches of ``text`` in a sans-serif font, for layouts without fonts.

    >>> round(approx_measure("Recruiter", 9), 2)
    0.66
    """
    ems = 0.0
    for ch in text:
        ems += 0.34 if ch in _NARROW else 0.95 if ch in _WIDE else 0.72 if ch.isupper() else 0.6
    return ems * points * (1.08 if bold else 1.0) / 72


def page_ranges(pages: Sequence[int]) -> str:
    """Page numbers as compact ranges.

    >>> page_ranges([3]), page_ranges([4, 5, 6, 9])
    ('page 3', 'pages 4-6, 9')
    """
    nums = sorted(set(pages))
    parts: list[str] = []
    start = prev = nums[0]
    for n in nums[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ("page " if len(nums) == 1 else "pages ") + ", ".join(parts)


NBSP = "\u00a0"  # joins words that must stay on one line; drawn as a plain space


def wrap(
    text: str | Sequence[str],
    width: float,
    measure: Measure,
    points: float,
    bold: bool = False,
    most: int | None = None,
) -> list[str]:
    """Greedy line breaking of ``text`` (or of tokens, phrases kept whole) into lines at most ``width`` inches.

    Words joined by NBSP stay together and come out joined by a plain space. A word
    wider than the line is broken between characters; nothing is dropped, unless
    ``most`` lines are asked for: then the last ends with an ellipsis when text is left.

    Time is linear in the text's length: a line's width grows word by word (a width is
    the sum of its characters' advances), and a line is measured whole only when it
    comes within a hair of the width, so lines break exactly where measuring each
    candidate line would break them.

    >>> wrap("leads 12 Employee Relations Specialists", 1.5, approx_measure, 8)
    ['leads 12 Employee', 'Relations Specialists']
    >>> wrap(f"cost $1,234{NBSP}a{NBSP}year", 0.9, approx_measure, 8)
    ['cost', '$1,234 a year']
    >>> wrap("one two three four five six", 0.6, approx_measure, 8, most=2)
    ['one two', 'three…']
    """
    tokens = [t.replace(NBSP, " ") for t in (text.split(" ") if isinstance(text, str) else text) if t]
    space = measure(" ", points, bold)
    slack = 1e-6 * max(width, 1.0)

    def fits(line: str, estimate: float) -> bool:
        if abs(estimate - width) <= slack:
            return measure(line, points, bold) <= width
        return estimate <= width

    lines: list[str] = []
    line, line_w = "", 0.0
    for token in tokens:
        token_w = measure(token, points, bold)
        candidate_w = line_w + space + token_w if line else token_w
        if fits(f"{line} {token}" if line else token, candidate_w):
            line, line_w = (f"{line} {token}" if line else token), candidate_w
            continue
        if line:
            lines.append(line)
        line, line_w = "", 0.0
        if most is not None and len(lines) >= most:
            break
        if not fits(token, token_w) and len(token) > 1:
            pieces = _break_word(token, width, measure, points, bold)
            lines += pieces[:-1]
            token = pieces[-1]
            token_w = measure(token, points, bold)
        line, line_w = token, token_w
    else:
        if line:
            lines.append(line)
        return lines if most is None else _cut(lines, most, width, measure, points, bold)
    return _cut(lines, most, width, measure, points, bold, more=True)


def _break_word(word: str, width: float, measure: Measure, points: float, bold: bool) -> list[str]:
    """A word wider than the line cut between characters into pieces that fit (each at least one character)."""
    pieces, start, used = [], 0, 0.0
    for i, ch in enumerate(word):
        w = measure(ch, points, bold)
        if i > start and used + w > width and measure(word[start : i + 1], points, bold) > width:
            pieces.append(word[start:i])
            start, used = i, 0.0
        used += w
    pieces.append(word[start:])
    return pieces


def _cut(
    lines: list[str], most: int, width: float, measure: Measure, points: float, bold: bool, more: bool = False
) -> list[str]:
    """At most ``most`` lines; the last ends with an ellipsis when lines (or ``more`` text) were left out."""
    if len(lines) <= most and not more:
        return lines
    kept = lines[:most]
    if not kept:
        return kept
    last = kept[-1]
    while last and measure(last + "…", points, bold) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept
