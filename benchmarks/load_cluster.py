"""Leaders clicking through the app, through nginx in front of replicas and against one process (issue 22).

Starts a cluster with ``deploy/cluster.py`` (N replicas of ``python -m ui.serve`` on a throwaway PostgreSQL behind
Debian's nginx) and one more ``ui.serve`` process on the same database, both on loopback. Per level of concurrent
sessions, first against the one process, then through nginx, for ``--minutes`` each: every session is a tab
(``load_session.Session``: Streamlit's websocket protocol, no browser) that keeps its websocket open for the whole
step and, after a seeded random think time (``--think``, default 3-10 s: a leader reads a page before the next
click), opens another page or changes a select box or radio on the page in front of it (real widget states in the
``BackMsg``; a rerun with another query string would not do: the URL seeds a widget only on a session's first run).
Each interaction is timed from the request to the finished run.

During each step one more tab uploads a CSV with ``st.file_uploader``'s own exchange (cookies and XSRF header, through
the proxy); in the last level's cluster step, at ``--kill-at`` of its time, one replica is killed with SIGKILL:
the sessions on the other replicas are counted apart (they must see no error), a session on the killed one reopens
as a browser would (same cookie, a new session, which nginx hands to a replica that answers) and a second upload
runs after the kill. Prints per level and target p50 / p95, errors, RSS per replica and per session (growth of the
target's RSS while the step's sessions are open, over the sessions; "total": all its RSS over them).
Bounded: ``--minutes`` per step, every
interaction ``--timeout``; everything started is stopped at the end, also on failure.

    .venv/bin/python benchmarks/load_cluster.py                          # 10 / 25 / 50 sessions, 2 replicas
    .venv/bin/python benchmarks/load_cluster.py --levels 2 --minutes 0.3 --think 0.5 1 --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from load import PAGE, free_port
from load_session import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy import cluster as deploy  # noqa: E402
from ui.navigation import PAGES  # noqa: E402

LEADER_PAGES = ["overview", "indicators", "map", "forecast", "scenarios", "services", "briefing", "alerts"]
UPLOAD = ("gdp_2024.csv", '2024年分省地区生产总值（亿元）\n地区,2024年\n北京市,"49,843.1"\n'.encode("gbk"))
READ = "校验报告".encode()  # the data page's validation report: the app read the uploaded file
SLOW_MODEL = re.compile(r"_model=(ARIMA|Prophet)\b")  # the model box's options as drawn (ARIMA 模型, Prophet 模型)
GOALS = "goals: p95 < 1 s at 50 sessions with replicas · < 60 MB per session"


def rss_mb(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


@dataclass
class Step:
    """One level against one target: interactions as (seconds into the step, latency, replica), errors likewise."""

    target: str
    level: int
    done: list[tuple[float, float, str | None]] = field(default_factory=list)
    errors: list[tuple[float, str | None, str]] = field(default_factory=list)
    reopened: list[tuple[float, float, str | None]] = field(default_factory=list)  # after their replica died
    uploads: list[tuple[float, str | None, str]] = field(default_factory=list)  # (when, replica, "ok …" or error)
    rss_base: dict[str, float] = field(default_factory=dict)
    rss_peak: dict[str, float] = field(default_factory=dict)
    killed: tuple[float, str] | None = None  # (when, replica address)
    clicks: list[tuple[float, float, str]] = field(default_factory=list)  # (when, latency, what: page or widget=option)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values) or [float("nan")]
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


async def tab(port: int, step: Step, i: int, end: float, t0: float, args) -> None:
    """One leader: open a page, then until the step's end think and click (another page or another option)."""
    rng = random.Random(f"{args.seed}-{step.target}-{step.level}-{i}")
    await asyncio.sleep(rng.uniform(0, args.think[1]))  # tabs open over the first think time, not in one burst
    session, cookie, reopened = None, "", False
    while time.monotonic() < end:
        try:
            if session is None:
                session = Session(port, args.timeout, cookie)
                await session.open()
                cookie, widget, page = session.cookie, None, rng.choice(args.pages)
            elif session.changeable() and rng.random() < args.change_share:
                widget, page = rng.choice(session.changeable()), None
            else:
                widget, page = None, rng.choice([p for p in args.pages if p != session.page] or args.pages)
            started = time.monotonic() - t0
            on_page = session.page
            latency = await (session.change(widget, rng) if widget else session.open_page(page))
            (step.reopened if reopened else step.done).append((started, latency, session.replica))
            if widget:
                what = f"{on_page} · {widget.rsplit('-', 1)[-1]}={session.states[widget].string_value}"
            else:
                what = f"open {page}"
            step.clicks.append((started, latency, f"{what}{' (first)' if started < args.think[1] else ''}"))
        except Exception as exc:  # noqa: BLE001 - every failure is a figure here, the run goes on
            replica = session.replica if session else None
            step.errors.append((time.monotonic() - t0, replica, f"{type(exc).__name__}: {exc}"[:160]))
            if not isinstance(exc, RuntimeError):  # the connection failed (not the page): the browser reconnects
                if session is not None:
                    await session.close()
                session, reopened = None, step.killed is not None  # a new session, the same cookie
                continue
        await asyncio.sleep(rng.uniform(*args.think))
    if session is not None:
        await session.close()


