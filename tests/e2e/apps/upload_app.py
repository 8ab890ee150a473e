"""Test app for the upload widget: the app's upload route plus the widget, nothing else.

Run by tests/e2e/test_upload.py with ``streamlit run`` on a temporary library
(``ALLIANCE_LENS_LIBRARY``); shows the saved name as plain text.
"""

import streamlit as st

from alliance_lens.library import library_root
from alliance_lens.upload_route import upload_route

_LIMIT = int(st.get_option("server.maxUploadSize")) * 1024 * 1024
app = st.App(__file__, routes=[upload_route(library_root() / "media", max_bytes=_LIMIT)])

if __name__ == "__main__":
    from alliance_lens.ui.uploader import upload_widget

    name = upload_widget("upload", label="Choose a video, or drop it here")
    if name:
        st.session_state["saved"] = [*st.session_state.get("saved", []), name]
    st.text("Saved: " + ", ".join(st.session_state.get("saved", [])))
