"""The precompute job's state as the Data page shows it: 预计算中 35% / precomputing 35%, or when it finished."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from data.store import Store
from data.store.precomputed import DONE, FAILED, RUNNING, SUPERSEDED, RunState
from ui import auth
from ui.i18n import t

STALLED_AFTER = 120  # seconds without a heartbeat: the claim may be taken over (`Precomputed.claim`)
REFRESH = 5  # seconds between looks while the Data page is open


def status_line(state: RunState | None, lang: str, now: datetime | None = None) -> str | None:
    """One sentence on the newest job, or None when no job ever ran."""
    if state is None:
        return None
    now = now or datetime.now(UTC)
    version, total = state.data_version, state.total
    if state.status == RUNNING:
        idle = (now - state.heartbeat_at).total_seconds()
        if idle > STALLED_AFTER:
            return t("precompute.stalled", lang, percent=state.percent, version=version, minutes=int(idle // 60))
        return t("precompute.running", lang, percent=state.percent, version=version, done=state.done, total=total)
    if state.status == DONE:
        at = state.finished_at.strftime("%Y-%m-%d %H:%M")
        seconds = round((state.finished_at - state.started_at).total_seconds())
        return t("precompute.done", lang, at=at, version=version, total=total, seconds=seconds)
    if state.status == SUPERSEDED:
        return t("precompute.superseded", lang, version=version)
    if state.status == FAILED:
        return t("precompute.failed", lang, version=version)
    return None


def show_status(store: Store, lang: str) -> None:
    """The job's line under the Data page's title: a progress bar looked up again every few seconds while a job
    runs, else a caption (one single-row read per run of the page)."""
    state = store.precomputed.latest()
    if state is not None and state.status == RUNNING:
        _live(store, lang)
    else:
        _draw(state, lang)


@auth.fragment(run_every=REFRESH)
def _live(store: Store, lang: str) -> None:
    _draw(store.precomputed.latest(), lang)


def _draw(state: RunState | None, lang: str) -> None:
    line = status_line(state, lang)
    if line is None:
        return
    if state.status == RUNNING:
        st.progress(state.percent / 100, line)
    else:
        st.caption(line, help=t("precompute.help", lang))
