"""Long work shared out to processes forked from this one.

A forked worker starts with everything this process has loaded (the templates, the plan
being fitted to a budget or drawn) instead of loading it again, and sends back only its
results: :class:`Shared` makes many calls of one function side by side, :class:`Background`
one call while this process goes on. A child that ends without answering (stopped, out of
memory) is noticed, and its work done here.
Forking copies only the thread that forks, so it is done on Linux, when this process runs
no other thread (the web page plans in threads: it stays in one process) and is not itself
a daemonic worker (which may have no children).

>>> isinstance(may_fork(), bool) and 1 <= workers_for(None) <= MOST_WORKERS
True
"""

from __future__ import annotations

import functools
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
    """Calls of one function, ``work``, shared out: ``map`` hands its items to ``count`` processes,
    this one and ``count - 1`` children forked for the call that inherit ``work`` and their items
    (only results travel back, pickled). Every call is made here when ``count`` is below 2 or
    this process may not fork. No child outlives a call of :meth:`map`.

    >>> Shared(abs, 2).map([-3, 4, -5])
    [3, 4, 5]
    """

    def __init__(self, work: Callable[[Any], Any], count: int):
        self.work = work
        self.count = count if count >= 2 and may_fork() else 1

    def map(self, items: list[Any]) -> list[Any]:
        """``work(item)`` for each item, in order. A call that failed, here or in a child (or a child
        that ended without answering), is made again here, the first such first, so its error is
        raised as it is."""
        if self.count < 2 or len(items) < 2:
            return [self.work(item) for item in items]
        shares = [list(range(i, len(items), self.count)) for i in range(min(self.count, len(items)))]
        children: list[_Child] = []
        try:
            for share in shares[1:]:
                children.append(_Child(functools.partial(_each, self.work, [items[i] for i in share])))
            outcomes = [_outcome(functools.partial(_each, self.work, [items[i] for i in shares[0]]))]
            outcomes += [child.outcome() for child in children]
        finally:
            for child in children:
                child.stop()
        results: dict[int, Any] = {}
        for share, (ok, values) in zip(shares, outcomes, strict=True):
            if ok:
                results.update(zip(share, values, strict=True))
        return [results[i] if i in results else self.work(item) for i, item in enumerate(items)]


class Background:
    """``work()`` done in a forked child (when ``fork`` and this process may fork) while this process
    goes on; :meth:`result` waits for it. The work is done here, at :meth:`result`, when it is not
    forked or the child failed (so its error is raised as it is), or ended without answering. Used as
    a context manager: the child stops at the end, done or not.

    >>> with Background(lambda: 6 * 7) as answer:
    ...     answer.result()
    42
    """

    def __init__(self, work: Callable[[], Any], *, fork: bool = True):
        self.work = work
        self._child = _Child(work) if fork and may_fork() else None

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._child is not None:
            self._child.stop()

    def result(self) -> Any:
        """What ``work()`` gave, waiting for the child if it is still at it."""
        if self._child is not None:
            ok, value = self._child.outcome()
            if ok:
                return value
        return self.work()


class _Child:
    """One call of ``work`` in a child forked now, which inherits it; its outcome comes back through a pipe."""

    def __init__(self, work: Callable[[], Any]):
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)  # no Ctrl-C between fork and quiet handlers
        gc.freeze()  # the child's collections leave this process's objects alone (and their pages shared)
        try:
            self._process = context.Process(target=_answer, args=(work, writer), daemon=True)
            self._process.start()
        finally:
            gc.unfreeze()
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
            writer.close()

    def outcome(self) -> tuple[bool, Any]:
        """(True, what the call gave), or (False, None) when it failed or the child ended without a word."""
        try:
            answer: tuple[bool, Any] = self._reader.recv()
        except EOFError:  # stopped, or out of memory
            answer = (False, None)
        self.stop()
        return answer

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._reader.close()


def _answer(work: Callable[[], Any], writer: Any) -> None:
    """In the child: make the call and send its outcome."""
    _quiet_worker()
    try:
        answer = (True, work())
    except Exception:  # noqa: BLE001 - the parent makes the call again and raises the error itself
        answer = (False, None)
    try:
        writer.send(answer)
    except Exception:  # noqa: BLE001 - a result that cannot be pickled: the parent makes the call itself
        writer.send((False, None))
    writer.close()


def _outcome(work: Callable[[], Any]) -> tuple[bool, Any]:
    """In this process: as a child's outcome (a failed call is made again after the children's)."""
    try:
        return True, work()
    except Exception:  # noqa: BLE001 - made again, in the items' order, to raise the first error
        return False, None


def _each(work: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    return [work(item) for item in items]
