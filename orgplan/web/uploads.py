"""Uploaded files: the multipart body read within :data:`UPLOAD_LIMIT`, and the page shown beyond it.

A body is refused as soon as it grows past the limit (413), whatever its Content-Length
says, so a large upload costs neither memory nor disk. An upload the visitor abandons (or
that the server closes for stalling, see :mod:`orgplan.web.connections`) ends quietly,
with no traceback in the terminal.

>>> safe_name("C:\\\\Users\\\\ana\\\\team.xlsx"), safe_name("../../team.csv")
('team.xlsx', 'team.csv')
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Message, Receive

from orgplan.core.limits import limit

if TYPE_CHECKING:
    from orgplan.web.site import Site

__all__ = [
    "UPLOAD_LIMIT",
    "TooLarge",
    "with_upload",
    "too_large",
    "safe_name",
    "visitor_of",
    "keep_visitor",
    "VISITOR_COOKIE",
]

UPLOAD_LIMIT = int(limit("web.upload_bytes").value)  # bytes in one uploaded file; more is answered 413
_BODY_LIMIT = UPLOAD_LIMIT + 256_000  # the file plus the profile fields beside it


VISITOR_COOKIE = "orgplan_visitor"  # names a browser's own upload slots; nothing else is kept about it


def visitor_of(request: Request) -> tuple[str, bool]:
    """The visitor the request's cookie names, and whether it is new (then the answer sets the cookie).

    The cookie is a random name the server gives a browser at its first upload, so that one
    visitor's uploads never push out another's (see :class:`orgplan.web.work.TeamStore`).
    """
    import re
    import secrets

    found = request.cookies.get(VISITOR_COOKIE, "")
    if re.fullmatch(r"[0-9a-f]{32}", found):
        return found, False
    return secrets.token_hex(16), True


def keep_visitor(response: Response, visitor: str) -> Response:
    """``response`` setting the visitor cookie: sent back to this server only, never read by scripts."""
    response.set_cookie(VISITOR_COOKIE, visitor, max_age=30 * 24 * 3600, httponly=True, samesite="strict")
    return response


class TooLarge(Exception):
    """A request body over the upload limit."""


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that raises :class:`TooLarge` once more than ``limit`` body bytes arrive."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge
        return message

    return wrapped


async def _multipart(request: Request) -> Any:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > _BODY_LIMIT:
        raise TooLarge
    limited = Request(request.scope, _limited(request.receive, _BODY_LIMIT))
    return await limited.form(max_files=2, max_fields=2000, max_part_size=_BODY_LIMIT)


async def with_upload(
    site: Site, request: Request, handle: Callable[[Site, Request, Any], Awaitable[Response]]
) -> Response:
    """Read the multipart body within the upload limit (413 beyond it), handle it, then close its files."""
    try:
        data = await _multipart(request)
    except TooLarge:
        return too_large(site, request)
    except ClientDisconnect:  # the visitor went away (or the server closed a stalled upload): nobody to answer
        return Response("The upload was not finished.", status_code=400)
    try:
        return await handle(site, request, data)
    finally:
        await data.close()


def too_large(site: Site, request: Request) -> Response:
    """The page for a file over the upload limit (413)."""
    return site.page(
        request,
        "problem.html",
        status=413,
        title="That file is too large",
        message=(
            f"Uploads are limited to {UPLOAD_LIMIT / 1e6:g} MB. A team list or a profile is far smaller; "
            "check you picked the right file."
        ),
    )


def safe_name(name: str) -> str:
    """The file name part of an upload's name, for messages (browsers may send a path)."""
    return Path(name.replace("\\", "/")).name[:200]
