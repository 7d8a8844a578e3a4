"""Small checks shared by every loader: known keys, types and ranges, with suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import OrgplanError

__all__ = ["suggest", "check_keys", "expect_mapping", "expect_list", "expect_text"]


def suggest(name: str, choices: Iterable[str]) -> str:
    """Return ' (did you mean 'x'?)' for the closest choice, or ''.

    >>> suggest("benefit", ["benefits", "payroll"])
    " (did you mean 'benefits'?)"
    """
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


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
            raise error(f"unknown key '{key}'{suggest(str(key), allowed)}; expected one of: {', '.join(allowed)}", path=path, where=field)
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


def expect_text(value: Any, *, error: type[OrgplanError], path: object, where: str | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise error(f"expected text, got {_kind(value)}", path=path, where=where)
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: f"text {value!r}", bool: f"{value}"}.get(type(value), repr(value))
