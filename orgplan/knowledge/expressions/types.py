"""The types of an expression's parts, and the checks that refuse a part of the wrong type.

Every part of a compiled expression is a :class:`Part`: how to get its value, its type
(one of the tags below) and, when it is constant, its value. A check that fails raises
:class:`Refused` with the syntax node to put the caret under.

>>> import ast
>>> node = ast.parse("'x'", mode="eval").body
>>> expect(constant("x", TEXT, node), NUMBER, "'+'")
Traceback (most recent call last):
...
orgplan.knowledge.expressions.types.Refused: '+' needs a number, got text
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "NUMBER",
    "TEXT",
    "BOOLEAN",
    "TEXT_SET",
    "NUMBER_LIST",
    "WORDS",
    "Compiled",
    "Part",
    "constant",
    "Refused",
    "At",
    "between",
    "expect",
    "check_membership",
    "check_equality",
    "check_same_kind",
]

# Type tags for declared names (and for what an expression gives).
NUMBER, TEXT, BOOLEAN, TEXT_SET = "number", "text", "boolean", "text_set"
NUMBER_LIST = "number_list"  # a [list of numbers], only on the right of 'in'

WORDS = {
    NUMBER: "a number",
    TEXT: "text",
    BOOLEAN: "true or false",
    TEXT_SET: "a set of texts",
    NUMBER_LIST: "a list of numbers",
}

Compiled = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Part:
    """A compiled piece: how to get its value, its type, and its value when constant."""

    fn: Compiled
    kind: str
    node: Any
    constant: bool = False
    value: Any = None
    name: str | None = None


def constant(value: Any, kind: str, node: Any) -> Part:
    """A part whose value is known when the expression is compiled."""
    return Part(lambda v: value, kind, node, constant=True, value=value)


class Refused(Exception):
    """A form the subset does not allow, with the node to put the caret under."""

    def __init__(self, message: str, node: Any = None):
        super().__init__(message)
        self.message = message
        self.node = node


@dataclass(frozen=True)
class At:
    """A position for the caret that is not a node (after a name, between two operands)."""

    lineno: int | None
    col_offset: int | None


def between(left: Any, right: Any) -> At:
    """The position just after ``left``, where the operator between it and ``right`` is."""
    return At(left.end_lineno, left.end_col_offset)


def expect(part: Part, kind: str, what: str) -> None:
    """Refuse ``part`` unless it is of type ``kind``; ``what`` names what needs it ("'+'")."""
    if part.kind != kind:
        raise Refused(f"{what} needs {WORDS[kind]}, got {WORDS[part.kind]}", part.node)


def check_membership(left: Part, right: Part, symbol: str) -> None:
    """``left in right``: a number in a list of numbers, a text in a set of texts, a text or a list of texts."""
    if right.kind in (NUMBER_LIST, TEXT_SET, TEXT):
        wanted = NUMBER if right.kind == NUMBER_LIST else TEXT
        if left.kind != wanted:
            raise Refused(
                f"'{symbol}' looks for {WORDS[wanted]} in {WORDS[right.kind]}, but the left is {WORDS[left.kind]}",
                left.node,
            )
    else:
        raise Refused(f"'{symbol}' looks in a set of texts, a text or a [list], not in {WORDS[right.kind]}", right.node)


def check_equality(left: Part, right: Part, symbol: str) -> None:
    """``left == right``: two numbers, two texts or two true/false values."""
    if left.kind not in (NUMBER, TEXT, BOOLEAN):
        raise Refused(f"'{symbol}' compares numbers, texts or true/false values, not {WORDS[left.kind]}", left.node)
    if right.kind != left.kind:
        raise Refused(
            f"'{symbol}' compares values of one type: {WORDS[left.kind]} on the left, {WORDS[right.kind]} on the right",
            right.node,
        )


def check_same_kind(body: Part, orelse: Part) -> None:
    """``body if condition else orelse``: both sides of one type."""
    if body.kind != orelse.kind:
        raise Refused(
            f"both sides of 'if ... else' must be of one type: {WORDS[body.kind]} before 'if', "
            f"{WORDS[orelse.kind]} after 'else'",
            orelse.node,
        )
