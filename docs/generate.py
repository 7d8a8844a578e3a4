"""Write the reference pages of docs/ from the knowledge they describe.

    python3 docs/generate.py          # rewrite the pages
    python3 docs/generate.py --check  # exit 1 and name the pages that are out of date

The profile reference comes from ``templates/profile.yaml``, the limits from ``limits.yaml``,
the rules from ``rules.yaml``, the figures from ``benchmarks.yaml`` (and the other data files
beside it), the commands from the CLI itself. ``tests/test_docs.py`` fails when a page differs
from what this script writes, so the pages never drift from the data.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

DOCS = Path(__file__).resolve().parent
TEMPLATES = DOCS.parent / "templates"
NOTICE = "<!-- Written by docs/generate.py from {source}; edit the source, then run the script. -->\n\n"


def load(name: str) -> Any:
    return yaml.safe_load((TEMPLATES / name).read_text(encoding="utf-8"))


def cell(value: Any) -> str:
    """A value as one Markdown table cell."""
    if isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
        text = f"{int(value):,}"
    elif isinstance(value, int) and abs(value) >= 10000:
        text = f"{value:,}"
    elif isinstance(value, (list, tuple)):
        text = ", ".join(cell(v) for v in value)
    elif isinstance(value, dict):
        text = "; ".join(f"{k}: {cell(v)}" for k, v in value.items())
    else:
        text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|")


def table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the profile


def profile_page() -> str:
    data = load("profile.yaml")
    out = [NOTICE.format(source="templates/profile.yaml"), "# The company profile\n\n"]
    out.append(
        "A profile describes the company in YAML or JSON. Only `employees` is required; "
        "`orgplan validate PROFILE` prints it with every default filled in, and "
        "`templates/starter-profile.yaml` lists every key. Unknown keys are refused by name with the "
        "closest valid one suggested. Rates (the keys shown as a percentage) are fractions or percentages: "
        "`growth_rate: 0.05` or `growth_rate: 5%`.\n\n"
    )
    rows = []
    for key, spec in data["fields"].items():
        allowed = spec.get("choices") or (
            f"{cell(spec['min'])} to {cell(spec['max'])}" if "min" in spec and "max" in spec else ""
        )
        default = "required" if spec.get("required") else spec.get("worked_out") or spec.get("default", "")
        rows.append((f"`{key}`", spec["label"], spec["type"], allowed, default, spec["description"]))
    out.append(table(("key", "label", "type", "allowed", "default", "meaning"), rows))
    for key, spec in data["fields"].items():
        if spec.get("items"):
            out.append(f"\n## Items of `{key}`\n\n")
            items = spec["items"]
            out.append(
                table(
                    ("key", "label", "type", "default", "meaning"),
                    (
                        (
                            f"`{k}`",
                            i["label"],
                            i["type"],
                            "required" if i.get("required") else i.get("default", ""),
                            i["description"],
                        )
                        for k, i in items.items()
                    ),
                )
            )
    out.append("\n## The functions a company gets by default\n\n")
    out.append(
        table(
            ("from employees", "adds"),
            ((band["min_employees"], band["add"]) for band in data["default_functions"]["bands"]),
        )
        if isinstance(data["default_functions"], dict) and "bands" in data["default_functions"]
        else "```yaml\n" + yaml.safe_dump(data["default_functions"], sort_keys=False, width=100) + "```\n"
    )
    functions = load("functions.yaml")["functions"]
    out.append("\n## HR functions\n\n")
    out.append(
        table(
            ("function", "name", "what it is"),
            ((f"`{k}`", f.get("label", k), f.get("description", "")) for k, f in functions.items()),
        )
    )
    return "".join(out)


# ---------------------------------------------------------------- limits


LIMITS_AFTER = """
Team workbooks are read with entities unresolved: a part declaring a DTD or XML entities
is refused, only worksheets are read (never chartsheets or links to other workbooks), and
numbers must be finite. A formula counts as the result the workbook stored with it (Excel,
LibreOffice and orgplan store one); a formula without a stored result, or a CSV cell
starting with `=`, is refused where orgplan needs a number (FTE, base salary, benefits
load, level), except in the annual cost, which orgplan works out again.
"""


def limits_page() -> str:
    out = [NOTICE.format(source="templates/limits.yaml"), "# Limits\n\n"]
    out.append(
        "orgplan reads only regular files (a named pipe, a device or a folder is refused before reading), "
        "and refuses input past these limits with one line naming the file, the place and the limit, "
        "within a second or two. Each limit is declared once, with its reason, in `templates/limits.yaml`.\n\n"
    )
    from orgplan.core.limits import all_limits

    rows = [(f"`{name}`", item.shown, item.why) for name, item in all_limits().items()]
    out.append(table(("limit", "value", "why"), rows))
    out.append(LIMITS_AFTER)
    return "".join(out)


# ---------------------------------------------------------------- rules


def rules_page() -> str:
    data = load("rules.yaml")
    out = [NOTICE.format(source="templates/rules.yaml"), "# The rules\n\n"]
    out.append(
        "Every rule of the bundled pack: what it decides, when it fires, what it adds and why. "
        "[How to write a rule](writing-rules.md) explains the fields and the expression language.\n\n"
    )
    out.append("## Operating models\n\n")
    models = data.get("operating_models", [])
    out.append(
        table(
            ("model", "when", "why"),
            ((f"{m['label']} (`{m['name']}`)", f"`{m['when']}`", f"{m['why']} Source: {m['source']}") for m in models),
        )
    )
    stages: dict[str, list[dict[str, Any]]] = {}
    for rule in data["rules"]:
        stages.setdefault(rule.get("stage", "specialist"), []).append(rule)
    for stage, rules in stages.items():
        out.append(f"\n## {stage.capitalize()} rules\n")
        for rule in rules:
            out.append(f"\n### `{rule['id']}`\n\n{rule['description']}\n\n")
            facts = [("scope", rule.get("scope", "company")), ("when", f"`{rule['when']}`")]
            for verb in ("add", "promote"):
                if verb in rule:
                    facts.append((verb, "; ".join(f"{k}: `{v}`" for k, v in rule[verb].items())))
            facts += [("reason", rule.get("reason", "")), ("source", rule.get("source", ""))]
            examples = rule.get("examples", {})
            for kind in ("fires", "quiet"):
                if examples.get(kind):
                    facts.append((f"{kind} for", "; ".join(f"`{cell(e)}`" for e in examples[kind])))
            out.append("".join(f"- **{name}**: {cell(value)}\n" for name, value in facts))
    return "".join(out)


# ---------------------------------------------------------------- figures


def figure_rows(data: Any, prefix: str = "") -> list[tuple[str, Any, str]]:
    """(name, value, source) for every figure under ``data``, nested names joined with dots."""
    rows: list[tuple[str, Any, str]] = []
    if isinstance(data, dict):
        if "source" in data and len(data) <= 6:
            value = {k: v for k, v in data.items() if k not in ("source", "why")}
            shown = next(iter(value.values())) if len(value) == 1 else value
            rows.append((prefix, shown, data.get("source") or data.get("why", "")))
            return rows
        for key, value in data.items():
            rows += figure_rows(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            rows += figure_rows(value, f"{prefix}[{i + 1}]")
    else:
        rows.append((prefix, data, ""))
    return rows


def figures_page() -> str:
    names = ["benchmarks.yaml"] + sorted(
        p.name
        for p in TEMPLATES.glob("*.yaml")
        if p.name
        not in (
            "benchmarks.yaml",
            "profile.yaml",
            "limits.yaml",
            "rules.yaml",
            "catalog.yaml",
            "functions.yaml",
            "starter-profile.yaml",
        )
    )
    out = [NOTICE.format(source=", ".join(f"templates/{n}" for n in names)), "# The figures orgplan plans with\n\n"]
    out.append(
        "Every number the rules and the planner use, with its source and year. A `--templates` folder "
        "overrides them. [How a plan is made](method.md) says where each one enters.\n"
    )
    for name in names:
        for section, body in load(name).items():
            out.append(f"\n## {section} (`templates/{name}`)\n\n")
            out.append(table(("figure", "value", "source"), figure_rows(body)))
    return "".join(out)


# ---------------------------------------------------------------- commands


def choices(param: Any) -> str:
    import click

    if isinstance(param.type, click.Choice):
        return " One of: " + ", ".join(f"`{c}`" for c in param.type.choices) + "."
    return ""


def commands_page() -> str:
    import click

    from orgplan.cli import cli

    out = [NOTICE.format(source="orgplan/cli.py"), "# Commands\n\n"]
    out.append("Every command of `orgplan`, with its options (`orgplan COMMAND --help` says the same).\n")
    # Only what orgplan declares (names, help), never click's own wording, which changes between releases.
    context = click.Context(cli, info_name="orgplan")
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert command is not None
        params = command.params
        arguments = " ".join(p.name.upper() for p in params if isinstance(p, click.Argument) and p.name)
        out.append(f"\n## `orgplan {name}`\n\n`orgplan {name} [OPTIONS] {arguments}`\n\n".replace(" `\n", "`\n"))
        out.append(" ".join((command.help or "").split("\b")[0].split()) + "\n\n")
        rows = [
            (", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts]), (p.help or "") + choices(p))
            for p in params
            if isinstance(p, click.Option) and not p.hidden
        ]
        if rows:
            out.append(table(("option", "meaning"), rows))
    return "".join(out)


PAGES: dict[str, Callable[[], str]] = {
    "profile.md": profile_page,
    "limits.md": limits_page,
    "rules.md": rules_page,
    "figures.md": figures_page,
    "commands.md": commands_page,
}


def out_of_date() -> list[str]:
    """The generated pages whose file differs from what the data gives today."""
    stale = []
    for name, page in PAGES.items():
        path = DOCS / name
        if not path.is_file() or path.read_text(encoding="utf-8") != page():
            stale.append(name)
    return stale


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = out_of_date()
        for name in stale:
            print(f"docs/{name} is out of date: run python3 docs/generate.py", file=sys.stderr)
        return 1 if stale else 0
    for name, page in PAGES.items():
        (DOCS / name).write_text(page(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