async def upload(port: int, step: Step, at: float, t0: float, args) -> None:
    await asyncio.sleep(at)
    session = Session(port, args.timeout)
    try:
        await session.open()
        await session.open_page("data")
        seconds = await session.upload(*UPLOAD, READ)
        step.uploads.append(
            (time.monotonic() - t0, session.replica, f"ok {seconds:.2f} s via {session.replica or port}")
        )
    except Exception as exc:  # noqa: BLE001
        step.uploads.append((time.monotonic() - t0, session.replica, f"{type(exc).__name__}: {exc}"[:160]))
    finally:
        await session.close()


async def sample_rss(pids: dict[str, int], step: Step, end: float) -> None:
    while time.monotonic() < end and step.killed is None:
        for name, pid in pids.items():
            step.rss_peak[name] = max(step.rss_peak.get(name, 0.0), rss_mb(pid))
        await asyncio.sleep(2)


async def kill(running: deploy.Cluster, step: Step, at: float, t0: float) -> None:
    await asyncio.sleep(at)
    name = sorted(n for n in running.pids if n.startswith("replica-"))[-1]
    address = f"127.0.0.1:{running.replica_ports[int(name.split('-')[1]) - 1]}"
    os.killpg(running.pids[name], signal.SIGKILL)
    step.killed = (time.monotonic() - t0, address)
    print(f"  killed {name} ({address}) with SIGKILL at {step.killed[0]:.0f} s", file=sys.stderr, flush=True)


async def run_step(target: str, port: int, pids: dict[str, int], level: int, args, running=None) -> Step:
    step, seconds = Step(target, level), args.minutes * 60
    step.rss_base = {name: rss_mb(pid) for name, pid in pids.items()}
    t0 = time.monotonic()
    end = t0 + seconds
    jobs = [tab(port, step, i, end, t0, args) for i in range(level)]
    jobs += [sample_rss(pids, step, end), upload(port, step, 0.25 * seconds, t0, args)]
    if running is not None:
        jobs += [kill(running, step, args.kill_at * seconds, t0), upload(port, step, 0.8 * seconds, t0, args)]
    await asyncio.gather(*jobs)
    print(f"  {target} {level}: {len(step.done)} interactions, {len(step.errors)} errors", file=sys.stderr, flush=True)
    return step


async def warm(port: int, sessions: int, args) -> None:
    """Every page once in a few sessions (spread over the replicas by their cookies): caches are per process."""

    async def one() -> None:
        session = Session(port, args.timeout * 5)
        await session.open()
        for page in dict.fromkeys([PAGES[0].url_path, *args.pages, "data"]):
            try:
                await session.open_page(page)
            except RuntimeError as exc:  # shown in the steps' errors too; the warm-up goes on
                print(f"  warm-up: {exc}", file=sys.stderr, flush=True)
        await session.close()

    await asyncio.gather(*(one() for _ in range(sessions)))


