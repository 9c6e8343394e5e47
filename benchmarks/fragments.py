"""What a part of a page rerunning alone saves: the same widget change as the browser sends it (a rerun of the
``st.fragment`` the widget is in) and as a rerun of the whole page (what it cost before the part was a fragment).

Starts the app as `benchmarks/load.py` does (the shipped data in a throw-away store, precomputed, `streamlit run`
on a free loopback port) and opens one tab per widget (`load_session.Session`: Streamlit's websocket protocol, no
browser). Per widget and round, ``--changes`` changes of it to another option, first one way then the other (the
order alternates between rounds); every option is shown once before measuring, so both ways read warm caches.
Prints, per widget, the median over ``--rounds`` of the server's CPU and the wall time per change, each way, and
their ratio.

    .venv/bin/python benchmarks/fragments.py
    .venv/bin/python benchmarks/fragments.py --rounds 1 --changes 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402
from load_session import Session  # noqa: E402

# (page, widget key): a widget that changes one part of its page
WIDGETS = [
    ("overview", "ov_target_year"),
    ("overview", "ov_rank"),
    ("indicators", "ind_view"),
    ("forecast", "fc_model"),
    ("services", "svc_signals_freq"),
    ("services", "svc_fc_topic"),
]
# The link a widget is drawn by, when it is not on the page as first opened (a tab of the Overview or Services).
LINKS = {"ov_target_year": "tab=targets", "svc_signals_freq": "tab=signals", "svc_fc_topic": "tab=signals"}


async def per_change(server: load.Server, session: Session, wid: str, whole: bool, changes: int, rng) -> tuple:
    """Server CPU ms and wall ms per change of `wid`, as a fragment rerun or (`whole`) as a rerun of the page."""
    cpu0, walls = server.cpu_seconds(), []
    for _ in range(changes):
        walls.append(await session.change(wid, rng, whole=whole))
    return (server.cpu_seconds() - cpu0) / changes * 1000, statistics.median(walls) * 1000


async def measure(server: load.Server, args) -> dict:
    await load.view(server.port, load.PAGES[0].url_path, 240)  # the home page first (see load.measure)
    results: dict = {}
    for page, key in WIDGETS:
        session = Session(server.port, timeout=240)
        await session.open()
        try:
            await session.open_page(page, LINKS.get(key, ""))
            wid, rng = session.widget_id(key), random.Random(0)
            for _ in range(len(session.page_run.choices[wid][0]) * 2):  # warm: every option, both ways
                await session.change(wid, rng)
                await session.change(wid, rng, whole=True)
            for n in range(args.rounds):
                for whole in (False, True) if n % 2 == 0 else (True, False):
                    figures = await per_change(server, session, wid, whole, args.changes, rng)
                    results.setdefault((page, key, whole), []).append(figures)
        finally:
            await session.close()
        print(f"  {page} {key} done", file=sys.stderr, flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=20, help="changes per widget, way and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    options = argparse.Namespace(set=[], view_timeout=120, no_precompute=False)
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average) on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="cockpit-fragments-") as tmp:
        bench = load.Bench(options, Path(tmp))
        server = bench.start("app")
        started = time.monotonic()
        try:
            server.wait_ready()
            results = asyncio.run(measure(server, args))
        finally:
            server.stop()
    print(f"{time.monotonic() - started:.0f} s; load at the end {os.getloadavg()[0]:.2f}")
    print(f"per change, median of {args.rounds} rounds of {args.changes}: server CPU ms and wall ms (p50)")
    print(f"{'page':<11} {'widget':<17} {'whole page':>17} {'its part alone':>17} {'CPU ratio':>10}")
    for page, key in WIDGETS:
        whole = [statistics.median(v) for v in zip(*results[(page, key, True)], strict=True)]
        part = [statistics.median(v) for v in zip(*results[(page, key, False)], strict=True)]
        print(
            f"{page:<11} {key:<17} {whole[0]:>7.0f} / {whole[1]:>6.0f} {part[0]:>7.0f} / {part[1]:>6.0f}"
            f" {part[0] / whole[0]:>10.2f}"
        )


if __name__ == "__main__":
    main()
