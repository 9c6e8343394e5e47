"""The page's facts (services/summary.py): KPI cards with change on the previous period, league tables, topic mix,
filters — on the hand-computed log of test_services_derive."""

from __future__ import annotations

import pandas as pd
import pytest
from test_services_derive import CASES, log

from services import summary
from services.derive import measure, prepare

JAN, FEB = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-28")


def test_cards_of_the_last_period_with_change():
    cards = {c.measure: c for c in summary.cards(measure(CASES, "month"))}
    assert list(cards) == ["volume", "on_time_rate", "median_hours"]  # no ratings: no 满意率 card
    volume = cards["volume"]
    assert (volume.value, volume.previous, volume.period) == (1, 5, pd.Timestamp("2025-02-01"))
    assert volume.change == pytest.approx(-80.0)
    assert cards["on_time_rate"].value is None and cards["on_time_rate"].change is None  # nothing closed in February


def test_cards_of_a_chosen_period_and_rates_in_points():
    cards = {c.measure: c for c in summary.cards(measure(CASES, "month"), at=pd.Timestamp("2025-01-01"))}
    assert cards["on_time_rate"].value == pytest.approx(0.5) and cards["on_time_rate"].previous_period is None
    rated = log(
        [
            {"case_id": "x", "opened": "2025-01-02", "closed": "2025-01-03", "rating": 5},
            {"case_id": "y", "opened": "2025-02-02", "closed": "2025-02-03", "rating": 5},
            {"case_id": "z", "opened": "2025-02-02", "closed": "2025-02-03", "rating": 1},
        ]
    )
    satisfied = summary.cards(measure(rated, "month"))[-1]
    assert satisfied.measure == "satisfied_rate" and satisfied.change == pytest.approx(-50.0)  # 100% → 50%: −50 pp


def test_league_of_units_largest_first():
    table = summary.league(prepare(CASES), JAN, FEB, "unit")
    assert list(table["unit"]) == ["城管局", "水务局"]
    assert table.iloc[0][["volume", "backlog", "overdue"]].tolist() == [4, 1, 2]
    assert table.iloc[0]["on_time_rate"] == pytest.approx(0.5)
    assert "satisfied_rate" not in table


def test_topic_mix_keeps_the_largest_and_lumps_the_rest():
    mixed = pd.concat([CASES, log([{"case_id": "t", "opened": "2025-01-09", "topic": "噪音"}])], ignore_index=True)
    mix = summary.topic_mix(prepare(mixed), JAN, FEB, top=1)
    assert mix.to_dict("list") == {"topic": ["路灯", summary.OTHER], "volume": [6, 1], "share": [6 / 7, 1 / 7]}


def test_narrow_and_options():
    prepared = prepare(CASES)
    assert summary.options(prepared, "unit") == ["城管局", "水务局"]
    water = prepared.narrow(unit=["水务局"], topic=[])
    assert len(water) == 2 and water.problems().counts["no_due"] == 2
    assert prepared.narrow(unit=[]) is prepared


def test_the_last_complete_period_is_the_default_for_cards():
    weekly = measure(CASES, "week")  # the last case opened on Monday 3 February: that week is incomplete
    assert not weekly.complete(pd.Timestamp("2025-02-03")) and weekly.complete(pd.Timestamp("2025-01-27"))
    assert summary.last_complete(weekly) == pd.Timestamp("2025-01-27")
    daily = measure(CASES, "day")
    assert summary.last_complete(daily) == pd.Timestamp("2025-02-03")  # that day is in the log
