"""The role catalog: every HR role can be written up as a job description, or the templates
refuse to load, naming the role."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from orgplan.cli import cli
from orgplan.errors import TemplateError
from orgplan.knowledge.catalog import OUTSIDE_HR
from orgplan.knowledge.templates import load_templates, templates_dir

from .conftest import bundled_yaml, write, yaml_text


def test_every_hr_role_has_the_texts_of_a_job_description_and_qualifications_for_its_levels(templates):
    for key, role in templates.roles.items():
        if role.family in OUTSIDE_HR:
            continue
        assert role.summary and role.responsibilities and role.skills and role.next_steps, key
        assert all(step in templates.roles for step in role.next_steps), key
        for level in (role.level, *(g.level for g in role.grows if g.level)):
            q = templates.catalog.qualifications(key, level)
            assert q.education and q.experience and q.certifications and q.stage, (key, level)
            assert "orgplan estimate" in q.source or q.source.startswith("Source articles"), (key, level)


def test_a_roles_own_qualifications_replace_only_what_they_name(templates):
    catalog = templates.catalog
    level = catalog.qualifications("recruiter")
    payroll = catalog.qualifications("payroll_specialist")
    assert payroll.experience == level.experience and payroll.certifications != level.certifications
    assert (
        payroll.source.startswith("Education and certifications for this role: orgplan estimate.")
        and level.source in payroll.source
    )
    assert (
        catalog.qualifications("hr_manager", 7).stage == "director"
        and catalog.qualifications("hr_manager").stage == "manager"
    )


def broken(tmp_path, change):
    """A copy of the bundled templates with ``change(catalog)`` applied to catalog.yaml."""
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    data = bundled_yaml("catalog.yaml")
    change(data)
    write(folder / "catalog.yaml", yaml_text(data, allow_unicode=True))
    return folder


@pytest.mark.parametrize(
    "change, where, message",
    [
        (
            lambda d: d["roles"]["recruiter"].pop("summary"),
            "roles.recruiter.summary",
            "a job description needs a summary of the role",
        ),
        (
            lambda d: d["roles"]["payroll_specialist"].__setitem__("skills", []),
            "roles.payroll_specialist.skills",
            "a job description needs at least one skill",
        ),
        (
            lambda d: d["roles"]["hr_manager"].pop("responsibilities"),
            "roles.hr_manager.responsibilities",
            "a job description needs at least one responsibility",
        ),
        (
            lambda d: d["roles"]["chro"].__setitem__("next_steps", []),
            "roles.chro.next_steps",
            "a job description needs at least one career next step",
        ),
        (
            lambda d: d["roles"]["recruiter"].__setitem__("next_steps", ["talent_acquisition_manger"]),
            "roles.recruiter.next_steps",
            "unknown role 'talent_acquisition_manger' (did you mean 'talent_acquisition_manager'?)",
        ),
        (lambda d: d["qualifications"].pop(9), "roles.chro", "no qualifications for level 9, which this role uses"),
        (
            lambda d: d["roles"]["recruiter"].__setitem__("family", ["specialist"]),
            "roles.recruiter.family",
            "unknown family \"['specialist']\" (did you mean 'specialist'?)",
        ),
        (
            lambda d: d["roles"]["hr_manager"]["responsibilities"][0].__setitem__("functions", ["payrol"]),
            "roles.hr_manager.responsibilities[1].functions",
            "unknown function 'payrol' (did you mean 'payroll'?)",
        ),
        (
            lambda d: d["roles"]["hr_manager"]["responsibilities"][0].pop("text"),
            "roles.hr_manager.responsibilities[1].text",
            "is required but missing",
        ),
        (
            lambda d: d["roles"]["benefits_specialist"]["qualifications"].__setitem__("licence", "x"),
            "roles.benefits_specialist.qualifications.licence",
            "unknown key 'licence'",
        ),
    ],
)
def test_a_catalog_missing_a_job_description_text_is_refused_naming_the_role(tmp_path, change, where, message):
    folder = broken(tmp_path, change)
    with pytest.raises(TemplateError) as info:
        load_templates(folder)
    assert str(info.value).startswith(f"{folder / 'catalog.yaml'}: {where}: ") and message in str(info.value)


def test_the_cli_refuses_a_broken_catalog_in_one_line_with_exit_2(tmp_path, monkeypatch):
    folder = broken(tmp_path, lambda d: d["roles"]["recruiter"].__setitem__("next_steps", ["hr_directr"]))
    monkeypatch.setattr("orgplan.knowledge.templates.templates_dir", lambda: folder)
    result = CliRunner().invoke(cli, ["jobs", "examples/keystone-manufacturing.yaml", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (
        result.output.strip()
        == f"Error: {folder / 'catalog.yaml'}: roles.recruiter.next_steps: unknown role 'hr_directr' (did you "
        "mean 'hr_director'?)"
    )
    assert not (tmp_path / "out").exists()


def test_a_leaders_growth_stops_at_the_top_of_the_catalogs_ladder(tmp_path, templates):
    top = templates.catalog.top_level
    assert top == max(r.level for r in templates.roles.values() if r.is_hr)  # the ladder's top is the catalog's

    def at(level):
        return lambda d: d["roles"]["hr_team_lead"]["grows"].append({"level": level, "title": "HR Team Head"})

    def higher(d):  # a ladder one level taller: its chief HR officer a level up
        at(top + 1)(d)
        d["roles"]["chro"]["level"] = top + 1
        d["qualifications"][top + 1] = d["qualifications"][top]

    assert load_templates(broken(tmp_path / "at", at(top))).roles["hr_team_lead"].grows[-1].level == top
    assert load_templates(broken(tmp_path / "taller", higher)).roles["hr_team_lead"].grows[-1].level == top + 1
    with pytest.raises(TemplateError) as info:
        load_templates(broken(tmp_path / "above", at(top + 1)))
    assert "roles.hr_team_lead.grows[2].level: " in str(info.value) and f"at most {top} " in str(info.value)


def test_a_function_no_seat_of_the_ladder_could_own_is_refused(tmp_path, templates):
    top = templates.catalog.top_level
    folder = broken(tmp_path, lambda d: None)
    functions = bundled_yaml("functions.yaml")
    functions["functions"]["payroll"]["owner_min_level"] = top + 1
    write(folder / "functions.yaml", yaml_text(functions, allow_unicode=True))
    with pytest.raises(TemplateError, match=rf"functions.payroll.owner_min_level: expected a level from 1 to {top} "):
        load_templates(folder)


def test_a_taller_ladder_lets_the_plan_grow_to_its_top(tmp_path, templates):
    """With the chief HR officer a level higher, the head of a large company sits at the new
    top, and the leaders under it may take the level the old top was."""
    from orgplan import plan, profile_from_dict

    top = templates.catalog.top_level

    def taller(d):
        d["roles"]["chro"]["level"] = top + 1
        d["qualifications"][top + 1] = d["qualifications"][top]
        d["roles"]["vp_hr"]["grows"] = [{"role": "chro"}]

    tall = load_templates(broken(tmp_path, taller))
    big = plan(profile_from_dict({"employees": 60000}), templates=tall)
    by_id = {s.id: s for s in big.seats}
    head = next(s for s in big.hr_seats if by_id[s.reports_to].family == "executive")
    assert head.level == top + 1
    assert all(by_id[s.reports_to].level > s.level for s in big.hr_seats if s is not head)
