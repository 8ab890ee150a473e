"""The one guard in front of the app's own routes (path prefix -> role needed), and the
workshop passphrase sign-in and the sign-out routes.

``AccessGuard`` wraps the whole ASGI app: a request under a listed prefix without the role it
needs gets 401 (no session) or 403 (a session with too small a role) before any route sees
it. A new route plugs in with one line in ``app.py``'s ``ROUTE_ROLES`` (see
docs/architecture.md); a prefix mapped to ``None`` stays open (a room's participant routes,
which check the room's code themselves). Streamlit's own paths are not listed: its page
script checks the role before drawing anything (``ui/access.py``).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from alliance_lens.access import Access, Role
from alliance_lens.client_address import rate_key
from alliance_lens.errors import StoreError
from alliance_lens.passphrase import Throttle, verify_passphrase
from alliance_lens.sessions import (
    SESSION_COOKIE,
    STREAMLIT_USER_COOKIE,
    Gate,
    issue_session,
    oidc_session_id,
    session_id,
)
from alliance_lens.upload_route import same_site

SIGNIN_ROUTE = "/signin"
SIGNOUT_ROUTE = "/signin/out"
_MAX_FORM_BYTES = 4096


async def checked_access(gate: Gate, conn: HTTPConnection) -> Access:
    """``gate.access`` for a request, with any database look-up (has this session been signed
    out?) done in a worker thread, never on the server's event loop."""
    for sid in gate.unchecked_sids(conn.cookies):
        if gate.signins is not None:
            await run_in_threadpool(gate.signins.is_revoked, sid)  # remembered for the next line
    return gate.access(conn.cookies, conn.headers.get("host", ""))


def client_address(gate: Gate, conn: HTTPConnection) -> str:
    """The one answer to "which client is this?" for every route that counts per client: the
    connection's peer, or what a trusted proxy forwards (``[access] trusted_proxies``)."""
    return gate.settings.trusted_proxies.client_of(conn.scope)


def _rule(path: str, rules: Mapping[str, Role | None]) -> tuple[bool, Role | None]:
    """(listed, role needed) for the longest listed prefix that contains ``path``."""
    best = ""
    for prefix in rules:
        stem = prefix.rstrip("/")
        if (path == stem or path.startswith(stem + "/")) and len(stem) >= len(best):
            best = prefix
    return (True, rules[best]) if best else (False, None)


