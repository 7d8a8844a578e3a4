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
