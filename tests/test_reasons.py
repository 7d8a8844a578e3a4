"""Reason texts: declared names with a small format, checked when the pack loads; rendering never runs away."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgplan.errors import RuleError
from orgplan.knowledge.expressions.language import BOOLEAN, NUMBER, TEXT, TEXT_SET
from orgplan.knowledge.reasons import MAX_PRECISION, MAX_WIDTH, ReasonTemplate

from .conftest import examples

NAMES = {
    "employees": NUMBER,
    "demand": NUMBER,
    "share": NUMBER,
    "seats": NUMBER,
    "industry": TEXT,
    "functions": TEXT_SET,
    "regulated": BOOLEAN,
}
VALUES = {
    "employees": 12000,
    "demand": 2.345,
    "share": 0.4,
    "seats": 3,
    "industry": "healthcare",
    "functions": {"payroll", "benefits"},
    "regulated": True,
}


def reason(text: str) -> ReasonTemplate:
    return ReasonTemplate.compile(text, NAMES, where="rule 'x'.reason", path="rules.yaml")


@pytest.mark.parametrize(
    "text, shown",
    [
        ("{employees} employees", "12000 employees"),
        ("{employees:,} employees", "12,000 employees"),
        ("{demand:.1f} FTE", "2.3 FTE"),
        ("{demand:,.2f}", "2.35"),
        ("{demand:d} seats", "2 seats"),
        ("{share:.0%} unionised", "40% unionised"),
        ("{demand:g}", "2.345"),
        ("[{seats:4}]", "[   3]"),
        ("[{industry:12}]", "[healthcare  ]"),
        ("{functions}", "benefits, payroll"),
        ("regulated: {regulated}", "regulated: yes"),
        ("{{braces}} and {seats}", "{braces} and 3"),
        ("{[seats:count recruiter, demand:count analyst]}", "3 recruiters and 2 analysts"),
        (
            "{[employees:count person/people, seats:count seat, demand:count site]} in all",
            "12,000 people, 3 seats and 2 sites in all",
        ),
        ("no fields at all", "no fields at all"),
    ],
)
def test_fields_show_declared_values_in_a_small_format(text, shown):
    assert reason(text).render(VALUES) == shown


def test_whole_numbers_show_without_a_point_and_float_noise_never_shows():
    r = reason("{demand} and {demand:.1f} and {employees:,}")
    assert r.render(demand=50.0, employees=1_000.0) == "50 and 50.0 and 1,000"
    assert r.render(demand=1.4 * 0.75, employees=3) == "1.05 and 1.1 and 3"  # 1.0499999999999998 in floats
    assert reason("{demand:.1f}").render(demand=2.2 * 0.75) == "1.6"  # 1.6500000000000001 in floats


def test_values_passed_by_keyword_come_before_the_mapping():
    assert reason("{seats} of {employees}").render(VALUES, seats=7) == "7 of 12000"
    assert reason("{seats}").names == {"seats"}


@pytest.mark.parametrize(
    "text, words",
    [
        ("{employees.__class__.__init__.__globals__}", "'{employees.__class__.__init__.__globals__}' is not a field"),
        ("{employees[0]}", "'{employees[0]}' is not a field"),
        ("{0} and {1}", "'{0}' is not a field"),
        ("{} people", "'{}' is not a field"),
        ("{employees!r}", "'{employees!r}' is not a field"),
        ("{employees:{demand}}", "is not a field"),
        ("For {employes} people", "unknown name '{employes}' (did you mean 'employees'?) in the reason"),
        ("{employees:>2000000000}", "'>2000000000' is not a format orgplan knows"),
        ("{employees:e}", "'e' is not a format orgplan knows"),
        ("{employees:}", "'' is not a format orgplan knows"),
        (f"{{employees:{MAX_WIDTH + 1}}}", f"a width of {MAX_WIDTH + 1} is outside 1 to {MAX_WIDTH}"),
        (f"{{demand:.{MAX_PRECISION + 1}f}}", f"a precision of {MAX_PRECISION + 1} is more than {MAX_PRECISION}"),
        ("{demand:.2d}", "a whole number (type d) takes no precision"),
        ("{industry:,}", "'industry' is not a number: it takes only a width"),
        ("{industry:.3}", "'industry' is not a number"),
        ("costs { rise", "a '{' is never closed; write '{{' for the character itself"),
        (
            "{[seats:count recruiter, industry:count analyst]}",
            "'industry' is not a number orgplan knows, so it cannot be counted",
        ),
        ("{[seats, demand:count analyst]}", "is not a list of counts: write {[name:count noun, ...]}"),
        ("costs } fall", "a single '}' has no '{'; write '}}' for the character itself"),
        ("x" * 2001, "the reason is 2,001 characters long, more than the limit of 2,000"),
    ],
)
def test_anything_else_is_refused_when_the_pack_loads(text, words):
    with pytest.raises(RuleError) as info:
        reason(text)
    message = str(info.value)
    assert message.startswith("rules.yaml: rule 'x'.reason: ") and words in message


def test_refusal_points_a_caret_at_the_field():
    with pytest.raises(RuleError) as info:
        reason("For {employes} people")
    lines = str(info.value).splitlines()
    assert lines[-2].strip() == "For {employes} people"
    assert lines[-1].index("^") - lines[-2].index("F") == len("For {")


@pytest.mark.parametrize(
    "values, words",
    [
        ({}, "no value for '{demand}' in the reason"),
        ({"demand": "lots"}, "cannot show '{demand}' ('lots') in the reason: expected a number, got str"),
        ({"demand": float("inf")}, "cannot show '{demand}' (inf) in the reason"),
        ({"demand": float("nan")}, "cannot show '{demand}' (nan) in the reason"),
    ],
)
def test_rendering_fails_only_with_one_line_rule_error(values, words):
    with pytest.raises(RuleError) as info:
        reason("{demand:d} FTE").render(values)
    assert str(info.value) == f"rules.yaml: rule 'x'.reason: {words}" or words in str(info.value)
    assert len(str(info.value).splitlines()) == 1


PIECES = [
    "{",
    "}",
    "{{",
    "}}",
    ":",
    ",",
    ".",
    "!",
    "[",
    "]",
    "0",
    "2000000000",
    ">",
    "f",
    "d",
    "%",
    "e",
    "x",
    " ",
    "employees",
    "demand",
    "industry",
    "functions",
    "regulated",
    "__class__",
    "employes",
]
numbers = st.one_of(st.integers(-(10**12), 10**12), st.floats(allow_nan=True, allow_infinity=True))


@settings(max_examples=examples(2), suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.text(max_size=60)), numbers, numbers)
def test_fuzz_any_reason_text_compiles_or_is_refused_and_renders_bounded(text, employees, demand):
    start = time.perf_counter()
    try:
        r = reason(text)
    except RuleError:
        return
    values = dict(VALUES, employees=employees, demand=demand)
    try:
        shown = r.render(values)
    except RuleError as exc:
        assert len(str(exc).splitlines()) == 1
        return
    assert time.perf_counter() - start < 1.0
    fields = sum(1 for p in r.parts if not isinstance(p, str))
    assert len(shown) <= len(text) + fields * (MAX_WIDTH + MAX_PRECISION + 400)


def test_a_list_of_counts_leaves_out_the_zeros():
    r = reason(
        "{[seats:count compensation specialist, demand:count benefits specialist, share:count payroll specialist]}"
        " need a leader"
    )
    assert r.render(seats=0, demand=1, share=2) == "1 benefits specialist and 2 payroll specialists need a leader"
    assert r.render(seats=0, demand=0, share=4) == "4 payroll specialists need a leader"
    assert r.render(seats=0, demand=0, share=0) == "0 compensation specialists need a leader"
    assert r.names == {"seats", "demand", "share"}
