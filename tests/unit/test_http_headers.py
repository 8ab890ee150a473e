"""http_headers: every HTTP response gets the policy; websockets pass untouched."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from alliance_lens.http_headers import (
    SecurityHeadersMiddleware,
    content_security_policy,
    inline_script_hashes,
)


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def test_policy_allows_only_this_app():
    policy = directives(content_security_policy(["'sha256-abc='"]))
    for name in ("default-src", "img-src", "media-src", "connect-src", "font-src", "script-src"):
        assert policy[name][0] == "'self'", name
        assert not [s for s in policy[name] if s.startswith(("http", "ws", "*"))], name
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert (
        "'unsafe-inline'" not in policy["script-src"]
        and "'unsafe-eval'" not in policy["script-src"]
    )
    assert "'sha256-abc='" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"] and policy["object-src"] == ["'none'"]


def test_streamlit_index_has_one_inline_script_and_it_is_hashed():
    import streamlit

    index = Path(streamlit.__file__).parent / "static" / "index.html"
    hashes = inline_script_hashes(index.read_text(encoding="utf-8"))
    assert len(hashes) == 1 and hashes[0].startswith("'sha256-")


def call(app, scope):
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    # a thread of its own: the browser tests' Playwright keeps an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return sent


def http_scope(path: str) -> dict:
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        "server": ("127.0.0.1", 8501),
        "client": ("127.0.0.1", 1),
        "root_path": "",
        "http_version": "1.1",
    }


def response_headers(sent: list[dict]) -> dict[str, str]:
    (start,) = [m for m in sent if m["type"] == "http.response.start"]
    return {k.decode().lower(): v.decode() for k, v in start["headers"]}


def app_with(middleware_hashes=()):
    def ok(request):
        return PlainTextResponse("ok")

    def own(request):
        return PlainTextResponse("own", headers={"Referrer-Policy": "same-origin"})

    return Starlette(
        routes=[Route("/", ok), Route("/own", own)],
        middleware=[Middleware(SecurityHeadersMiddleware, script_hashes=middleware_hashes)],
    )


def test_every_response_carries_the_headers_404s_included():
    app = app_with(["'sha256-x='"])
    for path in ("/", "/missing"):
        headers = response_headers(call(app, http_scope(path)))
        assert "'sha256-x='" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "SAMEORIGIN"


def test_a_header_the_route_set_is_kept():
    headers = response_headers(call(app_with(), http_scope("/own")))
    assert headers["referrer-policy"] == "same-origin"
    assert "content-security-policy" in headers


def test_websocket_and_lifespan_pass_untouched():
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope["type"])
        await send({"type": "websocket.accept", "headers": []})

    middleware = SecurityHeadersMiddleware(inner)
    sent = call(middleware, {"type": "websocket", "path": "/_stcore/stream", "headers": []})
    assert seen == ["websocket"] and sent == [{"type": "websocket.accept", "headers": []}]
