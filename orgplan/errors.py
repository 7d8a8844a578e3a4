"""orgplan's exceptions: each names what was wrong and where, for one clear line in the CLI."""

from __future__ import annotations

__all__ = [
    "OrgplanError",
    "ProfileError",
    "ProfileMistakes",
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


class ProfileMistakes(ProfileError):
    """Several mistakes in one profile, each a :class:`ProfileError`: one message lists them all.

    With ``lines`` (place -> line in the file) each mistake is on a line of its own, starting with
    its line in the file; without, they are joined on one line.
    """

    LISTED = 20  # mistakes listed at most; the rest are counted

    def __init__(self, mistakes: list[ProfileError], *, path: object = None, lines: dict[str, int] | None = None):
        self.lines = dict(lines or {})
        self.mistakes = tuple(sorted(mistakes, key=self._line)) if self.lines else tuple(mistakes)  # in file order
        shown = [self._one(m) for m in self.mistakes[: self.LISTED]]
        rest = len(self.mistakes) - len(shown)
        if rest:
            shown.append(f"and {rest:,} more")
        head = f"{len(self.mistakes)} mistakes:"
        message = head + ("\n  " + "\n  ".join(shown) if self.lines else " " + "; ".join(shown))
        super().__init__(message, path=path)

    def _line(self, mistake: ProfileError) -> int:
        where = mistake.where or ""
        return self.lines.get(where) or self.lines.get(where.split(".")[0].split("[")[0]) or 0

    def _one(self, mistake: ProfileError) -> str:
        where = mistake.where or ""
        line = self._line(mistake)
        at = ", ".join(x for x in (f"line {line}" if line else "", where) if x)
        return f"{at}: {mistake.message}" if at else mistake.message


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
