"""The documentation: generated pages match the data they come from, links lead somewhere, the README stays short."""

from __future__ import annotations

import importlib.util
import re

import pytest

from .conftest import ROOT


def generator():
    spec = importlib.util.spec_from_file_location("generate_docs", ROOT / "docs" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", ["profile.md", "limits.md", "rules.md", "figures.md", "commands.md"])
def test_each_generated_page_is_what_the_data_gives_today(page):
    docs = generator()
    written = (ROOT / "docs" / page).read_text(encoding="utf-8")
    assert written == docs.PAGES[page](), f"docs/{page} is out of date: run python3 docs/generate.py"


def test_a_page_whose_data_changed_is_reported_out_of_date(tmp_path, monkeypatch):
    docs = generator()
    monkeypatch.setattr(docs, "DOCS", tmp_path)
    assert docs.out_of_date() == list(docs.PAGES)
    assert docs.main([]) == 0 and docs.out_of_date() == []
    (tmp_path / "rules.md").write_text("# an old copy\n", encoding="utf-8")
    assert docs.out_of_date() == ["rules.md"] and docs.main(["--check"]) == 1


def test_every_rule_profile_key_limit_and_command_has_its_place_in_the_docs():
    import yaml

    from orgplan.cli import cli
    from orgplan.core.limits import all_limits

    rules = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in yaml.safe_load((ROOT / "templates" / "rules.yaml").read_text(encoding="utf-8"))["rules"]:
        assert f"### `{rule['id']}`" in rules
    profile = (ROOT / "docs" / "profile.md").read_text(encoding="utf-8")
    for key in yaml.safe_load((ROOT / "templates" / "profile.yaml").read_text(encoding="utf-8"))["fields"]:
        assert f"| `{key}` |" in profile
    limits = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    for name, item in all_limits().items():
        assert f"| `{name}` | {item.shown} |" in limits
    commands = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"## `orgplan {name}`" in commands


def test_the_readme_is_short_and_every_link_in_the_docs_leads_to_a_file():
    readme = ROOT / "README.md"
    assert readme.stat().st_size <= 12_000
    for page in [readme, *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), f"{page.name} links to {target}, which is not there"
