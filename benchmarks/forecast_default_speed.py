"""CPU cost of the default (issue 15) on the shipped series beside ``auto``; the page's wall times.

For each series of a random sample of the shipped ones (every indicator × region with at least 6 observations; the same
set as ``forecast_speed.py``): the engine's per-series work as shipped (``forecast_series``: breaks, the 3-window
backtest of the leaderboard candidates and of the combination's members, the final fit) for ``auto`` and for the
default; and the bare default (its own backtest and fit only). Pooling the errors and the conformal quantiles are array
work, timed separately. Reported as CPU seconds per series in this one process (robust to other load on the machine),
per frequency, and extrapolated to every shipped series on ``--jobs`` cores: a frequency's CPU per series times its
count of series. The sample is stratified by frequency: ``--sample`` series in proportion to the counts, but every
series of a frequency with fewer than ``--min-per-frequency`` (the few quarterly and monthly series, whose recipe costs
more per series than a yearly one's, would otherwise be two or three draws of the sample). Then the page's paths, wall
time (median of ``--runs``): one series alone (``forecasting.run`` of one series: ten dense windows), and one province
with its peers (every region reporting GDP: the run the Forecast page made for one series), and the page's path now: the
series alone, banded from the calibration of every region (timed too: it is computed once per data version).

    .venv/bin/python benchmarks/forecast_default_speed.py [--sample 400] [--min-per-frequency 40] [--jobs 2]
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
    parser.add_argument("--min-per-frequency", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    frames, _ = shipped_series(6)
    pool = [(code, uid, g) for code, frame in frames.items() for uid, g in frame.groupby("unique_id")]
    total = len(pool)
    counts = {code: n for code in HORIZONS if (n := sum(c == code for c, _, _ in pool))}
    rng = np.random.default_rng(args.seed)
    prepared = []
    for code, count in counts.items():
        where = [i for i, (c, _, _) in enumerate(pool) if c == code]
        size = min(count, max(args.min_per_frequency, round(args.sample * count / total)))
        for i in sorted(rng.choice(where, size=size, replace=False)) if size < count else where:
            _, uid, g = pool[i]
            series = prepare_series(uid, pd.DatetimeIndex(g["ds"]), g["y"].to_numpy(float), None)
            if np.count_nonzero(~np.isnan(series.y)) >= 6:
                prepared.append((code, HORIZONS[code], series))
    print(f"shipped series: {counts}; sampled: { {c: sum(p[0] == c for p in prepared) for c in counts} }")
    for label, run in (
        ("auto (engine)", lambda h, s: forecast_series(s, h, LEVELS, "auto")),
        ("default with the leaderboard models (engine)", lambda h, s: forecast_series(s, h, LEVELS)),
        ("default, the batch tab's run now (engine)", lambda h, s: forecast_series(s, h, LEVELS, candidates=())),
        ("bare default (no leaderboard)", default_cost),
    ):
        for code in counts:  # warm-up: imports and numba compilation (per season length) are not per series
            run(*next((h, s) for c, h, s in prepared if c == code))
        cpu, outputs = {}, []
        for code in counts:
            started = time.process_time()
            outputs += [run(h, s) for c, h, s in prepared if c == code]
            cpu[code] = (time.process_time() - started) / max(1, sum(c == code for c, _, _ in prepared))
        seconds = sum(cpu[code] * counts[code] for code in counts)
        per = ", ".join(f"{code} {1000 * cpu[code]:.1f}" for code in counts)
        print(
            f"{label}: {1000 * seconds / total:.1f} ms CPU per series ({per} ms by frequency) → "
            f"{seconds / args.jobs:.1f} s for all {total} series on {args.jobs} cores (target < 60 s)"
        )
    prepared = [(h, s) for _, h, s in prepared]  # in the order the outputs were made (frequency by frequency)
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
