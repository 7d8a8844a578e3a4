"""Company profiles: defaults, normalisation and clear errors for bad input."""

from __future__ import annotations

import pytest

from orgplan import ProfileError, load_profile, profile_from_dict

from .conftest import write


def test_only_employees_is_required_and_defaults_are_filled_in(templates):
    p = profile_from_dict({"employees": 120})
    default = {k: spec.get("default") for k, spec in templates.profile_fields.items()}  # profile.yaml's
    assert len(p.countries) == 1 and p.sites == 1 and len(p.business_units) == 1
    assert p.to_dict()["countries"] == 1 and p.to_dict()["business_units"] == 1
    for key in ("hr_reports_to", "max_span", "salary_multiplier"):
        assert getattr(p, key) == default[key] is not None, key
    assert p.annual_hires > 0
    assert p.annual_hires == pytest.approx(120 * (default["growth_rate"] + default["turnover_rate"]))
    assert set(p.functions) >= {"talent_acquisition", "payroll", "employee_relations"}


def test_default_functions_grow_with_size():
    small = profile_from_dict({"employees": 50}).functions
    large = profile_from_dict({"employees": 5000}).functions
    assert "compensation" not in small and "hris" not in small
    assert {"compensation", "hris", "workforce_planning", "dei"} <= set(large)


def test_annual_hires_given_wins_over_rates():
    assert profile_from_dict({"employees": 100, "annual_hires": 7}).annual_hires == 7


def test_unionised_workforce_implies_labour_relations():
    p = profile_from_dict({"employees": 300, "unionized_share": 0.2, "functions": ["payroll"]})
    assert p.functions == ("payroll", "labor_relations")
    assert any("labor_relations" in n for n in p.notes)


def test_hr_reports_to_accepts_any_case():
    assert profile_from_dict({"employees": 10, "hr_reports_to": "coo"}).hr_reports_to == "COO"


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({}, "employees", "is required"),
        ({"employees": -5}, "employees", "whole number from 1 to 5,000,000"),
        ({"employees": 0}, "employees", "from 1 to"),
        ({"employees": 10_000_000}, "employees", "from 1 to"),
        ({"employees": 12.5}, "employees", "whole number"),
        ({"employees": "lots"}, "employees", "whole number"),
        ({"employees": True}, "employees", "whole number"),
        ({"employees": 10, "unionized_share": 1.5}, "unionized_share", "from 0 to 1"),
        ({"employees": 10, "max_span": 1}, "max_span", "from 4 to 30"),
        ({"employees": 10, "hr_reports_to": "CTO"}, "hr_reports_to", "CEO, COO, CFO"),
        ({"employees": 10, "functions": "payroll, benefit"}, "functions", "did you mean 'benefits'"),
        ({"employees": 10, "functions": []}, "functions", "at least one"),
        ({"employees": 10, "headcont": 5}, "headcont", "unknown key"),
        ({"employee": 10}, "employee", "did you mean 'employees'"),
    ],
)
def test_bad_values_are_refused_by_field(data, field, words):
    with pytest.raises(ProfileError) as info:
        profile_from_dict(data, source="acme.yaml")
    message = str(info.value)
    assert message.startswith(f"acme.yaml: {field}: ")
    assert words in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path / "bad.yaml", "company: Acme\nemployees: [1, 2\n")
    with pytest.raises(ProfileError, match=r"bad.yaml: line \d+, column \d+: YAML syntax error"):
        load_profile(path)


def test_json_profiles_are_read(tmp_path):
    path = write(tmp_path / "p.json", '{"company": "Acme", "employees": 75}')
    assert load_profile(path).company == "Acme"


def test_json_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path / "p.json", '{"employees": 75,,}')
    with pytest.raises(ProfileError, match=r"p.json: line 1, column \d+: JSON syntax error"):
        load_profile(path)


