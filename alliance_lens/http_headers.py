"""Security headers on every HTTP response: the browser may load and contact only this app.

Defence in depth behind the escaping in ``richtext``: even if text from a commentary file
slipped through as an image, a link or a script, the Content-Security-Policy keeps the browser
from contacting another host or running it. Streamlit needs inline styles (emotion, the
player's shadow-root CSS), ``data:`` images and fonts, ``blob:`` modules (components v2),
media and workers, and one inline script in its ``index.html``, allowed by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def inline_script_hashes(html: str) -> list[str]:
    """CSP hash sources for the inline scripts of a page (e.g. Streamlit's ``index.html``).

    >>> inline_script_hashes("<script>a</script><script src='x.js'></script>")
    ["'sha256-ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs='"]
    """
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """The policy: everything from this origin only; nothing framed from or loaded elsewhere."""
    directives = {
        "default-src": "'self'",
        # components v2 import their inline JS as blob: modules; only a script already
        # running in this page can make a blob: URL, so this opens nothing to a file's text.
        # Streamlit compiles WebAssembly at start; 'wasm-unsafe-eval' allows that, not eval().
        "script-src": " ".join(["'self'", "blob:", "'wasm-unsafe-eval'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",  # Streamlit's CSS-in-JS and component CSS
        "img-src": "'self' data: blob:",  # onset thumbnails are data: URIs
        "media-src": "'self' blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",  # also the app's own websocket (CSP 3)
        "worker-src": "'self' blob:",
        "frame-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(script_hashes: Iterable[str] = ()) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(script_hashes),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "SAMEORIGIN",  # frame-ancestors for browsers without CSP 2
    }


class SecurityHeadersMiddleware:
    """ASGI middleware adding ``security_headers`` to every HTTP response it passes on.

    Headers the app set itself are kept; websocket and lifespan traffic pass untouched.
    """

    def __init__(self, app: ASGIApp, script_hashes: Iterable[str] = ()) -> None:
        self.app = app
        self.headers = security_headers(script_hashes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
