"""Accuracy of every model and of ``model="auto"`` on the tourism competition, next to the published figures.

Data: ../shared/bench/tourism (Athanasopoulos, Hyndman, Song & Wu 2011; see its SOURCE.md). Each model is fitted on
``train`` through the product's own pipeline (backtest, selection, calibration) and scored on ``test``: yearly h=4,
quarterly h=8, monthly h=24. Printed per model: MASE, sMAPE and MAPE averaged over horizons and series; the share
of test outcomes inside the 80% and 95% intervals and the mean scaled interval score of the 95% interval (MSIS, as in
the M4 competition: lower is better), each for the model's own intervals ("raw") and as delivered after calibration.

ARIMA and Prophet cost 30–300× the other models per fit, so by default they run on a random sample of series per
frequency (``--slow-sample``); the table for that sample repeats naive and auto on the same series for comparison.

Usage (from the repository root)::

    .venv/bin/python benchmarks/forecast_accuracy.py                 # all series; ARIMA/Prophet on 100 per frequency
    .venv/bin/python benchmarks/forecast_accuracy.py --sample 50     # 50 series per frequency for every model
    .venv/bin/python benchmarks/forecast_accuracy.py --slow-sample 0 # ARIMA and Prophet on every series too (~1 h)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import forecasting  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tourism"
FREQUENCIES = {"yearly": 4, "quarterly": 8, "monthly": 24}
FAST_MODELS = ("naive", "seasonal_naive", "drift", "ets", "theta", "ensemble", "auto")
SLOW_MODELS = ("arima", "prophet")
LEVELS = (80, 95)
# Paper Tables 4–6 (MAPE / MASE, average over horizons 1–h) and Nixtla's sMAPE table, from SOURCE.md.
PUBLISHED = {
    "yearly": {
        "naive": "MAPE 23.61  MASE 2.50",
        "theta": "MAPE 23.45  MASE 2.28",
        "ets": "MAPE 27.68  MASE 2.71",
        "arima": "MAPE 28.03  MASE 2.63  (Nixtla AutoARIMA sMAPE 25.49)",
        "prophet": "sMAPE 24.64 (Nixtla)",
        "auto": "best published: Theta MAPE 23.45 MASE 2.28",
    },
    "quarterly": {
        "seasonal_naive": "MAPE 16.46  MASE 1.59",
        "theta": "MAPE 16.15  MASE 1.56",
        "ets": "MAPE 16.05  MASE 1.58",
        "arima": "MAPE 16.23  MASE 1.47  (Nixtla AutoARIMA sMAPE 16.43)",
        "prophet": "sMAPE 20.02 (Nixtla)",
        "auto": "best published: Damped MAPE 15.56 MASE 1.43",
    },
    "monthly": {
        "seasonal_naive": "MAPE 22.56  MASE 1.54",
        "theta": "MAPE 22.11  MASE 1.55",
        "ets": "MAPE 21.15  MASE 1.49",
        "arima": "MAPE 21.13  MASE 1.38  (Nixtla AutoARIMA sMAPE 20.63)",
        "prophet": "sMAPE 23.19 (Nixtla)",
        "auto": "best published: ForePro MAPE 19.91 MASE 1.40",
    },
}


def load(frequency: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.read_csv(DATA / f"tourism_{frequency}.csv", parse_dates=["ds"])
    train = frame.loc[frame.split == "train", ["unique_id", "ds", "y"]]
    test = frame.loc[frame.split == "test", ["unique_id", "ds", "y"]]
    return train, test


def forecast_all(train: pd.DataFrame, h: int, model: str, jobs: int) -> list[dict]:
    """Forecast every series of ``train`` with ``model`` in one run; keep the calibrated and raw arrays."""
    result = forecasting.run(train, h, level=LEVELS, model=model, n_jobs=jobs)
    column = model  # the forecast columns are named after the model asked for
    keys = {column: "mean"} | {f"{column}-{side}-{lv}": f"{side}-{lv}" for lv in LEVELS for side in ("lo", "hi")}
    used = result.forecast.groupby("unique_id", sort=False)["model"].first()
    calibrated = dict(iter(result.forecast.groupby("unique_id", sort=False)))
    raw = dict(iter(result.raw_forecast.groupby("unique_id", sort=False)))
    return [
        {
            "unique_id": uid,
            "used": used[uid],
            "forecast": {key: calibrated[uid][name].to_numpy() for name, key in keys.items()},
            "raw": {key: raw[uid][name].to_numpy() for name, key in keys.items()},
        }
        for uid in used.index
    ]


def interval_score(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: float) -> float:
    """Mean interval (Winkler) score: width plus 2/α times each miss distance (the M4 competition's MSIS numerator)."""
    alpha = 1 - level / 100
    return float(np.mean((hi - lo) + 2 / alpha * ((lo - y) * (y < lo) + (y - hi) * (y > hi))))


def scores(results: list[dict], train: pd.DataFrame, test: pd.DataFrame, season: int) -> pd.DataFrame:
    """Per-series MASE, sMAPE, MAPE and coverage of the raw and calibrated intervals."""
    actual = {uid: g["y"].to_numpy() for uid, g in test.groupby("unique_id")}
    history = {uid: g["y"].to_numpy() for uid, g in train.groupby("unique_id")}
    rows = []
    for r in results:
        y, f, raw = actual[r["unique_id"]], r["forecast"], r["raw"]
        past = history[r["unique_id"]]
        scale = np.mean(np.abs(past[season:] - past[:-season]))
        error = np.abs(y - f["mean"])
        row = {
            "unique_id": r["unique_id"],
            "used": r["used"],
            "mase": np.mean(error) / scale,
            "smape": np.mean(200 * error / (np.abs(y) + np.abs(f["mean"]))),
            "mape": np.mean(100 * error / np.abs(y)),
        }
        for lv in LEVELS:
            row[f"raw{lv}"] = 100 * np.mean((y >= raw[f"lo-{lv}"]) & (y <= raw[f"hi-{lv}"]))
            row[f"cal{lv}"] = 100 * np.mean((y >= f[f"lo-{lv}"]) & (y <= f[f"hi-{lv}"]))
        row["msis_raw"] = interval_score(y, raw["lo-95"], raw["hi-95"], 95) / scale
        row["msis_cal"] = interval_score(y, f["lo-95"], f["hi-95"], 95) / scale
        rows.append(row)
    return pd.DataFrame(rows)


def table(per_model: dict[str, pd.DataFrame], frequency: str, ids: np.ndarray | None = None) -> str:
    lines = [
        f"{'model':<15}{'series':>7}{'MASE':>8}{'sMAPE':>8}{'MAPE':>8}{'cov80 raw→cal':>16}{'cov95 raw→cal':>16}"
        f"{'MSIS95 raw→cal':>17}   published"
    ]
    for model, frame in per_model.items():
        if ids is not None:
            frame = frame[frame.unique_id.isin(ids)]
        m = frame.mean(numeric_only=True)
        cov80 = f"{m['raw80']:.0f}→{m['cal80']:.0f}"
        cov95 = f"{m['raw95']:.0f}→{m['cal95']:.0f}"
        msis = f"{m['msis_raw']:.1f}→{m['msis_cal']:.1f}"
        published = PUBLISHED[frequency].get(model, "")
        lines.append(
            f"{model:<15}{len(frame):>7}{m['mase']:>8.3f}{m['smape']:>8.2f}{m['mape']:>8.2f}{cov80:>16}{cov95:>16}"
            f"{msis:>17}   {published}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=0, help="series per frequency for every model (0 = all)")
    parser.add_argument("--slow-sample", type=int, default=100, help="series per frequency for ARIMA/Prophet (0 = all)")
    parser.add_argument("--frequencies", nargs="+", default=list(FREQUENCIES), choices=list(FREQUENCIES))
    parser.add_argument("--models", nargs="+", default=[*FAST_MODELS, *SLOW_MODELS])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    try:
        for frequency in args.frequencies:
            h = FREQUENCIES[frequency]
            train, test = load(frequency)
            ids = train["unique_id"].unique()
            if args.sample:
                ids = rng.choice(ids, size=min(args.sample, len(ids)), replace=False)
            slow_ids = ids if not args.slow_sample else rng.choice(ids, min(args.slow_sample, len(ids)), replace=False)
            season = {"yearly": 1, "quarterly": 4, "monthly": 12}[frequency]
            per_model: dict[str, pd.DataFrame] = {}
            slow: dict[str, pd.DataFrame] = {}
            print(f"\n== {frequency}: {len(ids)} series, h={h} ==", flush=True)
            for model in args.models:
                if model == "seasonal_naive" and season == 1:
                    continue
                chosen = slow_ids if model in SLOW_MODELS else ids
                started = time.perf_counter()
                results = forecast_all(train[train.unique_id.isin(chosen)], h, model, args.jobs)
                frame = scores(results, train, test, season)
                (slow if model in SLOW_MODELS else per_model)[model] = frame
                print(f"  {model}: {time.perf_counter() - started:.1f} s", flush=True)
            print(table(per_model, frequency))
            if "auto" in per_model:
                print("auto chose:", per_model["auto"]["used"].value_counts().to_dict())
                benchmark = "naive" if season == 1 else "seasonal_naive"
                if benchmark in per_model:
                    a, b = per_model["auto"].mean(numeric_only=True), per_model[benchmark].mean(numeric_only=True)
                    verdict = all(a[k] < b[k] for k in ("mase", "smape", "mape"))
                    print(f"auto beats {benchmark} on MASE, sMAPE and MAPE: {'yes' if verdict else 'NO'}")
            if slow:
                base = {k: per_model[k] for k in ("naive", "seasonal_naive", "auto") if k in per_model}
                print(f"-- sample of {len(slow_ids)} series --")
                print(table({**base, **slow}, frequency, ids=slow_ids))
    finally:
        forecasting.shutdown_workers()


if __name__ == "__main__":
    main()
