"""Issue 15: which combination should the default use for quarterly and monthly series? Chosen on training data only.

Data: ../shared/bench/tourism (see its SOURCE.md); only the ``train`` split is read. Every candidate member (the
product's own ETS, ARIMA, Theta and seasonal naive, ``forecasting.single_models``) is fitted at two held-back
training origins: ``train`` minus its last ``h`` points, scored on those ``h`` points (origin −1, the choice), and
``train`` minus ``2h``, scored on the next ``h`` (origin −2, a check). Quarterly h=8, monthly h=24, as the
competition. A combination's forecast is its members' forecasts combined point by point, leaving out a member that
failed on that series, as :class:`forecasting.combine.Combination` does.

Printed per frequency and origin: MASE (scale: in-sample seasonal-naive MAE of the training window) and sMAPE of each
candidate, best MASE first; the rule, fixed before the run, is the lowest MASE at origin −1, reported beside its
sMAPE and the check origin. Also the CPU seconds per series each member cost (its fit and forecast, in the worker).

Monthly series are many and ARIMA's seasonal search is slow: ``--sample`` (default 120, seed 0, the series
``forecast_combination.py`` fits ARIMA on) or ``--sample 0`` for all. Results are cached in ``--cache``. Run from
the repository root::

    nice -n 19 .venv/bin/python benchmarks/forecast_seasonal_recipe.py [--jobs 2] [--sample 120]
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasting.backtest import mase_scale  # noqa: E402
from forecasting.single_models import make_single_model  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tourism"
FREQUENCIES = {"quarterly": (4, 8), "monthly": (12, 24)}
MEMBERS = ("ets", "arima", "theta", "seasonal_naive")
ORIGINS = (1, 2)  # train minus o·h points
CANDIDATES: dict[str, tuple[tuple[str, ...], str]] = {
    "mean(ets, theta, snaive) [current]": (("ets", "theta", "seasonal_naive"), "mean"),
    "median(ets, theta, snaive)": (("ets", "theta", "seasonal_naive"), "median"),
    "mean(ets, arima, theta)": (("ets", "arima", "theta"), "mean"),
    "median(ets, arima, theta)": (("ets", "arima", "theta"), "median"),
    "mean(ets, arima, theta, snaive)": (("ets", "arima", "theta", "seasonal_naive"), "mean"),
    "median(ets, arima, theta, snaive)": (("ets", "arima", "theta", "seasonal_naive"), "median"),
    **{name: ((name,), "mean") for name in MEMBERS},
}


def fit_series(task: tuple) -> tuple[str, dict]:
    """Each member's point forecast at each held-back origin (``None`` when it fails), and its CPU seconds."""
    uid, y, m, h = task
    out: dict = {}
    warnings.simplefilter("ignore")
    for o in ORIGINS:
        cut = len(y) - o * h
        for name in MEMBERS:
            started = time.process_time()
            try:
                with np.errstate(all="ignore"):
                    mean = make_single_model(name, m).fit(y[:cut]).forecast_arrays(h, ())["mean"]
                out[(o, name)] = mean if np.isfinite(mean).all() else None
            except Exception:
                out[(o, name)] = None
            out[(o, name, "cpu")] = time.process_time() - started
    return uid, out


def compute(freq: str, args: argparse.Namespace, pool: ProcessPoolExecutor) -> dict:
    path = Path(args.cache) / f"{freq}_{args.sample if freq == 'monthly' and args.sample else 'all'}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    m, h = FREQUENCIES[freq]
    frame = pd.read_csv(DATA / f"tourism_{freq}.csv")
    frame = frame[frame.split == "train"]  # the test split is never read here
    train = {u: g.y.to_numpy(float) for u, g in frame.groupby("unique_id", sort=False)}
    ids = list(train)
    if freq == "monthly" and args.sample:
        ids = np.random.default_rng(0).choice(ids, min(args.sample, len(ids)), replace=False).tolist()
    started = time.perf_counter()
    fc = dict(pool.map(fit_series, [(u, train[u], m, h) for u in ids], chunksize=2))
    data = {"train": {u: train[u] for u in ids}, "m": m, "h": h, "fc": fc, "seconds": time.perf_counter() - started}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(data))
    return data


def scores(data: dict, origin: int, members: tuple[str, ...], how: str) -> tuple[float, float, int]:
    """MASE and sMAPE of a combination at one held-back origin, over the series where some member forecast."""
    m, h = data["m"], data["h"]
    reducer = np.nanmedian if how == "median" else np.nanmean
    mases, smapes = [], []
    for uid, y in data["train"].items():
        res = data["fc"][uid]
        found = [res[(origin, name)] for name in members if res[(origin, name)] is not None]
        cut = len(y) - origin * h
        scale = mase_scale(y[:cut], m)
        if not found or not np.isfinite(scale) or scale <= 0:
            continue
        mean = reducer(np.stack(found), axis=0)
        actual = y[cut : cut + h]
        error = np.abs(actual - mean)
        mases.append(error.mean() / scale)
        total = np.abs(actual) + np.abs(mean)  # 0 where both are 0: no error (seasonal naive repeating a zero)
        smapes.append(np.mean(np.divide(200 * error, total, out=np.zeros_like(error), where=total > 0)))
    return float(np.mean(mases)), float(np.mean(smapes)), len(mases)


def report(freq: str, data: dict) -> None:
    fc = data["fc"]
    print(f"\n== {freq}: {len(data['train'])} series, h={data['h']}, fitted in {data['seconds']:.0f} s wall ==")
    cpu = {name: np.mean([r[(o, name, "cpu")] for r in fc.values() for o in ORIGINS]) for name in MEMBERS}
    failed = {name: sum(r[(o, name)] is None for r in fc.values() for o in ORIGINS) for name in MEMBERS}
    print("  CPU per fit: " + ", ".join(f"{n} {1000 * c:.0f} ms ({failed[n]} failed)" for n, c in cpu.items()))
    rows = []
    for label, (members, how) in CANDIDATES.items():
        rows.append((label, *(scores(data, o, members, how) for o in ORIGINS)))
    rows.sort(key=lambda r: r[1][0])
    print(f"  {'candidate':<36}{'series':>7}{'MASE −1':>9}{'sMAPE −1':>10}{'MASE −2':>9}{'sMAPE −2':>10}")
    for label, first, second in rows:
        print(f"  {label:<36}{first[2]:>7}{first[0]:>9.3f}{first[1]:>10.2f}{second[0]:>9.3f}{second[1]:>10.2f}")
    combos = [r for r in rows if len(CANDIDATES[r[0]][0]) > 1]
    print(f"  chosen by the rule (lowest combination MASE at origin −1): {combos[0][0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, default=120, help="monthly series (seed 0); 0 = all")
    parser.add_argument("--cache", default="/tmp/forecast_seasonal_recipe")
    parser.add_argument("--frequencies", nargs="+", default=list(FREQUENCIES), choices=list(FREQUENCIES))
    args = parser.parse_args()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for freq in args.frequencies:
            report(freq, compute(freq, args, pool))
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
