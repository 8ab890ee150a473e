"""Addresses people type that the page navigation does not know, redirected to the page meant.

Watch is the default page, so Streamlit serves it at ``/`` and answers ``/watch`` with
"Page not found". A bookmark such as ``/watch?mode=presenter&video=x`` keeps its query.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

REDIRECTS = {"/watch": "/"}


def _redirect(request: Request) -> Response:
    target = REDIRECTS[request.url.path.rstrip("/") or "/"]
    query = request.url.query
    return RedirectResponse(target + (f"?{query}" if query else ""), status_code=307)


def redirect_routes() -> list[BaseRoute]:
    """One route per old or guessed address (with and without a trailing slash)."""
    paths = [*REDIRECTS, *(p + "/" for p in REDIRECTS)]
    return [Route(p, _redirect, methods=["GET", "HEAD"]) for p in paths]
