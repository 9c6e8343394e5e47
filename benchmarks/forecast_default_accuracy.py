"""The shipped default, end to end: ``forecasting.run`` (the combination, its pooled per-step bands, breaks on) on the
tourism competition, scored on the held-back test periods, beside what the run said of its own bands.

Data: ../shared/bench/tourism (see its SOURCE.md). Each frequency is one run over every ``train`` series (yearly h=4,
quarterly h=8, monthly h=24), exactly as the app runs a batch; the test periods are used for scoring only. Printed
per frequency: MASE (scale: in-sample seasonal-naive MAE of ``train``), sMAPE, the coverage of the 80% and 95% bands
on the test outcomes, MSIS of the 95% band (M4's mean scaled interval score; lower is better), the count of 95% lower
bounds below zero (every tourism series is a count), and the coverage and MSIS the run *reported* for its bands
(cross-validated on its backtests) — the figure a user sees. The single models, the ETS + ARIMA + Theta mean and the
old ``auto`` are in ``forecast_combination.py`` (same data, same scores). Monthly, a second row scores the same run
on the ``--arima-sample`` series ``forecast_combination.py`` fitted ARIMA on (same seed), to compare with its
ETS + ARIMA + Theta mean there. Run from the repository root::

    .venv/bin/python benchmarks/forecast_default_accuracy.py [--jobs 2] [--windows 3] [--arima-sample 120]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import forecasting  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tourism"
FREQUENCIES = {"yearly": (1, 4), "quarterly": (4, 8), "monthly": (12, 24)}
LEVELS = (80, 95)


def score(train: pd.DataFrame, test: pd.DataFrame, fc: pd.DataFrame, season: int) -> dict:
    """MASE, sMAPE, coverage, MSIS and negative lower bounds of the delivered forecasts on the test outcomes."""
    rows = []
    history = {u: g["y"].to_numpy() for u, g in train.groupby("unique_id", sort=False)}
    actual = {u: g["y"].to_numpy() for u, g in test.groupby("unique_id", sort=False)}
    for uid, g in fc.groupby("unique_id", sort=False):
        y, past = actual[uid][: len(g)], history[uid]
        lag = season if len(past) > season else 1
        scale = np.mean(np.abs(past[lag:] - past[:-lag]))
        mean = g["combination"].to_numpy()
        lo80, hi80 = g["combination-lo-80"].to_numpy(), g["combination-hi-80"].to_numpy()
        lo, hi = g["combination-lo-95"].to_numpy(), g["combination-hi-95"].to_numpy()
        error = np.abs(y - mean)
        msis = (hi - lo) + 40 * ((lo - y) * (y < lo) + (y - hi) * (y > hi))
        rows.append(
            {
                "mase": error.mean() / scale,
                "smape": np.mean(200 * error / (np.abs(y) + np.abs(mean))),
                "in80": np.mean((y >= lo80) & (y <= hi80)),
                "in95": np.mean((y >= lo) & (y <= hi)),
                "msis": msis.mean() / scale,
                "below0": int((lo < 0).sum()),
            }
        )
    frame = pd.DataFrame(rows)
    return {
        "series": len(frame),
        "mase": frame["mase"].mean(),
        "smape": frame["smape"].mean(),
        "cov80": 100 * frame["in80"].mean(),
        "cov95": 100 * frame["in95"].mean(),
        "msis": frame["msis"].mean(),
        "below0": int(frame["below0"].sum()),
    }


def arima_sample(frame: pd.DataFrame, size: int) -> set:
    """The monthly series ``forecast_combination.py`` fits ARIMA on (``--arima-sample``, seed 0, train order)."""
    ids = list(dict.fromkeys(frame.loc[frame.split == "train", "unique_id"]))
    return set(np.random.default_rng(0).choice(ids, min(size, len(ids)), replace=False).tolist())


def row(label: str, s: dict) -> str:
    return (
        f"{label:<10}{s['series']:>7}{s['mase']:>8.3f}{s['smape']:>8.2f}{s['cov80']:>7.1f}{s['cov95']:>7.1f}"
        f"{s['msis']:>8.2f}{s['below0']:>6}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--frequencies", nargs="+", default=list(FREQUENCIES), choices=list(FREQUENCIES))
    parser.add_argument("--arima-sample", type=int, default=120, help="monthly: also score this sample (0 = not)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(
        f"{'frequency':<10}{'series':>7}{'MASE':>8}{'sMAPE':>8}{'cov80':>7}{'cov95':>7}{'MSIS':>8}{'lo<0':>6}"
        f"{'reported 80/95 (points)':>28}{'rep. MSIS':>10}{'seconds':>9}"
    )
    for name in args.frequencies:
        season, h = FREQUENCIES[name]
        frame = pd.read_csv(DATA / f"tourism_{name}.csv", parse_dates=["ds"])
        train = frame.loc[frame.split == "train", ["unique_id", "ds", "y"]]
        test = frame.loc[frame.split == "test", ["unique_id", "ds", "y"]]
        started = time.perf_counter()
        result = forecasting.run(train, h, level=LEVELS, n_windows=args.windows, n_jobs=args.jobs)
        seconds = time.perf_counter() - started
        s = score(train, test, result.forecast, season)
        groups = result.calibration
        main_group = groups.loc[groups["series"].idxmax()]
        reported = f"{main_group['coverage-80']:.1f} / {main_group['coverage-95']:.1f} ({int(main_group['points'])})"
        print(f"{row(name, s)}{reported:>28}{main_group['msis-95']:>10.2f}{seconds:>9.0f}")
        if name == "monthly" and args.arima_sample:
            ids = arima_sample(frame, args.arima_sample)
            sub = score(train, test, result.forecast[result.forecast["unique_id"].isin(ids)], season)
            print(f"{row('  sample', sub)}  (the {len(ids)} series of forecast_combination.py's ARIMA sample)")
        if len(result.errors):
            print(f"  {len(result.errors)} series failed: {result.errors['error'].iloc[0]}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    forecasting.shutdown_workers()


if __name__ == "__main__":
    main()
