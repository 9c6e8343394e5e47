"""Intervals calibrated per horizon step from rolling-origin backtest errors (split conformal, per step).

The model's own intervals are not used. Each backtest outcome gives a *scaled error* at its step ``k``:
``|log y − log ŷ| / s`` for a positive series, ``|y − ŷ| / s`` otherwise, where ``s`` is the mean absolute change
over the recent part of the window's training data (five seasonal cycles, at least 20 changes; seasonal changes when
two seasons are there; on the log scale for a positive series), the scale of MASE on a recent stretch. Scaled errors
of different series, and of different windows of one series, are comparable, so they can be **pooled**: across the
windows of a series, and across the series of one frequency when a batch is forecast (``StepQuantiles.fit`` takes
the rows of any number of series).

The ``level``% half-width at step ``k`` is the conformal quantile of the step-``k`` scaled errors,
``⌈(n+1)·level/100⌉``-th smallest. A step with fewer than ``min_points`` errors borrows the errors of every step,
each rescaled by ``√(k/j)`` from its step ``j`` to ``k`` (a random walk's growth), so one short series still gets a
band that widens with the horizon; the half-widths are then made non-decreasing in the step (an isotonic fit,
weighted by each step's errors: a running maximum would only ever widen) and in the level. The
band is ``ŷ·exp(±q·s)`` on the log scale, hence positive and asymmetric (a 50% rise is as likely as a 33% fall), and
``ŷ ± q·s`` otherwise, clipped at zero for a series with zeros but no negative value (a count cannot fall below zero).

:class:`Conformal` wraps any forecaster under the contract: ``fit`` runs the rolling-origin backtest on the series
itself (automatic choices such as the ETS form made on the oldest window and kept, as the engine's backtests do) and
learns the quantiles, ``predict`` returns the base model's mean with these intervals. ``reference``
errors (e.g. the other series of a batch) are pooled with the series' own.
"""

from __future__ import annotations

import math
from typing import Self

import numpy as np
import pandas as pd

from forecasting.base import Arrays, Forecaster
from forecasting.errors import ForecastInputError
from forecasting.validation import level_key

MIN_POINTS = 30  # errors a step needs for its own quantiles (fewer: every step's errors, rescaled by √step)


def error_scale(train: np.ndarray, season: int, log: bool, recent: int | None = None) -> float:
    """Mean absolute (seasonal) change over the last ``recent`` changes of ``train`` (default: five seasonal cycles,
    at least 20), on the log scale when ``log``; NaN when undefined.

    Recent changes only: a provincial GDP series from 1949 would otherwise carry the swings of the 1960s into the
    width of a 2027 band.
    """
    values = np.asarray(train, dtype="float64")
    values = values[~np.isnan(values)]
    if log:
        if (values <= 0).any():
            return float("nan")
        values = np.log(values)
    lag = season if season > 1 and len(values) > 2 * season else 1
    if len(values) <= lag:
        return float("nan")
    changes = np.abs(values[lag:] - values[:-lag])[-(recent or max(20, 5 * season)) :]
    scale = float(np.mean(changes))
    return scale if scale > 0 else float("nan")


def scaled_errors(outcomes: np.ndarray, means: np.ndarray, scales: np.ndarray, log: bool) -> np.ndarray:
    """Absolute errors over each row's scale: arrays ``(rows, h)``, ``scales`` of length ``rows``; NaN stays NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.abs(np.log(outcomes) - np.log(means)) if log else np.abs(outcomes - means)
        return error / np.asarray(scales, dtype="float64")[:, None]


def _conformal(values: np.ndarray, level: float, *, ordered: bool = False) -> float:
    """The ``⌈(n+1)·level/100⌉``-th smallest finite value (``ordered``: already sorted and finite)."""
    values = values if ordered else np.sort(values[np.isfinite(values)])
    rank = min(math.ceil((len(values) + 1) * level / 100), len(values))
    return float(values[rank - 1])


def isotonic(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The non-decreasing sequence closest to ``values`` in weighted least squares (pool adjacent violators).

    Per-step quantiles are noisy; a running maximum would make them non-decreasing too, but only ever upwards: every
    step after a high one inherits it, and with 24 monthly steps that alone over-covered the held-back training
    months (82.1 / 96.0% at 80 / 95 nominal on the tourism data; 79.8 / 94.4 with this fit; issue 15).
    """
    blocks: list[list[float]] = []  # [weighted mean, weight, length]
    for value, weight in zip(np.asarray(values, dtype="float64"), np.asarray(weights, dtype="float64"), strict=True):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            last, before = blocks.pop(), blocks.pop()
            total = last[1] + before[1]
            blocks.append([(last[0] * last[1] + before[0] * before[1]) / total, total, last[2] + before[2]])
    return np.concatenate([np.full(int(length), mean) for mean, _, length in blocks])


