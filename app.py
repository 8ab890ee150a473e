"""Alliance Lens entry point: serves the library's videos and declares the pages.

`streamlit run app.py` finds the ``st.App`` below and adds the media route to its server.
The UI lives under ``__main__`` because this file is also imported once as the ASGI app.
"""

import streamlit as st
from starlette.routing import Mount

from alliance_lens.library import library_root
from alliance_lens.media_route import MEDIA_ROUTE, LibraryMedia

app = st.App(__file__, routes=[Mount(MEDIA_ROUTE, app=LibraryMedia(library_root() / "media"))])

if __name__ == "__main__":
    from alliance_lens.ui.navigation import run_pages

    run_pages()
