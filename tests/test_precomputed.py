"""The store's table of precomputed results and the claim of a job, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from data.store.precomputed import DONE, RUNNING, SUPERSEDED, precompute_runs_table


def test_a_result_is_read_back_for_its_version_code_kind_and_inputs_only(store):
    pre = store.precomputed
    pre.put(3, "abc", "forecast", '{"h": 5}', b"\x00payload\xff", 1.5)
    assert pre.get(3, "abc", "forecast", '{"h": 5}') == b"\x00payload\xff"
    assert pre.get(4, "abc", "forecast", '{"h": 5}') is None  # another data version
    assert pre.get(3, "new", "forecast", '{"h": 5}') is None  # another release of the code
    assert pre.get(3, "abc", "warnings", '{"h": 5}') is None  # another kind
    assert pre.get(3, "abc", "forecast", '{"h": 6}') is None  # other inputs
    pre.put(3, "abc", "forecast", '{"h": 5}', b"second", 0.1)  # the same inputs again: replaced, not doubled
    assert pre.get(3, "abc", "forecast", '{"h": 5}') == b"second"
    assert pre.count(3) == 1


def test_one_claim_per_version_until_its_holder_falls_silent(store):
    pre = store.precomputed
    assert pre.claim(7, "abc", "replica-a:1")
    assert not pre.claim(7, "abc", "replica-b:2")  # a second replica does not compute the same version
    assert pre.progress(7, "replica-a:1", 35, 100)
    assert not pre.progress(7, "replica-b:2", 50, 100)  # not its job
    state = pre.latest()
    assert (state.data_version, state.owner, state.status, state.percent) == (7, "replica-a:1", RUNNING, 35)
    with store.engine.begin() as conn:  # replica a died: its heartbeat is three minutes old
        old = datetime.now(UTC) - timedelta(minutes=3)
        conn.execute(sa.update(precompute_runs_table).values(heartbeat_at=old))
    assert pre.claim(7, "abc", "replica-b:2")
    assert pre.latest().owner == "replica-b:2"
    assert not pre.progress(7, "replica-a:1", 40, 100)  # the old holder learns it lost the job


def test_a_finished_version_prunes_older_results_and_is_not_claimed_again(store):
    pre = store.precomputed
    for version in (1, 2, 3):
        pre.put(version, "abc", "warnings", "{}", b"x", 0.0)
    pre.put(2, "old", "warnings", "{}", b"x", 0.0)  # an older release's result of the same version
    assert pre.claim(2, "abc", "a:1")
    pre.finish(2, "a:1", DONE)
    assert (pre.count(1), pre.count(2), pre.count(3)) == (0, 1, 1)  # a newer version's results are kept
    assert pre.get(2, "abc", "warnings", "{}") == b"x"
    assert not pre.claim(2, "abc", "b:2")  # done is done
    assert pre.claim(2, "abc", "b:2", force=True)  # unless run again by hand
    pre.finish(2, "b:2", DONE)
    assert pre.claim(2, "new", "c:3")  # or by a new release of the code, which cannot read the old one's results
    assert pre.claim(3, "abc", "a:1")
    pre.finish(3, "a:1", SUPERSEDED)
    assert pre.count(2) == 1  # a superseded job prunes nothing
    state = pre.latest()
    assert (state.data_version, state.status) == (3, SUPERSEDED)
    assert state.finished_at is not None and state.finished_at.tzinfo is not None
