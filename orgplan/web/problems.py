"""The pages for what went wrong: no such page, input orgplan could not use, too much heavy work at once
(503 with Retry-After), a failure it did not expect.

Each is the problem page with a title and one sentence, never a stack trace; the details
of an unexpected failure go to the terminal that runs ``orgplan serve``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from orgplan.errors import OrgplanError
from orgplan.web.work import Busy

if TYPE_CHECKING:
    from orgplan.web.site import Site

__all__ = ["exception_handlers"]

Handler = Callable[[Request, Exception], Awaitable[Response]]


def exception_handlers(site: Site) -> dict[Any, Handler]:
    """Starlette's ``exception_handlers``: HTTP errors, orgplan's own errors (400) and any other failure (500)."""

    async def http_error(request: Request, exc: Exception) -> Response:
        code = getattr(exc, "status_code", 404)
        title = "Page not found" if code == 404 else "That did not work"
        message = (
            "There is no page at this address."
            if code == 404
            else str(getattr(exc, "detail", "")) or "The request could not be handled."
        )
        return site.page(request, "problem.html", status=code, title=title, message=message)

    async def orgplan_error(request: Request, exc: Exception) -> Response:
        return site.page(
            request, "problem.html", status=400, title="orgplan could not use that input", message=str(exc)
        )

    async def server_error(request: Request, exc: Exception) -> Response:
        return site.page(
            request,
            "problem.html",
            status=500,
            title="Something went wrong",
            message="orgplan hit a problem it did not expect. The details are in the terminal that runs orgplan serve.",
        )

    async def busy(request: Request, exc: Exception) -> Response:
        wait = getattr(exc, "retry_after", 5)
        response = site.page(
            request,
            "problem.html",
            status=503,
            title="orgplan is busy",
            message=(
                f"orgplan is drawing or planning as much as it can at once for other requests. Try again in "
                f"{wait} seconds; the form and the plan pages keep answering meanwhile."
            ),
        )
        response.headers["Retry-After"] = str(wait)
        return response

    return {HTTPException: http_error, OrgplanError: orgplan_error, Busy: busy, 500: server_error}
