"""orgplan's limits on what it reads, declared with their reasons in ``templates/limits.yaml``.

>>> limit("team_files.rows").value
100000
>>> limit("data_files.file_bytes").describe()
'1,000,000 bytes (limit data_files.file_bytes)'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from orgplan.errors import TemplateError

__all__ = ["Limit", "limit", "all_limits"]

# How each limit's value reads in a message.
_UNITS = {
    "file_bytes": "bytes",
    "part_bytes": "bytes",
    "sheet_bytes": "bytes",
    "nesting_depth": "levels",
    "expanded_values": "values",
    "list_items": "items",
    "mapping_keys": "keys",
    "text_chars": "characters",
    "number_chars": "characters",
    "zip_members": "parts",
    "rows": "rows",
    "columns": "columns",
    "cell_chars": "characters",
    "chars": "characters",
    "depth": "levels",
    "value_chars": "characters",
    "compression_ratio": "times",
    "number_magnitude": "",
    "money": "USD",
    "seats_per_rule": "seats",
    "upload_bytes": "bytes",
    "uploads_per_visitor": "files",
    "uploads_held_bytes": "bytes",
    "roadmap_employees": "employees",
    "heavy_workers": "at once",
    "heavy_queue": "waiting",
    "header_seconds": "seconds",
    "body_idle_seconds": "seconds",
    "idle_seconds": "seconds",
    "header_bytes": "bytes",
    "connections": "connections",
    "samples": "samples",
    "employee_samples": "",
}


@dataclass(frozen=True)
class Limit:
    """One declared limit: its name (``section.key``), value and reason."""

    name: str
    value: int | float
    why: str

    @property
    def shown(self) -> str:
        """The value as a message writes it: ``'1,000,000 bytes'``."""
        value = f"{int(self.value):,}" if float(self.value).is_integer() else f"{self.value:g}"
        unit = _UNITS.get(self.name.rpartition(".")[2], "")
        return f"{value} {unit}".strip()

    def describe(self) -> str:
        """The value and the limit's name, for the end of an error message."""
        return f"{self.shown} (limit {self.name})"


def limit(name: str) -> Limit:
    """The limit called ``name``, e.g. ``'data_files.nesting_depth'``."""
    return all_limits()[name]


@functools.lru_cache(maxsize=1)
def all_limits() -> dict[str, Limit]:
    """Every limit of the bundled ``limits.yaml``, by name."""
    import yaml

    path = templates_dir() / "limits.yaml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot read orgplan's limits: {exc}", path=path) from None
    out = {}
    for section, entries in data.items():
        for key, entry in entries.items():
            value, why = entry.get("value"), entry.get("why")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or not why:
                raise TemplateError(
                    "expected a positive number as value and a reason as why", path=path, where=f"{section}.{key}"
                )
            out[f"{section}.{key}"] = Limit(f"{section}.{key}", value, str(why))
    return out


def templates_dir() -> Path:
    """The bundled templates folder (beside the package in a checkout, inside it when installed)."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "bundled_templates", package.parent / "templates"):
        if (candidate / "rules.yaml").is_file():
            return candidate
    raise TemplateError("the bundled templates folder is missing; reinstall orgplan", path=package)
