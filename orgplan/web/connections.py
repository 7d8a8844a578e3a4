"""How ``orgplan serve`` treats connections: slow and broken clients cost little and are logged once.

uvicorn reads HTTP with h11. :class:`GuardedH11Protocol` adds what it lacks:

- a request's line and headers must arrive within ``web.header_seconds`` of its first
  byte (or of the connection), however slowly they trickle in; otherwise 408 and closed;
- a body must keep arriving: ``web.body_idle_seconds`` without a byte of it is 408 and
  closed, and a body that ends before its Content-Length is answered 400 at once;
- at most ``web.connections`` connections are open at once (fewer when the process may
  open fewer files): the next is answered 503 and closed, so half-sent requests can
  never use up the server's file descriptors.

:class:`OncePerMinute` keeps the terminal readable under such traffic: each kind of
problem is logged once, then at most once a minute with how many more there were, and a
traceback only the first time.

>>> config = server_config(object())
>>> config.timeout_keep_alive, config.http is GuardedH11Protocol
(5, True)
"""

from __future__ import annotations

import logging
import time
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from orgplan.core.limits import limit

__all__ = ["GuardedH11Protocol", "OncePerMinute", "server_config", "connection_limit"]

HEADER_SECONDS = float(limit("web.header_seconds").value)
BODY_IDLE_SECONDS = float(limit("web.body_idle_seconds").value)
IDLE_SECONDS = int(limit("web.idle_seconds").value)
HEADER_BYTES = int(limit("web.header_bytes").value)
_log = logging.getLogger("uvicorn.error")


def connection_limit() -> int:
    """``web.connections``, or half the files this process may open when that is fewer."""
    most = int(limit("web.connections").value)
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):  # pragma: no cover - not on POSIX
        return most
    return most if soft == resource.RLIM_INFINITY else max(16, min(most, soft // 2))


CONNECTIONS = connection_limit()


def _raw(status: int, reason: str, text: str) -> bytes:
    body = (text + "\n").encode()
    return (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode() + body


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with header and body read timeouts and a connection limit."""

    _timer: Any = None
    _phase: str | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        if len(self.connections) > CONNECTIONS:
            _log.warning(
                "orgplan serve: refused a connection: %d are open, the most it keeps (limit web.connections)",
                CONNECTIONS,
            )
            transport.write(_raw(503, "Service Unavailable", "Too many connections; try again in a few seconds."))
            transport.close()
            return
        self._arm("headers", HEADER_SECONDS)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow()

    def eof_received(self) -> None:
        """The client stopped sending: a body cut short of its Content-Length is answered 400 now."""
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            self._give_up(400, "Bad Request", "The request body ended before its Content-Length.")
            return
        super().eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self._cancel()  # the keep-alive timer watches the connection until the next request
        super().on_response_complete()

    def _follow(self) -> None:
        """Set the timer for what the client is sending now: headers (one deadline) or a body (reset by each piece)."""
        if self.transport.is_closing():
            self._cancel()
        elif self.conn.their_state is h11.IDLE:
            if self._phase != "headers":
                self._arm("headers", HEADER_SECONDS)
        elif self.conn.their_state is h11.SEND_BODY:
            self._arm("body", BODY_IDLE_SECONDS)
        else:
            self._cancel()

    def _arm(self, phase: str, seconds: float) -> None:
        self._cancel()
        self._phase = phase
        self._timer = self.loop.call_later(seconds, self._expired)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._phase = None, None

    def _expired(self) -> None:
        phase = self._phase
        self._timer, self._phase = None, None
        if self.transport.is_closing():
            return
        if phase == "headers" and self.conn.their_state is h11.IDLE:
            _log.warning(
                "orgplan serve: closed a connection whose request headers took over %g s (limit web.header_seconds)",
                HEADER_SECONDS,
            )
            self.transport.write(_raw(408, "Request Timeout", "The request's headers took too long."))
            self.transport.close()
        elif phase == "body" and self.conn.their_state is h11.SEND_BODY:
            if self.flow.read_paused:  # orgplan has not read what arrived yet: the client is not the slow one
                self._arm("body", BODY_IDLE_SECONDS)
                return
            _log.warning(
                "orgplan serve: closed a connection whose request body stalled for %g s (limit web.body_idle_seconds)",
                BODY_IDLE_SECONDS,
            )
            self._give_up(408, "Request Timeout", "The request body stopped arriving.")

    def _give_up(self, status: int, reason: str, text: str) -> None:
        """Answer ``status`` (unless orgplan already answered), close, and tell the page the client is gone."""
        cycle = self.cycle
        if cycle is None or not cycle.response_started:
            self.transport.write(_raw(status, reason, text))
        if cycle is not None:
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()


class OncePerMinute(logging.Filter):
    """Let each kind of log record through once, then once a minute saying how many were held back.

    A kind is the record's message template and its exception's type, so a flood of one
    problem (say, thousands of broken requests) is a line a minute, with its traceback
    only the first time.

    >>> f = OncePerMinute()
    >>> r = lambda: logging.LogRecord("x", logging.WARNING, "", 0, "Invalid HTTP request received.", None, None)
    >>> [f.filter(r()) for _ in range(3)]
    [True, False, False]
    """

    def __init__(self, seconds: float = 60.0):
        super().__init__()
        self.seconds = seconds
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (str(record.msg), record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else "")
        now = time.monotonic()
        last, held = self._seen.get(kind, (None, 0))
        if last is not None and now - last < self.seconds:
            self._seen[kind] = (last, held + 1)
            return False
        if len(self._seen) > 1000:
            self._seen.clear()
        self._seen[kind] = (now, 0)
        if last is not None:
            record.exc_info, record.exc_text = None, None
            if held:
                record.msg = f"{record.msg} (and {held:,} more like it in the last {self.seconds:g} s)"
        return True


def server_config(app: Any, **options: Any) -> Any:
    """The uvicorn configuration of ``orgplan serve``: the guarded protocol, its limits and quiet logs."""
    import uvicorn

    config = uvicorn.Config(
        app,
        http=GuardedH11Protocol,
        timeout_keep_alive=IDLE_SECONDS,
        # requests in progress; the connections themselves are capped when made, so a request
        # already read on a connection kept is answered, not refused for its neighbours
        limit_concurrency=CONNECTIONS + 1,
        h11_max_incomplete_event_size=HEADER_BYTES,
        log_level="warning",
        access_log=False,
        **options,
    )
    once = OncePerMinute()
    for name in ("uvicorn.error", "asyncio"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, OncePerMinute) for f in logger.filters):
            logger.addFilter(once)
    return config
