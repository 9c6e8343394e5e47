"""One run: validate once, forecast every series with its backtests, calibrate the bands together, return one result.

``run`` is the library's one entry point for forecasting a long frame (statsforecast's ``StatsForecast(...).forecast``
and ``cross_validation`` in one call): the per-series pipeline of :mod:`forecasting.engine` (breaks, backtests, the
final fit) runs in this process or on the worker pool (:mod:`forecasting.pool`); then one pass in this process pools
the backtest errors of similar series and makes every band (:mod:`forecasting.intervals`). Everything a page or a
report reads comes from the returned :class:`ForecastRun` — the forecast rows, the backtests, the leaderboard scored
from them, the calibration groups with their measured coverage and interval score, the breaks found and the series
that could not be forecast. :func:`forecasting.forecast` and :func:`forecasting.leaderboard` are views of a run. The
library keeps no results between calls: callers that want caching (the app's ``ui/cache.py``) cache runs.

A run of a single series cannot pool: it is backtested on ten windows one step apart instead of three, so that its
own errors calibrate its band (split conformal on one series) — unless it is given the ``pooled`` calibration of an
earlier run over it and its peers, whose bands and figures it then reproduces exactly (the Forecast page fits the
chosen series alone this way and computes the peers' calibration once per data version).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from forecasting import cluster
from forecasting.engine import SeriesResult, forecast_series
from forecasting.errors import ForecastError, ForecastInputError, ModelFitError
from forecasting.frames import backtest_frame, board_frame, breaks_frame, forecast_frame
from forecasting.frequency import counts_grid
from forecasting.holidays import DEFAULT_COUNTRY, holiday_names
from forecasting.intervals import Pooled, calibrate_run
from forecasting.periods import ALIAS, Numbering, is_numbered, numbering
from forecasting.pool import map_chunks
from forecasting.reading import AccuracyReading, accuracy_reading
from forecasting.registry import DEFAULT_MODEL, check_model_name, check_models
from forecasting.series import Series, prepare_series, split_frame
from forecasting.validation import check_series, validate_count, validate_frame, validate_horizon, validate_level

HOLIDAY_COLUMNS = ("unique_id", "ds", "name_zh", "name_en")

if TYPE_CHECKING:
    from distributed import Client

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
    dense: bool = False
    breaks: bool = True
    numbered: bool = False
    counts: bool | None = None
    holidays: str | None = DEFAULT_COUNTRY


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
        calibration: one row per calibration group (the forecast's ``calibration`` column): ``group, series,
            points, coverage-<l>…, msis-<l>…`` — the cross-validated coverage of the delivered bands over ``points``
            backtest outcomes of ``series`` series (NaN under 50 outcomes) and their MSIS.
        breaks: ``unique_id, ds, kind, change, fit_from``: level breaks found (``fit_from`` marks the one the
            forecast was fitted from).
        errors: ``unique_id, error`` for each series that could not be forecast, with the reason.
        h, levels, model: the horizon, the interval levels (ascending) and the model asked for.
        holidays: ``unique_id, ds, name_zh, name_en``: the forecast days of daily series that are public holidays of
            the run's calendar (not comparable with ordinary days: their forecast is an ordinary day's), with the
            holiday's name in both languages.
        pooled: the run's calibration, to pass as ``pooled`` to a later run of some of these series (see
            :class:`~forecasting.intervals.Pooled`).
    """

    forecast: pd.DataFrame
    raw_forecast: pd.DataFrame
    backtests: pd.DataFrame
    leaderboard: pd.DataFrame
    calibration: pd.DataFrame
    breaks: pd.DataFrame
    errors: pd.DataFrame
    h: int
    levels: tuple[float, ...]
    model: str
    holidays: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(HOLIDAY_COLUMNS)))
    pooled: Pooled | None = None

    def reading(self, unique_id: object, *, percent_change: bool | None = None) -> AccuracyReading:
        """The backtest error of the delivered model on one series, as one sentence's facts (see
        :func:`forecasting.reading.accuracy_reading`; ``percent_change`` for a rate, scored in points)."""
        rows = self.forecast.loc[self.forecast["unique_id"] == unique_id, "model"]
        bt = self.backtests[self.backtests["unique_id"] == unique_id]
        if rows.empty or bt.empty or rows.iloc[0] not in bt:
            return accuracy_reading(np.empty((0, 0)), np.empty((0, 0)), percent_change=percent_change)
        model = rows.iloc[0]
        outcomes = bt.pivot_table(index="cutoff", columns="ds", values="y", dropna=False, sort=True)
        means = bt.pivot_table(index="cutoff", columns="ds", values=model, dropna=False, sort=True)
        means = means.reindex_like(outcomes).to_numpy()
        return accuracy_reading(outcomes.to_numpy(), means, percent_change=percent_change)

    def calibration_of(self, unique_id: object) -> dict:
        """The calibration group row of one series (its measured coverage and MSIS), or an empty dict."""
        group = self.forecast.loc[self.forecast["unique_id"] == unique_id, "calibration"]
        if group.empty:
            return {}
        rows = self.calibration[self.calibration["group"] == group.iloc[0]]
        return rows.iloc[0].to_dict() if len(rows) else {}


