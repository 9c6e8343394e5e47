"""The Scenarios page's working set in `st.session_state`, and opening a set from a link, the store or a file.

One working set per series is kept (``sc_sets``: "indicator|region" → compact scenario JSON), so looking at another
series and coming back loses nothing. Opening a set changes the series, horizon and model widgets, which Streamlit
allows only before they are drawn: the set is parked under ``sc_pending`` and the page reruns; the next run opens it
first thing. Nothing is opened unless the whole set was read and checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from forecasting.scenarios import ScenarioError, ScenarioFile, loads
from forecasting.scenarios.sets import compact, decode_link, rebase
from pages.scenarios_page.scenario_view import error_text
from ui.i18n import current_lang, t
from ui.inert import inert

SETS = "sc_sets"
PENDING = "sc_pending"
PICK = "sc_pick"
NOTICES = "sc_notices"
UPLOAD = "sc_upload_seen"

Check = Callable[[ScenarioFile], None]  # raises ScenarioSetError when a set cannot be opened here


def _key(indicator_id: str, region_code: str) -> str:
    return f"{indicator_id}|{region_code}"


def _open(file: ScenarioFile, model_from_url: bool = False) -> None:
    """Make ``file`` the working set of its series and point the widgets at it (before they are drawn).

    The set records the model its baseline actually used (``ets`` when ``auto`` chose ETS), which reproduces that
    baseline; a link also names the model chosen on the page (``auto``), and that choice is kept.
    """
    first = file.scenarios[0]
    st.session_state[SETS][_key(first.indicator_id, first.region_code)] = compact(file)
    st.session_state.update(
        sc_indicator=first.indicator_id,
        sc_region=first.region_code,
        sc_h=first.horizon,
        sc_h_follows=first.freq,  # the horizon follows the frequency (ui.state.PageUrl.number)
        sc_current=first.name,
    )
    if not model_from_url:
        st.session_state["sc_model"] = first.model


def start(check: Check, lang: str) -> None:
    """First run of a session: an empty working set, or the set a shared link carries (``?set=…``)."""
    if SETS in st.session_state:
        return
    st.session_state[SETS] = {}
    raw = st.query_params.get("set")
    if not raw:
        return
    try:
        file = decode_link(raw)
        check(file)
    except ScenarioError as err:  # not a scenario file, or a set that cannot be opened here
        notify("warning", t("scenarios.link_bad", lang, error=inert(error_text(err, lang))))
        return
    except (RecursionError, ValueError, TypeError, KeyError, MemoryError):  # a link built to break the parser
        notify("warning", t("scenarios.link_broken", lang))
        return
    _open(file, model_from_url=True)


def open_pending() -> None:
    """Open the set parked by :func:`request_open` on the previous run; select a scenario asked for by an edit."""
    text = st.session_state.pop(PENDING, None)
    if text is not None:
        _open(loads(text))
    pick = st.session_state.pop(PICK, None)
    if pick is not None:
        st.session_state["sc_current"] = pick


def request_open(file: ScenarioFile, message: str) -> None:
    """Open a checked set on the next run, and say so there."""
    st.session_state[PENDING] = compact(file)
    notify("success", message)
    st.rerun()


def forget_on_series_change(indicator_id: str, region_code: str, keys: Sequence[str]) -> None:
    """Drop the inputs in ``keys`` when the series changed, so they start again from the new series' defaults (a
    target of 160,000 亿元 means nothing for CPI)."""
    series = _key(indicator_id, region_code)
    if st.session_state.get("sc_series") not in (None, series):
        for key in keys:
            st.session_state.pop(key, None)
    st.session_state["sc_series"] = series


def working_set(indicator_id: str, region_code: str, horizon: int, model: str) -> ScenarioFile:
    """The series' working set on the current horizon and baseline model (kept that way in the session)."""
    text = st.session_state[SETS].get(_key(indicator_id, region_code))
    file = rebase(loads(text), horizon, model) if text else ScenarioFile(())
    st.session_state[SETS][_key(indicator_id, region_code)] = compact(file)
    return file


def edit(indicator_id: str, region_code: str, change: Callable[[], ScenarioFile], pick: str | None = None) -> None:
    """Apply an edit to the working set and rerun; an edit the library or the page refuses is shown, not applied."""
    try:
        file = change()
        text = compact(file)
    except ScenarioError as err:
        st.error(inert(error_text(err, current_lang())))
        return
    st.session_state[SETS][_key(indicator_id, region_code)] = text
    if pick is not None:
        st.session_state[PICK] = pick
    st.rerun()


def take_upload(uploaded: UploadedFile | None, check: Check, lang: str) -> None:
    """Open an uploaded scenario file once; a bad file is reported (for as long as it sits in the uploader) and
    changes nothing."""
    if uploaded is None:
        return
    seen = st.session_state.get(UPLOAD)
    if seen is not None and seen[0] == uploaded.file_id:
        if seen[1]:
            st.error(seen[1])
        return
    try:
        file = loads(uploaded.getvalue())
        check(file)
    except ScenarioError as err:
        message = t("scenarios.upload_bad", lang, name=inert(uploaded.name), error=inert(error_text(err, lang)))
        st.session_state[UPLOAD] = (uploaded.file_id, message)
        st.error(message)
        return
    st.session_state[UPLOAD] = (uploaded.file_id, None)
    request_open(file, t("scenarios.opened_file", lang, name=inert(uploaded.name), n=len(file.scenarios)))


def notify(level: str, text: str) -> None:
    """A message for the next time the page shows its notices (after a rerun)."""
    st.session_state.setdefault(NOTICES, []).append((level, text))


def show_notices() -> None:
    """Show and forget the waiting messages."""
    for level, text in st.session_state.pop(NOTICES, []):
        (st.success if level == "success" else st.warning)(text)
