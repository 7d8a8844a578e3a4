"""Words for a reader: counts that agree with their nouns, articles as spoken, amounts of money."""

from __future__ import annotations

__all__ = ["money", "number", "count_of", "plural_of", "with_article", "natural_key", "some_of"]


def money(amount: float) -> str:
    """Format an amount of money for a reader: ``money(1234567)`` -> ``'$1,234,567'``."""
    return f"${amount:,.0f}"


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


def some_of(items: list[str], most: int) -> str:
    """The first ``most`` items joined by commas, and how many more there are.

    A list of any length stays one short sentence: a chart's footer or a page names a
    few and says how many it left out.

    >>> some_of(["a", "b"], 3), some_of(["a", "b", "c", "d", "e"], 2)
    ('a, b', 'a, b and 3 more')
    """
    shown = ", ".join(items[:most])
    return shown if len(items) <= most else f"{shown} and {len(items) - most:,} more"


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


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders numbers inside names as a reader counts: "Country 2" before "Country 10".

    >>> sorted(["Country 10", "Country 2", "Business unit 1", "country 3"], key=natural_key)
    ['Business unit 1', 'Country 2', 'country 3', 'Country 10']
    """
    import re

    parts = (part for part in re.split(r"(\d+)", text) if part)
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold()) for part in parts)