def start_single(database_url: str, tmp: Path) -> tuple[subprocess.Popen, int]:
    """One ``ui.serve`` process on the cluster's database, started as a replica is."""
    port = free_port()
    env = {**os.environ, "COCKPIT_DATABASE_URL": database_url, "FORWARDED_ALLOW_IPS": "", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1", "--server.port", str(port)]
    with open(tmp / "single.log", "w") as log:
        proc = subprocess.Popen(
            [*cmd, "--server.headless", "true"], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
    deadline = time.monotonic() + deploy.START_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).close()
            return proc, port
        except OSError:
            time.sleep(0.5)
    deploy._stop_group(proc.pid)
    raise SystemExit(f"the single process did not start; see {tmp / 'single.log'}")


def summary(step: Step) -> dict:
    """The step's figures; in the kill step the main figures are those before the kill."""
    cut = step.killed[0] if step.killed else float("inf")
    before = [lat for t, lat, _ in step.done if t < cut]
    grown = sum(step.rss_peak.values()) - sum(step.rss_base.values())
    clicks = [(lat, what) for t, lat, what in step.clicks if t < cut]
    out = {
        "target": step.target,
        "sessions": step.level,
        "interactions": len(before),
        "p50_ms": pct(before, 0.5),
        "p95_ms": pct(before, 0.95),
        "errors": len([e for e in step.errors if e[0] < cut]),
        "rss_mb": {k: round(v) for k, v in step.rss_peak.items()},
        "mb_per_session": grown / step.level,
        "total_mb_per_session": sum(step.rss_peak.values()) / step.level,
        "uploads": [u[2] for u in step.uploads],
        "error_samples": sorted({e[2] for e in step.errors})[:3],
        # What the slowest clicks were: a page opened or a widget (by its key) changed; "(first)" within the first
        # think time of the step, while the tabs are still opening their first pages.
        "slowest": [f"{lat * 1000:.0f} ms {what}" for lat, what in sorted(clicks, reverse=True)[:8]],
        # The same clicks less those asking for a slow model (ARIMA, Prophet: a run over the indicator's regions,
        # 10-60 s, that the clicking session alone waits for): what the other clicks wait.
        "p95_not_slow_model_ms": pct([lat for lat, what in clicks if not SLOW_MODEL.search(what)], 0.95),
        "slow_model_clicks": sum(1 for _, what in clicks if SLOW_MODEL.search(what)),
    }
    if step.killed:
        dead = step.killed[1]
        after = [(lat, r) for t, lat, r in step.done if t >= cut]
        out["kill"] = {
            "replica": dead,
            "at_s": round(cut),
            "survivor_interactions": len([1 for _, r in after if r != dead]),
            "survivor_p95_ms": pct([lat for lat, r in after if r != dead], 0.95),
            "survivor_errors": len([e for e in step.errors if e[0] >= cut and e[1] != dead]),
            "killed_replica_errors": len([e for e in step.errors if e[0] >= cut and e[1] == dead]),
            "reopened_interactions": len(step.reopened),
            "reopened_on_dead": len([1 for *_, r in step.reopened if r == dead]),
            "reopened_p95_ms": pct([lat for _, lat, _ in step.reopened], 0.95),
            "uploads_after_kill": [u[2] for u in step.uploads if u[0] >= cut],
        }
    return out


def report(rows: list[dict], args) -> None:
    print(
        f"\nthink time {args.think[0]:g}-{args.think[1]:g} s (seeded, --seed {args.seed}), {args.minutes:g} min a step"
    )
    head = f"{'target':<13}{'sessions':>9}{'clicks':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}{'MB/session':>11}"
    print(f"{head}{'total':>7}  RSS MB")
    for r in rows:
        rss = " ".join(f"{k}={v}" for k, v in r["rss_mb"].items())
        print(
            f"{r['target']:<13}{r['sessions']:>9}{r['interactions']:>8}{r['p50_ms']:>8.0f}{r['p95_ms']:>8.0f}"
            f"{r['errors']:>7}{r['mb_per_session']:>11.1f}{r['total_mb_per_session']:>7.0f}  {rss}"
        )
        for sample in r["error_samples"]:
            print(f"    {sample}")
        print(f"    uploads: {'; '.join(r['uploads'])}")
        print(f"    slowest: {'; '.join(r['slowest'])}")
        print(
            f"    p95 without the {r['slow_model_clicks']} clicks asking for a slow model (ARIMA, Prophet): "
            f"{r['p95_not_slow_model_ms']:.0f} ms"
        )
        if "kill" in r:
            k = r["kill"]
            print(
                f"    {k['replica']} killed at {k['at_s']} s (figures above: before it). After: sessions on the other "
                f"replicas {k['survivor_interactions']} clicks, p95 {k['survivor_p95_ms']:.0f} ms, "
                f"{k['survivor_errors']} errors; sessions on the killed one {k['killed_replica_errors']} errors, "
                f"reopened as new sessions: {k['reopened_interactions']} clicks ({k['reopened_on_dead']} on the "
                f"dead replica), p95 {k['reopened_p95_ms']:.0f} ms; upload after the kill: "
                f"{'; '.join(k['uploads_after_kill'])}"
            )
    print(GOALS)


async def measure(running: deploy.Cluster, single: tuple[subprocess.Popen, int], args) -> list[Step]:
    replicas = {n: p for n, p in running.pids.items() if n.startswith("replica-")}
    targets = [("one process", single[1], {"process": single[0].pid}), ("cluster", running.port, replicas)]
    for _, port, pids in targets:
        await warm(port, 2 * len(pids), args)
    steps = []
    for level in args.levels:
        for name, port, pids in targets:
            killing = name == "cluster" and level == args.levels[-1] and args.kill_at > 0
            steps.append(await run_step(name, port, pids, level, args, running if killing else None))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=2, help="2 on a 2-core machine: one process per core")
    parser.add_argument("--levels", nargs="+", type=int, default=[10, 25, 50], help="concurrent sessions")
    parser.add_argument("--minutes", type=float, default=3.0, help="length of one step (a level on a target)")
    parser.add_argument("--think", nargs=2, type=float, default=[3.0, 10.0], metavar=("MIN", "MAX"))
    parser.add_argument("--change-share", type=float, default=0.7, help="share of clicks that change a widget")
    parser.add_argument("--pages", nargs="+", default=LEADER_PAGES, choices=[p.url_path for p in PAGES])
    parser.add_argument("--kill-at", type=float, default=0.5, help="share of the last cluster step (0: no kill)")
    parser.add_argument("--timeout", type=float, default=60, help="time bound of one interaction")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--no-precompute", action="store_true", help="skip `python -m precompute` on the store before the steps"
    )
    args = parser.parse_args()
    if args.replicas < 2 and args.kill_at > 0:
        parser.error("killing a replica needs --replicas 2 or more (or --kill-at 0)")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        print(f"load: {os.getloadavg()[0]:.2f} (1-minute average) on {os.cpu_count()} cores", flush=True)
        running = deploy.start(args.replicas, free_port(), state=tmp / "cluster")
        single = None
        try:
            if not args.no_precompute:  # as a deployment does once (README "Deployment"): the pages read the results
                env = {**os.environ, "COCKPIT_DATABASE_URL": running.database_url}
                started = time.monotonic()
                subprocess.run([sys.executable, "-m", "precompute"], cwd=ROOT, env=env, check=True, capture_output=True)
                print(f"precomputed the current data version in {time.monotonic() - started:.0f} s", flush=True)
            single = start_single(running.database_url, tmp)
            steps = asyncio.run(measure(running, single, args))
        finally:
            if single is not None:
                deploy._stop_group(single[0].pid)
            deploy.stop(tmp / "cluster")
    rows = [summary(s) for s in steps]
    report(rows, args)
    print(f"load at the end: {os.getloadavg()[0]:.2f} (1-minute average)")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
