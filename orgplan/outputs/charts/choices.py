"""The org chart's choices, declared once: the command line, the library and the web page read them here.

>>> DIRECTIONS, DETAILS, PAPERS
(('auto', 'tb', 'lr'), ('functions', 'cost', 'none'), ('letter', 'a4'))
"""

from __future__ import annotations

__all__ = ["DIRECTIONS", "DETAILS", "PAPERS"]

DIRECTIONS = ("auto", "tb", "lr")  # whichever fits, top-down, left-right
DETAILS = ("functions", "cost", "none")  # what a box says under its title
PAPERS = ("letter", "a4")  # page sizes of a PDF (landscape inches in charts.pages.PAPER)
