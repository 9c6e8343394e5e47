"""Checks that raise warnings (alerts/kinds.py, sources.py, ledger.py, book.py, run.py) on SQLite and a real
PostgreSQL: a commit that crosses a threshold owes exactly one message per subscriber, a second check owes nothing,
a cleared warning owes one "cleared"; every rule kind judges what it says; rules are versioned, audited and refused to
viewers; `python -m alerts run` as the system timer runs it sends nothing new on a second run."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from actors import admin, analyst, steward, viewer
from alerts_support import NATIONAL, PMI, RULE, SmtpServer, pmi_dataset, pmi_frame, pmi_store
from pg import postgres_url

import forecasting
from alerts import run
from alerts.book import AlertBook
from alerts.findings import Finding
from alerts.kinds import RULE_KINDS, Context, UserRule, judge
from alerts.ledger import acknowledge, history, reconcile
from alerts.sources import SOURCES, warning_source
from common.text import has
from data.access import Actor, Role
from data.errors import AccessDenied
from data.store.alert_tables import alert_outbox_table
from indicators import catalogue
from indicators.targets import load_targets

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A store holding only a national PMI series that stays above 50, on each backend."""
    url = f"sqlite:///{tmp_path / 'alerts.sqlite3'}" if request.param == "sqlite" else postgres_url()
    opened = pmi_store(url, last=51.2)
    yield opened
    opened.close()


def owed_to(store) -> dict[str, list[str]]:
    """Messages the outbox holds, by subscriber: the events, in order."""
    owed: dict[str, list[str]] = {}
    subs = {s.id: s for s in AlertBook(store.engine).subscriptions(active_only=False)}
    o = alert_outbox_table
    with store.engine.connect() as conn:
        for row in conn.execute(sa.select(o).order_by(o.c.id)):
            owed.setdefault(subs[row.subscription_id].user, []).append(row.event)
    return owed


def commit_pmi(store, last: float) -> None:
    store.commit(pmi_dataset(), pmi_frame(last), actor=steward(), mode="replace")
    run.after_commit(store, pmi_dataset(), background=False)


def test_a_commit_crossing_a_threshold_owes_one_message_per_subscriber_and_one_cleared(store):
    book = AlertBook(store.engine)
    book.subscribe("rule", RULE, "immediate", "mail", "a@office.test", "zh", actor=viewer("a"))
    book.subscribe("rule", RULE, "daily", "mail", "b@office.test", "en", actor=viewer("b"))
    # Two subscriptions of one person that both want the warning: one message.
    book.subscribe("rule", RULE, "immediate", "mail", "c@office.test", "zh", actor=viewer("c"))
    book.subscribe("indicator", PMI, "immediate", "mail", "c@office.test", "zh", actor=viewer("c"))
    book.subscribe("indicator", "gdp", "immediate", "mail", "d@office.test", "zh", actor=viewer("d"))
    run.check(store)
    assert history(store.engine) == [] and owed_to(store) == {}

    commit_pmi(store, 49.1)
    threshold = [w for w in history(store.engine) if w.finding.source == "threshold"]
    assert [(w.finding.rule_id, w.finding.value, w.cleared_at) for w in threshold] == [(RULE, 49.1, None)]
    raised = {user: events.count("raised") for user, events in owed_to(store).items()}
    assert {u: raised.get(u, 0) for u in "abcd"} == {"a": 1, "b": 1, "c": 1 + _anomalies(store), "d": 0}

    before = owed_to(store)
    run.after_commit(store, pmi_dataset(), background=False)
    run.check(store)
    assert owed_to(store) == before  # the same warning is never owed twice

    commit_pmi(store, 50.8)
    (warning,) = [w for w in history(store.engine) if w.finding.source == "threshold"]
    assert warning.cleared_at is not None
    for user in "ab":
        assert owed_to(store)[user] == ["raised", "cleared"]
    run.check(store)
    assert owed_to(store)["a"] == ["raised", "cleared"]


def _anomalies(store) -> int:
    """Anomaly warnings of the PMI (the indicator subscription of c hears of those too)."""
    return sum(w.finding.source == "anomaly" for w in history(store.engine))


