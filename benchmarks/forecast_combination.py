"""Issue 15's evidence: the proposed default (a median combination with per-step conformal intervals) against the
single models, the equal-weight ETS + ARIMA + Theta mean and today's ``auto``, on the tourism competition.

Data: ../shared/bench/tourism (see its SOURCE.md). Every model is fitted on ``train`` and scored on ``test`` (yearly
h=4, quarterly h=8, monthly h=24), the competition's protocol. The same models are also fitted at train-internal
origins, ``train`` minus ``j·h`` points for ``j = 1..K`` (K = 3 yearly, 2 otherwise): those backtests are the only
evidence the recipe and the intervals are chosen from (the first table), and the only errors the intervals are
calibrated on; the test outcomes are used for scoring alone.

Intervals of the combinations: per-step conformal quantiles of scaled log errors (``forecasting.conformal``), pooled
over every series of the frequency at the internal origins. Single models keep their own intervals; ``auto`` is run
through the product's engine (its per-series backtest and calibration) as shipped today.

Printed per model: MASE (scale: in-sample seasonal-naive MAE of ``train``), sMAPE, the coverage of the 80% and 95%
intervals with the number of test points, and MSIS (the M4 competition's mean scaled interval score of the 95%
interval; lower is better) and ``lo<0``, the 95% lower bounds below zero (every tourism series is a count).
The models are deterministic (no simulated intervals), so one run is the figure.

ARIMA is no member of the yearly default (a search costs 50–100 ms on a 20-point annual series; ~4,000 series must
forecast in under a minute); the quarterly and monthly recipe with ARIMA was chosen by ``forecast_seasonal_recipe.py``
(this script's "proposed" rows there are the recipe of ``DEFAULT_MEMBERS``, so they need ARIMA at the internal origins,
which this script does not fit: read that script's table instead). Here ARIMA is fitted at the test origin only, and on
monthly data on a random sample of ``--arima-sample`` series (the table says which rows are on the sample). Base
forecasts are cached in ``--cache``; delete the files to recompute. A run from nothing took 16 minutes on the 2 shared
cores (base models 70 s yearly, 377 s quarterly, 382 s monthly; the rest is ``auto`` through the engine); from the
cache, seconds. Run from the repository root::

    .venv/bin/python benchmarks/forecast_combination.py [--jobs 2] [--arima-sample 120] [--cache /tmp/fc15]
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

from forecasting import ARIMA, ETS, Drift, Naive, SeasonalNaive, Theta  # noqa: E402
from forecasting.combine import DEFAULT_MEMBERS, combine_outputs  # noqa: E402
from forecasting.conformal import StepQuantiles, error_scale, scaled_errors  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tourism"
FREQUENCIES = {"yearly": (1, 4, 3), "quarterly": (4, 8, 2), "monthly": (12, 24, 2)}  # season, h, internal origins
BASE = {
    "naive": lambda m: Naive(),
    "snaive": lambda m: SeasonalNaive(season_length=m),
    "drift": lambda m: Drift(),
    "ets": lambda m: ETS(season_length=m),
    "ets_damped": lambda m: ETS(season_length=m, damped=True),
    "arima": lambda m: ARIMA(season_length=m),
    "theta": lambda m: Theta(season_length=m),
    "dotm": lambda m: Theta(season_length=m, variant="dynamic"),
}
KEYS = ("mean", "lo-80", "hi-80", "lo-95", "hi-95")
LEVELS = (80, 95)
EAT = ("ets", "arima", "theta")


def fit_one(name: str, y: np.ndarray, m: int, h: int) -> np.ndarray | None:
    """``(h, 5)`` forecasts (mean, lo-80, hi-80, lo-95, hi-95), or ``None`` when the model fails."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            arrays = BASE[name](m).fit(y).forecast_arrays(h, LEVELS)
        return np.stack([arrays[k] for k in KEYS], axis=1)
    except Exception:
        return None