class StepQuantiles:
    """Per-step conformal quantiles of scaled errors for each level (see the module docstring).

    Args:
        levels: interval levels in percent.
        min_points: errors a step needs for its own quantiles.
    """

    def __init__(self, levels: tuple[float, ...] = (80, 95), min_points: int = MIN_POINTS) -> None:
        self.levels = tuple(levels)
        self.min_points = min_points

    def fit(self, errors: np.ndarray) -> Self:
        """Learn from scaled errors of shape ``(rows, h)`` (rows: backtest windows of one or many series)."""
        errors = np.atleast_2d(np.asarray(errors, dtype="float64"))
        counts = np.count_nonzero(np.isfinite(errors), axis=0)
        if counts.sum() == 0:
            raise ForecastInputError("no backtest errors to calibrate intervals on")
        steps = np.arange(1, errors.shape[1] + 1)
        # Every error moved to step 1 by √step: the pool a step with too few errors of its own borrows from.
        unit = (errors / np.sqrt(steps)).ravel()
        unit = np.sort(unit[np.isfinite(unit)]) if (counts < self.min_points).any() else unit
        self.quantiles_ = {lv: np.empty(len(steps)) for lv in self.levels}
        self.points_ = counts
        for j, k in enumerate(steps):
            own = np.sort(errors[:, j][np.isfinite(errors[:, j])]) if counts[j] >= self.min_points else None
            for lv in self.levels:
                if own is not None:
                    self.quantiles_[lv][j] = _conformal(own, lv, ordered=True)
                else:
                    self.quantiles_[lv][j] = _conformal(unit, lv, ordered=True) * math.sqrt(k)
        weights = np.maximum(counts, 1)
        for lv in self.levels:  # a band never narrows with the horizon (noisy per-step quantiles could)
            self.quantiles_[lv] = isotonic(self.quantiles_[lv], weights)
        for j in range(len(steps)):  # a wider level is never narrower
            floor = 0.0
            for lv in sorted(self.levels):
                floor = self.quantiles_[lv][j] = max(self.quantiles_[lv][j], floor)
        return self

    def quantile(self, level: float, h: int) -> np.ndarray:
        """Half-widths in scale units for steps 1..h; past the learnt steps they grow by √step from the last."""
        if not hasattr(self, "quantiles_"):
            raise ValueError("StepQuantiles is not fitted yet; call fit(errors) first")
        q = self.quantiles_[level]
        if h <= len(q):
            return q[:h].copy()
        extra = q[-1] * np.sqrt(np.arange(len(q) + 1, h + 1) / len(q))
        return np.r_[q, extra]

    def intervals(
        self, mean: np.ndarray, scale: float, log: bool, levels: tuple[float, ...], floor: float | None = None
    ) -> Arrays:
        """Bands around ``mean`` for a series of the given scale (``exp`` bands on the log scale).

        ``floor`` clips the lower bounds: 0 for a series that cannot be negative but has zeros (a count), which
        the log scale cannot take.
        """
        mean = np.asarray(mean, dtype="float64")
        out: Arrays = {"mean": mean}
        for lv in levels:
            width = self.quantile(lv, len(mean)) * scale
            key = level_key(lv)
            with np.errstate(over="ignore"):  # an overflowing bound is refused by tidy_intervals, for that series only
                lo, hi = (mean * np.exp(-width), mean * np.exp(width)) if log else (mean - width, mean + width)
            lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)  # a negative mean of a positive series flips the exp band
            if floor is not None:
                lo = np.maximum(lo, np.minimum(floor, mean))
            out[f"lo-{key}"], out[f"hi-{key}"] = lo, hi
        return out


