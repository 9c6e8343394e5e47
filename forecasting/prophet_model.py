"""Prophet behind the forecaster contract (adapter in the spirit of statsforecast ``adapters/prophet.py``).

Prophet is optional: without it, fitting raises :class:`~forecasting.errors.MissingDependencyError` with the install
command. Its Stan backend logs every fit; the adapter silences ``cmdstanpy`` and ``prophet`` while fitting only.

Prophet gives one interval width per fit, so intervals for all levels come from its predictive samples (quantiles of
``uncertainty_samples`` draws, seeded for reproducibility). Its intervals are known to under-cover on short annual
series; the engine measures and calibrates them like every other model's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from forecasting.base import Arrays, Forecaster
from forecasting.errors import MissingDependencyError
from forecasting.frequency import future_dates, infer_freq
from forecasting.validation import level_key

INSTALL_HINT = "Prophet is not installed; install it with `pip install prophet` (it brings cmdstanpy and Stan)"
_DEFAULT_FREQ = {1: "YS", 4: "QS", 12: "MS", 52: "W", 7: "D"}


def _prophet_class() -> Any:
    try:
        from prophet import Prophet
    except ImportError as err:
        raise MissingDependencyError(INSTALL_HINT) from err
    return Prophet


@contextmanager
def _silent_stan() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in ("cmdstanpy", "prophet", "prophet.plot")]
    previous = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, was in zip(loggers, previous, strict=True):
            logger.disabled = was


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    # Prophet draws its samples from NumPy's global generator; seed it and put the caller's state back.
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


class ProphetModel(Forecaster):
    """Prophet: piecewise-linear trend plus yearly seasonality (when the data are sub-annual).

    Args:
        season_length: 1 for annual data (no seasonality terms), 4 or 12 to add yearly seasonality.
        freq: pandas alias of the series, used when ``fit`` gets plain values without dates.
        uncertainty_samples: draws used for the intervals.
        changepoint_prior_scale: Prophet's trend flexibility.
        seed: seed of the sampling, so fit+predict is reproducible.
    """

    name = "prophet"
    min_length = 3
    allows_missing = True  # Prophet fits on the observed dates only
    needs_dates = True

    def __init__(
        self,
        season_length: int = 1,
        freq: str | None = None,
        uncertainty_samples: int = 500,
        changepoint_prior_scale: float = 0.05,
        seed: int = 0,
    ) -> None:
        self.season_length = season_length
        self.freq = freq
        self.uncertainty_samples = uncertainty_samples
        self.changepoint_prior_scale = changepoint_prior_scale
        self.seed = seed

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        prophet = _prophet_class()
        freq = self.freq or (infer_freq(index) if index is not None else _DEFAULT_FREQ.get(self.season_length, "D"))
        if index is None:
            index = pd.date_range("2000-01-01", periods=len(y), freq=freq)
        history = pd.DataFrame({"ds": index, "y": y}).dropna()
        model = prophet(
            yearly_seasonality=self.season_length > 1,
            weekly_seasonality=False,
            daily_seasonality=False,
            uncertainty_samples=self.uncertainty_samples,
            changepoint_prior_scale=self.changepoint_prior_scale,
        )
        with _silent_stan(), _seeded(self.seed):
            model.fit(history)
        self.model_ = model
        self.freq_ = freq
        self.last_date_ = index[-1]

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        future = pd.DataFrame({"ds": future_dates(self.last_date_, h, self.freq_)})
        with _silent_stan(), _seeded(self.seed):
            samples = self.model_.predictive_samples(future)["yhat"]
            # The point forecast needs no sampling: switch it off for this call rather than draw twice.
            self.model_.uncertainty_samples = 0
            try:
                mean = self.model_.predict(future)["yhat"].to_numpy()
            finally:
                self.model_.uncertainty_samples = self.uncertainty_samples
        out: Arrays = {"mean": mean}
        for lv in levels:
            tail = (100 - lv) / 200
            out[f"lo-{level_key(lv)}"] = np.quantile(samples, tail, axis=1)
            out[f"hi-{level_key(lv)}"] = np.quantile(samples, 1 - tail, axis=1)
        return out

    def describe(self) -> str:
        return "Prophet (linear trend" + (", yearly seasonality)" if self.season_length > 1 else ")")
