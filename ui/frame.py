"""Guard that every page runs inside the app frame (app.py: navigation, sidebar, language).

Streamlit treats a folder named `pages/` next to the entry script as a legacy multipage app until the entry script
first calls `st.navigation`; a server's very first request for a deep link (e.g. /map) would then run the page
without the frame. `require_frame()` switches the legacy mode off and reruns, so app.py runs and routes the request.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def require_frame() -> None:
    """Rerun through app.py when Streamlit has run this page on its own in legacy pages/ mode."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
