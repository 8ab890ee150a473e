"""The stage window's HTTP routes: its page, its data (no answers) and the player's scripts.

The stage is a plain page with no Streamlit session: ``/stage/<video>?tracks=a,b`` loads
``/stage-assets/js/stage.js`` (the player's own ES modules, served from the package), which
fetches ``/stage-data/<video>`` (``stagedata.build_stage_data``) and follows the console over
a ``BroadcastChannel``. No inline script, so the app's Content-Security-Policy holds as is.
``stage_routes`` is the one list of these routes, so a guard (sign-in, roles) can wrap them.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from . import video
from .errors import AllianceLensError
from .library import Entry, Library, library_signature, scan_library
from .media_route import media_url
from .playerdata import VideoSource
from .stagedata import (
    STAGE_ASSETS,
    STAGE_DATA_ROUTE,
    STAGE_ROUTE,
    build_stage_data,
    parse_tracks,
    stage_data_url,
)

PLAYER_DIR = Path(__file__).resolve().parent / "player"
ASSET_SUFFIXES = {".js", ".css"}
NO_STORE = {"Cache-Control": "no-store"}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stage · Alliance Lens</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{assets}/stage.css">
<script type="module" src="{assets}/js/stage.js"></script>
</head>
<body class="al-stage-page">
<main id="al-stage-host" data-src="{data}" data-css="{assets}/player.css {assets}/stage.css"
  aria-label="Stage"></main>
<section class="al-stage-wait" aria-label="Waiting">
<h1 class="al-stage-wait-title">Alliance Lens</h1>
<p class="al-stage-wait-msg" role="status">Waiting for the presenter's console…</p>
<p class="al-stage-wait-hint">The video appears here when the presenter starts.</p>
</section>
</body>
</html>
"""


class PlayerAssets(StaticFiles):
    """The player's scripts and style sheets (``alliance_lens/player``); nothing else."""

    def __init__(self, directory: Path = PLAYER_DIR) -> None:
        super().__init__(directory=directory, follow_symlink=False)

    async def get_response(self, path: str, scope: Scope) -> Response:
        if Path(path).suffix.lower() not in ASSET_SUFFIXES:
            return PlainTextResponse("Not Found", status_code=404)
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "no-cache"  # revalidate: a new version shows at once
        return response


class _Cached:
    """The library, scanned again only when a file under it changes (as the pages do)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        self.key: object = None
        self.library: Library | None = None
        self.probes: dict[tuple[str, int, int], VideoSource | str] = {}

    def get(self) -> Library:
        key = library_signature(self.root)
        with self.lock:
            if self.library is None or key != self.key:
                self.library = scan_library(self.root, probe_duration=video.probe_duration_ms)
                self.key = key
            return self.library

    def source(self, library: Library, entry: Entry) -> VideoSource | str:
        """The video as the stage loads it, or why it cannot (in words)."""
        path = entry.video_path
        if path is None or not path.is_file():
            return "This video is not in the library's media folder."
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        with self.lock:
            hit = self.probes.get(key)
        if hit is None:
            try:
                info = video.probe(path)
            except AllianceLensError as exc:
                hit = exc.message
            else:
                captions = entry.captions_path
                hit = VideoSource(
                    media_url(library.media_relative(path)),
                    info.fps,
                    info.duration_ms,
                    media_url(library.media_relative(captions)) if captions else None,
                )
            with self.lock:
                self.probes[key] = hit
        return hit


def stage_routes(library_root: Path) -> list[BaseRoute]:
    """Every route the stage needs: its page, its data and the player's assets."""
    cache = _Cached(library_root)

    def _entry(request: Request) -> tuple[Library, Entry] | Response:
        slug = request.path_params["slug"]
        library = cache.get()
        entry = library.entry(slug)
        # presenters see only files that load without errors (as on the Watch page)
        if entry is None or entry.doc is None or entry.has_errors or entry.video_url:
            return PlainTextResponse(
                "No such video for a stage.", status_code=404, headers=NO_STORE
            )
        return library, entry

    def page(request: Request) -> Response:
        found = _entry(request)
        if isinstance(found, Response):
            return found
        tracks = parse_tracks(request.query_params.get("tracks"))
        body = PAGE.format(
            assets=STAGE_ASSETS,
            data=html.escape(stage_data_url(found[1].slug, tracks), quote=True),
        )
        return HTMLResponse(body, headers=NO_STORE)

    def data(request: Request) -> Response:
        found = _entry(request)
        if isinstance(found, Response):
            return found
        library, entry = found
        source = cache.source(library, entry)
        if isinstance(source, str):
            return PlainTextResponse(source, status_code=409, headers=NO_STORE)
        assert entry.doc is not None
        tracks = parse_tracks(request.query_params.get("tracks"))
        stage = build_stage_data(entry.doc, library.vocabulary, source, tracks)
        return JSONResponse(stage | {"slug": entry.slug}, headers=NO_STORE)

    return [
        Route(STAGE_ROUTE + "/{slug}", page, methods=["GET"]),
        Route(STAGE_DATA_ROUTE + "/{slug}", data, methods=["GET"]),
        Mount(STAGE_ASSETS, app=PlayerAssets()),
    ]
