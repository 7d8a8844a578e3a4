"""Load `orgplan serve` on this computer and print how the page holds up.

Run: python3 benchmarks/load.py [--heavy 30] [--seconds 90] [--slow 200]

It starts `orgplan serve` on 127.0.0.1 (a free port), sends traffic only there, and stops it:

- heavy: ``--heavy`` requests at once (at most 200) for roadmaps up to 1,000,000 employees and
  charts of 5,000,000-employee companies, each for another company so nothing is cached;
  meanwhile the form and ``/plan.json`` are asked for every 0.2 s. Printed: how many heavy
  requests were answered 200 and how many 503 (with Retry-After), how long the cheap pages
  took (target: under 2 s each), and the server's peak memory;
- slow clients: ``--slow`` connections (at most 1,000) that send half a request and
  stall, then one that sends a header line every second, and one whose body is shorter than
  its Content-Length. Printed: how long the server keeps them, whether a new visitor is
  still answered meanwhile, and how many lines the server logged.

Everything stops after ``--seconds`` (at most 300) whatever happens.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def get(url: str, timeout: float = 60) -> tuple[int, float, dict[str, str]]:
    """Status, seconds taken and headers of a GET."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status, time.monotonic() - start, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code, time.monotonic() - start, {k.lower(): v for k, v in exc.headers.items()}
    except OSError:
        return 0, time.monotonic() - start, {}


def peak_memory_mb(pid: int) -> float:
    """The server's peak resident memory (VmHWM) in MB, where /proc has it."""
    try:
        found = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return float("nan")
    return int(found.group(1)) / 1024 if found else float("nan")


def heavy_load(url: str, count: int, until: float, pid: int) -> None:
    paths = [
        f"roadmap.png?employees=900&to=1000000&company=Load{i}"
        if i % 2
        else f"chart.png?employees=5000000&company=Load{i}"
        for i in range(count)
    ]
    cheap: list[float] = []
    stop = threading.Event()

    def ask_cheap() -> None:
        n = 0
        while not stop.is_set() and time.monotonic() < until:
            for path in (f"plan.json?employees=900&company=Cheap{n}", ""):
                status, took, _ = get(url + path, timeout=max(1.0, until - time.monotonic()))
                cheap.append(took if status == 200 else float("inf"))
            n += 1
            time.sleep(0.2)

    watcher = threading.Thread(target=ask_cheap, daemon=True)
    watcher.start()
    start = time.monotonic()
    with ThreadPoolExecutor(count) as pool:
        results = list(pool.map(lambda p: get(url + p, timeout=max(1.0, until - time.monotonic())), paths))
    stop.set()
    watcher.join()
    statuses = [s for s, _, _ in results]
    waits = sorted({h.get("retry-after", "") for s, _, h in results if s == 503})
    answered = [t for s, t, _ in results if s == 200]
    print(f"heavy: {count} at once, {time.monotonic() - start:.1f} s in all")
    print(f"  answered 200: {statuses.count(200)}, 503: {statuses.count(503)} (Retry-After {', '.join(waits) or '-'}),")
    print(f"  other: {len(statuses) - statuses.count(200) - statuses.count(503)}")
    if answered:
        print(f"  200s took {min(answered):.1f}-{max(answered):.1f} s")
    if cheap:
        print(
            f"cheap pages during it: {len(cheap)} asked, median {statistics.median(cheap):.2f} s, "
            f"slowest {max(cheap):.2f} s (target under 2 s)"
        )
    print(f"server peak memory: {peak_memory_mb(pid):.0f} MB")


def slow_clients(url: str, count: int, until: float) -> None:
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()  # type: ignore[union-attr]
    address = (host, int(port))
    stalled = []
    start = time.monotonic()
    for _ in range(count):
        if time.monotonic() > until:
            break
        s = socket.create_connection(address, timeout=5)
        s.sendall(b"GET /plan.json?employees=900 HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        stalled.append(s)
    status, took, _ = get(url + "plan.json?employees=900", timeout=10)
    print(f"slow: {len(stalled)} half-sent requests open; a new visitor got {status} in {took:.2f} s")

    def closed_after(s: socket.socket, deadline: float) -> float:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        begun = time.monotonic()
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:  # refused past the limit, with our half request unread
            pass
        except OSError:
            return float("inf")
        return time.monotonic() - begun

    deadline = min(until, time.monotonic() + 60)
    with ThreadPoolExecutor(32) as pool:
        gone = list(pool.map(lambda s: closed_after(s, deadline), stalled))
    for s in stalled:
        s.close()
    kept = [g for g in gone if g != float("inf")]
    print(
        f"  the server closed {len(kept)} of {len(stalled)} within {time.monotonic() - start:.1f} s"
        + (f" (the last after {max(kept):.1f} s of waiting)" if kept else "")
    )
    status, took, _ = get(url + "plan.json?employees=900", timeout=10)
    print(f"  once they were let go, a new visitor got {status} in {took:.2f} s")

    s = socket.create_connection(address, timeout=5)
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    begun = time.monotonic()
    lines = 0
    try:
        while time.monotonic() < min(until, begun + 60):
            time.sleep(1)
            s.sendall(f"X-Line-{lines}: 1\r\n".encode())
            lines += 1
    except OSError:
        pass
    s.close()
    print(f"  a header line every second: closed after {time.monotonic() - begun:.1f} s ({lines} lines)")

    s = socket.create_connection(address, timeout=30)
    s.sendall(b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000000\r\n\r\nhello")
    begun = time.monotonic()
    try:
        answer = s.recv(200).split(b"\r\n", 1)[0].decode(errors="replace")
    except OSError as exc:
        answer = f"({exc.__class__.__name__})"
    s.close()
    print(f"  Content-Length 5000000 with 5 bytes sent: {answer or 'closed'} after {time.monotonic() - begun:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heavy", type=int, default=30)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    heavy, slow, seconds = min(args.heavy, 200), min(args.slow, 1000), min(args.seconds, 300)
    until = time.monotonic() + seconds
    proc = subprocess.Popen(
        [sys.executable, "-m", "orgplan", "serve", "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if not found:
            sys.exit(f"orgplan serve did not start: {line}")
        url = found.group(0)
        get(url + "plan.json?employees=300")  # warm
        if heavy:
            heavy_load(url, heavy, until, proc.pid)
        if slow:
            slow_clients(url, slow, until)
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    lines = err.splitlines()
    print(
        f"server log: {len(lines)} lines, {sum('Traceback' in x for x in lines)} tracebacks"
        + (f"; first: {lines[0][:120]}" if lines else "")
    )


if __name__ == "__main__":
    main()
