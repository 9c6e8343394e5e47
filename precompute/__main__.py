"""``python -m precompute``: compute and store the current data version's results, with a progress line per step.

Uses the app's store ($COCKPIT_DATABASE_URL, else SQLite in $COCKPIT_DATA_DIR). Exit status 0 when the job is done
(or another process holds it), 1 when it failed or the data changed under it.
"""

from __future__ import annotations

import argparse
import sys
import time

from data.store import open_store
from precompute import job
from precompute.kinds import DEFAULT_KINDS, KINDS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m precompute", description=__doc__.splitlines()[0])
    parser.add_argument("--kind", action="append", choices=list(KINDS), help="only these kinds (repeatable)")
    parser.add_argument("--force", action="store_true", help="recompute even if done or held by another process")
    parser.add_argument("--every", type=int, default=50, help="print a progress line every N results (default 50)")
    args = parser.parse_args(argv)
    store, started = open_store(), time.perf_counter()
    version = store.data_version()
    print(f"precompute: data version {version}, store {store.url}", flush=True)

    def report(done: int, total: int, kind: str) -> None:
        if done % max(args.every, 1) == 0 or done == total:
            elapsed = time.perf_counter() - started
            print(f"precompute: {done}/{total} ({100 * done // total}%) {kind} · {elapsed:.0f} s", flush=True)

    status = job.run(store, kinds=args.kind or DEFAULT_KINDS, report=report, force=args.force)
    stored = store.precomputed.count(version)
    seconds = time.perf_counter() - started
    print(f"precompute: {status}; {stored} results stored for version {version} in {seconds:.0f} s")
    if status == "claimed":
        state = store.precomputed.latest()
        if state is not None:
            print(f"precompute: version {state.data_version} is {state.status} by {state.owner} ({state.percent}%)")
    return 0 if status in ("done", "claimed") else 1


if __name__ == "__main__":
    sys.exit(main())
