"""Issue 15: what a monthly recipe costs, beside another, in one process (so both meet the same load).

For each recipe given (``--recipe how:member,member,…``; the first is the baseline), ``DEFAULT_MEMBERS[12]`` is set to
it in this process and the monthly default is run three ways: CPU per series of the bare default (its 3-window
backtest and final fit, ``forecast_default_speed.default_cost``) and of the engine's per-series work as shipped
(``forecast_series``: breaks, the leaderboard candidates, the combination), on every shipped monthly series (h=12)
and on a sample of tourism monthly series (training part, h=24); then the page's path, one monthly series alone
through ``forecasting.run`` (the same series as ``forecast_default_speed.py``), wall time, median of ``--runs``, the
recipes interleaved run by run; then every shipped monthly series alone once per recipe (what the Forecast page runs
for an indicator's only series), median, count at 1 s or more and the slowest three. Run from the repository root::

    nice -n 19 .venv/bin/python benchmarks/forecast_monthly_speed.py --recipe mean:ets,theta,seasonal_naive \\
        --recipe median:ets,theta,ces [--runs 7] [--tourism 40]
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

from forecast_default_speed import default_cost  # noqa: E402
from forecast_speed import HORIZONS, shipped_series  # noqa: E402

import forecasting  # noqa: E402
from forecasting import combine  # noqa: E402
from forecasting.engine import forecast_series  # noqa: E402
from forecasting.series import prepare_series  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tourism"
LEVELS = (80, 95)


def parse_recipe(text: str) -> tuple[tuple[str, ...], str]:
    how, _, names = text.partition(":")
    return tuple(names.split(",")), how


def cpu_per_series(run, cases: list) -> float:
    run(*cases[0])  # warm-up: imports and numba compilation are not per series
    started = time.process_time()
    for case in cases:
        run(*case)
    return (time.process_time() - started) / len(cases)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipe", action="append", required=True, help="how:member,member,… (first = baseline)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tourism", type=int, default=40, help="tourism monthly series for the CPU figures")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    recipes = [parse_recipe(r) for r in args.recipe]
    frames, _ = shipped_series(6)
    monthly = frames["M"]
    shipped = [
        (HORIZONS["M"], prepare_series(uid, pd.DatetimeIndex(g["ds"]), g["y"].to_numpy(float), None))
        for uid, g in monthly.groupby("unique_id")
    ]
    frame = pd.read_csv(DATA / "tourism_monthly.csv", parse_dates=["ds"])
    frame = frame[frame.split == "train"]
    ids = list(dict.fromkeys(frame["unique_id"]))
    picked = np.random.default_rng(0).choice(ids, min(args.tourism, len(ids)), replace=False)
    tourism = [
        (24, prepare_series(u, pd.DatetimeIndex(g["ds"]), g["y"].to_numpy(float), None))
        for u, g in frame[frame["unique_id"].isin(picked)].groupby("unique_id")
    ]
    print(f"shipped monthly series: {len(shipped)} (h=12); tourism monthly sample: {len(tourism)} (h=24)")
    uid, g = next((uid, g) for uid, g in monthly.groupby("unique_id", sort=False) if g["y"].notna().sum() >= 200)
    one = g.assign(unique_id=uid)[["unique_id", "ds", "y"]]
    saved = combine.DEFAULT_MEMBERS[12]
    walls: dict[int, list[float]] = {i: [] for i in range(len(recipes))}
    every: dict[int, list[tuple[float, str]]] = {i: [] for i in range(len(recipes))}
    try:
        for recipe in recipes:
            combine.DEFAULT_MEMBERS[12] = recipe
            label = f"{recipe[1]}({', '.join(recipe[0])})"
            engine = lambda h, s: forecast_series(s, h, LEVELS)  # noqa: E731
            figures = [
                f"{name} {1000 * cpu_per_series(run, cases):.0f}"
                for name, run, cases in (
                    ("bare shipped", default_cost, shipped),
                    ("engine shipped", engine, shipped),
                    ("bare tourism", default_cost, tourism),
                    ("engine tourism", engine, tourism),
                )
            ]
            print(f"{label}: ms CPU per monthly series: {', '.join(figures)}", flush=True)
            forecasting.run(one, HORIZONS["M"])  # warm-up
        for _ in range(args.runs):
            for i, recipe in enumerate(recipes):
                combine.DEFAULT_MEMBERS[12] = recipe
                started = time.perf_counter()
                forecasting.run(one, HORIZONS["M"])
                walls[i].append(time.perf_counter() - started)
        for series_id, rows in monthly.groupby("unique_id"):  # every shipped monthly series once, as its page does
            frame_one = rows.assign(unique_id=series_id)[["unique_id", "ds", "y"]]
            for i, recipe in enumerate(recipes):
                combine.DEFAULT_MEMBERS[12] = recipe
                started = time.perf_counter()
                forecasting.run(frame_one, HORIZONS["M"])
                every[i].append((time.perf_counter() - started, series_id))
    finally:
        combine.DEFAULT_MEMBERS[12] = saved
    for i, recipe in enumerate(recipes):
        times = walls[i]
        print(
            f"{recipe[1]}({', '.join(recipe[0])}): one M series alone ({uid}, {len(one)} rows) through "
            f"forecasting.run: median {statistics.median(times):.2f} s wall of {len(times)} "
            f"(min {min(times):.2f}, max {max(times):.2f}; target < 1 s)"
        )
        ranked = sorted(every[i])
        slowest = ", ".join(f"{name} {seconds:.2f}" for seconds, name in ranked[-3:])
        print(
            f"  every shipped monthly series alone, once: median {statistics.median(t for t, _ in ranked):.2f} s, "
            f"{sum(t >= 1 for t, _ in ranked)} of {len(ranked)} at 1 s or more; slowest: {slowest}"
        )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
