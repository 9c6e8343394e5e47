"""Run one page script under Streamlit's AppTest, with a language and URL parameters, as every page test does.

Pages are run directly (not through app.py): AppTest reruns skip the entry point when page files live in a folder
named pages/ (streamlit #9446); navigation is tested in the browser.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from ui import navigation

ROOT = Path(__file__).resolve().parents[1]


def page_path(url_path: str) -> Path:
    """The script of the page served at `/<url_path>`, as app.py declares it."""
    return ROOT / navigation.script(url_path)


def open_page(
    name: str,
    query: Mapping[str, str] | None = None,
    lang: str = "zh",
    timeout: float = 120,
    state: Mapping[str, Any] | None = None,
    run: bool = True,
) -> AppTest:
    """The page served at `/<name>` with `lang` and `state` in its session and `query` in its URL, run once."""
    at = AppTest.from_file(str(page_path(name)), default_timeout=timeout)
    at.session_state["lang"] = lang
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run() if run else at


_ESCAPED = re.compile("\\\\([" + re.escape(string.punctuation) + "])")


def rendered(markdown: str) -> str:
    """The text a Markdown source shows for its escaped characters (outside text is escaped by `ui.inert`), without
    the invisible word joiners that keep addresses from becoming links."""
    return _ESCAPED.sub(r"\1", markdown).replace("\u2060", "")
