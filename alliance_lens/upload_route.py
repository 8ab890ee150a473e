"""The HTTP route that streams an uploaded video to disk in chunks (flat memory, no partial files).

``st.file_uploader`` holds a whole upload in server memory (a 600 MB file grew RSS by 1.2 GB).
This route takes the raw body of ``PUT /library-upload?name=<file name>``, writes it in 1 MiB
blocks to ``media/.upload-<random>.part``, refuses it as soon as it passes the size limit,
checks that it is a readable video, then links it into ``media/`` under a safe name that is
not taken (``os.link`` never overwrites). The part file is removed whatever happens: refusal,
cancel, dropped connection, full disk.

Cross-site uploads are refused twice: the request must carry a token the page handed to the
widget (signed by this process's secret, expiring), and its ``Origin``/``Sec-Fetch-Site``
must say it comes from this same site.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import os
import secrets
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from alliance_lens.authoring import DEFAULT_MAX_UPLOAD_BYTES, UploadError, safe_name
from alliance_lens.errors import AllianceLensError
from alliance_lens.library import VIDEO_SUFFIXES

UPLOAD_ROUTE = "/library-upload"
TOKEN_HEADER = "X-Upload-Token"
TOKEN_TTL_S = 12 * 3600
WRITE_BLOCK = 1 << 20  # bytes gathered before one write to disk
PART_GLOB = ".upload-*.part"
STALE_PART_S = 24 * 3600  # a part file this old belongs to a server that died mid-upload
DISK_FULL = (
    "Upload failed: the server's disk is full (or too full for this file). Nothing was kept; "
    "free some space or ask whoever runs the app."
)


class UploadTokens:
    """Expiring upload tokens signed with HMAC-SHA256; checking one needs no stored state.

    >>> tokens = UploadTokens(b"k" * 32, clock=lambda: 1000.0)
    >>> t = tokens.issue()
    >>> tokens.valid(t), tokens.valid(t + "x"), tokens.valid("")
    (True, False, False)
    >>> UploadTokens(b"k" * 32, clock=lambda: 1000.0 + TOKEN_TTL_S + 1).valid(t)
    False
    """

    def __init__(
        self,
        secret: bytes | None = None,
        *,
        ttl_s: int = TOKEN_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret or secrets.token_bytes(32)
        self._ttl_s, self._clock = ttl_s, clock

    def _sign(self, text: str) -> str:
        return hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        """A new token for one page session: ``<expiry>.<nonce>.<signature>``."""
        body = f"{int(self._clock()) + self._ttl_s}.{secrets.token_hex(12)}"
        return f"{body}.{self._sign('token:' + body)}"

    def valid(self, token: str) -> bool:
        expires, _, rest = token.partition(".")
        nonce, _, signature = rest.partition(".")
        if not (expires.isdigit() and nonce and signature):
            return False
        body = f"{expires}.{nonce}"
        good = hmac.compare_digest(signature, self._sign("token:" + body))
        return good and int(expires) > self._clock()

    def receipt(self, name: str) -> str:
        """Proof, for the page, that this route saved ``name`` (the browser relays it)."""
        return self._sign("saved:" + name)

    def saved(self, name: str, receipt: str) -> bool:
        return hmac.compare_digest(receipt, self.receipt(name))


TOKENS = UploadTokens()  # this process's: the page issues from it, the route checks with it


def same_site(headers: Headers) -> bool:
    """True when the browser says the request comes from this site's own pages.

    Browsers send ``Origin`` with every PUT/POST; it must name the host the request was sent
    to. ``Sec-Fetch-Site``, when present, must be ``same-origin``.
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    origin, host = headers.get("origin", ""), headers.get("host", "")
    if not origin or origin == "null" or not host:
        return False
    # the scheme may differ behind a TLS proxy; the host and port must not
    return urlsplit(origin).netloc.lower() == host.lower()


class TooLarge(Exception):
    pass


