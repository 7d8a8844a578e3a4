"""The profile form (``GET /``, prefilled from the query) and an uploaded profile file (``POST /upload``).

An uploaded profile is read the way the CLI reads one and, when it checks out, answered
with a redirect to the plan's link; otherwise the form shows what it read and what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from orgplan.errors import ProfileError
from orgplan.web.forms import Form, check, form_from_data, query_string
from orgplan.web.uploads import UPLOAD_LIMIT, safe_name, too_large, with_upload

if TYPE_CHECKING:
    from orgplan.web.site import Site

__all__ = ["home", "upload", "read_profile_file", "PROFILE_TYPES"]

PROFILE_TYPES = (".yaml", ".yml", ".json")


async def home(site: Site, request: Request) -> Response:
    """``GET /``: the form, filled in from the query string."""
    form = site.read(request.query_params.multi_items())
    return site.page(request, "form.html", form=form)


async def upload(site: Site, request: Request) -> Response:
    """``POST /upload``: a profile file, on to its plan."""
    return await with_upload(site, request, _upload)


async def _upload(site: Site, request: Request, data: Any) -> Response:
    upload = data.get("profile")
    form = Form()
    name = getattr(upload, "filename", None) or ""
    if not name:
        form.errors["profile_file"] = "choose a profile file (.yaml or .json) to upload"
        return site.form_page(request, form)
    content = await upload.read()
    if len(content) > UPLOAD_LIMIT:
        return too_large(site, request)
    try:
        raw = await run_in_threadpool(read_profile_file, name, content)
    except ProfileError as exc:
        form.errors["profile_file"] = str(exc)
        return site.form_page(request, form)
    if not isinstance(raw, Mapping):
        what = "empty" if raw is None else f"a {type(raw).__name__}"
        form.errors["profile_file"] = f"{safe_name(name)}: the profile is {what}; it needs at least 'employees'"
        return site.form_page(request, form)
    form = form_from_data(raw, site.fields)
    checked = await run_in_threadpool(check, form, site.knowledge, site.fields)
    if checked.profile is None:
        form.errors.setdefault("profile_file", f"{safe_name(name)} was read; fix the fields marked below")
        return site.form_page(request, form)
    return RedirectResponse(f"/plan?{query_string(form)}", status_code=303)


def read_profile_file(name: str, content: bytes) -> Any:
    """Parse an uploaded profile the way the CLI reads one; errors name the upload.

    >>> read_profile_file("acme.yaml", b"employees: 300")
    {'employees': 300}
    >>> read_profile_file("acme.txt", b"employees: 300")
    Traceback (most recent call last):
    ...
    orgplan.errors.ProfileError: acme.txt: expected a .yaml or .json profile, got .txt
    """
    import tempfile

    from orgplan.core.files import read_data_file

    safe = safe_name(name)
    suffix = Path(safe).suffix.lower()
    if suffix not in PROFILE_TYPES:
        raise ProfileError(f"expected a .yaml or .json profile, got {suffix or 'no extension'}", path=safe)
    with tempfile.TemporaryDirectory(prefix="orgplan-web-") as tmp:
        path = Path(tmp) / f"profile{suffix}"
        path.write_bytes(content)
        try:
            return read_data_file(path, ProfileError)
        except ProfileError as exc:
            raise ProfileError(exc.message, path=safe, where=exc.where) from None
