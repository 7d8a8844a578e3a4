"""Rule expressions: every allowed form works, every other form is refused when the pack loads,
evaluation fails in one clear line, and no generated text gets past with anything else."""

from __future__ import annotations

import ast
import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgplan.errors import RuleError
from orgplan.knowledge.expressions.language import BOOLEAN, MAX_DEPTH, NUMBER, TEXT, TEXT_SET, Expression

from .conftest import examples

NAMES = {
    "employees": NUMBER,
    "countries": NUMBER,
    "share": NUMBER,
    "industry": TEXT,
    "functions": TEXT_SET,
    "regulated": BOOLEAN,
    "headcount": NUMBER,
}
VALUES = {
    "employees": 1200,
    "countries": 3,
    "share": 0.25,
    "industry": "healthcare",
    "functions": {"payroll", "benefits"},
    "regulated": True,
    "headcount": 10,
}


def compile_(text: object, expect: str | None = None) -> Expression:
    return Expression.compile(text, NAMES, where="rule 'x', when", path="rules.yaml", expect=expect)


def refusal(text: str) -> str:
    with pytest.raises(RuleError) as info:
        compile_(text)
    return str(info.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("employees", 1200.0),
        ("1_000 + 0.5", 1000.5),
        ("employees / 1000 * 2", 2.4),
        ("employees // 500", 2.0),
        ("employees % 500", 200.0),
        ("2 ** 10", 1024.0),
        ("(1000 / employees) ** 0.15", (1000 / 1200) ** 0.15),
        ("-employees + +countries", -1197.0),
        ("min(employees, 50, countries)", 3.0),
        ("max(1, ceil(share * 10 - 0.25))", 3.0),
        ("floor(employees / 7)", 171.0),
        ("round(2.567, 2)", 2.57),
        ("round(share * 10)", 2.0),
        ("abs(countries - employees)", 1197.0),
        ("sqrt(144)", 12.0),
        ("log(1)", 0.0),
        ("log10(employees / 12)", 2.0),
        ("clamp(employees, 10, 100)", 100.0),
        ("2.0 if regulated else 1.0", 2.0),
        ("employees >= 500 and 'payroll' in functions", True),
        ("'dei' not in functions or not regulated", True),
        ("0 < share <= 1 < countries", True),
        ("'health' in industry", True),
        ("industry in ['healthcare', 'finance']", True),
        ("countries not in [1, 2]", True),
        ("industry == 'healthcare' and regulated == true", True),
        ("False or false", False),
        ("'text'", "text"),
        (12, 12.0),
        (True, True),
    ],
)
def test_every_allowed_form_works(text, expected):
    assert (
        compile_(text).evaluate(VALUES) == pytest.approx(expected)
        if isinstance(expected, float)
        else compile_(text).evaluate(VALUES) == expected
    )


def test_an_expression_knows_its_names_type_and_text():
    e = compile_("  max(1, ceil(employees / 500))  ")
    assert (e.text, e.kind, e.names) == ("max(1, ceil(employees / 500))", NUMBER, frozenset({"employees"}))
    assert compile_("'payroll' in functions", expect=BOOLEAN).names == {"functions"}


def test_constant_parts_are_worked_out_once():
    assert compile_("employees > 60 * 60 * 24").evaluate({"employees": 86401}) is True


