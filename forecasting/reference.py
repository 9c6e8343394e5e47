"""statsmodels as the reference engine for ETS: the same AICc search over error, trend, damping and season.

Used through ``ETS(engine="statsmodels")`` and by the tests that check the fast engine against it; it is about ten
times slower than statsforecast, so the product does not use it by default.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecasting.base import Arrays, quiet
from forecasting.errors import ModelFitError
from forecasting.validation import level_key


@dataclass
class StatsmodelsETSFit:
    """A fitted statsmodels ETS result and its specification, e.g. ``ETS(A,Ad,N)``."""

    result: Any
    spec: str
    n: int

    def predict(self, h: int, level: list[float] | None = None) -> Arrays:
        with quiet():
            prediction = self.result.get_prediction(start=self.n, end=self.n + h - 1, rng=np.random.default_rng(0))
        out: Arrays = {"mean": np.asarray(prediction.predicted_mean, dtype="float64")}
        for lv in level or []:
            bounds = np.asarray(prediction.pred_int(alpha=1 - lv / 100), dtype="float64")
            out[f"lo-{level_key(lv)}"], out[f"hi-{level_key(lv)}"] = bounds[:, 0], bounds[:, 1]
        return out


def _candidates(
    y: np.ndarray, season_length: int, damped: bool | None
) -> list[tuple[str, str | None, bool, str | None]]:
    positive = bool((y > 0).all())
    errors = ["add", "mul"] if positive else ["add"]
    seasonal = len(y) >= 2 * season_length + 2 and season_length > 1
    seasons: list[str | None] = [None] + ((["add", "mul"] if positive else ["add"]) if seasonal else [])
    trends: list[tuple[str | None, bool]] = [(None, False)]
    if damped is not True:
        trends.append(("add", False))
    if damped is not False:
        trends.append(("add", True))
    return [(e, t, d, s) for e, (t, d), s in itertools.product(errors, trends, seasons)]


def fit_statsmodels_ets(y: np.ndarray, season_length: int, damped: bool | None) -> StatsmodelsETSFit:
    """Fit every admissible ETS form with statsmodels and keep the one with the lowest AICc."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    # statsmodels' prediction code needs a pandas index, not a bare array.
    series = pd.Series(y)
    best: tuple[float, Any, str] | None = None
    for error, trend, is_damped, season in _candidates(y, season_length, damped):
        try:
            with quiet():
                result = ETSModel(
                    series,
                    error=error,
                    trend=trend,
                    damped_trend=is_damped,
                    seasonal=season,
                    seasonal_periods=season_length if season else None,
                ).fit(disp=False)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if not np.isfinite(result.aicc):
            continue
        spec = f"ETS({error[0].upper()},{'N' if trend is None else 'A' + ('d' if is_damped else '')},"
        spec += f"{'N' if season is None else season[0].upper()})"
        if best is None or result.aicc < best[0]:
            best = (float(result.aicc), result, spec)
    if best is None:
        raise ModelFitError("statsmodels ETS could not fit any model form")
    return StatsmodelsETSFit(result=best[1], spec=best[2], n=len(y))
