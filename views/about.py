"""About: what the app is for, privacy, and the sources behind its vocabulary."""

import streamlit as st

from alliance_lens.docs import read_doc

st.title("About Alliance Lens")
st.markdown(read_doc("about"))