@pytest.mark.parametrize(
    "text, words",
    [
        ("employees.__class__", "attribute access ('.__class__') is not allowed"),
        ("(employees - 1).ceiling", "attribute access ('.ceiling') is not allowed; write ceil(x)"),
        ("employees.floor", "write floor(x)"),
        ("functions[0]", "indexing or slicing ('[...]') is not allowed"),
        ("__import__('os')", "'__import__' is not allowed: names that begin with '__' are reserved"),
        ("__builtins__", "names that begin with '__' are reserved"),
        ("open('x')", "unknown function 'open'"),
        ("flor(2)", "unknown function 'flor' (did you mean 'floor'?)"),
        (
            "(lambda: 1)()",
            "only these functions can be called: min, max, ceil, floor, round, abs, sqrt, log, log10, clamp",
        ),
        ("lambda: 1", "lambda is not allowed"),
        ("[x for x in functions]", "comprehensions are not allowed"),
        ("any(x for x in functions)", "unknown function 'any'"),
        ("f'{employees}'", "f-strings are not allowed"),
        ("(x := 1)", "assignment (':=') is not allowed"),
        ("max(*functions)", "starred arguments ('*') are not allowed"),
        ("round(share, ndigits=2)", "keyword arguments are not allowed"),
        ("{'a': 1}", "mappings ('{...}') are not allowed"),
        ("{'a'}", "sets ('{...}') are not allowed"),
        ("[1, 2]", "a [list] is allowed only on the right of 'in' or 'not in'"),
        ("employees in [1, countries]", "a [list] after 'in' holds only numbers or 'texts'"),
        ("industry in ['a', 1]", "holds numbers or 'texts', not both"),
        ("employees & 1", "operator '&' is not allowed; use 'and'"),
        ("employees ^ 2", "operator '^' is not allowed; use ** for powers"),
        ("~employees", "operator '~' is not allowed"),
        ("employees is 5", "'is' is not allowed; use == or !="),
        ("None", "None is not a value here"),
        ("1j", "a complex number is not a value here"),
        ("b'x'", "bytes is not a value here"),
        ("await employees", "'await' is not allowed"),
        ("(yield)", "'yield' is not allowed"),
        ("max", "'max' is a function; call it as max(...)"),
        ("headcont > 5", "unknown name 'headcont' (did you mean 'headcount'?)"),
        ("max(1)", "max() takes 2 or more numbers, got 1"),
        ("round(1, 2, 3)", "round() takes 1 or 2 numbers, got 3"),
        ("ceil()", "ceil() takes 1 number, got 0"),
    ],
)
def test_every_other_form_is_refused_when_the_pack_loads(text, words):
    message = refusal(text)
    assert message.startswith("rules.yaml: rule 'x', when: ")
    assert words in message
    assert message.splitlines()[-2].strip() == text and message.splitlines()[-1].strip() == "^"


@pytest.mark.parametrize(
    "text, words",
    [
        ("'a' * 3", "'*' needs a number, got text"),
        ("'a' + industry", "'+' needs a number, got text"),
        ("employees and regulated", "'and' needs true or false, got a number"),
        ("not employees", "'not' needs true or false, got a number"),
        ("5 in functions", "'in' looks for text in a set of texts, but the left is a number"),
        ("industry in employees", "'in' looks in a set of texts, a text or a [list], not in a number"),
        ("industry < 'b'", "'<' needs a number, got text"),
        ("employees == industry", "'==' compares values of one type: a number on the left, text on the right"),
        ("functions == functions", "not a set of texts"),
        ("1 if regulated else 'a'", "both sides of 'if ... else' must be of one type"),
        ("1 if employees else 2", "the condition of 'if ... else' needs true or false, got a number"),
        ("min(employees, industry)", "min() needs a number, got text"),
    ],
)
def test_types_are_checked_when_the_pack_loads(text, words):
    assert words in refusal(text)


def test_a_condition_must_be_true_or_false_and_a_count_a_number():
    with pytest.raises(RuleError, match="this should give true or false, but gives a number"):
        compile_("employees - 5", expect=BOOLEAN)
    with pytest.raises(RuleError, match="this should give a number, but gives true or false"):
        compile_("employees > 5", expect=NUMBER)


def test_caret_sits_under_the_offending_name():
    lines = refusal("employees > 5 and headcont < 3").splitlines()
    assert lines[-1].index("^") - lines[-2].index("e") == len("employees > 5 and ")


@pytest.mark.parametrize(
    "text, words",
    [
        ("employees >= and 5", "syntax error at column 14:"),
        ("employees >", "syntax error at the end:"),
        ("$max([a, b])", "syntax error at column 1 (functions are called without '$': max(a, b), min(a, b))"),
        ("regulated ? 2 : 1", "syntax error at column 11 (write 'a if condition else b')"),
        ("1 +\n2", "syntax error at the end of line 1"),
        ("x if y", "syntax error at column 1 (expected 'else' after 'if' expression)"),
    ],
)
def test_syntax_errors_name_the_column_and_suggest_the_new_form(text, words):
    assert words in refusal(text)


@pytest.mark.parametrize(
    "text, words",
    [
        (" + ".join(["employees"] * 5000), "the expression is 59,997 characters long, more than the limit of 2,000"),
        ("9" * 5000, "the expression is 5,000 characters long"),
        ("-" * 100 + "1", f"nested more than {MAX_DEPTH} levels deep"),
        (
            "(" * 150 + "employees" + ")" * 150 + " + " + "min(" * 70 + "1" + ", 2)" * 70,
            f"nested more than {MAX_DEPTH} levels deep",
        ),
        ("min(" + ",".join(["1"] * 650) + ")", "has more than 600 parts"),
        ("1" * 31, "a number of more than 30 characters is not allowed"),
        ("1e999", "the number is too large"),
        ("'" + "a" * 201 + "'", "a text of more than 200 characters is not allowed"),
        ("employees\x00", "a control character (U+0000) at column 10"),
        ("", "expected an expression (text), got ''"),
        (None, "expected an expression (text), got None"),
    ],
)
def test_sizes_are_bounded_and_refused_in_one_line(text, words):
    with pytest.raises(RuleError) as info:
        compile_(text)
    assert words in str(info.value)
    assert "Traceback" not in str(info.value)


