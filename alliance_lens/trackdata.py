"""The player's track data as an immutable resource of the app, named by its content digest.

A 10,000-cue track is ~2.5 MB of JSON. Sent as component data it travels through the websocket
on every rerun and the browser parses it again in one long task (measured: 60-300 ms). Served
from here instead, the component data carries only ``tracks_src`` (this route's URL with the
digest), the browser fetches it once, caches it (immutable), and parses it line by line in
short slices (``player/js/trackload.js``).

Body (``application/x-ndjson``, UTF-8): line 1 is ``{"version", "mode", "tracks"}`` with each
track's fields but ``cues`` replaced by ``cue_count``; then one line per cue, track by track.
``json.dumps`` escapes newlines in strings, so a line is always one whole value.

What is served is exactly the data ``playerdata.build_player_data`` made for one mode (no
notes for learners, no drafts: ``visibility``); the digest covers the mode and every byte, so
knowing one mode's URL does not give another's, and an unknown digest is a 404. Tracks under
``INLINE_LIMIT`` stay in the component data (no extra request for the usual file).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from collections import OrderedDict
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

TRACKS_ROUTE = "/library-tracks"
INLINE_LIMIT = 256 * 1024  # bytes of cue JSON (~1,000 cues); below it, data rides inline
STORE_BYTES = 128 * 1024 * 1024  # what the store keeps at most (oldest use evicted first)
CACHE_CONTROL = "private, max-age=31536000, immutable"  # the URL names its content
_DIGEST = re.compile(r"[0-9a-f]{64}")


class TrackStore:
    """Bodies by digest, least recently used evicted past ``max_bytes``; thread-safe."""

    def __init__(self, max_bytes: int = STORE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._gzipped: dict[str, bytes] = {}
        self._size = 0
        self._lock = threading.Lock()

    def __contains__(self, digest: str) -> bool:
        with self._lock:
            if digest in self._bodies:
                self._bodies.move_to_end(digest)
                return True
            return False

    def put(self, digest: str, body: bytes) -> None:
        with self._lock:
            if digest in self._bodies:
                self._bodies.move_to_end(digest)
                return
            self._bodies[digest] = body
            self._size += len(body)
            # the newest entry always stays: the page that put it is about to fetch it
            while self._size > self.max_bytes and len(self._bodies) > 1:
                old, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped) + len(self._gzipped.pop(old, b""))

    def get(self, digest: str) -> bytes | None:
        with self._lock:
            return self._bodies.get(digest)

    def gzipped(self, digest: str) -> bytes | None:
        """The body gzip-compressed (made once, on first request; ~10x smaller)."""
        with self._lock:
            body, packed = self._bodies.get(digest), self._gzipped.get(digest)
        if body is None or packed is not None:
            return packed
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        with self._lock:
            if digest in self._bodies:
                self._gzipped[digest] = packed
                self._size += len(packed)
        return packed


STORE = TrackStore()
_served = threading.Event()  # set once routes() built this process's route (st.App in app.py)


def routes(store: TrackStore = STORE) -> list[BaseRoute]:
    """Every route of track data, declared here only (so one guard can wrap them all)."""
    _served.set()
    return [Route(TRACKS_ROUTE + "/{digest}", _endpoint(store), methods=["GET", "HEAD"])]


def served() -> bool:
    """Whether this process serves the route (False under AppTest and plain scripts)."""
    return _served.is_set()


def track_url(digest: str) -> str:
    return f"{TRACKS_ROUTE}/{digest}"


def _endpoint(store: TrackStore) -> Any:
    async def serve(request: Request) -> Response:
        digest = request.path_params["digest"]
        if not _DIGEST.fullmatch(digest) or digest not in store:
            return PlainTextResponse("Not Found", status_code=404)
        headers = {
            "Cache-Control": CACHE_CONTROL,
            "ETag": f'"{digest}"',
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
        }
        if f'"{digest}"' in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            body = await run_in_threadpool(store.gzipped, digest)
            headers["Content-Encoding"] = "gzip"
        else:
            body = store.get(digest)
        if body is None:  # evicted in between
            return PlainTextResponse("Not Found", status_code=404)
        return Response(body, media_type="application/x-ndjson", headers=headers)

    return serve


def _line(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


# One track's cue lines and their digest, kept for the few tracks on screen: playerdata
# reuses a track's cue list across reruns (its own cache), so a rerun dumps nothing again.
_BLOCKS = 16
_blocks: OrderedDict[int, tuple[list[Any], bytes, bytes]] = OrderedDict()
_blocks_lock = threading.Lock()


def _cue_block(cues: list[Any]) -> tuple[bytes, bytes]:
    with _blocks_lock:
        hit = _blocks.get(id(cues))
        if hit is not None and hit[0] is cues:
            _blocks.move_to_end(id(cues))
            return hit[1], hit[2]
    block = b"".join(_line(c) for c in cues)
    digest = hashlib.sha256(block).digest()
    with _blocks_lock:
        _blocks[id(cues)] = (cues, block, digest)  # holds the list: its id stays its own
        while len(_blocks) > _BLOCKS:
            _blocks.popitem(last=False)
    return block, digest


def offload(data: dict[str, Any], store: TrackStore = STORE) -> dict[str, Any]:
    """``data`` with its tracks moved to the store (``tracks_src`` names them), when the route
    is served and the cues are big; otherwise ``data`` unchanged."""
    tracks = data.get("tracks") or []
    if not served() or not tracks:
        return data
    blocks = [_cue_block(t["cues"]) for t in tracks]
    if sum(len(b) for b, _ in blocks) < INLINE_LIMIT:
        return data
    head = _line(
        {
            "version": 1,
            "mode": data["mode"],
            "tracks": [
                {k: v for k, v in t.items() if k != "cues"} | {"cue_count": len(t["cues"])}
                for t in tracks
            ],
        }
    )
    digest = hashlib.sha256(head + b"".join(d for _, d in blocks)).hexdigest()
    if digest not in store:
        store.put(digest, head + b"".join(b for b, _ in blocks))
    return {**data, "tracks": [], "tracks_src": track_url(digest)}


def read_body(body: bytes) -> dict[str, Any]:
    """A served body back as ``{"mode", "tracks"}`` with the cues in place (tests, tools)."""
    head, *lines = body.decode().splitlines()
    meta = json.loads(head)
    cues = iter(json.loads(line) for line in lines)
    tracks = []
    for t in meta["tracks"]:
        count = t.pop("cue_count")
        tracks.append(t | {"cues": [next(cues) for _ in range(count)]})
    return {"mode": meta["mode"], "tracks": tracks}
