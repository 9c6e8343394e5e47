"""Selections that live in the URL, so a link reproduces a view.

A page makes one :class:`PageUrl` per run and draws each widget worth sharing through it. Each call seeds the
widget's value from the URL the first time, drops a value that is no longer valid (a region the newly chosen
indicator lacks), draws the widget and records its value; :meth:`PageUrl.write` then replaces the URL's query with
the language and what was recorded::

    url = state.PageUrl("fc")
    ind_id = url.choice(st.selectbox, "indicator", ids, default="gdp", label=t("forecast.indicator"))
    h = url.number(st.slider, "h", 1, top, default=5, label=t("forecast.horizon"), follows=ind.freq)
    url.write()

The URL uses short names (`indicator`, `h`); a widget's session key is the page's prefix and that name
(`fc_indicator`, `fc_h`) unless the call names another. A value is written as its text and read back by matching
that text against the options, so codes and years round-trip without a cast; lists are comma-separated, ranges
``2002-2022``. The URL is written once per run, replacing what was there, so it keeps no parameter the view no
longer has. A part of the page drawn in an ``st.fragment`` reruns alone when one of its widgets changes; it records
its widgets in the page's `PageUrl` (the one of the last full run, which holds the rest of the page's values) and
calls :meth:`PageUrl.write_from_fragment` at its end, so the link follows that change too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.i18n import t
from ui.inert import inert

LIST_SEP = ","
DATA_PARAM = "data"  # the data version a view was drawn from
RANGE_SEP = "-"
_ALWAYS = object()  # `follows` not given: the value never goes back to its default because something else changed

Draw = Callable[..., Any]  # a widget function: st.selectbox, a column's radio, st.select_slider …


def _option(text: str, options: Sequence[Any]) -> Any:
    """The option whose text is `text`.

    Raises:
        ValueError: no option reads so.
    """
    for option in options:
        if str(option) == text:
            return option
    raise ValueError(text)


def _seed(key: str, param: str, default: Any, parse: Callable[[str], Any], fix: Callable[[Any], Any], follows) -> None:
    """Put the widget's value in the session before it is drawn.

    The first time: the URL's value when it parses and is valid, else `default`. Later: `default` when `follows`
    changed since the last run (5 years are not 5 months), else the kept value as `fix` repairs it. The value is
    always handed over through the Session State API: Streamlit resets a slider whose bounds changed otherwise.
    """
    state = st.session_state
    moved = False
    if follows is not _ALWAYS:
        marker = f"{key}_follows"
        moved = state.get(marker, follows) != follows
        state[marker] = follows
    if moved:
        value = default
    elif key in state:
        value = fix(state[key])
    else:
        raw = st.query_params.get(param)
        try:
            value = default if raw is None else fix(parse(raw))
        except (TypeError, ValueError):
            value = default
    state[key] = value


def _int_range(raw: str) -> tuple[int, int]:
    low, high = (int(x) for x in raw.split(RANGE_SEP))
    return low, high


class PageUrl:
    """The URL parameters of one run of a page, collected as its widgets are drawn and written at once.

    Args:
        prefix: the page's prefix of session keys (``ind``, ``fc``, ``map`` …).
        data: the data version the view is drawn from (`ui.cache.data_token`), recorded in the URL as ``data``; a
            link made on other data says so once when opened (the view shows the current data: only a published
            forecast is kept as it was, behind its permalink).
    """

    def __init__(self, prefix: str, data: str | None = None) -> None:
        self.prefix = prefix
        self.params: dict[str, str] = {}
        self.data = data

    def _key(self, param: str, key: str | None) -> str:
        return key or f"{self.prefix}_{param}"

    def choice(
        self,
        draw: Draw,
        param: str,
        options: Sequence[Any],
        *,
        default: Any,
        label: str,
        key: str | None = None,
        omit_default: bool = False,
        **widget: Any,
    ) -> Any:
        """One of `options`, drawn as ``draw(label, options, key=key, **widget)`` (select box, radio, select
        slider). A `default` that is not offered falls back to the first option; with `omit_default` the URL leaves
        the default out."""
        key, options = self._key(param, key), list(options)
        if default not in options:
            default = options[0] if options else None
        _seed(key, param, default, lambda raw: _option(raw, options), lambda v: v if v in options else default, _ALWAYS)
        value = draw(label, options, key=key, **widget)
        self.put(param, None if omit_default and value == default else value)
        return value

    def choices(
        self,
        draw: Draw,
        param: str,
        options: Sequence[Any],
        *,
        default: Sequence[Any],
        label: str,
        key: str | None = None,
        omit_default: bool = False,
        follows: Any = _ALWAYS,
        **widget: Any,
    ) -> list:
        """Several of `options` (a multiselect). Unknown or stale entries are dropped, and when that leaves nothing
        of a non-empty value (a link to regions the indicator lacks) the choice is `default`, as after a change of
        `follows` (national and provincial cards differ). A deliberate empty choice stays empty, in the session and
        in the link (``regions=``): the page says what to choose rather than silently choosing for the user."""
        key, options = self._key(param, key), list(options)
        default = [v for v in default if v in options]

        def parse(raw: str) -> list:
            # Unknown parts stay as text (no option reads so), for `fix` to tell a stale value from an empty one.
            return [next((o for o in options if str(o) == part), part) for part in raw.split(LIST_SEP) if part]

        def fix(value: Sequence[Any]) -> list:
            kept = [v for v in value if v in options]
            return kept if kept or not value else default

        _seed(key, param, default, parse, fix, follows)
        value = draw(label, options, key=key, **widget)
        self.put(param, None if omit_default and value == default else value)
        return value

    def number(
        self,
        draw: Draw,
        param: str,
        low: int,
        high: int,
        *,
        default: int,
        label: str,
        key: str | None = None,
        follows: Any = _ALWAYS,
        **widget: Any,
    ) -> int:
        """A whole number from `low` to `high` (a slider); back to `default` when `follows` changed, such as a
        horizon following the series' frequency."""
        key = self._key(param, key)
        _seed(key, param, default, int, lambda v: v if low <= v <= high else default, follows)
        value = draw(label, low, high, key=key, **widget)
        self.put(param, value)
        return value

    def span(
        self,
        draw: Draw,
        param: str,
        low: int,
        high: int,
        *,
        default: tuple[int, int],
        label: str,
        key: str | None = None,
    ) -> tuple[int, int]:
        """A range ``(start, end)`` within [low, high] (a range slider), written ``start-end``."""

        def fix(value: Sequence[int]) -> tuple[int, int]:
            start, end = value
            return (start, end) if low <= start <= end <= high else default

        key = self._key(param, key)
        _seed(key, param, default, _int_range, fix, _ALWAYS)
        start, end = draw(label, low, high, key=key)
        self.put(param, f"{start}{RANGE_SEP}{end}")
        return start, end

    def text(self, draw: Draw, param: str, *, label: str, key: str | None = None, **widget: Any) -> str:
        """Free text (a search box); left out of the URL while empty."""
        key = self._key(param, key)
        _seed(key, param, "", str, str, _ALWAYS)
        value = draw(label, key=key, **widget)
        self.put(param, value or None)
        return value

    def tabs(
        self,
        draw: Draw,
        param: str,
        labels: Mapping[str, str],
        *,
        default: str,
        key: str | None = None,
        own: Mapping[str, Sequence[str]] | None = None,
    ):
        """Tabs whose active one lives in the URL by id (``tab=ranking``), whatever the labels' language.

        Drawn as ``draw(list(labels.values()), key=key, on_change="rerun")`` (``st.tabs``), so a click reruns the
        page and the link follows. Streamlit keeps the active tab's *label* in the session; the id is kept beside
        it (``<key>_id``) so a language switch, which changes every label, stays on the same tab.

        A page that draws only the active tab names each tab's `own` URL parameters (its widgets'): while the tab is
        closed they are carried over from the link as it is, since a widget not drawn loses its value, and the link
        seeds it again when the tab is opened.

        Returns:
            The active tab's id and the tab containers by id.
        """
        key, state = self._key(param, key), st.session_state
        by_label = {label: tab_id for tab_id, label in labels.items()}
        if default not in labels:
            default = next(iter(labels))
        if state.get(key) in by_label:
            active = by_label[state[key]]
        elif state.get(f"{key}_id") in labels:
            active = state[f"{key}_id"]
        else:
            active = st.query_params.get(param)
            active = active if active in labels else default
        state[key], state[f"{key}_id"] = labels[active], active
        containers = draw(list(labels.values()), key=key, on_change="rerun")
        self.put(param, active)
        for closed in (params for tab_id, params in (own or {}).items() if tab_id != active):
            for name in closed:
                if name in st.query_params:
                    self.params[name] = st.query_params[name]
        return active, dict(zip(labels, containers, strict=True))

    def put(self, param: str, value: Any) -> None:
        """Record a value that no widget of this call draws (``None`` leaves the parameter out)."""
        if value is None:
            self.params.pop(param, None)
        elif isinstance(value, list | tuple):
            self.params[param] = LIST_SEP.join(str(v) for v in value)
        else:
            self.params[param] = str(value)

    def write(self) -> None:
        """Replace the URL's query with the language and the recorded parameters (nothing is sent if unchanged)."""
        encoded = {"lang": st.session_state.get("lang", "zh"), **self.params}
        if self.data is not None:
            linked, seen = st.query_params.get(DATA_PARAM), f"{self.prefix}_data_seen"
            if linked is not None and linked != self.data and st.session_state.get(seen) != linked:
                st.info(t("track.url_older_data", then=inert(linked), now=self.data))
            st.session_state[seen] = linked
            encoded[DATA_PARAM] = self.data
        if dict(st.query_params) != encoded:
            st.query_params.from_dict(encoded)

    def write_from_fragment(self) -> None:
        """Write the URL when only a fragment runs (its widgets changed); in a full run the page writes it once, at
        its end."""
        if fragment_alone():
            self.write()


def fragment_alone() -> bool:
    """Whether this run is an ``st.fragment``'s own rerun (app.py and the rest of the page do not run)."""
    ctx = get_script_run_ctx()
    return ctx is not None and bool(ctx.fragment_ids_this_run)


def reset_if_invalid(key: str, options: Sequence[Any], default: Any) -> None:
    """Drop a stale value of a widget that is not in the URL (e.g. a scenario that was deleted)."""
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default
