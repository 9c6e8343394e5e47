"""What a real server does under many sessions: a websocket client of `streamlit run`, no browser.

Starts the app (`python -m ui.serve`, which is `streamlit run app.py`, as `make run` does, on a free loopback port,
with the shipped data in a throw-away store) and, with `streamlit run`, a reference app that only draws a title.
Speaking Streamlit's own protocol (a `BackMsg.rerun_script` naming the page, then reading `ForwardMsg`s until
`script_finished`), it measures per page and number of concurrent sessions: p50 / p95 of a view, views per second, the
server's CPU per view (from /proc/<pid>/stat before and after) and, once per app, RSS per held session; plus cold
start to the first finished Overview. Every view is a new session (connect, rerun, finished, close), as a visitor
opening a link.

Bounded: each step stops after its views or after `--step-seconds`, each view after `--view-timeout`.

    .venv/bin/python benchmarks/load.py                       # all pages, 1/5/10/20 sessions, 3 rounds
    .venv/bin/python benchmarks/load.py --pages overview map --levels 1 20 --rounds 1
    .venv/bin/python benchmarks/load.py --set runner.postScriptGC=false   # any server option, both apps
    .venv/bin/python benchmarks/load.py --env COCKPIT_ADMIT=0             # every run at once (ui.admission)
    .venv/bin/python benchmarks/load.py --soak 30                         # RSS over 30 minutes of load
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ui.navigation import PAGES  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
REFERENCE = "import streamlit as st\n\nst.title('reference')\n"
GOALS = "goals: CPU/view ≤ reference + 60 ms · p95 at 20 sessions < 1 s · ≥ 15 views/s · cold start < 3 s"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `streamlit run` process on a free loopback port; CPU and RSS read from /proc. The app is started as
    `make run` starts it (`python -m ui.serve`), any other script with `streamlit run`."""

    def __init__(self, script: Path, env: dict[str, str], options: list[str], log: Path):
        self.port = free_port()
        self.started = time.perf_counter()
        flags = ["--server.port", str(self.port), "--browser.serverPort", str(self.port), "--server.headless", "true"]
        for option in options:
            name, _, value = option.partition("=")
            flags += [f"--{name}", value]
        self._log = log.open("ab")
        serve = script.name == "app.py" and (script.parent / "ui" / "serve.py").exists()
        command = ["-m", "ui.serve"] if serve else ["-m", "streamlit", "run", str(script)]
        self.proc = subprocess.Popen(
            [sys.executable, *command, *flags],
            cwd=ROOT,  # the project's .streamlit/config.toml applies to both apps
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120) -> float:
        """Seconds from start until /_stcore/health answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}; see {self._log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=1):
                    return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"server not ready after {timeout} s; see {self._log.name}")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime

    def rss_mb(self) -> float:
        return int(Path(f"/proc/{self.proc.pid}/statm").read_text().split()[1]) * PAGE / 2**20

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def rerun_message(page: str) -> bytes:
    """A browser's first message on opening /<page>: run the script for that page."""
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    # The default page is served at "/", whatever its url_path (st.navigation's rule).
    msg.rerun_script.page_name = "" if page == PAGES[0].url_path else page
    return msg.SerializeToString()


async def _read_until_finished(ws, timeout: float) -> str | None:
    """Read ForwardMsgs until the run finishes; the first exception shown on the page, or None."""
    error = None
    async with asyncio.timeout(timeout):
        async for raw in ws:
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
                error = error or msg.delta.new_element.exception.message
            elif kind == "page_not_found":
                error = error or "page not found"
            elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    error = error or "compile error"
                return error
    return error or "connection closed before the script finished"


async def view(port: int, page: str, timeout: float, hold: asyncio.Event | None = None, shown=None) -> float:
    """One page view in a new session: seconds from the rerun request to `script_finished`.

    With `hold`, the session stays connected until the event is set (to measure what held sessions cost), after
    putting its latency in `shown` (a queue).
    """
    async with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None) as ws:
        start = time.perf_counter()
        await ws.send(rerun_message(page))
        error = await _read_until_finished(ws, timeout)
        elapsed = time.perf_counter() - start
        if error:
            raise RuntimeError(f"{page or 'reference'}: {error}")
        if hold is not None:
            shown.put_nowait(elapsed)
            await hold.wait()
        return elapsed


