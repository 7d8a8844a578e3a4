"""Shared fixtures: the bundled templates and a quick way to plan a profile."""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

from orgplan import plan, profile_from_dict
from orgplan.knowledge.templates import load_templates, templates_dir

ROOT = Path(__file__).resolve().parent.parent
PACKS = ("custom-rules.yaml",)  # examples/ holds a rule pack too; every other YAML file there is a profile
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml") if p.name not in PACKS)

# Property tests draw their examples at random, a new set each run; a failure prints the
# example and a blob to replay it with @reproduce_failure. `ci` is the everyday budget;
# ORGPLAN_HYPOTHESIS=thorough draws ten times as many (before a release, or after changing
# the expression language or the readers of hostile input).
settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("thorough", settings.get_profile("ci"), max_examples=1000)
settings.load_profile(os.environ.get("ORGPLAN_HYPOTHESIS", "ci"))


def examples(share: float = 1.0) -> int:
    """How many examples a property test draws: ``share`` of the loaded profile's budget.

    A test whose examples are cheap takes a larger share, one that writes workbooks a smaller one.
    """
    return max(10, round(settings.default.max_examples * share))


@pytest.fixture(autouse=True)
def _as_a_new_run():
    """Each test starts as a run of its own: letters an earlier test's charts replaced (and the
    one warning the command line gives of them) do not carry over into its output."""
    yield
    text = sys.modules.get("orgplan.outputs.charts.text")
    if text is not None:
        with text._FONT_LOCK:
            text._REPLACED.clear()
    cli = sys.modules.get("orgplan.cli")
    if cli is not None:
        cli._said.clear()


def in_a_process_of_its_own(module: str, function: str) -> None:
    """Run ``module.function()`` in a new Python process: it runs no other thread, so it may fork
    (a test worker may hold threads other tests left, a Dask cluster's). Its failure fails the test."""
    code = f"from {module} import {function}; {function}()"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]


def forks_counted() -> list[Any]:
    """From now on in this process (one of its own, see above), each child forked is listed here."""
    from orgplan.core import forking

    children: list[Any] = []
    made = forking._Child
    forking._Child = lambda target: children.append(target) or made(target)  # type: ignore[misc]
    return children


@pytest.fixture(scope="session")
def templates():
    return load_templates()


@pytest.fixture(scope="session")
def make_plan(templates):
    """Plan a profile given as keyword arguments: make_plan(employees=500, countries=3)."""

    def _make(**values):
        return plan(profile_from_dict(values, templates=templates), templates=templates)

    return _make


@functools.cache
def _bundled(name: str) -> Any:
    return yaml.load(
        (templates_dir() / name).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def bundled_yaml(name: str) -> Any:
    """A fresh copy of the data of a bundled template file (``'rules.yaml'``), read once per test run."""
    return copy.deepcopy(_bundled(name))


def yaml_text(data: Any, **options: Any) -> str:
    """``data`` as YAML text in the file's own order, as ``yaml.safe_dump(sort_keys=False)`` writes it (but in C)."""
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False, **options)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@contextlib.contextmanager
def served(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``orgplan serve --port 0 ARGS`` and yield the URL it prints; stop it afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "orgplan", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"http://\S+", line)
        if not found:
            proc.kill()
            raise AssertionError(f"orgplan serve did not start: {line}{proc.stderr.read() if proc.stderr else ''}")
        yield found.group(0)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The URL of one ``orgplan serve`` shared by the tests that use a real server.

    Those tests carry ``xdist_group("server")``, so that run in parallel they share one test worker and this server.
    """
    with served() as url:
        yield url


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test (``item.report_call``), so a fixture can tell that its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def dask_executor():
    """An executor on a Dask cluster inside this process (one worker, one thread), closed after the module's tests."""
    import distributed  # in the test extra: the tests never skip it

    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=":0") as client:
        yield client.get_executor(pure=False)


@pytest.fixture(scope="session")
def office(tmp_path_factory):
    """A LibreOffice profile of its own that recalculates every formula when it opens a workbook."""
    profile = tmp_path_factory.mktemp("office")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" '
        'oor:op="fuse"><value>0</value></prop></item>'
        "</oor:items>\n"
    )
    return profile
