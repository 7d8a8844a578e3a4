"""What chart boxes and footers say: lines that fit a width, and page numbers as ranges.

Widths come from a ``measure(text, points, bold)`` function giving inches, so the layout
can size boxes before anything is drawn: :func:`measure` reads the advance widths of the
fonts charts are drawn in (only matplotlib's font reader, loaded on first use), after
:func:`drawable` has replaced the letters no chart font has, as the drawing does;
:func:`approx_measure` needs nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "Measure",
    "FONT",
    "MONO",
    "REPLACEMENT",
    "families",
    "drawable",
    "replaced_letters",
    "replaced_warning",
    "measure",
    "approx_measure",
    "wrap",
    "page_ranges",
    "NBSP",
]

Measure = Callable[[str, float, bool], float]

FONT = "DejaVu Sans"  # ships with matplotlib, so text is measured with the font it is drawn in
MONO = "DejaVu Sans Mono"
# Fonts for letters DejaVu Sans lacks (CJK, Hangul, Thai, Devanagari...), used when installed, in this
# order; STIX ships with matplotlib and has the mathematical letters. A letter no font has is drawn
# as its plain form (a full-width E as E) or as REPLACEMENT, and the run says so once.
FALLBACK_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans CJK KR",
    "Noto Sans",
    "Noto Sans Thai",
    "Noto Sans Devanagari",
    "Noto Sans Bengali",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Droid Sans Fallback",
    "WenQuanYi Zen Hei",
    "Source Han Sans",
    "Arial Unicode MS",
    "STIXGeneral",
)
REPLACEMENT = "\ufffd"
_ADVANCES: dict[tuple[str, bool], float] = {}
_CHAINS: dict[bool, list[Any]] = {}  # bold -> the fonts in the order matplotlib falls back through them
_FAMILIES: list[str] = []
_DRAWN_AS: dict[str, str] = {}  # letter -> what is drawn for it
_REPLACED: set[str] = set()  # letters drawn as something else in this process
_FONT_LOCK = threading.RLock()


def families(mono: bool = False) -> list[str]:
    """The font families charts are drawn in (matplotlib's ``fontfamily``): DejaVu Sans, then installed fallbacks."""
    with _FONT_LOCK:
        if not _FAMILIES:
            from matplotlib.font_manager import FontProperties, findfont

            found = [FONT]
            for name in FALLBACK_FONTS:
                try:
                    findfont(FontProperties(family=name), fallback_to_default=False)
                except ValueError:
                    continue
                found.append(name)
            _FAMILIES.extend(found)
        return [MONO, *_FAMILIES] if mono else list(_FAMILIES)


def _chain(bold: bool) -> list[Any]:
    """The fonts (FT2Font objects, sized) a regular or bold text falls back through; call with _FONT_LOCK held."""
    chain = _CHAINS.get(bold)
    if chain is None:
        from matplotlib.font_manager import FontProperties, findfont
        from matplotlib.ft2font import FT2Font

        paths: list[str] = []
        for name in families():
            path = findfont(FontProperties(family=name, weight="bold" if bold else "normal"))
            if path not in paths:
                paths.append(path)
        chain = _CHAINS[bold] = [FT2Font(path) for path in paths]
        for font in chain:
            font.set_size(100, 72)
    return chain


def _has(ch: str) -> bool:
    return all(any(font.get_char_index(ord(ch)) for font in _chain(bold)) for bold in (False, True))


def drawable(text: str) -> str:
    """``text`` as charts draw it: every letter the chart fonts lack replaced by its plain form or by REPLACEMENT.

    >>> drawable("Acme"), drawable("\uff25\uff51\uff55\uff41\uff4c"), drawable("\u682a")
    ('Acme', 'Equal', '\ufffd')
    """
    if text.isascii():
        return text
    out = []
    for ch in text:
        shown = _DRAWN_AS.get(ch)
        if shown is None:
            shown = _drawn_as(ch)
        out.append(shown)
    return "".join(out)


def _drawn_as(ch: str) -> str:
    import unicodedata

    with _FONT_LOCK:
        if ch in "\n\t" or _has(ch):
            shown = ch
        else:
            plain = unicodedata.normalize("NFKC", ch)
            shown = plain if plain != ch and plain.strip() and all(_has(c) for c in plain) else REPLACEMENT
            _REPLACED.add(ch)
        _DRAWN_AS[ch] = shown
    return shown


def replaced_letters(texts: Iterable[str] = ()) -> list[str]:
    """The letters charts of this process drew as something else (and those ``texts`` would), in code-point order."""
    for text in texts:
        drawable(text)
    with _FONT_LOCK:
        return sorted(_REPLACED)


def replaced_warning(letters: Sequence[str]) -> str:
    """One line telling the user which letters the charts could not draw, and what to do."""
    shown = ", ".join(letters[:12])
    more = f" and {len(letters) - 12:,} more" if len(letters) > 12 else ""
    return (
        f"warning: the chart fonts have no glyph for {shown}{more}; charts draw them as their plain form "
        f"or as {REPLACEMENT} (install a font that has them, such as Noto Sans CJK, to draw them)"
    )


def measure(text: str, points: float, bold: bool = False) -> float:
    """The width in inches of ``text`` as drawn (see :func:`drawable`) at ``points``, with room for hinting."""
    total = 0.0
    for ch in drawable(text):
        adv = _ADVANCES.get((ch, bold))
        if adv is None:
            adv = _advance(ch, bold)
        total += adv
    return total * points / 72 * 1.05


def _advance(ch: str, bold: bool) -> float:
    with _FONT_LOCK:
        chain = _chain(bold)
        font = next((f for f in chain if f.get_char_index(ord(ch))), chain[0])
        glyph = font.load_char(ord(ch)) if font.get_char_index(ord(ch)) else font.load_glyph(0)
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