def _message(status: int, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _link_unique(part: Path, folder: Path, stem: str, suffix: str) -> Path:
    """Link ``part`` to ``folder/stem+suffix`` or ``stem-2``... : the first name free *now*."""
    for n in range(1, 10_000):
        dest = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            os.link(part, dest)
            return dest
        except FileExistsError:
            continue
    raise UploadError("could not find a free file name", file=stem + suffix)


def _free_bytes(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 1 << 62  # unknown: let the writes find out


def _probe_video(path: Path) -> None:
    from alliance_lens import video  # OpenCV: loaded on the first upload, not at start-up

    video.probe(path)


def sweep_stale_parts(media_dir: Path, older_than_s: float = STALE_PART_S) -> list[Path]:
    """Remove part files left by a server that was killed mid-upload."""
    removed = []
    for part in media_dir.glob(PART_GLOB):
        try:
            if time.time() - part.stat().st_mtime > older_than_s:
                part.unlink()
                removed.append(part)
        except OSError:
            continue
    return removed


class UploadEndpoint:
    """ASGI endpoint for ``PUT {UPLOAD_ROUTE}?name=...``; mount it with a Starlette ``Route``."""

    def __init__(
        self,
        media_dir: Path,
        *,
        max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
        allowed: Iterable[str] = VIDEO_SUFFIXES,
        tokens: UploadTokens = TOKENS,
        check: Callable[[Path], object] | None = _probe_video,
    ) -> None:
        self.media_dir, self.max_bytes = Path(media_dir), max_bytes
        self.allowed, self.tokens, self.check = frozenset(allowed), tokens, check
        if self.media_dir.is_dir():
            sweep_stale_parts(self.media_dir)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        if not same_site(request.headers):
            return _message(403, "Upload refused: it did not come from this app's own page.")
        if not self.tokens.valid(request.headers.get(TOKEN_HEADER, "")):
            return _message(
                403,
                "Upload refused: the page's upload permission is missing or "
                "has expired. Reload the page and try again.",
            )
        name = request.query_params.get("name", "")
        try:
            stem, suffix = safe_name(name, self.allowed)
        except UploadError as exc:
            return _message(415, f"Upload refused: {exc.message}.")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return self._too_large(name)
        if declared == "0":
            return _message(400, f"Upload refused: {name} is empty.")
        try:
            await to_thread.run_sync(lambda: self.media_dir.mkdir(parents=True, exist_ok=True))
        except OSError as exc:
            return _message(
                500, f"Upload failed: the library's media folder cannot be made ({exc.strerror})."
            )
        if declared.isdigit() and int(declared) > _free_bytes(self.media_dir):
            return _message(507, DISK_FULL)
        part = self.media_dir / f".upload-{uuid.uuid4().hex}.part"
        try:
            return await self._receive(request, part, name, stem, suffix)
        finally:
            part.unlink(missing_ok=True)  # also when the task is cancelled

    async def _receive(
        self, request: Request, part: Path, name: str, stem: str, suffix: str
    ) -> Response:
        try:
            size = await self._write(request, part)
            if size == 0:
                return _message(400, f"Upload refused: {name} is empty.")
            if self.check is not None:
                await to_thread.run_sync(self.check, part)
            dest = await to_thread.run_sync(_link_unique, part, self.media_dir, stem, suffix)
        except TooLarge:
            return self._too_large(name)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is listening; the part file goes
        except UploadError as exc:
            return _message(409, f"Upload failed: {exc.message}.")
        except AllianceLensError as exc:
            return _message(
                415, f"Upload refused: {name} is not a video this app can read ({exc.message})."
            )
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                return _message(507, DISK_FULL)
            return _message(500, f"Upload failed: the file could not be written ({exc.strerror}).")
        return JSONResponse(
            {"name": dest.name, "size": size, "receipt": self.tokens.receipt(dest.name)},
            status_code=201,
        )

    async def _write(self, request: Request, part: Path) -> int:
        """Copy the request body into ``part`` in blocks; refuse it once it passes the limit."""
        size, buffer = 0, bytearray()
        out: IO[bytes] = await to_thread.run_sync(part.open, "xb")
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > self.max_bytes:
                    raise TooLarge
                buffer += chunk
                if len(buffer) >= WRITE_BLOCK:
                    block, buffer = bytes(buffer), bytearray()
                    await to_thread.run_sync(out.write, block)
            if buffer:
                await to_thread.run_sync(out.write, bytes(buffer))
            await to_thread.run_sync(_flush, out)
        finally:
            await to_thread.run_sync(_close_quietly, out)
        return size

    def _too_large(self, name: str) -> JSONResponse:
        limit = f"{self.max_bytes / 1024**2:,.0f} MB"
        return _message(
            413,
            f"Upload refused: {name} is larger than the upload limit of {limit}.",
            limit=self.max_bytes,
        )


def upload_route(
    media_dir: Path,
    *,
    max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    tokens: UploadTokens = TOKENS,
    check: Callable[[Path], object] | None = _probe_video,
) -> Route:
    """The ``Route`` to give ``st.App(routes=[...])``: PUT only (other methods get 405)."""
    endpoint = UploadEndpoint(media_dir, max_bytes=max_bytes, tokens=tokens, check=check)
    return Route(UPLOAD_ROUTE, endpoint, methods=["PUT"])


def _flush(out: IO[bytes]) -> None:
    out.flush()
    os.fsync(out.fileno())


def _close_quietly(out: IO[bytes]) -> None:
    # a full disk can fail the final flush too; the caller removes the file
    with contextlib.suppress(OSError):
        out.close()