@pytest.mark.parametrize(
    "text, words", [("", "is empty"), ("- 1\n- 2\n", "expected a mapping"), ("just text", "expected a mapping")]
)
def test_profile_that_is_not_a_mapping(tmp_path, text, words):
    with pytest.raises(ProfileError, match=words):
        load_profile(write(tmp_path / "p.yaml", text))


def test_missing_file(tmp_path):
    with pytest.raises(ProfileError, match="file not found"):
        load_profile(tmp_path / "nope.yaml")


def test_with_values_recomputes_derived_defaults():
    p = profile_from_dict({"employees": 100})
    bigger = p.with_values(employees=1000)
    assert bigger.annual_hires == pytest.approx(10 * p.annual_hires)
    assert "compensation" in bigger.functions


@pytest.mark.parametrize("field", ["growth_rate", "turnover_rate", "unionized_share"])
def test_a_rate_above_one_must_be_written_with_a_percent_sign(field, templates):
    assert templates.profile_fields[field]["format"] == "percent"
    with pytest.raises(ProfileError) as info:
        profile_from_dict({"employees": 100, field: 5}, source="acme.yaml")
    assert str(info.value).startswith(f"acme.yaml: {field}: expected a fraction from ")
    assert "got 5 (write 5% for 5 percent)" in str(info.value)
    assert getattr(profile_from_dict({"employees": 100, field: "5%"}), field) == pytest.approx(0.05)
    assert getattr(profile_from_dict({"employees": 100, field: 1}), field) == 1.0


def test_growth_beyond_one_hundred_percent_is_accepted_as_a_percentage():
    assert profile_from_dict({"employees": 100, "growth_rate": "250%"}).growth_rate == pytest.approx(2.5)
    with pytest.raises(ProfileError, match=r"got '600%'"):
        profile_from_dict({"employees": 100, "growth_rate": "600%"})


@pytest.mark.parametrize(
    "text, words",
    [
        ("employees: 1:30\n", "line 1, column 12: '1:30' is a base-60 number in YAML 1.1 (90)"),
        ("employees: 40\nemployees: 50\n", "line 2, column 1: duplicate key 'employees' (first on line 1)"),
        ("employees: 40\ncompany: yes\n", "line 2, column 10: 'yes' means true in YAML 1.1"),
        ("employees: 0700\n", "'0700' starts with 0, which YAML 1.1 reads as an octal number (448)"),
        ("employees:\n", "employees: is empty, but is required"),
    ],
)
def test_yaml_surprises_are_refused_with_the_line(tmp_path, text, words):
    path = write(tmp_path / "p.yaml", text)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(info.value).startswith(f"{path}: ") and words in str(info.value)


def test_company_names_must_be_one_line_of_valid_unicode():
    with pytest.raises(
        ProfileError, match=r"company: expected text, got a character that is not valid Unicode \(U\+D800"
    ):
        profile_from_dict({"employees": 10, "company": "Acme \ud800"})
    with pytest.raises(ProfileError, match=r"company: expected text on one line, got a control character \(U\+000A\)"):
        profile_from_dict({"employees": 10, "company": "Acme\nHoldings"})


def test_hires_a_year_stay_within_what_any_company_hires(templates):
    most = templates.profile_fields["annual_hires"]["max"]
    p = profile_from_dict({"employees": 5_000_000, "growth_rate": "500%", "turnover_rate": "300%"}, templates=templates)
    assert p.annual_hires == most and f"at most {most:,}" in " ".join(p.notes)
    with pytest.raises(ProfileError, match=f"annual_hires: expected a number from 0 to {most:,}"):
        profile_from_dict({"employees": 100, "annual_hires": most + 1}, templates=templates)


def test_a_rate_with_a_fraction_above_one_reads_as_that_many_times_a_hundred_percent():
    """1.2 is 120% growth, as profiles have always said it; a whole 2 is refused as ambiguous (2% or 200%)."""
    assert profile_from_dict({"employees": 100, "growth_rate": 1.2}).growth_rate == 1.2
    with pytest.raises(ProfileError, match="write 2% or 200%"):
        profile_from_dict({"employees": 100, "growth_rate": 2})