def fit_series(task: tuple) -> tuple[str, dict]:
    uid, y, m, h, origins, arima_here = task
    out: dict = {}
    for o in range(origins + 1):
        cut = len(y) - o * h
        if cut < 6:
            continue
        for name in BASE:
            if name == "snaive" and m == 1 or name == "arima" and (o or not arima_here):
                continue
            out[(o, name)] = fit_one(name, y[:cut], m, h)
    return uid, out


def compute(freq: str, args: argparse.Namespace, pool: ProcessPoolExecutor) -> dict:
    path = Path(args.cache) / f"{freq}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    m, h, origins = FREQUENCIES[freq]
    frame = pd.read_csv(DATA / f"tourism_{freq}.csv")
    train = {u: g.y.to_numpy(float) for u, g in frame[frame.split == "train"].groupby("unique_id", sort=False)}
    test = {u: g.y.to_numpy(float) for u, g in frame[frame.split == "test"].groupby("unique_id", sort=False)}
    ids = list(train)
    sample = ids
    if freq == "monthly" and args.arima_sample:
        sample = np.random.default_rng(0).choice(ids, min(args.arima_sample, len(ids)), replace=False).tolist()
    tasks = [(u, train[u], m, h, origins, u in set(sample)) for u in ids]
    started = time.perf_counter()
    fc = dict(pool.map(fit_series, tasks, chunksize=4))
    data = {"train": train, "test": test, "m": m, "h": h, "fc": fc, "seconds": time.perf_counter() - started}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(data))
    return data


def run_auto(task: tuple) -> tuple[str, np.ndarray]:
    from forecasting.engine import forecast_series
    from forecasting.series import prepare_series

    uid, y, m, h = task
    freq = {1: "YS", 4: "QS", 12: "MS"}[m]
    series = prepare_series(uid, pd.date_range("2000-01-01", periods=len(y), freq=freq), y, freq)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = forecast_series(series, h, LEVELS, "auto")
    return uid, np.stack([result.forecast[k] for k in KEYS], axis=1)


def compute_auto(freq: str, data: dict, args: argparse.Namespace, pool: ProcessPoolExecutor) -> dict:
    path = Path(args.cache) / f"{freq}_auto.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    tasks = [(u, y, data["m"], data["h"]) for u, y in data["train"].items()]
    out = dict(pool.map(run_auto, tasks, chunksize=4))
    path.write_bytes(pickle.dumps(out))
    return out


def arrays(data: dict) -> dict:
    """Stack the cache: forecasts ``(origins, series, h, 5)`` per model (NaN where not run; a failure falls back to
    naive, as the product does), outcomes ``(origins, series, h)`` and the scales of every training window."""
    m, h = data["m"], data["h"]
    ids = list(data["train"])
    origins = 1 + max(key[0] for res in data["fc"].values() for key in res)
    forecasts = {name: np.full((origins, len(ids), h, 5), np.nan) for name in BASE}
    outcomes = np.full((origins, len(ids), h), np.nan)
    mase_scale = np.full((origins, len(ids)), np.nan)
    scale, log_scale = np.full((origins, len(ids)), np.nan), np.full((origins, len(ids)), np.nan)
    for i, uid in enumerate(ids):
        y, res = data["train"][uid], data["fc"][uid]
        for o in range(origins):
            if (o, "naive") not in res:
                continue
            cut = len(y) - o * h
            outcomes[o, i] = data["test"][uid][:h] if o == 0 else y[cut : cut + h]
            mase_scale[o, i] = error_scale(y[:cut], m, log=False, recent=cut)  # MASE: the whole training history
            scale[o, i] = error_scale(y[:cut], m, log=False)
            log_scale[o, i] = error_scale(y[:cut], m, log=True)
            for name in BASE:
                if (o, name) in res:
                    forecasts[name][o, i] = res[(o, name)] if res[(o, name)] is not None else res[(o, "naive")]
    return {
        "F": forecasts,
        "Y": outcomes,
        "mase_scale": mase_scale,
        "scale": scale,
        "log_scale": log_scale,
        "h": h,
        "ids": ids,
    }


