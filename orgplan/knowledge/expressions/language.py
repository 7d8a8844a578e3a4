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

This module reads the text (limits, syntax errors with a caret) and evaluates; the parts
live beside it: ``expression_types`` (the types and the checks that refuse a wrong one),
``expression_compiler`` (the syntax tree to closures) and ``expression_operations`` (the
functions and operators).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orgplan.errors import RuleError
from orgplan.knowledge.expressions.compiler import Compiler
from orgplan.knowledge.expressions.operations import FUNCTIONS, EvalError, finite
from orgplan.knowledge.expressions.types import BOOLEAN, NUMBER, TEXT, TEXT_SET, WORDS, Compiled, Refused

__all__ = ["NUMBER", "TEXT", "BOOLEAN", "TEXT_SET", "FUNCTIONS", "MAX_LENGTH", "MAX_DEPTH", "MAX_NODES", "Expression"]

MAX_LENGTH = 2000  # characters of expression text
MAX_DEPTH = 64  # levels of nesting of the syntax tree
MAX_NODES = 600  # nodes of the syntax tree


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
                raise Refused(
                    f"the expression is nested more than {MAX_DEPTH} levels deep; move parts of it into "
                    "derived figures",
                    deepest,
                )
            if nodes > MAX_NODES:
                raise Refused(
                    f"the expression has more than {MAX_NODES} parts; move parts of it into derived figures", None
                )
            compiler = Compiler(names)
            result = compiler.compile(tree.body)
            if expect is not None and result.kind != expect:
                raise Refused(f"this should give {WORDS[expect]}, but gives {WORDS[result.kind]}", tree.body)
        except Refused as exc:
            node = exc.node
            line, column = _column(text, getattr(node, "lineno", None), getattr(node, "col_offset", None))
            raise RuleError(f"{exc.message}:{_caret(line, column)}", path=path_s, where=where) from None
        return cls(text=text, where=where, path=path_s, kind=result.kind, names=frozenset(compiler.used), _fn=result.fn)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """Evaluate with ``values`` (a mapping of the declared names); numbers come back as float."""
        try:
            result = self._fn(values)
        except EvalError as exc:
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
                return float(finite(result))
            except (EvalError, OverflowError):
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
