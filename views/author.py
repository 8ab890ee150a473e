"""Author: build and edit commentary tracks against the video, without ever losing work."""

import streamlit as st

from alliance_lens.ui.author import render_author_page
from alliance_lens.ui.loaders import get_library

st.set_page_config(page_title="Author · Alliance Lens", layout="wide")  # tables need the width
render_author_page(get_library())
