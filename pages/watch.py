import streamlit as st

st.title("Watch")
