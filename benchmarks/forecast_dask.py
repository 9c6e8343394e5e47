"""The default batch on a Dask LocalCluster with 1 and with 2 workers, and what 280,000 series would take (issue 22).

The series are the shipped ones (every indicator × region with at least 6 observations, annual, quarterly and
monthly; as ``forecast_speed.py``) repeated with distinct ids (``<id>#<copy>``) until ``--series`` (default 20,000)
is reached: a county-level run is many series of the same kinds, and a copy costs what its original costs. Each
frequency is one ``forecasting.run`` (its horizon as in ``forecast_speed.py``) with the default model, on a
``distributed.LocalCluster`` started as :mod:`forecasting.cluster` starts it (single-threaded worker processes,
loopback); the cluster's start and a small warm-up run per worker (imports, numba compilation) are left out of the
timing and printed apart. CPU is this process (the scheduler, the calibration) plus every worker process, from
/proc via psutil. A sample (``--sample``) runs in this process (``dask=False, n_jobs=1``) as the reference cost.

The 280,000 extrapolation is linear in the series count: chunks are independent and of the same mix, so the
wall time per series measured on 2 workers is multiplied out; the assumptions are printed with it.

    .venv/bin/python benchmarks/forecast_dask.py [--series 20000] [--sample 500] [--target 280000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from forecast_speed import HORIZONS, shipped_series  # noqa: E402

import forecasting  # noqa: E402
from forecasting import cluster  # noqa: E402


def repeated(frames: dict[str, pd.DataFrame], total: int) -> tuple[dict[str, pd.DataFrame], int]:
    """``total`` series from the shipped ones: every series once, then again with ``#<copy>`` ids, in order."""
    ids = [(code, uid) for code, frame in frames.items() for uid in frame["unique_id"].unique()]
    by_id = {uid: g for frame in frames.values() for uid, g in frame.groupby("unique_id", sort=False)}
    parts: dict[str, list[pd.DataFrame]] = {code: [] for code in frames}
    for n in range(total):
        code, uid = ids[n % len(ids)]
        copy = n // len(ids)
        parts[code].append(by_id[uid].assign(unique_id=uid if copy == 0 else f"{uid}#{copy}"))
    out = {code: pd.concat(p, ignore_index=True) for code, p in parts.items() if p}
    return out, len(ids)


def spread(frames: dict[str, pd.DataFrame], n: int) -> dict[str, pd.DataFrame]:
    """About ``n`` of the series, evenly spread over the frequencies and the list (a reference sample)."""
    ids = [uid for frame in frames.values() for uid in frame["unique_id"].unique()]
    picked = set(ids[:: max(1, len(ids) // n)][:n])
    return {code: f[f["unique_id"].isin(picked)] for code, f in frames.items() if f["unique_id"].isin(picked).any()}


def cpu_seconds(children: list[psutil.Process]) -> float:
    """CPU of this process and of the given processes (the cluster's)."""
    total = sum(psutil.Process().cpu_times()[:2])
    for proc in children:
        with contextlib.suppress(psutil.NoSuchProcess):  # a worker that ended: its CPU is lost either way
            total += sum(proc.cpu_times()[:2])
    return total


def run_all(frames: dict[str, pd.DataFrame], **kw) -> tuple[int, int]:
    """Every frequency's run; series forecast and series in errors."""
    forecasts = errors = 0
    for code, frame in frames.items():
        result = forecasting.run(frame, HORIZONS[code], **kw)
        forecasts += result.forecast["unique_id"].nunique()
        errors += len(result.errors)
    return forecasts, errors


def on_cluster(frames: dict[str, pd.DataFrame], workers: int, warm: dict[str, pd.DataFrame]) -> dict:
    started = time.perf_counter()
    client = cluster.shared_client(workers)
    run_all(warm, dask=client, chunk_size=2)  # every worker imports and compiles before the clock starts
    ready = time.perf_counter() - started
    children = psutil.Process().children(recursive=True)
    cpu0, t0 = cpu_seconds(children), time.perf_counter()
    forecasts, errors = run_all(frames, dask=client)
    wall, cpu = time.perf_counter() - t0, cpu_seconds(children) - cpu0
    cluster.shutdown_clusters()
    return {"workers": workers, "ready": ready, "wall": wall, "cpu": cpu, "forecasts": forecasts, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=500, help="series run in this process as the reference")
    parser.add_argument("--target", type=int, default=280_000, help="series count to extrapolate to")
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average) on {os.cpu_count()} cores", flush=True)
    shipped, _ = shipped_series(6)
    frames, distinct = repeated(shipped, args.series)
    counts = {code: frame["unique_id"].nunique() for code, frame in frames.items()}
    print(
        f"{args.series} series: the {distinct} shipped series repeated with distinct ids "
        f"({args.series / distinct:.1f} times); per frequency {counts}; horizons {HORIZONS}"
    )
    warm = {
        code: f[f["unique_id"].isin(f["unique_id"].unique()[: 4 * max(args.workers)])] for code, f in shipped.items()
    }
    sample = spread(shipped, args.sample)
    run_all(spread(shipped, 10), dask=False, n_jobs=1)  # imports and numba compilation, as on the workers
    cpu0, t0 = time.process_time(), time.perf_counter()
    done, _ = run_all(sample, dask=False, n_jobs=1)
    ref_cpu, ref_wall = (time.process_time() - cpu0) / done, (time.perf_counter() - t0) / done
    print(
        f"in this process ({done} shipped series spread over the frequencies): {1000 * ref_cpu:.1f} ms CPU, "
        f"{1000 * ref_wall:.1f} ms wall per series"
    )

    rows = [on_cluster(frames, n, warm) for n in args.workers]
    print(f"\n{'workers':>7}{'wall s':>9}{'CPU s':>9}{'CPU ms/series':>15}{'series/s':>10}{'errors':>8}{'start s':>9}")
    for r in rows:
        print(
            f"{r['workers']:>7}{r['wall']:>9.1f}{r['cpu']:>9.1f}{1000 * r['cpu'] / r['forecasts']:>15.1f}"
            f"{r['forecasts'] / r['wall']:>10.0f}{r['errors']:>8}{r['ready']:>9.1f}"
        )
    one, two = rows[0], rows[-1]
    if len(rows) > 1:
        speedup = one["wall"] / two["wall"]
        print(
            f"1 → {two['workers']} workers: {speedup:.2f}× faster "
            f"({100 * speedup / (two['workers'] / one['workers']):.0f} % of linear)"
        )
    per_series = two["wall"] / two["forecasts"]
    cost = two["cpu"] / two["forecasts"]
    print(
        f"\n{args.target:,} series extrapolated: {per_series * args.target / 60:.1f} min on {two['workers']} workers "
        f"here ({1000 * per_series:.2f} ms wall per series measured on {args.series:,}); "
        f"{cost * args.target / 3600:.2f} CPU hours in all ({1000 * cost:.1f} ms CPU per series), so about "
        f"{cost * args.target / 60 / 2:.0f} min on 2 idle cores and {cost * args.target / 60 / 16:.0f} min on a "
        "16-core cluster at full efficiency."
    )
    print(
        "assumptions: linear in series count (independent chunks, no cross-series step but the calibration, which "
        "is array work in this process); the same mix of frequencies and lengths as the shipped series; the "
        "cluster started and warm; results for every series fit in this process's memory."
    )
    print(f"load at the end: {os.getloadavg()[0]:.2f} (1-minute average)")


if __name__ == "__main__":
    main()
