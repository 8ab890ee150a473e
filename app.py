"""Alliance Lens entry point: serves the library's videos, takes uploads, declares the pages.

`streamlit run app.py` finds the ``st.App`` below and adds the media, upload and stage routes
to its server (and big tracks' data, ``trackdata``). The UI lives under ``__main__`` because
this file is also imported once as the ASGI app.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Mount

from alliance_lens import trackdata
from alliance_lens.access import Role, startup_refusal
from alliance_lens.access_routes import (
    SIGNIN_ROUTE,
    AccessGuard,
    PassphraseRoutes,
    client_address,
    endpoint_guard,
)
from alliance_lens.client_address import keep_peer_under_uvicorn
from alliance_lens.datadir import resolve_db_url
from alliance_lens.http_headers import SecurityHeadersMiddleware, inline_script_hashes
from alliance_lens.library import library_root
from alliance_lens.media_route import MEDIA_ROUTE, LibraryMedia
from alliance_lens.page_redirects import redirect_routes
from alliance_lens.rooms.routes import API as ROOM_API
from alliance_lens.rooms.routes import ASSETS as JOIN_ASSETS
from alliance_lens.rooms.routes import JOIN_ROUTE, lazy_rooms, room_routes
from alliance_lens.signin_store import JoinLimit
from alliance_lens.stage_route import STAGE_ASSETS, STAGE_DATA_ROUTE, STAGE_ROUTE, stage_routes
from alliance_lens.trackdata import TRACKS_ROUTE
from alliance_lens.ui.access import build_gate
from alliance_lens.upload_route import UPLOAD_ROUTE, upload_route

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


# The role each of the app's own routes needs (None: open; the route checks e.g. a room code).
# A new route adds one line here; AccessGuard answers 401/403 before the route sees a request.
ROUTE_ROLES: dict[str, Role | None] = {
    MEDIA_ROUTE: Role.LEARNER,
    UPLOAD_ROUTE: Role.EDUCATOR,
    SIGNIN_ROUTE: None,
    STAGE_ROUTE: Role.PRESENTER,
    STAGE_DATA_ROUTE: Role.PRESENTER,
    STAGE_ASSETS: Role.PRESENTER,
    TRACKS_ROUTE: Role.LEARNER,  # the digest also names the mode: no URL leads to another's
    JOIN_ROUTE: None,  # a room's participants: the room's code is their key
    JOIN_ASSETS: None,
    ROOM_API: None,
}

_GATE = build_gate()
keep_peer_under_uvicorn()  # the real peer, for [access] trusted_proxies (client_address.py)
_REFUSAL = startup_refusal(_GATE.address, _GATE.settings)
if _REFUSAL:  # listening beyond this computer with nobody signing in
    raise SystemExit(_REFUSAL)

app = st.App(
    __file__,
    routes=[
        Mount(MEDIA_ROUTE, app=LibraryMedia(_MEDIA)),
        upload_route(_MEDIA, max_bytes=_UPLOAD_LIMIT),
        *PassphraseRoutes(_GATE).routes(),
        *stage_routes(library_root()),  # the presenter's stage window (issue 13)
        *redirect_routes(),  # /watch -> / (Watch is the default page)
        *trackdata.routes(),  # big tracks by content digest (the player fetches them)
        # the live room: participant page and actions; presenter actions need the room's key
        # and, when sign-in is configured, a presenter's session
        *room_routes(
            lazy_rooms(_db_url),
            presenter_guard=endpoint_guard(_GATE, Role.PRESENTER),
            join_limit=JoinLimit(_GATE.signins) if _GATE.signins else None,
            client=lambda request: client_address(_GATE, request),
        ),
    ],
    middleware=[
        Middleware(SecurityHeadersMiddleware, script_hashes=_HASHES),
        Middleware(AccessGuard, gate=_GATE, rules=ROUTE_ROLES),
    ],
)

if __name__ == "__main__":
    from alliance_lens.ui.navigation import run_pages

    run_pages()
