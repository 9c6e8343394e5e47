"""Case measures (services/derive.py) against small logs computed by hand: still-open cases, missing due times,
cases closed before they were opened, repeated ids, ratings present and absent."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from services.cases import CASE_COLUMNS
from services.derive import _quantiles, measure, ordinals, period_start, problems, window


def log(rows: list[dict]) -> pd.DataFrame:
    """A canonical case table from dicts naming only what a test needs (times as text)."""
    base = {"status": "closed", "topic": "路灯", "unit": "城管局", "area": "东城区", "channel": "12345"}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    for column in CASE_COLUMNS:
        if column not in frame:
            frame[column] = None
    for column in ("opened", "due", "closed"):
        frame[column] = pd.to_datetime(frame[column])
    return frame[list(CASE_COLUMNS)].astype(CASE_COLUMNS)


# January: a on time (24 h), b late (closed 3 Jan, due 2 Jan; 48 h), c still open (due 10 Jan: overdue at the end of
# January), d without a due time (12 h), e closed before it was opened. February: f opened and still open, no due.
CASES = log(
    [
        {"case_id": "a", "opened": "2025-01-05 08:00", "due": "2025-01-07 08:00", "closed": "2025-01-06 08:00"},
        {"case_id": "b", "opened": "2025-01-01 00:00", "due": "2025-01-02 00:00", "closed": "2025-01-03 00:00"},
        {"case_id": "c", "opened": "2025-01-08 00:00", "due": "2025-01-10 00:00", "status": "open"},
        {"case_id": "d", "opened": "2025-01-20 00:00", "closed": "2025-01-20 12:00", "unit": "水务局"},
        {"case_id": "e", "opened": "2025-01-25 00:00", "due": "2025-01-30 00:00", "closed": "2025-01-24 00:00"},
        {"case_id": "f", "opened": "2025-02-03 00:00", "status": "open", "unit": "水务局"},
    ]
)


def row(derived, period: str, group: str = "__all__") -> pd.Series:
    table = derived.table
    return table[(table["period"] == pd.Timestamp(period)) & (table["group"] == group)].iloc[0]


def test_monthly_measures_by_hand():
    jan, feb = (row(measure(CASES, "month"), p) for p in ("2025-01-01", "2025-02-01"))
    assert jan["volume"] == 5 and feb["volume"] == 1
    assert jan["closed"] == 4  # a, b, d, e (e counts as closed, in the month it says it closed)
    assert jan["backlog"] == 1 and feb["backlog"] == 2  # c; then c and f (e is never open)
    assert jan["on_time_rate"] == pytest.approx(0.5)  # a on time, b late; d has no due time, e closed before opened
    assert jan["median_hours"] == pytest.approx(24.0)  # of 12, 24, 48 (e excluded)
    assert jan["p90_hours"] == pytest.approx(pd.Series([12.0, 24.0, 48.0]).quantile(0.9))
    assert jan["closed_late"] == 1 and jan["overdue"] == 2  # b closed late, c open past due at the month's end
    assert feb["overdue"] == 1 and feb["closed_late"] == 0 and feb["closed"] == 0  # c still open; f has no due time
    assert math.isnan(feb["on_time_rate"]) and math.isnan(feb["median_hours"])


def test_problems_are_counted_and_named():
    found = problems(CASES)
    assert found.counts["closed_before_opened"] == 1 and found.examples["closed_before_opened"] == ["e"]
    assert found.counts["no_due"] == 2 and found.examples["no_due"] == ["d", "f"]
    assert found.counts["duplicate_id"] == 0 and found.counts["no_opened"] == 0


def test_a_repeated_id_counts_once_and_is_reported():
    twice = pd.concat([CASES, CASES.iloc[[0]]], ignore_index=True)
    derived = measure(twice, "month")
    assert derived.problems.counts["duplicate_id"] == 1 and derived.problems.examples["duplicate_id"] == ["a"]
    assert row(derived, "2025-01-01")["volume"] == 5


def test_a_case_without_opening_time_is_counted_not_measured():
    broken = pd.concat([CASES, log([{"case_id": "g", "opened": None, "closed": "2025-01-09"}])], ignore_index=True)
    derived = measure(broken, "month")
    assert derived.problems.counts["no_opened"] == 1
    assert row(derived, "2025-01-01")["closed"] == 4


def test_a_closed_case_without_closing_time_leaves_the_backlog():
    lost = log([{"case_id": "h", "opened": "2025-01-02", "due": "2025-01-03"}])  # status closed, no time
    derived = measure(pd.concat([CASES, lost], ignore_index=True), "month")
    assert derived.problems.counts["closed_without_time"] == 1
    assert row(derived, "2025-01-01")["backlog"] == 1 and row(derived, "2025-01-01")["overdue"] == 2


def test_grouped_by_unit():
    derived = measure(CASES, "month", "unit")
    assert set(derived.table["group"]) == {"城管局", "水务局"}
    assert row(derived, "2025-01-01", "城管局")["volume"] == 4 and row(derived, "2025-01-01", "水务局")["volume"] == 1
    assert row(derived, "2025-02-01", "水务局")["backlog"] == 1
    counts = ["volume", "backlog", "overdue"]
    total = derived.table.groupby("period")[counts].sum()
    assert total.to_dict() == measure(CASES, "month").table.set_index("period")[counts].to_dict()


def test_weekly_and_daily_periods_start_on_monday_and_midnight():
    weeks = measure(CASES, "week").table
    assert (weeks["period"].dt.weekday == 0).all()
    assert weeks["period"].iloc[0] == pd.Timestamp("2024-12-30")  # 1 Jan 2025 was a Wednesday
    assert weeks["volume"].sum() == 6
    days = measure(CASES, "day").table
    assert len(days) == (pd.Timestamp("2025-02-03") - pd.Timestamp("2025-01-01")).days + 1
    assert (
        row(measure(CASES, "day"), "2025-01-08")["overdue"] == 0
        and row(measure(CASES, "day"), "2025-01-10")["overdue"] == 1
    )  # c is due at 00:00 on 10 Jan: past due at the end of that day


def test_period_ordinals_round_trip():
    times = pd.to_datetime(["2025-03-31 23:59", "2024-02-29 00:00", "2025-01-05 12:00"])
    for grain, starts in {
        "month": ["2025-03-01", "2024-02-01", "2025-01-01"],
        "week": ["2025-03-31", "2024-02-26", "2024-12-30"],
        "day": ["2025-03-31", "2024-02-29", "2025-01-05"],
    }.items():
        assert list(period_start(ordinals(times, grain), grain)) == list(pd.to_datetime(starts)), grain


def test_ratings_absent_leave_rates_empty():
    derived = measure(CASES, "month")
    assert not derived.has_ratings
    assert derived.table["rated"].sum() == 0 and derived.table["satisfied_rate"].isna().all()


def test_ratings_present():
    rated = log(
        [
            {"case_id": "r1", "opened": "2025-03-01", "closed": "2025-03-02", "rating": 5},
            {"case_id": "r2", "opened": "2025-03-01", "closed": "2025-03-02", "rating": 4},
            {"case_id": "r3", "opened": "2025-03-01", "closed": "2025-03-02", "rating": 3},
            {"case_id": "r4", "opened": "2025-03-01", "closed": "2025-03-02", "rating": 1, "followed_up": True},
            {"case_id": "r5", "opened": "2025-03-01", "closed": "2025-03-02", "rating": 2, "followed_up": False},
            {"case_id": "r6", "opened": "2025-03-01", "closed": "2025-03-02"},
        ]
    )
    mar = row(measure(rated, "month"), "2025-03-01")
    assert mar["rated"] == 5
    assert mar["satisfied_rate"] == pytest.approx(2 / 5) and mar["bad_rate"] == pytest.approx(2 / 5)
    assert mar["followup_rate"] == pytest.approx(1 / 2)


def test_a_window_keeps_older_cases_in_the_backlog():
    feb_only = measure(CASES, "month", first=pd.Timestamp("2025-02-01"), last=pd.Timestamp("2025-02-28"))
    assert len(feb_only.table) == 1
    feb = feb_only.table.iloc[0]
    assert feb["volume"] == 1 and feb["backlog"] == 2 and feb["overdue"] == 1


def test_unknown_grain_or_group_is_refused():
    with pytest.raises(ValueError, match="grain"):
        measure(CASES, "quarter")
    with pytest.raises(ValueError, match="by"):
        measure(CASES, "month", "phone")


def test_a_window_by_hand():
    derived = window(CASES, pd.Timestamp("2025-01-06"), pd.Timestamp("2025-01-31"))
    (jan,) = derived.table.to_dict("records")
    assert jan["volume"] == 3  # c, d, e (a opened on the 5th, b on the 1st)
    assert jan["closed"] == 3 and jan["on_time_rate"] == pytest.approx(1.0)  # a, d, e closed; only a is timed
    assert jan["median_hours"] == pytest.approx(18.0)  # a 24 h, d 12 h
    assert jan["backlog"] == 1 and jan["overdue"] == 1  # c


def test_a_window_by_area_sums_to_the_whole():
    by_unit = window(CASES, pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-28"), by="unit").table
    assert by_unit.set_index("group")["volume"].to_dict() == {"城管局": 4, "水务局": 2}
    assert by_unit["backlog"].sum() == 2


def test_median_and_p90_per_cell_agree_with_pandas():
    rng = np.random.default_rng(7)
    hours, index, group = rng.exponential(50, 5000), rng.integers(-2, 14, 5000), rng.integers(0, 5, 5000)
    median, p90 = _quantiles(hours, index, group, 12)
    keep = (index >= 0) & (index < 12)
    cells = pd.DataFrame({"g": group[keep], "i": index[keep], "h": hours[keep]}).groupby(["g", "i"])["h"]
    pd.testing.assert_series_equal(median, cells.median(), check_names=False, check_index_type=False)
    pd.testing.assert_series_equal(p90, cells.quantile(0.9), check_names=False, check_index_type=False)
