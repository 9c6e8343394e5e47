"""Maps benchmark: first-call boundary preparation, figure build time and JSON payload per map (median of runs).

Run: ``.venv/bin/python benchmarks/maps.py``. Prints one line per map, then every province's city map (its
preparation on first call, then the warm build); exits non-zero when a payload passes 1 MB.
"""

from __future__ import annotations

import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import load_observations  # noqa: E402
from indicators.metadata import catalogue  # noqa: E402
from maps import choropleth, city_levels, region_shapes  # noqa: E402

RUNS = 7
PAYLOAD_LIMIT = 1_000_000
CASES = [
    ("china", "gdp", 2022, "quantiles"),
    ("china", "budget_exp_education", 2023, "natural_breaks"),
    ("world", "egdi", 2024, "natural_breaks"),
    ("world", "wb_gdp_usd", 2022, "equal_interval"),
]


def median_seconds(call, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    obs = load_observations()
    start = time.perf_counter()
    region_shapes("china"), region_shapes("world")
    print(f"boundary preparation (first call, cached after): {time.perf_counter() - start:.2f} s")
    too_big = False
    for level, indicator_id, year, scheme in CASES:
        meta = catalogue().get(indicator_id)
        build = median_seconds(partial(choropleth, obs, level, meta, year, scheme, 5))
        fig = choropleth(obs, level, meta, year, scheme, 5)
        payload = len(fig.to_json())
        serialise = median_seconds(fig.to_json)
        too_big |= payload > PAYLOAD_LIMIT
        print(
            f"{level:5} {indicator_id:22} {year} {scheme:15} build {build * 1000:6.0f} ms"
            f"  to_json {serialise * 1000:5.0f} ms  payload {payload / 1000:6.0f} kB"
        )
    too_big |= city_maps(obs)
    return 1 if too_big else 0


def city_maps(obs, indicator_id: str = "city_population", year: int = 2020) -> bool:
    """Every province's city map: first call (reading and preparing its geometry), warm build, payload."""
    meta, builds, too_big = catalogue().get(indicator_id), [], False
    for province in city_levels():
        start = time.perf_counter()
        fig = choropleth(obs, province, meta, year)
        first = time.perf_counter() - start
        build = median_seconds(partial(choropleth, obs, province, meta, year), runs=5)
        payload = len(fig.to_json())
        too_big |= payload > PAYLOAD_LIMIT
        builds.append(build)
        print(
            f"{province} {indicator_id:22} {year} first {first * 1000:6.0f} ms  warm build {build * 1000:5.0f} ms"
            f"  payload {payload / 1000:5.0f} kB"
        )
    print(
        f"city maps of {len(builds)} provinces: warm build median {statistics.median(builds) * 1000:.0f} ms, "
        f"slowest {max(builds) * 1000:.0f} ms"
    )
    return too_big


if __name__ == "__main__":
    sys.exit(main())
