"""Reason texts with values filled in: ``{name}`` or ``{name:spec}``, checked when the pack loads.

A reason is not a Python format string: a field is only a declared name, and a spec
only ``[width][,][.precision][type]`` with a width up to 100, a precision up to 20 and
a type of ``f``, ``g``, ``d`` (a whole number) or ``%``. There is no attribute, index
or positional access, so a reason cannot reach into the interpreter or grow without
bound. ``{{`` and ``}}`` stand for ``{`` and ``}``.

A number shows to at most 15 significant digits before its format applies, so that
floating-point noise never reaches a reader (1.4 x 0.75 shows as 1.05, as worked out
by hand, not 1.0499999999999998), and a whole number shows without a decimal point
(``50``, not ``50.0``). A set of texts shows as a comma-separated list; true and false
show as ``yes`` and ``no``. ``{[a:count noun, b:count noun]}`` lists the counts that are not
zero: "2 benefits specialists and 1 payroll specialist", never "0 compensation specialists".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from orgplan.errors import RuleError
from orgplan.knowledge.expressions.language import BOOLEAN, NUMBER, TEXT, TEXT_SET

__all__ = ["ReasonTemplate", "MAX_REASON", "MAX_WIDTH", "MAX_PRECISION"]

MAX_REASON = 2000  # characters of reason text
MAX_WIDTH = 100
MAX_PRECISION = 20

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SPEC = re.compile(r"(?P<width>\d{1,3})?(?P<comma>,)?(?:\.(?P<precision>\d{1,2}))?(?P<type>[fgd%])?\Z")
_COUNT = re.compile(r"count (?P<one>[A-Za-z][A-Za-z '-]{0,39})(?:/(?P<many>[A-Za-z][A-Za-z '-]{0,39}))?\Z")
_SPEC_HELP = (
    "write {name}, or {name:spec} with spec [width][,][.precision][type], type one of f g d %, e.g. {employees:,} or "
    "{demand:.1f}, or {name:count noun} for '1 site' and '12 sites' ({name:count country/countries} for an "
    "irregular plural)"
)


@dataclass(frozen=True)
class _Field:
    """One ``{name:spec}`` of a reason."""

    name: str
    kind: str
    spec: str
    whole: bool  # type d: show the number rounded to a whole number
    noun: tuple[str, str] | None = None  # count: the number, then the noun in singular or plural


@dataclass(frozen=True)
class _Counts:
    """One ``{[a:count noun, b:count noun, ...]}`` of a reason: the counts that are not zero, as a list."""

    fields: tuple[_Field, ...]


@dataclass(frozen=True)
class ReasonTemplate:
    """A reason text compiled once: literal pieces and fields.

    >>> r = ReasonTemplate.compile("{employees:,} employees need {seats} seat{{s}}",
    ...                            {"employees": NUMBER, "seats": NUMBER}, where="rule 'x', reason")
    >>> r.render({"employees": 12000.0, "seats": 3})
    '12,000 employees need 3 seat{s}'
    >>> ReasonTemplate.compile("{employees.__class__}", {"employees": NUMBER}, where="rule 'x', reason")
    Traceback (most recent call last):
    ...
    orgplan.errors.RuleError: rule 'x', reason: '{employees.__class__}' is not a field: ...:
        {employees.__class__}
        ^
    """

    text: str
    where: str
    path: str | None = None
    parts: tuple[str | _Field | _Counts, ...] = ()

    @property
    def names(self) -> frozenset[str]:
        """The names the reason shows."""
        fields = [
            f for p in self.parts if not isinstance(p, str) for f in (p.fields if isinstance(p, _Counts) else (p,))
        ]
        return frozenset(f.name for f in fields)

    @classmethod
    def compile(cls, text: object, names: Mapping[str, str], *, where: str, path: object = None) -> ReasonTemplate:
        """Check ``text`` against the declared ``names`` (name -> NUMBER, TEXT, BOOLEAN or TEXT_SET)."""
        path_s = str(path) if path is not None else None
        if not isinstance(text, str) or not text.strip():
            raise RuleError(f"expected a reason (text), got {text!r}", path=path_s, where=where)
        if len(text) > MAX_REASON:
            raise RuleError(
                f"the reason is {len(text):,} characters long, more than the limit of {MAX_REASON:,}",
                path=path_s,
                where=where,
            )

        def refuse(message: str, at: int) -> RuleError:
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            return RuleError(f"{message}:\n    {line}\n    {' ' * (at - line_start)}^", path=path_s, where=where)

        parts: list[str | _Field | _Counts] = []
        literal: list[str] = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch in "{}" and text[i + 1 : i + 2] == ch:
                literal.append(ch)
                i += 2
                continue
            if ch == "}":
                raise refuse("a single '}' has no '{'; write '}}' for the character itself", i)
            if ch != "{":
                literal.append(ch)
                i += 1
                continue
            end = text.find("}", i + 1)
            if end < 0:
                raise refuse("a '{' is never closed; write '{{' for the character itself", i)
            body = text[i + 1 : end]
            if body.startswith("[") and body.endswith("]"):
                fields = []
                for item in body[1:-1].split(","):
                    name, colon, spec = item.strip().partition(":")
                    counted = _COUNT.match(spec) if colon else None
                    if counted is None or not _NAME.match(name):
                        raise refuse(f"'{{{body}}}' is not a list of counts: write {{[name:count noun, ...]}}", i)
                    if names.get(name) != NUMBER:
                        raise refuse(f"'{name}' is not a number orgplan knows, so it cannot be counted", i)
                    one = counted["one"].strip()
                    fields.append(
                        _Field(
                            name, NUMBER, ",.0f", whole=True, noun=(one, (counted["many"] or "").strip() or one + "s")
                        )
                    )
                if literal:
                    parts.append("".join(literal))
                    literal = []
                parts.append(_Counts(tuple(fields)))
                i = end + 1
                continue
            name, colon, spec = body.partition(":")
            if "{" in body or not _NAME.match(name):
                raise refuse(f"'{{{body}}}' is not a field: {_SPEC_HELP}", i)
            kind = names.get(name)
            if kind is None:
                from orgplan.core.validation import suggest

                raise refuse(f"unknown name '{{{name}}}'{suggest(name, names)} in the reason", i + 1)
            counted = _COUNT.match(spec) if colon else None
            if counted is not None:
                if kind != NUMBER:
                    raise refuse(f"'{name}' is not a number, so it cannot be counted", i + len(name) + 2)
                one = counted["one"].strip()
                many = (counted["many"] or "").strip() or one + "s"
                if literal:
                    parts.append("".join(literal))
                    literal = []
                parts.append(_Field(name, kind, ",.0f", whole=True, noun=(one, many)))
                i = end + 1
                continue
            fmt = _SPEC.match(spec) if colon else None
            if colon and (fmt is None or not spec):
                raise refuse(f"'{spec}' is not a format orgplan knows: {_SPEC_HELP}", i + len(name) + 2)
            if fmt is not None:
                width, precision = fmt["width"], fmt["precision"]
                if width is not None and not 0 < int(width) <= MAX_WIDTH:
                    raise refuse(f"a width of {width} is outside 1 to {MAX_WIDTH}", i + len(name) + 2)
                if precision is not None and int(precision) > MAX_PRECISION:
                    raise refuse(f"a precision of {precision} is more than {MAX_PRECISION}", i + len(name) + 2)
                if kind != NUMBER and (fmt["comma"] or precision is not None or fmt["type"]):
                    raise refuse(
                        f"'{name}' is not a number: it takes only a width, e.g. {{{name}:20}}", i + len(name) + 2
                    )
                if fmt["type"] == "d" and precision is not None:
                    raise refuse("a whole number (type d) takes no precision", i + len(name) + 2)
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_Field(name, kind, spec, whole=fmt is not None and fmt["type"] == "d"))
            i = end + 1
        if literal:
            parts.append("".join(literal))
        return cls(text=text, where=where, path=path_s, parts=tuple(parts))

    def render(self, values: Mapping[str, Any] | None = None, /, **more: Any) -> str:
        """The reason with the fields filled in from ``more`` and then ``values``; RuleError if one cannot be."""
        values = values if values is not None else {}
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            if isinstance(part, _Counts):
                shown = [self._one(f, values, more) for f in part.fields]
                listed = [text for text in shown if not text.startswith("0 ")] or shown[:1]
                out.append(listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1])
                continue
            out.append(self._one(part, values, more))
        return "".join(out)

    def _one(self, part: _Field, values: Mapping[str, Any], more: Mapping[str, Any]) -> str:
        """One field filled in."""
        name = part.name
        try:
            value = more[name] if name in more else values[name]
        except KeyError:
            raise RuleError(f"no value for '{{{name}}}' in the reason", path=self.path, where=self.where) from None
        try:
            shown = _shown(value, part)
            text = format(shown, part.spec)
            return text if part.noun is None else f"{text} {part.noun[0] if shown == 1 else part.noun[1]}"
        except (ValueError, TypeError, OverflowError) as exc:
            raise RuleError(
                f"cannot show '{{{name}}}' ({_short(value)}) in the reason: "
                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                path=self.path,
                where=self.where,
            ) from None


def _shown(value: Any, part: _Field) -> Any:
    kind = part.kind
    if kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"expected a number, got {type(value).__name__}")
        if isinstance(value, float):
            value = float(f"{value:.15g}")
            if value.is_integer():
                return int(value)
        return int(round(value)) if part.whole else value
    if kind == TEXT:
        return str(value)
    if kind == BOOLEAN:
        return "yes" if value else "no"
    if kind == TEXT_SET:
        return ", ".join(sorted(str(v) for v in value))
    raise TypeError(f"unknown type {kind!r}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
