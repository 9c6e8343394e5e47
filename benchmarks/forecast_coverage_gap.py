"""Why the default's quarterly and monthly bands over-cover the tourism test split (issue 15): the evidence.

For every tourism series of a frequency, the engine's default pipeline (``forecast_series``: the combination's
3-window backtest and its final fit, no leaderboard models) is run twice: on ``train`` (scored on ``test``) and on
``train`` minus its last ``h`` points (scored on those held-back training points: the only split a change may be
chosen on). For each, the scaled errors of the delivered forecast (``|log y − log ŷ| / s``, ``s`` the error scale of
the data the forecast was fitted on, exactly as the bands use them) are compared with the scaled errors of the
backtest windows the bands are calibrated on:

* coverage of the target errors by the pooled per-step conformal quantiles (what the delivered bands achieve);
* the ratio of the target's median scaled error to the backtest's, split into its numerator (median absolute log
  error) and denominator (median scale);
* the backtest windows by age (oldest … newest origin) — do early origins, fit on shorter histories, err more?
* the errors by training length across all windows and targets.

Results are cached in ``--cache`` (a pickle) so the analysis can be rerun without refitting. Run from the repository
root::

    .venv/bin/python benchmarks/forecast_coverage_gap.py [--frequencies quarterly monthly] [--jobs 1]
"""

from __future__ import annotations

import argparse
import functools
import pickle
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasting.backtest import auto_plan  # noqa: E402
from forecasting.conformal import StepQuantiles  # noqa: E402
from forecasting.engine import forecast_series  # noqa: E402
from forecasting.pool import map_chunks  # noqa: E402
from forecasting.series import prepare_series  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tourism"
FREQUENCIES = {"yearly": 4, "quarterly": 8, "monthly": 24}
LEVELS = (80, 95)


def _one(item: tuple, h: int) -> dict:
    """Backtest evidence and the final forecast's scaled errors of one series, on train and on held-back train."""
    uid, ds, y, test = item
    warnings.simplefilter("ignore")
    out = {"uid": uid}
    for split, (dates, values, target) in {
        "test": (ds, y, test),
        "held": (ds[:-h], y[:-h], y[-h:]),
    }.items():
        series = prepare_series(uid, pd.DatetimeIndex(dates), values, None)
        result = forecast_series(series, h, LEVELS, candidates=(), n_windows=3)
        ev = result.evidence
        mean = result.raw_forecast["mean"][: len(target)]
        with np.errstate(all="ignore"):
            err = np.abs(np.log(target) - np.log(mean)) if ev.log else np.abs(target - mean)
        row_len = np.array(ev.y.shape[0] * [0])
        if ev.y.shape[0]:
            # training points of each window: the plan's cutoffs are not kept in Evidence, recompute from the length
            plan = auto_plan(len(series.y), h, 3, 8)
            row_len = np.array(plan.cutoffs[-ev.y.shape[0] :])
        out[split] = {
            "bt_y": ev.y,
            "bt_mean": ev.mean,
            "bt_scale": ev.window_scale,
            "bt_len": row_len,
            "scale": ev.scale,
            "log": ev.log,
            "target_abs": err,
            "n": len(series.y),
        }
    return out


def _chunk(items: list, h: int) -> list[dict]:
    return [_one(item, h) for item in items]


def collect(name: str, jobs: int, sample: int | None = None) -> list[dict]:
    h = FREQUENCIES[name]
    frame = pd.read_csv(DATA / f"tourism_{name}.csv", parse_dates=["ds"])
    items = []
    for uid, g in frame.groupby("unique_id", sort=False):
        train, test = g[g.split == "train"], g[g.split == "test"]
        items.append((uid, train["ds"].to_numpy(), train["y"].to_numpy(float), test["y"].to_numpy(float)[:h]))
    if sample is not None and sample < len(items):
        picks = np.random.default_rng(0).choice(len(items), size=sample, replace=False)
        items = [items[i] for i in sorted(picks)]
    chunks = [items[i : i + 20] for i in range(0, len(items), 20)]
    return [r for chunk in map_chunks(functools.partial(_chunk, h=h), chunks, jobs, lambda _: None) for r in chunk]


