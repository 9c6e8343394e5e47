"""A page's first view after a new data version, with and without the precomputed results, and its warm view.

Starts the app the way `benchmarks/load.py` does (its websocket client: every view a new session, `streamlit run`
on a loopback port, the shipped data in a throw-away store) and, per page and mode:

1. commits a new version of the provincial portal data (its real rows without the last year, then the whole set
   again: every commit a real release), which bumps the store's data version;
2. ``precomputed``: computes the job's results for the new version (`precompute.job`: every warning, standing and
   city task, the forecast tasks of the Forecast page's default indicator — the whole job takes minutes); or
   ``computed``: nothing, as before issue 22;
3. waits ``--settle`` seconds (default 10: the app sees a new version within ``ui.cache.FRESH_SECONDS`` and its
   `ui.warm` thread then reads the new observations, 1–3 s on a busy machine; a leader opens a page minutes after
   a commit, not within a second), then opens the page once (the first view after the new version) and five more
   times (warm).

It prints each first view and the median warm view, with the 1-minute load average beside them.

    .venv/bin/python benchmarks/first_view.py --pages overview forecast --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pandas as pd  # noqa: E402
from load import Bench, view  # noqa: E402

from data.access import Actor, Role  # noqa: E402
from data.store import open_store  # noqa: E402
from precompute import codec, job  # noqa: E402
from ui.cache import FRESH_SECONDS  # noqa: E402
from ui.navigation import PAGES  # noqa: E402

DATASET = "cn_prov_nbs"


def new_version(store, full: pd.DataFrame, step: int) -> None:
    """A real release: the portal data without its last year, or whole again."""
    last = full["period"].max()
    frame = full[full["period"] < last] if step % 2 == 0 else full
    store.commit(
        DATASET, frame.reset_index(drop=True), actor=Actor("benchmark", Role.STEWARD), mode="replace", note="benchmark"
    )


def precompute_for_page(store) -> float:
    """Store the job's results a first view reads (see the module docstring); seconds it took."""
    started = time.perf_counter()
    version, ctx = job.context(store)
    code = job.code_fingerprint()
    for task in job.tasks(ctx):
        if task.kind == "forecast" and json.loads(task.key)["indicator"] != ctx.settings.indicator:
            continue
        store.precomputed.put(version, code, task.kind, task.key, codec.dumps(task.compute()), 0.0)
    return time.perf_counter() - started


async def page_views(port: int, page: str, timeout: float) -> tuple[float, float]:
    first = await view(port, page, timeout)
    warm = [await view(port, page, timeout) for _ in range(5)]
    return first, statistics.median(warm)


def main() -> None:
    urls = [p.url_path for p in PAGES]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=["overview", "forecast"], choices=urls)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--view-timeout", type=float, default=120)
    parser.add_argument("--settle", type=float, default=10, help="seconds between a new version and the first view")
    args = parser.parse_args()
    args.set = ["server.fileWatcherType=none"]  # an edit elsewhere in the worktree must not reload the app mid-run
    with tempfile.TemporaryDirectory(prefix="cockpit-first-view-") as tmp:
        bench = Bench(args, Path(tmp))
        os.environ["COCKPIT_DATA_DIR"] = bench.env["COCKPIT_DATA_DIR"]
        bench.env["COCKPIT_PRECOMPUTE"] = "0"  # the benchmark computes the results itself, when the mode asks
        store = open_store()
        full = store.observations([DATASET])
        app = bench.start("app")
        try:
            app.wait_ready()
            asyncio.run(view(app.port, PAGES[0].url_path, args.view_timeout))
            step = 0
            print("page       mode         first ms   warm ms   load   (precompute s)")
            for _ in range(args.rounds):
                for page in args.pages:
                    for mode in ("computed", "precomputed"):
                        new_version(store, full, step)
                        step += 1
                        spent = precompute_for_page(store) if mode == "precomputed" else 0.0
                        time.sleep(max(args.settle, FRESH_SECONDS + 0.5))
                        first, warm = asyncio.run(page_views(app.port, page, args.view_timeout))
                        load = os.getloadavg()[0]
                        extra = f"({spent:.0f})" if spent else ""
                        print(f"{page:10} {mode:12} {first * 1000:8.0f} {warm * 1000:9.0f} {load:6.1f}   {extra}")
                        sys.stdout.flush()
        except Exception:
            print((Path(tmp) / "app.log").read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
        finally:
            app.stop()


if __name__ == "__main__":
    main()
