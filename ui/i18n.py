"""The UI's words: `t(key, **values)` renders a string of common/strings in the session's language.

A thin wrapper over `common.text.render`: the strings, their check and the rendering rules live there; here is only
which language the session speaks (session state, else the URL's ``lang``, else Chinese), and the sidebar's radio
that switches it (:func:`language_switch`, drawn by app.py and by the tests' stand-in for it).
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from common.text import DEFAULT_LANG, LANG_NAMES, LANGS, render

__all__ = ["DEFAULT_LANG", "LANGS", "current_lang", "language_switch", "pick", "t"]


def current_lang() -> str:
    """The session's language: from session state, else the URL's `lang`, else Chinese."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state["lang"] = wanted if wanted in LANGS else DEFAULT_LANG
    return st.session_state["lang"]


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The string `key` in the current (or given) language, with `{placeholders}` filled from `values`."""
    return render(key, lang or current_lang(), **values)


def pick(texts: Mapping[str, str], lang: str | None = None) -> str:
    """The current language's entry of a {zh, en} mapping from metadata (or a `Text` / `Message`)."""
    return texts[lang or current_lang()]


LANG_WIDGET = "lang_choice"  # the sidebar radio's own key: its identity does not change with the language shown


def _switched() -> None:
    """The radio's callback: runs before the script, so the whole run that follows speaks the new language."""
    chosen = st.session_state[LANG_WIDGET]
    st.session_state["lang"] = chosen
    st.query_params["lang"] = chosen


def language_switch() -> None:
    """The sidebar's language radio: a click switches the session and the URL before the page runs again, so every
    widget of the page is drawn in the new language (their values are codes; only the labels are words).

    A keyed widget with a callback rather than a radio whose default follows the language and a rerun: that radio
    is a new widget after each switch, and a click arriving while the page's first run is settling was undone.
    """
    st.session_state[LANG_WIDGET] = current_lang()
    st.radio(
        t("app.language"), LANGS, key=LANG_WIDGET, horizontal=True, format_func=LANG_NAMES.get, on_change=_switched
    )
