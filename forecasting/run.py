"""One run: validate once, forecast every series with its backtests, return one result object.

``run`` is the library's one entry point for forecasting a long frame (statsforecast's ``StatsForecast(...).forecast``
and ``cross_validation`` in one call): the per-series pipeline of :mod:`forecasting.engine` (backtest, selection,
final fit, calibration) runs in this process or on the worker pool (:mod:`forecasting.pool`), and everything a page
or a report reads comes from the returned :class:`ForecastRun` — the forecast rows, the backtests, the leaderboard
scored from them and the series that could not be forecast. :func:`forecasting.forecast` and
:func:`forecasting.leaderboard` are views of a run. The library keeps no results between calls: callers that want
caching (the app's ``ui/cache.py``) cache runs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.engine import SeriesResult, forecast_series
from forecasting.errors import ForecastError
from forecasting.frames import backtest_frame, board_frame, forecast_frame
from forecasting.pool import map_chunks
from forecasting.registry import check_model_name, check_models
from forecasting.series import prepare_series, split_frame
from forecasting.validation import check_series, validate_count, validate_frame, validate_horizon, validate_level

Progress = Callable[[int, int], None]
Item = tuple[object, np.ndarray, np.ndarray]
Outcome = tuple[object, SeriesResult | None, ForecastError | None]


@dataclass(frozen=True)
class Settings:
    """The checked settings of a run (what a worker needs besides the series)."""

    h: int
    levels: tuple[float, ...]
    model: str
    models: tuple[str, ...]
    n_windows: int
    freq: str | None


@dataclass(frozen=True)
class ForecastRun:
    """What one run returns.

    Attributes:
        forecast: one row per series and step, as :func:`forecasting.forecast` returns them, for the series that
            succeeded.
        raw_forecast: ``unique_id, ds`` and the same forecast with the model's own intervals, before calibration.
        backtests: the rolling-origin backtests the leaderboard is scored from, in
            :func:`forecasting.cross_validation`'s shape (``unique_id, cutoff, ds, y, mase_scale, <model>…``, with
            the run's levels); :func:`forecasting.evaluate` on it gives the leaderboard's MASE, sMAPE and raw
            coverage.
        leaderboard: per series and backtested model, as :func:`forecasting.leaderboard` returns them.
        errors: ``unique_id, error`` for each series that could not be forecast, with the reason.
        h, levels, model: the horizon, the interval levels (ascending) and the model asked for.
    """

    forecast: pd.DataFrame
    raw_forecast: pd.DataFrame
    backtests: pd.DataFrame
    leaderboard: pd.DataFrame
    errors: pd.DataFrame
    h: int
    levels: tuple[float, ...]
    model: str


def run(
    df: pd.DataFrame,
    h: int,
    freq: str | None = None,
    level: Iterable[float] = (80, 95),
    model: str = "auto",
    models: Iterable[str] | None = None,
    n_windows: int = 3,
    n_jobs: int = 1,
    progress: Progress | None = None,
    *,
    strict: bool = False,
    chunk_size: int | None = None,
) -> ForecastRun:
    """Backtest, select, fit, forecast and calibrate every series of a long frame.

    Args:
        df, h, freq, level, model: as in :func:`forecasting.forecast`.
        models: candidates compared by ``model="auto"`` and shown in the leaderboard (default: the fast set).
        n_windows: backtest windows per series (fewer on short series).
        n_jobs: worker processes; 1 runs in this process, -1 uses every core.
        progress: called as ``progress(done, total)`` with counts of series, after every chunk.
        strict: raise the first series' problem (duplicate dates, a single observation, dates off the grid, a
            model and its fallback failing) instead of recording it in ``errors``, with the frame checked as a
            whole first — what :func:`forecasting.forecast` does.
        chunk_size: series per task (default: about eight tasks per worker, at most 100 series each).

    Raises:
        ForecastInputError: a problem with the frame as a whole or with a setting (and with ``strict``, with a
            series). UnknownModelError: unknown ``model`` or ``models`` name.
    """
    settings = Settings(
        h=validate_horizon(h),
        levels=validate_level(level),
        model=check_model_name(model),
        models=check_models(models),
        n_windows=validate_count(n_windows, "n_windows"),
        freq=freq,
    )
    jobs = (os.cpu_count() or 1) if n_jobs == -1 else validate_count(n_jobs, "n_jobs (or -1 for every core)")
    items = [(uid, ds.to_numpy(), y) for uid, ds, y in split_frame(validate_frame(df, per_series=strict))]
    total, done = len(items), [0]

    def report(chunk: list[Outcome]) -> None:
        done[0] += len(chunk)
        if progress:
            progress(done[0], total)

    if progress:
        progress(0, total)
    size = chunk_size or max(1, min(100, total // (jobs * 8) or 1))
    chunks = [items[i : i + size] for i in range(0, total, size)]
    task = functools.partial(_forecast_chunk, settings=settings)
    outcomes = [outcome for chunk in map_chunks(task, chunks, jobs, report) for outcome in chunk]
    failed = [(uid, error) for uid, _, error in outcomes if error is not None]
    if strict and failed:
        raise failed[0][1]
    results = [result for _, result, _ in outcomes if result is not None]
    return ForecastRun(
        forecast=forecast_frame(results, settings.model, settings.levels),
        raw_forecast=forecast_frame(results, settings.model, settings.levels, raw=True),
        backtests=backtest_frame(results, settings.levels),
        leaderboard=board_frame(results, settings.levels),
        errors=pd.DataFrame([(uid, str(error)) for uid, error in failed], columns=["unique_id", "error"]),
        h=settings.h,
        levels=settings.levels,
        model=settings.model,
    )


def _forecast_chunk(items: list[Item], settings: Settings) -> list[Outcome]:
    """Worker entry point: each series checked, placed on its grid and forecast; a problem with one series is
    returned as its error (the one place where per-series errors are caught: the engine's fallback model has
    already been tried)."""
    out: list[Outcome] = []
    for uid, ds, y in items:
        try:
            dates = pd.DatetimeIndex(ds)
            check_series(uid, dates, y)
            series = prepare_series(uid, dates, y, settings.freq)
            result = forecast_series(
                series, settings.h, settings.levels, settings.model, settings.models, settings.n_windows
            )
            out.append((uid, result, None))
        except ForecastError as err:
            out.append((uid, None, err))
    return out
