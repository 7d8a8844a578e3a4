"""From a syntax tree to closures: each node of the allowed subset checked, typed and compiled once.

:class:`Compiler` walks the tree from :func:`ast.parse`, one method per node type it knows;
every other node type is refused by name. Parts whose inputs are all constant are worked
out once, at compile time.

>>> import ast
>>> compiler = Compiler({"employees": "number"})
>>> part = compiler.compile(ast.parse("max(1, employees / 100)", mode="eval").body)
>>> part.kind, part.fn({"employees": 450.0}), sorted(compiler.used)
('number', 4.5, ['employees'])
>>> compiler.compile(ast.parse("2 * 3", mode="eval").body).value
6.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from orgplan.knowledge.expressions.operations import ARITHMETIC, EQUALITY, FUNCTIONS, MEMBERSHIP, ORDER, OTHER_OPERATORS
from orgplan.knowledge.expressions.types import (
    BOOLEAN,
    NUMBER,
    NUMBER_LIST,
    TEXT,
    TEXT_SET,
    At,
    Compiled,
    Part,
    Refused,
    between,
    check_equality,
    check_membership,
    check_same_kind,
    constant,
    expect,
)

__all__ = ["Compiler", "MAX_LITERAL", "MAX_STRING"]

MAX_LITERAL = 30  # characters of a number literal
MAX_STRING = 200  # characters of a text literal

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


class Compiler:
    """Turns a checked syntax tree into closures, typing every part; one method per node type it knows.

    ``names`` maps each declared name to its type; ``used`` collects the names the tree reads.
    """

    # The whitelist: every other node type is refused. Attribute, List and Tuple only to
    # refuse them with a better word (a list is read by _collection, after 'in').
    KNOWN = frozenset(
        {"Constant", "Name", "UnaryOp", "BinOp", "BoolOp", "Compare", "IfExp", "Call", "Attribute", "List", "Tuple"}
    )

    def __init__(self, names: Mapping[str, str]):
        self.names = names
        self.used: set[str] = set()

    def compile(self, node: Any) -> Part:
        kind = type(node).__name__
        if kind not in self.KNOWN:
            raise Refused(_FORBIDDEN.get(kind, f"{_describe(node)} is not allowed"), node)
        handler: Callable[[Any], Part] = getattr(self, f"_{kind}")
        return handler(node)

    # leaves

    def _Constant(self, node: Any) -> Part:
        return _literal(node)

    def _Name(self, node: Any) -> Part:
        name = node.id
        if name.startswith("__"):
            raise Refused(f"'{name}' is not allowed: names that begin with '__' are reserved", node)
        kind = self.names.get(name)
        if kind is None:
            if name in ("true", "false"):
                return constant(name == "true", BOOLEAN, node)
            from orgplan.core.validation import suggest

            if name in FUNCTIONS:
                raise Refused(f"'{name}' is a function; call it as {name}(...)", node)
            raise Refused(f"unknown name '{name}'{suggest(name, self.names)}", node)
        self.used.add(name)
        return Part(lambda v: v[name], kind, node, name=name)

    def _Attribute(self, node: Any) -> Part:
        hint = {"ceiling": "; write ceil(x)", "floor": "; write floor(x)"}.get(node.attr, "")
        raise Refused(
            f"attribute access ('.{node.attr}') is not allowed{hint}",
            At(node.value.end_lineno, node.value.end_col_offset),
        )

    def _List(self, node: Any) -> Part:
        raise Refused("a [list] is allowed only on the right of 'in' or 'not in'", node)

    _Tuple = _List

    # operators

    def _UnaryOp(self, node: Any) -> Part:
        op = type(node.op).__name__
        if op in OTHER_OPERATORS:
            symbol, hint = OTHER_OPERATORS[op]
            raise Refused(f"operator '{symbol}' is not allowed{hint}", node)
        operand = self.compile(node.operand)
        if op == "Not":
            expect(operand, BOOLEAN, "'not'")
            fn = operand.fn
            return _fold(lambda v: not fn(v), BOOLEAN, node, operand)
        expect(operand, NUMBER, f"unary '{'-' if op == 'USub' else '+'}'")
        fn = operand.fn
        if op == "USub":
            return _fold(lambda v: -fn(v), NUMBER, node, operand)
        return operand

    def _BinOp(self, node: Any) -> Part:
        op = type(node.op).__name__
        if op not in ARITHMETIC:
            symbol, hint = OTHER_OPERATORS.get(op, (op, ""))
            raise Refused(f"operator '{symbol}' is not allowed{hint}", between(node.left, node.right))
        symbol, func = ARITHMETIC[op]
        left, right = self._each((node.left, node.right), NUMBER, f"'{symbol}'")
        return _fold(_binary(func, left, right), NUMBER, node, left, right)

    def _BoolOp(self, node: Any) -> Part:
        word = "and" if type(node.op).__name__ == "And" else "or"
        parts = self._each(node.values, BOOLEAN, f"'{word}'")
        fns = tuple(p.fn for p in parts)
        fn: Compiled
        if len(fns) == 2:
            a, b = fns
            fn = (lambda v: a(v) and b(v)) if word == "and" else (lambda v: a(v) or b(v))
        elif word == "and":
            fn = lambda v: all(f(v) for f in fns)  # noqa: E731
        else:
            fn = lambda v: any(f(v) for f in fns)  # noqa: E731
        return _fold(fn, BOOLEAN, node, *parts)

    def _Compare(self, node: Any) -> Part:
        first = left = self.compile(node.left)
        steps: list[tuple[Callable[[Any, Any], Any], Part]] = []
        func: Callable[[Any, Any], Any]
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            op = type(op_node).__name__
            if op in MEMBERSHIP:
                symbol, func = MEMBERSHIP[op]
                right = self._collection(right_node)
                check_membership(left, right, symbol)
            elif op in ORDER:
                symbol, func = ORDER[op]
                right = self.compile(right_node)
                expect(left, NUMBER, f"'{symbol}'")
                expect(right, NUMBER, f"'{symbol}'")
            elif op in EQUALITY:
                symbol, func = EQUALITY[op]
                right = self.compile(right_node)
                check_equality(left, right, symbol)
            else:  # is, is not
                raise Refused(
                    f"'{'is not' if op == 'IsNot' else 'is'}' is not allowed; use == or !=",
                    between(left.node, right_node),
                )
            steps.append((func, right))
            left = right
        if len(steps) == 1:
            func, right = steps[0]
            return _fold(_binary(func, first, right), BOOLEAN, node, first, right)
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

        return _fold(fn, BOOLEAN, node, first, *(r for _, r in steps))

    def _IfExp(self, node: Any) -> Part:
        test, body, orelse = self.compile(node.test), self.compile(node.body), self.compile(node.orelse)
        expect(test, BOOLEAN, "the condition of 'if ... else'")
        check_same_kind(body, orelse)
        t, a, b = test.fn, body.fn, orelse.fn
        if test.constant:
            return body if test.value else orelse
        return Part(lambda v: a(v) if t(v) else b(v), body.kind, node)

    def _Call(self, node: Any) -> Part:
        if type(node.func).__name__ == "Attribute" or (
            type(node.func).__name__ == "Name" and node.func.id.startswith("__")
        ):
            return self.compile(node.func)  # refused as attribute access, or as a reserved name
        name, impl = _callee(node)
        args = self._each(node.args, NUMBER, f"{name}()")
        fns = tuple(a.fn for a in args)
        fn: Compiled
        if len(fns) == 1:
            (a,) = fns
            fn = lambda v: impl(a(v))  # noqa: E731
        elif len(fns) == 2:
            a, b = fns
            fn = lambda v: impl(a(v), b(v))  # noqa: E731
        else:
            fn = lambda v: impl(*[f(v) for f in fns])  # noqa: E731
        return _fold(fn, NUMBER, node, *args)

    # helpers

    def _each(self, nodes: Any, kind: str, what: str) -> list[Part]:
        """Compile each of ``nodes``, then refuse the first that does not give ``kind`` (``what`` needs it)."""
        parts = [self.compile(n) for n in nodes]
        for part in parts:
            expect(part, kind, what)
        return parts

    def _collection(self, node: Any) -> Part:
        """The right of 'in': a declared text set or text, or a [list] of literals."""
        if type(node).__name__ not in ("List", "Tuple"):
            return self.compile(node)
        items = [self.compile(n) for n in node.elts]
        for item in items:
            if not item.constant or item.kind not in (NUMBER, TEXT):
                raise Refused("a [list] after 'in' holds only numbers or 'texts'", item.node)
        kinds = {i.kind for i in items}
        if len(kinds) > 1:
            raise Refused("a [list] after 'in' holds numbers or 'texts', not both", node)
        values = frozenset(i.value for i in items)
        return constant(values, TEXT_SET if kinds != {NUMBER} else NUMBER_LIST, node)


def _literal(node: Any) -> Part:
    """A number, a text or true/false written in the expression, within the length limits."""
    value = node.value
    if isinstance(value, bool):
        return constant(value, BOOLEAN, node)
    if isinstance(value, (int, float)):
        width = (node.end_col_offset or 0) - node.col_offset if node.end_lineno == node.lineno else MAX_LITERAL + 1
        if width > MAX_LITERAL:
            raise Refused(f"a number of more than {MAX_LITERAL} characters is not allowed", node)
        number = float(value)
        if not math.isfinite(number):
            raise Refused("the number is too large", node)
        return constant(number, NUMBER, node)
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise Refused(f"a text of more than {MAX_STRING} characters is not allowed ({len(value):,} here)", node)
        return constant(value, TEXT, node)
    what = {type(None): "None", complex: "a complex number", bytes: "bytes"}.get(type(value), "'...'")
    raise Refused(f"{what} is not a value here; use a number, 'text', true or false", node)


def _callee(node: Any) -> tuple[str, Callable[..., Any]]:
    """The function a call names and its implementation, once the call's form and argument count check out."""
    allowed = ", ".join(FUNCTIONS)
    if type(node.func).__name__ != "Name":
        raise Refused(f"only these functions can be called: {allowed}", node)
    name = node.func.id
    if name not in FUNCTIONS:
        from orgplan.core.validation import suggest

        raise Refused(f"unknown function '{name}'{suggest(name, FUNCTIONS)}; the functions are: {allowed}", node.func)
    if node.keywords:
        raise Refused(
            f"keyword arguments are not allowed; call {name}(...) with values in order", node.keywords[0].value
        )
    for arg in node.args:
        if type(arg).__name__ == "Starred":
            raise Refused(_FORBIDDEN["Starred"], arg)
    impl, fewest, most = FUNCTIONS[name]
    count = len(node.args)
    if count < fewest or (most is not None and count > most):
        wanted = f"{fewest}" if fewest == most else f"{fewest} or more" if most is None else f"{fewest} or {most}"
        raise Refused(f"{name}() takes {wanted} number{'s' if wanted != '1' else ''}, got {count}", node)
    return name, impl


def _fold(fn: Compiled, kind: str, node: Any, *parts: Part) -> Part:
    """Work out constant parts once, when the expression is compiled."""
    if parts and all(p.constant for p in parts):
        try:
            return constant(fn({}), kind, node)
        except Exception:  # noqa: BLE001 - left for evaluation to report
            pass
    return Part(fn, kind, node)


def _binary(func: Callable[[Any, Any], Any], left: Part, right: Part) -> Compiled:
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


def _describe(node: Any) -> str:
    name = type(node).__name__
    return {"Slice": "slicing", "keyword": "a keyword argument"}.get(name, f"'{name}'")
