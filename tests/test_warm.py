"""What the first view after a new data version no longer pays: ui/warm.py reads the new observations before a page
asks, and a case log's signals are not recomputed when only the observations changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import streamlit as st
from actors import steward
from precompute_support import DATASET, small_frame, small_store
from service_logs import daily_counts, log_from_counts

import services.signals
from data.access import Actor, Role
from data.store import Store
from data.store.precomputed import precompute_runs_table
from ui import cache, warm
from ui.scope import ACTOR_KEY


@pytest.fixture
def reads(tmp_path, monkeypatch):
    """The small store behind ui/cache, with a count of its observation reads; an admin signed in (bare mode)."""
    store = small_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    counted = []
    original = Store.observations
    monkeypatch.setattr(Store, "observations", lambda self, *a, **k: counted.append(1) or original(self, *a, **k))
    monkeypatch.setattr(cache, "store", lambda: store)
    st.session_state[ACTOR_KEY] = Actor("admin", Role.ADMIN)
    cache.data_changed()
    yield store, counted
    st.session_state.pop(ACTOR_KEY, None)
    cache.data_changed()
    store.close()


def test_a_new_version_is_read_before_a_page_asks(reads):
    store, counted = reads
    seen = warm.warm_once(None)
    assert len(counted) == 1
    assert warm.warm_once(seen) == seen and len(counted) == 1  # the same version: nothing read
    frame = small_frame()
    store.commit(DATASET, frame.assign(value=frame["value"] * 2), actor=steward())
    seen = warm.warm_once(seen)
    assert len(counted) == 2
    cache.data_changed()  # what the committing process does: the warmed read survives it
    shown = cache.observations()
    assert len(counted) == 2  # the page read nothing itself
    assert shown["value"].sum() == pytest.approx(2 * frame["value"].sum())


def test_another_store_with_the_same_versions_is_read_afresh(reads, tmp_path, monkeypatch):
    store, counted = reads
    warm.warm_once(None)
    other = Store.open(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    other.seed({DATASET: lambda: small_frame().head(10)})  # version 1 too, other rows
    monkeypatch.setattr(cache, "store", lambda: other)
    cache.data_changed()
    assert len(cache.observations()) == 10
    other.close()


def test_a_case_logs_signals_outlive_a_change_of_the_observations(monkeypatch):
    computed = []
    original = services.signals.compute
    monkeypatch.setattr(services.signals, "compute", lambda *a: computed.append(1) or original(*a))
    cases = log_from_counts({("roads", "north"): daily_counts(120, 20.0, seed=1)})
    first = cache.service_signals(("roads log", 1), cases, "W", None)
    cache.data_changed()  # a commit of observations: the case log did not change
    assert cache.service_signals(("roads log", 1), cases, "W", None) is first
    assert len(computed) == 1


def test_a_version_committed_elsewhere_or_a_silent_job_is_computed_here(reads, monkeypatch):
    store, _ = reads
    asked = []
    monkeypatch.setattr(warm.background, "start", lambda s: asked.append(s.data_version()) or True)
    seen = warm.warm_once(None)
    assert asked == []  # the process's first look: no job
    frame = small_frame()
    store.commit(DATASET, frame.assign(value=frame["value"] + 1), actor=steward())  # by a command or a replica
    warm.warm_once(seen)
    assert asked == [seen + 1]
    assert store.precomputed.claim(seen + 1, "abc", "dead-replica:1")
    assert not warm.restart_if_stalled()  # its heartbeat is fresh
    with store.engine.begin() as conn:
        old = datetime.now(UTC) - timedelta(minutes=5)
        conn.execute(sa.update(precompute_runs_table).values(heartbeat_at=old))
    assert warm.restart_if_stalled() and asked == [seen + 1, seen + 1]
