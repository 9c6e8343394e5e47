"""Streamlit helpers: strings, URL state, caching, formatting, charts and footers shared by the pages."""