@pytest.mark.parametrize(
    "text, values, words",
    [
        ("employees / (countries - 3)", {}, "division by zero"),
        ("employees // 0", {}, "division by zero"),
        ("employees % 0", {}, "division by zero"),
        ("10 ** 400", {}, "a number is too large"),
        ("employees ** employees", {}, "a number is too large"),
        ("1e306 * employees * employees", {}, "the result is too large to be a number"),
        ("sqrt(-employees)", {}, "sqrt of a negative number (-1200)"),
        ("log(countries - 3)", {}, "log of zero or a negative number (0)"),
        ("(-employees) ** 0.5", {}, "(-1200) ** 0.5 is not a real number"),
        ("round(share, 100)", {}, "round(x, n) needs a whole n from -15 to 15"),
        ("clamp(share, 1, 0)", {}, "clamp(x, low, high) needs low <= high"),
        ("employees + 1", {"employees": None}, "cannot evaluate 'employees + 1'"),
        ("headcount + 1", {"headcount": KeyError}, "no value for 'headcount'"),
        ("employees * 1", {"employees": float("inf")}, "the result is too large to be a number"),
    ],
)
def test_evaluation_errors_are_one_line_naming_rule_and_expression(text, values, words):
    given = dict(VALUES) | values
    given = {k: v for k, v in given.items() if v is not KeyError}
    with pytest.raises(RuleError) as info:
        compile_(text).evaluate(given)
    message = str(info.value)
    assert message.startswith(f"rules.yaml: rule 'x', when: cannot evaluate {text!r}: ")
    assert words in message and len(message.splitlines()) == 1


def test_number_and_truth_check_what_came_back():
    assert compile_("employees > 5").truth(VALUES) is True
    assert compile_("employees * 2").number(VALUES) == 2400.0
    with pytest.raises(RuleError, match="should give a number"):
        compile_("industry").number(VALUES)
    with pytest.raises(RuleError, match="should be true or false"):
        compile_("employees").truth(VALUES)


# --- fuzzing: whatever the text, RuleError or a value, quickly -----------------------

TOKENS = [
    "employees",
    "countries",
    "share",
    "industry",
    "functions",
    "regulated",
    "headcont",
    "x",
    "true",
    "false",
    "True",
    "None",
    "0",
    "1",
    "2.5",
    "-1",
    "1e308",
    "1e-308",
    "9" * 40,
    "0x1F",
    "'a'",
    "'health'",
    '"q"',
    "'" + "z" * 250 + "'",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "<",
    "<=",
    ">",
    ">=",
    "==",
    "!=",
    "and",
    "or",
    "not",
    "in",
    "not in",
    "is",
    "if",
    "else",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    "?",
    "$",
    "@",
    "&",
    "|",
    "~",
    "^",
    "=",
    ":=",
    ";",
    "#",
    "min",
    "max",
    "ceil",
    "floor",
    "round",
    "abs",
    "sqrt",
    "log",
    "log10",
    "clamp",
    "__class__",
    "__import__",
    "lambda",
    "for",
    "yield",
    "await",
    "f'{x}'",
    "*",
    "\n",
    "\\",
    "'",
    '"',
    "é",
    "\x00",
]

token_soup = st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join) | st.text(max_size=80)

numbers = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.sampled_from(["employees", "countries", "share", "headcount"]),
)
texts = st.sampled_from(["industry", "'healthcare'", "'x'", "''"])


def _join(parts: tuple) -> str:
    return " ".join(parts)