def test_a_warning_that_comes_back_is_a_new_occurrence(store):
    AlertBook(store.engine).subscribe("rule", RULE, "immediate", "mail", "a@office.test", "zh", actor=viewer("a"))
    for last in (49.0, 51.0, 48.5):
        commit_pmi(store, last)
    rows = sorted((w.occurrence, w.cleared_at is None) for w in history(store.engine) if w.finding.rule_id == RULE)
    assert rows == [(1, False), (2, True)]
    assert owed_to(store)["a"] == ["raised", "cleared", "raised"]


def test_rules_are_versioned_audited_and_only_analysts_write_them(store):
    book, cat = AlertBook(store.engine), catalogue()
    with pytest.raises(AccessDenied):
        book.save_rule(UserRule("", PMI, (NATIONAL,), "below", 52.0, "warning", "x"), cat, actor=viewer())
    first = book.save_rule(UserRule("", PMI, (NATIONAL,), "below", 52.0, "warning", "低于52"), cat, actor=analyst())
    second = book.save_rule(UserRule(first.rule_id, PMI, (NATIONAL,), "below", 51.5, "critical", "低于51.5"),
                            cat, actor=analyst("ana2"))  # fmt: skip
    assert (first.version, second.version) == (1, 2)
    assert [(r.version, r.value, r.created_by) for r in book.history(first.rule_id)] == [
        (2, 51.5, "ana2"), (1, 52.0, "analyst")]  # fmt: skip
    run.check(store)
    (mine,) = [w for w in history(store.engine) if w.finding.rule_id == first.rule_id]
    assert (mine.finding.severity, mine.finding.line, mine.finding.label["zh"]) == ("critical", 51.5, "低于51.5")
    book.delete_rule(first.rule_id, actor=analyst())
    assert book.rules() == [] and book.history(first.rule_id)[0].active is False
    run.check(store)
    (mine,) = [w for w in history(store.engine) if w.finding.rule_id == first.rule_id]
    assert mine.cleared_at is not None
    trail = [(e.action, e.result) for e in store.audit.trail(action="alert")]
    assert trail == [("alert.rule_delete", "ok"), ("alert.rule_save", "ok"), ("alert.rule_save", "ok"),
                     ("alert.rule_save", "denied")]  # fmt: skip


def test_acknowledging_records_who_and_when_once(store):
    store.commit(pmi_dataset(), pmi_frame(49.0), actor=steward(), mode="replace")
    run.check(store)
    warning = next(w for w in history(store.engine) if w.finding.rule_id == RULE)
    sichuan = Actor("sc", Role.VIEWER, scope="510000")
    national = reconcile(store.engine, [Finding("gd", "user", "r", "above", "notice", "gdp", "440000", "2024-01-01",
                                                "A", 1.0)], {("user", "gdp")}, [])  # fmt: skip
    assert national.raised == 1
    guangdong = next(w for w in history(store.engine) if w.key == "gd")
    assert acknowledge(store.engine, guangdong.id, actor=sichuan) is False  # outside the scope: not theirs to see
    assert acknowledge(store.engine, warning.id, actor=sichuan) is True  # national figures are in every scope
    assert acknowledge(store.engine, guangdong.id, actor=viewer("lead")) is True
    assert acknowledge(store.engine, warning.id, actor=viewer("other")) is False
    seen = next(w for w in history(store.engine) if w.id == warning.id)
    assert seen.acknowledged_by == "sc" and seen.acknowledged_at is not None
    assert [e.user for e in store.audit.trail(action="alert.acknowledge")] == ["lead", "sc"]


def test_subscribers_hear_only_of_their_region_scope_and_only_they_end_their_subscriptions(store):
    book = AlertBook(store.engine)
    scoped = viewer("gd")
    scoped = type(scoped)(scoped.user, scoped.role, scope="440000")
    mine = book.subscribe("all", "", "immediate", "mail", "gd@office.test", "zh", actor=scoped)
    book.save_rule(UserRule("", "gdp", ("320000",), "above", 0.0, "notice", ""), catalogue(), actor=analyst())
    commit_pmi(store, 49.0)  # a national warning: visible to a provincial scope (national aggregates are)
    assert owed_to(store)["gd"].count("raised") >= 1
    assert not book.unsubscribe(mine.id, actor=viewer("someone_else"))
    assert book.unsubscribe(mine.id, actor=admin())
    with pytest.raises(ValueError, match="not an address"):
        book.subscribe("all", "", "immediate", "webhook", "ftp://robot", "zh", actor=viewer())


