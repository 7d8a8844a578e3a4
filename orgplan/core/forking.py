"""Long work shared out to processes forked from this one.

A forked child starts with everything this process has loaded (the templates, the plan
being fitted to a budget or drawn) instead of loading it again, and sends back only its
results through a pipe: :class:`Shared` makes many calls of one function side by side,
:func:`spread` streams them back as they are done, :class:`Background` makes one call while
this process goes on. No child outlives the call that forked it, and a child that ends
without answering (stopped, out of memory) is noticed: its work is done here instead.

Forking copies only the thread that forks, so it is done on Linux, when this process runs
no other thread (the web page plans in threads: it stays in one process) and is not itself
a daemonic process (which may have no children).

>>> isinstance(may_fork(), bool) and 1 <= workers_for(None) <= MOST_WORKERS
True
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, cast

__all__ = ["MOST_WORKERS", "may_fork", "one_of_many", "workers_for", "Shared", "Background", "spread"]

# At most this many processes share the work (each holds a copy of what it writes to).
MOST_WORKERS = 4

_STOPS = {signal.SIGINT, signal.SIGTERM}


def may_fork() -> bool:
    """Whether this process may fork workers: on Linux, running no other thread, not a daemonic worker,
    nor one of a batch's workers (see :func:`one_of_many`)."""
    return (
        _ALONE[0]
        and sys.platform.startswith("linux")
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def one_of_many() -> None:
    """This process is one of several working side by side (a batch's worker, which has the cores
    between them): it forks no more workers of its own."""
    _ALONE[0] = False


_ALONE = [True]  # this process may have the machine's cores to itself


def workers_for(asked: int | None) -> int:
    """The processes to use: ``asked``, or (None) this machine's cores up to :data:`MOST_WORKERS`."""
    if asked is not None:
        return asked
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(MOST_WORKERS, cores)


def _end_with_parent(parent: int) -> None:
    """Ask Linux to stop this child when ``parent``, the process that forked it, ends, however it ends
    (killed, or a library user's process ending without stopping it)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl here: the parent's own stop is all
        return
    if os.getppid() != parent:  # the parent ended before the request took hold
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _quiet_worker() -> None:
    """A child leaves Ctrl-C to the process that forked it, which stops them all, and ends
    quietly when stopped (not with the handlers it inherited, which unwind with a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # blocked while it was forked


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
        done = {i: value for i, ok, value in spread(self.work, items, self.count) if ok}
        return [done[i] if i in done else self.work(item) for i, item in enumerate(items)]


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
        self._child = _forked(functools.partial(_send_one, work)) if fork and may_fork() else None

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._child is not None:
            self._child.stop()

    def result(self) -> Any:
        """What ``work()`` gave, waiting for the child if it is still at it."""
        child, self._child = self._child, None
        if child is not None:
            ok, value = child.outcome()
            if ok:
                return value
        return self.work()


def spread(work: Callable[[Any], Any], items: list[Any], count: int) -> Iterator[tuple[int, bool, Any]]:
    """``work(item)`` for each of ``items`` in ``count`` processes: this one and ``count - 1`` children
    forked now, each taking the next item not taken yet (so the first items should be the slowest).
    Yields (index, True, result) as each is done, and (index, False, None) for a call that failed or
    that a child ended without making (stopped, out of memory).

    >>> sorted(spread(abs, [-1, 2, -3], 2))
    [(0, True, 1), (1, True, 2), (2, True, 3)]
    """
    take = functools.partial(_take, multiprocessing.get_context("fork").Value("q", 0), len(items))
    children: dict[Any, _Child] = {}
    done: set[int] = set()
    try:
        for _ in range(min(count, len(items)) - 1 if may_fork() else 0):
            child = _forked(functools.partial(_send_taken, work, items, take))
            if child is None:  # no process to spare: this one does the rest
                break
            children[child.reader] = child
        while (i := take()) is not None:
            done.add(i)
            yield (i, *_outcome(functools.partial(work, items[i])))
            for answer in _answers(children, 0.0):  # the children's, as they come
                done.add(answer[0])
                yield answer
        while children:
            for answer in _answers(children, None):
                done.add(answer[0])
                yield answer
    finally:
        for child in children.values():
            child.stop()
    yield from ((i, False, None) for i in range(len(items)) if i not in done)  # taken by a child that ended


def _take(counter: Any, end: int) -> int | None:
    """The next item's index, taken once by whichever process asks first; None when all are taken."""
    with counter.get_lock():
        i = counter.value
        if i >= end:
            return None
        counter.value = i + 1
    return int(i)


def _answers(children: dict[Any, _Child], timeout: float | None) -> Iterator[tuple[int, bool, Any]]:
    """What the children have sent (waiting up to ``timeout``); a child whose pipe ends is done."""
    for ready in multiprocessing.connection.wait(list(children), timeout):
        try:
            answer = cast(tuple[int, bool, Any], children[ready].reader.recv())
        except (EOFError, OSError):  # done, or ended part-way through an answer (killed, out of memory)
            children.pop(ready).stop()
            continue
        except Exception:  # noqa: BLE001 - an answer that does not unpickle here: its item is made again
            continue
        yield answer


class _Child:
    """A child forked now, inheriting ``target``, which it calls with a function that sends a picklable
    value back through a pipe (:attr:`reader`); the pipe ends when the child does."""

    def __init__(self, target: Callable[[Callable[[Any], None]], None]):
        context = multiprocessing.get_context("fork")
        self.reader, writer = context.Pipe(duplex=False)
        before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)  # no Ctrl-C between fork and quiet handlers
        freeze = gc.get_freeze_count() == 0  # (objects frozen by someone else stay so)
        if freeze:
            gc.freeze()  # the child's collections leave this process's objects alone (and their pages shared)
        try:
            self._process = context.Process(target=_run, args=(target, writer, os.getpid()), daemon=True)
            self._process.start()
        except BaseException:
            self.reader.close()
            raise
        finally:
            if freeze:
                gc.unfreeze()
            writer.close()
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, before)  # a Ctrl-C that waited is raised here
            except BaseException:
                self.stop()
                raise

    def outcome(self) -> tuple[bool, Any]:
        """The one (ok, value) the child sends; (False, None) when it ended without a word, or part-way
        through one (stopped, out of memory), or its answer does not unpickle here."""
        try:
            answer: tuple[bool, Any] = self.reader.recv()
        except Exception:  # noqa: BLE001 - EOFError, OSError, an unpickling error: the work is done here
            answer = (False, None)
        self.stop()
        return answer

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self.reader.close()


