"""Public services: how long the Boston 311 log (121,145 cases) takes to load and give every figure of the page,
cold (a fresh process) and warm (the log read and prepared, as the page's cache holds it), and the derivations on
one million cases made by resampling the real log (in memory only; never shipped).

    .venv/bin/python benchmarks/services.py             # 5 cold runs, 7 warm runs, 3 runs on a million
    .venv/bin/python benchmarks/services.py --million-runs 1

Goals: cold < 2 s, warm < 300 ms, a million cases < 15 s (2 cores). Prints medians of the runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services import summary  # noqa: E402
from services.boston import read_boston  # noqa: E402
from services.derive import measure, prepare  # noqa: E402

DECEMBER = (pd.Timestamp("2015-12-01"), pd.Timestamp("2015-12-31"))


def page_figures(log) -> None:
    """Everything the page computes for its default view: cards (monthly measures), league tables of units and
    areas, topic mix, data problems."""
    derived = measure(log, "month")
    summary.cards(derived)
    summary.league(log, *DECEMBER, "unit")
    summary.league(log, *DECEMBER, "area")
    summary.topic_mix(log, *DECEMBER)
    log.problems()


def all_derivations(log) -> None:
    """Every grain, ungrouped and by topic, unit and area, plus the league tables and the topic mix."""
    for grain in ("day", "week", "month"):
        for by in (None, "topic", "unit", "area"):
            measure(log, grain, by)
    page_figures(log)


def cold_once() -> tuple[float, float]:
    """One cold run in a fresh interpreter (imports included): read the log, prepare it, compute the page's
    figures. Returns wall and CPU seconds."""
    code = (
        "import time; t, c = time.perf_counter(), time.process_time();"
        "from services.boston import read_boston; from services.derive import prepare;"
        "import benchmarks.services as b; b.page_figures(prepare(read_boston()));"
        "print(time.perf_counter() - t, time.process_time() - c)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def resampled(cases: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """`n` cases drawn with replacement from the real log, each with an id of its own."""
    rows = np.random.default_rng(seed).integers(0, len(cases), n)
    big = cases.iloc[rows].reset_index(drop=True)
    big["case_id"] = pd.array([f"R{i}" for i in range(n)], dtype="string")
    return big


def timed(run, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `repeat` runs (CPU time says more when other jobs share the cores)."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--warm-runs", type=int, default=7)
    parser.add_argument("--million-runs", type=int, default=3)
    args = parser.parse_args()

    cold = [cold_once() for _ in range(args.cold_runs)]
    wall, cpu = (statistics.median(x) for x in zip(*cold, strict=True))
    print(f"cold: imports, load, prepare, every figure of the page  wall {wall:.2f} s, CPU {cpu:.2f} s (goal < 2 s)")
    cases = read_boston()
    wall, cpu = timed(read_boston, 3)
    print(f"      of which reading the log                          wall {wall:.2f} s, CPU {cpu:.2f} s")
    log = prepare(cases)
    wall, cpu = timed(lambda: page_figures(log), args.warm_runs)
    print(f"warm: every figure of the page (log prepared) wall {wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms (< 300)")
    big = resampled(cases, 1_000_000)
    wall, cpu = timed(lambda: all_derivations(prepare(big)), args.million_runs)
    print(f"1,000,000 cases: prepare + all derivations          wall {wall:.1f} s, CPU {cpu:.1f} s (goal < 15 s)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
