"""The rule pack: every rule's examples hold, broken rules are reported precisely, packs are swappable."""

from __future__ import annotations

import shutil

import pytest

from orgplan import RuleError, plan, profile_from_dict
from orgplan.knowledge.templates import load_templates, templates_dir
from orgplan.planning.explanation import check_rule_examples

from .conftest import bundled_yaml, write, yaml_text

BUNDLED_RULES = [rule["id"] for rule in bundled_yaml("rules.yaml")["rules"]]


@pytest.mark.parametrize("rule_id", BUNDLED_RULES)
def test_each_bundled_rule_has_examples_that_hold(templates, rule_id):
    (rule,) = [r for r in templates.rules.rules if r.id == rule_id]
    assert rule.fires_for and rule.quiet_for and rule.source and rule.description
    assert check_rule_examples(templates=templates, rule_id=rule_id) == []


def _pack_with(tmp_path, mutate):
    data = bundled_yaml("rules.yaml")
    mutate(data)
    return write(tmp_path / "rules.yaml", yaml_text(data))


def _rule(data, rule_id):
    return next(r for r in data["rules"] if r["id"] == rule_id)


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("when", "employees >= and 5", "syntax error at column 14"),
        ("when", "headcont > 5", "unknown name 'headcont'"),
        ("when", "__import__('os')", "'__import__' is not allowed: names that begin with '__' are reserved"),
        ("when", "employees.__class__", "attribute access ('.__class__') is not allowed"),
        ("when", "staff_seats > 2", "unknown name 'staff_seats'"),
        ("when", "employees - 500", "this should give true or false, but gives a number"),
        ("when", "$max([employees, 5]) > 9", "functions are called without '$': max(a, b)"),
        ("stage", "leadership", "unknown stage 'leadership'"),
        ("reason", "For {employes} people", "unknown name '{employes}' (did you mean 'employees'?)"),
        ("reason", "{employees.__class__.__init__.__globals__}", "is not a field"),
        ("reason", "{0} people", "'{0}' is not a field"),
        ("reason", "{employees:>2000000000}", "'>2000000000' is not a format orgplan knows"),
    ],
)
def test_broken_rule_names_file_rule_and_position(tmp_path, field, value, words):
    path = _pack_with(tmp_path, lambda d: _rule(d, "recruiters").__setitem__(field, value))
    with pytest.raises(RuleError) as info:
        load_templates(rules=path)
    message = str(info.value)
    assert message.startswith(f"{path}: rule 'recruiters'")
    assert words in message


def test_syntax_error_points_a_caret_at_the_position(tmp_path):
    path = _pack_with(tmp_path, lambda d: _rule(d, "hr-manager").__setitem__("when", "staff_seats >= and 3"))
    with pytest.raises(RuleError) as info:
        load_templates(rules=path)
    lines = str(info.value).splitlines()
    assert lines[-2].strip() == "staff_seats >= and 3"
    assert lines[-1].index("^") - lines[-2].index("s") == len("staff_seats >= ")


@pytest.mark.parametrize(
    "mutate, words",
    [
        (
            lambda d: _rule(d, "hr-manager")["add"].__setitem__("role", "hr_manger"),
            "unknown role 'hr_manger' (did you mean 'hr_manager'?)",
        ),
        (lambda d: _rule(d, "hr-manager").__setitem__("colour", "red"), "unknown key 'colour'"),
        (lambda d: _rule(d, "hr-manager").pop("source"), "source: is required"),
        (lambda d: d["rules"].append(dict(_rule(d, "hr-manager"))), "the id is used twice"),
        (lambda d: _rule(d, "hr-manager").__setitem__("id", "HR Manager"), "expected an id of lower-case letters"),
    ],
)
def test_malformed_rule_is_refused_by_name(tmp_path, mutate, words):
    with pytest.raises(RuleError, match=None) as info:
        load_templates(rules=_pack_with(tmp_path, mutate))
    assert words in str(info.value)


@pytest.mark.parametrize(
    "seats, words",
    [
        ("(hr_seats - 0.25).ceiling", "attribute access ('.ceiling') is not allowed; write ceil(x)"),
        ("hr_seats > 3", "this should give a number, but gives true or false"),
    ],
)
def test_seat_count_must_be_a_number_in_the_new_syntax(tmp_path, seats, words):
    path = _pack_with(tmp_path, lambda d: _rule(d, "hr-manager")["add"].__setitem__("seats", seats))
    with pytest.raises(RuleError, match="rule 'hr-manager', add.seats") as info:
        load_templates(rules=path)
    assert words in str(info.value)


