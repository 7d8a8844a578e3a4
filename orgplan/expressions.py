"""Safe expressions for rule conditions and seat counts: a small, typed subset of Python.

An expression is parsed with the standard library's :mod:`ast`, checked against a
whitelist and the declared names and their types, and compiled once into nested
closures; it is never ``eval``-ed. A typo (``headcont``), a name used before it is
known, a value of the wrong type or a form outside the subset (attribute access,
indexing, imports, calls other than the few below, comprehensions) is refused when
the rule pack loads, with a caret under the position and a suggestion.

The subset: numbers, 'text' in quotes, ``True``/``False`` (or ``true``/``false``),
the declared names; ``+ - * / // % **``; comparisons (chains too); ``and``, ``or``,
``not``; ``in`` and ``not in`` against a text set, a text or a ``[list, of, literals]``;
``a if condition else b``; and the functions ``min``, ``max``, ``ceil``, ``floor``,
``round``, ``abs``, ``sqrt``, ``log``, ``log10`` and ``clamp``. Numbers are floats.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import RuleError

__all__ = ["NUMBER", "TEXT", "BOOLEAN", "TEXT_SET", "FUNCTIONS", "MAX_LENGTH", "MAX_DEPTH", "MAX_NODES", "Expression"]

# Type tags for declared names (and for what an expression gives).
NUMBER, TEXT, BOOLEAN, TEXT_SET = "number", "text", "boolean", "text_set"
_NUMBER_LIST = "number_list"  # a [list of numbers], only on the right of 'in'

MAX_LENGTH = 2000  # characters of expression text
MAX_DEPTH = 64  # levels of nesting of the syntax tree
MAX_NODES = 600  # nodes of the syntax tree
MAX_LITERAL = 30  # characters of a number literal
MAX_STRING = 200  # characters of a text literal
MAX_ROUND_DIGITS = 15  # round(x, n): |n| at most this

_WORDS = {
    NUMBER: "a number",
    TEXT: "text",
    BOOLEAN: "true or false",
    TEXT_SET: "a set of texts",
    _NUMBER_LIST: "a list of numbers",
}

Value = Any
Compiled = Callable[[Mapping[str, Any]], Any]


class _Refused(Exception):
    """A form the subset does not allow, with the node to put the caret under."""

    def __init__(self, message: str, node: Any = None):
        super().__init__(message)
        self.message = message
        self.node = node


class _EvalError(Exception):
    """A value an operation cannot work with (a negative square root, an overflow)."""


# --- functions an expression may call -------------------------------------------------


def _finite(x: Any) -> Any:
    if x - x == 0:  # false for inf and nan, true for every finite int or float
        return x
    raise _EvalError("the result is too large to be a number")


def _ceil(x: Any) -> float:
    return float(math.ceil(x))


def _floor(x: Any) -> float:
    return float(math.floor(x))


def _round(x: Any, digits: Any = None) -> float:
    if digits is None:
        return float(round(x))
    if digits != int(digits) or abs(digits) > MAX_ROUND_DIGITS:
        raise _EvalError(f"round(x, n) needs a whole n from -{MAX_ROUND_DIGITS} to {MAX_ROUND_DIGITS}, got {digits!r}")
    return float(round(x, int(digits)))


def _sqrt(x: Any) -> float:
    if x < 0:
        raise _EvalError(f"sqrt of a negative number ({x:g})")
    return math.sqrt(x)


def _log(x: Any) -> float:
    if x <= 0:
        raise _EvalError(f"log of zero or a negative number ({x:g})")
    return math.log(x)


def _log10(x: Any) -> float:
    if x <= 0:
        raise _EvalError(f"log10 of zero or a negative number ({x:g})")
    return math.log10(x)


def _clamp(x: Any, low: Any, high: Any) -> Any:
    if low > high:
        raise _EvalError(f"clamp(x, low, high) needs low <= high, got {low:g} and {high:g}")
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
    return _finite(a / b)


def _floordiv(a: Any, b: Any) -> Any:
    return _finite(a // b)


def _mod(a: Any, b: Any) -> Any:
    return _finite(a % b)


def _pow(a: Any, b: Any) -> float:
    result = float(a) ** float(b)  # floats: bounded time, OverflowError instead of a huge int
    if isinstance(result, complex):
        raise _EvalError(f"({a:g}) ** {b:g} is not a real number")
    return _finite(result)


def _add(a: Any, b: Any) -> Any:
    return _finite(a + b)


def _sub(a: Any, b: Any) -> Any:
    return _finite(a - b)


def _mul(a: Any, b: Any) -> Any:
    return _finite(a * b)


def _contains(a: Any, b: Any) -> bool:
    return a in b


def _not_contains(a: Any, b: Any) -> bool:
    return a not in b


_ARITHMETIC: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "Add": ("+", _add),
    "Sub": ("-", _sub),
    "Mult": ("*", _mul),
    "Div": ("/", _div),
    "FloorDiv": ("//", _floordiv),
    "Mod": ("%", _mod),
    "Pow": ("**", _pow),
}
_OTHER_OPERATORS = {
    "MatMult": ("@", ""),
    "BitAnd": ("&", "; use 'and'"),
    "BitOr": ("|", "; use 'or'"),
    "BitXor": ("^", "; use ** for powers"),
    "LShift": ("<<", ""),
    "RShift": (">>", ""),
    "Invert": ("~", "; use 'not'"),
}
_ORDER = {"Lt": ("<", operator.lt), "LtE": ("<=", operator.le), "Gt": (">", operator.gt), "GtE": (">=", operator.ge)}
_EQUALITY = {"Eq": ("==", operator.eq), "NotEq": ("!=", operator.ne)}
_MEMBERSHIP = {"In": ("in", _contains), "NotIn": ("not in", _not_contains)}

_FORBIDDEN = {
    "Subscript": "indexing or slicing ('[...]') is not allowed",
    "Lambda": "lambda is not allowed",
    "ListComp": "comprehensions are not allowed",
    "SetComp": "comprehensions are not allowed",
    "DictComp": "comprehensions are not allowed",
    "GeneratorExp": "comprehensions are not allowed",
    "JoinedStr": "f-strings are not allowed; a reason can show values with {name}",
    "FormattedValue": "f-strings are not allowed",
    "NamedExpr": "assignment (':=') is not allowed",
    "Starred": "starred arguments ('*') are not allowed",
    "Dict": "mappings ('{...}') are not allowed",
    "Set": "sets ('{...}') are not allowed; write a [list] on the right of 'in'",
    "Await": "'await' is not allowed",
    "Yield": "'yield' is not allowed",
    "YieldFrom": "'yield' is not allowed",
}


# --- compiling --------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """A compiled piece: how to get its value, its type, and its value when constant."""

    fn: Compiled
    kind: str
    node: Any
    constant: bool = False
    value: Any = None
    name: str | None = None


def _const(value: Any, kind: str, node: Any) -> _Node:
    return _Node(lambda v: value, kind, node, constant=True, value=value)


class _Compiler:
    """Turns a checked syntax tree into closures, typing every part; one method per node type it knows."""

    # The whitelist: every other node type is refused. Attribute, List and Tuple only to
    # refuse them with a better word (a list is read by _collection, after 'in').
    KNOWN = frozenset(
        {"Constant", "Name", "UnaryOp", "BinOp", "BoolOp", "Compare", "IfExp", "Call", "Attribute", "List", "Tuple"}
    )

    def __init__(self, names: Mapping[str, str]):
        self.names = names
        self.used: set[str] = set()

    def compile(self, node: Any) -> _Node:
        kind = type(node).__name__
        if kind not in self.KNOWN:
            raise _Refused(_FORBIDDEN.get(kind, f"{_describe(node)} is not allowed"), node)
        handler: Callable[[Any], _Node] = getattr(self, f"_{kind}")
        return handler(node)

    # leaves

    def _Constant(self, node: Any) -> _Node:
        value = node.value
        if isinstance(value, bool):
            return _const(value, BOOLEAN, node)
        if isinstance(value, (int, float)):
            width = (node.end_col_offset or 0) - node.col_offset if node.end_lineno == node.lineno else MAX_LITERAL + 1
            if width > MAX_LITERAL:
                raise _Refused(f"a number of more than {MAX_LITERAL} characters is not allowed", node)
            number = float(value)
            if not math.isfinite(number):
                raise _Refused("the number is too large", node)
            return _const(number, NUMBER, node)
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise _Refused(
                    f"a text of more than {MAX_STRING} characters is not allowed ({len(value):,} here)", node
                )
            return _const(value, TEXT, node)
        what = {type(None): "None", complex: "a complex number", bytes: "bytes"}.get(type(value), "'...'")
        raise _Refused(f"{what} is not a value here; use a number, 'text', true or false", node)

    def _Name(self, node: Any) -> _Node:
        name = node.id
        if name.startswith("__"):
            raise _Refused(f"'{name}' is not allowed: names that begin with '__' are reserved", node)
        kind = self.names.get(name)
        if kind is None:
            if name in ("true", "false"):
                return _const(name == "true", BOOLEAN, node)
            from .validation import suggest

            if name in FUNCTIONS:
                raise _Refused(f"'{name}' is a function; call it as {name}(...)", node)
            raise _Refused(f"unknown name '{name}'{suggest(name, self.names)}", node)
        self.used.add(name)
        return _Node(lambda v: v[name], kind, node, name=name)

    def _Attribute(self, node: Any) -> _Node:
        hint = {"ceiling": "; write ceil(x)", "floor": "; write floor(x)"}.get(node.attr, "")
        raise _Refused(
            f"attribute access ('.{node.attr}') is not allowed{hint}",
            _At(node.value.end_lineno, node.value.end_col_offset),
        )

    def _List(self, node: Any) -> _Node:
        raise _Refused("a [list] is allowed only on the right of 'in' or 'not in'", node)

    _Tuple = _List

    # operators

    def _UnaryOp(self, node: Any) -> _Node:
        op = type(node.op).__name__
        if op in _OTHER_OPERATORS:
            symbol, hint = _OTHER_OPERATORS[op]
            raise _Refused(f"operator '{symbol}' is not allowed{hint}", node)
        operand = self.compile(node.operand)
        if op == "Not":
            self._expect(operand, BOOLEAN, "'not'")
            fn = operand.fn
            return self._fold(lambda v: not fn(v), BOOLEAN, node, operand)
        self._expect(operand, NUMBER, f"unary '{'-' if op == 'USub' else '+'}'")
        fn = operand.fn
        if op == "USub":
            return self._fold(lambda v: -fn(v), NUMBER, node, operand)
        return operand

    def _BinOp(self, node: Any) -> _Node:
        op = type(node.op).__name__
        if op not in _ARITHMETIC:
            symbol, hint = _OTHER_OPERATORS.get(op, (op, ""))
            raise _Refused(f"operator '{symbol}' is not allowed{hint}", _between(node.left, node.right))
        symbol, func = _ARITHMETIC[op]
        left, right = self.compile(node.left), self.compile(node.right)
        for side in (left, right):
            self._expect(side, NUMBER, f"'{symbol}'")
        return self._fold(_binary(func, left, right), NUMBER, node, left, right)

    def _BoolOp(self, node: Any) -> _Node:
        word = "and" if type(node.op).__name__ == "And" else "or"
        parts = [self.compile(n) for n in node.values]
        for part in parts:
            self._expect(part, BOOLEAN, f"'{word}'")
        fns = tuple(p.fn for p in parts)
        fn: Compiled
        if len(fns) == 2:
            a, b = fns
            fn = (lambda v: a(v) and b(v)) if word == "and" else (lambda v: a(v) or b(v))
        elif word == "and":
            fn = lambda v: all(f(v) for f in fns)  # noqa: E731
        else:
            fn = lambda v: any(f(v) for f in fns)  # noqa: E731
        return self._fold(fn, BOOLEAN, node, *parts)

    def _Compare(self, node: Any) -> _Node:
        first = left = self.compile(node.left)
        steps: list[tuple[Callable[[Any, Any], Any], _Node]] = []
        func: Callable[[Any, Any], Any]
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            op = type(op_node).__name__
            if op in _MEMBERSHIP:
                symbol, func = _MEMBERSHIP[op]
                right = self._collection(right_node)
                self._check_membership(left, right, symbol)
            elif op in _ORDER:
                symbol, func = _ORDER[op]
                right = self.compile(right_node)
                self._expect(left, NUMBER, f"'{symbol}'")
                self._expect(right, NUMBER, f"'{symbol}'")
            elif op in _EQUALITY:
                symbol, func = _EQUALITY[op]
                right = self.compile(right_node)
                if left.kind not in (NUMBER, TEXT, BOOLEAN):
                    raise _Refused(
                        f"'{symbol}' compares numbers, texts or true/false values, not {_WORDS[left.kind]}", left.node
                    )
                if right.kind != left.kind:
                    raise _Refused(
                        f"'{symbol}' compares values of one type: {_WORDS[left.kind]} on the left, "
                        f"{_WORDS[right.kind]} on the right",
                        right.node,
                    )
            else:  # is, is not
                raise _Refused(
                    f"'{'is not' if op == 'IsNot' else 'is'}' is not allowed; use == or !=",
                    _between(left.node, right_node),
                )
            steps.append((func, right))
            left = right
        if len(steps) == 1:
            func, right = steps[0]
            return self._fold(_binary(func, first, right), BOOLEAN, node, first, right)
        start = first.fn
        chain = tuple((func, right.fn) for func, right in steps)

        def fn(v: Mapping[str, Any]) -> bool:
            a = start(v)
            for func, get in chain:
                b = get(v)
                if not func(a, b):
                    return False
                a = b
            return True

        return self._fold(fn, BOOLEAN, node, first, *(r for _, r in steps))

    def _IfExp(self, node: Any) -> _Node:
        test, body, orelse = self.compile(node.test), self.compile(node.body), self.compile(node.orelse)
        self._expect(test, BOOLEAN, "the condition of 'if ... else'")
        if body.kind != orelse.kind:
            raise _Refused(
                f"both sides of 'if ... else' must be of one type: {_WORDS[body.kind]} before 'if', "
                f"{_WORDS[orelse.kind]} after 'else'",
                orelse.node,
            )
        t, a, b = test.fn, body.fn, orelse.fn
        if test.constant:
            return body if test.value else orelse
        return _Node(lambda v: a(v) if t(v) else b(v), body.kind, node)

    def _Call(self, node: Any) -> _Node:
        allowed = ", ".join(FUNCTIONS)
        if type(node.func).__name__ != "Name":
            if type(node.func).__name__ == "Attribute":
                return self.compile(node.func)  # refused as attribute access
            raise _Refused(f"only these functions can be called: {allowed}", node)
        name = node.func.id
        if name.startswith("__"):
            return self.compile(node.func)  # refused as a reserved name
        if name not in FUNCTIONS:
            from .validation import suggest

            raise _Refused(
                f"unknown function '{name}'{suggest(name, FUNCTIONS)}; the functions are: {allowed}", node.func
            )
        if node.keywords:
            raise _Refused(
                f"keyword arguments are not allowed; call {name}(...) with values in order", node.keywords[0].value
            )
        for arg in node.args:
            if type(arg).__name__ == "Starred":
                raise _Refused(_FORBIDDEN["Starred"], arg)
        impl, fewest, most = FUNCTIONS[name]
        count = len(node.args)
        if count < fewest or (most is not None and count > most):
            wanted = f"{fewest}" if fewest == most else f"{fewest} or more" if most is None else f"{fewest} or {most}"
            raise _Refused(f"{name}() takes {wanted} number{'s' if wanted != '1' else ''}, got {count}", node)
        args = [self.compile(a) for a in node.args]
        for arg in args:
            self._expect(arg, NUMBER, f"{name}()")
        fns = tuple(a.fn for a in args)
        fn: Compiled
        if count == 1:
            (a,) = fns
            fn = lambda v: impl(a(v))  # noqa: E731
        elif count == 2:
            a, b = fns
            fn = lambda v: impl(a(v), b(v))  # noqa: E731
        else:
            fn = lambda v: impl(*[f(v) for f in fns])  # noqa: E731
        return self._fold(fn, NUMBER, node, *args)

    # helpers

    def _collection(self, node: Any) -> _Node:
        """The right of 'in': a declared text set or text, or a [list] of literals."""
        if type(node).__name__ not in ("List", "Tuple"):
            return self.compile(node)
        items = [self.compile(n) for n in node.elts]
        for item in items:
            if not item.constant or item.kind not in (NUMBER, TEXT):
                raise _Refused("a [list] after 'in' holds only numbers or 'texts'", item.node)
        kinds = {i.kind for i in items}
        if len(kinds) > 1:
            raise _Refused("a [list] after 'in' holds numbers or 'texts', not both", node)
        values = frozenset(i.value for i in items)
        return _const(values, TEXT_SET if kinds != {NUMBER} else _NUMBER_LIST, node)

    def _check_membership(self, left: _Node, right: _Node, symbol: str) -> None:
        if right.kind in (_NUMBER_LIST, TEXT_SET, TEXT):
            wanted = NUMBER if right.kind == _NUMBER_LIST else TEXT
            if left.kind != wanted:
                raise _Refused(
                    f"'{symbol}' looks for {_WORDS[wanted]} in {_WORDS[right.kind]}, but the left is "
                    f"{_WORDS[left.kind]}",
                    left.node,
                )
        else:
            raise _Refused(
                f"'{symbol}' looks in a set of texts, a text or a [list], not in {_WORDS[right.kind]}", right.node
            )

    @staticmethod
    def _expect(part: _Node, kind: str, what: str) -> None:
        if part.kind != kind:
            raise _Refused(f"{what} needs {_WORDS[kind]}, got {_WORDS[part.kind]}", part.node)

    @staticmethod
    def _fold(fn: Compiled, kind: str, node: Any, *parts: _Node) -> _Node:
        """Work out constant parts once, when the expression is compiled."""
        if parts and all(p.constant for p in parts):
            try:
                return _const(fn({}), kind, node)
            except Exception:  # noqa: BLE001 - left for evaluation to report
                pass
        return _Node(fn, kind, node)


def _binary(func: Callable[[Any, Any], Any], left: _Node, right: _Node) -> Compiled:
    """``func(left, right)``, with the name and constant lookups inlined (the common cases)."""
    a, b = left.name, right.name
    if a is not None and b is not None:
        return lambda v: func(v[a], v[b])
    if a is not None and right.constant:
        c = right.value
        return lambda v: func(v[a], c)
    if left.constant and b is not None:
        c = left.value
        return lambda v: func(c, v[b])
    f, g = left.fn, right.fn
    if right.constant:
        c = right.value
        return lambda v: func(f(v), c)
    if left.constant:
        c = left.value
        return lambda v: func(c, g(v))
    return lambda v: func(f(v), g(v))


@dataclass(frozen=True)
class _At:
    """A position for the caret that is not a node (after a name, between two operands)."""

    lineno: int | None
    col_offset: int | None


def _between(left: Any, right: Any) -> _At:
    return _At(left.end_lineno, left.end_col_offset)


def _describe(node: Any) -> str:
    name = type(node).__name__
    return {"Slice": "slicing", "keyword": "a keyword argument"}.get(name, f"'{name}'")


def _measure(tree: Any) -> tuple[int, int, Any]:
    """Nodes and deepest nesting of ``tree``, walked without recursion; also the deepest node."""
    import ast

    nodes, deepest, where = 0, 0, tree
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > deepest:
            deepest, where = depth, node
        if nodes > MAX_NODES or deepest > MAX_DEPTH:
            break
        stack.extend(
            (child, depth + 1)
            for child in ast.iter_child_nodes(node)
            if not isinstance(child, (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop))
        )
    return nodes, deepest, where


def _column(text: str, lineno: int | None, col_bytes: int | None) -> tuple[str, int]:
    """The line of ``text`` and the character column that an ast position points at."""
    lines = text.split("\n")
    line = lines[(lineno or 1) - 1] if lineno and lineno <= len(lines) else lines[-1]
    if col_bytes is None:
        return line, len(line)
    return line, len(line.encode("utf-8")[:col_bytes].decode("utf-8", errors="ignore"))


def _caret(line: str, column: int) -> str:
    return (
        f"\n    {line.replace(chr(9), ' ')}\n    {' ' * column}^"  # a tab shown as one space keeps the caret in place
    )


_SYNTAX_HINTS = (
    ("$", " (functions are called without '$': max(a, b), min(a, b))"),
    ("?", " (write 'a if condition else b')"),
)


def _syntax_message(text: str, exc: SyntaxError) -> str:
    lines = text.split("\n")
    lineno = exc.lineno if exc.lineno and exc.lineno <= len(lines) else len(lines)
    line = lines[lineno - 1]
    offset = exc.offset or 0
    at_end = not 0 < offset <= len(line)
    column = len(line) if at_end else offset - 1
    of_line = f" of line {lineno}" if len(lines) > 1 else ""
    place = f"the end{of_line}" if at_end else f"column {column + 1}{of_line}"
    detail = "" if exc.msg in ("invalid syntax", None) else f" ({exc.msg})"
    hint = ""
    if not at_end:
        hint = next((h for ch, h in _SYNTAX_HINTS if line[column : column + 1] == ch), "")
    return f"syntax error at {place}{detail}{hint}:{_caret(line, column)}"


@dataclass(frozen=True)
class Expression:
    """A compiled expression, with where it came from for error messages.

    >>> e = Expression.compile("employees >= 500 and 'benefits' in functions",
    ...                        {"employees": NUMBER, "functions": TEXT_SET}, where="rule 'x', when")
    >>> e.evaluate({"employees": 600, "functions": {"benefits"}})
    True
    >>> sorted(e.names), e.kind
    (['employees', 'functions'], 'boolean')
    >>> Expression.compile("max(1, ceil(demand - 0.25))", {"demand": NUMBER}, where="x").number({"demand": 2.5})
    3.0
    >>> Expression.compile("employees.__class__", {"employees": NUMBER}, where="rule 'x', when")
    Traceback (most recent call last):
    ...
    orgplan.errors.RuleError: rule 'x', when: attribute access ('.__class__') is not allowed:
        employees.__class__
                 ^
    """

    text: str
    where: str
    path: str | None = None
    kind: str = NUMBER
    names: frozenset[str] = frozenset()
    _fn: Compiled = field(default=lambda v: None, repr=False, compare=False)

    @classmethod
    def compile(
        cls, text: object, names: Mapping[str, str], *, where: str, path: object = None, expect: str | None = None
    ) -> Expression:
        """Parse ``text`` against the declared ``names`` (name -> NUMBER, TEXT, BOOLEAN or TEXT_SET).

        ``expect`` is the type the expression must give (BOOLEAN for a condition, NUMBER
        for a count). Raises RuleError with a caret under the position on failure.
        """
        import ast

        path_s = str(path) if path is not None else None
        if isinstance(text, bool):
            text = str(text).lower()
        elif isinstance(text, (int, float)):
            text = repr(text)
        if not isinstance(text, str) or not text.strip():
            raise RuleError(f"expected an expression (text), got {text!r}", path=path_s, where=where)
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        control = next((c for c in text if c < " " and c not in "\n\t\r" or c == "\x7f"), None)
        if control is not None:
            raise RuleError(
                f"the expression holds a control character (U+{ord(control):04X}) at column "
                f"{text.index(control) + 1}; remove it",
                path=path_s,
                where=where,
            )
        if len(text) > MAX_LENGTH:
            raise RuleError(
                f"the expression is {len(text):,} characters long, more than the limit of {MAX_LENGTH:,}; "
                "move parts of it into derived figures",
                path=path_s,
                where=where,
            )
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError as exc:
            raise RuleError(_syntax_message(text, exc), path=path_s, where=where) from None
        except (RecursionError, MemoryError, ValueError):
            raise RuleError(
                f"the expression is nested too deeply to read; the limit is {MAX_DEPTH} levels",
                path=path_s,
                where=where,
            ) from None
        nodes, depth, deepest = _measure(tree)
        try:
            if depth > MAX_DEPTH:
                raise _Refused(
                    f"the expression is nested more than {MAX_DEPTH} levels deep; move parts of it into "
                    "derived figures",
                    deepest,
                )
            if nodes > MAX_NODES:
                raise _Refused(
                    f"the expression has more than {MAX_NODES} parts; move parts of it into derived figures", None
                )
            compiler = _Compiler(names)
            result = compiler.compile(tree.body)
            if expect is not None and result.kind != expect:
                raise _Refused(f"this should give {_WORDS[expect]}, but gives {_WORDS[result.kind]}", tree.body)
        except _Refused as exc:
            node = exc.node
            line, column = _column(text, getattr(node, "lineno", None), getattr(node, "col_offset", None))
            raise RuleError(f"{exc.message}:{_caret(line, column)}", path=path_s, where=where) from None
        return cls(text=text, where=where, path=path_s, kind=result.kind, names=frozenset(compiler.used), _fn=result.fn)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """Evaluate with ``values`` (a mapping of the declared names); numbers come back as float."""
        try:
            result = self._fn(values)
        except _EvalError as exc:
            raise self._failed(str(exc)) from None
        except ZeroDivisionError:
            raise self._failed("division by zero") from None
        except OverflowError:
            raise self._failed("a number is too large") from None
        except KeyError as exc:
            raise self._failed(f"no value for '{exc.args[0]}'") from None
        except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError) as exc:
            raise self._failed(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        if self.kind == NUMBER:
            try:
                return float(_finite(result))
            except (_EvalError, OverflowError):
                raise self._failed("the result is too large to be a number") from None
            except TypeError:
                raise self._failed(f"should give a number, gave {result!r:.80}") from None
        return result

    def number(self, values: Mapping[str, Any]) -> float:
        """Evaluate to a finite number, or raise RuleError saying what came back."""
        result = self.evaluate(values)
        if self.kind != NUMBER:
            raise RuleError(f"{self.text!r} should give a number, gave {result!r}", path=self.path, where=self.where)
        return float(result)

    def truth(self, values: Mapping[str, Any]) -> bool:
        """Evaluate to True or False, or raise RuleError."""
        result = self.evaluate(values)
        if result is not True and result is not False:
            raise RuleError(f"{self.text!r} should be true or false, gave {result!r}", path=self.path, where=self.where)
        return result

    def _failed(self, why: str) -> RuleError:
        return RuleError(f"cannot evaluate {self.text!r}: {why}", path=self.path, where=self.where)
