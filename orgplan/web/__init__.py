"""The web page of ``orgplan serve``: a form for the company, and the recommendation in a browser.

``create_app()`` returns the Starlette app; the pages call only orgplan's Python API,
as the CLI does. Starlette, Jinja2 and uvicorn are imported only when this package is.
"""

from __future__ import annotations

from orgplan.web.app import create_app

__all__ = ["create_app"]
