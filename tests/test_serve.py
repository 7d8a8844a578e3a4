"""The serve command: a real server on 127.0.0.1, answering many leaders at once."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.xdist_group("server")
def test_serve_binds_127_0_0_1_and_serves_the_page(server):
    assert server.startswith("http://127.0.0.1:")
    status, body = get(server)
    assert status == 200 and b"What HR team should your company have?" in body
    status, body = get(server + "plan.json?employees=900")
    assert status == 200 and b'"hr_headcount"' in body


@pytest.mark.xdist_group("server")
def test_twenty_concurrent_requests_are_all_answered(server):
    paths = [f"plan?employees={n}&company=C{i}" for i, n in enumerate(range(100, 2100, 100))]
    paths[::4] = [f"chart.png?employees={n}" for n in range(300, 800, 100)]
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda p: get(server + p), paths))
    assert [status for status, _ in results] == [200] * 20


@pytest.mark.xdist_group("server")
def test_heavy_requests_past_the_pool_get_503_while_the_plan_answers_in_under_2_s(server):
    """16 roadmaps at once: 2 run, 4 wait, the rest are refused at once; /plan.json keeps answering."""
    import threading
    import time

    paths = [f"roadmap.png?employees=900&to=50000&company=Heavy{i}" for i in range(16)]
    cheap: list[float] = []
    done = threading.Event()

    def ask_cheap() -> None:
        n = 0
        while not done.is_set() and n < 100:
            start = time.monotonic()
            status, _ = get(server + f"plan.json?employees=900&company=Cheap{n}")
            cheap.append(time.monotonic() - start if status == 200 else float("inf"))
            n += 1
            time.sleep(0.1)

    watcher = threading.Thread(target=ask_cheap)
    watcher.start()
    try:
        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda p: head(server + p), paths))
    finally:
        done.set()
        watcher.join()
    statuses = [status for status, _ in results]
    assert set(statuses) <= {200, 503} and statuses.count(503) >= 4, statuses
    assert all(h.get("retry-after") == "5" for s, h in results if s == 503)
    assert cheap and max(cheap) < 2, cheap


def head(url: str) -> tuple[int, dict[str, str]]:
    """Status and headers (lower-case names) of a GET, its body read and dropped."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


def test_slow_and_broken_clients_are_answered_quickly_let_go_and_logged_once():
    """Half-sent requests, trickled headers, bodies short of their length, bad chunks: each
    answered or closed within seconds, a connection limit, and a log of a few lines, no traceback."""
    import re
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "orgplan", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    opened: list[socket.socket] = []
    try:
        port = int(re.search(r"127\.0\.0\.1:(\d+)", proc.stdout.readline()).group(1))  # type: ignore[union-attr]

        def connect(data: bytes) -> socket.socket:
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall(data)
            opened.append(s)
            return s

        def answer(s: socket.socket) -> tuple[bytes, float]:
            start = time.monotonic()
            try:
                got = s.recv(64)
            except OSError:
                got = b""
            return got.split(b"\r\n", 1)[0], time.monotonic() - start

        upload = b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=xx\r\n"
        part = b'--xx\r\nContent-Disposition: form-data; name="profile"; filename="a.yaml"\r\n\r\nemployees'
        bad_chunk = connect(upload + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n")
        status, took = answer(bad_chunk)
        assert status == b"HTTP/1.1 400 Bad Request" and took < 2
        for _ in range(3):  # aborted uploads: a body that ends short of its Content-Length
            short = connect(upload + b"Content-Length: 5000000\r\n\r\n" + part)
            short.shutdown(socket.SHUT_WR)
            status, took = answer(short)
            assert status == b"HTTP/1.1 400 Bad Request" and took < 2
        stalled_body = connect(upload + b"Content-Length: 5000000\r\n\r\n" + part)
        trickle = connect(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.5)  # both are read before the crowd arrives
        half = [connect(b"GET /plan.json?employees=900 HTTP/1.1\r\n") for _ in range(520)]
        status, took = answer(half[-1])  # past the connection limit: refused at once
        assert status == b"HTTP/1.1 503 Service Unavailable" and took < 2
        start = time.monotonic()
        for _ in range(5):
            time.sleep(2)
            try:
                trickle.sendall(b"X-Slow: 1\r\n")
            except OSError:
                break
        status, _ = answer(trickle)
        assert status == b"HTTP/1.1 408 Request Timeout" and time.monotonic() - start < 14
        assert answer(half[0])[0] == b"HTTP/1.1 408 Request Timeout"
        status, took = answer(stalled_body)
        assert status == b"HTTP/1.1 408 Request Timeout" and time.monotonic() - start < 20
        for s in opened:
            s.close()
        opened.clear()
        status, _ = get(f"http://127.0.0.1:{port}/plan.json?employees=900")
        assert status == 200
    finally:
        for s in opened:
            s.close()
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err and len(err.splitlines()) <= 8, err[:3000]


def test_a_port_in_use_is_one_line_and_exit_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "orgplan", "serve", "--port", str(port)], capture_output=True, text=True, timeout=60
        )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith(
        f"Error: serve: cannot listen on 127.0.0.1 port {port}:"
    ) and proc.stderr.strip().endswith("pick another --port")


def test_a_broken_rule_pack_stops_serve_before_it_listens(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: [1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "orgplan", "serve", "--port", "0", "--rules", str(rules)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "YAML syntax error" in proc.stderr and not proc.stdout
