"""Long work in processes forked from orgplan's own: the same results, errors raised as they are,
and no wait for ever nor a process left behind when a child is killed or the run is stopped.

Tests that fork run in a process of their own (:func:`in_a_process_of_its_own`): a test worker
may hold threads other tests left, and then nothing forks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from orgplan.core import forking
from orgplan.core.forking import Background, Shared, spread

from .conftest import ROOT, in_a_process_of_its_own


def test_work_shared_out_gives_each_result_in_order_and_fails_with_the_first_error():
    shared = Shared(_root, 2)
    assert shared.map([4, 9, 16, 25, 36]) == [2, 3, 4, 5, 6]
    with pytest.raises(ValueError, match="no root of -2"):  # the first failing item's error, raised here
        shared.map([16, -2, -3])
    with pytest.raises(ValueError, match="no root of -3"):
        shared.map([-3, -2])
    with Background(lambda: _root(-5)) as later, pytest.raises(ValueError, match="no root of -5"):
        later.result()


def test_a_child_that_dies_without_answering_leaves_its_work_to_this_process():
    """Killed at once, or part-way through sending a large answer (out of memory strikes then)."""
    in_a_process_of_its_own("tests.test_forking", "_children_killed")


def test_no_process_to_spare_means_the_work_is_done_here():
    in_a_process_of_its_own("tests.test_forking", "_no_fork")


def test_forked_children_end_with_the_process_that_forked_them_however_it_ends():
    """A library user's process ended by SIGTERM (no handler unwinds it) leaves no child planning on."""
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1])\n"
        "from orgplan.core.forking import spread\n"
        "def slow(n):\n    time.sleep(60)\n    return n\n"
        "print(next(spread(slow, [1, 2, 3], 3)), flush=True)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code, str(ROOT)], stdout=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while len(children := _children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(children) == 2
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    time.sleep(0.5)
    assert not [pid for pid in children if _running(pid)]


def test_no_child_is_forked_from_a_process_running_threads():
    """Forking copies only the thread that forks: with another thread running, the work stays here."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forking.may_fork()
        assert sorted(spread(abs, [-1, 2, -3], 2)) == [(0, True, 1), (1, True, 2), (2, True, 3)]
        assert Shared(abs, 4).count == 1
    finally:
        stop.set()
        other.join()


def _children_killed() -> None:
    assert forking.may_fork()
    here = os.getpid()

    def dies_in_a_child(n: int) -> int:
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        return n * n

    assert Shared(dies_in_a_child, 2).map([2, 3, 4]) == [4, 9, 16]
    with Background(lambda: dies_in_a_child(7)) as later:
        assert later.result() == 49

    def dies_sending(n: int) -> bytes:
        if os.getpid() == here:
            time.sleep(1.0)  # this process's own item: the child's answer waits in the pipe meanwhile
            return bytes(n)
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGKILL)).start()
        return bytes(10_000_000)  # far more than a pipe holds: the child is killed part-way through

    assert [len(b) for b in Shared(dies_sending, 2).map([1, 2])] == [1, 2]


def _no_fork() -> None:
    def no_process(*_: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    forking._Child = no_process  # type: ignore[assignment,misc]
    assert Shared(_root, 2).map([4, 9, 16]) == [2, 3, 4]
    with Background(lambda: _root(49)) as later:
        assert later.result() == 7


def _root(n: int) -> int:
    if n < 0:
        raise ValueError(f"no root of {n}")
    return round(n**0.5)


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for t in (tasks.iterdir() if tasks.exists() else ()) for c in (t / "children").read_text().split()]


def _running(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"
