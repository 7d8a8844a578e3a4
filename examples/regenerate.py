"""Regenerate the outputs of every example into examples/output/<name>/.

Each profile gets plan.json, its org chart and staffing-plan.xlsx; the growing startup
also gets its roadmap, current-team.xlsx is compared with the Keystone plan, and Keystone's
roles get their job descriptions (Markdown) in keystone-manufacturing/jobs/.

Run: python3 examples/regenerate.py

Workbooks are stamped with a fixed creation date (SOURCE_DATE_EPOCH), so regenerating
unchanged examples changes no file.
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from orgplan import load_profile, plan
from orgplan.cli import cli
from orgplan.outputs.folder import write_outputs

HERE = Path(__file__).resolve().parent
OUT = HERE / "output"
PACKS = ("custom-rules.yaml",)  # a rule pack, not a profile: it has no outputs of its own


def main() -> None:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    for path in sorted(p for p in HERE.glob("*.yaml") if p.name not in PACKS):
        result = plan(load_profile(path))
        for written in write_outputs(result, OUT / path.stem):
            print(written.relative_to(HERE))
    runner = CliRunner()
    for args in (
        ["roadmap", str(HERE / "brightpath-startup.yaml"), "--to", "5000", "--out", str(OUT / "brightpath-roadmap")],
        [
            "compare",
            str(HERE / "current-team.xlsx"),
            str(HERE / "keystone-manufacturing.yaml"),
            "--out",
            str(OUT / "keystone-gap"),
        ],
        [
            "jobs",
            str(HERE / "keystone-manufacturing.yaml"),
            "--out",
            str(OUT / "keystone-manufacturing"),
            "--format",
            "md",
        ],
    ):
        result = runner.invoke(cli, args)
        if result.exit_code != 0:
            raise SystemExit(result.output)
        print("\n".join(line for line in result.output.splitlines() if line.startswith("wrote ")))


if __name__ == "__main__":
    main()
