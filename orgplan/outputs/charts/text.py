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
        try:
            glyph = _FONTS[bold].load_char(ord(ch))
            adv = glyph.linearHoriAdvance / 65536 / 100  # em per point
        except RuntimeError:  # a character the font lacks (an emoji): drawn by another font, about an em wide
            adv = 1.0
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


def page_ranges(pages: Sequence[int], word: str = "page") -> str:
    """Page (or slide) numbers as compact ranges.

    >>> page_ranges([3]), page_ranges([4, 5, 6, 9]), page_ranges([2], "slide")
    ('page 3', 'pages 4-6, 9', 'slide 2')
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
    return (f"{word} " if len(nums) == 1 else f"{word}s ") + ", ".join(parts)


NBSP = "\u00a0"  # joins words that must stay on one line; drawn as a plain space


def wrap(text: str | Sequence[str], width: float, measure: Measure, points: float, bold: bool = False) -> list[str]:
    """Greedy line breaking of ``text`` (or of tokens, phrases kept whole) into lines at most ``width`` inches.

    Words joined by NBSP stay together and come out joined by a plain space. A word
    wider than the line is broken between characters; nothing is ever dropped.

    >>> wrap("leads 12 Employee Relations Specialists", 1.5, approx_measure, 8)
    ['leads 12 Employee', 'Relations Specialists']
    >>> wrap(f"cost $1,234{NBSP}a{NBSP}year", 0.9, approx_measure, 8)
    ['cost', '$1,234 a year']
    """
    tokens = [t.replace(NBSP, " ") for t in (text.split(" ") if isinstance(text, str) else text) if t]
    lines: list[str] = []
    line = ""
    for token in tokens:
        candidate = f"{line} {token}" if line else token
        if measure(candidate, points, bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while measure(token, points, bold) > width and len(token) > 1:
            cut = len(token) - 1
            while cut > 1 and measure(token[:cut], points, bold) > width:
                cut -= 1
            lines.append(token[:cut])
            token = token[cut:]
        line = token
    if line:
        lines.append(line)
    return lines
