"""CPU per page view of two checkouts side by side: an older one (``--base``, e.g. a `git worktree` of a commit)
against this one, with `benchmarks/load.py`'s websocket client, in one run.

Both apps and the title-only reference are started the same way on one throw-away store with the shipped data
(`load.Bench`); every page is viewed ``--views`` times in a new session each, by the two apps in turn (the order
alternates between rounds), so both share whatever else the machine is doing. Prints the median over ``--rounds``
of the server CPU per view above the reference's, and the ratio new / base.

With ``--cold N`` it measures cold starts instead (process start to the first finished Overview): each checkout on
its own store, seeded and precomputed by its own code (the precomputed results are keyed by the code that made them),
``N`` starts each, alternating, and prints the medians.

    git worktree add --detach /tmp/base c970b9d && ln -s "$PWD/.venv" /tmp/base/.venv
    .venv/bin/python benchmarks/load_ab.py --base /tmp/base --pages overview forecast
    .venv/bin/python benchmarks/load_ab.py --base /tmp/base --cold 7
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402

HERE = Path(__file__).resolve().parents[1]


async def cpu_per_view(server: load.Server, page: str, views: int) -> float:
    """Milliseconds of server CPU per view of `page` over `views` new sessions, one after another."""
    cpu0 = server.cpu_seconds()
    for _ in range(views):
        await load.view(server.port, page, 120)
    return (server.cpu_seconds() - cpu0) / views * 1000


async def measure(servers: dict[str, load.Server], pages: list[str], views: int, rounds: int) -> dict:
    for name in ("base", "new"):  # the home page first (see load.measure), then every page twice: warm
        for page in dict.fromkeys([load.PAGES[0].url_path, *pages, *pages]):
            await load.view(servers[name].port, page, 240)
    results: dict = {}
    for n in range(rounds):
        results.setdefault("reference", []).append(await cpu_per_view(servers["reference"], "", views))
        for page in pages:
            for name in ("base", "new") if n % 2 == 0 else ("new", "base"):
                results.setdefault((name, page), []).append(await cpu_per_view(servers[name], page, views))
    return results


def cold_starts(base: Path, n: int) -> None:
    options = argparse.Namespace(set=[], view_timeout=120, no_precompute=False)
    with tempfile.TemporaryDirectory(prefix="cockpit-cold-ab-") as tmp:
        benches = {}
        for name, root in (("base", base), ("new", HERE)):
            load.ROOT = root  # seeded, precomputed and started from its own checkout
            (Path(tmp) / name).mkdir()
            benches[name] = (root, load.Bench(options, Path(tmp) / name))
        times: dict[str, list[tuple[float, float]]] = {"base": [], "new": []}
        for i in range(n):
            for name in ("base", "new") if i % 2 == 0 else ("new", "base"):
                load.ROOT, bench = benches[name]
                times[name].append(bench.cold_start("app"))
        load.ROOT = HERE
    print(f"load {os.getloadavg()[0]:.1f} at the end; cold start, median of {n} starts each (ready / first view)")
    for name, runs in times.items():
        ready, first = (statistics.median(r[i] for r in runs) for i in (0, 1))
        print(f"{name:<5} {ready:.2f} s / {first:.2f} s   all first views: {' '.join(f'{r[1]:.2f}' for r in runs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, required=True, help="the older checkout (with its .venv link)")
    parser.add_argument("--pages", nargs="+", default=[p.url_path for p in load.PAGES])
    parser.add_argument("--views", type=int, default=20, help="views of a page per app and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold", type=int, metavar="N", help="only cold starts: N of each checkout, alternating")
    args = parser.parse_args()
    if args.cold:
        cold_starts(args.base.resolve(), args.cold)
        return
    # Precomputed first, as load.py does: else the apps' own background job computes the new data version while
    # the views are measured, and its CPU is counted against them.
    options = argparse.Namespace(set=[], view_timeout=120, no_precompute=False)
    with tempfile.TemporaryDirectory(prefix="cockpit-load-ab-") as tmp:
        bench = load.Bench(options, Path(tmp))
        servers = {}
        for name, root in (("base", args.base.resolve()), ("new", HERE)):
            load.ROOT = root  # the server runs from its checkout (its .streamlit/config.toml applies)
            servers[name] = load.Server(root / "app.py", bench.env, [], Path(tmp) / f"{name}.log")
        load.ROOT = HERE
        servers["reference"] = bench.start("reference")
        try:
            for server in servers.values():
                server.wait_ready()
            results = asyncio.run(measure(servers, args.pages, args.views, args.rounds))
        finally:
            for server in servers.values():
                server.stop()
    ref = statistics.median(results["reference"])
    print(f"load {os.getloadavg()[0]:.1f} at the end; reference {ref:.0f} ms/view")
    print(f"CPU ms/view above the reference, median of {args.rounds} rounds of {args.views} views")
    for page in args.pages:
        base, new = statistics.median(results[("base", page)]), statistics.median(results[("new", page)])
        print(f"{page:<12} base {base - ref:+6.0f}  new {new - ref:+6.0f}  ratio {new / base:.2f}")


if __name__ == "__main__":
    main()
