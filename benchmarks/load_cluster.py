"""Sessions through nginx in front of replicas against one process, in the same run (issue 22's load goal).

Starts a cluster with ``deploy/cluster.py`` (N replicas on a throwaway PostgreSQL behind nginx) and, as
``benchmarks/load.py`` does, one app process on a throw-away SQLite store; then, per level of concurrent sessions,
the same websocket client (``load.view``: a new session per view, ``BackMsg.rerun_script`` until
``script_finished``) against each. Prints p50 / p95 of a view, views per second, errors, and the RSS of every
replica and of the single process. Bounded: a step stops after its views or ``--step-seconds``, a view after
``--view-timeout``; loopback only. The cluster and the app are stopped at the end, also on failure.

    .venv/bin/python benchmarks/load_cluster.py --replicas 2 --levels 10 25 50 --pages overview
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from load import PAGE, Bench, free_port, view

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy import cluster as deploy  # noqa: E402
from ui.navigation import PAGES  # noqa: E402


def rss_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20


@dataclass
class Step:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies) or [float("nan")]
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


async def step(port: int, page: str, sessions: int, views: int, args) -> Step:
    """``sessions`` workers opening new sessions one after another, ``views`` in all (or until the step's time)."""
    out, deadline = Step(), time.monotonic() + args.step_seconds
    per_worker = max(1, -(-views // sessions))

    async def worker() -> None:
        for _ in range(per_worker):
            if time.monotonic() > deadline:
                return
            try:
                out.latencies.append(await view(port, page, args.view_timeout))
            except (RuntimeError, OSError, TimeoutError) as exc:  # counted, not fatal: errors are a figure here
                out.errors.append(f"{type(exc).__name__}: {exc}"[:200])

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(sessions)))
    out.wall = time.perf_counter() - t0
    return out


async def measure(targets: dict[str, int], pages: list[str], args) -> dict:
    for port in targets.values():  # warm: the home page first (see load.py), a few sessions per replica
        for page in dict.fromkeys([PAGES[0].url_path, *pages]):
            for _ in range(2 * args.replicas):
                await view(port, page, args.view_timeout * 4)
    results = {}
    for level in args.levels:
        for page in pages:
            for name, port in targets.items():
                results[(name, page, level)] = await step(port, page, level, max(args.views, 2 * level), args)
                s = results[(name, page, level)]
                print(f"  {name} {page} {level}: {len(s.latencies)} views, {len(s.errors)} errors", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--pages", nargs="+", default=["overview"], choices=[p.url_path for p in PAGES])
    parser.add_argument("--levels", nargs="+", type=int, default=[10, 25, 50], help="concurrent sessions")
    parser.add_argument("--views", type=int, default=50, help="views per step (at least 2 per session)")
    parser.add_argument("--step-seconds", type=float, default=120, help="time bound of one step")
    parser.add_argument("--view-timeout", type=float, default=60, help="time bound of one view")
    args = parser.parse_args()
    args.set = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        print(f"load: {os.getloadavg()[0]:.2f} (1-minute average) on {os.cpu_count()} cores", flush=True)
        running = deploy.start(args.replicas, free_port(), state=tmp / "cluster")
        app = Bench(args, tmp).start("app")
        try:
            app.wait_ready()
            results = asyncio.run(measure({"one process": app.port, "cluster": running.port}, args.pages, args))
            replicas = {n: rss_mb(p) for n, p in running.pids.items() if n.startswith("replica-")}
            single = rss_mb(app.proc.pid)
        finally:
            app.stop()
            deploy.stop(tmp / "cluster")
    head = f"{'target':<13}{'page':<10}{'sessions':>9}{'views':>7}{'p50 ms':>9}{'p95 ms':>9}{'views/s':>9}{'errors':>8}"
    print("\n" + head)
    for (target, page, level), s in results.items():
        rate = len(s.latencies) / s.wall if s.wall else 0.0
        print(
            f"{target:<13}{page:<10}{level:>9}{len(s.latencies):>7}{s.pct(0.5):>9.0f}{s.pct(0.95):>9.0f}"
            f"{rate:>9.1f}{len(s.errors):>8}"
        )
        for error in sorted(set(s.errors))[:3]:
            print(f"    {error}")
    each = json.dumps({k: round(v) for k, v in replicas.items()})
    print(f"RSS at the end (MB): one process {single:.0f}; replicas {each}")
    print(f"load at the end: {os.getloadavg()[0]:.2f} (1-minute average)")


if __name__ == "__main__":
    main()
