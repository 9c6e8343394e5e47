"""Selections that live in the URL: widgets start from `st.query_params` and write back, so a link reproduces a view.

Widget keys are page-prefixed (`ind_indicator`, `map_year`…); the URL uses short names (`indicator`, `year`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

LIST_SEP = ","


def from_url(key: str, param: str, default: Any, valid: Callable[[Any], bool] | None = None, cast=str) -> None:
    """Seed the widget state `key` from URL parameter `param` the first time the widget is drawn.

    An invalid or unparsable URL value falls back to `default` instead of failing the page.
    """
    if key in st.session_state:
        return
    raw = st.query_params.get(param)
    value = default
    if raw is not None:
        try:
            parsed = cast(raw)
            if valid is None or valid(parsed):
                value = parsed
        except (TypeError, ValueError):
            pass
    st.session_state[key] = value


def list_from_url(key: str, param: str, default: Sequence[str], options: Sequence[str]) -> None:
    """Seed a multiselect's state from a comma-separated URL parameter, keeping only known options."""
    if key in st.session_state:
        return
    raw = st.query_params.get(param)
    allowed = set(options)
    chosen = [v for v in raw.split(LIST_SEP) if v in allowed] if raw else []
    st.session_state[key] = chosen or [v for v in default if v in allowed]


def to_url(params: dict[str, Any]) -> None:
    """Write the current selections (and the language) to the URL, replacing what was there."""
    encoded = {"lang": st.session_state.get("lang", "zh")}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            encoded[name] = LIST_SEP.join(str(v) for v in value)
        else:
            encoded[name] = str(value)
    if dict(st.query_params) != encoded:
        st.query_params.from_dict(encoded)


def reset_if_invalid(key: str, options: Sequence[Any], default: Any) -> None:
    """Drop a stale widget value (e.g. a region that the newly chosen indicator lacks)."""
    if key in st.session_state:
        value = st.session_state[key]
        if isinstance(value, list):
            kept = [v for v in value if v in options]
            st.session_state[key] = kept or [v for v in default if v in options]
        elif value not in options:
            st.session_state[key] = default


def range_from_url(key: str, param: str, low: int, high: int, default: tuple[int, int]) -> None:
    """Seed a range slider from a URL parameter like ``2002-2022``; reset a stale range outside [low, high]."""
    if key in st.session_state:
        a, b = st.session_state[key]
        if not low <= a <= b <= high:
            st.session_state[key] = default
        return
    value = default
    raw = st.query_params.get(param)
    if raw:
        try:
            a, b = (int(x) for x in raw.split("-"))
            if low <= a <= b <= high:
                value = (a, b)
        except ValueError:
            pass
    st.session_state[key] = value


def keep_horizon(key: str, freq: str, default: int, max_h: int) -> None:
    """Seed a horizon slider: the frequency's default when the frequency changed (5 years are not 5 months), else
    the current value if it fits. Streamlit resets a slider to its minimum when its bounds change unless the value
    is handed over through the Session State API, hence the assignment to itself."""
    freq_key = f"{key}_freq"
    if st.session_state.get(freq_key) not in (None, freq) or not 1 <= st.session_state[key] <= max_h:
        st.session_state[key] = default
    st.session_state[freq_key] = freq
    st.session_state[key] = st.session_state[key]
