"""Rolling-origin backtests of one series: window plans, leak-free fits, and the fallback model.

A window with cutoff ``c`` fits on the first ``c`` grid points only and forecasts the next ``horizon`` points, so no
window ever sees its own test points. Automatic choices (the ETS form, the ARIMA orders) are made on the oldest
window and kept for the later ones, whose training data contain it, so this stays leak-free; only the parameters
are refitted (on windows one step apart ARIMA keeps its coefficients too: see :func:`run_backtest`). That makes a
backtest 2–10× cheaper and, if anything, understates accuracy slightly: the final forecast makes its choices afresh
on all the data.

When a model fails on a window (too short, optimiser failure, non-finite output) that window's forecasts stay
missing and the failure is counted: a backtest reports only what the model itself forecast. The final forecast
instead falls back to the naive model (:func:`fit_forecast`), as statsforecast's ``GroupedArray.fit`` does with
``fallback_model``, so one bad series never fails a batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from forecasting.base import Arrays, Forecaster
from forecasting.errors import MissingDependencyError, ModelFitError
from forecasting.registry import FALLBACK, make_model
from forecasting.series import Series
from forecasting.validation import level_key


@dataclass(frozen=True)
class WindowPlan:
    """Backtest horizon and the cutoff (number of training points) of each window, oldest first."""

    horizon: int
    cutoffs: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.cutoffs)


def rolling_plan(n: int, h: int, n_windows: int, step_size: int | None = None, min_train: int = 2) -> WindowPlan:
    """Windows for ``cross_validation``: the last one ends at the series end, each ``step_size`` (default ``h``)
    before the next; windows with fewer than ``min_train`` training points are left out."""
    step = step_size or h
    cutoffs = [n - h - step * i for i in reversed(range(n_windows))]
    return WindowPlan(h, tuple(c for c in cutoffs if c >= min_train))


def auto_plan(n: int, h: int, n_windows: int, rich_min: int) -> WindowPlan:
    """Windows for model selection and calibration, adapted to the series length.

    Prefers ``n_windows`` windows of the full horizon, ``h`` apart, whose training sets are long enough for the
    richest candidate (``rich_min``); on shorter series it moves the windows closer (step ``h//2``, then 1), then
    accepts fewer windows, then shorter training sets (only the simple models qualify) and a shorter horizon.
    """
    for min_train in sorted({rich_min, 3, 2}, reverse=True):
        horizon = h if min_train == rich_min else min(h, n - min_train)
        room = n - min_train - horizon
        if horizon < 1 or room < 0:
            continue
        best: tuple[int, int] = (0, horizon)
        for step in dict.fromkeys((horizon, max(1, horizon // 2), 1)):
            count = min(n_windows, room // step + 1)
            if count > best[0]:
                best = (count, step)
            if count >= n_windows:
                break
        count, step = best
        return WindowPlan(horizon, tuple(n - horizon - step * i for i in reversed(range(count))))
    return WindowPlan(0, ())


def dense_plan(n: int, h: int, windows: int, rich_min: int) -> WindowPlan:
    """Windows one step apart ending one step before the series end (the later ones see fewer than ``h`` outcomes).

    For a series calibrated alone: ``windows`` origins give errors at every step without pooling other series.
    Training sets are long enough for the richest model (``rich_min``) where the series allows, else at least 3.
    """
    for min_train in sorted({max(rich_min, 2), 3, 2}, reverse=True):
        cutoffs = tuple(range(max(n - windows, min_train), n))
        if len(cutoffs) >= 3 or min_train == 2:
            return WindowPlan(h, cutoffs) if cutoffs and h >= 1 else WindowPlan(0, ())
    return WindowPlan(0, ())


def mase_scale(train: np.ndarray, season: int) -> float:
    """In-sample MAE of the seasonal naive forecast (naive when the history is shorter than two seasons)."""
    lag = season if season > 1 and len(train) > season else 1
    changes = train[lag:] - train[:-lag]
    changes = changes[~np.isnan(changes)]
    return float(np.mean(np.abs(changes))) if len(changes) else float("nan")


def fit_forecast(prototype: Forecaster, series: Series, end: int | None, h: int, levels: tuple[float, ...]):
    """Fit a copy of ``prototype`` on the first ``end`` points and forecast ``h`` steps, falling back on failure.

    Returns:
        ``(arrays, fitted_model)``; ``fitted_model.name`` differs from the prototype's when the fallback was used.

    Raises:
        MissingDependencyError: an optional library is missing (never hidden by the fallback).
        ModelFitError: the fallback failed too.
    """
    try:
        model = prototype.clone().fit(series.values(end, dated=prototype.needs_dates))
        return model.forecast_arrays(h, levels), model
    except MissingDependencyError:
        raise
    except Exception as err:  # any failure of one model on one series: use the fallback, as statsforecast does
        if prototype.name == FALLBACK:
            raise ModelFitError(f"the fallback model failed on series {series.unique_id!r}: {err}") from err
        fallback = make_model(FALLBACK, series.season_length)
        try:
            model = fallback.fit(series.values(end))
        except Exception as fallback_err:
            raise ModelFitError(f"{prototype.name} and the fallback failed on {series.unique_id!r}: {err}") from (
                fallback_err
            )
        return model.forecast_arrays(h, levels), model


@dataclass
class Backtest:
    """Outcomes and forecasts of every window: arrays of shape ``(windows, horizon)``."""

    plan: WindowPlan
    y: np.ndarray
    scale: np.ndarray
    forecasts: dict[str, Arrays] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)  # windows where the model failed (left missing)

    def points(self, name: str) -> int:
        """Observed outcomes that model ``name`` forecast (the sample behind its scores)."""
        return int(np.count_nonzero(~np.isnan(self.y) & ~np.isnan(self.forecasts[name]["mean"])))


def run_backtest(
    series: Series, models: dict[str, Forecaster], plan: WindowPlan, levels: tuple[float, ...]
) -> Backtest:
    """Fit every model on every window of ``plan`` (training data strictly before the window's test points)."""
    k, horizon = len(plan), plan.horizon
    y = np.full((k, horizon), np.nan)
    scale = np.full(k, np.nan)
    for i, cutoff in enumerate(plan.cutoffs):
        outcomes = series.y[cutoff : cutoff + horizon]  # shorter for a dense plan's newest windows
        y[i, : len(outcomes)] = outcomes
        scale[i] = mase_scale(series.y[:cutoff], series.season_length)
    backtest = Backtest(plan, y, scale)
    keys = ["mean"] + [f"{side}-{level_key(lv)}" for lv in levels for side in ("lo", "hi")]
    # Windows one step apart (a series calibrated alone, e.g. on the Forecast page) also keep ARIMA's coefficients:
    # one more point moves them by noise, and re-estimating them was most of a monthly series' forecast there.
    dense = len(plan) > 1 and all(b - a == 1 for a, b in zip(plan.cutoffs, plan.cutoffs[1:], strict=False))
    for name, prototype in models.items():
        arrays = {key: np.full((k, horizon), np.nan) for key in keys}
        failures = 0
        current, chosen = prototype, False
        for i, cutoff in enumerate(plan.cutoffs):
            try:
                model = current.clone().fit(series.values(cutoff, dated=prototype.needs_dates))
                window = model.forecast_arrays(horizon, levels)
                if not chosen:
                    current, chosen = model.frozen(estimates=dense), True
            except MissingDependencyError:
                raise
            except Exception:  # a model failing on one window leaves that window empty; counted below
                failures += 1
                continue
            for key in keys:
                arrays[key][i] = window[key]
        backtest.forecasts[name] = arrays
        backtest.failures[name] = failures
    return backtest