def _forked(target: Callable[[Callable[[Any], None]], None]) -> _Child | None:
    """A child forked for ``target``; None when the system has no process to spare (out of memory)."""
    try:
        return _Child(target)
    except OSError:
        return None


def _run(target: Callable[[Callable[[Any], None]], None], writer: Any, parent: int) -> None:
    """In the child: quiet signals, end with the parent, fork nothing further, then the target."""
    _quiet_worker()
    _end_with_parent(parent)
    one_of_many()
    try:
        target(writer.send)
    finally:
        writer.close()


def _send_one(work: Callable[[], Any], send: Callable[[Any], None]) -> None:
    """In the child: make the call and send (ok, value); a failure is made again by the parent to raise it."""
    _deliver(send, _outcome(work), (False, None))


def _send_taken(
    work: Callable[[Any], Any], items: list[Any], take: Callable[[], int | None], send: Callable[[Any], None]
) -> None:
    """In the child: take items until none is left, sending each as (index, ok, value) when done."""
    while (index := take()) is not None:
        ok, value = _outcome(functools.partial(work, items[index]))
        _deliver(send, (index, ok, value), (index, False, None))


def _deliver(send: Callable[[Any], None], message: tuple[Any, ...], failed: tuple[Any, ...]) -> None:
    """Send ``message``, or ``failed`` when it cannot be pickled (nothing is sent until it is)."""
    try:
        send(message)
    except Exception:  # noqa: BLE001 - anything that cannot be pickled: the parent makes the call itself
        send(failed)


def _outcome(work: Callable[[], Any]) -> tuple[bool, Any]:
    """(True, what ``work()`` gave), or (False, None) when it failed (made again later to raise its error)."""
    try:
        return True, work()
    except Exception:  # noqa: BLE001 - made again, in the items' order, to raise the first error
        return False, None
