"""A stand-in for app.py under AppTest: the sidebar's language switch, then one page script (named in the session's
``harness_page``), run in the same script run. AppTest cannot run app.py's navigation (streamlit #9446); this runs
the very radio app.py draws, so a test clicks the language as a user does."""

import runpy

import streamlit as st

from ui.i18n import language_switch

with st.sidebar:
    language_switch()
runpy.run_path(st.session_state["harness_page"], run_name="__main__")
