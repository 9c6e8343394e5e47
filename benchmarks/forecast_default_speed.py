"""CPU cost of the proposed default (issue 15) on the shipped series beside today's ``auto``; one series' wall time.

For each series of a random sample of the shipped ones (every indicator × region with at least 6 observations; the
same set as ``forecast_speed.py``): the 3-window backtest of the default combination (its ETS form chosen on the
oldest window and kept, as the engine does) and its final fit, i.e. all the fitting the default needs; pooling the
errors and the conformal quantiles are array work, timed separately. Reported as CPU seconds per series in this one
process (robust to other load on the machine), and extrapolated to every shipped series on ``--jobs`` cores. Then the
wall time of one annual and one monthly series through ``Conformal(default_combination)``, the single-series path.

    .venv/bin/python benchmarks/forecast_default_speed.py [--sample 400] [--jobs 2]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from forecast_speed import HORIZONS, shipped_series  # noqa: E402

from forecasting.backtest import auto_plan, fit_forecast, run_backtest  # noqa: E402
from forecasting.combine import default_combination  # noqa: E402
from forecasting.conformal import Conformal, StepQuantiles, error_scale, scaled_errors  # noqa: E402
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
        ("today's auto", lambda h, s: forecast_series(s, h, LEVELS, "auto")),
        ("proposed default", default_cost),
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
        h = HORIZONS[code]
        uid, g = next((uid, g) for c, uid, g in pool if c == code and g["y"].notna().sum() >= length)
        series = prepare_series(uid, pd.DatetimeIndex(g["ds"]), g["y"].to_numpy(float), None)
        m = series.season_length
        started = time.perf_counter()
        Conformal(default_combination(m), horizon=h, windows=10, season_length=m).fit(series.y).predict(h)
        print(
            f"one {code} series ({uid}, {len(series.y)} points), Conformal with 10 windows: "
            f"{time.perf_counter() - started:.2f} s wall (target < 1 s)"
        )


if __name__ == "__main__":
    main()