def _scaled(part: dict, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Backtest scaled errors ``(windows, h)`` and the target's scaled errors ``(h,)``."""
    with np.errstate(all="ignore"):
        if part["log"]:
            bt = np.abs(np.log(part["bt_y"]) - np.log(part["bt_mean"]))
        else:
            bt = np.abs(part["bt_y"] - part["bt_mean"])
        bt = bt / part["bt_scale"][:, None]
        target = part["target_abs"] / part["scale"]
    full = np.full((bt.shape[0], h), np.nan)
    full[:, : bt.shape[1]] = bt[:, :h]
    tgt = np.full(h, np.nan)
    tgt[: len(target)] = target
    return full, tgt


def _padded(values: np.ndarray, h: int) -> np.ndarray:
    return np.pad(values, (0, h - len(values)), constant_values=np.nan)


def analyse(name: str, results: list[dict]) -> None:
    h = FREQUENCIES[name]
    print(f"\n=== {name} (h={h}, {len(results)} series) ===")
    for split in ("held", "test"):
        parts = [r[split] for r in results]
        bts, tgts = zip(*(_scaled(p, h) for p in parts), strict=True)
        pool = np.vstack(bts)
        target = np.vstack(tgts)
        q = StepQuantiles(LEVELS).fit(pool)
        cover = {lv: np.nanmean(target <= q.quantile(lv, h)[None, :]) * 100 for lv in LEVELS}
        label = "held-back last h of train" if split == "held" else "test split"
        print(f"-- {label}: coverage of the delivered forecast by the pooled quantiles")
        print(f"   80 / 95: {cover[80]:.1f} / {cover[95]:.1f} on {np.isfinite(target).sum()} outcomes")
        # numerator and denominator of the scaled errors
        bt_abs = np.vstack([bt * p["bt_scale"][:, None] for p, bt in zip(parts, bts, strict=True) if bt.size])
        bt_scales = np.concatenate([p["bt_scale"] for p in parts])
        final_scales = np.array([p["scale"] for p in parts])
        tgt_abs = np.vstack([_padded(p["target_abs"], h) for p in parts])
        ratio = np.nanmedian(target) / np.nanmedian(pool)
        numerator = np.nanmedian(tgt_abs) / np.nanmedian(bt_abs)
        denominator = np.nanmedian(final_scales) / np.nanmedian(bt_scales)
        print(
            f"   median scaled error target / backtest: {ratio:.3f}; "
            f"abs log error {numerator:.3f}; scale {denominator:.3f}"
        )
        print("   by step (median scaled error target | backtest):")
        print("   " + " ".join(f"{np.nanmedian(target[:, j]):.2f}|{np.nanmedian(pool[:, j]):.2f}" for j in range(h)))
        # windows by age
        ages = {}
        for bt in bts:
            k = bt.shape[0]
            for i in range(k):
                ages.setdefault(k - 1 - i, []).append(bt[i])
        text = []
        for age in sorted(ages, reverse=True):
            rows = np.vstack(ages[age])
            inside = np.nanmean(rows <= q.quantile(80, h)) * 100
            text.append(f"origin −{age + 1}: median {np.nanmedian(rows):.3f}, cover80 by pool {inside:.1f}")
        print("   windows by age (oldest first): " + "; ".join(text))
        print(f"   target (origin 0): median {np.nanmedian(target):.3f}")
        # leave-one-window-age-out: calibrate on the other ages, score the held age
        text = []
        for age in sorted(ages, reverse=True):
            rest = np.vstack([np.vstack(v) for a, v in ages.items() if a != age])
            qa = StepQuantiles(LEVELS).fit(rest)
            rows = np.vstack(ages[age])
            inside80, inside95 = (np.nanmean(rows <= qa.quantile(lv, h)) * 100 for lv in LEVELS)
            text.append(f"−{age + 1}: {inside80:.1f}/{inside95:.1f}")
        print("   each window age scored by quantiles of the other ages (80/95): " + "; ".join(text))
        # training length
        lengths = np.concatenate([p["bt_len"] for p in parts if p["bt_y"].size])
        med = np.nanmedian(pool, axis=1)
        ok = np.isfinite(med) & (lengths > 0)
        bins = np.quantile(lengths[ok], [0, 0.25, 0.5, 0.75, 1])
        text = []
        for lo, hi in zip(bins[:-1], bins[1:], strict=True):
            sel = ok & (lengths >= lo) & (lengths <= hi)
            text.append(f"{int(lo)}–{int(hi)}: {np.nanmedian(med[sel]):.3f}")
        print("   backtest median scaled error by training length: " + "; ".join(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frequencies", nargs="+", default=["quarterly", "monthly"], choices=list(FREQUENCIES))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--sample", type=int, default=None, help="a random sample of this many series (seed 0)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/forecast_coverage_gap.pkl"))
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    store = pickle.loads(args.cache.read_bytes()) if args.cache.exists() else {}
    for name in args.frequencies:
        if name not in store:
            store[name] = collect(name, args.jobs, args.sample)
            args.cache.write_bytes(pickle.dumps(store))
        analyse(name, store[name])


if __name__ == "__main__":
    main()
