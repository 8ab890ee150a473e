"""About: what the app is for, and the sources behind its vocabulary."""

import streamlit as st

st.title("About Alliance Lens")
st.markdown((__import__("pathlib").Path(__file__).parent.parent / "docs" / "about.md").read_text()
            if (__import__("pathlib").Path(__file__).parent.parent / "docs" / "about.md").exists()
            else "Alliance Lens")