def combined(F: dict, members: tuple[str, ...], how: str) -> np.ndarray:
    outputs = [{k: F[name][..., j] for j, k in enumerate(KEYS)} for name in members]
    out = combine_outputs(outputs, how)
    return np.stack([out[k] for k in KEYS], axis=-1)


def conformal(a: dict, point: np.ndarray, internal: list[int]) -> np.ndarray:
    """Test-origin bands from per-step quantiles of scaled errors pooled over the internal origins: log errors for
    positive series (the band ``ŷ·exp(±q·s)`` stays positive), plain errors for a series with a zero or a negative
    value (every series' plain errors pooled: scaled errors are comparable across series)."""
    h, mean = a["h"], point[0, ..., 0]
    pools = {}
    for log, scale in ((True, a["log_scale"]), (False, a["scale"])):
        errors = [scaled_errors(a["Y"][o], point[o, ..., 0], scale[o], log=log) for o in internal]
        pools[log] = StepQuantiles(LEVELS).fit(np.vstack(errors))
    positive = np.isfinite(a["log_scale"][0]) & (mean > 0).all(axis=1)
    out = [mean]
    for lv in LEVELS:
        log_width = pools[True].quantile(lv, h)[None, :] * a["log_scale"][0][:, None]
        width = pools[False].quantile(lv, h)[None, :] * a["scale"][0][:, None]
        # a series with zeros but no negative value (a count) is clipped at zero: it cannot fall below
        lo = np.where(positive[:, None], mean * np.exp(-log_width), np.maximum(mean - width, np.minimum(0, mean)))
        hi = np.where(positive[:, None], mean * np.exp(log_width), mean + width)
        out += [lo, hi]
    return np.stack(out, axis=-1)


def score(y: np.ndarray, f: np.ndarray, scale: np.ndarray) -> dict:
    """Per-frequency MASE, sMAPE, coverage (with points) and MSIS of forecasts ``(series, h, 5)``."""
    ok = np.isfinite(f[..., 0]).all(axis=1) & np.isfinite(scale)
    y, f, scale = y[ok], f[ok], scale[ok]
    error = np.abs(y - f[..., 0])
    lo, hi = f[..., 3], f[..., 4]
    msis = (hi - lo) + 40 * ((lo - y) * (y < lo) + (y - hi) * (y > hi))
    return {
        "series": int(ok.sum()),
        "mase": float(np.mean(error.mean(axis=1) / scale)),
        "smape": float(np.mean(200 * error / (np.abs(y) + np.abs(f[..., 0])))),
        "cov80": 100 * float(np.mean((y >= f[..., 1]) & (y <= f[..., 2]))),
        "cov95": 100 * float(np.mean((y >= lo) & (y <= hi))),
        "points": int(y.size),
        "msis": float(np.mean(msis.mean(axis=1) / scale)),
        "below0": int((lo < 0).sum()),
    }


def line(name: str, s: dict) -> str:
    return (
        f"  {name:<44}{s['series']:>6}{s['mase']:>8.3f}{s['smape']:>8.2f}{s['cov80']:>7.1f}{s['cov95']:>7.1f}"
        f"{s['points']:>7}{s['msis']:>8.2f}{s['below0']:>6}"
    )


HEADER = (
    f"  {'model':<44}{'series':>6}{'MASE':>8}{'sMAPE':>8}{'cov80':>7}{'cov95':>7}{'points':>7}{'MSIS':>8}{'lo<0':>6}"
)


