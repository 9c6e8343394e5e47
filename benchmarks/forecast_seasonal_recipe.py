"""Issue 15: which combination should the default use for quarterly and monthly series? Chosen on training data only.

Data: ../shared/bench/tourism (see its SOURCE.md); only the ``train`` split is read. Every candidate member (the
product's own ETS, damped ETS, Theta, dynamic optimised Theta, CES, seasonal naive, ARIMA and ``arima_small``, ARIMA
with a narrow order search; ``forecasting.single_models``) is fitted at two held-back training origins: ``train`` minus
its last ``h`` points, scored on those ``h`` points (origin −1, the choice), and ``train`` minus ``2h``, scored on the
next ``h`` (origin −2, a check). Quarterly h=8, monthly h=24, as the competition. A combination's forecast is its
members' forecasts combined point by point, leaving out a member that failed on that series, as
:class:`forecasting.combine.Combination` does. The candidates are every mean and median of 3 to 5 members, and each
member alone.

Printed per frequency and origin: MASE (scale: in-sample seasonal-naive MAE of the training window) and sMAPE of the
best candidates, best MASE first; the rule, fixed before the run, is the lowest MASE at origin −1 among the cheap
combinations (no full ARIMA search), reported beside its sMAPE and the check origin. Also the CPU per fit each member
cost (its fit and forecast, in the worker).

Second round (2026-12-05, written before this run; the first round's pick, the mean of Theta, CES, seasonal naive and
``arima_small``, was not shipped because CES forecast far below zero on a few all-positive series and a mean passes
that on). ``--guard`` scores every combination as :class:`forecasting.combine.Combination` now makes it: a member whose
forecast goes to zero or below on a series positive throughout its training window is left out of that series'
combination, when another member stays. The rule of the second round: among the cheap combinations, the lowest MASE
at origin −1 of those that (a) forecast no value at or below zero for a positive training series at either origin,
and (b) also have a lower MASE at origin −2 than the shipped default (``CURRENT``); no pick (the shipped default
stays) when none qualifies.

Monthly series are many and ARIMA's seasonal search is slow: ``--sample`` (default 120, seed 0, the series
``forecast_combination.py`` fits ARIMA on) or ``--sample 0`` for all. Results are cached in ``--cache``. Run from
the repository root::

    nice -n 19 .venv/bin/python benchmarks/forecast_seasonal_recipe.py [--jobs 2] [--sample 120] [--guard]
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasting.backtest import mase_scale  # noqa: E402
from forecasting.combine import left_out  # noqa: E402
from forecasting.single_models import make_single_model  # noqa: E402

SHORT = {"seasonal_naive": "snaive"}
DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tourism"
FREQUENCIES = {"quarterly": (4, 8), "monthly": (12, 24)}
#: The full-search ARIMA is for reference: its search is too slow for one monthly series on the page (see combine.py).
EXPENSIVE = ("arima",)
MEMBERS = ("ets", "ets_damped", "theta", "dotm", "ces", "seasonal_naive", "arima_small", *EXPENSIVE)
ORIGINS = (1, 2)  # train minus o·h points
#: Every mean and median of 3 to 5 members: the whole space, so the rule picks from it rather than from a hand list.
CANDIDATES: dict[str, tuple[tuple[str, ...], str]] = {
    f"{how}({', '.join(SHORT.get(n, n) for n in members)})": (members, how)
    for size in (3, 4, 5)
    for members in combinations(MEMBERS, size)
    for how in ("mean", "median")
} | {name: ((name,), "mean") for name in MEMBERS}
#: The defaults this study started from (``DEFAULT_MEMBERS`` at the time), printed for comparison.
CURRENT = {4: "median(ets, theta, snaive, arima)", 12: "mean(ets, theta, snaive)"}  # before the second round


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


def stacked(data: dict, origin: int, guard: bool = False) -> tuple[np.ndarray, ...]:
    """Forecasts ``(members, series, h)`` at one origin (NaN where a member failed), which series the guard applies
    to (with ``guard``, those positive throughout their training window; none without), outcomes, MASE scales and which
    series are positive."""
    m, h = data["m"], data["h"]
    ids = list(data["train"])
    forecasts = np.full((len(MEMBERS), len(ids), h), np.nan)
    actual, scale = np.full((len(ids), h), np.nan), np.full(len(ids), np.nan)
    positive = np.zeros(len(ids), bool)
    for i, uid in enumerate(ids):
        y, res = data["train"][uid], data["fc"][uid]
        cut = len(y) - origin * h
        actual[i], scale[i], positive[i] = y[cut : cut + h], mase_scale(y[:cut], m), bool((y[:cut] > 0).all())
        for j, name in enumerate(MEMBERS):
            if res[(origin, name)] is not None:
                forecasts[j, i] = res[(origin, name)]
    return forecasts, positive & guard, actual, scale, positive


def scores(stack: tuple, members: tuple[str, ...], how: str) -> tuple[float, float, int, int]:
    """MASE and sMAPE of a combination at one held-back origin over the series where some member forecast, and how
    many positive series it forecasts at or below zero. A failed member is left out, as
    :class:`forecasting.combine.Combination` does, and so is a guarded one when another member is left."""
    forecasts, guarded, actual, scale, positive = stack
    chosen = forecasts[[MEMBERS.index(name) for name in members]].copy()
    chosen[left_out(chosen, guarded)] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # all-NaN slices: series no member forecast, dropped below
        mean = (np.nanmedian if how == "median" else np.nanmean)(chosen, axis=0)
    ok = np.isfinite(mean).all(axis=1) & np.isfinite(scale) & (scale > 0)
    error = np.abs(actual[ok] - mean[ok])
    total = np.abs(actual[ok]) + np.abs(mean[ok])  # 0 where both are 0: no error (seasonal naive repeating a zero)
    smape = np.divide(200 * error, total, out=np.zeros_like(error), where=total > 0)
    below = int((positive & np.isfinite(mean).all(axis=1) & (mean <= 0).any(axis=1)).sum())
    return float(np.mean(error.mean(axis=1) / scale[ok])), float(np.mean(smape)), int(ok.sum()), below


def report(freq: str, data: dict, top: int, guard: bool) -> None:
    fc = data["fc"]
    print(f"\n== {freq}: {len(data['train'])} series, h={data['h']}, fitted in {data['seconds']:.0f} s wall ==")
    cpu = {name: np.mean([r[(o, name, "cpu")] for r in fc.values() for o in ORIGINS]) for name in MEMBERS}
    failed = {name: sum(r[(o, name)] is None for r in fc.values() for o in ORIGINS) for name in MEMBERS}
    print("  CPU per fit: " + ", ".join(f"{n} {1000 * c:.0f} ms ({failed[n]} failed)" for n, c in cpu.items()))
    stacks = {o: stacked(data, o, guard) for o in ORIGINS}
    for o, (forecasts, _, _, _, positive) in stacks.items():
        low = (positive[None, :] & (forecasts <= 0).any(axis=2)).sum(axis=1)
        below = ", ".join(f"{name} {int(n)}" for name, n in zip(MEMBERS, low, strict=True))
        print(f"  origin −{o}: {int(positive.sum())} positive series; members forecasting one ≤ 0: {below}")
    rows = sorted(
        ((label, *(scores(stacks[o], *CANDIDATES[label]) for o in ORIGINS)) for label in CANDIDATES),
        key=lambda r: r[1][0],
    )
    cheap = [r for r in rows if len(CANDIDATES[r[0]][0]) > 1 and not set(CANDIDATES[r[0]][0]) & set(EXPENSIVE)]
    current = next(r for r in rows if r[0] == CURRENT[data["m"]])
    second = [r for r in cheap if r[1][3] == 0 and r[2][3] == 0 and r[2][0] < current[2][0]]
    reference = {CURRENT[data["m"]], "mean(ets, theta, arima)", *MEMBERS, *(SHORT.get(n, n) for n in MEMBERS)}
    shown = {r[0] for r in cheap[:top]} | {r[0] for r in second[:3]} | {r[0] for r in rows if r[0] in reference}
    shown |= {next(r[0] for r in rows if set(CANDIDATES[r[0]][0]) & set(EXPENSIVE) and len(CANDIDATES[r[0]][0]) > 1)}
    print(f"  {len(rows)} candidates{' (guarded)' if guard else ''}; shown: the {top} best cheap combinations (no full")
    print("  ARIMA), the second round's best three, the best with full ARIMA, the current default, mean(ets, theta,")
    print("  arima) and the single models; rank among all by MASE −1; ≤0: positive series forecast at or below zero")
    print(
        f"  {'rank':>5} {'candidate':<48}{'series':>7}{'MASE −1':>9}{'sMAPE −1':>10}{'≤0':>4}"
        f"{'MASE −2':>9}{'sMAPE −2':>10}{'≤0':>4}"
    )
    for rank, (label, first, later) in enumerate(rows, 1):
        if label in shown:
            mark = "" if len(CANDIDATES[label][0]) == 1 or not set(CANDIDATES[label][0]) & set(EXPENSIVE) else " *"
            print(
                f"  {rank:>5} {label + mark:<48}{first[2]:>7}{first[0]:>9.3f}{first[1]:>10.2f}{first[3]:>4}"
                f"{later[0]:>9.3f}{later[1]:>10.2f}{later[3]:>4}"
            )
    print("  * full ARIMA search (reference only)")
    print(f"  first round's rule (lowest MASE at origin −1 among cheap combinations): {cheap[0][0]}")
    print(
        "  second round's rule (also none at or below zero at either origin, and a lower MASE at origin −2 than the"
        f" current default): {second[0][0] if second else 'none qualifies: the current default stays'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, default=120, help="monthly series (seed 0); 0 = all")
    parser.add_argument("--cache", default="/tmp/forecast_seasonal_recipe")
    parser.add_argument("--top", type=int, default=12, help="cheap combinations to print")
    parser.add_argument("--frequencies", nargs="+", default=list(FREQUENCIES), choices=list(FREQUENCIES))
    parser.add_argument("--guard", action="store_true", help="leave out members forecasting a positive series ≤ 0")
    args = parser.parse_args()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for freq in args.frequencies:
            report(freq, compute(freq, args, pool), args.top, args.guard)
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
