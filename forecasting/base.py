"""The forecaster contract shared by every model (statsforecast models and sktime's estimator template).

``__init__`` stores hyperparameters only; ``fit(y)`` checks the series, stores fitted state in attributes ending in
``_`` and returns ``self``; ``predict(h, level)`` returns a frame with ``mean`` and ``lo-<level>``/``hi-<level>``
columns, one row per step ahead. ``predict`` before ``fit`` raises :class:`~forecasting.errors.NotFittedError`, a
``ValueError``.

Subclasses implement ``_fit(y, index)`` and ``_predict(h, levels) -> dict of arrays``; the base class validates the
input and makes every returned interval contain the mean and nest inside the wider levels.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from statistics import NormalDist
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from forecasting.errors import ForecastInputError, ModelFitError, NotFittedError
from forecasting.validation import level_key, validate_horizon, validate_level

Arrays = dict[str, np.ndarray]


@contextmanager
def quiet() -> Iterator[None]:
    """Silence optimiser warnings ("possible convergence problem") that say nothing a user can act on."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


class Forecaster:
    """Base class of every model. See the module docstring for the contract."""

    name: ClassVar[str] = "forecaster"
    #: observed values ``fit`` needs; shorter series raise ForecastInputError (the engine falls back instead).
    min_length: int = 2
    #: whether ``fit`` accepts missing values inside the series (gaps).
    allows_missing: bool = False
    #: whether ``fit`` needs a ``pd.Series`` with a DatetimeIndex (Prophet) rather than plain positions.
    needs_dates: ClassVar[bool] = False

    def get_params(self) -> dict[str, Any]:
        """Hyperparameters, read back from the attributes named like ``__init__``'s arguments."""
        return {name: getattr(self, name) for name in _param_names(type(self))}

    def clone(self) -> Self:
        """An unfitted copy with the same hyperparameters."""
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"

    def frozen(self, *, estimates: bool = False) -> Forecaster:
        """An unfitted copy whose automatic choices (ETS form, ARIMA orders) are fixed to what this fit chose.

        Backtests choose once, on the oldest window, and refit only the parameters on later windows. Models
        without automatic choices return a plain clone.

        Args:
            estimates: keep the estimated coefficients too, where a model's refit is costly (ARIMA's likelihood
                optimisation): for windows one step apart, where one more point moves them by noise.
        """
        return self.clone()

    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "y_")

    def fit(self, y: object) -> Self:
        """Fit to one series.

        Args:
            y: a 1-D array-like of numbers in time order, or a ``pd.Series`` (its DatetimeIndex is kept for models
                that need dates). Missing values are allowed only where ``allows_missing`` is true.

        Returns:
            ``self``, fitted.

        Raises:
            ForecastInputError: non-numeric, infinite, too short, or with gaps the model cannot handle.
        """
        values, index = _as_values(y)
        observed = int(np.count_nonzero(~np.isnan(values)))
        if np.isnan(values).any() and not self.allows_missing:
            raise ForecastInputError(
                f"{self.name} needs a series without missing values; got {len(values) - observed} missing of "
                f"{len(values)}"
            )
        if observed < self.min_length:
            raise ForecastInputError(f"{self.name} needs at least {self.min_length} observations; got {observed}")
        self._fit(values, index)
        self.y_ = values
        self.index_ = index
        return self

    def predict(self, h: int, level: object = (80, 95)) -> pd.DataFrame:
        """Forecast ``h`` steps after the end of the fitted series.

        Returns:
            A frame indexed by ``step`` (1..h) with ``mean`` then ``lo-<l>``, ``hi-<l>`` for each level, ascending.
        """
        levels = validate_level(level)
        arrays = self.forecast_arrays(validate_horizon(h), levels)
        columns = ["mean"] + [f"{side}-{level_key(lv)}" for lv in levels for side in ("lo", "hi")]
        return pd.DataFrame({c: arrays[c] for c in columns}, index=pd.RangeIndex(1, h + 1, name="step"))

    def forecast_arrays(self, h: int, levels: tuple[float, ...]) -> Arrays:
        """``predict`` without the frame: checked arrays keyed ``mean``, ``lo-80``… (the engine's fast path)."""
        if not self.is_fitted:
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(y) before predict(h)")
        return tidy_intervals(self._predict(h, levels), levels, self.name)

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        raise NotImplementedError

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        raise NotImplementedError

    def describe(self) -> str:
        """Short human-readable specification of the fitted model, e.g. ``ETS(A,Ad,N)``."""
        return self.name


@cache
def _param_names(cls: type) -> tuple[str, ...]:
    # Cached: clone() runs for every model on every backtest window.
    return tuple(p for p in inspect.signature(cls.__init__).parameters if p != "self")


def _as_values(y: object) -> tuple[np.ndarray, pd.DatetimeIndex | None]:
    index = y.index if isinstance(y, pd.Series) and isinstance(y.index, pd.DatetimeIndex) else None
    raw = np.asarray(y)
    if raw.ndim != 1:
        raise ForecastInputError(f"y must be one series (1-D); got an array of shape {raw.shape}")
    if raw.dtype == bool or not (np.issubdtype(raw.dtype, np.number) or raw.dtype == object):
        raise ForecastInputError(f"y must be numeric; got dtype {raw.dtype}")
    try:
        values = raw.astype("float64")
    except (TypeError, ValueError) as err:
        raise ForecastInputError(f"y must be numeric; got values such as {raw[:3].tolist()}") from err
    if np.isinf(values).any():
        raise ForecastInputError("y must be finite or missing; got infinite values")
    return values, index


def normal_intervals(mean: np.ndarray, sd: np.ndarray, levels: tuple[float, ...]) -> Arrays:
    """Gaussian intervals ``mean ± z·sd`` for each level."""
    out: Arrays = {"mean": mean}
    for lv in levels:
        z = NormalDist().inv_cdf(0.5 + lv / 200)
        out[f"lo-{level_key(lv)}"] = mean - z * sd
        out[f"hi-{level_key(lv)}"] = mean + z * sd
    return out


def tidy_intervals(arrays: Arrays, levels: tuple[float, ...], name: str) -> Arrays:
    """Check a model's output and make each interval contain the mean and nest inside the wider ones.

    Simulated intervals (Theta, Prophet) can cross the mean or a narrower level by sampling noise; widening to the
    nearest consistent bound keeps every interval honest (never narrower than the model said).

    Raises:
        ModelFitError: a missing or non-finite mean or bound.
    """
    mean = np.asarray(arrays["mean"], dtype="float64")
    if not np.isfinite(mean).all():
        raise ModelFitError(f"{name} produced non-finite point forecasts")
    out: Arrays = {"mean": mean}
    lo_prev, hi_prev = mean, mean
    for lv in levels:
        key = level_key(lv)
        lo = np.asarray(arrays[f"lo-{key}"], dtype="float64")
        hi = np.asarray(arrays[f"hi-{key}"], dtype="float64")
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            raise ModelFitError(f"{name} produced non-finite {key}% interval bounds")
        lo_prev, hi_prev = np.minimum(lo, lo_prev), np.maximum(hi, hi_prev)
        out[f"lo-{key}"], out[f"hi-{key}"] = lo_prev, hi_prev
    return out
