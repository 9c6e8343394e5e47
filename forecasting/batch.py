"""Batch forecasting of many series: worker processes, a result cache, progress reports, per-series errors.

``batch_forecast`` runs the same per-series pipeline as :func:`forecasting.forecast` but

* spreads chunks of series over worker processes (all cores by default; started with ``spawn``, which is safe inside
  a multi-threaded server such as Streamlit, and kept alive between calls so only the first call pays the start-up);
* reports ``progress(done, total)`` in series after every chunk, for a progress bar;
* turns a bad series (duplicate dates, fewer than 2 observations, dates off the grid) into a row of ``errors`` rather
  than failing the batch;
* caches results keyed by a hash of the input frame and every setting (in memory, and on disk with ``cache_dir``).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import pickle
import sys
import threading
import types
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.api import board_frame, check_models, forecast_frame
from forecasting.engine import SeriesResult, forecast_series
from forecasting.errors import ForecastError
from forecasting.registry import check_model_name
from forecasting.series import prepare_series, split_frame
from forecasting.validation import check_series, validate_count, validate_frame, validate_horizon, validate_level

CACHE_VERSION = "forecasting-batch-2"  # bump when results change for the same input
MEMORY_CACHE_SIZE = 16
Progress = Callable[[int, int], None]
Item = tuple[object, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class ForecastResult:
    """What a batch returns.

    Attributes:
        forecast: rows as :func:`forecasting.forecast` returns them, for the series that succeeded.
        leaderboard: rows as :func:`forecasting.leaderboard` returns them.
        errors: ``unique_id, error`` for each series that could not be forecast, with the reason.
        cached: whether the result came from the cache.
    """

    forecast: pd.DataFrame
    leaderboard: pd.DataFrame
    errors: pd.DataFrame
    cached: bool = False

    def copy(self, *, cached: bool) -> ForecastResult:
        return replace(
            self,
            forecast=self.forecast.copy(),
            leaderboard=self.leaderboard.copy(),
            errors=self.errors.copy(),
            cached=cached,
        )


_MEMORY: OrderedDict[str, ForecastResult] = OrderedDict()
_POOL: dict[str, ProcessPoolExecutor] = {}
# A web server calls from several threads: the cache and the worker pool are shared, so guard their bookkeeping.
_LOCK = threading.RLock()


def clear_cache() -> None:
    """Empty the in-memory cache (files in a ``cache_dir`` are left alone)."""
    with _LOCK:
        _MEMORY.clear()


def cache_key(frame: pd.DataFrame, **settings: object) -> str:
    """SHA-256 of a validated frame's content and the settings that change results."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    digest.update(repr(sorted(settings.items())).encode())
    return digest.hexdigest()


def _run_chunk(items: list[Item], settings: dict) -> list[tuple[object, SeriesResult | None, str | None]]:
    """Worker entry point: forecast each series, turning input and model errors into messages."""
    out = []
    for uid, ds, y in items:
        try:
            dates = pd.DatetimeIndex(ds)
            check_series(uid, dates, y)
            series = prepare_series(uid, dates, y, settings["freq"])
            result = forecast_series(
                series, settings["h"], settings["levels"], settings["model"], settings["models"], settings["n_windows"]
            )
            out.append((uid, result, None))
        except ForecastError as err:
            out.append((uid, None, str(err)))
    return out


@contextlib.contextmanager
def _workers_skip_main() -> Iterable[None]:
    """While workers start, show them a bare ``__main__``.

    A spawned worker re-runs the parent's ``__main__`` file before it can unpickle a task (multiprocessing's
    ``_fixup_main_from_path``). Streamlit installs the script it is running as ``__main__`` (``app.py`` on the
    server, the page under AppTest), so without this every worker would run the whole app once more in bare mode:
    open the store, load the data, draw the page into nowhere. The workers only need this package, which they
    import by name.
    """
    real = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if real is not None:
            sys.modules["__main__"] = real


def _executor(n_jobs: int) -> ProcessPoolExecutor:
    key = str(n_jobs)
    with _LOCK:
        pool = _POOL.get(key)
        if pool is None or getattr(pool, "_broken", False):
            pool = ProcessPoolExecutor(max_workers=n_jobs, mp_context=get_context("spawn"))
            _POOL[key] = pool
        return pool


@atexit.register
def shutdown_workers() -> None:
    """Stop the worker processes (also run at interpreter exit)."""
    with _LOCK:
        for pool in _POOL.values():
            pool.shutdown(wait=False, cancel_futures=True)
        _POOL.clear()


