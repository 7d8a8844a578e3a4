"""Long work shared out to processes forked from this one.

A forked worker starts with everything this process has loaded (the templates, the plan
being fitted to a budget or drawn) instead of loading it again, and sends back only its
results: :class:`Shared` makes many calls of one function side by side, :class:`Background`
one call while this process goes on.
Forking copies only the thread that forks, so it is done on Linux, when this process runs
no other thread (the web page plans in threads: it stays in one process) and is not itself
a daemonic worker (which may have no children).

>>> isinstance(may_fork(), bool) and 1 <= workers_for(None) <= MOST_WORKERS
True
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from multiprocessing.pool import Pool
from typing import Any

__all__ = ["MOST_WORKERS", "may_fork", "workers_for", "forked_pool", "Shared", "Background"]

# At most this many processes share the work (each holds a copy of what it writes to).
MOST_WORKERS = 4

_STOPS = {signal.SIGINT, signal.SIGTERM}


def may_fork() -> bool:
    """Whether this process may fork workers: on Linux, running no other thread, not a daemonic worker."""
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def workers_for(asked: int | None) -> int:
    """The processes to use: ``asked``, or (None) this machine's cores up to :data:`MOST_WORKERS`."""
    if asked is not None:
        return asked
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(MOST_WORKERS, cores)


def forked_pool(count: int) -> Pool:
    """A pool of ``count`` forked workers. Ctrl-C waits while it starts (stopped half-made, its own
    threads would fork workers nobody ends); the workers leave Ctrl-C to this process."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(count, initializer=_quiet_worker)
    finally:
        gc.unfreeze()
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _quiet_worker() -> None:
    """A worker leaves Ctrl-C to the process that forked it, which stops them all, and ends
    quietly when stopped (not with the handlers it inherited, which unwind with a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # blocked while the pool started


class Shared:
    """Calls of one function, ``work``, shared out to ``count`` forked workers that inherit it
    (only the items and results travel, pickled); every call is made here when ``count`` is
    below 2 or this process may not fork. Used as a context manager: the workers stop at the end.

    >>> with Shared(abs, 2) as shared:
    ...     shared.map([-3, 4, -5])
    [3, 4, 5]
    """

    def __init__(self, work: Callable[[Any], Any], count: int):
        self.work = work
        self.count = count if count >= 2 and may_fork() else 1
        self._pool: Pool | None = None

    def __enter__(self) -> Shared:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        global _WORK
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            _WORK = None

    def map(self, items: list[Any]) -> list[Any]:
        """``work(item)`` for each item, in order. A call that fails in a worker is made again here,
        the first such first, so its error is raised as it is."""
        global _WORK
        if self.count < 2 or len(items) < 2:
            return [self.work(item) for item in items]
        if self._pool is None:
            _WORK = self.work  # inherited by the workers, never sent
            self._pool = forked_pool(self.count)
        done = self._pool.map(_call, items, chunksize=1)
        return [result if ok else self.work(item) for item, (ok, result) in zip(items, done, strict=True)]


class Background:
    """``work()`` done in a forked worker (when ``fork`` and this process may fork) while this
    process goes on; :meth:`result` waits for it. The work is done here, at :meth:`result`, when
    it is not forked, or failed in the worker (so its error is raised as it is). Used as a
    context manager: the worker stops at the end, done or not.

    >>> with Background(lambda: 6 * 7) as answer:
    ...     answer.result()
    42
    """

    def __init__(self, work: Callable[[], Any], *, fork: bool = True):
        global _WORK
        self.work = work
        self._pool: Pool | None = None
        self._pending: Any = None
        if fork and may_fork():
            _WORK = lambda _: work()  # noqa: E731 - inherited by the worker, never sent
            self._pool = forked_pool(1)
            self._pending = self._pool.apply_async(_call, (None,))

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = self._pending = None

    def result(self) -> Any:
        """What ``work()`` gave, waiting for the worker if it is still at it."""
        if self._pending is not None:
            ok, value = self._pending.get()
            self.close()
            if ok:
                return value
        return self.work()


_WORK: Callable[[Any], Any] | None = None  # what forked workers call: set before forking, inherited


def _call(item: Any) -> tuple[bool, Any]:
    """A worker's call of the shared work; (False, None) when it failed (the parent calls it again)."""
    assert _WORK is not None
    try:
        return True, _WORK(item)
    except Exception:  # noqa: BLE001 - the parent repeats the call and raises the error itself
        return False, None
