"""Streamlit-only helpers shared by the pages (the core never imports this package)."""
