"""Honest intervals: widen a model's intervals by split-conformal factors from its own backtest, and measure the
coverage of the intervals as delivered without reusing the points that calibrated them.

Each backtest outcome gets a score ``s`` = its distance from the point forecast divided by the distance from the point
forecast to the interval bound on its side, so ``s ≤ 1`` exactly when the outcome fell inside. For a level ``l``
the factor is the ``⌈(n+1)·l/100⌉``-th smallest of the ``n`` scores (the largest when there are too few points: the
finite-sample guarantee is then ``n/(n+1)``), never below 1: intervals are only widened, never narrowed, and the
shape the model gave them (asymmetry, growth with the horizon) is kept. Scores are pooled over all steps and windows
of one series, so calibration never depends on which other series are in the same call.

When a model's interval has zero width (e.g. a constant history) scaling cannot help; the half-width is then at least
the conformal quantile of the absolute errors.

Measured coverage is cross-validated by window: each window's outcomes are checked against intervals calibrated on
the other windows only. With a single window nothing is left to calibrate on, and the measured coverage is that of
the model's own intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from forecasting.base import Arrays, tidy_intervals
from forecasting.validation import level_key


@dataclass(frozen=True)
class Adjustment:
    """How to widen one level's interval: multiply half-widths by ``factor``, keep at least ``margin``."""

    factor: float = 1.0
    margin: float = 0.0


def scores(y: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Normalised distances of outcomes from the point forecast (≤ 1 inside the interval; NaN without an outcome
    or a forecast)."""
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


def fit_adjustment(y: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: float) -> Adjustment:
    """The widening that makes ``level``% of the backtest outcomes fall inside (see the module docstring)."""
    quantile = conformal_quantile(scores(y, mean, lo, hi).ravel(), level)
    if math.isnan(quantile):
        return Adjustment()
    if math.isfinite(quantile):
        return Adjustment(factor=max(1.0, quantile))
    return Adjustment(margin=conformal_quantile(np.abs(y - mean).ravel(), level))


def adjust(arrays: Arrays, adjustments: dict[float, Adjustment]) -> Arrays:
    """Apply per-level adjustments, then re-nest the levels (a widened 80% interval can pass the 95% one)."""
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
    adjustments = {
        lv: fit_adjustment(
            outcomes, backtest["mean"], backtest[f"lo-{level_key(lv)}"], backtest[f"hi-{level_key(lv)}"], lv
        )
        for lv in levels
    }
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
    ``factor``. Levels are nested as in :func:`adjust`, so an outcome inside the delivered 80% interval is inside
    the delivered 95% one.
    """
    windows = outcomes.shape[0]
    mean = backtest["mean"]
    valid = ~np.isnan(outcomes) & ~np.isnan(mean)
    total = int(np.count_nonzero(valid))
    if windows < 2 or total == 0:
        return {lv: raw_coverage(outcomes, backtest, lv) for lv in levels}
    distance = np.abs(outcomes - mean)
    inside_lower = np.zeros(outcomes.shape, dtype=bool)
    coverage = {}
    for lv in levels:
        key = level_key(lv)
        score = scores(outcomes, mean, backtest[f"lo-{key}"], backtest[f"hi-{key}"])
        inside = np.zeros(outcomes.shape, dtype=bool)
        for w in range(windows):
            rest = np.arange(windows) != w
            quantile = conformal_quantile(score[rest].ravel(), lv)
            if math.isnan(quantile):
                inside[w] = score[w] <= 1
            elif math.isfinite(quantile):
                inside[w] = score[w] <= max(1.0, quantile)
            else:
                margin = conformal_quantile(distance[rest].ravel(), lv)
                inside[w] = (score[w] <= 1) | (distance[w] <= margin)
        inside_lower = inside | inside_lower
        coverage[lv] = 100 * int(np.count_nonzero(inside_lower & valid)) / total
    return coverage
