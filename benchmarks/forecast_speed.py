"""Wall time to backtest and forecast every shipped series, against a plain loop of Prophet, in the same run.

Ours: ``forecasting.run`` (the default combination) over every indicator × region series with at least ``--min-obs``
observations (fewer are listed and left out), on all cores (the library keeps no cache), as the batch tab runs it by
default: for each series the break check, a 3-window backtest of the combination's members (the bands, the backtest
error and the accuracy sentence need nothing more), the final fit; then the pooled per-step calibration of every
band. In the same runs, as a reference: the same with the leaderboard's comparison models (naive, seasonal naive,
drift, ETS, Theta) backtested too — what every batch did before they became a choice (issue 15); the ratio of the two
is robust to the load of a shared machine, which is printed with every run.
Horizons: 3 years, 4 quarters, 12 months. The worker processes are started by a small warm-up run before timing.

Prophet: ``Prophet().fit(df)`` then ``predict`` on the ``h`` future dates, one series after another in this process,
over a random sample of the same series: one forecast per series, no backtest.

The ratio is Prophet's seconds per series over ours (wall clock); the per-core ratio also divides by our worker count.
Both are medians over ``--runs`` runs. Run from the repository root::

    .venv/bin/python benchmarks/forecast_speed.py [--runs 3] [--prophet-sample 60] [--jobs 2]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import forecasting  # noqa: E402
from data import load_observations  # noqa: E402

HORIZONS = {"A": 3, "Q": 4, "M": 12}
ALIASES = {"A": "YS", "Q": "QS", "M": "MS"}


def shipped_series(min_obs: int) -> tuple[dict[str, pd.DataFrame], pd.Series]:
    """Long frames per frequency code, and the observation counts of the series left out."""
    obs = load_observations()
    obs = obs.assign(unique_id=obs["indicator_id"] + "|" + obs["region_code"].astype(str))
    counts = obs.dropna(subset=["value"]).groupby("unique_id").size().reindex(obs["unique_id"].unique(), fill_value=0)
    short = counts[counts < min_obs]
    kept = obs[~obs["unique_id"].isin(short.index)].rename(columns={"period": "ds", "value": "y"})
    frames = {code: g[["unique_id", "ds", "y"]] for code, g in kept.groupby("freq")}
    return frames, short


def run_ours(frames: dict[str, pd.DataFrame], jobs: int, models: tuple[str, ...] | None) -> tuple[float, int, int]:
    started = time.perf_counter()
    forecasts = errors = 0
    for code, frame in frames.items():
        result = forecasting.run(frame, HORIZONS[code], n_jobs=jobs, models=models)
        forecasts += result.forecast["unique_id"].nunique()
        errors += len(result.errors)
    return time.perf_counter() - started, forecasts, errors


def run_prophet(sample: list[tuple[str, pd.DataFrame]]) -> float:
    from prophet import Prophet

    for name in ("cmdstanpy", "prophet"):
        logging.getLogger(name).disabled = True
    started = time.perf_counter()
    for code, frame in sample:
        model = Prophet()
        model.fit(frame.dropna())
        model.predict(model.make_future_dataframe(periods=HORIZONS[code], freq=ALIASES[code], include_history=False))
    return (time.perf_counter() - started) / len(sample)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prophet-sample", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--min-obs", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    frames, short = shipped_series(args.min_obs)
    total = sum(f["unique_id"].nunique() for f in frames.values())
    print(
        f"shipped series: {total} with >= {args.min_obs} observations "
        f"({', '.join(f'{c}: {f.unique_id.nunique()}' for c, f in frames.items())}); "
        f"{len(short)} left out with fewer: {', '.join(short.index[:5])}{' …' if len(short) > 5 else ''}"
    )
    rng = np.random.default_rng(args.seed)
    pool = [(code, g) for code, frame in frames.items() for _, g in frame.groupby("unique_id")]
    picks = rng.choice(len(pool), size=min(args.prophet_sample, len(pool)), replace=False)
    sample = [(code, g[["ds", "y"]]) for code, g in (pool[i] for i in picks)]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start; workers: {args.jobs}")

    warm = next(iter(frames.values()))
    forecasting.run(warm[warm["unique_id"].isin(warm["unique_id"].unique()[:40])], 2, n_jobs=args.jobs)
    ours, reference, prophet = [], [], []
    for run in range(args.runs):
        load = os.getloadavg()[0]
        seconds, done, errors = run_ours(frames, args.jobs, ())
        ours.append(seconds)
        reference.append(run_ours(frames, args.jobs, None)[0])
        prophet.append(run_prophet(sample))
        print(
            f"run {run + 1} (load {load:.1f}): ours {seconds:.1f} s for {done} series ({errors} errors), "
            f"{1000 * seconds / total:.1f} ms/series; with the leaderboard models {reference[-1]:.1f} s "
            f"(ratio {seconds / reference[-1]:.2f}); Prophet {1000 * prophet[-1]:.0f} ms/series "
            f"over {len(sample)} series"
        )
    forecasting.shutdown_workers()
    ours_median, prophet_median = statistics.median(ours), statistics.median(prophet)
    per_series = ours_median / total
    ratios = [a / b for a, b in zip(ours, reference, strict=True)]
    print(
        f"\nall {total} series, backtest + forecast: median {ours_median:.1f} s "
        f"(target < 60 s); with the leaderboard models "
        f"{statistics.median(reference):.1f} s; median ratio {statistics.median(ratios):.2f}"
    )
    print(
        f"per series: ours {1000 * per_series:.2f} ms, Prophet {1000 * prophet_median:.1f} ms → "
        f"{prophet_median / per_series:.1f}× faster (target ≥ 20×); "
        f"per core: {prophet_median / (per_series * args.jobs):.1f}×"
    )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