def test_a_source_that_fails_hides_nothing_and_clears_nothing(store, monkeypatch):
    commit_pmi(store, 49.0)
    open_before = {w.key for w in history(store.engine) if w.cleared_at is None}

    @warning_source("broken")
    def broken(ctx, ids):
        raise RuntimeError("a source with a bug")

    try:
        monkeypatch.setitem(SOURCES, "threshold", lambda ctx, ids: (_ for _ in ()).throw(RuntimeError("down")))
        outcome, failed = run.check(store)
    finally:
        SOURCES.pop("broken")
    assert sorted(failed) == ["broken", "threshold"] and outcome.cleared == 0
    assert {w.key for w in history(store.engine) if w.cleared_at is None} == open_before


def _series(values, start="2020-01-01", freq="YS", indicator="gdp", region="440000") -> pd.DataFrame:
    periods = pd.date_range(start, periods=len(values), freq=freq)
    code = {"YS": "A", "MS": "M"}[freq]
    return pd.DataFrame({"indicator_id": indicator, "region_code": region, "period": periods, "freq": code,
                         "value": np.array(values, dtype="float64")})  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "value", "values", "fires"),
    [
        ("above", 100.0, [90, 95, 101], True),
        ("above", 101.0, [90, 95, 101], False),
        ("below", 100.0, [110, 105, 99.5], True),
        ("below", 99.5, [110, 105, 99.5], False),
        ("change_points", 5.0, [100, 100, 94], True),
        ("change_points", 6.0, [100, 100, 94], False),
        ("change_pct", 10.0, [100, 100, 111], True),
        ("change_pct", 12.0, [100, 100, 111], False),
        ("outside_band", None, [100, 101, 99, 100, 102, 101, 100, 99, 101, 100, 160], True),
        ("outside_band", None, [100, 101, 99, 100, 102, 101, 100, 99, 101, 100, 100.5], False),
    ],
)  # fmt: skip
def test_each_rule_kind_fires_exactly_when_it_says(kind, value, values, fires):
    ctx = Context(_series(values), catalogue())
    found = judge(UserRule("r1", "gdp", ("440000", "320000"), kind, value, "warning", "note"), ctx)
    assert [f.region_code for f in found] == (["440000"] if fires else [])
    if fires:
        assert found[0].value == values[-1] and found[0].period == f"{2020 + len(values) - 1}-01-01"


def test_target_red_fires_on_a_target_missed_for_good():
    # CPI (year to date) in 2025 ended at 0.0 against the Government Work Report's "about 2%": off track.
    rows = _series([0.2, 0.1, 0.0], start="2025-10-01", freq="MS", indicator="cpi_ytd", region="100000")
    ctx = Context(rows, catalogue(), load_targets())
    (found,) = judge(UserRule("r1", "cpi_ytd", ("100000",), "target_red", None, "critical", ""), ctx)
    assert (found.value, found.line, found.period) == (0.0, 2.0, "2025-12-01")
    on_track = Context(_series([2.1, 2.0, 2.0], start="2025-10-01", freq="MS", indicator="cpi_ytd", region="100000"),
                       catalogue(), load_targets())  # fmt: skip
    assert judge(UserRule("r1", "cpi_ytd", ("100000",), "target_red", None, "critical", ""), on_track) == []


def test_every_rule_kind_and_source_has_words():
    assert all(has(f"alerts.kind_{k}") and has(f"alerts.threshold_{k}") for k in RULE_KINDS)
    assert {"threshold", "anomaly", "user"} <= set(SOURCES)


