"""The per-series pipeline: backtest the candidates, pick a model, fit it on all the data, calibrate its intervals.

``model="auto"`` ranks the candidates by their backtest error (MASE; MAE when the scale is undefined, e.g. a
constant history), adds the mean of the best ``ENSEMBLE_SIZE`` as a further candidate and keeps the lowest error,
simpler models winning ties; a model that failed on any window is not chosen. Candidates needing more data than the
oldest backtest window holds are left out, so a 10-point annual series is decided between naive and drift, and a
series kept with its gaps between the gap-aware models. ``model="ensemble"`` always takes that mean. A named model
is backtested alone (for its calibration and its measured coverage) and falls back to naive, recorded in ``model``,
when it cannot fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.backtest import Backtest, WindowPlan, auto_plan, fit_forecast, run_backtest
from forecasting.base import Arrays, Forecaster
from forecasting.calibration import calibrate, calibrated_coverage, raw_coverage
from forecasting.ensemble import Ensemble, combine_arrays
from forecasting.frequency import future_dates
from forecasting.metrics import SCALE_COLUMN, MetricInput, mase, smape
from forecasting.registry import AUTO, DEFAULT_CANDIDATES, ENSEMBLE_SIZE, FALLBACK, make_model
from forecasting.series import Series
from forecasting.validation import level_key

ENSEMBLE = "ensemble"


@dataclass
class SeriesResult:
    """Everything the API reports about one series (picklable, so worker processes can return it)."""

    unique_id: object
    model: str
    spec: str
    fit_start: pd.Timestamp
    dates: pd.DatetimeIndex
    forecast: Arrays
    raw_forecast: Arrays  # the model's own intervals, before calibration
    coverage: dict[float, float]
    backtest_points: int
    mase: float
    smape: float
    board: list[dict] = field(default_factory=list)
    #: this series' rows of the backtest frame, column by column (see :func:`backtest_columns`); empty without one.
    backtests: dict[str, np.ndarray] = field(default_factory=dict)


def candidate_models(series: Series, names: tuple[str, ...], *, explicit: bool = False) -> dict[str, Forecaster]:
    """Prototypes of the named models that make sense for this series (ensembles are built later).

    Models that cannot fit a series kept with its gaps are left out; unless the names were asked for explicitly,
    so is seasonal naive on non-seasonal data (it would duplicate naive in the comparison).
    """
    out: dict[str, Forecaster] = {}
    for name in names:
        if name == ENSEMBLE or (name == "seasonal_naive" and series.season_length == 1 and not explicit):
            continue
        prototype = make_model(name, series.season_length)
        if series.strategy == "with-gaps" and not prototype.allows_missing:
            continue
        out[name] = prototype
    return out


def _metric_input(backtest: Backtest, arrays: Arrays) -> MetricInput:
    observed = ~np.isnan(backtest.y) & ~np.isnan(arrays["mean"])
    scale = np.broadcast_to(backtest.scale[:, None], backtest.y.shape)
    lower = {k[3:]: v[observed] for k, v in arrays.items() if k.startswith("lo-")}
    upper = {k[3:]: v[observed] for k, v in arrays.items() if k.startswith("hi-")}
    return MetricInput(backtest.y[observed], arrays["mean"][observed], lower, upper, scale[observed])


def selection_score(backtest: Backtest, arrays: Arrays) -> float:
    """MASE over the backtest; MAE when some window's naive error is zero (the ranking within a series is the same
    kind either way). NaN, so never chosen, when the model failed on a window."""
    if np.isnan(arrays["mean"]).any():
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
    columns = {
        "cutoff": np.repeat(series.dates[cutoffs - 1].to_numpy(), horizon),
        "ds": np.concatenate([series.dates[c : c + horizon].to_numpy() for c in cutoffs]),
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
        row = {
            "unique_id": series.unique_id,
            "model": name,
            "mase": mase(data),
            "smape": smape(data),
            "score": selection_score(backtest, arrays),
        }
        calibrated = calibrated_coverage(backtest.y, arrays, levels)
        for lv in levels:
            row[f"coverage_{level_key(lv)}"] = raw_coverage(backtest.y, arrays, lv)
            row[f"calibrated_coverage_{level_key(lv)}"] = calibrated[lv]
        row |= {"backtest_points": backtest.points(name), "failed_windows": backtest.failures.get(name, 0)}
        rows.append(row | {"chosen": name == chosen})
    return rows


def _choose(backtest: Backtest, model: str) -> tuple[str, tuple[str, ...]]:
    """The winning name and, when an ensemble is built, its members (best first)."""
    scores = {name: selection_score(backtest, arrays) for name, arrays in backtest.forecasts.items()}
    ranked = sorted((s, i, name) for i, (name, s) in enumerate(scores.items()) if np.isfinite(s))
    members = tuple(name for _, _, name in ranked[:ENSEMBLE_SIZE])
    if len(members) >= 2:
        backtest.forecasts[ENSEMBLE] = combine_arrays([backtest.forecasts[m] for m in members])
        scores[ENSEMBLE] = selection_score(backtest, backtest.forecasts[ENSEMBLE])
    if model == ENSEMBLE and ENSEMBLE in backtest.forecasts:
        return ENSEMBLE, members
    if model not in (AUTO, ENSEMBLE):
        return model, ()
    finite = [(s, i, name) for i, (name, s) in enumerate(scores.items()) if np.isfinite(s)]
    best = min(finite)[2] if finite else next(iter(backtest.forecasts))
    return best, members if best == ENSEMBLE else ()


def forecast_series(
    series: Series,
    h: int,
    levels: tuple[float, ...],
    model: str = AUTO,
    candidates: tuple[str, ...] = DEFAULT_CANDIDATES,
    n_windows: int = 3,
) -> SeriesResult:
    """Backtest, select, fit, forecast ``h`` steps and calibrate one prepared series (see the module docstring)."""
    automatic = model in (AUTO, ENSEMBLE)
    prototypes = candidate_models(series, candidates if automatic else (model,), explicit=not automatic)
    prototypes = prototypes or candidate_models(series, (FALLBACK,))
    if not automatic and model not in prototypes:
        # e.g. ETS asked for a series that has to be fitted with its gaps: only the fallback can be honest.
        prototypes = candidate_models(series, (FALLBACK,))
    plan = auto_plan(len(series.y), h, n_windows, max(p.min_length for p in prototypes.values()))
    if len(plan):
        first_train = int(np.count_nonzero(~np.isnan(series.y[: plan.cutoffs[0]])))
        eligible = {n: p for n, p in prototypes.items() if p.min_length <= first_train or not automatic}
        backtest = run_backtest(series, eligible or prototypes, plan, levels)
        chosen, members = _choose(backtest, model if automatic else next(iter(prototypes)))
    else:
        backtest = None
        chosen = FALLBACK if automatic else next(iter(prototypes))
        members = ()
    prototype = Ensemble(members, season_length=series.season_length) if members else prototypes.get(chosen)
    prototype = prototype or make_model(chosen, series.season_length)
    arrays, fitted = fit_forecast(prototype, series, None, h, levels)
    used = chosen if fitted.name == prototype.name else fitted.name
    return _finish(series, h, levels, arrays, fitted, used, backtest, plan)


def _finish(
    series: Series,
    h: int,
    levels: tuple[float, ...],
    arrays: Arrays,
    fitted: Forecaster,
    used: str,
    backtest: Backtest | None,
    plan: WindowPlan,
) -> SeriesResult:
    raw = arrays
    coverage = {lv: float("nan") for lv in levels}
    board: list[dict] = []
    backtests: dict[str, np.ndarray] = {}
    accuracy = (float("nan"), float("nan"))
    if backtest is not None:
        if used not in backtest.forecasts:  # the final fit fell back: calibrate with the fallback's own backtest
            extra = run_backtest(series, {used: make_model(used, series.season_length)}, plan, levels)
            backtest.forecasts[used] = extra.forecasts[used]
            backtest.failures[used] = extra.failures[used]
        arrays, _ = calibrate(arrays, backtest.y, backtest.forecasts[used], levels)
        board = _board(series, backtest, levels, used)
        row = next(row for row in board if row["model"] == used)
        coverage = {lv: row[f"calibrated_coverage_{level_key(lv)}"] for lv in levels}
        data = _metric_input(backtest, backtest.forecasts[used])
        accuracy = (mase(data), smape(data))
        backtests = backtest_columns(series, backtest, levels)
    return SeriesResult(
        unique_id=series.unique_id,
        model=used,
        spec=fitted.describe(),
        fit_start=series.dates[0],
        dates=future_dates(series.dates[-1], h, series.freq),
        forecast=arrays,
        raw_forecast=raw,
        coverage=coverage,
        backtest_points=backtest.points(used) if backtest is not None else 0,
        mase=accuracy[0],
        smape=accuracy[1],
        board=board,
        backtests=backtests,
    )
