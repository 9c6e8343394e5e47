"""Conformal calibration of intervals and the cross-validated coverage, on hand-checkable numbers."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest

from forecasting.calibration import (
    Adjustment,
    adjust,
    calibrate,
    calibrated_coverage,
    conformal_quantile,
    fit_adjustments,
    raw_coverage,
    scores,
    standardised_errors,
)

Z80 = NormalDist().inv_cdf(0.9)


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


def backtest_of(mean: float, half_80: float, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """Backtest arrays with a constant forecast and a symmetric 80% interval of the given half-width."""
    return {
        "mean": np.full(shape, mean),
        "lo-80": np.full(shape, mean - half_80),
        "hi-80": np.full(shape, mean + half_80),
    }


def test_standardised_errors_read_sigma_from_the_lowest_level():
    errors = standardised_errors(np.array([[Z80], [-2 * Z80]]), backtest_of(0.0, Z80, (2, 1)), (80,))
    np.testing.assert_allclose(errors.ravel(), [Z80, 2 * Z80])  # σ = 1: |e| / σ


def test_factor_is_the_conformal_median_over_the_normal_median():
    # Standardised errors 1..5 (σ = 1): rank ⌈6·0.5⌉ = 3 → 3, over z(0.75) = 0.674 → 4.45.
    y = np.arange(1.0, 6.0).reshape(5, 1)
    adjustments = fit_adjustments(y, backtest_of(0.0, Z80, (5, 1)), (80, 95))
    expected = 3 / NormalDist().inv_cdf(0.75)
    assert adjustments[80].factor == pytest.approx(expected) and adjustments[95].factor == pytest.approx(expected)


def test_adjustment_never_narrows():
    y = np.array([[0.1], [-0.2], [0.3], [0.0]])
    assert fit_adjustments(y, backtest_of(0.0, Z80, (4, 1)), (80,)) == {80: Adjustment(1.0, 0.0)}


def test_zero_width_intervals_get_a_margin_per_level():
    y = np.array([[1.0], [-2.0], [0.5], [3.0]])
    flat = backtest_of(0.0, 0.0, (4, 1)) | {"lo-50": np.zeros((4, 1)), "hi-50": np.zeros((4, 1))}
    adjustments = fit_adjustments(y, flat, (50, 80))
    assert adjustments[50] == Adjustment(1.0, 2.0)  # absolute errors 0.5, 1, 2, 3: rank ⌈5·0.5⌉ = 3
    assert adjustments[80] == Adjustment(1.0, 3.0)  # rank ⌈5·0.8⌉ = 4


def test_adjust_keeps_the_shape_and_nests_levels():
    arrays = {"mean": np.array([10.0]), "lo-80": np.array([9.0]), "hi-80": np.array([12.0])}
    arrays |= {"lo-95": np.array([8.0]), "hi-95": np.array([13.0])}
    out = adjust(arrays, {80: Adjustment(2.0), 95: Adjustment(1.0)})
    assert (out["lo-80"][0], out["hi-80"][0]) == (8.0, 14.0)  # asymmetric shape kept, twice as wide
    assert (out["lo-95"][0], out["hi-95"][0]) == (8.0, 14.0)  # widened to contain the 80% interval


def test_calibrate_uses_the_backtest():
    # σ = 1 in the backtest; standardised errors 0, 1, 3, 3 → conformal median (rank 3) = 3 → factor 3 / 0.674.
    outcomes = np.array([[3.0, 0.0], [-3.0, 1.0]])
    forecast = {"mean": np.array([5.0]), "lo-80": np.array([4.0]), "hi-80": np.array([7.0])}
    out, adjustments = calibrate(forecast, outcomes, backtest_of(0.0, Z80, (2, 2)), (80,))
    factor = 3 / NormalDist().inv_cdf(0.75)
    assert adjustments[80].factor == pytest.approx(factor)
    np.testing.assert_allclose([out["lo-80"][0], out["hi-80"][0]], [5 - factor, 5 + 2 * factor])


def test_coverage_is_cross_validated_by_window():
    # Three one-point windows, σ = 1, standardised errors 0.5, 2 and 4; the 80% half-width is Z80 ≈ 1.28.
    outcomes = np.array([[0.5], [2.0], [4.0]])
    backtest = backtest_of(0.0, Z80, (3, 1))
    assert raw_coverage(outcomes, backtest, 80) == pytest.approx(100 / 3)
    # Window 1 calibrated on {2, 4}: median rank ⌈3/2⌉ = 2 → 4 / 0.674 = 5.9 → 0.5 inside. Window 2 on {0.5, 4}:
    # 4 → inside. Window 3 on {0.5, 2}: 2 / 0.674 = 2.97 → half-width 2.97·1.28 = 3.8 < 4 → outside.
    assert calibrated_coverage(outcomes, backtest, (80,))[80] == pytest.approx(200 / 3)


def test_coverage_counts_an_outcome_inside_a_lower_level_as_inside_the_higher():
    outcomes = np.array([[1.5], [1.5], [1.5]])
    backtest = backtest_of(0.0, 1.0, (3, 1)) | {"lo-90": np.full((3, 1), -1.0), "hi-90": np.full((3, 1), 1.0)}
    coverage = calibrated_coverage(outcomes, backtest, (80, 90))
    assert coverage == {80: 100.0, 90: 100.0}


def test_coverage_of_a_single_window_is_the_raw_coverage():
    outcomes = np.array([[0.5, 2.0]])
    assert calibrated_coverage(outcomes, backtest_of(0.0, 1.0, (1, 2)), (80,))[80] == 50.0
