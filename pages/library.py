import streamlit as st

st.title("Library")
