"""The ``orgplan`` console script: quiet on Ctrl-C from its first moment.

It imports nothing heavy before it takes over Ctrl-C, so an interrupt while orgplan
starts ends as quietly as one later on: no traceback, no "Aborted!", exit code 130. A
termination signal (SIGTERM) unwinds the same way, so temporary files are removed, and
ends with exit code 143. (Only an interrupt in the first few milliseconds, while Python
itself starts, is Python's to report.)
"""

from __future__ import annotations

import signal
import sys
from typing import NoReturn

__all__ = ["Interrupted", "main"]


class Interrupted(BaseException):
    """Ctrl-C or a termination signal; not a KeyboardInterrupt, so click cannot print 'Aborted!' for it."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def main() -> None:
    """Run the ``orgplan`` command line."""
    try:
        signal.signal(signal.SIGINT, _interrupted)
        signal.signal(signal.SIGTERM, _interrupted)
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="backslashreplace")  # a name the terminal cannot show must not crash a run
        from .cli import main as run

        run()
    except Interrupted as stop:
        _leave(stop.code)
    except KeyboardInterrupt:
        _leave(130)


def _interrupted(signum: int, frame: object) -> NoReturn:
    raise Interrupted(128 + signum)


def _leave(code: int) -> NoReturn:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the way out
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(code)
