"""Store benchmark: seeding, the cold-start read of all current observations, and a large upload (median of runs).

Run: ``.venv/bin/python benchmarks/store.py`` (SQLite in a temporary folder), or with
``--url postgresql+psycopg://…`` to time a PostgreSQL server (the schema must be empty; tables are created).
Prints one line per measurement.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import load_observations  # noqa: E402
from data.access import SYSTEM  # noqa: E402
from data.loaders import load_wb_wdi  # noqa: E402
from data.store import Store  # noqa: E402
from data.upload import commit, prepare, specs_from_units  # noqa: E402

RUNS = 5


def median_seconds(call, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="database URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        store = Store.open(url)
        print(f"backend {store.backend}")
        seconds, seeded = timed(store.seed)
        rows = len(store.observations())
        print(f"seed shipped datasets ({len(seeded)} datasets, {rows:,} rows): {seconds:.2f} s (once, first start)")
        print(f"seed check when already seeded: {median_seconds(store.seed) * 1000:.0f} ms")
        print(f"read all current observations: {median_seconds(store.observations) * 1000:.0f} ms")
        print(f"  (for comparison, parsing the shipped CSVs: {median_seconds(load_observations, 3) * 1000:.0f} ms)")
        one = median_seconds(lambda: store.observations(["cn_prov_panel"]))
        print(f"read one dataset (cn_prov_panel): {one * 1000:.0f} ms")
        print(f"dataset list with coverage: {median_seconds(store.stored_datasets) * 1000:.0f} ms")

        wdi = load_wb_wdi()  # an 86 000-row long CSV upload of a whole dataset, revised by 1 %
        revised = wdi.assign(value=wdi["value"] * 1.01, period=wdi["period"].dt.strftime("%Y"))
        content = revised.to_csv(index=False).encode("utf-8")
        specs = specs_from_units(
            {i: set() for i in wdi["indicator_id"].unique()}, freqs={i: "A" for i in wdi["indicator_id"].unique()}
        )
        seconds, upload = timed(lambda: prepare(content, "wdi.csv", indicators=specs, dataset_id="wb_wdi", store=store))
        size = len(content) / 1e6
        print(f"prepare a {size:.1f} MB long CSV ({len(wdi):,} rows): {seconds:.2f} s; report ok: {upload.ok}")
        seconds, info = timed(lambda: commit(store, upload, actor=SYSTEM))
        print(f"commit it as version {info.number} ({info.diff.changed:,} changed): {seconds:.2f} s")
        seconds, _ = timed(lambda: store.rollback("wb_wdi", 1, actor=SYSTEM))
        print(f"rollback to version 1: {seconds * 1000:.0f} ms")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