def test_reconcile_refreshes_an_open_warning_without_owing_a_message(tmp_path):
    store = pmi_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    finding = Finding("k", "user", "r", "above", "notice", PMI, NATIONAL, "2025-11-01", "M", 1.0, line=0.5)
    AlertBook(store.engine).subscribe("all", "", "immediate", "mail", "a@office.test", "zh", actor=viewer("a"))
    subs = AlertBook(store.engine).subscriptions()
    assert reconcile(store.engine, [finding], None, subs).owed == 1
    newer = Finding("k", "user", "r", "above", "notice", PMI, NATIONAL, "2025-12-01", "M", 2.0, line=0.5)
    outcome = reconcile(store.engine, [newer], None, subs)
    assert (outcome.raised, outcome.refreshed, outcome.owed) == (0, 1, 0)
    assert history(store.engine)[0].finding.value == 2.0
    store.close()


def test_the_scheduled_command_run_twice_sends_nothing_new(tmp_path):
    url = f"sqlite:///{tmp_path / 'timer.sqlite3'}"
    store = pmi_store(url, last=49.2)
    AlertBook(store.engine).subscribe("rule", RULE, "immediate", "mail", "a@office.test", "zh", actor=viewer("a"))
    with SmtpServer() as smtp:
        first = run.run_once(store, smtp.settings)
        assert (first.outcome.raised, first.delivery.sent) == (1 + _anomalies(store), 1)
        env = {**os.environ, "COCKPIT_DATABASE_URL": url, "COCKPIT_SMTP_HOST": "127.0.0.1",
               "COCKPIT_SMTP_PORT": str(smtp.controller.port)}  # fmt: skip
        done = subprocess.run([sys.executable, "-m", "alerts", "run"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "raised=0 cleared=0 owed=0 sent=0" in done.stdout
        assert len(smtp.to("a@office.test")) == 1
    store.close()


@pytest.mark.parametrize(("band_model", "models"), [(None, ()), ("auto", forecasting.DEFAULT_CANDIDATES)])
def test_outside_band_backtests_only_the_models_its_band_needs(monkeypatch, band_model, models):
    # The band is read off the forecast alone: no leaderboard models, unless the model chooses among them (auto).
    calls = []

    def spy(*args, **kwargs):
        calls.append(args[5] if len(args) > 5 else kwargs.get("models"))
        return forecasting.run(*args, **kwargs)

    monkeypatch.setattr("alerts.kinds.run", spy)
    long = _series([100, 101, 99, 100, 102, 101, 100, 99, 101, 100, 160])
    ctx = Context(long, catalogue(), extra={} if band_model is None else {"band_model": band_model})
    found = judge(UserRule("r1", "gdp", ("440000",), "outside_band", None, "warning", ""), ctx)
    assert calls == [models] and [f.value for f in found] == [160.0]


def test_a_digest_is_not_sent_before_its_time_even_by_the_timer(tmp_path):
    store = pmi_store(f"sqlite:///{tmp_path / 'd.sqlite3'}", last=49.2)
    sub = AlertBook(store.engine).subscribe("rule", RULE, "weekly", "mail", "w@office.test", "en", actor=viewer("w"))
    with SmtpServer() as smtp:
        assert run.run_once(store, smtp.settings, now=sub.created_at + timedelta(days=6)).delivery.sent == 0
        assert run.run_once(store, smtp.settings, now=sub.created_at + timedelta(days=7)).delivery.digests == 1
        assert len(smtp.to("w@office.test")) == 1
    store.close()


def test_outside_band_forecasts_every_region_in_one_run_and_a_short_series_has_no_band():
    long = _series([100, 101, 99, 100, 102, 101, 100, 99, 101, 100, 160])
    short = _series([100, 300], start="2029-01-01", region="320000")
    ctx = Context(pd.concat([long, short], ignore_index=True), catalogue())
    found = judge(UserRule("r1", "gdp", ("440000", "320000"), "outside_band", None, "warning", ""), ctx)
    assert [(f.region_code, f.value) for f in found] == [("440000", 160.0)]
    assert found[0].low < 100 < found[0].high < 160  # a band around the history, the latest far above it
    assert ("r1", "320000") not in ctx.extra["bands"]
