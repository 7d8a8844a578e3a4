"""What keeps the page safe in a browser that also visits other websites.

:class:`SecurityHeaders` adds headers to every response: the page loads nothing from
elsewhere and is never framed. :class:`CrossSiteGuard` refuses requests another website
starts in the visitor's browser: a form it posts here (which would upload files in the
visitor's name) and an image or script tag pointing at a chart (which would make this
server draw for every visitor of that website). A link followed from elsewhere (an
e-mail, a chat) still opens, so a plan stays something to send to a colleague.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

__all__ = ["SecurityHeaders", "CrossSiteGuard", "cross_site"]

_SAFE = ("GET", "HEAD", "OPTIONS")


def cross_site(method: str, headers: Any) -> str | None:
    """Why a request came from another website, or None when it came from this page or a person.

    Browsers say where a request started (``Sec-Fetch-Site``) and, for a form, which page
    posted it (``Origin``). Requests without these headers (command-line tools, scripts,
    older browsers) are not a browser acting for another website and pass.

    >>> cross_site("POST", {"origin": "https://elsewhere.example", "host": "127.0.0.1:8000"})
    'a form on https://elsewhere.example'
    >>> cross_site("POST", {"origin": "http://127.0.0.1:8000", "host": "127.0.0.1:8000"}) is None
    True
    >>> cross_site("POST", {"origin": "https://hr.example", "host": "hr.example:443"}) is None
    True
    >>> cross_site("GET", {"sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image"})
    'an image on another website'
    >>> cross_site("GET", {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document"})
    """
    site = (headers.get("sec-fetch-site") or "").lower()
    if method.upper() not in _SAFE:
        if site in ("cross-site", "same-site"):
            return "a form on another website"
        origin = (headers.get("origin") or "").strip()
        if site not in ("same-origin", "none") and origin:
            scheme, _, netloc = origin.lower().partition("://")
            if origin == "null":
                return "a form on a page with no address"
            if _host(netloc.rstrip("/"), scheme) != _host((headers.get("host") or "").lower(), scheme):
                return f"a form on {origin[:100]}"
        return None
    if site in ("cross-site", "same-site"):
        mode = (headers.get("sec-fetch-mode") or "").lower()
        dest = (headers.get("sec-fetch-dest") or "").lower()
        if mode != "navigate" or dest not in ("document", ""):
            return f"{'an' if dest[:1] in ('a', 'e', 'i', 'o', 'u') else 'a'} {dest or 'request'} on another website"
    return None


def _host(netloc: str, scheme: str) -> str:
    """``netloc`` without the scheme's default port: ``example.com:443`` is ``example.com`` over https."""
    default = {"http": ":80", "https": ":443"}.get(scheme, "")
    return netloc[: -len(default)] if default and netloc.endswith(default) else netloc


class CrossSiteGuard:
    """ASGI middleware answering 403 (with ``refuse``'s page) to requests another website started."""

    def __init__(self, app: Any, refuse: Callable[[Request, str], Awaitable[Response] | Response]):
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        why = cross_site(scope["method"], request.headers)
        if why is None:
            await self.app(scope, receive, send)
            return
        answer = self.refuse(request, why)
        response = await answer if isinstance(answer, Awaitable) else answer
        await response(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware adding the headers below to every HTTP response that does not set them itself."""

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in (
                    (b"content-security-policy", self.POLICY),
                    (b"x-content-type-options", "nosniff"),
                    # links carry the profile, so no other website learns them; the page's
                    # own forms still name it as their origin (which CrossSiteGuard checks)
                    (b"referrer-policy", "same-origin"),
                    (b"x-frame-options", "DENY"),
                    (b"cross-origin-resource-policy", "same-origin"),
                ):
                    if k not in names:
                        headers.append((k, v.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
