"""Alliance Lens entry point: serves the library's videos, takes uploads, declares the pages.

`streamlit run app.py` finds the ``st.App`` below and adds the media, upload and stage routes
to its server. The UI lives under ``__main__`` because this file is also imported once as the
ASGI app.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Mount

from alliance_lens.datadir import resolve_db_url
from alliance_lens.http_headers import SecurityHeadersMiddleware, inline_script_hashes
from alliance_lens.library import library_root
from alliance_lens.media_route import MEDIA_ROUTE, LibraryMedia
from alliance_lens.page_redirects import redirect_routes
from alliance_lens.rooms.routes import lazy_rooms, room_routes
from alliance_lens.stage_route import stage_routes
from alliance_lens.upload_route import upload_route

# Streamlit's page has one inline script; the policy allows exactly that one by its hash
_INDEX = Path(st.__file__).parent / "static" / "index.html"
_HASHES = inline_script_hashes(_INDEX.read_text(encoding="utf-8")) if _INDEX.is_file() else []
_MEDIA = library_root() / "media"


def _db_url() -> str:
    """The database URL as the pages resolve it (environment, then secrets, then data folder)."""
    try:
        secrets = st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml: the environment or the data folder decides
        secrets = {}
    return resolve_db_url(secrets=secrets)


_UPLOAD_LIMIT = int(st.get_option("server.maxUploadSize")) * 1024 * 1024  # as the widget shows

app = st.App(
    __file__,
    routes=[
        Mount(MEDIA_ROUTE, app=LibraryMedia(_MEDIA)),
        upload_route(_MEDIA, max_bytes=_UPLOAD_LIMIT),
        *stage_routes(library_root()),  # the presenter's stage window (issue 13)
        *redirect_routes(),  # /watch -> / (Watch is the default page)
        *room_routes(lazy_rooms(_db_url)),  # the live room: participant page and actions
    ],
    middleware=[Middleware(SecurityHeadersMiddleware, script_hashes=_HASHES)],
)

if __name__ == "__main__":
    from alliance_lens.ui.navigation import run_pages

    run_pages()
