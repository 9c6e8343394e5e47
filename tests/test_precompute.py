"""The precompute job over a small real store: the command, stored results equal to computed ones, one claim per
version, and a commit that starts one background job which a second commit supersedes."""

from __future__ import annotations

import threading

import pytest
from actors import steward
from precompute_support import DATASET, assert_same, small_frame, small_store

import forecasting
import precompute
from data.store.precomputed import DONE, FAILED, SUPERSEDED
from precompute import __main__ as command
from precompute import background, codec, job, kinds, settings
from precompute.kinds import Task
from ui import landed
from ui.defaults import defaults


@pytest.fixture
def store(tmp_path):
    """The small store on SQLite."""
    opened = small_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    yield opened
    opened.close()


def test_the_settings_are_the_forecast_pages_first_choices():
    first = defaults().forecast
    assert settings.load() == settings.Settings(first.indicator, first.model, dict(first.horizon))
    assert settings.load().models == forecasting.DEFAULT_CANDIDATES  # the page's candidates box starts with these


def test_the_command_stores_every_result_of_the_current_version(store, monkeypatch, capsys):
    monkeypatch.setattr(command, "open_store", lambda: store)
    assert command.main(["--every", "1"]) == 0
    out = capsys.readouterr().out
    version, ctx = job.context(store)
    todo = job.tasks(ctx)
    assert {t.kind for t in todo} == {"warnings", "standings", "standing_years", "cities", "log_warnings", "forecast"}
    assert f"{len(todo)}/{len(todo)} (100%)" in out and "done" in out
    assert store.precomputed.count(version) == len(todo)
    state = store.precomputed.latest()
    assert (state.data_version, state.status, state.done, state.total) == (version, DONE, len(todo), len(todo))
    assert command.main([]) == 0  # run again: the version is done, nothing is computed twice
    assert "claimed" in capsys.readouterr().out


def test_a_stored_result_equals_the_computed_one(store):
    assert precompute.run(store) == DONE
    version, ctx = job.context(store)
    todo = job.tasks(ctx)
    assert [t.kind for t in todo].count("forecast") == 2  # GDP and GDP per capita, four provinces each
    for task in todo:
        assert_same(precompute.read(store, version, task.kind, task.key), task.compute(), f"{task.kind} {task.key}")


def test_the_job_leaves_the_versions_observation_snapshot(store, monkeypatch):
    assert not list(store.snapshot_folder.glob("observations-*.parquet"))
    assert precompute.run(store) == DONE
    assert len(list(store.snapshot_folder.glob("observations-*.parquet"))) == 1

    def refused(*args, **kwargs):
        raise AssertionError("a process's first read went to SQL after the job ran")

    monkeypatch.setattr(store, "observations", refused)
    assert len(store.current_observations()) > 0


def test_another_process_does_not_compute_a_claimed_version(store):
    version = store.data_version()
    assert store.precomputed.claim(version, job.code_fingerprint(), "other-replica:1")
    assert precompute.run(store) == "claimed"
    assert store.precomputed.count(version) == 0


def test_unreadable_bytes_are_not_a_result(store):
    version, code = store.data_version(), job.code_fingerprint()
    store.precomputed.put(version, code, "warnings", "{}", b"not a zip", 0.0)
    assert precompute.read(store, version, "warnings", "{}") is None  # the page computes instead
    with pytest.raises(codec.CodecError):
        codec.loads(b"not a zip")


def test_a_task_that_raises_is_left_to_the_page_and_listed(store, monkeypatch):
    def broken(ctx):
        def fail():
            raise forecasting.ForecastInputError("too short")

        yield Task("forecast", '{"broken": 1}', fail)
        yield Task("warnings", '{"fine": 1}', list)

    monkeypatch.setitem(kinds.KINDS, "forecast", broken)
    assert precompute.run(store, kinds=["forecast"]) == DONE
    version = store.data_version()
    assert precompute.read(store, version, "forecast", '{"broken": 1}') is None
    assert precompute.read(store, version, "warnings", '{"fine": 1}') == []
    assert "too short" in store.precomputed.latest().error


def test_a_job_that_fails_says_so(store, monkeypatch):
    def put(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store.precomputed, "put", put)  # the store, not a task, fails: the job stops
    with pytest.raises(RuntimeError):
        precompute.run(store, kinds=["standings"])
    state = store.precomputed.latest()
    assert state.status == FAILED and "disk full" in state.error


def test_a_commit_starts_one_job_and_a_second_commit_supersedes_it(store, monkeypatch):
    monkeypatch.setenv(background.ENABLED_VARIABLE, "1")
    entered, release, claims = threading.Event(), threading.Event(), []

    def slow(ctx):
        def first():
            entered.set()
            assert release.wait(60)
            return ["first"]

        yield Task("warnings", '{"n": 1}', first)
        yield Task("warnings", '{"n": 2}', lambda: ["second"])

    claim = store.precomputed.claim
    monkeypatch.setattr(
        store.precomputed, "claim", lambda version, *a, **k: claims.append(version) or claim(version, *a, **k)
    )
    for kind in kinds.DEFAULT_KINDS:
        monkeypatch.setitem(kinds.KINDS, kind, slow if kind == "warnings" else lambda ctx: iter(()))
    frame = small_frame()
    store.commit(DATASET, frame.assign(value=frame["value"] + 1), actor=steward())
    first_version = store.data_version()
    landed.data_landed(store, DATASET)
    thread = background.running()
    assert thread is not None and entered.wait(60)
    store.commit(DATASET, frame.assign(value=frame["value"] + 2), actor=steward())
    landed.data_landed(store, DATASET)
    assert background.running() is thread  # never two jobs at once in one process
    release.set()
    thread.join(120)
    assert not thread.is_alive()
    assert claims == [first_version, first_version + 1]  # one job per version
    pre = store.precomputed
    assert pre.latest().status == DONE and pre.latest().data_version == first_version + 1
    assert pre.count(first_version) == 0 and pre.count(first_version + 1) == 2  # the old version's result pruned
    with store.engine.connect() as conn:
        statuses = dict(conn.exec_driver_sql("SELECT data_version, status FROM precompute_runs").all())
    assert statuses[first_version] == SUPERSEDED
