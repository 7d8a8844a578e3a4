"""What an expression computes: the functions it may call and its operators.

Arithmetic refuses a result that is not finite, and a function an input it cannot work
with (the square root of a negative number), with :class:`EvalError`, which the
expression reports in one line. Numbers are floats; powers are taken of floats, so a huge power takes no
time and overflows instead of building a huge integer.

>>> FUNCTIONS["clamp"][0](12.0, 0.0, 10.0), ARITHMETIC["Pow"][1](2, 10)
(10.0, 1024.0)
>>> FUNCTIONS["sqrt"][0](-4.0)
Traceback (most recent call last):
...
orgplan.knowledge.expressions.operations.EvalError: sqrt of a negative number (-4)
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

__all__ = [
    "EvalError",
    "finite",
    "FUNCTIONS",
    "ARITHMETIC",
    "OTHER_OPERATORS",
    "ORDER",
    "EQUALITY",
    "MEMBERSHIP",
    "MAX_ROUND_DIGITS",
]

MAX_ROUND_DIGITS = 15  # round(x, n): |n| at most this


class EvalError(Exception):
    """A value an operation cannot work with (a negative square root, an overflow)."""


# --- functions an expression may call -------------------------------------------------


def finite(x: Any) -> Any:
    """``x`` when it is a finite number; EvalError for infinity or not-a-number."""
    if x - x == 0:  # false for inf and nan, true for every finite int or float
        return x
    raise EvalError("the result is too large to be a number")


def _ceil(x: Any) -> float:
    return float(math.ceil(x))


def _floor(x: Any) -> float:
    return float(math.floor(x))


def _round(x: Any, digits: Any = None) -> float:
    if digits is None:
        return float(round(x))
    if digits != int(digits) or abs(digits) > MAX_ROUND_DIGITS:
        raise EvalError(f"round(x, n) needs a whole n from -{MAX_ROUND_DIGITS} to {MAX_ROUND_DIGITS}, got {digits!r}")
    return float(round(x, int(digits)))


def _sqrt(x: Any) -> float:
    if x < 0:
        raise EvalError(f"sqrt of a negative number ({x:g})")
    return math.sqrt(x)


def _log(x: Any) -> float:
    if x <= 0:
        raise EvalError(f"log of zero or a negative number ({x:g})")
    return math.log(x)


def _log10(x: Any) -> float:
    if x <= 0:
        raise EvalError(f"log10 of zero or a negative number ({x:g})")
    return math.log10(x)


def _clamp(x: Any, low: Any, high: Any) -> Any:
    if low > high:
        raise EvalError(f"clamp(x, low, high) needs low <= high, got {low:g} and {high:g}")
    return low if x < low else high if x > high else x


# name -> (implementation, fewest arguments, most arguments or None for any number)
FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int | None]] = {
    "min": (min, 2, None),
    "max": (max, 2, None),
    "ceil": (_ceil, 1, 1),
    "floor": (_floor, 1, 1),
    "round": (_round, 1, 2),
    "abs": (abs, 1, 1),
    "sqrt": (_sqrt, 1, 1),
    "log": (_log, 1, 1),
    "log10": (_log10, 1, 1),
    "clamp": (_clamp, 3, 3),
}


# --- operators --------------------------------------------------------------------


def _div(a: Any, b: Any) -> Any:
    return finite(a / b)


def _floordiv(a: Any, b: Any) -> Any:
    return finite(a // b)


def _mod(a: Any, b: Any) -> Any:
    return finite(a % b)


def _pow(a: Any, b: Any) -> float:
    result = float(a) ** float(b)  # floats: bounded time, OverflowError instead of a huge int
    if isinstance(result, complex):
        raise EvalError(f"({a:g}) ** {b:g} is not a real number")
    return finite(result)


def _add(a: Any, b: Any) -> Any:
    return finite(a + b)


def _sub(a: Any, b: Any) -> Any:
    return finite(a - b)


def _mul(a: Any, b: Any) -> Any:
    return finite(a * b)


def _contains(a: Any, b: Any) -> bool:
    return a in b


def _not_contains(a: Any, b: Any) -> bool:
    return a not in b


ARITHMETIC: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "Add": ("+", _add),
    "Sub": ("-", _sub),
    "Mult": ("*", _mul),
    "Div": ("/", _div),
    "FloorDiv": ("//", _floordiv),
    "Mod": ("%", _mod),
    "Pow": ("**", _pow),
}
OTHER_OPERATORS = {
    "MatMult": ("@", ""),
    "BitAnd": ("&", "; use 'and'"),
    "BitOr": ("|", "; use 'or'"),
    "BitXor": ("^", "; use ** for powers"),
    "LShift": ("<<", ""),
    "RShift": (">>", ""),
    "Invert": ("~", "; use 'not'"),
}
ORDER = {"Lt": ("<", operator.lt), "LtE": ("<=", operator.le), "Gt": (">", operator.gt), "GtE": (">=", operator.ge)}
EQUALITY = {"Eq": ("==", operator.eq), "NotEq": ("!=", operator.ne)}
MEMBERSHIP = {"In": ("in", _contains), "NotIn": ("not in", _not_contains)}