def _chunks(items: list[Item], n_jobs: int, chunk_size: int | None) -> list[list[Item]]:
    size = chunk_size or max(1, min(100, len(items) // (n_jobs * 8) or 1))
    return [items[i : i + size] for i in range(0, len(items), size)]


def batch_forecast(
    df: pd.DataFrame,
    h: int,
    freq: str | None = None,
    level=(80, 95),
    model: str = "auto",
    *,
    models: Iterable[str] | None = None,
    n_windows: int = 3,
    n_jobs: int | None = None,
    progress: Progress | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    chunk_size: int | None = None,
) -> ForecastResult:
    """Forecast many series with backtests, in parallel, with progress and caching.

    Args:
        df, h, freq, level, model: as in :func:`forecasting.forecast`.
        models: candidates compared by ``model="auto"`` and shown in the leaderboard (default: the fast set).
        n_windows: backtest windows per series.
        n_jobs: worker processes (default: every core; 1 runs in this process).
        progress: called as ``progress(done, total)`` with counts of series.
        cache: reuse a result computed earlier for the same frame and settings.
        cache_dir: also keep results as files here, to survive restarts.
        chunk_size: series per task (default: about eight tasks per worker, at most 100 series each).

    Raises:
        ForecastInputError: a problem with the frame as a whole or with a setting (per-series problems are reported
            in ``errors`` instead). UnknownModelError: unknown ``model`` or ``models`` name.
    """
    settings = {
        "h": validate_horizon(h),
        "levels": validate_level(level),
        "model": check_model_name(model),
        "models": check_models(models),
        "n_windows": validate_count(n_windows, "n_windows"),
        "freq": freq,
    }
    frame = validate_frame(df, per_series=False)
    key = cache_key(frame, **settings)
    hit = _cached(key, cache, cache_dir)
    items = [(uid, ds.to_numpy(), y) for uid, ds, y in split_frame(frame)]
    if hit is not None:
        if progress:
            progress(len(items), len(items))
        return hit
    jobs = validate_count(n_jobs, "n_jobs") if n_jobs is not None else (os.cpu_count() or 1)
    outcomes = _run(items, settings, jobs, progress, chunk_size)
    result = _assemble(items, outcomes, settings)
    if cache:
        _store(key, result, cache_dir)
    return result.copy(cached=False)


def _run(items: list[Item], settings: dict, jobs: int, progress: Progress | None, chunk_size: int | None) -> dict:
    total = len(items)
    outcomes: dict = {}

    def record(chunk_result: list) -> None:
        outcomes.update((uid, (result, error)) for uid, result, error in chunk_result)
        if progress:
            progress(len(outcomes), total)

    if progress:
        progress(0, total)
    chunks = _chunks(items, jobs, chunk_size)
    if jobs > 1 and len(chunks) > 1:
        try:
            with _workers_skip_main():  # workers start lazily, inside submit()
                pool = _executor(jobs)
                futures = [pool.submit(_run_chunk, chunk, settings) for chunk in chunks]
            for future in as_completed(futures):
                record(future.result())
        except BrokenProcessPool:
            # A worker died (killed, out of memory, or a script without a __main__ guard under spawn): finish the
            # remaining series in this process rather than fail the batch.
            with _LOCK:
                _POOL.pop(str(jobs), None)
            warnings.warn("worker processes failed; finishing the batch in this process", RuntimeWarning, stacklevel=3)
    for chunk in chunks:
        if chunk[0][0] not in outcomes:
            record(_run_chunk(chunk, settings))
    return outcomes


def _assemble(items: list[Item], outcomes: dict, settings: dict) -> ForecastResult:
    results = [outcomes[uid][0] for uid, _, _ in items if outcomes[uid][0] is not None]
    errors = [(uid, outcomes[uid][1]) for uid, _, _ in items if outcomes[uid][0] is None]
    levels = settings["levels"]
    return ForecastResult(
        forecast=forecast_frame(results, settings["model"], levels),
        leaderboard=board_frame(results, levels),
        errors=pd.DataFrame(errors, columns=["unique_id", "error"]),
    )


def _cached(key: str, cache: bool, cache_dir: str | Path | None) -> ForecastResult | None:
    if not cache:
        return None
    with _LOCK:
        hit = _MEMORY.get(key)
        if hit is not None:
            _MEMORY.move_to_end(key)
    if hit is not None:
        return hit.copy(cached=True)
    path = Path(cache_dir) / f"{key}.pkl" if cache_dir else None
    if path is not None and path.exists():
        with path.open("rb") as handle:
            result = pickle.load(handle)
        _remember(key, result)
        return result.copy(cached=True)
    return None


def _store(key: str, result: ForecastResult, cache_dir: str | Path | None) -> None:
    _remember(key, result.copy(cached=False))
    if cache_dir:
        directory = Path(cache_dir)
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / f"{key}.pkl.tmp"
        with temporary.open("wb") as handle:
            pickle.dump(result, handle)
        temporary.replace(directory / f"{key}.pkl")  # atomic: a reader never sees half a file


def _remember(key: str, result: ForecastResult) -> None:
    with _LOCK:
        _MEMORY[key] = result
        _MEMORY.move_to_end(key)
        while len(_MEMORY) > MEMORY_CACHE_SIZE:
            _MEMORY.popitem(last=False)
