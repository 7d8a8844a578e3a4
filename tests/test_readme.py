"""The README as written: its Python example runs, and its check and test commands are what CI runs."""

from __future__ import annotations

import re
import shutil

from .conftest import ROOT


def test_readme_python_example_runs(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has no Python example"
    shutil.copytree(ROOT / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("output"))
    monkeypatch.chdir(tmp_path)
    for code in blocks:
        namespace: dict[str, object] = {}
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the project's own README
    assert (tmp_path / "plan.xlsx").stat().st_size > 0 and (tmp_path / "chart.svg").stat().st_size > 0
    assert namespace["gap"].to_add and namespace["r"].milestones


def test_the_readme_check_and_test_commands_are_what_ci_runs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("this is exactly what CI runs", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    readme = [c.strip() for line in block.splitlines() for c in line.split("&&")]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("python3 -m ")]
    assert [c.replace(" -q", "") for c in ci] == readme
    assert readme[-4:] == [
        "python3 -m ruff check .",
        "python3 -m ruff format --check .",
        "python3 -m mypy",
        "python3 -m pytest",
    ]
