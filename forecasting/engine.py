"""The per-series pipeline: the consistent part of the series, backtests, the final fit, and the evidence the run's
interval calibration pools (:mod:`forecasting.intervals`; the bands are made there, across series).

Every series is backtested with the comparison ``candidates`` (the leaderboard; none when the caller asks for the
forecast only: they cost about 30% of a batch), the members of the default combination (whose backtest is their
forecasts combined window by window, exactly what the combination fitted on that window gives; left out when a named
model is forecast with no comparison) and the model asked for. Which model's forecast is delivered:

* ``"combination"`` (the default): always the fixed combination, with no choice by a short backtest (three windows
  picked the drift model for 37% of yearly tourism series, and lost to always using one model: issue 15).
* ``"auto"``: the candidate with the lowest backtest error (MASE; MAE when the scale is undefined, e.g. a constant
  history), the mean of the best ``ENSEMBLE_SIZE`` also competing, simpler models winning ties; a model that failed
  on any window is not chosen. ``"ensemble"`` always takes that mean.
* a named model: that one, falling back to naive (recorded in ``model``) when it cannot fit.

Breaks: on a positive series without a season (level series such as GDP; the caller turns this off for rates), a
level shift or outlier found by :func:`forecasting.breaks.detect_breaks` is reported, and when the consistent part
after the last one has at least ``MIN_CONSISTENT`` points everything (backtests and the final fit) uses that part
only; ``fit_start`` then says where it begins.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from forecasting.backtest import Backtest, auto_plan, dense_plan, fit_forecast, run_backtest
from forecasting.base import Arrays, Forecaster
from forecasting.breaks import consistent_start, detect_breaks
from forecasting.combine import combine_outputs, left_out
from forecasting.conformal import error_scale
from forecasting.ensemble import Ensemble, combine_arrays
from forecasting.frequency import future_dates
from forecasting.holidays import is_holiday
from forecasting.intervals import Evidence
from forecasting.metrics import SCALE_COLUMN, MetricInput, coverage_metric, mae, mase, smape
from forecasting.registry import AUTO, COMBINATION, DEFAULT_CANDIDATES, ENSEMBLE_SIZE, FALLBACK, make_model, members
from forecasting.series import Series
from forecasting.validation import level_key

ENSEMBLE = "ensemble"
MIN_CONSISTENT = 8  # points the part after a break needs for the forecast to be fitted on it alone
DENSE_WINDOWS = 10  # windows, one step apart, of a series calibrated alone


@dataclass
class SeriesResult:
    """Everything the run reports about one series (picklable, so worker processes can return it)."""

    unique_id: object
    model: str
    spec: str
    fit_start: pd.Timestamp
    dates: pd.DatetimeIndex
    freq: str
    raw_forecast: Arrays  # the model's own intervals; the run's calibration makes the delivered ones
    evidence: Evidence
    backtest_points: int
    mase: float
    smape: float
    mae: float
    board: list[dict] = field(default_factory=list)
    #: this series' rows of the backtest frame, column by column (see :func:`backtest_columns`); empty without one.
    backtests: dict[str, np.ndarray] = field(default_factory=dict)
    #: level breaks found: ``ds`` (first value after the jump), ``kind``, ``change`` (relative), ``fit_from``.
    breaks: list[dict] = field(default_factory=list)


def candidate_models(series: Series, names: tuple[str, ...], *, explicit: bool = False) -> dict[str, Forecaster]:
    """Prototypes of the named single models that make sense for this series (combinations are built later).

    Models that cannot fit a series kept with its gaps are left out; unless the names were asked for explicitly,
    so is seasonal naive on non-seasonal data (it would duplicate naive in the comparison).
    """
    out: dict[str, Forecaster] = {}
    for name in names:
        if name in (ENSEMBLE, COMBINATION) or (name == "seasonal_naive" and series.season_length == 1 and not explicit):
            continue
        prototype = make_model(name, series.season_length)
        if series.strategy == "with-gaps" and not prototype.allows_missing:
            continue
        out[name] = prototype
    return out


def consistent_part(series: Series, enabled: bool = True) -> tuple[Series, list[dict]]:
    """The series from the start of its consistent part, and the breaks found (see the module docstring)."""
    y = series.y
    if not enabled or series.season_length != 1 or series.strategy == "with-gaps" or not (y > 0).all():
        return series, []
    found = detect_breaks(y)
    if not found:
        return series, []
    start = consistent_start(y, found)
    refit = start > 0 and len(y) - start >= MIN_CONSISTENT
    records = [{"ds": series.dates[b.position], "kind": b.kind, "change": b.relative, "fit_from": False} for b in found]
    if refit:
        records[-1]["fit_from"] = True
        series = replace(series, y=y[start:], dates=series.dates[start:])
    return series, records


def _metric_input(backtest: Backtest, arrays: Arrays) -> MetricInput:
    observed = ~np.isnan(backtest.y) & ~np.isnan(arrays["mean"])
    scale = np.broadcast_to(backtest.scale[:, None], backtest.y.shape)
    lower = {k[3:]: v[observed] for k, v in arrays.items() if k.startswith("lo-")}
    upper = {k[3:]: v[observed] for k, v in arrays.items() if k.startswith("hi-")}
    return MetricInput(backtest.y[observed], arrays["mean"][observed], lower, upper, scale[observed])


def selection_score(backtest: Backtest, arrays: Arrays) -> float:
    """MASE over the backtest; MAE when some window's naive error is zero (the ranking within a series is the same
    kind either way). NaN, so never chosen, when the model failed on a window."""
    windows = ~np.isnan(backtest.y).all(axis=1)
    if np.isnan(arrays["mean"][windows, 0]).any():
        return float("nan")
    data = _metric_input(backtest, arrays)
    if data.scale is not None and (data.scale > 0).all():
        return mase(data)
    return float(np.nanmean(np.abs(data.y - data.mean))) if len(data.y) else float("nan")


def backtest_columns(series: Series, backtest: Backtest, levels: tuple[float, ...]) -> dict[str, np.ndarray]:
    """The backtest as cross-validation columns: ``cutoff`` (last training date), ``ds``, ``y``, ``mase_scale``, then
    ``<model>, <model>-lo-<l>, <model>-hi-<l>…`` for every model scored, one row per window and observed test date."""
    plan, horizon = backtest.plan, backtest.plan.horizon
    cutoffs = np.asarray(plan.cutoffs)
    observed = ~np.isnan(backtest.y.ravel())
    dates = series.dates.to_numpy()
    padded = np.r_[dates, np.full(horizon, dates[-1])]  # a dense plan's newest windows run past the end (no outcome)
    columns = {
        "cutoff": np.repeat(dates[cutoffs - 1], horizon),
        "ds": np.concatenate([padded[c : c + horizon] for c in cutoffs]),
        "y": backtest.y.ravel(),
        SCALE_COLUMN: np.repeat(backtest.scale, horizon),
    }
    for name, arrays in backtest.forecasts.items():
        columns[name] = arrays["mean"].ravel()
        for lv in levels:
            for side in ("lo", "hi"):
                columns[f"{name}-{side}-{level_key(lv)}"] = arrays[f"{side}-{level_key(lv)}"].ravel()
    return {key: values[observed] for key, values in columns.items()}


def _board(series: Series, backtest: Backtest, levels: tuple[float, ...], chosen: str) -> list[dict]:
    rows = []
    for name, arrays in backtest.forecasts.items():
        data = _metric_input(backtest, arrays)
        if not len(data.y):  # failed on every window (e.g. too short for it): nothing to compare
            continue
        row = {
            "unique_id": series.unique_id,
            "model": name,
            "mase": mase(data),
            "smape": smape(data),
            "mae": mae(data),
            "score": selection_score(backtest, arrays),
        }
        for lv in levels:  # the model's own intervals: the delivered bands are scored by the run's calibration
            row[f"coverage_{level_key(lv)}"] = coverage_metric(lv)(data) if len(data.y) else float("nan")
        row |= {"backtest_points": backtest.points(name), "failed_windows": backtest.failures.get(name, 0)}
        rows.append(row | {"chosen": name == chosen})
    return rows


def _combined(backtest: Backtest, names: tuple[str, ...], how: str, y: np.ndarray) -> None:
    """Add the combination's backtest: its members' forecasts combined window by window, leaving a member out of a
    window where it failed, or where it forecast zero or below although the window's training part is positive
    throughout and another member did not, as :class:`~forecasting.combine.Combination` does."""
    present = [backtest.forecasts[n] for n in names if n in backtest.forecasts]
    if not present:
        return
    stacked = {key: np.stack([p[key] for p in present]) for key in present[0]}  # (members, windows, h)
    positive = np.array([bool((y[:c][~np.isnan(y[:c])] > 0).all()) for c in backtest.plan.cutoffs])
    out_of_window = left_out(stacked["mean"], positive)  # (members, windows)
    if out_of_window.any():
        stacked = {key: np.where(out_of_window[:, :, None], np.nan, values) for key, values in stacked.items()}
    if how in ("median", "mean"):
        reducer = np.nanmedian if how == "median" else np.nanmean
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # all members failed on a window: NaN, no warning
            out = {key: reducer(values, axis=0) for key, values in stacked.items()}
    else:  # the trimmed mean, which no default recipe uses: without the guard, its NaNs would spoil the sort
        out = combine_outputs(present, how)
    backtest.forecasts[COMBINATION] = out
    windows = ~np.isnan(backtest.y).all(axis=1)
    backtest.failures[COMBINATION] = int(np.count_nonzero(np.isnan(out["mean"][:, 0]) & windows))


def _choose(backtest: Backtest, model: str, candidates: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The model whose forecast is delivered and, for an ensemble, its members (best first)."""
    if model not in (AUTO, ENSEMBLE):
        return model, ()
    scores = {n: selection_score(backtest, a) for n, a in backtest.forecasts.items() if n in candidates}
    ranked = sorted((s, i, name) for i, (name, s) in enumerate(scores.items()) if np.isfinite(s))
    chosen = tuple(name for _, _, name in ranked[:ENSEMBLE_SIZE])
    if len(chosen) >= 2:
        backtest.forecasts[ENSEMBLE] = combine_arrays([backtest.forecasts[m] for m in chosen])
        backtest.failures[ENSEMBLE] = 0
        scores[ENSEMBLE] = selection_score(backtest, backtest.forecasts[ENSEMBLE])
    if model == ENSEMBLE and ENSEMBLE in backtest.forecasts:
        return ENSEMBLE, chosen
    finite = [(s, i, name) for i, (name, s) in enumerate(scores.items()) if np.isfinite(s)]
    best = min(finite)[2] if finite else FALLBACK
    return best, chosen if best == ENSEMBLE else ()


