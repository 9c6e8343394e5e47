"""Rolling-origin cross-validation over a long frame (statsforecast's ``cross_validation`` frame shape).

Windows end at the series end and step back ``step_size`` periods (default ``h``); each model is refitted on the data
up to and including the window's ``cutoff`` and forecasts the ``h`` periods after it. Intervals are the models' own
at 80 and 95% (calibration is the business of :func:`forecasting.forecast`). Automatic choices (ETS form, ARIMA
orders) are made on the oldest window and kept (see :mod:`forecasting.backtest`). A model that fails on a window
(e.g. ETS on fewer than 8 points) leaves that window's forecasts missing; failures are counted per model in
``frame.attrs["failed_windows"]``. Here ``"ensemble"`` is the fixed mean of ETS, Theta and drift.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from forecasting.backtest import rolling_plan, run_backtest
from forecasting.base import Forecaster
from forecasting.engine import backtest_columns, candidate_models
from forecasting.errors import ForecastInputError
from forecasting.registry import DEFAULT_CANDIDATES, check_models, make_model
from forecasting.series import Series, prepared
from forecasting.validation import validate_count, validate_horizon

CV_LEVELS = (80, 95)


def _prototypes(series: Series, models: list[str | Forecaster] | None) -> dict[str, Forecaster]:
    """Models to backtest on one series: the defaults, or the names (as asked) and instances given."""
    if models is None:
        return candidate_models(series, DEFAULT_CANDIDATES)
    out: dict[str, Forecaster] = {}
    for model in models:
        prototype = model if isinstance(model, Forecaster) else make_model(model, series.season_length)
        if series.strategy == "with-gaps" and not prototype.allows_missing:
            continue
        out[getattr(model, "alias", None) or (model if isinstance(model, str) else model.name)] = prototype
    return out


def cross_validation(
    df: pd.DataFrame,
    h: int,
    n_windows: int,
    step_size: int | None = None,
    models: Iterable[str | Forecaster] | None = None,
    freq: str | None = None,
) -> pd.DataFrame:
    """Backtest models on every series with rolling forecast origins.

    Args:
        df: long frame ``unique_id, ds, y``.
        h: periods forecast from each cutoff.
        n_windows: windows per series; on a short series the windows that would leave fewer than 2 training points
            are left out (a series with no window at all is absent from the result).
        step_size: periods between cutoffs (default ``h``: windows do not overlap).
        models: registered names and/or :class:`~forecasting.base.Forecaster` instances (named by ``alias`` or
            ``name``); default: the candidates of ``model="auto"``. Models a series cannot support (seasonal naive
            on annual data; gap-intolerant models on a series kept with its gaps) are left out for that series.
        freq: as in :func:`forecasting.forecast`.

    Returns:
        One row per series, window and observed test date: ``unique_id, cutoff, ds, y, mase_scale`` (the in-sample
        seasonal naive MAE of the window's training data, the MASE denominator), then ``<model>``,
        ``<model>-lo-80``, ``<model>-hi-80``, ``<model>-lo-95``, ``<model>-hi-95`` per model.
    """
    h, windows = validate_horizon(h), validate_count(n_windows, "n_windows")
    step = None if step_size is None else validate_count(step_size, "step_size")
    if models is not None:
        models = [models] if isinstance(models, str | Forecaster) else list(models)
        check_models([m for m in models if not isinstance(m, Forecaster)] or ["naive"])
        if not models:
            raise ForecastInputError("models must name at least one model; got an empty list")
    frames = []
    failures: dict[str, int] = {}
    for series in prepared(df, freq):
        plan = rolling_plan(len(series.y), h, windows, step, min_train=2)
        prototypes = _prototypes(series, models)
        if not len(plan) or not prototypes:
            continue
        backtest = run_backtest(series, prototypes, plan, CV_LEVELS)
        columns = backtest_columns(series, backtest, CV_LEVELS)
        uid = np.repeat(np.array([series.unique_id], dtype=object), len(columns["y"]))
        frames.append(pd.DataFrame({"unique_id": uid, **columns}))
        for name in backtest.forecasts:
            failures[name] = failures.get(name, 0) + backtest.failures[name]
    if not frames:
        raise ForecastInputError(f"no series is long enough for a backtest window of h={h} with 2 training points")
    out = pd.concat(frames, ignore_index=True)
    out.attrs["failed_windows"] = failures
    return out
