"""Forecasting library of 决策驾驶舱: models with honest intervals, backtests and accuracy metrics.

Works on a long frame ``unique_id, ds, y`` (the statsforecast contract) and imports nothing else of this project.

* :func:`run` → :class:`ForecastRun` — one run over many series (in this process or on all cores, with a progress
  callback): the forecast rows, the backtests, the leaderboard scored from them, the calibration groups with their
  measured coverage and MSIS, the level breaks found, and the series that failed. ``ds`` may hold dates or plain
  period numbers. ``models=()`` skips the leaderboard's comparison models (the forecast only); a run's ``pooled``
  calibration, passed to a later run of one of its series, bands that series alone exactly as the run did.
* :func:`forecast` — a view of a run: by default the fixed combination (:mod:`forecasting.combine`), with bands per
  horizon step from backtest errors pooled over similar series (:mod:`forecasting.intervals`); ``model="auto"`` still
  picks per series by backtest.
* :func:`leaderboard` — a view of a run: per-series backtest table (MASE, sMAPE, MAE), the model used marked.
* :func:`cross_validation` and :func:`evaluate` — rolling-origin backtests and metrics from a registry
  (:func:`register_metric`).
* Models follow one contract (:class:`Forecaster`): ``Naive``, ``SeasonalNaive``, ``Drift``, ``ETS``, ``ARIMA``,
  ``Theta``, ``ProphetModel``, ``Ensemble``, ``Combination``; :func:`make_model` builds one by name.
"""

from forecasting.api import forecast, leaderboard
from forecasting.base import Forecaster
from forecasting.baseline import Drift, Naive, SeasonalNaive
from forecasting.crossval import cross_validation
from forecasting.ensemble import Ensemble
from forecasting.errors import (
    ForecastError,
    ForecastInputError,
    MissingDependencyError,
    ModelFitError,
    NotFittedError,
    UnknownModelError,
)
from forecasting.intervals import Pooled
from forecasting.metrics import METRICS, MetricInput, evaluate, register_metric
from forecasting.pool import shutdown_workers
from forecasting.prophet_model import ProphetModel
from forecasting.registry import DEFAULT_CANDIDATES, MODELS, is_slow, make_model, model_names, models_needed
from forecasting.run import ForecastRun, run
from forecasting.statistical import ARIMA, ETS, Theta

__version__ = "0.1.0"

__all__ = [
    "ARIMA",
    "DEFAULT_CANDIDATES",
    "ETS",
    "METRICS",
    "MODELS",
    "Drift",
    "Ensemble",
    "ForecastError",
    "ForecastInputError",
    "ForecastRun",
    "Forecaster",
    "MetricInput",
    "MissingDependencyError",
    "ModelFitError",
    "Naive",
    "NotFittedError",
    "Pooled",
    "ProphetModel",
    "SeasonalNaive",
    "Theta",
    "UnknownModelError",
    "cross_validation",
    "evaluate",
    "forecast",
    "leaderboard",
    "make_model",
    "model_names",
    "models_needed",
    "is_slow",
    "register_metric",
    "run",
    "shutdown_workers",
]
