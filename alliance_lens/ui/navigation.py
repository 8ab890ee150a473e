"""The app's pages, in the order the sidebar shows them."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parents[2] / "views"


def run_pages() -> None:
    # an emoji favicon is drawn locally; a :material/ one is fetched from fonts.gstatic.com
    st.set_page_config(page_title="Alliance Lens", page_icon="🔎", layout="wide")
    pages = [
        st.Page(PAGES_DIR / "watch.py", title="Watch", icon=":material/play_circle:", default=True),
        st.Page(PAGES_DIR / "library.py", title="Library", icon=":material/video_library:"),
        st.Page(PAGES_DIR / "author.py", title="Author", icon=":material/edit_note:"),
        st.Page(PAGES_DIR / "reflections.py", title="Reflections", icon=":material/auto_stories:"),
        st.Page(PAGES_DIR / "about.py", title="About", icon=":material/info:"),
    ]
    st.navigation([p for p in pages]).run()
