"""Packs that extend: a rule pack, catalog.yaml or benchmarks.yaml holds only what it changes."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from orgplan import RuleError, TemplateError, load_profile, plan, profile_from_dict
from orgplan.cli import cli
from orgplan.knowledge.templates import load_templates, templates_dir
from orgplan.planning.explanation import check_rule_examples

from .conftest import ROOT, write

PACK = ROOT / "examples" / "custom-rules.yaml"
KEYSTONE = ROOT / "examples" / "keystone-manufacturing.yaml"


def _seats(result, role):
    return sum(1 for s in result.hr_seats if s.role == role)


def test_the_example_pack_is_short_and_changes_the_recruiter_seat(templates):
    lines = [line for line in PACK.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert len(lines) <= 12  # not a copy of the bundled pack
    custom = load_templates(rules=PACK)
    ids = [r.id for r in custom.rules.rules]
    bundled = [r.id for r in templates.rules.rules]
    assert ids == [i for i in bundled if i != "immigration-specialists"]  # recruiters replaced in its place
    assert custom.rules.rules[0].description == "A recruiter as soon as hiring fills half a seat."
    assert check_rule_examples(templates=custom) == []
    before = plan(load_profile(KEYSTONE, templates=templates), templates=templates)
    after = plan(load_profile(KEYSTONE, templates=custom), templates=custom)
    assert (_seats(before, "recruiter"), _seats(after, "recruiter")) == (1, 2)
    assert len(after.hr_seats) == len(before.hr_seats)  # the second recruiter takes work off the generalists


def test_the_example_pack_works_from_the_command_line():
    result = CliRunner().invoke(cli, ["rules", "--rules", str(PACK)])
    assert result.exit_code == 0, result.output
    assert f"{PACK}: {len(load_templates().rules.rules) - 1} rules" in result.output
    assert "immigration-specialists" not in result.output


def _pack(tmp_path, text):
    return write(tmp_path / "pack.yaml", "extends: bundled\n" + text)


NEW_RULE = """
rules:
  - id: people-analytics
    description: A people analyst from 300 employees.
    stage: specialist
    when: "employees >= 300"
    add: {role: hr_analyst, seats: 1, covers: workforce_planning}
    reason: "At {employees:,} employees the company tracks its people data."
    source: "Company policy."
"""


def test_a_new_rule_is_added_after_the_bundled_rules_of_its_stage(tmp_path):
    t = load_templates(rules=_pack(tmp_path, NEW_RULE))
    specialists = [r.id for r in t.rules.stage("specialist")]
    assert specialists[-1] == "people-analytics"
    assert len(t.rules.rules) == len(load_templates().rules.rules) + 1
    assert _seats(plan(profile_from_dict({"employees": 300}, templates=t), templates=t), "hr_analyst") == 1


def test_other_sections_merge_into_the_bundled_ones(tmp_path):
    t = load_templates(rules=_pack(tmp_path, "span: {min_team: 4}\n"))
    bundled = load_templates().rules
    assert t.rules.span.min_team == 4
    assert t.rules.span.team_leads == bundled.span.team_leads  # the rest of the section is the bundled one
    assert [r.id for r in t.rules.rules] == [r.id for r in bundled.rules]


@pytest.mark.parametrize(
    "text, where, words",
    [
        ("remove: [dei-specialist]\n", "remove[1]", "unknown rule 'dei-specialist' (did you mean 'dei-specialists'?)"),
        ("remove: [recruiters]\n" + NEW_RULE.replace("people-analytics", "recruiters"), "rule 'recruiters'", "both"),
        (NEW_RULE.replace("employees >= 300", "employes >= 300"), "rule 'people-analytics', when", "'employes'"),
        (NEW_RULE + NEW_RULE.split("rules:\n")[1], "rule 'people-analytics'", "the id is used twice"),
        ("rulez: []\n", "rulez", "unknown key 'rulez' (did you mean 'rules'?)"),
        ("remove: chro\n", "remove", "expected a list"),
    ],
)
def test_a_broken_extending_pack_is_refused_in_one_line_naming_file_rule_and_field(tmp_path, text, where, words):
    path = _pack(tmp_path, text)
    with pytest.raises(RuleError) as info:
        load_templates(rules=path)
    message = str(info.value)
    assert message.startswith(f"{path}: {where}"), message
    assert words in message.splitlines()[0]  # a caret under an expression may follow


def test_extends_names_only_the_bundled_files(tmp_path):
    path = write(tmp_path / "pack.yaml", "extends: ../other.yaml\n")
    with pytest.raises(RuleError, match=r"pack.yaml: extends: expected 'bundled'"):
        load_templates(rules=path)


def _folder(tmp_path, name, text):
    """A templates folder like the bundled one, whose ``name`` holds only ``text`` after extends: bundled."""
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    write(folder / name, "extends: bundled\n" + text)
    return folder


def test_a_catalog_that_extends_changes_only_the_fields_it_names(tmp_path):
    folder = _folder(
        tmp_path,
        "catalog.yaml",
        "roles:\n  recruiter:\n    title: Talent Partner\n"
        "    salary: {base: 95000, source: Company pay survey, year: 2025}\n",
    )
    t, bundled = load_templates(folder), load_templates()
    recruiter, before = t.roles["recruiter"], bundled.roles["recruiter"]
    assert (recruiter.title, recruiter.salary.base) == ("Talent Partner", 95000)
    assert (recruiter.level, recruiter.functions, recruiter.summary) == (before.level, before.functions, before.summary)
    assert list(t.roles) == list(bundled.roles)
    p = plan(load_profile(KEYSTONE, templates=t), templates=t)
    assert {s.title for s in p.hr_seats if s.role == "recruiter"} == {"Talent Partner"}


def test_benchmarks_that_extend_change_only_the_figures_they_name(tmp_path):
    folder = _folder(tmp_path, "benchmarks.yaml", "constants:\n  seat_fill: {value: 0.5}\n")
    t, bundled = load_templates(folder), load_templates()
    assert t.constants["seat_fill"].value == 0.5
    assert t.constants["seat_fill"].source == bundled.constants["seat_fill"].source
    assert t.constants.keys() == bundled.constants.keys() and t.bands == bundled.bands


def test_a_bad_override_names_the_file_that_extends(tmp_path):
    folder = _folder(tmp_path, "catalog.yaml", "roles:\n  recruiter: {family: specialists}\n")
    with pytest.raises(TemplateError) as info:
        load_templates(folder)
    assert str(info.value).startswith(f"{folder / 'catalog.yaml'}: roles.recruiter")
    assert "did you mean 'specialist'" in str(info.value)


def test_a_rule_that_fails_when_planned_names_the_file_it_comes_from(tmp_path):
    path = _pack(tmp_path, NEW_RULE.replace("seats: 1,", 'seats: "employees / 700",'))
    t = load_templates(rules=path)
    with pytest.raises(RuleError) as info:
        plan(profile_from_dict({"employees": 300}, templates=t), templates=t)
    assert str(info.value).startswith(f"{path}: rule 'people-analytics', add.seats: seats should be a whole number")
