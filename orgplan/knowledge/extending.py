"""Knowledge files that extend the bundled ones: a company writes only what it changes.

A rule pack (``--rules FILE``), and the ``catalog.yaml`` or ``benchmarks.yaml`` of a
templates folder, may start with ``extends: bundled``. The file then holds only its
changes to the file of the same kind that comes with orgplan (``templates/`` in the
package):

* Sections merge into the bundled ones: a mapping key by key, at every depth, so
  ``roles: {recruiter: {level: 4}}`` changes one field of one role and keeps the rest;
  any other value (a list, a text, a number) replaces the bundled value whole. A key the
  bundled file does not have is added (a new role, a new constant).
* A rule pack's ``rules`` list works by id instead (see :func:`orgplan.knowledge.rules.parse_rules`):
  a rule with a bundled id replaces that rule, in its place; a rule with a new id is added
  after the bundled rules of its stage; ``remove: [id, ...]`` drops bundled rules.

Errors name the extending file: what it changed is what failed. A rule the pack keeps
from the bundled file is reported in the bundled file.

>>> merged({"a": {"x": 1, "y": 2}, "b": [1, 2]}, {"a": {"y": 3}, "b": [9], "c": 4})
{'a': {'x': 1, 'y': 3}, 'b': [9], 'c': 4}
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orgplan.core.files import read_data_file
from orgplan.core.limits import templates_dir
from orgplan.core.validation import shown
from orgplan.errors import OrgplanError

__all__ = ["EXTENDS", "BUNDLED", "extends_bundled", "merged", "bundled_file", "read_knowledge_file"]

EXTENDS = "extends"
BUNDLED = "bundled"  # the one value ``extends`` takes: the files that come with orgplan


def extends_bundled(data: Any, *, error: type[OrgplanError], path: object) -> bool:
    """Whether ``data`` (a file's top level) starts with ``extends: bundled``; another value is refused."""
    if not isinstance(data, Mapping) or EXTENDS not in data:
        return False
    if data[EXTENDS] != BUNDLED:
        raise error(
            f"expected 'bundled' (the files that come with orgplan), got {shown(data[EXTENDS])}",
            path=path,
            where=EXTENDS,
        )
    return True


def merged(base: Any, changes: Any) -> Any:
    """``base`` with ``changes`` merged in: mappings key by key at every depth, anything else replaced.

    Neither argument is changed (the bundled data may share parts between keys, as YAML anchors do).
    """
    if not (isinstance(base, Mapping) and isinstance(changes, Mapping)):
        return changes
    out = dict(base)
    for key, value in changes.items():
        out[key] = merged(base[key], value) if key in base else value
    return out


def bundled_file(name: str, path: object, error: type[OrgplanError]) -> Path:
    """The bundled file ``name`` that the file at ``path`` extends (a bundled file extends nothing)."""
    bundled = templates_dir() / name
    if Path(str(path)).resolve() == bundled.resolve():
        raise error("a bundled file cannot extend itself", path=path, where=EXTENDS)
    return bundled


def read_knowledge_file(path: Path, error: type[OrgplanError]) -> Any:
    """A file of a templates folder, with ``extends: bundled`` resolved against the bundled file of its name."""
    data = read_data_file(path, error)
    if not extends_bundled(data, error=error, path=path):
        return data
    base = read_data_file(bundled_file(path.name, path, error), error)
    return merged(base, {k: v for k, v in data.items() if k != EXTENDS})
