"""Staleness: the latest period a series should have by a date, from the lags in indicators/freshness.yaml."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicators.errors import MetadataError
from indicators.freshness import Lag, expected_latest, freshness, lag_of, latest_reported, today

T = pd.Timestamp


@pytest.mark.parametrize(
    ("freq", "on", "expected"),
    [
        # Annual final figures for Y are due by the end of March of Y+2 (15 months after Y ends).
        ("A", date(2026, 12, 2), T("2024-01-01")),
        ("A", date(2027, 3, 30), T("2024-01-01")),
        ("A", date(2027, 3, 31), T("2025-01-01")),
        # Monthly releases a month after the month ends (31 October + 1 month = 30 November); quarterly GDP a month
        # after the quarter (30 September + 1 month = 30 October).
        ("M", date(2026, 12, 2), T("2026-10-01")),
        ("M", date(2026, 11, 30), T("2026-10-01")),
        ("M", date(2026, 11, 29), T("2026-09-01")),
        ("Q", date(2026, 12, 2), T("2026-07-01")),
        ("Q", date(2026, 10, 30), T("2026-07-01")),
        ("Q", date(2026, 10, 29), T("2026-04-01")),
    ],
)
def test_the_latest_period_expected_by_a_date(freq, on, expected):
    assert expected_latest(freq, on, lag_of(freq)) == expected


def test_the_lags_are_the_configured_ones():
    assert (lag_of("A"), lag_of("Q"), lag_of("M")) == (Lag(15), Lag(1), Lag(1))
    assert lag_of("A", "egdi") == Lag(0, every=2)  # the biennial UN survey


@pytest.mark.parametrize(
    ("latest", "freq", "indicator", "stale"),
    [
        ("2024-01-01", "A", "gdp", False),  # December 2026: provincial 2024 figures are current
        ("2025-01-01", "A", "gdp_per_capita", False),  # a preliminary figure ahead of the calendar
        ("2022-01-01", "A", "trade_total", True),  # the yearbook panel ends in 2022
        ("2026-07-01", "M", "cpi_yoy", True),  # the monthly snapshot ends in July 2026
        ("2026-10-01", "M", "cpi_yoy", False),
        ("2026-01-01", "Q", "gdp_quarterly", True),
        ("2024-01-01", "A", "egdi", False),  # the 2026 survey is due by the end of 2026
    ],
)
def test_staleness_in_december_2026(latest, freq, indicator, stale):
    assert freshness(T(latest), freq, indicator, date(2026, 12, 2)).stale is stale


def test_a_biennial_series_is_expected_in_its_own_years():
    assert freshness(T("2024-01-01"), "A", "egdi", date(2027, 1, 5)).expected == T("2026-01-01")
    assert freshness(T("2024-01-01"), "A", "egdi", date(2026, 6, 1)).expected == T("2024-01-01")


def test_a_series_with_no_value_is_stale():
    assert freshness(None, "A", "gdp", date(2026, 12, 2)).stale


def test_today_comes_from_the_environment_when_set(monkeypatch):
    monkeypatch.setenv("COCKPIT_TODAY", "2027-04-01")
    assert today() == date(2027, 4, 1)
    assert freshness(T("2024-01-01"), "A", "gdp").stale  # by April 2027 the 2025 figures are due
    monkeypatch.setenv("COCKPIT_TODAY", "April 2027")
    with pytest.raises(MetadataError, match="COCKPIT_TODAY must be a date"):
        today()


def test_latest_reported_period_of_the_shipped_data(obs):
    assert latest_reported(obs, "gdp") == T("2024-01-01")
    assert latest_reported(obs, "gdp_per_capita") == T("2025-01-01")
    assert latest_reported(obs, "trade_total", ["440000"]) == T("2022-01-01")