def forecast_series(
    series: Series,
    h: int,
    levels: tuple[float, ...],
    model: str = COMBINATION,
    candidates: tuple[str, ...] = DEFAULT_CANDIDATES,
    n_windows: int = 3,
    *,
    dense: bool = False,
    breaks: bool = True,
    counts: bool = False,
    holidays: str | None = None,
) -> SeriesResult:
    """Backtest, fit and forecast ``h`` steps of one prepared series (see the module docstring).

    Args:
        dense: backtest on ``max(n_windows, DENSE_WINDOWS)`` windows one step apart (a series calibrated alone)
            instead of ``n_windows`` windows ``h`` apart.
        breaks: look for level breaks and fit on the consistent part.
        counts: the series counts things (cases per day or week): forecasts (backtests included) and bands never
            below zero, bands from plain errors (log errors of small counts multiply into bands of hundreds of times
            the forecast a few steps out).
        holidays: for a daily series, the country whose public holidays are not comparable days: their outcomes
            are left out of the backtest (scores and bands are measured on ordinary days).
    """
    series, found = consistent_part(series, breaks)
    recipe = members(COMBINATION, series.season_length)
    named = () if model in (AUTO, ENSEMBLE, COMBINATION) else (model,)
    # The combination's members are backtested when it is delivered, and beside any comparison (the leaderboard
    # always shows the default); without candidates a named model is backtested alone.
    compared = (*candidates, *recipe[0]) if candidates or model == COMBINATION else ()
    prototypes = candidate_models(series, tuple(dict.fromkeys((*compared, *named))), explicit=False)
    if named and named[0] not in prototypes:
        prototypes |= candidate_models(series, named, explicit=True)
    prototypes = prototypes or candidate_models(series, (FALLBACK,))
    rich = max(p.min_length for p in prototypes.values())
    n = len(series.y)
    plan = dense_plan(n, h, max(n_windows, DENSE_WINDOWS), rich) if dense else auto_plan(n, h, n_windows, rich)
    backtest = run_backtest(series, prototypes, plan, levels) if len(plan) else None
    if backtest is not None and holidays is not None and series.freq == "D":
        _mask_holidays(backtest, series, holidays)
    if backtest is not None and counts:
        backtest.forecasts = {name: _nonnegative(a) for name, a in backtest.forecasts.items()}
    if backtest is not None:
        _combined(backtest, *recipe, series.y)
        used, ensemble = _choose(backtest, model, candidates)
    else:
        used, ensemble = (FALLBACK if model in (AUTO, ENSEMBLE) else model), ()
    if used == ENSEMBLE:
        prototype: Forecaster = Ensemble(ensemble, season_length=series.season_length)
    else:
        prototype = prototypes.get(used) or make_model(used, series.season_length)
    arrays, fitted = fit_forecast(prototype, series, None, h, levels)
    arrays = _nonnegative(arrays) if counts else arrays
    if fitted.name != prototype.name:  # the fallback fitted instead
        used = fitted.name
    if backtest is not None and used not in backtest.forecasts:
        extra = run_backtest(series, {used: make_model(used, series.season_length)}, plan, levels)
        found_used = _nonnegative(extra.forecasts[used]) if counts else extra.forecasts[used]
        backtest.forecasts[used], backtest.failures[used] = found_used, extra.failures[used]
    return _finish(series, h, levels, arrays, fitted, used, backtest, found, counts)


