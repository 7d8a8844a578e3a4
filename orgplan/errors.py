"""orgplan's exceptions: each names what was wrong and where, for one clear line in the CLI."""

from __future__ import annotations

__all__ = [
    "OrgplanError",
    "ProfileError",
    "TemplateError",
    "RuleError",
    "TeamFileError",
    "OptionError",
    "PlanError",
    "OutputError",
]

# The longest message orgplan prints; a longer one is cut (no bad value may make a huge line).
_MOST_CHARS = 2000


class OrgplanError(Exception):
    """Base class: bad input orgplan can explain. The CLI prints it and exits with 2."""

    def __init__(self, message: str, *, path: object = None, where: str | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.where = where
        super().__init__(self.__str__())

    def __str__(self) -> str:
        prefix = ""
        if self.path:
            prefix = f"{self.path}: "
        if self.where:
            prefix += f"{self.where}: "
        text = prefix + self.message
        return text if len(text) <= _MOST_CHARS else text[:_MOST_CHARS] + "..."


class ProfileError(OrgplanError):
    """A company profile is missing, unreadable or has a bad field."""


class TemplateError(OrgplanError):
    """A template (role catalog, benchmarks, function list) is malformed."""


class RuleError(TemplateError):
    """A rule in a rule pack is malformed or fails when evaluated."""


class TeamFileError(OrgplanError):
    """A team workbook or CSV cannot be read as an HR team."""


class OptionError(OrgplanError):
    """An option passed to orgplan is unknown or out of range."""


class PlanError(OrgplanError):
    """The rules produced an organisation that breaks one of orgplan's checks."""


class OutputError(OrgplanError):
    """An output file or folder cannot be written (read-only, not a folder, disk full...)."""