def run(
    df: pd.DataFrame,
    h: int,
    freq: str | None = None,
    level: Iterable[float] = (80, 95),
    model: str = DEFAULT_MODEL,
    models: Iterable[str] | None = None,
    n_windows: int = 3,
    n_jobs: int = 1,
    progress: Progress | None = None,
    *,
    strict: bool = False,
    chunk_size: int | None = None,
    breaks: bool = True,
    counts: bool | None = None,
    holidays: str | None = DEFAULT_COUNTRY,
    dask: Client | bool | None = None,
    pooled: Pooled | None = None,
) -> ForecastRun:
    """Backtest, fit, forecast and calibrate every series of a long frame.

    Args:
        df, h, freq, level, model: as in :func:`forecasting.forecast`.
        models: single models backtested beside the one asked for and shown in the leaderboard, and the candidates
            of ``model="auto"`` (default: the fast set).
        n_windows: backtest windows per series, ``h`` apart (fewer on short series); a run of one series uses at
            least ten, one step apart.
        breaks: look for level breaks in positive series without a season and fit on the part after the last one
            (turn off for rates and shares, whose jumps are news rather than a change of definition).
        n_jobs: worker processes; 1 runs in this process, -1 uses every core.
        progress: called as ``progress(done, total)`` with counts of series, after every chunk.
        strict: raise the first series' problem (duplicate dates, a single observation, dates off the grid, a
            model and its fallback failing) instead of recording it in ``errors``, with the frame checked as a
            whole first — what :func:`forecasting.forecast` does.
        chunk_size: series per task (default: about eight tasks per worker, at most 100 series each).
        counts: the series count things (cases, calls): bands from plain errors and never below zero, instead of
            log errors, which on small counts widen into hundreds of times the forecast a few steps out. ``None``
            (the default): a series on a daily or weekly grid whose values are all whole and non-negative is a
            count; False: none is; True: every series is.
        holidays: the country (ISO alpha-2) whose public holidays are not comparable days of a daily series: their
            outcomes are left out of the backtests (scores and bands measure ordinary days) and the forecast days
            that are holidays are listed in ``holidays``; None to treat every day alike.
        dask: where the chunks run. ``None`` (default): on Dask from :func:`forecasting.cluster.min_series` series
            on (``$COCKPIT_DASK_MIN_SERIES``, default 10,000) — the cluster at ``$COCKPIT_DASK_SCHEDULER``, else a
            LocalCluster of ``n_jobs`` workers — and below that as ``n_jobs`` says; ``False``: never on Dask;
            ``True``: always; a ``distributed.Client``: on that client's cluster. Every placement gives the same
            numbers (a series is computed by the same code wherever it runs, and calibrated here).
        pooled: the calibration of an earlier run over these series and their peers (its ``pooled``, with the same
            ``h``, levels and model): the bands and measured figures of the groups it holds are taken from it, so a
            series forecast alone gets exactly the band that run gave it (and is backtested on the run's windows,
            not ten dense ones), without the peers being fitted again.

    Raises:
        ForecastInputError: a problem with the frame as a whole or with a setting (and with ``strict``, with a
            series). UnknownModelError: unknown ``model`` or ``models`` name.
    """
    numbers = _numbering(df, freq)
    if numbers is not None:
        df = df.assign(ds=numbers.to_dates(df["ds"]))
    settings = Settings(
        h=validate_horizon(h),
        levels=validate_level(level),
        model=check_model_name(model),
        models=check_models(models, model),
        n_windows=validate_count(n_windows, "n_windows"),
        freq=ALIAS if numbers is not None else freq,
        breaks=bool(breaks),
        numbered=numbers is not None,
        counts=None if counts is None else bool(counts),
        holidays=None if numbers is not None else holidays,
    )
    _check_pooled(pooled, settings)
    jobs = (os.cpu_count() or 1) if n_jobs == -1 else validate_count(n_jobs, "n_jobs (or -1 for every core)")
    items = [(uid, ds.to_numpy(), y) for uid, ds, y in split_frame(validate_frame(df, per_series=strict))]
    settings = replace(settings, dense=len(items) == 1 and (pooled is None or pooled.dense))
    total, done = len(items), [0]

    def report(chunk: list[Outcome]) -> None:
        done[0] += len(chunk)
        if progress:
            progress(done[0], total)

    if progress:
        progress(0, total)
    client = _dask_client(dask, total, jobs)
    if client is not None:
        jobs = cluster.worker_count(client)
    size = chunk_size or max(1, min(100, total // (jobs * 8) or 1))
    chunks = [items[i : i + size] for i in range(0, total, size)]
    task = functools.partial(_forecast_chunk, settings=settings)
    if client is not None:
        chunk_outcomes = cluster.map_chunks_dask(task, chunks, client, report)
    else:
        chunk_outcomes = map_chunks(task, chunks, jobs, report)
    outcomes = [outcome for chunk in chunk_outcomes for outcome in chunk]
    failed = [(uid, error) for uid, _, error in outcomes if error is not None]
    if strict and failed:
        raise failed[0][1]
    results = [result for _, result, _ in outcomes if result is not None]
    uids = [r.unique_id for r in results]
    calibrated, groups, quantiles = calibrate_run(
        [r.freq for r in results],
        [r.raw_forecast for r in results],
        [r.evidence for r in results],
        settings.levels,
        settings.h,
        uids,
        pooled,
    )
    unbanded = [(uid, c) for uid, c in zip(uids, calibrated, strict=True) if isinstance(c, ModelFitError)]
    if strict and unbanded:
        raise unbanded[0][1]
    if unbanded:  # the series is failed like one whose model failed; the others keep their bands
        failed += unbanded
        kept = [i for i, c in enumerate(calibrated) if not isinstance(c, ModelFitError)]
        results, calibrated = [results[i] for i in kept], [calibrated[i] for i in kept]
        uids = [r.unique_id for r in results]
    figures = {uid: replace(c, forecast={}) for uid, c in zip(uids, calibrated, strict=True)}
    out = ForecastRun(
        forecast=forecast_frame(results, calibrated, settings.model, settings.levels),
        raw_forecast=forecast_frame(results, calibrated, settings.model, settings.levels, raw=True),
        backtests=backtest_frame(results, settings.levels),
        leaderboard=board_frame(results, settings.levels),
        calibration=groups,
        breaks=breaks_frame(results),
        errors=pd.DataFrame([(uid, str(error)) for uid, error in failed], columns=["unique_id", "error"]),
        h=settings.h,
        levels=settings.levels,
        model=settings.model,
        holidays=_holidays(results, settings.holidays),
        pooled=Pooled(settings.h, settings.levels, settings.model, quantiles, groups, figures, settings.dense),
    )
    return _renumbered(out, numbers) if numbers is not None else out


def _check_pooled(pooled: Pooled | None, settings: Settings) -> None:
    """An earlier run's calibration applies only to a run with its horizon, levels and model."""
    if pooled is None:
        return
    if not isinstance(pooled, Pooled):
        raise ForecastInputError(f"pooled must be a run's `pooled` calibration; got {type(pooled).__name__}")
    asked, kept = (settings.h, settings.levels, settings.model), (pooled.h, pooled.levels, pooled.model)
    if asked != kept:
        raise ForecastInputError(f"pooled was calibrated for h, levels, model = {kept}; this run asks for {asked}")


def _holidays(results: list[SeriesResult], country: str | None) -> pd.DataFrame:
    """The forecast days of daily series that are public holidays, with their names."""
    rows = []
    if country is not None:
        for r in results:
            if r.freq == "D":
                zh, en = holiday_names(r.dates, country, "zh"), holiday_names(r.dates, country, "en")
                rows += [(r.unique_id, day, zh[day], en[day]) for day in zh.index[zh.notna()]]
    return pd.DataFrame(rows, columns=list(HOLIDAY_COLUMNS))


def _is_count(series: Series, counts: bool | None) -> bool:
    """Whether a series is a count (see ``run``'s ``counts``)."""
    if counts is not None:
        return counts
    values = series.y[~np.isnan(series.y)]
    return counts_grid(series.freq) and bool((values >= 0).all() and (values == np.round(values)).all())


def _dask_client(dask: Client | bool | None, total: int, jobs: int) -> Client | None:
    """The Dask client a run of ``total`` series uses, or None for the process pool (see :func:`run`)."""
    if dask is None:
        dask = total >= cluster.min_series()
    if dask is False:
        return None
    if dask is True:  # a large job asked for one process still gets the machine's cores
        return cluster.shared_client(jobs if jobs > 1 else (os.cpu_count() or 1))
    return dask


def _numbering(df: object, freq: object) -> Numbering | None:
    """The numbering of a frame with numbered periods, else None (dates are checked by ``validate_frame``)."""
    if isinstance(df, pd.DataFrame) and "ds" in df.columns and "unique_id" in df.columns and is_numbered(df["ds"]):
        return numbering(df, freq)
    return None


def _renumbered(out: ForecastRun, numbers: Numbering) -> ForecastRun:
    """The run with every date column turned back into period numbers."""

    def back(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
        return frame.assign(**{c: numbers.to_numbers(frame[c]) for c in columns if c in frame.columns})

    return replace(
        out,
        forecast=back(out.forecast, ("ds", "fit_start")),
        raw_forecast=back(out.raw_forecast, ("ds",)),
        backtests=back(out.backtests, ("cutoff", "ds")),
        breaks=back(out.breaks, ("ds",)),
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
            if settings.numbered:  # a number says nothing about a season
                series = replace(series, season_length=1)
            result = forecast_series(
                series,
                settings.h,
                settings.levels,
                settings.model,
                settings.models,
                settings.n_windows,
                dense=settings.dense,
                breaks=settings.breaks,
                counts=_is_count(series, settings.counts),
                holidays=settings.holidays,
            )
            out.append((uid, result, None))
        except ForecastError as err:
            out.append((uid, None, err))
    return out