def test_span_reason_is_checked_when_the_pack_loads(tmp_path):
    path = _pack_with(tmp_path, lambda d: d["span"].__setitem__("reason", "{managr} has {count} reports"))
    with pytest.raises(RuleError, match=r"span.reason: unknown name '\{managr\}' \(did you mean 'manager'\?\)"):
        load_templates(rules=path)


def test_more_seats_than_employees_is_refused_naming_the_rule(tmp_path):
    path = _pack_with(tmp_path, lambda d: _rule(d, "hr-manager")["add"].__setitem__("seats", "employees * 2"))
    t = load_templates(rules=path)
    with pytest.raises(RuleError) as info:
        plan(profile_from_dict({"employees": 500}, templates=t), templates=t)
    assert (
        str(info.value)
        == f"{path}: rule 'hr-manager', add.seats: 'employees * 2' gives 1,000 seats, more than the company's "
        "500 employees"
    )


def test_seats_above_the_declared_cap_are_refused(monkeypatch, tmp_path):
    from orgplan.core import limits

    folder = tmp_path / "templates"  # a folder of its own, so the templates are read afresh
    shutil.copytree(templates_dir(), folder)
    declared = limits.all_limits()
    assert declared["rules.seats_per_rule"].value == 100_000
    monkeypatch.setattr(
        limits,
        "all_limits",
        lambda: {**declared, "rules.seats_per_rule": limits.Limit("rules.seats_per_rule", 3, "test")},
    )
    t = load_templates(folder)
    with pytest.raises(
        RuleError,
        match=(
            r"rule 'recruiters', add.seats: 'floor\(specialist_work_talent_acquisition \+ 1 - seat_fill\)' "
            r"gives \d+ seats, more than the limit of 3 seats from one rule"
        ),
    ):
        plan(profile_from_dict({"employees": 2000}, templates=t), templates=t)


def test_rule_that_fails_when_evaluated_names_the_rule(tmp_path):
    path = _pack_with(tmp_path, lambda d: _rule(d, "hr-manager")["add"].__setitem__("seats", "hr_seats / 0"))
    t = load_templates(rules=path)
    with pytest.raises(RuleError, match="rule 'hr-manager', add.seats"):
        plan(profile_from_dict({"employees": 500}, templates=t), templates=t)


def test_fractional_seat_count_is_refused(tmp_path):
    path = _pack_with(tmp_path, lambda d: _rule(d, "hr-manager")["add"].__setitem__("seats", "hr_seats / 7"))
    t = load_templates(rules=path)
    with pytest.raises(RuleError, match="whole number"):
        plan(profile_from_dict({"employees": 500}, templates=t), templates=t)


def test_a_custom_pack_changes_the_plan(tmp_path):
    def early_director(d):
        _rule(d, "hr-director")["when"] = "hr_demand >= 3"

    t = load_templates(rules=_pack_with(tmp_path, early_director))
    p = plan(profile_from_dict({"employees": 400}, templates=t), templates=t)
    assert any(s.role == "hr_director" for s in p.hr_seats)


def test_custom_pack_example_that_does_not_hold_is_reported(tmp_path):
    path = _pack_with(tmp_path, lambda d: _rule(d, "chro")["examples"].__setitem__("fires", [{"employees": 50}]))
    failures = check_rule_examples(rules=path)
    assert failures == ["rule 'chro': should fire for {'employees': 50}, but it did not fire"]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d, level: d["span"]["scope_levels"]["levels"][0].__setitem__("level", level),
        lambda d, level: d["span"]["distinct_titles"].__setitem__("from_level", level),
    ],
)
def test_span_levels_stop_at_the_top_of_the_catalogs_ladder(tmp_path, templates, mutate):
    top = templates.catalog.top_level
    (tmp_path / "at").mkdir(), (tmp_path / "above").mkdir()
    load_templates(rules=_pack_with(tmp_path / "at", lambda d: mutate(d, top)))
    with pytest.raises(RuleError, match=f"expected a whole number from 1 to {top}, got {top + 1}"):
        load_templates(rules=_pack_with(tmp_path / "above", lambda d: mutate(d, top + 1)))