class AccessGuard:
    """ASGI middleware: the role each listed path prefix needs, checked on every request and
    websocket under it, from the same session the pages see."""

    def __init__(self, app: ASGIApp, gate: Gate, rules: Mapping[str, Role | None]) -> None:
        self.app, self.gate, self.rules = app, gate, dict(rules)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        listed, needed = _rule(scope.get("path", ""), self.rules)
        if listed and needed is not None:
            access = await checked_access(self.gate, HTTPConnection(scope))
            if not access.allows(needed):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                await _refusal(access.role is None)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _refusal(signed_out: bool) -> Response:
    status = 401 if signed_out else 403
    text = "Sign in first." if signed_out else "Your role may not open this."
    response = PlainTextResponse(text, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def endpoint_guard(
    gate: Gate, needed: Role
) -> Callable[[Callable[[Request], Awaitable[Response]]], Callable[[Request], Awaitable[Response]]]:
    """The same check for one endpoint, for routes whose paths a prefix cannot name (a room's
    presenter actions live under ``/room-api/<code>/presenter``)."""

    def wrap(
        endpoint: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def guarded(request: Request) -> Response:
            access = await checked_access(gate, request)
            if not access.allows(needed):
                return _refusal(access.role is None)
            return await endpoint(request)

        return guarded

    return wrap


def _page(message: str = "", *, status: int = 200) -> HTMLResponse:
    note = f'<p role="alert" style="color:#a00">{html.escape(message)}</p>' if message else ""
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · Alliance Lens</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem">
<h1>Alliance Lens</h1>
<p>Presenters and educators: the workshop passphrase your organiser gave you.</p>{note}
<form method="post" action="{SIGNIN_ROUTE}">
<p><label for="passphrase">Passphrase</label><br>
<input id="passphrase" name="passphrase" type="password" autocomplete="current-password"
 required style="width:100%"></p>
<p><label for="who">Your name (optional, shown to nobody but you)</label><br>
<input id="who" name="who" maxlength="80" style="width:100%"></p>
<p><button type="submit">Sign in</button> <a href="/">Back</a></p>
</form></body></html>"""
    response = HTMLResponse(body, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _from_own_page(request: Request) -> bool:
    # A form posted under "Referrer-Policy: no-referrer" carries "Origin: null", so the
    # browser's Sec-Fetch-Site decides when it is sent; else Origin must name this host.
    fetch_site = request.headers.get("sec-fetch-site")
    return fetch_site == "same-origin" if fetch_site is not None else same_site(request.headers)


class PassphraseRoutes:
    """``GET/POST /signin`` (the passphrase form) and ``GET /signin/out``. Failed attempts and
    sign-outs go to the gate's sign-in store, shared by every app process."""

    def __init__(self, gate: Gate, throttle: Throttle | None = None) -> None:
        if gate.signins is None:
            raise ValueError("passphrase routes need a gate with a sign-in store")
        self.gate, self.throttle = gate, throttle or Throttle(gate.signins)

    def routes(self) -> list[Route]:
        return [
            Route(SIGNIN_ROUTE, self.signin, methods=["GET", "POST"]),
            Route(SIGNOUT_ROUTE, self.signout, methods=["GET"]),
        ]

    async def signin(self, request: Request) -> Response:
        hashes = self.gate.settings.passphrases
        if not hashes:
            return PlainTextResponse("No passphrase sign-in is configured.", status_code=404)
        if request.method == "GET":
            return _page()
        if not _from_own_page(request):
            return PlainTextResponse("Sign in from this site's own page.", status_code=403)
        client = rate_key(client_address(self.gate, request))
        try:
            wait, imposed = await run_in_threadpool(self.throttle.begin, client)
        except (StoreError, OSError):  # the count must hold: no unthrottled checks meanwhile
            return _page("Sign-in is not possible right now: the database is not answering. "
                         "Please try again in a minute.", status=503)  # fmt: skip
        if wait > 0:  # refused unchecked: guessing stays slow however fast the requests come
            refusal = _page(f"Too many wrong attempts: try again in {wait:.0f} s.", status=429)
            refusal.headers["Retry-After"] = str(int(wait) + 1)
            return refusal
        body = b""
        async for chunk in request.stream():  # a form is small: stop reading past the limit
            body += chunk
            if len(body) > _MAX_FORM_BYTES:
                return _page("That form was too long.", status=413)
        form = parse_qs(body.decode("utf-8", "replace"))
        given = (form.get("passphrase") or [""])[0]
        who = (form.get("who") or [""])[0].strip()[:80]
        role = await run_in_threadpool(_matching_role, given, hashes)
        if role is None:  # already counted as failed by begin()
            extra = f" Wait {imposed:.0f} s before the next try." if imposed else ""
            return _page(f"That passphrase is not right.{extra}", status=401)
        await run_in_threadpool(self.throttle.succeed, client)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            issue_session(self.gate.secret, role, who),
            max_age=self.gate.settings.session_seconds,
            httponly=True,
            samesite="lax",
            secure=self.gate.settings.trusted_proxies.secure(request.scope),
            path="/",
        )
        return response

    async def signout(self, request: Request) -> Response:
        seconds = self.gate.settings.session_seconds
        signins = self.gate.signins
        # signed (not forged), whether revoked or not: a GET cannot fill the table with junk
        sids = [
            sid
            for sid in (
                session_id(request.cookies, self.gate.secret, seconds),
                oidc_session_id(request.cookies, self.gate.secret, seconds),
            )
            if sid
        ]
        # Streamlit's own route clears its identity cookie (and signs out at the provider)
        target = "/auth/logout" if STREAMLIT_USER_COOKIE in request.cookies else "/"
        response: Response = RedirectResponse(target, status_code=303)
        if sids and signins is not None:
            try:  # a copy of the cookies stops working too, on every process
                expires = signins.clock() + seconds * 1000
                for sid in sids:
                    await run_in_threadpool(signins.revoke, sid, expires)
            except (StoreError, OSError):
                response = _page(
                    "The sign-out could not be recorded (the database is not answering). This "
                    "browser is signed out; copies of its session work until it expires.",
                    status=503,
                )
        response.delete_cookie(SESSION_COOKIE, path="/")
        response.headers["Cache-Control"] = "no-store"
        return response


def _matching_role(given: str, hashes: Mapping[Role, str]) -> Role | None:
    """The highest role whose passphrase this is; every hash is checked (same time either way)."""
    matches = [role for role, stored in hashes.items() if verify_passphrase(given, stored)]
    return max(matches) if matches else None