def _nonnegative(arrays: Arrays) -> Arrays:
    """A count's forecast and bounds clipped at zero (missing values stay missing)."""
    return {key: np.maximum(values, 0.0) for key, values in arrays.items()}


def _mask_holidays(backtest: Backtest, series: Series, country: str) -> None:
    """Leave the outcomes that fall on public holidays out of the backtest (set them missing)."""
    positions = np.array(backtest.plan.cutoffs)[:, None] + np.arange(backtest.plan.horizon)[None, :]
    inside = positions < len(series.dates)
    holiday = np.zeros(positions.shape, dtype=bool)
    holiday[inside] = is_holiday(series.dates[positions[inside]], country)
    backtest.y[holiday] = np.nan


def _evidence(series: Series, backtest: Backtest | None, used: str, counts: bool = False) -> Evidence:
    values = series.y[~np.isnan(series.y)]
    log = bool((values > 0).all()) and not counts
    floor = 0.0 if not log and (values >= 0).all() else None
    scale = error_scale(series.y, series.season_length, log)
    if backtest is None:
        empty = np.empty((0, 0))
        return Evidence(empty, empty, np.empty(0), np.empty(0), scale, log, floor)
    windows = np.array([error_scale(series.y[:c], series.season_length, log) for c in backtest.plan.cutoffs])
    return Evidence(backtest.y, backtest.forecasts[used]["mean"], windows, backtest.scale, scale, log, floor)


def _finish(
    series: Series,
    h: int,
    levels: tuple[float, ...],
    arrays: Arrays,
    fitted: Forecaster,
    used: str,
    backtest: Backtest | None,
    found: list[dict],
    counts: bool = False,
) -> SeriesResult:
    board: list[dict] = []
    backtests: dict[str, np.ndarray] = {}
    accuracy = (float("nan"),) * 3
    if backtest is not None:
        board = _board(series, backtest, levels, used)
        data = _metric_input(backtest, backtest.forecasts[used])
        accuracy = (mase(data), smape(data), mae(data))
        backtests = backtest_columns(series, backtest, levels)
    return SeriesResult(
        unique_id=series.unique_id,
        model=used,
        spec=fitted.describe(),
        fit_start=series.dates[0],
        dates=future_dates(series.dates[-1], h, series.freq),
        freq=series.freq,
        raw_forecast=arrays,
        evidence=_evidence(series, backtest, used, counts),
        backtest_points=backtest.points(used) if backtest is not None else 0,
        mase=accuracy[0],
        smape=accuracy[1],
        mae=accuracy[2],
        board=board,
        backtests=backtests,
        breaks=found,
    )
