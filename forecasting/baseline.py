"""Benchmark models with closed-form intervals: naive, seasonal naive and drift (random walk with drift).

They are the yardsticks every other model must beat, the fallback when a richer model fails, and the only models
that fit a series with gaps honestly: each treats the series as a random walk observed at some dates, so a gap of
``d`` periods simply contributes an increment whose variance is ``d`` times the one-period variance — nothing is
filled in. Interval formulas follow Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §5.5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.base import Arrays, Forecaster, normal_intervals
from forecasting.errors import ModelFitError


def _increments(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of observed values, value changes between consecutive observations, and their gaps in periods."""
    observed = np.flatnonzero(~np.isnan(y))
    return observed, np.diff(y[observed]), np.diff(observed).astype("float64")


def _random_walk_sigma(changes: np.ndarray, steps: np.ndarray, drift: float, dof: int, name: str) -> float:
    """One-period innovation standard deviation from (possibly multi-period) increments."""
    if len(changes) - dof < 1:
        raise ModelFitError(f"{name} needs at least {dof + 1} pair(s) of consecutive observations to estimate spread")
    standardised = (changes - drift * steps) / np.sqrt(steps)
    return float(np.sqrt(np.sum(standardised**2) / (len(changes) - dof)))


class Naive(Forecaster):
    """Last observed value carried forward; interval width grows with the square root of the steps ahead."""

    name = "naive"
    min_length = 2
    allows_missing = True

    def __init__(self) -> None:
        pass

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        observed, changes, steps = _increments(y)
        self.last_ = float(y[observed[-1]])
        self.age_ = len(y) - 1 - int(observed[-1])  # periods between the last observation and the forecast origin
        self.sigma_ = _random_walk_sigma(changes, steps, 0.0, 0, self.name)

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        ahead = self.age_ + np.arange(1, h + 1)
        return normal_intervals(np.full(h, self.last_), self.sigma_ * np.sqrt(ahead), levels)


class Drift(Forecaster):
    """Line through the first and last observations, extended; intervals include the slope's estimation error."""

    name = "drift"
    min_length = 3
    allows_missing = True

    def __init__(self) -> None:
        pass

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        observed, changes, steps = _increments(y)
        span = float(observed[-1] - observed[0])
        self.slope_ = float(changes.sum() / span)
        self.last_ = float(y[observed[-1]])
        self.age_ = len(y) - 1 - int(observed[-1])
        self.span_ = span
        self.sigma_ = _random_walk_sigma(changes, steps, self.slope_, 1, self.name)

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        ahead = self.age_ + np.arange(1, h + 1)
        mean = self.last_ + self.slope_ * ahead
        # Var = k·σ² (future shocks) + k²·σ²/span (error of a slope estimated over `span` periods).
        return normal_intervals(mean, self.sigma_ * np.sqrt(ahead * (1 + ahead / self.span_)), levels)

    def describe(self) -> str:
        return f"drift ({self.slope_:+.4g} per period)" if self.is_fitted else self.name


class SeasonalNaive(Forecaster):
    """Each season's last observed value carried forward (naive when ``season_length`` is 1)."""

    name = "seasonal_naive"
    allows_missing = True

    def __init__(self, season_length: int = 1) -> None:
        self.season_length = season_length

    @property
    def min_length(self) -> int:  # type: ignore[override]
        return self.season_length + 1

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        m, n = self.season_length, len(y)
        last = np.full(m, np.nan)
        position = np.full(m, -1)
        for slot in range(m):
            # Positions of the same season as forecast step slot+1, newest first.
            candidates = np.arange(n - m + slot, -1, -m)
            observed = candidates[~np.isnan(y[candidates])] if len(candidates) else candidates
            if len(observed) == 0:
                raise ModelFitError(f"seasonal_naive has no observation for season {slot + 1} of {m}")
            position[slot], last[slot] = observed[0], y[observed[0]]
        lagged = y[m:] - y[:-m]
        lagged = lagged[~np.isnan(lagged)]
        if len(lagged) == 0:
            raise ModelFitError(f"seasonal_naive needs a pair of observations {m} periods apart")
        self.last_, self.position_ = last, position
        self.sigma_ = float(np.sqrt(np.mean(lagged**2)))

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        m, n = self.season_length, len(self.y_)
        steps = np.arange(1, h + 1)
        slots = (steps - 1) % m
        # Seasons elapsed between the value carried forward and the step it forecasts.
        seasons = (n - 1 + steps - self.position_[slots]) // m
        return normal_intervals(self.last_[slots], self.sigma_ * np.sqrt(seasons), levels)

    def describe(self) -> str:
        return f"seasonal naive (m={self.season_length})"
