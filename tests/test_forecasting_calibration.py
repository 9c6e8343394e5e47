"""Conformal calibration of intervals and the cross-validated coverage, on hand-checkable numbers."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.calibration import (
    Adjustment,
    adjust,
    calibrate,
    calibrated_coverage,
    conformal_quantile,
    fit_adjustment,
    raw_coverage,
    scores,
)


def test_scores_use_the_bound_on_the_outcome_side():
    y = np.array([12.0, 7.0, 10.0, np.nan])
    s = scores(y, mean=np.full(4, 10.0), lo=np.full(4, 6.0), hi=np.full(4, 11.0))
    np.testing.assert_allclose(s[:3], [2.0, 0.75, 0.0])  # 2/1 above, 3/4 below, on the mean
    assert np.isnan(s[3])


def test_scores_with_zero_width():
    s = scores(np.array([5.0, 6.0]), mean=np.full(2, 5.0), lo=np.full(2, 5.0), hi=np.full(2, 5.0))
    assert s[0] == 0 and np.isinf(s[1])


@pytest.mark.parametrize(("level", "expected"), [(50, 5.0), (80, 8.0), (95, 9.0)])
def test_conformal_quantile(level, expected):
    values = np.arange(1.0, 10.0)  # n = 9: rank ⌈10·level/100⌉, capped at 9
    assert conformal_quantile(values, level) == expected


def test_conformal_quantile_without_values():
    assert np.isnan(conformal_quantile(np.array([np.nan]), 80))


def test_adjustment_widens_but_never_narrows():
    mean, lo, hi = np.zeros(4), np.full(4, -1.0), np.full(4, 1.0)
    assert fit_adjustment(np.array([0.1, -0.2, 0.3, 0.0]), mean, lo, hi, 80) == Adjustment(1.0, 0.0)
    wide = fit_adjustment(np.array([2.0, -2.0, 2.0, -2.0]), mean, lo, hi, 80)
    assert wide == Adjustment(2.0, 0.0)


def test_zero_width_intervals_get_a_margin():
    adj = fit_adjustment(np.array([1.0, -2.0, 0.5, 3.0]), np.zeros(4), np.zeros(4), np.zeros(4), 50)
    assert adj.factor == 1 and adj.margin == 2.0  # absolute errors 0.5, 1, 2, 3: rank ⌈5·0.5⌉ = 3


def test_adjust_keeps_the_shape_and_nests_levels():
    arrays = {"mean": np.array([10.0]), "lo-80": np.array([9.0]), "hi-80": np.array([12.0])}
    arrays |= {"lo-95": np.array([8.0]), "hi-95": np.array([13.0])}
    out = adjust(arrays, {80: Adjustment(2.0), 95: Adjustment(1.0)})
    assert (out["lo-80"][0], out["hi-80"][0]) == (8.0, 14.0)  # asymmetric shape kept, twice as wide
    assert (out["lo-95"][0], out["hi-95"][0]) == (8.0, 14.0)  # widened to contain the 80% interval


def test_calibrate_uses_the_backtest():
    backtest = {"mean": np.zeros((2, 2)), "lo-80": np.full((2, 2), -1.0), "hi-80": np.full((2, 2), 1.0)}
    outcomes = np.array([[3.0, 0.0], [-3.0, 0.5]])
    forecast = {"mean": np.array([5.0]), "lo-80": np.array([4.0]), "hi-80": np.array([7.0])}
    out, adjustments = calibrate(forecast, outcomes, backtest, (80,))
    assert adjustments[80].factor == 3.0
    assert (out["lo-80"][0], out["hi-80"][0]) == (2.0, 11.0)


def test_coverage_is_cross_validated_by_window():
    # Three one-point windows with scores 0.5, 2 and 3 against a ±1 interval.
    outcomes = np.array([[0.5], [2.0], [3.0]])
    backtest = {"mean": np.zeros((3, 1)), "lo-50": np.full((3, 1), -1.0), "hi-50": np.full((3, 1), 1.0)}
    assert raw_coverage(outcomes, backtest, 50) == pytest.approx(100 / 3)
    # Window 1: factor from {2, 3} is 3 → inside; window 2: from {0.5, 3} → 3 → inside; window 3: from {0.5, 2} → 2,
    # and 3 > 2 → outside.
    assert calibrated_coverage(outcomes, backtest, (50,))[50] == pytest.approx(200 / 3)


def test_coverage_counts_an_outcome_inside_a_lower_level_as_inside_the_higher():
    outcomes = np.array([[1.5], [1.5], [1.5]])
    backtest = {"mean": np.zeros((3, 1))}
    backtest |= {"lo-50": np.full((3, 1), -1.0), "hi-50": np.full((3, 1), 1.0)}
    backtest |= {"lo-60": np.full((3, 1), -1.0), "hi-60": np.full((3, 1), 1.0)}
    coverage = calibrated_coverage(outcomes, backtest, (50, 60))
    assert coverage == {50: 100.0, 60: 100.0}


def test_coverage_of_a_single_window_is_the_raw_coverage():
    outcomes = np.array([[0.5, 2.0]])
    backtest = {"mean": np.zeros((1, 2)), "lo-80": np.full((1, 2), -1.0), "hi-80": np.full((1, 2), 1.0)}
    assert calibrated_coverage(outcomes, backtest, (80,))[80] == 50.0
