"""About: what the app is for, privacy, and the sources behind its vocabulary."""

from pathlib import Path

import streamlit as st

ABOUT = Path(__file__).resolve().parent.parent / "docs" / "about.md"

st.title("About Alliance Lens")
st.markdown(ABOUT.read_text(encoding="utf-8"))
