"""What chart boxes and footers say: counts that agree with their nouns, and lines that fit a width.

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
    "number",
    "count_of",
    "plural_of",
    "with_article",
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


def plural_of(noun: str) -> str:
    """The plural of a job title or noun: its head word takes the plural.

    >>> titles = ("Recruiter", "HR Business Partner", "Secretary", "HR Supervisor, Recruiters", "Analysis")
    >>> [plural_of(t) for t in titles]
    ['Recruiters', 'HR Business Partners', 'Secretaries', 'HR Supervisors, Recruiters', 'Analyses']
    """
    head, comma, rest = noun.partition(",")
    words = head.split(" ")
    last = words[-1]
    low = last.lower()
    if low.endswith("is") and not last.isupper():
        words[-1] = last[:-2] + "es"
    elif last.isupper() or not last[-1:].isalpha():
        words[-1] = last + "s"
    elif low.endswith(("s", "x", "z", "ch", "sh")):
        words[-1] = last + "es"
    elif low.endswith("y") and low[-2:-1] not in "aeiou":
        words[-1] = last[:-1] + "ies"
    else:
        words[-1] = last + "s"
    return " ".join(words) + comma + rest


def number(n: float) -> str:
    """A count or an FTE figure with thousands separators and no needless decimals.

    >>> number(11201.0), number(2.5), number(1234.25)
    ('11,201', '2.5', '1,234.25')
    """
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,.2f}".rstrip("0")


def count_of(n: float, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in agreement, with thousands separators.

    >>> count_of(1, "seat"), count_of(2000, "seat"), count_of(3, "HR Business Partner")
    ('1 seat', '2,000 seats', '3 HR Business Partners')
    """
    return f"{number(n)} {noun if n == 1 else plural or plural_of(noun)}"


_AN_LETTERS = set("AEFHILMNORSX")  # letters whose names start with a vowel sound: an HR, an MBA
_A_PREFIXES = ("uni", "use", "usu", "eu", "one", "once")
_AN_PREFIXES = ("hour", "honest", "honor", "honour", "heir")


def with_article(phrase: str) -> str:
    """``phrase`` with 'a' or 'an' as it is spoken.

    >>> phrases = ("HR Supervisor", "Recruiter", "Employee Relations Specialist", "Union Steward", "NLRB filing")
    >>> [with_article(t) for t in phrases]
    ['an HR Supervisor', 'a Recruiter', 'an Employee Relations Specialist', 'a Union Steward', 'an NLRB filing']
    """
    word = phrase.split(" ", 1)[0].strip(",.")
    if not word:
        return phrase
    if len(word) > 1 and word.isupper() or len(word) == 1:
        an = word[0].upper() in _AN_LETTERS
    else:
        low = word.lower()
        an = (low[0] in "aeiou" and not low.startswith(_A_PREFIXES)) or low.startswith(_AN_PREFIXES)
    return ("an " if an else "a ") + phrase


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
