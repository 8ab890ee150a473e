"""The app's pages, in the order the sidebar shows them: only those the visitor's role may open."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from alliance_lens.ui.access import current_access, sidebar_identity, sign_in_page

PAGES_DIR = Path(__file__).resolve().parents[2] / "views"


def run_pages() -> None:
    # an emoji favicon is drawn locally; a :material/ one is fetched from fonts.gstatic.com
    st.set_page_config(page_title="Alliance Lens", page_icon="🔎", layout="wide")
    pages = {
        "watch": st.Page(
            PAGES_DIR / "watch.py", title="Watch", icon=":material/play_circle:", default=True
        ),
        "library": st.Page(
            PAGES_DIR / "library.py", title="Library", icon=":material/video_library:"
        ),
        "author": st.Page(PAGES_DIR / "author.py", title="Author", icon=":material/edit_note:"),
        "reflections": st.Page(
            PAGES_DIR / "reflections.py", title="Reflections", icon=":material/auto_stories:"
        ),
        "about": st.Page(PAGES_DIR / "about.py", title="About", icon=":material/info:"),
    }
    # the role is checked here, before any page draws: a page the role may not open is not
    # in the navigation at all, so its address (a bookmark, a copied link) cannot run it
    access = current_access()
    allowed = [page for name, page in pages.items() if access.page(name)]
    if not allowed:
        allowed = [st.Page(sign_in_page, title="Sign in", icon="🔑", url_path="signin-page")]
    sidebar_identity(access)
    st.navigation(allowed).run()
