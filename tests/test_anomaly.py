"""The robust one-step-error check behind anomaly warnings: model choice, drift, scale floor, missing inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.anomaly import check_latest

MONTHS = pd.date_range("2015-01-01", periods=96, freq="MS")


def monthly(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=MONTHS[: len(values)])


def test_a_strongly_seasonal_series_is_judged_on_the_same_month_a_year_earlier():
    season = np.tile([100, 80, 120, 110, 105, 95, 100, 90, 115, 125, 130, 140], 8)
    values = season * 1.003 ** np.arange(96)  # slow growth on top of the season
    check = check_latest(monthly(values), "M", level=True)
    assert check.model == "seasonal_naive" and not check.flagged
    values[-1] *= 1.3
    check = check_latest(monthly(values), "M", level=True)
    assert check.flagged and check.direction == "above" and check.high < values[-1]


def test_steady_growth_is_not_an_anomaly_but_a_stall_is():
    values = 1000 * 1.01 ** np.arange(60)  # 1% a month: the median error absorbs the drift
    wobble = np.where(np.arange(60) % 2 == 0, 1.002, 0.998)
    values = values * wobble
    check = check_latest(monthly(values), "M", level=True)
    assert not check.flagged and check.expected == pytest.approx(values[-1], rel=0.01)
    values[-1] = values[-2]  # no growth at all this month
    check = check_latest(monthly(values), "M", level=True)
    assert check.flagged and check.direction == "below"


def test_a_flat_series_does_not_flag_a_change_of_one_reported_unit():
    values = [2.0] * 40 + [2.1]
    check = check_latest(monthly(values), "M", level=False, decimals=1)
    assert not check.flagged  # MAD is 0: the scale floor is one reported unit (0.1)
    check = check_latest(monthly([2.0] * 40 + [3.0]), "M", level=False, decimals=1)
    assert check.flagged and check.score == pytest.approx(10.0)


def test_no_verdict_without_enough_history_or_on_a_gap():
    assert check_latest(monthly([1.0] * 10), "M", level=False) is None  # fewer than min_history errors
    values = monthly(np.r_[np.linspace(1, 2, 40), [np.nan]])
    check = check_latest(values, "M", level=False)
    assert check.period == MONTHS[39]  # the last *reported* value is the one judged
    holed = np.r_[np.linspace(1, 2, 39), [np.nan, 9.0]]
    check = check_latest(monthly(holed), "M", level=False, min_history=12)
    assert check.model == "seasonal_naive"  # the previous month is missing: only a year earlier can predict
    holed[-13] = np.nan
    assert check_latest(monthly(holed), "M", level=False, min_history=12) is None  # both model inputs missing
    assert check_latest(pd.Series([np.nan, np.nan], index=MONTHS[:2]), "M", level=False) is None


def test_missing_rows_are_missing_periods_not_neighbours():
    values = monthly(np.linspace(1, 2, 40)).drop(MONTHS[38])  # the month before the last has no row at all
    check = check_latest(values, "M", level=False, min_history=12)
    assert check.model == "seasonal_naive"  # never "naive" on the row two months back
    assert check.expected == pytest.approx(values[MONTHS[27]] + 12 / 39)  # a year earlier + the typical change