@dataclass
class Step:
    """One page at one concurrency: view latencies, wall time and server CPU."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall

    @property
    def cpu_ms(self) -> float:
        return self.cpu / len(self.latencies) * 1000


async def load(server: Server, page: str, sessions: int, views: int, args) -> Step:
    """`sessions` workers, each opening new sessions one after another, `views` in all (or until the step's time)."""
    step, deadline = Step(), time.monotonic() + args.step_seconds
    per_worker = max(1, -(-views // sessions))

    async def worker() -> None:
        for _ in range(per_worker):
            if time.monotonic() > deadline:
                return
            step.latencies.append(await view(server.port, page, args.view_timeout))

    cpu0, t0 = server.cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(sessions)))
    step.wall, step.cpu = time.perf_counter() - t0, server.cpu_seconds() - cpu0
    return step


async def rss_per_session(server: Server, page: str, sessions: int, timeout: float) -> float:
    """MB of RSS per connected session that has shown `page` once."""
    await asyncio.sleep(1)
    before = server.rss_mb()
    hold, shown = asyncio.Event(), asyncio.Queue()
    tasks = [asyncio.create_task(view(server.port, page, timeout, hold, shown)) for _ in range(sessions)]
    for _ in range(sessions):
        await asyncio.wait_for(shown.get(), timeout)
    await asyncio.sleep(1)
    after = server.rss_mb()
    hold.set()
    await asyncio.gather(*tasks)
    return (after - before) / sessions


def median_step(steps: list[Step]) -> dict[str, float]:
    """Median over rounds of each figure."""
    figures = {
        "p50": [s.pct(0.5) for s in steps],
        "p95": [s.pct(0.95) for s in steps],
        "rate": [s.rate for s in steps],
        "cpu": [s.cpu_ms for s in steps],
    }
    return {name: statistics.median(values) for name, values in figures.items()}


class Bench:
    """The app and the reference, started the same way, with the shipped data in a throw-away store."""

    def __init__(self, args, tmp: Path):
        self.args, self.tmp = args, tmp
        self.env = {**os.environ, "COCKPIT_DATA_DIR": str(tmp / "data")}
        self.env.update(pair.split("=", 1) for pair in getattr(args, "env", []))
        self.reference = tmp / "reference.py"
        self.reference.write_text(REFERENCE)
        seed = "import data.store; data.store.open_store()"  # seeding is a first-install cost, not a start's
        subprocess.run([sys.executable, "-c", seed], cwd=ROOT, env=self.env, check=True)
        # As a running deployment has them (README "Deployment"): the pages read the results of the data version.
        if not getattr(args, "no_precompute", True):  # benchmarks/first_view.py precomputes itself
            started = time.monotonic()
            command = [sys.executable, "-m", "precompute"]
            subprocess.run(command, cwd=ROOT, env=self.env, check=True, capture_output=True)
            print(f"precomputed the shipped data in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)

    def start(self, name: str) -> Server:
        script = ROOT / "app.py" if name == "app" else self.reference
        return Server(script, self.env, self.args.set, self.tmp / f"{name}.log")

    def cold_start(self, name: str) -> tuple[float, float]:
        """Seconds to a healthy server and to the first finished Overview (title only: the reference)."""
        server = self.start(name)
        try:
            ready = server.wait_ready()
            asyncio.run(view(server.port, "overview" if name == "app" else "", self.args.view_timeout * 4))
            return ready, time.perf_counter() - server.started
        finally:
            server.stop()


async def measure(bench: Bench, app: Server, ref: Server, pages: list[str], args) -> dict:
    """Warm both apps, RSS per held session, then every page at every level, the reference beside it, per round."""
    # The home page first: until st.navigation has run once in the process, Streamlit takes the `pages/` folder for
    # an old-style multipage app and answers a deep link with page_not_found (then runs the home page).
    for page in dict.fromkeys([PAGES[0].url_path, *pages]):
        await view(app.port, page, args.view_timeout * 4)
    await view(ref.port, "", args.view_timeout)
    results: dict = {"rss": {}, "steps": {}}
    results["rss"]["app"] = await rss_per_session(app, "overview", args.hold, args.view_timeout * 4)
    results["rss"]["reference"] = await rss_per_session(ref, "", args.hold, args.view_timeout)
    for n in range(args.rounds):
        for level in args.levels:
            views = max(args.views, 2 * level)
            results["steps"].setdefault(("reference", level), []).append(await load(ref, "", level, views, args))
            for page in pages:
                results["steps"].setdefault((page, level), []).append(await load(app, page, level, views, args))
        print(f"  round {n + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    results["rss_end"] = {"app": app.rss_mb(), "reference": ref.rss_mb()}
    return results


def report(results: dict, pages: list[str], levels: list[int], cold: dict) -> None:
    print(f"\n{'page':<12}{'sessions':>9}{'p50 ms':>9}{'p95 ms':>9}{'views/s':>9}{'CPU ms/view':>13}{'− ref':>8}")
    for page in ["reference", *pages]:
        for level in levels:
            m, ref = median_step(results["steps"][(page, level)]), median_step(results["steps"][("reference", level)])
            extra = "" if page == "reference" else f"{m['cpu'] - ref['cpu']:>+8.0f}"
            print(f"{page:<12}{level:>9}{m['p50']:>9.0f}{m['p95']:>9.0f}{m['rate']:>9.1f}{m['cpu']:>13.0f}{extra}")
    for name in ("app", "reference"):
        held, end = results["rss"][name], results["rss_end"][name]
        print(f"{name}: RSS per held session {held:.2f} MB, RSS at the end {end:.0f} MB")
    for name, runs in cold.items():
        ready = statistics.median(r[0] for r in runs)
        first = statistics.median(r[1] for r in runs)
        print(f"{name}: cold start (median of {len(runs)}): server ready {ready:.1f} s, first view {first:.1f} s")
    print(GOALS)


async def soak(app: Server, pages: list[str], args) -> None:
    """`args.soak_sessions` workers cycling through the pages; RSS printed every `args.soak_every` seconds."""
    end, done = time.monotonic() + args.soak * 60, [0]
    for page in dict.fromkeys([PAGES[0].url_path, *pages]):  # the home page first, as in measure()
        await view(app.port, page, args.view_timeout * 4)

    async def worker(offset: int) -> None:
        i = offset
        while time.monotonic() < end:
            await view(app.port, pages[i % len(pages)], args.view_timeout)
            done[0], i = done[0] + 1, i + 1

    async def monitor() -> None:
        start, rss = time.monotonic(), []
        print(f"{'minute':>7}{'views':>8}{'views/s':>9}{'RSS MB':>9}", flush=True)
        last_views, last_t = 0, start
        while time.monotonic() < end:
            await asyncio.sleep(min(args.soak_every, max(0.0, end - time.monotonic())))
            now, views = time.monotonic(), done[0]
            rss.append(app.rss_mb())
            rate = (views - last_views) / (now - last_t)
            print(f"{(now - start) / 60:>7.1f}{views:>8}{rate:>9.1f}{rss[-1]:>9.0f}", flush=True)
            last_views, last_t = views, now
        half = rss[len(rss) // 2 :]
        print(f"RSS: first {rss[0]:.0f} MB, max {max(rss):.0f} MB, last {rss[-1]:.0f} MB; "
              f"second half {min(half):.0f}–{max(half):.0f} MB")  # fmt: skip

    await asyncio.gather(monitor(), *(worker(i) for i in range(args.soak_sessions)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    urls = [p.url_path for p in PAGES]
    parser.add_argument("--pages", nargs="+", default=urls, choices=urls)
    parser.add_argument("--levels", nargs="+", type=int, default=[1, 5, 10, 20], help="concurrent sessions")
    parser.add_argument("--views", type=int, default=10, help="views per step (at least 2 per session)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every step; medians are reported")
    parser.add_argument("--cold-runs", type=int, default=3, help="server starts for the cold start figure")
    parser.add_argument("--hold", type=int, default=20, help="sessions held open to measure RSS per session")
    parser.add_argument("--step-seconds", type=float, default=90, help="time bound of one step")
    parser.add_argument("--view-timeout", type=float, default=60, help="time bound of one view")
    parser.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE", help="a server option")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="an environment variable")
    parser.add_argument(
        "--no-precompute", action="store_true", help="skip `python -m precompute` on the store (a first start)"
    )
    parser.add_argument("--soak", type=float, metavar="MINUTES", help="only the soak: RSS under load over time")
    parser.add_argument("--soak-sessions", type=int, default=5)
    parser.add_argument("--soak-every", type=float, default=60, help="seconds between RSS lines")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        bench = Bench(args, Path(name))
        load_now, options = os.getloadavg()[0], args.set + args.env
        print(f"load: {load_now:.2f} (1-minute average) on {os.cpu_count()} cores; options {options}")
        if args.soak:
            app = bench.start("app")
            try:
                app.wait_ready()
                asyncio.run(soak(app, args.pages, args))
            finally:
                app.stop()
            return
        cold = {name: [bench.cold_start(name) for _ in range(args.cold_runs)] for name in ("app", "reference")}
        app, ref = bench.start("app"), bench.start("reference")
        try:
            app.wait_ready(), ref.wait_ready()
            results = asyncio.run(measure(bench, app, ref, args.pages, args))
        finally:
            app.stop(), ref.stop()
        report(results, args.pages, args.levels, cold)
        print(f"load at the end: {os.getloadavg()[0]:.2f} (1-minute average)")


if __name__ == "__main__":
    main()
