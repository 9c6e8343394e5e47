"""Interface strings in Chinese (default) and English.

Every string a page shows comes from ui/strings/*.yaml (one file per page or area) through `t(key, **values)`;
a test fails when a key used in the code is missing or lacks a translation.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit as st
import yaml

STRINGS_DIR = Path(__file__).resolve().parent / "strings"
LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """All interface strings: key → {zh, en}, merged from every file in ui/strings/.

    Raises:
        ValueError: a key is defined in two files.
    """
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(STRINGS_DIR.glob("*.yaml")):
        for key, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"{path.name}: string key {key!r} is already defined in another file")
            merged[key] = texts
    return merged


def current_lang() -> str:
    """The session's language: from session state, else the URL's `lang`, else Chinese."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state["lang"] = wanted if wanted in LANGS else DEFAULT_LANG
    return st.session_state["lang"]


def t(key: str, lang: str | None = None, **values) -> str:
    """The string `key` in the current (or given) language, with `{placeholders}` filled from `values`."""
    text = strings()[key][lang or current_lang()]
    return text.format(**values) if values else text


def pick(texts: dict[str, str], lang: str | None = None) -> str:
    """The current language's entry of a {zh, en} mapping from metadata."""
    return texts[lang or current_lang()]
