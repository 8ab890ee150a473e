"""Alliance Lens entry point: serves the library's videos, takes uploads, declares the pages.

`streamlit run app.py` finds the ``st.App`` below and adds the media and upload routes to
its server. The UI lives under ``__main__`` because this file is also imported once as the
ASGI app.
"""

import streamlit as st
from starlette.routing import Mount

from alliance_lens.library import library_root
from alliance_lens.media_route import MEDIA_ROUTE, LibraryMedia
from alliance_lens.upload_route import upload_route

_MEDIA = library_root() / "media"
_UPLOAD_LIMIT = int(st.get_option("server.maxUploadSize")) * 1024 * 1024  # as the widget shows

app = st.App(
    __file__,
    routes=[
        Mount(MEDIA_ROUTE, app=LibraryMedia(_MEDIA)),
        upload_route(_MEDIA, max_bytes=_UPLOAD_LIMIT),
    ],
)

if __name__ == "__main__":
    from alliance_lens.ui.navigation import run_pages

    run_pages()
