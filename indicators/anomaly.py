"""Is the latest value of a series far outside what its own history predicts? A robust one-step-error check.

For each candidate model — naive (the previous period) and, for sub-annual data, seasonal naive (the same period a
year earlier) — the one-step forecast errors over a window of history are computed; positive amounts are taken in
logs so that errors are growth rates. The model whose errors are tighter (smaller MAD) is used. The latest error is
centred on the median error (which absorbs drift, e.g. steady growth) and scaled by 1.4826 × MAD, a robust
standard deviation that one earlier outlier (2020) cannot inflate. Nothing is computed from a missing value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

GRID = {"A": "YS", "Q": "QS", "M": "MS"}
SEASON = {"Q": 4, "M": 12}
MAD_TO_SD = 1.4826  # MAD × this = standard deviation for normal errors
LOG_FLOOR = 1e-3  # smallest scale on logs: 0.1% growth


@dataclass(frozen=True)
class AnomalyCheck:
    """The latest value against its expected range; `score` is the robust z of its forecast error."""

    period: pd.Timestamp
    value: float
    expected: float
    low: float
    high: float
    score: float
    model: str  # "naive" or "seasonal_naive"
    flagged: bool

    @property
    def direction(self) -> str:
        return "above" if self.score > 0 else "below"


def _on_grid(series: pd.Series, freq: str) -> pd.Series:
    """The series on a regular calendar (missing rows become NaN), so a lag is a date offset, not a position."""
    series = series.sort_index()
    grid = pd.date_range(series.index.min(), series.index.max(), freq=GRID[freq])
    return series.groupby(level=0).last().reindex(grid)


def check_latest(
    series: pd.Series,
    freq: str,
    level: bool,
    k: float = 4.0,
    window: int = 60,
    min_history: int = 24,
    decimals: int = 1,
) -> AnomalyCheck | None:
    """Check the latest reported value of one series.

    Args:
        series: values indexed by period (period start timestamps); NaN = missing.
        freq: A, Q or M.
        level: the series is an amount (kind "level"): use logs when every value is positive.
        k: robust z beyond which the value is flagged; the expected range is the forecast ± k robust SDs.
        window: how many past errors to learn from.
        min_history: fewer usable past errors than this → no verdict (None).
        decimals: reporting precision; the scale never drops below one reported unit (a flat series would
            otherwise flag a change of 0.1 as infinitely unusual).

    Returns:
        The check, or None when the latest value or its model input is missing or the history is too short.
    """
    reported = series.dropna()
    if reported.empty:
        return None
    grid = _on_grid(series, freq)
    use_log = level and bool((reported > 0).all())
    x = np.log(grid) if use_log else grid
    latest = reported.index.max()
    floor = LOG_FLOOR if use_log else 10.0**-decimals
    best = None
    for model, lag in [("naive", 1)] + ([("seasonal_naive", SEASON[freq])] if freq in SEASON else []):
        errors = x - x.shift(lag)
        now = errors.get(latest)
        history = errors[errors.index < latest].dropna().tail(window)
        if now is None or pd.isna(now) or len(history) < min_history:
            continue
        centre = float(history.median())
        scale = max(MAD_TO_SD * float((history - centre).abs().median()), floor)
        if best is None or scale < best[1]:
            best = (model, scale, centre, float(now), float(x.shift(lag)[latest]))
    if best is None:
        return None
    model, scale, centre, now, base = best
    forecast = base + centre
    back = math.exp if use_log else float
    score = (now - centre) / scale
    return AnomalyCheck(
        period=latest,
        value=float(reported[latest]),
        expected=back(forecast),
        low=back(forecast - k * scale),
        high=back(forecast + k * scale),
        score=score,
        model=model,
        flagged=abs(score) > k,
    )