number_trees = st.deferred(lambda: st.one_of(numbers, numbers, numbers, _arithmetic, _calls, _choices))
_arithmetic = st.tuples(number_trees, st.sampled_from(["+", "-", "*", "/", "//", "%", "**"]), number_trees).map(
    lambda t: f"({_join(t)})"
)
_calls = st.one_of(
    st.tuples(st.sampled_from(["min", "max"]), st.lists(number_trees, min_size=2, max_size=4)).map(
        lambda t: f"{t[0]}({', '.join(t[1])})"
    ),
    st.tuples(st.sampled_from(["ceil", "floor", "round", "abs", "sqrt", "log", "log10", "-"]), number_trees).map(
        lambda t: f"{t[0]}({t[1]})"
    ),
    st.tuples(number_trees, st.integers(-20, 20)).map(lambda t: f"round({t[0]}, {t[1]})"),
    st.tuples(number_trees, number_trees, number_trees).map(lambda t: f"clamp({', '.join(t)})"),
)
condition_trees = st.deferred(
    lambda: st.one_of(
        st.tuples(number_trees, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), number_trees).map(_join),
        st.tuples(number_trees, number_trees, number_trees).map(lambda t: f"{t[0]} < {t[1]} <= {t[2]}"),
        st.tuples(
            texts, st.sampled_from(["in", "not in"]), st.sampled_from(["functions", "industry", "['a', 'healthcare']"])
        ).map(_join),
        st.tuples(number_trees, st.sampled_from(["in", "not in"])).map(lambda t: f"{t[0]} {t[1]} [1, 2.5, 1200]"),
        st.sampled_from(["regulated", "not regulated", "true"]),
        st.tuples(condition_trees, st.sampled_from(["and", "or"]), condition_trees).map(lambda t: f"({_join(t)})"),
    )
)
_choices = st.tuples(number_trees, condition_trees, number_trees).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})")

value_sets = st.fixed_dictionaries(
    {
        "employees": st.one_of(st.integers(0, 5_000_000), st.floats(-1e308, 1e308)),
        "countries": st.integers(-3, 250),
        "share": st.floats(allow_nan=False, allow_infinity=False),
        "headcount": st.floats(-1e6, 1e6),
        "industry": st.sampled_from(["healthcare", "", "x" * 200]),
        "functions": st.sets(st.sampled_from(["payroll", "a", "healthcare"])),
        "regulated": st.booleans(),
    }
)


def _holds(text: str, values: dict) -> object:
    """Compile and evaluate; only a value or RuleError may come out, each within a second."""
    start = time.perf_counter()
    try:
        expr = compile_(text)
    except RuleError as exc:
        assert "Traceback" not in str(exc)
        assert time.perf_counter() - start < 1.0
        return None
    assert time.perf_counter() - start < 1.0
    start = time.perf_counter()
    try:
        result = expr.evaluate(values)
    except RuleError as exc:
        assert len(str(exc).splitlines()) == 1
        result = None
    assert time.perf_counter() - start < 1.0
    if isinstance(result, float):
        assert math.isfinite(result)
    return result


FUZZ = settings(max_examples=examples(), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(FUZZ, max_examples=examples(2))
@given(token_soup, value_sets)
def test_fuzz_token_soup_gives_a_value_or_rule_error(text, values):
    _holds(text, values)


@FUZZ
@given(st.one_of(number_trees, condition_trees), value_sets)
def test_fuzz_generated_trees_give_a_value_or_rule_error(text, values):
    _holds(text, values)


class _AsOrgplanComputes(ast.NodeTransformer):
    """Python's own arithmetic on a generated text, with orgplan's two choices: number
    literals are floats, ** works on floats."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.copy_location(ast.Constant(float(node.value)), node) if type(node.value) is int else node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):
            return ast.copy_location(ast.Call(ast.Name("power", ast.Load()), [node.left, node.right], []), node)
        return node


def _clamp(x, low, high):
    return low if x < low else high if x > high else x


PYTHON = {
    "min": min,
    "max": max,
    "abs": abs,
    "sqrt": math.sqrt,
    "log": math.log,
    "log10": math.log10,
    "clamp": _clamp,
    "ceil": lambda x: float(math.ceil(x)),
    "floor": lambda x: float(math.floor(x)),
    "round": lambda x, n=None: float(round(x)) if n is None else float(round(x, int(n))),
    "power": lambda a, b: float(a) ** float(b),
    "true": True,
    "false": False,
}


@FUZZ
@given(number_trees, value_sets)
def test_fuzz_values_agree_with_python_arithmetic(text, values):
    """Where an expression gives a value, it is exactly the value Python's arithmetic gives for the same text."""
    result = _holds(text, values)
    if result is None:
        return
    tree = ast.fix_missing_locations(_AsOrgplanComputes().visit(ast.parse(text, mode="eval")))
    python = eval(compile(tree, "<test>", "eval"), {"__builtins__": {}}, PYTHON | values)  # noqa: S307 - the test's reference, on generated arithmetic only
    assert result == float(python)
