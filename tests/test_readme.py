"""The README's Python example runs as written, from a copy of the repository's examples."""

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
