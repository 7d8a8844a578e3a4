"""Safe expressions for rule conditions and seat counts, parsed by rule-engine and never eval-ed.

The names an expression may use are declared up front with their types, so a typo
(``headcont``) or a name used before it is known is refused when the rule pack loads,
with the closest valid name suggested.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import RuleError

__all__ = ["NUMBER", "TEXT", "BOOLEAN", "TEXT_SET", "Expression"]

# Type tags for declared names; mapped to rule-engine's data types when compiling.
NUMBER, TEXT, BOOLEAN, TEXT_SET = "number", "text", "boolean", "text_set"


def _engine_type(tag: str) -> Any:
    import rule_engine

    types = rule_engine.DataType
    return {NUMBER: types.FLOAT, TEXT: types.STRING, BOOLEAN: types.BOOLEAN, TEXT_SET: types.SET(types.STRING)}[tag]


def _caret(text: str, position: int | None) -> str:
    if position is None:
        position = len(text)
    return f"\n    {text}\n    {' ' * position}^"


@dataclass(frozen=True)
class Expression:
    """A compiled expression, with where it came from for error messages.

    >>> e = Expression.compile("employees >= 500 and 'benefits' in functions",
    ...                        {"employees": NUMBER, "functions": TEXT_SET}, where="rule 'x', when")
    >>> e.evaluate({"employees": 600, "functions": {"benefits"}})
    True
    """

    text: str
    where: str
    path: str | None = None
    _rule: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def compile(cls, text: object, names: Mapping[str, str], *, where: str, path: object = None) -> Expression:
        """Parse ``text`` against the declared ``names``; raise RuleError with a caret on failure."""
        import rule_engine

        path_s = str(path) if path is not None else None
        if isinstance(text, bool) or isinstance(text, (int, float)):
            text = str(text).lower() if isinstance(text, bool) else repr(text)
        if not isinstance(text, str) or not text.strip():
            raise RuleError(f"expected an expression (text), got {text!r}", path=path_s, where=where)
        context = rule_engine.Context(
            type_resolver=rule_engine.type_resolver_from_dict({k: _engine_type(v) for k, v in names.items()}),
            decimal_context=decimal.Context(prec=28),
        )
        try:
            rule = rule_engine.Rule(text, context=context)
        except rule_engine.RuleSyntaxError as exc:
            token = getattr(exc, "token", None)
            pos = getattr(token, "lexpos", None)
            at = f"column {pos + 1}" if pos is not None else "the end"
            raise RuleError(f"syntax error at {at}:{_caret(text, pos)}", path=path_s, where=where) from None
        except rule_engine.SymbolResolutionError as exc:
            hint = f" (did you mean '{exc.suggestion}'?)" if exc.suggestion else ""
            pos = text.find(exc.symbol_name)
            raise RuleError(
                f"unknown name '{exc.symbol_name}'{hint}:{_caret(text, pos if pos >= 0 else None)}",
                path=path_s,
                where=where,
            ) from None
        except rule_engine.AttributeResolutionError as exc:
            hint = f" (did you mean '{exc.suggestion}'?)" if exc.suggestion else ""
            raise RuleError(f"unknown attribute '{exc.attribute_name}'{hint} in: {text}", path=path_s, where=where) from None
        except rule_engine.EngineError as exc:
            raise RuleError(f"{exc.message} in: {text}", path=path_s, where=where) from None
        return cls(text=text, where=where, path=path_s, _rule=rule)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """Evaluate with ``values``; numbers come back as float (or int when whole), sets as sets."""
        import rule_engine

        try:
            result = self._rule.evaluate(values)
        except rule_engine.EngineError as exc:
            raise RuleError(f"cannot evaluate {self.text!r}: {exc.message}", path=self.path, where=self.where) from None
        except (ArithmeticError, ValueError) as exc:
            raise RuleError(f"cannot evaluate {self.text!r}: {exc}", path=self.path, where=self.where) from None
        if isinstance(result, decimal.Decimal):
            return float(result)
        return result

    def number(self, values: Mapping[str, Any]) -> float:
        """Evaluate to a finite number, or raise RuleError saying what came back."""
        result = self.evaluate(values)
        if isinstance(result, bool) or not isinstance(result, (int, float)) or result != result or result in (float("inf"), float("-inf")):
            raise RuleError(f"{self.text!r} should give a number, gave {result!r}", path=self.path, where=self.where)
        return float(result)

    def truth(self, values: Mapping[str, Any]) -> bool:
        """Evaluate to True or False, or raise RuleError."""
        result = self.evaluate(values)
        if not isinstance(result, bool):
            raise RuleError(f"{self.text!r} should be true or false, gave {result!r}", path=self.path, where=self.where)
        return result