def backtest_cutoffs(n: int, h: int, windows: int, min_train: int) -> list[int]:
    """Cutoffs of up to ``windows`` rolling origins one step apart, newest last, each leaving at least one outcome."""
    newest = n - 1
    return [c for c in range(newest - windows + 1, newest + 1) if c >= min_train]


class Conformal(Forecaster):
    """A base forecaster's point forecasts with per-step conformal intervals learnt on the series' own backtest.

    Args:
        base: the forecaster whose mean is kept (refitted on every backtest window).
        horizon: steps calibrated (predict beyond them extrapolates by √step).
        windows: rolling origins, one step apart, ending one step before the series end.
        season_length: for the error scale.
        log: work with log errors; ``None`` = when every value is positive.
        reference: scaled errors ``(rows, horizon)`` from similar series, pooled with the series' own.
        min_points: errors a step needs for its own quantiles.
        recent: changes the error scale is measured on (``None``: five seasonal cycles, at least 20).
    """

    name = "conformal"

    def __init__(
        self,
        base: Forecaster,
        horizon: int = 4,
        windows: int = 10,
        season_length: int = 1,
        log: bool | None = None,
        reference: np.ndarray | None = None,
        min_points: int = MIN_POINTS,
        recent: int | None = None,
    ) -> None:
        self.base = base
        self.horizon = horizon
        self.windows = windows
        self.season_length = season_length
        self.log = log
        self.reference = reference
        self.min_points = min_points
        self.recent = recent

    @property
    def min_length(self) -> int:  # type: ignore[override]
        return self.base.min_length + 1

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        log = bool((y > 0).all()) if self.log is None else self.log
        if log and not (y > 0).all():
            raise ForecastInputError("log intervals need a positive series")
        rows, scales, outcomes = [], [], []
        current, chosen = self.base, False
        for cut in backtest_cutoffs(len(y), self.horizon, self.windows, max(self.base.min_length, 3)):
            try:
                fitted = current.clone().fit(y[:cut])
                mean = fitted.forecast_arrays(self.horizon, ())["mean"]
            except Exception:  # a window the base cannot fit leaves no errors; the others still calibrate
                continue
            if not chosen:  # automatic choices (ETS form) made on the oldest window and kept, as the engine does
                current, chosen = fitted.frozen(), True
            actual = np.full(self.horizon, np.nan)
            tail = y[cut : cut + self.horizon]
            actual[: len(tail)] = tail
            rows.append(mean)
            outcomes.append(actual)
            scales.append(error_scale(y[:cut], self.season_length, log, self.recent))
        own = scaled_errors(np.array(outcomes), np.array(rows), np.array(scales), log) if rows else None
        pooled = [e for e in (own, self.reference) if e is not None]
        if not pooled:
            raise ForecastInputError("no backtest window could be fitted to calibrate the intervals")
        self.quantiles_ = StepQuantiles((50, 80, 90, 95, 99), self.min_points).fit(np.vstack(pooled))
        self.errors_ = own
        self.log_ = log
        self.floor_ = 0.0 if not log and (y[~np.isnan(y)] >= 0).all() else None
        self.scale_ = error_scale(y, self.season_length, log, self.recent)
        self.model_ = self.base.clone().fit(y)

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        mean = self.model_.forecast_arrays(h, ())["mean"]
        missing = [lv for lv in levels if lv not in self.quantiles_.levels]
        quantiles = StepQuantiles(levels, self.min_points).fit(self._pool()) if missing else self.quantiles_
        scale = self.scale_ if np.isfinite(self.scale_) else 0.0
        return quantiles.intervals(mean, scale, self.log_, levels, self.floor_)

    def _pool(self) -> np.ndarray:
        return np.vstack([e for e in (self.errors_, self.reference) if e is not None])

    def describe(self) -> str:
        return f"{self.model_.describe() if self.is_fitted else self.base.name} + conformal intervals"
