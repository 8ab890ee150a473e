"""The HTTP route that streams library videos from disk (Range requests, flat memory).

``st.video`` would read a whole file into server memory and Streamlit's static folder
refuses files over 200 MiB; Starlette's StaticFiles streams with ``206 Partial Content``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from starlette.responses import PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

MEDIA_ROUTE = "/library-media"  # "/media" is Streamlit's own
SERVED_SUFFIXES = {".mp4", ".m4v", ".webm", ".mov", ".mkv", ".ogv", ".vtt"}


class LibraryMedia(StaticFiles):
    """Videos and captions under ``media/`` only; no listings, no symlinks out, no other files."""

    def __init__(self, media_dir: Path) -> None:
        # check_dir=False: a library without media/ still starts; requests then get 404
        super().__init__(directory=media_dir, check_dir=False, follow_symlink=False)

    async def get_response(self, path: str, scope: Scope) -> Response:
        if Path(path).suffix.lower() not in SERVED_SUFFIXES:
            return PlainTextResponse("Not Found", status_code=404)
        response = await super().get_response(path, scope)
        # confidential recordings: never kept by shared caches or proxies
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if path.endswith(".vtt"):
            response.headers["Content-Type"] = "text/vtt; charset=utf-8"
        return response


def media_url(relative_path: str) -> str:
    """URL of a file relative to media/, as the browser asks for it."""
    return f"{MEDIA_ROUTE}/{quote(relative_path)}"