def internal_table(a: dict, recipes: dict, internal: list[int]) -> list[str]:
    """The guard: every recipe scored on the train-internal origins only, pooled over origins."""
    rows = []
    for name, point in recipes.items():
        flat = [score(a["Y"][o], point[o], a["mase_scale"][o]) for o in internal]
        n = sum(s["series"] for s in flat)
        mase = sum(s["mase"] * s["series"] for s in flat) / n
        smape = sum(s["smape"] * s["series"] for s in flat) / n
        rows.append((mase, f"  {name:<44}{n:>6}{mase:>8.3f}{smape:>8.2f}"))
    return [r for _, r in sorted(rows)]


def report(freq: str, data: dict, auto: dict | None) -> None:
    a = arrays(data)
    F, m = a["F"], data["m"]
    internal = [o for o in range(1, a["Y"].shape[0])]
    names, how = DEFAULT_MEMBERS[m]
    members = tuple("snaive" if name == "seasonal_naive" else name for name in names)  # this script's short name
    proposed = combined(F, members, how)
    recipes = {name: F[name] for name in BASE if name != "arima" and (m > 1 or name != "snaive")}
    recipes[f"proposed {how}({', '.join(members)})"] = proposed
    recipes["mean(ets, theta, dotm)"] = combined(F, ("ets", "theta", "dotm"), "mean")
    recipes["median(ets, theta, dotm)"] = combined(F, ("ets", "theta", "dotm"), "median")
    print(f"\n== {freq}: {len(a['ids'])} series, h={a['h']}, base models {data['seconds']:.0f} s ==")
    print(f"-- train-internal evidence (origins {internal}; ARIMA not fitted there) --")
    print(f"  {'recipe':<44}{'cases':>6}{'MASE':>8}{'sMAPE':>8}")
    print("\n".join(internal_table(a, recipes, internal)))
    print("-- test --")
    print(HEADER)
    y, scale = a["Y"][0], a["mase_scale"][0]
    benchmark = "naive" if m == 1 else "snaive"
    for name in (benchmark, "ets", "theta", "arima"):
        print(line(f"{name} (own intervals)", score(y, F[name][0], scale)))
    eat = combined(F, EAT, "mean")
    print(line("mean(ets, arima, theta), members' bounds", score(y, eat[0], scale)))
    auto_f = np.stack([auto[u] for u in a["ids"]]) if auto is not None else None
    if auto_f is not None:
        print(line("auto today (engine, calibrated)", score(y, auto_f, scale)))
    print(line(f"proposed {how}({', '.join(members)}), conformal", score(y, conformal(a, proposed, internal), scale)))
    print("  the ETS + ARIMA + Theta mean keeps its members' bounds: ARIMA has no internal backtest to calibrate on")
    has_arima = np.isfinite(F["arima"][0, :, 0, 0])
    if not has_arima.all():
        print(f"-- the {int(has_arima.sum())} series ARIMA was fitted on --")
        print(HEADER)
        for name, f in (
            ("ets (own intervals)", F["ets"][0]),
            ("arima (own intervals)", F["arima"][0]),
            ("theta (own intervals)", F["theta"][0]),
            ("mean(ets, arima, theta), members' bounds", eat[0]),
            ("auto today", auto_f),
            ("proposed, conformal", conformal(a, proposed, internal)),
        ):
            if f is None:
                continue
            print(line(name, score(y[has_arima], f[has_arima], scale[has_arima])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--arima-sample", type=int, default=120, help="monthly series ARIMA is fitted on (0 = all)")
    parser.add_argument("--cache", default="/tmp/forecast_combination")
    parser.add_argument("--frequencies", nargs="+", default=list(FREQUENCIES), choices=list(FREQUENCIES))
    parser.add_argument("--skip-auto", action="store_true", help="leave out the 'auto today' rows (the slow part)")
    args = parser.parse_args()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for freq in args.frequencies:
            data = compute(freq, args, pool)
            report(freq, data, None if args.skip_auto else compute_auto(freq, data, args, pool))


if __name__ == "__main__":
    main()
