"""CPU cost of the default (issue 15) on the shipped series beside ``auto``; the page's wall times.

For each series of a random sample of the shipped ones (every indicator × region with at least 6 observations; the
same set as ``forecast_speed.py``): the engine's per-series work as shipped (``forecast_series``: breaks, the 3-window
backtest of the leaderboard candidates and of the combination's members, the final fit) for ``auto`` and for the
default; and the bare default (its own backtest and fit only). Pooling the errors and the conformal quantiles are
array work, timed separately. Reported as CPU seconds per series in this one process (robust to other load on the
machine), and extrapolated to every shipped series on ``--jobs`` cores. Then the page's paths, wall time (median of
``--runs``): one series alone (``forecasting.run`` of one series: ten dense windows), and one province with its peers
(every region reporting GDP: the run the Forecast page made for one series), and the page's path now: the series
alone, banded from the calibration of every region (timed too: it is computed once per data version).

    .venv/bin/python benchmarks/forecast_default_speed.py [--sample 400] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from forecast_speed import HORIZONS, shipped_series  # noqa: E402

import forecasting  # noqa: E402
from forecasting.backtest import auto_plan, fit_forecast, run_backtest  # noqa: E402
from forecasting.combine import default_combination  # noqa: E402
from forecasting.conformal import StepQuantiles, error_scale, scaled_errors  # noqa: E402
from forecasting.engine import forecast_series  # noqa: E402
from forecasting.series import prepare_series  # noqa: E402

LEVELS = (80, 95)


def default_cost(h: int, series) -> tuple[np.ndarray, np.ndarray]:
    """Backtest and final forecast of the default; returns the scaled errors and the final mean."""
    model = default_combination(series.season_length)
    plan = auto_plan(len(series.y), h, 3, model.min_length)
    errors = np.empty((0, h))
    if len(plan):
        backtest = run_backtest(series, {"default": model}, plan, ())
        positive = bool((series.y[~np.isnan(series.y)] > 0).all())
        scales = np.array([error_scale(series.y[:c], series.season_length, positive) for c in plan.cutoffs])
        found = scaled_errors(backtest.y, backtest.forecasts["default"]["mean"], scales, positive)
        errors = np.full((len(plan), h), np.nan)
        errors[:, : found.shape[1]] = found
    arrays, _ = fit_forecast(model, series, None, h, ())
    return errors, arrays["mean"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    frames, _ = shipped_series(6)
    pool = [(code, uid, g) for code, frame in frames.items() for uid, g in frame.groupby("unique_id")]
    total = len(pool)
    picks = np.random.default_rng(args.seed).choice(total, size=min(args.sample, total), replace=False)
    prepared = []
    for i in picks:
        code, uid, g = pool[i]
        prepared.append((HORIZONS[code], prepare_series(uid, pd.DatetimeIndex(g["ds"]), g["y"].to_numpy(float), None)))
    prepared = [(h, s) for h, s in prepared if np.count_nonzero(~np.isnan(s.y)) >= 6]
    for label, run in (
        ("auto (engine)", lambda h, s: forecast_series(s, h, LEVELS, "auto")),
        ("default with the leaderboard models (engine)", lambda h, s: forecast_series(s, h, LEVELS)),
        ("default, the batch tab's run now (engine)", lambda h, s: forecast_series(s, h, LEVELS, candidates=())),
        ("bare default (no leaderboard)", default_cost),
    ):
        run(*prepared[0])  # warm-up: imports and numba compilation are not per series
        started = time.process_time()
        outputs = [run(h, s) for h, s in prepared]
        cpu = (time.process_time() - started) / len(prepared)
        print(
            f"{label}: {1000 * cpu:.1f} ms CPU per series over {len(prepared)} sampled series → "
            f"{cpu * total / args.jobs:.1f} s for all {total} series on {args.jobs} cores (target < 60 s)"
        )
    started = time.process_time()
    by_h: dict[int, list] = {}
    for (h, _), (errors, _) in zip(prepared, outputs, strict=True):
        by_h.setdefault(h, []).append(errors)
    for rows in by_h.values():
        pooled = np.vstack(rows)
        if np.isfinite(pooled).any():  # a group of series too short for any backtest has nothing to pool
            StepQuantiles(LEVELS).fit(pooled)
    print(f"pooling and quantiles: {1000 * (time.process_time() - started):.1f} ms CPU for the sample")
    for code, length in (("A", 30), ("M", 200)):
        uid, g = next((uid, g) for c, uid, g in pool if c == code and g["y"].notna().sum() >= length)
        frame = g.assign(unique_id=uid)[["unique_id", "ds", "y"]]
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            forecasting.run(frame, HORIZONS[code])
            times.append(time.perf_counter() - started)
        print(
            f"one {code} series alone ({uid}, {len(frame)} rows): {statistics.median(times):.2f} s wall (target < 1 s)"
        )
    annual = frames["A"]
    gdp = annual[annual["unique_id"].str.startswith("gdp|")]
    peers = gdp["unique_id"].nunique() - 1
    times, calibrations, alone = [], [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        forecasting.run(gdp, HORIZONS["A"])
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        pooled = forecasting.run(gdp, HORIZONS["A"], models=()).pooled
        calibrations.append(time.perf_counter() - started)
        one = gdp[gdp["unique_id"] == "gdp|440000"]
        started = time.perf_counter()
        forecasting.run(one, HORIZONS["A"], pooled=pooled)
        alone.append(time.perf_counter() - started)
    print(
        f"one province with its {peers} peers (GDP, the page's run before issue 15's speed-up): "
        f"{statistics.median(times):.2f} s wall, median of {args.runs}"
    )
    print(
        f"the page's run now: Guangdong alone with the leaderboard, banded from the indicator's calibration "
        f"{statistics.median(alone):.2f} s wall (target < 1 s); the calibration (every region, no leaderboard "
        f"models; once per data version, indicator, method and horizon) {statistics.median(calibrations):.2f} s"
    )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
