"""The orgplan command: every command works, is documented, and fails cleanly on bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from orgplan.cli import cli
from orgplan.knowledge.templates import templates_dir

from .conftest import EXAMPLES, write


@pytest.fixture
def run():
    def _run(*args):
        return CliRunner().invoke(cli, list(args))

    return _run


def test_plan_without_profile_plans_the_bundled_company(run):
    result = run("plan")
    assert result.exit_code == 0, result.output
    assert "HR organisation for Northwind Logistics (850 employees)" in result.output
    assert "HR staff per 100 employees" in result.output


def test_plan_json_prints_only_json(run):
    result = run("plan", str(EXAMPLES[0]), "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["summary"]["hr_headcount"] >= 1


def test_plan_out_writes_plan_json(run, tmp_path):
    result = run("plan", str(EXAMPLES[0]), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "plan.json").read_text())
    assert data["positions"]


def test_validate_prints_defaults(run, tmp_path):
    path = write(tmp_path / "p.yaml", "employees: 300\n")
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert (
        "max_span: 8" in result.output
        and "hr_reports_to: CEO" in result.output
        and "annual_hires: 60.0" in result.output
    )


def test_explain_lists_every_rule(run, templates, tmp_path):
    path = write(tmp_path / "p.yaml", "employees: 300\n")
    result = run("explain", str(path))
    assert result.exit_code == 0
    for rule in templates.rules.rules:
        assert f"] {rule.id} (" in result.output
    assert "[FIRED] hr-manager" in result.output and "[quiet] chro" in result.output


def test_rules_lists_and_checks_the_pack(run):
    result = run("rules")
    assert result.exit_code == 0 and "rule examples hold" in result.output


@pytest.mark.parametrize(
    "text, message",
    [
        ("employees: -4\n", "employees: expected a whole number from 1 to 5,000,000, got -4"),
        ("employees: [1\n", "YAML syntax error"),
        ("employees: 40\nfunctions: [payrol]\n", "unknown function 'payrol' (did you mean 'payroll'?)"),
        ("employees: 40\nheadcount: 9\n", "unknown key 'headcount'"),
    ],
)
def test_bad_profile_gives_one_line_exit_2_and_no_output(run, tmp_path, text, message):
    path = write(tmp_path / "bad.yaml", text)
    out = tmp_path / "out"
    result = run("plan", str(path), "--out", str(out))
    assert result.exit_code == 2
    assert message in result.output and str(path) in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_broken_rule_pack_exit_2(run, tmp_path):
    pack = yaml.safe_load((templates_dir() / "rules.yaml").read_text())
    pack["rules"] = [
        {
            "id": "x",
            "description": "d",
            "stage": "lead",
            "when": "employees >",
            "add": {"role": "hr_manager", "seats": 1},
            "reason": "r",
            "source": "s",
        }
    ]
    rules = write(tmp_path / "rules.yaml", yaml.safe_dump(pack))
    result = run("plan", "--rules", str(rules))
    assert result.exit_code == 2 and "rule 'x', when: syntax error" in result.output


def test_missing_profile_file(run, tmp_path):
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "file not found" in result.output


def test_every_command_has_help_text(run):
    for name, command in cli.commands.items():
        assert command.help and len(command.help) > 20, name
        assert run(name, "--help").exit_code == 0


HEAVY = (
    "matplotlib",
    "pandas",
    "openpyxl",
    "networkx",
    "yaml",
    "starlette",
    "uvicorn",
    "jinja2",
    "multipart",
    "python_multipart",
    "docx",
    "xlsxwriter",
)


def test_help_does_not_load_heavy_libraries():
    code = f"import sys; from orgplan.cli import cli; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "command, loaded",
    [
        ("plan", ["yaml"]),  # the graph is built only when asked for; text output draws nothing
        ("validate", ["yaml"]),
    ],
)
def test_text_commands_pay_only_for_what_they_use(command, loaded):
    code = (
        "import sys; from orgplan.cli import cli\n"
        f"try: cli([{command!r}, {str(EXAMPLES[0])!r}], standalone_mode=False)\n"
        "except SystemExit: pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stderr
    assert err.strip() == str(loaded)


def test_console_script_exits_2_without_traceback(tmp_path, templates):
    path = write(tmp_path / "bad.yaml", "employees: lots\n")
    proc = subprocess.run([sys.executable, "-m", "orgplan", "plan", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    most = templates.profile_fields["employees"]["max"]  # profile.yaml's
    assert proc.stderr.strip() == f"Error: {path}: employees: expected a whole number from 1 to {most:,}, got 'lots'"


def test_help_lists_every_command_with_its_whole_summary(run):
    result = run("--help")
    assert result.exit_code == 0
    listed = " ".join(result.output.split("Commands:")[1].split())
    assert "..." not in listed
    for name, command in cli.commands.items():
        summary = " ".join(command.help.split("\n\n")[0].split())
        assert f"{name} {summary}" in listed, name


TWIN_NAMES = {"import": "read_team"}  # a command whose library function has another name


def test_every_command_and_option_is_documented_and_has_a_library_twin():
    import inspect

    import click

    import orgplan

    for name, command in cli.commands.items():
        assert command.help and len(command.help) > 20, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help and len(param.help) > 10, f"orgplan {name} {param.opts[-1]} has no help text"
            else:  # an argument is told in the command's own help
                assert param.human_readable_name in command.help, f"orgplan {name}: {param.human_readable_name}"
        twin = TWIN_NAMES.get(name, name)
        assert twin in orgplan.__all__, f"orgplan {name} has no library function orgplan.{twin}"
        function = getattr(orgplan, twin)
        if function.__module__ == "orgplan.api":  # the twins made for the commands take every option by name
            accepted = inspect.signature(function).parameters
            missing = [p.name for p in command.params if p.name not in accepted]
            assert not missing, f"orgplan.{twin} lacks the options of orgplan {name}: {missing}"
    assert cli.params and all(p.help for p in cli.params if isinstance(p, click.Option))  # --version, --help


def test_the_library_twin_returns_what_the_command_writes(run, tmp_path):
    import orgplan

    result = run("export", str(EXAMPLES[0]), "-o", str(tmp_path / "cli.xlsx"), "--no-chart")
    assert result.exit_code == 0, result.output
    written = orgplan.export(EXAMPLES[0], tmp_path / "lib.xlsx", no_chart=True)
    assert written == tmp_path / "lib.xlsx" and written.is_file()
    checked = orgplan.rules()
    assert checked.failures == () and f"all {checked.examples} rule examples hold" in run("rules").output
    assert orgplan.validate(EXAMPLES[0], rules=None).company in run("validate", str(EXAMPLES[0])).output
