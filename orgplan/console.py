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


_received: list[int] = []  # the signals that came, even one an interrupted finaliser swallowed


def main() -> None:
    """Run the ``orgplan`` command line."""
    try:
        signal.signal(signal.SIGINT, _interrupted)
        signal.signal(signal.SIGTERM, _interrupted)
        sys.unraisablehook = _unraisable
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="backslashreplace")  # a name the terminal cannot show must not crash a run
        from orgplan.cli import main as run

        run()
    except Interrupted as stop:
        _leave(stop.code)
    except KeyboardInterrupt:
        _leave(130)
    except SystemExit:
        if _received:  # the interrupt landed in a finaliser, which swallowed it: the run still ends as interrupted
            _leave(128 + _received[0])
        raise
    finally:  # the run is over: a signal while Python shuts down must not print "Exception ignored"
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _interrupted(signum: int, frame: object) -> NoReturn:
    _received.append(signum)
    raise Interrupted(128 + signum)


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """Python's report of an exception it cannot raise (in a finaliser), except our own interrupt."""
    if not isinstance(unraisable.exc_value, Interrupted):
        sys.__unraisablehook__(unraisable)


def _leave(code: int) -> NoReturn:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the way out
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(code)
