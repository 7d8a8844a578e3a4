"""Small checks shared by every loader: known keys, types and ranges, with suggestions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from orgplan.errors import OrgplanError

__all__ = [
    "suggest",
    "shown",
    "place",
    "one_line_text",
    "check_keys",
    "expect_mapping",
    "expect_list",
    "expect_choice",
    "expect_records",
    "expect_text",
]


def shown(value: Any, most: int | None = None) -> str:
    """A bad value as a message quotes it: a short prefix of text, never the repr of a large structure.

    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (100 characters)"
    >>> shown([1, 2, 3]), shown({"a": 1}), shown(10 ** 5000), shown(True)
    ('a list of 3 items', 'a mapping of 1 key', 'a whole number of about 5,000 digits', 'True')
    """
    if most is None:
        from orgplan.core.limits import limit

        most = int(limit("messages.value_chars").value)
    if isinstance(value, str):
        return repr(value) if len(value) <= most else f"{value[:most]!r}... ({len(value):,} characters)"
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        if value.bit_length() > 3 * most:
            return f"a whole number of about {int(value.bit_length() * 0.30103):,} digits"
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value):,} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, Mapping):
        return f"a mapping of {len(value):,} key{'' if len(value) == 1 else 's'}"
    return f"a value of type {type(value).__name__}"


def place(at: Iterable[Any]) -> str | None:
    """Where a value sits in parsed data: ``('rules', 2, 'reason')`` -> ``'rules[3].reason'`` (items count from 1).

    >>> place(("rules", 2, "reason")), place(())
    ('rules[3].reason', None)
    """
    out = ""
    for step in at:
        if isinstance(step, int) and not isinstance(step, bool):
            out += f"[{step + 1}]"
        else:
            text = step if isinstance(step, str) and len(step) <= 40 and step.isprintable() else shown(step)
            out += f".{text}" if out else str(text)
    return out or None


def suggest(name: str, choices: Iterable[str]) -> str:
    """Return ' (did you mean 'x'?)' for the closest choice, or ''.

    >>> suggest("benefit", ["benefits", "payroll"])
    " (did you mean 'benefits'?)"
    """
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line_text(value: Any, *, error: type[OrgplanError], path: object, where: str | None, most: int = 200) -> str:
    """A name as outputs print it: 1 to ``most`` characters on one line, valid Unicode (numbers read as text).

    >>> one_line_text(" Acme ", error=OrgplanError, path=None, where="company")
    'Acme'
    >>> one_line_text("Acme\\nHoldings", error=OrgplanError, path=None, where="company")
    Traceback (most recent call last):
    ...
    orgplan.errors.OrgplanError: company: expected text on one line, got a control character (U+000A) at position 5
    """
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise error(f"expected text, got {shown(value)}", path=path, where=where)
    text = str(value).strip() if not isinstance(value, int) or value.bit_length() < 700 else ""
    if not text or len(text) > most:
        raise error(f"expected text of 1 to {most} characters, got {shown(value)}", path=path, where=where)
    control = _CONTROL.search(text)
    if control:
        raise error(
            f"expected text on one line, got a control character (U+{ord(control.group()):04X}) at "
            f"position {control.start() + 1}",
            path=path,
            where=where,
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise error(
            f"expected text, got a character that is not valid Unicode (U+{ord(text[exc.start]):04X}, half "
            f"of a surrogate pair) at position {exc.start + 1}",
            path=path,
            where=where,
        ) from None
    return text


def check_keys(
    data: Mapping[str, Any],
    allowed: Iterable[str],
    *,
    required: Iterable[str] = (),
    error: type[OrgplanError],
    path: object,
    where: str | None = None,
) -> None:
    """Refuse unknown keys by name (with a suggestion) and report missing required ones."""
    allowed = list(allowed)
    for key in data:
        if key not in allowed:
            field = f"{where}.{key}" if where else str(key)
            raise error(
                f"unknown key '{key}'{suggest(str(key), allowed)}; expected one of: {', '.join(allowed)}",
                path=path,
                where=field,
            )
    for key in required:
        if key not in data:
            field = f"{where}.{key}" if where else key
            raise error("is required but missing", path=path, where=field)


def expect_mapping(value: Any, *, error: type[OrgplanError], path: object, where: str | None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise error(f"expected a mapping of keys to values, got {_kind(value)}", path=path, where=where)
    return value


def expect_list(value: Any, *, error: type[OrgplanError], path: object, where: str | None) -> list[Any]:
    if not isinstance(value, list):
        raise error(f"expected a list, got {_kind(value)}", path=path, where=where)
    return value


def expect_choice(
    value: Any, choices: Sequence[str], *, what: str, error: type[OrgplanError], path: object, where: str
) -> str:
    """``value`` when it is one of ``choices``; else one line naming it as an unknown ``what``,
    with the nearest choice and the whole list."""
    if value not in choices:
        raise error(
            f"unknown {what} {str(value)[:40]!r}{suggest(str(value), choices)}; expected one of: {', '.join(choices)}",
            path=path,
            where=where,
        )
    return str(value)


def expect_records(
    value: Any, keys: tuple[str, ...], *, error: type[OrgplanError], path: object, where: str
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each item of a list of mappings that all have exactly ``keys``, with its place for
    messages (``pay.head_of_hr[2]``, counted from 1)."""
    for i, item in enumerate(expect_list(value, error=error, path=path, where=where), start=1):
        here = f"{where}[{i}]"
        item = expect_mapping(item, error=error, path=path, where=here)
        check_keys(item, keys, required=keys, error=error, path=path, where=here)
        yield here, item


def expect_text(value: Any, *, error: type[OrgplanError], path: object, where: str | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise error(f"expected text, got {_kind(value)}", path=path, where=where)
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return f"text {shown(value)}" if isinstance(value, str) else shown(value)
