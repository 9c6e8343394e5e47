"""Honest intervals: widen a model's intervals by a factor learnt from its own backtest errors, and measure the
coverage of the intervals as delivered without reusing the points that calibrated them.

Each backtest outcome is turned into a standardised error ``|y − ŷ| / σ``, where ``σ`` is the spread the model
itself claimed for that point (its lowest-level interval half-width on the outcome's side, divided by the normal
quantile of that level). If the model's spread were right, these would be half-normal. The widening factor is the
split-conformal quantile of the standardised errors at the 50% level, ``⌈(n+1)/2⌉``-th smallest, divided by the
normal 50% quantile (0.674), and never below 1: intervals are only widened, never narrowed, and every level gets
the same factor, so the model's shape (asymmetry, growth with the horizon) is kept and only its scale is corrected.

Why the 50% level: a series yields about a dozen backtest points, enough to estimate a median but not a 95th
percentile; a per-level conformal quantile is then simply the largest error, which made intervals several times
wider on a tenth of the tourism series for little gain in coverage. ``benchmarks/forecast_accuracy.py`` prints the
coverage and the mean scaled interval score of every model's intervals before and after calibration.

When the model's spread is zero (a constant history) scaling cannot help; the half-width at each level is then at
least the conformal quantile of the absolute errors at that level.

Measured coverage is cross-validated by window: each window's outcomes are checked against intervals calibrated on
the other windows only. With a single window nothing is left to calibrate on, and the measured coverage is that of
the model's own intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from forecasting.base import Arrays, tidy_intervals
from forecasting.validation import level_key

REFERENCE_LEVEL = 50


def _z(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 200)


@dataclass(frozen=True)
class Adjustment:
    """How to widen one level's interval: multiply half-widths by ``factor``, keep at least ``margin``."""

    factor: float = 1.0
    margin: float = 0.0


def scores(y: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Distances of outcomes from the point forecast over the interval bound on their side (≤ 1 inside; NaN without
    an outcome or a forecast)."""
    above = y >= mean
    distance = np.abs(y - mean)
    half = np.where(above, hi - mean, mean - lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(half > 0, distance / half, np.where(distance > 0, np.inf, 0.0))
    return np.where(np.isnan(y) | np.isnan(mean), np.nan, out)


def conformal_quantile(values: np.ndarray, level: float) -> float:
    """The ``⌈(n+1)·level/100⌉``-th smallest value (the largest when ``n`` is too small); NaN without values."""
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return float("nan")
    rank = min(math.ceil((n + 1) * level / 100), n)
    return float(np.partition(values, rank - 1)[rank - 1])


def standardised_errors(y: np.ndarray, backtest: Arrays, levels: tuple[float, ...]) -> np.ndarray:
    """``|y − ŷ| / σ`` with the model's own ``σ`` read from its lowest-level interval."""
    reference = levels[0]
    key = level_key(reference)
    return scores(y, backtest["mean"], backtest[f"lo-{key}"], backtest[f"hi-{key}"]) * _z(reference)


def fit_adjustments(y: np.ndarray, backtest: Arrays, levels: tuple[float, ...]) -> dict[float, Adjustment]:
    """The widening of every level learnt from backtest outcomes ``y`` (see the module docstring)."""
    if not levels:
        return {}
    errors = standardised_errors(y, backtest, levels).ravel()
    return _adjustments(errors, np.abs(y - backtest["mean"]).ravel(), levels)


def _adjustments(errors: np.ndarray, distance: np.ndarray, levels: tuple[float, ...]) -> dict[float, Adjustment]:
    quantile = conformal_quantile(errors, REFERENCE_LEVEL)
    if math.isnan(quantile):
        return {lv: Adjustment() for lv in levels}
    if math.isfinite(quantile):
        factor = max(1.0, quantile / _z(REFERENCE_LEVEL))
        return {lv: Adjustment(factor=factor) for lv in levels}
    return {lv: Adjustment(margin=conformal_quantile(distance, lv)) for lv in levels}


def adjust(arrays: Arrays, adjustments: dict[float, Adjustment]) -> Arrays:
    """Apply per-level adjustments, then re-nest the levels (margins can make a lower level pass a higher one)."""
    mean = arrays["mean"]
    out: Arrays = {"mean": mean}
    for level, adj in adjustments.items():
        key = level_key(level)
        out[f"lo-{key}"] = mean - np.maximum(adj.factor * (mean - arrays[f"lo-{key}"]), adj.margin)
        out[f"hi-{key}"] = mean + np.maximum(adj.factor * (arrays[f"hi-{key}"] - mean), adj.margin)
    return tidy_intervals(out, tuple(adjustments), "calibration")


def calibrate(
    forecast: Arrays, outcomes: np.ndarray, backtest: Arrays, levels: tuple[float, ...]
) -> tuple[Arrays, dict[float, Adjustment]]:
    """Widen ``forecast`` with adjustments fitted on a backtest (``outcomes`` and ``backtest`` of equal shape)."""
    adjustments = fit_adjustments(outcomes, backtest, levels)
    return adjust(forecast, adjustments), adjustments


def _inside(y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[int, int]:
    observed = ~np.isnan(y) & ~np.isnan(lo) & ~np.isnan(hi)
    return int(np.count_nonzero((y >= lo) & (y <= hi) & observed)), int(np.count_nonzero(observed))


def raw_coverage(outcomes: np.ndarray, backtest: Arrays, level: float) -> float:
    """Percentage of backtest outcomes inside the model's own ``level``% intervals."""
    key = level_key(level)
    inside, total = _inside(outcomes, backtest[f"lo-{key}"], backtest[f"hi-{key}"])
    return 100 * inside / total if total else float("nan")


def calibrated_coverage(outcomes: np.ndarray, backtest: Arrays, levels: tuple[float, ...]) -> dict[float, float]:
    """Percentage of outcomes inside intervals calibrated on the *other* windows (cross-validated by window).

    Works on scores: an outcome is inside an interval widened by ``factor`` exactly when its score is at most
    ``factor``. Levels are nested as in :func:`adjust`.
    """
    windows = outcomes.shape[0]
    mean = backtest["mean"]
    valid = ~np.isnan(outcomes) & ~np.isnan(mean)
    total = int(np.count_nonzero(valid))
    if not levels:
        return {}
    if windows < 2 or total == 0:
        return {lv: raw_coverage(outcomes, backtest, lv) for lv in levels}
    distance = np.abs(outcomes - mean)
    errors = standardised_errors(outcomes, backtest, levels)
    level_scores = {
        lv: scores(outcomes, mean, backtest[f"lo-{level_key(lv)}"], backtest[f"hi-{level_key(lv)}"]) for lv in levels
    }
    inside = {lv: np.zeros(outcomes.shape, dtype=bool) for lv in levels}
    for w in range(windows):
        rest = np.arange(windows) != w
        for lv, adj in _adjustments(errors[rest].ravel(), distance[rest].ravel(), levels).items():
            inside[lv][w] = (level_scores[lv][w] <= adj.factor) | (distance[w] <= adj.margin)
    coverage, inside_lower = {}, np.zeros(outcomes.shape, dtype=bool)
    for lv in levels:
        inside_lower = inside_lower | inside[lv]
        coverage[lv] = 100 * int(np.count_nonzero(inside_lower & valid)) / total
    return coverage
