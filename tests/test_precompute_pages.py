"""Pages read the stored results of the current data version: the Forecast page's default view and the Overview's
warnings and standings show what computing shows, with the computing functions made to fail; and the Data page
shows the job's progress."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st
from apptest import open_page
from precompute_support import small_store

import forecasting
import precompute
import services.signals
from data.access import Actor, Role
from data.store.precomputed import DONE, FAILED, RUNNING, SUPERSEDED, RunState
from precompute import background, job, kinds
from precompute.kinds import Task
from ui import cache
from ui import precompute_view as pv
from ui import services_view as sv
from ui.scope import ACTOR_KEY


@pytest.fixture
def small(tmp_path, monkeypatch):
    """The pages run on the small store (four provinces' GDP), nothing precomputed yet."""
    store = small_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.setattr(cache, "store", lambda: store)
    cache.data_changed()
    yield store
    cache.data_changed()
    store.close()


def fail(*args, **kwargs):
    raise RuntimeError("computed although a stored result exists")


def alone_only(run):
    """`forecasting.run` that fails on a run over several series (the calibration run the job stores) and runs
    a single series (the page fits the chosen series alone, banded by that calibration)."""

    def guarded(frame, *args, **kwargs):
        if frame["unique_id"].nunique() > 1:
            fail()
        return run(frame, *args, **kwargs)

    return guarded


def shown_tables(at) -> list:
    return [d.value for d in at.dataframe]


def test_the_forecast_page_reads_the_stored_default_run(small, monkeypatch):
    computed = open_page("forecast", timeout=180)
    assert not computed.exception
    assert precompute.run(small) == DONE
    cache.data_changed()
    monkeypatch.setattr(forecasting, "run", alone_only(forecasting.run))
    stored = open_page("forecast", timeout=180)
    assert not stored.exception
    assert [m.value for m in stored.info] == [m.value for m in computed.info]  # the accuracy sentence
    for shown, expected in zip(shown_tables(stored), shown_tables(computed), strict=True):
        assert shown.equals(expected)  # leaderboard and forecast table, value for value
    other = open_page("forecast", {"h": "3"}, timeout=180)  # not the default horizon: its calibration is computed
    assert other.exception  # the failing compute ran (its message is redacted by Streamlit)


@pytest.mark.parametrize("scope", ["000000", "440000"])
def test_the_overview_reads_stored_warnings_and_standings(small, monkeypatch, scope):
    computed = open_page("overview", {"scope": scope}, timeout=180)
    assert not computed.exception
    assert precompute.run(small) == DONE
    cache.data_changed()
    for name in ("current_alerts", "standings", "standings_of_cities", "standing_years"):
        monkeypatch.setattr(cache, name, fail)
    monkeypatch.setattr(services.signals, "compute", fail)  # the case log's surges: stored too
    cache.service_signals.clear()
    sv._log_alerts.clear()
    stored = open_page("overview", {"scope": scope}, timeout=180)
    assert not stored.exception
    assert [s.value for s in stored.subheader] == [s.value for s in computed.subheader]  # 预警（n 条）…
    assert [m.value for m in stored.markdown] == [m.value for m in computed.markdown]
    for shown, expected in zip(shown_tables(stored), shown_tables(computed), strict=True):
        assert shown.equals(expected)  # top and bottom provinces
    other = open_page("overview", {"scope": scope, "rank": "gdp_per_capita", "year": "2020"}, timeout=180)
    assert other.exception  # a year the Overview does not open on is computed


@pytest.mark.parametrize(("lang", "text"), [("zh", "预计算中 35%"), ("en", "precomputing 35%")])
def test_the_data_page_shows_the_jobs_progress(small, lang, text):
    version = small.data_version()
    assert small.precomputed.claim(version, job.code_fingerprint(), "replica-b:7")
    assert small.precomputed.progress(version, "replica-b:7", 35, 100)
    at = open_page("data", lang=lang, timeout=120)
    assert not at.exception
    bars = at.get("progress")
    assert len(bars) == 1 and text in bars[0].proto.text and bars[0].proto.value == 35
    small.precomputed.finish(version, "replica-b:7", DONE)
    at = open_page("data", lang=lang, timeout=120)
    assert not at.get("progress")
    done = "预计算完成于" if lang == "zh" else "precomputed at"
    assert any(done in c.value for c in at.caption)


def test_the_status_line_in_both_languages():
    started = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    running = RunState(12, "a:1", RUNNING, 35, 100, started, started + timedelta(seconds=30), None, "")
    now = started + timedelta(seconds=40)
    assert pv.status_line(running, "zh", now) == "预计算中 35%（数据版本 12，35/100 项）"
    assert pv.status_line(running, "en", now) == "precomputing 35% (data version 12, 35 of 100 results)"
    silent = pv.status_line(running, "en", started + timedelta(minutes=5))
    assert silent.startswith("precomputing stalled at 35%") and "4 min" in silent
    done = RunState(12, "a:1", DONE, 100, 100, started, started, started + timedelta(seconds=95), "")
    assert pv.status_line(done, "zh", now) == "预计算完成于 2026-12-03 10:01 UTC（数据版本 12，100 项，用时 95 秒）"
    english = "precomputed at 2026-12-03 10:01 UTC (data version 12, 100 results in 95 s)"
    assert pv.status_line(done, "en", now) == english
    assert "newer data" in pv.status_line(dataclasses.replace(done, status=SUPERSEDED), "en", now)
    assert "失败" in pv.status_line(dataclasses.replace(done, status=FAILED), "zh", now)
    assert pv.status_line(None, "zh", now) is None


def test_applying_a_release_on_the_data_page_starts_one_job_for_the_new_version(small, monkeypatch):
    monkeypatch.setenv(background.ENABLED_VARIABLE, "1")
    claims = []
    claim = small.precomputed.claim
    monkeypatch.setattr(small.precomputed, "claim", lambda v, *a, **k: claims.append(v) or claim(v, *a, **k))
    for kind in kinds.DEFAULT_KINDS:  # one cheap result instead of the whole provincial data's forecasts
        cheap = [Task("warnings", '{"page": "data"}', list)] if kind == "warnings" else []
        monkeypatch.setitem(kinds.KINDS, kind, lambda ctx, cheap=cheap: iter(cheap))
    at = open_page("data", timeout=120)
    at.button(key="data_check_release").click().run()
    before = small.data_version()
    at.button(key="data_release_cn_prov_nbs").click().run()  # the shipped release replaces the small seed
    assert not at.exception
    thread = background.running()
    if thread is not None:
        thread.join(120)
    assert small.data_version() == before + 1
    assert claims == [before + 1]  # one job, for the new version
    state = small.precomputed.latest()
    assert (state.data_version, state.status) == (before + 1, DONE)
    assert precompute.read(small, before + 1, "warnings", '{"page": "data"}') == []


def test_a_user_with_a_region_scope_computes(small):
    """Results are computed over every region; a scoped user sees fewer peers and warnings, so never reads them."""
    assert precompute.run(small, kinds=["warnings"]) == DONE
    version, ctx = job.context(small)
    key = job.tasks(ctx, ["warnings"])[0].key
    assert precompute.read(small, version, "warnings", key) is not None
    try:
        st.session_state[ACTOR_KEY] = Actor("admin", Role.ADMIN)
        assert cache.precomputed("warnings", key) is not None
        st.session_state[ACTOR_KEY] = Actor("guangdong", Role.VIEWER, scope="440000")
        assert cache.precomputed("warnings", key) is None
    finally:
        st.session_state.pop(ACTOR_KEY, None)
