"""Serving the web page: the listening socket, the server, and what it tells the person who started it.

:func:`serve` is what ``orgplan serve`` runs (through :func:`orgplan.serve`). The socket
is bound before the server starts, so a port that is taken fails in one line, and the
address printed works as soon as it is printed.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from orgplan.errors import OptionError

__all__ = ["LOOPBACK", "listen", "serve"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")  # the page stays on this computer
BACKLOG = 2048  # connections wait in the queue while the server starts, so the URL works once printed


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host`` and ``port`` (0: a free port) and listening; one line naming both when it cannot."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise OptionError(
            f"cannot listen on {host} port {port}: {exc.strerror or exc}; pick another --port", where="serve"
        ) from None
    return sock


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    rules: str | None = None,
    templates_dir: str | None = None,
    say: Callable[[str], object] | None = None,
) -> None:
    """Serve the web page on ``host`` and ``port`` until interrupted; ``say`` tells its address.

    On a loopback address the page answers only requests for the loopback names; on any
    other address ``say`` also warns that anyone who can reach the computer can use it.
    """
    import uvicorn

    from orgplan.web.app import create_app

    say = say or _say
    loopback = host in LOOPBACK
    sock = listen(host, port)
    try:
        port = sock.getsockname()[1]
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        allowed = [*LOOPBACK, "[::1]"] if loopback else None
        app = create_app(rules=rules, templates_dir=templates_dir, allowed_hosts=allowed)
        from orgplan.web.connections import server_config

        server = uvicorn.Server(server_config(app, lifespan="on"))
        say(f"orgplan is serving {url}  (open it in your browser; Ctrl+C stops)")
        if not loopback:
            say(f"listening on {host}: anyone who can reach this computer on port {port} can use the page")
        if open_browser:
            import threading
            import webbrowser

            threading.Timer(0.8, webbrowser.open, (url,)).start()
        server.run(sockets=[sock])
    finally:
        sock.close()


def _say(text: str) -> None:
    print(text, flush=True)  # at once, even into a pipe: whoever started the server waits for its address
